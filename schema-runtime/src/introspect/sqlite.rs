//! SQLite introspection: five queries for the whole schema (tables with
//! their SQL, columns, index columns, foreign-key columns, views and triggers), joining
//! `sqlite_master` with the `pragma_*` table-valued functions; CHECK
//! constraints are read from the stored `CREATE TABLE` text
//! ([`schema_core::sql::create_table`]).
//!
//! Shape reported (see `Dialect::normalize_schema`): primary and foreign keys
//! without names; indexes of origin `c` (ours, `CREATE [UNIQUE] INDEX`) as
//! [`Index`]es; indexes of origin `u` (table- or column-level `UNIQUE`) as
//! [`UniqueConstraint`]s under their `sqlite_autoindex_...` name; the
//! single `INTEGER` primary key of a table whose SQL says `AUTOINCREMENT` as
//! `auto_increment`; defaults verbatim as [`DefaultValue::Sql`].
//!
//! Indexes of origin `c` come with each key's `DESC`, an expression key's
//! text and, for a partial index, the predicate, as its stored `CREATE
//! INDEX` wrote them.
//!
//! A generated column comes with its expression as the stored `CREATE
//! TABLE` wrote it, and whether it is `STORED`.
//!
//! Views, triggers and indexes with an explicit `COLLATE` are reported as
//! [`Unmodelled`] objects; a view's or trigger's uses are the tables and
//! views its SQL mentions.

use std::collections::BTreeMap;

use diesel::sql_types::{Integer, Nullable, Text};
use diesel::QueryableByName;
use schema_core::dialect::Dialect;
use schema_core::sql::create_table;
use schema_core::sql::names::mentioned;
use schema_core::{
    Column, DefaultValue, ForeignKey, Generated, Index, KeyOptions, LogicalType, PrimaryKey,
    ReferentialAction, Schema, Table, UniqueConstraint, Unmodelled, UnmodelledKind, Use,
};

use crate::conn::Connection;
use crate::error::Result;

/// The dialect this module reads the catalog of.
const DIALECT: Dialect = Dialect::Sqlite;

const TABLES: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    ty: Option<String>,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Nullable<Text>)]
    dflt: Option<String>,
    #[diesel(sql_type = Integer)]
    pk: i32,
    #[diesel(sql_type = Integer)]
    hidden: i32,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    idx: String,
    #[diesel(sql_type = Integer)]
    uniq: i32,
    #[diesel(sql_type = Integer)]
    partial: i32,
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Nullable<Text>)]
    col: Option<String>,
    /// 1 for a `DESC` key column.
    #[diesel(sql_type = Integer)]
    descending: i32,
    /// The index's `CREATE INDEX` statement (`NULL` for automatic ones).
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    ref_table: String,
    #[diesel(sql_type = Text)]
    col: String,
    #[diesel(sql_type = Nullable<Text>)]
    ref_col: Option<String>,
    #[diesel(sql_type = Text)]
    on_update: String,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

/// One index while its rows are gathered.
struct IndexEntry {
    unique: bool,
    partial: bool,
    /// `c` (ours), `u` (a table's `UNIQUE`).
    origin: String,
    /// Key column names (`None` for an expression) with `DESC`.
    keys: Vec<(Option<String>, bool)>,
    sql: Option<String>,
}

/// A view or trigger: `sqlite_master` keeps its SQL and, for a trigger, its
/// table.
#[derive(QueryableByName)]
struct ObjectRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

