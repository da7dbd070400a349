//! The version table: one row per applied revision.
//!
//! The table itself (its columns, and its DDL per database) is declared by
//! the dialect ([`Dialect::version_table`]); this module reads and writes
//! its rows. A dirty row marks a migration that failed half-way on a
//! database whose DDL auto-commits (MySQL/MariaDB): the next run refuses
//! until someone repairs it.

use diesel::sql_types::{Nullable, Text};
use diesel::QueryableByName;
use schema_core::dialect::Dialect;
use schema_core::url::Backend;

use crate::backend::{self, Migrate};
use crate::conn::Connection;
use crate::error::Result;
use crate::sink::Sink;

/// The default version table name (the core's, re-exported).
pub use schema_core::migration::DEFAULT_VERSION_TABLE;

/// One row of the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRevision {
    /// The revision id.
    pub revision: String,
    /// Checksum of the up section when it was applied (or stamped).
    pub checksum: String,
    /// When it was applied, as the database prints it.
    pub applied_at: String,
    /// How long its up section took, in milliseconds (0 when stamped).
    pub execution_ms: i64,
    /// A failed, partially applied migration (MySQL/MariaDB).
    pub dirty: bool,
    /// The account of the failure, for a dirty row.
    pub dirty_reason: Option<String>,
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = Text)]
    revision: String,
    #[diesel(sql_type = Nullable<Text>)]
    checksum: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    applied_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    execution_ms: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    dirty: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    dirty_reason: Option<String>,
}

/// The version table of one database: its name and the SQL to maintain it
/// (the parts that differ per database come from its backend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTable {
    name: String,
    dialect: Dialect,
}

impl VersionTable {
    /// The version table `name` on `backend`.
    pub fn new(name: &str, backend: Backend) -> VersionTable {
        VersionTable::for_dialect(name, backend.dialect())
    }

    /// The version table `name` in `dialect`'s database.
    pub fn for_dialect(name: &str, dialect: Dialect) -> VersionTable {
        VersionTable {
            name: name.to_string(),
            dialect,
        }
    }

