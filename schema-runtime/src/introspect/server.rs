//! PostgreSQL and MySQL/MariaDB introspection: five catalog queries each
//! (tables, columns, constraints or key columns, indexes, checks) for the
//! whole schema — PostgreSQL's `current_schema()`, MySQL's `DATABASE()`.
//!
//! Every query selects text columns `c0`..`c7` into one row type, so both
//! backends share the assembly code.

use std::collections::BTreeMap;

use diesel::sql_types::{Nullable, Text};
use diesel::QueryableByName;
use schema_core::url::Backend;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint,
};

use super::IntrospectOptions;
use crate::conn::Connection;
use crate::error::Result;

/// Separator of column lists in aggregated PostgreSQL rows.
const SEP: char = '\u{1f}';

#[derive(QueryableByName, Debug)]
struct Row {
    #[diesel(sql_type = Nullable<Text>)]
    c0: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c1: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c2: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c3: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c4: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c5: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c6: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    c7: Option<String>,
}

impl Row {
    fn s(&self, i: usize) -> String {
        self.o(i).unwrap_or_default()
    }

    fn o(&self, i: usize) -> Option<String> {
        match i {
            0 => self.c0.clone(),
            1 => self.c1.clone(),
            2 => self.c2.clone(),
            3 => self.c3.clone(),
            4 => self.c4.clone(),
            5 => self.c5.clone(),
            6 => self.c6.clone(),
            _ => self.c7.clone(),
        }
    }
}

