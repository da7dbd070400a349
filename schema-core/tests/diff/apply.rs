//! A model of what applying an operation does to a database, as
//! introspection would then report it. Lets the tests check that
//! `apply(old, diff(old, new))` has no diff against `new`, and that the
//! inverse operations bring `old` back, without a database.

use schema_core::ops::{ConstraintKind, Op};
use schema_core::{LogicalType, Schema, Table};

fn table_mut<'a>(s: &'a mut Schema, name: &str) -> &'a mut Table {
    s.tables
        .iter_mut()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

fn rename(v: &mut [String], from: &str, to: &str) {
    v.iter_mut()
        .filter(|c| *c == from)
        .for_each(|c| *c = to.to_string());
}

pub fn apply(s: &mut Schema, op: &Op) {
    match op {
        Op::CreateTable(t) => {
            assert!(
                s.table(&t.name).is_none(),
                "create of existing table {}",
                t.name
            );
            s.tables.push(t.clone());
        }
        Op::DropTable(t) => {
            let before = s.tables.len();
            s.tables.retain(|x| x.name != t.name);
            assert_eq!(
                before,
                s.tables.len() + 1,
                "drop of missing table {}",
                t.name
            );
        }
        Op::RenameTable { from, to } => {
            table_mut(s, from).name = to.clone();
            for t in &mut s.tables {
                for fk in &mut t.foreign_keys {
                    if fk.ref_table == *from {
                        fk.ref_table = to.clone();
                    }
                }
            }
        }
        Op::AddColumn { table, column } => {
            let t = table_mut(s, table);
            assert!(
                t.column(&column.name).is_none(),
                "add of existing column {}",
                column.name
            );
            t.columns.push(column.clone());
        }
        Op::DropColumn { table, column } => {
            let t = table_mut(s, table);
            assert!(
                t.column(&column.name).is_some(),
                "drop of missing column {}",
                column.name
            );
            t.columns.retain(|c| c.name != column.name);
        }
        Op::RenameColumn { table, from, to } => {
            for t in &mut s.tables {
                for fk in &mut t.foreign_keys {
                    if fk.ref_table == *table {
                        rename(&mut fk.ref_columns, from, to);
                    }
                }
            }
            let t = table_mut(s, table);
            t.columns
                .iter_mut()
                .filter(|c| c.name == *from)
                .for_each(|c| c.name = to.clone());
            if let Some(pk) = &mut t.primary_key {
                rename(&mut pk.columns, from, to);
            }
            for i in &mut t.indexes {
                rename(&mut i.columns, from, to);
                rename(&mut i.include, from, to);
                if let Some(p) = &mut i.predicate {
                    *p = p.replace(from.as_str(), to);
                }
            }
            t.uniques
                .iter_mut()
                .for_each(|u| rename(&mut u.columns, from, to));
            t.foreign_keys
                .iter_mut()
                .for_each(|f| rename(&mut f.columns, from, to));
            for ck in &mut t.checks {
                ck.sql = ck.sql.replace(from.as_str(), to);
            }
        }
        Op::AlterColumn { table, old, new } => {
            let t = table_mut(s, table);
            let c = t
                .columns
                .iter_mut()
                .find(|c| c.name == old.name)
                .expect("altered column exists");
            *c = new.clone();
        }
        Op::AddIndex { table, index } => {
            // Index names are per schema on PostgreSQL and SQLite.
            assert!(
                !s.tables
                    .iter()
                    .any(|t| t.indexes.iter().any(|i| i.name == index.name)),
                "index {} already exists",
                index.name
            );
            table_mut(s, table).indexes.push(index.clone())
        }
        Op::DropIndex { table, index } => {
            table_mut(s, table).indexes.retain(|i| i.name != index.name)
        }
        Op::RenameIndex { table, index, to } => {
            assert!(
                !s.tables
                    .iter()
                    .any(|t| t.indexes.iter().any(|i| i.name == *to)),
                "rename onto existing index {to}"
            );
            table_mut(s, table)
                .indexes
                .iter_mut()
                .filter(|i| i.name == index.name)
                .for_each(|i| i.name = to.clone())
        }
        Op::AddUnique { table, unique } => table_mut(s, table).uniques.push(unique.clone()),
        Op::DropUnique { table, unique } => table_mut(s, table)
            .uniques
            .retain(|u| u.name != unique.name),
        Op::AddForeignKey { table, fk } => table_mut(s, table).foreign_keys.push(fk.clone()),
        Op::DropForeignKey { table, fk } => {
            let t = table_mut(s, table);
            let before = t.foreign_keys.len();
            t.foreign_keys.retain(|f| f != fk);
            assert_eq!(
                before,
                t.foreign_keys.len() + 1,
                "drop of missing fk {fk:?}"
            );
        }
        Op::AddCheck { table, check } => table_mut(s, table).checks.push(check.clone()),
        Op::DropCheck { table, check } => {
            table_mut(s, table).checks.retain(|c| c.name != check.name)
        }
        Op::AddPrimaryKey { table, pk } => {
            let t = table_mut(s, table);
            assert!(t.primary_key.is_none(), "second primary key on {table}");
            t.primary_key = Some(pk.clone());
        }
        Op::DropPrimaryKey { table, .. } => table_mut(s, table).primary_key = None,
        Op::RenameConstraint {
            table,
            kind,
            from,
            to,
        } => {
            let t = table_mut(s, table);
            match kind {
                ConstraintKind::PrimaryKey => {
                    if let Some(pk) = &mut t.primary_key {
                        pk.name = Some(to.clone());
                    }
                }
                ConstraintKind::Unique => t
                    .uniques
                    .iter_mut()
                    .filter(|u| u.name == *from)
                    .for_each(|u| u.name = to.clone()),
                ConstraintKind::ForeignKey => t
                    .foreign_keys
                    .iter_mut()
                    .filter(|f| f.name.as_deref() == Some(from))
                    .for_each(|f| f.name = Some(to.clone())),
                ConstraintKind::Check => t
                    .checks
                    .iter_mut()
                    .filter(|c| c.name == *from)
                    .for_each(|c| c.name = to.clone()),
            }
        }
        Op::SetTableComment { table, new, .. } => table_mut(s, table).comment = new.clone(),
        Op::RebuildTable { old, new, .. } => *table_mut(s, &old.name) = new.clone(),
        // Types are not tables; their columns are what introspection shows.
        Op::CreateEnum(_) | Op::DropEnum(_) => {}
        Op::AlterEnum { old, new, .. } => {
            for c in s.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
                if matches!(&c.ty, LogicalType::Enum(e) if e.name == old.name) {
                    c.ty = LogicalType::Enum(new.clone());
                }
            }
        }
    }
    s.tables.sort_by(|a, b| a.name.cmp(&b.name));
}

