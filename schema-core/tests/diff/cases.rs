//! The autogenerate cases, one `#[test]` per folder in `tests/diff_cases/`.

use crate::build::{schema, table, TableExt};
use crate::{run_case, run_case_for_server, run_case_on};
use schema_core::dialect::Dialect;
use schema_core::{
    DefaultValue, Index, KeyOptions, LogicalType as T, NullsOrder, ReferentialAction as RA, Schema,
};

fn orgs() -> schema_core::Table {
    table("orgs").col("name", T::Varchar(100))
}

fn users() -> schema_core::Table {
    table("users")
        .col("email", T::Varchar(255))
        .null("display_name", T::Text)
        .col("org_id", T::BigInt)
        .fk("org_id", "orgs", RA::Cascade)
        .index(&["org_id"])
}

#[test]
fn add_table_with_fk() {
    run_case(
        "add_table_with_fk",
        schema(vec![orgs()]),
        schema(vec![
            orgs(),
            users()
                .unique(&["email"])
                .col("active", T::Boolean)
                .default(DefaultValue::Bool(true)),
        ]),
    );
}

#[test]
fn create_tables_in_fk_order() {
    let posts = table("posts")
        .col("author_id", T::BigInt)
        .fk("author_id", "users", RA::NoAction)
        .col("body", T::Text);
    run_case(
        "create_tables_in_fk_order",
        Schema::default(),
        schema(vec![posts, users(), orgs()]),
    );
}

#[test]
fn drop_table() {
    let posts = table("posts")
        .null("author_id", T::BigInt)
        .fk("author_id", "users", RA::SetNull);
    run_case(
        "drop_table",
        schema(vec![orgs(), users(), posts]),
        schema(vec![orgs()]),
    );
}

#[test]
fn drop_column() {
    let before = users()
        .null("nickname", T::Varchar(40))
        .default(DefaultValue::Str("anon".into()));
    run_case(
        "drop_column",
        schema(vec![orgs(), before]),
        schema(vec![orgs(), users()]),
    );
}

#[test]
fn add_columns() {
    let after = users()
        .null("bio", T::Text)
        .col("score", T::Integer)
        .default(DefaultValue::Int(0))
        .col("joined_at", T::Timestamp)
        .default(DefaultValue::Sql("CURRENT_TIMESTAMP".into()))
        .col("required", T::Text);
    run_case(
        "add_columns",
        schema(vec![orgs(), users()]),
        schema(vec![orgs(), after]),
    );
}

#[test]
fn rename_column() {
    let before = users().col("description", T::Text).index(&["description"]);
    let after = users()
        .col("bio", T::Text)
        .renamed_from("description")
        .index(&["bio"]);
    run_case(
        "rename_column",
        schema(vec![orgs(), before]),
        schema(vec![orgs(), after]),
    );
}

#[test]
fn rename_hint() {
    let before = users().col("description", T::Text);
    let after = users().col("bio", T::Text);
    run_case(
        "rename_hint",
        schema(vec![orgs(), before]),
        schema(vec![orgs(), after]),
    );
}

#[test]
fn rename_table() {
    let posts = |target: &str| {
        table("posts")
            .col("author_id", T::BigInt)
            .fk("author_id", target, RA::Cascade)
    };
    let mut people = table("people")
        .col("email", T::Varchar(255))
        .col("org_id", T::BigInt);
    people = people
        .fk("org_id", "orgs", RA::Cascade)
        .index(&["org_id"])
        .unique(&["email"])
        .table_renamed_from("users");
    let before = table("users")
        .col("email", T::Varchar(255))
        .col("org_id", T::BigInt);
    let before = before
        .fk("org_id", "orgs", RA::Cascade)
        .index(&["org_id"])
        .unique(&["email"]);
    run_case(
        "rename_table",
        schema(vec![orgs(), before, posts("users")]),
        schema(vec![orgs(), people, posts("people")]),
    );
}

