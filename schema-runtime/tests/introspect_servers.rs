//! Introspection against real PostgreSQL and MySQL/MariaDB servers, and the
//! autogenerate fixpoint on each: models → diff → render → apply →
//! introspect → diff is empty; down returns the database to what it was.
//!
//! Needs `SCHEMA_TEST_POSTGRES_URL` / `SCHEMA_TEST_MYSQL_URL`; each test
//! creates and drops its own database.

mod server_db;

use diesel::connection::SimpleConnection;
use schema_core::dialect::Dialect;
use schema_core::diff::diff;
use schema_core::migration::{split_statements, split_statements_with, SplitOptions};
use schema_core::naming;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, KeyOptions, LogicalType, NullsOrder,
    PrimaryKey, ReferentialAction, Schema, Table, UniqueConstraint,
};
use schema_runtime::conn::{MysqlConnection, PgConnection};
use schema_runtime::introspect::mysql::introspect_mysql;
use schema_runtime::introspect::postgres::introspect_postgres;
use server_db::{Server, TestDb};

use LogicalType::*;

// ---------------------------------------------------------------------------
// Model builders

fn col(name: &str, ty: LogicalType) -> Column {
    Column::new(name, ty)
}

fn null(mut c: Column) -> Column {
    c.nullable = true;
    c
}

fn dflt(mut c: Column, d: DefaultValue) -> Column {
    c.default = Some(d);
    c
}

fn comment(mut c: Column, text: &str) -> Column {
    c.comment = Some(text.to_string());
    c
}

