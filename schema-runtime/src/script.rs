//! The offline `--sql` renderer: the SQL a run would execute, written
//! without connecting. It plans like a live run and goes through the same
//! engine loop and backend hooks ([`Engine::apply`]) into a script
//! [`Sink`], so the script and a live run cannot drift apart; only what a
//! live run reads back (whether a concurrent runner got there first, the
//! foreign-key state) is replaced by what a script can do.

use std::collections::BTreeSet;

use schema_core::dialect::Dialect;

use crate::backend;
use crate::engine::plan::{plan, Command, Work};
use crate::engine::{Engine, Held};
use crate::error::Result;
use crate::sink::Sink;
use crate::version::VersionTable;

/// The script that runs `command` to `target` on a database of `dialect`
/// where exactly the ancestors-or-self of `from` are applied (`None`: an
/// empty database): the version table's DDL, then each migration with its
/// transaction and version rows.
pub(crate) fn render(
    engine: &Engine<'_>,
    dialect: Dialect,
    command: Command,
    from: Option<&str>,
    target: &str,
) -> Result<String> {
    let graph = engine.graph()?;
    let applied = match from {
        Some(f) => graph.stamp_set(&BTreeSet::new(), f)?,
        None => BTreeSet::new(),
    };
    let Work::Run { dir, revisions } = plan(graph, &applied, command, target)? else {
        return Ok(String::new());
    };
    let backend = backend::of(dialect);
    let vt = VersionTable::for_dialect(engine.version_table, dialect);
    let mut out = format!("-- cargo-schema {} ({})\n\n", dir.verb(), dialect.name());
    let sink = &mut Sink::Script(&mut out);
    vt.ensure_in(sink)?;
    engine.apply(sink, backend, &vt, &revisions, dir, &Held::Nothing)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::plan::tests::{graph, R1, R2, R3};
    use crate::engine::TransactionMode;

    fn engine(graph: &schema_core::migration::RevisionGraph, mode: TransactionMode) -> Engine<'_> {
        Engine {
            graph: crate::engine::graph::RunGraph::ready(std::borrow::Cow::Borrowed(graph)),
            embedded: None,
            version_table: "schema_revisions",
            lock_timeout: Duration::ZERO,
            time_limits: Default::default(),
            lock_mode: crate::lock::LockMode::Session,
            lease: crate::lock::DEFAULT_LEASE,
            mode,
            strict: false,
            lock_retries: 0,
            progress: None,
        }
    }

    fn render_for(
        dialect: Dialect,
        mode: TransactionMode,
        no_tx: &[&str],
        command: Command,
        from: Option<&str>,
        target: &str,
    ) -> Result<String> {
        let g = graph(no_tx);
        let engine = engine(&g, mode);
        render(&engine, dialect, command, from, target)
    }

    fn lines(script: &str) -> Vec<&str> {
        script.lines().filter(|l| !l.is_empty()).collect()
    }

    #[test]
    fn sqlite_script_runs_each_migration_like_a_live_run() {
        let s = render_for(
            Dialect::Sqlite,
            TransactionMode::PerMigration,
            &[],
            Command::Upgrade,
            Some(R1),
            "head",
        )
        .unwrap();
        let got = lines(&s);
        assert_eq!(got[0], "-- cargo-schema upgrade (sqlite)");
        assert!(got[1].starts_with("CREATE TABLE IF NOT EXISTS \"schema_revisions\" ("));
        let r2 = got
            .iter()
            .position(|l| l.starts_with(&format!("-- upgrade {R2}: m{R2} ({R2}.sql)")))
            .unwrap();
        assert_eq!(
            got[r2 + 1..r2 + 6],
            [
                "PRAGMA foreign_keys = OFF;",
                "BEGIN IMMEDIATE;",
                &format!("CREATE TABLE t{R2} (x INT);") as &str,
                &format!("INSERT INTO t{R2} VALUES (1);"),
                "PRAGMA foreign_key_check;",
            ]
        );
        assert!(got[r2 + 6].starts_with(&format!(
            "INSERT INTO \"schema_revisions\" (revision, checksum, execution_ms) VALUES ('{R2}', '"
        )));
        assert!(got[r2 + 6].ends_with(", 0);"), "{s}");
        assert_eq!(got[r2 + 7], "COMMIT;");
        assert!(!s.contains(&format!("VALUES ('{R1}'")), "{s}");
        assert_eq!(s.matches("COMMIT;").count(), 2, "{s}");
    }

    #[test]
    fn transaction_all_wraps_the_whole_run() {
        let s = render_for(
            Dialect::Postgres,
            TransactionMode::All,
            &[],
            Command::Upgrade,
            None,
            "head",
        )
        .unwrap();
        assert_eq!(s.matches("BEGIN;").count(), 1, "{s}");
        assert_eq!(s.matches("COMMIT;").count(), 1, "{s}");
        assert!(s.trim_end().ends_with("COMMIT;"), "{s}");
        assert!(!s.contains("PRAGMA"), "{s}");

        let err = render_for(
            Dialect::Postgres,
            TransactionMode::All,
            &[R2],
            Command::Upgrade,
            None,
            "head",
        )
        .unwrap_err();
        assert!(err.to_string().contains("transaction: false"), "{err}");
    }

    #[test]
    fn a_migration_without_transaction_runs_bare() {
        let s = render_for(
            Dialect::Postgres,
            TransactionMode::PerMigration,
            &[R2],
            Command::Upgrade,
            None,
            "head",
        )
        .unwrap();
        assert_eq!(s.matches("BEGIN;").count(), 2, "{s}");
        let r2 = s.find(&format!("-- upgrade {R2}")).unwrap();
        let r3 = s.find(&format!("-- upgrade {R3}")).unwrap();
        assert!(!s[r2..r3].contains("BEGIN"), "{s}");
    }

    #[test]
    fn mysql_script_records_the_revision_dirty_until_it_finished() {
        let s = render_for(
            Dialect::Mysql,
            TransactionMode::All,
            &[],
            Command::Downgrade,
            Some("head"),
            R1,
        )
        .unwrap();
        assert!(!s.contains("BEGIN"), "{s}");
        let got = lines(&s);
        let r3 = got
            .iter()
            .position(|l| l.starts_with(&format!("-- downgrade {R3}")))
            .unwrap();
        assert!(
            got[r3 + 1].starts_with(
                "UPDATE `schema_revisions` SET dirty = TRUE, dirty_reason = 'downgrade started from a --sql script"
            ),
            "{s}"
        );
        assert_eq!(got[r3 + 2], format!("DROP TABLE t{R3};"));
        assert_eq!(
            got[r3 + 3],
            format!("DELETE FROM `schema_revisions` WHERE revision = '{R3}';")
        );
        assert!(s.find(&format!("-- downgrade {R3}")) < s.find(&format!("-- downgrade {R2}")));
    }

    #[test]
    fn nothing_to_do_is_only_the_version_table() {
        let s = render_for(
            Dialect::Sqlite,
            TransactionMode::PerMigration,
            &[],
            Command::Upgrade,
            Some("head"),
            "head",
        )
        .unwrap();
        assert_eq!(lines(&s).len(), 9, "{s}");
        assert!(s.trim_end().ends_with(");"), "{s}");
    }
}
