//! `--lock-mode table` / `lock_mode = "table"`: the lease lock end to end
//! on SQLite, through the binary.

use crate::support::{project, TestProject};

/// Three hand-written migrations, each logging itself into `applied_log`
/// (no key, so a second run of one would show as a second row).
fn logged(config: &str) -> TestProject {
    let p = project("leased").config(config).build();
    let mut prev = "none".to_string();
    for i in 1..=3 {
        let rev = format!("dddddddd000{i}");
        let create = if i == 1 {
            "CREATE TABLE applied_log (rev TEXT NOT NULL);\n"
        } else {
            ""
        };
        p.write(
            &format!("migrations/2026_01_01_000{i}-{rev}_step_{i}.sql"),
            &format!(
                "-- revision: {rev}\n-- down_revision: {prev}\n-- message: step {i}\n\n\
                 -- migrate:up\n{create}CREATE TABLE t{i} (x INTEGER);\n\
                 INSERT INTO applied_log VALUES ('{rev}');\n\n-- migrate:down\nDROP TABLE t{i};\n"
            ),
        );
        prev = rev;
    }
    p
}

#[test]
fn lock_mode_table_upgrades_and_releases_the_lease() {
    let p = logged("");
    p.schema(&["upgrade", "--lock-mode", "table"])
        .ok()
        .says("dddddddd0003");
    assert_eq!(
        p.sqlite("SELECT group_concat(rev) FROM applied_log"),
        "dddddddd0001,dddddddd0002,dddddddd0003"
    );
    assert_eq!(
        p.sqlite("SELECT count(*) FROM schema_revisions_lock"),
        "0",
        "the lease row is deleted at the end"
    );
    p.schema(&["downgrade", "base", "--lock-mode", "table"])
        .ok();
    assert_eq!(p.sqlite("SELECT count(*) FROM schema_revisions"), "0");
}

#[test]
fn concurrent_processes_with_the_lease_apply_each_migration_once() {
    let p = logged("lock_mode = \"table\"\n");
    // Create the file first so every process opens the same database.
    p.schema(&["stamp", "base"]).ok();
    let runs: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| p.schema(&["upgrade", "--lock-timeout", "60"])))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in runs {
        r.ok();
    }
    assert_eq!(
        p.sqlite("SELECT group_concat(rev) FROM (SELECT rev FROM applied_log ORDER BY rev)"),
        "dddddddd0001,dddddddd0002,dddddddd0003",
        "each migration ran exactly once"
    );
}

#[test]
fn a_live_lease_is_waited_for_and_named() {
    let p = logged("lock_mode = \"table\"\n");
    p.schema(&["upgrade", "dddddddd0001"]).ok();
    p.sqlite("INSERT INTO schema_revisions_lock VALUES (1, 'not-ours', 'other-host', 4242, 'other-app', \
         strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now', '+60 seconds'))",
    );
    p.schema(&["upgrade", "--lock-timeout", "1"])
        .code(1)
        .says("waiting for the migration lock (held by pid 4242 (other-app) on other-host")
        .says("could not acquire the migration lock")
        .says("expires");
    assert_eq!(p.sqlite("SELECT count(*) FROM applied_log"), "1");
    // An expired lease is taken over.
    p.sqlite("UPDATE schema_revisions_lock SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 seconds')",
    );
    p.schema(&["upgrade", "--lock-timeout", "1"]).ok();
    assert_eq!(p.sqlite("SELECT count(*) FROM applied_log"), "3");
}

#[test]
fn an_unknown_lock_mode_is_a_config_error() {
    let p = logged("lock_mode = \"rows\"\n");
    p.schema(&["upgrade"])
        .code(1)
        .says("unknown lock_mode `rows`; expected `session` or `table`");
}

#[test]
fn a_lease_that_cannot_work_is_warned_about() {
    // Longer than the 60 s default lock timeout: after a crash the next
    // runner would give up first.
    let p = logged("lock_mode = \"table\"\nlease = \"2min\"\n");
    p.schema(&["upgrade"])
        .ok()
        .says("the lease (2min) is not shorter than the lock timeout");
    p.schema(&["downgrade", "base", "--lock-timeout", "300"])
        .ok()
        .never_says("not shorter");
    // Set without the lease lock: it does nothing, and says so.
    let p = logged("lease = \"5s\"\n");
    p.schema(&["upgrade"])
        .ok()
        .says("`lease` is set but the lock mode is `session`");
    p.schema(&["downgrade", "base", "--lock-mode", "table", "--lease", "0s"])
        .code(2)
        .says("a lease must last longer than zero");
}
