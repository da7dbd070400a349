//! Real public schemas (Chinook, and Sakila / Pagila as their projects
//! document them, in `tests/fixtures/realdb/` with source and licence in
//! each file's header; loaded with each database's own client): letting autogenerate drop every table and then
//! running the down section rebuilds everything from introspection, and the
//! database's own catalog (PRAGMA / pg_catalog / information_schema), not
//! our introspection, must read exactly as before.

mod server_db;

use std::path::PathBuf;
use std::process::Command;

use schema_core::Schema;
use schema_runtime::{introspect, Connection, IntrospectOptions};
use server_db::{Server, TestDb};

/// A fixture of `tests/fixtures/realdb/`; they are part of the repository,
/// so a missing one is a failure, never a skip.
fn realdb(file: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/realdb")
        .join(file);
    assert!(p.exists(), "fixture {} is missing", p.display());
    p
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

// The catalogs below leave out what models cannot express (views,
// triggers, partitioned tables and their partitions,
// expression and special indexes): introspection reports those
// apart, autogenerate leaves them alone and warns that a down section does
// not recreate them, so they are not part of the round trip. Generated
// columns are read as columns (`reads_the_generated_column`), and left out
// of the PostgreSQL catalog, whose `pg_attrdef` holds their expression.

const SQLITE_CATALOG: &str = "\
    SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p.\"notnull\" || ' default=' || coalesce(p.dflt_value, '-') || ' pk=' || p.pk AS v \
    FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
    UNION ALL SELECT m.name || ' fk ' || f.\"from\" || '->' || f.\"table\" || '.' || f.\"to\" || ' ' || f.on_update || ' ' || f.on_delete \
    FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' \
    UNION ALL SELECT m.name || ' index ' || i.name || ' unique=' || i.\"unique\" || ' origin=' || i.origin || ' partial=' || i.partial \
      || ' ' || ii.seqno || ':' || coalesce(ii.name, '?') || ' desc=' || ii.\"desc\" \
    FROM sqlite_master m JOIN pragma_index_list(m.name) i JOIN pragma_index_xinfo(i.name) ii WHERE m.type = 'table' \
      AND ii.key = 1 AND NOT EXISTS (SELECT 1 FROM pragma_index_info(i.name) e WHERE e.name IS NULL)";

const PG_CATALOG: &str = "\
    SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull \
      || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') || ' identity=' || a.attidentity::text AS v \
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition AND a.attnum > 0 \
      AND NOT a.attisdropped AND a.attgenerated = '' \
    UNION ALL SELECT con.conrelid::regclass::text || ' constraint ' || con.conname || ' ' || pg_get_constraintdef(con.oid) \
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
    WHERE con.connamespace = current_schema()::regnamespace AND c.relkind = 'r' AND NOT c.relispartition \
      AND con.contype <> 'x' \
    UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) \
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid \
    JOIN pg_am am ON am.oid = ic.relam \
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND NOT c.relispartition \
      AND i.indexprs IS NULL \
    UNION ALL SELECT 'sequence ' || s.seqrelid::regclass::text || ' ' || format_type(s.seqtypid, NULL) \
      || ' owned by ' || coalesce((SELECT d.refobjid::regclass::text || '.' || d.refobjsubid FROM pg_depend d \
         WHERE d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '-') \
    FROM pg_sequence s JOIN pg_class sc ON sc.oid = s.seqrelid \
    WHERE sc.relnamespace = current_schema()::regnamespace";

const MYSQL_CATALOG: &str = "\
    SELECT CAST(CONCAT_WS(' ', table_name, column_name, column_type, is_nullable, IFNULL(column_default, '-'), extra, \
      IFNULL(character_set_name, '-'), IFNULL(collation_name, '-')) AS CHAR) AS v \
    FROM information_schema.columns WHERE table_schema = DATABASE() AND IFNULL(generation_expression, '') = '' \
      AND table_name IN (SELECT table_name FROM information_schema.tables \
                         WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE') \
    UNION ALL SELECT CAST(CONCAT_WS(' ', table_name, constraint_name, referenced_table_name, update_rule, delete_rule) AS CHAR) \
    FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE() \
    UNION ALL SELECT CAST(CONCAT_WS(' ', table_name, 'index', index_name, non_unique, seq_in_index, column_name, \
      IFNULL(sub_part, '-'), IFNULL(collation, '-')) AS CHAR) \
    FROM information_schema.statistics WHERE table_schema = DATABASE() \
      AND index_type IN ('BTREE', 'HASH') \
    UNION ALL SELECT CAST(CONCAT_WS(' ', table_name, 'table', engine, table_collation) AS CHAR) \
    FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'";

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

/// A SQLite database loaded from a fixture with `sqlite3`.
fn sqlite_db(file: &str) -> (tempfile::TempDir, Connection) {
    let file = realdb(file);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("real.db");
    run(Command::new("sqlite3")
        .arg(&db)
        .arg(format!(".read {}", file.display())));
    let c = Connection::establish(&format!("sqlite://{}", db.display())).unwrap();
    (dir, c)
}

/// A PostgreSQL database loaded from a fixture with `psql`.
fn pg_db(file: &str) -> Option<(TestDb, Connection)> {
    let file = realdb(file);
    let db = TestDb::create(Server::Postgres)?;
    run(Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url, "-f"])
        .arg(&file));
    let c = Connection::establish(&db.url).unwrap();
    Some((db, c))
}

