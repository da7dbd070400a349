//! Array columns (`Vec<T>`) through the real binary: on PostgreSQL the
//! whole life cycle (autogenerate, upgrade, the fixpoint, a change, the
//! downgrade); SQLite and MariaDB refuse them, naming the column, and
//! write nothing.

use schema_runtime::Connection;

use crate::support::{models_project, psql, Scratch, TestProject};

const V1: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "posts")]
#[model(index(fields = ["tags"], using = "gin"))]
pub struct Post {
    pub id: i64,
    #[model(default_sql = "'{}'")]
    pub tags: Vec<String>,
    #[model(max_length = 20)]
    pub labels: Option<Vec<String>>,
    pub scores: Vec<Option<i32>>,
}
"#;

/// Longer labels and a new array of timestamps.
fn v2() -> String {
    V1.replace("max_length = 20", "max_length = 40").replace(
        "    pub scores: Vec<Option<i32>>,\n",
        "    pub scores: Vec<Option<i32>>,\n    pub seen: Option<Vec<chrono::DateTime<chrono::Utc>>>,\n",
    )
}

fn posts_project(name: &str) -> TestProject {
    models_project(name, V1)
}

#[test]
fn array_columns_on_postgres() {
    let Some(db) = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "arrays") else {
        return;
    };
    let p = posts_project("arrays_postgres");
    let env = [("DATABASE_URL", db.url.as_str())];
    p.schema_env(&["revision", "--autogenerate", "-m", "initial"], &env)
        .ok()
        .says("created");
    let (_, initial) = p.migration("initial");
    for needle in [
        r#""tags" TEXT[] NOT NULL DEFAULT '{}',"#,
        r#""labels" VARCHAR(20)[],"#,
        r#""scores" INTEGER[] NOT NULL,"#,
        r#"ON "posts" USING gin ("tags")"#,
    ] {
        assert!(initial.contains(needle), "missing {needle} in\n{initial}");
    }
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "nothing"], &env)
        .ok()
        .says("no changes detected");
    let mut conn = Connection::establish(&db.url).expect("connect");
    conn.execute("INSERT INTO posts (tags, labels, scores) VALUES ('{a,b}', '{x}', '{1,NULL}')")
        .expect("insert arrays");
    conn.execute("INSERT INTO posts (scores) VALUES ('{}')")
        .expect("insert with the default");
    assert_eq!(
        psql(&db.url, "SELECT count(*) FROM posts WHERE tags @> '{a}'"),
        "1"
    );
    assert_eq!(
        psql(&db.url, "SELECT count(*) FROM posts WHERE tags = '{}'"),
        "1"
    );

    p.write("src/models.rs", &v2());
    p.schema_env(&["revision", "--autogenerate", "-m", "more"], &env)
        .ok()
        .says("created");
    let (more_path, more) = p.migration("more");
    assert!(
        more.contains(r#"ADD COLUMN "seen" TIMESTAMPTZ[];"#)
            && more.contains(r#"TYPE VARCHAR(40)[] USING "labels"::VARCHAR(40)[]"#),
        "{more}"
    );
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "again"], &env)
        .ok()
        .says("no changes detected");
    p.schema_env(&["check"], &env).ok();
    assert_eq!(
        psql(
            &db.url,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
             WHERE attrelid = 'posts'::regclass AND attname = 'labels'"
        ),
        "character varying(40)[]"
    );

    // One step down restores what the first models describe; the rows
    // and their arrays are kept.
    p.schema_env(&["downgrade", "-1"], &env).ok();
    std::fs::remove_file(&more_path).expect("remove the later migration");
    p.write("src/models.rs", V1);
    p.schema_env(&["check"], &env).ok();
    assert_eq!(
        psql(
            &db.url,
            "SELECT labels[1] || scores[1]::text FROM posts WHERE labels IS NOT NULL"
        ),
        "x1"
    );
    p.schema_env(&["downgrade", "base"], &env).ok();
    assert_eq!(
        psql(
            &db.url,
            "SELECT count(*) FROM pg_class WHERE relname = 'posts'"
        ),
        "0"
    );
}

/// Where there is no array type, autogenerate refuses the models, naming
/// each array column and what to do instead, and writes no file.
fn refused(p: &TestProject, env: &[(&str, &str)], dialect: &str) {
    p.schema_env(&["revision", "--autogenerate", "-m", "initial"], env)
        .code(1)
        .says(&format!("the models ask for what {dialect} cannot do"))
        .says("column `tags` of table `posts` is an array (`text[]`)")
        .says("column `labels` of table `posts` is an array (`varchar(20)[]`)")
        .says("a `serde_json::Value` field");
    assert!(p.migrations().is_empty(), "{:?}", p.migrations());
}

#[test]
fn array_columns_are_refused_on_sqlite() {
    let p = posts_project("arrays_sqlite");
    refused(&p, &[("DATABASE_URL", &p.db_url())], "sqlite");
}

#[test]
fn array_columns_are_refused_on_mariadb() {
    let Some(db) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "arrays") else {
        return;
    };
    let p = posts_project("arrays_mariadb");
    refused(&p, &[("DATABASE_URL", &db.url)], "mysql");
}