    fn backend(&self) -> &'static dyn Migrate {
        backend::of(self.dialect)
    }

    /// The table name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The quoted table name.
    pub fn quoted(&self) -> String {
        self.dialect.quote_ident(&self.name)
    }

    /// `CREATE TABLE IF NOT EXISTS ...` for this backend, rendered by the
    /// dialect from the table it declares
    /// ([`Dialect::create_version_table_sql`]).
    pub fn create_sql(&self) -> String {
        self.dialect.create_version_table_sql(&self.name)
    }

    /// `INSERT` of a clean row.
    pub fn insert_sql(&self, revision: &str, checksum: &str, execution_ms: u128) -> String {
        format!(
            "INSERT INTO {} (revision, checksum, execution_ms) VALUES ({}, {}, {execution_ms})",
            self.quoted(),
            self.lit(revision),
            self.lit(checksum)
        )
    }

    /// `DELETE` of one row.
    pub fn delete_sql(&self, revision: &str) -> String {
        format!(
            "DELETE FROM {} WHERE revision = {}",
            self.quoted(),
            self.lit(revision)
        )
    }

    /// `UPDATE` of a row's checksum (`stamp --rehash`).
    pub fn rehash_sql(&self, revision: &str, checksum: &str) -> String {
        format!(
            "UPDATE {} SET checksum = {} WHERE revision = {}",
            self.quoted(),
            self.lit(checksum),
            self.lit(revision)
        )
    }

    /// `INSERT` of a dirty row (a MySQL migration in progress or failed).
    pub(crate) fn insert_dirty_sql(&self, revision: &str, checksum: &str, reason: &str) -> String {
        format!(
            "INSERT INTO {} (revision, checksum, dirty, dirty_reason) VALUES ({}, {}, TRUE, {})",
            self.quoted(),
            self.lit(revision),
            self.lit(checksum),
            self.lit(reason)
        )
    }

    /// `UPDATE` marking a row dirty with an account.
    pub(crate) fn set_dirty_reason_sql(&self, revision: &str, reason: &str) -> String {
        format!(
            "UPDATE {} SET dirty = TRUE, dirty_reason = {} WHERE revision = {}",
            self.quoted(),
            self.lit(reason),
            self.lit(revision)
        )
    }

    /// `UPDATE` marking a row clean after success.
    pub(crate) fn mark_clean_sql(&self, revision: &str, execution_ms: u128) -> String {
        format!(
            "UPDATE {} SET dirty = FALSE, dirty_reason = NULL, execution_ms = {execution_ms} WHERE revision = {}",
            self.quoted(),
            self.lit(revision)
        )
    }

    fn lit(&self, s: &str) -> String {
        self.dialect.quote_str(s)
    }

    /// Whether the table exists.
    pub fn exists(&self, conn: &mut Connection) -> Result<bool> {
        Ok(self.exists_in(&mut Sink::Live(conn))?.unwrap_or(false))
    }

    /// Whether the table exists; `None` in a script, which cannot read.
    fn exists_in(&self, sink: &mut Sink<'_>) -> Result<Option<bool>> {
        let sql = self.backend().version_table_exists_sql(&self.name);
        Ok(sink
            .query::<NameRow>(&sql, "looking for the version table")?
            .map(|rows| rows.into_iter().any(|r| r.name.is_some())))
    }

    /// Creates the table when it does not exist.
    pub fn ensure(&self, conn: &mut Connection) -> Result<()> {
        self.ensure_in(&mut Sink::Live(conn))
    }

    /// [`VersionTable::ensure`] on a sink: a script creates it
    /// `IF NOT EXISTS`.
    pub(crate) fn ensure_in(&self, sink: &mut Sink<'_>) -> Result<()> {
        if self.exists_in(sink)? == Some(true) {
            return Ok(());
        }
        sink.exec(
            &self.create_sql(),
            &format!("creating the version table `{}`", self.name),
        )
    }

    /// Every row, sorted by revision; empty when the table does not exist.
    pub fn read(&self, conn: &mut Connection) -> Result<Vec<AppliedRevision>> {
        if !self.exists(conn)? {
            return Ok(Vec::new());
        }
        self.read_existing(conn)
    }

    /// Every row of a table known to exist.
    pub(crate) fn read_existing(&self, conn: &mut Connection) -> Result<Vec<AppliedRevision>> {
        let text = self.dialect.text_cast_type();
        let sql = format!(
            "SELECT revision, checksum, CAST(applied_at AS {text}) AS applied_at, \
             CAST(execution_ms AS {text}) AS execution_ms, CAST(dirty AS {text}) AS dirty, \
             dirty_reason FROM {} ORDER BY revision",
            self.quoted()
        );
        let rows: Vec<VersionRow> = conn.load(&sql).map_err(|e| {
            conn.db_error(&format!("reading the version table `{}`", self.name), &e)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| AppliedRevision {
                revision: r.revision,
                checksum: r.checksum.unwrap_or_default(),
                applied_at: r.applied_at.unwrap_or_default(),
                execution_ms: r.execution_ms.and_then(|m| m.parse().ok()).unwrap_or(0),
                dirty: matches!(r.dirty.as_deref(), Some("1" | "true" | "t")),
                dirty_reason: r.dirty_reason,
            })
            .collect())
    }

    /// Whether `revision` has a row, read inside the transaction of a
    /// backend whose transaction is the lock, to skip what a concurrent
    /// runner already did; `None` in a script, which cannot read.
    pub(crate) fn contains(&self, sink: &mut Sink<'_>, revision: &str) -> Result<Option<bool>> {
        let sql = format!(
            "SELECT revision AS name FROM {} WHERE revision = {}",
            self.quoted(),
            self.lit(revision)
        );
        Ok(sink
            .query::<NameRow>(&sql, "reading the version table")?
            .map(|rows| !rows.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_read_insert_delete_on_sqlite() {
        let mut c = Connection::establish("sqlite::memory:").unwrap();
        let vt = VersionTable::new("my_versions", Backend::Sqlite);
        assert!(!vt.exists(&mut c).unwrap());
        assert!(vt.read(&mut c).unwrap().is_empty());
        vt.ensure(&mut c).unwrap();
        vt.ensure(&mut c).unwrap();
        assert!(vt.exists(&mut c).unwrap());
        c.execute(&vt.insert_sql("bbbbbbbbbbbb", "c2", 7)).unwrap();
        c.execute(&vt.insert_dirty_sql("aaaaaaaaaaaa", "c1", "it's broken"))
            .unwrap();
        let rows = vt.read(&mut c).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].revision, "aaaaaaaaaaaa");
        assert!(rows[0].dirty);
        assert_eq!(rows[0].dirty_reason.as_deref(), Some("it's broken"));
        assert_eq!(rows[1].execution_ms, 7);
        assert!(!rows[1].dirty);
        assert!(!rows[1].applied_at.is_empty());
        assert_eq!(
            vt.contains(&mut Sink::Live(&mut c), "bbbbbbbbbbbb")
                .unwrap(),
            Some(true)
        );
        c.execute(&vt.mark_clean_sql("aaaaaaaaaaaa", 3)).unwrap();
        assert!(!vt.read(&mut c).unwrap()[0].dirty);
        c.execute(&vt.delete_sql("bbbbbbbbbbbb")).unwrap();
        assert_eq!(
            vt.contains(&mut Sink::Live(&mut c), "bbbbbbbbbbbb")
                .unwrap(),
            Some(false)
        );
    }

    #[test]
    fn quoting_follows_the_dialect() {
        let vt = VersionTable::new("a`b", Backend::Mysql);
        assert_eq!(vt.quoted(), "`a``b`");
        assert_eq!(
            vt.delete_sql(r"x\'y"),
            r"DELETE FROM `a``b` WHERE revision = 'x\\''y'"
        );
        let vt = VersionTable::new("a\"b", Backend::Postgres);
        assert_eq!(vt.quoted(), "\"a\"\"b\"");
        assert_eq!(
            vt.delete_sql(r"x\'y"),
            r#"DELETE FROM "a""b" WHERE revision = 'x\''y'"#
        );
    }
}
