//! MySQL and MariaDB through diesel's libmysqlclient connection.
//!
//! - Lock: a named lock (`GET_LOCK(name, 0)`), polled with jittered backoff;
//!   the holder comes from `IS_USED_LOCK` + the process list.
//! - Transactions: DDL auto-commits, so statements run one by one; the
//!   engine records the revision as dirty before it runs, and a failure
//!   half-way leaves it dirty with an account of what took effect.
//! - Statements: backslashes escape inside strings (the server default).

use std::time::Duration;

use diesel::mysql::MysqlConnection;
use schema_core::dialect::Dialect;
use schema_core::url::DatabaseUrl;
use schema_core::Schema;

use super::{first_value, open_server, poll, release_with, Migrate, SessionLock};
use crate::conn::{db_error_for, Connection, Inner, OpenMode};
use crate::error::{Error, Result};

/// The MySQL/MariaDB backend.
pub(crate) struct Mysql;

/// The MySQL lock name for a database and version table (at most 64 chars).
pub fn mysql_lock_name(database: &str, version_table: &str) -> String {
    schema_core::naming::shorten(&format!("cargo-schema:{database}.{version_table}"), 64)
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

    fn open(&self, url: &DatabaseUrl, _mode: OpenMode) -> Result<Connection> {
        open_server::<MysqlConnection>(url, Inner::Mysql)
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
        poll(conn, timeout, on_wait, &try_sql, &["1"], |c| {
            holder(c, &lit)
        })?;
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

    fn version_table_exists_sql(&self, name: &str) -> String {
        format!(
            "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = {}",
            self.dialect().quote_str(name)
        )
    }

    fn introspect(&self, conn: &mut Connection, skip: &dyn Fn(&str) -> bool) -> Result<Schema> {
        let url = conn.url().clone();
        let my = conn
            .as_mysql_mut()
            .expect("a MySQL URL opens a MysqlConnection");
        match crate::introspect::mysql::current_database(my) {
            Ok(Some(db)) => crate::introspect::mysql::introspect_mysql(my, &db, skip)
                .map_err(|e| db_error_for(&url, "introspecting the database", &e)),
            Ok(None) => Err(Error::Invalid(format!(
                "{} names no database; add one to the URL path",
                url.redacted()
            ))),
            Err(e) => Err(db_error_for(&url, "introspecting the database", &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
