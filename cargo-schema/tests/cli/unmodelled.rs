//! What models cannot express, through the binary on SQLite: a view, a
//! trigger and an expression index added by hand are left alone by `check`
//! and autogenerate, and a change they would block or lose is written with
//! a warning that names them. A generated column of the models is kept by
//! a rebuild.

use crate::support::project;

const MODELS: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "orgs")]
pub struct Org {
    pub id: i64,
    #[model(max_length = 100)]
    pub name: String,
    #[model(generated = "lower(name)")]
    pub slug: Option<String>,
}

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[model(max_length = 255)]
    pub email: String,
    #[model(references = "orgs.id")]
    pub org_id: i64,
    #[model(default = true)]
    pub active: bool,
}
"#;

/// `MODELS` without `users`, and with `orgs.name` made nullable (a rebuild
/// on SQLite).
const WITHOUT_USERS: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "orgs")]
pub struct Org {
    pub id: i64,
    #[model(max_length = 100)]
    pub name: Option<String>,
    #[model(generated = "lower(name)")]
    pub slug: Option<String>,
}
"#;

/// What the database holds beside the models, written by hand.
const BY_HAND: &str = "\
    CREATE VIEW active_users AS SELECT email FROM users WHERE active; \
    CREATE TRIGGER orgs_touch AFTER UPDATE ON orgs BEGIN SELECT 1; END; \
    CREATE INDEX ix_users_email_nocase ON users (email COLLATE NOCASE);";

#[test]
fn objects_models_cannot_express_are_left_alone_and_named_in_warnings() {
    let p = project("shop")
        .file("src/lib.rs", "pub mod models;\n")
        .file("src/models.rs", MODELS)
        .build();
    p.schema(&["init"]).ok();
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["upgrade"]).ok();
    p.sqlite(BY_HAND);

    // Nothing to do: none of them is a change to make.
    p.schema(&["check"])
        .ok()
        .says("no changes detected")
        .never_says("active_users");
    p.schema(&["revision", "--autogenerate", "-m", "nothing"])
        .ok()
        .says("no changes detected; no migration written");

    // Dropping `users` (which the view reads) and rebuilding `orgs` (which
    // has the trigger and the generated column): warned, by name; the
    // trigger is kept around the rebuild, the generated column is part of
    // the new table.
    p.write("src/models.rs", WITHOUT_USERS);
    p.schema(&["revision", "--autogenerate", "-m", "drop users"])
        .ok()
        .says("view active_users, depends on users: dropping table users fails or leaves it broken")
        .never_says("trigger orgs_touch on orgs is lost")
        .never_says("slug")
        .says("index ix_users_email_nocase on users (collation) goes with table users");
    let (_, file) = p.migration("drop users");
    assert!(
        file.contains("-- WARNING: view active_users, depends on users"),
        "{file}"
    );
    // Never dropped for good by autogenerate: the view stays, and the
    // trigger is dropped only to come back after the rebuild.
    assert!(!file.contains("DROP VIEW"), "{file}");
    let up = &file[..file.find("-- migrate:down").unwrap()];
    let dropped = up
        .find("DROP TRIGGER IF EXISTS \"orgs_touch\"")
        .expect(&file);
    let created = up.find("CREATE TRIGGER orgs_touch").expect(&file);
    assert!(dropped < created, "{file}");
    assert!(
        up.contains(r#""slug" TEXT GENERATED ALWAYS AS (lower(name)) VIRTUAL"#),
        "{file}"
    );
    assert!(
        !file.contains("DROP INDEX \"ix_users_email_nocase\""),
        "{file}"
    );
}

/// SQLite's rebuild of a table that views and triggers use: they are
/// dropped before and created again after, in both directions, and keep
/// working (before, the final RENAME failed: `error in view v_items: no
/// such table: main.items`).
#[test]
fn a_sqlite_rebuild_keeps_the_views_and_triggers_around_the_table() {
    const ITEMS: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "items")]
pub struct Item {
    pub id: i64,
    #[model(max_length = 40)]
    pub name: String,
    pub qty: i32,
}

#[derive(Model)]
#[model(table = "audit")]
pub struct Audit {
    pub id: i64,
    #[model(max_length = 40)]
    pub what: String,
}
"#;
    let p = project("rebuild_views").file("src/lib.rs", ITEMS).build();
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["upgrade"]).ok();
    p.sqlite(
        "CREATE VIEW v_items AS SELECT id, name FROM items; \
         CREATE VIEW v_named AS SELECT name FROM v_items; \
         CREATE TRIGGER items_audit AFTER INSERT ON items BEGIN INSERT INTO audit (what) VALUES (NEW.name); END; \
         CREATE TRIGGER audit_count AFTER INSERT ON audit BEGIN SELECT count(*) FROM items; END; \
         INSERT INTO items (name, qty) VALUES ('a', 1);",
    );
    // `qty` becomes nullable: a rebuild of `items` on SQLite.
    p.write(
        "src/lib.rs",
        &ITEMS.replace("pub qty: i32,", "pub qty: Option<i32>,"),
    );
    p.schema(&["revision", "--autogenerate", "-m", "qty optional"])
        .ok()
        .never_says("is lost when table items is rebuilt");
    let (_, file) = p.migration("qty optional");
    assert!(file.contains("DROP VIEW IF EXISTS \"v_named\""), "{file}");
    p.schema(&["upgrade"]).ok();
    let objects = "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY name);";
    assert_eq!(p.sqlite(objects), "audit_count,items_audit,v_items,v_named");
    p.sqlite("INSERT INTO items (name, qty) VALUES ('b', 2);");
    assert_eq!(p.sqlite("SELECT group_concat(name) FROM v_named;"), "a,b");
    assert_eq!(p.sqlite("SELECT group_concat(what) FROM audit;"), "a,b");
    p.schema(&["downgrade"]).ok();
    assert_eq!(p.sqlite(objects), "audit_count,items_audit,v_items,v_named");
    p.schema(&["check"]).code(1);
    p.schema(&["upgrade"]).ok();
    p.schema(&["check"]).ok();
}