#[test]
fn table_rename_hint() {
    let before = table("customer").col("name", T::Text);
    let after = table("customers").col("name", T::Text);
    run_case(
        "table_rename_hint",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn alter_type_widen() {
    let before = table("items")
        .col("title", T::Varchar(50))
        .col("qty", T::Integer);
    let after = table("items")
        .col("title", T::Varchar(255))
        .col("qty", T::BigInt);
    run_case(
        "alter_type_widen",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn alter_type_narrow() {
    let before = table("items").col("title", T::Text).col(
        "price",
        T::Numeric {
            precision: 12,
            scale: 2,
        },
    );
    let after = table("items").col("title", T::Varchar(80)).col(
        "price",
        T::Numeric {
            precision: 8,
            scale: 2,
        },
    );
    run_case(
        "alter_type_narrow",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn not_null_with_default() {
    let before = table("items")
        .null("status", T::Varchar(20))
        .col("name", T::Text);
    let after = table("items")
        .col("status", T::Varchar(20))
        .default(DefaultValue::Str("new".into()))
        .col("name", T::Text);
    let (before, after) = (schema(vec![before]), schema(vec![after]));
    run_case("not_null_with_default", before.clone(), after.clone());
    // PostgreSQL 11 scans for SET NOT NULL even after a validated check:
    // the plain form, with the backfill, under a WARNING naming the server.
    let v11 = schema_core::dialect::ServerVersion {
        major: 11,
        minor: 22,
    };
    run_case_for_server(
        "not_null_with_default",
        before,
        after,
        Dialect::Postgres,
        v11,
    );
}

#[test]
fn not_null_without_default() {
    let before = table("items").null("status", T::Varchar(20));
    let after = table("items").col("status", T::Varchar(20));
    run_case(
        "not_null_without_default",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn add_and_drop_index() {
    let base = || {
        table("events")
            .col("kind", T::Text)
            .col("at", T::Timestamp)
            .col("user_id", T::BigInt)
    };
    let before = base().index(&["kind"]).index(&["user_id", "at"]);
    // Column order matters: (at, user_id) is another index.
    let after = base()
        .index(&["at", "user_id"])
        .unique_index(&["kind", "at"]);
    run_case(
        "add_and_drop_index",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn unique_constraint() {
    let before = table("accounts")
        .col("email", T::Varchar(255))
        .col("tenant", T::Integer)
        .unique(&["email"]);
    let after = table("accounts")
        .col("email", T::Varchar(255))
        .col("tenant", T::Integer)
        .unique(&["tenant", "email"]);
    run_case(
        "unique_constraint",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn fk_change() {
    let before = users();
    let mut after = users();
    after.foreign_keys[0].on_delete = RA::Restrict;
    after.foreign_keys[0].on_update = RA::Cascade;
    run_case(
        "fk_change",
        schema(vec![orgs(), before]),
        schema(vec![orgs(), after]),
    );
}

#[test]
fn add_fk_to_existing_column() {
    let before = table("posts")
        .col("author_id", T::BigInt)
        .col("title", T::Text);
    let after = table("posts")
        .col("author_id", T::BigInt)
        .fk("author_id", "users", RA::Cascade)
        .col("title", T::Text);
    let users = table("users").col("email", T::Text);
    run_case(
        "add_fk_to_existing_column",
        schema(vec![users.clone(), before]),
        schema(vec![users, after]),
    );
}

#[test]
fn check_constraint() {
    let base = || {
        table("products")
            .col(
                "price",
                T::Numeric {
                    precision: 10,
                    scale: 2,
                },
            )
            .col("stock", T::Integer)
    };
    let before = base().check("stock", "stock >= 0");
    let after = base()
        .check("stock", "stock >= 0 AND stock < 100000")
        .check("price", "price > 0");
    run_case(
        "check_constraint",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn fk_cycle() {
    let a = table("teams")
        .null("captain_id", T::BigInt)
        .fk("captain_id", "players", RA::SetNull);
    let b = table("players")
        .col("team_id", T::BigInt)
        .fk("team_id", "teams", RA::Cascade);
    run_case("fk_cycle", Schema::default(), schema(vec![a, b]));
}

#[test]
fn default_change() {
    let before = table("settings")
        .col("level", T::Integer)
        .default(DefaultValue::Int(0))
        .col("label", T::Text)
        .default(DefaultValue::Str("x".into()))
        .col("enabled", T::Boolean);
    let after = table("settings")
        .col("level", T::Integer)
        .default(DefaultValue::Int(1))
        .col("label", T::Text)
        .col("enabled", T::Boolean)
        .default(DefaultValue::Bool(false));
    run_case("default_change", schema(vec![before]), schema(vec![after]));
}

#[test]
fn sqlite_rebuild_preserves_columns() {
    let before = table("notes")
        .col("title", T::Varchar(100))
        .null("body", T::Text)
        .col("views", T::Integer)
        .col("legacy", T::Text)
        .index(&["title"])
        .index(&["legacy"]);
    let after = table("notes")
        .col("title", T::Varchar(200))
        .col("body", T::Text)
        .default(DefaultValue::Str(String::new()))
        .col("views", T::BigInt)
        .col("created_at", T::Timestamp)
        .default(DefaultValue::Sql("CURRENT_TIMESTAMP".into()))
        .index(&["title"])
        .index(&["views"]);
    run_case(
        "sqlite_rebuild_preserves_columns",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn comments() {
    let before = table("docs").col("title", T::Text);
    let after = table("docs")
        .comment("Documents")
        .col("title", T::Text)
        .col_comment("Shown in lists");
    run_case("comments", schema(vec![before]), schema(vec![after]));
}

#[test]
fn primary_key_change() {
    let mut before = table("memberships")
        .col("user_id", T::BigInt)
        .col("group_id", T::BigInt);
    let mut after = before.clone();
    before.primary_key.as_mut().expect("pk").columns = vec!["id".into()];
    after.columns.remove(0);
    after.primary_key.as_mut().expect("pk").columns = vec!["user_id".into(), "group_id".into()];
    run_case(
        "primary_key_change",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn timestamp_tz_and_json_follow_storage() {
    // TimestampTz vs Timestamp and Json vs Text only differ where stored differently.
    let before = table("logs")
        .col("at", T::Timestamp)
        .col("payload", T::Text)
        .col("note", T::Text);
    let after = table("logs")
        .col("at", T::TimestampTz)
        .col("payload", T::Json)
        // Also becomes nullable: only that shows, never a type change.
        .null("note", T::Json);
    run_case(
        "timestamp_tz_and_json_follow_storage",
        schema(vec![before]),
        schema(vec![after]),
    );
}

#[test]
fn primary_key_to_auto_increment() {
    let mut before = table("tags").col("slug", T::Varchar(40));
    before.columns[0].auto_increment = false;
    before.primary_key.as_mut().expect("pk").columns = vec!["slug".into()];
    let after = table("tags")
        .col("slug", T::Varchar(40))
        .unique_index(&["slug"]);
    run_case(
        "primary_key_to_auto_increment",
        schema(vec![before]),
        schema(vec![after]),
    );
}

fn events() -> schema_core::Table {
    table("events")
        .col("kind", T::Varchar(40))
        .null("at", T::Timestamp)
        .col("user_id", T::BigInt)
        .null("payload", T::Json)
}

fn desc() -> KeyOptions {
    KeyOptions {
        desc: true,
        ..KeyOptions::default()
    }
}

#[test]
fn index_sort_order() {
    let mut after = events();
    after.indexes.push(Index {
        name: "ix_events_recent".into(),
        columns: vec!["user_id".into(), "at".into()],
        keys: vec![KeyOptions::default(), desc()],
        ..Index::default()
    });
    run_case(
        "index_sort_order",
        schema(vec![events()]),
        schema(vec![after]),
    );
}

#[test]
fn index_postgres_options() {
    let mut after = events();
    after.indexes.push(Index {
        name: "ix_events_at".into(),
        columns: vec!["at".into(), "kind".into()],
        keys: vec![
            KeyOptions {
                desc: true,
                nulls: Some(NullsOrder::Last),
                prefix: None,
                expression: false,
            },
            KeyOptions {
                nulls: Some(NullsOrder::First),
                ..KeyOptions::default()
            },
        ],
        include: vec!["user_id".into()],
        ..Index::default()
    });
    after.indexes.push(Index {
        name: "ix_events_payload".into(),
        columns: vec!["payload".into()],
        method: Some("gin".into()),
        ..Index::default()
    });
    run_case_on(
        "index_postgres_options",
        schema(vec![events()]),
        schema(vec![after]),
        &[Dialect::Postgres],
    );
}

#[test]
fn partial_index() {
    let mut after = events();
    after.indexes.push(Index {
        name: "uq_events_open_kind".into(),
        columns: vec!["kind".into()],
        unique: true,
        predicate: Some("at IS NULL AND kind <> 'done'".into()),
        ..Index::default()
    });
    run_case_on(
        "partial_index",
        schema(vec![events()]),
        schema(vec![after]),
        &[Dialect::Sqlite, Dialect::Postgres],
    );
}

/// Keys on expressions, beside a column key and with a sort order: written
/// in parentheses, unquoted, as the model has them.
#[test]
fn expression_index() {
    let mut after = events();
    after.indexes.push(Index {
        name: "ix_events_folded".into(),
        columns: vec!["lower(kind)".into(), "at".into()],
        keys: vec![
            KeyOptions {
                expression: true,
                ..KeyOptions::default()
            },
            desc(),
        ],
        ..Index::default()
    });
    after.indexes.push(Index {
        name: "uq_events_day".into(),
        columns: vec!["user_id".into(), "(user_id % 7) + 1".into()],
        unique: true,
        keys: vec![
            KeyOptions::default(),
            KeyOptions {
                expression: true,
                ..KeyOptions::default()
            },
        ],
        ..Index::default()
    });
    run_case_on(
        "expression_index",
        schema(vec![events()]),
        schema(vec![after]),
        &[Dialect::Sqlite, Dialect::Postgres],
    );
}

/// An index rebuilt over a column the same migration renames: its
/// concurrent drop runs ahead of the rename, and its inverse after the
/// downgrade has renamed the column back, so both use the old names.
#[test]
fn index_rebuilt_over_a_renamed_column() {
    let partial = |column: &str, using: Option<&str>| Index {
        name: "ix_events_open".into(),
        columns: vec![column.into()],
        predicate: Some(format!("{column} <> 'done'")),
        method: using.map(Into::into),
        ..Index::default()
    };
    let mut before = events();
    before.indexes.push(partial("kind", None));
    let mut after = table("events")
        .col("category", T::Varchar(40))
        .renamed_from("kind")
        .null("at", T::Timestamp)
        .col("user_id", T::BigInt)
        .null("payload", T::Json);
    after.indexes.push(partial("category", Some("hash")));
    run_case_on(
        "index_rebuilt_over_a_renamed_column",
        schema(vec![before]),
        schema(vec![after]),
        &[Dialect::Postgres],
    );
}

#[test]
fn index_prefix_length() {
    let base = || events().col("title", T::Text);
    let mut after = base();
    after.indexes.push(Index {
        name: "ix_events_title".into(),
        columns: vec!["title".into(), "kind".into()],
        keys: vec![
            KeyOptions {
                prefix: Some(20),
                ..KeyOptions::default()
            },
            desc(),
        ],
        ..Index::default()
    });
    run_case_on(
        "index_prefix_length",
        schema(vec![base()]),
        schema(vec![after]),
        &[Dialect::Mysql],
    );
}

/// A NULLs order that is the dialect's own for the direction is no change,
/// on the dialects that cannot write it as on those that can.
#[test]
fn default_nulls_orders_fold_away() {
    let with = |nulls| {
        let mut t = events();
        t.indexes.push(Index {
            name: "ix_events_at".into(),
            columns: vec!["at".into()],
            keys: vec![KeyOptions {
                desc: true,
                nulls,
                prefix: None,
                expression: false,
            }],
            ..Index::default()
        });
        schema(vec![t])
    };
    let pg = Dialect::Postgres;
    assert!(schema_core::diff::diff(&with(None), &with(Some(NullsOrder::First)), pg).is_empty());
    assert_eq!(
        schema_core::diff::diff(&with(None), &with(Some(NullsOrder::Last)), pg).len(),
        2
    );
    for d in [Dialect::Sqlite, Dialect::Mysql] {
        let natural = with(Some(NullsOrder::Last));
        assert!(d.unsupported_in(&natural).is_empty(), "{d:?}");
        assert!(schema_core::diff::diff(&with(None), &natural, d).is_empty());
        let problems = d.unsupported_in(&with(Some(NullsOrder::First)));
        assert_eq!(problems.len(), 1, "{d:?}: {problems:?}");
        assert!(problems[0].contains("ix_events_at"), "{}", problems[0]);
    }
}

/// What a dialect cannot build is reported per index and attribute.
#[test]
fn unsupported_index_attributes_are_named() {
    let mut t = events();
    t.indexes.push(Index {
        name: "ix_all".into(),
        columns: vec!["kind".into()],
        keys: vec![KeyOptions {
            prefix: Some(4),
            ..KeyOptions::default()
        }],
        include: vec!["user_id".into()],
        method: Some("gist".into()),
        predicate: Some("at IS NULL".into()),
        ..Index::default()
    });
    let s = schema(vec![t]);
    let count = |d: Dialect, what: &str| {
        d.unsupported_in(&s)
            .iter()
            .filter(|m| m.contains(what))
            .count()
    };
    assert_eq!(count(Dialect::Mysql, "partial"), 1);
    assert_eq!(count(Dialect::Sqlite, "partial"), 0);
    assert_eq!(count(Dialect::Postgres, "partial"), 0);
    assert_eq!(count(Dialect::Sqlite, "`include`"), 1);
    assert_eq!(count(Dialect::Postgres, "`include`"), 0);
    assert_eq!(count(Dialect::Mysql, "`gist`"), 1);
    assert_eq!(count(Dialect::Postgres, "`gist`"), 0);
    assert_eq!(count(Dialect::Postgres, "prefix"), 1);
    assert_eq!(count(Dialect::Mysql, "prefix"), 0);
    // What one method can do is not what another can.
    let mut hashed = events();
    hashed.indexes.push(Index {
        include: vec!["user_id".into()],
        method: Some("hash".into()),
        ..Index::new("ix_kind", vec!["kind".into()], false)
    });
    let problems = Dialect::Postgres.unsupported_in(&schema(vec![hashed]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("`hash`, which cannot store `include` columns"),
        "{}",
        problems[0]
    );
    // MariaDB has no functional key parts: the way out is a generated
    // column.
    let mut folded = events();
    folded.indexes.push(Index {
        keys: vec![KeyOptions {
            expression: true,
            ..KeyOptions::default()
        }],
        ..Index::new("ix_folded", vec!["lower(kind)".into()], false)
    });
    let folded = schema(vec![folded]);
    let problems = Dialect::Mysql.unsupported_in(&folded);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("expression key `(lower(kind))`")
            && problems[0].contains("generated column"),
        "{}",
        problems[0]
    );
    assert!(Dialect::Sqlite.unsupported_in(&folded).is_empty());
    assert!(Dialect::Postgres.unsupported_in(&folded).is_empty());
    // `btree` is every dialect's default: no request at all.
    let mut plain = events();
    plain.indexes.push(Index {
        method: Some("BTREE".into()),
        ..Index::new("ix_kind", vec!["kind".into()], false)
    });
    for d in Dialect::ALL {
        assert!(d.unsupported_in(&schema(vec![plain.clone()])).is_empty());
    }
}

/// PostgreSQL reports a predicate with its own parentheses and casts; it
/// still is the model's predicate, and a different literal is not.
#[test]
fn predicates_compare_after_the_servers_rewriting() {
    let with = |p: &str| {
        let mut t = events();
        t.indexes.push(Index {
            predicate: Some(p.into()),
            ..Index::new("ix_kind", vec!["kind".into()], false)
        });
        schema(vec![t])
    };
    let pg = Dialect::Postgres;
    let model = with("at IS NULL AND kind <> 'done'");
    let reported = with("((at IS NULL) AND ((kind)::text <> 'done'::text))");
    assert!(schema_core::diff::diff(&reported, &model, pg).is_empty());
    let pretty = with("at IS NULL AND kind::text <> 'done'::text");
    assert!(schema_core::diff::diff(&pretty, &model, pg).is_empty());
    let other = with("((at IS NULL) AND ((kind)::text <> 'Done'::text))");
    let ops = schema_core::diff::diff(&other, &model, pg);
    assert_eq!(ops.len(), 2, "{ops:?}");
    // The drop names the database's spelling, to copy into the model.
    assert!(
        ops[0].describe().contains("'Done'::text"),
        "{}",
        ops[0].describe()
    );
}

/// Renaming a column carries it into the index's `include` list and
/// predicate.
#[test]
fn a_renamed_column_follows_into_include_and_predicate() {
    let before = {
        let mut t = events();
        t.indexes.push(Index {
            include: vec!["user_id".into()],
            predicate: Some("user_id > 0".into()),
            ..Index::new("ix_kind", vec!["kind".into()], false)
        });
        t
    };
    let mut after = before.clone();
    let c = after
        .columns
        .iter_mut()
        .find(|c| c.name == "user_id")
        .unwrap();
    c.name = "owner_id".into();
    c.renamed_from = Some("user_id".into());
    after.indexes[0].include = vec!["owner_id".into()];
    after.indexes[0].predicate = Some("owner_id > 0".into());
    let ops = schema_core::diff::diff(
        &schema(vec![before]),
        &schema(vec![after]),
        Dialect::Postgres,
    );
    assert_eq!(ops.len(), 1, "only the rename: {ops:?}");
}

fn ticket_status(values: &[&str]) -> T {
    T::Enum(schema_core::EnumType::new(
        "ticket_status",
        values.iter().copied(),
    ))
}

fn tickets() -> schema_core::Table {
    table("tickets").col("title", T::Text)
}

#[test]
fn enum_table_created() {
    run_case(
        "enum_table_created",
        Schema::default(),
        schema(vec![tickets()
            .col("status", ticket_status(&["open", "closed"]))
            .default(DefaultValue::Str("open".into()))]),
    );
}

#[test]
fn enum_column_added() {
    run_case(
        "enum_column_added",
        schema(vec![tickets()]),
        schema(vec![
            tickets().null("status", ticket_status(&["open", "it's closed"]))
        ]),
    );
}

/// One value before the first, one between two, one at the end.
#[test]
fn enum_values_added() {
    let with = |values: &[&str]| {
        schema(vec![tickets()
            .col("status", ticket_status(values))
            .default(DefaultValue::Str("open".into()))])
    };
    run_case(
        "enum_values_added",
        with(&["open", "closed"]),
        with(&["new", "open", "pending", "closed", "archived"]),
    );
}

#[test]
fn enum_value_removed() {
    let with = |values: &[&str]| {
        schema(vec![
            tickets()
                .col("status", ticket_status(values))
                .default(DefaultValue::Str("open".into())),
            table("archive").null("status", ticket_status(values)),
        ])
    };
    run_case(
        "enum_value_removed",
        with(&["open", "pending", "closed"]),
        with(&["open", "closed"]),
    );
}

#[test]
fn enum_column_dropped_with_its_type() {
    run_case(
        "enum_column_dropped_with_its_type",
        schema(vec![
            tickets().col("status", ticket_status(&["open", "closed"]))
        ]),
        schema(vec![tickets()]),
    );
}

#[test]
fn text_column_becomes_enum() {
    run_case(
        "text_column_becomes_enum",
        schema(vec![tickets().col("status", T::Text)]),
        schema(vec![
            tickets().col("status", ticket_status(&["open", "closed"]))
        ]),
    );
}

/// MySQL refuses to drop the index a foreign key uses, even to create it
/// again at once: redefined under its own name, it is renamed out of the
/// way, the new one is created, and the old one dropped last (and the
/// other way round in the down section).
#[test]
fn index_a_foreign_key_uses_redefined_under_its_name() {
    let index = |keys: Vec<KeyOptions>| Index {
        name: "ix_events_user_id".into(),
        columns: vec!["user_id".into()],
        keys,
        ..Index::default()
    };
    let users = table("users").col("name", T::Varchar(40));
    let with = |keys| {
        let mut t = events().fk("user_id", "users", RA::Cascade);
        t.indexes.push(index(keys));
        t
    };
    run_case_on(
        "index_a_foreign_key_uses_redefined_under_its_name",
        schema(vec![users.clone(), with(vec![])]),
        schema(vec![users, with(vec![desc()])]),
        &[Dialect::Mysql, Dialect::Postgres],
    );
}

/// Array columns (PostgreSQL): created with their element types and an
/// SQL default, one added, one's element type widened.
#[test]
fn array_columns() {
    let array = |ty: T| T::Array(Box::new(ty));
    let posts = || {
        table("posts")
            .col("tags", array(T::Text))
            .default(DefaultValue::Sql("'{}'".into()))
            .null("labels", array(T::Varchar(20)))
    };
    run_case_on(
        "array_columns_created",
        schema(vec![]),
        schema(vec![posts()]),
        &[Dialect::Postgres],
    );
    let mut after = table("posts")
        .col("tags", array(T::Text))
        .default(DefaultValue::Sql("'{}'".into()))
        .null("labels", array(T::Varchar(40)))
        .null("scores", array(T::Integer));
    after.indexes.push(Index {
        name: "ix_posts_tags".into(),
        columns: vec!["tags".into()],
        method: Some("gin".into()),
        ..Index::default()
    });
    run_case_on(
        "array_columns_changed",
        schema(vec![posts()]),
        schema(vec![after]),
        &[Dialect::Postgres],
    );
}

/// A column's collation, created and changed, in each dialect's own names
/// (SQLite's built-ins, PostgreSQL's `C` and `POSIX`, a MariaDB one).
#[test]
fn column_collation() {
    for (d, first, then) in [
        (Dialect::Sqlite, "NOCASE", "RTRIM"),
        (Dialect::Postgres, "C", "POSIX"),
        (Dialect::Mysql, "utf8mb4_bin", "utf8mb4_general_ci"),
    ] {
        let users = |collation: &str| {
            let mut t = table("users").col("email", T::Varchar(80));
            t.columns.last_mut().expect("a column").collation = Some(collation.into());
            t
        };
        run_case_on(
            "column_collation_created",
            schema(vec![]),
            schema(vec![users(first)]),
            &[d],
        );
        run_case_on(
            "column_collation_changed",
            schema(vec![users(first)]),
            schema(vec![users(then)]),
            &[d],
        );
    }
}

/// Generated columns: created; then an expression changed, a plain column
/// made generated (its index goes and comes back where the column is made
/// again) and a generated one made plain (its values kept).
#[test]
fn generated_columns() {
    for d in Dialect::ALL {
        // PostgreSQL 15 stores every generated column.
        let virtual_ = d != Dialect::Postgres;
        let items = |total: &str, label_generated: bool, code_generated: bool| {
            let mut t = table("items")
                .col("price", T::Double)
                .col("qty", T::Integer)
                .col("name", T::Text)
                .null("total", T::Double)
                .generated(total, true)
                .null("label", T::Text);
            if label_generated {
                t = t.generated("upper(name)", !virtual_);
            }
            t = t.null("code", T::Text);
            if code_generated {
                t = t.generated("lower(name)", !virtual_);
            }
            t.index(&["label"])
        };
        run_case_on(
            "generated_columns_created",
            schema(vec![]),
            schema(vec![items("price * qty", false, true)]),
            &[d],
        );
        run_case_on(
            "generated_columns_changed",
            schema(vec![items("price * qty", false, true)]),
            schema(vec![items("price * qty * 2", true, false)]),
            &[d],
        );
    }
}
