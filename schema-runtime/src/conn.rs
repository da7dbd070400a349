//! One connection type over diesel's sync SQLite, PostgreSQL and MySQL
//! connections, opened from a [`DatabaseUrl`].

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::mysql::MysqlConnection;
use diesel::pg::PgConnection;
use diesel::query_builder::QueryFragment;
use diesel::query_builder::QueryId;
use diesel::query_dsl::RunQueryDsl;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection as _, QueryableByName};
use schema_core::url::{Backend, DatabaseUrl};

use crate::error::{db_message, Error, Result};

/// Busy timeout set on every SQLite connection (the migrator raises it to the
/// lock timeout while it waits for the write lock).
pub const DEFAULT_SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How to treat a SQLite file that does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create it (`upgrade`, `stamp`), unless the URL says `mode=rw`/`mode=ro`.
    CreateMissing,
    /// It must exist (unless the URL says `mode=rwc`).
    Existing,
    /// Read-only commands: a missing file is an empty database, and it is
    /// *not* created (an empty in-memory database stands in for it).
    ExistingOrEmpty,
}

enum Inner {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
    Mysql(MysqlConnection),
}

/// A live connection to one of the three backends.
pub struct Connection {
    inner: Inner,
    url: DatabaseUrl,
    /// A missing SQLite file opened with [`OpenMode::ExistingOrEmpty`].
    stand_in: Option<PathBuf>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("database", &self.describe())
            .finish()
    }
}

macro_rules! dispatch {
    ($self:expr, $c:ident => $e:expr) => {
        match &mut $self.inner {
            Inner::Sqlite($c) => $e,
            Inner::Postgres($c) => $e,
            Inner::Mysql($c) => $e,
        }
    };
}

impl Connection {
    /// Parses `url` and connects, creating a missing SQLite file.
    pub fn establish(url: &str) -> Result<Connection> {
        Connection::open(&DatabaseUrl::parse(url)?, OpenMode::CreateMissing)
    }

    /// Connects for a read-only command: a missing SQLite file is treated as
    /// an empty database without creating it (see [`Connection::stand_in`]).
    pub fn open_existing_or_empty(url: &DatabaseUrl) -> Result<Connection> {
        Connection::open(url, OpenMode::ExistingOrEmpty)
    }