fn auto(mut c: Column) -> Column {
    c.auto_increment = true;
    c
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn pk(table: &str, cols: &[&str]) -> Option<PrimaryKey> {
    Some(PrimaryKey {
        name: Some(naming::primary_key(table)),
        columns: strs(cols),
    })
}

fn index(table: &str, cols: &[&str], unique: bool) -> Index {
    Index {
        name: naming::index(table, &strs(cols)),
        columns: strs(cols),
        unique,
        ..Default::default()
    }
}

fn unique(table: &str, cols: &[&str]) -> UniqueConstraint {
    UniqueConstraint {
        name: naming::unique(table, &strs(cols)),
        columns: strs(cols),
    }
}

fn fk(
    table: &str,
    column: &str,
    ref_table: &str,
    on_delete: ReferentialAction,
    on_update: ReferentialAction,
) -> ForeignKey {
    ForeignKey {
        name: Some(naming::foreign_key(table, column, ref_table)),
        columns: strs(&[column]),
        ref_table: ref_table.to_string(),
        ref_columns: strs(&["id"]),
        on_delete,
        on_update,
    }
}

fn check(table: &str, name: &str, sql: &str) -> Check {
    Check {
        name: naming::check(table, name),
        sql: sql.to_string(),
    }
}

/// A type with no logical equivalent, spelled as the server reports it.
fn custom_type(d: Dialect) -> LogicalType {
    match d {
        Dialect::Postgres => Custom("INET".into()),
        _ => Custom("MEDIUMTEXT".into()),
    }
}

/// Every logical type, nullable and not, literal and SQL
/// defaults, an auto-increment key, a composite key, composite unique
/// constraints and indexes, foreign keys with actions, checks and comments.
fn model_v1(d: Dialect) -> Schema {
    use DefaultValue as V;
    use ReferentialAction as A;
    let orgs = Table {
        name: "orgs".into(),
        columns: vec![
            auto(col("id", BigInt)),
            col("name", Varchar(100)),
            col("slug", Varchar(50)),
            dflt(
                col("created_at", Timestamp),
                V::Sql("CURRENT_TIMESTAMP".into()),
            ),
        ],
        primary_key: pk("orgs", &["id"]),
        uniques: vec![unique("orgs", &["slug"])],
        comment: Some("organisations, one per customer".into()),
        ..Table::default()
    };
    let users = Table {
        name: "users".into(),
        columns: vec![
            auto(col("id", BigInt)),
            col("org_id", BigInt),
            comment(col("email", Varchar(255)), "login e-mail; unique per org"),
            null(col("display_name", Text)),
            dflt(col("active", Boolean), V::Bool(true)),
            dflt(col("admin", Boolean), V::Bool(false)),
            null(dflt(col("age", SmallInt), V::Int(18))),
            dflt(col("score", Integer), V::Int(-1)),
            dflt(col("karma", BigInt), V::Int(0)),
            null(dflt(col("ratio", Real), V::Float("0.5".into()))),
            null(dflt(col("weight", Double), V::Float("1.25".into()))),
            dflt(
                col(
                    "balance",
                    Numeric {
                        precision: 10,
                        scale: 2,
                    },
                ),
                V::Float("0.00".into()),
            ),
            dflt(col("bio", Text), V::Str("it's a \"bio\"".into())),
            null(dflt(
                col("nickname", Varchar(40)),
                V::Str("o'clock \\ anon".into()),
            )),
            null(col("avatar", Blob)),
            null(col("birthday", Date)),
            null(dflt(col("wake_up", Time), V::Str("07:30:00".into()))),
            null(col("last_seen", Timestamp)),
            dflt(
                col("updated_at", TimestampTz),
                V::Sql("CURRENT_TIMESTAMP".into()),
            ),
            col("external_id", Uuid),
            null(col("settings", Json)),
            null(col("address", custom_type(d))),
            null(col("invited_by", BigInt)),
        ],
        primary_key: pk("users", &["id"]),
        indexes: vec![
            index("users", &["org_id"], false),
            index("users", &["last_seen", "active"], false),
            index("users", &["external_id"], true),
        ],
        uniques: vec![unique("users", &["org_id", "email"])],
        foreign_keys: vec![
            fk("users", "org_id", "orgs", A::Cascade, A::NoAction),
            fk("users", "invited_by", "users", A::SetNull, A::Cascade),
        ],
        checks: vec![
            check("users", "age", "age >= 0"),
            check("users", "score", "score > -1000 AND karma >= 0"),
        ],
        comment: Some("people who log in".into()),
        ..Table::default()
    };
    let memberships = Table {
        name: "memberships".into(),
        columns: vec![
            col("user_id", BigInt),
            col("org_id", BigInt),
            dflt(col("role", Varchar(20)), V::Str("member".into())),
        ],
        primary_key: pk("memberships", &["user_id", "org_id"]),
        foreign_keys: vec![
            fk("memberships", "user_id", "users", A::Cascade, A::Cascade),
            fk("memberships", "org_id", "orgs", A::Restrict, A::NoAction),
        ],
        ..Table::default()
    };
    let tags = Table {
        name: "tags".into(),
        columns: vec![
            auto(col("id", Integer)),
            col("label", Varchar(64)),
            null(col("owner_id", BigInt)),
        ],
        primary_key: pk("tags", &["id"]),
        checks: vec![check("tags", "label", "label <> ''")],
        ..Table::default()
    };
    Schema::new(vec![orgs, users, memberships, tags])
}

/// v1 changed: a column added, a type widened, nullable → NOT NULL with a
/// default, an index dropped, a column renamed (`renamed_from`), a foreign
/// key added.
fn model_v2(d: Dialect) -> Schema {
    let mut s = model_v1(d);
    let users = table_mut(&mut s, "users");
    users.columns.push(null(col("phone", Varchar(30))));
    column_mut(users, "nickname").ty = Varchar(80);
    let display_name = column_mut(users, "display_name");
    display_name.nullable = false;
    display_name.default = Some(DefaultValue::Str("anonymous".into()));
    users
        .indexes
        .retain(|ix| ix.columns != ["last_seen", "active"]);

    let tags = table_mut(&mut s, "tags");
    let label = column_mut(tags, "label");
    label.name = "name".into();
    label.renamed_from = Some("label".into());
    tags.checks = vec![check("tags", "label", "name <> ''")];
    tags.foreign_keys.push(fk(
        "tags",
        "owner_id",
        "users",
        ReferentialAction::SetNull,
        ReferentialAction::NoAction,
    ));
    s
}

fn table_mut<'a>(s: &'a mut Schema, name: &str) -> &'a mut Table {
    s.tables
        .iter_mut()
        .find(|t| t.name == name)
        .expect("table in model")
}

fn column_mut<'a>(t: &'a mut Table, name: &str) -> &'a mut Column {
    t.columns
        .iter_mut()
        .find(|c| c.name == name)
        .expect("column in model")
}

// ---------------------------------------------------------------------------
// Servers

/// One server under test: applies SQL and introspects.
trait Live {
    fn dialect(&self) -> Dialect;
    fn apply(&mut self, sql: &str);
    fn introspect(&mut self) -> Schema;
}

struct Pg {
    conn: PgConnection,
}

impl Live for Pg {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn apply(&mut self, sql: &str) {
        for st in split_statements(sql, 1) {
            if let Err(e) = self.conn.batch_execute(&st.sql) {
                panic!(
                    "statement at line {} failed: {e}\n{}\n--- whole section:\n{sql}",
                    st.line, st.sql
                );
            }
        }
    }

