//! The whole command-line surface, as clap derive structs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Alembic-grade schema migrations for Rust.
#[derive(Debug, Parser)]
#[command(
    name = "cargo schema",
    bin_name = "cargo schema",
    version,
    about = "Alembic-grade schema migrations for Rust: autogenerate from #[derive(Model)], upgrade, downgrade, ..."
)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: GlobalOpts,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args, Clone)]
pub struct GlobalOpts {
    /// Database URL (overrides the env var and `database_url` in the config).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Path to the package's Cargo.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Workspace package holding the migrations and models.
    #[arg(short = 'p', long, global = true, value_name = "SPEC")]
    pub package: Option<String>,
    /// Migrations directory (overrides `migrations_dir` in the config).
    #[arg(long, global = true, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only errors and warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose_global")]
    pub quiet: bool,
    /// Print more detail (statements as they run, timings).
    #[arg(
        short = 'v',
        long = "verbose-output",
        global = true,
        id = "verbose_global"
    )]
    pub verbose: bool,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Stable JSON (current, history, heads, check, diff, ...).
    Json,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal only.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--transaction`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransactionArg {
    /// Each migration and its version row commit together.
    PerMigration,
    /// Every pending migration in one all-or-nothing transaction.
    All,
}

/// `--lock-mode`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LockModeArg {
    /// Database session lock (advisory lock, GET_LOCK, immediate transaction).
    Session,
    /// A lease row in `<version table>_lock`, taken and renewed in short
    /// transactions: works through PgBouncer in transaction mode.
    Table,
}

/// A `--statement-timeout` value.
fn duration_arg(text: &str) -> Result<std::time::Duration, String> {
    schema_core::migration::parse_duration(text).ok_or_else(|| {
        format!("`{text}` is not a duration; write e.g. `30s`, `500ms`, `5min` or `1h`")
    })
}

/// A `--lease` value: a duration longer than zero.
fn lease_arg(text: &str) -> Result<std::time::Duration, String> {
    match duration_arg(text)? {
        d if d.is_zero() => Err("a lease must last longer than zero".to_string()),
        d => Ok(d),
    }
}

/// Options of the commands that apply migrations.
#[derive(Debug, Args, Clone)]
pub struct ApplyOpts {
    /// Print the SQL that would run (version-table statements included)
    /// without connecting to the database.
    #[arg(long)]
    pub sql: bool,
    /// Connect and show the plan, but change nothing.
    #[arg(long, conflicts_with = "sql")]
    pub dry_run: bool,
    /// Seconds to wait for the migration lock.
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<u64>,
    /// How long each statement of a migration may run, and wait for a
    /// lock, on the server: `30s`, `500ms`, `5min` (a file's
    /// `statement_timeout:` / `lock_timeout:` header wins).
    #[arg(long, value_name = "DURATION", value_parser = duration_arg)]
    pub statement_timeout: Option<std::time::Duration>,
    /// How the migration lock is taken.
    #[arg(long, value_enum)]
    pub lock_mode: Option<LockModeArg>,
    /// How long the lease of `--lock-mode table` lasts from each renewal
    /// (default 30s): a crashed runner holds others back at most this long.
    #[arg(long, value_name = "DURATION", value_parser = lease_arg)]
    pub lease: Option<std::time::Duration>,
    /// Transaction per migration (default) or one for all.
    #[arg(long, value_enum)]
    pub transaction: Option<TransactionArg>,
    /// Fail on checksum problems instead of warning.
    #[arg(long)]
    pub strict: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the migrations directory and the [package.metadata.schema] table.
    Init,
    /// Create a new migration file.
    Revision(RevisionArgs),
    /// Apply migrations up to TARGET (default: head).
    Upgrade {
        /// head, heads, a revision, a prefix, label@head, +N, REV+N.
        #[arg(default_value = "head")]
        target: String,
        /// How to apply.
        #[command(flatten)]
        opts: ApplyOpts,
    },
    /// Revert migrations down to TARGET (default: -1).
    Downgrade {
        /// base, a revision, a prefix, -N, REV-N.
        #[arg(default_value = "-1", allow_hyphen_values = true)]
        target: String,
        /// How to apply.
        #[command(flatten)]
        opts: ApplyOpts,
    },
    /// Show the applied head(s), pending migrations and checksum problems.
    Current {
        /// Show every applied revision with its checksum and time.
        #[arg(long)]
        verbose: bool,
    },
    /// Show the revision history, newest first.
    History {
        /// A range `A:B` (either side may be empty, `base`, `head`, `current`).
        #[arg(short = 'r', long = "rev-range", value_name = "A:B")]
        range: Option<String>,
        /// Show every header field.
        #[arg(long)]
        verbose: bool,
    },
    /// Show the current heads of the revision graph.
    Heads,
    /// Show the branch points of the revision graph.
    Branches,
    /// Show one revision: header and SQL.
    Show {
        /// A revision id, prefix, `head` or `base`.
        rev: String,
    },
    /// Write one migration creating the live database's current schema and
    /// stamp that database at it (adopting an existing database).
    Baseline {
        /// Message of the baseline migration.
        #[arg(short, long)]
        message: String,
    },
    /// Set the version table to TARGET without running any SQL.
    Stamp {
        /// head, base, a revision, ...
        #[arg(required_unless_present = "rehash")]
        target: Option<String>,
        /// Accept the current contents of an applied migration whose file was
        /// deliberately edited (updates its checksum).
        #[arg(long, value_name = "REV")]
        rehash: Option<String>,
    },
    /// Create an empty migration joining several heads.
    Merge {
        /// Message of the merge migration.
        #[arg(short, long)]
        message: String,
        /// Revisions to join, or `heads`.
        #[arg(required = true)]
        revisions: Vec<String>,
    },
    /// Exit 1 and list the operations when the models differ from the database.
    Check,
    /// Print the SQL autogenerate would write, without writing a file.
    Diff,
    /// Check migrations for statements that block writes on a large table
    /// or break a running application (exit 1 on findings).
    Lint {
        /// Migration files to check (default: every one).
        files: Vec<PathBuf>,
        /// Check every migration (the default when no file is named).
        #[arg(long, conflicts_with = "files")]
        all: bool,
        /// The dialect whose rules apply (default: `dialects` in the
        /// config, else the database URL's, without connecting).
        #[arg(long, value_name = "DIALECT")]
        dialect: Option<String>,
    },
    /// List the models found in the package.
    Models,
    /// Write #[derive(Model)] structs for the live database's tables.
    Pull(PullArgs),
    /// Convert another tool's migration history (sqlx, diesel, refinery,
    /// dbmate, golang-migrate) into migration files, and stamp what that
    /// tool's table says was applied.
    Import(ImportArgs),
}

/// `pull` arguments.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Write the models to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE when it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Only the tables matching these glob patterns (`*`, `?`).
    #[arg(long, value_name = "PATTERN", num_args = 1..)]
    pub tables: Vec<String>,
}

/// `import` arguments.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tool that wrote DIR.
    #[arg(long = "from", value_enum, value_name = "TOOL")]
    pub from: crate::import::Tool,
    /// That tool's migrations directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// That tool's history table, when not its default (`_sqlx_migrations`,
    /// `__diesel_schema_migrations`, `refinery_schema_history`,
    /// `schema_migrations`).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Convert the files only: do not read the database or stamp.
    #[arg(long)]
    pub no_stamp: bool,
}

/// `revision` arguments.
#[derive(Debug, Args)]
pub struct RevisionArgs {
    /// Message (also the file name's slug).
    #[arg(short, long)]
    pub message: String,
    /// Compare models with the live database and write the difference.
    #[arg(long)]
    pub autogenerate: bool,
    /// The revision to build on (default: the single head; `base` starts a
    /// new root, e.g. for a separate branch).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// A branch label for the new revision.
    #[arg(long, value_name = "LABEL")]
    pub branch_label: Vec<String>,
    /// Revisions this one depends on without being their child.
    #[arg(long, value_name = "REV")]
    pub depends_on: Vec<String>,
    /// Write an empty migration to fill in by hand (what `revision` does
    /// without `--autogenerate`; says so explicitly in scripts).
    #[arg(long, conflicts_with = "autogenerate")]
    pub empty: bool,
    /// With `--autogenerate`: write the migration even when no model is
    /// found and it would drop every table of the database.
    #[arg(long, requires = "autogenerate")]
    pub allow_drop_all: bool,
}
