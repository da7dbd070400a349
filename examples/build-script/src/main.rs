//! Reads the database that `build.rs` migrated: where its schema stands and
//! which tables it holds.
//!
//! The URL is `DATABASE_URL` at run time, or else the one the binary was
//! built with. A relative SQLite path is taken relative to this crate, where
//! `build.rs` (which cargo runs in the crate's directory) created it.

use std::path::Path;
use std::process::ExitCode;

use schema_runtime::{
    introspect_url, DatabaseUrl, EmbeddedMigrations, IntrospectOptions, Migrator,
};

static MIGRATIONS: EmbeddedMigrations = schema_runtime::embed_migrations!();

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| option_env!("DATABASE_URL").map(str::to_string))
        .ok_or(
            "no database: this binary was built without DATABASE_URL and none is set now; \
             build with DATABASE_URL=sqlite://app.db to migrate one",
        )?;
    let url = crate_relative(&text)?;

    let status = Migrator::new(&MIGRATIONS).current(&url)?;
    println!("{status}");
    if !status.pending.is_empty() {
        return Err(format!(
            "the database is behind ({} pending); rebuild with DATABASE_URL set to migrate it",
            status.pending.len()
        )
        .into());
    }
    let schema = introspect_url(&url, &IntrospectOptions::default())?;
    for table in &schema.tables {
        println!("table {} ({} columns)", table.name, table.columns.len());
    }
    Ok(())
}

/// `sqlite://app.db?mode=rw` → `sqlite:///abs/path/to/examples/build-script/app.db?mode=rw`;
/// any other URL as it is.
fn crate_relative(text: &str) -> Result<DatabaseUrl, Box<dyn std::error::Error>> {
    let url = DatabaseUrl::parse(text)?;
    match url.sqlite_path() {
        Some(path) if path.is_relative() => {
            let abs = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            let query = text.split_once('?').map(|(_, q)| format!("?{q}"));
            let text = format!("sqlite://{}{}", abs.display(), query.unwrap_or_default());
            Ok(DatabaseUrl::parse(&text)?)
        }
        _ => Ok(url),
    }
}
