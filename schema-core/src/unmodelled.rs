//! What autogenerate does about the objects of a live database that models
//! cannot express ([`Unmodelled`]: views, triggers, partitioned tables,
//! generated columns, special indexes, ...).
//!
//! Introspection reports them apart from the tables, so the differ never
//! proposes to drop or alter them. Two things remain, both here:
//! - a model that names one of them (a struct for a partitioned table, a
//!   field for a generated column, an index of the same name) is left out
//!   of the comparison, with a warning, rather than created a second time;
//! - an operation that such an object would block or lose (dropping or
//!   rebuilding a table a view reads, changing the type of a column a view
//!   uses, rebuilding a table with a trigger) gets a warning naming the
//!   object, so the reviewer adds what the migration needs by hand.

use std::collections::BTreeSet;

use crate::dialect::same_generation;
use crate::model::{Schema, Unmodelled, UnmodelledKind};
use crate::ops::Op;

/// The views and triggers of `live` that a rebuild of `table` must drop
/// before and create again after: those that belong to it or read it, and
/// the views that read those, with their SQL (only SQLite keeps it, and
/// only SQLite rebuilds). Views come first, each after the views it reads;
/// then triggers.
pub fn around(live: &Schema, table: &str) -> Vec<Unmodelled> {
    let is_kept = |u: &Unmodelled| {
        u.sql.is_some() && matches!(u.kind, UnmodelledKind::View | UnmodelledKind::Trigger)
    };
    let mut reached: BTreeSet<&str> = BTreeSet::from([table]);
    let mut found: Vec<&Unmodelled> = Vec::new();
    loop {
        let before = found.len();
        for u in live.unmodelled.iter().filter(|u| is_kept(u)) {
            let touches = u.table.as_deref().is_some_and(|t| reached.contains(t))
                || u.uses.iter().any(|x| reached.contains(x.table.as_str()));
            if touches && !found.contains(&u) {
                if u.kind == UnmodelledKind::View {
                    reached.insert(&u.name);
                }
                found.push(u);
            }
        }
        if found.len() == before {
            break;
        }
    }
    // Views in dependency order: each once the views it reads are placed.
    let mut views: Vec<&Unmodelled> = found
        .iter()
        .copied()
        .filter(|u| u.kind == UnmodelledKind::View)
        .collect();
    let mut out: Vec<Unmodelled> = Vec::new();
    while !views.is_empty() {
        let pending: BTreeSet<&str> = views.iter().map(|v| v.name.as_str()).collect();
        let (ready, rest): (Vec<&Unmodelled>, Vec<&Unmodelled>) = views.iter().partition(|v| {
            v.uses
                .iter()
                .all(|x| x.table == v.name || !pending.contains(x.table.as_str()))
        });
        if ready.is_empty() {
            // A cycle cannot be created in SQLite; keep the order found.
            out.extend(rest.into_iter().cloned());
            break;
        }
        out.extend(ready.into_iter().cloned());
        views = rest;
    }
    out.extend(
        found
            .into_iter()
            .filter(|u| u.kind == UnmodelledKind::Trigger)
            .cloned(),
    );
    out
}

/// Fills in what each table rebuild of `ops` must keep around it.
pub fn keep_around_rebuilds(live: &Schema, ops: &mut [Op]) {
    for op in ops {
        if let Op::RebuildTable { old, around, .. } = op {
            *around = crate::unmodelled::around(live, &old.name);
        }
    }
}

/// `models` without what autogenerate must leave alone in `live`, and a
/// warning for each thing left out.
pub fn leave_alone(live: &Schema, models: &Schema) -> (Schema, Vec<String>) {
    if live.unmodelled.is_empty() {
        return (models.clone(), Vec::new());
    }
    let mut warnings = Vec::new();
    let mut out = models.clone();
    out.tables.retain(|t| {
        let Some(u) = live
            .unmodelled
            .iter()
            .find(|u| u.is_table() && u.name == t.name)
        else {
            return true;
        };
        warnings.push(format!(
            "table {} is a {} in the database, which models cannot express; its model is left out \
             and autogenerate leaves the table alone",
            t.name, u.kind
        ));
        false
    });
    for t in &mut out.tables {
        let attached = |kind: UnmodelledKind, name: &str| {
            live.unmodelled
                .iter()
                .any(|u| u.kind == kind && u.name == name && u.table.as_deref() == Some(&t.name))
        };
        t.indexes.retain(|i| {
            let keep = !attached(UnmodelledKind::Index, &i.name);
            if !keep {
                warnings.push(format!(
                    "index {} on {} is of a kind models cannot express in the database; the \
                     model's index of that name is left out and autogenerate leaves it alone",
                    i.name, t.name
                ));
            }
            keep
        });
    }
    (out, warnings)
}

