//! The apply engine against real SQLite files.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use schema_runtime::{Action, Backend, Error, Migrator, Progress, TransactionMode};
use support::Project;

const R1: &str = "aaaaaaaaaaa1";
const R2: &str = "aaaaaaaaaaa2";
const R3: &str = "aaaaaaaaaaa3";

fn three(p: &Project) {
    p.add(
        R1,
        None,
        "create orgs",
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        "DROP TABLE orgs;",
    );
    p.add(
        R2,
        Some(R1),
        "create users",
        "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    org_id INTEGER NOT NULL REFERENCES orgs (id)\n);\nCREATE INDEX ix_users_org_id ON users (org_id);",
        "DROP TABLE users;",
    );
    p.add(
        R3,
        Some(R2),
        "add email",
        "ALTER TABLE users ADD COLUMN email TEXT;",
        "ALTER TABLE users DROP COLUMN email;",
    );
}

#[test]
fn upgrade_creates_file_applies_in_order_and_is_idempotent() {
    let p = Project::new();
    three(&p);
    assert!(!p.db_path().exists());
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let report = m.upgrade(&p.url()).unwrap();
    assert!(p.db_path().exists());
    let revs: Vec<&str> = report.steps.iter().map(|s| s.revision.as_str()).collect();
    assert_eq!(revs, [R1, R2, R3]);
    assert!(report.steps.iter().all(|s| s.action == Action::Upgraded));
    assert_eq!(report.heads, [R3]);
    let text = report.to_string();
    assert!(text.contains("applied 3 migrations"), "{text}");
    assert!(text.contains(&format!("{R2}  create users  (")), "{text}");
    assert_eq!(p.tables(), ["orgs", "schema_revisions", "users"]);
    assert_eq!(p.applied(), [R1, R2, R3]);

    let again = m.upgrade(&p.url()).unwrap();
    assert!(again.steps.is_empty());
    assert!(
        again.to_string().contains("nothing to do; at aaaaaaaaaaa3"),
        "{again}"
    );

    // Checksums and timings are recorded.
    let sums = p.query("SELECT checksum AS v FROM schema_revisions ORDER BY revision");
    assert!(sums.iter().all(|s| s.len() == 64), "{sums:?}");
}

#[test]
fn failure_rolls_back_and_names_revision_file_line_and_message() {
    let p = Project::new();
    p.add(
        R1,
        None,
        "ok",
        "CREATE TABLE a (x INTEGER);",
        "DROP TABLE a;",
    );
    let bad = p.add(
        R2,
        Some(R1),
        "broken",
        "CREATE TABLE b (x INTEGER);\nINSERT INTO b VALUES (1);\n\nINSERT INTO nope VALUES (1);",
        "DROP TABLE b;",
    );
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let err = m.upgrade(&p.url()).unwrap_err();
    let Error::Migration(failure) = &err else {
        panic!("unexpected error: {err}");
    };
    let schema_runtime::MigrationFailure {
        revision,
        file,
        line,
        message,
        rolled_back,
        ..
    } = &**failure;
    assert_eq!(revision, R2);
    assert_eq!(file, &bad.display().to_string());
    // Header: 3 lines, blank, marker on line 5, SQL from line 6.
    assert_eq!(*line, 9, "{err}");
    assert!(message.contains("no such table: nope"), "{err}");
    assert!(rolled_back);
    let text = err.to_string();
    assert!(
        text.contains("statement: INSERT INTO nope VALUES (1)"),
        "{text}"
    );
    // R1 committed, R2 fully rolled back (table b does not exist).
    assert_eq!(p.tables(), ["a", "schema_revisions"]);
    assert_eq!(p.applied(), [R1]);
}

