//! Finding the project, reading `[package.metadata.schema]`, and resolving
//! and parsing the database URL.
//!
//! This is on the hot path of every `cargo schema upgrade` at application
//! start-up, so it reads `Cargo.toml` files directly and never spawns
//! `cargo metadata` (model discovery, which needs the package graph, does).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use schema_core::url::DatabaseUrl;

use crate::cli::GlobalOpts;
use crate::config::Config;
use crate::error::CliError;

/// The package (or virtual workspace) cargo-schema works on.
#[derive(Debug, Clone)]
pub struct Project {
    /// The manifest that selected the project.
    pub manifest_path: PathBuf,
    /// The directory of that manifest: paths in the config are relative to it.
    pub dir: PathBuf,
    /// The package name (`None` for a virtual workspace manifest).
    pub package_name: Option<String>,
    /// The workspace root manifest, when different from `manifest_path`.
    pub workspace_manifest: Option<PathBuf>,
    /// Whether `[package.metadata.schema]` or `[workspace.metadata.schema]`
    /// exists (`init` adds one when neither does).
    pub has_config: bool,
    /// The effective configuration.
    pub config: Config,
}

/// Where the database URL came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// `--database-url`
    Flag,
    /// The env var (possibly loaded from `.env`).
    Env(String),
    /// `database_url` in the config.
    Config,
}

impl Project {
    /// Finds the project from the global options and the current directory.
    pub fn locate(global: &GlobalOpts) -> Result<Project, CliError> {
        let manifest = match &global.manifest_path {
            Some(p) => {
                let p = absolute(p)?;
                if !p.is_file() {
                    return Err(CliError::Usage(format!(
                        "--manifest-path {}: no such file",
                        p.display()
                    )));
                }
                p
            }
            None => find_manifest(&env::current_dir().map_err(|e| CliError::io(".", e))?)?,
        };
        let mut project = Project::from_manifest(&manifest)?;
        if let Some(spec) = &global.package {
            if project.package_name.as_deref() != Some(spec.as_str()) {
                let path = crate::cargo::package_manifest(&manifest, spec)?;
                project = Project::from_manifest(&path)?;
            }
        }
        if let Some(dir) = &global.migrations_dir {
            project.config.migrations_dir = dir.clone();
        }
        Ok(project)
    }

    /// Reads the project rooted at `manifest`.
    pub fn from_manifest(manifest: &Path) -> Result<Project, CliError> {
        let doc = read_toml(manifest)?;
        let dir = manifest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let package_name = doc
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string);
        let own_pkg = table_at(&doc, &["package", "metadata", "schema"], manifest)?;
        let own_ws = table_at(&doc, &["workspace", "metadata", "schema"], manifest)?;

        let mut workspace_manifest = None;
        let mut ws_table = own_ws.cloned();
        if doc.get("workspace").is_none() && package_name.is_some() {
            if let Some(root) = find_workspace_root(&dir)? {
                let root_doc = read_toml(&root)?;
                ws_table =
                    table_at(&root_doc, &["workspace", "metadata", "schema"], &root)?.cloned();
                workspace_manifest = Some(root);
            }
        }

        // The workspace table is read alone first so its errors name the
        // workspace manifest; the package's keys then override its keys.
        let ws_path = workspace_manifest.as_deref().unwrap_or(manifest);
        let mut config = match &ws_table {
            Some(t) => Config::from_table(t, ws_path)?,
            None => Config::default(),
        };
        if let Some(pkg) = own_pkg {
            let mut merged = ws_table.clone().unwrap_or_default();
            merged.extend(pkg.iter().map(|(k, v)| (k.clone(), v.clone())));
            config = Config::from_table(&merged, manifest)?;
        }
        // Workspace-level paths are relative to the workspace root.
        let sets_dir =
            |t: Option<&toml::Table>| t.is_some_and(|t| t.contains_key("migrations_dir"));
        if let Some(root) = &workspace_manifest {
            if sets_dir(ws_table.as_ref()) && !sets_dir(own_pkg) {
                let root_dir = root.parent().unwrap_or(Path::new("."));
                config.migrations_dir = root_dir.join(&config.migrations_dir);
            }
        }
        Ok(Project {
            manifest_path: manifest.to_path_buf(),
            dir,
            package_name,
            workspace_manifest,
            has_config: own_pkg.is_some() || ws_table.is_some(),
            config,
        })
    }

    /// The migrations directory as an absolute-or-relative-to-cwd path.
    pub fn migrations_dir(&self) -> PathBuf {
        self.dir.join(&self.config.migrations_dir)
    }

    /// Loads `.env` (package directory first, then the current directory and
    /// its parents); variables already set win.
    pub fn load_dotenv(&self) {
        let local = self.dir.join(".env");
        if local.is_file() {
            let _ = dotenvy::from_path(&local);
        }
        let _ = dotenvy::dotenv();
    }

    /// The database URL, parsed: `--database-url` > env var (after `.env`) >
    /// `database_url` in config. Commands call this once and hand the result
    /// down.
    pub fn database_url(&self, flag: Option<&str>) -> Result<ResolvedUrl, CliError> {
        let (text, source) = self.database_url_text(flag)?;
        Ok(ResolvedUrl {
            url: DatabaseUrl::parse(&text)?,
            source,
        })
    }

    fn database_url_text(&self, flag: Option<&str>) -> Result<(String, UrlSource), CliError> {
        if let Some(url) = flag {
            return Ok((url.to_string(), UrlSource::Flag));
        }
        self.load_dotenv();
        let var = &self.config.database_url_env;
        if let Ok(url) = env::var(var) {
            if !url.trim().is_empty() {
                return Ok((url, UrlSource::Env(var.clone())));
            }
        }
        if let Some(url) = &self.config.database_url {
            return Ok((url.clone(), UrlSource::Config));
        }
        Err(CliError::NoDatabaseUrl {
            env_var: var.clone(),
        })
    }
}

