//! Planning: what a command does, decided from the version table's rows
//! and the revision graph alone. Nothing here touches a database, so the
//! engine's decisions are unit-tested without one.

use std::collections::BTreeSet;
use std::time::Duration;

use schema_core::migration::{Revision, RevisionGraph};

use crate::error::{Error, Result};
use crate::report::{Action, Step};
use crate::version::AppliedRevision;

/// A command that changes the version table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Upgrade,
    Downgrade,
    Stamp { rehash: bool },
}

impl Command {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Command::Upgrade => "upgrade",
            Command::Downgrade => "downgrade",
            Command::Stamp { .. } => "stamp",
        }
    }
}

/// Which section of a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    Up,
    Down,
}

impl Dir {
    pub(crate) fn action(self) -> Action {
        match self {
            Dir::Up => Action::Upgraded,
            Dir::Down => Action::Downgraded,
        }
    }

    fn would(self) -> Action {
        match self {
            Dir::Up => Action::WouldUpgrade,
            Dir::Down => Action::WouldDowngrade,
        }
    }

    pub(crate) fn verb(self) -> &'static str {
        match self {
            Dir::Up => "upgrade",
            Dir::Down => "downgrade",
        }
    }

    /// The section's SQL and the line of the file it starts on.
    pub(crate) fn section(self, rev: &Revision) -> (&str, usize) {
        match self {
            Dir::Up => (&rev.file.up, rev.file.up_line),
            Dir::Down => (&rev.file.down, rev.file.down_line),
        }
    }
}

/// What a command does, decided from the applied set alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Work {
    /// Run these revisions' sections, in this order.
    Run { dir: Dir, revisions: Vec<String> },
    /// Make the applied set exactly `to`, without running SQL.
    Stamp { to: BTreeSet<String>, rehash: bool },
}

impl Work {
    /// The applied set once the work is done.
    pub(crate) fn applied_after(&self, applied: &BTreeSet<String>) -> BTreeSet<String> {
        match self {
            Work::Run {
                dir: Dir::Up,
                revisions,
            } => applied.iter().chain(revisions).cloned().collect(),
            Work::Run {
                dir: Dir::Down,
                revisions,
            } => applied
                .iter()
                .filter(|r| !revisions.contains(r))
                .cloned()
                .collect(),
            Work::Stamp { to, .. } => to.clone(),
        }
    }

    /// The steps a dry run reports.
    pub(crate) fn dry_steps(&self, graph: &RevisionGraph, applied: &BTreeSet<String>) -> Vec<Step> {
        match self {
            Work::Run { dir, revisions } => revisions
                .iter()
                .filter_map(|id| graph.get(id))
                .map(|r| step(r, dir.would(), Duration::ZERO))
                .collect(),
            Work::Stamp { to, .. } => stamp_steps(graph, applied, to),
        }
    }
}

/// Plans `command` to `target` for a database where `applied` is applied.
pub(crate) fn plan(
    graph: &RevisionGraph,
    applied: &BTreeSet<String>,
    command: Command,
    target: &str,
) -> Result<Work> {
    Ok(match command {
        Command::Upgrade => Work::Run {
            dir: Dir::Up,
            revisions: graph.plan_upgrade(applied, target)?,
        },
        Command::Downgrade => {
            let revisions = graph.plan_downgrade(applied, target)?;
            if let Some(r) = revisions
                .iter()
                .filter_map(|id| graph.get(id))
                .find(|r| r.file.irreversible)
            {
                return Err(Error::Invalid(format!(
                    "{}: revision {} ({}) is irreversible: it has no down section, so \
                     downgrading past it is refused and nothing was run; write its down SQL \
                     and remove `irreversible: true`, or move the version table with \
                     `cargo schema stamp` without running SQL",
                    r.origin, r.file.revision, r.file.message
                )));
            }
            Work::Run {
                dir: Dir::Down,
                revisions,
            }
        }
        Command::Stamp { rehash } => Work::Stamp {
            to: graph.stamp_set(applied, target)?,
            rehash,
        },
    })
}