    fn introspect(&mut self) -> Schema {
        introspect_postgres(&mut self.conn, "public", &|_| false).expect("introspect PostgreSQL")
    }
}

struct My {
    conn: MysqlConnection,
    database: String,
}

impl Live for My {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn apply(&mut self, sql: &str) {
        let options = SplitOptions {
            backslash_escapes: true,
        };
        for st in split_statements_with(sql, 1, options) {
            if let Err(e) = self.conn.batch_execute(&st.sql) {
                panic!(
                    "statement at line {} failed: {e}\n{}\n--- whole section:\n{sql}",
                    st.line, st.sql
                );
            }
        }
    }

    fn introspect(&mut self) -> Schema {
        introspect_mysql(&mut self.conn, &self.database, &|_| false).expect("introspect MySQL")
    }
}

/// Problems found along the way; every stage runs, then the test fails
/// with all of them.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    /// Records the operations `diff(live, model)` still finds.
    fn expect_no_diff(&mut self, stage: &str, live: &Schema, model: &Schema, d: Dialect) {
        let ops = diff(live, model, d);
        if ops.is_empty() {
            return;
        }
        let rendered = d.render_migration(&ops);
        let mut msg = format!(
            "{stage}: autogenerate is not a fixpoint on {}; {} op(s):\n",
            d.name(),
            ops.len()
        );
        for op in &ops {
            msg.push_str(&format!("  - {}\n    {op:?}\n", op.describe()));
        }
        msg.push_str(&format!("  SQL it would run:\n{}", rendered.up));
        self.0.push(msg);
    }

    fn expect_equal(&mut self, stage: &str, got: &Schema, want: &Schema) {
        if got != want {
            let mut msg = format!("{stage}: schemas differ\n");
            for (g, w) in got.tables.iter().zip(&want.tables) {
                if g != w {
                    msg.push_str(&format!("  got:  {g:?}\n  want: {w:?}\n"));
                }
            }
            if got.tables.len() != want.tables.len() {
                msg.push_str(&format!(
                    "  got tables {:?}\n  want tables {:?}\n",
                    names(got),
                    names(want)
                ));
            }
            self.0.push(msg);
        }
    }

    fn finish(self) {
        assert!(self.0.is_empty(), "\n{}", self.0.join("\n"));
    }
}

fn names(s: &Schema) -> Vec<&str> {
    s.tables.iter().map(|t| t.name.as_str()).collect()
}

/// The whole cycle on one server: v1 up, fixpoint; v2 up, fixpoint; v2
/// down equals the first introspection; v1 down leaves nothing.
fn fixpoint_cycle(live: &mut dyn Live) {
    let d = live.dialect();
    let mut failures = Failures::default();
    assert!(
        live.introspect().tables.is_empty(),
        "a new database is empty"
    );

    let v1 = model_v1(d);
    let m1 = d.render_migration(&diff(&Schema::default(), &v1, d));
    live.apply(&m1.up);
    let first = live.introspect();
    assert_eq!(names(&first), names(&v1), "every table is read back");
    failures.expect_no_diff("after v1 up", &first, &v1, d);

    let v2 = model_v2(d);
    let ops2 = diff(&first, &v2, d);
    let m2 = d.render_migration(&ops2);
    println!("v2 migration on {}:\n{}", d.name(), m2.up);
    live.apply(&m2.up);
    let second = live.introspect();
    failures.expect_no_diff("after v2 up", &second, &v2, d);
    let renamed = second.table("tags").and_then(|t| t.column("name"));
    assert!(
        renamed.is_some(),
        "tags.label was renamed to tags.name, not dropped"
    );

    live.apply(&m2.down);
    let third = live.introspect();
    failures.expect_equal(
        "after v2 down (compared with v1's introspection)",
        &third,
        &first,
    );
    failures.expect_no_diff("after v2 down", &third, &v1, d);

    live.apply(&m1.down);
    let last = live.introspect();
    assert!(
        last.tables.is_empty(),
        "v1 down leaves tables: {:?}",
        names(&last)
    );
    failures.finish();
}

#[test]
fn postgres_fixpoint_cycle() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    fixpoint_cycle(&mut Pg { conn: db.pg() });
}

#[test]
fn mysql_fixpoint_cycle() {
    let Some(db) = TestDb::create(Server::Mysql) else {
        return;
    };
    fixpoint_cycle(&mut My {
        conn: db.mysql(),
        database: db.name.clone(),
    });
}

