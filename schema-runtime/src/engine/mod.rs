//! The apply engine: plans a command from the version table's rows
//! (`plan.rs`), then runs the plan as a loop over the backend hooks
//! ([`crate::backend::Migrate`]). Nothing here depends on which database it
//! talks to, and the same loop writes the offline `--sql` script through a
//! [`Sink`], so a script is what a live run executes.
//!
//! Safety rules:
//! - lock first (the backend's session lock, or a lease row), then read the
//!   version table; a lease is renewed before every migration, and a
//!   session lock is checked to belong to the session of each migration's
//!   transaction;
//! - with transactional DDL (SQLite, PostgreSQL): each migration and its
//!   version row commit in one transaction (one commit per migration), or
//!   every pending migration in one transaction with
//!   [`TransactionMode::All`]; the backend's checks run around it (SQLite:
//!   foreign keys off, `PRAGMA foreign_key_check` before commit);
//! - without it (MySQL/MariaDB): statements run one by one (DDL
//!   auto-commits); the revision is recorded dirty before it runs, a
//!   failure half-way leaves it dirty with an account of what took effect,
//!   and the next run refuses until it is repaired.

pub(crate) mod graph;
pub(crate) mod plan;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use schema_core::migration::{split_statements_with, Revision, RevisionGraph, Statement};
use schema_core::url::DatabaseUrl;

use self::graph::RunGraph;
use self::plan::{
    applied_set, checksum_problems, plan, preflight, stamp_steps, step, Command, Dir, Work,
};
use crate::backend::{self, Migrate, SessionLock, TimeLimits};
use crate::conn::{Connection, OpenMode};
use crate::embed::EmbeddedMigrations;
use crate::error::{one_line, Error, MigrationFailure, Result};
use crate::lock::{Lease, LockMode};
use crate::report::{Progress, Report, Status, Step};
use crate::sink::Sink;
use crate::version::VersionTable;

/// How pending migrations are grouped into transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionMode {
    /// One transaction per migration (the default): each migration commits
    /// together with its version row.
    #[default]
    PerMigration,
    /// Every pending migration in one all-or-nothing transaction (SQLite,
    /// PostgreSQL; MySQL cannot roll back DDL and runs per migration).
    All,
}

impl std::str::FromStr for TransactionMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "per-migration" | "per_migration" => Ok(TransactionMode::PerMigration),
            "all" => Ok(TransactionMode::All),
            other => Err(Error::Invalid(format!(
                "unknown transaction mode `{other}`; expected `per-migration` or `all`"
            ))),
        }
    }
}

