//! PostgreSQL, through the pure-Rust driver (`postgres` feature) or
//! libpq (`postgres-libpq`); see the `driver` module.
//!
//! - Lock: a session-level advisory lock (`pg_try_advisory_lock`) keyed on
//!   the version table name, polled with jittered backoff; while waiting,
//!   the holder is reported from `pg_locks` + `pg_stat_activity`.
//! - Transactions: DDL is transactional; each migration commits with its
//!   version row (or every pending one in one transaction).

use std::time::Duration;

use schema_core::dialect::Dialect;
use schema_core::url::DatabaseUrl;
use schema_core::Schema;
use sha2::{Digest, Sha256};

use super::{first_value, poll, release_with, Migrate, SessionLock, TimeLimits, WhoRow};
use crate::conn::{Connection, OpenMode};
use crate::error::Result;
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

/// Who holds the advisory lock `key`: pid, application, client address,
/// state and start time.
fn holder(conn: &mut Connection, key: i64) -> Option<String> {
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
    first_value(conn, &sql)
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
        super::open_server::<crate::conn::PgConnection, _>(url, crate::conn::Inner::Postgres)
    }

    fn lock(
        &self,
        conn: &mut Connection,
        version_table: &str,
        timeout: Duration,
        on_wait: &mut dyn FnMut(Option<&str>),
    ) -> Result<SessionLock> {
        let key = pg_lock_key(version_table);
        let try_sql = format!("SELECT CAST(pg_try_advisory_lock({key}) AS TEXT) AS value");
        poll(conn, timeout, on_wait, &try_sql, &["true"], |c| {
            holder(c, key)
        })?;
        Ok(SessionLock::PgAdvisory(key))
    }

    fn unlock(&self, conn: &mut Connection, lock: &SessionLock) -> Result<()> {
        match lock {
            SessionLock::PgAdvisory(key) => release_with(
                conn,
                &format!("SELECT CAST(pg_advisory_unlock({key}) AS TEXT) AS value"),
            ),
            _ => Ok(()),
        }
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
        conn.with_pg(|pg| {
            current_schema(pg).and_then(|schema| introspect_postgres(pg, &schema, skip))
        })
        .ok_or_else(|| self.not_compiled(&url))?
        .map_err(|e| crate::conn::db_error_for(&url, "introspecting the schema", &e))
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
