//! The migration lock: only one migrator changes a database at a time.
//!
//! Each backend (`backend`) takes it its own way:
//!
//! - SQLite: there is no session lock; every migration runs in a
//!   `BEGIN IMMEDIATE` transaction (the database's single write lock) with
//!   the busy timeout raised to the lock timeout, and the runner re-checks
//!   the version table inside that transaction, so concurrent runners apply
//!   each migration exactly once and all succeed.
//! - PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`)
//!   keyed on the version table name, polled with jittered backoff; while
//!   waiting, the holder is reported from `pg_locks` + `pg_stat_activity`.
//! - MySQL/MariaDB: a named lock (`GET_LOCK(name, 0)`), polled the same
//!   way; the holder comes from `IS_USED_LOCK` + the process list.

use std::time::Duration;

use crate::backend;
use crate::conn::Connection;
use crate::error::Result;

pub use crate::backend::mysql::mysql_lock_name;
pub use crate::backend::postgres::pg_lock_key;
pub use crate::backend::SessionLock;

/// The default time to wait for the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

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