/// The progress callback.
pub(crate) type ProgressFn = dyn Fn(&Progress<'_>) + Send + Sync;

/// The lock a run holds while it applies migrations.
pub(crate) enum Held {
    /// The database's session lock ([`LockMode::Session`]).
    Session(SessionLock),
    /// A lease row ([`LockMode::Table`]).
    Lease(Lease),
    /// Nothing: an offline script.
    Nothing,
}

impl Held {
    /// Before each migration, outside its transaction: a lease is renewed
    /// (and the run stops when it is no longer ours).
    fn keep(&self, sink: &mut Sink<'_>) -> Result<()> {
        match (self, sink.live()) {
            (Held::Lease(lease), Some(conn)) => lease.renew(conn),
            _ => Ok(()),
        }
    }

    /// Inside each migration's transaction (or just before a migration
    /// without one): the session lock must be this session's.
    fn check(&self, sink: &mut Sink<'_>, backend: &dyn Migrate) -> Result<()> {
        match self {
            Held::Session(lock) => backend.check_lock(sink, lock),
            _ => Ok(()),
        }
    }

    /// Whether the version table is read again inside each migration's
    /// transaction: where the transaction is the lock, and under a lease,
    /// whose holder could in principle change between two renewals.
    fn rechecks(&self, backend: &dyn Migrate) -> bool {
        backend.rechecks_in_transaction() || matches!(self, Held::Lease(_))
    }

    fn release(self, conn: &mut Connection, backend: &dyn Migrate) -> Result<()> {
        match self {
            Held::Session(lock) => backend.unlock(conn, &lock),
            Held::Lease(lease) => lease.release(conn),
            Held::Nothing => Ok(()),
        }
    }
}

/// A migrator's settings over one revision graph.
pub(crate) struct Engine<'a> {
    /// The graph as the run's dialect executes it.
    pub(crate) graph: RunGraph<'a>,
    /// The embedded migrations the graph is built from, if it is: their
    /// build-time ids and checksums answer an `upgrade` at head without
    /// the graph.
    pub(crate) embedded: Option<&'a EmbeddedMigrations>,
    pub(crate) version_table: &'a str,
    pub(crate) lock_timeout: Duration,
    /// The run's time limits per statement; a file's header overrides.
    pub(crate) time_limits: TimeLimits,
    pub(crate) lock_mode: LockMode,
    pub(crate) lease: Duration,
    pub(crate) mode: TransactionMode,
    pub(crate) strict: bool,
    /// How many times a statement that timed out waiting for a lock is
    /// tried again.
    pub(crate) lock_retries: u32,
    pub(crate) progress: Option<&'a ProgressFn>,
}

