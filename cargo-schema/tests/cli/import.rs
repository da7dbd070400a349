//! `cargo schema import`: each tool's history converted and stamped on
//! SQLite; stamping from real source tables on PostgreSQL and MariaDB; the
//! refusals; and, when sqlx-cli / diesel_cli are installed, histories those
//! tools really made and ran.

use std::path::Path;
use std::process::Command;

use schema_runtime::Connection;

use crate::support::{project, TestProject};

/// A project with `migrations/` initialised and the other tool's files
/// under `other/`.
fn with_source(files: &[(&str, &str)]) -> TestProject {
    let mut b = project("adopt");
    for (path, text) in files {
        b = b.file(&format!("other/{path}"), text);
    }
    let p = b.build();
    p.schema(&["init"]).ok();
    p
}

/// Every file of `migrations/` with its text, for before/after comparisons.
fn snapshot(p: &TestProject) -> Vec<(String, String)> {
    p.migrations()
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// Rows of our version table, in order.
fn stamped(p: &TestProject) -> String {
    p.sqlite("SELECT revision FROM schema_revisions ORDER BY revision")
}

const SQLX_FILES: &[(&str, &str)] = &[
    (
        "20230101000000_create_users.up.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n",
    ),
    (
        "20230101000000_create_users.down.sql",
        "DROP TABLE users;\n",
    ),
    (
        "20230102000000_add_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    ),
    (
        "20230103000000_add_index.up.sql",
        "-- no-transaction\nCREATE INDEX ix_users_email ON users (email);\n",
    ),
    (
        "20230103000000_add_index.down.sql",
        "DROP INDEX ix_users_email;\n",
    ),
];

/// What sqlx would have left after applying the first two migrations.
const SQLX_APPLIED_TWO: &str = "
CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
  installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
  checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
  VALUES (20230101000000, 'create users', TRUE, x'00', 1), (20230102000000, 'add posts', TRUE, x'00', 1);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY);
";

#[test]
fn import_sqlx_on_sqlite_stamps_what_sqlx_applied_and_is_idempotent() {
    let p = with_source(SQLX_FILES);
    p.sqlite(SQLX_APPLIED_TWO);
    p.schema(&["import", "--from", "sqlx", "other"])
        .ok()
        .says("imported 3 sqlx migrations into migrations: 3 new, 0 unchanged")
        .says("stamped ")
        .says("2 of 3 applied by sqlx")
        .says("applies the remaining 1");
    let files = snapshot(&p);
    assert_eq!(files.len(), 3);
    let (_, users) = p.migration("create users");
    assert!(users.contains("-- down_revision: none\n"), "{users}");
    assert!(
        users.contains("-- created: 2023-01-01T00:00:00Z\n"),
        "{users}"
    );
    assert!(
        users.contains("-- migrate:down\nDROP TABLE users;"),
        "{users}"
    );
    let (_, posts) = p.migration("add posts");
    assert!(
        posts.contains("sqlx has no down migration for version 20230102000000"),
        "{posts}"
    );
    let (_, index) = p.migration("add index");
    assert!(index.contains("-- transaction: false\n"), "{index}");
    assert!(!index.contains("\n-- no-transaction\n"), "{index}");
    // A linear chain.
    let rev = |text: &str| {
        text.lines()
            .next()
            .unwrap()
            .trim_start_matches("-- revision: ")
            .to_string()
    };
    assert!(
        posts.contains(&format!("-- down_revision: {}\n", rev(&users))),
        "{posts}"
    );
    assert!(
        index.contains(&format!("-- down_revision: {}\n", rev(&posts))),
        "{index}"
    );
    assert_eq!(stamped(&p).lines().count(), 2);
    p.schema(&["current"])
        .ok()
        .says(&rev(&posts))
        .says("1 pending");

    // Twice: the same files, no new ones, no re-stamp.
    let before = stamped(&p);
    p.schema(&["import", "--from", "sqlx", "other"])
        .ok()
        .says("0 new, 3 unchanged")
        .says("already stamped at")
        .never_says("created ");
    assert_eq!(snapshot(&p), files);
    assert_eq!(stamped(&p), before);

    // upgrade applies only the rest; then import leaves our table alone.
    p.schema(&["upgrade"])
        .ok()
        .says("add index")
        .never_says("create users");
    p.schema(&["current"]).ok().says("(head)");
    p.schema(&["import", "--from", "sqlx", "other"])
        .ok()
        .says("already records more than sqlx applied");
    assert_eq!(stamped(&p).lines().count(), 3);

    // A migration the old tool gained since is added on top of the chain.
    p.write(
        "other/20230104000000_add_tags.sql",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
    );
    p.schema(&["import", "--from", "sqlx", "other"])
        .ok()
        .says("1 new, 3 unchanged");
    let (_, tags) = p.migration("add tags");
    assert!(
        tags.contains(&format!("-- down_revision: {}\n", rev(&index))),
        "{tags}"
    );
    p.schema(&["upgrade"])
        .ok()
        .says("add tags")
        .never_says("add index");
}

#[test]
fn import_refuses_a_changed_file_without_writing() {
    let p = with_source(SQLX_FILES);
    p.schema(&["import", "--from", "sqlx", "other", "--no-stamp"])
        .ok();
    let (path, text) = p.migration("add posts");
    std::fs::write(&path, text.replace("posts (id", "posts (pk")).unwrap();
    let before = snapshot(&p);
    p.write("other/20230104000000_more.sql", "SELECT 1;\n");
    p.schema(&["import", "--from", "sqlx", "other", "--no-stamp"])
        .code(1)
        .says("already exists with different content")
        .says("Nothing was written");
    assert_eq!(snapshot(&p), before, "nothing may be written");
}

#[test]
fn import_refuses_failed_unknown_and_gapped_sqlx_tables_before_writing() {
    let cases = [
        (
            "INSERT INTO _sqlx_migrations VALUES (20230101000000, 'a', CURRENT_TIMESTAMP, FALSE, x'00', 1);",
            "as failed (success = false)",
        ),
        (
            "INSERT INTO _sqlx_migrations VALUES (20230101000000, 'a', CURRENT_TIMESTAMP, TRUE, x'00', 1), (20991231000000, 'z', CURRENT_TIMESTAMP, TRUE, x'00', 1);",
            "records version 20991231000000 as applied, but no sqlx migration file has it",
        ),
        (
            "INSERT INTO _sqlx_migrations VALUES (20230101000000, 'a', CURRENT_TIMESTAMP, TRUE, x'00', 1), (20230103000000, 'c', CURRENT_TIMESTAMP, TRUE, x'00', 1);",
            "has a gap: migration 20230102000000",
        ),
    ];
    for (rows, says) in cases {
        let p = with_source(SQLX_FILES);
        p.sqlite(&format!("CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT, installed_on TIMESTAMP, success BOOLEAN, checksum BLOB, execution_time BIGINT); {rows}"),
        );
        p.schema(&["import", "--from", "sqlx", "other"])
            .code(1)
            .says(says);
        assert!(p.migrations().is_empty(), "nothing may be written ({says})");
        assert_eq!(
            p.sqlite("SELECT count(*) FROM sqlite_master WHERE name = 'schema_revisions'"),
            "0",
            "nothing may be stamped ({says})"
        );
    }
}

#[test]
fn import_refuses_an_unknown_layout_and_a_missing_table() {
    let p = with_source(&[("V1__init.sql", "SELECT 1;"), ("notes.txt", "")]);
    p.schema(&["import", "--from", "sqlx", "other"])
        .code(1)
        .says("`V1__init.sql` is not a sqlx migration; expected `<version>_<description>.sql`");
    p.schema(&["import", "--from", "refinery", "other"])
        .code(1)
        .says("`notes.txt` is not a refinery migration; expected `V<version>__<name>.sql`");
    std::fs::remove_file(p.path().join("other/notes.txt")).unwrap();
    p.schema(&["import", "--from", "refinery", "other"])
        .code(1)
        .says("has no table `refinery_schema_history`")
        .says("--no-stamp");
    assert!(p.migrations().is_empty());
    p.schema(&["import", "--from", "golang-migrate", "nowhere"])
        .code(2)
        .says("nowhere: no such directory");
}

#[test]
fn import_diesel_on_sqlite() {
    let p = with_source(&[
        (
            "2023-01-01-000000_create_users/up.sql",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        ),
        (
            "2023-01-01-000000_create_users/down.sql",
            "DROP TABLE users;",
        ),
        (
            "2023-01-02-000000_add_posts/up.sql",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY);",
        ),
        ("2023-01-02-000000_add_posts/down.sql", "DROP TABLE posts;"),
        (
            "2023-01-02-000000_add_posts/metadata.toml",
            "run_in_transaction = false\n",
        ),
        (".keep", ""),
    ]);
    p.sqlite("CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
         INSERT INTO __diesel_schema_migrations (version) VALUES ('20230101000000');
         CREATE TABLE users (id INTEGER PRIMARY KEY);",
    );
    p.schema(&["import", "--from", "diesel", "other"])
        .ok()
        .says("1 of 2 applied by diesel");
    let (_, posts) = p.migration("add posts");
    assert!(posts.contains("-- transaction: false\n"), "{posts}");
    assert!(
        posts.contains("-- migrate:down\nDROP TABLE posts;"),
        "{posts}"
    );
    p.schema(&["upgrade"])
        .ok()
        .says("add posts")
        .never_says("create users");
    p.schema(&["downgrade", "base"]).ok();
    assert_eq!(
        p.sqlite("SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'posts')"),
        "0"
    );
}

