//! [`Migrator`]: the public face of the apply engine — upgrade, downgrade,
//! stamp, current, pending, the models drift check and the offline `--sql`
//! scripts.
//!
//! The work happens in `engine` (planning and the loop over the
//! backend hooks), `script` (the offline renderer, through the same
//! loop) and [`crate::compare`]; the results are the types of
//! [`crate::report`], re-exported here.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use schema_core::dialect::Dialect;
use schema_core::migration::{MigrationError, MigrationFile, RevisionGraph};
use schema_core::url::Backend;
use schema_core::{Schema, Table};

use crate::backend::TimeLimits;
use crate::compare::{compare_models, CompareOptions};
use crate::conn::{AsDatabaseUrl, Connection};
use crate::embed::{EmbeddedFile, EmbeddedMigrations};
use crate::engine::graph::RunGraph;
use crate::engine::plan::Command;
use crate::engine::{Engine, ProgressFn};
use crate::error::{Error, Result};
use crate::files::sql_files;
use crate::introspect::IntrospectOptions;
use crate::lock::{DEFAULT_LEASE, DEFAULT_LOCK_TIMEOUT};
use crate::script;
use crate::version::DEFAULT_VERSION_TABLE;

pub use crate::engine::TransactionMode;

/// How many times a statement that timed out waiting for a lock is tried
/// again by default ([`Migrator::lock_retries`]).
pub const DEFAULT_LOCK_RETRIES: u32 = 3;
pub use crate::lock::LockMode;
pub use crate::report::{Action, Drift, Progress, Report, Status, Step};

/// Applies a set of migrations to databases.
///
/// Every command takes the database as anything [`AsDatabaseUrl`]: URL text
/// (parsed once) or an already parsed [`DatabaseUrl`](crate::DatabaseUrl).
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
    /// The revision graph, or the error reading the files; for embedded
    /// migrations built at the first command that needs it.
    graph: Arc<OnceLock<std::result::Result<RevisionGraph, MigrationError>>>,
    embedded: Option<&'static EmbeddedMigrations>,
    version_table: String,
    lock_timeout: Duration,
    time_limits: TimeLimits,
    lock_mode: LockMode,
    lease: Duration,
    transaction_mode: TransactionMode,
    strict: bool,
    dry_run: bool,
    lock_retries: u32,
    progress: Option<Arc<ProgressFn>>,
}

impl fmt::Debug for Migrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migrator")
            .field("revisions", &self.revision_count())
            .field("version_table", &self.version_table)
            .field("lock_timeout", &self.lock_timeout)
            .field("time_limits", &self.time_limits)
            .field("lock_mode", &self.lock_mode)
            .field("lease", &self.lease)
            .field("transaction_mode", &self.transaction_mode)
            .field("strict", &self.strict)
            .field("dry_run", &self.dry_run)
            .field("lock_retries", &self.lock_retries)
            .finish()
    }
}

impl Migrator {
    /// A migrator over embedded migrations. A malformed file is reported by
    /// the first command run (`embed_migrations!` already rejects them at
    /// compile time).
    pub fn new(migrations: &'static EmbeddedMigrations) -> Migrator {
        // Parsing waits for a command that needs the graph: starting up at
        // head is answered from the build-time ids and checksums.
        Migrator {
            embedded: Some(migrations),
            ..Migrator::over(OnceLock::new())
        }
    }

