//! The CLI's errors: [`CliError`], mapped to documented exit codes, and the
//! located [`ModelError`]s that model discovery collects.

use std::path::{Path, PathBuf};

use crate::output::display_path;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad command-line usage (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A malformed `Cargo.toml` or `[package.metadata.schema]`.
    #[error("{}: {message}", path.display())]
    Config {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No URL from any of the three sources.
    #[error("no database URL: pass --database-url, set {env_var} (in the environment or a .env file), or set `database_url` in [package.metadata.schema]")]
    NoDatabaseUrl {
        /// The env var that was consulted.
        env_var: String,
    },
    /// Model attribute errors, each with file:line:column.
    #[error("{}", models_message(.0))]
    Models(Vec<ModelError>),
    /// A database URL that cannot be used.
    #[error(transparent)]
    Url(#[from] schema_core::url::UrlError),
    /// Migration files or the revision graph.
    #[error(transparent)]
    Migration(#[from] schema_core::migration::MigrationError),
    /// Errors from the runtime (connecting, applying, introspecting).
    #[error(transparent)]
    Runtime(#[from] schema_runtime::Error),
    /// Anything else, already phrased for people.
    #[error("{0}")]
    Other(String),
}

/// One problem found while discovering models, with its location.
#[derive(Debug, Clone)]
pub struct ModelError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            display_path(&self.file),
            self.line,
            self.column,
            self.message
        )
    }
}

fn models_message(errors: &[ModelError]) -> String {
    let n = errors.len();
    let mut s = format!("{n} model error{} found:", if n == 1 { "" } else { "s" });
    for e in errors {
        s.push_str("\n  ");
        s.push_str(&e.to_string());
    }
    s
}

impl CliError {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// The process exit code: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}
