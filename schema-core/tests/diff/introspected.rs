//! The fixpoint contract with introspection: a model schema compared with
//! the way each database reports the same schema back (its own type
//! spellings, default spellings, names it does not keep) has no diff.

use schema_core::dialect::Dialect;
use schema_core::diff::diff;
use schema_core::{
    Column, DefaultValue, ForeignKey, Index, LogicalType as T, PrimaryKey, ReferentialAction as RA,
    Schema, Table, UniqueConstraint,
};

fn col(name: &str, ty: T, nullable: bool, default: Option<DefaultValue>) -> Column {
    Column {
        nullable,
        default,
        ..Column::new(name, ty)
    }
}

fn model() -> Schema {
    let mut id = Column::new("id", T::BigInt);
    id.auto_increment = true;
    let users = Table {
        name: "users".into(),
        columns: vec![
            id,
            col("email", T::Varchar(255), false, None),
            col("active", T::Boolean, false, Some(DefaultValue::Bool(true))),
            col(
                "created_at",
                T::Timestamp,
                false,
                Some(DefaultValue::Sql("CURRENT_TIMESTAMP".into())),
            ),
            col("last_seen", T::TimestampTz, true, None),
            col(
                "balance",
                T::Numeric {
                    precision: 10,
                    scale: 2,
                },
                false,
                Some(DefaultValue::Float("0.0".into())),
            ),
            col("token", T::Uuid, true, None),
            col("prefs", T::Json, true, None),
            col(
                "nick",
                T::Varchar(40),
                false,
                Some(DefaultValue::Str("anon".into())),
            ),
            col("org_id", T::BigInt, false, None),
        ],
        primary_key: Some(PrimaryKey {
            name: Some("pk_users".into()),
            columns: vec!["id".into()],
        }),
        uniques: vec![UniqueConstraint {
            name: "uq_users_email".into(),
            columns: vec!["email".into()],
        }],
        foreign_keys: vec![ForeignKey {
            name: Some("fk_users_org_id_orgs".into()),
            columns: vec!["org_id".into()],
            ref_table: "orgs".into(),
            ref_columns: vec!["id".into()],
            on_delete: RA::Cascade,
            on_update: RA::NoAction,
        }],
        checks: vec![schema_core::Check {
            name: "ck_users_balance".into(),
            sql: "balance >= 0".into(),
        }],
        ..Table::default()
    };
    let mut org_id = Column::new("id", T::BigInt);
    org_id.auto_increment = true;
    let orgs = Table {
        name: "orgs".into(),
        columns: vec![org_id],
        primary_key: Some(PrimaryKey {
            name: Some("pk_orgs".into()),
            columns: vec!["id".into()],
        }),
        ..Table::default()
    };
    Schema::new(vec![users, orgs])
}

/// Builds the schema as a database reports it: `types` are the declared
/// spellings, `defaults` raw SQL, in the column order of `model()`.
fn reported(
    d: Dialect,
    types: [&str; 10],
    defaults: [Option<&str>; 10],
    pk_name: Option<&str>,
) -> Schema {
    let mut s = model();
    let users = s
        .tables
        .iter_mut()
        .find(|t| t.name == "users")
        .expect("users");
    for ((c, ty), def) in users.columns.iter_mut().zip(types).zip(defaults) {
        c.ty = d.parse_type(ty);
        c.default = def.map(|s| DefaultValue::Sql(s.into()));
    }
    for t in &mut s.tables {
        t.primary_key.as_mut().expect("pk").name = pk_name.map(|_| format!("pk_{}", t.name));
        if d == Dialect::Sqlite {
            t.columns[0].ty = T::Integer;
            t.foreign_keys.iter_mut().for_each(|f| f.name = None);
        }
        if d != Dialect::Postgres {
            for u in std::mem::take(&mut t.uniques) {
                t.indexes.push(Index {
                    name: u.name,
                    columns: u.columns,
                    unique: true,
                    ..Default::default()
                });
            }
        }
    }
    s
}

