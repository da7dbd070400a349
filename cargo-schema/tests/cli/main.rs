//! The `cargo-schema` binary end to end, in temporary cargo projects.

mod support;

mod flow;
mod graph;
mod progress;
mod project;
