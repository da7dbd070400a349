//! Pure core of cargo-schema: no I/O.
//!
//! Data flows one way: Rust model source or a live database → [`Schema`] →
//! [`diff`] → [`Op`](ops::Op)s → [`Dialect`](dialect::Dialect) → SQL text → migration file → graph.
#![deny(missing_docs)]

#[cfg(feature = "syn")]
pub mod codegen;
pub mod dialect;
pub mod diff;
pub mod lint;
pub mod migration;
pub mod model;
pub mod naming;
pub mod ops;
#[cfg(feature = "syn")]
pub mod parse;
pub mod renames;
pub mod sql;
#[cfg(feature = "state")]
pub mod state;
pub mod suggest;
pub mod unmodelled;
pub mod url;

pub use model::*;
