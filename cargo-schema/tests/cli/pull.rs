//! `cargo schema pull`: models from an existing database. Right after a
//! pull, `check` finds nothing, unless pull said what it could not model;
//! the generated file compiles; real schemas (Chinook, Sakila, Pagila)
//! round-trip through the model parser on every database.

use std::path::Path;
use std::process::Command;

use schema_core::codegen::generate_models;
use schema_core::dialect::Dialect;
use schema_core::ops::Op;
use schema_core::parse::parse_model;
use schema_core::Schema;
use schema_runtime::{introspect, Connection, DatabaseUrl, IntrospectOptions};

use crate::support::{project, runtime_path, TestProject};

/// Chinook, Sakila and Pagila (source and licence in each file's header),
/// kept with the runtime's test fixtures.
const CHINOOK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../schema-runtime/tests/fixtures/realdb"
);

fn chinook(file: &str) -> String {
    Path::new(CHINOOK).join(file).display().to_string()
}

/// Runs a database client, failing the test with its output.
fn client(program: &str, args: &[&str], stdin_file: Option<&str>) {
    let mut cmd = Command::new(program);
    cmd.args(args);
    if let Some(f) = stdin_file {
        cmd.stdin(std::fs::File::open(f).unwrap_or_else(|e| panic!("open {f}: {e}")));
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A project with a migrations directory whose models live in
/// `src/models.rs` (declared, not yet written).
fn pull_project() -> TestProject {
    let p = project("pulled")
        .file("src/lib.rs", "mod models;\n")
        .build();
    p.schema(&["init"]).ok();
    p
}

/// Which servers the environment offers.
#[derive(Clone, Copy, Debug)]
enum Server {
    Postgres,
    Mysql,
}

impl Server {
    fn env_var(self) -> &'static str {
        match self {
            Server::Postgres => "SCHEMA_TEST_POSTGRES_URL",
            Server::Mysql => "SCHEMA_TEST_MYSQL_URL",
        }
    }
}

/// A uniquely named database on a server, dropped at the end.
struct ServerDb {
    server: Server,
    admin: String,
    name: String,
    url: String,
}

impl ServerDb {
    fn create(server: Server) -> Option<ServerDb> {
        let Ok(admin) = std::env::var(server.env_var()) else {
            println!("skipped: {} not set", server.env_var());
            return None;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .subsec_nanos();
        let name = format!("cs_pull_{}_{nanos:x}", std::process::id());
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let db = ServerDb {
            server,
            admin,
            name,
            url,
        };
        db.admin_execute(&format!("CREATE DATABASE {}", db.name));
        Some(db)
    }

    fn admin_execute(&self, sql: &str) {
        let url = DatabaseUrl::parse(&self.admin).expect("admin URL parses");
        let mut conn = Connection::open_existing_or_empty(&url).expect("connect as admin");
        conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Loads a SQL file with the server's own client.
    fn load(&self, file: &str) {
        match self.server {
            Server::Postgres => client(
                "psql",
                &["-q", "-v", "ON_ERROR_STOP=1", &self.url, "-f", file],
                None,
            ),
            Server::Mysql => {
                // mysql://user[:pass]@host:port/db
                let rest = self.url.trim_start_matches("mysql://");
                let (auth, hostpart) = rest.split_once('@').expect("URL has user@host");
                let (user, pass) = auth.split_once(':').unwrap_or((auth, ""));
                let host = hostpart.split('/').next().expect("host");
                let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
                let password = format!("--password={pass}");
                let mut args = vec!["-h", host, "-P", port, "-u", user];
                if !pass.is_empty() {
                    args.push(&password);
                }
                args.push(&self.name);
                client("mariadb", &args, Some(file));
            }
        }
    }

    fn execute(&self, sql: &str) {
        let url = DatabaseUrl::parse(&self.url).expect("URL parses");
        let mut conn = Connection::open_existing_or_empty(&url).expect("connect");
        conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let sql = match self.server {
            Server::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            Server::Mysql => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let url = DatabaseUrl::parse(&self.admin).expect("admin URL parses");
        match Connection::open_existing_or_empty(&url).and_then(|mut c| c.execute(&sql)) {
            Ok(()) => {}
            Err(e) => eprintln!("warning: could not drop {}: {e}", self.name),
        }
    }
}

/// Introspect → generate → parse with the derive's parser → diff.
fn round_trip(url: &str) -> (Dialect, Vec<String>, Vec<Op>) {
    let url = DatabaseUrl::parse(url).expect("URL parses");
    let mut conn = Connection::open_existing_or_empty(&url).expect("connect");
    let live = introspect(&mut conn, &IntrospectOptions::default()).expect("introspect");
    let d = conn.dialect();
    let out = generate_models(&live, d);
    let file = syn::parse_file(&out.source).expect("generated source parses");
    let models = Schema::new(
        file.items
            .into_iter()
            .filter_map(|i| match i {
                syn::Item::Struct(s) => Some(syn::DeriveInput::from(s)),
                _ => None,
            })
            .map(|input| parse_model(&input).expect("generated struct is a valid model"))
            .collect(),
    );
    assert_eq!(models.tables.len(), 11, "{}", out.source);
    let notes = out.not_modelled.iter().map(ToString::to_string).collect();
    (d, notes, schema_core::diff::diff(&live, &models, d))
}

#[test]
fn pull_chinook_on_sqlite_then_check_finds_nothing() {
    let p = pull_project();
    let db = p.path().join("app.db");
    client(
        "sqlite3",
        &[db.to_str().expect("utf-8 path")],
        Some(&chinook("chinook.sqlite.sql")),
    );
    p.schema(&["pull", "--out", "src/models.rs"])
        .ok()
        .says("wrote 11 models to src/models.rs")
        .says("mod models;")
        .never_says("not modelled");
    let source = p.read("src/models.rs");
    assert!(source.contains("pub struct PlaylistTrack"), "{source}");
    assert!(
        source.contains("#[model(table = \"InvoiceLine\")]"),
        "{source}"
    );
    assert!(
        source.contains("references = \"Artist.ArtistId\""),
        "{source}"
    );
    p.schema(&["check"]).ok().says("no changes detected");

    // A second pull does not overwrite the models without --force.
    p.write("src/models.rs", "// edited by hand\n");
    p.schema(&["pull", "--out", "src/models.rs"])
        .code(2)
        .says("src/models.rs already exists; pass --force");
    assert_eq!(p.read("src/models.rs"), "// edited by hand\n");
    p.schema(&["pull", "--out", "src/models.rs", "--force"])
        .ok();
    assert_eq!(p.read("src/models.rs"), source);

    // Without --out: the source on stdout; --tables picks tables.
    let run = p.schema(&["pull", "--tables", "Art*", "Genre"]).ok();
    assert!(run.stdout.contains("pub struct Artist {"), "{run}");
    assert!(run.stdout.contains("pub struct Genre {"), "{run}");
    assert!(!run.stdout.contains("pub struct Album {"), "{run}");
    p.schema(&["pull", "--tables", "nope*"])
        .code(2)
        .says("no table matches --tables nope*");
}

#[test]
fn a_table_without_a_primary_key_is_reported_not_modelled() {
    let p = pull_project();
    let db = p.path().join("app.db");
    client(
        "sqlite3",
        &[
            db.to_str().expect("utf-8 path"),
            "CREATE TABLE log (line TEXT); CREATE TABLE \"Order Items\" (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"type\" TEXT NOT NULL DEFAULT 'a', \"2fa\" BOOLEAN);",
        ],
        None,
    );
    let run = p.schema(&["pull"]).ok();
    assert!(run.stdout.contains("pub struct OrderItems"), "{run}");
    assert!(run.stdout.contains("pub r#type: String"), "{run}");
    assert!(!run.stdout.contains("struct Log"), "{run}");
    assert!(
        run.stderr
            .contains("not modelled: log: table has no primary key"),
        "{run}"
    );
}

/// The generated file builds in a crate that depends on schema-runtime
/// (plus the crates its column types come from).
#[test]
fn pulled_chinook_models_compile() {
    let p = pull_project();
    let db = p.path().join("app.db");
    client(
        "sqlite3",
        &[db.to_str().expect("utf-8 path")],
        Some(&chinook("chinook.sqlite.sql")),
    );
    p.schema(&["pull", "--out", "src/models.rs"])
        .ok()
        .says("the models name types from chrono, rust_decimal");
    compile_and_test(
        &p,
        "",
        "mod models;\n\n#[test]\nfn tables() {\n    use schema_runtime::Model;\n    assert_eq!(models::InvoiceLine::table().name, \"InvoiceLine\");\n}\n",
    );
}

/// Makes `p` a crate depending on schema-runtime, chrono, rust_decimal (and
/// `extra_deps`) with `lib` as its root, and runs its tests with cargo: the
/// pulled models must compile.
fn compile_and_test(p: &TestProject, extra_deps: &str, lib: &str) {
    p.write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"pulled\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nschema-runtime = {{ path = {:?}, default-features = false }}\nchrono = {{ version = \"0.4\", default-features = false }}\nrust_decimal = {{ version = \"1\", default-features = false }}\n{extra_deps}",
            runtime_path().display().to_string()
        ),
    );
    p.write("src/lib.rs", lib);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pulled-models");
    let out = Command::new(cargo)
        .current_dir(p.path())
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--quiet"])
        .output()
        .expect("run cargo test");
    assert!(
        out.status.success(),
        "the pulled models do not compile:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn chinook_round_trips_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("chinook.db");
    client(
        "sqlite3",
        &[db.to_str().expect("utf-8 path")],
        Some(&chinook("chinook.sqlite.sql")),
    );
    let (_, notes, ops) = round_trip(&format!("sqlite://{}", db.display()));
    assert!(notes.is_empty(), "{notes:#?}");
    assert!(ops.is_empty(), "{ops:#?}");
}

/// Chinook names its keys itself (`album_pkey`, `FK_AlbumArtistId`): the
/// models carry those names (`primary_key_name`, `foreign_key_name`), so the
/// pulled models match exactly and nothing is left unmodelled.
fn chinook_on(server: Server, file: &str) {
    let Some(db) = ServerDb::create(server) else {
        return;
    };
    db.load(&chinook(file));
    let (_, notes, ops) = round_trip(&db.url);
    assert!(notes.is_empty(), "{notes:#?}");
    assert!(ops.is_empty(), "{ops:#?}");
}

#[test]
fn chinook_round_trips_on_postgres() {
    chinook_on(Server::Postgres, "chinook.postgres.sql");
}

#[test]
fn chinook_round_trips_on_mysql() {
    chinook_on(Server::Mysql, "chinook.mysql.sql");
}

const PG_SHOP: &str = r#"
CREATE TABLE orgs (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY,
    name VARCHAR(100) NOT NULL,
    CONSTRAINT pk_orgs PRIMARY KEY (id),
    CONSTRAINT uq_orgs_name UNIQUE (name)
);
COMMENT ON TABLE orgs IS 'customers';
CREATE TABLE "Order Items" (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY,
    "type" TEXT NOT NULL DEFAULT 'plain',
    "2fa" BOOLEAN NOT NULL DEFAULT false,
    org_id BIGINT,
    qty INTEGER NOT NULL DEFAULT 1,
    price NUMERIC(10,2) NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    tags TEXT[],
    doc JSONB,
    CONSTRAINT "pk_Order Items" PRIMARY KEY (id),
    CONSTRAINT "fk_Order Items_org_id_orgs" FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE SET NULL,
    CONSTRAINT "ck_Order Items_qty" CHECK (qty > 0)
);
COMMENT ON COLUMN "Order Items"."type" IS 'kind of item';
CREATE INDEX by_org_type ON "Order Items" (org_id, "type");
CREATE TABLE tag (
    org_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT pk_tag PRIMARY KEY (name, org_id),
    CONSTRAINT fk_tag_org_id_orgs FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE
);
"#;

const MYSQL_SHOP: &str = r#"
CREATE TABLE orgs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    UNIQUE KEY uq_orgs_name (name)
) COMMENT = 'customers';
CREATE TABLE `Order Items` (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `type` VARCHAR(20) NOT NULL DEFAULT 'plain' COMMENT 'kind of item',
    `2fa` BOOL NOT NULL DEFAULT 0,
    org_id BIGINT,
    qty INT NOT NULL DEFAULT 1,
    price DECIMAL(10,2) NOT NULL DEFAULT 0,
    mood ENUM('happy', 'sad') NOT NULL DEFAULT 'happy',
    level TINYINT NOT NULL DEFAULT 0,
    born YEAR,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY by_org_type (org_id, `type`),
    CONSTRAINT `fk_Order Items_org_id_orgs` FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE SET NULL,
    CONSTRAINT `ck_Order Items_qty` CHECK (qty > 0)
);
CREATE TABLE tag (
    org_id BIGINT NOT NULL,
    name VARCHAR(50) NOT NULL,
    PRIMARY KEY (name, org_id),
    KEY ix_tag_org_id (org_id),
    CONSTRAINT fk_tag_org_id_orgs FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE
);
"#;

/// A schema whose constraint names are the ones models derive: pull, then
/// `check` finds nothing.
fn pull_then_check_on(server: Server, sql: &str) {
    let Some(db) = ServerDb::create(server) else {
        return;
    };
    db.execute(sql);
    let p = pull_project();
    let env = [("DATABASE_URL", db.url.as_str())];
    let run = p
        .schema_env(&["pull", "--out", "src/models.rs"], &env)
        .ok()
        .says("wrote 3 models to src/models.rs")
        .never_says("not modelled");
    let source = p.read("src/models.rs");
    assert!(source.contains("pub struct OrderItems"), "{run}\n{source}");
    assert!(source.contains("pub _2fa: bool"), "{source}");
    assert!(source.contains("on_delete = \"set_null\""), "{source}");
    assert!(source.contains("check(name = \"qty\""), "{source}");
    p.schema_env(&["check"], &env)
        .ok()
        .says("no changes detected");
}

#[test]
fn pull_then_check_finds_nothing_on_postgres() {
    pull_then_check_on(Server::Postgres, PG_SHOP);
}

#[test]
fn pull_then_check_finds_nothing_on_mysql() {
    pull_then_check_on(Server::Mysql, MYSQL_SHOP);
}

/// Chinook on a server, loaded with its own client: `pull`, then `check`
/// through the real binary finds nothing.
fn pull_chinook_then_check_on(server: Server, file: &str) {
    let Some(db) = ServerDb::create(server) else {
        return;
    };
    db.load(&chinook(file));
    let p = pull_project();
    let env = [("DATABASE_URL", db.url.as_str())];
    p.schema_env(&["pull", "--out", "src/models.rs"], &env)
        .ok()
        .says("wrote 11 models to src/models.rs")
        .never_says("not modelled");
    p.schema_env(&["check"], &env)
        .ok()
        .says("no changes detected");
}

#[test]
fn pull_chinook_then_check_finds_nothing_on_postgres() {
    pull_chinook_then_check_on(Server::Postgres, "chinook.postgres.sql");
}

#[test]
fn pull_chinook_then_check_finds_nothing_on_mysql() {
    pull_chinook_then_check_on(Server::Mysql, "chinook.mysql.sql");
}

/// A real schema with what models cannot express (views, triggers,
/// routines, generated columns, special indexes, partitioned tables):
/// `pull` writes a model per table and lists each of those as not
/// modelled; `check` and `revision --autogenerate` then find nothing, and
/// leave them alone.
fn pull_real_schema_then_check(
    p: &TestProject,
    env: &[(&str, &str)],
    tables: usize,
    not_modelled: &[&str],
) {
    let mut run = p
        .schema_env(&["pull", "--out", "src/models.rs"], env)
        .ok()
        .says(&format!("wrote {tables} models to src/models.rs"));
    for n in not_modelled {
        run = run.says(n);
    }
    p.schema_env(&["check"], env)
        .ok()
        .says("no changes detected");
    p.schema_env(&["revision", "--autogenerate", "-m", "nothing"], env)
        .ok()
        .says("no changes detected; no migration written");
}

#[test]
fn pull_sakila_then_check_finds_nothing_on_sqlite() {
    let p = pull_project();
    let db = p.path().join("app.db");
    client(
        "sqlite3",
        &[db.to_str().expect("utf-8 path")],
        Some(&chinook("sakila.sqlite.sql")),
    );
    let url = p.db_url();
    pull_real_schema_then_check(
        &p,
        &[("DATABASE_URL", url.as_str())],
        13,
        &["not modelled: customer_list: view customer_list, depends on"],
    );
}

#[test]
fn pull_pagila_then_check_finds_nothing_on_postgres() {
    let Some(db) = ServerDb::create(Server::Postgres) else {
        return;
    };
    db.load(&chinook("pagila.postgres.sql"));
    let p = pull_project();
    pull_real_schema_then_check(
        &p,
        &[("DATABASE_URL", db.url.as_str())],
        10,
        &[
            "not modelled: payment: partitioned table payment (RANGE (payment_date))",
            "not modelled: rental_by_category: materialized view rental_by_category",
            "not modelled: film: trigger last_updated on film",
        ],
    );
    let source = p.read("src/models.rs");
    // The enum type film.rating uses becomes a ModelEnum.
    assert!(
        source.contains("pub enum MpaaRating {\n    #[model(rename = \"G\")]\n    G,"),
        "{source}"
    );
    assert!(
        source.contains("#[model(rename = \"PG-13\")]\n    Pg13,")
            || source.contains("#[model(rename = \"PG-13\")]\n    PG13,"),
        "{source}"
    );
    assert!(
        source.contains("#[model(default = \"G\")]\n    pub rating: Option<MpaaRating>"),
        "{source}"
    );
    assert!(
        source.contains("pub special_features: Option<Vec<String>>"),
        "{source}"
    );
}

#[test]
fn pull_sakila_then_check_finds_nothing_on_mysql() {
    let Some(db) = ServerDb::create(Server::Mysql) else {
        return;
    };
    db.load(&chinook("sakila.mysql.sql"));
    let p = pull_project();
    pull_real_schema_then_check(
        &p,
        &[("DATABASE_URL", db.url.as_str())],
        12,
        &[
            "not modelled: film: trigger ins_film on film (AFTER INSERT)",
            "not modelled: film_text: index idx_title_description on film_text (FULLTEXT)",
        ],
    );
    let source = p.read("src/models.rs");
    assert!(
        source.contains("on_update_sql = \"current_timestamp()\""),
        "{source}"
    );
    assert!(
        source.contains("#[model(collation = \"utf8mb3_general_ci\")]"),
        "{source}"
    );
    assert!(
        source.contains("sql_type = \"SMALLINT UNSIGNED\""),
        "{source}"
    );
}

/// The models pulled from Pagila (PostgreSQL) and Sakila (MariaDB) — enum,
/// domain, array, `tsvector`, unsigned, ENUM, SET, YEAR and GEOMETRY
/// columns — compile in one crate.
#[test]
fn pulled_pagila_and_sakila_models_compile() {
    let (Some(pg), Some(my)) = (
        ServerDb::create(Server::Postgres),
        ServerDb::create(Server::Mysql),
    ) else {
        return;
    };
    pg.load(&chinook("pagila.postgres.sql"));
    my.load(&chinook("sakila.mysql.sql"));
    let p = pull_project();
    p.schema_env(
        &["pull", "--out", "src/pagila.rs"],
        &[("DATABASE_URL", pg.url.as_str())],
    )
    .ok();
    p.schema_env(
        &["pull", "--out", "src/sakila.rs"],
        &[("DATABASE_URL", my.url.as_str())],
    )
    .ok();
    compile_and_test(
        &p,
        "uuid = { version = \"1\", default-features = false }\n",
        "mod pagila;\nmod sakila;\n\n#[test]\nfn tables() {\n    use schema_runtime::Model;\n    assert_eq!(pagila::Film::table().name, \"film\");\n    assert_eq!(sakila::Actor::table().collation.as_deref(), Some(\"utf8mb3_general_ci\"));\n}\n",
    );
}