#[test]
fn import_refinery_on_sqlite() {
    let p = with_source(&[
        (
            "V1__initial.sql",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        ),
        (
            "V2__add_posts.sql",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY);",
        ),
        (
            "V3__add_tags.sql",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY);",
        ),
    ]);
    p.sqlite("CREATE TABLE refinery_schema_history (version INT4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255));
         INSERT INTO refinery_schema_history VALUES (1, 'initial', '', '1'), (2, 'add_posts', '', '2');
         CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE posts (id INTEGER PRIMARY KEY);",
    );
    p.schema(&["import", "--from", "refinery", "other"])
        .ok()
        .says("2 of 3 applied by refinery");
    let (_, initial) = p.migration("initial");
    assert!(
        initial.contains("refinery has no down migration for version 1"),
        "{initial}"
    );
    p.schema(&["upgrade"])
        .ok()
        .says("add tags")
        .never_says("add posts");
}

#[test]
fn import_dbmate_on_sqlite() {
    let p = with_source(&[
        (
            "20230101000000_create_users.sql",
            "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n",
        ),
        (
            "20230102000000_add_index.sql",
            "-- migrate:up transaction:false\nCREATE INDEX ix_users_id ON users (id);\n\n-- migrate:down\nDROP INDEX ix_users_id;\n",
        ),
    ]);
    p.sqlite(
        "CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY);
         INSERT INTO schema_migrations VALUES ('20230101000000');
         CREATE TABLE users (id INTEGER PRIMARY KEY);",
    );
    p.schema(&["import", "--from", "dbmate", "other"])
        .ok()
        .says("1 of 2 applied by dbmate");
    let (_, index) = p.migration("add index");
    assert!(index.contains("-- transaction: false\n"), "{index}");
    assert!(
        index.contains("-- migrate:down\nDROP INDEX ix_users_id;"),
        "{index}"
    );
    p.schema(&["upgrade"])
        .ok()
        .says("add index")
        .never_says("create users");
}

