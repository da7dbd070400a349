//! SQLite: a file (or `:memory:`) opened through diesel's bundled
//! libsqlite3.
//!
//! - Opening: whether a missing file is created is decided by the core
//!   ([`DatabaseUrl::sqlite_open`]); [`plan_open`] holds that decision
//!   against the file system (refusing a missing directory or file, or
//!   standing in an empty in-memory database). A URL with
//!   `mode=ro`/`immutable=1` is never migrated.
//! - Lock: there is no session lock. Every migration runs in a
//!   `BEGIN IMMEDIATE` transaction (the database's single write lock) with
//!   the busy timeout raised to the lock timeout, and the engine re-reads
//!   the version table inside that transaction, so concurrent runners apply
//!   each migration exactly once and all succeed.
//! - Lease (`LockMode::Table`): a row in a table, its times UTC text by
//!   SQLite's clock; renewed before each migration only (one writer).
//! - Transactions: DDL is transactional. Foreign keys are switched off
//!   around a migration (they cannot change inside a transaction) and
//!   `PRAGMA foreign_key_check` must pass before it commits.

use std::path::PathBuf;
use std::time::Duration;

use schema_core::dialect::Dialect;
use schema_core::migration::Revision;
use schema_core::url::{DatabaseUrl, SqliteOpen};
use schema_core::Schema;

use super::{connect_error_hint, owner_literals, Migrate, SessionLock};
use crate::conn::{absolute, Connection, OpenMode};
use crate::error::{db_message, Error, Result};
use crate::holder::LeaseOwner;
use crate::sink::Sink;

/// The SQLite backend.
pub(crate) struct Sqlite;

/// How a SQLite URL is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Open {
    /// A read-only command on a missing file: an empty in-memory database
    /// stands in for it (this absolute path), and nothing is created.
    StandIn(PathBuf),
    /// Open the URL's database, creating a missing file when `create`.
    Database { create: bool },
}

/// How `url` is opened for `mode`. Whether a missing file may be created is
/// the core's decision ([`DatabaseUrl::sqlite_open`], the one place that
/// combines the URL's `mode=` with the command); this only holds it against
/// the file system: a missing directory or file is refused with what to do
/// instead, and a missing file a read-only command opens is stood in for.
fn plan_open(url: &DatabaseUrl, mode: OpenMode) -> Result<Open> {
    Ok(match url.sqlite_open(mode) {
        None | Some(SqliteOpen::Memory { .. }) => Open::Database { create: false },
        Some(SqliteOpen::ExistingOrEmpty { path, .. }) if !path.exists() => {
            Open::StandIn(absolute(&path))
        }
        Some(SqliteOpen::ExistingOrEmpty { .. }) => Open::Database { create: false },
        Some(SqliteOpen::Create { path, .. }) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.exists() {
                    return Err(connect_error_hint(
                        url,
                        format!("directory {} does not exist", dir.display()),
                        "create the directory first; the migrator creates the database file, not its directory",
                    ));
                }
            }
            Open::Database { create: true }
        }
        Some(SqliteOpen::Existing { path, .. }) => {
            if !path.exists() {
                return Err(connect_error_hint(
                    url,
                    format!("database file {} does not exist", absolute(&path).display()),
                    "run `cargo schema upgrade` to create it, or add `?mode=rwc` to the URL",
                ));
            }
            Open::Database { create: false }
        }
    })
}

