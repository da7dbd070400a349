//! The lease lock (`LockMode::Table`) on SQLite, PostgreSQL and
//! MySQL/MariaDB, and through PgBouncer in transaction mode, where the
//! session lock must be refused. Server tests create and drop their own
//! database on the direct server URL and print "skipped: ..." without
//! `SCHEMA_TEST_POSTGRES_URL` / `SCHEMA_TEST_MYSQL_URL` /
//! `SCHEMA_TEST_PGBOUNCER_URL`; PgBouncer tests connect to that database
//! through the pooler's wildcard entry.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use schema_runtime::{Backend, Connection, DatabaseUrl, Error, LockMode, Migrator, Progress};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

struct TestDb {
    admin: DatabaseUrl,
    name: String,
    /// How the migrators connect (directly, or through PgBouncer).
    url: String,
    /// The direct connection, for the test's own checks.
    direct: String,
    backend: Backend,
}

impl TestDb {
    fn new(var: &str) -> Option<TestDb> {
        let Ok(base) = std::env::var(var) else {
            println!("skipped: {var} not set");
            return None;
        };
        let admin = DatabaseUrl::parse(&base).expect("test URL parses");
        let name = format!(
            "csl_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut c = Connection::open(&admin, schema_runtime::OpenMode::Existing).unwrap();
        c.execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = admin.with_database(&name).unwrap().diesel_url(false);
        Some(TestDb {
            backend: admin.backend(),
            admin,
            name,
            direct: url.clone(),
            url,
        })
    }

    /// A PostgreSQL database of its own, reached through PgBouncer.
    fn through_pgbouncer() -> Option<TestDb> {
        let Ok(pooled) = std::env::var("SCHEMA_TEST_PGBOUNCER_URL") else {
            println!("skipped: SCHEMA_TEST_PGBOUNCER_URL not set");
            return None;
        };
        let mut db = TestDb::new("SCHEMA_TEST_POSTGRES_URL")?;
        db.url = DatabaseUrl::parse(&pooled)
            .unwrap()
            .with_database(&db.name)
            .unwrap()
            .diesel_url(false);
        Some(db)
    }

    fn conn(&self) -> Connection {
        Connection::establish(&self.direct).unwrap()
    }

    /// First column of each row, as text, read directly.
    fn query(&self, sql: &str) -> Vec<String> {
        support::server_text_rows(&self.direct, self.backend, sql)
    }

    fn tables(&self) -> Vec<String> {
        support::server_tables(&self.direct, self.backend)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = Connection::open(&self.admin, schema_runtime::OpenMode::Existing) {
            let sql = match self.backend {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                _ => format!("DROP DATABASE IF EXISTS {}", self.name),
            };
            let _ = c.execute(&sql);
        }
    }
}

/// Four migrations: the first creates tables, each logs itself into
/// `applied_log` (no key, so a second run of one shows as a second row),
/// the last alters a table.
fn project() -> (support::Project, Vec<String>) {
    let p = support::Project::new();
    let revs: Vec<String> = (1..=4).map(|i| format!("aaaaaaaa000{i}")).collect();
    let ups = [
        "CREATE TABLE applied_log (rev VARCHAR(20) NOT NULL);\n\
         CREATE TABLE orgs (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);",
        "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, org_id BIGINT NOT NULL);\n\
         CREATE INDEX ix_users_org_id ON users (org_id);",
        "INSERT INTO orgs (id, name) VALUES (1, 'first');",
        "ALTER TABLE users ADD email VARCHAR(100);",
    ];
    for (i, rev) in revs.iter().enumerate() {
        let prev = (i > 0).then(|| revs[i - 1].as_str());
        p.add(
            rev,
            prev,
            &format!("step {}", i + 1),
            &format!(
                "{}\nINSERT INTO applied_log (rev) VALUES ('{rev}');",
                ups[i]
            ),
            "",
        );
    }
    (p, revs)
}

fn lease_migrator(p: &support::Project) -> Migrator {
    Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_mode(LockMode::Table)
        .lock_timeout(Duration::from_secs(120))
}

/// `n` runners upgrading `url` at once; the steps each applied.
fn race(m: &Migrator, url: &str, n: usize) -> Vec<Result<usize, Error>> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (m, url) = (m.clone(), url.to_string());
            std::thread::spawn(move || m.upgrade(&url).map(|r| r.steps.len()))
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Every runner succeeded and each migration ran exactly once.
fn assert_exactly_once(results: Vec<Result<usize, Error>>, applied: &[String], log: &[String]) {
    let steps: Vec<usize> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("a runner failed: {e}")))
        .collect();
    assert_eq!(
        steps.iter().sum::<usize>(),
        4,
        "steps per runner: {steps:?}"
    );
    let revs: Vec<String> = (1..=4).map(|i| format!("aaaaaaaa000{i}")).collect();
    assert_eq!(applied, revs, "version table");
    assert_eq!(log, revs, "each migration's statements ran exactly once");
}