    /// Connects to `url`.
    pub fn open(url: &DatabaseUrl, mode: OpenMode) -> Result<Connection> {
        let inner = match url.backend() {
            Backend::Sqlite => {
                if let (OpenMode::ExistingOrEmpty, Some(path)) = (mode, url.sqlite_path()) {
                    if !path.exists() {
                        let conn = SqliteConnection::establish(":memory:")
                            .map_err(|e| connect_error(url, e.to_string()))?;
                        return Ok(Connection {
                            inner: Inner::Sqlite(conn),
                            url: url.clone(),
                            stand_in: Some(absolute(path)),
                        });
                    }
                }
                let create = url.sqlite_creates_missing(mode == OpenMode::CreateMissing);
                if let Some(path) = url.sqlite_path() {
                    if create {
                        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                            if !dir.exists() {
                                return Err(connect_error_hint(
                                    url,
                                    format!("directory {} does not exist", dir.display()),
                                    "create the directory first; the migrator creates the database file, not its directory",
                                ));
                            }
                        }
                    } else if !path.exists() {
                        return Err(connect_error_hint(
                            url,
                            format!("database file {} does not exist", absolute(path).display()),
                            "run `cargo schema upgrade` to create it, or add `?mode=rwc` to the URL",
                        ));
                    }
                }
                let mut conn = SqliteConnection::establish(&url.diesel_url(create))
                    .map_err(|e| connect_error(url, e.to_string()))?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}",
                    DEFAULT_SQLITE_BUSY_TIMEOUT.as_millis()
                ))
                .map_err(|e| connect_error(url, db_message(&e)))?;
                Inner::Sqlite(conn)
            }
            Backend::Postgres => Inner::Postgres(
                PgConnection::establish(&url.diesel_url(false))
                    .map_err(|e| server_connect_error(url, e.to_string()))?,
            ),
            Backend::Mysql => Inner::Mysql(
                MysqlConnection::establish(&url.diesel_url(false))
                    .map_err(|e| server_connect_error(url, e.to_string()))?,
            ),
        };
        Ok(Connection {
            inner,
            url: url.clone(),
            stand_in: None,
        })
    }

    /// The server family.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The SQL dialect of this connection.
    pub fn dialect(&self) -> schema_core::dialect::Dialect {
        self.backend().dialect()
    }

    /// The URL this connection was opened from.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// One line for humans: `sqlite /abs/path/app.db` or the redacted URL.
    pub fn describe(&self) -> String {
        describe(&self.url)
    }

    /// When a missing SQLite file was opened with
    /// [`OpenMode::ExistingOrEmpty`]: its absolute path. The connection is then
    /// an empty in-memory database.
    pub fn stand_in(&self) -> Option<&std::path::Path> {
        self.stand_in.as_deref()
    }

    /// Lines worth showing the user once: dropped URL parameters, and a
    /// missing SQLite file treated as empty.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.url.notes().to_vec();
        if let Some(p) = &self.stand_in {
            notes.push(format!(
                "{} does not exist; treated as an empty database (not created)",
                p.display()
            ));
        }
        notes
    }

    /// Runs one or more `;`-separated statements, returning no rows.
    pub fn execute(&mut self, sql: &str) -> Result<()> {
        self.batch(sql)
            .map_err(|e| self.db_error("executing SQL", &e))
    }

    /// Sets SQLite's busy timeout (no-op on servers).
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        if let Inner::Sqlite(c) = &mut self.inner {
            c.batch_execute(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
                .map_err(|e| db_error_for(&self.url, "setting the SQLite busy timeout", &e))?;
        }
        Ok(())
    }

    /// The underlying diesel SQLite connection, for your own queries.
    pub fn as_sqlite_mut(&mut self) -> Option<&mut SqliteConnection> {
        match &mut self.inner {
            Inner::Sqlite(c) => Some(c),
            _ => None,
        }
    }

    /// The underlying diesel PostgreSQL connection, for your own queries.
    pub fn as_pg_mut(&mut self) -> Option<&mut PgConnection> {
        match &mut self.inner {
            Inner::Postgres(c) => Some(c),
            _ => None,
        }
    }

    /// The underlying diesel MySQL connection, for your own queries.
    pub fn as_mysql_mut(&mut self) -> Option<&mut MysqlConnection> {
        match &mut self.inner {
            Inner::Mysql(c) => Some(c),
            _ => None,
        }
    }

    // -- crate-internal helpers ------------------------------------------

    /// Executes SQL text, keeping diesel's error for the caller to word.
    pub(crate) fn batch(&mut self, sql: &str) -> diesel::QueryResult<()> {
        dispatch!(self, c => c.batch_execute(sql))
    }

    /// Loads rows of a `#[derive(QueryableByName)]` struct.
    pub(crate) fn load<T>(&mut self, sql: &str) -> diesel::QueryResult<Vec<T>>
    where
        T: QueryableByName<diesel::sqlite::Sqlite>
            + QueryableByName<diesel::pg::Pg>
            + QueryableByName<diesel::mysql::Mysql>
            + 'static,
        diesel::query_builder::SqlQuery: QueryFragment<diesel::sqlite::Sqlite>
            + QueryFragment<diesel::pg::Pg>
            + QueryFragment<diesel::mysql::Mysql>
            + QueryId,
    {
        dispatch!(self, c => diesel::sql_query(sql).load::<T>(c))
    }

    /// Wraps a diesel error with what we were doing and where.
    pub(crate) fn db_error(&self, action: &str, e: &diesel::result::Error) -> Error {
        db_error_for(&self.url, action, e)
    }
}

pub(crate) fn db_error_for(url: &DatabaseUrl, action: &str, e: &diesel::result::Error) -> Error {
    Error::Database {
        action: action.to_string(),
        database: describe(url),
        message: db_message(e),
    }
}