impl Migrate for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn product(&self) -> &'static str {
        "SQLite"
    }

    fn feature(&self) -> &'static str {
        "sqlite"
    }

    #[cfg(feature = "sqlite")]
    fn open(&self, url: &DatabaseUrl, mode: OpenMode) -> Result<Connection> {
        use super::connect_error;
        use crate::conn::{Inner, DEFAULT_SQLITE_BUSY_TIMEOUT};
        use diesel::sqlite::SqliteConnection;
        use diesel::Connection as _;

        match plan_open(url, mode)? {
            Open::StandIn(path) => {
                let conn = SqliteConnection::establish(":memory:")
                    .map_err(|e| connect_error(url, e.to_string()))?;
                Ok(Connection::from_parts(Inner::Sqlite(conn), url, Some(path)))
            }
            Open::Database { create } => {
                let conn = SqliteConnection::establish(&url.diesel_url(create))
                    .map_err(|e| connect_error(url, e.to_string()))?;
                let mut conn = Connection::from_parts(Inner::Sqlite(conn), url, None);
                conn.set_busy_timeout(DEFAULT_SQLITE_BUSY_TIMEOUT)
                    .map_err(|e| match e {
                        Error::Database { message, .. } => connect_error(url, message),
                        other => other,
                    })?;
                Ok(conn)
            }
        }
    }

    fn check_writable(&self, conn: &Connection) -> Result<()> {
        if conn.url().sqlite_read_only() {
            return Err(Error::Invalid(format!(
                "{} is opened read-only (mode=ro/immutable); remove that option to migrate it",
                conn.describe()
            )));
        }
        Ok(())
    }

    fn lock(
        &self,
        conn: &mut Connection,
        _version_table: &str,
        timeout: Duration,
        _on_wait: &mut dyn FnMut(Option<&str>),
    ) -> Result<SessionLock> {
        conn.set_busy_timeout(timeout)?;
        Ok(SessionLock::SqliteTransactions)
    }

    fn unlock(&self, _conn: &mut Connection, _lock: &SessionLock) -> Result<()> {
        Ok(())
    }

    fn lease_table_sql(&self, table: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  id INTEGER NOT NULL PRIMARY KEY,\n  token TEXT NOT NULL,\n  \
             owner_host TEXT NOT NULL,\n  owner_pid INTEGER NOT NULL,\n  owner_app TEXT NOT NULL,\n  \
             acquired_at TEXT NOT NULL,\n  expires_at TEXT NOT NULL\n)",
            self.dialect().quote_ident(table)
        )
    }

    /// Times are UTC text to the millisecond, which sorts as it compares.
    fn lease_now_sql(&self) -> &'static str {
        "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    }

    fn lease_expiry_sql(&self, length: Duration) -> String {
        format!(
            "strftime('%Y-%m-%d %H:%M:%f', 'now', '+{:.3} seconds')",
            length.as_secs_f64()
        )
    }

    fn lease_take_sql(&self, table: &str, owner: &LeaseOwner, length: Duration) -> Vec<String> {
        let t = self.dialect().quote_ident(table);
        let [token, host, pid, app] = owner_literals(self.dialect(), owner);
        vec![format!(
            "INSERT INTO {t} (id, token, owner_host, owner_pid, owner_app, acquired_at, expires_at) \
             VALUES (1, {token}, {host}, {pid}, {app}, {now}, {exp}) \
             ON CONFLICT (id) DO UPDATE SET token = excluded.token, owner_host = excluded.owner_host, \
             owner_pid = excluded.owner_pid, owner_app = excluded.owner_app, \
             acquired_at = excluded.acquired_at, expires_at = excluded.expires_at \
             WHERE {t}.expires_at < {now}",
            now = self.lease_now_sql(),
            exp = self.lease_expiry_sql(length),
        )]
    }

    fn lease_read_sql(&self, table: &str) -> String {
        format!(
            "SELECT token, owner_host, CAST(owner_pid AS TEXT) AS owner_pid, owner_app, \
             substr(acquired_at, 1, 19) AS acquired_at, substr(expires_at, 1, 19) AS expires_at, \
             CAST(CAST(round((julianday(expires_at) - julianday('now')) * 86400000.0) AS INTEGER) AS TEXT) \
             AS remaining_ms FROM {} WHERE id = 1",
            self.dialect().quote_ident(table)
        )
    }

    /// Another runner holding the write lock past the busy timeout.
    fn lease_conflict(&self, message: &str) -> bool {
        message.contains("locked") || message.contains("busy")
    }

    /// One writer at a time: while a migration's transaction holds the
    /// write lock a second connection could not renew anyway, and those
    /// transactions keep concurrent runners apart by themselves.
    fn lease_renews_in_background(&self) -> bool {
        false
    }

    fn begin(&self, sink: &mut Sink<'_>) -> Result<()> {
        sink.try_exec(self.dialect().begin_transaction_sql())
            .map_err(|e| {
                // Another writer held the lock past the busy timeout.
                if db_message(&e).contains("locked") {
                    Error::LockTimeout {
                        database: sink.describe(),
                        waited: Duration::ZERO,
                        holder: None,
                    }
                } else {
                    sink.db_error("starting a transaction", &e)
                }
            })
    }

    /// Foreign-key enforcement cannot change inside a transaction, so it is
    /// switched off before; returns whether it was on. A script switches it
    /// off unconditionally and leaves it off.
    fn before_transaction(&self, sink: &mut Sink<'_>) -> Result<bool> {
        #[derive(diesel::QueryableByName)]
        struct Fk {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            foreign_keys: i32,
        }
        let Some(off) = self.dialect().foreign_keys_off_sql() else {
            return Ok(false);
        };
        let action = "switching foreign keys off";
        match sink.query::<Fk>("PRAGMA foreign_keys", "reading PRAGMA foreign_keys")? {
            Some(rows) => {
                let on = rows.first().is_some_and(|r| r.foreign_keys != 0);
                if on {
                    sink.exec(off, action)?;
                }
                Ok(on)
            }
            // A script cannot read the setting: it switches enforcement off
            // and leaves it so.
            None => {
                sink.exec(off, action)?;
                Ok(false)
            }
        }
    }

    fn after_transaction(&self, sink: &mut Sink<'_>, restore: bool) {
        if let (true, Some(on)) = (restore, self.dialect().foreign_keys_on_sql()) {
            let _ = sink.try_exec(on);
        }
    }

    fn rechecks_in_transaction(&self) -> bool {
        true
    }

    fn before_commit(&self, sink: &mut Sink<'_>, rev: &Revision) -> Result<()> {
        #[derive(diesel::QueryableByName)]
        struct Violation {
            #[diesel(sql_type = diesel::sql_types::Text)]
            tbl: String,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            row_id: Option<String>,
            #[diesel(sql_type = diesel::sql_types::Text)]
            parent: String,
        }
        let rows = sink.query::<Violation>(
            "SELECT \"table\" AS tbl, CAST(rowid AS TEXT) AS row_id, parent \
             FROM pragma_foreign_key_check LIMIT 20",
            "running PRAGMA foreign_key_check",
        )?;
        let Some(rows) = rows else {
            // A script cannot stop on violations; it lists them.
            return match self.dialect().foreign_key_check_sql() {
                Some(check) => sink.exec(check, "running PRAGMA foreign_key_check"),
                None => Ok(()),
            };
        };
        if rows.is_empty() {
            return Ok(());
        }
        Err(Error::ForeignKeyViolation {
            revision: rev.id().to_string(),
            file: rev.origin.clone(),
            violations: rows
                .into_iter()
                .map(|v| {
                    format!(
                        "{} row {} references a missing row of {}",
                        v.tbl,
                        v.row_id.as_deref().unwrap_or("?"),
                        v.parent
                    )
                })
                .collect(),
        })
    }

    fn server_version_sql(&self) -> &'static str {
        "SELECT sqlite_version() AS version"
    }

    fn version_table_exists_sql(&self, name: &str) -> String {
        format!(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = {}",
            self.dialect().quote_str(name)
        )
    }

    fn introspect(
        &self,
        conn: &mut Connection,
        skip: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Schema> {
        crate::introspect::sqlite::introspect(conn, skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &std::path::Path, query: &str) -> DatabaseUrl {
        DatabaseUrl::parse(&format!("sqlite://{}{query}", path.display())).unwrap()
    }

    #[test]
    fn the_open_decision() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("app.db");
        let u = url(&missing, "");
        assert_eq!(
            plan_open(&u, OpenMode::ExistingOrEmpty).unwrap(),
            Open::StandIn(missing.clone())
        );
        assert_eq!(
            plan_open(&u, OpenMode::CreateMissing).unwrap(),
            Open::Database { create: true }
        );
        assert!(plan_open(&u, OpenMode::Existing).is_err());
        assert_eq!(
            plan_open(&url(&missing, "?mode=rwc"), OpenMode::Existing).unwrap(),
            Open::Database { create: true }
        );
        assert!(plan_open(&url(&missing, "?mode=rw"), OpenMode::CreateMissing).is_err());
        let memory = DatabaseUrl::parse("sqlite::memory:").unwrap();
        assert_eq!(
            plan_open(&memory, OpenMode::ExistingOrEmpty).unwrap(),
            Open::Database { create: false }
        );
        assert!(!missing.exists(), "deciding never touches the file");
    }

    #[test]
    fn missing_file_is_not_created_for_read_only_commands() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let url = url(&path, "");
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
        assert!(Connection::open(&url(&path, "?mode=rw"), OpenMode::CreateMissing).is_err());
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
}
