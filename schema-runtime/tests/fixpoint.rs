//! The fixpoint guarantee on real databases — SQLite always, PostgreSQL and
//! MySQL/MariaDB when their test servers are set — over generated models and
//! generated changes to them (tables with a foreign key to the first one,
//! indexes that serve it):
//!
//! 1. autogenerate (diff empty → A) and upgrade: autogenerate again finds nothing;
//! 2. autogenerate (live → B) and upgrade: autogenerate again finds nothing,
//!    and data in columns the change did not touch survives (table rebuilds
//!    included);
//! 3. downgrade -1: the introspected schema is exactly what it was after 1.
//!
//! SQLite runs 96 cases; each server runs `SCHEMA_FIXPOINT_CASES` (16 by
//! default, one database per case), e.g.
//! `SCHEMA_FIXPOINT_CASES=500 cargo test -p schema-runtime --features postgres,mysql --test fixpoint`.
//! On the servers, values must survive casts, so retyping stays among
//! numbers and strings (whose sample is `7`), and MySQL indexes no `TEXT`
//! or `BLOB` column (it needs a prefix length the model cannot give).

#[cfg(all(feature = "postgres", feature = "mysql"))]
mod server_db;

use std::collections::BTreeSet;

use proptest::prelude::*;
use schema_core::dialect::Dialect;
use schema_core::diff::diff;
use schema_core::migration::MigrationFile;
use schema_core::{
    Column, DefaultValue, ForeignKey, Index, LogicalType, PrimaryKey, ReferentialAction, Schema,
    Table,
};
use schema_runtime::conn::Connection;
use schema_runtime::introspect::{introspect, IntrospectOptions};
use schema_runtime::migrator::Migrator;

const TYPES: &[LogicalType] = &[
    LogicalType::Boolean,
    LogicalType::SmallInt,
    LogicalType::Integer,
    LogicalType::BigInt,
    LogicalType::Real,
    LogicalType::Double,
    LogicalType::Text,
    LogicalType::Varchar(40),
    LogicalType::Blob,
    LogicalType::Date,
    LogicalType::Time,
    LogicalType::Timestamp,
    LogicalType::Uuid,
    LogicalType::Numeric {
        precision: 10,
        scale: 2,
    },
];

/// A literal every column of `ty` accepts on `d` (for rows and defaults).
/// On the servers, numbers and strings all hold `7`, so a retype among
/// them casts the row's value.
fn sample(d: Dialect, ty: &LogicalType) -> (&'static str, DefaultValue) {
    if d != Dialect::Sqlite {
        match ty {
            LogicalType::Boolean => return ("TRUE", DefaultValue::Bool(true)),
            t if castable(t) && matches!(t, LogicalType::Text | LogicalType::Varchar(_)) => {
                return ("'7'", DefaultValue::Str("7".into()))
            }
            t if castable(t) => return ("7", DefaultValue::Int(7)),
            LogicalType::Uuid => {
                return (
                    "'00000000-0000-0000-0000-000000000007'",
                    DefaultValue::Str("00000000-0000-0000-0000-000000000007".into()),
                )
            }
            _ => {}
        }
    }
    match ty {
        LogicalType::Boolean => ("1", DefaultValue::Bool(true)),
        LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt => {
            ("7", DefaultValue::Int(7))
        }
        LogicalType::Real | LogicalType::Double | LogicalType::Numeric { .. } => {
            ("1.5", DefaultValue::Float("1.5".into()))
        }
        LogicalType::Date => ("'2020-01-02'", DefaultValue::Str("2020-01-02".into())),
        LogicalType::Time => ("'10:11:12'", DefaultValue::Str("10:11:12".into())),
        LogicalType::Timestamp => (
            "'2020-01-02 10:11:12'",
            DefaultValue::Sql("CURRENT_TIMESTAMP".into()),
        ),
        _ => ("'v'", DefaultValue::Str("v".into())),
    }
}

fn arb_column(name: String) -> impl Strategy<Value = Column> {
    (0..TYPES.len(), any::<bool>(), any::<bool>()).prop_map(move |(t, nullable, with_default)| {
        let ty = TYPES[t].clone();
        let mut c = Column::new(name.clone(), ty.clone());
        c.nullable = nullable;
        if with_default {
            // Rewritten for the dialect by `schemas`.
            c.default = Some(sample(Dialect::Sqlite, &ty).1);
        }
        c
    })
}

