//! The one error type of the runtime.
//!
//! Every variant says what failed, where (revision, file, line, database)
//! and, where one exists, what to do next. No variant ever holds a password:
//! database targets are stored in their redacted form.

use std::path::PathBuf;
use std::time::Duration;

use schema_core::migration::MigrationError;
use schema_core::url::UrlError;

/// Result alias for the runtime.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while connecting, introspecting, locking or
/// applying migrations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL could not be parsed.
    #[error(transparent)]
    Url(#[from] UrlError),

    /// The connection could not be established.
    #[error("cannot connect to {database}: {message}{}", hint_suffix(hint))]
    Connect {
        /// The redacted target (`postgres://app:***@db/app`, `sqlite app.db`).
        database: String,
        /// The driver's message.
        message: String,
        /// What to try next, if we know.
        hint: Option<String>,
    },

    /// The URL names a database whose driver this build does not include.
    #[error(
        "{database}: this build has no {name} driver; enable the `{feature}` feature of \
         schema-runtime (`schema-runtime = {{ version = \"{version}\", features = [\"{feature}\"] }}`), \
         or install the CLI with `cargo install cargo-schema --features {feature}`"
    )]
    BackendNotCompiled {
        /// The redacted target.
        database: String,
        /// The database's name for people (`PostgreSQL`).
        name: &'static str,
        /// The Cargo feature that compiles its driver in.
        feature: &'static str,
        /// This crate's version, for the line to paste.
        version: &'static str,
    },

    /// A query the runtime itself issued failed (reading the version table,
    /// introspection, locking).
    #[error("{action} failed on {database}: {message}")]
    Database {
        /// What the runtime was doing, e.g. `reading the version table`.
        action: String,
        /// The redacted target.
        database: String,
        /// The database's own message.
        message: String,
    },

    /// A statement of a migration failed; the migration was rolled back
    /// (or, on MySQL, recorded as dirty — see
    /// [`MigrationFailure::applied_statements`]).
    #[error("{0}")]
    Migration(Box<MigrationFailure>),

    /// A revision is recorded as dirty (a previous run failed half-way on a
    /// database without transactional DDL).
    #[error(
        "revision {revision} ({file}) is marked dirty in `{version_table}`: a previous run failed: {message}\n  \
         fix the database by hand (or fix forward), then run `cargo schema stamp {revision}` to mark it applied, \
         or `cargo schema stamp <its parent>` to run it again"
    )]
    Dirty {
        /// The revision id.
        revision: String,
        /// Its file, when known.
        file: String,
        /// The version table.
        version_table: String,
        /// The account recorded with the dirty mark.
        message: String,
    },

    /// `PRAGMA foreign_key_check` found violations after a SQLite migration;
    /// it was rolled back.
    #[error(
        "migration {revision} ({file}) leaves foreign keys violated, so it was rolled back:\n  {}",
        violations.join("\n  ")
    )]
    ForeignKeyViolation {
        /// The revision id.
        revision: String,
        /// The migration file.
        file: String,
        /// One line per violation (`table rowid N -> parent`).
        violations: Vec<String>,
    },

    /// The migration lock could not be acquired in time.
    #[error(
        "could not acquire the migration lock on {database} within {}s{}; another migrator is running \
         (raise the lock timeout, or check that it is not stuck)",
        waited.as_secs(),
        holder.as_ref().map(|h| format!(" (held by {h})")).unwrap_or_default()
    )]
    LockTimeout {
        /// The redacted target.
        database: String,
        /// How long we waited.
        waited: Duration,
        /// Who holds it, when the database can tell.
        holder: Option<String>,
    },

    /// The migration lease (`LockMode::Table`) stopped being ours while the
    /// run went on: it expired (renewals failed) and another runner took it
    /// over. The run stopped before its next migration.
    #[error(
        "lost the migration lease on {database}: {message}; the run stopped before its next \
         migration (a lease lasts 30 s by default from each renewal: check that this process \
         can reach the database, or give it a longer lease)"
    )]
    LockLost {
        /// The redacted target.
        database: String,
        /// What the renewal found.
        message: String,
    },

    /// The session lock does not stay with one server session: the
    /// connection goes through a pooler in transaction mode (PgBouncer),
    /// where only the lease (`LockMode::Table`) keeps migrators apart.
    #[error(
        "the migration lock cannot be trusted on {database}: {detail}. The connection goes \
         through a pooler in transaction mode (such as PgBouncer), which hands each transaction \
         to any server session, so a session lock keeps no other migrator out. Use the lease \
         lock instead: lock_mode = \"table\" in [package.metadata.schema], `--lock-mode table`, \
         or `Migrator::lock_mode(LockMode::Table)`"
    )]
    SessionLockUnsupported {
        /// The redacted target.
        database: String,
        /// What was seen.
        detail: String,
    },

    /// Migration files could not be parsed or linked into a graph, or a
    /// target could not be resolved.
    #[error(transparent)]
    Migrations(#[from] MigrationError),

    /// Applied revisions disagree with the migration files (strict mode).
    #[error("checksum problems (strict mode):\n  {}\n  if the edits were deliberate, run `cargo schema stamp --rehash <rev>`", problems.join("\n  "))]
    Checksum {
        /// One line per problem.
        problems: Vec<String>,
    },

    /// The requested operation is not possible in this state (e.g. a
    /// read-only database, an in-memory database for `--sql`).
    #[error("{0}")]
    Invalid(String),

    /// The models ask for what the database cannot do (an index attribute
    /// or a column type only another dialect has); nothing was generated.
    #[error(
        "the models ask for what {dialect} cannot do:\n  {}\n  change the models for {dialect} \
         (or leave {dialect} out of the project's `dialects`)",
        problems.join("\n  ")
    )]
    UnsupportedByDialect {
        /// The dialect's name.
        dialect: String,
        /// One line per index attribute or column.
        problems: Vec<String>,
    },

    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Where and why a migration failed (boxed in [`Error::Migration`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFailure {
    /// The revision id.
    pub revision: String,
    /// The migration file (or its embedded path).
    pub file: String,
    /// The 1-based line of the failing statement in the file.
    pub line: usize,
    /// The failing statement, shortened to one line.
    pub statement: String,
    /// The database's own message.
    pub message: String,
    /// Whether the migration's changes were rolled back.
    pub rolled_back: bool,
    /// Lines of the statements of this migration that had already taken
    /// effect and were *not* rolled back (MySQL/MariaDB DDL auto-commits).
    pub applied_statements: Vec<usize>,
    /// What to do next.
    pub hint: Option<String>,
}

impl std::fmt::Display for MigrationFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "migration {} failed at {}:{}: {}\n  statement: {}{}{}",
            self.revision,
            self.file,
            self.line,
            self.message,
            self.statement,
            applied_note(&self.applied_statements, self.rolled_back),
            hint_suffix(&self.hint)
        )
    }
}