pub fn apply_all(s: &Schema, ops: &[Op]) -> Schema {
    let mut s = s.clone();
    for op in ops {
        apply(&mut s, op);
    }
    s
}

/// The down direction: inverses in reverse order.
pub fn inverse_all(ops: &[Op]) -> Vec<Op> {
    ops.iter().rev().map(Op::inverse).collect()
}

/// An oracle independent of the differ: whether two schemas are the same
/// as `d` stores them (both normalised first). Returns the first difference.
pub fn same_schema(d: schema_core::dialect::Dialect, x: &Schema, y: &Schema) -> Result<(), String> {
    use std::collections::BTreeSet;
    let (x, y) = (d.normalize_schema(x), d.normalize_schema(y));
    let names = |s: &Schema| s.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    if names(&x) != names(&y) {
        return Err(format!("tables {:?} vs {:?}", names(&x), names(&y)));
    }
    for (a, b) in x.tables.iter().zip(&y.tables) {
        let t = &a.name;
        let cols = |t: &Table| {
            t.columns
                .iter()
                .map(|c| c.name.clone())
                .collect::<BTreeSet<_>>()
        };
        if cols(a) != cols(b) {
            return Err(format!("{t}: columns {:?} vs {:?}", cols(a), cols(b)));
        }
        for ca in &a.columns {
            let cb = b.column(&ca.name).expect("same column set");
            if !d.stores_alike(&ca.ty, &cb.ty)
                || ca.nullable != cb.nullable
                || ca.auto_increment != cb.auto_increment
                || ca.comment != cb.comment
                || !d.defaults_equal(ca.default.as_ref(), cb.default.as_ref(), &ca.ty)
            {
                return Err(format!("{t}.{}: {ca:?} vs {cb:?}", ca.name));
            }
        }
        let pk = |t: &Table| t.primary_key.as_ref().map(|p| p.columns.clone());
        let pk_name = |t: &Table| t.primary_key.as_ref().and_then(|p| p.name.clone());
        if pk(a) != pk(b) || pk_name(a) != pk_name(b) {
            return Err(format!(
                "{t}: primary key {:?} vs {:?}",
                a.primary_key, b.primary_key
            ));
        }
        let ix = |t: &Table| {
            t.indexes
                .iter()
                .map(|i| (i.name.clone(), i.columns.clone(), i.unique))
                .collect::<BTreeSet<_>>()
        };
        let uq = |t: &Table| {
            t.uniques
                .iter()
                .map(|u| (u.name.clone(), u.columns.clone()))
                .collect::<BTreeSet<_>>()
        };
        // Actions the dialect runs alike compare equal.
        let act = |a: schema_core::ReferentialAction| {
            if d.same_action(a, schema_core::ReferentialAction::Restrict) {
                "RESTRICT"
            } else {
                a.as_sql()
            }
        };
        let fk = |t: &Table| {
            t.foreign_keys
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.columns.clone(),
                        f.ref_table.clone(),
                        f.ref_columns.clone(),
                        act(f.on_delete),
                        act(f.on_update),
                    )
                })
                .collect::<BTreeSet<_>>()
        };
        let ck = |t: &Table| {
            t.checks
                .iter()
                .map(|c| {
                    (
                        c.name.clone(),
                        schema_core::dialect::normalize_check_sql(&c.sql),
                    )
                })
                .collect::<BTreeSet<_>>()
        };
        if ix(a) != ix(b)
            || uq(a) != uq(b)
            || fk(a) != fk(b)
            || ck(a) != ck(b)
            || a.comment != b.comment
        {
            return Err(format!("{t}: constraints differ:\n{a:#?}\nvs\n{b:#?}"));
        }
    }
    Ok(())
}