#[test]
fn sqlite_reports_the_model_back() {
    let d = Dialect::Sqlite;
    let types = [
        "INTEGER",
        "VARCHAR(255)",
        "BOOLEAN",
        "TIMESTAMP",
        "TIMESTAMP",
        "NUMERIC(10,2)",
        "CHAR(36)",
        "TEXT",
        "VARCHAR(40)",
        "BIGINT",
    ];
    let defaults = [
        None,
        None,
        Some("1"),
        Some("CURRENT_TIMESTAMP"),
        None,
        Some("0.0"),
        None,
        None,
        Some("'anon'"),
        None,
    ];
    let db = reported(d, types, defaults, None);
    assert_eq!(diff(&db, &model(), d), vec![]);
}

#[test]
fn postgres_reports_the_model_back() {
    let d = Dialect::Postgres;
    let types = [
        "bigint",
        "character varying(255)",
        "boolean",
        "timestamp without time zone",
        "timestamp with time zone",
        "numeric(10,2)",
        "uuid",
        "jsonb",
        "character varying(40)",
        "int8",
    ];
    let defaults = [
        None,
        None,
        Some("true"),
        Some("now()"),
        None,
        Some("0.0"),
        None,
        None,
        Some("'anon'::character varying"),
        None,
    ];
    let mut db = reported(d, types, defaults, Some("pk"));
    // pg_get_constraintdef spelling.
    db.tables.iter_mut().for_each(|t| {
        t.checks
            .iter_mut()
            .for_each(|c| c.sql = "((balance >= (0)::numeric))".into())
    });
    assert_eq!(diff(&db, &model(), d), vec![]);
}

#[test]
fn mysql_reports_the_model_back() {
    let d = Dialect::Mysql;
    let types = [
        "bigint(20)",
        "varchar(255)",
        "tinyint(1)",
        "datetime(6)",
        "datetime(6)",
        "decimal(10,2)",
        "char(36)",
        "json",
        "varchar(40)",
        "bigint",
    ];
    let defaults = [
        None,
        None,
        Some("'1'"),
        Some("current_timestamp(6)"),
        None,
        Some("'0.00'"),
        None,
        None,
        Some("'anon'"),
        None,
    ];
    let mut db = reported(d, types, defaults, None);
    // The index MySQL needs for the foreign key.
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name == "users")
        .expect("users");
    // InnoDB reports an unspecified action as RESTRICT.
    users.foreign_keys[0].on_update = RA::Restrict;
    users.indexes.push(Index {
        name: "ix_users_org_id".into(),
        columns: vec!["org_id".into()],
        unique: false,
        ..Default::default()
    });
    assert_eq!(diff(&db, &model(), d), vec![]);
}

#[test]
fn a_real_change_is_still_seen() {
    for d in Dialect::ALL {
        let mut changed = model();
        changed.tables[1].columns[1].ty = T::Varchar(100);
        let ops = diff(&d.normalize_schema(&model()), &changed, d);
        assert_eq!(ops.len(), 1, "{d:?}: {ops:#?}");
    }
}

#[test]
fn sqlite_foreign_unique_constraint_is_rebuilt_away() {
    // A UNIQUE written inside CREATE TABLE by another tool: SQLite names its
    // index sqlite_autoindex_<table>_<n>, which DROP INDEX refuses.
    let d = Dialect::Sqlite;
    let mut db = d.normalize_schema(&model());
    let users = db
        .tables
        .iter_mut()
        .find(|t| t.name == "users")
        .expect("users");
    users.indexes.retain(|i| i.name != "uq_users_email");
    users.uniques.push(UniqueConstraint {
        name: "sqlite_autoindex_users_1".into(),
        columns: vec!["email".into()],
    });
    let ops = diff(&db, &model(), d);
    assert_eq!(ops.len(), 1, "{ops:#?}");
    let schema_core::ops::Op::RebuildTable { changes, .. } = &ops[0] else {
        panic!("expected a rebuild, got {ops:#?}")
    };
    assert!(changes
        .iter()
        .any(|c| matches!(c, schema_core::ops::Op::DropUnique { .. })));
    assert!(changes
        .iter()
        .any(|c| matches!(c, schema_core::ops::Op::AddIndex { .. })));
}
