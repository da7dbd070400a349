//! `cargo run` in examples/blog: migrate at start-up, then use the database.

fn main() {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://blog.db".to_string());
    match blog::run(&url) {
        Ok(summary) => println!("{summary}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
