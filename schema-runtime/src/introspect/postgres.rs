//! PostgreSQL introspection: one schema (namespace) read back into a
//! [`Schema`] with five catalog queries — tables, columns, constraints,
//! indexes and what the model cannot express — whatever the number of
//! tables.
//!
//! What is reported (the shape `Dialect::Postgres.normalize_schema` expects):
//! - types through `Dialect::Postgres.parse_type(format_type(...))`, and
//!   a column of an enum type of the same schema as that type with its
//!   values from `pg_enum`, in their sort order;
//! - defaults as [`DefaultValue::Sql`] in PostgreSQL's own spelling
//!   (`'x'::text`, `now()`, `true`);
//! - `auto_increment` for identity columns (`GENERATED ... AS IDENTITY`),
//!   and for a legacy `serial` key (a `nextval(...)` default on the single
//!   integer primary-key column), which is then reported without a default;
//! - primary key, unique, foreign-key and check constraints with their
//!   names and columns in key order; foreign-key actions;
//! - indexes that do not back a constraint, with their keys in order
//!   (columns, or expressions as `pg_get_indexdef` prints them), each
//!   one's sort order (`DESC`, a `NULLS` order other than the direction's
//!   default), `INCLUDE` columns, a method other than B-tree and the
//!   predicate of a partial index as `pg_get_expr` prints it;
//! - table and column comments (joined from `pg_description`, not one
//!   `col_description()` call per column);
//! - a column's collation where it is not its type's default;
//! - a generated column's expression as `pg_get_expr` prints it.
//!
//! Reported as [`Unmodelled`] objects, apart from the tables: views and
//! materialized views (with the columns they read), triggers, the user's
//! routines, sequences no column owns, enum types no column uses,
//! domain/composite/range types,
//! partitioned tables and their partitions (neither is a table of the
//! model), exclusion constraints, and indexes with an operator class or
//! collation other than their keys' default, or `NULLS NOT DISTINCT`.
//!
//! Not reported at all: the `NOT VALID` / `DEFERRABLE` flags of
//! constraints.

use std::collections::BTreeMap;

use diesel::sql_types::{Array, Bool, Int4, Int8, Nullable, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};
use schema_core::dialect::Dialect;
use schema_core::{
    Check, Column, DefaultValue, EnumType, ForeignKey, Generated, Index, KeyGeneration, KeyOptions,
    LogicalType, NullsOrder, PrimaryKey, ReferentialAction, Schema, Table, UniqueConstraint,
    Unmodelled, UnmodelledKind, Use,
};

use crate::conn::PgConnection;

/// The dialect this module reads the catalog of.
const DIALECT: Dialect = Dialect::Postgres;

/// Reads every ordinary table of the schema `schema_name` (usually
/// `public`) into a [`Schema`], with what the model cannot express as its
/// unmodelled objects, leaving out tables for which `exclude(name)` is true
/// (the version table, ignored tables) and what belongs to them.
///
/// Runs five catalog queries for the whole schema, never one per table.
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
    let unmodelled: Vec<UnmodelledRow> = sql_query(UNMODELLED_SQL)
        .bind::<Text, _>(schema_name)
        .load(conn)?;
    let schema = assemble(tables, columns, constraints, indexes, exclude);
    Ok(with_unmodelled(schema, unmodelled, exclude))
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

/// Ordinary tables (`r`), not partitions; partitioned tables and their
/// partitions are [`UNMODELLED_SQL`]'s.
const TABLES_SQL: &str = "\
SELECT c.oid::int8 AS oid, c.relname::text AS name,
       ds.description AS comment
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = $1 AND c.relkind = 'r' AND NOT c.relispartition
ORDER BY c.relname";

const COLUMNS_SQL: &str = "\
SELECT a.attrelid::int8 AS table_oid, a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS declared,
       a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_sql,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       pg_catalog.pg_get_serial_sequence(c.oid::regclass::text, a.attname::text) AS owned_sequence,
       ds.description AS comment,
       (ty.typtype = 'e' AND ty.typnamespace = c.relnamespace) AS is_enum,
       ty.typname::text AS type_name,
       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = a.atttypid ORDER BY e.enumsortorder) AS enum_values,
       CASE WHEN a.attcollation <> ty.typcollation THEN co.collname::text END AS collation
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass
 AND ds.objsubid = a.attnum
WHERE n.nspname = $1 AND c.relkind = 'r' AND NOT c.relispartition
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
WHERE n.nspname = $1 AND c.relkind = 'r' AND NOT c.relispartition
  AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname";

