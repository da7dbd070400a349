//! One module per command; [`dispatch`] picks the one the user asked for.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{Cli, Command, GlobalOpts};
use crate::error::CliError;
use crate::output::Output;
use crate::project::{display_relative, Project};
use schema_core::migration::{MigrationFile, RevisionGraph};

pub mod apply;
pub mod autogen;
pub mod graph;
pub mod init;
pub mod models;
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
    /// A path for messages: relative to the current directory when below it.
    pub fn show(&self, path: &Path) -> String {
        display_relative(path)
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
        Command::Revision(args) => revision::revision(&ctx, args),
        Command::Merge { message, revisions } => revision::merge(&ctx, message, revisions),
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
    }
}

/// Reads and parses every `*.sql` file of the migrations directory, sorted by
/// name. A missing directory is an empty list.
pub fn read_migration_files(ctx: &Ctx) -> Result<Vec<(String, MigrationFile)>, CliError> {
    let dir = ctx.project.migrations_dir();
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .map_err(|e| CliError::io(&dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "sql"))
        .collect();
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let text = fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
        let origin = ctx.show(&path);
        let file = MigrationFile::parse(&text, &origin)?;
        files.push((origin, file));
    }
    Ok(files)
}

/// The revision graph of the migrations directory; a missing directory is an
/// error that suggests `init`.
pub fn load_graph(ctx: &Ctx) -> Result<RevisionGraph, CliError> {
    let dir = ctx.project.migrations_dir();
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "no migrations directory at {}: run `cargo schema init`, or point --migrations-dir / `migrations_dir` at it",
            ctx.show(&dir)
        )));
    }
    Ok(RevisionGraph::new(read_migration_files(ctx)?)?)
}

/// The graph plus the parsed files (for validating a new file against them).
pub fn load_graph_for_write(
    ctx: &Ctx,
) -> Result<(RevisionGraph, Vec<(String, MigrationFile)>), CliError> {
    let files = read_migration_files(ctx)?;
    let graph = RevisionGraph::new(files.clone())?;
    Ok((graph, files))
}
