//! Column collations through the real binary on SQLite, PostgreSQL and
//! MariaDB: created, read back with nothing left to change, changed, in
//! effect on comparisons, and undone by the downgrade.

use diesel::RunQueryDsl;
use schema_runtime::Connection;

use crate::support::{models_project, psql, Scratch, TestProject};

fn models(collation: &str) -> String {
    format!(
        r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "users")]
pub struct User {{
    pub id: i64,
    #[model(max_length = 80, collation = "{collation}", index)]
    pub email: String,
    pub name: String,
}}
"#
    )
}

/// Autogenerate, upgrade and the fixpoint for `first` (the project's
/// models), then the change to `then`; `was` is how the migration names
/// the first collation, `count` runs a counting query on the database.
/// Returns the two migrations' text.
fn life_cycle(
    p: &TestProject,
    url: &str,
    (first, was): (&str, &str),
    then: &str,
    count: &dyn Fn(&str) -> String,
) -> (String, String) {
    let env = [("DATABASE_URL", url)];
    p.schema_env(&["revision", "--autogenerate", "-m", "initial"], &env)
        .ok()
        .says("created");
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "nothing"], &env)
        .ok()
        .says("no changes detected");
    let mut conn = Connection::establish(url).expect("connect");
    conn.execute("INSERT INTO users (email, name) VALUES ('Ann@Example.com', 'a')")
        .expect("insert");

    p.write("src/models.rs", &models(then));
    p.schema_env(&["revision", "--autogenerate", "-m", "recollate"], &env)
        .ok()
        .says("created");
    let (_, recollate) = p.migration("recollate");
    let what = format!("-- - alter column users.email: collation {was} -> {then}");
    assert!(recollate.contains(&what), "missing {what} in\n{recollate}");
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "again"], &env)
        .ok()
        .says("no changes detected");
    assert_eq!(
        count("SELECT count(*) FROM users WHERE email = 'ann@example.com'"),
        "1",
        "the new collation compares"
    );

    p.schema_env(&["downgrade", "-1"], &env).ok();
    let (recollate_path, _) = p.migration("recollate");
    std::fs::remove_file(recollate_path).expect("remove the later migration");
    p.write("src/models.rs", &models(first));
    p.schema_env(&["check"], &env).ok();
    let (_, initial) = p.migration("initial");
    p.schema_env(&["downgrade", "base"], &env).ok();
    (initial, recollate)
}

fn users_project(name: &str, collation: &str) -> TestProject {
    models_project(name, &models(collation))
}

#[test]
fn column_collation_on_sqlite() {
    let p = users_project("collation_sqlite", "BINARY");
    // `BINARY` is SQLite's default: nothing is written for it.
    let (initial, recollate) =
        life_cycle(&p, &p.db_url(), ("BINARY", "default"), "NOCASE", &|sql| {
            p.sqlite(sql)
        });
    assert!(
        initial.contains(r#""email" VARCHAR(80) NOT NULL,"#),
        "{initial}"
    );
    assert!(
        recollate.contains(r#""email" VARCHAR(80) COLLATE "NOCASE" NOT NULL"#)
            && recollate.contains("table rebuild"),
        "{recollate}"
    );
}

#[test]
fn column_collation_on_postgres() {
    let Some(db) = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "collation") else {
        return;
    };
    // A nondeterministic ICU collation that ignores case, created by hand
    // as a project does once; the model then names it.
    psql(
        &db.url,
        "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
    );
    let p = users_project("collation_postgres", "C");
    let (initial, recollate) = life_cycle(&p, &db.url, ("C", "C"), "ci", &|sql| psql(&db.url, sql));
    assert!(
        initial.contains(r#""email" VARCHAR(80) COLLATE "C" NOT NULL,"#),
        "{initial}"
    );
    assert!(
        recollate.contains(
            r#"ALTER COLUMN "email" TYPE VARCHAR(80) COLLATE "ci" USING "email"::VARCHAR(80);"#
        ) && recollate.contains("-- WARNING: changing the collation of users.email"),
        "{recollate}"
    );
}

#[test]
fn column_collation_on_mariadb() {
    let Some(db) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "collation") else {
        return;
    };
    let p = users_project("collation_mariadb", "utf8mb4_bin");
    let count = |sql: &str| {
        let sql = sql.replace("count(*)", "CAST(count(*) AS SIGNED) AS n");
        let mut conn = Connection::establish(&db.url).expect("connect");
        let rows: Vec<Count> = conn
            .with_mysql(|c| diesel::sql_query(&sql).load(c))
            .expect("the MySQL backend is built")
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows[0].n.to_string()
    };
    let (initial, recollate) = life_cycle(
        &p,
        &db.url,
        ("utf8mb4_bin", "utf8mb4_bin"),
        "utf8mb4_unicode_ci",
        &count,
    );
    assert!(
        initial.contains("`email` VARCHAR(80) COLLATE `utf8mb4_bin` NOT NULL"),
        "{initial}"
    );
    assert!(
        recollate.contains("MODIFY COLUMN `email` VARCHAR(80) COLLATE `utf8mb4_unicode_ci`"),
        "{recollate}"
    );
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
