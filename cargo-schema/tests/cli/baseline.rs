//! `baseline`: adopting a database that was built without migrations.

use crate::support::{project, sqlite3};

/// A schema made by hand, as a team without migrations would have it.
/// Declared types keep their spelling (`NUMERIC(10, 2)`, `nvarchar`). The
/// keys say `NOT NULL`: SQLite reports a bare `INTEGER PRIMARY KEY` as
/// nullable although it never is, and the baseline declares it `NOT NULL`.
const EXISTING: &str = "
CREATE TABLE customers (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, email VARCHAR(200) NOT NULL UNIQUE, vip BOOLEAN NOT NULL DEFAULT 0);
CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, customer_id BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE, total NUMERIC(10, 2) NOT NULL, note nvarchar(80), CHECK (total >= 0));
CREATE INDEX ix_orders_customer_id ON orders (customer_id);
INSERT INTO customers (email) VALUES ('ada@example.com');
";

/// Each table's columns and indexes as SQLite itself reports them.
fn catalog(db: &std::path::Path) -> String {
    let sql = "SELECT m.name || ': ' || group_concat(p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || coalesce(p.dflt_value, '-') || ' ' || p.pk, ', ') \
               FROM sqlite_master m JOIN pragma_table_info(m.name) p \
               WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'schema_revisions' \
               GROUP BY m.name ORDER BY m.name; \
               SELECT m.name || ' fk ' || f.\"from\" || '->' || f.\"table\" || '.' || f.\"to\" || ' ' || f.on_delete \
               FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1; \
               SELECT m.name || ' index ' || i.name || ' unique=' || i.\"unique\" \
               FROM sqlite_master m JOIN pragma_index_list(m.name) i \
               WHERE m.type = 'table' AND m.name <> 'schema_revisions' ORDER BY 1;";
    sqlite3(db, sql)
}

#[test]
fn baseline_writes_the_schema_and_stamps_the_database() {
    let p = project("adopt").file("src/lib.rs", "").build();
    p.schema(&["init"]).ok();
    let db = p.path().join("app.db");
    p.sqlite(EXISTING);

    p.schema(&["baseline", "-m", "baseline"])
        .ok()
        .says("created migrations/")
        .says("(2 tables) and stamped");
    let (_, text) = p.migration("baseline");
    assert!(text.contains("CREATE TABLE \"customers\""), "{text}");
    assert!(text.contains("DROP TABLE \"orders\""), "{text}");

    // The adopted database is at head: nothing runs, its data stays.
    p.schema(&["upgrade"]).ok().says("nothing to do");
    assert_eq!(p.sqlite("SELECT email FROM customers"), "ada@example.com");

    // A new database gets the same schema from the baseline.
    let fresh = p.path().join("fresh.db");
    let fresh_url = format!("sqlite://{}", fresh.display());
    p.schema_env(&["upgrade"], &[("DATABASE_URL", &fresh_url)])
        .ok()
        .says("applied 1 migration");
    assert_eq!(catalog(&fresh), catalog(&db));

    // Twice is refused: the history has begun.
    p.schema(&["baseline", "-m", "again"])
        .code(1)
        .says("already has 1 migration");
    assert_eq!(p.migrations().len(), 1);
}

#[test]
fn baseline_of_an_empty_database_writes_nothing() {
    let p = project("adopt_empty").file("src/lib.rs", "").build();
    p.schema(&["init"]).ok();
    p.schema(&["baseline", "-m", "baseline"])
        .code(1)
        .says("has no tables to baseline");
    assert!(p.migrations().is_empty());
}

#[test]
fn baseline_of_a_multi_dialect_project_writes_each_dialect_and_the_state() {
    let p = project("adopt_multi")
        .config("dialects = [\"sqlite\", \"postgres\", \"mysql\"]\n")
        .file("src/lib.rs", "")
        .build();
    p.sqlite(EXISTING);
    p.schema(&["baseline", "-m", "baseline"])
        .ok()
        .says("(2 tables) and stamped");
    let (_, text) = p.migration("baseline");
    for marker in ["up sqlite", "down postgres", "up mysql"] {
        assert!(text.contains(&format!("-- migrate:{marker}\n")), "{text}");
    }
    assert!(
        !text.contains("-- migrate:up\n"),
        "no unqualified section:\n{text}"
    );
    assert!(text.contains("-- table {\"name\":\"customers\""), "{text}");
    assert!(
        text.contains(
            "-- NOTE: the other dialects' SQL uses the types this sqlite database reports"
        ),
        "{text}"
    );
    assert!(text.contains("`total` NUMERIC(10, 2) NOT NULL"), "{text}");
    // A fresh SQLite database gets the same schema from its own section.
    let fresh = p.path().join("fresh.db");
    let fresh_url = format!("sqlite://{}", fresh.display());
    p.schema_env(&["upgrade"], &[("DATABASE_URL", &fresh_url)])
        .ok()
        .says("applied 1 migration");
    assert_eq!(catalog(&fresh), catalog(&p.path().join("app.db")));
}
