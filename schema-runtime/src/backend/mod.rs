//! One module per database, in the shape of sqlx's per-driver `Migrate`:
//! each of [`sqlite`], [`postgres`] and [`mysql`] owns how a connection is
//! opened, the migration lock, the transaction strategy, the queries on the
//! version table (its DDL is the dialect's) and the entry into
//! introspection. The migration engine is a loop over the [`Migrate`] hooks
//! and never asks which database it talks to; [`of`] is the one place that
//! picks.

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::time::Duration;

use diesel::sql_types::{Nullable, Text};
use diesel::QueryableByName;
use schema_core::dialect::{Dialect, ServerVersion};
use schema_core::migration::{Revision, SplitOptions};
use schema_core::url::DatabaseUrl;
use schema_core::Schema;

use crate::conn::{describe, Connection, OpenMode};
use crate::error::{Error, Result};
use crate::holder::LeaseOwner;
use crate::sink::Sink;

/// How long each statement of a migration may wait for a lock, and run,
/// on the server; `None` leaves the server's own setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TimeLimits {
    /// PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout` (and InnoDB's
    /// row-lock wait).
    pub(crate) lock: Option<Duration>,
    /// PostgreSQL `statement_timeout`, MariaDB `max_statement_time`.
    pub(crate) statement: Option<Duration>,
}

impl TimeLimits {
    /// Whether any limit is set.
    pub(crate) fn any(&self) -> bool {
        self.lock.is_some() || self.statement.is_some()
    }
}

/// One text column, `who`: the answer of [`Migrate::blockers`]' query.
#[derive(QueryableByName)]
pub(crate) struct WhoRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) who: Option<String>,
}

/// What the engine needs from one database.
pub(crate) trait Migrate: Sync {
    /// The SQL dialect this backend speaks.
    fn dialect(&self) -> Dialect;

    /// The database's name for people (`PostgreSQL`).
    fn product(&self) -> &'static str;

    /// The Cargo feature that compiles this backend's driver in.
    fn feature(&self) -> &'static str;

