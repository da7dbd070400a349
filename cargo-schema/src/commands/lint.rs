//! `lint [FILES|--all] [--dialect D]`: the lock and compatibility rules of
//! `schema_core::lint` over migration files, per dialect.

use std::path::PathBuf;
use std::process::ExitCode;

use schema_core::dialect::Dialect;
use schema_core::lint::{lint, LintOptions};
use serde_json::json;

use crate::commands::{load_graph, Ctx};
use crate::error::CliError;

/// The dialects to lint for: the flag, else `dialects`, else the URL's.
fn dialects(ctx: &Ctx, flag: Option<&str>) -> Result<Vec<Dialect>, CliError> {
    if let Some(name) = flag {
        return Ok(vec![name.parse().map_err(
            |e: schema_core::dialect::UnknownDialect| CliError::Usage(e.to_string()),
        )?]);
    }
    let targets = ctx
        .project
        .config
        .target_dialects()
        .map_err(|message| CliError::Config {
            path: ctx.project.manifest_path.clone(),
            message,
        })?;
    if !targets.is_empty() {
        return Ok(targets);
    }
    match ctx.database_url() {
        Ok(db) => Ok(vec![db.url.dialect()]),
        Err(e) => Err(CliError::Usage(format!(
            "lint needs to know the database's dialect: pass `--dialect postgres` (or sqlite, mysql), or set DATABASE_URL ({e})"
        ))),
    }
}

/// Runs the rules; exit 1 when anything is found.
pub fn run(ctx: &Ctx, files: &[PathBuf], dialect: Option<&str>) -> Result<ExitCode, CliError> {
    let dialects = dialects(ctx, dialect)?;
    let graph = load_graph(ctx)?;
    let config = &ctx.project.config;
    let options = LintOptions {
        timeout_configured: config.statement_timeout.is_some(),
    };
    let wanted: Vec<String> = files
        .iter()
        .map(|f| {
            crate::output::display_path(&std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        })
        .collect();
    let mut found = Vec::new();
    let mut checked = 0;
    for rev in graph.revisions() {
        let origin = crate::output::display_path(
            &std::fs::canonicalize(&rev.origin).unwrap_or_else(|_| PathBuf::from(&rev.origin)),
        );
        if !wanted.is_empty() && !wanted.contains(&origin) {
            continue;
        }
        checked += 1;
        for &d in &dialects {
            let file = rev.file.for_dialect(d, &rev.origin)?;
            for f in lint(&file, d, options) {
                found.push((rev.origin.clone(), d, f));
            }
        }
    }
    if checked < wanted.len() {
        return Err(CliError::Usage(format!(
            "{} of the named files are not migrations of this project's {}",
            wanted.len() - checked,
            crate::output::display_path(&ctx.project.migrations_dir())
        )));
    }
    if ctx.out.json() {
        ctx.out.json_value(&json!({
            "files": checked,
            "findings": found.iter().map(|(origin, d, f)| json!({
                "rule": f.rule.id,
                "file": origin,
                "line": f.line,
                "dialect": d.name(),
                "statement": f.statement,
                "why": f.rule.why,
                "fix": f.rule.fix,
            })).collect::<Vec<_>>(),
        }));
    } else {
        let several = dialects.len() > 1;
        for (origin, d, f) in &found {
            let on = if several {
                format!(" ({d})")
            } else {
                String::new()
            };
            ctx.out.answer(format!(
                "{origin}:{}: {}{on}: {}\n  why: {}\n  instead: {}",
                f.line, f.rule.id, f.statement, f.rule.why, f.rule.fix
            ));
        }
        if found.is_empty() {
            ctx.out
                .answer(format!("{checked} migration(s) checked: nothing found"));
        } else {
            ctx.out.answer(format!(
                "{} finding(s) in {checked} migration(s); accept one deliberately with `-- lint: allow RULE` in its file",
                found.len()
            ));
        }
    }
    Ok(if found.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