/// The checks before a command changes anything: a dirty revision stops
/// everything but `stamp` (the way out of a dirty state), and so do
/// checksum problems in strict mode. Returns the checksum problems as
/// warnings.
pub(crate) fn preflight(
    graph: &RevisionGraph,
    version_table: &str,
    rows: &[AppliedRevision],
    command: Command,
    strict: bool,
) -> Result<Vec<String>> {
    let stamping = matches!(command, Command::Stamp { .. });
    if let Some(d) = rows.iter().find(|r| r.dirty && !stamping) {
        return Err(Error::Dirty {
            revision: d.revision.clone(),
            file: graph
                .get(&d.revision)
                .map(|r| r.origin.clone())
                .unwrap_or_else(|| "no file defines it".to_string()),
            version_table: version_table.to_string(),
            message: d
                .dirty_reason
                .clone()
                .unwrap_or_else(|| "no account recorded".to_string()),
        });
    }
    let warnings = checksum_problems(graph, rows);
    if strict && !warnings.is_empty() && !stamping {
        return Err(Error::Checksum { problems: warnings });
    }
    Ok(warnings)
}

/// Applied revisions no file defines, and files changed after they were
/// applied.
pub(crate) fn checksum_problems(graph: &RevisionGraph, rows: &[AppliedRevision]) -> Vec<String> {
    let mut out = Vec::new();
    for row in rows {
        match graph.get(&row.revision) {
            None => out.push(format!(
                "revision {} is recorded as applied but no migration file defines it",
                row.revision
            )),
            Some(rev) => {
                let now = rev.file.checksum();
                if !row.checksum.is_empty() && row.checksum != now {
                    out.push(format!(
                        "revision {} ({}) changed after it was applied (checksum {} recorded, {} now); \
                         `cargo schema stamp --rehash {}` accepts the edit",
                        row.revision,
                        rev.origin,
                        short(&row.checksum),
                        short(&now),
                        row.revision
                    ));
                }
            }
        }
    }
    out
}

pub(crate) fn applied_set(rows: &[AppliedRevision]) -> BTreeSet<String> {
    rows.iter().map(|r| r.revision.clone()).collect()
}

pub(crate) fn step(rev: &Revision, action: Action, duration: Duration) -> Step {
    Step {
        revision: rev.id().to_string(),
        message: rev.file.message.clone(),
        file: rev.origin.clone(),
        action,
        duration,
    }
}

pub(crate) fn stamp_steps(
    graph: &RevisionGraph,
    old: &BTreeSet<String>,
    new: &BTreeSet<String>,
) -> Vec<Step> {
    let mut steps = Vec::new();
    for id in old.difference(new) {
        steps.push(match graph.get(id) {
            Some(r) => step(r, Action::Unstamped, Duration::ZERO),
            None => Step {
                revision: id.clone(),
                message: "(no file defines it)".to_string(),
                file: String::new(),
                action: Action::Unstamped,
                duration: Duration::ZERO,
            },
        });
    }
    for id in new.difference(old) {
        if let Some(r) = graph.get(id) {
            steps.push(step(r, Action::Stamped, Duration::ZERO));
        }
    }
    steps
}