/// A MySQL/MariaDB database loaded from a fixture with `mariadb`.
fn mysql_db(file: &str) -> Option<(TestDb, Connection)> {
    let file = realdb(file);
    let db = TestDb::create(Server::Mysql)?;
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
    let c = Connection::establish(&db.url).unwrap();
    Some((db, c))
}

/// Introspection sees each object of `wanted` (the start of its
/// description, and words the description must contain, such as the tables
/// a view depends on); with no models, autogenerate's warnings name each of
/// `warned`.
fn sees_what_models_cannot_express(
    c: &mut Connection,
    wanted: &[(&str, &[&str])],
    warned: &[&str],
) {
    let live = introspect(c, &IntrospectOptions::default()).unwrap();
    let seen: Vec<String> = live.unmodelled.iter().map(ToString::to_string).collect();
    for (start, words) in wanted {
        assert!(
            seen.iter()
                .any(|s| s.starts_with(start) && words.iter().all(|w| s.contains(w))),
            "no unmodelled object `{start}…` with {words:?}; seen:\n{}",
            seen.join("\n")
        );
    }
    let diff = schema_core::diff::diff_with_hints(&live, &Schema::default(), c.dialect());
    for w in warned {
        assert!(
            diff.warnings.iter().any(|x| x.contains(w)),
            "no warning naming `{w}`:\n{}",
            diff.warnings.join("\n")
        );
    }
}

/// The partial index on `rental` is an index of the table, with its
/// predicate.
fn reads_the_partial_index(c: &mut Connection) {
    let live = introspect(c, &IntrospectOptions::default()).unwrap();
    let ix = live
        .table("rental")
        .and_then(|t| {
            t.indexes
                .iter()
                .find(|i| i.name == "idx_rental_outstanding")
        })
        .unwrap_or_else(|| panic!("{:#?}", live.table("rental")));
    assert!(
        ix.predicate
            .as_deref()
            .is_some_and(|p| p.contains("return_date")),
        "{ix:?}"
    );
}

/// `idx_customer_lower_email` is an index on `lower(email)`, read as an
/// expression key.
fn reads_the_expression_index(c: &mut Connection) {
    let live = introspect(c, &IntrospectOptions::default()).unwrap();
    let ix = live
        .table("customer")
        .and_then(|t| {
            t.indexes
                .iter()
                .find(|i| i.name == "idx_customer_lower_email")
        })
        .unwrap_or_else(|| panic!("{:#?}", live.table("customer")));
    assert!(ix.is_expression(0), "{ix:?}");
    assert_eq!(
        schema_core::dialect::normalize_check_sql(&ix.columns[0]),
        schema_core::dialect::normalize_check_sql("lower(email)"),
        "{ix:?}"
    );
}

#[test]
fn chinook_on_sqlite() {
    let (_dir, mut c) = sqlite_db("chinook.sqlite.sql");
    round_trip(&mut c, SQLITE_CATALOG, 11);
}

#[test]
fn chinook_on_postgres() {
    let Some((_db, mut c)) = pg_db("chinook.postgres.sql") else {
        return;
    };
    round_trip(&mut c, PG_CATALOG, 11);
}

#[test]
fn chinook_on_mysql() {
    let Some((_db, mut c)) = mysql_db("chinook.mysql.sql") else {
        return;
    };
    round_trip(&mut c, MYSQL_CATALOG, 11);
}

