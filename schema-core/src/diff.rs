//! Autogenerate: compare the live database with the models and produce the
//! [`Op`]s that turn one into the other.
//!
//! `old` is what introspection read from the database, `new` is the models;
//! both go through [`Dialect::normalize_schema`] first (see there for what
//! introspection must report per dialect), so names SQLite does not keep,
//! MySQL's implicit foreign-key indexes and over-long identifiers never
//! produce a diff. Types compare through [`Dialect::canonical_type`],
//! defaults through [`Dialect::defaults_equal`], checks through
//! [`normalize_check_sql`].
//!
//! # What is detected
//! Tables added, dropped and renamed (`renamed_from`); columns added,
//! dropped, renamed (`renamed_from`) and altered (type, nullability,
//! default, auto-increment, comment); the primary key; unique constraints;
//! indexes (uniqueness, columns and their order, sort orders and prefix
//! lengths, `INCLUDE` columns, method, predicate); foreign keys (columns,
//! target, `ON DELETE`/`ON UPDATE`); check constraints; table comments.
//! Without `renamed_from`, a dropped and an added table or column that look
//! alike produce a [`RenameHint`] instead of a guess.
//!
//! Indexes and constraints are matched by name, then by definition: one
//! whose definition is unchanged but whose name differs (typically a
//! default name after its table or column was renamed) is renamed in place
//! where the dialect can, so the next autogenerate finds nothing.
//!
//! # Order of operations
//! 1. table renames;
//! 2. column renames;
//! 3. index and constraint renames;
//! 4. foreign keys dropped;
//! 5. indexes, unique constraints, checks and primary keys dropped;
//! 6. tables dropped (children first);
//! 7. tables created (parents first);
//! 8. columns added, altered and dropped, table comments (or one SQLite
//!    table rebuild per table);
//! 9. primary keys, unique constraints, indexes and checks added;
//! 10. indexes dropped that step 5 left for after their replacement: those
//!     whose columns all stay and keep their type (a foreign key they serve
//!     is then never without an index, which MySQL requires);
//! 11. foreign keys added.
//!
//! Where the dialect names its enum types (PostgreSQL), types are created
//! and their values changed before step 1, and types no column uses any
//! more dropped after step 11.
//!
//! A foreign-key cycle among created tables is broken by creating the
//! tables without the closing foreign keys and adding them in step 11 (and
//! symmetrically for dropped tables), unless the dialect lets `CREATE
//! TABLE` reference tables created later (SQLite, which checks foreign keys
//! lazily), in which case they stay inline.
//!
//! # Table rebuilds
//! Where the dialect's `ALTER TABLE` cannot make a table's changes in place
//! (SQLite; the dialect decides), they are grouped into one
//! [`Op::RebuildTable`] carrying the full old and new definitions; table
//! and column renames still happen natively before it.
//!
//! The differ never tests which dialect it runs for: it asks the
//! [`Dialect`] what it can do.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::dialect::{normalize_check_sql, same_generation, Dialect};
use crate::model::{Column, DefaultValue, EnumType, ForeignKey, Index, LogicalType, Schema, Table};
use crate::ops::{ConstraintKind, EnumUse, Op};
use crate::renames;
use crate::unmodelled;

/// The result of a diff: operations and rename hints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Operations turning the old schema into the new one, in a safe order.
    pub ops: Vec<Op>,
    /// Drop + add pairs that may be meant as renames.
    pub hints: Vec<RenameHint>,
    /// What the comparison left alone because models cannot express it,
    /// and operations that such objects of the database would block or
    /// lose (see [`crate::unmodelled`]).
    pub warnings: Vec<String>,
}

impl Diff {
    /// No operations (hints alone do not count).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// A dropped and an added table or column that look like a rename. The
/// differ emits drop + add; the hint names the attribute that would turn
/// them into a rename.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameHint {
    /// A dropped and a created table with the same columns.
    Table {
        /// Dropped table.
        from: String,
        /// Created table.
        to: String,
        /// The model struct of the created table, if known.
        struct_name: Option<String>,
    },
    /// A dropped and an added column of the same type in one table.
    Column {
        /// Table name.
        table: String,
        /// Dropped column.
        from: String,
        /// Added column.
        to: String,
        /// The model field of the added column, if known.
        field: Option<String>,
    },
}

