//! What the migrator's commands return: plain data (revision ids, messages,
//! files, durations) with a `Display` for humans, and the progress events a
//! CLI shows while a run goes on.

use std::fmt;
use std::time::Duration;

use schema_core::ops::Op;

use crate::version::AppliedRevision;

/// What a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The up section ran.
    Upgraded,
    /// The down section ran.
    Downgraded,
    /// Recorded as applied without running SQL.
    Stamped,
    /// Removed from the version table without running SQL.
    Unstamped,
    /// Would run (`--dry-run`).
    WouldUpgrade,
    /// Would run (`--dry-run`).
    WouldDowngrade,
}

/// One revision handled by a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The revision id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// Its file.
    pub file: String,
    /// What happened.
    pub action: Action,
    /// How long its SQL took (zero for stamps and dry runs).
    pub duration: Duration,
}

/// Progress events, for a CLI's per-migration output.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// Another migrator holds the lock; we are waiting.
    WaitingForLock {
        /// Who holds it, when the database can tell.
        holder: Option<&'a str>,
    },
    /// A migration is about to run.
    Started {
        /// The revision id.
        revision: &'a str,
        /// Its message.
        message: &'a str,
        /// 1-based position in the plan.
        index: usize,
        /// Plan length.
        total: usize,
    },
    /// A migration finished (committed, or in `All` mode, executed).
    Finished {
        /// The revision id.
        revision: &'a str,
        /// How long it took.
        duration: Duration,
        /// 1-based position in the plan.
        index: usize,
        /// Plan length.
        total: usize,
    },
    /// A concurrent migrator applied (or reverted) this revision first.
    Skipped {
        /// The revision id.
        revision: &'a str,
    },
    /// Something the run did on its own while applying a revision: a
    /// statement retried after a lock timeout, an INVALID index left by a
    /// failed concurrent build dropped before building it again.
    Notice {
        /// The revision id.
        revision: &'a str,
        /// What happened, in words.
        message: &'a str,
    },
}

/// The outcome of `upgrade`, `downgrade` or `stamp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The redacted target (`sqlite /abs/app.db`).
    pub database: String,
    /// The command (`upgrade`, `downgrade`, `stamp`).
    pub command: &'static str,
    /// Revisions handled, in order.
    pub steps: Vec<Step>,
    /// The applied heads afterwards.
    pub heads: Vec<String>,
    /// Checksum problems found (changed files, unknown applied revisions).
    pub warnings: Vec<String>,
    /// Remarks (dropped URL parameters, missing file treated as empty, ...).
    pub notes: Vec<String>,
    /// Nothing was changed (`--dry-run`).
    pub dry_run: bool,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let heads = if self.heads.is_empty() {
            "base".to_string()
        } else {
            self.heads.join(", ")
        };
        if self.steps.is_empty() {
            write!(f, "{}: nothing to do; at {heads}", self.database)?;
        } else {
            let verb = match (self.command, self.dry_run) {
                ("upgrade", false) => "applied",
                ("upgrade", true) => "would apply",
                ("downgrade", false) => "reverted",
                ("downgrade", true) => "would revert",
                _ => "stamped",
            };
            let n = self.steps.len();
            let plural = if n == 1 { "" } else { "s" };
            write!(f, "{}: {verb} {n} migration{plural}", self.database)?;
            for s in &self.steps {
                let sign = match s.action {
                    Action::Unstamped => "-",
                    Action::Stamped => "+",
                    _ => " ",
                };
                write!(f, "\n {sign}{}  {}", s.revision, s.message)?;
                if matches!(s.action, Action::Upgraded | Action::Downgraded) {
                    write!(f, "  ({} ms)", s.duration.as_millis())?;
                }
            }
            if !self.dry_run {
                write!(f, "\nnow at {heads}")?;
            }
        }
        for w in &self.warnings {
            write!(f, "\nwarning: {w}")?;
        }
        Ok(())
    }
}

/// What `current` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The redacted target.
    pub database: String,
    /// Every row of the version table.
    pub applied: Vec<AppliedRevision>,
    /// The applied heads (maximal applied revisions known to the files).
    pub heads: Vec<String>,
    /// Heads of the migration files.
    pub file_heads: Vec<String>,
    /// Revisions not applied, in the order `upgrade heads` would apply them.
    pub pending: Vec<String>,
    /// Checksum problems and dirty revisions.
    pub problems: Vec<String>,
    /// Remarks (missing file treated as empty, dropped URL parameters).
    pub notes: Vec<String>,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.heads.is_empty() {
            "base".to_string()
        } else {
            self.heads.join(", ")
        };
        let head = self.heads == self.file_heads && self.pending.is_empty();
        write!(
            f,
            "{}: at {at}{}; {} pending",
            self.database,
            if head { " (head)" } else { "" },
            self.pending.len()
        )?;
        for p in &self.problems {
            write!(f, "\nwarning: {p}")?;
        }
        Ok(())
    }
}

/// What `check_models` found: the operations that would turn the live
/// database into the models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The redacted target.
    pub database: String,
    /// The operations, in the order a migration would run them.
    pub ops: Vec<Op>,
    /// One line per operation, in words.
    pub summary: Vec<String>,
    /// The SQL a migration would run (the autogenerate `up` section).
    pub sql: String,
    /// Remarks (missing file treated as empty, ...).
    pub notes: Vec<String>,
}

impl Drift {
    /// The database matches the models.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ops.is_empty() {
            return write!(f, "{}: the database matches the models", self.database);
        }
        write!(
            f,
            "{}: the database differs from the models ({} operation(s) pending):",
            self.database,
            self.ops.len()
        )?;
        for line in &self.summary {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}
