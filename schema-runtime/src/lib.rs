//! Applies cargo-schema migrations synchronously over diesel connections,
//! from a CLI, a `build.rs` or an application's start-up (even inside a tokio
//! runtime), and introspects live databases for autogenerate and drift checks.
//!
//! Layers, each using only the ones below it: [`conn`] (a diesel connection
//! of any backend) → `backend` (one module per database: opening, lock,
//! transactions, version-table queries, introspection entry) → [`version`],
//! [`introspect`](mod@introspect) and the engine (planning, and one loop over the backend
//! hooks for live runs and `--sql` scripts alike) → [`Migrator`] and
//! [`compare`].
//!
//! ```ignore
//! // `migrations/` next to Cargo.toml, read at compile time.
//! static MIGRATIONS: schema_runtime::EmbeddedMigrations = schema_runtime::embed_migrations!();
//!
//! fn main() -> Result<(), schema_runtime::Error> {
//!     let url = std::env::var("DATABASE_URL").unwrap_or("sqlite://app.db".into());
//!     let report = schema_runtime::Migrator::new(&MIGRATIONS).upgrade(&url)?;
//!     println!("{report}");
//!     Ok(())
//! }
//! ```
#![deny(missing_docs)]
// With a backend compiled out, helpers only it uses are dead; warning about
// them in every reduced feature set would be noise.
#![cfg_attr(
    not(all(
        feature = "sqlite",
        any(feature = "postgres", feature = "postgres-libpq"),
        any(feature = "mysql", feature = "mysql-libmysqlclient")
    )),
    allow(dead_code, unused_imports, unused_variables)
)]

mod backend;
pub mod build;
pub mod compare;
pub mod conn;
mod driver;
pub mod embed;
mod engine;
pub mod error;
pub mod files;
pub mod foreign;
mod holder;
pub mod introspect;
pub mod lock;
pub mod migrator;
pub mod report;
mod script;
mod sink;
pub mod version;

pub use compare::{check_models_fit, compare_models, CompareOptions, Comparison};
pub use conn::{AsDatabaseUrl, Connection, OpenMode};
pub use embed::{EmbeddedFile, EmbeddedMigrations};
pub use error::{Error, MigrationFailure, Result};
pub use introspect::{introspect, introspect_url, IntrospectOptions};
pub use migrator::{
    Action, Drift, LockMode, Migrator, Progress, Report, Status, Step, TransactionMode,
};
pub use schema_core::url::{Backend, DatabaseUrl};
pub use version::{AppliedRevision, VersionTable, DEFAULT_VERSION_TABLE};

pub use schema_core::{
    Check, Column, DefaultValue, EnumType, ForeignKey, Index, LogicalType, PrimaryKey,
    ReferentialAction, Schema, Table, UniqueConstraint,
};
pub use schema_macros::{embed_migrations, Model, ModelEnum};

/// A Rust type describing one table, implemented by `#[derive(Model)]`.
pub trait Model {
    /// The table's metadata: exactly what `cargo schema` sees for this struct.
    fn table() -> &'static Table;
}

/// A fieldless Rust enum stored as a column, implemented by
/// `#[derive(ModelEnum)]`: the SQL type's name and values, and the
/// conversions an application's driver code uses.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a column: it is neither a supported scalar type nor a `#[derive(ModelEnum)]` enum",
    label = "not a column type",
    note = "derive `schema_runtime::ModelEnum` on a fieldless enum, give the column's SQL type with `#[model(sql_type = \"...\")]`, or leave the field out of the table with `#[model(skip)]`"
)]
pub trait ModelEnum: Sized + 'static {
    /// The SQL type's name (PostgreSQL `CREATE TYPE`).
    const TYPE_NAME: &'static str;
    /// The values, in declaration order.
    const VALUES: &'static [&'static str];

    /// The SQL type: name and values.
    fn enum_type() -> EnumType {
        EnumType::new(Self::TYPE_NAME, Self::VALUES.iter().copied())
    }

    /// This variant's value as stored in the database.
    fn as_str(&self) -> &'static str;

    /// The variant stored as `value`, if any.
    fn from_value(value: &str) -> Option<Self>;
}

/// Items the derive and `embed_migrations!` expand to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use schema_core;
    pub use std::sync::OnceLock;

    /// Whether `values` holds `value`; usable in a `const` (the derive's
    /// check that an enum field's default is one of its values).
    pub const fn enum_has_value(values: &[&str], value: &str) -> bool {
        let mut i = 0;
        while i < values.len() {
            let (a, b) = (values[i].as_bytes(), value.as_bytes());
            if a.len() == b.len() {
                let mut j = 0;
                while j < a.len() && a[j] == b[j] {
                    j += 1;
                }
                if j == a.len() {
                    return true;
                }
            }
            i += 1;
        }
        false
    }
}
