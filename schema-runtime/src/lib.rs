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
    Check, Column, DefaultValue, ForeignKey, Index, LogicalType, PrimaryKey, ReferentialAction,
    Schema, Table, UniqueConstraint,
};
pub use schema_macros::{embed_migrations, Model};

/// A Rust type describing one table, implemented by `#[derive(Model)]`.
pub trait Model {
    /// The table's metadata: exactly what `cargo schema` sees for this struct.
    fn table() -> &'static Table;
}

/// Items the derive and `embed_migrations!` expand to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use schema_core;
    pub use std::sync::OnceLock;
}