fn arb_table(name: String) -> impl Strategy<Value = Table> {
    let cols = (1usize..5).prop_flat_map(|n| {
        (0..n)
            .map(|i| arb_column(format!("c{i}")))
            .collect::<Vec<_>>()
    });
    (cols, any::<bool>(), any::<bool>()).prop_map(move |(cols, index, unique)| {
        let mut id = Column::new("id", LogicalType::BigInt);
        id.auto_increment = true;
        let mut columns = vec![id];
        columns.extend(cols);
        let first = columns[1].name.clone();
        let mut t = Table {
            name: name.clone(),
            columns,
            primary_key: Some(PrimaryKey {
                name: Some(format!("pk_{name}")),
                columns: vec!["id".into()],
            }),
            ..Table::default()
        };
        if index || unique {
            t.indexes.push(Index {
                name: format!("ix_{name}_{first}"),
                columns: vec![first],
                unique: unique && !index,
            });
        }
        t
    })
}

fn arb_schema() -> impl Strategy<Value = Schema> {
    (1usize..4).prop_flat_map(|n| {
        (0..n)
            .map(|i| arb_table(format!("t{i}")))
            .collect::<Vec<_>>()
            .prop_map(Schema::new)
    })
}

/// One change to a model.
#[derive(Debug, Clone)]
enum Change {
    AddNullable(usize),
    AddWithDefault(usize),
    Drop(usize),
    Retype(usize, usize),
    MakeNotNullWithDefault(usize),
    MakeNullable(usize),
    Redefault(usize),
    Rename(usize),
    ToggleIndex,
    WidenForeignKeyIndex,
}

fn arb_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        any::<usize>().prop_map(Change::AddNullable),
        any::<usize>().prop_map(Change::AddWithDefault),
        any::<usize>().prop_map(Change::Drop),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Change::Retype(a, b)),
        any::<usize>().prop_map(Change::MakeNotNullWithDefault),
        any::<usize>().prop_map(Change::MakeNullable),
        any::<usize>().prop_map(Change::Redefault),
        any::<usize>().prop_map(Change::Rename),
        Just(Change::ToggleIndex),
        Just(Change::WidenForeignKeyIndex),
    ]
}

/// Numbers and strings: on the servers, the types a retype moves between.
fn castable(ty: &LogicalType) -> bool {
    matches!(
        ty,
        LogicalType::SmallInt
            | LogicalType::Integer
            | LogicalType::BigInt
            | LogicalType::Real
            | LogicalType::Double
            | LogicalType::Numeric { .. }
            | LogicalType::Text
            | LogicalType::Varchar(_)
    )
}

/// Whether a plain index on a column of `ty` works on `d` (MySQL needs a
/// prefix length for `TEXT` and `BLOB`).
fn indexable(d: Dialect, ty: &LogicalType) -> bool {
    d != Dialect::Mysql || !matches!(ty, LogicalType::Text | LogicalType::Blob)
}

/// `s` as `d` can hold it: no index on a column it cannot index.
fn fit(d: Dialect, mut s: Schema) -> Schema {
    for t in &mut s.tables {
        let cols = t.columns.clone();
        t.indexes.retain(|ix| {
            ix.columns.iter().all(|c| {
                cols.iter()
                    .any(|col| &col.name == c && indexable(d, &col.ty))
            })
        });
    }
    s
}

/// Tables after the first get a `ref_t0` column with a foreign key to
/// `t0`, and half of them an index on it of their own (otherwise MySQL's
/// implicit one is declared for them).
fn with_foreign_keys(mut s: Schema, indexed: &[bool]) -> Schema {
    for (i, t) in s.tables.iter_mut().enumerate().skip(1) {
        let mut c = Column::new("ref_t0", LogicalType::BigInt);
        c.nullable = true;
        t.columns.push(c);
        t.foreign_keys.push(ForeignKey {
            name: Some(format!("fk_{}_ref_t0_t0", t.name)),
            columns: vec!["ref_t0".into()],
            ref_table: "t0".into(),
            ref_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        });
        if indexed.get(i).copied().unwrap_or(false) {
            t.indexes.push(Index {
                name: format!("ix_{}_ref_t0", t.name),
                columns: vec!["ref_t0".into()],
                unique: false,
            });
        }
    }
    s
}

