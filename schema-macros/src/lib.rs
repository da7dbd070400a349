//! `#[derive(Model)]`, `#[derive(ModelEnum)]` and `embed_migrations!()`: thin shells over schema-core.
//!
//! Both are re-exported by `schema-runtime`; applications depend on that crate
//! only, and the generated code names it through `schema_runtime::__private`.

use proc_macro::TokenStream;

mod derive;
mod embed;
mod model_enum;

/// Derives `schema_runtime::Model` for a struct describing a table.
///
/// See the `#[model(...)]` keys in the crate README.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    derive::expand(input.into()).into()
}

/// Derives `schema_runtime::ModelEnum` for a fieldless enum used as a
/// column type: its SQL type name (`#[model(name = "...")]`, default the
/// enum's name in snake_case) and values (`#[model(rename_all = "...")]`,
/// `#[model(rename = "...")]` on a variant, default snake_case).
#[proc_macro_derive(ModelEnum, attributes(model))]
pub fn derive_model_enum(input: TokenStream) -> TokenStream {
    model_enum::expand(input.into()).into()
}

/// Embeds the migration files of a directory (default `migrations/`, relative
/// to the crate's `CARGO_MANIFEST_DIR`) into the binary at compile time.
///
/// `static MIGRATIONS: EmbeddedMigrations = embed_migrations!();` or
/// `embed_migrations!("db/migrations")`.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    embed::expand(input.into()).into()
}