// ---------------------------------------------------------------------------
// Index options: sort orders, prefixes, INCLUDE, methods, predicates

fn desc_key() -> KeyOptions {
    KeyOptions {
        desc: true,
        ..KeyOptions::default()
    }
}

fn expression_key() -> KeyOptions {
    KeyOptions {
        expression: true,
        ..KeyOptions::default()
    }
}

/// A table with the index options `d` can build, and (`changed`) the same
/// with some of them changed.
fn indexed_model(d: Dialect, changed: bool) -> Schema {
    let mut t = Table {
        name: "docs".into(),
        columns: vec![
            auto(col("id", BigInt)),
            col("kind", Varchar(40)),
            null(col("at", Timestamp)),
            null(col("score", Integer)),
            col("title", Text),
            null(col("payload", Json)),
        ],
        primary_key: pk("docs", &["id"]),
        ..Table::default()
    };
    t.indexes.push(Index {
        keys: vec![KeyOptions::default(), desc_key()],
        ..Index::new("ix_docs_recent", strs(&["kind", "at"]), false)
    });
    match d {
        Dialect::Postgres => {
            t.indexes.push(Index {
                keys: vec![
                    KeyOptions {
                        nulls: Some(NullsOrder::Last),
                        ..desc_key()
                    },
                    KeyOptions {
                        nulls: Some(if changed {
                            NullsOrder::Last
                        } else {
                            NullsOrder::First
                        }),
                        ..KeyOptions::default()
                    },
                ],
                include: strs(&["title"]),
                ..Index::new("ix_docs_score", strs(&["score", "at"]), false)
            });
            t.indexes.push(Index {
                method: Some("gin".into()),
                ..Index::new("ix_docs_payload", strs(&["payload"]), false)
            });
            t.indexes.push(Index {
                method: Some(if changed { "hash" } else { "brin" }.into()),
                ..Index::new("ix_docs_at", strs(&["at"]), false)
            });
            t.indexes.push(Index {
                predicate: Some(if changed {
                    "at IS NULL AND kind <> 'gone' AND score > 0".into()
                } else {
                    "at IS NULL AND kind <> 'done'".into()
                }),
                ..Index::new("uq_docs_open_kind", strs(&["kind"]), true)
            });
            t.indexes.push(Index {
                predicate: Some("kind IN ('a', 'b') AND score BETWEEN 1 AND 9".into()),
                ..Index::new("ix_docs_listed", strs(&["score"]), false)
            });
            // Expression keys, printed back with casts and parentheses.
            t.indexes.push(Index {
                keys: vec![
                    expression_key(),
                    KeyOptions::default(),
                    KeyOptions {
                        desc: true,
                        ..expression_key()
                    },
                ],
                ..Index::new(
                    "ix_docs_folded",
                    strs(&[
                        "lower(kind)",
                        "at",
                        if changed {
                            "score * 2 + 1"
                        } else {
                            "(score + 1) * 2"
                        },
                    ]),
                    changed,
                )
            });
        }
        Dialect::Mysql => {
            t.indexes.push(Index {
                keys: vec![
                    KeyOptions {
                        prefix: Some(if changed { 12 } else { 10 }),
                        ..KeyOptions::default()
                    },
                    desc_key(),
                ],
                ..Index::new("ix_docs_title", strs(&["title", "score"]), false)
            });
        }
        Dialect::Sqlite => unreachable!("SQLite has its own test"),
    }
    if changed {
        t.indexes.retain(|ix| ix.name != "ix_docs_recent");
        t.indexes.push(Index {
            keys: vec![desc_key()],
            ..Index::new("ix_docs_kind", strs(&["kind"]), true)
        });
    }
    Schema::new(vec![t])
}

