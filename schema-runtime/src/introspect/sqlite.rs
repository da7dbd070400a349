//! SQLite introspection: four queries for the whole schema (tables with
//! their SQL, columns, index columns, foreign-key columns), joining
//! `sqlite_master` with the `pragma_*` table-valued functions; CHECK
//! constraints are read from the stored `CREATE TABLE` text with a small
//! tokenizer.
//!
//! Shape reported (see `Dialect::normalize_schema`): primary and foreign keys
//! without names; indexes of origin `c` (ours, `CREATE [UNIQUE] INDEX`) as
//! [`Index`]es; indexes of origin `u` (table- or column-level `UNIQUE`) as
//! [`UniqueConstraint`]s under their `sqlite_autoindex_...` name; the
//! single `INTEGER` primary key of a table whose SQL says `AUTOINCREMENT` as
//! `auto_increment`; defaults verbatim as [`DefaultValue::Sql`].

use std::collections::BTreeMap;

use diesel::sql_types::{Integer, Nullable, Text};
use diesel::QueryableByName;
use schema_core::dialect::Dialect;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, PrimaryKey, ReferentialAction, Schema, Table,
    UniqueConstraint,
};

use crate::conn::Connection;
use crate::error::Result;

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
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Nullable<Text>)]
    col: Option<String>,
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

/// Uniqueness, origin (`c`, `u`) and column names of one index.
type IndexEntry = (bool, String, Vec<Option<String>>);

/// The schema of a SQLite connection, without the tables `skip` names.
pub(crate) fn introspect(conn: &mut Connection, skip: &dyn Fn(&str) -> bool) -> Result<Schema> {
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
            "SELECT m.name AS tbl, il.name AS idx, il.\"unique\" AS uniq, il.origin AS origin, \
             ii.name AS col \
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

    let mut by_name: BTreeMap<String, (Table, String)> = BTreeMap::new();
    for t in tables {
        if skip(&t.name) {
            continue;
        }
        let sql = t.sql.unwrap_or_default();
        let table = Table {
            name: t.name.clone(),
            checks: parse_checks(&t.name, &sql),
            ..Table::default()
        };
        by_name.insert(t.name, (table, sql));
    }

    let mut pk_cols: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for c in columns {
        let Some((table, _)) = by_name.get_mut(&c.tbl) else {
            continue;
        };
        // hidden 1 = a virtual table's hidden column: not part of the schema.
        if c.hidden == 1 {
            continue;
        }
        let declared = c.ty.unwrap_or_default();
        let mut col = Column::new(c.name.clone(), Dialect::Sqlite.parse_type(&declared));
        col.nullable = c.notnull == 0;
        col.default = c.dflt.map(DefaultValue::Sql);
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
            let autoinc = has_keyword(sql, "AUTOINCREMENT");
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
            .or_insert_with(|| (r.uniq != 0, r.origin, Vec::new()))
            .2
            .push(r.col);
    }
    for ((tbl, idx), (unique, origin, cols)) in idx_map {
        let Some((table, _)) = by_name.get_mut(&tbl) else {
            continue;
        };
        // An expression index has no column names; the model cannot express
        // it, so it is left alone rather than reported half-way.
        let Some(columns) = cols.into_iter().collect::<Option<Vec<String>>>() else {
            continue;
        };
        if origin == "u" {
            table.uniques.push(UniqueConstraint { name: idx, columns });
        } else {
            table.indexes.push(Index {
                name: idx,
                columns,
                unique,
            });
        }
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

    Ok(Schema::new(by_name.into_values().map(|(t, _)| t).collect()))
}

fn load<T>(conn: &mut Connection, sql: &str) -> Result<Vec<T>>
where
    T: QueryableByName<diesel::sqlite::Sqlite>
        + QueryableByName<diesel::pg::Pg>
        + QueryableByName<diesel::mysql::Mysql>
        + 'static,
{
    conn.load(sql)
        .map_err(|e| conn.db_error("reading the SQLite schema", &e))
}

fn action(s: &str) -> ReferentialAction {
    ReferentialAction::parse(s).unwrap_or_default()
}

// ---- CREATE TABLE text -----------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'a> {
    Word(&'a str),
    /// A quoted identifier or string, as written (with quotes).
    Quoted(&'a str),
    Open,
    Close,
    Comma,
    Other(&'a str),
}

/// Tokens with their byte ranges; comments and whitespace are skipped.
fn tokenize(sql: &str) -> Vec<(Tok<'_>, usize, usize)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == close {
                        // A doubled quote is an escaped quote (not for `[`).
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                out.push((Tok::Quoted(&sql[start..i]), start, i));
            }
            b'(' => {
                i += 1;
                out.push((Tok::Open, start, i));
            }
            b')' => {
                i += 1;
                out.push((Tok::Close, start, i));
            }
            b',' => {
                i += 1;
                out.push((Tok::Comma, start, i));
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                out.push((Tok::Word(&sql[start..i]), start, i));
            }
            _ => {
                i += 1;
                out.push((Tok::Other(&sql[start..i]), start, i));
            }
        }
    }
    out
}

