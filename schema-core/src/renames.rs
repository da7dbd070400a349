//! What renames do to the names inside a schema, and the way back: the
//! differ applies a migration's renames to the old schema so later
//! comparisons line up; the renderer undoes them for a statement that runs
//! ahead of them (a lock-safe form placed in a migration of its own before
//! the main one), whose inverse runs after a downgrade has undone them.

use crate::model::{Schema, Table};
use crate::ops::Op;
use crate::sql::normalize::{normalize_check_sql, rename_ident_in_sql};

pub(crate) fn rename_table_in(s: &mut Schema, from: &str, to: &str) {
    for t in &mut s.tables {
        if t.name == from {
            t.name = to.to_string();
        }
        for fk in &mut t.foreign_keys {
            if fk.ref_table == from {
                fk.ref_table = to.to_string();
            }
        }
    }
    s.tables.sort_by(|a, b| a.name.cmp(&b.name));
}

/// What `ALTER TABLE ... RENAME COLUMN` does on every dialect: keys,
/// indexes, checks and referencing foreign keys follow the column.
pub(crate) fn rename_column_in(s: &mut Schema, table: &str, from: &str, to: &str) {
    let ren = |v: &mut Vec<String>| {
        v.iter_mut()
            .filter(|c| *c == from)
            .for_each(|c| *c = to.to_string());
    };
    for t in &mut s.tables {
        for fk in &mut t.foreign_keys {
            if fk.ref_table == table {
                ren(&mut fk.ref_columns);
            }
        }
        if t.name != table {
            continue;
        }
        for c in &mut t.columns {
            if c.name == from {
                c.name = to.to_string();
            }
        }
        if let Some(pk) = &mut t.primary_key {
            ren(&mut pk.columns);
        }
        for ix in &mut t.indexes {
            ren(&mut ix.columns);
            ren(&mut ix.include);
            if let Some(p) = &mut ix.predicate {
                let renamed = rename_ident_in_sql(p, from, to);
                if normalize_check_sql(&renamed) != normalize_check_sql(p) {
                    *p = renamed;
                }
            }
        }
        t.uniques.iter_mut().for_each(|u| ren(&mut u.columns));
        t.foreign_keys
            .iter_mut()
            .for_each(|fk| ren(&mut fk.columns));
        for ck in &mut t.checks {
            let renamed = rename_ident_in_sql(&ck.sql, from, to);
            if normalize_check_sql(&renamed) != normalize_check_sql(&ck.sql) {
                ck.sql = renamed;
            }
        }
    }
}

/// `op` in the names it had before the renames among `earlier` (the
/// operations rendered ahead of it in the same migration) took effect.
/// Index, unique, foreign key and check changes are mapped (table, column
/// and index names, predicates); any other operation comes back as it is.
pub fn before(op: &Op, earlier: &[Op]) -> Op {
    let (table, mut s) = match op {
        Op::DropIndex { table, .. }
        | Op::AddIndex { table, .. }
        | Op::DropUnique { table, .. }
        | Op::AddUnique { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::DropCheck { table, .. }
        | Op::AddCheck { table, .. } => (table, Schema::default()),
        _ => return op.clone(),
    };
    let mut t = Table {
        name: table.clone(),
        ..Table::default()
    };
    match op {
        Op::DropIndex { index, .. } | Op::AddIndex { index, .. } => t.indexes.push(index.clone()),
        Op::DropUnique { unique, .. } | Op::AddUnique { unique, .. } => {
            t.uniques.push(unique.clone())
        }
        Op::DropForeignKey { fk, .. } | Op::AddForeignKey { fk, .. } => {
            t.foreign_keys.push(fk.clone())
        }
        Op::DropCheck { check, .. } | Op::AddCheck { check, .. } => t.checks.push(check.clone()),
        _ => unreachable!("matched above"),
    }
    s.tables.push(t);
    for e in earlier.iter().rev() {
        match e {
            Op::RenameTable { from, to } => rename_table_in(&mut s, to, from),
            Op::RenameColumn { table, from, to } => rename_column_in(&mut s, table, to, from),
            Op::RenameIndex { table, index, to } => {
                for ix in s
                    .tables
                    .iter_mut()
                    .filter(|t| &t.name == table)
                    .flat_map(|t| t.indexes.iter_mut())
                    .filter(|ix| &ix.name == to)
                {
                    ix.name = index.name.clone();
                }
            }
            _ => {}
        }
    }
    let mut t = s.tables.remove(0);
    let table = t.name.clone();
    match op {
        Op::DropIndex { .. } => Op::DropIndex {
            table,
            index: t.indexes.remove(0),
        },
        Op::AddIndex { .. } => Op::AddIndex {
            table,
            index: t.indexes.remove(0),
        },
        Op::DropUnique { .. } => Op::DropUnique {
            table,
            unique: t.uniques.remove(0),
        },
        Op::AddUnique { .. } => Op::AddUnique {
            table,
            unique: t.uniques.remove(0),
        },
        Op::DropForeignKey { .. } => Op::DropForeignKey {
            table,
            fk: t.foreign_keys.remove(0),
        },
        Op::AddForeignKey { .. } => Op::AddForeignKey {
            table,
            fk: t.foreign_keys.remove(0),
        },
        Op::DropCheck { .. } => Op::DropCheck {
            table,
            check: t.checks.remove(0),
        },
        Op::AddCheck { .. } => Op::AddCheck {
            table,
            check: t.checks.remove(0),
        },
        _ => unreachable!("matched above"),
    }
}