/// Up, read back exactly, change, read back, down, down.
fn index_options_cycle(live: &mut dyn Live) {
    let d = live.dialect();
    let mut failures = Failures::default();
    let v1 = indexed_model(d, false);
    assert!(
        d.unsupported_in(&v1).is_empty(),
        "{:?}",
        d.unsupported_in(&v1)
    );
    let m1 = d.render_migration(&diff(&Schema::default(), &v1, d));
    live.apply(&m1.up);
    let first = live.introspect();
    assert!(first.unmodelled.is_empty(), "{:?}", first.unmodelled);
    // Read back as the model has them (predicates as the server prints
    // them aside, which compare through normalisation).
    let mut got = first.tables[0].indexes.clone();
    let mut want = d.normalize_schema(&v1).tables[0].indexes.clone();
    for ix in got.iter_mut().chain(want.iter_mut()) {
        ix.predicate = ix
            .predicate
            .as_deref()
            .map(schema_core::dialect::normalize_check_sql);
        for i in 0..ix.columns.len() {
            if ix.is_expression(i) {
                ix.columns[i] = schema_core::dialect::normalize_check_sql(&ix.columns[i]);
            }
        }
    }
    got.sort_by(|a, b| a.name.cmp(&b.name));
    want.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(got, want, "indexes read back on {d:?}");
    failures.expect_no_diff("after v1 up", &first, &v1, d);

    let v2 = indexed_model(d, true);
    let m2 = d.render_migration(&diff(&first, &v2, d));
    live.apply(&m2.up);
    let second = live.introspect();
    failures.expect_no_diff("after v2 up", &second, &v2, d);
    live.apply(&m2.down);
    let third = live.introspect();
    failures.expect_equal("after v2 down", &third, &first);
    live.apply(&m1.down);
    assert!(live.introspect().tables.is_empty());
    failures.finish();
}

#[test]
fn postgres_index_options_round_trip() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    index_options_cycle(&mut Pg { conn: db.pg() });
}

#[test]
fn mysql_index_options_round_trip() {
    let Some(db) = TestDb::create(Server::Mysql) else {
        return;
    };
    index_options_cycle(&mut My {
        conn: db.mysql(),
        database: db.name.clone(),
    });
}

// ---------------------------------------------------------------------------
// What introspection reports for schemas written by hand

const PG_HAND_WRITTEN: &str = r#"
CREATE TABLE legacy (
    id serial PRIMARY KEY,
    code text NOT NULL DEFAULT 'x',
    n bigint DEFAULT nextval('legacy_id_seq'),
    "Mixed Case" integer,
    total numeric(8,3) GENERATED ALWAYS AS (n * 2) STORED
);
CREATE TABLE child (
    id bigint GENERATED ALWAYS AS IDENTITY,
    a integer,
    b integer NOT NULL,
    legacy_id integer DEFAULT 0 REFERENCES legacy (id) ON DELETE SET DEFAULT ON UPDATE RESTRICT,
    CONSTRAINT child_pk PRIMARY KEY (id),
    CONSTRAINT child_ab UNIQUE (b, a),
    CONSTRAINT positive CHECK (a > 0)
);
CREATE INDEX child_expr ON child (a, (b + 1));
CREATE INDEX child_partial ON child (b) WHERE a > 10;
CREATE UNIQUE INDEX child_covering ON child (a) INCLUDE (b);
CREATE INDEX child_sorted ON child (a DESC, b NULLS FIRST, legacy_id DESC NULLS LAST);
CREATE INDEX child_hash ON child USING hash (b);
CREATE INDEX child_opclass ON child (a int4_ops, b);
CREATE INDEX child_brin ON child USING brin (b int4_minmax_ops);
CREATE UNIQUE INDEX child_nulls ON child (a) NULLS NOT DISTINCT;
CREATE INDEX legacy_text ON legacy (code text_pattern_ops);
CREATE INDEX legacy_collated ON legacy (code COLLATE "C");
CREATE INDEX legacy_expr_collated ON legacy ((lower(code)) COLLATE "C");
COMMENT ON TABLE child IS 'kids';
COMMENT ON COLUMN child.a IS 'the a';
CREATE TABLE schema_revisions (revision text PRIMARY KEY);
CREATE SCHEMA other;
CREATE TABLE other.hidden (id integer);
CREATE VIEW v AS SELECT 1 AS one;
"#;