impl fmt::Display for RenameHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameHint::Table { from, to, struct_name } => write!(
                f,
                "table {from} is dropped and {to} created with the same columns; if it was renamed, add #[model(renamed_from = \"{from}\")] to {}",
                struct_name.as_deref().map(|s| format!("struct {s}")).unwrap_or_else(|| format!("the model of {to}"))
            ),
            RenameHint::Column { table, from, to, field } => write!(
                f,
                "column {table}.{from} is dropped and {table}.{to} added with the same type; if it was renamed, add #[model(renamed_from = \"{from}\")] to {}",
                field.as_deref().map(|s| format!("field `{s}`")).unwrap_or_else(|| format!("the field of column {to}"))
            ),
        }
    }
}

/// The operations that turn `old` (the live database) into `new` (the
/// models) on `dialect`. See [`diff_with_hints`] for rename hints.
pub fn diff(old: &Schema, new: &Schema, dialect: Dialect) -> Vec<Op> {
    diff_with_hints(old, new, dialect).ops
}

/// Operations in the order they run.
#[derive(Default)]
struct Phases {
    create_types: Vec<Op>,
    rename_tables: Vec<Op>,
    rename_columns: Vec<Op>,
    rename_constraints: Vec<Op>,
    drop_fks: Vec<Op>,
    drop_constraints: Vec<Op>,
    drop_tables: Vec<Op>,
    create_tables: Vec<Op>,
    columns: Vec<Op>,
    add_constraints: Vec<Op>,
    replaced_indexes: Vec<Op>,
    add_fks: Vec<Op>,
    drop_types: Vec<Op>,
}

impl Phases {
    fn into_ops(self) -> Vec<Op> {
        [
            self.create_types,
            self.rename_tables,
            self.rename_columns,
            self.rename_constraints,
            self.drop_fks,
            self.drop_constraints,
            self.drop_tables,
            self.create_tables,
            self.columns,
            self.add_constraints,
            self.replaced_indexes,
            self.add_fks,
            self.drop_types,
        ]
        .concat()
    }
}