/// `SELECT` of up to eight expressions as text columns `c0`..`c7`.
fn select(backend: Backend, exprs: &[&str]) -> String {
    let text = if backend == Backend::Mysql {
        "CHAR"
    } else {
        "TEXT"
    };
    (0..8)
        .map(|i| {
            let e = exprs.get(i).copied().unwrap_or("NULL");
            format!("CAST({e} AS {text}) AS c{i}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn load(conn: &mut Connection, sql: &str) -> Result<Vec<Row>> {
    conn.load(sql)
        .map_err(|e| conn.db_error("reading the database schema", &e))
}

fn split_cols(s: &str) -> Vec<String> {
    s.split(SEP)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn pg_action(code: &str) -> ReferentialAction {
    match code {
        "r" => ReferentialAction::Restrict,
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

/// `CHECK ((a > 0)) NOT VALID` → `(a > 0)`.
fn pg_check_body(def: &str) -> String {
    let d = def.trim();
    let d = d.strip_suffix("NOT VALID").unwrap_or(d).trim();
    let d = d.strip_prefix("CHECK").unwrap_or(d).trim();
    match d.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => inner.trim().to_string(),
        None => d.to_string(),
    }
}

pub(super) fn introspect_postgres(
    conn: &mut Connection,
    options: &IntrospectOptions,
) -> Result<Schema> {
    let b = Backend::Postgres;
    let in_schema = "n.nspname = current_schema() AND c.relkind IN ('r', 'p')";
    let tables = load(
        conn,
        &format!(
            "SELECT {} FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {in_schema}",
            select(b, &["c.relname", "obj_description(c.oid, 'pg_class')"])
        ),
    )?;
    let columns = load(
        conn,
        &format!(
            "SELECT {} FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE {in_schema} AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY c.relname, a.attnum",
            select(
                b,
                &[
                    "c.relname",
                    "a.attname",
                    "format_type(a.atttypid, a.atttypmod)",
                    "a.attnotnull",
                    "pg_get_expr(d.adbin, d.adrelid)",
                    "a.attidentity",
                    "col_description(c.oid, a.attnum)",
                ]
            )
        ),
    )?;
    let cols_of = |arr: &str, rel: &str| {
        format!(
            "array_to_string(ARRAY(SELECT a.attname FROM unnest({arr}) WITH ORDINALITY k(num, ord) \
             JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.num ORDER BY k.ord), chr(31))"
        )
    };
    let con_cols = cols_of("con.conkey", "con.conrelid");
    let ref_cols = cols_of("con.confkey", "con.confrelid");
    let constraints = load(
        conn,
        &format!(
            "SELECT {} FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
             WHERE {in_schema} AND con.contype IN ('p', 'u', 'f', 'c') ORDER BY c.relname, con.conname",
            select(
                b,
                &[
                    "c.relname",
                    "con.conname",
                    "con.contype",
                    &con_cols,
                    "rc.relname",
                    &ref_cols,
                    "CAST(con.confdeltype AS TEXT) || CAST(con.confupdtype AS TEXT)",
                    "pg_get_constraintdef(con.oid)",
                ]
            )
        ),
    )?;
    let ix_cols = cols_of("ix.indkey::int2[]", "ix.indrelid");
    let indexes = load(
        conn,
        &format!(
            "SELECT {} FROM pg_index ix JOIN pg_class c ON c.oid = ix.indrelid \
             JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {in_schema} AND ix.indexprs IS NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint k \
             WHERE k.conindid = ix.indexrelid AND k.contype IN ('p', 'u', 'x')) \
             ORDER BY c.relname, i.relname",
            select(b, &["c.relname", "i.relname", "ix.indisunique", &ix_cols])
        ),
    )?;

    let mut out = start_tables(&tables, options);
    for r in &columns {
        let Some(t) = out.get_mut(&r.s(0)) else {
            continue;
        };
        let mut col = Column::new(r.s(1), b.dialect().parse_type(&r.s(2)));
        col.nullable = r.s(3) != "true";
        let ident = r.s(5);
        let default = r.o(4);
        let serial = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        col.auto_increment = !ident.is_empty() || serial;
        col.default = if col.auto_increment {
            None
        } else {
            default.map(DefaultValue::Sql)
        };
        col.comment = r.o(6);
        t.columns.push(col);
    }
    for r in &constraints {
        let Some(t) = out.get_mut(&r.s(0)) else {
            continue;
        };
        let columns = split_cols(&r.s(3));
        match r.s(2).as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: Some(r.s(1)),
                    columns,
                })
            }
            "u" => t.uniques.push(UniqueConstraint {
                name: r.s(1),
                columns,
            }),
            "f" => {
                let actions: Vec<char> = r.s(6).chars().collect();
                t.foreign_keys.push(ForeignKey {
                    name: Some(r.s(1)),
                    columns,
                    ref_table: r.s(4),
                    ref_columns: split_cols(&r.s(5)),
                    on_delete: pg_action(
                        &actions.first().map(|c| c.to_string()).unwrap_or_default(),
                    ),
                    on_update: pg_action(
                        &actions.get(1).map(|c| c.to_string()).unwrap_or_default(),
                    ),
                });
            }
            _ => t.checks.push(Check {
                name: r.s(1),
                sql: pg_check_body(&r.s(7)),
            }),
        }
    }
    for r in &indexes {
        if let Some(t) = out.get_mut(&r.s(0)) {
            t.indexes.push(Index {
                name: r.s(1),
                columns: split_cols(&r.s(3)),
                unique: r.s(2) == "true",
            });
        }
    }
    Ok(Schema::new(out.into_values().collect()))
}

fn start_tables(rows: &[Row], options: &IntrospectOptions) -> BTreeMap<String, Table> {
    rows.iter()
        .filter(|r| !options.skips(&r.s(0)))
        .map(|r| {
            (
                r.s(0),
                Table {
                    name: r.s(0),
                    comment: r.o(1).filter(|c| !c.is_empty()),
                    ..Table::default()
                },
            )
        })
        .collect()
}

/// Uniqueness and column names (`None` for an expression) of one index.
type MysqlIndex = (bool, Vec<Option<String>>);

pub(super) fn introspect_mysql(
    conn: &mut Connection,
    options: &IntrospectOptions,
) -> Result<Schema> {
    let b = Backend::Mysql;
    let mariadb = load(conn, &format!("SELECT {}", select(b, &["VERSION()"])))?
        .first()
        .is_some_and(|r| r.s(0).contains("MariaDB"));
    let here = "table_schema = DATABASE()";
    let tables = load(
        conn,
        &format!(
            "SELECT {} FROM information_schema.tables WHERE {here} AND table_type = 'BASE TABLE'",
            select(b, &["table_name", "table_comment"])
        ),
    )?;
    let columns = load(
        conn,
        &format!(
            "SELECT {} FROM information_schema.columns WHERE {here} ORDER BY table_name, ordinal_position",
            select(
                b,
                &[
                    "table_name",
                    "column_name",
                    "column_type",
                    "is_nullable",
                    "column_default",
                    "extra",
                    "column_comment",
                    "data_type",
                ]
            )
        ),
    )?;
    let stats = load(
        conn,
        &format!(
            "SELECT {} FROM information_schema.statistics WHERE {here} \
             ORDER BY table_name, index_name, seq_in_index",
            select(
                b,
                &["table_name", "index_name", "non_unique", "column_name"]
            )
        ),
    )?;
    let fks = load(
        conn,
        &format!(
            "SELECT {} FROM information_schema.key_column_usage k \
             JOIN information_schema.referential_constraints r \
             ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name \
             AND r.table_name = k.table_name \
             WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL \
             ORDER BY k.table_name, k.constraint_name, k.ordinal_position",
            select(
                b,
                &[
                    "k.table_name",
                    "k.constraint_name",
                    "k.column_name",
                    "k.referenced_table_name",
                    "k.referenced_column_name",
                    "r.delete_rule",
                    "r.update_rule",
                ]
            )
        ),
    )?;
    let checks = load(
        conn,
        &format!(
            "SELECT {} FROM information_schema.check_constraints cc \
             JOIN information_schema.table_constraints tc \
             ON tc.constraint_schema = cc.constraint_schema AND tc.constraint_name = cc.constraint_name \
             WHERE cc.constraint_schema = DATABASE() AND tc.constraint_type = 'CHECK' \
             ORDER BY tc.table_name, cc.constraint_name",
            select(b, &["tc.table_name", "cc.constraint_name", "cc.check_clause"])
        ),
    )?;

    // MariaDB's JSON type is LONGTEXT plus an implicit
    // `CHECK (json_valid(col))` named after the column.
    let is_implicit_json = |r: &Row| r.s(2) == format!("json_valid(`{}`)", r.s(1));
    let json_cols: std::collections::BTreeSet<(String, String)> = checks
        .iter()
        .filter(|r| is_implicit_json(r))
        .map(|r| (r.s(0), r.s(1)))
        .collect();

    let mut out = start_tables(&tables, options);
    for r in &columns {
        let Some(t) = out.get_mut(&r.s(0)) else {
            continue;
        };
        let json = json_cols.contains(&(r.s(0), r.s(1))) && r.s(7) == "longtext";
        let ty = if json {
            schema_core::LogicalType::Json
        } else {
            b.dialect().parse_type(&r.s(2))
        };
        let mut col = Column::new(r.s(1), ty);
        col.nullable = r.s(3) == "YES";
        let extra = r.s(5).to_ascii_lowercase();
        col.auto_increment = extra.contains("auto_increment");
        col.default = mysql_default(r.o(4), &extra, &r.s(7), mariadb).map(DefaultValue::Sql);
        col.comment = r.o(6).filter(|c| !c.is_empty());
        t.columns.push(col);
    }
    let mut idx: BTreeMap<(String, String), MysqlIndex> = BTreeMap::new();
    for r in &stats {
        idx.entry((r.s(0), r.s(1)))
            .or_insert_with(|| (r.s(2) == "0", Vec::new()))
            .1
            .push(r.o(3));
    }
    for ((tbl, name), (unique, cols)) in idx {
        let Some(t) = out.get_mut(&tbl) else {
            continue;
        };
        // A functional index has no column names; it is left alone.
        let Some(columns) = cols.into_iter().collect::<Option<Vec<String>>>() else {
            continue;
        };
        if name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns,
            });
        } else {
            t.indexes.push(Index {
                name,
                columns,
                unique,
            });
        }
    }
    let mut fk_map: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
    for r in &fks {
        let fk = fk_map
            .entry((r.s(0), r.s(1)))
            .or_insert_with(|| ForeignKey {
                name: Some(r.s(1)),
                columns: Vec::new(),
                ref_table: r.s(3),
                ref_columns: Vec::new(),
                on_delete: ReferentialAction::parse(&r.s(5)).unwrap_or_default(),
                on_update: ReferentialAction::parse(&r.s(6)).unwrap_or_default(),
            });
        fk.columns.push(r.s(2));
        fk.ref_columns.push(r.s(4));
    }
    for ((tbl, _), fk) in fk_map {
        if let Some(t) = out.get_mut(&tbl) {
            t.foreign_keys.push(fk);
        }
    }
    for r in &checks {
        if let Some(t) = out.get_mut(&r.s(0)) {
            if json_cols.contains(&(r.s(0), r.s(1))) {
                continue;
            }
            t.checks.push(Check {
                name: r.s(1),
                sql: r.s(2),
            });
        }
    }
    Ok(Schema::new(out.into_values().collect()))
}