    /// The error for a URL of this backend in a build without its driver.
    fn not_compiled(&self, url: &DatabaseUrl) -> Error {
        Error::BackendNotCompiled {
            database: describe(url),
            name: self.product(),
            feature: self.feature(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }

    // -- connection ----------------------------------------------------------

    /// Connects to `url` (a URL of this backend). Without the backend's
    /// driver compiled in, the error naming the feature to enable; each
    /// backend overrides this when its driver is there.
    fn open(&self, url: &DatabaseUrl, _mode: OpenMode) -> Result<Connection> {
        Err(self.not_compiled(url))
    }

    /// Refuses a connection the migrator must not change.
    fn check_writable(&self, _conn: &Connection) -> Result<()> {
        Ok(())
    }

    // -- lock ----------------------------------------------------------------

    /// Takes the migration lock for `version_table`, waiting up to
    /// `timeout`; `on_wait` hears who holds it (when the database can tell)
    /// the first time we wait and then every ten seconds.
    fn lock(
        &self,
        conn: &mut Connection,
        version_table: &str,
        timeout: Duration,
        on_wait: &mut dyn FnMut(Option<&str>),
    ) -> Result<SessionLock>;

    /// Releases what [`Migrate::lock`] took.
    fn unlock(&self, conn: &mut Connection, lock: &SessionLock) -> Result<()>;

    /// Checks that `lock` still belongs to the server session the next
    /// statements run in: called inside each migration's transaction (or
    /// just before a migration that runs without one).
    fn check_lock(&self, _sink: &mut Sink<'_>, _lock: &SessionLock) -> Result<()> {
        Ok(())
    }

    // -- lease (`LockMode::Table`) -------------------------------------------

    /// `CREATE TABLE IF NOT EXISTS` of the lease table `table`: at most one
    /// row (`id` 1) with the holder's `token`, `owner_host`, `owner_pid`,
    /// `owner_app`, `acquired_at` and `expires_at`.
    fn lease_table_sql(&self, table: &str) -> String;

    /// Creates the lease table when missing, safely when several runners
    /// do it at once.
    fn create_lease_table(&self, conn: &mut Connection, table: &str) -> Result<()> {
        conn.batch(&self.lease_table_sql(table))
            .map_err(|e| conn.db_error(&format!("creating the lease table `{table}`"), &e))
    }

    /// The database's clock `length` from now, as an expression of the
    /// type of `expires_at`.
    fn lease_expiry_sql(&self, length: Duration) -> String;

    /// The database's clock now, comparable with `expires_at`.
    fn lease_now_sql(&self) -> &'static str;

    /// The statements, run in one short transaction, that insert `owner`'s
    /// row, or take over the row when its lease expired by the database's
    /// clock, and leave a live lease of someone else alone.
    fn lease_take_sql(&self, table: &str, owner: &LeaseOwner, length: Duration) -> Vec<String>;

    /// The statement that pushes the expiry of `token`'s lease out to
    /// `length` from now.
    fn lease_renew_sql(&self, table: &str, token: &str, length: Duration) -> String {
        let d = self.dialect();
        format!(
            "UPDATE {} SET expires_at = {} WHERE id = 1 AND token = {}",
            d.quote_ident(table),
            self.lease_expiry_sql(length),
            d.quote_str(token)
        )
    }

    /// The statement that deletes `token`'s row.
    fn lease_release_sql(&self, table: &str, token: &str) -> String {
        let d = self.dialect();
        format!(
            "DELETE FROM {} WHERE id = 1 AND token = {}",
            d.quote_ident(table),
            d.quote_str(token)
        )
    }

    /// The query reading the lease row, every column as text (the columns
    /// of `LeaseRow`): times in UTC to the second, and `remaining_ms`
    /// until it expires, by the database's clock.
    fn lease_read_sql(&self, table: &str) -> String;

    /// Whether a failed attempt to take the lease was only another
    /// runner's write in the way (a busy database, a deadlock), so the
    /// attempt is simply repeated.
    fn lease_conflict(&self, _message: &str) -> bool {
        false
    }

    /// Whether the lease may be renewed from a second connection while a
    /// migration runs (not where the database has a single writer).
    fn lease_renews_in_background(&self) -> bool {
        true
    }

    // -- transactions ----------------------------------------------------------

    /// Whether DDL runs inside transactions and is rolled back with them
    /// (the dialect's fact). Where it is not, the engine records a migration
    /// as dirty before it runs and clean after it ran, so a failure half-way
    /// stays visible.
    fn transactional_ddl(&self) -> bool {
        self.dialect().transactional_ddl()
    }

    /// Starts a transaction with the dialect's statement.
    fn begin(&self, sink: &mut Sink<'_>) -> Result<()> {
        sink.exec(
            self.dialect().begin_transaction_sql(),
            "starting a transaction",
        )
    }

    /// Runs before a migration's transaction begins; returns whether
    /// [`Migrate::after_transaction`] has something to restore.
    fn before_transaction(&self, _sink: &mut Sink<'_>) -> Result<bool> {
        Ok(false)
    }

    /// Runs after a migration's transaction ended, committed or not.
    fn after_transaction(&self, _sink: &mut Sink<'_>, _restore: bool) {}

    /// Whether the version table must be read again inside the transaction,
    /// because the transaction itself is the lock (a concurrent runner may
    /// have applied a revision after we planned).
    fn rechecks_in_transaction(&self) -> bool {
        false
    }

    /// The last check before a migration (or, in transaction mode `all`, the
    /// run) commits.
    fn before_commit(&self, _sink: &mut Sink<'_>, _rev: &Revision) -> Result<()> {
        Ok(())
    }

    /// Statements that limit how long each statement of a migration may
    /// wait for a lock and run on the server. `in_transaction`: inside the
    /// migration's transaction, in a form that ends with it (behind a
    /// transaction pooler a session setting would outlive the migration on
    /// a server connection other clients get). Empty where the database
    /// has no such limits (SQLite, whose only wait is the migration lock's
    /// busy timeout).
    fn time_limits_sql(&self, _limits: &TimeLimits, _in_transaction: bool) -> Vec<String> {
        Vec::new()
    }

    /// Statements that undo [`Migrate::time_limits_sql`] outside a
    /// transaction.
    fn reset_time_limits_sql(&self) -> Vec<String> {
        Vec::new()
    }

    /// Whether a statement failed only because it waited too long for a
    /// lock (so it did nothing, and may be tried again).
    fn lock_timed_out(&self, _message: &str) -> bool {
        false
    }

    /// Before `sql` runs outside a transaction: repairs what an earlier,
    /// stopped run of the same statement left behind; returns what it did.
    fn before_statement(&self, _sink: &mut Sink<'_>, _sql: &str) -> Result<Option<String>> {
        Ok(None)
    }

    /// After a statement failed with `message`: when it is a time limit
    /// that ran out, the other sessions that may be holding us up, in words
    /// (`None` otherwise, or when the database cannot tell).
    fn blockers(&self, _sink: &mut Sink<'_>, _message: &str) -> Option<String> {
        None
    }

    /// How the statements of a migration section are split: with
    /// backslash escapes where the dialect's strings have them.
    fn split_options(&self) -> SplitOptions {
        SplitOptions {
            backslash_escapes: self.dialect().backslash_escapes(),
        }
    }

    // -- version table -------------------------------------------------------

    /// A query whose `name` column is non-null when the version table
    /// `name` exists.
    fn version_table_exists_sql(&self, name: &str) -> String;

    /// A query whose `version` column is the server's version text, as
    /// [`ServerVersion::parse`] reads it.
    fn server_version_sql(&self) -> &'static str;

    // -- introspection -------------------------------------------------------

    /// The schema of the connected database, without the tables `skip`
    /// names (like [`Migrate::open`], overridden where the driver is
    /// compiled in; no connection exists otherwise).
    fn introspect(
        &self,
        conn: &mut Connection,
        _skip: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Schema> {
        Err(self.not_compiled(conn.url()))
    }
}

/// The backend of `dialect`.
pub(crate) fn of(dialect: Dialect) -> &'static dyn Migrate {
    match dialect {
        Dialect::Sqlite => &sqlite::Sqlite,
        Dialect::Postgres => &postgres::Postgres,
        Dialect::Mysql => &mysql::Mysql,
    }
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
        of(url.dialect()).open(url, mode)
    }

    /// The version of the server (for SQLite, of the library), read from
    /// it: autogenerate writes a lock-safe form only where the server has
    /// it. `None` when the server's answer does not start with a number.
    pub fn server_version(&mut self) -> Result<Option<ServerVersion>> {
        let sql = of(self.dialect()).server_version_sql();
        let rows: Vec<VersionTextRow> = self
            .load(sql)
            .map_err(|e| self.db_error("reading the server version", &e))?;
        Ok(rows
            .into_iter()
            .find_map(|r| r.version)
            .and_then(|v| ServerVersion::parse(&v)))
    }
}

/// One text column, `version`: the answer of [`Migrate::server_version_sql`].
#[derive(QueryableByName)]
struct VersionTextRow {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

/// A held session lock; release it with [`SessionLock::release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionLock {
    /// SQLite: serialisation happens per transaction (`BEGIN IMMEDIATE`).
    SqliteTransactions,
    /// A PostgreSQL advisory lock on `key`, held by the server session
    /// (backend process) `pid`.
    PgAdvisory {
        /// The advisory-lock key.
        key: i64,
        /// `pg_backend_pid()` of the session that took it.
        pid: i32,
    },
    /// A MySQL named lock.
    MysqlNamed(String),
}

impl SessionLock {
    /// Releases the lock (a no-op for SQLite).
    pub fn release(&self, conn: &mut Connection) -> Result<()> {
        of(conn.dialect()).unlock(conn, self)
    }
}

/// One nullable text column named `value`.
#[derive(QueryableByName)]
pub(crate) struct ValueRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) value: Option<String>,
}