#[test]
fn transaction_all_is_all_or_nothing() {
    let p = Project::new();
    p.add(
        R1,
        None,
        "ok",
        "CREATE TABLE a (x INTEGER);",
        "DROP TABLE a;",
    );
    p.add(
        R2,
        Some(R1),
        "broken",
        "CREATE TABLE b (x INTEGER);\nSELEC 1;",
        "",
    );
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .transaction_mode(TransactionMode::All);
    let err = m.upgrade(&p.url()).unwrap_err().to_string();
    assert!(
        err.contains("all 2 migration(s) of this run were rolled back"),
        "{err}"
    );
    assert_eq!(p.tables(), ["schema_revisions"], "a and b rolled back");
    assert!(p.applied().is_empty());

    // Fixed: both applied in one go.
    p.add(
        R2,
        Some(R1),
        "broken",
        "CREATE TABLE b (x INTEGER);",
        "DROP TABLE b;",
    );
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .transaction_mode(TransactionMode::All);
    let report = m.upgrade(&p.url()).unwrap();
    assert_eq!(report.steps.len(), 2);
    assert_eq!(p.tables(), ["a", "b", "schema_revisions"]);
}

#[test]
fn downgrade_runs_down_sections_children_first() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    m.upgrade(&p.url()).unwrap();
    let r = m.downgrade(&p.url(), "-1").unwrap();
    assert_eq!(r.steps.len(), 1);
    assert_eq!(r.steps[0].revision, R3);
    assert_eq!(r.steps[0].action, Action::Downgraded);
    assert_eq!(r.heads, [R2]);
    assert_eq!(
        p.query("SELECT name AS v FROM pragma_table_info('users') ORDER BY cid"),
        ["id", "org_id"]
    );
    let r = m.downgrade(&p.url(), "base").unwrap();
    let revs: Vec<&str> = r.steps.iter().map(|s| s.revision.as_str()).collect();
    assert_eq!(revs, [R2, R1]);
    assert_eq!(p.tables(), ["schema_revisions"]);
    assert!(p.applied().is_empty());
    assert!(r.to_string().contains("reverted 2 migrations"), "{r}");
}

#[test]
fn stamp_sets_the_applied_set_without_running_sql() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let r = m.stamp(&p.url(), R2, false).unwrap();
    assert_eq!(p.applied(), [R1, R2]);
    assert_eq!(p.tables(), ["schema_revisions"], "no SQL ran");
    assert!(r.steps.iter().all(|s| s.action == Action::Stamped));
    let r = m.stamp(&p.url(), "base", false).unwrap();
    assert!(p.applied().is_empty());
    assert_eq!(r.steps.len(), 2);
    assert!(r.steps.iter().all(|s| s.action == Action::Unstamped));
}

#[test]
fn checksum_mismatch_is_reported_strict_errors_and_rehash_accepts() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    m.upgrade_to(&p.url(), R2).unwrap();

    // A cosmetic edit (trailing spaces, CRLF) does not count.
    p.add(
        R1,
        None,
        "create orgs",
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);   \r\n",
        "DROP TABLE orgs;",
    );
    let m = Migrator::from_dir(p.migrations()).unwrap();
    assert!(m.current(&p.url()).unwrap().problems.is_empty());

    // A real edit does.
    p.add(
        R1,
        None,
        "create orgs",
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT);",
        "DROP TABLE orgs;",
    );
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let status = m.current(&p.url()).unwrap();
    assert_eq!(status.problems.len(), 1, "{status}");
    assert!(
        status.problems[0].contains(&format!("revision {R1}")),
        "{status}"
    );
    assert!(
        status.problems[0].contains("changed after it was applied"),
        "{status}"
    );

    let report = m.upgrade(&p.url()).unwrap();
    assert_eq!(report.steps.len(), 1);
    assert_eq!(report.warnings.len(), 1);
    assert!(report.to_string().contains("warning: revision"), "{report}");

    let strict = m.clone().strict(true);
    let err = strict.downgrade(&p.url(), "-1").unwrap_err();
    assert!(matches!(err, Error::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("stamp --rehash"), "{err}");

    m.stamp(&p.url(), "head", true).unwrap();
    assert!(m.current(&p.url()).unwrap().problems.is_empty());
    strict.downgrade(&p.url(), "-1").unwrap();
}

