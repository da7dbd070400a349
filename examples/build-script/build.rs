//! Brings the database named by `DATABASE_URL` up to date before the crate
//! compiles. Without the variable the build goes on with a `cargo:warning`.

fn main() {
    // Re-runs when `migrations/` or `DATABASE_URL` change (build::upgrade
    // tells cargo so).
    if let Err(e) = schema_runtime::build::upgrade() {
        // Cargo shows a failed build script's stderr; a panic would only add
        // a backtrace hint to the same message.
        eprintln!("error: database migrations failed: {e}");
        std::process::exit(1);
    }
}
