//! Reading another migration tool's history table — sqlx's
//! `_sqlx_migrations`, diesel's `__diesel_schema_migrations`, refinery's,
//! dbmate's or golang-migrate's `schema_migrations` — so a project that
//! switches to cargo-schema can stamp exactly what that tool applied.
//!
//! Only reads: the other tool's table is left as it is, so switching back
//! stays possible. Which columns mean what is the caller's knowledge; this
//! module reads them as text on every backend.

use diesel::sql_types::{Nullable, Text};
use diesel::QueryableByName;

use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::version::VersionTable;

/// One row of another tool's history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignRow {
    /// The version column, as text (`20230101120000`, `1`, ...).
    pub version: String,
    /// The boolean column asked for (sqlx's `success`, golang-migrate's
    /// `dirty`); `None` when none was asked for or the value is NULL.
    pub flag: Option<bool>,
}

#[derive(QueryableByName)]
struct RawRow {
    #[diesel(sql_type = Text)]
    version: String,
    #[diesel(sql_type = Nullable<Text>)]
    flag: Option<String>,
}

/// Every row of `table`: its `version_column` and, when given, the boolean
/// `flag_column`. `None` when the table does not exist.
pub fn read_foreign_table(
    conn: &mut Connection,
    table: &str,
    version_column: &str,
    flag_column: Option<&str>,
) -> Result<Option<Vec<ForeignRow>>> {
    if !VersionTable::new(table, conn.backend()).exists(conn)? {
        return Ok(None);
    }
    let dialect = conn.dialect();
    let text = dialect.text_cast_type();
    let flag = match flag_column {
        Some(c) => format!("CAST({} AS {text})", dialect.quote_ident(c)),
        None => "NULL".to_string(),
    };
    let sql = format!(
        "SELECT CAST({} AS {text}) AS version, {flag} AS flag FROM {}",
        dialect.quote_ident(version_column),
        dialect.quote_ident(table)
    );
    let action = format!("reading `{table}`");
    let rows: Vec<RawRow> = conn.load(&sql).map_err(|e| conn.db_error(&action, &e))?;
    rows.into_iter()
        .map(|r| {
            let flag = match r.flag.as_deref().map(str::trim) {
                None => None,
                Some(v) => Some(parse_bool(v).ok_or_else(|| {
                    Error::Invalid(format!(
                        "`{table}`: column `{}` of version {} holds `{v}`, which is not a boolean",
                        flag_column.unwrap_or_default(),
                        r.version
                    ))
                })?),
            };
            Ok(ForeignRow {
                version: r.version.trim().to_string(),
                flag,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// A boolean as the three databases print it cast to text: `true`/`false`
/// (PostgreSQL), `1`/`0` (MySQL, SQLite integers), `t`/`f`.
fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "t" | "true" => Some(true),
        "0" | "f" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_and_flags_or_reports_a_missing_table() {
        let mut c = Connection::establish("sqlite::memory:").unwrap();
        assert_eq!(
            read_foreign_table(&mut c, "_sqlx_migrations", "version", Some("success")).unwrap(),
            None
        );
        c.execute(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, success BOOLEAN NOT NULL);
             INSERT INTO _sqlx_migrations VALUES (20230101120000, TRUE), (2, FALSE);",
        )
        .unwrap();
        let mut rows = read_foreign_table(&mut c, "_sqlx_migrations", "version", Some("success"))
            .unwrap()
            .unwrap();
        rows.sort_by(|a, b| a.version.cmp(&b.version));
        assert_eq!(
            rows,
            [
                ForeignRow {
                    version: "2".into(),
                    flag: Some(false)
                },
                ForeignRow {
                    version: "20230101120000".into(),
                    flag: Some(true)
                },
            ]
        );
        let rows = read_foreign_table(&mut c, "_sqlx_migrations", "version", None)
            .unwrap()
            .unwrap();
        assert!(rows.iter().all(|r| r.flag.is_none()));
    }

    #[test]
    fn a_flag_that_is_no_boolean_is_an_error() {
        let mut c = Connection::establish("sqlite::memory:").unwrap();
        c.execute(
            "CREATE TABLE t (version TEXT, dirty TEXT); INSERT INTO t VALUES ('1', 'maybe');",
        )
        .unwrap();
        let err = read_foreign_table(&mut c, "t", "version", Some("dirty"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds `maybe`"), "{err}");
    }
}
