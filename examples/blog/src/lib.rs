//! The blog example: models, embedded migrations, and what the app does at
//! start-up — bring the schema to head, check it matches the models, then use
//! it with plain diesel.

pub mod models;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use schema_runtime::{EmbeddedMigrations, Migrator, Model};

use models::{Author, Post};

/// The files of `migrations/`, compiled in.
pub static MIGRATIONS: EmbeddedMigrations = schema_runtime::embed_migrations!();

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Title {
    #[diesel(sql_type = Text)]
    title: String,
}

/// Upgrades the database at `url` to head, refuses to run on drift, writes a
/// post and returns what the app would print.
pub fn run(url: &str) -> Result<String, Box<dyn std::error::Error>> {
    let migrator = Migrator::new(&MIGRATIONS);
    let report = migrator.upgrade(url)?;
    let drift = migrator.check_models(url, &[Author::table(), Post::table()])?;
    if !drift.is_empty() {
        return Err(format!("the database does not match the models:\n{drift}").into());
    }

    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    let mut conn = SqliteConnection::establish(path)?;
    diesel::sql_query(
        "INSERT INTO authors (email, display_name) VALUES ('ada@example.com', 'Ada') \
         ON CONFLICT (email) DO NOTHING",
    )
    .execute(&mut conn)?;
    diesel::sql_query(
        "INSERT INTO posts (author_id, title, body, published) \
         SELECT id, 'Hello from cargo-schema', 'Migrated at start-up.', 1 FROM authors \
         WHERE email = 'ada@example.com'",
    )
    .execute(&mut conn)?;
    let posts =
        diesel::sql_query("SELECT count(*) AS n FROM posts").get_result::<Count>(&mut conn)?;
    let latest = diesel::sql_query("SELECT title FROM posts ORDER BY id DESC LIMIT 1")
        .get_result::<Title>(&mut conn)?;
    Ok(format!(
        "{report}\nschema matches the models\n{} post(s); latest: {}",
        posts.n, latest.title
    ))
}
