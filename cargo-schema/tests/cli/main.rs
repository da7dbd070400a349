//! The `cargo-schema` binary end to end, in temporary cargo projects.

mod support;

mod flow;
mod graph;
mod import;
mod links;
mod progress;
mod project;