fn server_race(db: &TestDb, runners: usize) {
    let (p, _) = project();
    let m = lease_migrator(&p);
    let results = race(&m, &db.url, runners);
    assert_exactly_once(
        results,
        &db.query("SELECT revision AS v FROM schema_revisions ORDER BY revision"),
        &db.query("SELECT rev AS v FROM applied_log ORDER BY rev"),
    );
    assert_eq!(
        db.tables(),
        [
            "applied_log",
            "orgs",
            "schema_revisions",
            "schema_revisions_lock",
            "users"
        ]
    );
    assert_eq!(db.query("SELECT name AS v FROM orgs"), ["first"]);
    assert!(
        db.query("SELECT token AS v FROM schema_revisions_lock")
            .is_empty(),
        "the lease is released"
    );
}

#[test]
fn sqlite_lease_runners_apply_each_migration_once() {
    let (p, _) = project();
    let m = lease_migrator(&p);
    let url = p.url();
    m.stamp(&url, "base", false).unwrap();
    let results = race(&m, &url, 8);
    assert_exactly_once(
        results,
        &p.applied(),
        &p.query("SELECT rev AS v FROM applied_log ORDER BY rev"),
    );
    assert!(p
        .query("SELECT token AS v FROM schema_revisions_lock")
        .is_empty());
}

#[test]
fn postgres_lease_runners_apply_each_migration_once() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    server_race(&db, 8);
}

#[test]
fn mysql_lease_runners_apply_each_migration_once() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    server_race(&db, 8);
}

#[test]
fn pgbouncer_lease_runners_apply_each_migration_once() {
    let Some(db) = TestDb::through_pgbouncer() else {
        return;
    };
    server_race(&db, 8);
}

/// Runs the first migration, so the lease table exists, then writes a lease
/// row for someone else that expires `expires_in` seconds from now
/// (negative: expired).
fn foreign_lease(db: &TestDb, m: &Migrator, expires_in: i64) {
    m.upgrade_to(&db.url, "aaaaaaaa0001").unwrap();
    db.conn()
        .execute(&format!(
            "INSERT INTO schema_revisions_lock \
             (id, token, owner_host, owner_pid, owner_app, acquired_at, expires_at) \
             VALUES (1, 'not-ours', 'other-host', 4242, 'other-app', now() - interval '5 minutes', \
             now() + interval '{expires_in} seconds')"
        ))
        .unwrap();
}

#[test]
fn pgbouncer_stale_lease_is_taken_over() {
    let Some(db) = TestDb::through_pgbouncer() else {
        return;
    };
    let (p, _) = project();
    let m = lease_migrator(&p).lock_timeout(Duration::from_secs(5));
    foreign_lease(&db, &m, -60);
    let start = Instant::now();
    let report = m.upgrade(&db.url).unwrap();
    assert_eq!(report.steps.len(), 3);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        db.query("SELECT token AS v FROM schema_revisions_lock")
            .is_empty(),
        "the stale row was taken over, then released"
    );
}

#[test]
fn pgbouncer_live_lease_is_waited_for_and_named() {
    let Some(db) = TestDb::through_pgbouncer() else {
        return;
    };
    let (p, _) = project();
    let heard = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = heard.clone();
    let m = lease_migrator(&p)
        .lock_timeout(Duration::from_millis(1500))
        .on_progress(move |e| {
            if let Progress::WaitingForLock { holder } = e {
                sink.lock().unwrap().push(holder.unwrap_or("?").to_string());
            }
        });
    foreign_lease(&db, &m, 60);
    let start = Instant::now();
    let err = m.upgrade(&db.url).unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(1500));
    let Error::LockTimeout { holder, .. } = &err else {
        panic!("{err}")
    };
    let holder = holder.as_deref().unwrap_or_default();
    assert!(
        holder.starts_with("pid 4242 (other-app) on other-host, lease taken")
            && holder.contains("expires"),
        "{err}"
    );
    assert!(err.to_string().contains("pid 4242 (other-app)"), "{err}");
    let heard = heard.lock().unwrap().clone();
    assert!(
        heard.first().is_some_and(|h| h.contains("other-host")),
        "{heard:?}"
    );
    assert_eq!(
        db.query("SELECT revision AS v FROM schema_revisions"),
        ["aaaaaaaa0001"],
        "nothing ran without the lease"
    );
    db.conn()
        .execute("DELETE FROM schema_revisions_lock")
        .unwrap();
    assert_eq!(m.upgrade(&db.url).unwrap().steps.len(), 3);
}