fn has_keyword(sql: &str, kw: &str) -> bool {
    tokenize(sql)
        .iter()
        .any(|(t, _, _)| matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(kw)))
}

fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 {
        let (first, last) = (b[0], b[b.len() - 1]);
        if first == b'[' && last == b']' {
            return s[1..s.len() - 1].to_string();
        }
        if matches!(first, b'"' | b'`' | b'\'') && first == last {
            let q = first as char;
            return s[1..s.len() - 1].replace(&format!("{q}{q}"), &q.to_string());
        }
    }
    s.to_string()
}

/// CHECK constraints of a `CREATE TABLE` statement, column- and table-level,
/// named by a preceding `CONSTRAINT name`, otherwise `ck_<table>_<n>`.
pub(crate) fn parse_checks(table: &str, sql: &str) -> Vec<Check> {
    let toks = tokenize(sql);
    let mut checks = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut unnamed = 0;
    while i < toks.len() {
        match toks[i].0 {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            Tok::Word(w) if depth == 1 && w.eq_ignore_ascii_case("CHECK") => {
                let name = if i >= 2 {
                    match (&toks[i - 2].0, &toks[i - 1].0) {
                        (Tok::Word(c), Tok::Word(n) | Tok::Quoted(n))
                            if c.eq_ignore_ascii_case("CONSTRAINT") =>
                        {
                            Some(unquote(n))
                        }
                        _ => None,
                    }
                } else {
                    None
                };
                if let Some((Tok::Open, open_start, _)) = toks.get(i + 1) {
                    let mut d = 0usize;
                    let mut j = i + 1;
                    let mut end = None;
                    while j < toks.len() {
                        match toks[j].0 {
                            Tok::Open => d += 1,
                            Tok::Close => {
                                d -= 1;
                                if d == 0 {
                                    end = Some((j, toks[j].1));
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    if let Some((j, close_start)) = end {
                        let expr = sql[open_start + 1..close_start].trim().to_string();
                        let name = name.unwrap_or_else(|| {
                            unnamed += 1;
                            schema_core::naming::check(table, &unnamed.to_string())
                        });
                        checks.push(Check { name, sql: expr });
                        i = j + 1;
                        continue;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_named_unnamed_nested_and_quoted() {
        let sql = r#"CREATE TABLE "t" (
            a INTEGER CHECK (a > 0),
            b TEXT NOT NULL DEFAULT 'x, CHECK (no)', -- CHECK (comment)
            "c" INT, /* CHECK (c) */
            CONSTRAINT "ck_t_sum" CHECK ((a + "c") < 10 AND b IN ('a', 'b)')),
            CONSTRAINT [weird name] CHECK (length(b) > 1)
        )"#;
        let checks = parse_checks("t", sql);
        assert_eq!(
            checks,
            vec![
                Check {
                    name: "ck_t_1".into(),
                    sql: "a > 0".into()
                },
                Check {
                    name: "ck_t_sum".into(),
                    sql: "(a + \"c\") < 10 AND b IN ('a', 'b)')".into()
                },
                Check {
                    name: "weird name".into(),
                    sql: "length(b) > 1".into()
                },
            ]
        );
    }

    #[test]
    fn keyword_search_ignores_strings_and_comments() {
        assert!(has_keyword(
            "CREATE TABLE t (id INTEGER PRIMARY KEY autoincrement)",
            "AUTOINCREMENT"
        ));
        assert!(!has_keyword(
            "CREATE TABLE t (x TEXT DEFAULT 'AUTOINCREMENT') -- AUTOINCREMENT",
            "AUTOINCREMENT"
        ));
    }
}
