//! MySQL / MariaDB: type mapping. Accepts `COLUMN_TYPE` spellings with and
//! without display widths (`int(11)` on MySQL 5.7/MariaDB, `int` on 8.0).

use super::DeclaredType;
use crate::model::LogicalType;

/// Reported type → logical type (`None`: not a known spelling).
pub(super) fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
    use LogicalType::*;
    // Display widths (`int(11)`) do not change the type; `unsigned` does.
    if !t.suffix.is_empty() {
        return None;
    }
    let width_only = t.params.len() <= 1;
    Some(match t.base.as_str() {
        "TINYINT" if t.one_param() == Some(1) => Boolean,
        "BOOL" | "BOOLEAN" if t.params.is_empty() => Boolean,
        "SMALLINT" if width_only => SmallInt,
        "INT" | "INTEGER" if width_only => Integer,
        "BIGINT" if width_only => BigInt,
        "FLOAT" if t.params.is_empty() => Real,
        "DOUBLE" | "DOUBLE PRECISION" | "REAL" if t.params.is_empty() => Double,
        "TEXT" if t.params.is_empty() => Text,
        "VARCHAR" => Varchar(t.one_param()?),
        "CHAR" if t.one_param() == Some(36) => Uuid,
        "LONGBLOB" if t.params.is_empty() => Blob,
        "DATE" if t.params.is_empty() => Date,
        "TIME" if t.params.is_empty() => Time,
        "DATETIME" if t.one_param() == Some(6) => Timestamp,
        "JSON" if t.params.is_empty() => Json,
        "DECIMAL" | "NUMERIC" => t.numeric()?,
        _ => return None,
    })
}

/// Logical type → MySQL type.
pub(super) fn render_type(ty: &LogicalType) -> String {
    use LogicalType::*;
    match ty {
        Boolean => "BOOL".into(),
        SmallInt => "SMALLINT".into(),
        Integer => "INT".into(),
        BigInt => "BIGINT".into(),
        Real => "FLOAT".into(),
        Double => "DOUBLE".into(),
        Text => "TEXT".into(),
        Varchar(n) => format!("VARCHAR({n})"),
        Blob => "LONGBLOB".into(),
        Date => "DATE".into(),
        Time => "TIME".into(),
        Timestamp | TimestampTz => "DATETIME(6)".into(),
        Uuid => "CHAR(36)".into(),
        Json => "JSON".into(),
        Numeric { precision, scale } => format!("DECIMAL({precision},{scale})"),
        Custom(s) => s.clone(),
    }
}

use super::render::{
    backfill, check_clause, create_table_stmt, foreign_key_clause, ident_list, null_and_default,
    unique_clause, Line,
};
use super::Dialect;
use crate::model::{Column, Index, Table};
use crate::ops::{ConstraintKind, Op};

const D: Dialect = Dialect::Mysql;

/// The full column definition (MODIFY COLUMN needs all of it).
fn column_def(col: &Column) -> String {
    let mut s = format!("{} {}", D.quote_ident(&col.name), D.render_type(col));
    s.push_str(&null_and_default(D, col));
    if col.auto_increment {
        s.push_str(" AUTO_INCREMENT");
    }
    if let Some(c) = &col.comment {
        s.push_str(&format!(" COMMENT {}", D.quote_str(c)));
    }
    s
}

fn index_clause(ix: &Index) -> String {
    format!(
        "{}INDEX {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        D.quote_ident(&ix.name),
        ident_list(D, &ix.columns)
    )
}

/// Indexes are declared inside `CREATE TABLE`, before the foreign keys, so
/// MySQL uses them for the foreign keys instead of creating its own.
fn create_table(t: &Table) -> Vec<Line> {
    let columns = t.columns.iter().map(column_def).collect();
    let mut constraints = Vec::new();
    if let Some(pk) = &t.primary_key {
        constraints.push(format!("PRIMARY KEY ({})", ident_list(D, &pk.columns)));
    }
    constraints.extend(t.uniques.iter().map(|u| unique_clause(D, u)));
    constraints.extend(t.indexes.iter().map(index_clause));
    for fk in &t.foreign_keys {
        constraints.push(foreign_key_clause(D, fk));
    }
    constraints.extend(t.checks.iter().map(|ck| check_clause(D, ck)));
    let suffix = t
        .comment
        .as_ref()
        .map(|c| format!(" COMMENT = {}", D.quote_str(c)))
        .unwrap_or_default();
    vec![Line::Stmt(create_table_stmt(
        D,
        &t.name,
        columns,
        constraints,
        &suffix,
    ))]
}

