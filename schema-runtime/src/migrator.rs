//! The apply engine: upgrade, downgrade, stamp, current, pending.
//!
//! Safety rules (SPEC §7):
//! - lock first (see [`crate::lock`]);
//! - SQLite and PostgreSQL: each migration and its version row commit in
//!   one transaction (one commit per migration), or every pending migration
//!   in one transaction with [`TransactionMode::All`];
//! - SQLite: foreign keys are switched off around a migration and
//!   `PRAGMA foreign_key_check` must pass before commit;
//! - MySQL/MariaDB: statements run one by one (DDL auto-commits); a failure
//!   half-way leaves the revision marked dirty with an account of what took
//!   effect, and the next run refuses until it is repaired.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use schema_core::migration::{
    checksum, split_statements_with, MigrationError, MigrationFile, Revision, RevisionGraph,
    SplitOptions, Statement,
};
use schema_core::ops::Op;
use schema_core::url::{Backend, DatabaseUrl};
use schema_core::{Schema, Table};

use crate::conn::{Connection, OpenMode};
use crate::embed::EmbeddedMigrations;
use crate::error::{db_message, one_line, Error, MigrationFailure, Result};
use crate::introspect::{introspect, IntrospectOptions};
use crate::lock::{self, DEFAULT_LOCK_TIMEOUT};
use crate::version::{AppliedRevision, VersionTable, DEFAULT_VERSION_TABLE};

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

type ProgressFn = dyn Fn(&Progress<'_>) + Send + Sync;

/// Applies a set of migrations to databases.
///
/// ```no_run
/// static MIGRATIONS: schema_runtime::EmbeddedMigrations =
///     schema_runtime::embed_migrations!("tests/fixtures/migrations");
///
/// # fn main() -> Result<(), schema_runtime::Error> {
/// let report = schema_runtime::Migrator::new(&MIGRATIONS).upgrade("sqlite://app.db")?;
/// println!("{report}");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Migrator {
    graph: Arc<std::result::Result<RevisionGraph, MigrationError>>,
    version_table: String,
    lock_timeout: Duration,
    transaction_mode: TransactionMode,
    strict: bool,
    dry_run: bool,
    progress: Option<Arc<ProgressFn>>,
}

impl fmt::Debug for Migrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migrator")
            .field("revisions", &self.graph.as_ref().as_ref().map(|g| g.len()))
            .field("version_table", &self.version_table)
            .field("lock_timeout", &self.lock_timeout)
            .field("transaction_mode", &self.transaction_mode)
            .field("strict", &self.strict)
            .field("dry_run", &self.dry_run)
            .finish()
    }
}

impl Migrator {
    /// A migrator over embedded migrations. A malformed file is reported by
    /// the first command run (`embed_migrations!` already rejects them at
    /// compile time).
    pub fn new(migrations: &'static EmbeddedMigrations) -> Migrator {
        let files = migrations
            .files()
            .iter()
            .map(|f| (f.path.to_string(), f.contents))
            .collect::<Vec<_>>();
        Migrator::from_texts(files.iter().map(|(p, c)| (p.clone(), *c)))
    }

