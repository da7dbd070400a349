//! Static model discovery: from each target's root file follow `mod`
//! declarations, find every struct deriving `Model` and every enum deriving
//! `ModelEnum`, and parse them with the very functions the derive macros
//! use; a model's enum fields are then resolved by the enum's name.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use schema_core::parse::EnumField;
use schema_core::{EnumType, Schema, Table};

use crate::error::{CliError, ModelError};
use crate::output::display_path;
use crate::project::Project;

/// A model found in the source tree.
#[derive(Debug, Clone)]
pub struct FoundModel {
    /// The file holding the struct.
    pub file: PathBuf,
    /// 1-based line of the struct.
    pub line: usize,
    /// The parsed table.
    pub table: Table,
}

/// Everything discovery found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Models, sorted by table name.
    pub models: Vec<FoundModel>,
    /// Root files that were walked (for `models` output).
    pub roots: Vec<PathBuf>,
}

impl Discovery {
    /// The models as a schema.
    pub fn schema(&self) -> Schema {
        Schema::new(self.models.iter().map(|m| m.table.clone()).collect())
    }
}

/// Discovers the models of the project's package and of its `model_packages`.
pub fn discover(project: &Project) -> Result<Discovery, CliError> {
    let roots = crate::cargo::model_roots(&project.manifest_path, &project.config.model_packages)?;
    discover_roots(&roots)
}

/// Walks the module trees starting at `roots` (crate root files).
pub fn discover_roots(roots: &[PathBuf]) -> Result<Discovery, CliError> {
    let mut walker = Walker::default();
    for root in roots {
        walker.file(root, true)?;
    }
    walker.resolve_enums();
    let mut by_table: BTreeMap<String, Vec<&FoundModel>> = BTreeMap::new();
    for m in &walker.found {
        by_table.entry(m.table.name.clone()).or_default().push(m);
    }
    for (table, ms) in &by_table {
        if ms.len() > 1 {
            let (first, second) = (ms[0], ms[1]);
            walker.errors.push(ModelError {
                file: second.file.clone(),
                line: second.line,
                column: 1,
                message: format!(
                    "two models map to table `{table}`: {} and {}:{} (give one a different #[model(table = \"...\")])",
                    second.table.struct_name.as_deref().unwrap_or("?"),
                    display_path(&first.file),
                    first.line
                ),
            });
        }
    }
    if !walker.errors.is_empty() {
        return Err(CliError::Models(walker.errors));
    }
    let mut models = walker.found;
    models.sort_by(|a, b| a.table.name.cmp(&b.table.name));
    Ok(Discovery {
        models,
        roots: roots.to_vec(),
    })
}

#[derive(Default)]
struct Walker {
    found: Vec<FoundModel>,
    /// The enum fields of each model in `found` (same index).
    enum_fields: Vec<Vec<EnumField>>,
    /// Every `#[derive(ModelEnum)]` enum: its file and line, and its type.
    enums: Vec<(PathBuf, usize, String, EnumType)>,
    errors: Vec<ModelError>,
    seen: Vec<PathBuf>,
}

impl Walker {
    /// Fills in the values of every model's enum fields; two enums with one
    /// SQL name must agree on the values, since they are one type.
    fn resolve_enums(&mut self) {
        let mut by_rust: BTreeMap<String, Vec<EnumType>> = BTreeMap::new();
        let mut by_sql: BTreeMap<&str, &(PathBuf, usize, String, EnumType)> = BTreeMap::new();
        for e in &self.enums {
            by_rust.entry(e.2.clone()).or_default().push(e.3.clone());
            match by_sql.get(e.3.name.as_str()) {
                Some(first) if first.3.values != e.3.values => self.errors.push(ModelError {
                    file: e.0.clone(),
                    line: e.1,
                    column: 1,
                    message: format!(
                        "enums {} and {} ({}:{}) both have the SQL type name `{}` but different \
                         values; give one another #[model(name = \"...\")]",
                        e.2,
                        first.2,
                        display_path(&first.0),
                        first.1,
                        e.3.name
                    ),
                }),
                Some(_) => {}
                None => {
                    by_sql.insert(&e.3.name, e);
                }
            }
        }
        for (model, fields) in self.found.iter_mut().zip(&self.enum_fields) {
            if let Err(e) =
                schema_core::parse::resolve_enum_fields(&mut model.table, fields, &by_rust)
            {
                for err in e {
                    let start = err.span().start();
                    self.errors.push(ModelError {
                        file: model.file.clone(),
                        line: start.line,
                        column: start.column + 1,
                        message: err.to_string(),
                    });
                }
            }
        }
    }

