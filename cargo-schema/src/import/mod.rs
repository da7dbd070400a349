//! Another tool's migration history, read into ours for `cargo schema
//! import`.
//!
//! Everything here is pure: the command reads the tool's directory into a
//! [`SourceDir`] and its history table into rows; this module parses the
//! directory's layout ([`parse_layout`]), checks the rows against it
//! ([`applied_count`]) and makes our migration files ([`convert`]).

mod applied;
mod convert;
mod layout;

pub use applied::applied_count;
pub use convert::{convert, revision_id, ImportedFile};
pub use layout::parse_layout;

/// A migration tool whose history can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tool {
    /// sqlx-cli: `<version>_<description>.sql`, or `.up.sql` with `.down.sql`.
    Sqlx,
    /// diesel_cli: `<version>_<name>/up.sql`, `down.sql`, `metadata.toml`.
    Diesel,
    /// refinery: `V<version>__<name>.sql`.
    Refinery,
    /// dbmate: `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down`.
    Dbmate,
    /// golang-migrate: `<version>_<title>.up.sql` and `.down.sql`.
    GolangMigrate,
}

impl Tool {
    /// The name users type after `--from`.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
            Tool::Dbmate => "dbmate",
            Tool::GolangMigrate => "golang-migrate",
        }
    }

    /// The table in which the tool records what it applied, unless
    /// configured otherwise.
    pub fn history_table(self) -> &'static str {
        match self {
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Refinery => "refinery_schema_history",
            Tool::Dbmate | Tool::GolangMigrate => "schema_migrations",
        }
    }

    /// The boolean column of that table that tells a good row from a bad
    /// one: sqlx's `success`, golang-migrate's `dirty`.
    pub fn flag_column(self) -> Option<&'static str> {
        match self {
            Tool::Sqlx => Some("success"),
            Tool::GolangMigrate => Some("dirty"),
            Tool::Diesel | Tool::Refinery | Tool::Dbmate => None,
        }
    }

    /// The file names the tool reads, for error messages.
    pub fn expected_layout(self) -> &'static str {
        match self {
            Tool::Sqlx => "`<version>_<description>.sql` (simple) or `<version>_<description>.up.sql` with `<version>_<description>.down.sql` (reversible), with an integer version",
            Tool::Diesel => "one directory per migration, `<version>_<name>/` (e.g. `2023-01-01-120000_create_users/`), holding `up.sql` and optionally `down.sql` and `metadata.toml`",
            Tool::Refinery => "`V<version>__<name>.sql` (e.g. `V1__initial.sql`), with an integer version",
            Tool::Dbmate => "`<version>_<name>.sql` (e.g. `20230101120000_create_users.sql`) with a `-- migrate:up` section and optionally a `-- migrate:down` section",
            Tool::GolangMigrate => "`<version>_<title>.up.sql` and optionally `<version>_<title>.down.sql` (e.g. `000001_create_users.up.sql`), with an integer version",
        }
    }
}

/// The files of the tool's migrations directory, as the command read them.
/// Hidden entries (`.keep`, `.gitkeep`) are left out by the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceDir {
    /// Every file, with its path relative to the directory (`/`-separated).
    pub files: Vec<SourceFile>,
    /// Every directory below it, relative and `/`-separated.
    pub dirs: Vec<String>,
}

/// One file of a [`SourceDir`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the migrations directory, `/`-separated.
    pub path: String,
    /// The file's text.
    pub text: String,
}

impl SourceDir {
    /// A directory holding `files` (path, text); the directories are
    /// those the paths name.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> SourceDir {
        let mut dir = SourceDir::default();
        for (path, text) in files {
            let mut parent = path;
            while let Some((p, _)) = parent.rsplit_once('/') {
                if !dir.dirs.iter().any(|d| d == p) {
                    dir.dirs.push(p.to_string());
                }
                parent = p;
            }
            dir.files.push(SourceFile {
                path: path.to_string(),
                text: text.to_string(),
            });
        }
        dir.dirs.sort();
        dir
    }
}

/// One migration of the other tool, in its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMigration {
    /// The version exactly as the tool writes it into its history table
    /// (`20230101120000`, `1`).
    pub version: String,
    /// A message made from the migration's name (`create users`).
    pub name: String,
    /// The up SQL, without surrounding blank lines.
    pub up: String,
    /// The down SQL; `None` when the tool has no down for it.
    pub down: Option<String>,
    /// Whether the migration runs inside a transaction.
    pub transaction: bool,
    /// Why `transaction` is `false`, for the file's comment block.
    pub transaction_note: Option<String>,
    /// The source files, relative to the directory.
    pub files: Vec<String>,
}

/// Why an import cannot go ahead, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

impl ImportError {
    fn new(message: impl Into<String>) -> ImportError {
        ImportError(message.into())
    }
}
