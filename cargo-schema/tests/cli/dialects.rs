//! One history for several databases (`dialects = [...]`): a project
//! develops on SQLite through several revisions — a rename, NOT NULL with a
//! backfill, a new table with a foreign key, types SQLite stores alike, a
//! hand-written migration — then deploys the same files to PostgreSQL and
//! MariaDB, where autogenerate finds nothing and `downgrade base` empties
//! the schema.

use schema_runtime::Connection;

use crate::support::{project, Scratch, TestProject};

const CONFIG: &str = "dialects = [\"sqlite\", \"postgres\", \"mysql\"]\n";

const V1: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[model(max_length = 200, unique)]
    pub email: String,
    pub nickname: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
"#;

/// The email column renamed, a posts table with a foreign key and a JSON
/// column (SQLite stores JSON as TEXT and TIMESTAMPTZ as TIMESTAMP).
const V2: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[model(max_length = 200, unique, renamed_from = "email")]
    pub email_address: String,
    pub nickname: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    pub id: i64,
    #[model(references = "users.id", on_delete = "cascade", index)]
    pub author_id: i64,
    pub meta: serde_json::Value,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}
"#;

/// `nickname` becomes NOT NULL (the file gets a backfill by hand).
fn v3() -> String {
    V2.replace(
        "pub nickname: Option<String>,",
        "#[model(max_length = 40)]\n    pub nickname: String,",
    )
}

/// The index a hand-written migration created, now declared.
fn v4() -> String {
    v3().replace(
        "#[model(table = \"users\")]",
        "#[model(table = \"users\")]\n#[model(index(fields = [\"nickname\"], name = \"ix_users_nick\"))]",
    )
}

/// A new column, so autogenerate writes a revision (and records the
/// hand-written index in its state).
fn v5() -> String {
    v4().replace(
        "pub published_at",
        "pub title: Option<String>,\n    pub published_at",
    )
}

fn autogenerate(p: &TestProject, message: &str) -> String {
    p.schema(&["revision", "--autogenerate", "-m", message])
        .ok()
        .says("created");
    p.migration(message).1
}

/// Sections of a file, by marker line.
fn section<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text
        .find(&format!("-- migrate:{marker}\n"))
        .unwrap_or_else(|| panic!("no `-- migrate:{marker}` in\n{text}"));
    let rest = &text[start + marker.len() + 12..];
    &rest[..rest.find("\n-- migrate:").unwrap_or(rest.len())]
}

