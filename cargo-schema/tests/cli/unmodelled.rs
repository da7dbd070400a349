//! What models cannot express, through the binary on SQLite: a view, a
//! trigger, a generated column and a partial index added by hand are left
//! alone by `check` and autogenerate, and a change they would block or lose
//! is written with a warning that names them.

use crate::support::project;

const MODELS: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "orgs")]
pub struct Org {
    pub id: i64,
    #[model(max_length = 100)]
    pub name: String,
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
}
"#;

/// What the database holds beside the models, written by hand.
const BY_HAND: &str = "\
    CREATE VIEW active_users AS SELECT email FROM users WHERE active; \
    CREATE TRIGGER orgs_touch AFTER UPDATE ON orgs BEGIN SELECT 1; END; \
    ALTER TABLE orgs ADD COLUMN slug TEXT GENERATED ALWAYS AS (lower(name)) VIRTUAL; \
    CREATE INDEX ix_users_active_email ON users (email) WHERE active;";

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
    // has the trigger and the generated column): warned, by name.
    p.write("src/models.rs", WITHOUT_USERS);
    p.schema(&["revision", "--autogenerate", "-m", "drop users"])
        .ok()
        .says("view active_users, depends on users: dropping table users fails or leaves it broken")
        .says("trigger orgs_touch on orgs is lost when table orgs is rebuilt")
        .says("generated column slug on orgs (VIRTUAL) is lost when table orgs is rebuilt")
        .says("index ix_users_active_email on users (partial) goes with table users");
    let (_, file) = p.migration("drop users");
    assert!(
        file.contains("-- WARNING: view active_users, depends on users"),
        "{file}"
    );
    // Never dropped by autogenerate itself.
    assert!(!file.contains("DROP VIEW"), "{file}");
    assert!(!file.contains("DROP TRIGGER"), "{file}");
    assert!(
        !file.contains("DROP INDEX \"ix_users_active_email\""),
        "{file}"
    );
}