#[test]
fn import_golang_migrate_on_sqlite() {
    let files = [
        (
            "000001_create_users.up.sql",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        ),
        ("000001_create_users.down.sql", "DROP TABLE users;"),
        (
            "000002_add_posts.up.sql",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY);",
        ),
        ("000002_add_posts.down.sql", "DROP TABLE posts;"),
        (
            "000003_add_tags.up.sql",
            "CREATE TABLE tags (id INTEGER PRIMARY KEY);",
        ),
    ];
    let p = with_source(&files);
    p.sqlite(
        "CREATE TABLE schema_migrations (version uint64, dirty bool);
         INSERT INTO schema_migrations VALUES (2, 0);
         CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE posts (id INTEGER PRIMARY KEY);",
    );
    p.schema(&["import", "--from", "golang-migrate", "other"])
        .ok()
        .says("2 of 3 applied by golang-migrate");
    p.schema(&["upgrade"])
        .ok()
        .says("add tags")
        .never_says("add posts");

    // A dirty row is refused with the way out.
    let p = with_source(&files);
    p.sqlite("CREATE TABLE schema_migrations (version uint64, dirty bool); INSERT INTO schema_migrations VALUES (2, 1);",
    );
    p.schema(&["import", "--from", "golang-migrate", "other"])
        .code(1)
        .says("marks version 2 dirty")
        .says("migrate force 2");
    assert!(p.migrations().is_empty());
}

