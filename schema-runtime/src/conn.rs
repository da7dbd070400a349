//! One connection type over diesel's SQLite, PostgreSQL and MySQL
//! connections, whichever of them this build compiles in.
//!
//! [`Connection::open`] picks the backend from a [`DatabaseUrl`] and lets
//! it open the connection (the backend modules own how each database is
//! opened); this module only holds the opened connection and the few
//! queries every layer above it issues.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::query_dsl::RunQueryDsl;
use diesel::QueryableByName;
use schema_core::dialect::Dialect;
use schema_core::migration::SplitOptions;
use schema_core::url::{Backend, DatabaseUrl, UrlError};

#[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
pub use crate::driver::MysqlConnection;
#[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
pub use crate::driver::PgConnection;
use crate::driver::Run;
use crate::error::{db_message, Error, Result};

/// Busy timeout set on every SQLite connection (the migrator raises it to the
/// lock timeout while it waits for the write lock).
pub const DEFAULT_SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How to treat a SQLite file that does not exist yet: the core's type, so
/// the command's wish and the URL's `mode=` are combined in one place
/// ([`DatabaseUrl::sqlite_open`]).
pub use schema_core::url::OpenMode;

/// Anything that names a database: a parsed [`DatabaseUrl`] (used as is) or
/// URL text (`&str`, `String`), parsed once on the way in.
///
/// Every [`Migrator`](crate::Migrator) command takes one, so application code
/// can pass `std::env::var("DATABASE_URL")?` straight through while a caller
/// that already parsed the URL hands over the [`DatabaseUrl`] itself.
pub trait AsDatabaseUrl {
    /// The parsed URL, borrowed when it already is one.
    fn as_database_url(&self) -> std::result::Result<Cow<'_, DatabaseUrl>, UrlError>;
}

impl AsDatabaseUrl for DatabaseUrl {
    fn as_database_url(&self) -> std::result::Result<Cow<'_, DatabaseUrl>, UrlError> {
        Ok(Cow::Borrowed(self))
    }
}

impl AsDatabaseUrl for str {
    fn as_database_url(&self) -> std::result::Result<Cow<'_, DatabaseUrl>, UrlError> {
        DatabaseUrl::parse(self).map(Cow::Owned)
    }
}

impl AsDatabaseUrl for String {
    fn as_database_url(&self) -> std::result::Result<Cow<'_, DatabaseUrl>, UrlError> {
        self.as_str().as_database_url()
    }
}

impl<T: AsDatabaseUrl + ?Sized> AsDatabaseUrl for &T {
    fn as_database_url(&self) -> std::result::Result<Cow<'_, DatabaseUrl>, UrlError> {
        (**self).as_database_url()
    }
}

/// The diesel connection of one backend.
pub(crate) enum Inner {
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::sqlite::SqliteConnection),
    #[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
    Postgres(crate::driver::PgHandle),
    #[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
    Mysql(crate::driver::MysqlHandle),
    /// Keeps the enum inhabited-looking in a build with no backend at all
    /// (the derive and `embed_migrations!` still work there).
    #[allow(dead_code)]
    Never(std::convert::Infallible),
}

/// A row type every compiled-in backend can load.
pub(crate) trait Row: SqliteRow + PgRow + MysqlRow + Send + 'static {}
impl<T: SqliteRow + PgRow + MysqlRow + Send + 'static> Row for T {}

/// Declares `$name` as "loadable from `$db`" when `$feature` is on, and as
/// nothing otherwise, so [`Row`] names only the backends of this build.
macro_rules! row_for {
    ($name:ident, $db:ty, $($feature:literal),+) => {
        #[cfg(any($(feature = $feature),+))]
        pub(crate) trait $name: QueryableByName<$db> {}
        #[cfg(any($(feature = $feature),+))]
        impl<T: QueryableByName<$db>> $name for T {}
        #[cfg(not(any($(feature = $feature),+)))]
        pub(crate) trait $name {}
        #[cfg(not(any($(feature = $feature),+)))]
        impl<T> $name for T {}
    };
}
row_for!(SqliteRow, diesel::sqlite::Sqlite, "sqlite");
row_for!(PgRow, diesel::pg::Pg, "postgres", "postgres-libpq");
row_for!(
    MysqlRow,
    diesel::mysql::Mysql,
    "mysql",
    "mysql-libmysqlclient"
);