/// Applies `changes` to table `which` of `a`, for dialect `d`.
fn mutate(d: Dialect, a: &Schema, which: usize, changes: &[Change]) -> Schema {
    let mut b = a.clone();
    let n = b.tables.len();
    let t = &mut b.tables[which % n];
    let mut added = 0;
    for ch in changes {
        // Column 0 is the key; changes pick among the others.
        let others = t
            .columns
            .iter()
            .filter(|c| c.name.starts_with(['c', 'n']))
            .count();
        let choices: Vec<usize> = (0..t.columns.len())
            .filter(|&i| t.columns[i].name.starts_with(['c', 'n']))
            .collect();
        let pick = |i: &usize| choices[i % choices.len().max(1)];
        let indexed: BTreeSet<String> = t
            .indexes
            .iter()
            .flat_map(|i| i.columns.clone())
            .chain(t.foreign_keys.iter().flat_map(|f| f.columns.clone()))
            .collect();
        match ch {
            Change::AddNullable(ty) => {
                let mut c = Column::new(format!("n{added}"), TYPES[ty % TYPES.len()].clone());
                c.nullable = true;
                t.columns.push(c);
                added += 1;
            }
            Change::AddWithDefault(ty) => {
                let ty = TYPES[ty % TYPES.len()].clone();
                let mut c = Column::new(format!("n{added}"), ty.clone());
                c.default = Some(sample(d, &ty).1);
                t.columns.push(c);
                added += 1;
            }
            Change::Drop(i) if others > 1 => {
                let i = pick(i);
                let c = &t.columns[i];
                // The down section re-adds a dropped column; a NOT NULL one
                // without a default cannot come back into a table with rows
                // (its migration says so in a WARNING), so only droppable
                // columns whose inverse can run are generated here.
                let before = a.tables[which % n].column(&c.name).unwrap_or(c);
                let restorable = before.nullable || before.default.is_some();
                if restorable && !indexed.contains(&c.name) {
                    t.columns.remove(i);
                }
            }
            Change::Retype(i, ty) if others > 0 => {
                let new = TYPES[ty % TYPES.len()].clone();
                let c = &mut t.columns[pick(i)];
                let casts = d == Dialect::Sqlite || (castable(&c.ty) && castable(&new));
                if casts && (!indexed.contains(&c.name) || indexable(d, &new)) {
                    c.ty = new;
                    c.default = c.default.as_ref().map(|_| sample(d, &c.ty).1);
                }
            }
            Change::MakeNotNullWithDefault(i) if others > 0 => {
                let c = &mut t.columns[pick(i)];
                c.nullable = false;
                c.default = Some(sample(d, &c.ty).1);
            }
            Change::MakeNullable(i) if others > 0 => t.columns[pick(i)].nullable = true,
            Change::Redefault(i) if others > 0 => {
                let c = &mut t.columns[pick(i)];
                // A new NOT NULL column needs its default: the table has rows.
                if c.name.starts_with('n') && !c.nullable {
                    continue;
                }
                c.default = match c.default {
                    Some(_) => None,
                    None => Some(sample(d, &c.ty).1),
                };
            }
            Change::Rename(i) if others > 0 => {
                let i = pick(i);
                let old = t.columns[i].name.clone();
                if !indexed.contains(&old) && t.columns[i].renamed_from.is_none() {
                    let new = format!("{old}_renamed");
                    t.columns[i].renamed_from = Some(old);
                    t.columns[i].name = new;
                }
            }
            Change::ToggleIndex => {
                if t.indexes.is_empty() {
                    let first = &t.columns[1];
                    if indexable(d, &first.ty) {
                        t.indexes.push(Index {
                            name: format!("ix_{}_{}", t.name, first.name),
                            columns: vec![first.name.clone()],
                            unique: false,
                        });
                    }
                } else {
                    t.indexes.clear();
                }
            }
            Change::WidenForeignKeyIndex => {
                // The foreign key's own index gives way to a composite one
                // that still serves it (MySQL must never be left without).
                let second = t.columns[1].clone();
                let name = format!("ix_{}_ref_t0_{}", t.name, second.name);
                let exists = t.indexes.iter().any(|ix| ix.name == name);
                if t.column("ref_t0").is_some() && indexable(d, &second.ty) && !exists {
                    t.indexes.retain(|ix| ix.columns != ["ref_t0"]);
                    t.indexes.push(Index {
                        name,
                        columns: vec!["ref_t0".into(), second.name],
                        unique: false,
                    });
                }
            }
            _ => {}
        }
    }
    b
}

fn migration(rev: &str, down: Option<&str>, up: &str, down_sql: &str) -> String {
    MigrationFile {
        revision: rev.to_string(),
        down_revisions: down.map(|d| vec![d.to_string()]).unwrap_or_default(),
        message: format!("step {rev}"),
        up: up.trim().to_string(),
        down: down_sql.trim().to_string(),
        ..MigrationFile::default()
    }
    .render()
}

