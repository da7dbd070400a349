//! The app as its users run it: the real binary, started on a database of its
//! own, migrating at start-up, then answering HTTP. On a SQLite file always;
//! on PostgreSQL and MariaDB when `SCHEMA_TEST_POSTGRES_URL` /
//! `SCHEMA_TEST_MYSQL_URL` are set (each test creates and drops its own
//! database there).

mod support;

use std::collections::BTreeMap;

use support::{embedded_revisions, App, Kind, TestDb};

/// Starts the app, writes and reads notes, stops it; a second start on the
/// same database applies nothing and still sees the notes.
fn serves_and_stops(kind: Kind) {
    let Some(db) = TestDb::create(kind) else {
        return;
    };
    let revisions = embedded_revisions();

    let app = App::start(&db.url);
    let mut applied = app.applied();
    applied.sort();
    assert_eq!(applied, revisions, "first start applies every migration");

    let created = app.request(
        "POST",
        "/notes",
        Some(r#"{"body": "migrated at start-up", "author": "ada"}"#),
    );
    assert_eq!(created.status, 201, "{created:?}");
    let note = created.json();
    assert_eq!(note["author"], "ada");
    assert_eq!(note["body"], "migrated at start-up");
    assert!(note["id"].as_i64().is_some_and(|id| id >= 0), "{note}");

    let anonymous = app.request("POST", "/notes", Some(r#"{"body": "no author"}"#));
    assert_eq!(anonymous.status, 201, "{anonymous:?}");
    assert_eq!(anonymous.json()["author"], "anonymous");

    let blank = app.request("POST", "/notes", Some(r#"{"body": "  "}"#));
    assert_eq!(blank.status, 400, "{blank:?}");
    assert_eq!(blank.json()["error"], "body must not be empty");

    let listed = app.request("GET", "/notes", None);
    assert_eq!(listed.status, 200, "{listed:?}");
    let notes = listed.json();
    assert_eq!(
        bodies(&notes),
        ["migrated at start-up", "no author"],
        "{notes}"
    );

    let status = app.stop();
    assert!(status.success(), "SIGTERM is a clean shutdown: {status:?}");

    let again = App::start(&db.url);
    assert!(again.applied().is_empty(), "{:?}", again.stdout);
    assert!(
        again.stdout.iter().any(|l| l == "schema already at head"),
        "{:?}",
        again.stdout
    );
    let listed = again.request("GET", "/notes", None);
    assert_eq!(
        bodies(&listed.json()),
        ["migrated at start-up", "no author"]
    );
    assert_eq!(db.query_i64("SELECT COUNT(*) FROM schema_revisions"), 2);
}

/// Eight replicas start at once on one empty database: every one comes up
/// and serves, and each migration ran exactly once.
fn eight_replicas(kind: Kind) {
    let Some(db) = TestDb::create(kind) else {
        return;
    };
    let revisions = embedded_revisions();

    // All spawned before any is waited for, so their upgrades overlap.
    let mut apps: Vec<App> = (0..8).map(|_| App::spawn(&db.url)).collect();
    for app in &mut apps {
        app.wait_ready();
    }

    for (i, app) in apps.iter().enumerate() {
        let body = format!(r#"{{"body": "hello from replica {i}", "author": "replica-{i}"}}"#);
        let created = app.request("POST", "/notes", Some(&body));
        assert_eq!(created.status, 201, "replica {i}: {created:?}");
    }
    for (i, app) in apps.iter().enumerate() {
        let listed = app.request("GET", "/notes", None);
        assert_eq!(listed.status, 200, "replica {i}: {listed:?}");
        assert_eq!(
            bodies(&listed.json()).len(),
            8,
            "replica {i} sees every note"
        );
    }

    // Who applied what, from the processes' own accounts: once per revision.
    let mut runs: BTreeMap<String, usize> = BTreeMap::new();
    for app in &apps {
        for rev in app.applied() {
            *runs.entry(rev).or_default() += 1;
        }
    }
    let expected: BTreeMap<String, usize> = revisions.iter().map(|r| (r.clone(), 1)).collect();
    assert_eq!(
        runs, expected,
        "each migration applied by exactly one replica"
    );

    // And from the database: one version table, one row per revision.
    assert_eq!(db.tables_named("schema_revisions"), 1);
    assert_eq!(db.tables_named("notes"), 1);
    let rows = db.query_i64("SELECT COUNT(*) FROM schema_revisions");
    let distinct = db.query_i64("SELECT COUNT(DISTINCT revision) FROM schema_revisions");
    assert_eq!(rows, revisions.len() as i64);
    assert_eq!(distinct, revisions.len() as i64);
    for rev in &revisions {
        let n = db.query_i64(&format!(
            "SELECT COUNT(*) FROM schema_revisions WHERE revision = '{rev}'"
        ));
        assert_eq!(n, 1, "revision {rev}");
    }

    for app in apps {
        let status = app.stop();
        assert!(status.success(), "{status:?}");
    }
}

fn bodies(notes: &serde_json::Value) -> Vec<String> {
    let mut bodies: Vec<String> = notes
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {notes}"))
        .iter()
        .map(|n| n["body"].as_str().expect("a body").to_string())
        .collect();
    bodies.sort();
    bodies
}

#[test]
fn serves_notes_on_sqlite() {
    serves_and_stops(Kind::Sqlite);
}

#[test]
fn serves_notes_on_postgres() {
    serves_and_stops(Kind::Postgres);
}

#[test]
fn serves_notes_on_mariadb() {
    serves_and_stops(Kind::Mysql);
}

#[test]
fn eight_replicas_on_sqlite() {
    eight_replicas(Kind::Sqlite);
}

#[test]
fn eight_replicas_on_postgres() {
    eight_replicas(Kind::Postgres);
}

#[test]
fn eight_replicas_on_mariadb() {
    eight_replicas(Kind::Mysql);
}

/// A database that is not there is a clear error and exit code 1, never a
/// panic, and the app never starts listening.
#[test]
fn unreachable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no-such-dir").join("notes.db");
    let urls = [
        // Nothing listens on port 1 of the loopback interface.
        "postgres://app:s3cret@127.0.0.1:1/app".to_string(),
        "mysql://app:s3cret@127.0.0.1:1/app".to_string(),
        format!("sqlite://{}", missing_dir.display()),
        "oracle://db/app".to_string(),
        "sqlite::memory:".to_string(),
    ];
    for url in urls {
        let mut app = App::spawn(&url);
        let status = app.wait_exit();
        let stderr = app.stderr();
        assert_eq!(status.code(), Some(1), "{url}: {status:?}\n{stderr}");
        assert!(stderr.starts_with("error: "), "{url}: {stderr}");
        assert!(!stderr.contains("panicked"), "{url}: {stderr}");
        assert!(
            !stderr.contains("s3cret"),
            "the password stays hidden: {stderr}"
        );
        assert!(
            !app.stdout.iter().any(|l| l.starts_with("listening on")),
            "{url}: {:?}",
            app.stdout
        );
    }
}