/// A live connection to one of the three backends.
pub struct Connection {
    inner: Inner,
    url: DatabaseUrl,
    /// A missing SQLite file opened with [`OpenMode::ExistingOrEmpty`].
    stand_in: Option<PathBuf>,
    /// Whether the SQL run through this connection left a transaction
    /// open (tracked where the backend reads only inside transactions).
    in_transaction: bool,
    /// Set by the backend that opened the connection: its row-returning
    /// queries outside a transaction get one of their own, and `batch`
    /// tracks whether a transaction is open (see [`Connection::load`]).
    reads_in_transaction: Option<SplitOptions>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("database", &self.describe())
            .finish()
    }
}

/// Runs `$e` with `$c` bound to the diesel connection, whichever it is.
macro_rules! dispatch {
    ($self:expr, $c:ident => $e:expr) => {
        match &mut $self.inner {
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(h) => h.run(|$c| $e),
            #[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
            Inner::Postgres(h) => h.run(|$c| $e),
            #[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
            Inner::Mysql(h) => h.run(|$c| $e),
            Inner::Never(never) => match *never {},
        }
    };
}

impl Connection {
    /// An opened diesel connection for `url` (the backend modules open them).
    pub(crate) fn from_parts(
        inner: Inner,
        url: &DatabaseUrl,
        stand_in: Option<PathBuf>,
    ) -> Connection {
        Connection {
            inner,
            url: url.clone(),
            stand_in,
            in_transaction: false,
            reads_in_transaction: None,
        }
    }

    /// Makes the runtime's own row-returning queries run inside a
    /// transaction when none is open; `options` split the SQL text this
    /// connection runs, to see which statements open or end one.
    pub(crate) fn read_in_transactions(&mut self, options: SplitOptions) {
        self.reads_in_transaction = Some(options);
    }

