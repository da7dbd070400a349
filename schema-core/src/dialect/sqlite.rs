//! SQLite: everything cargo-schema knows about it. SQLite keeps each
//! column's declared type verbatim, so what we render is exactly what
//! introspection reads back; its `ALTER TABLE` (3.35+) only adds, drops and
//! renames, so other changes rebuild the table.

use std::borrow::Cow;

use super::clauses::{
    backfill, check_clause, collated_type, create_index, create_table_stmt, foreign_key_clause,
    ident_list, null_and_default, primary_key_clause, unique_clause, Line,
};
use super::{
    enum_values_sql, uniques_to_indexes, DeclaredType, Dialect, DialectImpl, IndexSupport,
    RenderOptions,
};
use crate::model::{Check, Column, EnumType, LogicalType, Table, Unmodelled, UnmodelledKind};
use crate::naming;
use crate::ops::{ConstraintKind, Op};

const D: Dialect = Dialect::Sqlite;

/// Prefix of the indexes SQLite creates for table-level `UNIQUE` constraints.
pub const SQLITE_AUTOINDEX: &str = "sqlite_autoindex_";

/// Prefix of the temporary table of a rebuild.
const REBUILD_PREFIX: &str = "_schema_new_";

/// The SQLite dialect object.
pub(super) struct Sqlite;

impl DialectImpl for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn parse_type(&self, ty: &DeclaredType) -> Option<LogicalType> {
        parse_type(ty)
    }

    fn render_type(&self, ty: &LogicalType) -> String {
        render_type(ty)
    }

    /// An auto-increment key is always `INTEGER`: only that exact spelling
    /// makes the column an alias of the rowid.
    fn column_type<'a>(&self, col: &'a Column) -> Cow<'a, LogicalType> {
        if col.auto_increment {
            Cow::Owned(LogicalType::Integer)
        } else {
            Cow::Borrowed(&col.ty)
        }
    }

    fn ident_quote(&self) -> char {
        '"'
    }

    /// Every integer type is one 64-bit integer storage class: turning
    /// `INTEGER` into `BIGINT` would rebuild the table for nothing, and on
    /// an `INTEGER PRIMARY KEY` lose the rowid alias.
    fn stores_alike(&self, a: &LogicalType, b: &LogicalType) -> bool {
        use LogicalType::{BigInt, Integer, SmallInt};
        matches!(a, SmallInt | Integer | BigInt) && matches!(b, SmallInt | Integer | BigInt)
    }

    fn backslash_escapes(&self) -> bool {
        false
    }

    /// One writer at a time and a 64-bit rowid: only what breaks a
    /// running application applies.
    fn lint_rules(&self) -> &'static [&'static str] {
        &[
            "renaming-column",
            "renaming-table",
            "ban-drop-column",
            "ban-drop-table",
        ]
    }

    /// Booleans are integers.
    fn render_bool(&self, value: bool) -> &'static str {
        if value {
            "1"
        } else {
            "0"
        }
    }

    fn parenthesize_default_expressions(&self) -> bool {
        true
    }

    fn now_sql(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }

    fn max_identifier_len(&self) -> Option<usize> {
        None
    }

    /// Primary and foreign keys have no name, unique constraints are made
    /// as unique indexes (except a table-level `UNIQUE` another tool made,
    /// reported under its `sqlite_autoindex_...` name: not an index we can
    /// drop, so changing it takes a rebuild), and there are no comments.
    fn normalize_table(&self, t: &mut Table) {
        if let Some(pk) = &mut t.primary_key {
            pk.name = None;
        }
        for fk in &mut t.foreign_keys {
            fk.name = None;
        }
        for col in &mut t.columns {
            if let LogicalType::Enum(e) = &col.ty {
                t.checks.push(enum_check(&t.name, &col.name, e));
                col.ty = LogicalType::Text;
            }
            col.comment = None;
            col.collation = self.stored_collation(col.collation.as_deref());
            // `ON UPDATE` exists on MySQL/MariaDB only.
            col.on_update = None;
        }
        uniques_to_indexes(t, |uq| uq.name.starts_with(SQLITE_AUTOINDEX));
        t.comment = None;
        t.collation = None;
    }

    fn can_rename_constraint(&self, _kind: ConstraintKind) -> bool {
        false
    }

    /// SQLite matches collation names in any case; `BINARY` is the default.
    fn stored_collation(&self, collation: Option<&str>) -> Option<String> {
        collation
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty() && c != "BINARY")
    }

    fn alters_in_place(&self, op: &Op, old: &Table) -> bool {
        is_native(op, old)
    }

    /// The rowid alias is the primary key by construction; changing the key
    /// rebuilds the table anyway.
    fn auto_increment_must_be_key(&self) -> bool {
        false
    }

    /// Text, kept to its values by a check (see `normalize_table`).
    fn stored_enum(&self, _e: &EnumType) -> LogicalType {
        LogicalType::Text
    }

    /// Foreign keys are resolved when rows are written, not at `CREATE`.
    fn allows_forward_foreign_keys(&self) -> bool {
        true
    }

    fn render_op(&self, op: &Op, _options: RenderOptions) -> Vec<Line> {
        render_op(op)
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Takes the write lock at once, so concurrent migrators wait (busy
    /// timeout) instead of failing on their first write.
    fn begin_sql(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn foreign_keys_off_sql(&self) -> Option<&'static str> {
        Some("PRAGMA foreign_keys = OFF")
    }

    fn foreign_keys_on_sql(&self) -> Option<&'static str> {
        Some("PRAGMA foreign_keys = ON")
    }

    fn foreign_key_check_sql(&self) -> Option<&'static str> {
        Some("PRAGMA foreign_key_check")
    }

    fn text_cast_type(&self) -> &'static str {
        "TEXT"
    }

    fn index_support(&self) -> IndexSupport {
        IndexSupport {
            display: "SQLite",
            nulls_order: false,
            nulls_last_ascending: false,
            prefix_length: false,
            include: false,
            partial: true,
            expressions: true,
            methods: &[],
            include_methods: &[],
            foreign_keys_hold_their_index: false,
        }
    }
}

