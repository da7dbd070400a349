//! MySQL 8 / MariaDB 10.6+ introspection: one database read back into a
//! [`Schema`] from `information_schema` with seven queries (server flavour,
//! tables, columns, index columns, foreign-key columns, checks, and views,
//! triggers, routines and partitionings), whatever the number of tables.
//!
//! What is reported (the shape `Dialect::Mysql.normalize_schema` expects):
//! - types through `Dialect::Mysql.parse_type(COLUMN_TYPE)` (`tinyint(1)` is
//!   a boolean, `int(11)` an integer); on MariaDB a `longtext` column with
//!   its own `json_valid(col)` check is `Json`, and that check is not
//!   reported (MariaDB adds it itself for `JSON`);
//! - defaults as [`DefaultValue::Sql`] in SQL spelling: MariaDB's
//!   `COLUMN_DEFAULT` already is SQL (`'x'`, `current_timestamp(6)`,
//!   `NULL` meaning no default); MySQL 8 reports literals bare, so strings
//!   are quoted back, and expression defaults (`DEFAULT_GENERATED`) are
//!   unescaped;
//! - `auto_increment` from `EXTRA`;
//! - the primary key without a name; unique constraints as unique indexes
//!   (MySQL does not tell them apart), every index with its columns in
//!   `SEQ_IN_INDEX` order (including those MySQL created for a foreign key),
//!   each with its prefix length (`SUB_PART`) and direction (`COLLATION`
//!   `D` for descending);
//! - foreign keys with names and `UPDATE_RULE`/`DELETE_RULE` as reported
//!   (MariaDB reports an unspecified action as `RESTRICT`);
//! - check constraints; table and column comments (empty means none);
//! - a column's collation (which names its character set) where it differs
//!   from its table's default, and a table's where it differs from the
//!   database's;
//! - a column's `ON UPDATE` expression from `EXTRA`;
//! - a generated column's expression as `GENERATION_EXPRESSION` prints it
//!   (`` `price` * `qty` ``), `STORED` (MariaDB: `PERSISTENT`) from `EXTRA`.
//!
//! Reported as [`Unmodelled`] objects, apart from the tables: views,
//! triggers, routines, table partitioning, and indexes
//! with a functional key part (MySQL 8) or of a special type (`FULLTEXT`,
//! `SPATIAL`).

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};
use schema_core::dialect::Dialect;
use schema_core::sql::names::mentioned;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Generated, Index, KeyOptions, LogicalType, PrimaryKey,
    ReferentialAction, Schema, Table, Unmodelled, UnmodelledKind, Use,
};

use crate::conn::MysqlConnection;

/// The dialect this module reads the catalog of.
const DIALECT: Dialect = Dialect::Mysql;

/// Reads every base table of the database `database` (usually the
/// connection's `DATABASE()`) into a [`Schema`], leaving out tables for
/// which `exclude(name)` is true (the version table, ignored tables).
///
/// Works on MySQL 8 and MariaDB 10.6+; runs seven `information_schema`
/// queries for the whole database, never one per table.
pub fn introspect_mysql(
    conn: &mut MysqlConnection,
    database: &str,
    exclude: &dyn Fn(&str) -> bool,
) -> Result<Schema, diesel::result::Error> {
    let version: Vec<VersionRow> = sql_query("SELECT VERSION() AS version").load(conn)?;
    let flavor = match version.first() {
        Some(v) if v.version.to_ascii_lowercase().contains("mariadb") => Flavor::MariaDb,
        _ => Flavor::MySql,
    };
    let tables: Vec<TableRow> = sql_query(TABLES_SQL).bind::<Text, _>(database).load(conn)?;
    let columns: Vec<ColumnRow> = sql_query(COLUMNS_SQL)
        .bind::<Text, _>(database)
        .load(conn)?;
    let indexes: Vec<IndexRow> = sql_query(INDEXES_SQL)
        .bind::<Text, _>(database)
        .load(conn)?;
    let fks: Vec<ForeignKeyRow> = sql_query(FOREIGN_KEYS_SQL)
        .bind::<Text, _>(database)
        .load(conn)?;
    let checks_sql = match flavor {
        Flavor::MariaDb => CHECKS_SQL_MARIADB,
        Flavor::MySql => CHECKS_SQL_MYSQL,
    };
    let checks: Vec<CheckRow> = sql_query(checks_sql).bind::<Text, _>(database).load(conn)?;
    let objects: Vec<ObjectRow> = sql_query(OBJECTS_SQL)
        .bind::<Text, _>(database)
        .bind::<Text, _>(database)
        .bind::<Text, _>(database)
        .bind::<Text, _>(database)
        .load(conn)?;
    let schema = assemble(flavor, tables, columns, indexes, fks, checks, exclude);
    Ok(with_objects(schema, objects, exclude))
}