    /// Parses one file; `mod_rs` says whether its child modules live in its
    /// own directory (crate roots and `mod.rs`) or in a directory named
    /// after it.
    fn file(&mut self, path: &Path, mod_rs: bool) -> Result<(), CliError> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.seen.contains(&canonical) {
            return Ok(());
        }
        self.seen.push(canonical);
        let text = fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
        let file = match syn::parse_file(&text) {
            Ok(f) => f,
            Err(e) => {
                // The compiler reports syntax errors better; note it and go on.
                self.push_error(path, &e, "could not parse this file");
                return Ok(());
            }
        };
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let child_dir = if mod_rs {
            dir.clone()
        } else {
            dir.join(path.file_stem().unwrap_or_default())
        };
        self.items(path, &dir, &child_dir, &file.items)
    }

    fn items(
        &mut self,
        path: &Path,
        file_dir: &Path,
        child_dir: &Path,
        items: &[syn::Item],
    ) -> Result<(), CliError> {
        for item in items {
            match item {
                syn::Item::Struct(s) if derives_model(&s.attrs) => {
                    let input: syn::DeriveInput = s.clone().into();
                    let line = s.ident.span().start().line;
                    match schema_core::parse::parse_model_parts(&input) {
                        Ok(parsed) => {
                            self.found.push(FoundModel {
                                file: path.to_path_buf(),
                                line,
                                table: parsed.table,
                            });
                            self.enum_fields.push(parsed.enum_fields);
                        }
                        Err(e) => {
                            for err in e {
                                self.push_error(path, &err, "");
                            }
                        }
                    }
                }
                syn::Item::Enum(e) if derives(&e.attrs, "ModelEnum") => {
                    let input: syn::DeriveInput = e.clone().into();
                    let line = e.ident.span().start().line;
                    match schema_core::parse::parse_model_enum(&input) {
                        Ok(def) => {
                            self.enums
                                .push((path.to_path_buf(), line, def.rust_name, def.ty))
                        }
                        Err(e) => {
                            for err in e {
                                self.push_error(path, &err, "");
                            }
                        }
                    }
                }
                syn::Item::Mod(m) => {
                    let explicit = path_attr(&m.attrs);
                    match &m.content {
                        Some((_, inner)) => {
                            let dir =
                                child_dir.join(explicit.unwrap_or_else(|| m.ident.to_string()));
                            self.items(path, file_dir, &dir, inner)?;
                        }
                        None => {
                            let name = m.ident.to_string();
                            let candidates = match explicit {
                                // #[path] outside inline modules is relative to the
                                // directory of the declaring file.
                                Some(p) => vec![(file_dir.join(p), true)],
                                None => vec![
                                    (child_dir.join(format!("{name}.rs")), false),
                                    (child_dir.join(&name).join("mod.rs"), true),
                                ],
                            };
                            if let Some((found, mod_rs)) =
                                candidates.into_iter().find(|(p, _)| p.is_file())
                            {
                                let is_mod_rs =
                                    mod_rs || found.file_name().is_some_and(|f| f == "mod.rs");
                                self.file(&found, is_mod_rs)?;
                            }
                            // A module file that does not exist is the
                            // compiler's error to report, not ours.
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn push_error(&mut self, path: &Path, e: &syn::Error, prefix: &str) {
        let start = e.span().start();
        let message = if prefix.is_empty() {
            e.to_string()
        } else {
            format!("{prefix}: {e}")
        };
        self.errors.push(ModelError {
            file: path.to_path_buf(),
            line: start.line,
            column: start.column + 1,
            message,
        });
    }
}

/// Whether a `#[derive(...)]` list contains a path ending in `Model`.
fn derives_model(attrs: &[syn::Attribute]) -> bool {
    derives(attrs, "Model")
}

/// Whether a `#[derive(...)]` list contains a path ending in `name`.
fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .map(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == name))
            })
            .unwrap_or(false)
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("path") {
            return None;
        }
        match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        }
    })
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

    const USER: &str = "#[derive(Debug, schema_runtime::Model)]\npub struct User { pub id: i64, pub name: String }\n";

    #[test]
    fn follows_every_kind_of_mod_declaration() {
        let tmp = tempfile::tempdir().unwrap();
        let root = write(
            tmp.path(),
            "src/lib.rs",
            "mod a;\nmod b;\n#[path = \"elsewhere/c_impl.rs\"]\nmod c;\nmod inline { mod d; }\n",
        );
        write(tmp.path(), "src/a.rs", &format!("mod nested;\n{USER}"));
        write(
            tmp.path(),
            "src/a/nested.rs",
            "#[derive(Model)]\nstruct Org { id: i64 }\n",
        );
        write(
            tmp.path(),
            "src/b/mod.rs",
            "use schema_runtime::Model;\n#[derive(Model)]\n#[model(table = \"posts\")]\nstruct Post { id: i64 }\n",
        );
        write(
            tmp.path(),
            "src/elsewhere/c_impl.rs",
            "#[derive(Model)]\nstruct Tag { id: i32 }\n#[derive(Debug)]\nstruct NotAModel;\n",
        );
        write(
            tmp.path(),
            "src/inline/d.rs",
            "#[derive(Model)]\nstruct Comment { id: i64 }\n",
        );
        let d = discover_roots(&[root]).unwrap();
        let tables: Vec<&str> = d.models.iter().map(|m| m.table.name.as_str()).collect();
        assert_eq!(tables, ["comment", "org", "posts", "tag", "user"]);
        let user = d.models.iter().find(|m| m.table.name == "user").unwrap();
        assert!(user.file.ends_with("src/a.rs"));
        assert_eq!(user.line, 3);
    }

    #[test]
    fn two_models_on_one_table_is_an_error_naming_both() {
        let tmp = tempfile::tempdir().unwrap();
        let root = write(
            tmp.path(),
            "src/main.rs",
            "#[derive(Model)]\n#[model(table = \"t\")]\nstruct A { id: i64 }\n#[derive(Model)]\n#[model(table = \"t\")]\nstruct B { id: i64 }\nfn main() {}\n",
        );
        let err = discover_roots(&[root]).unwrap_err().to_string();
        assert!(err.contains("two models map to table `t`"), "{err}");
        assert!(err.contains("main.rs:6"), "{err}");
        assert!(err.contains("main.rs:3"), "{err}");
    }

    #[test]
    fn enum_fields_resolve_across_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = write(
            tmp.path(),
            "src/lib.rs",
            "mod kinds;\n#[derive(Model)]\nstruct A { id: i64, kind: kinds::Kind, other: Option<Kind> }\n",
        );
        write(
            tmp.path(),
            "src/kinds.rs",
            "#[derive(ModelEnum)]\n#[model(name = \"k\")]\npub enum Kind { Big, SmallOne }\n",
        );
        let d = discover_roots(std::slice::from_ref(&root)).unwrap();
        let cols = &d.models[0].table.columns;
        let want = schema_core::LogicalType::Enum(EnumType::new("k", ["big", "small_one"]));
        assert_eq!(cols[1].ty, want);
        assert_eq!(cols[2].ty, want);

        write(
            tmp.path(),
            "src/lib.rs",
            "mod kinds;\n#[derive(Model)]\nstruct A { id: i64, kind: Missing }\n#[derive(ModelEnum)]\nenum Other { X }\n#[derive(ModelEnum)]\n#[model(name = \"k\")]\nenum K2 { Y }\n",
        );
        let err = discover_roots(&[root]).unwrap_err().to_string();
        assert!(err.contains("lib.rs:3:"), "{err}");
        assert!(err.contains("unknown type `Missing`"), "{err}");
        assert!(err.contains("both have the SQL type name `k`"), "{err}");
    }

    #[test]
    fn attribute_errors_carry_file_line_and_column() {
        let tmp = tempfile::tempdir().unwrap();
        let root = write(
            tmp.path(),
            "src/lib.rs",
            "#[derive(Model)]\nstruct A {\n    id: i64,\n    #[model(max_len = 3)]\n    name: String,\n}\n",
        );
        let err = discover_roots(&[root]).unwrap_err().to_string();
        assert!(err.contains("lib.rs:4:"), "{err}");
        assert!(err.contains("max_len"), "{err}");
    }
}
