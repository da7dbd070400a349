//! The `cargo-schema` binary end to end, in temporary cargo projects.

mod support;

mod baseline;
mod flow;
mod graph;
mod import;
mod lease;
mod links;
mod progress;
mod project;
mod pull;