/// MySQL 8 reports a literal string default unquoted (`abc`) and an
/// expression with `DEFAULT_GENERATED` in `extra`; MariaDB reports SQL
/// (`'abc'`, `current_timestamp()`) and a literal `NULL` for "no default".
fn mysql_default(
    raw: Option<String>,
    extra: &str,
    data_type: &str,
    mariadb: bool,
) -> Option<String> {
    let raw = raw?;
    if mariadb {
        return (raw != "NULL").then_some(raw);
    }
    if extra.contains("default_generated") {
        return Some(raw);
    }
    let numeric = matches!(
        data_type,
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "bigint"
            | "decimal"
            | "float"
            | "double"
            | "bit"
    );
    if numeric {
        Some(raw)
    } else {
        Some(format!("'{}'", raw.replace('\'', "''")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_bodies() {
        assert_eq!(pg_check_body("CHECK ((a > 0))"), "(a > 0)");
        assert_eq!(pg_check_body("CHECK ((a > 0)) NOT VALID"), "(a > 0)");
    }

    #[test]
    fn mysql_defaults() {
        assert_eq!(mysql_default(Some("NULL".into()), "", "int", true), None);
        assert_eq!(
            mysql_default(Some("'x'".into()), "", "varchar", true).as_deref(),
            Some("'x'")
        );
        assert_eq!(
            mysql_default(Some("it's".into()), "", "varchar", false).as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            mysql_default(Some("5".into()), "", "int", false).as_deref(),
            Some("5")
        );
        assert_eq!(
            mysql_default(
                Some("CURRENT_TIMESTAMP(6)".into()),
                "default_generated",
                "datetime",
                false
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP(6)")
        );
        assert_eq!(mysql_default(None, "", "int", false), None);
    }
}
