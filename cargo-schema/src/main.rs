use std::process::ExitCode;

fn main() -> ExitCode {
    cargo_schema::run(std::env::args_os())
}