/// The connection's default database (`DATABASE()`), `None` when the URL
/// names none.
pub fn current_database(
    conn: &mut MysqlConnection,
) -> Result<Option<String>, diesel::result::Error> {
    let rows: Vec<DatabaseRow> = sql_query("SELECT DATABASE() AS name").load(conn)?;
    Ok(rows.into_iter().next().and_then(|r| r.name))
}

#[derive(QueryableByName)]
struct DatabaseRow {
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

/// Which server answered: their `information_schema`s differ in detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    MySql,
    MariaDb,
}

const TABLES_SQL: &str = "\
SELECT TABLE_NAME AS table_name, TABLE_COMMENT AS table_comment,
       TABLE_COLLATION AS table_collation,
       (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA
        WHERE SCHEMA_NAME = TABLE_SCHEMA) AS database_collation
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
ORDER BY TABLE_NAME";

const COLUMNS_SQL: &str = "\
SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
       COLUMN_TYPE AS column_type, DATA_TYPE AS data_type,
       IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default,
       EXTRA AS extra, COLUMN_COMMENT AS column_comment,
       COLLATION_NAME AS collation_name, GENERATION_EXPRESSION AS generation_expression
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, ORDINAL_POSITION";

const INDEXES_SQL: &str = "\
SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name,
       CAST(NON_UNIQUE AS SIGNED) AS non_unique, COLUMN_NAME AS column_name,
       INDEX_TYPE AS index_type, CAST(SUB_PART AS SIGNED) AS sub_part,
       COLLATION AS collation
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS_SQL: &str = "\
SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name,
       k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_NAME AS ref_table,
       k.REFERENCED_COLUMN_NAME AS ref_column,
       r.DELETE_RULE AS delete_rule, r.UPDATE_RULE AS update_rule
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// Views, triggers, routines and partitioned tables: what the model cannot
/// express beside the columns and indexes.
const OBJECTS_SQL: &str = "\
SELECT 'view' AS kind, TABLE_NAME AS name, NULL AS tbl, NULL AS detail,
       VIEW_DEFINITION AS body
FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?
UNION ALL
SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE,
       CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION), ACTION_STATEMENT
FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
UNION ALL
SELECT 'routine', ROUTINE_NAME, NULL, LOWER(ROUTINE_TYPE), NULL
FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
UNION ALL
SELECT DISTINCT 'partitioning', TABLE_NAME, TABLE_NAME,
       CONCAT(PARTITION_METHOD, ' (', COALESCE(PARTITION_EXPRESSION, ''), ')'), NULL
FROM information_schema.PARTITIONS
WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL
ORDER BY 1, 2";

/// MariaDB scopes check names per table and says which table a check
/// belongs to.
const CHECKS_SQL_MARIADB: &str = "\
SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name,
       CHECK_CLAUSE AS check_clause
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ?
ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8 check names are unique per schema; the table comes from
/// `TABLE_CONSTRAINTS`.
const CHECKS_SQL_MYSQL: &str = "\
SELECT tc.TABLE_NAME AS table_name, tc.CONSTRAINT_NAME AS constraint_name,
       cc.CHECK_CLAUSE AS check_clause
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA
 AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = ? AND tc.CONSTRAINT_TYPE = 'CHECK'
ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME";

#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = Text)]
    version: String,
}

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    table_comment: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    table_collation: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    database_collation: Option<String>,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = Nullable<Text>)]
    column_default: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    extra: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    column_comment: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    collation_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    generation_expression: Option<String>,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = BigInt)]
    non_unique: i64,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
    #[diesel(sql_type = Text)]
    index_type: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    sub_part: Option<i64>,
    /// `A` ascending, `D` descending (MySQL 8, MariaDB 10.8+).
    #[diesel(sql_type = Nullable<Text>)]
    collation: Option<String>,
}

