//! The migration lock: only one migrator changes a database at a time.
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

use std::time::{Duration, Instant};

use diesel::sql_types::{Nullable, Text};
use diesel::QueryableByName;
use schema_core::url::Backend;
use sha2::{Digest, Sha256};

use crate::conn::{sql_literal, Connection};
use crate::error::{Error, Result};

/// The default time to wait for the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// A held session lock; release it with [`SessionLock::release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionLock {
    /// SQLite: serialisation happens per transaction (`BEGIN IMMEDIATE`).
    SqliteTransactions,
    /// A PostgreSQL advisory lock on this key.
    PgAdvisory(i64),
    /// A MySQL named lock.
    MysqlNamed(String),
}

#[derive(QueryableByName)]
struct ValueRow {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
}

/// The PostgreSQL advisory-lock key for a version table: the first 8 bytes
/// of SHA-256("cargo-schema:" + table).
pub fn pg_lock_key(version_table: &str) -> i64 {
    let d = Sha256::digest(format!("cargo-schema:{version_table}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_be_bytes(b)
}

/// The MySQL lock name for a database and version table (at most 64 chars).
pub fn mysql_lock_name(database: &str, version_table: &str) -> String {
    schema_core::naming::shorten(&format!("cargo-schema:{database}.{version_table}"), 64)
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
    match conn.backend() {
        Backend::Sqlite => {
            conn.set_busy_timeout(timeout)?;
            Ok(SessionLock::SqliteTransactions)
        }
        Backend::Postgres => {
            let key = pg_lock_key(version_table);
            let try_sql = format!("SELECT CAST(pg_try_advisory_lock({key}) AS TEXT) AS value");
            poll(conn, timeout, on_wait, &try_sql, &["true"], |c| {
                pg_holder(c, key)
            })?;
            Ok(SessionLock::PgAdvisory(key))
        }
        Backend::Mysql => {
            let name = mysql_lock_name(conn.url().database().unwrap_or(""), version_table);
            let lit = sql_literal(Backend::Mysql, &name);
            let try_sql = format!("SELECT CAST(GET_LOCK({lit}, 0) AS CHAR) AS value");
            poll(conn, timeout, on_wait, &try_sql, &["1"], |c| {
                mysql_holder(c, &lit)
            })?;
            Ok(SessionLock::MysqlNamed(name))
        }
    }
}

impl SessionLock {
    /// Releases the lock (a no-op for SQLite).
    pub fn release(&self, conn: &mut Connection) -> Result<()> {
        let sql = match self {
            SessionLock::SqliteTransactions => return Ok(()),
            SessionLock::PgAdvisory(key) => {
                format!("SELECT CAST(pg_advisory_unlock({key}) AS TEXT) AS value")
            }
            SessionLock::MysqlNamed(name) => format!(
                "SELECT CAST(RELEASE_LOCK({}) AS CHAR) AS value",
                sql_literal(Backend::Mysql, name)
            ),
        };
        let _: Vec<ValueRow> = conn
            .load(&sql)
            .map_err(|e| conn.db_error("releasing the migration lock", &e))?;
        Ok(())
    }
}

fn poll(
    conn: &mut Connection,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Option<&str>),
    try_sql: &str,
    ok: &[&str],
    holder: impl Fn(&mut Connection) -> Option<String>,
) -> Result<()> {
    let start = Instant::now();
    let mut backoff = Duration::from_millis(25);
    let mut next_report = start;
    loop {
        let rows: Vec<ValueRow> = conn
            .load(try_sql)
            .map_err(|e| conn.db_error("acquiring the migration lock", &e))?;
        if rows
            .first()
            .and_then(|r| r.value.as_deref())
            .is_some_and(|v| ok.contains(&v))
        {
            return Ok(());
        }
        let now = Instant::now();
        if now.duration_since(start) >= timeout {
            return Err(Error::LockTimeout {
                database: conn.describe(),
                waited: timeout,
                holder: holder(conn),
            });
        }
        if now >= next_report {
            on_wait(holder(conn).as_deref());
            next_report = now + Duration::from_secs(10);
        }
        let remaining = timeout.saturating_sub(now.duration_since(start));
        std::thread::sleep(jitter(backoff).min(remaining));
        backoff = (backoff * 2).min(Duration::from_secs(1));
    }
}

/// `d` scaled by a random factor in [0.5, 1.5), so replicas started together
/// do not poll in lockstep.
fn jitter(d: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = if getrandom::fill(&mut b).is_ok() {
        u16::from_le_bytes(b)
    } else {
        u16::MAX / 2
    };
    let factor = 0.5 + f64::from(r) / f64::from(u16::MAX) * 0.999;
    d.mul_f64(factor)
}

fn pg_holder(conn: &mut Connection, key: i64) -> Option<String> {
    // A bigint advisory key is stored as classid = high 32 bits, objid = low
    // 32 bits, objsubid = 1.
    let classid = ((key as u64) >> 32) as u32;
    let objid = (key as u64 & 0xffff_ffff) as u32;
    let sql = format!(
        "SELECT 'pid ' || a.pid \
         || COALESCE(' (' || NULLIF(a.application_name, '') || ')', '') \
         || COALESCE(' from ' || host(a.client_addr), '') \
         || COALESCE(', ' || a.state, '') \
         || COALESCE(' since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), '') AS value \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted \
         AND CAST(l.classid AS TEXT) = '{classid}' AND CAST(l.objid AS TEXT) = '{objid}' \
         AND l.objsubid = 1 \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    );
    let rows: Vec<ValueRow> = conn.load(&sql).ok()?;
    rows.into_iter().next().and_then(|r| r.value)
}

fn mysql_holder(conn: &mut Connection, name_lit: &str) -> Option<String> {
    let sql = format!(
        "SELECT CAST(CONCAT('connection ', p.id, ' (', p.user, '@', p.host, ')', \
         IFNULL(CONCAT(', ', p.command), '')) AS CHAR) AS value \
         FROM information_schema.processlist p WHERE p.id = IS_USED_LOCK({name_lit})"
    );
    let rows: Vec<ValueRow> = conn.load(&sql).ok()?;
    rows.into_iter().next().and_then(|r| r.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct() {
        assert_eq!(
            pg_lock_key("schema_revisions"),
            pg_lock_key("schema_revisions")
        );
        assert_ne!(pg_lock_key("schema_revisions"), pg_lock_key("other"));
        let long = mysql_lock_name(&"d".repeat(80), "schema_revisions");
        assert_eq!(long.len(), 64);
        assert_eq!(
            mysql_lock_name("app", "schema_revisions"),
            "cargo-schema:app.schema_revisions"
        );
    }

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
}
