//! SQLite introspection of hand-written DDL, and round trips through the
//! SQLite renderer.

use schema_core::dialect::Dialect;
use schema_core::{
    Check, DefaultValue, ForeignKey, Index, KeyOptions, LogicalType, PrimaryKey, ReferentialAction,
    Schema, Table, UniqueConstraint,
};
mod support;

use schema_runtime::{introspect, Connection, IntrospectOptions, Migrator};
use support::model;

fn mem(ddl: &str) -> Connection {
    let mut c = Connection::establish("sqlite::memory:").unwrap();
    c.execute(ddl).unwrap();
    c
}

const DDL: &str = r#"
CREATE TABLE orgs (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(100) NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "users" (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    balance NUMERIC(10,2),
    nickname TEXT DEFAULT 'it''s',
    manager_id INTEGER,
    CONSTRAINT ck_users_positive CHECK (balance >= 0),
    FOREIGN KEY (manager_id) REFERENCES users ON UPDATE SET NULL
);
CREATE UNIQUE INDEX uq_users_email ON users (email);
CREATE INDEX ix_users_org_id_email ON users (org_id, email);
CREATE INDEX ix_expr ON users (lower(email));
CREATE TABLE memberships (
    user_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('a', 'b')),
    PRIMARY KEY (org_id, user_id)
);
CREATE TABLE schema_revisions (revision TEXT PRIMARY KEY);
CREATE TABLE legacy_stuff (x INTEGER);
"#;

#[test]
fn hand_written_ddl() {
    let mut c = mem(DDL);
    let s = introspect(
        &mut c,
        &IntrospectOptions {
            ignore_tables: vec!["legacy_*".into()],
            ..IntrospectOptions::default()
        },
    )
    .unwrap();
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["memberships", "orgs", "users"]);

    let orgs = s.table("orgs").unwrap();
    let id = orgs.column("id").unwrap();
    assert!(id.auto_increment && !id.nullable);
    assert_eq!(id.ty, LogicalType::Integer);
    assert_eq!(orgs.column("name").unwrap().ty, LogicalType::Varchar(100));
    assert_eq!(
        orgs.column("created_at").unwrap().default,
        Some(DefaultValue::Sql("CURRENT_TIMESTAMP".into()))
    );
    assert_eq!(
        orgs.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()]
        })
    );
    // Column-level UNIQUE: an `origin = u` autoindex, kept as a constraint.
    assert_eq!(
        orgs.uniques,
        vec![UniqueConstraint {
            name: "sqlite_autoindex_orgs_1".into(),
            columns: vec!["name".into()]
        }]
    );
    assert!(orgs.indexes.is_empty());

    let users = s.table("users").unwrap();
    let uid = users.column("id").unwrap();
    assert!(!uid.auto_increment, "no AUTOINCREMENT keyword");
    assert!(!uid.nullable, "rowid alias is never NULL");
    assert_eq!(users.column("org_id").unwrap().ty, LogicalType::BigInt);
    assert_eq!(users.column("active").unwrap().ty, LogicalType::Boolean);
    assert_eq!(
        users.column("active").unwrap().default,
        Some(DefaultValue::Sql("1".into()))
    );
    assert_eq!(
        users.column("balance").unwrap().ty,
        LogicalType::Numeric {
            precision: 10,
            scale: 2
        }
    );
    assert!(users.column("balance").unwrap().nullable);
    assert_eq!(
        users.column("nickname").unwrap().default,
        Some(DefaultValue::Sql("'it''s'".into()))
    );
    assert_eq!(
        users.indexes,
        vec![
            Index {
                name: "ix_expr".into(),
                columns: vec!["lower(email)".into()],
                keys: vec![KeyOptions {
                    expression: true,
                    ..KeyOptions::default()
                }],
                ..Default::default()
            },
            Index {
                name: "ix_users_org_id_email".into(),
                columns: vec!["org_id".into(), "email".into()],
                unique: false,
                ..Default::default()
            },
            Index {
                name: "uq_users_email".into(),
                columns: vec!["email".into()],
                unique: true,
                ..Default::default()
            },
        ],
        "expression index read back"
    );
    let mut fks = users.foreign_keys.clone();
    fks.sort_by(|a, b| a.columns.cmp(&b.columns));
    assert_eq!(
        fks,
        vec![
            ForeignKey {
                name: None,
                columns: vec!["manager_id".into()],
                ref_table: "users".into(),
                ref_columns: vec!["id".into()],
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::SetNull,
            },
            ForeignKey {
                name: None,
                columns: vec!["org_id".into()],
                ref_table: "orgs".into(),
                ref_columns: vec!["id".into()],
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
            },
        ]
    );
    assert_eq!(
        users.checks,
        vec![Check {
            name: "ck_users_positive".into(),
            sql: "balance >= 0".into()
        }]
    );

    let m = s.table("memberships").unwrap();
    assert_eq!(
        m.primary_key.as_ref().unwrap().columns,
        ["org_id", "user_id"],
        "key order, not column order"
    );
    assert_eq!(m.checks[0].sql, "role IN ('a', 'b')");
    assert_eq!(m.checks[0].name, "ck_memberships_1");
}