    /// A migrator over the `*.sql` files of a directory.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrator> {
        let dir = dir.as_ref();
        let files = sql_files(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut texts = Vec::with_capacity(files.len());
        for (_, path) in files {
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
        Migrator::over(OnceLock::from(graph))
    }

    /// A migrator with the default settings over a graph (or the error
    /// reading the files), built or to be built.
    fn over(graph: OnceLock<std::result::Result<RevisionGraph, MigrationError>>) -> Migrator {
        Migrator {
            graph: Arc::new(graph),
            embedded: None,
            version_table: DEFAULT_VERSION_TABLE.to_string(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            time_limits: TimeLimits::default(),
            lock_mode: LockMode::Session,
            lease: DEFAULT_LEASE,
            transaction_mode: TransactionMode::default(),
            strict: false,
            dry_run: false,
            lock_retries: DEFAULT_LOCK_RETRIES,
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

    /// How long each statement of a migration may run, and wait for a lock,
    /// on the server (default: the server's own settings): PostgreSQL
    /// `statement_timeout` and `lock_timeout`, MySQL `lock_wait_timeout`
    /// (and MariaDB `max_statement_time`). A migration stuck behind a long
    /// transaction then fails fast, naming the sessions with a transaction
    /// open, instead of queueing every other query behind its lock. A
    /// file's `statement_timeout:` / `lock_timeout:` header overrides this.
    /// SQLite has no such limits (its one wait is the migration lock's busy
    /// timeout, [`Migrator::lock_timeout`]).
    pub fn statement_timeout(mut self, timeout: Duration) -> Migrator {
        self.time_limits = TimeLimits {
            lock: Some(timeout),
            statement: Some(timeout),
        };
        self
    }

    /// How the migration lock is taken: the database's session lock
    /// ([`LockMode::Session`], the default), or a lease row in
    /// `<version table>_lock` ([`LockMode::Table`]), which also works
    /// through a pooler in transaction mode such as PgBouncer, where a
    /// session lock would be refused.
    pub fn lock_mode(mut self, mode: LockMode) -> Migrator {
        self.lock_mode = mode;
        self
    }

    /// How long a lease ([`LockMode::Table`]) lasts from each renewal
    /// (default 30 s): a crashed holder blocks others at most this long.
    /// It is renewed before every migration and, on the servers, every
    /// third of its length while a migration runs.
    pub fn lease(mut self, length: Duration) -> Migrator {
        self.lease = length;
        self
    }

    /// Per-migration transactions (default) or one for all.
    pub fn transaction_mode(mut self, mode: TransactionMode) -> Migrator {
        self.transaction_mode = mode;
        self
    }

    /// How many times a statement that timed out waiting for a lock (its
    /// `lock_timeout` ran out: it changed nothing) is tried again, after a
    /// jittered wait that grows from half a second (default 3; 0 fails at
    /// once). In a transaction the whole migration is tried again.
    pub fn lock_retries(mut self, retries: u32) -> Migrator {
        self.lock_retries = retries;
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
            .get_or_init(|| parse_embedded(self.embedded.map_or(&[], |m| m.files())))
            .as_ref()
            .map_err(|e| Error::Migrations(e.clone()))
    }

    /// How many migration files there are (for `Debug`), without building
    /// the graph.
    fn revision_count(&self) -> Option<usize> {
        match (self.embedded, self.graph.get()) {
            (Some(m), _) => Some(m.len()),
            (None, Some(Ok(g))) => Some(g.len()),
            (None, _) => None,
        }
    }

    /// The engine for a run on `dialect`: the graph reduced to the
    /// sections that dialect executes, built when the run first needs it.
    fn engine(&self, dialect: Dialect) -> Result<Engine<'_>> {
        let graph = match self.graph.get() {
            Some(_) => RunGraph::ready(self.graph()?.for_dialect(dialect)?),
            None => RunGraph::lazy(move || Ok(self.graph()?.for_dialect(dialect)?)),
        };
        Ok(Engine {
            graph,
            embedded: self.embedded,
            version_table: &self.version_table,
            lock_timeout: self.lock_timeout,
            time_limits: self.time_limits,
            lock_mode: self.lock_mode,
            lease: self.lease,
            mode: self.transaction_mode,
            strict: self.strict,
            lock_retries: self.lock_retries,
            progress: self.progress.as_deref(),
        })
    }

    fn run<U: AsDatabaseUrl + ?Sized>(
        &self,
        url: &U,
        command: Command,
        target: &str,
    ) -> Result<Report> {
        let url = url.as_database_url()?;
        self.engine(url.dialect())?
            .run(&url, command, target, self.dry_run)
    }

    // ---- commands ---------------------------------------------------------

    /// Applies every pending migration up to `head`.
    pub fn upgrade<U: AsDatabaseUrl + ?Sized>(&self, url: &U) -> Result<Report> {
        self.upgrade_to(url, "head")
    }

    /// Applies every pending ancestor-or-self of `target`.
    pub fn upgrade_to<U: AsDatabaseUrl + ?Sized>(&self, url: &U, target: &str) -> Result<Report> {
        self.run(url, Command::Upgrade, target)
    }

    /// Reverts every applied revision that is not an ancestor-or-self of
    /// `target` (`base` reverts everything, `-1` the last one).
    pub fn downgrade<U: AsDatabaseUrl + ?Sized>(&self, url: &U, target: &str) -> Result<Report> {
        self.run(url, Command::Downgrade, target)
    }

    /// Makes the applied set exactly the ancestors-or-self of `target`
    /// without running SQL. With `rehash`, the recorded checksums of those
    /// revisions are replaced by the files' current ones (accepting
    /// deliberate edits).
    pub fn stamp<U: AsDatabaseUrl + ?Sized>(
        &self,
        url: &U,
        target: &str,
        rehash: bool,
    ) -> Result<Report> {
        self.run(url, Command::Stamp { rehash }, target)
    }

    /// The applied heads, pending revisions and checksum problems. Never
    /// creates a missing SQLite file.
    pub fn current<U: AsDatabaseUrl + ?Sized>(&self, url: &U) -> Result<Status> {
        let url = url.as_database_url()?;
        self.engine(url.dialect())?.status(&url)
    }

    /// Compares the models with the live database (drift check, e.g. at
    /// start-up after `upgrade`). Only the tables the models name (and their
    /// `renamed_from` names) are compared, so tables the application does
    /// not model are not reported; the version table is never compared.
    /// Never creates a missing SQLite file.
    pub fn check_models<U: AsDatabaseUrl + ?Sized>(
        &self,
        url: &U,
        models: &[&Table],
    ) -> Result<Drift> {
        let url = url.as_database_url()?;
        let mut conn = Connection::open_existing_or_empty(&url)?;
        let options = CompareOptions {
            tables: IntrospectOptions {
                version_table: self.version_table.clone(),
                ignore_tables: Vec::new(),
                on_table: None,
            },
            only_modelled_tables: true,
        };
        let models = Schema::new(models.iter().map(|t| (*t).clone()).collect());
        let cmp = compare_models(&mut conn, &models, &options)?;
        let rendered = cmp.dialect.render_migration(&cmp.diff.ops);
        Ok(Drift {
            database: conn.describe(),
            ops: cmp.diff.ops,
            summary: rendered.summary,
            sql: rendered.up,
            notes: conn.notes(),
        })
    }

    /// Revisions not applied yet, in the order `upgrade heads` applies them.
    pub fn pending<U: AsDatabaseUrl + ?Sized>(&self, url: &U) -> Result<Vec<String>> {
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
        script::render(
            &self.engine(backend.dialect())?,
            backend.dialect(),
            Command::Upgrade,
            from,
            target,
        )
    }

    /// The SQL `downgrade` would run from `from` (the revision the database
    /// is at) to `target`, without connecting.
    pub fn sql_downgrade(&self, backend: Backend, from: &str, target: &str) -> Result<String> {
        script::render(
            &self.engine(backend.dialect())?,
            backend.dialect(),
            Command::Downgrade,
            Some(from),
            target,
        )
    }
}

/// The revision graph of embedded files, each with the checksums computed
/// at build time.
fn parse_embedded(files: &[EmbeddedFile]) -> std::result::Result<RevisionGraph, MigrationError> {
    let mut parsed = Vec::with_capacity(files.len());
    for f in files {
        let mut file = MigrationFile::parse(f.contents, f.path)?;
        // Hashed at build time; the files cannot have changed since.
        file.up_checksum = Some(f.checksum.to_string());
        for d in &mut file.dialects {
            d.up_checksum = f
                .section_checksums
                .iter()
                .find(|(name, _)| *name == d.dialect.name())
                .map(|(_, sum)| sum.to_string());
        }
        parsed.push((f.path.to_string(), file));
    }
    RevisionGraph::new(parsed)
}

#[cfg(feature = "tokio")]
impl Migrator {
    /// [`Migrator::upgrade`] on tokio's blocking thread pool, for code that is
    /// already async. (Calling `upgrade` directly from async code is also
    /// safe; it just blocks the calling task's thread.)
    pub async fn upgrade_async<U: AsDatabaseUrl + ?Sized>(&self, url: &U) -> Result<Report> {
        let m = self.clone();
        let url = url.as_database_url()?.into_owned();
        tokio::task::spawn_blocking(move || m.upgrade(&url))
            .await
            .map_err(|e| Error::Invalid(format!("the migration task did not complete: {e}")))?
    }
}
