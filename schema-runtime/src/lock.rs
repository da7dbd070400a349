//! The migration lock: only one migrator changes a database at a time.
//!
//! Two kinds, chosen with [`LockMode`]:
//!
//! - [`LockMode::Session`] (the default) uses the database's own session
//!   lock, which each backend (`backend`) takes its own way:
//!   - SQLite: there is no session lock; every migration runs in a
//!     `BEGIN IMMEDIATE` transaction (the database's single write lock) with
//!     the busy timeout raised to the lock timeout, and the runner re-checks
//!     the version table inside that transaction, so concurrent runners
//!     apply each migration exactly once and all succeed.
//!   - PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`)
//!     keyed on the version table name, polled with jittered backoff; while
//!     waiting, the holder is reported from `pg_locks` + `pg_stat_activity`.
//!     The lock is checked to belong to the server session that runs each
//!     migration, so a transaction-mode pooler (PgBouncer), which hands each
//!     transaction to any server session, is refused with a pointer to
//!     [`LockMode::Table`].
//!   - MySQL/MariaDB: a named lock (`GET_LOCK(name, 0)`), polled the same
//!     way; the holder comes from `IS_USED_LOCK` + the process list.
//! - [`LockMode::Table`] keeps a lease: one row in the table
//!   `<version table>_lock` naming its owner (host, process id, program)
//!   with the time it was taken and the time it expires, by the database's
//!   clock. Every statement about it is a short transaction of its own, so
//!   it works where session state does not survive between transactions.
//!   See [`Lease`].

use std::cell::RefCell;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::sql_types::{Nullable, Text};
use diesel::QueryableByName;
use schema_core::url::DatabaseUrl;

use crate::backend::{self, Migrate};
use crate::conn::{Connection, OpenMode};
use crate::error::{Error, Result};

pub use crate::backend::mysql::mysql_lock_name;
pub use crate::backend::postgres::pg_lock_key;
pub use crate::backend::SessionLock;
#[cfg(test)]
use crate::holder::jitter;
use crate::holder::wait_for;
pub use crate::holder::LeaseOwner;

/// The default time to wait for the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// The default length of a lease ([`LockMode::Table`]): a crashed holder's
/// lease runs out this long after its last renewal.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// How the migration lock is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockMode {
    /// The database's session lock (PostgreSQL advisory lock, MySQL
    /// `GET_LOCK`, SQLite `BEGIN IMMEDIATE` per migration). Needs a
    /// connection that keeps its server session, so not through a
    /// transaction-mode pooler.
    #[default]
    Session,
    /// A lease row in `<version table>_lock`, taken, renewed and released
    /// in short transactions of their own: works through PgBouncer (or any
    /// pooler) in transaction mode. A crashed holder's lease expires and
    /// the next runner takes over.
    Table,
}

impl std::str::FromStr for LockMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "session" => Ok(LockMode::Session),
            "table" => Ok(LockMode::Table),
            other => Err(Error::Invalid(format!(
                "unknown lock mode `{other}`; expected `session` or `table`"
            ))),
        }
    }
}

/// Acquires the migration lock, polling with jittered backoff until
/// `timeout`. `on_wait` is called with a description of the holder (when the
/// database can tell) the first time we have to wait and then every ten
/// seconds.
pub fn acquire(
    conn: &mut Connection,
    version_table: &str,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Option<&str>),
) -> Result<SessionLock> {
    backend::of(conn.dialect()).lock(conn, version_table, timeout, on_wait)
}

/// The name of the lease table of `version_table`.
pub fn lease_table_name(version_table: &str) -> String {
    schema_core::naming::shorten(&format!("{version_table}_lock"), 63)
}

/// The lease row as a backend's read query returns it (every column text).
#[derive(QueryableByName, Debug)]
pub(crate) struct LeaseRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) token: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) owner_host: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) owner_pid: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) owner_app: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) acquired_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) expires_at: Option<String>,
    /// Milliseconds until it expires (negative: expired).
    #[diesel(sql_type = Nullable<Text>)]
    pub(crate) remaining_ms: Option<String>,
}

impl LeaseRow {
    /// `pid 4242 (billing-api) on web-1, lease taken 2026-12-01 10:00:00 UTC,
    /// expires 2026-12-01 10:00:30 UTC (in 12.5 s)`.
    fn describe(&self) -> String {
        let s = |o: &Option<String>| o.clone().unwrap_or_else(|| "?".to_string());
        let remaining = self
            .remaining_ms
            .as_deref()
            .and_then(|m| m.trim().parse::<f64>().ok())
            .map(|ms| {
                if ms >= 0.0 {
                    format!(" (in {:.1} s)", ms / 1000.0)
                } else {
                    format!(" ({:.1} s ago)", -ms / 1000.0)
                }
            })
            .unwrap_or_default();
        format!(
            "pid {} ({}) on {}, lease taken {} UTC, expires {} UTC{remaining}",
            s(&self.owner_pid),
            s(&self.owner_app),
            s(&self.owner_host),
            s(&self.acquired_at),
            s(&self.expires_at),
        )
    }
}

