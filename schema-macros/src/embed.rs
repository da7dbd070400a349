//! `embed_migrations!()` expansion: read the migrations directory at compile
//! time, check every file with the same parser the runtime uses, and emit one
//! `include_str!` per file so cargo rebuilds when a file changes.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use schema_core::migration::{migration_files, MigrationFile, RevisionGraph};

/// Expands `embed_migrations!()` / `embed_migrations!("dir")`.
pub fn expand(input: TokenStream) -> TokenStream {
    match expand_inner(input) {
        Ok(tokens) => tokens,
        Err(e) => {
            let err = e.to_compile_error();
            // Keep the surrounding `static X: EmbeddedMigrations = ...;` well
            // typed so the user sees this one error, not a cascade.
            quote! {{
                #err
                ::schema_runtime::EmbeddedMigrations::new(&[])
            }}
        }
    }
}

fn expand_inner(input: TokenStream) -> syn::Result<TokenStream> {
    let (dir_arg, span) = if input.is_empty() {
        ("migrations".to_string(), Span::call_site())
    } else {
        let lit: syn::LitStr = syn::parse2(input)?;
        (lit.value(), lit.span())
    };
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| syn::Error::new(span, "CARGO_MANIFEST_DIR is not set; build with cargo"))?;
    let dir = root.join(&dir_arg);
    let files = read_dir(&dir, &dir_arg).map_err(|m| syn::Error::new(span, m))?;

    let mut errors: Option<syn::Error> = None;
    let mut entries = Vec::new();
    let mut parsed = Vec::new();
    for (name, path) in files {
        let rel = format!("{}/{}", dir_arg.trim_end_matches('/'), name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| syn::Error::new(span, format!("cannot read {}: {e}", path.display())))?;
        let file = match MigrationFile::parse(&text, &rel) {
            Ok(file) => file,
            Err(e) => {
                let e = syn::Error::new(span, format!("invalid migration file: {e}"));
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
                continue;
            }
        };
        // Hashed here so that a start-up `upgrade` hashes nothing; the
        // `include_str!` below makes cargo rebuild (and rehash) when the
        // file changes.
        let checksum = file.checksum().into_owned();
        let sections = file.dialects.iter().map(|d| {
            let dialect = d.dialect.name();
            let sum = schema_core::migration::checksum(&d.up);
            quote! { (#dialect, #sum) }
        });
        let abs = path.to_string_lossy().into_owned();
        let revision = &file.revision;
        let portable = file.portable;
        entries.push(quote! {
            ::schema_runtime::EmbeddedFile {
                name: #name,
                path: #rel,
                contents: ::core::include_str!(#abs),
                revision: #revision,
                portable: #portable,
                checksum: #checksum,
                section_checksums: &[#(#sections),*],
            }
        });
        parsed.push((rel, file));
    }
    if let Some(e) = errors {
        return Err(e);
    }
    // The graph's heads, known here, let an `upgrade` at head skip building
    // the graph at run time. A graph error (a missing parent, a cycle) is
    // left for the first command to report, with the files' locations.
    Ok(match RevisionGraph::new(parsed) {
        Ok(graph) => {
            let heads = graph.heads();
            quote! {
                ::schema_runtime::EmbeddedMigrations::with_heads(&[#(#entries),*], &[#(#heads),*])
            }
        }
        Err(_) => quote! {
            ::schema_runtime::EmbeddedMigrations::new(&[#(#entries),*])
        },
    })
}

/// `*.sql` files of `dir`, sorted by name. Which names count and their
/// order are the core's rule ([`migration_files`]), the same the runtime's
/// `Migrator::from_dir` reads a directory by; the macro cannot use the
/// runtime's lister (the runtime depends on this crate), and the core does
/// no I/O, so the directory reading is here.
fn read_dir(dir: &Path, shown: &str) -> Result<Vec<(String, PathBuf)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read the migrations directory `{shown}` ({}): {e}; create it with `cargo schema init`, \
             or pass the directory: `embed_migrations!(\"path/to/migrations\")`",
            dir.display()
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        if path.is_file() {
            files.push((entry.file_name().to_string_lossy().into_owned(), path));
        }
    }
    Ok(migration_files(files))
}
