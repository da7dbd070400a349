//! Killed runners: `cargo-schema upgrade` of many migrations, killed with
//! SIGKILL at random points, many times, on each database. After every
//! kill the database must tell the truth — on SQLite and PostgreSQL no
//! migration is half-applied and the version table matches the schema; on
//! MySQL/MariaDB at most one revision is dirty and its mark says exactly
//! which statements took effect — and the next runner finishes the job
//! without a human, except for a MySQL dirty revision, which it refuses
//! with the way out (repaired here as a person would).
//!
//! Each database is tried with both lock modes: the session lock (freed
//! with the dead session) and the lease (`lock_mode = "table"`, here 2 s
//! long), which the dead runner leaves behind and the next one takes over
//! once it expires.
//!
//! Trials per database and lock mode: `SCHEMA_KILL_TRIALS` (6 by default).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use schema_runtime::version::VersionTable;
use schema_runtime::{Backend, Connection, DatabaseUrl};

use crate::support::{project, Scratch, TestProject};

const MIGRATIONS: usize = 12;
/// Rows each migration inserts after creating its table.
const ROWS: i64 = 900;

fn rev(i: usize) -> String {
    format!("{:012x}", 0xa11ce0000000u64 + i as u64)
}

/// Migration `i`: a table `k<i>` and its rows, in two statements.
fn body(backend: Backend, i: usize) -> String {
    match backend {
        Backend::Sqlite => format!(
            "CREATE TABLE k{i} (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n\
             INSERT INTO k{i} (v) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {ROWS}) SELECT 'row' || x FROM n;"
        ),
        Backend::Postgres => format!(
            "CREATE TABLE k{i} (id serial PRIMARY KEY, v text NOT NULL);\n\
             INSERT INTO k{i} (v) SELECT 'row' || x FROM generate_series(1, {ROWS}) x;\n\
             SELECT pg_sleep(0.01);"
        ),
        Backend::Mysql => format!(
            "CREATE TABLE k{i} (id INT PRIMARY KEY, v TEXT NOT NULL);\n\
             INSERT INTO k{i} (id, v) WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {ROWS}) SELECT x, CONCAT('row', x) FROM n;"
        ),
    }
}

fn write_migrations(p: &TestProject, backend: Backend) {
    for i in 0..MIGRATIONS {
        let down = if i == 0 {
            String::new()
        } else {
            format!("-- down_revision: {}\n", rev(i - 1))
        };
        p.write(
            &format!("migrations/{i:03}_{}_step.sql", rev(i)),
            &format!(
                "-- revision: {}\n{down}-- message: step {i}\n\n-- migrate:up\n{}\n\n-- migrate:down\nDROP TABLE k{i};\n",
                rev(i),
                body(backend, i)
            ),
        );
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Rows of `k<i>`, or `None` when the table does not exist.
fn rows(conn: &mut Connection, i: usize) -> Option<i64> {
    count(conn, &format!("k{i}"))
}

/// Rows of `table`, or `None` when it does not exist.
fn count(conn: &mut Connection, table: &str) -> Option<i64> {
    let sql = format!("SELECT CAST(COUNT(*) AS SIGNED) AS n FROM {table}");
    let pg_sql = format!("SELECT COUNT(*)::int8 AS n FROM {table}");
    let got: Result<Vec<Count>, diesel::result::Error> = match conn.backend() {
        Backend::Sqlite => conn.with_sqlite(|c| {
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).load(c)
        }),
        Backend::Postgres => conn.with_pg(|c| diesel::sql_query(&pg_sql).load(c)),
        Backend::Mysql => conn.with_mysql(|c| diesel::sql_query(&sql).load(c)),
    }
    .expect("backend compiled");
    got.ok().and_then(|v| v.first().map(|c| c.n))
}

/// What one kill left behind.
#[derive(Debug, Default)]
struct Tally {
    before_any: usize,
    between: usize,
    dirty: usize,
    finished: usize,
    /// Kills that left a lease row behind (lease mode), each taken over by
    /// the next runner.
    stale_leases: usize,
}

/// The lock mode under trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Session,
    Lease,
}

/// The config of a project in `mode`.
fn config(mode: Mode) -> &'static str {
    match mode {
        Mode::Session => "",
        Mode::Lease => "lock_mode = \"table\"\nlease = \"2s\"\n",
    }
}