/// A held lease ([`LockMode::Table`]).
///
/// - **Taking it**: the table is created when missing (the backend makes
///   that safe against concurrent creators), then, in one short
///   transaction, the row is inserted — or taken over when its lease has
///   expired by the database's clock — and read back: it is ours when it
///   carries our token. Otherwise the holder is reported and we poll with
///   jittered backoff until the lock timeout.
/// - **Keeping it**: renewed (expiry pushed to now + lease) before every
///   migration, and by a background thread on a connection of its own
///   every third of the lease, so one migration may run longer than the
///   lease (SQLite has a single writer, so there the renewal before each
///   migration is the only one; its `BEGIN IMMEDIATE` transactions keep
///   concurrent runners apart anyway). A renewal that finds the row gone
///   or someone else's stops the run before its next migration.
/// - **Releasing it**: our row is deleted.
#[derive(Debug)]
pub struct Lease {
    table: String,
    owner: LeaseOwner,
    length: Duration,
    keeper: Option<Keeper>,
}

#[derive(Debug)]
struct Keeper {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
    /// Set when the background renewal found the lease lost.
    lost: Arc<Mutex<Option<String>>>,
}

impl Lease {
    /// Takes the lease of `version_table`, waiting up to `timeout`;
    /// `on_wait` hears who holds it the first time we wait and then every
    /// ten seconds. The lease lasts `length` from each renewal.
    pub fn acquire(
        conn: &mut Connection,
        version_table: &str,
        length: Duration,
        timeout: Duration,
        on_wait: &mut dyn FnMut(Option<&str>),
    ) -> Result<Lease> {
        let backend = backend::of(conn.dialect());
        let table = lease_table_name(version_table);
        backend.create_lease_table(conn, &table)?;
        let owner = LeaseOwner::current();
        let take = backend.lease_take_sql(&table, &owner, length);
        let read = backend.lease_read_sql(&table);
        let last: RefCell<Option<LeaseRow>> = RefCell::new(None);
        wait_for(
            conn,
            timeout,
            on_wait,
            |c| {
                match short_transaction(c, backend, &take, &read, "taking the migration lease") {
                    Ok(row) => {
                        let ours = row
                            .as_ref()
                            .is_some_and(|r| r.token.as_deref() == Some(owner.token.as_str()));
                        *last.borrow_mut() = row;
                        Ok(ours)
                    }
                    // Another runner's write got in the way: try again.
                    Err(e) if backend.lease_conflict(&e.to_string()) => Ok(false),
                    Err(e) => Err(e),
                }
            },
            |_| last.borrow().as_ref().map(LeaseRow::describe),
        )?;
        Ok(Lease {
            table,
            owner,
            length,
            keeper: None,
        })
    }

    /// The lease table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Who holds it (us).
    pub fn owner(&self) -> &LeaseOwner {
        &self.owner
    }