#[test]
fn applied_revision_without_file_is_reported() {
    let p = Project::new();
    three(&p);
    Migrator::from_dir(p.migrations())
        .unwrap()
        .upgrade(&p.url())
        .unwrap();
    std::fs::remove_file(
        std::fs::read_dir(p.migrations())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(R3))
            .unwrap(),
    )
    .unwrap();
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let status = m.current(&p.url()).unwrap();
    assert!(
        status.problems[0].contains("no migration file defines it"),
        "{status}"
    );
    assert!(matches!(
        m.clone().strict(true).upgrade(&p.url()),
        Err(Error::Checksum { .. })
    ));
}

#[test]
fn current_and_dry_run_never_create_the_file() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let status = m.current(&p.url()).unwrap();
    assert_eq!(status.pending, [R1, R2, R3]);
    assert!(status.heads.is_empty());
    assert!(
        status.notes[0].contains("treated as an empty database"),
        "{status:?}"
    );
    assert_eq!(m.pending(&p.url()).unwrap().len(), 3);

    let dry = m.clone().dry_run(true).upgrade(&p.url()).unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.steps.len(), 3);
    assert!(dry.steps.iter().all(|s| s.action == Action::WouldUpgrade));
    assert!(
        dry.to_string().contains("would apply 3 migrations"),
        "{dry}"
    );
    assert!(!p.db_path().exists());

    m.upgrade_to(&p.url(), R1).unwrap();
    let dry = m.clone().dry_run(true).upgrade(&p.url()).unwrap();
    assert_eq!(dry.steps.len(), 2);
    assert_eq!(p.applied(), [R1], "dry run changed nothing");
    let status = m.current(&p.url()).unwrap();
    assert_eq!(status.heads, [R1]);
    assert_eq!(status.pending, [R2, R3]);
    assert!(
        status.to_string().contains("at aaaaaaaaaaa1; 2 pending"),
        "{status}"
    );
}

#[test]
fn foreign_keys_are_off_during_a_migration_and_checked_before_commit() {
    let p = Project::new();
    three(&p);
    // Leaves a dangling reference: must be rolled back.
    p.add(
        "aaaaaaaaaaa4",
        Some(R3),
        "orphan",
        "INSERT INTO users (id, org_id) VALUES (1, 42);",
        "DELETE FROM users;",
    );
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let err = m.upgrade(&p.url()).unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("users row 1 references a missing row of orgs"),
        "{err}"
    );
    assert_eq!(p.query("SELECT COUNT(*) AS v FROM users"), ["0"]);
    assert_eq!(p.applied(), [R1, R2, R3]);
}

#[test]
fn table_rebuild_with_foreign_keys_on_in_the_url_works() {
    // The documented SQLite rebuild drops a referenced table; with
    // enforcement on it would cascade or fail. The migrator switches it off.
    let p = Project::new();
    three(&p);
    p.add(
        "aaaaaaaaaaa4",
        Some(R3),
        "seed",
        "INSERT INTO orgs (id, name) VALUES (1, 'a');\nINSERT INTO users (id, org_id) VALUES (1, 1);",
        "DELETE FROM users;\nDELETE FROM orgs;",
    );
    p.add(
        "aaaaaaaaaaa5",
        Some("aaaaaaaaaaa4"),
        "rebuild orgs",
        "CREATE TABLE orgs_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, slug TEXT);\n\
         INSERT INTO orgs_new (id, name) SELECT id, name FROM orgs;\n\
         DROP TABLE orgs;\n\
         ALTER TABLE orgs_new RENAME TO orgs;",
        "SELECT 1;",
    );
    let m = Migrator::from_dir(p.migrations()).unwrap();
    m.upgrade(&p.url()).unwrap();
    assert_eq!(p.query("SELECT COUNT(*) AS v FROM users"), ["1"]);
}

