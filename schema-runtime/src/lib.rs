//! Applies cargo-schema migrations synchronously over diesel connections,
//! from a CLI, a `build.rs` or an application's start-up (even inside a tokio
//! runtime), and introspects live databases for autogenerate and drift checks.
#![deny(missing_docs)]

/// Reading a live database back into a [`Schema`].
pub mod introspect {
    pub mod mysql;
    pub mod postgres;
}

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