fn short(sum: &str) -> &str {
    &sum[..sum.len().min(12)]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema_core::migration::{checksum, MigrationFile};

    pub(crate) const R1: &str = "bbbbbbbb0001";
    pub(crate) const R2: &str = "bbbbbbbb0002";
    pub(crate) const R3: &str = "bbbbbbbb0003";

    fn text(rev: &str, down: Option<&str>, up: &str, transaction: bool) -> String {
        format!(
            "-- revision: {rev}\n-- down_revision: {}\n-- message: m{rev}\n{}\n-- migrate:up\n{up}\n\n-- migrate:down\nDROP TABLE t{rev};\n",
            down.unwrap_or("none"),
            if transaction { "" } else { "-- transaction: false\n" }
        )
    }

    /// R1 <- R2 <- R3; `no_tx` lists revisions with `transaction: false`.
    pub(crate) fn graph(no_tx: &[&str]) -> RevisionGraph {
        let files = [(R1, None), (R2, Some(R1)), (R3, Some(R2))]
            .into_iter()
            .map(|(rev, down)| {
                let t = text(
                    rev,
                    down,
                    &format!("CREATE TABLE t{rev} (x INT);\nINSERT INTO t{rev} VALUES (1);"),
                    !no_tx.contains(&rev),
                );
                let origin = format!("{rev}.sql");
                let file = MigrationFile::parse(&t, &origin).unwrap();
                (origin, file)
            })
            .collect();
        RevisionGraph::new(files).unwrap()
    }

    fn row(rev: &str, checksum: &str, dirty: bool) -> AppliedRevision {
        AppliedRevision {
            revision: rev.into(),
            checksum: checksum.into(),
            applied_at: String::new(),
            execution_ms: 0,
            dirty,
            dirty_reason: dirty.then(|| "boom".to_string()),
        }
    }

    fn set(revs: &[&str]) -> BTreeSet<String> {
        revs.iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn upgrade_plans_pending_revisions_in_order() {
        let g = graph(&[]);
        let work = plan(&g, &set(&[]), Command::Upgrade, "head").unwrap();
        assert_eq!(
            work,
            Work::Run {
                dir: Dir::Up,
                revisions: vec![R1.into(), R2.into(), R3.into()]
            }
        );
        assert_eq!(work.applied_after(&set(&[])), set(&[R1, R2, R3]));
        let steps = work.dry_steps(&g, &set(&[]));
        assert!(steps.iter().all(|s| s.action == Action::WouldUpgrade));
        assert_eq!(steps[1].file, format!("{R2}.sql"));

        let work = plan(&g, &set(&[R1]), Command::Upgrade, R2).unwrap();
        assert_eq!(
            work,
            Work::Run {
                dir: Dir::Up,
                revisions: vec![R2.into()]
            }
        );
        assert!(plan(&g, &set(&[]), Command::Upgrade, "nope").is_err());
    }

    #[test]
    fn downgrade_plans_children_first() {
        let g = graph(&[]);
        let applied = set(&[R1, R2, R3]);
        let work = plan(&g, &applied, Command::Downgrade, R1).unwrap();
        assert_eq!(
            work,
            Work::Run {
                dir: Dir::Down,
                revisions: vec![R3.into(), R2.into()]
            }
        );
        assert_eq!(work.applied_after(&applied), set(&[R1]));
        assert!(work
            .dry_steps(&g, &applied)
            .iter()
            .all(|s| s.action == Action::WouldDowngrade));
    }

    #[test]
    fn stamp_plans_the_applied_set() {
        let g = graph(&[]);
        let applied = set(&[R1, "cccccccc0009"]);
        let work = plan(&g, &applied, Command::Stamp { rehash: false }, R2).unwrap();
        assert_eq!(
            work,
            Work::Stamp {
                to: set(&[R1, R2]),
                rehash: false
            }
        );
        let steps = work.dry_steps(&g, &applied);
        let seen: Vec<(&str, Action)> = steps
            .iter()
            .map(|s| (s.revision.as_str(), s.action))
            .collect();
        assert_eq!(
            seen,
            [("cccccccc0009", Action::Unstamped), (R2, Action::Stamped)]
        );
        assert_eq!(steps[0].message, "(no file defines it)");
    }

    #[test]
    fn a_dirty_revision_stops_everything_but_stamp() {
        let g = graph(&[]);
        let sum = checksum(&g.get(R1).unwrap().file.up);
        let rows = [row(R1, &sum, false), row(R2, "", true)];
        for command in [Command::Upgrade, Command::Downgrade] {
            let err = preflight(&g, "versions", &rows, command, false).unwrap_err();
            let Error::Dirty {
                revision,
                file,
                version_table,
                message,
            } = err
            else {
                panic!("{err}")
            };
            assert_eq!(
                (revision.as_str(), file.as_str(), version_table.as_str()),
                (R2, "bbbbbbbb0002.sql", "versions")
            );
            assert_eq!(message, "boom");
        }
        let warnings = preflight(
            &g,
            "versions",
            &rows,
            Command::Stamp { rehash: false },
            true,
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn checksum_problems_warn_or_stop_in_strict_mode() {
        let g = graph(&[]);
        let rows = [
            row(R1, "0123456789abcdef", false),
            row("cccccccc0009", "", false),
        ];
        let warnings = preflight(&g, "v", &rows, Command::Upgrade, false).unwrap();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("changed after it was applied (checksum 0123456789ab recorded"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("no migration file defines it"));
        let err = preflight(&g, "v", &rows, Command::Upgrade, true).unwrap_err();
        assert!(matches!(err, Error::Checksum { .. }), "{err}");
        let stamping = Command::Stamp { rehash: true };
        assert_eq!(preflight(&g, "v", &rows, stamping, true).unwrap().len(), 2);
    }
}
