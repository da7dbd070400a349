//! PostgreSQL introspection: one schema (namespace) read back into a
//! [`Schema`] with four catalog queries — tables, columns, constraints and
//! indexes — whatever the number of tables.
//!
//! What is reported (the shape `Dialect::Postgres.normalize_schema` expects):
//! - types through `Dialect::Postgres.parse_type(format_type(...))`;
//! - defaults as [`DefaultValue::Sql`] in PostgreSQL's own spelling
//!   (`'x'::text`, `now()`, `true`);
//! - `auto_increment` for identity columns (`GENERATED ... AS IDENTITY`),
//!   and for a legacy `serial` key (a `nextval(...)` default on the single
//!   integer primary-key column), which is then reported without a default;
//! - primary key, unique, foreign-key and check constraints with their
//!   names and columns in key order; foreign-key actions;
//! - indexes that do not back a constraint, with their key columns in order
//!   (an expression key is reported as its SQL text);
//! - table and column comments (joined from `pg_description`, not one
//!   `col_description()` call per column).
//!
//! Not represented in the model, hence not reported: exclusion
//! constraints, partial-index predicates, index methods and sort orders,
//! `INCLUDE` columns, generated-column expressions, and the `NOT VALID` /
//! `DEFERRABLE` flags of constraints.

use std::collections::BTreeMap;

use diesel::sql_types::{Array, Bool, Int8, Nullable, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};
use schema_core::dialect::Dialect;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, LogicalType, PrimaryKey, ReferentialAction,
    Schema, Table, UniqueConstraint,
};

use crate::conn::PgConnection;

/// The dialect this module reads the catalog of.
const DIALECT: Dialect = Dialect::Postgres;

/// Reads every ordinary and partitioned table of the schema `schema_name`
/// (usually `public`; partitions themselves are skipped) into a
/// [`Schema`], leaving out tables for which `exclude(name)` is true (the
/// version table, ignored tables).
///
/// Runs four catalog queries for the whole schema, never one per table.
pub fn introspect_postgres(
    conn: &mut PgConnection,
    schema_name: &str,
    exclude: &dyn Fn(&str) -> bool,
) -> Result<Schema, diesel::result::Error> {
    let tables: Vec<TableRow> = sql_query(TABLES_SQL)
        .bind::<Text, _>(schema_name)
        .load(conn)?;
    let columns: Vec<ColumnRow> = sql_query(COLUMNS_SQL)
        .bind::<Text, _>(schema_name)
        .load(conn)?;
    let constraints: Vec<ConstraintRow> = sql_query(CONSTRAINTS_SQL)
        .bind::<Text, _>(schema_name)
        .load(conn)?;
    let indexes: Vec<IndexRow> = sql_query(INDEXES_SQL)
        .bind::<Text, _>(schema_name)
        .load(conn)?;
    Ok(assemble(tables, columns, constraints, indexes, exclude))
}

/// The connection's `current_schema()` (the first existing schema of the
/// search path, usually `public`).
pub fn current_schema(conn: &mut PgConnection) -> Result<String, diesel::result::Error> {
    let rows: Vec<NameRow> =
        sql_query("SELECT COALESCE(current_schema(), 'public')::text AS name").load(conn)?;
    Ok(rows
        .into_iter()
        .next()
        .map(|r| r.name)
        .unwrap_or_else(|| "public".to_string()))
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Ordinary (`r`) and partitioned (`p`) tables, not partitions.
const TABLES_SQL: &str = "\
SELECT c.oid::int8 AS oid, c.relname::text AS name,
       ds.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname";

const COLUMNS_SQL: &str = "\
SELECT a.attrelid::int8 AS table_oid, a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS declared,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_sql,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       ds.description AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass
 AND ds.objsubid = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

/// Primary key, unique, foreign-key and check constraints; key columns are
/// resolved to names in key order.
const CONSTRAINTS_SQL: &str = "\
SELECT con.conrelid::int8 AS table_oid, con.conname::text AS name,
       con.contype::text AS kind,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       CASE WHEN rn.nspname = n.nspname THEN rc.relname::text
            ELSE rn.nspname::text || '.' || rc.relname::text END AS ref_table,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_columns,
       con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update,
       pg_catalog.pg_get_expr(con.conbin, con.conrelid) AS check_sql
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname";

/// Indexes that back no primary key, unique or exclusion constraint of
/// their table; key columns (not `INCLUDE`d ones) in order.
const INDEXES_SQL: &str = "\
SELECT i.indrelid::int8 AS table_oid, ic.relname::text AS name,
       i.indisunique AS is_unique,
       ARRAY(SELECT CASE WHEN k.attnum = 0
                         THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int4, true)
                         ELSE a.attname::text END
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             LEFT JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord) AS columns
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname";

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Int8)]
    oid: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    comment: Option<String>,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Int8)]
    table_oid: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    declared: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
    #[diesel(sql_type = Nullable<Text>)]
    default_sql: Option<String>,
    #[diesel(sql_type = Text)]
    identity: String,
    #[diesel(sql_type = Text)]
    generated: String,
    #[diesel(sql_type = Nullable<Text>)]
    comment: Option<String>,
}

#[derive(QueryableByName)]
struct ConstraintRow {
    #[diesel(sql_type = Int8)]
    table_oid: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Array<Text>)]
    columns: Vec<String>,
    #[diesel(sql_type = Nullable<Text>)]
    ref_table: Option<String>,
    #[diesel(sql_type = Array<Text>)]
    ref_columns: Vec<String>,
    #[diesel(sql_type = Text)]
    on_delete: String,
    #[diesel(sql_type = Text)]
    on_update: String,
    #[diesel(sql_type = Nullable<Text>)]
    check_sql: Option<String>,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Int8)]
    table_oid: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Array<Text>)]
    columns: Vec<String>,
}