/// A warning for each operation of `ops` that an unmodelled object of
/// `live` would block, or that would lose such an object.
pub fn warnings(live: &Schema, ops: &[Op]) -> Vec<String> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::DropTable(t) => {
                for u in users(live, &t.name, None) {
                    out.push(format!(
                        "{u}: dropping table {} fails or leaves it broken; drop or change it \
                         first, in this migration",
                        t.name
                    ));
                }
                for u in attached(live, &t.name) {
                    out.push(format!(
                        "{u} goes with table {}, and the down section does not recreate it \
                         (models cannot express it); add it to the down section by hand",
                        t.name
                    ));
                }
            }
            Op::RebuildTable {
                old,
                changes,
                around,
                ..
            } => {
                let renames_or_drops = changes
                    .iter()
                    .any(|c| matches!(c, Op::DropColumn { .. } | Op::RenameColumn { .. }));
                for u in around.iter().filter(|_| renames_or_drops) {
                    out.push(format!(
                        "{u} is dropped and created again around the rebuild of table {}; creating it again fails if it uses a column the rebuild drops or renames: change it in this migration",
                        old.name
                    ));
                }
                for u in users(live, &old.name, None).filter(|u| !around.contains(u)) {
                    out.push(format!(
                        "{u}: rebuilding table {} fails or leaves it broken; drop it before \
                         and recreate it after the rebuild, in this migration",
                        old.name
                    ));
                }
                for u in attached(live, &old.name).filter(|u| !around.contains(u)) {
                    out.push(format!(
                        "{u} is lost when table {} is rebuilt (models cannot express it); \
                         recreate it after the rebuild, in this migration",
                        old.name
                    ));
                }
            }
            Op::DropColumn { table, column } => {
                for u in users(live, table, Some(&column.name)) {
                    out.push(format!(
                        "{u}: dropping column {table}.{} fails or leaves it broken; drop or \
                         change it first, in this migration",
                        column.name
                    ));
                }
            }
            // PostgreSQL makes such a column again (drop and add).
            Op::AlterColumn { table, old, new } if !same_generation(old, new) => {
                for u in users(live, table, Some(&old.name)) {
                    out.push(format!(
                        "{u}: changing how {table}.{} is generated may drop and add the column \
                         again, which fails while it depends on the column; drop it before and \
                         recreate it after, in this migration",
                        old.name
                    ));
                }
            }
            Op::AlterColumn { table, old, new } if old.ty != new.ty => {
                for u in users(live, table, Some(&old.name)) {
                    out.push(format!(
                        "{u}: changing the type of {table}.{} may fail while it depends on the \
                         column; drop it before and recreate it after, in this migration",
                        old.name
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// Objects that depend on `table` (or its `column`), other than those that
/// belong to it.
fn users<'a>(
    live: &'a Schema,
    table: &'a str,
    column: Option<&'a str>,
) -> impl Iterator<Item = &'a Unmodelled> + 'a {
    live.unmodelled
        .iter()
        .filter(move |u| u.table.as_deref() != Some(table) && u.depends_on(table, column))
}

/// Objects that belong to `table` and go with it.
fn attached<'a>(live: &'a Schema, table: &'a str) -> impl Iterator<Item = &'a Unmodelled> + 'a {
    live.unmodelled
        .iter()
        .filter(move |u| u.table.as_deref() == Some(table) && u.kind != UnmodelledKind::Partition)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, Generated, Index, LogicalType, Table, Use};

    fn table(name: &str, cols: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: cols
                .iter()
                .map(|c| Column::new(*c, LogicalType::Integer))
                .collect(),
            ..Table::default()
        }
    }

    fn live() -> Schema {
        Schema::new(vec![
            table("customer", &["id", "name"]),
            table("film", &["id"]),
        ])
        .with_unmodelled(vec![
            Unmodelled {
                sql: None,
                kind: UnmodelledKind::View,
                name: "customer_list".into(),
                table: None,
                detail: String::new(),
                uses: vec![Use {
                    table: "customer".into(),
                    column: Some("name".into()),
                }],
            },
            Unmodelled {
                sql: None,
                kind: UnmodelledKind::Trigger,
                name: "film_touch".into(),
                table: Some("film".into()),
                detail: String::new(),
                uses: vec![],
            },
            Unmodelled {
                sql: None,
                kind: UnmodelledKind::PartitionedTable,
                name: "payment".into(),
                table: None,
                detail: "RANGE (paid_at)".into(),
                uses: vec![Use {
                    table: "customer".into(),
                    column: Some("id".into()),
                }],
            },
            Unmodelled {
                sql: None,
                kind: UnmodelledKind::Index,
                name: "ix_film_text".into(),
                table: Some("film".into()),
                detail: "FULLTEXT".into(),
                uses: vec![],
            },
        ])
    }

    #[test]
    fn models_of_unmodelled_objects_are_left_out() {
        let mut film = table("film", &["id", "total"]);
        film.indexes.push(Index {
            name: "ix_film_text".into(),
            columns: vec!["id".into()],
            unique: false,
            ..Default::default()
        });
        let models = Schema::new(vec![table("payment", &["id"]), film]);
        let (kept, warnings) = leave_alone(&live(), &models);
        assert_eq!(kept.tables.len(), 1);
        assert_eq!(kept.tables[0].columns.len(), 2);
        assert!(kept.tables[0].indexes.is_empty());
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings[0].contains("payment is a partitioned table"));
        // Nothing to leave alone: the models are untouched.
        let (same, none) = leave_alone(&Schema::new(vec![]), &models);
        assert_eq!(same, models);
        assert!(none.is_empty());
    }

    #[test]
    fn changes_that_objects_block_or_lose_are_warned() {
        let s = live();
        let customer = s.table("customer").unwrap().clone();
        let film = s.table("film").unwrap().clone();
        let w = warnings(&s, &[Op::DropTable(customer.clone())]);
        assert_eq!(w.len(), 2, "{w:#?}");
        assert!(w[0].starts_with("view customer_list, depends on customer: dropping table"));
        assert!(w[1].starts_with("partitioned table payment (RANGE (paid_at))"));
        // Only the column the view uses.
        let drop_col = |c: &str| Op::DropColumn {
            table: "customer".into(),
            column: customer.column(c).unwrap().clone(),
        };
        let w = warnings(&s, &[drop_col("name")]);
        assert!(
            w.len() == 1 && w[0].starts_with("view customer_list"),
            "{w:#?}"
        );
        let w = warnings(&s, &[drop_col("id")]);
        assert!(
            w.len() == 1 && w[0].starts_with("partitioned table payment"),
            "{w:#?}"
        );
        // A column the view reads made generated: it may be made again.
        let name = customer.column("name").unwrap().clone();
        let w = warnings(
            &s,
            &[Op::AlterColumn {
                table: "customer".into(),
                old: name.clone(),
                new: Column {
                    generated: Some(Generated {
                        expr: "upper(code)".into(),
                        stored: true,
                    }),
                    ..name
                },
            }],
        );
        assert!(
            w.len() == 1
                && w[0].starts_with("view customer_list")
                && w[0].contains("changing how customer.name is generated"),
            "{w:#?}"
        );
        let w = warnings(
            &s,
            &[Op::RebuildTable {
                old: film.clone(),
                new: film.clone(),
                changes: vec![],
                around: vec![],
            }],
        );
        assert_eq!(w.len(), 2, "trigger, index: {w:#?}");
        assert!(w
            .iter()
            .all(|l| l.contains("is lost when table film is rebuilt")));
        let w = warnings(&s, &[Op::DropTable(film)]);
        assert!(
            w[0].contains("the down section does not recreate it"),
            "{w:#?}"
        );
    }
}
