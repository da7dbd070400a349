//! Live database → [`schema_core::Schema`], in a handful of catalog queries
//! for the whole schema (never one query per table).
//!
//! What each dialect reports is the shape `Dialect::normalize_schema`
//! documents, so `diff(introspect(db), models)` is empty right after the
//! generated migration ran.

pub mod mysql;
pub mod postgres;
mod sqlite;

use schema_core::url::Backend;
use schema_core::Schema;

use crate::conn::{db_error_for, Connection};
use crate::error::{Error, Result};
use crate::version::DEFAULT_VERSION_TABLE;

/// Which tables introspection leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// The version table (never part of the schema).
    pub version_table: String,
    /// Glob patterns (`*`, `?`) of tables to ignore, e.g. `legacy_*`.
    pub ignore_tables: Vec<String>,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        IntrospectOptions {
            version_table: DEFAULT_VERSION_TABLE.to_string(),
            ignore_tables: Vec::new(),
        }
    }
}

impl IntrospectOptions {
    /// Whether `table` is left out (the version table, an ignored pattern).
    pub fn skips(&self, table: &str) -> bool {
        table == self.version_table || self.ignore_tables.iter().any(|p| glob_match(p, table))
    }
}

/// Reads the schema of the connected database.
pub fn introspect(conn: &mut Connection, options: &IntrospectOptions) -> Result<Schema> {
    match conn.backend() {
        Backend::Sqlite => sqlite::introspect(conn, options),
        Backend::Postgres => {
            let url = conn.url().clone();
            let pg = conn
                .as_pg_mut()
                .expect("a PostgreSQL URL opens a PgConnection");
            let skip = |t: &str| options.skips(t);
            postgres::current_schema(pg)
                .and_then(|schema| postgres::introspect_postgres(pg, &schema, &skip))
                .map_err(|e| db_error_for(&url, "introspecting the schema", &e))
        }
        Backend::Mysql => {
            let url = conn.url().clone();
            let my = conn
                .as_mysql_mut()
                .expect("a MySQL URL opens a MysqlConnection");
            let skip = |t: &str| options.skips(t);
            match mysql::current_database(my) {
                Ok(Some(db)) => mysql::introspect_mysql(my, &db, &skip)
                    .map_err(|e| db_error_for(&url, "introspecting the database", &e)),
                Ok(None) => Err(Error::Invalid(format!(
                    "{} names no database; add one to the URL path",
                    url.redacted()
                ))),
                Err(e) => Err(db_error_for(&url, "introspecting the database", &e)),
            }
        }
    }
}

/// `*` matches any run of characters, `?` one character; everything else
/// matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("legacy_*", "legacy_users"));
        assert!(glob_match("legacy_*", "legacy_"));
        assert!(!glob_match("legacy_*", "users_legacy"));
        assert!(glob_match("spatial_ref_sys", "spatial_ref_sys"));
        assert!(glob_match("t?", "t1"));
        assert!(!glob_match("t?", "t12"));
        assert!(glob_match("*_tmp*", "a_tmp_b"));
        assert!(glob_match("*", ""));
        let o = IntrospectOptions {
            version_table: "v".into(),
            ignore_tables: vec!["x*".into()],
        };
        assert!(o.skips("v") && o.skips("xy") && !o.skips("y"));
    }
}
