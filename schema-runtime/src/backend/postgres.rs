//! PostgreSQL, through the pure-Rust driver (`postgres` feature) or
//! libpq (`postgres-libpq`); see the `driver` module.
//!
//! - Lock: a session-level advisory lock (`pg_try_advisory_lock`) keyed on
//!   the version table name, polled with jittered backoff; while waiting,
//!   the holder is reported from `pg_locks` + `pg_stat_activity`. The lock
//!   is taken only by a session that did not hold it already, and checked
//!   to be held by the session of the next statement and of every
//!   migration's transaction: behind a transaction-mode pooler (PgBouncer)
//!   those are different sessions, and the run stops with a pointer to the
//!   lease (`LockMode::Table`) instead of trusting the lock.
//! - Lease: `timestamptz` by the server's `now()`; the table is created
//!   under a transaction-level advisory lock.
//! - Queries: the runtime's row-returning queries run inside a transaction
//!   (one is opened around them when none is), so a transaction-mode pooler
//!   keeps their prepare and execute on one server session.
//! - Transactions: DDL is transactional; each migration commits with its
//!   version row (or every pending one in one transaction).

use std::time::Duration;

use schema_core::dialect::Dialect;
use schema_core::url::DatabaseUrl;
use schema_core::Schema;
use sha2::{Digest, Sha256};

use super::{
    first_value, owner_literals, poll, release_with, Migrate, SessionLock, TimeLimits, ValueRow,
    WhoRow,
};
use crate::conn::{Connection, OpenMode};
use crate::error::{Error, Result};
use crate::holder::LeaseOwner;
use crate::sink::Sink;

/// The PostgreSQL backend.
pub(crate) struct Postgres;