#[test]
fn version_table_option_is_honoured() {
    let mut c =
        mem("CREATE TABLE my_versions (x INTEGER); CREATE TABLE schema_revisions (y INTEGER);");
    let s = introspect(
        &mut c,
        &IntrospectOptions {
            version_table: "my_versions".into(),
            ignore_tables: vec![],
            on_table: None,
        },
    )
    .unwrap();
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["schema_revisions"]);
}

#[test]
fn renderer_output_round_trips_to_no_diff() {
    let d = Dialect::Sqlite;
    let model = model();
    let ops = schema_core::diff::diff(&Schema::default(), &model, d);
    let up = d.render_migration(&ops).up;
    let mut c = mem(&up);
    let live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    let again = schema_core::diff::diff(&live, &model, d);
    assert!(
        again.is_empty(),
        "spurious diff after applying:\n{up}\n{again:#?}"
    );
    assert!(
        live.table("users")
            .unwrap()
            .column("id")
            .unwrap()
            .auto_increment
    );
}

#[test]
fn check_models_reports_drift_and_then_none() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("d.db").display());
    let model = model();
    let tables: Vec<&Table> = model.tables.iter().collect();
    let m = Migrator::from_texts(Vec::<(String, &str)>::new());

    let drift = m.check_models(&url, &tables).unwrap();
    assert!(!drift.is_empty());
    assert!(
        !dir.path().join("d.db").exists(),
        "a drift check never creates the file"
    );
    assert!(
        drift.to_string().contains("differs from the models"),
        "{drift}"
    );

    let mut c = Connection::establish(&url).unwrap();
    c.execute(&drift.sql).unwrap();
    c.execute("CREATE TABLE unrelated (x INTEGER)").unwrap();
    let drift = m.check_models(&url, &tables).unwrap();
    assert!(drift.is_empty(), "{drift}\n{:#?}", drift.ops);
    assert!(drift.to_string().contains("matches the models"));
}

#[test]
fn an_integer_rowid_key_described_as_i64_is_left_alone() {
    // A table another tool wrote: `INTEGER PRIMARY KEY` is the rowid alias.
    let mut c = mem("CREATE TABLE actor (actor_id INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (actor_id));");
    let live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    // The model says `actor_id: i64` without auto-increment.
    let model = Table {
        name: "actor".into(),
        columns: vec![
            schema_core::Column::new("actor_id", LogicalType::BigInt),
            schema_core::Column::new("name", LogicalType::Text),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["actor_id".into()],
        }),
        ..Table::default()
    };
    let ops = schema_core::diff::diff(&live, &Schema::new(vec![model]), Dialect::Sqlite);
    assert!(ops.is_empty(), "no rebuild for the same storage: {ops:#?}");
    // The rowid alias still fills the key.
    c.execute("INSERT INTO actor (name) VALUES ('Penelope')")
        .unwrap();
}

/// `name type notnull dflt pk` of each column, as SQLite reports them.
fn table_info(c: &mut Connection, table: &str) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Info {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let sql = format!(
        "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || coalesce(dflt_value, '-') || ' ' || pk AS v \
         FROM pragma_table_info('{table}') ORDER BY cid"
    );
    c.with_sqlite(|c| diesel::sql_query(sql).load::<Info>(c))
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|i| i.v)
        .collect()
}

const CHINOOK_STYLE: &str = "CREATE TABLE track (
    track_id INTEGER NOT NULL PRIMARY KEY,
    name NVARCHAR(200) NOT NULL,
    composer nvarchar(220),
    milliseconds INT NOT NULL,
    unit_price NUMERIC(10, 2) NOT NULL,
    released DATETIME
);";

#[test]
fn declared_types_survive_a_drop_and_its_down_section() {
    let mut c = mem(CHINOOK_STYLE);
    let before = table_info(&mut c, "track");
    let live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    // Models without the table: the up drops it, the down re-creates it
    // from what introspection read.
    let ops = schema_core::diff::diff(&live, &Schema::default(), Dialect::Sqlite);
    let m = Dialect::Sqlite.render_migration(&ops);
    c.execute(&m.up).unwrap();
    c.execute(&m.down).unwrap();
    assert_eq!(table_info(&mut c, "track"), before, "{}", m.down);
}

#[test]
fn a_rebuild_keeps_the_declared_types_of_unchanged_columns() {
    let mut c = mem(CHINOOK_STYLE);
    let before = table_info(&mut c, "track");
    let mut live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    // The model adds a check (a rebuild on SQLite) and describes
    // `milliseconds` as an i64: stored alike, so it keeps `INT`.
    let mut model = live.tables.remove(0);
    model
        .columns
        .iter_mut()
        .find(|c| c.name == "milliseconds")
        .unwrap()
        .ty = LogicalType::BigInt;
    model.checks.push(Check {
        name: "ck_track_ms".into(),
        sql: "milliseconds >= 0".into(),
    });
    let live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    let ops = schema_core::diff::diff(&live, &Schema::new(vec![model]), Dialect::Sqlite);
    let m = Dialect::Sqlite.render_migration(&ops);
    assert!(m.up.contains("CREATE TABLE"), "a rebuild: {}", m.up);
    c.execute(&m.up).unwrap();
    assert_eq!(table_info(&mut c, "track"), before, "{}", m.up);
}

