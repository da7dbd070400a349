//! Live database → [`schema_core::Schema`], in a handful of catalog queries
//! for the whole schema (never one query per table).
//!
//! [`introspect`] enters through the connection's backend
//! (`backend`), which calls the reader of its dialect here.
//!
//! What each dialect reports is the shape `Dialect::normalize_schema`
//! documents, so `diff(introspect(db), models)` is empty right after the
//! generated migration ran.

#[cfg(any(feature = "mysql", feature = "mysql-libmysqlclient"))]
pub mod mysql;
#[cfg(any(feature = "postgres", feature = "postgres-libpq"))]
pub mod postgres;
pub(crate) mod sqlite;

use schema_core::url::DatabaseUrl;
use schema_core::Schema;

use crate::backend;
use crate::conn::Connection;
use crate::error::Result;
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
    backend::of(conn.dialect()).introspect(conn, &|t| options.skips(t))
}

/// Connects to `url` for reading (a missing SQLite file is an empty
/// database and is not created) and reads its schema.
pub fn introspect_url(url: &DatabaseUrl, options: &IntrospectOptions) -> Result<Schema> {
    introspect(&mut Connection::open_existing_or_empty(url)?, options)
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