/// The schema of a SQLite connection, without the tables `skip` names.
pub(crate) fn introspect(
    conn: &mut Connection,
    skip: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Schema> {
    let tables: Vec<TableRow> = load(
        conn,
        &format!("SELECT m.name AS name, m.sql AS sql FROM sqlite_master m WHERE {TABLES}"),
    )?;
    let columns: Vec<ColumnRow> = load(
        conn,
        &format!(
            "SELECT m.name AS tbl, p.name AS name, p.type AS ty, p.\"notnull\" AS \"notnull\", \
             p.dflt_value AS dflt, p.pk AS pk, p.hidden AS hidden \
             FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p \
             WHERE {TABLES} ORDER BY m.name, p.cid"
        ),
    )?;
    let indexes: Vec<IndexRow> = load(
        conn,
        &format!(
            "SELECT m.name AS tbl, il.name AS idx, il.\"unique\" AS uniq, il.partial AS partial, \
             il.origin AS origin, ii.name AS col, ii.\"desc\" AS descending, \
             (SELECT x.sql FROM sqlite_master x WHERE x.type = 'index' AND x.name = il.name) AS sql \
             FROM sqlite_master m JOIN pragma_index_list(m.name) il \
             JOIN pragma_index_xinfo(il.name) ii \
             WHERE {TABLES} AND il.origin <> 'pk' AND ii.key = 1 \
             ORDER BY m.name, il.name, ii.seqno"
        ),
    )?;
    let fks: Vec<ForeignKeyRow> = load(
        conn,
        &format!(
            "SELECT m.name AS tbl, f.id AS id, f.\"table\" AS ref_table, f.\"from\" AS col, \
             f.\"to\" AS ref_col, f.on_update AS on_update, f.on_delete AS on_delete \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE {TABLES} ORDER BY m.name, f.id, f.seq"
        ),
    )?;

    let objects: Vec<ObjectRow> = load(
        conn,
        "SELECT type AS kind, name, tbl_name AS tbl, sql FROM sqlite_master \
         WHERE type IN ('view', 'trigger') ORDER BY type, name",
    )?;
    let mut unmodelled = Vec::new();
    let names: Vec<&str> = tables
        .iter()
        .map(|t| t.name.as_str())
        .chain(
            objects
                .iter()
                .filter(|o| o.kind == "view")
                .map(|o| o.name.as_str()),
        )
        .collect();
    for o in &objects {
        let owner = (o.kind == "trigger").then(|| o.tbl.clone());
        if skip(owner.as_deref().unwrap_or(&o.name)) {
            continue;
        }
        let body = o.sql.as_deref().unwrap_or_default();
        unmodelled.push(Unmodelled {
            sql: o.sql.clone(),
            kind: if o.kind == "view" {
                UnmodelledKind::View
            } else {
                UnmodelledKind::Trigger
            },
            name: o.name.clone(),
            detail: String::new(),
            uses: mentioned(body, names.iter().copied())
                .into_iter()
                .filter(|t| *t != o.name && Some(t) != owner.as_ref())
                .map(Use::table)
                .collect(),
            table: owner,
        });
    }

    let mut by_name: BTreeMap<String, (Table, String)> = BTreeMap::new();
    for t in tables {
        if skip(&t.name) {
            continue;
        }
        let sql = t.sql.unwrap_or_default();
        let table = Table {
            name: t.name.clone(),
            checks: create_table::checks(&t.name, &sql),
            ..Table::default()
        };
        by_name.insert(t.name, (table, sql));
    }

    // SQLite keeps a column's collation only in the statement's text.
    let collations: BTreeMap<(String, String), String> = by_name
        .iter()
        .flat_map(|(name, (_, sql))| {
            create_table::column_collations(sql)
                .into_iter()
                .map(move |(col, coll)| ((name.clone(), col), coll))
        })
        .collect();
    // And how a column is generated (table_xinfo's `hidden` 2 and 3 say
    // only that it is).
    let mut generations: BTreeMap<(String, String), Generated> = by_name
        .iter()
        .flat_map(|(name, (_, sql))| {
            create_table::column_generations(sql)
                .into_iter()
                .map(move |(col, g)| ((name.clone(), col), g))
        })
        .collect();
    let mut pk_cols: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for c in columns {
        let Some((table, _)) = by_name.get_mut(&c.tbl) else {
            continue;
        };
        // hidden 1 = a virtual table's hidden column: not part of the schema;
        // 2 and 3 = a generated column, VIRTUAL or STORED.
        if c.hidden == 1 {
            continue;
        }
        let declared = c.ty.unwrap_or_default();
        let mut col = Column::new(c.name.clone(), declared_type(&declared));
        col.collation = collations
            .get(&(c.tbl.clone(), c.name.clone()))
            .and_then(|coll| Dialect::Sqlite.stored_collation(Some(coll)));
        col.nullable = c.notnull == 0;
        col.default = c.dflt.map(DefaultValue::Sql);
        col.generated = generations.remove(&(c.tbl.clone(), c.name.clone()));
        if c.pk > 0 {
            pk_cols
                .entry(c.tbl.clone())
                .or_default()
                .push((c.pk, c.name));
        }
        table.columns.push(col);
    }
    for (tbl, mut cols) in pk_cols {
        let Some((table, sql)) = by_name.get_mut(&tbl) else {
            continue;
        };
        cols.sort();
        let names: Vec<String> = cols.into_iter().map(|(_, n)| n).collect();
        if let [only] = names.as_slice() {
            let autoinc = create_table::has_keyword(sql, "AUTOINCREMENT");
            if let Some(col) = table.columns.iter_mut().find(|c| &c.name == only) {
                // `INTEGER PRIMARY KEY` is a rowid alias: never NULL.
                if col.ty == schema_core::LogicalType::Integer {
                    col.nullable = false;
                    col.auto_increment = autoinc;
                }
            }
        }
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: names,
        });
    }

    // Index columns arrive ordered by table, index, position.
    let mut idx_map: BTreeMap<(String, String), IndexEntry> = BTreeMap::new();
    for r in indexes {
        idx_map
            .entry((r.tbl, r.idx))
            .or_insert_with(|| IndexEntry {
                unique: r.uniq != 0,
                partial: r.partial != 0,
                origin: r.origin,
                keys: Vec::new(),
                sql: r.sql,
            })
            .keys
            .push((r.col, r.descending != 0));
    }
    for ((tbl, idx), entry) in idx_map {
        let Some((table, _)) = by_name.get_mut(&tbl) else {
            continue;
        };
        let sql = entry.sql.as_deref().unwrap_or_default();
        // An expression has no column name: its text is the stored
        // statement's (which must then list every key). An explicit
        // COLLATE is not something a model says.
        let written = create_table::index_keys(sql);
        let on_expressions = entry.keys.iter().any(|(c, _)| c.is_none());
        let unread = on_expressions && written.len() != entry.keys.len();
        let collated = create_table::has_keyword(sql, "COLLATE");
        if unread || collated {
            let mut why = Vec::new();
            if entry.partial {
                why.push("partial");
            }
            if unread {
                why.push("on expressions");
            }
            if collated {
                why.push("collation");
            }
            unmodelled.push(Unmodelled {
                sql: None,
                kind: UnmodelledKind::Index,
                name: idx,
                table: Some(tbl),
                detail: why.join(", "),
                uses: Vec::new(),
            });
            continue;
        }
        let columns: Vec<String> = entry
            .keys
            .iter()
            .zip(written.iter().map(Some).chain(std::iter::repeat(None)))
            .map(|((c, _), text)| c.clone().or_else(|| text.cloned()).unwrap_or_default())
            .collect();
        if entry.origin == "u" {
            table.uniques.push(UniqueConstraint { name: idx, columns });
            continue;
        }
        let mut index = Index {
            name: idx,
            columns,
            unique: entry.unique,
            keys: entry
                .keys
                .iter()
                .map(|(c, desc)| KeyOptions {
                    desc: *desc,
                    expression: c.is_none(),
                    ..KeyOptions::default()
                })
                .collect(),
            predicate: entry
                .partial
                .then(|| create_table::index_predicate(sql))
                .flatten(),
            ..Index::default()
        };
        index.canonical_keys();
        table.indexes.push(index);
    }

    let mut fk_map: BTreeMap<(String, i32), ForeignKey> = BTreeMap::new();
    for r in fks {
        let fk = fk_map
            .entry((r.tbl.clone(), r.id))
            .or_insert_with(|| ForeignKey {
                name: None,
                columns: Vec::new(),
                ref_table: r.ref_table.clone(),
                ref_columns: Vec::new(),
                on_delete: action(&r.on_delete),
                on_update: action(&r.on_update),
            });
        fk.columns.push(r.col);
        fk.ref_columns.push(r.ref_col.unwrap_or_default());
    }
    // `REFERENCES parent` without columns means the parent's primary key.
    let pks: BTreeMap<String, Vec<String>> = by_name
        .iter()
        .filter_map(|(n, (t, _))| {
            t.primary_key
                .as_ref()
                .map(|pk| (n.clone(), pk.columns.clone()))
        })
        .collect();
    for ((tbl, _), mut fk) in fk_map {
        if fk.ref_columns.iter().any(String::is_empty) {
            if let Some(cols) = pks.get(&fk.ref_table) {
                fk.ref_columns = cols.clone();
            }
        }
        if let Some((table, _)) = by_name.get_mut(&tbl) {
            table.foreign_keys.push(fk);
        }
    }

    Ok(Schema::new(by_name.into_values().map(|(t, _)| t).collect()).with_unmodelled(unmodelled))
}

/// The type of a column declared as `declared`: the logical type when the
/// renderer spells it exactly so, otherwise the declaration verbatim
/// (`NVARCHAR(160)`, `NUMERIC(10, 2)`). SQLite keeps declared types as
/// written and other tools read them back (SQLAlchemy reflection, Python's
/// `detect_types`), so a table re-created from this (a rebuild, a down
/// section, a baseline) must declare them the same way; comparisons still
/// go through the logical type the spelling parses to.
fn declared_type(declared: &str) -> LogicalType {
    let parsed = DIALECT.parse_type(declared);
    if declared.is_empty() || DIALECT.render_logical_type(&parsed) == declared {
        parsed
    } else {
        LogicalType::Custom(declared.to_string())
    }
}

fn load<T: crate::conn::Row>(conn: &mut Connection, sql: &str) -> Result<Vec<T>> {
    conn.load(sql)
        .map_err(|e| conn.db_error("reading the SQLite schema", &e))
}

fn action(s: &str) -> ReferentialAction {
    ReferentialAction::parse(s).unwrap_or_default()
}