#[test]
fn progress_callback_sees_each_migration() {
    let p = Project::new();
    three(&p);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .on_progress(move |e| {
            let line = match e {
                Progress::Started {
                    revision,
                    index,
                    total,
                    ..
                } => {
                    format!("start {revision} {index}/{total}")
                }
                Progress::Finished { revision, .. } => format!("done {revision}"),
                other => format!("{other:?}"),
            };
            s.lock().unwrap().push(line);
        });
    m.upgrade(&p.url()).unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(
        *seen,
        [
            format!("start {R1} 1/3"),
            format!("done {R1}"),
            format!("start {R2} 2/3"),
            format!("done {R2}"),
            format!("start {R3} 3/3"),
            format!("done {R3}"),
        ]
    );
}

#[test]
fn concurrent_runners_apply_each_migration_exactly_once() {
    let p = Project::new();
    // Each migration creates a table (fails if run twice) and logs itself.
    let mut prev: Option<String> = None;
    let mut revs = Vec::new();
    for i in 0..15 {
        let rev = format!("bbbbbbbb{i:04x}");
        let up = if i == 0 {
            "CREATE TABLE log (rev TEXT NOT NULL);".to_string()
        } else {
            String::new()
        };
        p.add(
            &rev,
            prev.as_deref(),
            &format!("step {i}"),
            &format!("{up}\nCREATE TABLE t{i} (x INTEGER);\nINSERT INTO log VALUES ('{rev}');"),
            &format!("DROP TABLE t{i};"),
        );
        prev = Some(rev.clone());
        revs.push(rev);
    }
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_timeout(Duration::from_secs(60));
    let url = p.url();
    // Create the file first so every runner opens the same database.
    m.stamp(&url, "base", false).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let m = m.clone();
            let url = url.clone();
            std::thread::spawn(move || m.upgrade(&url))
        })
        .collect();
    let mut applied_total = 0;
    for h in handles {
        let report = h
            .join()
            .unwrap()
            .unwrap_or_else(|e| panic!("runner failed: {e}"));
        applied_total += report.steps.len();
    }
    assert_eq!(
        applied_total, 15,
        "each migration applied by exactly one runner"
    );
    let log = p.query("SELECT rev AS v FROM log ORDER BY rowid");
    assert_eq!(log, revs, "applied once each, in order");
    assert_eq!(p.applied().len(), 15);
}

#[test]
fn concurrent_runners_in_transaction_mode_all() {
    // Separate migrators (separate connections) racing with every pending
    // migration in one transaction: exactly one applies them all.
    let p = Project::new();
    for i in 0..6 {
        let rev = format!("cccccccc{i:04x}");
        let prev = (i > 0).then(|| format!("cccccccc{:04x}", i - 1));
        p.add(
            &rev,
            prev.as_deref(),
            "t",
            &format!("CREATE TABLE t{i} (x INTEGER);"),
            "",
        );
    }
    let url = p.url();
    Migrator::from_dir(p.migrations())
        .unwrap()
        .stamp(&url, "base", false)
        .unwrap();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            let dir = p.migrations();
            std::thread::spawn(move || {
                Migrator::from_dir(dir)
                    .unwrap()
                    .transaction_mode(TransactionMode::All)
                    .upgrade(&url)
            })
        })
        .collect();
    let total: usize = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap().steps.len())
        .sum();
    assert_eq!(total, 6);
    assert_eq!(p.applied().len(), 6);
}

