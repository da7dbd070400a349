//! The model parser shared by `#[derive(Model)]` and the CLI's model
//! discovery: one `syn::DeriveInput` in, one [`Table`] out, so what compiles
//! is exactly what autogenerate sees.
//!
//! Organised like serde_derive's internals: `attr` reads the `#[model(...)]`
//! keys, `types` maps Rust types to [`LogicalType`](crate::LogicalType)s,
//! `table` applies the rules spanning several fields, and `ctxt` collects
//! every error so a struct's mistakes are all reported together.
//!
//! ```
//! let input: syn::DeriveInput = syn::parse_quote! {
//!     #[model(table = "users")]
//!     struct User {
//!         id: i64,
//!         #[model(max_length = 255, unique)]
//!         email: String,
//!     }
//! };
//! let table = schema_core::parse::parse_model(&input).unwrap();
//! assert_eq!(table.name, "users");
//! assert!(table.columns[0].auto_increment);
//! assert_eq!(table.uniques[0].name, "uq_users_email");
//! ```

mod attr;
mod case;
mod ctxt;
mod enum_def;
mod table;
mod tokens;
mod types;

pub(crate) use case::snake_case;
pub use enum_def::{parse_model_enum, resolve_enum_fields, EnumField, ModelEnumDef};
pub use tokens::{table_to_tokens, table_to_tokens_with};

use crate::model::Table;

/// A parsed `#[derive(Model)]` struct: its table, and the fields taken for
/// `#[derive(ModelEnum)]` enums, whose columns hold an [`EnumType`](crate::EnumType) without values until the caller fills them in
/// ([`resolve_enum_fields`], or the derive's `ModelEnum::enum_type()`).
#[derive(Debug, Clone)]
pub struct ParsedModel {
    /// The table.
    pub table: Table,
    /// The enum fields, in declaration order.
    pub enum_fields: Vec<EnumField>,
}

/// Like [`parse_model`], also returning the enum fields.
pub fn parse_model_parts(input: &syn::DeriveInput) -> Result<ParsedModel, syn::Error> {
    let cx = ctxt::Ctxt::new();
    let (table, enum_fields) = table::build(&cx, input);
    cx.check()?;
    Ok(ParsedModel { table, enum_fields })
}

/// Parses a `#[derive(Model)]` struct into its table.
///
/// On failure the error holds every mistake found in the struct (combined
/// with [`syn::Error::combine`]), each spanned on the offending token.
///
/// A field of a type that is not a known scalar is taken for a
/// `#[derive(ModelEnum)]` enum; its column's type is an enum named after
/// it with no values (see [`parse_model_parts`]).
pub fn parse_model(input: &syn::DeriveInput) -> Result<Table, syn::Error> {
    parse_model_parts(input).map(|p| p.table)
}
