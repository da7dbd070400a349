//! One model set using every schema feature a database can build: an enum
//! column, partial, sorted, expression, covering and GIN indexes (or a
//! prefix on MariaDB), an array, a generated column and a collation,
//! beside a view written by hand. Through the real binary on SQLite,
//! PostgreSQL and MariaDB: autogenerate, upgrade, nothing left to change,
//! a second revision changing most of them, nothing left again, the view
//! still answering, and downgrades that restore each catalog.

use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use schema_runtime::Connection;

use crate::support::{execute, models_project, psql, revision_of, Scratch, TestProject};

/// What one database can be asked for.
struct Features {
    /// `, stored` where virtual generated columns are refused.
    storage: &'static str,
    /// A collation of this database that is not the default.
    collation: &'static str,
    /// Partial and expression indexes (SQLite, PostgreSQL).
    partial_and_expressions: bool,
    /// Arrays, `INCLUDE` columns, `NULLS` orders and GIN (PostgreSQL).
    postgres: bool,
    /// Prefix lengths (MySQL/MariaDB).
    prefix: bool,
}

const SQLITE: Features = Features {
    storage: "",
    collation: "NOCASE",
    partial_and_expressions: true,
    postgres: false,
    prefix: false,
};

const POSTGRES: Features = Features {
    storage: ", stored",
    collation: "C",
    partial_and_expressions: true,
    postgres: true,
    prefix: false,
};

/// MariaDB cannot change a table with an indexed virtual column online
/// ("online rebuild with indexed virtual columns"), so the indexed
/// generated column is stored there.
const MARIADB: Features = Features {
    storage: ", stored",
    collation: "utf8mb4_bin",
    partial_and_expressions: false,
    postgres: false,
    prefix: true,
};

/// The models: `later` adds an enum value between two others, changes
/// the partial index's predicate, the expression index's key, the
/// generated column's expression and the sort order of an index, and adds
/// a column.
fn models(f: &Features, later: bool) -> String {
    let pick = |a: &'static str, b: &'static str| if later { b } else { a };
    let mut indexes = vec![format!(
        r#"#[model(index(fields = ["org_id", "{}"]))]"#,
        pick("created_at desc", "created_at")
    )];
    if f.partial_and_expressions {
        indexes.push(format!(
            r#"#[model(index(fields = ["email"], unique, where = "{}"))]"#,
            pick(
                "deleted_at IS NULL",
                "deleted_at IS NULL AND state <> 'archived'"
            )
        ));
        indexes.push(format!(
            r#"#[model(index(fields = ["({})", "created_at desc"], name = "ix_posts_title_key"))]"#,
            pick("lower(title)", "upper(title)")
        ));
    } else {
        // Where an expression cannot be indexed, a generated column is.
        indexes.push(r#"#[model(index(fields = ["title_key", "created_at desc"]))]"#.into());
    }
    if f.postgres {
        indexes.push(
            r#"#[model(index(fields = ["score desc nulls last"], include = ["title"]))]"#.into(),
        );
        indexes.push(r#"#[model(index(fields = ["tags"], using = "gin"))]"#.into());
    }
    if f.prefix {
        indexes.push(format!(
            r#"#[model(index(fields = ["body({})"]))]"#,
            pick("20", "32")
        ));
    }
    let title_key = if f.partial_and_expressions {
        String::new()
    } else {
        format!(
            "    #[model(generated = \"lower(title)\"{}, max_length = 200)]\n    pub title_key: Option<String>,\n",
            f.storage
        )
    };
    let tags = if f.postgres {
        "    pub tags: Vec<String>,\n"
    } else {
        ""
    };
    let hidden = pick("", "    Hidden,\n");
    let summary = pick("", "    pub summary: Option<String>,\n");
    format!(
        r#"
use schema_runtime::{{Model, ModelEnum}};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ModelEnum)]
#[model(rename_all = "snake_case")]
pub enum PostState {{
    Draft,
    #[model(rename = "live")]
    Published,
{hidden}    Archived,
}}

#[derive(Model)]
#[model(table = "posts")]
{indexes}
pub struct Post {{
    pub id: i64,
    pub org_id: i64,
    #[model(max_length = 200)]
    pub title: String,
    #[model(max_length = 120)]
    pub email: String,
    pub body: String,
    #[model(default = "draft")]
    pub state: PostState,
    pub score: Option<i32>,
    pub created_at: chrono::NaiveDateTime,
    pub deleted_at: Option<chrono::NaiveDateTime>,
    #[model(max_length = 80, collation = "{collation}")]
    pub handle: String,
    #[model(generated = "{doubled}"{storage})]
    pub doubled: Option<i32>,
{title_key}{tags}{summary}}}
"#,
        indexes = indexes.join("\n"),
        collation = f.collation,
        doubled = pick("score * 2", "score * 3"),
        storage = f.storage,
    )
}