    /// A migrator over the `*.sql` files of a directory.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrator> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "sql") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let mut texts = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            texts.push((path.display().to_string(), text));
        }
        Ok(Migrator::from_texts(
            texts.iter().map(|(p, t)| (p.clone(), t.as_str())),
        ))
    }

    /// A migrator over `(origin, text)` pairs (origin = file name for
    /// messages).
    pub fn from_texts<'a>(files: impl IntoIterator<Item = (String, &'a str)>) -> Migrator {
        let graph = (|| {
            let mut parsed = Vec::new();
            for (origin, text) in files {
                let file = MigrationFile::parse(text, &origin)?;
                parsed.push((origin, file));
            }
            RevisionGraph::new(parsed)
        })();
        Migrator {
            graph: Arc::new(graph),
            version_table: DEFAULT_VERSION_TABLE.to_string(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            transaction_mode: TransactionMode::default(),
            strict: false,
            dry_run: false,
            progress: None,
        }
    }

    /// Uses another version table (default `schema_revisions`).
    pub fn version_table(mut self, name: &str) -> Migrator {
        self.version_table = name.to_string();
        self
    }

    /// How long to wait for another migrator (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Migrator {
        self.lock_timeout = timeout;
        self
    }

    /// Per-migration transactions (default) or one for all.
    pub fn transaction_mode(mut self, mode: TransactionMode) -> Migrator {
        self.transaction_mode = mode;
        self
    }

    /// Makes checksum problems errors instead of warnings.
    pub fn strict(mut self, strict: bool) -> Migrator {
        self.strict = strict;
        self
    }

    /// Plans without changing anything: `upgrade`/`downgrade`/`stamp` return
    /// what they would do, and a missing SQLite file is not created.
    pub fn dry_run(mut self, dry_run: bool) -> Migrator {
        self.dry_run = dry_run;
        self
    }

    /// Calls `f` for each progress event (lock waits, each migration).
    pub fn on_progress(mut self, f: impl Fn(&Progress<'_>) + Send + Sync + 'static) -> Migrator {
        self.progress = Some(Arc::new(f));
        self
    }

    /// The revision graph of the migration files.
    pub fn graph(&self) -> Result<&RevisionGraph> {
        self.graph
            .as_ref()
            .as_ref()
            .map_err(|e| Error::Migrations(e.clone()))
    }

    fn emit(&self, p: Progress<'_>) {
        if let Some(f) = &self.progress {
            f(&p);
        }
    }

    // ---- commands ---------------------------------------------------------

    /// Applies every pending migration up to `head`.
    pub fn upgrade(&self, url: &str) -> Result<Report> {
        self.upgrade_to(url, "head")
    }

    /// Applies every pending ancestor-or-self of `target`.
    pub fn upgrade_to(&self, url: &str, target: &str) -> Result<Report> {
        let url = DatabaseUrl::parse(url)?;
        self.run(&url, Command::Upgrade, target)
    }

    /// Reverts every applied revision that is not an ancestor-or-self of
    /// `target` (`base` reverts everything, `-1` the last one).
    pub fn downgrade(&self, url: &str, target: &str) -> Result<Report> {
        let url = DatabaseUrl::parse(url)?;
        self.run(&url, Command::Downgrade, target)
    }

    /// Makes the applied set exactly the ancestors-or-self of `target`
    /// without running SQL. With `rehash`, the recorded checksums of those
    /// revisions are replaced by the files' current ones (accepting
    /// deliberate edits).
    pub fn stamp(&self, url: &str, target: &str, rehash: bool) -> Result<Report> {
        let url = DatabaseUrl::parse(url)?;
        self.run(&url, Command::Stamp { rehash }, target)
    }

    /// The applied heads, pending revisions and checksum problems. Never
    /// creates a missing SQLite file.
    pub fn current(&self, url: &str) -> Result<Status> {
        let url = DatabaseUrl::parse(url)?;
        let graph = self.graph()?;
        let mut conn = Connection::open_existing_or_empty(&url)?;
        let vt = VersionTable::new(&self.version_table, conn.backend());
        let rows = vt.read(&mut conn)?;
        let applied = applied_set(&rows);
        let mut problems = self.checksum_problems(graph, &rows);
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

    /// Compares the models with the live database (drift check, e.g. at
    /// start-up after `upgrade`). Only the tables the models name (and their
    /// `renamed_from` names) are compared, so tables the application does
    /// not model are not reported; the version table is never compared.
    /// Never creates a missing SQLite file.
    pub fn check_models(&self, url: &str, models: &[&Table]) -> Result<Drift> {
        let url = DatabaseUrl::parse(url)?;
        let mut conn = Connection::open_existing_or_empty(&url)?;
        let options = IntrospectOptions {
            version_table: self.version_table.clone(),
            ignore_tables: Vec::new(),
        };
        let live = introspect(&mut conn, &options)?;
        let wanted: BTreeSet<&str> = models
            .iter()
            .flat_map(|t| std::iter::once(t.name.as_str()).chain(t.renamed_from.as_deref()))
            .collect();
        let live = Schema::new(
            live.tables
                .into_iter()
                .filter(|t| wanted.contains(t.name.as_str()))
                .collect(),
        );
        let models = Schema::new(models.iter().map(|t| (*t).clone()).collect());
        let dialect = conn.dialect();
        let ops = schema_core::diff::diff(&live, &models, dialect);
        let rendered = dialect.render_migration(&ops);
        Ok(Drift {
            database: conn.describe(),
            ops,
            summary: rendered.summary,
            sql: rendered.up,
            notes: conn.notes(),
        })
    }

    /// Revisions not applied yet, in the order `upgrade heads` applies them.
    pub fn pending(&self, url: &str) -> Result<Vec<String>> {
        Ok(self.current(url)?.pending)
    }

    /// The SQL `upgrade` would run from `from` (`None` = an empty database)
    /// to `target`, without connecting: version-table DDL, each migration in
    /// its transaction, and the version rows.
    pub fn sql_upgrade(
        &self,
        backend: Backend,
        from: Option<&str>,
        target: &str,
    ) -> Result<String> {
        let graph = self.graph()?;
        let applied = match from {
            Some(f) => graph.stamp_set(&BTreeSet::new(), f)?,
            None => BTreeSet::new(),
        };
        let plan = graph.plan_upgrade(&applied, target)?;
        Ok(self.render_sql(backend, graph, &plan, Dir::Up))
    }

    /// The SQL `downgrade` would run from `from` (the revision the database
    /// is at) to `target`, without connecting.
    pub fn sql_downgrade(&self, backend: Backend, from: &str, target: &str) -> Result<String> {
        let graph = self.graph()?;
        let applied = graph.stamp_set(&BTreeSet::new(), from)?;
        let plan = graph.plan_downgrade(&applied, target)?;
        Ok(self.render_sql(backend, graph, &plan, Dir::Down))
    }

    // ---- engine -----------------------------------------------------------

    fn run(&self, url: &DatabaseUrl, command: Command, target: &str) -> Result<Report> {
        let graph = self.graph()?;
        let mode = if self.dry_run {
            OpenMode::ExistingOrEmpty
        } else {
            OpenMode::CreateMissing
        };
        let mut conn = Connection::open(url, mode)?;
        if conn.backend() == Backend::Sqlite && url.sqlite_read_only() && !self.dry_run {
            return Err(Error::Invalid(format!(
                "{} is opened read-only (mode=ro/immutable); remove that option to migrate it",
                conn.describe()
            )));
        }
        let vt = VersionTable::new(&self.version_table, conn.backend());
        if self.dry_run {
            return self.dry(&mut conn, &vt, graph, command, target);
        }
        let held = lock::acquire(
            &mut conn,
            &self.version_table,
            self.lock_timeout,
            &mut |h| self.emit(Progress::WaitingForLock { holder: h }),
        )?;
        let result = self.run_locked(&mut conn, &vt, graph, command, target);
        let released = held.release(&mut conn);
        let report = result?;
        released?;
        Ok(report)
    }

    fn dry(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        graph: &RevisionGraph,
        command: Command,
        target: &str,
    ) -> Result<Report> {
        let rows = vt.read(conn)?;
        let applied = applied_set(&rows);
        let warnings = self.checksum_problems(graph, &rows);
        let steps = match command {
            Command::Upgrade => steps_for(
                graph,
                &graph.plan_upgrade(&applied, target)?,
                Action::WouldUpgrade,
            ),
            Command::Downgrade => steps_for(
                graph,
                &graph.plan_downgrade(&applied, target)?,
                Action::WouldDowngrade,
            ),
            Command::Stamp { .. } => {
                let new = graph.stamp_set(&applied, target)?;
                stamp_steps(graph, &applied, &new)
            }
        };
        Ok(Report {
            database: conn.describe(),
            command: command.name(),
            steps,
            heads: graph.current_heads(&applied),
            warnings,
            notes: conn.notes(),
            dry_run: true,
        })
    }

    fn run_locked(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        graph: &RevisionGraph,
        command: Command,
        target: &str,
    ) -> Result<Report> {
        vt.ensure(conn)?;
        let rows = vt.read_existing(conn)?;
        // `stamp` is the way out of a dirty state, so it alone proceeds.
        let stamping = matches!(command, Command::Stamp { .. });
        if let Some(d) = rows.iter().find(|r| r.dirty && !stamping) {
            return Err(Error::Dirty {
                revision: d.revision.clone(),
                file: graph
                    .get(&d.revision)
                    .map(|r| r.origin.clone())
                    .unwrap_or_else(|| "no file defines it".to_string()),
                version_table: vt.name().to_string(),
                message: d
                    .dirty_reason
                    .clone()
                    .unwrap_or_else(|| "no account recorded".to_string()),
            });
        }
        let warnings = self.checksum_problems(graph, &rows);
        if self.strict && !warnings.is_empty() && !matches!(command, Command::Stamp { .. }) {
            return Err(Error::Checksum { problems: warnings });
        }
        let applied = applied_set(&rows);
        let mut steps = Vec::new();
        let applied_after = match command {
            Command::Upgrade => {
                let plan = graph.plan_upgrade(&applied, target)?;
                self.apply_plan(conn, vt, graph, &plan, Dir::Up, &mut steps)?;
                let mut after = applied.clone();
                after.extend(plan);
                after
            }
            Command::Downgrade => {
                let plan = graph.plan_downgrade(&applied, target)?;
                self.apply_plan(conn, vt, graph, &plan, Dir::Down, &mut steps)?;
                let mut after = applied.clone();
                for r in &plan {
                    after.remove(r);
                }
                after
            }
            Command::Stamp { rehash } => {
                let new = graph.stamp_set(&applied, target)?;
                let dirty: BTreeSet<String> = rows
                    .iter()
                    .filter(|r| r.dirty)
                    .map(|r| r.revision.clone())
                    .collect();
                self.stamp_locked(conn, vt, graph, &applied, &new, &dirty, rehash)?;
                steps = stamp_steps(graph, &applied, &new);
                new
            }
        };
        let warnings = if matches!(command, Command::Stamp { .. }) {
            let rows = vt.read_existing(conn)?;
            self.checksum_problems(graph, &rows)
        } else {
            warnings
        };
        Ok(Report {
            database: conn.describe(),
            command: command.name(),
            steps,
            heads: graph.current_heads(&applied_after),
            warnings,
            notes: conn.notes(),
            dry_run: false,
        })
    }

    fn apply_plan(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        graph: &RevisionGraph,
        plan: &[String],
        dir: Dir,
        steps: &mut Vec<Step>,
    ) -> Result<()> {
        if plan.is_empty() {
            return Ok(());
        }
        let revs: Vec<&Revision> = plan
            .iter()
            .map(|id| {
                graph
                    .get(id)
                    .expect("plans only name revisions of the graph")
            })
            .collect();
        let backend = conn.backend();
        if backend == Backend::Mysql {
            for (i, rev) in revs.iter().enumerate() {
                let d = self.apply_mysql(conn, vt, rev, dir, i + 1, revs.len())?;
                steps.push(step(rev, dir.action(), d));
            }
            return Ok(());
        }
        if self.transaction_mode == TransactionMode::All {
            if let Some(r) = revs.iter().find(|r| !r.file.transaction) {
                return Err(Error::Invalid(format!(
                    "revision {} ({}) has `transaction: false` and cannot run inside a single \
                     all-migrations transaction; use `--transaction per-migration`",
                    r.id(),
                    r.origin
                )));
            }
            return self.apply_all(conn, vt, &revs, dir, steps);
        }
        for (i, rev) in revs.iter().enumerate() {
            if let Some(d) = self.apply_one(conn, vt, rev, dir, i + 1, revs.len())? {
                steps.push(step(rev, dir.action(), d));
            }
        }
        Ok(())
    }

    /// One migration in its own transaction (SQLite, PostgreSQL). `None`
    /// when a concurrent SQLite runner got there first.
    fn apply_one(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        rev: &Revision,
        dir: Dir,
        index: usize,
        total: usize,
    ) -> Result<Option<Duration>> {
        let sqlite = conn.backend() == Backend::Sqlite;
        if !rev.file.transaction {
            self.emit(Progress::Started {
                revision: rev.id(),
                message: &rev.file.message,
                index,
                total,
            });
            let start = Instant::now();
            self.run_statements(conn, rev, dir)
                .map_err(|f| f.into_error(rev, false, None))?;
            let elapsed = start.elapsed();
            conn.batch(&dir.version_sql(vt, rev, elapsed))
                .map_err(|e| conn.db_error("recording the revision in the version table", &e))?;
            self.emit(Progress::Finished {
                revision: rev.id(),
                duration: elapsed,
                index,
                total,
            });
            return Ok(Some(elapsed));
        }
        let fk_was_on = if sqlite { sqlite_fk_off(conn)? } else { false };
        let result = (|| {
            begin(conn)?;
            if sqlite && vt.contains(conn, rev.id())? != (dir == Dir::Down) {
                // A concurrent runner applied (or reverted) it while we waited.
                rollback(conn);
                self.emit(Progress::Skipped { revision: rev.id() });
                return Ok(None);
            }
            self.emit(Progress::Started {
                revision: rev.id(),
                message: &rev.file.message,
                index,
                total,
            });
            let start = Instant::now();
            if let Err(f) = self.run_statements(conn, rev, dir) {
                rollback(conn);
                return Err(f.into_error(rev, true, None));
            }
            let elapsed = start.elapsed();
            let finish = (|| {
                if sqlite {
                    foreign_key_check(conn, rev)?;
                }
                conn.batch(&dir.version_sql(vt, rev, elapsed))
                    .map_err(|e| {
                        conn.db_error("recording the revision in the version table", &e)
                    })?;
                conn.batch("COMMIT")
                    .map_err(|e| conn.db_error(&format!("committing revision {}", rev.id()), &e))
            })();
            if let Err(e) = finish {
                rollback(conn);
                return Err(e);
            }
            self.emit(Progress::Finished {
                revision: rev.id(),
                duration: elapsed,
                index,
                total,
            });
            Ok(Some(elapsed))
        })();
        if fk_was_on {
            let _ = conn.batch("PRAGMA foreign_keys = ON");
        }
        result
    }

    /// Every migration of the plan in one transaction.
    fn apply_all(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        revs: &[&Revision],
        dir: Dir,
        steps: &mut Vec<Step>,
    ) -> Result<()> {
        let sqlite = conn.backend() == Backend::Sqlite;
        let fk_was_on = if sqlite { sqlite_fk_off(conn)? } else { false };
        let result = (|| {
            begin(conn)?;
            // Inside the write lock: drop what a concurrent runner did.
            let todo: Vec<&Revision> = if sqlite {
                let mut todo = Vec::new();
                for r in revs {
                    if vt.contains(conn, r.id())? == (dir == Dir::Down) {
                        todo.push(*r);
                    } else {
                        self.emit(Progress::Skipped { revision: r.id() });
                    }
                }
                todo
            } else {
                revs.to_vec()
            };
            let mut done = Vec::new();
            for (i, rev) in todo.iter().enumerate() {
                self.emit(Progress::Started {
                    revision: rev.id(),
                    message: &rev.file.message,
                    index: i + 1,
                    total: todo.len(),
                });
                let start = Instant::now();
                if let Err(f) = self.run_statements(conn, rev, dir) {
                    rollback(conn);
                    let note = format!(
                        "all {} migration(s) of this run were rolled back (transaction mode `all`)",
                        todo.len()
                    );
                    return Err(f.into_error(rev, true, Some(note)));
                }
                let elapsed = start.elapsed();
                if let Err(e) = conn.batch(&dir.version_sql(vt, rev, elapsed)) {
                    rollback(conn);
                    return Err(conn.db_error("recording the revision in the version table", &e));
                }
                self.emit(Progress::Finished {
                    revision: rev.id(),
                    duration: elapsed,
                    index: i + 1,
                    total: todo.len(),
                });
                done.push(step(rev, dir.action(), elapsed));
            }
            if sqlite {
                if let Some(last) = todo.last() {
                    if let Err(e) = foreign_key_check(conn, last) {
                        rollback(conn);
                        return Err(e);
                    }
                }
            }
            if let Err(e) = conn.batch("COMMIT") {
                rollback(conn);
                return Err(conn.db_error("committing the migrations", &e));
            }
            Ok(done)
        })();
        if fk_was_on {
            let _ = conn.batch("PRAGMA foreign_keys = ON");
        }
        steps.extend(result?);
        Ok(())
    }

    /// MySQL/MariaDB: no transactional DDL. The row is written dirty first,
    /// so a crash half-way is visible to the next run too.
    fn apply_mysql(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        rev: &Revision,
        dir: Dir,
        index: usize,
        total: usize,
    ) -> Result<Duration> {
        let sum = checksum(&rev.file.up);
        let started = format!(
            "{} started at {} and did not finish (the process may have been killed)",
            dir.verb(),
            chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
        );
        let mark = match dir {
            Dir::Up => vt.insert_dirty_sql(rev.id(), &sum, &started),
            Dir::Down => vt.set_dirty_reason_sql(rev.id(), &started),
        };
        conn.batch(&mark)
            .map_err(|e| conn.db_error("marking the revision in progress", &e))?;
        self.emit(Progress::Started {
            revision: rev.id(),
            message: &rev.file.message,
            index,
            total,
        });
        let start = Instant::now();
        if let Err(f) = self.run_statements(conn, rev, dir) {
            if f.applied.is_empty() {
                // Nothing took effect: undo the mark so a fixed file can run.
                let undo = match dir {
                    Dir::Up => vt.delete_sql(rev.id()),
                    Dir::Down => vt.mark_clean_sql(rev.id(), 0),
                };
                let _ = conn.batch(&undo);
                return Err(f.into_error(rev, false, None));
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
            let _ = conn.batch(&vt.set_dirty_reason_sql(rev.id(), &account));
            let hint = format!(
                "revision {} is now marked dirty in `{}`: undo or complete those statements by hand \
                 (or fix forward), then run `cargo schema stamp {}` (it took effect) or `cargo schema stamp {}` \
                 (it did not) and run the command again",
                rev.id(),
                vt.name(),
                rev.id(),
                rev.down_revisions().first().map(String::as_str).unwrap_or("base")
            );
            return Err(f.into_error(rev, false, Some(hint)));
        }
        let elapsed = start.elapsed();
        let done = match dir {
            Dir::Up => vt.mark_clean_sql(rev.id(), elapsed.as_millis()),
            Dir::Down => vt.delete_sql(rev.id()),
        };
        conn.batch(&done)
            .map_err(|e| conn.db_error("recording the revision in the version table", &e))?;
        self.emit(Progress::Finished {
            revision: rev.id(),
            duration: elapsed,
            index,
            total,
        });
        Ok(elapsed)
    }

    fn run_statements(
        &self,
        conn: &mut Connection,
        rev: &Revision,
        dir: Dir,
    ) -> std::result::Result<(), Failure> {
        let (sql, line) = match dir {
            Dir::Up => (&rev.file.up, rev.file.up_line),
            Dir::Down => (&rev.file.down, rev.file.down_line),
        };
        let mut applied = Vec::new();
        for Statement { sql, line } in statements(conn.backend(), sql, line) {
            if let Err(e) = conn.batch(&sql) {
                return Err(Failure {
                    line,
                    statement: one_line(&sql),
                    message: db_message(&e),
                    applied,
                });
            }
            applied.push(line);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn stamp_locked(
        &self,
        conn: &mut Connection,
        vt: &VersionTable,
        graph: &RevisionGraph,
        applied: &BTreeSet<String>,
        new: &BTreeSet<String>,
        dirty: &BTreeSet<String>,
        rehash: bool,
    ) -> Result<()> {
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
                .map(|r| checksum(&r.file.up))
                .unwrap_or_default();
            sql.push(vt.insert_sql(r, &sum, 0));
        }
        if rehash {
            for r in new.intersection(applied) {
                if let Some(rev) = graph.get(r) {
                    sql.push(vt.rehash_sql(r, &checksum(&rev.file.up)));
                }
            }
        }
        if sql.is_empty() {
            return Ok(());
        }
        let transactional = conn.backend() != Backend::Mysql;
        if transactional {
            begin(conn)?;
        }
        for s in &sql {
            if let Err(e) = conn.batch(s) {
                if transactional {
                    rollback(conn);
                }
                return Err(conn.db_error("stamping the version table", &e));
            }
        }
        if transactional {
            conn.batch("COMMIT")
                .map_err(|e| conn.db_error("committing the stamp", &e))?;
        }
        Ok(())
    }

    fn checksum_problems(&self, graph: &RevisionGraph, rows: &[AppliedRevision]) -> Vec<String> {
        let mut out = Vec::new();
        for row in rows {
            match graph.get(&row.revision) {
                None => out.push(format!(
                    "revision {} is recorded as applied but no migration file defines it",
                    row.revision
                )),
                Some(rev) => {
                    let now = checksum(&rev.file.up);
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

    fn render_sql(
        &self,
        backend: Backend,
        graph: &RevisionGraph,
        plan: &[String],
        dir: Dir,
    ) -> String {
        let vt = VersionTable::new(&self.version_table, backend);
        let mut out = String::new();
        out.push_str(&format!("-- cargo-schema {} ({backend})\n\n", dir.verb()));
        out.push_str(&vt.create_sql());
        out.push_str(";\n");
        let transactional = backend != Backend::Mysql;
        let all = transactional && self.transaction_mode == TransactionMode::All;
        if backend == Backend::Sqlite {
            out.push_str("PRAGMA foreign_keys = OFF;\n");
        }
        if all {
            out.push_str(begin_sql(backend));
            out.push_str(";\n");
        }
        for id in plan {
            let rev = graph
                .get(id)
                .expect("plans only name revisions of the graph");
            let (sql, line) = match dir {
                Dir::Up => (&rev.file.up, rev.file.up_line),
                Dir::Down => (&rev.file.down, rev.file.down_line),
            };
            out.push_str(&format!(
                "\n-- {} {}: {} ({})\n",
                dir.verb(),
                rev.id(),
                rev.file.message,
                rev.origin
            ));
            let own_tx = transactional && !all && rev.file.transaction;
            if own_tx {
                out.push_str(begin_sql(backend));
                out.push_str(";\n");
            }
            for s in statements(backend, sql, line) {
                out.push_str(&s.sql);
                out.push_str(";\n");
            }
            out.push_str(&dir.version_sql(&vt, rev, Duration::ZERO));
            out.push_str(";\n");
            if own_tx {
                if backend == Backend::Sqlite {
                    out.push_str("PRAGMA foreign_key_check;\n");
                }
                out.push_str("COMMIT;\n");
            }
        }
        if all {
            if backend == Backend::Sqlite {
                out.push_str("PRAGMA foreign_key_check;\n");
            }
            out.push_str("COMMIT;\n");
        }
        out
    }
}

#[cfg(feature = "tokio")]
impl Migrator {
    /// [`Migrator::upgrade`] on tokio's blocking thread pool, for code that is
    /// already async. (Calling `upgrade` directly from async code is also
    /// safe; it just blocks the calling task's thread.)
    pub async fn upgrade_async(&self, url: &str) -> Result<Report> {
        let m = self.clone();
        let url = url.to_string();
        tokio::task::spawn_blocking(move || m.upgrade(&url))
            .await
            .map_err(|e| Error::Invalid(format!("the migration task did not complete: {e}")))?
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Upgrade,
    Downgrade,
    Stamp { rehash: bool },
}

impl Command {
    fn name(self) -> &'static str {
        match self {
            Command::Upgrade => "upgrade",
            Command::Downgrade => "downgrade",
            Command::Stamp { .. } => "stamp",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Up,
    Down,
}

impl Dir {
    fn action(self) -> Action {
        match self {
            Dir::Up => Action::Upgraded,
            Dir::Down => Action::Downgraded,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Dir::Up => "upgrade",
            Dir::Down => "downgrade",
        }
    }

    fn version_sql(self, vt: &VersionTable, rev: &Revision, elapsed: Duration) -> String {
        match self {
            Dir::Up => vt.insert_sql(rev.id(), &checksum(&rev.file.up), elapsed.as_millis()),
            Dir::Down => vt.delete_sql(rev.id()),
        }
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

fn statements(backend: Backend, sql: &str, first_line: usize) -> Vec<Statement> {
    split_statements_with(
        sql,
        first_line.max(1),
        SplitOptions {
            backslash_escapes: backend == Backend::Mysql,
        },
    )
}

fn begin_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        _ => "BEGIN",
    }
}

fn begin(conn: &mut Connection) -> Result<()> {
    conn.batch(begin_sql(conn.backend())).map_err(|e| {
        let message = db_message(&e);
        if conn.backend() == Backend::Sqlite && message.contains("locked") {
            Error::LockTimeout {
                database: conn.describe(),
                waited: Duration::ZERO,
                holder: None,
            }
        } else {
            conn.db_error("starting a transaction", &e)
        }
    })
}

fn rollback(conn: &mut Connection) {
    // The original error is what matters; a failed rollback (e.g. the
    // connection dropped) leaves the transaction to the server to abort.
    let _ = conn.batch("ROLLBACK");
}

/// Switches SQLite foreign-key enforcement off (it cannot change inside a
/// transaction); returns whether it was on.
fn sqlite_fk_off(conn: &mut Connection) -> Result<bool> {
    #[derive(diesel::QueryableByName)]
    struct Fk {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        foreign_keys: i32,
    }
    let rows: Vec<Fk> = conn
        .load("PRAGMA foreign_keys")
        .map_err(|e| conn.db_error("reading PRAGMA foreign_keys", &e))?;
    let on = rows.first().is_some_and(|r| r.foreign_keys != 0);
    if on {
        conn.batch("PRAGMA foreign_keys = OFF")
            .map_err(|e| conn.db_error("switching foreign keys off", &e))?;
    }
    Ok(on)
}

fn foreign_key_check(conn: &mut Connection, rev: &Revision) -> Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Violation {
        #[diesel(sql_type = diesel::sql_types::Text)]
        tbl: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        row_id: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Text)]
        parent: String,
    }
    let rows: Vec<Violation> = conn
        .load(
            "SELECT \"table\" AS tbl, CAST(rowid AS TEXT) AS row_id, parent \
             FROM pragma_foreign_key_check LIMIT 20",
        )
        .map_err(|e| conn.db_error("running PRAGMA foreign_key_check", &e))?;
    if rows.is_empty() {
        return Ok(());
    }
    Err(Error::ForeignKeyViolation {
        revision: rev.id().to_string(),
        file: rev.origin.clone(),
        violations: rows
            .into_iter()
            .map(|v| {
                format!(
                    "{} row {} references a missing row of {}",
                    v.tbl,
                    v.row_id.as_deref().unwrap_or("?"),
                    v.parent
                )
            })
            .collect(),
    })
}

fn applied_set(rows: &[AppliedRevision]) -> BTreeSet<String> {
    rows.iter().map(|r| r.revision.clone()).collect()
}

fn step(rev: &Revision, action: Action, duration: Duration) -> Step {
    Step {
        revision: rev.id().to_string(),
        message: rev.file.message.clone(),
        file: rev.origin.clone(),
        action,
        duration,
    }
}

fn steps_for(graph: &RevisionGraph, plan: &[String], action: Action) -> Vec<Step> {
    plan.iter()
        .filter_map(|id| graph.get(id))
        .map(|r| step(r, action, Duration::ZERO))
        .collect()
}

fn stamp_steps(graph: &RevisionGraph, old: &BTreeSet<String>, new: &BTreeSet<String>) -> Vec<Step> {
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