/// Declared type → logical type (`None`: not a known spelling).
fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
    use LogicalType::*;
    let base = t.base.as_str();
    Some(match (base, t.params.len()) {
        ("BOOLEAN" | "BOOL", 0) => Boolean,
        ("SMALLINT" | "INT2", 0) => SmallInt,
        ("INTEGER" | "INT" | "INT4" | "MEDIUMINT", 0) => Integer,
        ("BIGINT" | "INT8", 0) => BigInt,
        ("REAL" | "FLOAT4", 0) => Real,
        ("DOUBLE" | "DOUBLE PRECISION" | "FLOAT" | "FLOAT8", 0) => Double,
        ("TEXT" | "CLOB", 0) => Text,
        ("VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" | "VARYING CHARACTER", 1) => {
            Varchar(t.one_param()?)
        }
        ("CHAR" | "CHARACTER", 1) if t.one_param() == Some(36) => Uuid,
        ("UUID", 0) => Uuid,
        ("BLOB", 0) => Blob,
        ("DATE", 0) => Date,
        ("TIME", 0) => Time,
        ("TIMESTAMP" | "DATETIME", 0) => Timestamp,
        ("JSON", 0) => Json,
        ("NUMERIC" | "DECIMAL", 1 | 2) => t.numeric()?,
        _ => return None,
    })
    .filter(|_| t.suffix.is_empty())
}

/// Logical type → SQLite declared type.
fn render_type(ty: &LogicalType) -> String {
    use LogicalType::*;
    match ty {
        Boolean => "BOOLEAN".into(),
        SmallInt => "SMALLINT".into(),
        Integer => "INTEGER".into(),
        BigInt => "BIGINT".into(),
        Real => "REAL".into(),
        Double => "DOUBLE".into(),
        Text | Json => "TEXT".into(),
        Varchar(n) => format!("VARCHAR({n})"),
        Blob => "BLOB".into(),
        Date => "DATE".into(),
        Time => "TIME".into(),
        Timestamp | TimestampTz => "TIMESTAMP".into(),
        Uuid => "CHAR(36)".into(),
        Numeric { precision, scale } => format!("NUMERIC({precision},{scale})"),
        Custom(s) => s.clone(),
        Enum(_) => "TEXT".into(),
        // Refused before anything is rendered (`Dialect::unsupported_in`);
        // spelled as PostgreSQL would, so a hand-fed statement fails loudly.
        Array(elem) => format!("{}[]", render_type(elem)),
    }
}