/// The life cycle on `url`; `read` returns a query's single value as
/// text. Returns the two migrations.
fn life_cycle(
    p: &TestProject,
    f: &Features,
    url: &str,
    read: &dyn Fn(&str) -> String,
) -> (String, String) {
    let env = [("DATABASE_URL", url)];
    p.schema_env(&["revision", "--autogenerate", "-m", "initial"], &env)
        .ok()
        .says("created");
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["check"], &env)
        .ok()
        .says("no changes detected");

    let tags = if f.postgres { ", tags" } else { "" };
    let tag_values = if f.postgres { ", '{a,b}'" } else { "" };
    execute(
        url,
        &format!(
            "INSERT INTO posts (org_id, title, email, body, state, score, created_at, handle{tags}) \
             VALUES (1, 'Hello', 'a@example.com', 'text', 'live', 21, '2026-01-02 03:04:05', 'AbC'{tag_values})"
        ),
    );
    // A view over the table, outside the models: never dropped, and kept
    // working through every change to the table.
    execute(
        url,
        "CREATE VIEW live_posts AS SELECT id, title, score FROM posts WHERE deleted_at IS NULL",
    );
    p.schema_env(&["check"], &env)
        .ok()
        .says("no changes detected")
        .never_says("live_posts");
    assert_eq!(read("SELECT score FROM live_posts"), "21");

    p.write("src/models.rs", &models(f, true));
    p.schema_env(&["revision", "--autogenerate", "-m", "everything"], &env)
        .ok()
        .says("created");
    let (_, later) = p.migration("everything");
    assert!(!later.contains("DROP VIEW \"live_posts\""), "{later}");
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["check"], &env)
        .ok()
        .says("no changes detected");
    assert_eq!(read("SELECT title FROM live_posts"), "Hello");
    assert_eq!(read("SELECT state FROM posts"), "live");
    assert_eq!(read("SELECT doubled FROM posts"), "63");
    assert_eq!(read("SELECT handle FROM posts"), "AbC");
    // The new value is accepted; rows must not hold it when it goes.
    execute(url, "UPDATE posts SET state = 'hidden'");

    // Back to the first revision (PostgreSQL splits a change into several
    // migrations, so by revision id): the catalog is the first one's.
    execute(url, "UPDATE posts SET state = 'archived'");
    let (initial_path, initial) = p.migration("initial");
    p.schema_env(&["downgrade", &revision_of(&initial)], &env)
        .ok();
    assert_eq!(read("SELECT score FROM live_posts"), "21");
    for file in p.migrations().into_iter().filter(|f| *f != initial_path) {
        std::fs::remove_file(file).expect("remove a later migration");
    }
    p.write("src/models.rs", &models(f, false));
    p.schema_env(&["check"], &env)
        .ok()
        .says("no changes detected");
    execute(url, "DROP VIEW live_posts");
    p.schema_env(&["downgrade", "base"], &env).ok();
    p.schema_env(&["current"], &env).ok();
    (initial, later)
}

#[test]
fn every_feature_on_sqlite() {
    let p = models_project("features_sqlite", &models(&SQLITE, false));
    let (initial, later) = life_cycle(&p, &SQLITE, &p.db_url(), &|sql| p.sqlite(sql));
    for what in [
        r#"CREATE UNIQUE INDEX "ix_posts_email" ON "posts" ("email") WHERE deleted_at IS NULL"#,
        r#"CREATE INDEX "ix_posts_title_key" ON "posts" ((lower(title)), "created_at" DESC)"#,
        r#""handle" VARCHAR(80) COLLATE "NOCASE" NOT NULL"#,
        "GENERATED ALWAYS AS (score * 2) VIRTUAL",
    ] {
        assert!(initial.contains(what), "missing {what} in\n{initial}");
    }
    // The enum's CHECK changes, so the table is rebuilt around the view.
    assert!(
        later.contains("table rebuild") && later.contains("CREATE VIEW live_posts"),
        "{later}"
    );
    assert_eq!(
        p.sqlite("SELECT count(*) FROM sqlite_master WHERE name IN ('posts', 'live_posts')"),
        "0"
    );
}

#[test]
fn every_feature_on_postgres() {
    let Some(db) = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "features") else {
        return;
    };
    let p = models_project("features_postgres", &models(&POSTGRES, false));
    let (initial, later) = life_cycle(&p, &POSTGRES, &db.url, &|sql| psql(&db.url, sql));
    for what in [
        r#"CREATE TYPE "post_state" AS ENUM ('draft', 'live', 'archived')"#,
        r#"("score" DESC NULLS LAST) INCLUDE ("title")"#,
        r#"USING gin ("tags")"#,
        r#"((lower(title)), "created_at" DESC)"#,
        r#""tags" TEXT[] NOT NULL"#,
    ] {
        assert!(initial.contains(what), "missing {what} in\n{initial}");
    }
    assert!(
        later.contains("alter enum type post_state: (draft, live, archived) -> (draft, live, hidden, archived)"),
        "{later}"
    );
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_catalog.pg_type WHERE typname = 'post_state'"
        ),
        "0"
    );
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Text)]
    v: String,
}

#[test]
fn every_feature_on_mariadb() {
    let Some(db) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "features") else {
        return;
    };
    // The expression index is refused here, with the way out.
    let refused = models(&SQLITE, false).replace("NOCASE", "utf8mb4_bin");
    let p = models_project("features_mariadb", &refused);
    p.schema_env(&["check"], &[("DATABASE_URL", &db.url)])
        .code(1)
        .says("has the expression key `(lower(title))`, which MySQL/MariaDB cannot index")
        .says("add a generated column computing it");
    p.write("src/models.rs", &models(&MARIADB, false));
    let read = |sql: &str| {
        let sql = format!("SELECT CAST(({sql}) AS CHAR) AS v");
        let mut conn = Connection::establish(&db.url).expect("connect");
        let rows: Vec<Value> = conn
            .with_mysql(|c| diesel::sql_query(&sql).load(c))
            .expect("the MySQL backend is built")
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.into_iter().next().map(|r| r.v).unwrap_or_default()
    };
    let (initial, later) = life_cycle(&p, &MARIADB, &db.url, &read);
    for what in [
        "ENUM('draft', 'live', 'archived')",
        "`body`(20)",
        "GENERATED ALWAYS AS (lower(title)) STORED",
        "`handle` VARCHAR(80) COLLATE `utf8mb4_bin` NOT NULL",
    ] {
        assert!(initial.contains(what), "missing {what} in\n{initial}");
    }
    assert!(later.contains("'hidden'"), "{later}");
}