/// Like [`diff`], also returning rename hints.
pub fn diff_with_hints(old: &Schema, new: &Schema, dialect: Dialect) -> Diff {
    let d = dialect;
    let (new, mut warnings) = unmodelled::leave_alone(old, new);
    let mut old = d.normalize_schema(old);
    let new = d.normalize_schema(&new);
    let mut phases = Phases::default();
    let mut hints = Vec::new();
    if d.names_enum_types() {
        enum_types(&old, &new, &mut phases);
    }

    // Tables: same name, or renamed_from an old table that no model keeps.
    let new_names: BTreeSet<&str> = new.tables.iter().map(|t| t.name.as_str()).collect();
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    let mut created: Vec<&Table> = Vec::new();
    let mut table_renames: Vec<(String, String)> = Vec::new();
    for t in &new.tables {
        if old.table(&t.name).is_some() {
            claimed.insert(t.name.clone());
            continue;
        }
        let source = new_renamed_from(&new, &t.name);
        match source {
            Some(from)
                if old.table(&from).is_some()
                    && !new_names.contains(from.as_str())
                    && !claimed.contains(&from) =>
            {
                claimed.insert(from.clone());
                table_renames.push((from, t.name.clone()));
            }
            _ => created.push(t),
        }
    }
    for (from, to) in &table_renames {
        phases.rename_tables.push(Op::RenameTable {
            from: from.clone(),
            to: to.clone(),
        });
        renames::rename_table_in(&mut old, from, to);
    }
    let dropped: Vec<Table> = old
        .tables
        .iter()
        .filter(|t| !new_names.contains(t.name.as_str()))
        .cloned()
        .collect();
    table_hints(d, &dropped, &created, &mut hints);

    // Column renames, applied to the old view so later comparisons line up.
    for t in &new.tables {
        if created.iter().any(|c| c.name == t.name) {
            continue;
        }
        let renames: Vec<(String, String)> = {
            let o = old
                .table(&t.name)
                .expect("matched table exists in the old view");
            t.columns
                .iter()
                .filter(|c| o.column(&c.name).is_none())
                .filter_map(|c| {
                    let from = new_column_renamed_from(&new, &t.name, &c.name)?;
                    (o.column(&from).is_some() && t.column(&from).is_none())
                        .then(|| (from, c.name.clone()))
                })
                .collect()
        };
        for (from, to) in renames {
            phases.rename_columns.push(Op::RenameColumn {
                table: t.name.clone(),
                from: from.clone(),
                to: to.clone(),
            });
            renames::rename_column_in(&mut old, &t.name, &from, &to);
        }
    }

    // Matched tables.
    for n in &new.tables {
        if created.iter().any(|c| c.name == n.name) {
            continue;
        }
        let o = old
            .table(&n.name)
            .expect("matched table exists in the old view")
            .clone();
        if o.collation != n.collation {
            let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "the database's".into());
            warnings.push(format!(
                "table {} has {} default collation in the database and {} in its model; \
                 autogenerate does not change a table's collation (converting its columns is \
                 for a hand-written migration, e.g. MySQL's `ALTER TABLE ... CONVERT TO \
                 CHARACTER SET ...`)",
                n.name,
                show(&o.collation),
                show(&n.collation)
            ));
        }
        diff_table(d, &o, n, &mut phases, &mut hints);
    }

    // Dropped tables, children first; created tables, parents first.
    let (order, deferred) = creation_order(d, dropped);
    for (table, fk) in deferred {
        phases.drop_tables.push(Op::DropForeignKey { table, fk });
    }
    for t in order.into_iter().rev() {
        phases.drop_tables.push(Op::DropTable(t));
    }
    let (order, deferred) = creation_order(d, created.into_iter().cloned().collect());
    phases
        .create_tables
        .extend(order.into_iter().map(Op::CreateTable));
    for (table, fk) in deferred {
        phases.add_fks.push(Op::AddForeignKey { table, fk });
    }

    let mut ops = phases.into_ops();
    unmodelled::keep_around_rebuilds(&old, &mut ops);
    warnings.extend(unmodelled::warnings(&old, &ops));
    Diff {
        ops,
        hints,
        warnings,
    }
}

/// The named enum types the columns of `s` use, by name, with those
/// columns.
fn used_enum_types(s: &Schema) -> BTreeMap<&str, (&EnumType, Vec<EnumUse>)> {
    let mut out: BTreeMap<&str, (&EnumType, Vec<EnumUse>)> = BTreeMap::new();
    for t in &s.tables {
        for c in &t.columns {
            if let LogicalType::Enum(e) = &c.ty {
                out.entry(e.name.as_str())
                    .or_insert((e, Vec::new()))
                    .1
                    .push(EnumUse {
                        table: t.name.clone(),
                        column: c.clone(),
                    });
            }
        }
    }
    out
}

/// Enum types: created first (before the tables and columns using them),
/// changed first (while every column of the type is where the database
/// has it: old names, no table dropped yet), dropped last (after their
/// last column). A type no column uses any more is dropped.
fn enum_types(old: &Schema, new: &Schema, phases: &mut Phases) {
    let (old, new) = (used_enum_types(old), used_enum_types(new));
    for (name, (ty, _)) in &new {
        match old.get(name) {
            None => phases.create_types.push(Op::CreateEnum((*ty).clone())),
            Some((was, uses)) if was.values != ty.values => {
                phases.create_types.push(Op::AlterEnum {
                    old: (*was).clone(),
                    new: (*ty).clone(),
                    uses: uses.clone(),
                })
            }
            Some(_) => {}
        }
    }
    for (name, (ty, _)) in &old {
        if !new.contains_key(name) {
            phases.drop_types.push(Op::DropEnum((*ty).clone()));
        }
    }
}

fn new_renamed_from(new: &Schema, table: &str) -> Option<String> {
    new.table(table).and_then(|t| t.renamed_from.clone())
}

