//! Rendering [`Op`]s to SQL: the driver shared by all dialects and the
//! pieces of DDL they have in common (column definitions, `CREATE TABLE`,
//! table constraints). Dialect-specific statements live in the dialect
//! modules.

use super::{mysql, postgres, sqlite, Dialect};
use crate::model::{
    Check, Column, ForeignKey, Index, PrimaryKey, ReferentialAction, Table, UniqueConstraint,
};
use crate::ops::Op;

/// An up and a down migration rendered from a list of operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedMigration {
    /// SQL for `-- migrate:up`: the operations in order, each statement
    /// ending in `;` on its own line(s), destructive ones preceded by a
    /// `-- WARNING: ...` line.
    pub up: String,
    /// SQL for `-- migrate:down`: the inverse operations in reverse order.
    pub down: String,
    /// One line per operation, in words (a SQLite table rebuild contributes
    /// one line per change it makes).
    pub summary: Vec<String>,
    /// The warnings of the up section (also embedded as `-- WARNING:` lines).
    pub warnings: Vec<String>,
}

/// A rendered line: a comment or one SQL statement (without the `;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Line {
    /// `-- text`
    Comment(String),
    /// A statement; may span lines.
    Stmt(String),
}

pub(super) fn render_migration(d: Dialect, ops: &[Op]) -> RenderedMigration {
    let mut warnings = Vec::new();
    let up = render_ops(d, ops, &mut warnings);
    let inverse: Vec<Op> = ops.iter().rev().map(Op::inverse).collect();
    let down = render_ops(d, &inverse, &mut Vec::new());
    let mut summary = Vec::new();
    for op in ops {
        match op {
            Op::RebuildTable { changes, .. } => summary.extend(
                changes
                    .iter()
                    .map(|c| format!("{} (table rebuild)", c.describe())),
            ),
            _ => summary.push(op.describe()),
        }
    }
    RenderedMigration {
        up,
        down,
        summary,
        warnings,
    }
}

fn render_ops(d: Dialect, ops: &[Op], warnings: &mut Vec<String>) -> String {
    let mut out = String::new();
    for op in ops {
        for w in op.warnings() {
            out.push_str(&format!("-- WARNING: {w}\n"));
            warnings.push(w);
        }
        let lines = match d {
            Dialect::Sqlite => sqlite::render_op(op),
            Dialect::Postgres => postgres::render_op(op),
            Dialect::Mysql => mysql::render_op(op),
        };
        for line in lines {
            match line {
                Line::Comment(c) => {
                    if c.starts_with("ERROR:") {
                        warnings.push(c.clone());
                    }
                    out.push_str(&format!("-- {c}\n"));
                }
                Line::Stmt(s) => {
                    out.push_str(&s);
                    out.push_str(";\n");
                }
            }
        }
    }
    out
}

/// `"a", "b"`
pub(super) fn ident_list(d: Dialect, cols: &[String]) -> String {
    cols.iter()
        .map(|c| d.quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The clauses of a column definition after the type that every dialect
/// shares: `NOT NULL` and `DEFAULT`.
pub(super) fn null_and_default(d: Dialect, col: &Column) -> String {
    let mut s = String::new();
    if !col.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(default) = d.render_column_default(col) {
        s.push_str(" DEFAULT ");
        s.push_str(&default);
    }
    s
}

/// `[CONSTRAINT "pk"] PRIMARY KEY ("a", "b")`: named where the key has a name.
pub(super) fn primary_key_clause(d: Dialect, pk: &PrimaryKey) -> String {
    let named = pk
        .name
        .as_ref()
        .map(|n| format!("CONSTRAINT {} ", d.quote_ident(n)));
    format!(
        "{}PRIMARY KEY ({})",
        named.unwrap_or_default(),
        ident_list(d, &pk.columns)
    )
}

/// `CONSTRAINT "uq" UNIQUE ("a", "b")`
pub(super) fn unique_clause(d: Dialect, u: &UniqueConstraint) -> String {
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        d.quote_ident(&u.name),
        ident_list(d, &u.columns)
    )
}

/// `CONSTRAINT "ck" CHECK (expr)`
pub(super) fn check_clause(d: Dialect, ck: &Check) -> String {
    format!("CONSTRAINT {} CHECK ({})", d.quote_ident(&ck.name), ck.sql)
}

/// `FOREIGN KEY ("a") REFERENCES "t" ("id") ON DELETE CASCADE`, with a
/// `CONSTRAINT` name where the foreign key has one.
pub(super) fn foreign_key_clause(d: Dialect, fk: &ForeignKey) -> String {
    let mut s = String::new();
    if let Some(name) = &fk.name {
        s.push_str(&format!("CONSTRAINT {} ", d.quote_ident(name)));
    }
    s.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        ident_list(d, &fk.columns),
        d.quote_ident(&fk.ref_table),
        ident_list(d, &fk.ref_columns)
    ));
    if fk.on_delete != ReferentialAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.as_sql()));
    }
    if fk.on_update != ReferentialAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.as_sql()));
    }
    s
}

/// `CREATE [UNIQUE] INDEX "ix" ON "t" ("a", "b")`
pub(super) fn create_index(d: Dialect, table: &str, index: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        d.quote_ident(&index.name),
        d.quote_ident(table),
        ident_list(d, &index.columns)
    )
}

/// `CREATE TABLE "name" (\n    col,\n    constraint\n)` from a column
/// definition function and the table-level clauses.
pub(super) fn create_table_stmt(
    d: Dialect,
    name: &str,
    columns: Vec<String>,
    constraints: Vec<String>,
    suffix: &str,
) -> String {
    let body: Vec<String> = columns
        .into_iter()
        .chain(constraints)
        .map(|l| format!("    {l}"))
        .collect();
    format!(
        "CREATE TABLE {} (\n{}\n){suffix}",
        d.quote_ident(name),
        body.join(",\n")
    )
}

/// `UPDATE "t" SET "c" = <default> WHERE "c" IS NULL`, preceded by a comment,
/// when `old` → `new` makes a column NOT NULL and `new` has a default.
pub(super) fn backfill(d: Dialect, table: &str, old: &Column, new: &Column) -> Vec<Line> {
    match d.render_column_default(new) {
        Some(default) if old.nullable && !new.nullable => vec![
            Line::Comment(format!(
                "backfill: rows where {table}.{} IS NULL get the default {default} before NOT NULL is set",
                new.name
            )),
            Line::Stmt(format!(
                "UPDATE {} SET {} = {default} WHERE {} IS NULL",
                d.quote_ident(table),
                d.quote_ident(&new.name),
                d.quote_ident(&new.name)
            )),
        ],
        _ => Vec::new(),
    }
}

/// The columns of `t` in a rebuild's copy: those present in both tables.
pub(super) fn shared_columns(old: &Table, new: &Table) -> Vec<String> {
    new.columns
        .iter()
        .filter(|c| old.column(&c.name).is_some())
        .map(|c| c.name.clone())
        .collect()
}
