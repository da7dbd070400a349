//! Real processes, real databases: the app's binary started as a child with
//! its own `DATABASE_URL`, a plain HTTP/1.1 client over `TcpStream`, and a
//! throw-away database per test on the PostgreSQL / MariaDB servers named by
//! `SCHEMA_TEST_POSTGRES_URL` / `SCHEMA_TEST_MYSQL_URL`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, Connection, Executor};

/// How long a child may take to migrate and listen, or to exit. Generous:
/// CI machines are small and many children start at once.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// A running app process; killed (and reaped) when dropped, so a failing
/// test never leaves one behind.
pub struct App {
    child: Child,
    lines: Receiver<String>,
    /// Every stdout line read so far.
    pub stdout: Vec<String>,
    stderr: Arc<Mutex<String>>,
    /// Where it listens, once [`App::wait_ready`] returned.
    pub addr: Option<SocketAddr>,
}

impl App {
    /// Starts the binary on `database_url`, listening on a free port.
    pub fn spawn(database_url: &str) -> App {
        let mut child = Command::new(env!("CARGO_BIN_EXE_axum-sqlx"))
            .env("DATABASE_URL", database_url)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the axum-sqlx binary");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut text = String::new();
            let mut reader = BufReader::new(err);
            while let Ok(n) = reader.read_line(&mut text) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&text);
                text.clear();
            }
        });
        App {
            child,
            lines,
            stdout: Vec::new(),
            stderr,
            addr: None,
        }
    }

    /// Starts the binary and waits until it listens.
    pub fn start(database_url: &str) -> App {
        let mut app = App::spawn(database_url);
        app.wait_ready();
        app
    }

    /// Reads stdout until the `listening on ADDR` line; panics with the
    /// child's output if it exits first or never gets there.
    pub fn wait_ready(&mut self) -> SocketAddr {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let addr = line.strip_prefix("listening on ").map(|a| {
                        a.trim()
                            .parse::<SocketAddr>()
                            .unwrap_or_else(|e| panic!("bad address in {line:?}: {e}"))
                    });
                    self.stdout.push(line);
                    if let Some(addr) = addr {
                        self.addr = Some(addr);
                        return addr;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().ok();
                    panic!(
                        "the app exited ({status:?}) before listening\nstdout:\n{}\nstderr:\n{}",
                        self.stdout.join("\n"),
                        self.stderr()
                    );
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "the app did not listen within {PATIENCE:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.join("\n"),
                    self.stderr()
                ),
            }
        }
    }

    /// What the child wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The revisions this process says it applied (`applied REV MESSAGE`).
    pub fn applied(&self) -> Vec<String> {
        self.stdout
            .iter()
            .filter_map(|l| l.strip_prefix("applied "))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(str::to_string)
            .collect()
    }

    /// An HTTP request to the running app.
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> HttpResponse {
        http(self.addr.expect("wait_ready first"), method, path, body)
    }

    /// Asks the process to stop (SIGTERM on Unix) and waits for it to exit.
    pub fn stop(mut self) -> ExitStatus {
        #[cfg(unix)]
        {
            let pid = self.child.id().to_string();
            let sent = Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .is_ok_and(|s| s.success());
            if !sent {
                self.child.kill().expect("kill the app");
            }
        }
        #[cfg(not(unix))]
        self.child.kill().expect("kill the app");
        self.wait_exit()
    }

    /// Waits (up to [`PATIENCE`]) for the process to exit on its own.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the app") {
                // Collect the rest of stdout (the pipe is closed now).
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.stdout.push(line);
                }
                return status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the app did not exit within {PATIENCE:?}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.join("\n"),
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Status and body of an HTTP answer.
#[derive(Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body, de-chunked.
    pub body: String,
}

impl HttpResponse {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// One HTTP/1.1 request with `Connection: close`; the answer is read to EOF.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("read from {addr}: {e}"));
    let raw = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, rest) = raw
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {raw:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    HttpResponse { status, body }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16)
            .unwrap_or_else(|e| panic!("bad chunk size {size:?}: {e}"));
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A new database on `SCHEMA_TEST_POSTGRES_URL`.
    Postgres,
    /// A new database on `SCHEMA_TEST_MYSQL_URL`.
    Mysql,
}

/// A database of its own for one test, dropped (or deleted) afterwards.
pub struct TestDb {
    kind: Kind,
    admin_url: String,
    name: String,
    _dir: Option<tempfile::TempDir>,
    /// The app's `DATABASE_URL`.
    pub url: String,
}

impl TestDb {
    /// A new database of `kind`, or `None` (after a `skipped:` line) when
    /// the server's variable is not set.
    pub fn create(kind: Kind) -> Option<TestDb> {
        let var = match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("notes.db").display());
                return Some(TestDb {
                    kind,
                    admin_url: String::new(),
                    name: String::new(),
                    _dir: Some(dir),
                    url,
                });
            }
            Kind::Postgres => "SCHEMA_TEST_POSTGRES_URL",
            Kind::Mysql => "SCHEMA_TEST_MYSQL_URL",
        };
        let Ok(admin_url) = std::env::var(var) else {
            println!("skipped: {var} not set");
            return None;
        };
        let name = format!("axum_sqlx_{}", random_hex());
        execute(&admin_url, &format!("CREATE DATABASE {name}"));
        let url = with_database(&admin_url, &name);
        Some(TestDb {
            kind,
            admin_url,
            name,
            _dir: None,
            url,
        })
    }

    /// Runs `sql` (one row, one integer column) on the test database.
    pub fn query_i64(&self, sql: &str) -> i64 {
        block_on(async {
            let mut conn = sqlx::AnyConnection::connect(&self.url).await?;
            // Test-made SQL with no outside input.
            let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(sql.to_string()))
                .fetch_one(&mut conn)
                .await?;
            conn.close().await?;
            Ok::<_, sqlx::Error>(n)
        })
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// How many tables named `name` the database holds.
    pub fn tables_named(&self, name: &str) -> i64 {
        let sql = match self.kind {
            Kind::Sqlite => {
                format!(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{name}'"
                )
            }
            Kind::Postgres => format!(
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_catalog = current_database() AND table_name = '{name}'"
            ),
            Kind::Mysql => format!(
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name = '{name}'"
            ),
        };
        self.query_i64(&sql)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = match self.kind {
            Kind::Sqlite => return,
            // FORCE ends connections a killed app left open.
            Kind::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            Kind::Mysql => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        if let Err(e) = try_execute(&self.admin_url, &sql) {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

fn execute(url: &str, sql: &str) {
    if let Err(e) = try_execute(url, sql) {
        panic!("{sql}: {e}");
    }
}

fn try_execute(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    block_on(async {
        let mut conn = sqlx::AnyConnection::connect(url).await?;
        conn.execute(AssertSqlSafe(sql.to_string())).await?;
        conn.close().await
    })
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    sqlx::any::install_default_drivers();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

fn random_hex() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `scheme://auth@host:port/old?query` → the same URL naming `database`.
pub fn with_database(url: &str, database: &str) -> String {
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

/// The revision ids the app embeds, from the files' `-- revision:` headers.
pub fn embedded_revisions() -> Vec<String> {
    let mut revs: Vec<String> = axum_sqlx::MIGRATIONS
        .files()
        .iter()
        .filter_map(|f| {
            f.contents
                .lines()
                .find_map(|l| l.strip_prefix("-- revision:"))
                .map(|r| r.trim().to_string())
        })
        .collect();
    revs.sort();
    revs
}
