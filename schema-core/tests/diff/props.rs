//! Property tests over random schemas, on every dialect:
//! - `diff(s, s)` is empty;
//! - applying `diff(a, b)` to `a` leaves nothing to diff against `b`
//!   (the fixpoint), and applying the inverses restores `a`;
//! - every operation's inverse is an involution.

use proptest::prelude::*;
use schema_core::dialect::Dialect;
use schema_core::diff::diff;
use schema_core::naming;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, LogicalType, PrimaryKey, ReferentialAction,
    Schema, Table,
};

use crate::apply::{apply_all, inverse_all, same_schema};

fn logical_type() -> impl Strategy<Value = LogicalType> {
    prop_oneof![
        Just(LogicalType::Boolean),
        Just(LogicalType::Integer),
        Just(LogicalType::BigInt),
        Just(LogicalType::Double),
        Just(LogicalType::Text),
        (1u32..300).prop_map(LogicalType::Varchar),
        Just(LogicalType::Timestamp),
        Just(LogicalType::TimestampTz),
        Just(LogicalType::Uuid),
        Just(LogicalType::Json),
        (5u32..20, 0u32..5).prop_map(|(p, s)| LogicalType::Numeric {
            precision: p,
            scale: s
        }),
    ]
}

fn default_for(ty: &LogicalType, pick: u8) -> Option<DefaultValue> {
    if pick % 3 != 0 {
        return None;
    }
    Some(match ty {
        LogicalType::Boolean => DefaultValue::Bool(pick % 2 == 0),
        LogicalType::Integer | LogicalType::BigInt => DefaultValue::Int(i64::from(pick) - 100),
        LogicalType::Double | LogicalType::Numeric { .. } => {
            DefaultValue::Float(format!("{}.5", pick))
        }
        LogicalType::Timestamp | LogicalType::TimestampTz => {
            DefaultValue::Sql("CURRENT_TIMESTAMP".into())
        }
        LogicalType::Text | LogicalType::Varchar(_) => DefaultValue::Str(format!("v{pick}")),
        _ => return None,
    })
}

/// Raw material for one table; names and references are fixed up later.
#[derive(Debug, Clone)]
struct RawTable {
    columns: Vec<(LogicalType, bool, u8)>,
    indexes: Vec<(Vec<usize>, bool)>,
    fk: Option<(usize, u8, bool)>,
    check: bool,
    comment: bool,
}

fn raw_table() -> impl Strategy<Value = RawTable> {
    (
        prop::collection::vec((logical_type(), any::<bool>(), any::<u8>()), 0..5),
        prop::collection::vec(
            (prop::collection::vec(0usize..5, 1..3), any::<bool>()),
            0..3,
        ),
        prop::option::of((0usize..4, any::<u8>(), any::<bool>())),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(columns, indexes, fk, check, comment)| RawTable {
            columns,
            indexes,
            fk,
            check,
            comment,
        })
}

const TABLES: [&str; 4] = ["alpha", "beta", "gamma", "delta"];