fn execute(url: &str, sql: &str) {
    let mut conn = Connection::establish(url).expect("connect");
    conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The project's files, developed on SQLite.
fn develop_on_sqlite() -> TestProject {
    let p = project("multi")
        .config(CONFIG)
        .file("src/lib.rs", V1)
        .build();
    let dev = p.db_url();
    let env = [("DATABASE_URL", dev.as_str())];

    let first = autogenerate(&p, "add users");
    // The SQLite section is SQLite's SQL, the others their own.
    assert!(
        section(&first, "up sqlite").contains("AUTOINCREMENT"),
        "{first}"
    );
    assert!(
        section(&first, "up postgres").contains("\"created_at\" TIMESTAMPTZ NOT NULL"),
        "{first}"
    );
    assert!(
        section(&first, "up mysql").contains("`created_at` DATETIME(6) NOT NULL"),
        "{first}"
    );
    assert!(first.contains("-- migrate:state\n"), "{first}");
    p.schema_env(&["upgrade"], &env).ok();
    p.sqlite("INSERT INTO users (email, nickname, created_at) VALUES ('a@x', NULL, '2026-01-01 00:00:00');");

    p.write("src/lib.rs", V2);
    let second = autogenerate(&p, "posts and rename");
    // Recorded state, not SQLite's introspection, says what the new
    // table's types are elsewhere; the rename is a rename everywhere.
    assert!(
        section(&second, "up postgres").contains("\"meta\" JSONB NOT NULL"),
        "{second}"
    );
    assert!(
        section(&second, "up mysql").contains("`meta` JSON NOT NULL"),
        "{second}"
    );
    assert!(
        section(&second, "up postgres").contains("RENAME COLUMN \"email\" TO \"email_address\""),
        "{second}"
    );
    assert!(
        section(&second, "down postgres").contains("RENAME COLUMN \"email_address\" TO \"email\""),
        "{second}"
    );
    assert!(
        !second.contains("TIMESTAMPTZ NOT NULL,\n"),
        "created_at is not touched:\n{second}"
    );
    p.schema_env(&["upgrade"], &env).ok();

    p.write("src/lib.rs", &v3());
    let (path, third) = {
        autogenerate(&p, "nickname required");
        p.migration("nickname required")
    };
    // The backfill a person adds before the NOT NULL, in each section.
    let mut edited = third.clone();
    for d in ["sqlite", "postgres", "mysql"] {
        let marker = format!("-- migrate:up {d}\n");
        edited = edited.replace(
            &marker,
            &format!("{marker}UPDATE users SET nickname = 'anon' WHERE nickname IS NULL;\n"),
        );
    }
    std::fs::write(&path, edited).expect("edit the migration");
    p.schema_env(&["upgrade"], &env).ok();
    assert_eq!(p.sqlite("SELECT nickname FROM users;"), "anon");

    // A hand-written migration: portable SQL, and MySQL's own spelling of
    // the drop; the model declares the index afterwards.
    p.schema(&["revision", "-m", "nick index"]).ok();
    let (path, text) = p.migration("nick index");
    let mut text = text
        .replace(
            "-- migrate:up\n",
            "-- migrate:up\nCREATE INDEX ix_users_nick ON users (nickname);\n",
        )
        .replace(
            "-- migrate:down\n",
            "-- migrate:down\nDROP INDEX ix_users_nick;\n",
        );
    text.push_str(
        "\n-- migrate:up mysql\nCREATE INDEX ix_users_nick ON users (nickname);\n\n-- migrate:down mysql\nDROP INDEX ix_users_nick ON users;\n",
    );
    std::fs::write(&path, text).expect("write the hand-written migration");
    p.schema_env(&["upgrade"], &env).ok();
    p.write("src/lib.rs", &v4());
    // The index is in the database and the model, not in the recorded
    // state: nothing to migrate, and autogenerate says what it could not
    // account for.
    p.schema(&["revision", "--autogenerate", "-m", "nothing"])
        .ok()
        .says("no changes detected")
        .says("users: the database differs from the state the migrations record")
        .says("ix_users_nick");

    p.write("src/lib.rs", &v5());
    let fifth = autogenerate(&p, "post titles");
    assert!(
        fifth.contains("-- NOTE: users: the database differs"),
        "{fifth}"
    );
    assert!(
        fifth.contains("ix_users_nick"),
        "the state records the index:\n{fifth}"
    );
    p.schema_env(&["upgrade"], &env).ok();
    // Recorded now: the next autogenerate is quiet.
    p.schema(&["revision", "--autogenerate", "-m", "nothing"])
        .ok()
        .says("no changes detected")
        .never_says("differs");
    p.schema(&["check"]).ok();
    p
}

/// The same files on a server: upgrade, nothing left to generate, data
/// through the backfill, and back to base.
fn deploy(p: &TestProject, url: &str) {
    let env = [("DATABASE_URL", url)];
    p.schema_env(&["upgrade", "head"], &env).ok().says("now at");
    p.schema_env(&["revision", "--autogenerate", "-m", "nothing"], &env)
        .ok()
        .says("no changes detected")
        .never_says("differs");
    p.schema_env(&["check"], &env).ok();
    execute(url, "INSERT INTO users (email_address, nickname, created_at) VALUES ('b@x', 'b', '2026-02-01 00:00:00')");
    p.schema_env(&["downgrade", "base"], &env).ok();
    p.schema_env(&["upgrade", "head"], &env).ok();
    p.schema_env(&["downgrade", "base"], &env).ok();
    p.schema_env(&["current"], &env).ok().says("base");
}

#[test]
fn one_history_developed_on_sqlite_deploys_to_postgres_and_mariadb() {
    let p = develop_on_sqlite();
    let pg = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "dialects");
    let my = Scratch::create("SCHEMA_TEST_MYSQL_URL", "dialects");
    for db in [pg.as_ref(), my.as_ref()].into_iter().flatten() {
        deploy(&p, &db.url);
    }
    // And back on SQLite, down to base.
    let dev = p.db_url();
    p.schema_env(&["downgrade", "base"], &[("DATABASE_URL", dev.as_str())])
        .ok();
}

