//! `upgrade`, `downgrade`, `stamp`, `current`: the commands that read or
//! change the version table, all through `schema_runtime::Migrator`.

use std::process::ExitCode;
use std::time::Duration;

use schema_core::url::DatabaseUrl;
use schema_runtime::migrator::{Action, LockMode, Migrator, Report, TransactionMode};
use serde_json::{json, Value};

use crate::cli::{ApplyOpts, LockModeArg, TransactionArg};
use crate::commands::{load_migrator, Ctx};
use crate::error::CliError;
use crate::progress::MigrationProgress;

/// Which way `apply` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `upgrade`
    Up,
    /// `downgrade`
    Down,
}

/// The migrator over the project's migrations directory, with the config's
/// settings applied (flags override them).
pub(crate) fn migrator(ctx: &Ctx, opts: Option<&ApplyOpts>) -> Result<Migrator, CliError> {
    let config = &ctx.project.config;
    let mut m = load_migrator(ctx)?.version_table(&config.version_table);
    let timeout = opts.and_then(|o| o.lock_timeout).or(config.lock_timeout);
    if let Some(secs) = timeout {
        m = m.lock_timeout(Duration::from_secs(secs));
    }
    if let Some(limit) = opts
        .and_then(|o| o.statement_timeout)
        .or(config.statement_timeout)
    {
        m = m.statement_timeout(limit);
    }
    let mode = match opts.and_then(|o| o.transaction) {
        Some(TransactionArg::All) => TransactionMode::All,
        Some(TransactionArg::PerMigration) => TransactionMode::PerMigration,
        None => match &config.transaction_mode {
            Some(s) => s.parse()?,
            None => TransactionMode::PerMigration,
        },
    };
    m = m.transaction_mode(mode);
    let lock_mode = match opts.and_then(|o| o.lock_mode) {
        Some(LockModeArg::Table) => Some("table"),
        Some(LockModeArg::Session) => Some("session"),
        None => config.lock_mode.as_deref(),
    };
    match lock_mode {
        None | Some("session") => {}
        Some("table") => m = m.lock_mode(LockMode::Table),
        Some(other) => {
            return Err(CliError::Config {
                path: ctx.project.manifest_path.clone(),
                message: format!("unknown lock_mode `{other}`; expected `session` or `table`"),
            })
        }
    }
    match opts.and_then(|o| o.lease).or(config.lease) {
        Some(length) if length.is_zero() => {
            return Err(CliError::Config {
                path: ctx.project.manifest_path.clone(),
                message: "[metadata.schema] key `lease` must last longer than zero".to_string(),
            })
        }
        Some(length) => {
            // A lease only matters to the lease lock; one that outlasts the
            // lock timeout leaves the next runner after a crash giving up
            // before the dead runner's lease runs out.
            if lock_mode != Some("table") {
                ctx.out.warn(
                    "`lease` is set but the lock mode is `session`; it only applies with `lock_mode = \"table\"` (`--lock-mode table`)",
                );
            } else if timeout.is_some_and(|secs| Duration::from_secs(secs) <= length)
                || (timeout.is_none() && length >= schema_runtime::lock::DEFAULT_LOCK_TIMEOUT)
            {
                ctx.out.warn(format!(
                    "the lease ({}) is not shorter than the lock timeout: after a crash, the next runner gives up before the dead runner's lease expires; raise `lock_timeout` or shorten `lease`",
                    schema_core::migration::format_duration(length)
                ));
            }
            m = m.lease(length)
        }
        None => {}
    }
    if let Some(o) = opts {
        m = m.strict(o.strict).dry_run(o.dry_run);
    }
    Ok(m)
}

/// Names the database once at the top of a command that connects, with
/// any password hidden, and any notes from parsing its URL.
fn announce(ctx: &Ctx, url: &DatabaseUrl) {
    ctx.out
        .note(format!("database: {}", schema_runtime::conn::describe(url)));
    for n in url.notes() {
        ctx.out.note(format!("note: {n}"));
    }
}

/// `upgrade [TARGET]` and `downgrade [TARGET]`.
pub fn apply(
    ctx: &Ctx,
    direction: Direction,
    target: &str,
    opts: &ApplyOpts,
) -> Result<ExitCode, CliError> {
    let m = migrator(ctx, Some(opts))?;
    let db = ctx.database_url()?;
    if opts.sql {
        return print_sql(ctx, &m, &db.url, direction, target);
    }
    announce(ctx, &db.url);
    // Dropped on an error too, which clears the bar before the error prints.
    let progress = MigrationProgress::new(ctx.out);
    let m = m.on_progress(progress.handler());
    let report = match direction {
        Direction::Up => m.upgrade_to(&db.url, target)?,
        Direction::Down => m.downgrade(&db.url, target)?,
    };
    progress.finish();
    print_report(ctx, &report);
    Ok(ExitCode::SUCCESS)
}