fn new_column_renamed_from(new: &Schema, table: &str, column: &str) -> Option<String> {
    new.table(table)?.column(column)?.renamed_from.clone()
}

/// The table as the database will store it: no model-only metadata.
/// `new` with each column whose type does not change (it is stored alike)
/// declared as the database declares it now, so a rebuild keeps spellings
/// such as `NVARCHAR(160)` that the models write as `String`.
fn keeping_stored_types(old: &Table, new: &Table, d: Dialect) -> Table {
    let mut t = new.clone();
    for c in &mut t.columns {
        if let Some(oc) = old.column(&c.name) {
            if oc.ty != c.ty && d.stores_alike(&oc.ty, &c.ty) {
                c.ty = oc.ty.clone();
            }
        }
    }
    t
}

fn without_renamed_from(t: &Table) -> Table {
    let mut t = t.clone();
    t.renamed_from = None;
    t.struct_name = None;
    t.columns = t.columns.iter().map(without_column_rename).collect();
    t
}

/// The column as the database will store it: no model-only metadata.
fn without_column_rename(c: &Column) -> Column {
    Column {
        renamed_from: None,
        field: None,
        ..c.clone()
    }
}

/// Hints for dropped/created tables with identical column names and types.
fn table_hints(d: Dialect, dropped: &[Table], created: &[&Table], hints: &mut Vec<RenameHint>) {
    let shape = |t: &Table| -> BTreeSet<(String, String)> {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), d.render_logical_type(&c.ty)))
            .collect()
    };
    let mut used = BTreeSet::new();
    for c in created {
        if let Some(o) = dropped
            .iter()
            .find(|o| !used.contains(&o.name) && shape(o) == shape(c))
        {
            used.insert(o.name.clone());
            hints.push(RenameHint::Table {
                from: o.name.clone(),
                to: c.name.clone(),
                struct_name: c.struct_name.clone(),
            });
        }
    }
}

/// The result of matching old and new items (indexes, constraints) of one
/// table: unchanged pairs are dropped from view.
struct Matched<'a, T> {
    renamed: Vec<(&'a T, &'a T)>,
    dropped: Vec<&'a T>,
    added: Vec<&'a T>,
}