/// The check that keeps a text column of an enum type to its values:
/// `ck_<table>_<column>_values`, `"column" IN ('a', 'b')`.
fn enum_check(table: &str, column: &str, e: &EnumType) -> Check {
    Check {
        name: naming::check(table, &format!("{column}_values")),
        sql: format!("{} IN ({})", D.quote_ident(column), enum_values_sql(D, e)),
    }
}

/// Whether SQLite's `ALTER TABLE` (3.35+) can apply `op` to `old` (the table
/// as it is when the op runs) directly; everything else needs a rebuild.
pub(crate) fn is_native(op: &Op, old: &Table) -> bool {
    match op {
        Op::CreateTable(_)
        | Op::DropTable(_)
        | Op::RenameTable { .. }
        | Op::RenameColumn { .. }
        | Op::AddIndex { .. }
        | Op::DropIndex { .. }
        | Op::RenameIndex { .. }
        | Op::SetTableComment { .. }
        | Op::CreateEnum(_)
        | Op::DropEnum(_)
        | Op::AlterEnum { .. } => true,
        // A constant, non-NULL default (or a nullable column), not a key.
        Op::AddColumn { column, .. } => {
            let constant_default = match D.render_column_default(column) {
                None => column.nullable,
                Some(d) => {
                    let upper = d.to_ascii_uppercase();
                    super::is_default_literal(&d)
                        && !upper.starts_with("CURRENT_")
                        && (upper != "NULL" || column.nullable)
                }
            };
            // SQLite computes a virtual column on read, but cannot fill a
            // stored one for the rows already there.
            let stored = column.generated.as_ref().is_some_and(|g| g.stored);
            constant_default && !column.auto_increment && !stored
        }
        // DROP COLUMN refuses key columns; indexes on the column are dropped
        // by their own ops first, and FK/check changes force a rebuild anyway.
        Op::DropColumn { column, .. } => {
            let in_pk = old
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.contains(&column.name));
            let in_unique = old.uniques.iter().any(|u| u.columns.contains(&column.name));
            // SQLite refuses to drop a column another one is generated
            // from; without reading the expressions, any other generated
            // column may be.
            let generated_from = old
                .columns
                .iter()
                .any(|c| c.generated.is_some() && c.name != column.name);
            !in_pk && !in_unique && !column.auto_increment && !generated_from
        }
        Op::AlterColumn { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. }
        | Op::RenameConstraint { .. }
        | Op::RebuildTable { .. } => false,
    }
}

/// `"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT` or `"name" TYPE [NOT NULL] [DEFAULT x]`.
fn column_def(col: &Column) -> String {
    let mut s = format!("{} {}", D.quote_ident(&col.name), collated_type(D, col));
    if col.auto_increment {
        s.push_str(" NOT NULL PRIMARY KEY AUTOINCREMENT");
    } else {
        s.push_str(&null_and_default(D, col));
    }
    s
}

/// `CREATE TABLE` under `name` (the table's own name, or a rebuild's
/// temporary name); indexes are not included.
fn create_table(t: &Table, name: &str) -> String {
    let columns = t.columns.iter().map(column_def).collect();
    let mut constraints = Vec::new();
    let inline_pk = t.columns.iter().any(|c| c.auto_increment);
    if let (Some(pk), false) = (&t.primary_key, inline_pk) {
        constraints.push(primary_key_clause(D, pk));
    }
    constraints.extend(t.uniques.iter().map(|u| unique_clause(D, u)));
    for fk in &t.foreign_keys {
        constraints.push(foreign_key_clause(D, fk));
    }
    constraints.extend(t.checks.iter().map(|ck| check_clause(D, ck)));
    create_table_stmt(D, name, columns, constraints, "")
}

/// The columns of a rebuild's copy: those present in both tables, and not
/// generated in the new one (the database computes those itself).
fn shared_columns(old: &Table, new: &Table) -> Vec<String> {
    new.columns
        .iter()
        .filter(|c| old.column(&c.name).is_some() && c.generated.is_none())
        .map(|c| c.name.clone())
        .collect()
}