impl Engine<'_> {
    fn emit(&self, p: Progress<'_>) {
        if let Some(f) = self.progress {
            f(&p);
        }
    }

    /// The time limits for `rev`: its header's, else the run's.
    fn limits(&self, rev: &Revision) -> TimeLimits {
        TimeLimits {
            lock: rev.file.lock_timeout.or(self.time_limits.lock),
            statement: rev.file.statement_timeout.or(self.time_limits.statement),
        }
    }

    /// Sets `rev`'s time limits (inside its transaction, or for the
    /// session), when it has any; returns whether there is something to
    /// reset after a migration outside a transaction.
    fn set_limits(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        rev: &Revision,
        in_transaction: bool,
    ) -> Result<bool> {
        let sql = backend.time_limits_sql(&self.limits(rev), in_transaction);
        for s in &sql {
            sink.exec(s, "setting the migration's time limits")?;
        }
        Ok(!sql.is_empty() && !in_transaction)
    }

    /// Undoes session-level time limits (best effort: the migration's own
    /// outcome is what is reported).
    fn reset_limits(&self, sink: &mut Sink<'_>, backend: &dyn Migrate, set: bool) {
        if set {
            for s in backend.reset_time_limits_sql() {
                let _ = sink.try_exec(&s);
            }
        }
    }

    /// The revision graph, built at first use.
    pub(crate) fn graph(&self) -> Result<&RevisionGraph> {
        self.graph.get()
    }

    fn version_table(&self, backend: &dyn Migrate) -> VersionTable {
        VersionTable::for_dialect(self.version_table, backend.dialect())
    }

    /// Runs `command` against `url` (or plans it, with `dry_run`).
    pub(crate) fn run(
        &self,
        url: &DatabaseUrl,
        command: Command,
        target: &str,
        dry_run: bool,
    ) -> Result<Report> {
        let backend = backend::of(url.dialect());
        let mode = if dry_run {
            OpenMode::ExistingOrEmpty
        } else {
            OpenMode::CreateMissing
        };
        let mut conn = backend.open(url, mode)?;
        let vt = self.version_table(backend);
        if dry_run {
            return self.dry(&mut conn, &vt, command, target);
        }
        backend.check_writable(&conn)?;
        let mut on_wait = |h: Option<&str>| self.emit(Progress::WaitingForLock { holder: h });
        let held = match self.lock_mode {
            LockMode::Session => Held::Session(backend.lock(
                &mut conn,
                self.version_table,
                self.lock_timeout,
                &mut on_wait,
            )?),
            LockMode::Table => {
                let mut lease = Lease::acquire(
                    &mut conn,
                    self.version_table,
                    self.lease,
                    self.lock_timeout,
                    &mut on_wait,
                )?;
                lease.keep_renewed(url);
                Held::Lease(lease)
            }
        };
        // Read the version table only now: what a runner we waited for
        // applied is no longer pending.
        let result = self.run_locked(&mut conn, backend, &vt, command, target, &held);
        let released = held.release(&mut conn, backend);
        let report = result?;
        released?;
        Ok(report)
    }

    fn dry(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        command: Command,
        target: &str,
    ) -> Result<Report> {
        let rows = vt.read(conn)?;
        let graph = self.graph()?;
        let applied = applied_set(&rows);
        let warnings = checksum_problems(graph, &rows);
        let work = plan(graph, &applied, command, target)?;
        Ok(Report {
            database: conn.describe(),
            command: command.name(),
            steps: work.dry_steps(graph, &applied),
            heads: graph.current_heads(&applied),
            warnings,
            notes: conn.notes(),
            dry_run: true,
        })
    }

    fn run_locked(
        &self,
        conn: &mut Connection,
        backend: &dyn Migrate,
        vt: &VersionTable,
        command: Command,
        target: &str,
        held: &Held,
    ) -> Result<Report> {
        vt.ensure(conn)?;
        let rows = vt.read_existing(conn)?;
        if let (Command::Upgrade, Some(embedded)) = (command, self.embedded) {
            if embedded.all_applied(backend.dialect(), target, &rows) {
                return Ok(Report {
                    database: conn.describe(),
                    command: command.name(),
                    steps: Vec::new(),
                    heads: embedded
                        .heads()
                        .unwrap_or_default()
                        .iter()
                        .map(|h| h.to_string())
                        .collect(),
                    warnings: Vec::new(),
                    notes: conn.notes(),
                    dry_run: false,
                });
            }
        }
        let graph = self.graph()?;
        let warnings = preflight(graph, vt.name(), &rows, command, self.strict)?;
        let applied = applied_set(&rows);
        let work = plan(graph, &applied, command, target)?;
        let steps = match &work {
            Work::Run { dir, revisions } => {
                self.apply(&mut Sink::Live(conn), backend, vt, revisions, *dir, held)?
            }
            Work::Stamp { to, rehash } => {
                let dirty: BTreeSet<String> = rows
                    .iter()
                    .filter(|r| r.dirty)
                    .map(|r| r.revision.clone())
                    .collect();
                self.stamp(conn, backend, vt, &applied, to, &dirty, *rehash, held)?;
                stamp_steps(graph, &applied, to)
            }
        };
        let warnings = if matches!(work, Work::Stamp { .. }) {
            let rows = vt.read_existing(conn)?;
            checksum_problems(graph, &rows)
        } else {
            warnings
        };
        Ok(Report {
            database: conn.describe(),
            command: command.name(),
            steps,
            heads: graph.current_heads(&work.applied_after(&applied)),
            warnings,
            notes: conn.notes(),
            dry_run: false,
        })
    }

    /// The applied heads, pending revisions and checksum problems. Never
    /// creates a missing SQLite file.
    pub(crate) fn status(&self, url: &DatabaseUrl) -> Result<Status> {
        let mut conn = Connection::open_existing_or_empty(url)?;
        let vt = self.version_table(backend::of(conn.dialect()));
        let rows = vt.read(&mut conn)?;
        let applied = applied_set(&rows);
        let graph = self.graph()?;
        let mut problems = checksum_problems(graph, &rows);
        for r in rows.iter().filter(|r| r.dirty) {
            problems.push(format!(
                "revision {} is dirty: {}",
                r.revision,
                r.dirty_reason.as_deref().unwrap_or("a previous run failed")
            ));
        }
        Ok(Status {
            database: conn.describe(),
            heads: graph.current_heads(&applied),
            file_heads: graph.heads(),
            pending: graph.pending(&applied),
            applied: rows,
            problems,
            notes: conn.notes(),
        })
    }

    /// Runs the `dir` sections of `plan` (revision ids of the graph) on
    /// `sink` with the backend's transaction strategy; returns a step per
    /// revision that ran.
    pub(crate) fn apply(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        vt: &VersionTable,
        plan: &[String],
        dir: Dir,
        held: &Held,
    ) -> Result<Vec<Step>> {
        let graph = self.graph()?;
        let revs: Vec<&Revision> = plan
            .iter()
            .map(|id| {
                graph
                    .get(id)
                    .expect("plans only name revisions of the graph")
            })
            .collect();
        let mut steps = Vec::new();
        if !backend.transactional_ddl() {
            // A finished migration's record, written together with the next
            // one's in-progress mark: one durable commit between two
            // migrations instead of two.
            let mut finished: Option<String> = None;
            for (i, rev) in revs.iter().enumerate() {
                if let Err(e) = held.keep(sink) {
                    if let Some(done) = finished.take() {
                        sink.exec(&done, "recording the revision in the version table")?;
                    }
                    return Err(e);
                }
                // A script keeps each record under its own migration's
                // header: it is read, and its speed does not matter.
                let last = i + 1 == revs.len() || sink.live().is_none();
                let (d, done) = self.apply_autocommit(
                    sink,
                    backend,
                    vt,
                    rev,
                    dir,
                    (i + 1, revs.len()),
                    finished.take(),
                    last,
                )?;
                finished = done;
                steps.push(step(rev, dir.action(), d));
            }
            return Ok(steps);
        }
        if self.mode == TransactionMode::All && !revs.is_empty() {
            if let Some(r) = revs.iter().find(|r| !r.file.transaction) {
                return Err(Error::Invalid(format!(
                    "revision {} ({}) has `transaction: false` and cannot run inside a single \
                     all-migrations transaction; use `--transaction per-migration`",
                    r.id(),
                    r.origin
                )));
            }
            held.keep(sink)?;
            return self.apply_all(sink, backend, vt, &revs, dir, held);
        }
        for (i, rev) in revs.iter().enumerate() {
            held.keep(sink)?;
            if let Some(d) = self.apply_one(sink, backend, vt, rev, dir, i + 1, revs.len(), held)? {
                steps.push(step(rev, dir.action(), d));
            }
        }
        Ok(steps)
    }

    /// One migration in its own transaction (unless its file says
    /// `transaction: false`). `None` when a concurrent runner got there
    /// first.
    #[allow(clippy::too_many_arguments)]
    fn apply_one(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        vt: &VersionTable,
        rev: &Revision,
        dir: Dir,
        index: usize,
        total: usize,
        held: &Held,
    ) -> Result<Option<Duration>> {
        sink.comment(&header(rev, dir));
        let started = Progress::Started {
            revision: rev.id(),
            message: &rev.file.message,
            index,
            total,
        };
        if !rev.file.transaction {
            held.check(sink, backend)?;
            self.emit(started);
            let start = Instant::now();
            let limited = self.set_limits(sink, backend, rev, false)?;
            let ran = self.run_statements(sink, backend, rev, dir, false);
            self.reset_limits(sink, backend, limited);
            if let Err(f) = ran {
                let note = backend.blockers(sink, &f.message);
                return Err(f.into_error(rev, false, note));
            }
            let elapsed = sink.elapsed(start);
            sink.exec(
                &record_sql(dir, vt, rev, elapsed),
                "recording the revision in the version table",
            )?;
            self.emit(finished(rev, elapsed, index, total));
            return Ok(Some(elapsed));
        }
        let restore = backend.before_transaction(sink)?;
        let result = (|| {
            let mut attempt = 0;
            let start = loop {
                backend.begin(sink)?;
                if let Err(e) = held.check(sink, backend) {
                    sink.rollback();
                    return Err(e);
                }
                if held.rechecks(backend) && vt.contains(sink, rev.id())? == Some(dir == Dir::Up) {
                    // A concurrent runner applied (or reverted) it while we waited.
                    sink.rollback();
                    self.emit(Progress::Skipped { revision: rev.id() });
                    return Ok(None);
                }
                if attempt == 0 {
                    self.emit(started);
                }
                let start = Instant::now();
                self.set_limits(sink, backend, rev, true)?;
                let Err(f) = self.run_statements(sink, backend, rev, dir, true) else {
                    break start;
                };
                sink.rollback();
                // A lock timeout changed nothing; the whole transaction
                // (now rolled back) is tried again, a bounded number of times.
                if attempt < self.lock_retries && backend.lock_timed_out(&f.message) {
                    attempt += 1;
                    let what = format!("the statement at {}:{}", rev.origin, f.line);
                    self.wait_to_retry(sink, rev, &what, attempt);
                    continue;
                }
                let note = backend.blockers(sink, &f.message);
                return Err(f.retried(attempt).into_error(rev, true, note));
            };
            let elapsed = sink.elapsed(start);
            let finish = (|| {
                backend.before_commit(sink, rev)?;
                sink.exec(
                    &record_sql(dir, vt, rev, elapsed),
                    "recording the revision in the version table",
                )?;
                sink.exec("COMMIT", &format!("committing revision {}", rev.id()))
            })();
            if let Err(e) = finish {
                sink.rollback();
                return Err(e);
            }
            self.emit(finished(rev, elapsed, index, total));
            Ok(Some(elapsed))
        })();
        backend.after_transaction(sink, restore);
        result
    }

    /// Every migration of the plan in one transaction.
    fn apply_all(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        vt: &VersionTable,
        revs: &[&Revision],
        dir: Dir,
        held: &Held,
    ) -> Result<Vec<Step>> {
        let restore = backend.before_transaction(sink)?;
        let result = (|| {
            backend.begin(sink)?;
            if let Err(e) = held.check(sink, backend) {
                sink.rollback();
                return Err(e);
            }
            // Inside the lock: drop what a concurrent runner did.
            let mut todo = Vec::new();
            for r in revs {
                if held.rechecks(backend) && vt.contains(sink, r.id())? == Some(dir == Dir::Up) {
                    self.emit(Progress::Skipped { revision: r.id() });
                } else {
                    todo.push(*r);
                }
            }
            let mut done = Vec::new();
            for (i, rev) in todo.iter().enumerate() {
                sink.comment(&header(rev, dir));
                self.emit(Progress::Started {
                    revision: rev.id(),
                    message: &rev.file.message,
                    index: i + 1,
                    total: todo.len(),
                });
                let start = Instant::now();
                if let Err(e) = self.set_limits(sink, backend, rev, true) {
                    sink.rollback();
                    return Err(e);
                }
                if let Err(f) = self.run_statements(sink, backend, rev, dir, true) {
                    sink.rollback();
                    let mut note = format!(
                        "all {} migration(s) of this run were rolled back (transaction mode `all`)",
                        todo.len()
                    );
                    if let Some(who) = backend.blockers(sink, &f.message) {
                        note = format!("{note}; {who}");
                    }
                    return Err(f.into_error(rev, true, Some(note)));
                }
                let elapsed = sink.elapsed(start);
                if let Err(e) = sink.exec(
                    &record_sql(dir, vt, rev, elapsed),
                    "recording the revision in the version table",
                ) {
                    sink.rollback();
                    return Err(e);
                }
                self.emit(finished(rev, elapsed, i + 1, todo.len()));
                done.push(step(rev, dir.action(), elapsed));
            }
            if let Some(last) = todo.last() {
                if let Err(e) = backend.before_commit(sink, last) {
                    sink.rollback();
                    return Err(e);
                }
            }
            if let Err(e) = sink.exec("COMMIT", "committing the migrations") {
                sink.rollback();
                return Err(e);
            }
            Ok(done)
        })();
        backend.after_transaction(sink, restore);
        result
    }

    /// Without transactional DDL: the row is written dirty first, so a crash
    /// half-way is visible to the next run too.
    ///
    /// `previous` is the record of the migration that ran just before,
    /// still to be written: it goes in the same transaction as this one's
    /// mark (each commit is a log flush, which on MySQL costs as much as a
    /// small DDL statement). Unless `last`, this migration's own record is
    /// returned for the next one to write; the window in which a crash
    /// leaves a finished migration marked dirty is the same as writing it
    /// at once.
    #[allow(clippy::too_many_arguments)]
    fn apply_autocommit(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        vt: &VersionTable,
        rev: &Revision,
        dir: Dir,
        (index, total): (usize, usize),
        previous: Option<String>,
        last: bool,
    ) -> Result<(Duration, Option<String>)> {
        sink.comment(&header(rev, dir));
        let sum = rev.file.checksum();
        let started = sink.in_progress_note(dir.verb());
        let mark = match dir {
            Dir::Up => vt.insert_dirty_sql(rev.id(), &sum, &started),
            Dir::Down => vt.set_dirty_reason_sql(rev.id(), &started),
        };
        match previous {
            None => sink.exec(&mark, "marking the revision in progress")?,
            Some(done) => {
                let together = (|| {
                    backend.begin(sink)?;
                    sink.exec(&done, "recording the revision in the version table")?;
                    sink.exec(&mark, "marking the revision in progress")?;
                    sink.exec("COMMIT", "committing the version table")
                })();
                if let Err(e) = together {
                    // The previous migration did finish: record that alone.
                    sink.rollback();
                    let _ = sink.try_exec(&done);
                    return Err(e);
                }
            }
        }
        self.emit(Progress::Started {
            revision: rev.id(),
            message: &rev.file.message,
            index,
            total,
        });
        let start = Instant::now();
        let limited = self.set_limits(sink, backend, rev, false)?;
        let ran = self.run_statements_marking(sink, backend, rev, dir, Some((vt, &started)), false);
        self.reset_limits(sink, backend, limited);
        if let Err(f) = ran {
            let blockers = backend.blockers(sink, &f.message);
            if f.applied.is_empty() {
                // Nothing took effect: undo the mark so a fixed file can run.
                let undo = match dir {
                    Dir::Up => vt.delete_sql(rev.id()),
                    Dir::Down => vt.mark_clean_sql(rev.id(), 0),
                };
                let _ = sink.try_exec(&undo);
                return Err(f.into_error(rev, false, blockers));
            }
            let lines: Vec<String> = f.applied.iter().map(|l| l.to_string()).collect();
            let account = format!(
                "{} failed at {}:{}: {}; statements at line(s) {} had already taken effect",
                dir.verb(),
                rev.origin,
                f.line,
                f.message,
                lines.join(", ")
            );
            let _ = sink.try_exec(&vt.set_dirty_reason_sql(rev.id(), &account));
            let hint = format!(
                "revision {} is now marked dirty in `{}`: undo or complete those statements by hand \
                 (or fix forward), then run `cargo schema stamp {}` (it took effect) or `cargo schema stamp {}` \
                 (it did not) and run the command again",
                rev.id(),
                vt.name(),
                rev.id(),
                rev.down_revisions().first().map(String::as_str).unwrap_or("base")
            );
            let hint = match blockers {
                Some(who) => format!("{who}; {hint}"),
                None => hint,
            };
            return Err(f.into_error(rev, false, Some(hint)));
        }
        let elapsed = sink.elapsed(start);
        let done = match dir {
            Dir::Up => vt.mark_clean_sql(rev.id(), elapsed.as_millis()),
            Dir::Down => vt.delete_sql(rev.id()),
        };
        if last {
            sink.exec(&done, "recording the revision in the version table")?;
        }
        self.emit(finished(rev, elapsed, index, total));
        Ok((elapsed, (!last).then_some(done)))
    }

    fn run_statements(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        rev: &Revision,
        dir: Dir,
        in_transaction: bool,
    ) -> std::result::Result<(), Failure> {
        self.run_statements_marking(sink, backend, rev, dir, None, in_transaction)
    }

    /// Tells the caller a statement of `rev` timed out waiting for a lock
    /// and will be tried again; waits a jittered, growing while first.
    fn wait_to_retry(&self, sink: &mut Sink<'_>, rev: &Revision, what: &str, attempt: u32) {
        let wait = retry_wait(attempt);
        self.emit(Progress::Notice {
            revision: rev.id(),
            message: &format!(
                "{what} timed out waiting for a lock; trying again in {} ms ({attempt} of {})",
                wait.as_millis(),
                self.lock_retries
            ),
        });
        if sink.live().is_some() {
            std::thread::sleep(wait);
        }
    }

    /// [`run_statements`](Self::run_statements); with `mark` (the version
    /// table and the in-progress note of a migration outside a
    /// transaction), the dirty row is brought up to date before each
    /// statement after the first: which took effect, and which was running
    /// (it may or may not have), so a process killed half-way leaves an
    /// exact account.
    fn run_statements_marking(
        &self,
        sink: &mut Sink<'_>,
        backend: &dyn Migrate,
        rev: &Revision,
        dir: Dir,
        mark: Option<(&VersionTable, &str)>,
        in_transaction: bool,
    ) -> std::result::Result<(), Failure> {
        let (sql, line) = dir.section(rev);
        let statements = split_statements_with(sql, line.max(1), backend.split_options());
        let mut applied = Vec::new();
        for (i, Statement { sql, line }) in statements.into_iter().enumerate() {
            if let (Some((vt, note)), true) = (mark, i > 0) {
                let lines: Vec<String> = applied.iter().map(ToString::to_string).collect();
                let account = format!(
                    "{note}; statements at line(s) {} of {} had taken effect, the one at line \
                     {line} was running",
                    lines.join(", "),
                    rev.origin
                );
                // Best effort: the migration's own statements matter more.
                let _ = sink.try_exec(&vt.set_dirty_reason_sql(rev.id(), &account));
            }
            let fail = |message: String, applied: Vec<usize>| Failure {
                line,
                statement: one_line(&sql),
                message,
                applied,
            };
            if !in_transaction {
                match backend.before_statement(sink, &sql) {
                    Ok(Some(done)) => self.emit(Progress::Notice {
                        revision: rev.id(),
                        message: &done,
                    }),
                    Ok(None) => {}
                    Err(e) => return Err(fail(e.to_string(), applied)),
                }
            }
            let mut attempt = 0;
            loop {
                match sink.statement(&sql) {
                    Ok(()) => break,
                    // Outside a transaction only this statement is tried
                    // again: those before it stand. (In one, the caller
                    // retries the whole transaction.)
                    Err(message)
                        if !in_transaction
                            && attempt < self.lock_retries
                            && backend.lock_timed_out(&message) =>
                    {
                        attempt += 1;
                        let what = format!("the statement at {}:{line}", rev.origin);
                        self.wait_to_retry(sink, rev, &what, attempt);
                    }
                    Err(message) => return Err(fail(message, applied).retried(attempt)),
                }
            }
            applied.push(line);
        }
        Ok(())
    }

    /// Makes the applied set `new` without running migration SQL.
    #[allow(clippy::too_many_arguments)]
    fn stamp(
        &self,
        conn: &mut Connection,
        backend: &dyn Migrate,
        vt: &VersionTable,
        applied: &BTreeSet<String>,
        new: &BTreeSet<String>,
        dirty: &BTreeSet<String>,
        rehash: bool,
        held: &Held,
    ) -> Result<()> {
        let graph = self.graph()?;
        let mut sql = Vec::new();
        // Stamping a dirty revision as applied declares it repaired.
        for r in new.intersection(dirty) {
            sql.push(vt.mark_clean_sql(r, 0));
        }
        for r in applied.difference(new) {
            sql.push(vt.delete_sql(r));
        }
        for r in new.difference(applied) {
            let sum = graph
                .get(r)
                .map(|r| r.file.checksum().into_owned())
                .unwrap_or_default();
            sql.push(vt.insert_sql(r, &sum, 0));
        }
        if rehash {
            for r in new.intersection(applied) {
                if let Some(rev) = graph.get(r) {
                    sql.push(vt.rehash_sql(r, &rev.file.checksum()));
                }
            }
        }
        if sql.is_empty() {
            return Ok(());
        }
        let sink = &mut Sink::Live(conn);
        let transactional = backend.transactional_ddl();
        held.keep(sink)?;
        if transactional {
            backend.begin(sink)?;
        }
        if let Err(e) = held.check(sink, backend) {
            if transactional {
                sink.rollback();
            }
            return Err(e);
        }
        for s in &sql {
            if let Err(e) = sink.try_exec(s) {
                if transactional {
                    sink.rollback();
                }
                return Err(sink.db_error("stamping the version table", &e));
            }
        }
        if transactional {
            sink.exec("COMMIT", "committing the stamp")?;
        }
        Ok(())
    }
}

