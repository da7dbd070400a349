//! MySQL and MariaDB, through the pure-Rust driver (`mysql` feature) or
//! libmysqlclient (`mysql-libmysqlclient`); see the `driver` module.
//!
//! - Lock: a named lock (`GET_LOCK(name, 0)`), polled with jittered backoff;
//!   the holder comes from `IS_USED_LOCK` + the process list.
//! - Lease: `DATETIME(6)` in UTC (`UTC_TIMESTAMP(6)`), whatever the
//!   session's time zone; taken in one `INSERT ... ON DUPLICATE KEY UPDATE`.
//! - Transactions: DDL auto-commits, so statements run one by one; the
//!   engine records the revision as dirty before it runs, and a failure
//!   half-way leaves it dirty with an account of what took effect.
//! - Statements: backslashes escape inside strings (the server default).

use std::time::Duration;

use schema_core::dialect::Dialect;
use schema_core::url::DatabaseUrl;
use schema_core::Schema;

use super::{
    first_value, owner_literals, poll, release_with, Migrate, SessionLock, TimeLimits, WhoRow,
};
use crate::conn::{Connection, OpenMode};
use crate::error::Result;
use crate::holder::LeaseOwner;
use crate::sink::Sink;

/// The MySQL/MariaDB backend.
pub(crate) struct Mysql;

/// The MySQL lock name for a database and version table (at most 64 chars).
pub fn mysql_lock_name(database: &str, version_table: &str) -> String {
    schema_core::naming::shorten(&format!("cargo-schema:{database}.{version_table}"), 64)
}

/// Whether the URL asks for an encrypted connection.
fn requires_tls(url: &DatabaseUrl) -> bool {
    let full = url.diesel_url(false);
    let query = full.split_once('?').map(|(_, q)| q).unwrap_or("");
    query.split('&').any(|pair| {
        matches!(
            pair.split_once('='),
            Some(("ssl_mode", v)) if !v.eq_ignore_ascii_case("disabled") && !v.eq_ignore_ascii_case("preferred")
        )
    })
}

/// Who holds the named lock (`name_lit` is its SQL literal).
fn holder(conn: &mut Connection, name_lit: &str) -> Option<String> {
    let sql = format!(
        "SELECT CAST(CONCAT('connection ', p.id, ' (', p.user, '@', p.host, ')', \
         IFNULL(CONCAT(', ', p.command), '')) AS CHAR) AS value \
         FROM information_schema.processlist p WHERE p.id = IS_USED_LOCK({name_lit})"
    );
    first_value(conn, &sql)
}