#[test]
fn postgres_reads_a_hand_written_schema() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    let mut pg = Pg { conn: db.pg() };
    pg.apply(PG_HAND_WRITTEN);
    let s = introspect_postgres(&mut pg.conn, "public", &|t| t == "schema_revisions").unwrap();
    assert_eq!(
        names(&s),
        ["child", "legacy"],
        "no excluded table, view or other schema"
    );

    let legacy = s.table("legacy").unwrap();
    let id = legacy.column("id").unwrap();
    assert_eq!(
        (id.ty.clone(), id.auto_increment, &id.default, id.nullable),
        (Integer, true, &None, false)
    );
    assert_eq!(
        legacy.primary_key,
        Some(PrimaryKey {
            name: Some("legacy_pkey".into()),
            columns: strs(&["id"])
        })
    );
    assert_eq!(
        legacy.column("code").unwrap().default,
        Some(DefaultValue::Sql("'x'::text".into()))
    );
    let n = legacy.column("n").unwrap();
    assert!(
        !n.auto_increment,
        "a sequence default off the key is a plain default"
    );
    assert!(matches!(&n.default, Some(DefaultValue::Sql(s)) if s.starts_with("nextval(")));
    assert!(
        legacy.column("Mixed Case").is_some(),
        "names keep their case"
    );
    // A generated column is a column, with its expression as PostgreSQL
    // prints it (and no default).
    let total = legacy
        .column("total")
        .expect("the generated column is read");
    assert_eq!(
        total.generated,
        Some(schema_core::Generated {
            expr: "(n * 2)".into(),
            stored: true
        })
    );
    assert_eq!(total.default, None);

    let child = s.table("child").unwrap();
    assert_eq!(child.comment.as_deref(), Some("kids"));
    assert_eq!(child.column("a").unwrap().comment.as_deref(), Some("the a"));
    assert_eq!(child.column("b").unwrap().comment, None);
    assert!(
        child.column("id").unwrap().auto_increment,
        "GENERATED ALWAYS AS IDENTITY"
    );
    assert_eq!(
        child.primary_key.as_ref().unwrap().name.as_deref(),
        Some("child_pk")
    );
    assert_eq!(
        child.uniques,
        [UniqueConstraint {
            name: "child_ab".into(),
            columns: strs(&["b", "a"])
        }]
    );
    assert_eq!(
        child.foreign_keys,
        [ForeignKey {
            name: Some("child_legacy_id_fkey".into()),
            columns: strs(&["legacy_id"]),
            ref_table: "legacy".into(),
            ref_columns: strs(&["id"]),
            on_delete: ReferentialAction::SetDefault,
            on_update: ReferentialAction::Restrict,
        }]
    );
    assert_eq!(child.checks.len(), 1);
    assert_eq!(child.checks[0].name, "positive");
    assert_eq!(
        schema_core::dialect::normalize_check_sql(&child.checks[0].sql),
        schema_core::dialect::normalize_check_sql("a > 0")
    );
    // Constraint-backing indexes are not indexes; expression keys, sort
    // orders, INCLUDE columns, methods and predicates are read back;
    // operator classes and collations other than the default, and NULLS
    // NOT DISTINCT are reported apart.
    let desc = KeyOptions {
        desc: true,
        ..KeyOptions::default()
    };
    assert_eq!(
        child.indexes,
        [
            Index {
                name: "child_brin".into(),
                columns: strs(&["b"]),
                method: Some("brin".into()),
                ..Index::default()
            },
            Index {
                name: "child_covering".into(),
                columns: strs(&["a"]),
                unique: true,
                include: strs(&["b"]),
                ..Index::default()
            },
            Index {
                name: "child_expr".into(),
                columns: strs(&["a", "(b + 1)"]),
                keys: vec![
                    KeyOptions::default(),
                    KeyOptions {
                        expression: true,
                        ..KeyOptions::default()
                    }
                ],
                ..Index::default()
            },
            Index {
                name: "child_hash".into(),
                columns: strs(&["b"]),
                method: Some("hash".into()),
                ..Index::default()
            },
            // `int4_ops` is the default B-tree class of an integer.
            Index {
                name: "child_opclass".into(),
                columns: strs(&["a", "b"]),
                ..Index::default()
            },
            Index {
                name: "child_partial".into(),
                columns: strs(&["b"]),
                predicate: Some("a > 10".into()),
                ..Index::default()
            },
            Index {
                name: "child_sorted".into(),
                columns: strs(&["a", "b", "legacy_id"]),
                keys: vec![
                    desc,
                    KeyOptions {
                        nulls: Some(NullsOrder::First),
                        ..KeyOptions::default()
                    },
                    KeyOptions {
                        nulls: Some(NullsOrder::Last),
                        ..desc
                    },
                ],
                ..Index::default()
            },
        ]
    );
    let special: Vec<String> = s
        .unmodelled
        .iter()
        .filter(|u| u.kind == schema_core::UnmodelledKind::Index)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        special,
        [
            "index child_nulls on child (NULLS NOT DISTINCT)",
            "index legacy_collated on legacy (collation)",
            "index legacy_expr_collated on legacy (collation)",
            "index legacy_text on legacy (operator class)",
        ]
    );
}