/// Runs `try_sql` (one `value` row) until `accept` takes its answer,
/// with jittered backoff up to `timeout`; then a [`Error::LockTimeout`]
/// naming the holder. Returns the accepted answer; `accept` may also refuse
/// to wait any longer with an error.
pub(crate) fn poll(
    conn: &mut Connection,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Option<&str>),
    try_sql: &str,
    accept: impl Fn(&Connection, &str) -> Result<bool>,
    holder: impl Fn(&mut Connection) -> Option<String>,
) -> Result<String> {
    let mut won = String::new();
    crate::holder::wait_for(
        conn,
        timeout,
        on_wait,
        |c| {
            let rows: Vec<ValueRow> = c
                .load(try_sql)
                .map_err(|e| c.db_error("acquiring the migration lock", &e))?;
            let value = rows.into_iter().next().and_then(|r| r.value);
            match value {
                Some(v) if accept(c, &v)? => {
                    won = v;
                    Ok(true)
                }
                _ => Ok(false),
            }
        },
        holder,
    )?;
    Ok(won)
}

/// The first `value` of `sql`, or `None` (also when the query fails: it
/// only decorates a message).
pub(crate) fn first_value(conn: &mut Connection, sql: &str) -> Option<String> {
    let rows: Vec<ValueRow> = conn.load(sql).ok()?;
    rows.into_iter().next().and_then(|r| r.value)
}

