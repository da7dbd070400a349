//! `cargo schema pull`: `#[derive(Model)]` structs for the tables of an
//! existing database, so a project that already has one gets models that
//! `check` finds equal to it.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use schema_core::codegen::{generate_models, GeneratedModels};
use schema_runtime::introspect::{glob_match, introspect, IntrospectOptions};
use serde_json::json;

use crate::cli::PullArgs;
use crate::commands::autogen::open_read_only;
use crate::commands::Ctx;
use crate::error::CliError;
use crate::output::display_path;
use crate::progress::TableProgress;

/// Reads the live schema, writes the models to `--out` (or stdout), and
/// lists what they could not express.
pub fn run(ctx: &Ctx, args: &PullArgs) -> Result<ExitCode, CliError> {
    // Refused before connecting: nothing is read for a file we will not write.
    if let Some(out) = &args.out {
        if out.exists() && !args.force {
            return Err(CliError::Usage(format!(
                "{} already exists; pass --force to overwrite it, or choose another --out",
                display_path(out)
            )));
        }
    }
    let db = ctx.database_url()?;
    let mut conn = open_read_only(ctx, &db.url)?;
    let config = &ctx.project.config;
    let progress = TableProgress::start(ctx.out);
    let options = IntrospectOptions {
        version_table: config.version_table.clone(),
        ignore_tables: config.ignore_tables.clone(),
        on_table: Some(progress.hook()),
    };
    let mut schema = introspect(&mut conn, &options)?;
    progress.finish();
    if !args.tables.is_empty() {
        let all: Vec<String> = schema.tables.iter().map(|t| t.name.clone()).collect();
        schema
            .tables
            .retain(|t| args.tables.iter().any(|p| glob_match(p, &t.name)));
        if schema.tables.is_empty() {
            return Err(CliError::Usage(format!(
                "no table matches --tables {}; the database has {}",
                args.tables.join(" "),
                if all.is_empty() {
                    "no tables".to_string()
                } else {
                    all.join(", ")
                }
            )));
        }
    }
    let generated = generate_models(&schema, conn.dialect());

    if let Some(out) = &args.out {
        fs::write(out, &generated.source).map_err(|e| CliError::io(out, e))?;
    }
    if ctx.out.json() {
        ctx.out.json_value(&json!({
            "out": args.out.as_deref().map(display_path),
            "tables": generated.tables,
            "not_modelled": generated.not_modelled.iter().map(|n| json!({
                "table": n.table,
                "detail": n.detail,
            })).collect::<Vec<_>>(),
            "source": if args.out.is_none() { Some(&generated.source) } else { None },
        }));
        return Ok(ExitCode::SUCCESS);
    }
    match &args.out {
        Some(out) => report_written(ctx, out, &generated),
        None => ctx.out.answer(generated.source.trim_end()),
    }
    for item in &generated.not_modelled {
        ctx.out.warn(format!("not modelled: {item}"));
    }
    Ok(ExitCode::SUCCESS)
}

/// What was written, and what the project needs for the file to be found
/// and to compile.
fn report_written(ctx: &Ctx, out: &Path, generated: &GeneratedModels) {
    let n = generated.tables.len();
    ctx.out.answer(format!(
        "wrote {n} model{} to {} ({})",
        if n == 1 { "" } else { "s" },
        display_path(out),
        generated.tables.join(", ")
    ));
    let module = out.file_stem().and_then(|s| s.to_str()).unwrap_or("models");
    ctx.out.note(format!(
        "note: declare it with `mod {module};` in the crate root (or a module it declares) so cargo schema and the compiler see it"
    ));
    let crates: Vec<&str> = ["chrono", "uuid", "serde_json", "rust_decimal"]
        .into_iter()
        .filter(|c| generated.source.contains(&format!("{c}::")))
        .collect();
    if !crates.is_empty() {
        ctx.out.note(format!(
            "note: the models name types from {}: add {} to [dependencies]",
            crates.join(", "),
            if crates.len() == 1 { "it" } else { "them" }
        ));
    }
}