/// `sqlite /abs/path/app.db`, `sqlite :memory:` or the redacted URL.
pub fn describe(url: &DatabaseUrl) -> String {
    match url.sqlite_path() {
        Some(p) => format!("sqlite {}", absolute(p).display()),
        None => url.to_string(),
    }
}

fn absolute(p: &std::path::Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn connect_error(url: &DatabaseUrl, message: String) -> Error {
    Error::Connect {
        database: describe(url),
        message,
        hint: None,
    }
}

fn connect_error_hint(url: &DatabaseUrl, message: String, hint: &str) -> Error {
    Error::Connect {
        database: describe(url),
        message,
        hint: Some(hint.to_string()),
    }
}

fn server_connect_error(url: &DatabaseUrl, message: String) -> Error {
    let message = scrub(url, message.trim().to_string());
    let lower = message.to_ascii_lowercase();
    let hint = if lower.contains("does not exist") || lower.contains("unknown database") {
        Some(format!(
            "create the database first (e.g. `CREATE DATABASE {}`)",
            url.database().unwrap_or("<name>")
        ))
    } else if lower.contains("password") || lower.contains("access denied") {
        Some(
            "check the user name and password in the URL (percent-encode special characters)"
                .to_string(),
        )
    } else if lower.contains("connection refused") || lower.contains("can't connect") {
        Some("is the server running and reachable at that host and port?".to_string())
    } else {
        None
    };
    Error::Connect {
        database: describe(url),
        message,
        hint,
    }
}

/// Drivers sometimes echo the connection string; never let a password out.
fn scrub(url: &DatabaseUrl, message: String) -> String {
    let full = url.diesel_url(false);
    if message.contains(&full) {
        message.replace(&full, &url.redacted())
    } else {
        message
    }
}

/// Quotes `s` as a SQL string literal for `backend`.
pub fn sql_literal(backend: Backend, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("''"),
            // MySQL treats backslash as an escape unless NO_BACKSLASH_ESCAPES.
            '\\' if backend == Backend::Mysql => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(sql_literal(Backend::Sqlite, "it's"), "'it''s'");
        assert_eq!(sql_literal(Backend::Postgres, r"a\b"), r"'a\b'");
        assert_eq!(sql_literal(Backend::Mysql, r"a\b'"), r"'a\\b'''");
    }

    #[test]
    fn missing_file_is_not_created_for_read_only_commands() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
        let mut c = Connection::open_existing_or_empty(&url).unwrap();
        assert_eq!(c.stand_in(), Some(path.as_path()));
        assert!(c.notes()[0].contains("treated as an empty database"));
        c.execute("CREATE TABLE t (x INTEGER)").unwrap();
        assert!(!path.exists(), "stand-in must not create the file");

        let err = Connection::open(&url, OpenMode::Existing)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("does not exist") && err.contains("mode=rwc"),
            "{err}"
        );
        assert!(!path.exists());

        let mut c = Connection::open(&url, OpenMode::CreateMissing).unwrap();
        c.execute("CREATE TABLE t (x INTEGER)").unwrap();
        assert!(path.exists());
        assert!(c.stand_in().is_none());
        assert_eq!(c.describe(), format!("sqlite {}", path.display()));
    }

    #[test]
    fn explicit_mode_rw_refuses_to_create() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rw", path.display())).unwrap();
        assert!(Connection::open(&url, OpenMode::CreateMissing).is_err());
        assert!(!path.exists());
    }

    #[test]
    fn missing_directory_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope/app.db");
        let err = Connection::establish(&format!("sqlite://{}", path.display()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("directory") && err.contains("does not exist"),
            "{err}"
        );
    }

    #[test]
    fn execute_reports_database_message() {
        let mut c = Connection::establish("sqlite::memory:").unwrap();
        let err = c.execute("CREATE TABLE (").unwrap_err().to_string();
        assert!(
            err.contains("executing SQL failed on sqlite :memory:"),
            "{err}"
        );
        assert!(err.contains("syntax error"), "{err}");
    }
}
