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
mod ctxt;
mod table;
mod tokens;
mod types;

pub use tokens::table_to_tokens;

use crate::model::Table;

/// Parses a `#[derive(Model)]` struct into its table.
///
/// On failure the error holds every mistake found in the struct (combined
/// with [`syn::Error::combine`]), each spanned on the offending token.
pub fn parse_model(input: &syn::DeriveInput) -> Result<Table, syn::Error> {
    let cx = ctxt::Ctxt::new();
    let table = table::build(&cx, input);
    cx.check()?;
    Ok(table)
}