fn print_sql(
    ctx: &Ctx,
    m: &Migrator,
    url: &DatabaseUrl,
    direction: Direction,
    target: &str,
) -> Result<ExitCode, CliError> {
    let backend = url.backend();
    // Offline mode cannot read the version table: `FROM:TO` says where to
    // start, as in Alembic; otherwise upgrade starts at base and downgrade
    // at the heads.
    let (from, to) = match target.split_once(':') {
        Some((f, t)) => (Some(f), t),
        None => (None, target),
    };
    let sql = match direction {
        Direction::Up => {
            m.sql_upgrade(backend, from.filter(|f| !f.is_empty() && *f != "base"), to)?
        }
        Direction::Down => m.sql_downgrade(backend, from.unwrap_or("heads"), to)?,
    };
    ctx.out.answer(sql);
    Ok(ExitCode::SUCCESS)
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Upgraded => "upgraded",
        Action::Downgraded => "downgraded",
        Action::Stamped => "stamped",
        Action::Unstamped => "unstamped",
        Action::WouldUpgrade => "would_upgrade",
        Action::WouldDowngrade => "would_downgrade",
    }
}

fn print_report(ctx: &Ctx, report: &Report) {
    for n in &report.notes {
        ctx.out.note(format!("note: {n}"));
    }
    for w in &report.warnings {
        ctx.out.warn(w);
    }
    if ctx.out.json() {
        let steps: Vec<Value> = report
            .steps
            .iter()
            .map(|s| {
                json!({
                    "revision": s.revision,
                    "message": s.message,
                    "file": s.file,
                    "action": action_name(s.action),
                    "duration_ms": s.duration.as_millis() as u64,
                })
            })
            .collect();
        ctx.out.json_value(&json!({
            "database": report.database,
            "command": report.command,
            "dry_run": report.dry_run,
            "steps": steps,
            "heads": report.heads,
            "warnings": report.warnings,
        }));
    } else {
        ctx.out.line(report.to_string());
    }
}

/// `stamp TARGET` / `stamp --rehash REV`
pub fn stamp(ctx: &Ctx, target: Option<&str>, rehash: Option<&str>) -> Result<ExitCode, CliError> {
    let m = migrator(ctx, None)?;
    let db = ctx.database_url()?;
    announce(ctx, &db.url);
    let report = match (target, rehash) {
        (_, Some(rev)) => m.stamp(&db.url, rev, true)?,
        (Some(t), None) => m.stamp(&db.url, t, false)?,
        (None, None) => {
            return Err(CliError::Usage(
                "stamp needs a TARGET (head, base, a revision) or --rehash REV".to_string(),
            ))
        }
    };
    print_report(ctx, &report);
    Ok(ExitCode::SUCCESS)
}

/// `current [--verbose]`
pub fn current(ctx: &Ctx, verbose: bool) -> Result<ExitCode, CliError> {
    let m = migrator(ctx, None)?;
    let db = ctx.database_url()?;
    announce(ctx, &db.url);
    let status = m.current(&db.url)?;
    let graph = m.graph()?;
    for n in &status.notes {
        ctx.out.note(format!("note: {n}"));
    }
    if ctx.out.json() {
        let applied: Vec<Value> = status
            .applied
            .iter()
            .map(|a| {
                json!({
                    "revision": a.revision,
                    "checksum": a.checksum,
                    "applied_at": a.applied_at,
                    "execution_ms": a.execution_ms,
                    "dirty": a.dirty,
                })
            })
            .collect();
        ctx.out.json_value(&json!({
            "database": status.database,
            "current": status.heads,
            "heads": status.file_heads,
            "at_head": status.pending.is_empty() && status.heads == status.file_heads,
            "pending": status.pending,
            "applied": applied,
            "problems": status.problems,
        }));
        return Ok(ExitCode::SUCCESS);
    }
    if status.heads.is_empty() {
        ctx.out.answer("base (no revision applied)");
    }
    for h in &status.heads {
        let message = graph
            .get(h)
            .map(|r| r.file.message.clone())
            .unwrap_or_default();
        let mark = if status.file_heads.contains(h) {
            " (head)"
        } else {
            ""
        };
        ctx.out.answer(format!("{h}{mark}, {message}"));
    }
    if !status.pending.is_empty() {
        ctx.out.answer(format!(
            "{} pending: {}",
            status.pending.len(),
            status.pending.join(", ")
        ));
    }
    if verbose {
        for a in &status.applied {
            ctx.out.answer(format!(
                "  applied {} at {} in {} ms, checksum {}{}",
                a.revision,
                a.applied_at,
                a.execution_ms,
                &a.checksum[..a.checksum.len().min(12)],
                if a.dirty { " (dirty)" } else { "" }
            ));
        }
    }
    for p in &status.problems {
        ctx.out.warn(p);
    }
    Ok(ExitCode::SUCCESS)
}