const MYSQL_HAND_WRITTEN: &str = r#"
CREATE TABLE parent (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    doc JSON,
    flag BOOL NOT NULL DEFAULT 0,
    note VARCHAR(10) NULL,
    word VARCHAR(10) NOT NULL DEFAULT 'it''s',
    big INT(11) UNSIGNED,
    ts DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) COMMENT 'when'
) COMMENT 'the parent';
CREATE TABLE child (
    a INT NOT NULL,
    b INT NOT NULL,
    parent_id INT,
    PRIMARY KEY (b, a),
    UNIQUE KEY uq_x (a, b),
    KEY ix_y (parent_id, a),
    KEY ix_sorted (b DESC, a),
    CONSTRAINT fk_c FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT ck_c CHECK (a <> b)
);
CREATE INDEX ix_prefix ON parent (word(4), note DESC);
CREATE FULLTEXT INDEX ix_text ON parent (note);
CREATE TABLE schema_revisions (revision VARCHAR(32) PRIMARY KEY);
CREATE VIEW v AS SELECT 1 AS one;
"#;

#[test]
fn mysql_reads_a_hand_written_schema() {
    let Some(db) = TestDb::create(Server::Mysql) else {
        return;
    };
    let mut my = My {
        conn: db.mysql(),
        database: db.name.clone(),
    };
    my.apply(MYSQL_HAND_WRITTEN);
    let s = introspect_mysql(&mut my.conn, &db.name, &|t| t == "schema_revisions").unwrap();
    assert_eq!(names(&s), ["child", "parent"], "no excluded table or view");
    let d = Dialect::Mysql;

    let parent = s.table("parent").unwrap();
    assert_eq!(parent.comment.as_deref(), Some("the parent"));
    let id = parent.column("id").unwrap();
    assert_eq!(
        (id.ty.clone(), id.auto_increment, &id.default),
        (Integer, true, &None)
    );
    assert_eq!(
        parent.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: strs(&["id"])
        })
    );
    let doc = parent.column("doc").unwrap();
    assert_eq!((doc.ty.clone(), doc.nullable), (Json, true));
    assert!(
        parent.checks.is_empty(),
        "MariaDB's own JSON check is not a check: {:?}",
        parent.checks
    );
    let flag = parent.column("flag").unwrap();
    assert_eq!(flag.ty, Boolean);
    assert!(d.defaults_equal(
        flag.default.as_ref(),
        Some(&DefaultValue::Bool(false)),
        &Boolean
    ));
    assert_eq!(
        parent.column("note").unwrap().default,
        None,
        "a nullable column without default"
    );
    let word = parent.column("word").unwrap();
    assert!(
        d.defaults_equal(
            word.default.as_ref(),
            Some(&DefaultValue::Str("it's".into())),
            &Varchar(10)
        ),
        "{:?}",
        word.default
    );
    assert!(matches!(&parent.column("big").unwrap().ty, Custom(t) if t.contains("UNSIGNED")));
    let ts = parent.column("ts").unwrap();
    assert_eq!(
        (ts.ty.clone(), ts.comment.as_deref(), id.comment.as_deref()),
        (Timestamp, Some("when"), None)
    );
    assert!(d.defaults_equal(
        ts.default.as_ref(),
        Some(&DefaultValue::Sql("CURRENT_TIMESTAMP".into())),
        &Timestamp
    ));

    assert_eq!(
        parent.indexes,
        [Index {
            name: "ix_prefix".into(),
            columns: strs(&["word", "note"]),
            keys: vec![
                KeyOptions {
                    prefix: Some(4),
                    ..KeyOptions::default()
                },
                KeyOptions {
                    desc: true,
                    ..KeyOptions::default()
                },
            ],
            ..Default::default()
        }]
    );
    let special: Vec<String> = s
        .unmodelled
        .iter()
        .filter(|u| u.kind == schema_core::UnmodelledKind::Index)
        .map(ToString::to_string)
        .collect();
    assert_eq!(special, ["index ix_text on parent (FULLTEXT)"]);

    let child = s.table("child").unwrap();
    assert_eq!(child.comment, None);
    assert_eq!(
        child.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: strs(&["b", "a"])
        })
    );
    assert_eq!(
        child.indexes,
        [
            Index {
                name: "ix_sorted".into(),
                columns: strs(&["b", "a"]),
                keys: vec![
                    KeyOptions {
                        desc: true,
                        ..KeyOptions::default()
                    },
                    KeyOptions::default(),
                ],
                ..Default::default()
            },
            Index {
                name: "ix_y".into(),
                columns: strs(&["parent_id", "a"]),
                unique: false,
                ..Default::default()
            },
            Index {
                name: "uq_x".into(),
                columns: strs(&["a", "b"]),
                unique: true,
                ..Default::default()
            },
        ]
    );
    assert_eq!(
        child.foreign_keys,
        [ForeignKey {
            name: Some("fk_c".into()),
            columns: strs(&["parent_id"]),
            ref_table: "parent".into(),
            ref_columns: strs(&["id"]),
            on_delete: ReferentialAction::SetNull,
            on_update: ReferentialAction::Cascade,
        }]
    );
    assert_eq!(child.checks.len(), 1);
    assert_eq!(child.checks[0].name, "ck_c");
    assert_eq!(
        schema_core::dialect::normalize_check_sql(&child.checks[0].sql),
        schema_core::dialect::normalize_check_sql("a <> b")
    );
}