/// A view, trigger, routine or table partitioning, with the SQL that says
/// what it uses (a view's definition, a trigger's body).
#[derive(QueryableByName)]
struct ObjectRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    tbl: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    detail: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    body: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    constraint_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    ref_table: String,
    #[diesel(sql_type = Text)]
    ref_column: String,
    #[diesel(sql_type = Text)]
    delete_rule: String,
    #[diesel(sql_type = Text)]
    update_rule: String,
}

#[derive(QueryableByName)]
struct CheckRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    constraint_name: String,
    #[diesel(sql_type = Text)]
    check_clause: String,
}

/// Builds the schema from the rows of the queries.
fn assemble(
    flavor: Flavor,
    tables: Vec<TableRow>,
    columns: Vec<ColumnRow>,
    indexes: Vec<IndexRow>,
    fks: Vec<ForeignKeyRow>,
    checks: Vec<CheckRow>,
    exclude: &dyn Fn(&str) -> bool,
) -> Schema {
    // Each table's default collation: a column's own is reported only where
    // it differs (as `CHARACTER SET`/`COLLATE` in its definition would).
    let mut table_collation: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, Table> = tables
        .into_iter()
        .filter(|t| !exclude(&t.table_name))
        .map(|t| {
            table_collation.insert(t.table_name.clone(), t.table_collation.clone());
            let table = Table {
                name: t.table_name.clone(),
                comment: t.table_comment.filter(|c| !c.is_empty()),
                collation: t
                    .table_collation
                    .clone()
                    .filter(|c| Some(c) != t.database_collation.as_ref()),
                ..Table::default()
            };
            (t.table_name, table)
        })
        .collect();

    let mut unmodelled = Vec::new();
    for c in columns {
        let Some(table) = by_name.get_mut(&c.table_name) else {
            continue;
        };
        let raw_extra = c.extra.unwrap_or_default();
        let extra = raw_extra.to_ascii_lowercase();
        let generated = [
            "virtual generated",
            "stored generated",
            "persistent generated",
        ]
        .into_iter()
        .find(|g| extra.contains(g))
        .map(|how| Generated {
            expr: c.generation_expression.clone().unwrap_or_default(),
            stored: !how.starts_with("virtual"),
        });
        // A generated column's default is the expression's place, not a default.
        let default = column_default(flavor, c.column_default, &c.data_type, &extra)
            .filter(|_| generated.is_none());
        let default_collation = table_collation.get(&c.table_name).cloned().flatten();
        let collation = c
            .collation_name
            .filter(|col| Some(col) != default_collation.as_ref());
        table.columns.push(Column {
            name: c.column_name,
            field: None,
            ty: DIALECT.parse_type(&c.column_type),
            nullable: c.is_nullable.eq_ignore_ascii_case("YES"),
            default,
            auto_increment: extra.split_whitespace().any(|w| w == "auto_increment"),
            renamed_from: None,
            comment: c.column_comment.filter(|c| !c.is_empty()),
            collation,
            on_update: on_update(&raw_extra),
            key_generation: None,
            generated,
        });
    }

    // Index rows arrive ordered by table, index, position. An index with
    // a functional key part (MySQL 8) or of a special type is one the
    // model cannot describe.
    let special: BTreeMap<(String, String), String> = indexes
        .iter()
        .filter_map(|ix| {
            let why = if !matches!(ix.index_type.as_str(), "BTREE" | "HASH") {
                ix.index_type.clone()
            } else if ix.column_name.is_none() {
                "on expressions".to_string()
            } else {
                return None;
            };
            Some(((ix.table_name.clone(), ix.index_name.clone()), why))
        })
        .collect();
    for ((tbl, name), why) in &special {
        if by_name.contains_key(tbl) {
            unmodelled.push(Unmodelled {
                sql: None,
                kind: UnmodelledKind::Index,
                name: name.clone(),
                table: Some(tbl.clone()),
                detail: why.clone(),
                uses: Vec::new(),
            });
        }
    }
    for ix in indexes {
        let Some(table) = by_name.get_mut(&ix.table_name) else {
            continue;
        };
        if special.contains_key(&(ix.table_name.clone(), ix.index_name.clone())) {
            continue;
        }
        let Some(column) = ix.column_name else {
            continue;
        };
        if ix.index_name == "PRIMARY" {
            table
                .primary_key
                .get_or_insert_with(|| PrimaryKey {
                    name: None,
                    columns: Vec::new(),
                })
                .columns
                .push(column);
            continue;
        }
        let key = KeyOptions {
            desc: ix.collation.as_deref() == Some("D"),
            nulls: None,
            prefix: ix.sub_part.and_then(|n| u32::try_from(n).ok()),
            expression: false,
        };
        let index = match table.indexes.iter_mut().find(|i| i.name == ix.index_name) {
            Some(index) => index,
            None => {
                table
                    .indexes
                    .push(Index::new(ix.index_name, Vec::new(), ix.non_unique == 0));
                table.indexes.last_mut().expect("just pushed")
            }
        };
        index.columns.push(column);
        index.keys.push(key);
    }
    for t in by_name.values_mut() {
        t.indexes.iter_mut().for_each(Index::canonical_keys);
    }

    for fk in fks {
        let Some(table) = by_name.get_mut(&fk.table_name) else {
            continue;
        };
        let name = Some(fk.constraint_name);
        match table.foreign_keys.iter_mut().find(|f| f.name == name) {
            Some(existing) => {
                existing.columns.push(fk.column_name);
                existing.ref_columns.push(fk.ref_column);
            }
            None => table.foreign_keys.push(ForeignKey {
                name,
                columns: vec![fk.column_name],
                ref_table: fk.ref_table,
                ref_columns: vec![fk.ref_column],
                on_delete: ReferentialAction::parse(&fk.delete_rule).unwrap_or_default(),
                on_update: ReferentialAction::parse(&fk.update_rule).unwrap_or_default(),
            }),
        }
    }

    for ck in checks {
        let Some(table) = by_name.get_mut(&ck.table_name) else {
            continue;
        };
        if flavor == Flavor::MariaDb && mark_json_column(table, &ck) {
            continue;
        }
        table.checks.push(Check {
            name: ck.constraint_name,
            sql: ck.check_clause,
        });
    }

    Schema::new(by_name.into_values().collect()).with_unmodelled(unmodelled)
}