fn build(raw: Vec<(bool, RawTable)>) -> Schema {
    let names: Vec<&str> = TABLES
        .iter()
        .zip(&raw)
        .filter(|(_, (keep, _))| *keep)
        .map(|(n, _)| *n)
        .collect();
    let mut tables = Vec::new();
    for (name, (_, r)) in TABLES.iter().zip(raw.iter()).filter(|(_, (keep, _))| *keep) {
        let mut id = Column::new("id", LogicalType::BigInt);
        id.auto_increment = true;
        let mut t = Table {
            name: name.to_string(),
            columns: vec![id],
            primary_key: Some(PrimaryKey {
                name: Some(naming::primary_key(name)),
                columns: vec!["id".into()],
            }),
            comment: r.comment.then(|| format!("table {name}")),
            ..Table::default()
        };
        for (i, (ty, nullable, pick)) in r.columns.iter().enumerate() {
            let mut c = Column::new(format!("c{i}"), ty.clone());
            c.nullable = *nullable;
            c.default = default_for(ty, *pick);
            c.comment = (pick % 7 == 0).then(|| format!("column {i}"));
            t.columns.push(c);
        }
        let data_cols = t.columns.len() - 1;
        if data_cols > 0 {
            for (cols, unique) in &r.indexes {
                let mut picked: Vec<String> = Vec::new();
                for c in cols {
                    let n = format!("c{}", c % data_cols);
                    if !picked.contains(&n) {
                        picked.push(n);
                    }
                }
                if *unique && cols[0] % 2 == 1 {
                    let name = naming::unique(&t.name, &picked);
                    if !t.uniques.iter().any(|u| u.name == name) {
                        t.uniques.push(schema_core::UniqueConstraint {
                            name,
                            columns: picked,
                        });
                    }
                    continue;
                }
                let name = naming::index(&t.name, &picked);
                if !t.indexes.iter().any(|ix| ix.name == name) {
                    t.indexes.push(Index {
                        name,
                        columns: picked,
                        unique: *unique,
                        ..Default::default()
                    });
                }
            }
            if r.check {
                t.checks.push(Check {
                    name: naming::check(&t.name, "c0"),
                    sql: "c0 IS NOT NULL OR id > 0".into(),
                });
            }
        }
        if let Some((target, pick, cascade)) = r.fk {
            let ref_table = names[target % names.len()];
            t.columns.push(Column {
                nullable: true,
                ..Column::new("ref_id", LogicalType::BigInt)
            });
            t.foreign_keys.push(ForeignKey {
                name: Some(naming::foreign_key(&t.name, "ref_id", ref_table)),
                columns: vec!["ref_id".into()],
                ref_table: ref_table.into(),
                ref_columns: vec!["id".into()],
                on_delete: if cascade {
                    ReferentialAction::Cascade
                } else {
                    ReferentialAction::NoAction
                },
                on_update: if pick % 2 == 0 {
                    ReferentialAction::NoAction
                } else {
                    ReferentialAction::Restrict
                },
            });
        }
        tables.push(t);
    }
    Schema::new(tables)
}

fn schema() -> impl Strategy<Value = Schema> {
    prop::collection::vec((any::<bool>(), raw_table()), 4).prop_map(build)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn diff_with_itself_is_empty(s in schema()) {
        for d in Dialect::ALL {
            let ops = diff(&s, &s, d);
            prop_assert!(ops.is_empty(), "{:?}: {:#?}", d, ops);
            // And against what introspection would report.
            let db = d.normalize_schema(&s);
            prop_assert!(diff(&db, &s, d).is_empty());
        }
    }

    #[test]
    fn applying_the_diff_reaches_a_fixpoint_and_inverts(a in schema(), b in schema()) {
        for d in Dialect::ALL {
            let db = d.normalize_schema(&a);
            let ops = diff(&db, &b, d);
            let applied = apply_all(&db, &ops);
            let again = diff(&applied, &b, d);
            prop_assert!(again.is_empty(), "{:?} not a fixpoint: {:#?}\nops: {:#?}", d, again, ops);
            if let Err(e) = same_schema(d, &applied, &b) {
                prop_assert!(false, "{:?}: applying the diff does not give b: {}\nops: {:#?}", d, e, ops);
            }
            let reverted = apply_all(&applied, &inverse_all(&ops));
            let back = diff(&reverted, &a, d);
            prop_assert!(back.is_empty(), "{:?} down does not restore: {:#?}", d, back);
            if let Err(e) = same_schema(d, &reverted, &a) {
                prop_assert!(false, "{:?}: the inverse does not restore a: {}", d, e);
            }
            for op in &ops {
                prop_assert_eq!(&op.inverse().inverse(), op);
            }
            // Rendering never fails and puts one WARNING line per warning.
            let r = d.render_migration(&ops);
            prop_assert_eq!(r.up.matches("-- WARNING: ").count(), r.warnings.len());
            prop_assert!(!r.up.contains("-- ERROR"), "{}", r.up);
            prop_assert!(!r.down.contains("-- ERROR"), "{}", r.down);
        }
    }

    #[test]
    fn diff_of_swapped_schemas_mirrors_the_inverse(a in schema(), b in schema()) {
        // The down migration of a -> b leads to a, as does diff(b, a): both
        // reach the same schema from b.
        for d in Dialect::ALL {
            let ops_ab = diff(&d.normalize_schema(&a), &b, d);
            let at_b = apply_all(&d.normalize_schema(&a), &ops_ab);
            let via_inverse = apply_all(&at_b, &inverse_all(&ops_ab));
            let via_diff = apply_all(&at_b, &diff(&at_b, &a, d));
            prop_assert!(diff(&via_inverse, &via_diff, d).is_empty());
            prop_assert!(diff(&via_diff, &via_inverse, d).is_empty());
            if let Err(e) = same_schema(d, &via_inverse, &via_diff) {
                prop_assert!(false, "{:?}: {}", d, e);
            }
        }
    }
}
