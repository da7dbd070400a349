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

use std::fmt;
use std::sync::Arc;

use schema_core::url::DatabaseUrl;
use schema_core::Schema;

use crate::backend;
use crate::conn::Connection;
use crate::error::Result;
use crate::version::DEFAULT_VERSION_TABLE;

/// Which tables introspection leaves out, and who hears about its progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// The version table (never part of the schema).
    pub version_table: String,
    /// Glob patterns (`*`, `?`) of tables to ignore, e.g. `legacy_*`.
    pub ignore_tables: Vec<String>,
    /// Called once per table read, in order, with how many are done of how
    /// many the schema has (ignored tables not counted); not called for an
    /// empty schema. Set it with [`IntrospectOptions::on_table()`].
    pub on_table: Option<OnTable>,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        IntrospectOptions {
            version_table: DEFAULT_VERSION_TABLE.to_string(),
            ignore_tables: Vec::new(),
            on_table: None,
        }
    }
}

impl IntrospectOptions {
    /// Whether `table` is left out (the version table, an ignored pattern).
    pub fn skips(&self, table: &str) -> bool {
        table == self.version_table || self.ignore_tables.iter().any(|p| glob_match(p, table))
    }

    /// These options with `f` told of each table read, e.g. to drive a
    /// progress bar.
    pub fn on_table(mut self, f: impl Fn(IntrospectProgress) + Send + Sync + 'static) -> Self {
        self.on_table = Some(OnTable::new(f));
        self
    }
}

/// How far introspection is: `done` of `total` tables read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrospectProgress {
    /// Tables read so far (1-based: the first call says 1).
    pub done: usize,
    /// Tables in the schema, after the version table and ignored tables
    /// are left out.
    pub total: usize,
}

/// A progress callback for [`IntrospectOptions::on_table()`]: shared, so the
/// options stay `Clone`; two are equal when they are the same callback.
#[derive(Clone)]
pub struct OnTable(Arc<dyn Fn(IntrospectProgress) + Send + Sync>);

impl OnTable {
    /// Wraps `f`.
    pub fn new(f: impl Fn(IntrospectProgress) + Send + Sync + 'static) -> Self {
        OnTable(Arc::new(f))
    }

    /// Calls the callback.
    pub fn call(&self, progress: IntrospectProgress) {
        (self.0)(progress)
    }
}

impl fmt::Debug for OnTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnTable(..)")
    }
}

impl PartialEq for OnTable {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for OnTable {}

/// Reads the schema of the connected database.
///
/// The dialects read the catalog in a few queries for the whole schema, so
/// no table is finished before those queries return; the `on_table`
/// callback then hears of each table, in the order the schema lists them.
/// (It is called here rather than from each dialect's reader because the
/// backend hook that reaches the readers takes only the table filter.)
pub fn introspect(conn: &mut Connection, options: &IntrospectOptions) -> Result<Schema> {
    let schema = backend::of(conn.dialect()).introspect(conn, &|t| options.skips(t))?;
    if let Some(f) = &options.on_table {
        let total = schema.tables.len();
        for done in 1..=total {
            f.call(IntrospectProgress { done, total });
        }
    }
    Ok(schema)
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
            on_table: None,
        };
        assert!(o.skips("v") && o.skips("xy") && !o.skips("y"));
    }
}