/// Checks the state after a kill and repairs what needs a person (a MySQL
/// dirty revision); then a plain `upgrade` must finish.
fn check_after_kill(p: &TestProject, url: &str, backend: Backend, tally: &mut Tally) {
    let parsed = DatabaseUrl::parse(url).expect("URL parses");
    let mut conn = Connection::open_existing_or_empty(&parsed).expect("connect");
    let vt = VersionTable::new("schema_revisions", backend);
    let applied = vt.read(&mut conn).unwrap_or_default();
    let dirty: Vec<_> = applied.iter().filter(|r| r.dirty).collect();
    assert!(
        dirty.len() <= 1,
        "more than one dirty revision: {applied:?}"
    );
    for i in 0..MIGRATIONS {
        let row = applied.iter().find(|r| r.revision == rev(i));
        let n = rows(&mut conn, i);
        match row {
            Some(r) if !r.dirty => assert_eq!(
                n,
                Some(ROWS),
                "{} is recorded as applied, but k{i} has {n:?} rows",
                r.revision
            ),
            Some(r) => {
                // Dirty (MySQL): the mark names the statements that took
                // effect; the first one creates the table.
                let reason = r.dirty_reason.clone().unwrap_or_default();
                assert!(
                    reason.contains("did not finish (the process may have been killed)"),
                    "{reason}"
                );
                if reason.contains("was running") {
                    // The create took effect; the insert (one statement,
                    // atomic in InnoDB) did or did not.
                    assert!(
                        matches!(n, Some(0) | Some(ROWS)),
                        "{reason}: k{i} has {n:?}"
                    );
                } else {
                    assert!(matches!(n, None | Some(0)), "{reason}: k{i} has {n:?}");
                }
            }
            None => assert_eq!(n, None, "k{i} exists, but {} is not recorded", rev(i)),
        }
    }
    let clean = applied.iter().filter(|r| !r.dirty).count();
    // A lease row outlives its killed holder (it expires); a session lock
    // leaves nothing in any table.
    if count(&mut conn, "schema_revisions_lock").unwrap_or(0) > 0 {
        tally.stale_leases += 1;
    }
    if let Some(d) = dirty.first() {
        tally.dirty += 1;
        // The next runner refuses, and says how out.
        p.schema_env(&["upgrade"], &[("DATABASE_URL", url)])
            .code(1)
            .says("dirty")
            .says("cargo schema stamp");
        let i = (0..MIGRATIONS)
            .find(|&i| rev(i) == d.revision)
            .expect("ours");
        conn.execute(&format!("DROP TABLE IF EXISTS k{i}"))
            .expect("undo by hand");
        drop(conn);
        let parent = if i == 0 {
            "base".to_string()
        } else {
            rev(i - 1)
        };
        p.schema_env(&["stamp", &parent], &[("DATABASE_URL", url)])
            .ok();
    } else if clean == 0 {
        tally.before_any += 1;
    } else if clean == MIGRATIONS {
        tally.finished += 1;
    } else {
        tally.between += 1;
    }
    p.schema_env(&["upgrade"], &[("DATABASE_URL", url)]).ok();
    // The finishing runner released its lock.
    let mut conn = Connection::open_existing_or_empty(&parsed).expect("connect");
    assert_eq!(
        count(&mut conn, "schema_revisions_lock").unwrap_or(0),
        0,
        "the lease was not released"
    );
}

fn trials() -> usize {
    std::env::var("SCHEMA_KILL_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

/// A delay in `0..limit`, from the clock (no randomness crate needed).
fn random_below(limit: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos() as u64;
    let span = limit.as_micros().max(1) as u64;
    Duration::from_micros((nanos.wrapping_mul(2654435761) >> 7) % span)
}

/// Upgrades, downgrades to base, and kills upgrades at random points, in
/// each lock mode; returns the tallies, session mode first. Without a
/// server `url`, each mode's project has its own SQLite file.
fn kill_trials(url: Option<&str>, backend: Backend) -> [Tally; 2] {
    [Mode::Session, Mode::Lease].map(|mode| {
        let p = kill_project(mode);
        let url = url.map_or_else(|| p.db_url(), str::to_string);
        let tally = kill_trials_in(&p, &url, backend, mode);
        p.schema_env(&["downgrade", "base"], &[("DATABASE_URL", &url)])
            .ok();
        if mode == Mode::Session {
            assert_eq!(tally.stale_leases, 0, "a session lock left a lease row");
        }
        tally
    })
}

fn kill_trials_in(p: &TestProject, url: &str, backend: Backend, mode: Mode) -> Tally {
    write_migrations(p, backend);
    let env = [("DATABASE_URL", url)];
    // One whole run, to learn how long the upgrade takes.
    let start = Instant::now();
    p.schema_env(&["upgrade"], &env).ok();
    let whole = start.elapsed();
    let mut tally = Tally::default();
    for _ in 0..trials() {
        p.schema_env(&["downgrade", "base"], &env).ok();
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("cargo-schema"))
            .current_dir(p.path())
            .env("DATABASE_URL", url)
            .args(["schema", "upgrade"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cargo-schema");
        std::thread::sleep(random_below(whole + whole / 4));
        // SIGKILL: no destructor, no rollback, the socket just closes.
        let _ = child.kill();
        let _ = child.wait();
        check_after_kill(p, url, backend, &mut tally);
    }
    println!(
        "{backend:?}, {mode:?} lock: whole upgrade {whole:?}; after {} kills: {tally:?}",
        trials()
    );
    tally
}

fn kill_project(mode: Mode) -> TestProject {
    let p = project("killed").config(config(mode)).build();
    p.schema(&["init"]).ok();
    p
}

#[test]
fn killed_upgrades_on_sqlite_leave_the_truth_and_the_next_run_finishes() {
    for tally in kill_trials(None, Backend::Sqlite) {
        assert_eq!(tally.dirty, 0, "SQLite never leaves a dirty revision");
    }
}

#[test]
fn killed_upgrades_on_postgres_leave_the_truth_and_the_next_run_finishes() {
    let Some(db) = Scratch::create("SCHEMA_TEST_POSTGRES_URL", "kill") else {
        return;
    };
    for tally in kill_trials(Some(&db.url), Backend::Postgres) {
        assert_eq!(tally.dirty, 0, "PostgreSQL never leaves a dirty revision");
    }
}

#[test]
fn killed_upgrades_on_mysql_leave_an_exact_dirty_mark_and_a_way_out() {
    let Some(db) = Scratch::create("SCHEMA_TEST_MYSQL_URL", "kill") else {
        return;
    };
    kill_trials(Some(&db.url), Backend::Mysql);
}