/// Indexes that back no primary key, unique or exclusion constraint of
/// their table: keys (not `INCLUDE`d columns) in order with their
/// `indoption` bits (1 = `DESC`, 2 = `NULLS FIRST`) and whether each is an
/// expression, the `INCLUDE` columns, the access method and the predicate
/// as `pg_get_expr` prints it. `unmodelled` says why a model cannot
/// describe one (an operator class, or a collation other than the
/// column's default or, for an expression, the database's,
/// `NULLS NOT DISTINCT`, which PostgreSQL 15 added and `to_jsonb` reads
/// without failing on older servers); empty for the others.
const INDEXES_SQL: &str = "\
SELECT i.indrelid::int8 AS table_oid, ic.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       concat_ws(', ',
         CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opc, ord)
                           JOIN pg_catalog.pg_opclass o ON o.oid = k.opc
                           WHERE k.ord <= i.indnkeyatts AND NOT o.opcdefault)
              THEN 'operator class' END,
         CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) WITH ORDINALITY AS k(coll, ord)
                           JOIN pg_catalog.pg_attribute a
                             ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.ord - 1]
                           WHERE k.coll <> 0 AND k.coll <> a.attcollation)
                OR EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) WITH ORDINALITY AS k(coll, ord)
                           JOIN pg_catalog.pg_collation co ON co.oid = k.coll
                           WHERE i.indkey[k.ord - 1] = 0 AND co.collname <> 'default')
              THEN 'collation' END,
         CASE WHEN (to_jsonb(i) ->> 'indnullsnotdistinct')::bool
              THEN 'NULLS NOT DISTINCT' END) AS unmodelled,
       ARRAY(SELECT CASE WHEN k.attnum = 0
                         THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int4, true)
                         ELSE a.attname::text END
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             LEFT JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord) AS columns,
       ARRAY(SELECT k.attnum = 0
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord) AS expressions,
       ARRAY(SELECT o::int4 FROM unnest(i.indoption::int2[]) WITH ORDINALITY AS k(o, ord)
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord) AS options,
       ARRAY(SELECT a.attname::text
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord > i.indnkeyatts
             ORDER BY k.ord) AS include
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'r' AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname";

/// What the model cannot express, one row per object and table (or
/// column) it depends on: views and materialized views with the columns
/// they read, triggers, the user's routines, free-standing sequences, types,
/// partitioned tables (with the tables their foreign keys reference) and
/// their partitions and exclusion constraints. Objects that belong to an extension are the extension's, not the schema's.
const UNMODELLED_SQL: &str = "\
WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1),
ext AS (SELECT objid, classid FROM pg_catalog.pg_depend WHERE deptype = 'e')
SELECT CASE v.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind,
       v.relname::text AS name, NULL::text AS tbl, ''::text AS detail,
       t.relname::text AS uses_table, a.attname::text AS uses_column
FROM pg_catalog.pg_class v
LEFT JOIN pg_catalog.pg_rewrite r ON r.ev_class = v.oid
LEFT JOIN pg_catalog.pg_depend d
  ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
 AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> v.oid
LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_catalog.pg_attribute a
  ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE v.relnamespace IN (SELECT oid FROM ns) AND v.relkind IN ('v', 'm')
  AND v.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT 'trigger', tg.tgname::text, c.relname::text, p.proname::text || '()', NULL, NULL
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
WHERE c.relnamespace IN (SELECT oid FROM ns) AND NOT tg.tgisinternal AND tg.tgparentid = 0
UNION ALL
SELECT 'routine',
       p.proname::text || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       NULL, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                            WHEN 'w' THEN 'window function' ELSE 'function' END,
       NULL, NULL
FROM pg_catalog.pg_proc p
WHERE p.pronamespace IN (SELECT oid FROM ns)
  AND p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_catalog.pg_proc'::regclass)
UNION ALL
SELECT 'sequence', s.relname::text, NULL, '', NULL, NULL
FROM pg_catalog.pg_class s
WHERE s.relnamespace IN (SELECT oid FROM ns) AND s.relkind = 'S'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.oid
                    AND d.refclassid = 'pg_catalog.pg_class'::regclass
                    AND d.deptype IN ('a', 'i'))
  AND s.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_catalog.pg_class'::regclass)
UNION ALL
SELECT 'type', ty.typname::text, NULL,
       CASE ty.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain over '
              || pg_catalog.format_type(ty.typbasetype, ty.typtypmod)
            WHEN 'r' THEN 'range' WHEN 'm' THEN 'multirange' ELSE 'composite' END,
       NULL, NULL
FROM pg_catalog.pg_type ty
WHERE ty.typnamespace IN (SELECT oid FROM ns)
  AND (ty.typtype IN ('e', 'd', 'r', 'm')
       OR (ty.typtype = 'c' AND (SELECT relkind FROM pg_catalog.pg_class
                                 WHERE oid = ty.typrelid) = 'c'))
  AND ty.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_catalog.pg_type'::regclass)