fn hint_suffix(hint: &Option<String>) -> String {
    match hint {
        Some(h) => format!("\n  hint: {h}"),
        None => String::new(),
    }
}

fn applied_note(applied: &[usize], rolled_back: bool) -> String {
    if rolled_back {
        "\n  the migration was rolled back; nothing of it was applied".to_string()
    } else if applied.is_empty() {
        "\n  no statement of this migration took effect".to_string()
    } else {
        let lines: Vec<String> = applied.iter().map(|l| format!("line {l}")).collect();
        format!(
            "\n  these statements already took effect and were NOT rolled back (DDL auto-commits): {}",
            lines.join(", ")
        )
    }
}

/// Shortens a statement to one line of at most 120 characters, for messages.
pub(crate) fn one_line(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 120 {
        let cut: String = flat.chars().take(117).collect();
        format!("{cut}...")
    } else {
        flat
    }
}

/// The database's own message from a diesel error.
pub(crate) fn db_message(e: &diesel::result::Error) -> String {
    match e {
        diesel::result::Error::DatabaseError(_, info) => {
            let mut m = info.message().to_string();
            if let Some(d) = info.details() {
                m.push_str(&format!(" ({d})"));
            }
            if let Some(h) = info.hint() {
                m.push_str(&format!(" [hint: {h}]"));
            }
            m
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_error_names_everything() {
        let e = Error::Migration(Box::new(MigrationFailure {
            revision: "5ec6405addd0".into(),
            file: "migrations/x.sql".into(),
            line: 12,
            statement: one_line("CREATE TABLE\n  users (id int)"),
            message: "near \"int\": syntax error".into(),
            rolled_back: true,
            applied_statements: vec![],
            hint: None,
        }));
        let s = e.to_string();
        assert!(
            s.starts_with("migration 5ec6405addd0 failed at migrations/x.sql:12: near"),
            "{s}"
        );
        assert!(s.contains("statement: CREATE TABLE users (id int)"), "{s}");
        assert!(s.contains("rolled back"), "{s}");
    }

    #[test]
    fn mysql_partial_failure_lists_applied_lines() {
        let e = Error::Migration(Box::new(MigrationFailure {
            revision: "r".into(),
            file: "f.sql".into(),
            line: 9,
            statement: "ALTER TABLE t ADD x INT".into(),
            message: "boom".into(),
            rolled_back: false,
            applied_statements: vec![3, 6],
            hint: Some("fix forward".into()),
        }));
        let s = e.to_string();
        assert!(s.contains("line 3, line 6"), "{s}");
        assert!(s.contains("NOT rolled back"), "{s}");
        assert!(s.ends_with("hint: fix forward"), "{s}");
    }

    #[test]
    fn one_line_shortens() {
        assert_eq!(one_line("a\n   b\tc"), "a b c");
        let long = "x ".repeat(200);
        assert_eq!(one_line(&long).chars().count(), 120);
    }

    #[test]
    fn lock_timeout_mentions_holder() {
        let e = Error::LockTimeout {
            database: "postgres://u:***@h/db".into(),
            waited: Duration::from_secs(60),
            holder: Some("pid 42 (app) from 10.0.0.1".into()),
        };
        let s = e.to_string();
        assert!(
            s.contains("within 60s (held by pid 42 (app) from 10.0.0.1)"),
            "{s}"
        );
    }
}
