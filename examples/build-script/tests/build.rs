//! `cargo build -p build-script` for real, with and without `DATABASE_URL`:
//! with it, `build.rs` migrates that database (a SQLite file always;
//! PostgreSQL and MariaDB when `SCHEMA_TEST_POSTGRES_URL` /
//! `SCHEMA_TEST_MYSQL_URL` are set) and the binary reads it; without it, the
//! build succeeds with a warning.
//!
//! The builds share the target directory of the `cargo test` that runs this
//! (cargo releases its lock before it runs tests), so they only recompile
//! this crate. They run one after another in one test: each build changes
//! `DATABASE_URL`, which makes cargo re-run `build.rs` every time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schema_runtime::{
    introspect_url, Connection, DatabaseUrl, IntrospectOptions, Migrator, OpenMode,
};

const SKIP_WARNING: &str = "DATABASE_URL is not set; skipping database migrations";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The target directory this test binary was built in (`CARGO_TARGET_TMPDIR`
/// is its `tmp/`).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_path_buf()
}

/// `cargo build -p build-script` with `DATABASE_URL` set to `url`, or unset.
fn cargo_build(url: Option<&str>) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "--locked", "-p", "build-script", "--target-dir"])
        .arg(target_dir());
    match url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    cmd.output().expect("run cargo")
}

/// The binary the last build produced, run with no `DATABASE_URL`: it reads
/// the database it was built against.
fn run_binary() -> Output {
    let exe = target_dir()
        .join("debug")
        .join(format!("build-script{}", std::env::consts::EXE_SUFFIX));
    Command::new(exe)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run the build-script binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Builds against `url` and checks what `build.rs` left in the database and
/// what the binary reads from it.
fn build_migrates(url: &str) {
    let out = cargo_build(Some(url));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "cargo build with {url}:\n{stderr}");
    assert!(!stderr.contains(SKIP_WARNING), "{stderr}");

    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let migrator = Migrator::from_dir(&migrations).unwrap();
    let status = migrator.current(url).unwrap();
    assert_eq!(status.pending, Vec::<String>::new(), "{status}");
    assert_eq!(status.applied.len(), 1, "one version row: {status}");
    assert_eq!(status.heads, status.file_heads, "{status}");

    let schema = introspect_url(
        &DatabaseUrl::parse(url).unwrap(),
        &IntrospectOptions::default(),
    )
    .unwrap();
    let tables: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["settings"], "the version table is not listed");

    let run = run_binary();
    let stdout = text(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", text(&run.stderr));
    assert!(stdout.contains("(head); 0 pending"), "{stdout}");
    assert!(stdout.contains("table settings (2 columns)"), "{stdout}");
}

/// A fresh database on the server named by `var`, dropped afterwards.
struct ServerDb {
    admin: DatabaseUrl,
    name: String,
    url: String,
}

impl ServerDb {
    fn create(var: &str) -> Option<ServerDb> {
        let Ok(admin) = std::env::var(var) else {
            println!("skipped: {var} not set");
            return None;
        };
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).unwrap();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("build_script_{hex}");
        let url = with_database(&admin, &name);
        let admin = DatabaseUrl::parse(&admin).unwrap();
        let mut conn = Connection::open(&admin, OpenMode::Existing).unwrap();
        conn.execute(&format!("CREATE DATABASE {name}")).unwrap();
        Some(ServerDb { admin, name, url })
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let sql = match self.admin.backend() {
            schema_runtime::Backend::Postgres => {
                format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
            }
            _ => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let dropped =
            Connection::open(&self.admin, OpenMode::Existing).and_then(|mut c| c.execute(&sql));
        if let Err(e) = dropped {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// `scheme://auth@host:port/old?query` → the same URL naming `database`.
fn with_database(url: &str, database: &str) -> String {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let host_end = base[after_scheme..]
        .find('/')
        .map(|i| after_scheme + i)
        .unwrap_or(base.len());
    format!("{}/{database}{query}", &base[..host_end])
}

#[test]
fn builds_with_and_without_database_url() {
    // With a URL: a new SQLite file (a new path every run, so build.rs
    // always re-runs), then the servers that are configured.
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("app.db").display());
    build_migrates(&sqlite);
    for var in ["SCHEMA_TEST_POSTGRES_URL", "SCHEMA_TEST_MYSQL_URL"] {
        if let Some(db) = ServerDb::create(var) {
            build_migrates(&db.url);
        }
    }

    // Without: the build still succeeds, and says why nothing was migrated.
    let out = cargo_build(None);
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "cargo build without DATABASE_URL:\n{stderr}"
    );
    assert!(stderr.contains(SKIP_WARNING), "{stderr}");
    let run = run_binary();
    let err = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: no database"), "{err}");
}
