//! An async application that owns its schema: `#[tokio::main]` brings the
//! database named by `DATABASE_URL` up to date with the migrations embedded
//! from `migrations/` (through `schema-runtime`), and only then opens the
//! app's own sqlx pool and serves a small JSON API with axum.
//!
//! One URL serves both: SQLite by default (`sqlite://notes.db`), PostgreSQL
//! (`postgres://…`) or MySQL/MariaDB (`mysql://…`, `mariadb://…`) when it says
//! so. sqlx's `Any` driver keeps a single code path for the three.
//!
//! | route | does |
//! |---|---|
//! | `POST /notes` `{"body": "…", "author": "…"}` | stores a note, answers `201` with it (`author` defaults to `anonymous`) |
//! | `GET /notes` | every note, by id |

use std::fmt;
use std::io;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use schema_runtime::{Backend, DatabaseUrl, EmbeddedMigrations, Migrator};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

/// The files of `migrations/`, compiled in.
pub static MIGRATIONS: EmbeddedMigrations = schema_runtime::embed_migrations!();

/// Where the app's settings come from: the environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`; default `sqlite://notes.db` (relative to the working
    /// directory).
    pub database_url: String,
    /// `LISTEN_ADDR`; default `127.0.0.1:3000`. Port 0 picks a free port,
    /// which the `listening on` line names.
    pub listen_addr: String,
}

impl Config {
    /// Reads `DATABASE_URL` and `LISTEN_ADDR`, with their defaults.
    pub fn from_env() -> Config {
        Config {
            database_url: env_or("DATABASE_URL", "sqlite://notes.db"),
            listen_addr: env_or("LISTEN_ADDR", "127.0.0.1:3000"),
        }
    }
}

fn env_or(name: &str, default: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v,
        _ => default.to_string(),
    }
}

/// Why the app could not start or stopped serving.
#[derive(Debug)]
pub enum StartError {
    /// `DATABASE_URL` is not a URL the app understands.
    Url(String),
    /// The migrations could not be applied (unreachable database, a failing
    /// statement, ...). Nothing of a failed migration is left applied.
    Migrate(schema_runtime::Error),
    /// The sqlx pool could not connect.
    Connect {
        /// The database, password hidden.
        database: String,
        /// What sqlx said.
        source: sqlx::Error,
    },
    /// The listen address could not be bound.
    Bind {
        /// `LISTEN_ADDR` as given.
        addr: String,
        /// What the OS said.
        source: io::Error,
    },
    /// The server failed while serving.
    Serve(io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Url(e) => write!(f, "DATABASE_URL: {e}"),
            StartError::Migrate(e) => write!(f, "could not apply the migrations: {e}"),
            StartError::Connect { database, source } => {
                write!(f, "could not connect to {database}: {source}")
            }
            StartError::Bind { addr, source } => {
                write!(f, "could not listen on {addr} (LISTEN_ADDR): {source}")
            }
            StartError::Serve(e) => write!(f, "the server stopped: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Migrates, connects, listens, and serves until Ctrl-C or SIGTERM.
///
/// Prints one `applied REV MESSAGE` line per migration it ran (or
/// `schema already at head`), then `listening on ADDR` once it accepts
/// connections.
pub async fn run(config: Config) -> Result<(), StartError> {
    let url =
        DatabaseUrl::parse(&config.database_url).map_err(|e| StartError::Url(e.to_string()))?;
    if url.is_sqlite_memory() {
        // The migrator and every pooled connection would each get their own
        // empty in-memory database.
        return Err(StartError::Url(
            "an in-memory SQLite database is private to one connection; use a file such as sqlite://notes.db".into(),
        ));
    }

    // Before anything else touches the database. Replicas starting together
    // are serialised by the runtime's lock: each migration runs once.
    let report = Migrator::new(&MIGRATIONS)
        .upgrade_async(&url)
        .await
        .map_err(StartError::Migrate)?;
    println!("database: {}", report.database);
    for step in &report.steps {
        println!("applied {} {}", step.revision, step.message);
    }
    if report.steps.is_empty() {
        println!("schema already at head");
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }

    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(5)
        .acquire_timeout(Duration::from_secs(30))
        .connect(&config.database_url)
        .await
        .map_err(|source| StartError::Connect {
            database: url.redacted(),
            source,
        })?;

    let listener = tokio::net::TcpListener::bind(&config.listen_addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen_addr.clone(),
            source,
        })?;
    let local = listener.local_addr().map_err(StartError::Serve)?;
    println!("listening on {local}");

    let state = AppState {
        pool: pool.clone(),
        sql: Sql::for_backend(url.backend()),
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve)?;
    pool.close().await;
    println!("stopped");
    Ok(())
}

/// What every handler gets: the pool and the SQL for its database.
#[derive(Clone)]
pub struct AppState {
    pool: AnyPool,
    sql: Sql,
}

/// The few statements whose text differs per database: `Any` passes SQL
/// through unchanged, and PostgreSQL numbers its placeholders.
#[derive(Clone, Copy)]
struct Sql {
    insert_note: &'static str,
}

impl Sql {
    fn for_backend(backend: Backend) -> Sql {
        match backend {
            Backend::Postgres => Sql {
                insert_note: "INSERT INTO notes (id, author, body) VALUES ($1, $2, $3)",
            },
            _ => Sql {
                insert_note: "INSERT INTO notes (id, author, body) VALUES (?, ?, ?)",
            },
        }
    }
}

/// The API's routes on `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/notes", post(create_note).get(list_notes))
        .with_state(state)
}

/// The body of `POST /notes`.
#[derive(Debug, Deserialize)]
pub struct NewNote {
    /// The text; must not be blank.
    pub body: String,
    /// Who wrote it; `anonymous` when missing.
    #[serde(default)]
    pub author: Option<String>,
}

/// A stored note.
#[derive(Debug, Serialize)]
pub struct Note {
    /// Random positive 63-bit id, chosen by the app (see the migration).
    pub id: i64,
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub body: String,
}

async fn create_note(
    State(state): State<AppState>,
    Json(new): Json<NewNote>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    if new.body.trim().is_empty() {
        return Err(ApiError::BadRequest("body must not be empty"));
    }
    let author = new
        .author
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "anonymous".to_string());
    if author.chars().count() > 100 {
        return Err(ApiError::BadRequest("author is longer than 100 characters"));
    }
    let id = new_id()?;
    sqlx::query(state.sql.insert_note)
        .bind(id)
        .bind(&author)
        .bind(&new.body)
        .execute(&state.pool)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Note {
            id,
            author,
            body: new.body,
        }),
    ))
}

async fn list_notes(State(state): State<AppState>) -> Result<Json<Vec<Note>>, ApiError> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, author, body FROM notes ORDER BY id")
            .fetch_all(&state.pool)
            .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, author, body)| Note { id, author, body })
            .collect(),
    ))
}

/// Auto-increment has no spelling that SQLite, PostgreSQL and MySQL all
/// accept, so the one migration file keeps a plain BIGINT key and the app
/// draws it from the OS random source.
fn new_id() -> Result<i64, ApiError> {
    let n = getrandom::u64().map_err(|e| ApiError::Internal(format!("random id: {e}")))?;
    Ok((n >> 1) as i64)
}

/// A handler's failure, as an HTTP answer with a JSON `{"error": "..."}` body.
#[derive(Debug)]
enum ApiError {
    BadRequest(&'static str),
    Internal(String),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(format!("database: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.to_string()),
            ApiError::Internal(m) => {
                // The details go to the log, not to the client.
                eprintln!("error: {m}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_string(),
                )
            }
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // Without a signal handler the server simply runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
