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
