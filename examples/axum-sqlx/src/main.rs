//! `cargo run -p axum-sqlx`: migrate, then serve the notes API.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match axum_sqlx::run(axum_sqlx::Config::from_env()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
