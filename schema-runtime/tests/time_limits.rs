//! Time limits per migration on the real servers: a migration that waits
//! behind another session's open transaction fails fast, says so in the
//! database's own words, and names the sessions with a transaction open;
//! nothing of it is recorded, and once the blocker is gone it runs.

mod server_db;

use std::time::Duration;

use schema_runtime::{Connection, Migrator};
use server_db::{Server, TestDb};

/// Migration 1 creates `t`; migration 2 alters it (it needs the lock the
/// blocker holds), with `header` lines of its own.
fn files(header: &str) -> Vec<(String, String)> {
    vec![
        (
            "1.sql".to_string(),
            "-- revision: aaaaaaaaaaa1\n-- down_revision: none\n-- message: create\n\n\
             -- migrate:up\nCREATE TABLE t (id INT PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE t;\n"
                .to_string(),
        ),
        (
            "2.sql".to_string(),
            format!(
                "-- revision: aaaaaaaaaaa2\n-- down_revision: aaaaaaaaaaa1\n-- message: alter\n{header}\n\
                 -- migrate:up\nALTER TABLE t ADD COLUMN note VARCHAR(20);\n\n\
                 -- migrate:down\nALTER TABLE t DROP COLUMN note;\n"
            ),
        ),
    ]
}

fn migrator(files: &[(String, String)]) -> Migrator {
    Migrator::from_texts(files.iter().map(|(n, t)| (n.clone(), t.as_str())))
}

#[test]
fn postgres_lock_timeout_from_the_file_header_fails_fast_and_names_the_blocker() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    let files = files("-- lock_timeout: 300ms\n");
    migrator(&files[..1]).upgrade(&db.url).unwrap();
    // Another session reads `t` in a transaction it keeps open.
    let mut blocker = Connection::establish(&db.url).unwrap();
    blocker
        .execute("SET application_name = 'report-job'; BEGIN; SELECT count(*) FROM t")
        .unwrap();
    let err = migrator(&files).upgrade(&db.url).unwrap_err().to_string();
    println!("{err}");
    assert!(err.contains("lock timeout"), "{err}");
    // Retried a bounded number of times, then given up.
    assert!(err.contains("(still, after 3 retries)"), "{err}");
    assert!(err.contains("report-job"), "the blocker is named: {err}");
    assert!(err.contains("2.sql"), "{err}");
    blocker.execute("ROLLBACK").unwrap();
    let report = migrator(&files).upgrade(&db.url).unwrap();
    assert_eq!(report.steps.len(), 1, "{report:?}");
}

#[test]
fn postgres_statement_timeout_of_the_run_applies_and_the_header_overrides_it() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    let slow = vec![(
        "1.sql".to_string(),
        "-- revision: aaaaaaaaaaa1\n-- down_revision: none\n-- message: slow\n\n\
         -- migrate:up\nSELECT pg_sleep(2);\n\n-- migrate:down\nSELECT 1;\n"
            .to_string(),
    )];
    let err = migrator(&slow)
        .statement_timeout(Duration::from_millis(200))
        .upgrade(&db.url)
        .unwrap_err()
        .to_string();
    assert!(err.contains("statement timeout"), "{err}");
    // The limit was local to the migration's transaction: nothing leaks.
    let mut c = Connection::establish(&db.url).unwrap();
    c.execute("SELECT pg_sleep(0.3)").unwrap();
    let generous = vec![(
        "1.sql".to_string(),
        slow[0].1.replace(
            "-- message: slow\n",
            "-- message: slow\n-- statement_timeout: 10s\n",
        ),
    )];
    migrator(&generous)
        .statement_timeout(Duration::from_millis(200))
        .upgrade(&db.url)
        .unwrap();
}

#[test]
fn mysql_lock_wait_timeout_of_the_run_fails_fast_and_names_the_blocker() {
    let Some(db) = TestDb::create(Server::Mysql) else {
        return;
    };
    let files = files("");
    migrator(&files[..1]).upgrade(&db.url).unwrap();
    let mut blocker = Connection::establish(&db.url).unwrap();
    blocker
        .execute("START TRANSACTION; SELECT COUNT(*) FROM t")
        .unwrap();
    let err = migrator(&files)
        .statement_timeout(Duration::from_secs(1))
        .upgrade(&db.url)
        .unwrap_err()
        .to_string();
    // MariaDB's `max_statement_time` and `lock_wait_timeout` run out
    // together; whichever the server reports first.
    let lower = err.to_ascii_lowercase();
    assert!(
        lower.contains("lock wait timeout") || lower.contains("max_statement_time"),
        "{err}"
    );
    assert!(
        err.contains("connections with a transaction open"),
        "the blocker is named: {err}"
    );
    // The first statement failed: nothing took effect, nothing is dirty.
    blocker.execute("ROLLBACK").unwrap();
    let report = migrator(&files).upgrade(&db.url).unwrap();
    assert_eq!(report.steps.len(), 1, "{report:?}");
}

