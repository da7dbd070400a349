//! Real public schemas (Chinook, MIT-licensed, in `tests/fixtures/realdb/`
//! with its source and licence in each file's header; loaded with each
//! database's own client): letting autogenerate drop every table and then
//! running the down section rebuilds everything from introspection, and the
//! database's own catalog (PRAGMA / pg_catalog / information_schema), not
//! our introspection, must read exactly as before.

mod server_db;

use std::path::PathBuf;
use std::process::Command;

use schema_core::Schema;
use schema_runtime::{introspect, Connection, IntrospectOptions};
use server_db::{Server, TestDb};

fn realdb(file: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/realdb")
        .join(file);
    if p.exists() {
        Some(p)
    } else {
        println!("skipped: {} not found", p.display());
        None
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One text line per catalog fact, sorted.
fn lines(c: &mut Connection, sql: &str) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let rows: Vec<Line> = match c.backend() {
        schema_runtime::Backend::Sqlite => c.with_sqlite(|c| diesel::sql_query(sql).load(c)),
        schema_runtime::Backend::Postgres => c.with_pg(|c| diesel::sql_query(sql).load(c)),
        schema_runtime::Backend::Mysql => c.with_mysql(|c| diesel::sql_query(sql).load(c)),
    }
    .unwrap()
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut v: Vec<String> = rows.into_iter().map(|r| r.v).collect();
    v.sort();
    v
}

const SQLITE_CATALOG: &str = "\
    SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p.\"notnull\" || ' default=' || coalesce(p.dflt_value, '-') || ' pk=' || p.pk AS v \
    FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
    UNION ALL SELECT m.name || ' fk ' || f.\"from\" || '->' || f.\"table\" || '.' || f.\"to\" || ' ' || f.on_update || ' ' || f.on_delete \
    FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' \
    UNION ALL SELECT m.name || ' index ' || i.name || ' unique=' || i.\"unique\" || ' origin=' || i.origin || ' ' || ii.seqno || ':' || coalesce(ii.name, '?') \
    FROM sqlite_master m JOIN pragma_index_list(m.name) i JOIN pragma_index_info(i.name) ii WHERE m.type = 'table'";

const PG_CATALOG: &str = "\
    SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull \
      || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') || ' identity=' || a.attidentity::text AS v \
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
    UNION ALL SELECT conrelid::regclass::text || ' constraint ' || conname || ' ' || pg_get_constraintdef(oid) \
    FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
    UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()";

const MYSQL_CATALOG: &str = "\
    SELECT CAST(CONCAT_WS(' ', table_name, column_name, column_type, is_nullable, IFNULL(column_default, '-'), extra, \
      IFNULL(character_set_name, '-'), IFNULL(collation_name, '-')) AS CHAR) AS v \
    FROM information_schema.columns WHERE table_schema = DATABASE() \
    UNION ALL SELECT CAST(CONCAT_WS(' ', table_name, constraint_name, referenced_table_name, update_rule, delete_rule) AS CHAR) \
    FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE() \
    UNION ALL SELECT CAST(CONCAT_WS(' ', table_name, 'index', index_name, non_unique, seq_in_index, column_name) AS CHAR) \
    FROM information_schema.statistics WHERE table_schema = DATABASE() \
    UNION ALL SELECT CAST(CONCAT_WS(' ', table_name, 'table', engine, table_collation) AS CHAR) \
    FROM information_schema.tables WHERE table_schema = DATABASE()";

/// Drops everything the way autogenerate would with no models, runs the
/// down section, and compares the catalog.
fn round_trip(c: &mut Connection, catalog: &str, tables: usize) {
    let before = lines(c, catalog);
    let live = introspect(c, &IntrospectOptions::default()).unwrap();
    assert_eq!(live.tables.len(), tables, "{live:#?}");
    let d = c.dialect();
    let ops = schema_core::diff::diff(&live, &Schema::default(), d);
    let m = d.render_migration(&ops);
    c.execute(&m.up)
        .unwrap_or_else(|e| panic!("up: {e}\n{}", m.up));
    assert!(lines(c, catalog).len() < before.len());
    c.execute(&m.down)
        .unwrap_or_else(|e| panic!("down: {e}\n{}", m.down));
    let after = lines(c, catalog);
    let missing: Vec<&String> = before.iter().filter(|l| !after.contains(l)).collect();
    let extra: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the catalog differs after drop + down on {d:?}\n--- lost:\n{}\n--- gained:\n{}\n--- down:\n{}",
        missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        extra.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        m.down
    );
}

#[test]
fn chinook_on_sqlite() {
    let Some(file) = realdb("chinook.sqlite.sql") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chinook.db");
    run(Command::new("sqlite3")
        .arg(&db)
        .arg(format!(".read {}", file.display())));
    let mut c = Connection::establish(&format!("sqlite://{}", db.display())).unwrap();
    round_trip(&mut c, SQLITE_CATALOG, 11);
}

#[test]
fn chinook_on_postgres() {
    let Some(file) = realdb("chinook.postgres.sql") else {
        return;
    };
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    run(Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
        .arg(&file));
    let mut c = Connection::establish(&db.url).unwrap();
    round_trip(&mut c, PG_CATALOG, 11);
}

#[test]
fn chinook_on_mysql() {
    let Some(file) = realdb("chinook.mysql.sql") else {
        return;
    };
    let Some(db) = TestDb::create(Server::Mysql) else {
        return;
    };
    let url = schema_runtime::DatabaseUrl::parse(&db.url).unwrap();
    let mut cmd = Command::new("mariadb");
    cmd.arg("-h")
        .arg(url.host().unwrap_or("127.0.0.1"))
        .arg("-P")
        .arg(url.port().unwrap_or(3306).to_string())
        .arg("-u")
        .arg(url.user().unwrap_or("root"))
        .arg(&db.name)
        .stdin(std::fs::File::open(&file).unwrap());
    run(&mut cmd);
    let mut c = Connection::establish(&db.url).unwrap();
    round_trip(&mut c, MYSQL_CATALOG, 11);
}