/// SQL for one operation.
pub(super) fn render_op(op: &Op) -> Vec<Line> {
    let q = |s: &str| D.quote_ident(s);
    let stmt = |s: String| vec![Line::Stmt(s)];
    let alter = |t: &str, rest: String| vec![Line::Stmt(format!("ALTER TABLE {} {rest}", q(t)))];
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable(t) => stmt(format!("DROP TABLE {}", q(&t.name))),
        Op::RenameTable { from, to } => stmt(format!("RENAME TABLE {} TO {}", q(from), q(to))),
        Op::AddColumn { table, column } => {
            alter(table, format!("ADD COLUMN {}", column_def(column)))
        }
        Op::DropColumn { table, column } => {
            alter(table, format!("DROP COLUMN {}", q(&column.name)))
        }
        Op::RenameColumn { table, from, to } => {
            alter(table, format!("RENAME COLUMN {} TO {}", q(from), q(to)))
        }
        Op::AlterColumn { table, old, new } => {
            let mut lines = backfill(D, table, old, new);
            lines.extend(alter(table, format!("MODIFY COLUMN {}", column_def(new))));
            lines
        }
        Op::AddIndex { table, index } => alter(table, format!("ADD {}", index_clause(index))),
        Op::DropIndex { table, index } => alter(table, format!("DROP INDEX {}", q(&index.name))),
        Op::RenameIndex { table, index, to } => alter(
            table,
            format!("RENAME INDEX {} TO {}", q(&index.name), q(to)),
        ),
        Op::AddUnique { table, unique } => alter(
            table,
            format!(
                "ADD CONSTRAINT {} UNIQUE ({})",
                q(&unique.name),
                ident_list(D, &unique.columns)
            ),
        ),
        Op::DropUnique { table, unique } => alter(table, format!("DROP INDEX {}", q(&unique.name))),
        Op::AddForeignKey { table, fk } => {
            alter(table, format!("ADD {}", foreign_key_clause(D, fk)))
        }
        Op::DropForeignKey { table, fk } => {
            // MySQL's own name for an unnamed foreign key.
            let name = fk.name.clone().unwrap_or_else(|| format!("{table}_ibfk_1"));
            alter(table, format!("DROP FOREIGN KEY {}", q(&name)))
        }
        Op::AddCheck { table, check } => alter(table, format!("ADD {}", check_clause(D, check))),
        // `DROP CONSTRAINT` works on MySQL 8.0.19+ and MariaDB alike.
        Op::DropCheck { table, check } => {
            alter(table, format!("DROP CONSTRAINT {}", q(&check.name)))
        }
        Op::AddPrimaryKey { table, pk } => alter(
            table,
            format!("ADD PRIMARY KEY ({})", ident_list(D, &pk.columns)),
        ),
        Op::DropPrimaryKey { table, .. } => alter(table, "DROP PRIMARY KEY".to_string()),
        Op::RenameConstraint {
            table,
            kind: ConstraintKind::Unique,
            from,
            to,
        } => alter(table, format!("RENAME INDEX {} TO {}", q(from), q(to))),
        Op::RenameConstraint { .. } => vec![Line::Comment(format!(
            "ERROR: MySQL cannot {}; drop and re-add the constraint instead",
            op.describe()
        ))],
        Op::SetTableComment { table, new, .. } => alter(
            table,
            format!("COMMENT = {}", D.quote_str(new.as_deref().unwrap_or(""))),
        ),
        // Not produced for MySQL; apply the changes one by one.
        Op::RebuildTable { changes, .. } => changes.iter().flat_map(render_op).collect(),
    }
}

/// Whether MySQL can rename a constraint of this kind in place (only
/// unique constraints, which are indexes).
pub(crate) fn can_rename_constraint(kind: ConstraintKind) -> bool {
    kind == ConstraintKind::Unique
}
