//! No command prints the database password: every subcommand, with a URL
//! that carries one given every way the CLI takes it (`--database-url`,
//! `DATABASE_URL`, a `.env` file, `database_url` in the config), as text
//! and as JSON, against SQLite URLs and unreachable servers (and a real
//! PostgreSQL with a wrong password when `SCHEMA_TEST_POSTGRES_URL` is set).

use crate::support::{project, Run, TestProject};

/// Found nowhere else in a project, its output or the tool's messages.
const PASSWORD: &str = "Pw7Zx3Qv-leakcheck";

const MODELS: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    pub name: String,
}
"#;

/// One migration, so upgrade, downgrade, show, stamp and merge have a
/// revision to work on.
const MIGRATION: &str = "-- revision: 0a1b2c3d4e5f\n-- message: users\n\n-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n";

/// Every subcommand with the arguments it needs.
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["init"],
        vec!["revision", "-m", "empty one", "--empty"],
        vec!["revision", "-m", "auto", "--autogenerate"],
        vec!["upgrade"],
        vec!["upgrade", "--dry-run"],
        vec!["upgrade", "--sql"],
        vec!["downgrade", "base"],
        vec!["downgrade", "--sql", "0a1b2c3d4e5f:base"],
        vec!["current", "--verbose"],
        vec!["history", "--verbose"],
        vec!["heads"],
        vec!["branches"],
        vec!["show", "0a1b"],
        vec!["stamp", "head"],
        vec!["stamp", "--rehash", "0a1b"],
        vec!["merge", "-m", "join", "heads"],
        vec!["check"],
        vec!["diff"],
        vec!["models"],
        vec!["pull"],
        vec!["baseline", "-m", "adopt"],
        // baseline and import into a directory with no history yet, so
        // they get as far as the database.
        vec!["--migrations-dir", "fresh", "baseline", "-m", "adopt"],
        vec![
            "--migrations-dir",
            "fresh",
            "import",
            "--from",
            "sqlx",
            "sqlx-migrations",
        ],
        vec![
            "--migrations-dir",
            "fresh",
            "import",
            "--from",
            "diesel",
            "diesel-migrations",
        ],
    ]
}

/// How the URL reaches the CLI.
#[derive(Debug, Clone, Copy)]
enum Way {
    Flag,
    Env,
    DotEnv,
    Config,
}

const WAYS: [Way; 4] = [Way::Flag, Way::Env, Way::DotEnv, Way::Config];

/// A project (with a migration and a model) to which `url` is given `way`.
fn setup(url: &str, way: Way) -> TestProject {
    let mut builder = project("leak")
        .file("src/lib.rs", MODELS)
        .file(
            "migrations/2026_01_01_0000-0a1b2c3d4e5f_users.sql",
            MIGRATION,
        )
        .file("fresh/README", "no migrations here yet\n")
        .file(
            "sqlx-migrations/20260101000000_init.sql",
            "CREATE TABLE t (id INTEGER);\n",
        )
        .file(
            "diesel-migrations/2026-01-01-000000_init/up.sql",
            "CREATE TABLE t (id INTEGER);\n",
        )
        .file(
            "diesel-migrations/2026-01-01-000000_init/down.sql",
            "DROP TABLE t;\n",
        );
    match way {
        Way::DotEnv => builder = builder.file(".env", &format!("DATABASE_URL={url}\n")),
        Way::Config => builder = builder.config(&format!("database_url = {url:?}")),
        Way::Flag | Way::Env => {}
    }
    builder.build()
}

/// Runs `args` with the URL given `way`, as text or JSON.
fn run(p: &TestProject, url: &str, way: Way, args: &[&str], json: bool) -> Run {
    let mut argv: Vec<&str> = Vec::new();
    if json {
        argv.extend(["--format", "json"]);
    }
    if let Way::Flag = way {
        argv.extend(["--database-url", url]);
    }
    argv.extend(args);
    match way {
        Way::Env => p.schema_env(&argv, &[("DATABASE_URL", url)]),
        _ => p.schema_env(&argv, &[]),
    }
}

/// Every command, every way, both formats: the password never shows.
fn sweep(url: &str) {
    assert!(url.contains(PASSWORD), "{url}");
    for way in WAYS {
        let p = setup(url, way);
        for args in commands() {
            for json in [false, true] {
                let out = run(&p, url, way, &args, json);
                assert!(
                    !out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD),
                    "the password shows: {way:?} {args:?} json={json}\n{out}"
                );
                // Nothing it wrote holds it either.
                let fresh = std::fs::read_dir(p.path().join("fresh"))
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.ok().map(|e| e.path()));
                for file in p.migrations().into_iter().chain(fresh) {
                    let text = std::fs::read_to_string(&file).unwrap_or_default();
                    assert!(
                        !text.contains(PASSWORD),
                        "{} holds the password",
                        file.display()
                    );
                }
            }
        }
    }
}

#[test]
fn no_command_shows_a_postgres_password() {
    sweep(&format!(
        "postgres://app:{PASSWORD}@127.0.0.1:1/app?sslmode=disable"
    ));
    sweep(&format!(
        "postgresql+asyncpg://app:{PASSWORD}@127.0.0.1:1/app?sslpassword={PASSWORD}&prepared_statement_cache_size=0"
    ));
}

#[test]
fn no_command_shows_a_mysql_password() {
    sweep(&format!("mysql://app:{PASSWORD}@127.0.0.1:1/app"));
    sweep(&format!(
        "mariadb://app:{PASSWORD}@127.0.0.1:1/app?charset=utf8mb4"
    ));
}

#[test]
fn no_command_shows_a_password_in_a_malformed_url() {
    // Each is refused; the messages quote the URL.
    sweep(&format!("postgres://app:{PASSWORD}/x@127.0.0.1:1/app"));
    sweep(&format!("postgres://app:{PASSWORD}?x@127.0.0.1:1/app"));
    sweep(&format!("postgres://app:{PASSWORD}@127.0.0.1:99999/app"));
    sweep(&format!("'postgres://app:{PASSWORD}@127.0.0.1:1/app'"));
    sweep(&format!("pg://app:{PASSWORD}@127.0.0.1:1/app"));
}

#[test]
fn no_command_shows_a_sqlite_password_option() {
    // A SQLCipher-style option: accepted (and dropped with a note), and in
    // a URL that is refused for another reason.
    sweep(&format!("sqlite://app.db?password={PASSWORD}"));
    sweep(&format!("sqlite://app.db?mode=bogus&password={PASSWORD}"));
}

#[test]
fn no_command_shows_a_rejected_postgres_password() {
    // A real server refusing the password.
    let Ok(base) = std::env::var("SCHEMA_TEST_POSTGRES_URL") else {
        println!("skipped: SCHEMA_TEST_POSTGRES_URL not set");
        return;
    };
    let (scheme, rest) = base.split_once("://").expect("a URL with ://");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let user = rest
        .rsplit_once('@')
        .map(|(ui, _)| ui.split_once(':').map_or(ui, |(u, _)| u))
        .unwrap_or("postgres");
    sweep(&format!("{scheme}://{user}:{PASSWORD}@{host}"));
}
