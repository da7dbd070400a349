//! The whole Alembic workflow on SQLite: autogenerate, upgrade, downgrade,
//! current, stamp, check, diff, and the errors a user can hit on the way.

use crate::support::{project, TestProject};

const V1: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "orgs")]
pub struct Org {
    pub id: i64,
    #[model(max_length = 100, unique)]
    pub name: String,
}

#[derive(Model)]
#[model(table = "users")]
#[model(index(fields = ["org_id", "email"]))]
pub struct User {
    pub id: i64,
    #[model(max_length = 255)]
    pub email: String,
    pub display_name: Option<String>,
    #[model(references = "orgs.id", on_delete = "cascade")]
    pub org_id: i64,
    #[model(default = true)]
    pub active: bool,
}
"#;

/// V1 with a new column, a nullable column made NOT NULL with a default, a
/// renamed column and a dropped index.
const V2: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "orgs")]
pub struct Org {
    pub id: i64,
    #[model(max_length = 100, unique)]
    pub name: String,
}

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[model(max_length = 255)]
    pub email: String,
    #[model(default = "anonymous", renamed_from = "display_name", column = "nickname")]
    pub nickname: String,
    #[model(references = "orgs.id", on_delete = "cascade")]
    pub org_id: i64,
    #[model(default = true)]
    pub active: bool,
    #[model(default = 0)]
    pub logins: i32,
}
"#;

/// Every table and index definition, in a stable order.
const SCHEMA_SQL: &str =
    "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_revisions' ORDER BY type, name";

fn shop(models: &str) -> TestProject {
    let p = project("shop")
        .file("src/lib.rs", "pub mod models;\n")
        .file("src/models.rs", models)
        .build();
    p.schema(&["init"]).ok();
    p
}

#[test]
fn autogenerate_upgrade_change_downgrade_round_trip() {
    let p = shop(V1);
    // Read-only commands never create the database file.
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok()
        .says("database: sqlite")
        .says("created migrations/");
    assert!(
        !p.path().join("app.db").exists(),
        "autogenerate must not create the DB"
    );
    let (_, first) = p.migration("initial");
    assert!(first.contains("CREATE TABLE"), "{first}");
    assert!(
        first.find("\"orgs\"").unwrap() < first.find("\"users\"").unwrap(),
        "parents are created before children:\n{first}"
    );
    assert!(first.contains("-- migrate:down"), "{first}");

    p.schema(&["upgrade"]).ok().says("initial");
    assert!(p.path().join("app.db").exists());
    let v1_schema = p.sqlite(SCHEMA_SQL);
    p.schema(&["check"]).ok();
    p.schema(&["revision", "--autogenerate", "-m", "nothing"])
        .ok()
        .says("no changes detected");
    assert_eq!(p.migrations().len(), 1);

    p.sqlite("INSERT INTO orgs (name) VALUES ('acme'); INSERT INTO users (email, display_name, org_id) VALUES ('a@x', NULL, 1), ('b@x', 'bee', 1);");

    p.write("src/models.rs", V2);
    p.schema(&["check"]).code(1).says("logins");
    p.schema(&["diff"]).ok().says("logins");
    p.schema(&["revision", "--autogenerate", "-m", "users v2"])
        .ok()
        .says("created");
    let (_, second) = p.migration("users v2");
    assert!(
        second.contains("RENAME COLUMN") || second.contains("\"nickname\""),
        "{second}"
    );
    assert!(
        second.contains("IS NULL"),
        "NULLs are backfilled before NOT NULL:\n{second}"
    );
    p.schema(&["upgrade"]).ok();
    p.schema(&["check"]).ok();
    p.schema(&["revision", "--autogenerate", "-m", "again"])
        .ok()
        .says("no changes detected");

    // Data in untouched and renamed columns survived; the backfill happened.
    assert_eq!(
        p.sqlite("SELECT email || ':' || nickname || ':' || logins FROM users ORDER BY id"),
        "a@x:anonymous:0\nb@x:bee:0"
    );

    // Back down: the schema returns to exactly v1, DDL text included.
    p.schema(&["downgrade"]).ok();
    assert_eq!(p.sqlite(SCHEMA_SQL), v1_schema);
    assert_eq!(
        p.sqlite("SELECT email || ':' || coalesce(display_name, 'NULL') FROM users ORDER BY id"),
        "a@x:anonymous\nb@x:bee"
    );
    p.schema(&["downgrade", "base"]).ok();
    assert_eq!(
        p.sqlite(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'orgs')"
        ),
        "0"
    );
}