#[test]
fn pgbouncer_session_lock_is_refused_with_a_pointer_to_the_lease() {
    let Some(db) = TestDb::through_pgbouncer() else {
        return;
    };
    // Another client takes the advisory lock through the pooler and goes
    // away: the lock stays with the server session the pooler hands out
    // next (this database's pool has that one session, all use is serial).
    let key = schema_runtime::lock::pg_lock_key("schema_revisions");
    let mut other = Connection::establish(&db.url).unwrap();
    other
        .execute(&format!("SELECT pg_advisory_lock({key})"))
        .unwrap();
    drop(other);
    let (p, _) = project();
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_timeout(Duration::from_secs(2));
    let err = m.upgrade(&db.url).unwrap_err();
    assert!(matches!(err, Error::SessionLockUnsupported { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("lock_mode = \"table\"") && text.contains("transaction mode"),
        "{text}"
    );
    assert!(db.tables().is_empty(), "nothing ran: {:?}", db.tables());
    // The lease works on the same pooler.
    assert_eq!(
        m.lock_mode(LockMode::Table)
            .upgrade(&db.url)
            .unwrap()
            .steps
            .len(),
        4
    );
}

#[test]
fn pgbouncer_racing_session_locks_never_apply_twice() {
    let Some(db) = TestDb::through_pgbouncer() else {
        return;
    };
    let (p, _) = project();
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_timeout(Duration::from_secs(3));
    let results = race(&m, &db.url, 8);
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::SessionLockUnsupported { .. })))
        .count();
    println!(
        "{refused} of {} runners refused the session lock",
        results.len()
    );
    for r in &results {
        match r {
            Ok(_) | Err(Error::SessionLockUnsupported { .. } | Error::LockTimeout { .. }) => {}
            // A runner stopped by the check inside its migration's
            // transaction reports it as that migration's failure only if
            // the check itself failed: anything else is a bug.
            Err(e) => panic!("unexpected failure: {e}"),
        }
    }
    if db.tables().contains(&"applied_log".to_string()) {
        let log = db.query("SELECT rev AS v FROM applied_log ORDER BY rev");
        let applied = db.query("SELECT revision AS v FROM schema_revisions ORDER BY revision");
        assert_eq!(log, applied, "each applied migration ran exactly once");
    }
}

#[test]
fn postgres_lease_outlives_a_long_migration() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    lease_outlives_a_long_migration(&db, "SELECT pg_sleep(3)");
}

#[test]
fn mysql_lease_outlives_a_long_migration() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    lease_outlives_a_long_migration(&db, "DO SLEEP(3)");
}

/// One migration sleeps well past the lease: the background renewal keeps
/// the second runner waiting instead of taking over (which would fail on
/// the table the first one created).
fn lease_outlives_a_long_migration(db: &TestDb, sleep: &str) {
    let p = support::Project::new();
    p.add(
        "bbbbbbbb0001",
        None,
        "slow",
        &format!(
            "CREATE TABLE applied_log (rev VARCHAR(20) NOT NULL);\n{sleep};\n\
             INSERT INTO applied_log VALUES ('bbbbbbbb0001');"
        ),
        "",
    );
    let started = Arc::new(Mutex::new(false));
    let flag = started.clone();
    let first = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_mode(LockMode::Table)
        .lease(Duration::from_millis(900))
        .on_progress(move |e| {
            if matches!(e, Progress::Started { .. }) {
                *flag.lock().unwrap() = true;
            }
        });
    let url = db.url.clone();
    let runner = std::thread::spawn(move || first.upgrade(&url));
    while !*started.lock().unwrap() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let waited = Arc::new(Mutex::new(0usize));
    let count = waited.clone();
    let second = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_mode(LockMode::Table)
        .lease(Duration::from_millis(900))
        .lock_timeout(Duration::from_secs(30))
        .on_progress(move |e| {
            if matches!(e, Progress::WaitingForLock { .. }) {
                *count.lock().unwrap() += 1;
            }
        });
    let report = second.upgrade(&db.url).unwrap();
    assert_eq!(report.steps.len(), 0, "the second runner found it applied");
    assert_eq!(runner.join().unwrap().unwrap().steps.len(), 1);
    assert!(*waited.lock().unwrap() > 0, "the second runner waited");
    assert_eq!(
        db.query("SELECT rev AS v FROM applied_log"),
        ["bbbbbbbb0001"]
    );
}
