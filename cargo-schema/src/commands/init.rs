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
    let dir = project.migrations_dir();
    if dir.is_dir() {
        ctx.out
            .line(format!("{} already exists", display_path(&dir)));
    } else {
        fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
        ctx.out.line(format!("created {}", display_path(&dir)));
    }
    if project.has_config {
        ctx.out.line(format!(
            "{} already has a [metadata.schema] table",
            display_path(&project.manifest_path)
        ));
    } else if project.package_name.is_none() {
        return Err(CliError::Usage(format!(
            "{} is a virtual workspace manifest: add [workspace.metadata.schema] by hand, or run init with -p <package>",
            project.manifest_path.display()
        )));
    } else {
        let path = &project.manifest_path;
        let mut text = fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(INIT_CONFIG);
        fs::write(path, text).map_err(|e| CliError::io(path, e))?;
        ctx.out.line(format!(
            "added [package.metadata.schema] to {}",
            display_path(path)
        ));
    }
    Ok(ExitCode::SUCCESS)
}
