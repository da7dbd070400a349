//! `cargo schema`: Alembic-grade schema migrations for Rust.
//!
//! `main.rs` only calls [`run`]; tests may call it in process.
#![deny(missing_docs)]

pub mod cargo;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod error;
pub mod import;
pub mod output;
pub mod progress;
pub mod project;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use error::CliError;

/// Parses `args` (as given to `cargo-schema`, with or without the `schema`
/// word cargo inserts) and runs the command.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // `cargo schema x` runs `cargo-schema schema x`.
    if args.get(1).is_some_and(|a| a == "schema") {
        args.remove(1);
    }
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let out = output::Output::new(&cli.global);
    match commands::dispatch(&cli, &out) {
        Ok(code) => code,
        Err(e) => {
            out.error(e.to_string());
            ExitCode::from(e.exit_code())
        }
    }
}