/// The PostgreSQL advisory-lock key for a version table: the first 8 bytes
/// of SHA-256("cargo-schema:" + table).
pub fn pg_lock_key(version_table: &str) -> i64 {
    let d = Sha256::digest(format!("cargo-schema:{version_table}").as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_be_bytes(b)
}

/// The `pg_locks` condition for the granted advisory lock `key` of this
/// database held by the backend `pid` (an SQL expression).
fn lock_row(key: i64, pid: &str) -> String {
    // A bigint advisory key is stored as classid = high 32 bits, objid = low
    // 32 bits, objsubid = 1.
    let classid = ((key as u64) >> 32) as u32;
    let objid = (key as u64 & 0xffff_ffff) as u32;
    format!(
        "l.locktype = 'advisory' AND l.granted AND l.pid = {pid} \
         AND CAST(l.classid AS TEXT) = '{classid}' AND CAST(l.objid AS TEXT) = '{objid}' \
         AND l.objsubid = 1 \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
}

/// Who holds the advisory lock `key`: pid, application, client address,
/// state and start time.
fn holder(conn: &mut Connection, key: i64) -> Option<String> {
    let sql = format!(
        "SELECT 'pid ' || a.pid \
         || COALESCE(' (' || NULLIF(a.application_name, '') || ')', '') \
         || COALESCE(' from ' || host(a.client_addr), '') \
         || COALESCE(', ' || a.state, '') \
         || COALESCE(' since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), '') AS value \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE {}",
        lock_row(key, "l.pid")
    );
    first_value(conn, &sql)
}

/// The query checking that the lock `key` taken by backend `pid` is held
/// by the session this statement runs in: `held`, `lost`, or
/// `moved:<pid now>`.
fn check_sql(key: i64, pid: i32) -> String {
    format!(
        "SELECT CASE WHEN pg_backend_pid() <> {pid} THEN 'moved:' || pg_backend_pid() \
         WHEN EXISTS (SELECT 1 FROM pg_locks l WHERE {}) THEN 'held' ELSE 'lost' END AS value",
        lock_row(key, &pid.to_string())
    )
}

/// The refusal of a session lock that does not stay with one server
/// session: the connection goes through a transaction-mode pooler.
fn pooled(database: String, detail: String) -> Error {
    Error::SessionLockUnsupported { database, detail }
}

/// What [`check_sql`] answered, as an error unless the lock is held.
fn checked(database: String, key: i64, pid: i32, answer: Option<&str>) -> Result<()> {
    match answer {
        Some("held") => Ok(()),
        Some(a) if a.starts_with("moved:") => Err(pooled(
            database,
            format!(
                "the advisory lock {key} was taken in server session pid {pid}, but a later \
                 statement ran in pid {}",
                &a["moved:".len()..]
            ),
        )),
        _ => Err(pooled(
            database,
            format!("server session pid {pid} no longer holds the advisory lock {key}"),
        )),
    }
}

impl Migrate for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn product(&self) -> &'static str {
        "PostgreSQL"
    }

    fn feature(&self) -> &'static str {
        "postgres"
    }

    #[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
    fn open(&self, url: &DatabaseUrl, _mode: OpenMode) -> Result<Connection> {
        let mut conn =
            super::open_server::<crate::conn::PgConnection, _>(url, crate::conn::Inner::Postgres)?;
        // Both drivers prepare a statement and then execute it: two
        // exchanges with the server. A transaction-mode pooler (PgBouncer
        // before 1.21, or without `max_prepared_statements`) may send them
        // to different server sessions, where the statement does not exist
        // — or is another client's. Inside a transaction the pooler keeps
        // one session, so the runtime's own reads get one.
        conn.read_in_transactions(self.split_options());
        Ok(conn)
    }

    fn lock(
        &self,
        conn: &mut Connection,
        version_table: &str,
        timeout: Duration,
        on_wait: &mut dyn FnMut(Option<&str>),
    ) -> Result<SessionLock> {
        let key = pg_lock_key(version_table);
        // A session that already holds the lock before asking is someone
        // else's: a pooler handed us a server session another client used.
        let try_sql = format!(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks l WHERE {}) THEN 'shared' \
             WHEN pg_try_advisory_lock({key}) THEN 'held:' || pg_backend_pid() \
             ELSE 'busy' END AS value",
            lock_row(key, "pg_backend_pid()")
        );
        let won = poll(
            conn,
            timeout,
            on_wait,
            &try_sql,
            |c, v| match v {
                "shared" => Err(pooled(
                    c.describe(),
                    format!(
                        "the server session this connection reached already held the advisory \
                         lock {key} before it was asked for (another client's session)"
                    ),
                )),
                v => Ok(v.starts_with("held:")),
            },
            |c| holder(c, key),
        )?;
        let pid: i32 = won["held:".len()..].parse().unwrap_or(0);
        // The next statement must still run in the session holding it.
        let answer = first_value(conn, &check_sql(key, pid));
        if let Err(e) = checked(conn.describe(), key, pid, answer.as_deref()) {
            let _ = release_with(
                conn,
                &format!("SELECT CAST(pg_advisory_unlock({key}) AS TEXT) AS value"),
            );
            return Err(e);
        }
        Ok(SessionLock::PgAdvisory { key, pid })
    }

    fn unlock(&self, conn: &mut Connection, lock: &SessionLock) -> Result<()> {
        let SessionLock::PgAdvisory { key, pid } = *lock else {
            return Ok(());
        };
        let answer = first_value(
            conn,
            &format!(
                "SELECT CASE WHEN pg_backend_pid() <> {pid} THEN 'moved:' || pg_backend_pid() \
                 WHEN pg_advisory_unlock({key}) THEN 'held' ELSE 'lost' END AS value"
            ),
        );
        checked(conn.describe(), key, pid, answer.as_deref())
    }

    fn check_lock(&self, sink: &mut Sink<'_>, lock: &SessionLock) -> Result<()> {
        let SessionLock::PgAdvisory { key, pid } = *lock else {
            return Ok(());
        };
        let Some(rows) =
            sink.query::<ValueRow>(&check_sql(key, pid), "checking the migration lock")?
        else {
            return Ok(());
        };
        let answer = rows.into_iter().next().and_then(|r| r.value);
        checked(sink.describe(), key, pid, answer.as_deref())
    }

    fn lease_table_sql(&self, table: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  id INTEGER NOT NULL PRIMARY KEY,\n  \
             token VARCHAR(64) NOT NULL,\n  owner_host VARCHAR(255) NOT NULL,\n  \
             owner_pid BIGINT NOT NULL,\n  owner_app VARCHAR(255) NOT NULL,\n  \
             acquired_at TIMESTAMPTZ NOT NULL,\n  expires_at TIMESTAMPTZ NOT NULL\n)",
            self.dialect().quote_ident(table)
        )
    }

    /// `CREATE TABLE IF NOT EXISTS` alone can still fail when two sessions
    /// create the table at once (on `pg_type`'s unique index), so creators
    /// queue on a transaction-level advisory lock, which ends with the
    /// transaction and so also works through a transaction-mode pooler.
    fn create_lease_table(&self, conn: &mut Connection, table: &str) -> Result<()> {
        let key = pg_lock_key(&format!("lease-table:{table}"));
        let sql = format!(
            "BEGIN; SELECT pg_advisory_xact_lock({key}); {}; COMMIT",
            self.lease_table_sql(table)
        );
        conn.batch(&sql).map_err(|e| {
            let _ = conn.batch("ROLLBACK");
            conn.db_error(&format!("creating the lease table `{table}`"), &e)
        })
    }

    fn lease_now_sql(&self) -> &'static str {
        "now()"
    }

    fn lease_expiry_sql(&self, length: Duration) -> String {
        format!(
            "now() + CAST('{} milliseconds' AS INTERVAL)",
            length.as_millis()
        )
    }

    fn lease_take_sql(&self, table: &str, owner: &LeaseOwner, length: Duration) -> Vec<String> {
        let t = self.dialect().quote_ident(table);
        let [token, host, pid, app] = owner_literals(self.dialect(), owner);
        vec![format!(
            "INSERT INTO {t} AS l (id, token, owner_host, owner_pid, owner_app, acquired_at, expires_at) \
             VALUES (1, {token}, {host}, {pid}, {app}, now(), {exp}) \
             ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, owner_host = EXCLUDED.owner_host, \
             owner_pid = EXCLUDED.owner_pid, owner_app = EXCLUDED.owner_app, \
             acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at \
             WHERE l.expires_at < now()",
            exp = self.lease_expiry_sql(length),
        )]
    }

    fn lease_read_sql(&self, table: &str) -> String {
        format!(
            "SELECT token, owner_host, CAST(owner_pid AS TEXT) AS owner_pid, owner_app, \
             to_char(acquired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS acquired_at, \
             to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS expires_at, \
             CAST(round(EXTRACT(EPOCH FROM (expires_at - clock_timestamp())) * 1000) AS TEXT) \
             AS remaining_ms FROM {} WHERE id = 1",
            self.dialect().quote_ident(table)
        )
    }

    fn lease_conflict(&self, message: &str) -> bool {
        message.contains("deadlock detected") || message.contains("could not serialize")
    }

    /// `SET LOCAL` inside the migration's transaction (it ends with it);
    /// `SET` around a `transaction: false` migration, reset after it.
    fn time_limits_sql(&self, limits: &TimeLimits, in_transaction: bool) -> Vec<String> {
        let set = if in_transaction { "SET LOCAL" } else { "SET" };
        let mut out = Vec::new();
        if let Some(d) = limits.lock {
            out.push(format!("{set} lock_timeout = '{}ms'", d.as_millis().max(1)));
        }
        if let Some(d) = limits.statement {
            out.push(format!(
                "{set} statement_timeout = '{}ms'",
                d.as_millis().max(1)
            ));
        }
        out
    }

    fn reset_time_limits_sql(&self) -> Vec<String> {
        vec![
            "RESET lock_timeout".into(),
            "RESET statement_timeout".into(),
        ]
    }

    /// `canceling statement due to lock timeout` (SQLSTATE 55P03): the
    /// statement never got its lock, so it changed nothing.
    fn lock_timed_out(&self, message: &str) -> bool {
        message.contains("due to lock timeout")
    }

    /// A concurrent index build that failed (or was killed) leaves an
    /// INVALID index behind, which `IF NOT EXISTS` would then keep and a
    /// plain `CREATE` would trip over: it is dropped (concurrently) first.
    fn before_statement(&self, sink: &mut Sink<'_>, sql: &str) -> Result<Option<String>> {
        let Some(name) = schema_core::lint::concurrent_index_build(sql, self.dialect()) else {
            return Ok(None);
        };
        let d = self.dialect();
        let found: Option<Vec<WhoRow>> = sink.query(
            &format!(
                "SELECT CAST(c.relname AS TEXT) AS who FROM pg_catalog.pg_index i \
                 JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
                 WHERE NOT i.indisvalid AND c.relname = {} AND pg_catalog.pg_table_is_visible(c.oid)",
                d.quote_str(&name)
            ),
            "looking for an INVALID index left by a failed concurrent build",
        )?;
        if found.is_none_or(|rows| rows.is_empty()) {
            return Ok(None);
        }
        sink.exec(
            &format!("DROP INDEX CONCURRENTLY IF EXISTS {}", d.quote_ident(&name)),
            "dropping the INVALID index a failed concurrent build left",
        )?;
        Ok(Some(format!(
            "dropped the INVALID index {name} an earlier, failed concurrent build left, to build it again"
        )))
    }

    /// The sessions of this database with a transaction open: a lock the
    /// migration waited for is held by one of them.
    fn blockers(&self, sink: &mut Sink<'_>, message: &str) -> Option<String> {
        if !(message.contains("lock timeout") || message.contains("statement timeout")) {
            return None;
        }
        let rows: Vec<WhoRow> = sink
            .query(
                "SELECT string_agg(format('pid %s (%s, %s, transaction open since %s): %s', \
                 a.pid, coalesce(nullif(a.application_name, ''), 'no application_name'), a.state, \
                 to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS'), \
                 left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80)), '; ' ORDER BY a.xact_start) AS who \
                 FROM pg_catalog.pg_stat_activity a \
                 WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() \
                   AND a.xact_start IS NOT NULL AND a.backend_type = 'client backend'",
                "looking for the sessions holding locks",
            )
            .ok()
            .flatten()?;
        rows.into_iter().next().and_then(|r| r.who).map(|who| {
            format!("sessions with a transaction open on this database, one of which holds the lock: {who}")
        })
    }

    fn server_version_sql(&self) -> &'static str {
        "SELECT current_setting('server_version') AS version"
    }

    fn version_table_exists_sql(&self, name: &str) -> String {
        let d = self.dialect();
        format!(
            "SELECT CAST(to_regclass({}) AS TEXT) AS name",
            d.quote_str(&d.quote_ident(name))
        )
    }

    #[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
    fn introspect(
        &self,
        conn: &mut Connection,
        skip: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Schema> {
        use crate::introspect::postgres::{current_schema, introspect_postgres};
        let url = conn.url().clone();
        // One read-only transaction: one snapshot, and one server session
        // behind a transaction-mode pooler (see `Postgres::open`).
        let own = !conn.in_transaction();
        if own {
            conn.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(|e| conn.db_error("introspecting the schema", &e))?;
        }
        let found = conn
            .with_pg(|pg| {
                current_schema(pg).and_then(|schema| introspect_postgres(pg, &schema, skip))
            })
            .ok_or_else(|| self.not_compiled(&url))?;
        if own {
            let _ = conn.batch(if found.is_ok() { "COMMIT" } else { "ROLLBACK" });
        }
        found.map_err(|e| crate::conn::db_error_for(&url, "introspecting the schema", &e))
    }
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
    }
}