#[test]
fn current_stamp_and_json() {
    let p = shop(V1);
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["revision", "-m", "by hand"]).ok();
    let json = p.schema(&["--format", "json", "current"]).ok().json();
    assert_eq!(json["pending"].as_array().unwrap().len(), 2, "{json}");
    assert_eq!(json["current"].as_array().unwrap().len(), 0, "{json}");

    p.schema(&["upgrade", "+1"]).ok();
    let json = p.schema(&["--format", "json", "current"]).ok().json();
    assert_eq!(json["pending"].as_array().unwrap().len(), 1, "{json}");

    // Stamp without running SQL, then the version table says head.
    p.schema(&["stamp", "head"]).ok();
    p.schema(&["current"]).ok().says("(head)");
    p.schema(&["stamp", "base"]).ok();
    let json = p.schema(&["--format", "json", "current"]).ok().json();
    assert_eq!(json["current"].as_array().unwrap().len(), 0, "{json}");
    // The tables created by the first upgrade are still there: stamp ran no SQL.
    assert_eq!(
        p.sqlite("SELECT count(*) FROM sqlite_master WHERE name = 'users'"),
        "1"
    );
}

#[test]
fn upgrade_sql_prints_without_connecting() {
    let p = shop(V1);
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    let run = p
        .schema(&["upgrade", "--sql"])
        .ok()
        .says("CREATE TABLE")
        .says("schema_revisions");
    assert!(
        !p.path().join("app.db").exists(),
        "--sql must not connect\n{run}"
    );
}

#[test]
fn autogenerate_refuses_when_the_database_is_behind() {
    let p = shop(V1);
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["revision", "--autogenerate", "-m", "again"])
        .code(1)
        .says("not at head")
        .says("cargo schema upgrade");
}

#[test]
fn a_failing_migration_rolls_back_and_names_the_statement() {
    let p = shop(V1);
    p.schema(&["revision", "-m", "bad"]).ok();
    let (path, text) = p.migration("bad");
    let text = text.replace(
        "-- migrate:up\n",
        "-- migrate:up\nCREATE TABLE t1 (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n",
    );
    std::fs::write(&path, text).unwrap();
    p.schema(&["upgrade"])
        .code(1)
        .says("no such table: missing_table")
        .says(":");
    assert_eq!(
        p.sqlite("SELECT count(*) FROM sqlite_master WHERE name = 't1'"),
        "0",
        "the migration's first statement was rolled back"
    );
}

#[test]
fn edited_applied_file_is_reported_and_rehash_accepts_it() {
    let p = shop(V1);
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["upgrade"]).ok();
    let (path, text) = p.migration("initial");
    // Cosmetic edits (CRLF, trailing spaces) do not count as changes.
    std::fs::write(&path, text.replace('\n', "  \r\n")).unwrap();
    p.schema(&["current"]).ok().never_says("checksum");
    std::fs::write(
        &path,
        text.replace("-- migrate:down", "SELECT 1;\n\n-- migrate:down"),
    )
    .unwrap();
    p.schema(&["current"]).ok().says("checksum");
    p.schema(&["upgrade", "--strict"]).code(1).says("checksum");
    let rev = text
        .lines()
        .find_map(|l| l.strip_prefix("-- revision: "))
        .unwrap()
        .trim()
        .to_string();
    p.schema(&["stamp", "--rehash", &rev]).ok();
    p.schema(&["upgrade", "--strict"]).ok();
}

#[test]
fn unknown_targets_and_a_database_ahead_of_the_files_are_explained() {
    let p = shop(V1);
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["upgrade", "feedbeef"]).code(1).says("feedbeef");
    p.schema(&["upgrade", "zz"]).code(1).says("zz");
    p.schema(&["upgrade"]).ok();
    // The applied revision's file disappears (another branch's deploy, a bad merge).
    let (path, text) = p.migration("initial");
    std::fs::remove_file(&path).unwrap();
    p.schema(&["revision", "-m", "other root"]).ok();
    let rev = text
        .lines()
        .find_map(|l| l.strip_prefix("-- revision: "))
        .unwrap()
        .trim()
        .to_string();
    p.schema(&["current"]).ok().says(&rev);
    p.schema(&["upgrade", "--strict"]).code(1).says(&rev);
}

#[test]
fn no_models_never_drops_every_table_unless_asked() {
    let p = shop(V1);
    p.schema(&["revision", "--autogenerate", "-m", "initial"])
        .ok();
    p.schema(&["upgrade"]).ok();
    // The models vanish (a wrong package, a moved module): autogenerate
    // must not turn that into a migration dropping everything.
    p.write("src/models.rs", "// no models here any more\n");
    let before = p.migrations().len();
    p.schema(&["revision", "--autogenerate", "-m", "oops"])
        .code(1)
        .says("no models found")
        .says("src/lib.rs")
        .says("orgs, users")
        .says("--allow-drop-all");
    p.schema(&["check"]).code(1).says("no models found");
    assert_eq!(p.migrations().len(), before, "nothing written");
    p.schema(&[
        "revision",
        "--autogenerate",
        "--allow-drop-all",
        "-m",
        "drop everything",
    ])
    .ok();
    let (_, text) = p.migration("drop everything");
    assert!(text.contains("DROP TABLE"), "{text}");
}