    /// The server family.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The SQL dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        self.url.dialect()
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
    pub fn stand_in(&self) -> Option<&Path> {
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
        #[cfg(feature = "sqlite")]
        if let Inner::Sqlite(c) = &mut self.inner {
            c.batch_execute(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
                .map_err(|e| db_error_for(&self.url, "setting the SQLite busy timeout", &e))?;
        }
        let _ = timeout;
        Ok(())
    }

    /// Runs `f` on the underlying diesel SQLite connection, for your own
    /// queries; `None` for other databases.
    #[cfg(feature = "sqlite")]
    pub fn with_sqlite<R: Send>(
        &mut self,
        f: impl FnOnce(&mut diesel::sqlite::SqliteConnection) -> R + Send,
    ) -> Option<R> {
        match &mut self.inner {
            Inner::Sqlite(c) => Some(c.run(f)),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Runs `f` on the underlying diesel PostgreSQL connection (see
    /// [`PgConnection`] for which driver it is), for your own queries;
    /// `None` for other databases. Safe to call inside a tokio runtime.
    #[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
    pub fn with_pg<R: Send>(&mut self, f: impl FnOnce(&mut PgConnection) -> R + Send) -> Option<R> {
        match &mut self.inner {
            Inner::Postgres(c) => Some(c.run(f)),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Runs `f` on the underlying diesel MySQL connection (see
    /// [`MysqlConnection`] for which driver it is), for your own queries;
    /// `None` for other databases. Safe to call inside a tokio runtime.
    #[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
    pub fn with_mysql<R: Send>(
        &mut self,
        f: impl FnOnce(&mut MysqlConnection) -> R + Send,
    ) -> Option<R> {
        match &mut self.inner {
            Inner::Mysql(c) => Some(c.run(f)),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    // -- crate-internal helpers ------------------------------------------

    /// Executes SQL text, keeping diesel's error for the caller to word.
    /// Where the backend reads only inside transactions, notes whether the
    /// text opened or ended one.
    pub(crate) fn batch(&mut self, sql: &str) -> diesel::QueryResult<()> {
        let result = self.raw_batch(sql);
        if let Some(options) = self.reads_in_transaction {
            match transaction_effect(sql, options) {
                Some(open) if result.is_ok() => self.in_transaction = open,
                // A failed COMMIT or ROLLBACK still ends the transaction.
                Some(false) => self.in_transaction = false,
                _ => {}
            }
        }
        result
    }

    fn raw_batch(&mut self, sql: &str) -> diesel::QueryResult<()> {
        dispatch!(self, c => c.batch_execute(sql))
    }

    fn raw_load<T: Row>(&mut self, sql: &str) -> diesel::QueryResult<Vec<T>> {
        dispatch!(self, c => diesel::sql_query(sql).load::<T>(c))
    }

    /// Whether the SQL run through this connection left a transaction open
    /// (known only where the backend reads inside transactions).
    pub(crate) fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// Loads rows of a `#[derive(QueryableByName)]` struct. Where the
    /// backend that opened the connection asked for it, a query outside a
    /// transaction gets one of its own.
    pub(crate) fn load<T: Row>(&mut self, sql: &str) -> diesel::QueryResult<Vec<T>> {
        if self.in_transaction || self.reads_in_transaction.is_none() {
            return self.raw_load(sql);
        }
        self.batch("BEGIN")?;
        match self.raw_load(sql) {
            Ok(rows) => {
                self.batch("COMMIT")?;
                Ok(rows)
            }
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Wraps a diesel error with what we were doing and where.
    pub(crate) fn db_error(&self, action: &str, e: &diesel::result::Error) -> Error {
        db_error_for(&self.url, action, e)
    }
}

/// Whether `sql` leaves a transaction open (`Some(true)`: its last
/// transaction statement is `BEGIN`/`START TRANSACTION`), closed
/// (`Some(false)`: `COMMIT`, `END`, `ROLLBACK`, `ABORT`, `PREPARE
/// TRANSACTION`), or does not say (`None`).
fn transaction_effect(sql: &str, options: SplitOptions) -> Option<bool> {
    let lower = sql.to_ascii_lowercase();
    if ![
        "begin", "start", "commit", "end", "rollback", "abort", "prepare",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        return None;
    }
    let mut effect = None;
    for st in schema_core::migration::split_statements_with(sql, 1, options) {
        let words: Vec<String> = st
            .sql
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .take(2)
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let second = words.get(1).map(String::as_str);
        match words.first().map(String::as_str) {
            Some("begin") => effect = Some(true),
            Some("start") if second == Some("transaction") => effect = Some(true),
            Some("commit" | "end" | "abort") if second != Some("prepared") => effect = Some(false),
            Some("rollback") if !matches!(second, Some("to" | "prepared")) => effect = Some(false),
            Some("prepare") if second == Some("transaction") => effect = Some(false),
            _ => {}
        }
    }
    effect
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

/// `p` made absolute against the working directory (for messages).
pub(crate) fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn transaction_statements_are_recognised() {
        let o = schema_core::migration::SplitOptions::default();
        assert_eq!(transaction_effect("BEGIN", o), Some(true));
        assert_eq!(
            transaction_effect("begin isolation level serializable", o),
            Some(true)
        );
        assert_eq!(transaction_effect("START TRANSACTION", o), Some(true));
        assert_eq!(transaction_effect("COMMIT", o), Some(false));
        assert_eq!(transaction_effect("ROLLBACK", o), Some(false));
        assert_eq!(transaction_effect("ROLLBACK TO SAVEPOINT a", o), None);
        assert_eq!(
            transaction_effect("BEGIN; SELECT 1; COMMIT", o),
            Some(false)
        );
        assert_eq!(transaction_effect("SELECT 'begin'", o), None);
        assert_eq!(transaction_effect("CREATE TABLE t (x INT)", o), None);
        assert_eq!(
            transaction_effect(
                "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql",
                o
            ),
            None
        );
    }

    #[test]
    fn urls_in_every_spelling_parse_once() {
        let parsed = DatabaseUrl::parse("sqlite::memory:").unwrap();
        assert!(matches!(
            parsed.as_database_url().unwrap(),
            Cow::Borrowed(_)
        ));
        assert_eq!(*"sqlite::memory:".as_database_url().unwrap(), parsed);
        assert_eq!(
            *String::from("sqlite::memory:").as_database_url().unwrap(),
            parsed
        );
        assert!("nope://x".as_database_url().is_err());
    }
}
