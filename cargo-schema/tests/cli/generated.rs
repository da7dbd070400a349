//! Generated columns through the real binary on SQLite, PostgreSQL and
//! MariaDB: created and computed, read back with nothing left to change,
//! then an expression changed, a plain column made generated (with its
//! index) and a generated one made plain (its values kept), and undone by
//! the downgrade.

use diesel::RunQueryDsl;
use schema_runtime::Connection;

use crate::support::{models_project, psql, Scratch, TestProject};

/// The models before (`later` false) and after the change; `storage` is
/// the key the columns other than `total` take (`, stored` on PostgreSQL,
/// which stores every generated column).
fn models(later: bool, storage: &str) -> String {
    let (total, label, code) = if later {
        (
            "price * qty * 2".to_string(),
            format!("generated = \"upper(name)\"{storage}, "),
            String::new(),
        )
    } else {
        (
            "price * qty".to_string(),
            String::new(),
            format!("generated = \"lower(name)\"{storage}, "),
        )
    };
    format!(
        r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "items")]
pub struct Item {{
    pub id: i64,
    pub price: f64,
    pub qty: i32,
    #[model(max_length = 40)]
    pub name: String,
    #[model(generated = "{total}", stored)]
    pub total: Option<f64>,
    #[model({label}max_length = 40, index)]
    pub label: Option<String>,
    #[model({code}max_length = 40)]
    pub code: Option<String>,
}}
"#
    )
}

/// The whole life cycle on `url`; `value` reads one value back as text.
/// Returns the two migrations' text.
fn life_cycle(
    p: &TestProject,
    url: &str,
    storage: &str,
    value: &dyn Fn(&str) -> String,
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
    conn.execute("INSERT INTO items (price, qty, name) VALUES (2.5, 4, 'AbC')")
        .expect("insert");
    drop(conn);
    assert_eq!(number(value("total")), 10.0);
    assert_eq!(value("code"), "abc");

    p.write("src/models.rs", &models(true, storage));
    p.schema_env(&["revision", "--autogenerate", "-m", "regenerate"], &env)
        .ok()
        .says("created");
    let (_, regenerate) = p.migration("regenerate");
    for what in [
        "-- - alter column items.total: generated as (price * qty * 2) stored",
        "-- - alter column items.code: no longer generated",
    ] {
        assert!(regenerate.contains(what), "missing {what} in\n{regenerate}");
    }
    p.schema_env(&["upgrade"], &env).ok();
    p.schema_env(&["revision", "--autogenerate", "-m", "again"], &env)
        .ok()
        .says("no changes detected");
    assert_eq!(number(value("total")), 20.0);
    assert_eq!(value("label"), "ABC");
    assert_eq!(value("code"), "abc", "the computed values stay");

    // Back to the first revision: on PostgreSQL the change spans several
    // migrations (its indexes are built and dropped outside a transaction).
    let (initial_path, _) = p.migration("initial");
    let stem = initial_path
        .file_stem()
        .expect("a file name")
        .to_string_lossy();
    let rev = stem
        .split_once('-')
        .and_then(|(_, rest)| rest.split_once('_'))
        .map(|(rev, _)| rev.to_string())
        .expect("a revision in the file name");
    p.schema_env(&["downgrade", &rev], &env).ok();
    assert_eq!(number(value("total")), 10.0);
    assert_eq!(value("code"), "abc");
    for later in p.migrations().into_iter().filter(|f| *f != initial_path) {
        std::fs::remove_file(later).expect("remove a later migration");
    }
    p.write("src/models.rs", &models(false, storage));
    p.schema_env(&["check"], &env).ok();
    let (_, initial) = p.migration("initial");
    p.schema_env(&["downgrade", "base"], &env).ok();
    (initial, regenerate)
}

/// A number as a client prints it (`10`, `10.0`).
fn number(text: String) -> f64 {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not a number: {e}"))
}

#[test]
fn generated_columns_on_sqlite() {
    let p = models_project("generated_sqlite", &models(false, ""));
    let (initial, regenerate) = life_cycle(&p, &p.db_url(), "", &|col| {
        p.sqlite(&format!("SELECT {col} FROM items"))
    });
    assert!(
        initial.contains(r#""total" DOUBLE GENERATED ALWAYS AS (price * qty) STORED,"#)
            && initial.contains(r#""code" VARCHAR(40) GENERATED ALWAYS AS (lower(name)) VIRTUAL"#),
        "{initial}"
    );
    assert!(regenerate.contains("table rebuild"), "{regenerate}");
}

#[test]
fn generated_columns_on_postgres() {
    let Some(db) = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "generated") else {
        return;
    };
    let p = models_project("generated_postgres", &models(false, ", stored"));
    let (initial, regenerate) = life_cycle(&p, &db.url, ", stored", &|col| {
        psql(&db.url, &format!("SELECT {col} FROM items"))
    });
    assert!(
        initial.contains(r#""code" VARCHAR(40) GENERATED ALWAYS AS (lower(name)) STORED"#),
        "{initial}"
    );
    assert!(
        regenerate.contains(r#"ALTER TABLE "items" ALTER COLUMN "code" DROP EXPRESSION;"#)
            && regenerate.contains(r#"ALTER TABLE "items" DROP COLUMN "label";"#),
        "{regenerate}"
    );
}

#[test]
fn generated_columns_on_mariadb() {
    let Some(db) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "generated") else {
        return;
    };
    let p = models_project("generated_mariadb", &models(false, ""));
    let value = |col: &str| {
        let sql = format!("SELECT CAST({col} AS CHAR) AS v FROM items");
        let mut conn = Connection::establish(&db.url).expect("connect");
        let rows: Vec<Text> = conn
            .with_mysql(|c| diesel::sql_query(&sql).load(c))
            .expect("the MySQL backend is built")
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows[0].v.clone()
    };
    let (initial, regenerate) = life_cycle(&p, &db.url, "", &value);
    assert!(
        initial.contains("`code` VARCHAR(40) GENERATED ALWAYS AS (lower(name)) VIRTUAL"),
        "{initial}"
    );
    assert!(
        regenerate.contains("UPDATE `items` SET `code_plain` = `code`;"),
        "{regenerate}"
    );
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}
