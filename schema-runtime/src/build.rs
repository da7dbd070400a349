//! Applying migrations from a `build.rs`.
//!
//! In `build.rs` (`main` calls this):
//!
//! ```no_run
//! schema_runtime::build::upgrade().expect("database migrations failed");
//! ```

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::migrator::{Migrator, Report};

/// Applies `migrations/` (relative to `CARGO_MANIFEST_DIR`) to the database
/// named by `DATABASE_URL`, up to head.
///
/// Emits `cargo:rerun-if-changed=migrations` and
/// `cargo:rerun-if-env-changed=DATABASE_URL`; when the variable is unset it
/// prints a `cargo:warning` and returns `Ok(None)` so builds without a
/// database (CI, docs.rs) still succeed.
pub fn upgrade() -> Result<Option<Report>> {
    upgrade_dir("migrations", "DATABASE_URL")
}

/// [`upgrade`] with another directory (relative to `CARGO_MANIFEST_DIR`) and
/// environment variable.
pub fn upgrade_dir(dir: impl AsRef<Path>, url_env: &str) -> Result<Option<Report>> {
    let dir = manifest_relative(dir.as_ref());
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-env-changed={url_env}");
    let url = match std::env::var(url_env) {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            println!("cargo:warning={url_env} is not set; skipping database migrations");
            return Ok(None);
        }
    };
    let report = Migrator::from_dir(&dir)?.upgrade(&url)?;
    for w in &report.warnings {
        println!("cargo:warning={w}");
    }
    Ok(Some(report))
}

fn manifest_relative(dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        return dir.to_path_buf();
    }
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(root) => PathBuf::from(root).join(dir),
        None => dir.to_path_buf(),
    }
}