/// `schema` with the views, triggers, routines and partitionings of
/// [`OBJECTS_SQL`] added to its unmodelled objects; what a view or trigger
/// uses are the tables and views its SQL mentions (the catalog does not
/// say on MariaDB).
fn with_objects(schema: Schema, rows: Vec<ObjectRow>, exclude: &dyn Fn(&str) -> bool) -> Schema {
    let names: Vec<String> = schema
        .tables
        .iter()
        .map(|t| t.name.clone())
        .chain(
            rows.iter()
                .filter(|r| r.kind == "view")
                .map(|r| r.name.clone()),
        )
        .collect();
    let mut all = schema.unmodelled.clone();
    for r in rows {
        if exclude(r.tbl.as_deref().unwrap_or(&r.name)) {
            continue;
        }
        let kind = match r.kind.as_str() {
            "view" => UnmodelledKind::View,
            "trigger" => UnmodelledKind::Trigger,
            "routine" => UnmodelledKind::Routine,
            _ => UnmodelledKind::Partitioning,
        };
        let uses = mentioned(
            r.body.as_deref().unwrap_or_default(),
            names.iter().map(String::as_str),
        )
        .into_iter()
        .filter(|t| *t != r.name && Some(t) != r.tbl.as_ref())
        .map(Use::table)
        .collect();
        all.push(Unmodelled {
            sql: None,
            kind,
            name: r.name,
            table: r.tbl,
            detail: r.detail.unwrap_or_default(),
            uses,
        });
    }
    schema.with_unmodelled(all)
}

/// The `ON UPDATE` expression in `EXTRA`: `on update current_timestamp()`
/// (MariaDB), `DEFAULT_GENERATED on update CURRENT_TIMESTAMP` (MySQL 8).
fn on_update(extra: &str) -> Option<String> {
    let at = extra.to_ascii_lowercase().find("on update ")?;
    let expr = extra[at + "on update ".len()..].split_whitespace().next()?;
    Some(expr.to_string())
}

/// MariaDB stores `JSON` as `LONGTEXT` plus a column-level check
/// `json_valid(`col`)` named after the column. When `ck` is that check,
/// marks the column as `Json` and returns true (the check is MariaDB's own,
/// not the user's).
fn mark_json_column(table: &mut Table, ck: &CheckRow) -> bool {
    let expected = format!("json_valid({})", DIALECT.quote_ident(&ck.constraint_name));
    let clause: String = ck.check_clause.split_whitespace().collect();
    if !clause.eq_ignore_ascii_case(&expected.replace(' ', "")) {
        return false;
    }
    match table
        .columns
        .iter_mut()
        .find(|c| c.name == ck.constraint_name)
    {
        Some(col) if col.ty == LogicalType::Custom("LONGTEXT".into()) => {
            col.ty = LogicalType::Json;
            // Its `utf8mb4_bin` comes with MariaDB's JSON type.
            col.collation = None;
            true
        }
        _ => false,
    }
}