/// The revisions' progress notices, in order.
fn with_notices(m: Migrator) -> (Migrator, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let m = m.on_progress(move |p| {
        if let schema_runtime::Progress::Notice { revision, message } = p {
            sink.lock().unwrap().push(format!("{revision}: {message}"));
        }
    });
    (m, seen)
}

#[test]
fn postgres_a_lock_timeout_is_retried_until_the_blocker_is_gone() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    let files = files("-- lock_timeout: 200ms\n");
    migrator(&files[..1]).upgrade(&db.url).unwrap();
    let mut blocker = Connection::establish(&db.url).unwrap();
    blocker.execute("BEGIN; SELECT count(*) FROM t").unwrap();
    // The blocker ends its transaction while the migration is retrying.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(600));
        blocker.execute("ROLLBACK").unwrap();
    });
    let (m, notices) = with_notices(migrator(&files));
    let report = m.upgrade(&db.url).unwrap();
    release.join().unwrap();
    assert_eq!(report.steps.len(), 1, "{report:?}");
    let notices = notices.lock().unwrap();
    assert!(!notices.is_empty(), "no retry was reported");
    assert!(
        notices[0].starts_with("aaaaaaaaaaa2: the statement at 2.sql:")
            && notices[0].contains("timed out waiting for a lock; trying again in"),
        "{notices:?}"
    );
    // With retries off it fails at once, saying nothing was applied.
    let mut blocker = Connection::establish(&db.url).unwrap();
    blocker.execute("BEGIN; SELECT count(*) FROM t").unwrap();
    let err = migrator(&files)
        .lock_retries(0)
        .downgrade(&db.url, "-1")
        .unwrap_err()
        .to_string();
    assert!(err.contains("lock timeout"), "{err}");
    assert!(!err.contains("retr"), "{err}");
    blocker.execute("ROLLBACK").unwrap();
}

#[test]
fn postgres_a_failed_concurrent_build_is_cleaned_up_and_built_again() {
    let Some(db) = TestDb::create(Server::Postgres) else {
        return;
    };
    let files = vec![
        (
            "1.sql".to_string(),
            "-- revision: bbbbbbbbbbb1\n-- down_revision: none\n-- message: create\n\n\
             -- migrate:up\nCREATE TABLE t (id INT PRIMARY KEY, v INT);\n\
             INSERT INTO t VALUES (1, 7), (2, 7);\n\n-- migrate:down\nDROP TABLE t;\n"
                .to_string(),
        ),
        (
            "2.sql".to_string(),
            "-- revision: bbbbbbbbbbb2\n-- down_revision: bbbbbbbbbbb1\n-- message: unique v\n\
             -- transaction: false\n\n\
             -- migrate:up\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_t_v ON t (v);\n\n\
             -- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS ux_t_v;\n"
                .to_string(),
        ),
    ];
    let err = migrator(&files).upgrade(&db.url).unwrap_err().to_string();
    assert!(err.contains("could not create unique index"), "{err}");
    let mut c = Connection::establish(&db.url).unwrap();
    let invalid = "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                   WHERE c.relname = 'ux_t_v' AND NOT i.indisvalid";
    // The failed build left an INVALID index, which `IF NOT EXISTS` would keep.
    c.execute(&format!(
        "DO $$ BEGIN IF NOT EXISTS ({invalid}) THEN RAISE 'no invalid index'; END IF; END $$"
    ))
    .unwrap();
    c.execute("DELETE FROM t WHERE id = 2").unwrap();
    let (m, notices) = with_notices(migrator(&files));
    let report = m.upgrade(&db.url).unwrap();
    assert_eq!(report.steps.len(), 1, "{report:?}");
    assert_eq!(
        *notices.lock().unwrap(),
        ["bbbbbbbbbbb2: dropped the INVALID index ux_t_v an earlier, failed concurrent build left, to build it again"]
    );
    // Built for real this time: valid, and it refuses a duplicate.
    c.execute(&format!(
        "DO $$ BEGIN IF EXISTS ({invalid}) THEN RAISE 'still invalid'; END IF; END $$"
    ))
    .unwrap();
    let dup = c
        .execute("INSERT INTO t VALUES (3, 7)")
        .unwrap_err()
        .to_string();
    assert!(dup.contains("duplicate key"), "{dup}");
}
