//! The `cargo-schema` binary end to end, in temporary cargo projects.

mod support;

mod arrays;
mod baseline;
mod collation;
mod config_fuzz;
mod dialects;
mod enums;
mod features;
mod flow;
mod generated;
mod graph;
mod import;
mod kill;
mod lease;
mod limits;
mod links;
mod lint;
mod progress;
mod project;
mod pull;
mod secrets;
mod unmodelled;
