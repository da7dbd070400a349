//! `cargo schema models`

use std::process::ExitCode;

use serde_json::json;

use crate::commands::Ctx;
use crate::discover::discover;
use crate::error::CliError;
use crate::output::display_path;

/// Lists every model discovery finds: file:line → table and columns. The
/// answer to "autogenerate doesn't see my model".
pub fn run(ctx: &Ctx) -> Result<ExitCode, CliError> {
    let found = discover(&ctx.project)?;
    if ctx.out.json() {
        let models: Vec<_> = found
            .models
            .iter()
            .map(|m| {
                json!({
                    "file": display_path(&m.file),
                    "line": m.line,
                    "struct": m.table.struct_name,
                    "table": m.table.name,
                    "columns": m.table.columns.iter().map(|c| json!({
                        "name": c.name,
                        "type": c.ty.to_string(),
                        "nullable": c.nullable,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        ctx.out.json_value(&json!({ "models": models }));
        return Ok(ExitCode::SUCCESS);
    }
    if found.models.is_empty() {
        let roots: Vec<String> = found.roots.iter().map(|r| display_path(r)).collect();
        ctx.out.answer(format!(
            "no models found (searched the module trees of {}); a model is a struct with #[derive(Model)] reachable through `mod` declarations",
            roots.join(", ")
        ));
        return Ok(ExitCode::SUCCESS);
    }
    for m in &found.models {
        let cols: Vec<String> = m
            .table
            .columns
            .iter()
            .map(|c| format!("{} {}{}", c.name, c.ty, if c.nullable { "?" } else { "" }))
            .collect();
        ctx.out.answer(format!(
            "{}:{} {} -> {} ({})",
            display_path(&m.file),
            m.line,
            m.table.struct_name.as_deref().unwrap_or("?"),
            m.table.name,
            cols.join(", ")
        ));
    }
    Ok(ExitCode::SUCCESS)
}