/// Matches by definition with equal names (or a name missing on either
/// side), then by definition alone (a rename), leaving the rest as drop/add.
fn match_items<'a, T>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> Option<&str>,
    same: impl Fn(&T, &T) -> bool,
) -> Matched<'a, T> {
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let names_agree = |a: &T, b: &T| match (name(a), name(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    for (j, n) in new.iter().enumerate() {
        if let Some(i) =
            (0..old.len()).find(|&i| !old_used[i] && same(&old[i], n) && names_agree(&old[i], n))
        {
            old_used[i] = true;
            new_used[j] = true;
        }
    }
    let mut renamed = Vec::new();
    for (j, n) in new.iter().enumerate() {
        if new_used[j] {
            continue;
        }
        // Never rename onto a name an old item still holds: that item is
        // dropped later, so the rename would collide; drop + add instead.
        let taken = name(n).is_some_and(|nn| old.iter().any(|o| name(o) == Some(nn)));
        if taken {
            continue;
        }
        if let Some(i) = (0..old.len()).find(|&i| !old_used[i] && same(&old[i], n)) {
            old_used[i] = true;
            new_used[j] = true;
            renamed.push((&old[i], n));
        }
    }
    Matched {
        renamed,
        dropped: old
            .iter()
            .zip(&old_used)
            .filter(|(_, u)| !**u)
            .map(|(o, _)| o)
            .collect(),
        added: new
            .iter()
            .zip(&new_used)
            .filter(|(_, u)| !**u)
            .map(|(n, _)| n)
            .collect(),
    }
}

/// Whether two indexes (both normalised for the dialect) are defined
/// alike. Predicates compare through [`normalize_check_sql`]: PostgreSQL
/// reports a predicate as `pg_get_expr` prints it (`((status)::text =
/// 'active'::text)` for `status = 'active'`), with parentheses and casts
/// the model never wrote, and that normaliser folds exactly those (and
/// keeps different literals different). What it cannot fold is the
/// server's own spelling: written into the model as the database prints
/// it, a predicate always compares equal, since both sides are then the
/// same text; the index's drop-and-create summary shows that spelling.
/// Expression keys compare the same way, since PostgreSQL prints them
/// back with casts too (`lower((email)::text)`).
fn index_same(a: &Index, b: &Index) -> bool {
    let predicate = |i: &Index| i.predicate.as_deref().map(normalize_check_sql);
    let keys = |ix: &Index| -> Vec<String> {
        (0..ix.columns.len())
            .map(|i| {
                if ix.is_expression(i) {
                    normalize_check_sql(&ix.columns[i])
                } else {
                    ix.columns[i].clone()
                }
            })
            .collect()
    };
    keys(a) == keys(b)
        && a.unique == b.unique
        && a.keys == b.keys
        && a.include == b.include
        && a.method == b.method
        && predicate(a) == predicate(b)
}

fn fk_same(d: Dialect, a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && d.same_action(a.on_delete, b.on_delete)
        && d.same_action(a.on_update, b.on_update)
}

fn columns_differ(d: Dialect, o: &Column, n: &Column) -> bool {
    !d.stores_alike(&o.ty, &n.ty)
        || o.nullable != n.nullable
        || !d.defaults_equal(o.default.as_ref(), n.default.as_ref(), &n.ty)
        || o.auto_increment != n.auto_increment
        || o.comment != n.comment
        || o.collation != n.collation
        || !same_generation(o, n)
        || !d.defaults_equal(
            o.on_update.clone().map(DefaultValue::Sql).as_ref(),
            n.on_update.clone().map(DefaultValue::Sql).as_ref(),
            &n.ty,
        )
}

/// Ops for one table present on both sides (`o` already renamed).
fn diff_table(d: Dialect, o: &Table, n: &Table, phases: &mut Phases, hints: &mut Vec<RenameHint>) {
    let table = n.name.clone();
    // Everything but renames, per phase, so SQLite can fold them into a rebuild.
    let mut renames = Vec::new();
    let mut drop_fks = Vec::new();
    let mut drops = Vec::new();
    let mut columns = Vec::new();
    let mut adds = Vec::new();
    let mut add_fks = Vec::new();

    // Where an auto-increment column must be a key (MySQL), a primary-key
    // change switches auto-increment off before the old key is dropped and
    // on after the new key is added.
    let pk_cols = |t: &Table| t.primary_key.as_ref().map(|p| p.columns.clone());
    let mut o = o.clone();
    let mut late_auto_increment = Vec::new();
    if d.auto_increment_must_be_key() && pk_cols(&o) != pk_cols(n) {
        for c in o.columns.iter_mut().filter(|c| c.auto_increment) {
            let off = Column {
                auto_increment: false,
                ..c.clone()
            };
            drops.push(Op::AlterColumn {
                table: table.clone(),
                old: c.clone(),
                new: off.clone(),
            });
            *c = off;
        }
        late_auto_increment = n
            .columns
            .iter()
            .filter(|c| c.auto_increment && o.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect();
    }
    let o = &o;

    // Columns.
    let mut added_cols = Vec::new();
    let mut altered = Vec::new();
    for nc in &n.columns {
        let mut now = without_column_rename(nc);
        if late_auto_increment.contains(&nc.name) {
            now.auto_increment = false;
        }
        match o.column(&nc.name) {
            Some(oc) if columns_differ(d, oc, &now) => {
                // Same stored type: keep the database's spelling, so the op
                // neither describes nor warns about a type change.
                if d.canonical_type(&oc.ty) == d.canonical_type(&now.ty) {
                    now.ty = oc.ty.clone();
                }
                altered.push(Op::AlterColumn {
                    table: table.clone(),
                    old: oc.clone(),
                    new: now,
                })
            }
            Some(_) => {}
            None => added_cols.push(nc),
        }
    }
    let dropped_cols: Vec<&Column> = o
        .columns
        .iter()
        .filter(|c| n.column(&c.name).is_none())
        .collect();
    let mut hinted = BTreeSet::new();
    for a in &added_cols {
        let ty = d.canonical_type(&a.ty);
        if let Some(dc) = dropped_cols
            .iter()
            .find(|c| !hinted.contains(&c.name) && d.canonical_type(&c.ty) == ty)
        {
            hinted.insert(dc.name.clone());
            hints.push(RenameHint::Column {
                table: table.clone(),
                from: dc.name.clone(),
                to: a.name.clone(),
                field: a.field.clone(),
            });
        }
    }
    // Generated columns go before and come after the other changes (and
    // so the other way round in the down section): MariaDB refuses some
    // in-place changes (NULL to NOT NULL) to a table that holds a stored
    // generated column.
    let add = |c: &&Column| Op::AddColumn {
        table: table.clone(),
        column: without_column_rename(c),
    };
    let drop = |c: &&Column| Op::DropColumn {
        table: table.clone(),
        column: (*c).clone(),
    };
    let (generated_added, plain_added): (Vec<&Column>, Vec<&Column>) =
        added_cols.iter().partition(|c| c.generated.is_some());
    let (generated_dropped, plain_dropped): (Vec<&Column>, Vec<&Column>) =
        dropped_cols.iter().partition(|c| c.generated.is_some());
    columns.extend(generated_dropped.iter().map(drop));
    columns.extend(plain_added.iter().map(add));
    columns.extend(altered);
    columns.extend(generated_added.iter().map(add));
    columns.extend(plain_dropped.iter().map(drop));
    if o.comment != n.comment {
        columns.push(Op::SetTableComment {
            table: table.clone(),
            old: o.comment.clone(),
            new: n.comment.clone(),
        });
    }

    // Primary key: by columns; by name too where the dialect keeps names.
    match (&o.primary_key, &n.primary_key) {
        (Some(a), Some(b)) if a.columns == b.columns => {
            if let (Some(x), Some(y)) = (&a.name, &b.name) {
                if x != y {
                    if d.can_rename_constraint(ConstraintKind::PrimaryKey) {
                        renames.push(Op::RenameConstraint {
                            table: table.clone(),
                            kind: ConstraintKind::PrimaryKey,
                            from: x.clone(),
                            to: y.clone(),
                        });
                    } else {
                        drops.push(Op::DropPrimaryKey {
                            table: table.clone(),
                            pk: a.clone(),
                        });
                        adds.push(Op::AddPrimaryKey {
                            table: table.clone(),
                            pk: b.clone(),
                        });
                    }
                }
            }
        }
        (a, b) => {
            if let Some(a) = a {
                drops.push(Op::DropPrimaryKey {
                    table: table.clone(),
                    pk: a.clone(),
                });
            }
            if let Some(b) = b {
                adds.push(Op::AddPrimaryKey {
                    table: table.clone(),
                    pk: b.clone(),
                });
            }
        }
    }

    for name in &late_auto_increment {
        let on = without_column_rename(n.column(name).expect("listed from n"));
        let off = Column {
            auto_increment: false,
            ..on.clone()
        };
        adds.push(Op::AlterColumn {
            table: table.clone(),
            old: off,
            new: on,
        });
    }

    // Where a change of how a column is generated drops and re-adds the
    // column (PostgreSQL), its indexes and unique constraints go with it:
    // they are dropped first and made again on the new column.
    let regenerated: BTreeSet<&str> = o
        .columns
        .iter()
        .filter(|oc| {
            n.column(&oc.name)
                .is_some_and(|nc| !same_generation(oc, nc) && !d.regenerates_in_place(oc, nc))
        })
        .map(|c| c.name.as_str())
        .collect();
    let untouched = |cols: &[String]| !cols.iter().any(|c| regenerated.contains(c.as_str()));

    // Indexes (renamable everywhere; SQLite renders drop + create).
    let m = match_items(
        &o.indexes,
        &n.indexes,
        |i| Some(&i.name),
        |a, b| index_same(a, b) && untouched(&a.columns) && untouched(&a.include),
    );
    for (a, b) in m.renamed {
        renames.push(Op::RenameIndex {
            table: table.clone(),
            index: a.clone(),
            to: b.name.clone(),
        });
    }
    drops.extend(m.dropped.into_iter().map(|i| Op::DropIndex {
        table: table.clone(),
        index: i.clone(),
    }));
    adds.extend(m.added.into_iter().map(|i| Op::AddIndex {
        table: table.clone(),
        index: i.clone(),
    }));

    // Unique constraints.
    let m = match_items(
        &o.uniques,
        &n.uniques,
        |u| Some(&u.name),
        |a, b| a.columns == b.columns && untouched(&a.columns),
    );
    for (a, b) in m.renamed {
        if d.can_rename_constraint(ConstraintKind::Unique) {
            renames.push(Op::RenameConstraint {
                table: table.clone(),
                kind: ConstraintKind::Unique,
                from: a.name.clone(),
                to: b.name.clone(),
            });
        } else {
            drops.push(Op::DropUnique {
                table: table.clone(),
                unique: a.clone(),
            });
            adds.push(Op::AddUnique {
                table: table.clone(),
                unique: b.clone(),
            });
        }
    }
    drops.extend(m.dropped.into_iter().map(|u| Op::DropUnique {
        table: table.clone(),
        unique: u.clone(),
    }));
    adds.extend(m.added.into_iter().map(|u| Op::AddUnique {
        table: table.clone(),
        unique: u.clone(),
    }));

    // Foreign keys.
    let m = match_items(
        &o.foreign_keys,
        &n.foreign_keys,
        |f| f.name.as_deref(),
        |a, b| fk_same(d, a, b),
    );
    for (a, b) in m.renamed {
        if d.can_rename_constraint(ConstraintKind::ForeignKey) {
            renames.push(Op::RenameConstraint {
                table: table.clone(),
                kind: ConstraintKind::ForeignKey,
                from: a.name.clone().unwrap_or_default(),
                to: b.name.clone().unwrap_or_default(),
            });
        } else {
            drop_fks.push(Op::DropForeignKey {
                table: table.clone(),
                fk: a.clone(),
            });
            add_fks.push(Op::AddForeignKey {
                table: table.clone(),
                fk: b.clone(),
            });
        }
    }
    drop_fks.extend(m.dropped.into_iter().map(|f| Op::DropForeignKey {
        table: table.clone(),
        fk: f.clone(),
    }));
    add_fks.extend(m.added.into_iter().map(|f| Op::AddForeignKey {
        table: table.clone(),
        fk: f.clone(),
    }));

    // Check constraints, by normalised expression.
    let m = match_items(
        &o.checks,
        &n.checks,
        |c| Some(&c.name),
        |a, b| normalize_check_sql(&a.sql) == normalize_check_sql(&b.sql),
    );
    for (a, b) in m.renamed {
        if d.can_rename_constraint(ConstraintKind::Check) {
            renames.push(Op::RenameConstraint {
                table: table.clone(),
                kind: ConstraintKind::Check,
                from: a.name.clone(),
                to: b.name.clone(),
            });
        } else {
            drops.push(Op::DropCheck {
                table: table.clone(),
                check: a.clone(),
            });
            adds.push(Op::AddCheck {
                table: table.clone(),
                check: b.clone(),
            });
        }
    }
    drops.extend(m.dropped.into_iter().map(|c| Op::DropCheck {
        table: table.clone(),
        check: c.clone(),
    }));
    adds.extend(m.added.into_iter().map(|c| Op::AddCheck {
        table: table.clone(),
        check: c.clone(),
    }));

    // The down section runs the inverses against the new table, so an op
    // whose inverse cannot be done in place (on SQLite, dropping a column
    // whose default is an expression: re-adding it needs a rebuild) also
    // makes this a rebuild.
    let in_place = |op: &Op| d.alters_in_place(op, o) && d.alters_in_place(&op.inverse(), n);
    let groups = [&renames, &drop_fks, &drops, &columns, &adds, &add_fks];
    if !groups.iter().all(|ops| ops.iter().all(in_place)) {
        let all: Vec<Op> = groups.iter().flat_map(|ops| ops.iter().cloned()).collect();
        phases.columns.push(Op::RebuildTable {
            old: o.clone(),
            new: keeping_stored_types(o, &without_renamed_from(n), d),
            changes: all,
            // Filled in once the whole diff is known.
            around: Vec::new(),
        });
        return;
    }
    // An index that gives way to another goes only once the new one exists,
    // so a foreign key it serves is never left without one (MySQL refuses
    // to drop it otherwise). Not when a column it covers changes first: the
    // index must be out of the way of that.
    let retyped: BTreeSet<&str> = columns
        .iter()
        .filter_map(|op| match op {
            Op::AlterColumn { old, new, .. } if old.ty != new.ty => Some(old.name.as_str()),
            _ => None,
        })
        .collect();
    let added: BTreeSet<&str> = n.indexes.iter().map(|i| i.name.as_str()).collect();
    let stays = |index: &Index| {
        index
            .columns
            .iter()
            .all(|c| n.column(c).is_some() && !retyped.contains(c.as_str()))
    };
    // Where a foreign key holds on to its index (MySQL), an index
    // redefined under its own name cannot be dropped first either: it is
    // renamed out of the way, the new one is created, and the old one goes
    // last, so the key always has one.
    let serves_fk = |index: &Index| {
        o.foreign_keys
            .iter()
            .any(|fk| index.columns.starts_with(&fk.columns))
    };
    if d.foreign_keys_hold_their_index() {
        for op in &mut drops {
            if let Op::DropIndex { index, .. } = op {
                if added.contains(index.name.as_str()) && stays(index) && serves_fk(index) {
                    let aside = aside_name(&index.name);
                    renames.push(Op::RenameIndex {
                        table: table.clone(),
                        index: index.clone(),
                        to: aside.clone(),
                    });
                    index.name = aside;
                }
            }
        }
    }
    let (late, early): (Vec<Op>, Vec<Op>) = drops.into_iter().partition(|op| match op {
        Op::DropIndex { index, .. } => !added.contains(index.name.as_str()) && stays(index),
        _ => false,
    });
    phases.rename_constraints.extend(renames);
    phases.drop_fks.extend(drop_fks);
    phases.drop_constraints.extend(early);
    phases.columns.extend(columns);
    phases.add_constraints.extend(adds);
    phases.replaced_indexes.extend(late);
    phases.add_fks.extend(add_fks);
}

/// The name an index is renamed to while its replacement is built: within
/// MySQL's 64 characters.
fn aside_name(name: &str) -> String {
    let mut out: String = name.chars().take(58).collect();
    out.push_str("_prev");
    out
}

/// Orders tables so referenced tables come first. Foreign keys that close a
/// cycle are taken out of their table and returned separately (to be added
/// after all tables exist, or dropped before any is dropped), unless the
/// dialect allows forward references (SQLite), which keeps them inline.
fn creation_order(d: Dialect, tables: Vec<Table>) -> (Vec<Table>, Vec<(String, ForeignKey)>) {
    let mut remaining: BTreeMap<String, Table> = tables
        .into_iter()
        .map(|t| (t.name.clone(), without_renamed_from(&t)))
        .collect();
    let mut order: Vec<Table> = Vec::new();
    let mut deferred = Vec::new();
    while !remaining.is_empty() {
        // A table whose referenced tables (in this set) are all placed.
        let ready = remaining
            .values()
            .find(|t| {
                t.foreign_keys
                    .iter()
                    .all(|fk| fk.ref_table == t.name || !remaining.contains_key(&fk.ref_table))
            })
            .map(|t| t.name.clone());
        // In a cycle: take the first table by name and defer its forward refs.
        let name = ready.unwrap_or_else(|| remaining.keys().next().expect("non-empty").clone());
        let mut t = remaining.remove(&name).expect("present");
        if !d.allows_forward_foreign_keys() {
            let (keep, later): (Vec<ForeignKey>, Vec<ForeignKey>) = t
                .foreign_keys
                .into_iter()
                .partition(|fk| fk.ref_table == t.name || !remaining.contains_key(&fk.ref_table));
            t.foreign_keys = keep;
            deferred.extend(later.into_iter().map(|fk| (t.name.clone(), fk)));
        }
        order.push(t);
    }
    (order, deferred)
}