UNION ALL
SELECT 'partitioned table', c.relname::text, NULL,
       pg_catalog.pg_get_partkeydef(c.oid), rc.relname::text, ra.attname::text
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_constraint con ON con.conrelid = c.oid AND con.contype = 'f'
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_attribute ra
  ON ra.attrelid = con.confrelid AND ra.attnum = ANY (con.confkey)
WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind = 'p' AND NOT c.relispartition
UNION ALL
SELECT 'partition', c.relname::text, pc.relname::text,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid), NULL, NULL
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid
JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relispartition AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'constraint', con.conname::text, c.relname::text, 'EXCLUDE', NULL, NULL
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind = 'r' AND con.contype = 'x'
ORDER BY 1, 2, 3, 5, 6";

#[derive(QueryableByName)]
struct UnmodelledRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    tbl: Option<String>,
    #[diesel(sql_type = Text)]
    detail: String,
    #[diesel(sql_type = Nullable<Text>)]
    uses_table: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    uses_column: Option<String>,
}

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
    /// The sequence the column owns (identity or `serial`), if any.
    #[diesel(sql_type = Nullable<Text>)]
    owned_sequence: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    comment: Option<String>,
    /// Of an enum type in the table's own schema (which the model renders
    /// unqualified).
    #[diesel(sql_type = Bool)]
    is_enum: bool,
    #[diesel(sql_type = Text)]
    type_name: String,
    /// The enum's labels in their sort order.
    #[diesel(sql_type = Array<Text>)]
    enum_values: Vec<String>,
    /// The column's collation where it is not its type's.
    #[diesel(sql_type = Nullable<Text>)]
    collation: Option<String>,
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
    /// `pg_am.amname`: `btree`, `gin`, ...
    #[diesel(sql_type = Text)]
    method: String,
    #[diesel(sql_type = Nullable<Text>)]
    predicate: Option<String>,
    /// Why a model cannot describe the index (`on expressions`); empty
    /// for one it can.
    #[diesel(sql_type = Text)]
    unmodelled: String,
    #[diesel(sql_type = Array<Text>)]
    columns: Vec<String>,
    /// Per key: whether it is an expression (`columns` then holds it as
    /// `pg_get_indexdef` prints it).
    #[diesel(sql_type = Array<Bool>)]
    expressions: Vec<bool>,
    /// Per key column: bit 1 `DESC`, bit 2 `NULLS FIRST`.
    #[diesel(sql_type = Array<Int4>)]
    options: Vec<i32>,
    #[diesel(sql_type = Array<Text>)]
    include: Vec<String>,
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
        // A generated column's expression is kept where a default is
        // (`s` stored; `v`, virtual, from PostgreSQL 18).
        let (default, generated) = match c.generated.as_str() {
            "" => (c.default_sql.map(DefaultValue::Sql), None),
            how => (
                None,
                Some(Generated {
                    expr: c.default_sql.unwrap_or_default(),
                    stored: how == "s",
                }),
            ),
        };
        table.columns.push(Column {
            name: c.name,
            field: None,
            ty: if c.is_enum {
                LogicalType::Enum(EnumType::new(c.type_name, c.enum_values))
            } else {
                DIALECT.parse_type(&c.declared)
            },
            nullable: !c.not_null,
            default,
            auto_increment: matches!(c.identity.as_str(), "a" | "d"),
            renamed_from: None,
            comment: c.comment,
            collation: c.collation,
            on_update: None,
            key_generation: match c.identity.as_str() {
                "a" => Some(KeyGeneration::Always),
                // Kept only if the key turns out to be a `serial` one.
                "" => c.owned_sequence.map(KeyGeneration::Sequence),
                _ => None,
            },
            generated,
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

    let mut special = Vec::new();
    for ix in indexes {
        if let Some(table) = by_oid.get_mut(&ix.table_oid) {
            if !ix.unmodelled.is_empty() {
                special.push(Unmodelled {
                    sql: None,
                    kind: UnmodelledKind::Index,
                    name: ix.name,
                    table: Some(table.name.clone()),
                    detail: ix.unmodelled,
                    uses: Vec::new(),
                });
                continue;
            }
            let keys = ix
                .options
                .iter()
                .zip(ix.expressions.iter().chain(std::iter::repeat(&false)))
                .map(|(&o, &expression)| {
                    let desc = o & 1 != 0;
                    let nulls_first = o & 2 != 0;
                    KeyOptions {
                        desc,
                        // Reported only where it is not the default for
                        // the direction (first when descending).
                        nulls: match (desc, nulls_first) {
                            (false, true) => Some(NullsOrder::First),
                            (true, false) => Some(NullsOrder::Last),
                            _ => None,
                        },
                        prefix: None,
                        expression,
                    }
                })
                .collect();
            let mut index = Index {
                name: ix.name,
                columns: ix.columns,
                unique: ix.is_unique,
                keys,
                include: ix.include,
                method: Some(ix.method).filter(|m| m != "btree"),
                predicate: ix.predicate,
            };
            index.canonical_keys();
            table.indexes.push(index);
        }
    }

    let mut tables: Vec<Table> = by_oid.into_values().collect();
    for t in &mut tables {
        fold_serial_key(t);
    }
    Schema::new(tables).with_unmodelled(special)
}

/// `schema` with the rows of [`UNMODELLED_SQL`] added to its unmodelled
/// objects (one per object; a view's uses of a whole table are dropped
/// where the catalog also names the columns it reads).
fn with_unmodelled(
    mut schema: Schema,
    rows: Vec<UnmodelledRow>,
    exclude: &dyn Fn(&str) -> bool,
) -> Schema {
    let mut objects: BTreeMap<(String, String, Option<String>), Unmodelled> = BTreeMap::new();
    for r in rows {
        let kind = match r.kind.as_str() {
            "view" => UnmodelledKind::View,
            "materialized view" => UnmodelledKind::MaterializedView,
            "trigger" => UnmodelledKind::Trigger,
            "routine" => UnmodelledKind::Routine,
            "sequence" => UnmodelledKind::Sequence,
            "type" => UnmodelledKind::Type,
            "partitioned table" => UnmodelledKind::PartitionedTable,
            "partition" => UnmodelledKind::Partition,
            _ => UnmodelledKind::Constraint,
        };
        let owner = r.tbl.as_deref().unwrap_or(&r.name);
        if exclude(owner) {
            continue;
        }
        // An enum type of modelled columns is part of the model.
        if kind == UnmodelledKind::Type && r.detail == "enum" && enum_in_use(&schema, &r.name) {
            continue;
        }
        let entry = objects
            .entry((r.kind.clone(), r.name.clone(), r.tbl.clone()))
            .or_insert_with(|| Unmodelled {
                sql: None,
                kind,
                name: r.name,
                table: r.tbl,
                detail: r.detail,
                uses: Vec::new(),
            });
        if let Some(table) = r.uses_table {
            entry.uses.push(Use {
                table,
                column: r.uses_column,
            });
        }
    }
    for u in objects.values_mut() {
        let by_column: Vec<String> = u
            .uses
            .iter()
            .filter(|x| x.column.is_some())
            .map(|x| x.table.clone())
            .collect();
        u.uses
            .retain(|x| x.column.is_some() || !by_column.contains(&x.table));
        u.uses.sort();
        u.uses.dedup();
    }
    let mut all = std::mem::take(&mut schema.unmodelled);
    all.extend(objects.into_values());
    schema.with_unmodelled(all)
}

/// Whether a column of `schema` has the enum type `name`.
fn enum_in_use(schema: &Schema, name: &str) -> bool {
    schema
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .any(|c| matches!(&c.ty, LogicalType::Enum(e) if e.name == name))
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
    let pk_col = match t.primary_key.as_ref().map(|pk| pk.columns.as_slice()) {
        Some([only]) => Some(only.clone()),
        _ => None,
    };
    for col in &mut t.columns {
        // Only a `serial` key keeps the sequence it owns (read for every
        // column that owns one, identities included).
        let owned = match col.key_generation.take() {
            Some(KeyGeneration::Always) => {
                col.key_generation = Some(KeyGeneration::Always);
                continue;
            }
            other => other,
        };
        if Some(&col.name) != pk_col.as_ref() {
            continue;
        }
        let integer = matches!(
            col.ty,
            LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt
        );
        let serial = matches!(&col.default, Some(DefaultValue::Sql(sql)) if sql.trim_start().to_ascii_lowercase().starts_with("nextval("));
        if integer && serial {
            // Re-created from this, the key takes `nextval` of the sequence
            // it owns, as before; one it does not own gets an identity.
            let sequence = match (&col.default, owned) {
                (Some(DefaultValue::Sql(sql)), Some(KeyGeneration::Sequence(_))) => {
                    nextval_sequence(sql)
                }
                _ => None,
            };
            col.default = None;
            col.auto_increment = true;
            col.key_generation = sequence.map(KeyGeneration::Sequence);
        }
    }
}

/// The sequence of a `nextval('seq'::regclass)` default, as written
/// between the quotes.
fn nextval_sequence(default: &str) -> Option<String> {
    let rest = default.trim().strip_prefix("nextval('")?;
    let end = rest.find("'::regclass)")?;
    Some(rest[..end].replace("''", "'"))
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