impl Migrate for Mysql {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn product(&self) -> &'static str {
        "MySQL/MariaDB"
    }

    fn feature(&self) -> &'static str {
        "mysql"
    }

    #[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
    fn open(&self, url: &DatabaseUrl, _mode: OpenMode) -> Result<Connection> {
        let mut conn =
            super::open_server::<crate::conn::MysqlConnection, _>(url, crate::conn::Inner::Mysql)?;
        if requires_tls(url) {
            // Some client libraries (MariaDB's, installed as libmysqlclient)
            // ignore `ssl_mode` and fall back to plain text; a URL that asks
            // for TLS must never get an unencrypted session.
            let cipher = first_value(
                &mut conn,
                "SELECT CAST(VARIABLE_VALUE AS CHAR) AS value FROM information_schema.SESSION_STATUS \
                 WHERE VARIABLE_NAME = 'SSL_CIPHER'",
            )
            .or_else(|| {
                first_value(
                    &mut conn,
                    "SELECT CAST(VARIABLE_VALUE AS CHAR) AS value FROM performance_schema.session_status \
                     WHERE VARIABLE_NAME = 'Ssl_cipher'",
                )
            });
            if cipher.as_deref().unwrap_or("").is_empty() {
                return Err(super::connect_error_hint(
                    url,
                    "the URL requires TLS (ssl_mode), but the session is not encrypted".to_string(),
                    "enable TLS on the server, or use a client library that enforces ssl_mode",
                ));
            }
        }
        Ok(conn)
    }

    fn lock(
        &self,
        conn: &mut Connection,
        version_table: &str,
        timeout: Duration,
        on_wait: &mut dyn FnMut(Option<&str>),
    ) -> Result<SessionLock> {
        let name = mysql_lock_name(conn.url().database().unwrap_or(""), version_table);
        let lit = self.dialect().quote_str(&name);
        let try_sql = format!("SELECT CAST(GET_LOCK({lit}, 0) AS CHAR) AS value");
        poll(
            conn,
            timeout,
            on_wait,
            &try_sql,
            |_, v| Ok(v == "1"),
            |c| holder(c, &lit),
        )?;
        Ok(SessionLock::MysqlNamed(name))
    }

    fn unlock(&self, conn: &mut Connection, lock: &SessionLock) -> Result<()> {
        match lock {
            SessionLock::MysqlNamed(name) => release_with(
                conn,
                &format!(
                    "SELECT CAST(RELEASE_LOCK({}) AS CHAR) AS value",
                    self.dialect().quote_str(name)
                ),
            ),
            _ => Ok(()),
        }
    }

    /// Session variables around each migration (DDL is never inside a
    /// transaction here). `max_statement_time` is MariaDB's: it is written
    /// in a `/*M! */` comment, which MariaDB runs and MySQL skips.
    fn time_limits_sql(&self, limits: &TimeLimits, _in_transaction: bool) -> Vec<String> {
        let secs = |d: Duration| d.as_millis().div_ceil(1000).max(1);
        let mut set = match limits.lock {
            Some(d) => format!(
                "SET SESSION lock_wait_timeout = {0}, innodb_lock_wait_timeout = {0}",
                secs(d)
            ),
            // A harmless assignment for the MariaDB part to follow.
            None => "SET @schema_time_limits = 1".to_string(),
        };
        if let Some(d) = limits.statement {
            set.push_str(&format!(
                " /*M! , SESSION max_statement_time = {}.{:03} */",
                d.as_secs(),
                d.subsec_millis()
            ));
        }
        if limits.any() {
            vec![set]
        } else {
            Vec::new()
        }
    }

    fn reset_time_limits_sql(&self) -> Vec<String> {
        vec![
            "SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT \
             /*M! , SESSION max_statement_time = DEFAULT */"
                .into(),
        ]
    }

    /// The connections with an InnoDB transaction open: a metadata or row
    /// lock the migration waited for is held by one of them.
    /// `Lock wait timeout exceeded` (error 1205): the statement never got
    /// its metadata lock, so it changed nothing.
    fn lock_timed_out(&self, message: &str) -> bool {
        message.contains("Lock wait timeout exceeded")
    }

    fn blockers(&self, sink: &mut Sink<'_>, message: &str) -> Option<String> {
        let lower = message.to_ascii_lowercase();
        if !(lower.contains("lock wait timeout") || lower.contains("max_statement_time")) {
            return None;
        }
        let rows: Vec<WhoRow> = sink
            .query(
                "SELECT GROUP_CONCAT(CONCAT('connection ', t.trx_mysql_thread_id, ' (', \
                 IFNULL(CONCAT(p.USER, '@', p.HOST, ', '), ''), 'transaction open since ', \
                 t.trx_started, IFNULL(CONCAT(': ', LEFT(p.INFO, 80)), ''), ')') \
                 ORDER BY t.trx_started SEPARATOR '; ') AS who \
                 FROM information_schema.INNODB_TRX t \
                 LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
                 WHERE t.trx_mysql_thread_id <> CONNECTION_ID()",
                "looking for the connections holding locks",
            )
            .ok()
            .flatten()?;
        rows.into_iter().next().and_then(|r| r.who).map(|who| {
            format!("connections with a transaction open, one of which holds the lock: {who}")
        })
    }

    fn lease_table_sql(&self, table: &str) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n  id INTEGER NOT NULL PRIMARY KEY,\n  \
             token VARCHAR(64) NOT NULL,\n  owner_host VARCHAR(255) NOT NULL,\n  \
             owner_pid BIGINT NOT NULL,\n  owner_app VARCHAR(255) NOT NULL,\n  \
             acquired_at DATETIME(6) NOT NULL,\n  expires_at DATETIME(6) NOT NULL\n) ENGINE = InnoDB",
            self.dialect().quote_ident(table)
        )
    }

    /// Concurrent `CREATE TABLE IF NOT EXISTS` is serialised by the
    /// server's metadata lock; a creator that still loses the race is told
    /// the table exists, which is what it wanted.
    fn create_lease_table(&self, conn: &mut Connection, table: &str) -> Result<()> {
        match conn.batch(&self.lease_table_sql(table)) {
            Ok(()) => Ok(()),
            Err(e) if crate::error::db_message(&e).contains("already exists") => Ok(()),
            Err(e) => Err(conn.db_error(&format!("creating the lease table `{table}`"), &e)),
        }
    }

    /// UTC, whatever the session's time zone.
    fn lease_now_sql(&self) -> &'static str {
        "UTC_TIMESTAMP(6)"
    }

    fn lease_expiry_sql(&self, length: Duration) -> String {
        format!(
            "UTC_TIMESTAMP(6) + INTERVAL {} MICROSECOND",
            length.as_micros()
        )
    }

    /// One statement: the insert, or on the existing row an update that
    /// changes each column only when the lease expired (`expires_at` is
    /// assigned last, so every condition still sees the old expiry).
    fn lease_take_sql(&self, table: &str, owner: &LeaseOwner, length: Duration) -> Vec<String> {
        let t = self.dialect().quote_ident(table);
        let [token, host, pid, app] = owner_literals(self.dialect(), owner);
        let now = self.lease_now_sql();
        let set = |col: &str| format!("{col} = IF(expires_at < {now}, VALUES({col}), {col})");
        let sets: Vec<String> = [
            "token",
            "owner_host",
            "owner_pid",
            "owner_app",
            "acquired_at",
            "expires_at",
        ]
        .iter()
        .map(|c| set(c))
        .collect();
        vec![format!(
            "INSERT INTO {t} (id, token, owner_host, owner_pid, owner_app, acquired_at, expires_at) \
             VALUES (1, {token}, {host}, {pid}, {app}, {now}, {exp}) ON DUPLICATE KEY UPDATE {}",
            sets.join(", "),
            exp = self.lease_expiry_sql(length),
        )]
    }

    fn lease_read_sql(&self, table: &str) -> String {
        format!(
            "SELECT CAST(token AS CHAR) AS token, CAST(owner_host AS CHAR) AS owner_host, \
             CAST(owner_pid AS CHAR) AS owner_pid, CAST(owner_app AS CHAR) AS owner_app, \
             CAST(DATE_FORMAT(acquired_at, '%Y-%m-%d %H:%i:%s') AS CHAR) AS acquired_at, \
             CAST(DATE_FORMAT(expires_at, '%Y-%m-%d %H:%i:%s') AS CHAR) AS expires_at, \
             CAST(TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), expires_at) DIV 1000 AS CHAR) \
             AS remaining_ms FROM {} WHERE id = 1",
            self.dialect().quote_ident(table)
        )
    }

    fn lease_conflict(&self, message: &str) -> bool {
        message.contains("Deadlock") || message.contains("Lock wait timeout")
    }

    fn server_version_sql(&self) -> &'static str {
        "SELECT CAST(VERSION() AS CHAR) AS version"
    }

    fn version_table_exists_sql(&self, name: &str) -> String {
        format!(
            "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = {}",
            self.dialect().quote_str(name)
        )
    }

    #[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
    fn introspect(
        &self,
        conn: &mut Connection,
        skip: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Schema> {
        use crate::introspect::mysql::{current_database, introspect_mysql};
        let url = conn.url().clone();
        let found = conn
            .with_mysql(|my| match current_database(my) {
                Ok(Some(db)) => introspect_mysql(my, &db, skip).map(Some),
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            })
            .ok_or_else(|| self.not_compiled(&url))?
            .map_err(|e| crate::conn::db_error_for(&url, "introspecting the database", &e))?;
        found.ok_or_else(|| {
            crate::error::Error::Invalid(format!(
                "{} names no database; add one to the URL path",
                url.redacted()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_urls_require_tls() {
        let req = |u: &str| requires_tls(&DatabaseUrl::parse(u).unwrap());
        assert!(req("mysql://root@db/app?ssl-mode=REQUIRED"));
        assert!(req("mysql://root@db/app?ssl_mode=verify_identity"));
        assert!(!req("mysql://root@db/app?ssl-mode=preferred"));
        assert!(!req("mysql://root@db/app?ssl-mode=DISABLED"));
        assert!(!req("mysql://root@db/app"));
    }

    #[test]
    fn lock_names_fit_in_64_characters() {
        let long = mysql_lock_name(&"d".repeat(80), "schema_revisions");
        assert_eq!(long.len(), 64);
        assert_eq!(
            mysql_lock_name("app", "schema_revisions"),
            "cargo-schema:app.schema_revisions"
        );
    }
}