/// Builds the schema from the rows of the four queries.
fn assemble(
    tables: Vec<TableRow>,
    columns: Vec<ColumnRow>,
    constraints: Vec<ConstraintRow>,
    indexes: Vec<IndexRow>,
    exclude: &dyn Fn(&str) -> bool,
) -> Schema {
    let mut by_oid: BTreeMap<i64, Table> = tables
        .into_iter()
        .filter(|t| !exclude(&t.name))
        .map(|t| {
            let table = Table {
                name: t.name,
                comment: t.comment,
                ..Table::default()
            };
            (t.oid, table)
        })
        .collect();

    for c in columns {
        let Some(table) = by_oid.get_mut(&c.table_oid) else {
            continue;
        };
        // A generated column's expression is not a default; the model has
        // no notion of generated columns, so only its type is reported.
        let default = match c.generated.as_str() {
            "" => c.default_sql.map(DefaultValue::Sql),
            _ => None,
        };
        table.columns.push(Column {
            name: c.name,
            field: None,
            ty: DIALECT.parse_type(&c.declared),
            nullable: !c.not_null,
            default,
            auto_increment: matches!(c.identity.as_str(), "a" | "d"),
            renamed_from: None,
            comment: c.comment,
            // Not read back on PostgreSQL (see the dialect).
            collation: None,
        });
    }

    for con in constraints {
        let Some(table) = by_oid.get_mut(&con.table_oid) else {
            continue;
        };
        match con.kind.as_str() {
            "p" => {
                table.primary_key = Some(PrimaryKey {
                    name: Some(con.name),
                    columns: con.columns,
                })
            }
            "u" => table.uniques.push(UniqueConstraint {
                name: con.name,
                columns: con.columns,
            }),
            "f" => table.foreign_keys.push(ForeignKey {
                name: Some(con.name),
                columns: con.columns,
                ref_table: con.ref_table.unwrap_or_default(),
                ref_columns: con.ref_columns,
                on_delete: action(&con.on_delete),
                on_update: action(&con.on_update),
            }),
            "c" => table.checks.push(Check {
                name: con.name,
                sql: con.check_sql.unwrap_or_default(),
            }),
            _ => {}
        }
    }

    for ix in indexes {
        if let Some(table) = by_oid.get_mut(&ix.table_oid) {
            table.indexes.push(Index {
                name: ix.name,
                columns: ix.columns,
                unique: ix.is_unique,
            });
        }
    }

    let mut tables: Vec<Table> = by_oid.into_values().collect();
    for t in &mut tables {
        fold_serial_key(t);
    }
    Schema::new(tables)
}

/// `pg_constraint.confdeltype` / `confupdtype` → action.
fn action(code: &str) -> ReferentialAction {
    match code {
        "r" => ReferentialAction::Restrict,
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

/// A legacy `serial` key (`nextval(...)` default on the single integer
/// primary-key column) is the same thing as an identity column for the
/// model: auto-increment, no default. Elsewhere a `nextval` default stays
/// an ordinary default.
fn fold_serial_key(t: &mut Table) {
    let Some([pk_col]) = t.primary_key.as_ref().map(|pk| pk.columns.as_slice()) else {
        return;
    };
    let pk_col = pk_col.clone();
    let Some(col) = t.columns.iter_mut().find(|c| c.name == pk_col) else {
        return;
    };
    let integer = matches!(
        col.ty,
        LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt
    );
    let serial = matches!(&col.default, Some(DefaultValue::Sql(sql)) if sql.trim_start().to_ascii_lowercase().starts_with("nextval("));
    if integer && serial {
        col.default = None;
        col.auto_increment = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: LogicalType, default: Option<&str>) -> Column {
        Column {
            default: default.map(|d| DefaultValue::Sql(d.to_string())),
            ..Column::new(name, ty)
        }
    }

    #[test]
    fn serial_primary_key_becomes_auto_increment() {
        let mut t = Table {
            name: "t".into(),
            columns: vec![
                col(
                    "id",
                    LogicalType::Integer,
                    Some("nextval('t_id_seq'::regclass)"),
                ),
                col("n", LogicalType::BigInt, Some("nextval('n_seq'::regclass)")),
            ],
            primary_key: Some(PrimaryKey {
                name: Some("t_pkey".into()),
                columns: vec!["id".into()],
            }),
            ..Table::default()
        };
        fold_serial_key(&mut t);
        assert!(t.columns[0].auto_increment);
        assert_eq!(t.columns[0].default, None);
        // Not the key: the sequence default is kept as a plain default.
        assert!(!t.columns[1].auto_increment);
        assert!(t.columns[1].default.is_some());
    }

    #[test]
    fn serial_in_composite_key_stays_a_default() {
        let mut t = Table {
            name: "t".into(),
            columns: vec![
                col("a", LogicalType::Integer, Some("nextval('s'::regclass)")),
                col("b", LogicalType::Integer, None),
            ],
            primary_key: Some(PrimaryKey {
                name: None,
                columns: vec!["a".into(), "b".into()],
            }),
            ..Table::default()
        };
        fold_serial_key(&mut t);
        assert!(!t.columns[0].auto_increment);
        assert!(t.columns[0].default.is_some());
    }

    #[test]
    fn action_codes() {
        assert_eq!(action("a"), ReferentialAction::NoAction);
        assert_eq!(action("r"), ReferentialAction::Restrict);
        assert_eq!(action("c"), ReferentialAction::Cascade);
        assert_eq!(action("n"), ReferentialAction::SetNull);
        assert_eq!(action("d"), ReferentialAction::SetDefault);
    }
}