/// Rebuilds `old` into `new`: create, copy shared columns, drop, rename,
/// recreate indexes. NULL → NOT NULL changes with a default are backfilled
/// on the old table first.
fn rebuild(old: &Table, new: &Table, changes: &[Op], around: &[Unmodelled]) -> Vec<Line> {
    let tmp = format!("{REBUILD_PREFIX}{}", new.name);
    let q = |s: &str| D.quote_ident(s);
    let mut lines = vec![Line::Comment(format!(
        "table rebuild: SQLite's ALTER TABLE cannot make these changes to {}, so the rows are copied into a new table",
        new.name
    ))];
    // The views and triggers around the table go first and come back last
    // (SQLite's documented procedure): the final RENAME checks every view
    // and trigger against the schema, and DROP TABLE takes the table's
    // own triggers with it.
    if !around.is_empty() {
        lines.push(Line::Comment(format!(
            "the views and triggers that read or belong to {} are dropped here and created again after the rebuild",
            new.name
        )));
    }
    for u in around.iter().rev() {
        let kind = match u.kind {
            UnmodelledKind::View => "VIEW",
            _ => "TRIGGER",
        };
        lines.push(Line::Stmt(format!("DROP {kind} IF EXISTS {}", q(&u.name))));
    }
    for change in changes {
        if let Op::AlterColumn {
            table,
            old: o,
            new: n,
        } = change
        {
            lines.extend(backfill(D, table, o, n));
        }
    }
    lines.push(Line::Stmt(create_table(new, &tmp)));
    let shared = shared_columns(old, new);
    if !shared.is_empty() {
        let cols = ident_list(D, &shared);
        lines.push(Line::Stmt(format!(
            "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
            q(&tmp),
            q(&old.name)
        )));
    }
    lines.push(Line::Stmt(format!("DROP TABLE {}", q(&old.name))));
    lines.push(Line::Stmt(format!(
        "ALTER TABLE {} RENAME TO {}",
        q(&tmp),
        q(&new.name)
    )));
    for ix in &new.indexes {
        lines.push(Line::Stmt(create_index(D, &new.name, ix)));
    }
    for u in around {
        if let Some(sql) = &u.sql {
            lines.push(Line::Stmt(sql.trim().trim_end_matches(';').to_string()));
        }
    }
    lines
}

/// SQL for one operation.
fn render_op(op: &Op) -> Vec<Line> {
    let q = |s: &str| D.quote_ident(s);
    let stmt = |s: String| vec![Line::Stmt(s)];
    match op {
        Op::CreateTable(t) => {
            let mut lines = vec![Line::Stmt(create_table(t, &t.name))];
            lines.extend(t.indexes.iter().map(|ix| Line::Stmt(create_index(D, &t.name, ix))));
            lines
        }
        Op::DropTable(t) => stmt(format!("DROP TABLE {}", q(&t.name))),
        Op::RenameTable { from, to } => stmt(format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))),
        Op::AddColumn { table, column } => {
            stmt(format!("ALTER TABLE {} ADD COLUMN {}", q(table), column_def(column)))
        }
        Op::DropColumn { table, column } => {
            stmt(format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(&column.name)))
        }
        Op::RenameColumn { table, from, to } => stmt(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            q(table),
            q(from),
            q(to)
        )),
        Op::AddIndex { table, index } => stmt(create_index(D, table, index)),
        Op::DropIndex { index, .. } => stmt(format!("DROP INDEX {}", q(&index.name))),
        Op::RenameIndex { table, index, to } => {
            let renamed = crate::model::Index { name: to.clone(), ..index.clone() };
            vec![
                Line::Stmt(format!("DROP INDEX {}", q(&index.name))),
                Line::Stmt(create_index(D, table, &renamed)),
            ]
        }
        Op::SetTableComment { table, .. } => {
            vec![Line::Comment(format!("SQLite has no table comments; nothing to do for {table}"))]
        }
        // Enum columns are text with a check here; the differ makes no
        // type operations for SQLite.
        Op::CreateEnum(_) | Op::DropEnum(_) | Op::AlterEnum { .. } => Vec::new(),
        Op::RebuildTable {
            old,
            new,
            changes,
            around,
        } => rebuild(old, new, changes, around),
        other => vec![Line::Comment(format!(
            "ERROR: SQLite needs a table rebuild to {}; generate operations with schema_core::diff::diff, which groups them into one",
            other.describe()
        ))],
    }
}