#[test]
fn sql_mode_renders_without_connecting() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let sql = m.sql_upgrade(Backend::Sqlite, None, "head").unwrap();
    assert!(
        sql.contains("CREATE TABLE IF NOT EXISTS \"schema_revisions\""),
        "{sql}"
    );
    assert_eq!(sql.matches("BEGIN IMMEDIATE;").count(), 3, "{sql}");
    assert_eq!(sql.matches("COMMIT;").count(), 3, "{sql}");
    assert!(
        sql.contains(&format!(
            "INSERT INTO \"schema_revisions\" (revision, checksum, execution_ms) VALUES ('{R3}'"
        )),
        "{sql}"
    );
    assert!(
        sql.contains("CREATE INDEX ix_users_org_id ON users (org_id);"),
        "{sql}"
    );
    let from = m.sql_upgrade(Backend::Postgres, Some(R1), "head").unwrap();
    assert!(!from.contains(&format!("VALUES ('{R1}'")), "{from}");
    assert_eq!(from.matches("BEGIN;").count(), 2, "{from}");
    let all = m
        .clone()
        .transaction_mode(TransactionMode::All)
        .sql_upgrade(Backend::Postgres, None, "head")
        .unwrap();
    assert_eq!(all.matches("BEGIN;").count(), 1, "{all}");
    let down = m.sql_downgrade(Backend::Mysql, "head", R1).unwrap();
    assert!(down.contains("DROP TABLE users;"), "{down}");
    assert!(
        down.contains(&format!(
            "DELETE FROM `schema_revisions` WHERE revision = '{R2}'"
        )),
        "{down}"
    );
    assert!(
        !down.contains("BEGIN"),
        "MySQL DDL is not transactional: {down}"
    );

    // And the rendered SQL really works when fed to the database.
    let mut c = schema_runtime::Connection::establish(&p.url()).unwrap();
    c.execute(&sql).unwrap();
    assert_eq!(p.applied(), [R1, R2, R3]);
}

#[test]
fn custom_version_table() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .version_table("my_versions");
    m.upgrade(&p.url()).unwrap();
    assert_eq!(p.query("SELECT COUNT(*) AS v FROM my_versions"), ["3"]);
    assert!(!p.tables().contains(&"schema_revisions".to_string()));
}