#[test]
fn test_database_is_dropped_with_its_guard() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    let name = db.name.clone();
    let admin = std::env::var(Server::Postgres.env_var()).unwrap();
    drop(db);
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = <PgConnection as diesel::Connection>::establish(&admin).unwrap();
    let rows: Vec<Count> = diesel::RunQueryDsl::load(
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(&name),
        &mut conn,
    )
    .unwrap();
    assert_eq!(rows[0].n, 0, "{name} still exists");
}

/// `schema_runtime::introspect` dispatches to the server's introspection,
/// in the connection's own schema/database, skipping the version table and
/// ignored tables.
fn introspect_through_connection(db: &TestDb) {
    let mut conn = schema_runtime::Connection::establish(&db.url).expect("connect");
    for sql in [
        "CREATE TABLE schema_revisions (revision VARCHAR(32) PRIMARY KEY)",
        "CREATE TABLE legacy_orders (id INTEGER PRIMARY KEY)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, note VARCHAR(20))",
    ] {
        conn.execute(sql).expect("create table");
    }
    let options = schema_runtime::IntrospectOptions {
        ignore_tables: vec!["legacy_*".into()],
        ..Default::default()
    };
    let s = schema_runtime::introspect(&mut conn, &options).expect("introspect");
    assert_eq!(names(&s), ["orders"]);
    assert_eq!(
        s.tables[0].column("note").map(|c| c.ty.clone()),
        Some(Varchar(20))
    );
}

#[test]
fn postgres_introspect_through_connection() {
    if let Some(db) = TestDb::create(Server::Postgres) {
        introspect_through_connection(&db);
    }
}

#[test]
fn mysql_introspect_through_connection() {
    if let Some(db) = TestDb::create(Server::Mysql) {
        introspect_through_connection(&db);
    }
}

/// The comparison autogenerate renders from carries the server's version,
/// checked against the server's own numeric report of its major version.
fn comparison_carries_the_server_version(db: &TestDb, server: Server, major_sql: &str) {
    #[derive(diesel::QueryableByName)]
    struct Major {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        major: i64,
    }
    let mut conn = schema_runtime::Connection::establish(&db.url).expect("connect");
    let cmp = schema_runtime::compare_models(
        &mut conn,
        &Schema::default(),
        &schema_runtime::CompareOptions::default(),
    )
    .expect("compare");
    let load = |rows: diesel::QueryResult<Vec<Major>>| rows.expect("major version")[0].major;
    let major = match server {
        Server::Postgres => load(diesel::RunQueryDsl::load(
            diesel::sql_query(major_sql),
            &mut db.pg(),
        )),
        Server::Mysql => load(diesel::RunQueryDsl::load(
            diesel::sql_query(major_sql),
            &mut db.mysql(),
        )),
    };
    let version = cmp.server_version.expect("the server says its version");
    assert_eq!(i64::from(version.major), major, "{version}");
    assert!(
        major >= 10,
        "a server this old is not tested here: {version}"
    );
}

#[test]
fn postgres_comparison_carries_the_server_version() {
    if let Some(db) = TestDb::create(Server::Postgres) {
        comparison_carries_the_server_version(
            &db,
            Server::Postgres,
            "SELECT (current_setting('server_version_num')::int / 10000)::bigint AS major",
        );
    }
}

#[test]
fn mysql_comparison_carries_the_server_version() {
    if let Some(db) = TestDb::create(Server::Mysql) {
        comparison_carries_the_server_version(
            &db,
            Server::Mysql,
            "SELECT CAST(SUBSTRING_INDEX(VERSION(), '.', 1) AS SIGNED) AS major",
        );
    }
}
