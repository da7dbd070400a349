//! One module per command; [`dispatch`] picks the one the user asked for.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Cli, Command, GlobalOpts};
use crate::error::CliError;
use crate::output::{display_path, Output};
use crate::project::{Project, ResolvedUrl};
use schema_core::migration::{MigrationFile, RevisionGraph};
use schema_runtime::Migrator;

pub mod apply;
pub mod autogen;
pub mod baseline;
pub mod graph;
pub mod import;
pub mod init;
pub mod lint;
pub mod models;
pub mod pull;
pub mod revision;

/// What every command gets: the options, the project and the printer.
pub struct Ctx<'a> {
    /// Global flags.
    pub global: &'a GlobalOpts,
    /// The located project.
    pub project: Project,
    /// The printer.
    pub out: &'a Output,
}

impl Ctx<'_> {
    /// The database URL, resolved and parsed; a command calls this once.
    pub fn database_url(&self) -> Result<ResolvedUrl, CliError> {
        self.project
            .database_url(self.global.database_url.as_deref())
    }
}

/// Runs the parsed command.
pub fn dispatch(cli: &Cli, out: &Output) -> Result<ExitCode, CliError> {
    let project = Project::locate(&cli.global)?;
    let ctx = Ctx {
        global: &cli.global,
        project,
        out,
    };
    match &cli.command {
        Command::Init => init::run(&ctx),
        Command::Models => models::run(&ctx),
        Command::Lint {
            files,
            all: _,
            dialect,
        } => lint::run(&ctx, files, dialect.as_deref()),
        Command::Pull(args) => pull::run(&ctx, args),
        Command::Revision(args) => revision::revision(&ctx, args),
        Command::Merge { message, revisions } => revision::merge(&ctx, message, revisions),
        Command::Baseline { message } => baseline::baseline(&ctx, message),
        Command::History { range, verbose } => graph::history(&ctx, range.as_deref(), *verbose),
        Command::Heads => graph::heads(&ctx),
        Command::Branches => graph::branches(&ctx),
        Command::Show { rev } => graph::show(&ctx, rev),
        Command::Upgrade { target, opts } => apply::apply(&ctx, apply::Direction::Up, target, opts),
        Command::Downgrade { target, opts } => {
            apply::apply(&ctx, apply::Direction::Down, target, opts)
        }
        Command::Stamp { target, rehash } => {
            apply::stamp(&ctx, target.as_deref(), rehash.as_deref())
        }
        Command::Current { verbose } => apply::current(&ctx, *verbose),
        Command::Check => autogen::check_or_diff(&ctx, false),
        Command::Diff => autogen::check_or_diff(&ctx, true),
        Command::Import(args) => import::run(&ctx, args),
    }
}

/// The migrations directory, relative to the current directory when it is
/// below it (so file names in messages stay short); an error that suggests
/// `init` when it does not exist.
pub fn migrations_dir(ctx: &Ctx) -> Result<PathBuf, CliError> {
    let dir = ctx.project.migrations_dir();
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "no migrations directory at {}: run `cargo schema init`, or point --migrations-dir / `migrations_dir` at it",
            display_path(&dir)
        )));
    }
    Ok(PathBuf::from(display_path(&dir)))
}

/// A migrator over the project's migrations directory.
pub fn load_migrator(ctx: &Ctx) -> Result<Migrator, CliError> {
    Ok(Migrator::from_dir(migrations_dir(ctx)?)?)
}

/// The revision graph of the migrations directory.
pub fn load_graph(ctx: &Ctx) -> Result<RevisionGraph, CliError> {
    Ok(load_migrator(ctx)?.graph()?.clone())
}

/// The graph plus the parsed files (for validating a new file against them).
/// A missing directory is an empty graph: `revision` creates it.
pub fn load_graph_for_write(
    ctx: &Ctx,
) -> Result<(RevisionGraph, Vec<(String, MigrationFile)>), CliError> {
    let graph = if ctx.project.migrations_dir().is_dir() {
        load_graph(ctx)?
    } else {
        RevisionGraph::new(Vec::new())?
    };
    let files = graph
        .revisions()
        .iter()
        .map(|r| (r.origin.clone(), r.file.clone()))
        .collect();
    Ok((graph, files))
}