    /// Starts renewing from a background thread over a connection of its
    /// own to `url` (where the backend allows a second writer).
    pub(crate) fn keep_renewed(&mut self, url: &DatabaseUrl) {
        let backend = backend::of(url.dialect());
        if !backend.lease_renews_in_background() || self.keeper.is_some() {
            return;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let lost = Arc::new(Mutex::new(None));
        let every = (self.length / 3).max(Duration::from_millis(100));
        let (url, table, token, length, flag) = (
            url.clone(),
            self.table.clone(),
            self.owner.token.clone(),
            self.length,
            lost.clone(),
        );
        let thread = std::thread::spawn(move || {
            let mut conn: Option<Connection> = None;
            loop {
                match stopped.recv_timeout(every) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
                if conn.is_none() {
                    conn = Connection::open(&url, OpenMode::Existing).ok();
                }
                let Some(c) = conn.as_mut() else { continue };
                match renew(c, backend, &table, &token, length) {
                    Ok(None) => {}
                    Ok(Some(why)) => {
                        *flag.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
                        return;
                    }
                    // A dropped connection is opened again at the next
                    // renewal; the main thread's renewal decides.
                    Err(_) => conn = None,
                }
            }
        });
        self.keeper = Some(Keeper { stop, thread, lost });
    }

    /// Renews the lease on `conn`; an error when it is no longer ours.
    pub fn renew(&self, conn: &mut Connection) -> Result<()> {
        if let Some(k) = &self.keeper {
            if let Some(why) = k.lost.lock().unwrap_or_else(|e| e.into_inner()).clone() {
                return Err(lost(conn, &why));
            }
        }
        let backend = backend::of(conn.dialect());
        match renew(conn, backend, &self.table, &self.owner.token, self.length)? {
            None => Ok(()),
            Some(why) => Err(lost(conn, &why)),
        }
    }

    /// Stops the renewal and deletes our row.
    pub fn release(mut self, conn: &mut Connection) -> Result<()> {
        if let Some(k) = self.keeper.take() {
            let _ = k.stop.send(());
            let _ = k.thread.join();
        }
        let backend = backend::of(conn.dialect());
        conn.batch(&backend.lease_release_sql(&self.table, &self.owner.token))
            .map_err(|e| conn.db_error("releasing the migration lease", &e))
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(k) = self.keeper.take() {
            let _ = k.stop.send(());
            let _ = k.thread.join();
        }
    }
}

fn lost(conn: &Connection, why: &str) -> Error {
    Error::LockLost {
        database: conn.describe(),
        message: why.to_string(),
    }
}

/// Pushes the expiry of our lease out by `length`; `Some(why)` when the
/// row is not ours any more.
fn renew(
    conn: &mut Connection,
    backend: &dyn Migrate,
    table: &str,
    token: &str,
    length: Duration,
) -> Result<Option<String>> {
    let row = short_transaction(
        conn,
        backend,
        &[backend.lease_renew_sql(table, token, length)],
        &backend.lease_read_sql(table),
        "renewing the migration lease",
    )?;
    Ok(match row {
        Some(r) if r.token.as_deref() == Some(token) => None,
        Some(r) => Some(format!(
            "the migration lease expired and was taken over by {}",
            r.describe()
        )),
        None => Some("the migration lease expired and its row is gone".to_string()),
    })
}

/// Runs `statements` and then `read` in one transaction of their own, and
/// commits at once; the row `read` returned.
fn short_transaction(
    conn: &mut Connection,
    backend: &dyn Migrate,
    statements: &[String],
    read: &str,
    action: &str,
) -> Result<Option<LeaseRow>> {
    let result = (|| {
        conn.batch(backend.dialect().begin_transaction_sql())?;
        for s in statements {
            conn.batch(s)?;
        }
        let rows: Vec<LeaseRow> = conn.load(read)?;
        conn.batch("COMMIT")?;
        Ok(rows.into_iter().next())
    })();
    result.map_err(|e: diesel::result::Error| {
        let _ = conn.batch("ROLLBACK");
        conn.db_error(action, &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..100 {
            let j = jitter(Duration::from_millis(100));
            assert!(
                j >= Duration::from_millis(50) && j < Duration::from_millis(150),
                "{j:?}"
            );
        }
    }

    #[test]
    fn lock_modes_parse() {
        assert_eq!("table".parse::<LockMode>().unwrap(), LockMode::Table);
        assert_eq!("session".parse::<LockMode>().unwrap(), LockMode::Session);
        assert!("rows".parse::<LockMode>().is_err());
    }

    #[test]
    fn owners_differ_by_token() {
        let (a, b) = (LeaseOwner::current(), LeaseOwner::current());
        assert_eq!((a.pid, &a.host), (b.pid, &b.host));
        assert_ne!(a.token, b.token);
        assert_eq!(
            lease_table_name("schema_revisions"),
            "schema_revisions_lock"
        );
    }

    #[test]
    fn lease_on_sqlite_is_taken_renewed_released_and_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("l.db").display());
        let mut a = Connection::establish(&url).unwrap();
        let mut b = Connection::establish(&url).unwrap();
        let lease = Lease::acquire(
            &mut a,
            "v",
            Duration::from_secs(30),
            Duration::ZERO,
            &mut |_| {},
        )
        .unwrap();
        lease.renew(&mut a).unwrap();
        let mut heard = Vec::new();
        let err = Lease::acquire(
            &mut b,
            "v",
            Duration::from_secs(30),
            Duration::from_millis(200),
            &mut |h| heard.push(h.map(str::to_string)),
        )
        .unwrap_err()
        .to_string();
        let me = format!("pid {} (", std::process::id());
        assert!(err.contains(&me) && err.contains("expires"), "{err}");
        assert!(heard[0].as_deref().unwrap_or("").contains(&me), "{heard:?}");
        lease.release(&mut a).unwrap();
        Lease::acquire(
            &mut b,
            "v",
            Duration::from_secs(30),
            Duration::ZERO,
            &mut |_| {},
        )
        .unwrap();
    }
}