/// The database URL of a command, resolved from its sources and parsed once.
///
/// `Debug` never shows the password (`DatabaseUrl` redacts it).
#[derive(Clone, Debug)]
pub struct ResolvedUrl {
    /// The parsed URL.
    pub url: DatabaseUrl,
    /// Where it came from.
    pub source: UrlSource,
}

fn absolute(p: &Path) -> Result<PathBuf, CliError> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        Ok(env::current_dir()
            .map_err(|e| CliError::io(".", e))?
            .join(p))
    }
}

fn find_manifest(start: &Path) -> Result<PathBuf, CliError> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join("Cargo.toml");
        if candidate.is_file() {
            return Ok(candidate);
        }
        dir = d.parent();
    }
    Err(CliError::Usage(format!(
        "could not find Cargo.toml in {} or any parent directory; run inside a cargo project or pass --manifest-path",
        start.display()
    )))
}

fn find_workspace_root(package_dir: &Path) -> Result<Option<PathBuf>, CliError> {
    let mut dir = package_dir.parent();
    while let Some(d) = dir {
        let candidate = d.join("Cargo.toml");
        if candidate.is_file() {
            let doc = read_toml(&candidate)?;
            if doc.get("workspace").is_some() {
                return Ok(Some(candidate));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

fn read_toml(path: &Path) -> Result<toml::Table, CliError> {
    let text = fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    text.parse::<toml::Table>().map_err(|e| CliError::Config {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// The table at `keys` (e.g. `package.metadata.schema`) of the manifest at
/// `path`; an error when the last key is there but holds no table, which
/// would otherwise be read as no configuration at all.
fn table_at<'a>(
    doc: &'a toml::Table,
    keys: &[&str],
    path: &Path,
) -> Result<Option<&'a toml::Table>, CliError> {
    let Some((last, parents)) = keys.split_last() else {
        return Ok(Some(doc));
    };
    let mut cur = doc;
    for k in parents {
        match cur.get(*k).and_then(toml::Value::as_table) {
            Some(t) => cur = t,
            None => return Ok(None),
        }
    }
    match cur.get(*last) {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t)),
        Some(other) => Err(CliError::Config {
            path: path.to_path_buf(),
            message: format!(
                "`{}` must be a table, not a {}",
                keys.join("."),
                other.type_str()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn package_config_overrides_workspace_config() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            "Cargo.toml",
            "[workspace]\nmembers=[\"app\"]\n[workspace.metadata.schema]\nversion_table = \"ws_versions\"\nmigrations_dir = \"db\"\n",
        );
        let m = write(
            tmp.path(),
            "app/Cargo.toml",
            "[package]\nname=\"app\"\n[package.metadata.schema]\nversion_table = \"app_versions\"\n",
        );
        let p = Project::from_manifest(&m).unwrap();
        assert_eq!(p.package_name.as_deref(), Some("app"));
        assert_eq!(p.config.version_table, "app_versions");
        assert_eq!(p.config.migrations_dir, tmp.path().join("db"));
        assert!(p.has_config);
    }

    #[test]
    fn unknown_key_is_an_error_with_a_suggestion() {
        let tmp = tempfile::tempdir().unwrap();
        let m = write(
            tmp.path(),
            "Cargo.toml",
            "[package]\nname=\"app\"\n[package.metadata.schema]\nmigration_dir = \"db\"\n",
        );
        let err = Project::from_manifest(&m).unwrap_err().to_string();
        assert!(err.contains("unknown key `migration_dir`"), "{err}");
        assert!(err.contains("did you mean `migrations_dir`"), "{err}");
    }

    #[test]
    fn defaults_without_config() {
        let tmp = tempfile::tempdir().unwrap();
        let m = write(tmp.path(), "Cargo.toml", "[package]\nname=\"app\"\n");
        let p = Project::from_manifest(&m).unwrap();
        assert!(!p.has_config);
        assert_eq!(p.config, Config::default());
        assert_eq!(p.migrations_dir(), tmp.path().join("migrations"));
    }
}