/// `owner`'s identity as SQL literals of `dialect`: token, host, pid, program
/// (host and program cut to 255 characters, the columns' width).
pub(crate) fn owner_literals(dialect: Dialect, owner: &LeaseOwner) -> [String; 4] {
    let cut = |s: &str| s.chars().take(255).collect::<String>();
    [
        dialect.quote_str(&owner.token),
        dialect.quote_str(&cut(&owner.host)),
        owner.pid.to_string(),
        dialect.quote_str(&cut(&owner.application)),
    ]
}

/// Runs a lock-releasing query (one `value` row, ignored).
pub(crate) fn release_with(conn: &mut Connection, sql: &str) -> Result<()> {
    let _: Vec<ValueRow> = conn
        .load(sql)
        .map_err(|e| conn.db_error("releasing the migration lock", &e))?;
    Ok(())
}

pub(crate) fn connect_error(url: &DatabaseUrl, message: String) -> Error {
    Error::Connect {
        database: describe(url),
        message,
        hint: None,
    }
}

pub(crate) fn connect_error_hint(url: &DatabaseUrl, message: String, hint: &str) -> Error {
    Error::Connect {
        database: describe(url),
        message,
        hint: Some(hint.to_string()),
    }
}

/// Connects to a server URL (PostgreSQL, MySQL) with diesel's connection
/// `C`, held as `H` and wrapped by `inner`. Servers have no file to create,
/// so the [`OpenMode`] does not matter.
#[cfg(any(
    feature = "postgres",
    feature = "postgres-libpq",
    feature = "mysql",
    feature = "mysql-libmysqlclient"
))]
pub(crate) fn open_server<C, H>(
    url: &DatabaseUrl,
    inner: fn(H) -> crate::conn::Inner,
) -> Result<Connection>
where
    C: crate::driver::Establish + Send + Into<H>,
    H: crate::driver::Run<Conn = C>,
{
    let conn = crate::driver::establish::<C, H>(url).map_err(|e| server_connect_error(url, e))?;
    Ok(Connection::from_parts(inner(conn), url, None))
}

/// A server's refusal, with a hint for the common causes.
#[cfg_attr(
    not(any(
        feature = "postgres",
        feature = "postgres-libpq",
        feature = "mysql",
        feature = "mysql-libmysqlclient"
    )),
    allow(dead_code)
)]
pub(crate) fn server_connect_error(url: &DatabaseUrl, message: String) -> Error {
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
#[cfg_attr(
    not(any(
        feature = "postgres",
        feature = "postgres-libpq",
        feature = "mysql",
        feature = "mysql-libmysqlclient"
    )),
    allow(dead_code)
)]
fn scrub(url: &DatabaseUrl, message: String) -> String {
    let full = url.diesel_url(false);
    if message.contains(&full) {
        message.replace(&full, &url.redacted())
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dialect_has_its_backend() {
        for d in Dialect::ALL {
            assert_eq!(of(d).dialect(), d);
        }
    }
}
