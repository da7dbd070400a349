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
//! The pure-Rust drivers are async. Each connection drives its I/O on a
//! private current-thread runtime, never on the application's: a runtime
//! cannot be blocked on from inside another (tokio panics), so when the
//! caller is itself inside a tokio runtime (`#[tokio::main]`, an axum
//! handler) the call runs on a short-lived thread of its own and the caller
//! waits for it. Dropping the connection (and its runtime) follows the same
//! rule.

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

/// diesel's connection to PostgreSQL in this build: libpq's when the
/// `postgres-libpq` feature is on, otherwise the pure-Rust driver's.
#[cfg(feature = "postgres-libpq")]
pub type PgConnection = diesel::pg::PgConnection;
/// diesel's connection to PostgreSQL in this build: libpq's when the
/// `postgres-libpq` feature is on, otherwise the pure-Rust driver's.
#[cfg(all(feature = "postgres", not(feature = "postgres-libpq")))]
pub type PgConnection =
    diesel_async::async_connection_wrapper::AsyncConnectionWrapper<diesel_async::AsyncPgConnection>;

/// diesel's connection to MySQL/MariaDB in this build: libmysqlclient's
/// when the `mysql-libmysqlclient` feature is on, otherwise the pure-Rust
/// driver's.
#[cfg(feature = "mysql-libmysqlclient")]
pub type MysqlConnection = diesel::mysql::MysqlConnection;
/// diesel's connection to MySQL/MariaDB in this build: libmysqlclient's
/// when the `mysql-libmysqlclient` feature is on, otherwise the pure-Rust
/// driver's.
#[cfg(all(feature = "mysql", not(feature = "mysql-libmysqlclient")))]
pub type MysqlConnection = diesel_async::async_connection_wrapper::AsyncConnectionWrapper<
    diesel_async::AsyncMysqlConnection,
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

/// How a driver is handed a URL.
pub(crate) trait ConnectionString {
    /// The connection string for `url`, or why this driver cannot serve it
    /// (with what to do instead).
    fn connection_string(url: &DatabaseUrl) -> Result<String, String> {
        Ok(url.diesel_url(false))
    }
}

#[cfg(feature = "postgres-libpq")]
impl ConnectionString for diesel::pg::PgConnection {}
#[cfg(feature = "mysql-libmysqlclient")]
impl ConnectionString for diesel::mysql::MysqlConnection {}

/// tokio-postgres reads libpq's URL format but knows fewer parameters, and
/// this build gives it no TLS implementation.
#[cfg(all(feature = "postgres", not(feature = "postgres-libpq")))]
impl ConnectionString for PgConnection {
    fn connection_string(url: &DatabaseUrl) -> Result<String, String> {
        const KNOWN: &[&str] = &[
            "user",
            "password",
            "dbname",
            "options",
            "application_name",
            "host",
            "hostaddr",
            "port",
            "connect_timeout",
            "tcp_user_timeout",
            "keepalives",
            "keepalives_idle",
            "keepalives_interval",
            "keepalives_retries",
            "target_session_attrs",
            "load_balance_hosts",
        ];
        rewrite_query(&url.diesel_url(false), |key, value| match key {
            // Without TLS, `prefer` and `allow` both mean a plain connection.
            "sslmode" => match value {
                "disable" | "allow" | "prefer" => Ok(Some(("sslmode", "disable".into()))),
                _ => Err(format!(
                    "`sslmode={value}` needs TLS, which the pure-Rust PostgreSQL driver of this \
                     build does not do; use the `postgres-libpq` feature (libpq) for TLS"
                )),
            },
            _ => match KNOWN.iter().find(|k| **k == key) {
                Some(k) => Ok(Some((*k, value.to_string()))),
                None => Err(format!(
                    "the pure-Rust PostgreSQL driver does not know the URL parameter `{key}`; \
                     remove it, or use the `postgres-libpq` feature (libpq)"
                )),
            },
        })
    }
}