/// Sakila's SQLite port, with views and triggers besides its 13 tables
/// (and a partial index, an expression index and a generated column, which
/// models describe).
fn reads_the_generated_column(c: &mut Connection, table: &str, column: &str, stored: bool) {
    let live = introspect(c, &IntrospectOptions::default()).unwrap();
    let col = live
        .table(table)
        .and_then(|t| t.column(column))
        .unwrap_or_else(|| panic!("{table}.{column} is read"));
    let g = col
        .generated
        .as_ref()
        .unwrap_or_else(|| panic!("{table}.{column} is generated"));
    assert!(!g.expr.is_empty(), "{g:?}");
    assert_eq!(g.stored, stored, "{g:?}");
}

#[test]
fn sakila_on_sqlite() {
    let (_dir, mut c) = sqlite_db("sakila.sqlite.sql");
    sees_what_models_cannot_express(
        &mut c,
        &[
            ("view customer_list", &["customer", "address"]),
            ("view film_list", &["film"]),
            ("trigger", &["on film"]),
        ],
        &[
            "view customer_list, depends on",
            "dropping table customer fails or leaves it broken",
            "goes with table film, and the down section does not recreate it",
        ],
    );
    reads_the_partial_index(&mut c);
    reads_the_expression_index(&mut c);
    reads_the_generated_column(&mut c, "film", "length_hours", false);
    round_trip(&mut c, SQLITE_CATALOG, 13);
}

/// A pg_dump-style Pagila: an enum type (modelled: `film.rating` uses it)
/// and a domain type, `serial` keys written as
/// owned sequences, a partitioned table, views, a materialized view,
/// triggers and a function (and GiST, partial and expression indexes and
/// a generated column, which models describe).
#[test]
fn pagila_on_postgres() {
    let Some((_db, mut c)) = pg_db("pagila.postgres.sql") else {
        return;
    };
    sees_what_models_cannot_express(
        &mut c,
        &[
            ("view customer_list", &["customer", "address"]),
            ("materialized view rental_by_category", &["rental"]),
            (
                "partitioned table payment (RANGE (payment_date))",
                &["customer", "rental"],
            ),
            ("partition payment_p2022_01 of payment", &[]),
            ("trigger last_updated on film", &[]),
            ("routine last_updated()", &["function"]),
            ("type year (domain over integer)", &[]),
        ],
        &[
            "view customer_list, depends on",
            "partitioned table payment (RANGE (payment_date)), depends on",
            "dropping table customer fails or leaves it broken",
        ],
    );
    reads_the_partial_index(&mut c);
    reads_the_expression_index(&mut c);
    reads_the_generated_column(&mut c, "film", "length_hours", true);
    // The enum type its column uses is part of the model, values in order.
    let live = introspect(&mut c, &IntrospectOptions::default()).unwrap();
    let rating = live.table("film").and_then(|t| t.column("rating")).unwrap();
    assert_eq!(
        rating.ty,
        schema_core::LogicalType::Enum(schema_core::EnumType::new(
            "mpaa_rating",
            ["G", "PG", "PG-13", "R", "NC-17"]
        ))
    );
    assert!(
        live.unmodelled.iter().all(|u| u.name != "mpaa_rating"),
        "{:?}",
        live.unmodelled
    );
    // What the warnings ask for: the views and the partitioned table go
    // first, by hand. The tables then round-trip exactly, owned sequences
    // included.
    c.execute(
        "DROP VIEW customer_list, sales_by_film_category; \
         DROP MATERIALIZED VIEW rental_by_category; DROP TABLE payment",
    )
    .unwrap();
    round_trip(&mut c, PG_CATALOG, 10);
}

/// Sakila on MySQL/MariaDB: unsigned auto-increment keys, `ON UPDATE
/// CURRENT_TIMESTAMP`, ENUM, SET, YEAR, GEOMETRY, a table in `utf8mb3`
/// with an indexed VARCHAR, a column collation, FULLTEXT and SPATIAL
/// indexes, views, triggers, routines and a generated column.
#[test]
fn sakila_on_mysql() {
    let Some((_db, mut c)) = mysql_db("sakila.mysql.sql") else {
        return;
    };
    sees_what_models_cannot_express(
        &mut c,
        &[
            ("view customer_list", &["customer", "address"]),
            ("view film_list", &["film", "actor"]),
            ("trigger ins_film on film (AFTER INSERT)", &["film_text"]),
            ("routine film_in_stock (procedure)", &[]),
            ("routine inventory_in_stock (function)", &[]),
            ("index idx_title_description on film_text (FULLTEXT)", &[]),
            ("index idx_location on address (SPATIAL)", &[]),
        ],
        &[
            "view customer_list, depends on",
            "goes with table film, and the down section does not recreate it",
        ],
    );
    reads_the_generated_column(&mut c, "customer", "full_name", false);
    round_trip(&mut c, MYSQL_CATALOG, 12);
}