fn events(indexes: Vec<Index>) -> Schema {
    use schema_core::Column;
    let mut id = Column::new("id", LogicalType::BigInt);
    id.auto_increment = true;
    let mut at = Column::new("at", LogicalType::Timestamp);
    at.nullable = true;
    Schema::new(vec![Table {
        name: "events".into(),
        columns: vec![
            id,
            Column::new("kind", LogicalType::Varchar(40)),
            at,
            Column::new("score", LogicalType::Integer),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        indexes,
        ..Table::default()
    }])
}

fn sorted_and_partial() -> Vec<Index> {
    let desc = KeyOptions {
        desc: true,
        ..KeyOptions::default()
    };
    vec![
        Index {
            keys: vec![KeyOptions::default(), desc],
            ..Index::new("ix_events_recent", vec!["kind".into(), "at".into()], false)
        },
        Index {
            predicate: Some("at IS NULL AND kind <> 'done'".into()),
            ..Index::new("uq_events_open", vec!["kind".into()], true)
        },
    ]
}

#[test]
fn sorted_and_partial_indexes_are_read_back_and_survive_a_rebuild() {
    let d = Dialect::Sqlite;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e.db").display());
    let v1 = events(sorted_and_partial());
    let r1 = d.render_migration(&schema_core::diff::diff(&Schema::default(), &v1, d));
    let m1 = support::migration_text("aaaaaaaaaaa1", None, "one", &r1.up, &r1.down, true);
    Migrator::from_texts([("1.sql".to_string(), m1.as_str())])
        .upgrade(&url)
        .unwrap();
    let mut c = Connection::establish(&url).unwrap();
    let live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    assert!(live.unmodelled.is_empty(), "{:?}", live.unmodelled);
    assert_eq!(live.tables[0].indexes, sorted_and_partial());
    assert!(schema_core::diff::diff(&live, &v1, d).is_empty());

    // A nullability change rebuilds the table; its indexes come back as
    // they were.
    let mut v2 = v1.clone();
    v2.tables[0].columns[3].nullable = true;
    let ops = schema_core::diff::diff(&live, &v2, d);
    assert!(
        matches!(ops.as_slice(), [schema_core::ops::Op::RebuildTable { .. }]),
        "{ops:?}"
    );
    let r2 = d.render_migration(&ops);
    let m2 = support::migration_text(
        "aaaaaaaaaaa2",
        Some("aaaaaaaaaaa1"),
        "two",
        &r2.up,
        &r2.down,
        true,
    );
    let files = [
        ("1.sql".to_string(), m1.as_str()),
        ("2.sql".to_string(), m2.as_str()),
    ];
    Migrator::from_texts(files.clone()).upgrade(&url).unwrap();
    let mut c = Connection::establish(&url).unwrap();
    let after = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    assert_eq!(after.tables[0].indexes, sorted_and_partial());
    assert!(schema_core::diff::diff(&after, &v2, d).is_empty());
    Migrator::from_texts(files).downgrade(&url, "-1").unwrap();
    let mut c = Connection::establish(&url).unwrap();
    assert_eq!(
        introspect(&mut c, &IntrospectOptions::default()).unwrap(),
        live
    );
}

#[test]
fn an_index_with_its_own_collation_stays_unmodelled() {
    let mut c = mem("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
         CREATE INDEX ix_nocase ON t (a COLLATE NOCASE);
         CREATE INDEX ix_partial ON t (b DESC) WHERE a IS NOT NULL;");
    let s = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    let special: Vec<String> = s.unmodelled.iter().map(ToString::to_string).collect();
    assert_eq!(special, ["index ix_nocase on t (collation)"]);
    assert_eq!(
        s.tables[0].indexes,
        [Index {
            keys: vec![KeyOptions {
                desc: true,
                ..KeyOptions::default()
            }],
            predicate: Some("a IS NOT NULL".into()),
            ..Index::new("ix_partial", vec!["b".into()], false)
        }]
    );
}

/// What SQLite cannot build is refused before anything is compared, with
/// the index and the attribute named.
#[test]
fn models_asking_for_what_sqlite_cannot_do_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("d.db").display());
    let model = events(vec![Index {
        include: vec!["score".into()],
        method: Some("gin".into()),
        ..Index::new("ix_events_kind", vec!["kind".into()], false)
    }]);
    let tables: Vec<&Table> = model.tables.iter().collect();
    let err = Migrator::from_texts(Vec::<(String, &str)>::new())
        .check_models(&url, &tables)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot do"), "{err}");
    assert!(
        err.contains("index `ix_events_kind` on table `events` has `include` columns"),
        "{err}"
    );
    assert!(err.contains("uses `gin`"), "{err}");
}