#[test]
fn import_refuses_next_to_a_history_of_its_own() {
    let p = with_source(SQLX_FILES);
    p.schema(&["revision", "-m", "native"]).ok();
    p.schema(&["import", "--from", "sqlx", "other", "--no-stamp"])
        .code(1)
        .says("already holds a history of its own");
    assert_eq!(p.migrations().len(), 1);
}

// ---- servers ---------------------------------------------------------------

/// A throw-away database on the server named by `var`, dropped on drop.
struct ServerDb {
    admin: String,
    name: String,
    url: String,
    postgres: bool,
}

impl ServerDb {
    fn create(var: &str) -> Option<ServerDb> {
        let Ok(admin) = std::env::var(var) else {
            println!("skipped: {var} not set");
            return None;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("cs_import_{}_{:x}", std::process::id(), nanos & 0xffff_ffff);
        let postgres = admin.starts_with("postgres");
        let base = admin.rsplit_once('/').expect("URL names a database").0;
        let url = format!("{base}/{name}");
        Connection::establish(&admin)
            .unwrap()
            .execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(ServerDb {
            admin,
            name,
            url,
            postgres,
        })
    }

    fn execute(&self, sql: &str) {
        Connection::establish(&self.url)
            .unwrap()
            .execute(sql)
            .unwrap();
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let sql = if self.postgres {
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
        } else {
            format!("DROP DATABASE IF EXISTS {}", self.name)
        };
        if let Err(e) = Connection::establish(&self.admin).and_then(|mut c| c.execute(&sql)) {
            eprintln!("warning: could not drop {}: {e}", self.name);
        }
    }
}

fn stamps_from_a_server_table(var: &str, bool_true: &str) {
    let Some(db) = ServerDb::create(var) else {
        return;
    };
    db.execute(&format!(
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, success BOOLEAN NOT NULL);
         INSERT INTO _sqlx_migrations VALUES (20230101000000, 'create users', {bool_true}), (20230102000000, 'add posts', {bool_true});
         CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));
         CREATE TABLE posts (id INTEGER PRIMARY KEY);"
    ));
    // The index migration runs without a transaction; both servers accept it.
    let p = with_source(SQLX_FILES);
    let env = [("DATABASE_URL", db.url.as_str())];
    p.schema_env(&["import", "--from", "sqlx", "other"], &env)
        .ok()
        .says("2 of 3 applied by sqlx");
    p.schema_env(&["import", "--from", "sqlx", "other"], &env)
        .ok()
        .says("already stamped at");
    p.schema_env(&["upgrade"], &env)
        .ok()
        .says("add index")
        .never_says("add posts");
    p.schema_env(&["current"], &env).ok().says("(head)");

    // golang-migrate's single row on the same server.
    let g = with_source(&[
        ("1_a.up.sql", "CREATE TABLE ga (id INTEGER PRIMARY KEY);"),
        ("2_b.up.sql", "CREATE TABLE gb (id INTEGER PRIMARY KEY);"),
    ]);
    db.execute(&format!(
        "CREATE TABLE gm_versions (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL);
         INSERT INTO gm_versions VALUES (1, {bool_true});"
    ));
    g.schema_env(
        &[
            "import",
            "--from",
            "golang-migrate",
            "other",
            "--table",
            "gm_versions",
            "--no-stamp",
        ],
        &env,
    )
    .ok();
    g.schema_env(
        &[
            "import",
            "--from",
            "golang-migrate",
            "other",
            "--table",
            "gm_versions",
        ],
        &env,
    )
    .code(1)
    .says("marks version 1 dirty");
}

