//! The pieces of DDL the dialects have in common: column and constraint
//! clauses, `CREATE TABLE`/`CREATE INDEX`, the NOT NULL backfill and the
//! version table's `CREATE TABLE IF NOT EXISTS`. Each builder asks the
//! [`Dialect`] for what differs (quoting, types, defaults); the dialect
//! files call them, never the other way round.

use super::Dialect;
use crate::model::{
    Check, Column, ForeignKey, Index, PrimaryKey, ReferentialAction, Table, UniqueConstraint,
};

/// A column's type as its definition spells it: `TYPE`, or `TYPE COLLATE
/// "name"` when the column has a collation of its own.
pub(super) fn collated_type(d: Dialect, col: &Column) -> String {
    match &col.collation {
        Some(c) => format!("{} COLLATE {}", d.render_type(col), d.quote_ident(c)),
        None => d.render_type(col),
    }
}

/// A column dropped and added again (`add`, the dialect's `ADD COLUMN`
/// lines) to change how it is generated where the dialect cannot alter
/// that in place; the diff re-creates its indexes around it.
pub(super) fn regenerate_column(
    d: Dialect,
    table: &str,
    column: &str,
    add: Vec<Line>,
) -> Vec<Line> {
    let mut lines = vec![
        Line::Warning(format!(
            "{table}.{column} is dropped and added again to change how it is generated: every row is computed under a lock on writes, and the column moves to the end of the table"
        )),
        Line::Stmt(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            d.quote_ident(table),
            d.quote_ident(column)
        )),
    ];
    lines.extend(add);
    lines
}

/// A rendered line: a comment or one SQL statement (without the `;`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Line {
    /// `-- text`
    Comment(String),
    /// `-- WARNING: text`, also listed among the migration's warnings.
    Warning(String),
    /// A statement; may span lines.
    Stmt(String),
    /// A line that cannot run inside the migration's transaction (or must
    /// not hold its locks): it goes to a migration of its own, applied
    /// just before or just after.
    In(Phase, Box<Line>),
}

/// Where a line of a lock-safe change runs relative to the main migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Phase {
    /// A `transaction: false` migration applied before the main one
    /// (dropping an index concurrently, while its columns still exist).
    Before,
    /// The main migration, in its transaction.
    Main,
    /// A `transaction: false` migration applied after the main one
    /// (building indexes concurrently, validating constraints, once the
    /// columns exist and the main transaction's locks are gone).
    After,
}

impl Line {
    /// `line` in the migration applied after the main one.
    pub(super) fn after(line: Line) -> Line {
        Line::In(Phase::After, Box::new(line))
    }

    /// `line` in the migration applied before the main one.
    pub(super) fn before(line: Line) -> Line {
        Line::In(Phase::Before, Box::new(line))
    }

    /// The phase the line runs in.
    pub(super) fn phase(&self) -> Phase {
        match self {
            Line::In(phase, _) => *phase,
            _ => Phase::Main,
        }
    }

    /// The phase the line runs in and the line itself.
    pub(super) fn split(self) -> (Phase, Line) {
        match self {
            Line::In(phase, line) => (phase, *line),
            line => (Phase::Main, line),
        }
    }
}

/// `"a", "b"`
pub(super) fn ident_list(d: Dialect, cols: &[String]) -> String {
    cols.iter()
        .map(|c| d.quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The clauses of a column definition after the type that every dialect
/// shares: `GENERATED ALWAYS AS (...)`, `NOT NULL` and `DEFAULT`.
pub(super) fn null_and_default(d: Dialect, col: &Column) -> String {
    let mut s = String::new();
    // Before NOT NULL: MySQL accepts the constraint only after it.
    if let Some(g) = &col.generated {
        let kind = if g.stored { "STORED" } else { "VIRTUAL" };
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expr));
    }
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
    let explicit = d.spells_out_no_action();
    if explicit || fk.on_delete != ReferentialAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.as_sql()));
    }
    if explicit || fk.on_update != ReferentialAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.as_sql()));
    }
    s
}

/// `"a"(10) DESC NULLS LAST, "b", (lower("c"))`: an index's keys with the
/// options each has, an expression in the parentheses every dialect
/// accepts it in. Only what the model asks for is written; the dialect
/// has refused what it cannot do before anything is rendered.
pub(super) fn index_keys(d: Dialect, index: &Index) -> String {
    index
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key = index.key(i);
            let mut s = if key.expression {
                format!("({c})")
            } else {
                d.quote_ident(c)
            };
            if let Some(n) = key.prefix {
                s.push_str(&format!("({n})"));
            }
            if key.desc {
                s.push_str(" DESC");
            }
            if let Some(n) = key.nulls {
                s.push_str(" NULLS ");
                s.push_str(n.as_sql());
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE [UNIQUE] INDEX "ix" ON "t" [USING gin] ("a", "b" DESC)
/// [INCLUDE ("c")] [WHERE predicate]`
pub(super) fn create_index(d: Dialect, table: &str, index: &Index) -> String {
    let mut s = format!(
        "CREATE {}INDEX {} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        d.quote_ident(&index.name),
        d.quote_ident(table),
    );
    if let Some(m) = &index.method {
        s.push_str(&format!(" USING {m}"));
    }
    s.push_str(&format!(" ({})", index_keys(d, index)));
    if !index.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", ident_list(d, &index.include)));
    }
    if let Some(p) = &index.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

/// `CREATE TABLE "name" (\n    col,\n    constraint\n)` from rendered
/// column definitions and table-level clauses.
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

/// `CREATE TABLE IF NOT EXISTS "t" (\n    col TYPE [NOT NULL] [DEFAULT x] [PRIMARY KEY],\n ...)`
/// for the version table ([`Dialect::version_table`]), which the migrator
/// creates on first use rather than through a migration. Only the columns
/// and a single-column primary key (declared inline) are rendered. Column
/// names stay bare: they are fixed lower-case words, the migrator's own
/// statements name them bare too, and this is the text every existing
/// version table was created with (SQLite keeps it verbatim).
pub(super) fn create_version_table(d: Dialect, t: &Table) -> String {
    let inline_pk = match t.primary_key.as_ref().map(|pk| pk.columns.as_slice()) {
        Some([only]) => Some(only.as_str()),
        _ => None,
    };
    let body: Vec<String> = t
        .columns
        .iter()
        .map(|c| {
            let pk = if inline_pk == Some(c.name.as_str()) {
                " PRIMARY KEY"
            } else {
                ""
            };
            format!(
                "    {} {}{}{pk}",
                c.name,
                d.render_type(c),
                null_and_default(d, c)
            )
        })
        .collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n{}\n)",
        d.quote_ident(&t.name),
        body.join(",\n")
    )
}
