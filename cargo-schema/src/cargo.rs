//! Every `cargo metadata` call: finding workspace members and the root files
//! of their targets.
//!
//! Spawning cargo costs a noticeable fraction of a second, so only `-p` and
//! model discovery come here; `upgrade` and the other version-table commands
//! read `Cargo.toml` directly (see `project.rs`).

use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package, TargetKind};

use crate::error::CliError;

/// Finds the manifest of workspace package `spec` (a package name), starting
/// from any manifest of the workspace.
pub fn package_manifest(any_manifest: &Path, spec: &str) -> Result<PathBuf, CliError> {
    let meta = metadata(any_manifest)?;
    let pkg = meta
        .workspace_packages()
        .into_iter()
        .find(|p| p.name.as_str() == spec)
        .ok_or_else(|| {
            let names: Vec<String> = meta
                .workspace_packages()
                .iter()
                .map(|p| p.name.to_string())
                .collect();
            CliError::Usage(format!(
                "package `{spec}` is not a member of this workspace (members: {})",
                names.join(", ")
            ))
        })?;
    Ok(pkg.manifest_path.clone().into_std_path_buf())
}

/// The root files (library and binaries) of the package at `manifest` and of
/// the workspace members named in `model_packages`, without duplicates, in
/// that order.
pub fn model_roots(manifest: &Path, model_packages: &[String]) -> Result<Vec<PathBuf>, CliError> {
    let meta = metadata(manifest)?;
    let members = meta.workspace_packages();
    let mut packages: Vec<&Package> = Vec::new();
    let own = members
        .iter()
        .find(|p| p.manifest_path.as_std_path() == manifest);
    if let Some(p) = own {
        packages.push(p);
    }
    for name in model_packages {
        let p = members
            .iter()
            .find(|p| p.name.as_str() == name)
            .ok_or_else(|| CliError::Config {
                path: manifest.to_path_buf(),
                message: format!("model_packages names `{name}`, which is not a workspace member"),
            })?;
        if !packages.iter().any(|q| q.id == p.id) {
            packages.push(p);
        }
    }
    let mut roots = Vec::new();
    for p in packages {
        for t in &p.targets {
            let is_code = t
                .kind
                .iter()
                .any(|k| matches!(k, TargetKind::Lib | TargetKind::RLib | TargetKind::Bin));
            let root = t.src_path.clone().into_std_path_buf();
            if is_code && !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    Ok(roots)
}

/// `cargo metadata --no-deps` for the workspace of `manifest`.
fn metadata(manifest: &Path) -> Result<Metadata, CliError> {
    MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .exec()
        .map_err(|e| {
            CliError::Other(format!(
                "cargo metadata failed for {}: {e}",
                manifest.display()
            ))
        })
}