#[test]
fn import_stamps_from_a_postgres_table() {
    stamps_from_a_server_table("SCHEMA_TEST_POSTGRES_URL", "TRUE");
}

#[test]
fn import_stamps_from_a_mariadb_table() {
    stamps_from_a_server_table("SCHEMA_TEST_MYSQL_URL", "TRUE");
}

// ---- the real tools ----------------------------------------------------------

/// Whether `tool` runs; prints the skip line when it does not.
fn on_path(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipped: {tool} not on PATH");
    }
    found
}

fn run_tool(dir: &Path, tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The newest file `tool` generated whose name contains `part`.
fn generated(dir: &Path, part: &str) -> std::path::PathBuf {
    let mut found: Vec<_> = walk(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(part))
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("no file matching {part} in {}", dir.display()))
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// sqlx makes and runs a history; import takes over; upgrade applies only
/// what sqlx had not.
fn real_sqlx(url: &str, p: &TestProject) {
    let dir = p.path();
    run_tool(
        dir,
        "sqlx",
        &["migrate", "add", "-r", "--source", "other", "create_users"],
    );
    std::fs::write(
        generated(dir, "create_users.up.sql"),
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        generated(dir, "create_users.down.sql"),
        "DROP TABLE users;\n",
    )
    .unwrap();
    // Reversible ids are timestamps to the second; keep them apart.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_tool(
        dir,
        "sqlx",
        &["migrate", "add", "-r", "--source", "other", "add_posts"],
    );
    std::fs::write(
        generated(dir, "add_posts.up.sql"),
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(generated(dir, "add_posts.down.sql"), "DROP TABLE posts;\n").unwrap();
    run_tool(
        dir,
        "sqlx",
        &["migrate", "run", "--source", "other", "--database-url", url],
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_tool(
        dir,
        "sqlx",
        &["migrate", "add", "-r", "--source", "other", "add_tags"],
    );
    std::fs::write(
        generated(dir, "add_tags.up.sql"),
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(generated(dir, "add_tags.down.sql"), "DROP TABLE tags;\n").unwrap();

    let env = [("DATABASE_URL", url)];
    p.schema_env(&["import", "--from", "sqlx", "other"], &env)
        .ok()
        .says("2 of 3 applied by sqlx");
    p.schema_env(&["upgrade"], &env)
        .ok()
        .says("add tags")
        .never_says("add posts")
        .never_says("create users");
    let (tags, _) = p.migration("add tags");
    let rev = tags
        .file_name()
        .unwrap()
        .to_string_lossy()
        .split(['-', '_'])
        .nth(1)
        .unwrap()
        .to_string();
    p.schema_env(&["current"], &env)
        .ok()
        .says(&format!("{rev} (head), add tags"));
    p.schema_env(&["import", "--from", "sqlx", "other"], &env)
        .ok()
        .says("0 new, 3 unchanged");
}

#[test]
fn real_sqlx_history_on_sqlite() {
    if !on_path("sqlx") {
        return;
    }
    let p = project("adopt").build();
    p.schema(&["init"]).ok();
    std::fs::create_dir_all(p.path().join("other")).unwrap();
    std::fs::write(p.path().join("app.db"), "").unwrap();
    real_sqlx(&p.db_url(), &p);
}

#[test]
fn real_sqlx_history_on_postgres() {
    if !on_path("sqlx") {
        return;
    }
    let Some(db) = ServerDb::create("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    let p = project("adopt").build();
    p.schema(&["init"]).ok();
    std::fs::create_dir_all(p.path().join("other")).unwrap();
    real_sqlx(&db.url, &p);
}

#[test]
fn real_sqlx_history_on_mariadb() {
    if !on_path("sqlx") {
        return;
    }
    let Some(db) = ServerDb::create("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    let p = project("adopt").build();
    p.schema(&["init"]).ok();
    std::fs::create_dir_all(p.path().join("other")).unwrap();
    real_sqlx(&db.url, &p);
}

/// diesel makes and runs a history; import takes over.
fn real_diesel(diesel_url: &str, url: &str, p: &TestProject) {
    let dir = p.path();
    let d = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--migration-dir", "other", "--database-url", diesel_url]);
        run_tool(dir, "diesel", &all)
    };
    d(&["migration", "generate", "create_users"]);
    std::fs::write(
        generated(dir, "create_users/up.sql"),
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        generated(dir, "create_users/down.sql"),
        "DROP TABLE users;\n",
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d(&["migration", "generate", "add_posts"]);
    std::fs::write(
        generated(dir, "add_posts/up.sql"),
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(generated(dir, "add_posts/down.sql"), "DROP TABLE posts;\n").unwrap();
    d(&["migration", "run"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    d(&["migration", "generate", "add_tags"]);
    std::fs::write(
        generated(dir, "add_tags/up.sql"),
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(generated(dir, "add_tags/down.sql"), "DROP TABLE tags;\n").unwrap();

    let env = [("DATABASE_URL", url)];
    let applied = if url.starts_with("postgres") { 3 } else { 2 };
    let total = applied + 1;
    p.schema_env(&["import", "--from", "diesel", "other"], &env)
        .ok()
        .says(&format!("{applied} of {total} applied by diesel"));
    p.schema_env(&["upgrade"], &env)
        .ok()
        .says("add tags")
        .never_says("add posts");
    p.schema_env(&["current"], &env)
        .ok()
        .says("(head), add tags");
}

#[test]
fn real_diesel_history_on_sqlite() {
    if !on_path("diesel") {
        return;
    }
    let p = project("adopt").build();
    p.schema(&["init"]).ok();
    std::fs::create_dir_all(p.path().join("other")).unwrap();
    let file = p.path().join("app.db").display().to_string();
    real_diesel(&file, &p.db_url(), &p);
}

#[test]
fn real_diesel_history_on_postgres() {
    if !on_path("diesel") {
        return;
    }
    let Some(db) = ServerDb::create("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    let p = project("adopt").build();
    p.schema(&["init"]).ok();
    std::fs::create_dir_all(p.path().join("other")).unwrap();
    // `diesel setup` adds its initial-setup migration on PostgreSQL.
    let setup = Command::new("diesel")
        .current_dir(p.path())
        .args([
            "setup",
            "--migration-dir",
            "other",
            "--database-url",
            &db.url,
        ])
        .output()
        .unwrap();
    if !setup.status.success() {
        let err = String::from_utf8_lossy(&setup.stderr);
        // diesel_cli built for SQLite only cannot talk to PostgreSQL.
        println!("skipped: diesel cannot use PostgreSQL here: {err}");
        return;
    }
    real_diesel(&db.url, &db.url, &p);
}