#[test]
fn malformed_file_and_missing_dir_are_errors() {
    let p = Project::new();
    std::fs::write(p.migrations().join("x.sql"), "-- revision: zz\n").unwrap();
    let err = Migrator::from_dir(p.migrations())
        .unwrap()
        .upgrade(&p.url())
        .unwrap_err()
        .to_string();
    assert!(err.contains("x.sql"), "{err}");
    let err = Migrator::from_dir(p.dir.path().join("nope"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read") && err.contains("nope"), "{err}");
}

#[test]
fn non_transactional_migration_runs_outside_a_transaction() {
    let p = Project::new();
    std::fs::write(
        p.migrations().join("1.sql"),
        support::migration_text(
            R1,
            None,
            "vacuum",
            "CREATE TABLE a (x INTEGER);\nVACUUM;",
            "",
            false,
        ),
    )
    .unwrap();
    // VACUUM fails inside a transaction; outside it works.
    Migrator::from_dir(p.migrations())
        .unwrap()
        .upgrade(&p.url())
        .unwrap();
    assert_eq!(p.applied(), [R1]);
}

#[tokio::test(flavor = "current_thread")]
async fn safe_inside_a_current_thread_tokio_runtime() {
    let p = Project::new();
    three(&p);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    // Plain sync call from async code: blocks this thread, never panics.
    let r = m.upgrade_to(&p.url(), R1).unwrap();
    assert_eq!(r.steps.len(), 1);
    #[cfg(feature = "tokio")]
    {
        let r = m.upgrade_async(&p.url()).await.unwrap();
        assert_eq!(r.steps.len(), 2);
    }
    #[cfg(not(feature = "tokio"))]
    {
        let r = m.upgrade(&p.url()).unwrap();
        assert_eq!(r.steps.len(), 2);
    }
}

#[test]
fn downgrading_past_an_irreversible_migration_is_refused() {
    let p = Project::new();
    let write = |name: &str, text: &str| std::fs::write(p.migrations().join(name), text).unwrap();
    write(
        "0001_a.sql",
        "-- revision: aaaa00000001\n-- down_revision: none\n-- message: a\n\n-- migrate:up\nCREATE TABLE a (id INTEGER);\n\n-- migrate:down\nDROP TABLE a;\n",
    );
    write(
        "0002_b.sql",
        "-- revision: aaaa00000002\n-- down_revision: aaaa00000001\n-- message: b\n-- irreversible: true\n\n-- migrate:up\nCREATE TABLE b (id INTEGER);\n\n-- migrate:down\n-- no way back\n",
    );
    let m = Migrator::from_dir(p.migrations()).unwrap();
    m.upgrade(&p.url()).unwrap();
    let err = m.downgrade(&p.url(), "base").unwrap_err().to_string();
    assert!(
        err.contains("aaaa00000002") && err.contains("irreversible"),
        "{err}"
    );
    assert_eq!(p.applied().len(), 2, "nothing was reverted");
    let err = m.sql_downgrade(schema_runtime::Backend::Sqlite, "head", "base");
    assert!(err.is_err(), "--sql refuses too");
    // Up to it is fine.
    m.stamp(&p.url(), "aaaa00000001", false).unwrap();
    m.downgrade(&p.url(), "base").unwrap();
    assert!(p.applied().is_empty());
}

/// A file with a section per dialect: SQLite runs its own; the checksum
/// covers that section only, so adding another dialect's section later
/// does not disturb a database already deployed; a file with no SQL for
/// SQLite is refused, naming the file and the dialects it has.
#[test]
fn per_dialect_sections_run_for_their_own_database_only() {
    let p = Project::new();
    let file = |extra: &str| {
        format!(
            "-- revision: {R1}\n-- down_revision: none\n-- message: sections\n\n\
             -- migrate:up sqlite\nCREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT);\n\n\
             -- migrate:down sqlite\nDROP TABLE s;\n{extra}"
        )
    };
    let path = p.migrations().join("001_sections.sql");
    std::fs::create_dir_all(p.migrations()).unwrap();
    std::fs::write(&path, file("")).unwrap();
    Migrator::from_dir(p.migrations())
        .unwrap()
        .upgrade(&p.url())
        .unwrap();
    assert_eq!(p.tables(), ["s", "schema_revisions"]);
    std::fs::write(
        &path,
        file("\n-- migrate:up postgres\nCREATE TABLE s (id bigserial PRIMARY KEY);\n\n-- migrate:down postgres\nDROP TABLE s;\n"),
    )
    .unwrap();
    let m = Migrator::from_dir(p.migrations()).unwrap();
    assert!(m.current(&p.url()).unwrap().problems.is_empty());
    m.downgrade(&p.url(), "base").unwrap();
    assert_eq!(p.tables(), ["schema_revisions"]);
    // The PostgreSQL script is PostgreSQL's section.
    let sql = m.sql_upgrade(Backend::Postgres, None, "head").unwrap();
    assert!(
        sql.contains("bigserial") && !sql.contains("AUTOINCREMENT"),
        "{sql}"
    );
    // Without SQLite's section (nor an unqualified one): refused.
    std::fs::write(
        &path,
        format!(
            "-- revision: {R1}\n\n-- migrate:up postgres\nSELECT 1;\n\n-- migrate:down postgres\nSELECT 1;\n\n\
             -- migrate:up mysql\nSELECT 1;\n\n-- migrate:down mysql\nSELECT 1;\n"
        ),
    )
    .unwrap();
    let err = Migrator::from_dir(p.migrations())
        .unwrap()
        .upgrade(&p.url())
        .unwrap_err()
        .to_string();
    assert!(err.contains("001_sections.sql"), "{err}");
    assert!(
        err.contains("has SQL for postgres, mysql only, not for sqlite"),
        "{err}"
    );
}