/// `COLUMN_DEFAULT` → the default as SQL.
///
/// MariaDB (10.2.7+) reports SQL already: `'x'` quoted, numbers bare,
/// `current_timestamp(6)`, expressions as written, and the string `NULL`
/// for "no default" on a nullable column. MySQL 8 reports a literal's bare
/// value (`x` for `'x'`), SQL NULL for "no default", and marks expression
/// defaults with `DEFAULT_GENERATED` in `EXTRA`, escaping their quotes.
fn column_default(
    flavor: Flavor,
    raw: Option<String>,
    data_type: &str,
    extra: &str,
) -> Option<DefaultValue> {
    let raw = raw?;
    match flavor {
        Flavor::MariaDb => {
            if raw.eq_ignore_ascii_case("NULL") {
                None
            } else {
                Some(DefaultValue::Sql(raw))
            }
        }
        Flavor::MySql => {
            if extra.contains("default_generated") {
                return Some(DefaultValue::Sql(raw.replace("\\'", "'")));
            }
            let numeric = matches!(
                data_type.to_ascii_lowercase().as_str(),
                "tinyint"
                    | "smallint"
                    | "mediumint"
                    | "int"
                    | "integer"
                    | "bigint"
                    | "decimal"
                    | "numeric"
                    | "float"
                    | "double"
                    | "real"
                    | "bit"
                    | "year"
            );
            if numeric {
                Some(DefaultValue::Sql(raw))
            } else {
                Some(DefaultValue::Sql(DIALECT.quote_str(&raw)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(s: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Sql(s.to_string()))
    }

    #[test]
    fn mariadb_defaults_are_sql_already() {
        let f = Flavor::MariaDb;
        assert_eq!(column_default(f, Some("NULL".into()), "int", ""), None);
        assert_eq!(column_default(f, None, "int", ""), None);
        assert_eq!(
            column_default(f, Some("'it''s'".into()), "varchar", ""),
            sql("'it''s'")
        );
        assert_eq!(
            column_default(f, Some("current_timestamp(6)".into()), "datetime", ""),
            sql("current_timestamp(6)")
        );
    }

    #[test]
    fn mysql_literals_are_quoted_back() {
        let f = Flavor::MySql;
        assert_eq!(column_default(f, None, "varchar", ""), None);
        assert_eq!(
            column_default(f, Some("it's".into()), "varchar", ""),
            sql("'it''s'")
        );
        assert_eq!(column_default(f, Some("1".into()), "tinyint", ""), sql("1"));
        assert_eq!(
            column_default(f, Some("1.50".into()), "decimal", ""),
            sql("1.50")
        );
        assert_eq!(
            column_default(
                f,
                Some("_utf8mb4\\'x\\'".into()),
                "text",
                "default_generated"
            ),
            sql("_utf8mb4'x'")
        );
        assert_eq!(
            column_default(
                f,
                Some("CURRENT_TIMESTAMP(6)".into()),
                "datetime",
                "default_generated"
            ),
            sql("CURRENT_TIMESTAMP(6)")
        );
    }

    #[test]
    fn mariadb_json_check_marks_the_column() {
        let mut t = Table {
            name: "t".into(),
            columns: vec![
                Column::new("doc", LogicalType::Custom("LONGTEXT".into())),
                Column::new("body", LogicalType::Text),
            ],
            ..Table::default()
        };
        let json = CheckRow {
            table_name: "t".into(),
            constraint_name: "doc".into(),
            check_clause: "json_valid(`doc`)".into(),
        };
        assert!(mark_json_column(&mut t, &json));
        assert_eq!(t.columns[0].ty, LogicalType::Json);
        // A user's check on a TEXT column is kept as a check.
        let user = CheckRow {
            table_name: "t".into(),
            constraint_name: "body".into(),
            check_clause: "json_valid(`body`)".into(),
        };
        assert!(!mark_json_column(&mut t, &user));
        let other = CheckRow {
            table_name: "t".into(),
            constraint_name: "doc".into(),
            check_clause: "`doc` <> ''".into(),
        };
        assert!(!mark_json_column(&mut t, &other));
    }
}
