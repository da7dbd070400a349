//! Schema operations: the differ's output and the renderer's input.
//!
//! Every [`Op`] carries the full old definition of what it removes or
//! changes, so [`Op::inverse`] is exact (a dropped column comes back with
//! its type, nullability, default and comment) and the down migration can
//! be computed from the up operations alone.

use crate::model::{
    Check, Column, EnumType, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint,
};

/// A column of an enum type, as it is when the type changes: where an
/// [`Op::AlterEnum`] that cannot add values in place moves the column to
/// the new type (its default, which names the type, with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumUse {
    /// Table name.
    pub table: String,
    /// The column.
    pub column: Column,
}

/// The kind of a named table constraint, for [`Op::RenameConstraint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConstraintKind {
    /// `PRIMARY KEY`
    PrimaryKey,
    /// `UNIQUE`
    Unique,
    /// `FOREIGN KEY`
    ForeignKey,
    /// `CHECK`
    Check,
}

impl ConstraintKind {
    fn word(self) -> &'static str {
        match self {
            ConstraintKind::PrimaryKey => "primary key",
            ConstraintKind::Unique => "unique constraint",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::Check => "check constraint",
        }
    }
}

/// One schema change.
// A migration holds a handful of ops; boxing the tables would only make
// construction and matching noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `CREATE TABLE` with its columns, primary key, unique constraints,
    /// foreign keys and checks, followed by its indexes.
    CreateTable(Table),
    /// `DROP TABLE`; carries the full old definition for the inverse.
    DropTable(Table),
    /// Renames a table.
    RenameTable {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Adds a column.
    AddColumn {
        /// Table name.
        table: String,
        /// The new column.
        column: Column,
    },
    /// Drops a column; carries its old definition.
    DropColumn {
        /// Table name.
        table: String,
        /// The dropped column as it was.
        column: Column,
    },
    /// Renames a column.
    RenameColumn {
        /// Table name.
        table: String,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Changes a column's type, nullability, default, auto-increment or
    /// comment (the name is the same in `old` and `new`). Going from NULL
    /// to NOT NULL with a default in `new` first backfills NULLs with it.
    AlterColumn {
        /// Table name.
        table: String,
        /// The column as it is.
        old: Column,
        /// The column as it becomes.
        new: Column,
    },
    /// `CREATE [UNIQUE] INDEX`.
    AddIndex {
        /// Table name.
        table: String,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`; carries the old definition.
    DropIndex {
        /// Table name.
        table: String,
        /// The index as it was.
        index: Index,
    },
    /// Renames an index; `index` is the definition under its old name.
    RenameIndex {
        /// Table name.
        table: String,
        /// The index under its old name.
        index: Index,
        /// New name.
        to: String,
    },
    /// Adds a unique constraint.
    AddUnique {
        /// Table name.
        table: String,
        /// The constraint.
        unique: UniqueConstraint,
    },
    /// Drops a unique constraint.
    DropUnique {
        /// Table name.
        table: String,
        /// The constraint as it was.
        unique: UniqueConstraint,
    },
    /// Adds a foreign key.
    AddForeignKey {
        /// Table name (the referencing table).
        table: String,
        /// The foreign key.
        fk: ForeignKey,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// Table name (the referencing table).
        table: String,
        /// The foreign key as it was.
        fk: ForeignKey,
    },
    /// Adds a check constraint.
    AddCheck {
        /// Table name.
        table: String,
        /// The check.
        check: Check,
    },
    /// Drops a check constraint.
    DropCheck {
        /// Table name.
        table: String,
        /// The check as it was.
        check: Check,
    },
    /// Adds a primary key.
    AddPrimaryKey {
        /// Table name.
        table: String,
        /// The key.
        pk: PrimaryKey,
    },
    /// Drops the primary key.
    DropPrimaryKey {
        /// Table name.
        table: String,
        /// The key as it was.
        pk: PrimaryKey,
    },
    /// Renames a constraint (PostgreSQL `RENAME CONSTRAINT`).
    RenameConstraint {
        /// Table name.
        table: String,
        /// What kind of constraint.
        kind: ConstraintKind,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Sets or removes a table comment.
    SetTableComment {
        /// Table name.
        table: String,
        /// The comment as it was.
        old: Option<String>,
        /// The comment as it becomes.
        new: Option<String>,
    },
    /// SQLite only: changes `ALTER TABLE` cannot make, applied by rebuilding
    /// the table (create the new definition, copy the rows of the columns
    /// both share, drop the old table, rename, recreate indexes). `changes`
    /// lists the individual changes, for the summary and the inverse.
    RebuildTable {
        /// The table as it is.
        old: Table,
        /// The table as it becomes (same name).
        new: Table,
        /// The changes the rebuild makes, in words and for the inverse.
        changes: Vec<Op>,
        /// Views and triggers that read or belong to the table (with their
        /// SQL), dropped before the rebuild and created again after it, as
        /// SQLite's documented procedure does.
        around: Vec<crate::model::Unmodelled>,
    },
    /// Creates a named enum type (PostgreSQL `CREATE TYPE ... AS ENUM`),
    /// before the tables that use it.
    CreateEnum(EnumType),
    /// Drops a named enum type, after the last column using it is gone.
    DropEnum(EnumType),
    /// Changes the values of a named enum type: added values in place
    /// (`ALTER TYPE ... ADD VALUE`); a removal or reordering through a new
    /// type the columns in `uses` are moved to.
    AlterEnum {
        /// The type as it is.
        old: EnumType,
        /// The type as it becomes (same name).
        new: EnumType,
        /// The columns of that type, as they are when the change runs.
        uses: Vec<EnumUse>,
    },
}

impl Op {
    /// The exact inverse: applying `op` then `op.inverse()` restores the
    /// schema. `op.inverse().inverse() == op`.
    pub fn inverse(&self) -> Op {
        match self.clone() {
            Op::CreateTable(t) => Op::DropTable(t),
            Op::DropTable(t) => Op::CreateTable(t),
            Op::RenameTable { from, to } => Op::RenameTable { from: to, to: from },
            Op::AddColumn { table, column } => Op::DropColumn { table, column },
            Op::DropColumn { table, column } => Op::AddColumn { table, column },
            Op::RenameColumn { table, from, to } => Op::RenameColumn {
                table,
                from: to,
                to: from,
            },
            Op::AlterColumn { table, old, new } => Op::AlterColumn {
                table,
                old: new,
                new: old,
            },
            Op::AddIndex { table, index } => Op::DropIndex { table, index },
            Op::DropIndex { table, index } => Op::AddIndex { table, index },
            Op::RenameIndex { table, index, to } => {
                let from = index.name.clone();
                Op::RenameIndex {
                    table,
                    index: Index { name: to, ..index },
                    to: from,
                }
            }
            Op::AddUnique { table, unique } => Op::DropUnique { table, unique },
            Op::DropUnique { table, unique } => Op::AddUnique { table, unique },
            Op::AddForeignKey { table, fk } => Op::DropForeignKey { table, fk },
            Op::DropForeignKey { table, fk } => Op::AddForeignKey { table, fk },
            Op::AddCheck { table, check } => Op::DropCheck { table, check },
            Op::DropCheck { table, check } => Op::AddCheck { table, check },
            Op::AddPrimaryKey { table, pk } => Op::DropPrimaryKey { table, pk },
            Op::DropPrimaryKey { table, pk } => Op::AddPrimaryKey { table, pk },
            Op::RenameConstraint {
                table,
                kind,
                from,
                to,
            } => Op::RenameConstraint {
                table,
                kind,
                from: to,
                to: from,
            },
            Op::SetTableComment { table, old, new } => Op::SetTableComment {
                table,
                old: new,
                new: old,
            },
            Op::RebuildTable {
                old,
                new,
                changes,
                around,
            } => Op::RebuildTable {
                old: new,
                new: old,
                changes: changes.iter().rev().map(Op::inverse).collect(),
                around,
            },
            Op::CreateEnum(e) => Op::DropEnum(e),
            Op::DropEnum(e) => Op::CreateEnum(e),
            Op::AlterEnum { old, new, uses } => Op::AlterEnum {
                old: new,
                new: old,
                uses,
            },
        }
    }

    /// The table the operation applies to (the new name for a rename; an
    /// enum type's name for the operations on one).
    pub fn table(&self) -> &str {
        match self {
            Op::CreateTable(t) | Op::DropTable(t) => &t.name,
            Op::CreateEnum(e) | Op::DropEnum(e) => &e.name,
            Op::AlterEnum { new, .. } => &new.name,
            Op::RenameTable { to, .. } => to,
            Op::RebuildTable { new, .. } => &new.name,
            Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::AddIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::RenameIndex { table, .. }
            | Op::AddUnique { table, .. }
            | Op::DropUnique { table, .. }
            | Op::AddForeignKey { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::AddCheck { table, .. }
            | Op::DropCheck { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::DropPrimaryKey { table, .. }
            | Op::RenameConstraint { table, .. }
            | Op::SetTableComment { table, .. } => table,
        }
    }

    /// Whether the operation can lose data or fail on existing rows: drop
    /// table/column, a narrowing type change, NOT NULL on an existing column
    /// without a default to backfill, adding a NOT NULL column without a
    /// default. See [`warning`](Self::warning).
    pub fn is_destructive(&self) -> bool {
        !self.warnings().is_empty()
    }

    /// The warning for a destructive operation, in words (several joined
    /// with `; `); `None` otherwise.
    pub fn warning(&self) -> Option<String> {
        let all = self.warnings();
        (!all.is_empty()).then(|| all.join("; "))
    }

    /// Each warning of the operation, in words (a SQLite rebuild has one per
    /// destructive change); empty when the operation is safe.
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Op::RebuildTable { changes, .. } => changes.iter().flat_map(Op::warnings).collect(),
            _ => self.own_warning().into_iter().collect(),
        }
    }

    fn own_warning(&self) -> Option<String> {
        match self {
            Op::DropTable(t) => Some(format!("drops table {} and all its rows", t.name)),
            Op::DropColumn { table, column } => {
                Some(format!("drops column {table}.{} and its data", column.name))
            }
            Op::AddColumn { table, column }
                if !column.nullable && column.default.is_none() && !column.auto_increment =>
            {
                Some(format!(
                    "adds NOT NULL column {table}.{} without a default: fails if {table} has rows",
                    column.name
                ))
            }
            Op::AlterColumn { table, old, new } => {
                let mut parts = Vec::new();
                if is_narrowing(&old.ty, &new.ty) {
                    parts.push(format!(
                        "changes the type of {table}.{} from {} to {}: values that do not fit are lost or make the migration fail",
                        old.name, old.ty, new.ty
                    ));
                }
                if old.nullable && !new.nullable && new.default.is_none() {
                    parts.push(format!(
                        "makes {table}.{} NOT NULL without a default to backfill: fails if any row has NULL there",
                        old.name
                    ));
                }
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            Op::AlterEnum { old, new, .. } if !old.only_adds_to(new) => {
                let removed: Vec<&str> = old
                    .values
                    .iter()
                    .filter(|v| !new.values.contains(v))
                    .map(String::as_str)
                    .collect();
                Some(if removed.is_empty() {
                    format!(
                        "reorders the values of enum type {}: its columns are moved to a new type",
                        old.name
                    )
                } else {
                    format!(
                        "removes {} from enum type {}: the migration fails if a row holds {}",
                        removed.join(", "),
                        old.name,
                        if removed.len() == 1 {
                            "it"
                        } else {
                            "one of them"
                        }
                    )
                })
            }
            _ => None,
        }
    }

    /// One line in words, e.g. `add column users.email (varchar(255), NOT NULL)`.
    pub fn describe(&self) -> String {
        match self {
            Op::CreateTable(t) => format!("create table {} ({} columns)", t.name, t.columns.len()),
            Op::DropTable(t) => format!("drop table {}", t.name),
            Op::RenameTable { from, to } => format!("rename table {from} to {to}"),
            Op::AddColumn { table, column } => {
                format!(
                    "add column {table}.{} ({})",
                    column.name,
                    column_summary(column)
                )
            }
            Op::DropColumn { table, column } => format!("drop column {table}.{}", column.name),
            Op::RenameColumn { table, from, to } => format!("rename column {table}.{from} to {to}"),
            Op::AlterColumn { table, old, new } => {
                format!(
                    "alter column {table}.{}: {}",
                    old.name,
                    column_changes(old, new).join(", ")
                )
            }
            Op::AddIndex { table, index } => format!(
                "add {}index {} on {table} {}",
                if index.unique { "unique " } else { "" },
                index.name,
                index_shape(index)
            ),
            // The predicate as the database holds it: the spelling that
            // compares equal when written into the model.
            Op::DropIndex { table, index } => match &index.predicate {
                Some(p) => format!("drop index {} on {table} (where {p})", index.name),
                None => format!("drop index {} on {table}", index.name),
            },
            Op::RenameIndex { table, index, to } => {
                format!("rename index {} on {table} to {to}", index.name)
            }
            Op::AddUnique { table, unique } => format!(
                "add unique constraint {} on {table} ({})",
                unique.name,
                unique.columns.join(", ")
            ),
            Op::DropUnique { table, unique } => {
                format!("drop unique constraint {} on {table}", unique.name)
            }
            Op::AddForeignKey { table, fk } => format!(
                "add foreign key {}{table} ({}) -> {} ({})",
                fk.name
                    .as_deref()
                    .map(|n| format!("{n} "))
                    .unwrap_or_default(),
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            ),
            Op::DropForeignKey { table, fk } => format!(
                "drop foreign key {}{table} ({}) -> {}",
                fk.name
                    .as_deref()
                    .map(|n| format!("{n} "))
                    .unwrap_or_default(),
                fk.columns.join(", "),
                fk.ref_table
            ),
            Op::AddCheck { table, check } => {
                format!(
                    "add check constraint {} on {table} ({})",
                    check.name, check.sql
                )
            }
            Op::DropCheck { table, check } => {
                format!("drop check constraint {} on {table}", check.name)
            }
            Op::AddPrimaryKey { table, pk } => {
                format!("add primary key on {table} ({})", pk.columns.join(", "))
            }
            Op::DropPrimaryKey { table, pk } => {
                format!("drop primary key on {table} ({})", pk.columns.join(", "))
            }
            Op::RenameConstraint {
                table,
                kind,
                from,
                to,
            } => {
                format!("rename {} {from} on {table} to {to}", kind.word())
            }
            Op::SetTableComment { table, new, .. } => match new {
                Some(c) => format!("set comment on table {table}: {c:?}"),
                None => format!("remove comment on table {table}"),
            },
            Op::CreateEnum(e) => {
                format!("create enum type {} ({})", e.name, e.values.join(", "))
            }
            Op::DropEnum(e) => format!("drop enum type {}", e.name),
            Op::AlterEnum { old, new, .. } => format!(
                "alter enum type {}: ({}) -> ({})",
                new.name,
                old.values.join(", "),
                new.values.join(", ")
            ),
            Op::RebuildTable { new, changes, .. } => format!(
                "rebuild table {} ({})",
                new.name,
                changes
                    .iter()
                    .map(Op::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}

/// `varchar(255), NOT NULL, default 'x'`
/// `(a, b desc) using gin include (c) where p`: an index's definition in
/// words, for summaries.
fn index_shape(ix: &Index) -> String {
    let keys: Vec<String> = ix
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| ix.key(i).describe(c))
        .collect();
    let mut s = format!("({})", keys.join(", "));
    if let Some(m) = &ix.method {
        s.push_str(&format!(" using {m}"));
    }
    if !ix.include.is_empty() {
        s.push_str(&format!(" include ({})", ix.include.join(", ")));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" where {p}"));
    }
    s
}

fn column_summary(c: &Column) -> String {
    let mut s = c.ty.to_string();
    s.push_str(if c.nullable { ", NULL" } else { ", NOT NULL" });
    if let Some(d) = &c.default {
        s.push_str(&format!(", default {}", default_words(Some(d))));
    }
    if c.auto_increment {
        s.push_str(", auto-increment");
    }
    s
}

fn default_words(d: Option<&crate::model::DefaultValue>) -> String {
    use crate::model::DefaultValue;
    match d {
        None => "none".into(),
        Some(DefaultValue::Int(i)) => i.to_string(),
        Some(DefaultValue::Float(f)) => f.clone(),
        Some(DefaultValue::Bool(b)) => b.to_string(),
        Some(DefaultValue::Str(s)) => format!("{s:?}"),
        Some(DefaultValue::Sql(s)) => s.clone(),
    }
}

/// The differences between two versions of a column, in words.
pub(crate) fn column_changes(old: &Column, new: &Column) -> Vec<String> {
    let mut out = Vec::new();
    if old.ty != new.ty {
        out.push(format!("type {} -> {}", old.ty, new.ty));
    }
    if old.nullable != new.nullable {
        out.push(if new.nullable {
            "NOT NULL -> NULL".into()
        } else {
            "NULL -> NOT NULL".into()
        });
    }
    if old.default != new.default {
        out.push(format!(
            "default {} -> {}",
            default_words(old.default.as_ref()),
            default_words(new.default.as_ref())
        ));
    }
    if old.auto_increment != new.auto_increment {
        out.push(if new.auto_increment {
            "add auto-increment".into()
        } else {
            "drop auto-increment".into()
        });
    }
    if old.comment != new.comment {
        out.push(match &new.comment {
            Some(c) => format!("comment {c:?}"),
            None => "remove comment".into(),
        });
    }
    if old.collation != new.collation {
        let words = |c: &Option<String>| c.clone().unwrap_or_else(|| "default".into());
        out.push(format!(
            "collation {} -> {}",
            words(&old.collation),
            words(&new.collation)
        ));
    }
    if old.generated != new.generated {
        out.push(match &new.generated {
            Some(g) => format!(
                "generated as ({}) {}",
                g.expr,
                if g.stored { "stored" } else { "virtual" }
            ),
            None => "no longer generated".into(),
        });
    }
    if out.is_empty() {
        out.push("no change".into());
    }
    out
}

/// The tables `ops` create: new and empty, so a change to one of them in
/// the same migration blocks no writer.
pub fn created_tables(ops: &[Op]) -> std::collections::BTreeSet<&str> {
    ops.iter()
        .filter_map(|op| match op {
            Op::CreateTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether `ops` change a table that exists already (and so may hold rows
/// whose writers a lock blocks).
pub fn changes_existing_tables(ops: &[Op]) -> bool {
    let created = created_tables(ops);
    ops.iter()
        // Creating or dropping a type locks no table.
        .filter(|op| !matches!(op, Op::CreateEnum(_) | Op::DropEnum(_)))
        .any(|op| !created.contains(op.table()))
}

/// Whether changing a column from `old` to `new` can lose data or fail:
/// anything but a known widening (smaller → larger integer, real → double,
/// varchar(n) → varchar(m ≥ n) or text, numeric with room for every old
/// value, timestamp ↔ timestamptz, anything → text from varchar/uuid).
pub fn is_narrowing(old: &crate::model::LogicalType, new: &crate::model::LogicalType) -> bool {
    use crate::model::LogicalType::*;
    let int_rank = |t: &crate::model::LogicalType| match t {
        SmallInt => Some(1),
        Integer => Some(2),
        BigInt => Some(3),
        _ => None,
    };
    if old == new {
        return false;
    }
    match (old, new) {
        (a, b) if int_rank(a).is_some() && int_rank(b).is_some() => int_rank(a) > int_rank(b),
        (SmallInt, Numeric { precision, scale }) => precision - scale < 5,
        (Integer, Numeric { precision, scale }) => precision - scale < 10,
        (BigInt, Numeric { precision, scale }) => precision - scale < 19,
        (Real, Double) => false,
        (Varchar(n), Varchar(m)) => m < n,
        (Varchar(_) | Uuid | Json, Text) => false,
        (Uuid, Varchar(n)) => *n < 36,
        (
            Numeric {
                precision: p,
                scale: s,
            },
            Numeric {
                precision: p2,
                scale: s2,
            },
        ) => s2 < s || p2 - s2 < p - s,
        (Timestamp, TimestampTz) | (TimestampTz, Timestamp) => false,
        (Boolean, SmallInt | Integer | BigInt) => false,
        (Enum(_), Text) => false,
        (Enum(a), Enum(b)) => !a.only_adds_to(b),
        // Each element is cast on its own.
        (Array(a), Array(b)) => is_narrowing(a, b),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DefaultValue, LogicalType, ReferentialAction};

    fn col(name: &str, ty: LogicalType) -> Column {
        Column::new(name, ty)
    }

    fn table() -> Table {
        Table {
            name: "users".into(),
            columns: vec![
                col("id", LogicalType::BigInt),
                col("email", LogicalType::Varchar(255)),
            ],
            primary_key: Some(PrimaryKey {
                name: Some("pk_users".into()),
                columns: vec!["id".into()],
            }),
            ..Table::default()
        }
    }

    fn all_ops() -> Vec<Op> {
        let c = col("age", LogicalType::Integer);
        let mut c2 = c.clone();
        c2.nullable = true;
        c2.default = Some(DefaultValue::Int(3));
        let ix = Index {
            name: "ix_users_email".into(),
            columns: vec!["email".into()],
            unique: false,
            ..Default::default()
        };
        let fk = ForeignKey {
            name: Some("fk_users_org_id_orgs".into()),
            columns: vec!["org_id".into()],
            ref_table: "orgs".into(),
            ref_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        };
        let mut t2 = table();
        t2.columns.push(c.clone());
        vec![
            Op::CreateTable(table()),
            Op::DropTable(table()),
            Op::RenameTable {
                from: "a".into(),
                to: "b".into(),
            },
            Op::AddColumn {
                table: "users".into(),
                column: c.clone(),
            },
            Op::DropColumn {
                table: "users".into(),
                column: c.clone(),
            },
            Op::RenameColumn {
                table: "users".into(),
                from: "a".into(),
                to: "b".into(),
            },
            Op::AlterColumn {
                table: "users".into(),
                old: c.clone(),
                new: c2.clone(),
            },
            Op::AddIndex {
                table: "users".into(),
                index: ix.clone(),
            },
            Op::DropIndex {
                table: "users".into(),
                index: ix.clone(),
            },
            Op::RenameIndex {
                table: "users".into(),
                index: ix.clone(),
                to: "ix_x".into(),
            },
            Op::AddUnique {
                table: "users".into(),
                unique: UniqueConstraint {
                    name: "uq".into(),
                    columns: vec!["email".into()],
                },
            },
            Op::DropUnique {
                table: "users".into(),
                unique: UniqueConstraint {
                    name: "uq".into(),
                    columns: vec!["email".into()],
                },
            },
            Op::AddForeignKey {
                table: "users".into(),
                fk: fk.clone(),
            },
            Op::DropForeignKey {
                table: "users".into(),
                fk: fk.clone(),
            },
            Op::AddCheck {
                table: "users".into(),
                check: Check {
                    name: "ck".into(),
                    sql: "age > 0".into(),
                },
            },
            Op::DropCheck {
                table: "users".into(),
                check: Check {
                    name: "ck".into(),
                    sql: "age > 0".into(),
                },
            },
            Op::AddPrimaryKey {
                table: "users".into(),
                pk: PrimaryKey {
                    name: None,
                    columns: vec!["id".into()],
                },
            },
            Op::DropPrimaryKey {
                table: "users".into(),
                pk: PrimaryKey {
                    name: None,
                    columns: vec!["id".into()],
                },
            },
            Op::RenameConstraint {
                table: "users".into(),
                kind: ConstraintKind::Check,
                from: "a".into(),
                to: "b".into(),
            },
            Op::SetTableComment {
                table: "users".into(),
                old: None,
                new: Some("people".into()),
            },
            Op::RebuildTable {
                old: table(),
                new: t2,
                changes: vec![
                    Op::AddColumn {
                        table: "users".into(),
                        column: c.clone(),
                    },
                    Op::AlterColumn {
                        table: "users".into(),
                        old: c,
                        new: c2,
                    },
                ],
                around: Vec::new(),
            },
        ]
    }

    #[test]
    fn inverse_is_an_involution_and_never_identity() {
        for op in all_ops() {
            let inv = op.inverse();
            assert_ne!(inv, op, "{op:?} must change");
            assert_eq!(inv.inverse(), op);
        }
    }

    #[test]
    fn rebuild_inverse_reverses_changes() {
        let op = all_ops().pop().expect("rebuild op");
        let Op::RebuildTable {
            changes, old, new, ..
        } = op.inverse()
        else {
            panic!("not a rebuild")
        };
        assert_eq!(old.columns.len(), 3);
        assert_eq!(new.columns.len(), 2);
        assert!(matches!(changes[0], Op::AlterColumn { .. }));
        assert!(matches!(changes[1], Op::DropColumn { .. }));
    }

    #[test]
    fn destructive_ops() {
        let ops = all_ops();
        let destructive: Vec<bool> = ops.iter().map(Op::is_destructive).collect();
        // DropTable, AddColumn (NOT NULL, no default), DropColumn, RebuildTable (adds that column).
        let expected: Vec<bool> = ops
            .iter()
            .map(|op| {
                matches!(
                    op,
                    Op::DropTable(_)
                        | Op::AddColumn { .. }
                        | Op::DropColumn { .. }
                        | Op::RebuildTable { .. }
                )
            })
            .collect();
        assert_eq!(destructive, expected);
        // NULL -> NOT NULL: destructive only without a default.
        let mut nullable = col("c", LogicalType::Text);
        nullable.nullable = true;
        let not_null = col("c", LogicalType::Text);
        let op = Op::AlterColumn {
            table: "t".into(),
            old: nullable.clone(),
            new: not_null.clone(),
        };
        assert!(op.warning().expect("warns").contains("NOT NULL"));
        let with_default = Column {
            default: Some(DefaultValue::Str("x".into())),
            ..not_null
        };
        assert!(!Op::AlterColumn {
            table: "t".into(),
            old: nullable,
            new: with_default
        }
        .is_destructive());
    }

    #[test]
    fn narrowing() {
        use LogicalType::*;
        assert!(is_narrowing(&Varchar(255), &Varchar(50)));
        assert!(!is_narrowing(&Varchar(50), &Varchar(255)));
        assert!(!is_narrowing(&Varchar(50), &Text));
        assert!(is_narrowing(&Text, &Varchar(50)));
        assert!(is_narrowing(&BigInt, &Integer));
        assert!(!is_narrowing(&Integer, &BigInt));
        assert!(is_narrowing(&Text, &Integer));
        assert!(is_narrowing(
            &Numeric {
                precision: 10,
                scale: 2
            },
            &Numeric {
                precision: 10,
                scale: 4
            }
        ));
        assert!(!is_narrowing(
            &Numeric {
                precision: 10,
                scale: 2
            },
            &Numeric {
                precision: 12,
                scale: 4
            }
        ));
        assert!(!is_narrowing(&Timestamp, &TimestampTz));
    }

    #[test]
    fn describe_in_words() {
        let lines: Vec<String> = all_ops().iter().map(Op::describe).collect();
        assert_eq!(lines[3], "add column users.age (integer, NOT NULL)");
        assert_eq!(
            lines[6],
            "alter column users.age: NOT NULL -> NULL, default none -> 3"
        );
        assert_eq!(
            lines[12],
            "add foreign key fk_users_org_id_orgs users (org_id) -> orgs (id)"
        );
        assert!(lines.iter().all(|l| !l.contains('\n')));
    }
}