/// mysql_async names the socket `socket` and has no TLS in this build.
#[cfg(all(feature = "mysql", not(feature = "mysql-libmysqlclient")))]
impl ConnectionString for MysqlConnection {
    fn connection_string(url: &DatabaseUrl) -> Result<String, String> {
        rewrite_query(&url.diesel_url(false), |key, value| match key {
            "unix_socket" => Ok(Some(("socket", value.to_string()))),
            "ssl_mode" if value.eq_ignore_ascii_case("disabled") => Ok(None),
            "ssl_mode" if value.eq_ignore_ascii_case("preferred") => Ok(None),
            _ => Err(format!(
                "`{key}={value}` needs TLS, which the pure-Rust MySQL driver of this build \
                 does not do; use the `mysql-libmysqlclient` feature (libmysqlclient) for TLS"
            )),
        })
    }
}

/// `url` with each `key=value` of its query (still percent-encoded) passed
/// through `f`: kept as returned, dropped on `None`, refused on `Err`.
#[cfg(any(
    all(feature = "postgres", not(feature = "postgres-libpq")),
    all(feature = "mysql", not(feature = "mysql-libmysqlclient"))
))]
fn rewrite_query(
    url: &str,
    f: impl Fn(&str, &str) -> Result<Option<(&'static str, String)>, String>,
) -> Result<String, String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok(url.to_string());
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let Some((k, v)) = f(key, value)? {
            kept.push(format!("{k}={v}"));
        }
    }
    Ok(if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    })
}

/// Opens a connection of driver `C` and holds it as `H`; `Err` carries the
/// driver's refusal or why it cannot serve this URL.
#[cfg(any(
    feature = "postgres",
    feature = "postgres-libpq",
    feature = "mysql",
    feature = "mysql-libmysqlclient"
))]
pub(crate) fn establish<C, H>(url: &DatabaseUrl) -> Result<H, String>
where
    C: diesel::Connection + ConnectionString + Into<H>,
    H: Run<Conn = C>,
{
    let conn_str = C::connection_string(url)?;
    off_runtime(|| C::establish(&conn_str))
        .map(Into::into)
        .map_err(|e| e.to_string())
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

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[cfg(all(feature = "postgres", not(feature = "postgres-libpq")))]
    #[test]
    fn postgres_urls_for_the_pure_rust_driver() {
        let conn = |u: &str| PgConnection::connection_string(&DatabaseUrl::parse(u).unwrap());
        assert_eq!(
            conn("postgres://app:pw@db:5432/app?application_name=web&sslmode=prefer").unwrap(),
            "postgres://app:pw@db:5432/app?application_name=web&sslmode=disable"
        );
        assert_eq!(
            conn("postgres://db/app").unwrap(),
            "postgres://db/app",
            "no query stays no query"
        );
        let tls = conn("postgresql+asyncpg://app@db/app?ssl=require").unwrap_err();
        assert!(
            tls.contains("sslmode=require") && tls.contains("postgres-libpq"),
            "{tls}"
        );
        let unknown = conn("postgres://db/app?sslrootcert=/ca.pem").unwrap_err();
        assert!(unknown.contains("`sslrootcert`"), "{unknown}");
    }

    #[cfg(all(feature = "mysql", not(feature = "mysql-libmysqlclient")))]
    #[test]
    fn mysql_urls_for_the_pure_rust_driver() {
        let conn = |u: &str| MysqlConnection::connection_string(&DatabaseUrl::parse(u).unwrap());
        assert_eq!(
            conn("mysql://root@localhost/app?socket=/run/mysqld.sock").unwrap(),
            "mysql://root@localhost/app?socket=/run/mysqld.sock"
        );
        assert_eq!(
            conn("mysql://root@db/app?ssl-mode=disabled").unwrap(),
            "mysql://root@db/app"
        );
        let tls = conn("mysql://root@db/app?ssl-mode=required").unwrap_err();
        assert!(tls.contains("mysql-libmysqlclient"), "{tls}");
    }
}