fn read(url: &str) -> Schema {
    let mut conn = Connection::establish(url).expect("connect");
    introspect(&mut conn, &IntrospectOptions::default()).expect("introspect")
}

fn by_column_name(mut s: Schema) -> Schema {
    for t in &mut s.tables {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

fn show_ops(ops: &[schema_core::ops::Op]) -> Vec<String> {
    ops.iter().map(|o| o.describe()).collect()
}

/// Inserts one row into every table, with a value in every column (the
/// foreign key points at `t0`'s first row).
fn insert_rows(d: Dialect, url: &str, schema: &Schema) {
    let mut conn = Connection::establish(url).expect("connect");
    for t in &schema.tables {
        let cols: Vec<&Column> = t.columns.iter().filter(|c| !c.auto_increment).collect();
        let names: Vec<String> = cols.iter().map(|c| d.quote_ident(&c.name)).collect();
        let values: Vec<String> = cols
            .iter()
            .map(|c| match c.name.as_str() {
                "ref_t0" => format!("(SELECT MIN(id) FROM {})", d.quote_ident("t0")),
                _ => sample(d, &c.ty).0.to_string(),
            })
            .collect();
        conn.execute(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            d.quote_ident(&t.name),
            names.join(", "),
            values.join(", ")
        ))
        .expect("insert");
    }
}

/// One column's value in the first row, as text.
fn value(d: Dialect, url: &str, table: &str, column: &str, blob: bool) -> String {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct V {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        v: Option<String>,
    }
    let text = match d {
        Dialect::Postgres => "TEXT",
        Dialect::Mysql => "CHAR",
        _ => "TEXT",
    };
    // A `bytea` reads back as its bytes, not as hex.
    let expr = match (d, blob) {
        (Dialect::Postgres, true) => format!("convert_from({}, 'UTF8')", d.quote_ident(column)),
        _ => format!("CAST({} AS {text})", d.quote_ident(column)),
    };
    let sql = format!(
        "SELECT {expr} AS v FROM {} ORDER BY id LIMIT 1",
        d.quote_ident(table)
    );
    let mut conn = Connection::establish(url).expect("connect");
    let rows: Vec<V> = match conn.backend() {
        schema_runtime::Backend::Sqlite => conn.with_sqlite(|c| diesel::sql_query(&sql).load(c)),
        #[cfg(feature = "postgres")]
        schema_runtime::Backend::Postgres => conn.with_pg(|c| diesel::sql_query(&sql).load(c)),
        #[cfg(feature = "mysql")]
        schema_runtime::Backend::Mysql => conn.with_mysql(|c| diesel::sql_query(&sql).load(c)),
        #[allow(unreachable_patterns)]
        other => panic!("{other:?} is not compiled in"),
    }
    .expect("backend compiled")
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter()
        .next()
        .and_then(|r| r.v)
        .unwrap_or_default()
}

/// Whether a value read back is the sample written: as numbers where both
/// are (`1.50` is `1.5`), booleans in any spelling.
fn same_value(got: &str, expected: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().trim_matches('\'').to_ascii_lowercase();
        match s.as_str() {
            "true" | "t" => "1".to_string(),
            "false" | "f" => "0".to_string(),
            _ => s,
        }
    };
    // `10:11:12.000000` is `10:11:12` (a `TIME(6)`/`DATETIME(6)` column).
    let whole = |s: String| match s.rsplit_once('.') {
        Some((head, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => {
            head.to_string()
        }
        _ => s,
    };
    let (g, e) = (norm(got), norm(expected));
    match (g.parse::<f64>(), e.parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => whole(g) == whole(e),
    }
}

fn cycle(d: Dialect, url: &str, a: Schema, b: Schema) {
    let ops1 = diff(&Schema::default(), &a, d);
    let r1 = d.render_migration(&ops1);
    let m1 = migration("aaaaaaaaaaa1", None, &r1.up, &r1.down);
    Migrator::from_texts([("1.sql".to_string(), m1.as_str())])
        .upgrade(url)
        .unwrap_or_else(|e| panic!("{e}\n{}", r1.up));
    let after_a = read(url);
    let again = diff(&after_a, &a, d);
    assert!(
        again.is_empty(),
        "not a fixpoint after A on {d:?}: {:?}\n{}",
        show_ops(&again),
        r1.up
    );
    insert_rows(d, url, &a);

    let ops2 = diff(&after_a, &b, d);
    let r2 = d.render_migration(&ops2);
    let m2 = migration("aaaaaaaaaaa2", Some("aaaaaaaaaaa1"), &r2.up, &r2.down);
    let files = [
        ("1.sql".to_string(), m1.as_str()),
        ("2.sql".to_string(), m2.as_str()),
    ];
    Migrator::from_texts(files.clone())
        .upgrade(url)
        .unwrap_or_else(|e| panic!("{e}\n{}", r2.up));
    let after_b = read(url);
    let again = diff(&after_b, &b, d);
    assert!(
        again.is_empty(),
        "not a fixpoint after B on {d:?}: {:?}\n{}",
        show_ops(&again),
        r2.up
    );

    // Columns the change left alone (or only renamed) keep their data.
    for ta in &a.tables {
        let tb = b.table(&ta.name).expect("tables are not dropped");
        for ca in ta
            .columns
            .iter()
            .filter(|c| !c.auto_increment && c.name != "ref_t0")
        {
            let kept = tb.columns.iter().find(|cb| {
                let same_name = cb.name == ca.name || cb.renamed_from.as_deref() == Some(&ca.name);
                same_name && cb.ty == ca.ty
            });
            if let Some(cb) = kept {
                let expected = sample(d, &ca.ty).0;
                let got = value(d, url, &ta.name, &cb.name, ca.ty == LogicalType::Blob);
                assert!(
                    same_value(&got, expected),
                    "{}.{} lost its value on {d:?}: {got} (expected {expected})\n{}",
                    ta.name,
                    cb.name,
                    r2.up
                );
            }
        }
    }

    Migrator::from_texts(files)
        .downgrade(url, "-1")
        .unwrap_or_else(|e| panic!("{e}\n{}", r2.down));
    // A dropped column comes back at the end of the table (as with Alembic,
    // and as PostgreSQL and MySQL would do it too): position is the one
    // thing a down section does not restore.
    assert_eq!(
        by_column_name(read(url)),
        by_column_name(after_a),
        "downgrade did not restore the schema on {d:?}\n{}",
        r2.down
    );
}

/// A case on SQLite, in a fresh file.
fn sqlite_case(a: Schema, b: Schema) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    cycle(Dialect::Sqlite, &url, a, b);
}

/// A case on a server, in a fresh database.
#[cfg(all(feature = "postgres", feature = "mysql"))]
fn server_case(server: server_db::Server, a: Schema, b: Schema) {
    let Some(db) = server_db::TestDb::create(server) else {
        return;
    };
    let d = match server {
        server_db::Server::Postgres => Dialect::Postgres,
        server_db::Server::Mysql => Dialect::Mysql,
    };
    cycle(d, &db.url, a, b);
}

/// How many cases each server runs.
#[cfg(all(feature = "postgres", feature = "mysql"))]
fn server_cases() -> u32 {
    std::env::var("SCHEMA_FIXPOINT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// Models, which tables index their foreign key, table, changes.
fn arb_case() -> impl Strategy<Value = (Schema, Vec<bool>, usize, Vec<Change>)> {
    (
        arb_schema(),
        proptest::collection::vec(any::<bool>(), 4),
        any::<usize>(),
        proptest::collection::vec(arb_change(), 1..4),
    )
}

/// Schemas A and B of a generated case on `d`.
fn schemas(
    d: Dialect,
    a: Schema,
    fk_indexed: &[bool],
    which: usize,
    changes: &[Change],
) -> (Schema, Schema) {
    let mut a = fit(d, with_foreign_keys(a, fk_indexed));
    for c in a.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
        if c.default.is_some() {
            c.default = Some(sample(d, &c.ty).1);
        }
    }
    let b = fit(d, mutate(d, &a, which, changes));
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn on_sqlite_autogenerate_upgrade_autogenerate_finds_nothing(
        (a, fk, which, changes) in arb_case(),
    ) {
        let (a, b) = schemas(Dialect::Sqlite, a, &fk, which, &changes);
        sqlite_case(a, b);
    }
}

#[cfg(all(feature = "postgres", feature = "mysql"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(server_cases()))]

    #[test]
    fn on_postgres_autogenerate_upgrade_autogenerate_finds_nothing(
        (a, fk, which, changes) in arb_case(),
    ) {
        let (a, b) = schemas(Dialect::Postgres, a, &fk, which, &changes);
        server_case(server_db::Server::Postgres, a, b);
    }

    #[test]
    fn on_mysql_autogenerate_upgrade_autogenerate_finds_nothing(
        (a, fk, which, changes) in arb_case(),
    ) {
        let (a, b) = schemas(Dialect::Mysql, a, &fk, which, &changes);
        server_case(server_db::Server::Mysql, a, b);
    }
}
