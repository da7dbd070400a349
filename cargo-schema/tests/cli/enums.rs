//! Enum columns through the real binary on SQLite, PostgreSQL and
//! MariaDB: autogenerate, upgrade, the fixpoint, a value added, and
//! downgrades that restore the catalog.

use crate::support::{execute, models_project, psql, revision_of, Scratch, TestProject};

const V1: &str = r#"
use schema_runtime::{Model, ModelEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ModelEnum)]
pub enum TicketStatus {
    Open,
    InProgress,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ModelEnum)]
#[model(name = "ticket_priority", rename_all = "UPPERCASE")]
pub enum Priority {
    Low,
    High,
}

#[derive(Model)]
#[model(table = "tickets")]
pub struct Ticket {
    pub id: i64,
    pub title: String,
    #[model(default = "open")]
    pub status: TicketStatus,
    pub priority: Option<Priority>,
}
"#;

/// V1 with a value between two others and one at the end.
fn v2() -> String {
    V1.replace(
        "    InProgress,\n    Closed,",
        "    InProgress,\n    Blocked,\n    Closed,\n    Archived,",
    )
}

/// The whole life cycle on the database `url`; `insert` runs SQL there.
/// Returns the first migration and the text of those adding the values.
fn life_cycle(p: &TestProject, url: &str, insert: &dyn Fn(&str)) -> (String, String) {
    let env = [("DATABASE_URL", url)];
    p.schema_env(&["revision", "--autogenerate", "-m", "initial"], &env)
        .ok()
        .says("created");
    let (_, initial) = p.migration("initial");
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "nothing"], &env)
        .ok()
        .says("no changes detected");
    insert("INSERT INTO tickets (title) VALUES ('first')");

    p.write("src/models.rs", &v2());
    p.schema_env(&["revision", "--autogenerate", "-m", "more states"], &env)
        .ok()
        .says("created");
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "again"], &env)
        .ok()
        .says("no changes detected");
    p.schema_env(&["check"], &env).ok();
    // The new values are usable, in the middle and at the end.
    insert("INSERT INTO tickets (title, status) VALUES ('b', 'blocked'), ('c', 'archived')");
    insert("DELETE FROM tickets WHERE title IN ('b', 'c')");

    // Down to the first migration: with the later files gone (so the
    // database is at head), the models of then match again.
    p.schema_env(&["downgrade", &revision_of(&initial)], &env)
        .ok();
    let (initial_path, _) = p.migration("initial");
    let mut added = String::new();
    for file in p.migrations() {
        if file != initial_path {
            added.push_str(&std::fs::read_to_string(&file).expect("read a migration"));
            std::fs::rename(&file, file.with_extension("sql.later")).expect("move a migration");
        }
    }
    p.write("src/models.rs", V1);
    p.schema_env(&["check"], &env).ok();
    p.schema_env(&["downgrade", "base"], &env).ok();
    p.schema_env(&["current"], &env).ok().says("base");
    (initial, added)
}

fn ticket_project(name: &str) -> TestProject {
    models_project(name, V1)
}

#[test]
fn enum_columns_on_sqlite() {
    let p = ticket_project("enums_sqlite");
    let (initial, added) = life_cycle(&p, &p.db_url(), &|sql| {
        p.sqlite(sql);
    });
    assert!(added.contains("-- table rebuild"), "{added}");
    assert!(
        initial.contains(r#"CONSTRAINT "ck_tickets_status_values" CHECK ("status" IN ('open', 'in_progress', 'closed'))"#),
        "{initial}"
    );
    assert!(
        initial.contains(r#"("priority" IN ('LOW', 'HIGH'))"#),
        "{initial}"
    );
    assert_eq!(
        p.sqlite("SELECT count(*) FROM sqlite_master WHERE name = 'tickets'"),
        "0"
    );
}

#[test]
fn enum_columns_on_postgres() {
    let Some(db) = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "enums") else {
        return;
    };
    let p = ticket_project("enums_postgres");
    let types = "SELECT coalesce(string_agg(t.typname, ',' ORDER BY t.typname), '') \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 WHERE t.typtype = 'e' AND n.nspname = 'public'";
    let (initial, added) = life_cycle(&p, &db.url, &|sql| execute(&db.url, sql));
    assert!(
        initial
            .contains("CREATE TYPE \"ticket_status\" AS ENUM ('open', 'in_progress', 'closed');"),
        "{initial}"
    );
    assert!(added.contains("transaction: false"), "{added}");
    assert!(
        added.contains("ALTER TYPE \"ticket_status\" ADD VALUE 'blocked' AFTER 'in_progress';"),
        "{added}"
    );
    assert!(
        added.contains("ALTER TYPE \"ticket_status\" ADD VALUE 'archived';"),
        "{added}"
    );
    assert_eq!(psql(&db.url, types), "");
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_class WHERE relname = 'tickets'"
        ),
        "0"
    );
}

#[test]
fn enum_columns_on_mariadb() {
    let Some(db) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "enums") else {
        return;
    };
    let p = ticket_project("enums_mariadb");
    let (initial, added) = life_cycle(&p, &db.url, &|sql| execute(&db.url, sql));
    assert!(
        initial.contains("`status` ENUM('open', 'in_progress', 'closed') NOT NULL DEFAULT 'open'"),
        "{initial}"
    );
    assert!(
        added.contains(
            "MODIFY COLUMN `status` ENUM('open', 'in_progress', 'blocked', 'closed', 'archived')"
        ),
        "{added}"
    );
}
