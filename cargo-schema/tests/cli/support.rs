//! A temporary cargo project and a way to run the real `cargo-schema` binary
//! in it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The workspace's schema-runtime, for `[dependencies]` of test projects.
pub fn runtime_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cargo-schema lives in the workspace")
        .join("schema-runtime")
}

/// Runs `sql` on the SQLite file `db` with the `sqlite3` client, failing
/// the test with its error; returns the output, trimmed.
pub fn sqlite3(db: &Path, sql: &str) -> String {
    client("sqlite3", &[&db.display().to_string(), sql])
}

/// Runs `sql` on the PostgreSQL database `url` with `psql`, unaligned and
/// without headers, failing the test with its error; returns the output,
/// trimmed.
pub fn psql(url: &str, sql: &str) -> String {
    client("psql", &[url, "-tAc", sql])
}

/// Runs a database client with `args`, failing the test with its error.
fn client(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Starts a project named `name` with a manifest and an empty `src/lib.rs`.
pub fn project(name: &str) -> ProjectBuilder {
    ProjectBuilder {
        name: name.to_string(),
        files: vec![("src/lib.rs".to_string(), String::new())],
        metadata: String::new(),
    }
}

/// A project named `name` whose `src/models.rs` holds `models`, after
/// `cargo schema init`.
pub fn models_project(name: &str, models: &str) -> TestProject {
    let p = project(name)
        .file("src/lib.rs", "pub mod models;\n")
        .file("src/models.rs", models)
        .build();
    p.schema(&["init"]).ok();
    p
}

/// Builder for [`TestProject`].
pub struct ProjectBuilder {
    name: String,
    files: Vec<(String, String)>,
    metadata: String,
}

impl ProjectBuilder {
    /// Adds (or replaces) a file.
    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files.retain(|(p, _)| p != path);
        self.files.push((path.to_string(), text.to_string()));
        self
    }

    /// Lines for `[package.metadata.schema]`.
    pub fn config(mut self, toml: &str) -> Self {
        self.metadata = toml.to_string();
        self
    }

    /// Writes the project into a fresh temporary directory.
    pub fn build(self) -> TestProject {
        let dir = tempfile::Builder::new()
            .prefix("cargo-schema-test-")
            .tempdir()
            .expect("temp dir");
        let mut manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nschema-runtime = {{ path = {:?} }}\n",
            self.name,
            runtime_path().display().to_string()
        );
        if !self.metadata.is_empty() {
            manifest.push_str("\n[package.metadata.schema]\n");
            manifest.push_str(&self.metadata);
            manifest.push('\n');
        }
        fs::write(dir.path().join("Cargo.toml"), manifest).expect("write manifest");
        for (path, text) in &self.files {
            let p = dir.path().join(path);
            fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
            fs::write(p, text).expect("write file");
        }
        TestProject { dir }
    }
}

/// A temporary cargo project on disk, removed when dropped.
pub struct TestProject {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed, with helpers that show both streams
/// when an assertion fails.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// stdout
    pub stdout: String,
    /// stderr
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit code 0 and returns self.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success\n{self}");
        self
    }

    /// Asserts the given exit code.
    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "unexpected exit code\n{self}");
        self
    }

    /// Asserts that stdout or stderr contains `needle`.
    pub fn says(self, needle: &str) -> Run {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "expected output to contain {needle:?}\n{self}"
        );
        self
    }

    /// Asserts that neither stream contains `needle`.
    pub fn never_says(self, needle: &str) -> Run {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "expected output NOT to contain {needle:?}\n{self}"
        );
        self
    }

    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit code: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl TestProject {
    /// The project directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The project's SQLite database URL.
    pub fn db_url(&self) -> String {
        format!("sqlite://{}", self.path().join("app.db").display())
    }

    /// Writes (or replaces) a file.
    pub fn write(&self, path: &str, text: &str) {
        let p = self.path().join(path);
        fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        fs::write(p, text).expect("write file");
    }

    /// Reads a file.
    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.path().join(path)).expect("read file")
    }

    /// The migration files, sorted by name.
    pub fn migrations(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.path().join("migrations"))
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// The path and text of the migration whose message is `message` (file
    /// names made in the same minute sort by their random id, so tests find
    /// files by message, never by position).
    pub fn migration(&self, message: &str) -> (PathBuf, String) {
        let header = format!("-- message: {message}\n");
        self.migrations()
            .into_iter()
            .map(|p| {
                let text = fs::read_to_string(&p).expect("read migration");
                (p, text)
            })
            .find(|(_, t)| t.contains(&header))
            .unwrap_or_else(|| panic!("no migration with message {message:?}"))
    }

    /// Runs `sql` on the project's SQLite file with the `sqlite3` client,
    /// failing the test with its error; returns the output, trimmed.
    pub fn sqlite(&self, sql: &str) -> String {
        sqlite3(&self.path().join("app.db"), sql)
    }

    /// Runs `cargo-schema schema <args>` in the project with DATABASE_URL
    /// set to the project's SQLite file.
    pub fn schema(&self, args: &[&str]) -> Run {
        self.schema_env(args, &[("DATABASE_URL", &self.db_url())])
    }

    /// Runs the binary with exactly the given extra environment (DATABASE_URL
    /// is removed unless given).
    pub fn schema_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("cargo-schema").expect("binary built");
        cmd.current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .arg("schema")
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().expect("run cargo-schema"))
    }
}

/// A uniquely named database on the server of `var`, dropped at the end.
pub struct Scratch {
    admin: String,
    name: String,
    /// The scratch database's URL.
    pub url: String,
}

impl Scratch {
    /// Creates it, named after `what`; `None` (and a "skipped" line)
    /// when `var` is not set.
    pub fn create(var: &str, what: &str) -> Option<Scratch> {
        let Ok(admin) = std::env::var(var) else {
            println!("skipped: {var} not set");
            return None;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .subsec_nanos();
        let name = format!("cs_{what}_{}_{nanos:x}", std::process::id());
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let s = Scratch { admin, name, url };
        s.admin_execute(&format!("CREATE DATABASE {}", s.name));
        Some(s)
    }

    /// Runs `sql` on the server's admin database.
    pub fn admin_execute(&self, sql: &str) {
        let url = schema_runtime::DatabaseUrl::parse(&self.admin).expect("admin URL parses");
        let mut conn =
            schema_runtime::Connection::open_existing_or_empty(&url).expect("connect as admin");
        conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let force = if self.admin.starts_with("postgres") {
            " WITH (FORCE)"
        } else {
            ""
        };
        let url = schema_runtime::DatabaseUrl::parse(&self.admin).expect("admin URL parses");
        if let Ok(mut c) = schema_runtime::Connection::open_existing_or_empty(&url) {
            let _ = c.execute(&format!("DROP DATABASE IF EXISTS {}{force}", self.name));
        }
    }
}

/// Runs `sql` on the database at `url`.
pub fn execute(url: &str, sql: &str) {
    let mut conn = schema_runtime::Connection::establish(url).expect("connect");
    conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The revision id in a migration file's header.
pub fn revision_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("-- revision: "))
        .unwrap_or_else(|| panic!("no revision header in\n{text}"))
        .trim()
        .to_string()
}