/// A migration's header line in a script.
fn header(rev: &Revision, dir: Dir) -> String {
    format!(
        "{} {}: {} ({})",
        dir.verb(),
        rev.id(),
        rev.file.message,
        rev.origin
    )
}

fn finished(rev: &Revision, duration: Duration, index: usize, total: usize) -> Progress<'_> {
    Progress::Finished {
        revision: rev.id(),
        duration,
        index,
        total,
    }
}

/// A failed statement, before it becomes an [`Error::Migration`].
struct Failure {
    line: usize,
    statement: String,
    message: String,
    /// Lines of the statements that ran before it.
    applied: Vec<usize>,
}

impl Failure {
    /// The failure after `attempts` retries of a lock timeout, said so.
    fn retried(mut self, attempts: u32) -> Failure {
        if attempts > 0 {
            self.message = format!(
                "{} (still, after {attempts} retr{})",
                self.message,
                if attempts == 1 { "y" } else { "ies" }
            );
        }
        self
    }

    fn into_error(self, rev: &Revision, rolled_back: bool, hint: Option<String>) -> Error {
        Error::Migration(Box::new(MigrationFailure {
            revision: rev.id().to_string(),
            file: rev.origin.clone(),
            line: self.line,
            statement: self.statement,
            message: self.message,
            rolled_back,
            applied_statements: if rolled_back {
                Vec::new()
            } else {
                self.applied
            },
            hint,
        }))
    }
}

/// How long to wait before retry `attempt` (1-based) after a lock
/// timeout: 0.5 s, 1 s, 2 s, … (at most 32 s), each between half and
/// one and a half times that, so replicas that timed out together do not
/// queue for the lock together again.
fn retry_wait(attempt: u32) -> Duration {
    let base = 500u64 << attempt.saturating_sub(1).min(6);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()) ^ u64::from(std::process::id()))
        .unwrap_or(0);
    Duration::from_millis(base / 2 + seed % (base + 1))
}

/// The version-table change recording that `dir`'s section of `rev` ran.
fn record_sql(dir: Dir, vt: &VersionTable, rev: &Revision, elapsed: Duration) -> String {
    match dir {
        Dir::Up => vt.insert_sql(rev.id(), &rev.file.checksum(), elapsed.as_millis()),
        Dir::Down => vt.delete_sql(rev.id()),
    }
}
