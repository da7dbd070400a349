//! `cargo schema init`

use std::fs;
use std::process::ExitCode;

use crate::commands::Ctx;
use crate::config::INIT_CONFIG;
use crate::error::CliError;
use crate::output::display_path;

/// Creates the migrations directory and adds `[package.metadata.schema]`
/// when the manifest has no configuration yet. Running it twice is harmless.
pub fn run(ctx: &Ctx) -> Result<ExitCode, CliError> {
    let project = &ctx.project;
    let path = &project.manifest_path;
    // The new manifest is made (and checked) before anything is written,
    // so a refusal leaves the project as it was.
    let manifest = if project.has_config {
        None
    } else if project.package_name.is_none() {
        return Err(CliError::Usage(format!(
            "{} is a virtual workspace manifest: add [workspace.metadata.schema] by hand, or run init with -p <package>",
            path.display()
        )));
    } else {
        let mut text = fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(INIT_CONFIG);
        // A table header cannot extend `package = { ... }` or an inline
        // `metadata = { ... }`: the manifest is only written when the
        // result still reads and has the table.
        let added = text.parse::<toml::Table>().ok().is_some_and(|doc| {
            doc.get("package")
                .and_then(|p| p.get("metadata"))
                .and_then(|m| m.get("schema"))
                .is_some_and(toml::Value::is_table)
        });
        if !added {
            return Err(CliError::Config {
                path: path.clone(),
                message: "cannot append a [package.metadata.schema] table to this manifest (`package` or `package.metadata` is written inline); add the table by hand".to_string(),
            });
        }
        Some(text)
    };
    let dir = project.migrations_dir();
    if dir.is_dir() {
        ctx.out
            .line(format!("{} already exists", display_path(&dir)));
    } else {
        fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
        ctx.out.line(format!("created {}", display_path(&dir)));
    }
    match manifest {
        None => ctx.out.line(format!(
            "{} already has a [metadata.schema] table",
            display_path(path)
        )),
        Some(text) => {
            fs::write(path, text).map_err(|e| CliError::io(path, e))?;
            ctx.out.line(format!(
                "added [package.metadata.schema] to {}",
                display_path(path)
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
