//! The diesel connection type of each database in this build, and how a
//! call reaches it.
//!
//! Which driver serves a database is a Cargo feature: `postgres` and
//! `mysql` are pure-Rust drivers (tokio-postgres, mysql_async) driven through
//! diesel's sync `Connection` API, `postgres-libpq` and
//! `mysql-libmysqlclient` are diesel's own drivers on the C client
//! libraries and win when both are compiled in. Everything above this
//! module reaches a connection through [`Run::run`], so it never knows which
//! driver it talks to.
//!
//! The pure-Rust drivers are async. Their I/O runs on one private runtime
//! with a single worker thread ([`DriverRuntime`]), never on the
//! application's: a runtime cannot be blocked on from inside another (tokio
//! panics), so when the caller is itself inside a tokio runtime
//! (`#[tokio::main]`, an axum handler) the call runs on a short-lived thread
//! of its own and the caller waits for it. Dropping a connection follows the
//! same rule.

use schema_core::url::DatabaseUrl;

/// Runs a closure against a driver's diesel connection.
pub(crate) trait Run {
    /// The diesel connection the closure receives.
    type Conn;

    /// Calls `f` with the connection, wherever it is safe to block on it.
    fn run<R: Send>(&mut self, f: impl FnOnce(&mut Self::Conn) -> R + Send) -> R;
}

/// The blocking C-library drivers (SQLite, libpq, libmysqlclient) may be
/// called from any thread, inside a runtime or not.
macro_rules! blocking_driver {
    ($($(#[$cfg:meta])* $ty:ty;)*) => {$(
        $(#[$cfg])*
        impl Run for $ty {
            type Conn = $ty;

            fn run<R: Send>(&mut self, f: impl FnOnce(&mut $ty) -> R + Send) -> R {
                f(self)
            }
        }
    )*};
}

blocking_driver! {
    #[cfg(feature = "sqlite")]
    diesel::sqlite::SqliteConnection;
    #[cfg(feature = "postgres-libpq")]
    diesel::pg::PgConnection;
    #[cfg(feature = "mysql-libmysqlclient")]
    diesel::mysql::MysqlConnection;
}

#[cfg(all(feature = "mysql", not(feature = "mysql-libmysqlclient")))]
mod mysql;
#[cfg(all(feature = "postgres", not(feature = "postgres-libpq")))]
mod postgres;
#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
mod pure;
#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
pub use pure::DriverRuntime;

/// diesel's connection to PostgreSQL in this build: libpq's when the
/// `postgres-libpq` feature is on, otherwise the pure-Rust driver's.
#[cfg(feature = "postgres-libpq")]
pub type PgConnection = diesel::pg::PgConnection;
/// diesel's connection to PostgreSQL in this build: libpq's when the
/// `postgres-libpq` feature is on, otherwise the pure-Rust driver's
/// (tokio-postgres, with rustls for TLS).
#[cfg(all(feature = "postgres", not(feature = "postgres-libpq")))]
pub type PgConnection = diesel_async::async_connection_wrapper::AsyncConnectionWrapper<
    diesel_async::AsyncPgConnection,
    DriverRuntime,
>;

/// diesel's connection to MySQL/MariaDB in this build: libmysqlclient's
/// when the `mysql-libmysqlclient` feature is on, otherwise the pure-Rust
/// driver's.
#[cfg(feature = "mysql-libmysqlclient")]
pub type MysqlConnection = diesel::mysql::MysqlConnection;
/// diesel's connection to MySQL/MariaDB in this build: libmysqlclient's
/// when the `mysql-libmysqlclient` feature is on, otherwise the pure-Rust
/// driver's (mysql_async, with rustls for TLS).
#[cfg(all(feature = "mysql", not(feature = "mysql-libmysqlclient")))]
pub type MysqlConnection = diesel_async::async_connection_wrapper::AsyncConnectionWrapper<
    diesel_async::AsyncMysqlConnection,
    DriverRuntime,
>;

/// What the connection of a database is held as: the connection itself for
/// the blocking drivers, [`Detached`] for the async ones.
#[cfg(feature = "postgres-libpq")]
pub(crate) type PgHandle = PgConnection;
#[cfg(all(feature = "postgres", not(feature = "postgres-libpq")))]
pub(crate) type PgHandle = Detached<PgConnection>;
#[cfg(feature = "mysql-libmysqlclient")]
pub(crate) type MysqlHandle = MysqlConnection;
#[cfg(all(feature = "mysql", not(feature = "mysql-libmysqlclient")))]
pub(crate) type MysqlHandle = Detached<MysqlConnection>;

/// How a driver connects to a URL.
pub(crate) trait Establish: Sized {
    /// A connection to `url`, or the driver's refusal (or why it cannot
    /// serve this URL, with what to do instead).
    fn open(url: &DatabaseUrl) -> Result<Self, String>;
}

/// diesel's C drivers take the URL as diesel spells it.
macro_rules! diesel_driver {
    ($($(#[$cfg:meta])* $ty:ty;)*) => {$(
        $(#[$cfg])*
        impl Establish for $ty {
            fn open(url: &DatabaseUrl) -> Result<Self, String> {
                <$ty as diesel::Connection>::establish(&url.diesel_url(false))
                    .map_err(|e| e.to_string())
            }
        }
    )*};
}

diesel_driver! {
    #[cfg(feature = "postgres-libpq")]
    diesel::pg::PgConnection;
    #[cfg(feature = "mysql-libmysqlclient")]
    diesel::mysql::MysqlConnection;
}

/// Opens a connection of driver `C` and holds it as `H`.
#[cfg(any(
    feature = "postgres",
    feature = "postgres-libpq",
    feature = "mysql",
    feature = "mysql-libmysqlclient"
))]
pub(crate) fn establish<C, H>(url: &DatabaseUrl) -> Result<H, String>
where
    C: Establish + Send + Into<H>,
    H: Run<Conn = C>,
{
    off_runtime(|| C::open(url)).map(Into::into)
}

/// An async driver's connection, used only from outside any tokio runtime.
#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
pub(crate) struct Detached<C: Send> {
    /// `None` only while it is being dropped; boxed because these
    /// connections are several hundred bytes.
    conn: Option<Box<C>>,
}

#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
impl<C: Send> From<C> for Detached<C> {
    fn from(conn: C) -> Self {
        Detached {
            conn: Some(Box::new(conn)),
        }
    }
}

#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
impl<C: Send> Run for Detached<C> {
    type Conn = C;

    fn run<R: Send>(&mut self, f: impl FnOnce(&mut C) -> R + Send) -> R {
        let conn = self
            .conn
            .as_mut()
            .expect("a detached connection is only taken while dropped");
        off_runtime(|| f(&mut **conn))
    }
}

#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
impl<C: Send> Drop for Detached<C> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            off_runtime(move || drop(conn));
        }
    }
}

/// Runs `f` here, or on a thread of its own when this thread is inside a
/// tokio runtime (where blocking on another runtime would panic).
#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
pub(crate) fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Without an async driver every call may block where it is.
#[cfg(any(
    feature = "postgres",
    feature = "postgres-libpq",
    feature = "mysql",
    feature = "mysql-libmysqlclient"
))]
#[cfg(not(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
)))]
pub(crate) fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    f()
}