#[test]
fn a_file_without_sql_for_the_database_is_named_with_the_dialects_it_has() {
    let p = project("multi_missing")
        .config("dialects = [\"sqlite\", \"postgres\"]\n")
        .file("src/lib.rs", V1)
        .build();
    autogenerate(&p, "add users");
    let Some(my) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "dialects") else {
        // The `--sql` script needs no server.
        p.schema(&["upgrade", "--sql", "--database-url", "mysql://u@h/db"])
            .code(1)
            .says("has SQL for sqlite, postgres only, not for mysql");
        return;
    };
    p.schema_env(&["upgrade"], &[("DATABASE_URL", my.url.as_str())])
        .code(1)
        .says("add_users.sql")
        .says("has SQL for sqlite, postgres only, not for mysql");
}

#[test]
fn a_database_the_dialects_do_not_list_is_refused_before_writing() {
    let p = project("multi_unlisted")
        .config("dialects = [\"postgres\", \"mysql\"]\n")
        .file("src/lib.rs", V1)
        .build();
    p.schema(&["revision", "--autogenerate", "-m", "add users"])
        .code(1)
        .says("the database is sqlite, which `dialects` (postgres, mysql) does not list");
    assert!(p.migrations().is_empty());
    let p = project("multi_typo")
        .config("dialects = [\"sqlite\", \"postgress\"]\n")
        .file("src/lib.rs", V1)
        .build();
    p.schema(&["revision", "--autogenerate", "-m", "add users"])
        .code(1)
        .says("[metadata.schema] key `dialects`: unknown SQL dialect `postgress`");
}

#[test]
fn upgrade_sql_prints_the_section_of_the_dialect_asked_for() {
    let p = project("multi_sql")
        .config(CONFIG)
        .file("src/lib.rs", V1)
        .build();
    autogenerate(&p, "add users");
    p.schema(&["upgrade", "--sql", "--database-url", "postgres://u@h/db"])
        .ok()
        .says("GENERATED BY DEFAULT AS IDENTITY")
        .never_says("AUTOINCREMENT");
    p.schema(&["upgrade", "--sql", "--database-url", "mysql://u@h/db"])
        .ok()
        .says("AUTO_INCREMENT")
        .never_says("IDENTITY");
    p.schema(&["show", "head"])
        .ok()
        .says("-- migrate:up sqlite\n")
        .says("-- migrate:down postgres\n")
        .says("-- migrate:up mysql\n");
    // `diff` and `check` compare like autogenerate: every dialect's SQL.
    p.schema(&["upgrade"]).ok();
    p.write("src/lib.rs", V2);
    p.schema(&["diff"])
        .ok()
        // PostgreSQL's section in its lock-safe forms: the rename under
        // its expand/contract WARNING.
        .says("-- migrate:up postgres\n-- WARNING: renaming users.email to email_address breaks")
        .says("\nALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"email_address\";\n")
        .says("\"meta\" JSONB NOT NULL")
        .says("-- migrate:up mysql\n");
    p.schema(&["check"])
        .code(1)
        .says("the models differ from the database");
    let json = p.schema(&["check", "--format", "json"]).code(1).json();
    assert_eq!(json["changes"], true, "{json}");
    assert!(
        json["dialects"]["mysql"]["up"]
            .as_str()
            .unwrap()
            .contains("`meta` JSON NOT NULL"),
        "{json}"
    );
}
