//! Database URLs: one `DATABASE_URL` for the application and the migrator.
//!
//! [`DatabaseUrl::parse`] accepts every spelling an application may already
//! keep in its environment — sqlx/diesel URLs, SQLAlchemy URLs with a driver
//! suffix (`postgresql+asyncpg://`, `mysql+aiomysql://`,
//! `sqlite+aiosqlite:///app.db`), SQLite `file:` URIs and bare paths — and
//! maps it to the connection string diesel's *sync* connection needs
//! ([`DatabaseUrl::diesel_url`]). Parameters only an async driver understands
//! are dropped, each with a line in [`DatabaseUrl::notes`].
//!
//! Parsing is pure: it never touches the file system or the network.
//!
//! ```
//! use schema_core::url::{Backend, DatabaseUrl};
//!
//! let url = DatabaseUrl::parse("postgresql+asyncpg://app:s3cr%40t@db:5432/app?ssl=require").unwrap();
//! assert_eq!(url.backend(), Backend::Postgres);
//! assert_eq!(url.redacted(), "postgresql+asyncpg://app:***@db:5432/app?ssl=require");
//! assert_eq!(url.diesel_url(false), "postgres://app:s3cr%40t@db:5432/app?sslmode=require");
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// The database server family a URL points at. The same type as
/// [`Dialect`](crate::dialect::Dialect) — one type for "which database" —
/// so `Backend::Sqlite`, `Backend::Postgres`, `Backend::Mysql`,
/// [`as_str`](crate::dialect::Dialect::as_str), `Display` and
/// [`dialect`](crate::dialect::Dialect::dialect) (the identity) keep working.
pub use crate::dialect::Dialect as Backend;

/// The URL schemes [`DatabaseUrl::parse`] accepts, for error messages.
pub const SUPPORTED_SCHEMES: &[&str] = &[
    "postgres://",
    "postgresql://",
    "postgresql+asyncpg://",
    "postgresql+psycopg://",
    "postgresql+psycopg2://",
    "mysql://",
    "mariadb://",
    "mysql+asyncmy://",
    "mysql+aiomysql://",
    "mysql+pymysql://",
    "mysql+mysqldb://",
    "sqlite:",
    "sqlite://",
    "sqlite+aiosqlite://",
    "sqlite+pysqlite://",
    "file:",
];

/// Why a database URL was rejected. Messages never contain a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The URL is empty or only whitespace.
    #[error(
        "the database URL is empty; set it to e.g. `sqlite://app.db` or `postgres://user@host/db`"
    )]
    Empty,
    /// The scheme is not one of [`SUPPORTED_SCHEMES`].
    #[error("unsupported database URL scheme `{scheme}` in `{url}`; supported: {}", SUPPORTED_SCHEMES.join(", "))]
    UnsupportedScheme {
        /// The scheme as written (without `://`).
        scheme: String,
        /// The URL with any password hidden.
        url: String,
    },
    /// The URL has a supported scheme but is malformed.
    #[error("invalid database URL `{url}`: {reason}")]
    Invalid {
        /// The URL with any password hidden.
        url: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

/// How a SQLite database file is opened (the `mode=` URI option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SqliteMode {
    /// `mode=ro`: read-only; the file must exist.
    ReadOnly,
    /// `mode=rw`: read-write; the file must exist.
    ReadWrite,
    /// `mode=rwc`: read-write, created when missing.
    ReadWriteCreate,
    /// `mode=memory`: a private in-memory database.
    Memory,
}

impl SqliteMode {
    fn parse(v: &str) -> Option<Self> {
        Some(match v {
            "ro" => SqliteMode::ReadOnly,
            "rw" => SqliteMode::ReadWrite,
            "rwc" => SqliteMode::ReadWriteCreate,
            "memory" => SqliteMode::Memory,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            SqliteMode::ReadOnly => "ro",
            SqliteMode::ReadWrite => "rw",
            SqliteMode::ReadWriteCreate => "rwc",
            SqliteMode::Memory => "memory",
        }
    }
}

/// How a command treats a SQLite database file that does not exist yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenMode {
    /// Create it (`upgrade`, `stamp`), unless the URL says `mode=rw`/`mode=ro`.
    CreateMissing,
    /// It must exist (unless the URL says `mode=rwc`).
    Existing,
    /// Read-only commands: a missing file is an empty database, and it is
    /// *not* created (an empty in-memory database stands in for it).
    ExistingOrEmpty,
}

/// How to open a SQLite database, decided by [`DatabaseUrl::sqlite_open`]
/// from the URL and the command before the file system is looked at. Every
/// variant carries the connection string for diesel's `SqliteConnection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteOpen {
    /// An in-memory database.
    Memory {
        /// `:memory:` or a `file::memory:?...` URI.
        diesel_url: String,
    },
    /// A file that is created when missing. Its directory must exist: the
    /// migrator creates the database file, not directories.
    Create {
        /// The file, as written in the URL.
        path: PathBuf,
        /// A `file:` URI with `mode=rwc`.
        diesel_url: String,
    },
    /// A file that must exist (`mode=rw`, `mode=ro`, or a command that does
    /// not create databases).
    Existing {
        /// The file, as written in the URL.
        path: PathBuf,
        /// A `file:` URI.
        diesel_url: String,
    },
    /// A file opened if it exists; when it does not, an empty in-memory
    /// database (`:memory:`) stands in and the file is not created.
    ExistingOrEmpty {
        /// The file, as written in the URL.
        path: PathBuf,
        /// A `file:` URI, for when the file exists.
        diesel_url: String,
    },
}

impl SqliteOpen {
    /// The connection string for diesel (for
    /// [`ExistingOrEmpty`](SqliteOpen::ExistingOrEmpty): when the file exists).
    pub fn diesel_url(&self) -> &str {
        match self {
            SqliteOpen::Memory { diesel_url }
            | SqliteOpen::Create { diesel_url, .. }
            | SqliteOpen::Existing { diesel_url, .. }
            | SqliteOpen::ExistingOrEmpty { diesel_url, .. } => diesel_url,
        }
    }

    /// The database file; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        match self {
            SqliteOpen::Memory { .. } => None,
            SqliteOpen::Create { path, .. }
            | SqliteOpen::Existing { path, .. }
            | SqliteOpen::ExistingOrEmpty { path, .. } => Some(path),
        }
    }
}

/// A parsed, validated database URL.
///
/// `Debug` and `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    original: String,
    /// Byte ranges of `original` to mask in [`DatabaseUrl::redacted`].
    secrets: Vec<(usize, usize)>,
    backend: Backend,
    target: Target,
    notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Sqlite(SqliteTarget),
    Server(ServerTarget),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SqliteTarget {
    /// `None` = in-memory.
    path: Option<PathBuf>,
    mode: Option<SqliteMode>,
    /// SQLite URI options other than `mode`, kept in order.
    params: Vec<(String, String)>,
}

#[derive(Clone, PartialEq, Eq)]
struct ServerTarget {
    /// The scheme of the URL handed to diesel (`postgres`, `mysql`).
    scheme: &'static str,
    user: Option<String>,
    password: Option<String>,
    /// `host`, `host:port`, `[::1]:5432` or a libpq multi-host list, as written.
    host: String,
    port: Option<u16>,
    database: Option<String>,
    params: Vec<(String, String)>,
}

impl fmt::Debug for ServerTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTarget")
            .field("scheme", &self.scheme)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("params", &redact_params(&self.params))
            .finish()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseUrl")
            .field("url", &self.redacted())
            .field("backend", &self.backend)
            .field("target", &self.target)
            .field("notes", &self.notes)
            .finish()
    }
}

/// `Display` is the one-line description printed at the top of every
/// command: `sqlite app.db`, `sqlite :memory:` or the redacted URL.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Target::Sqlite(t) => match &t.path {
                Some(p) => write!(f, "sqlite {}", p.display()),
                None => f.write_str("sqlite :memory:"),
            },
            Target::Server(_) => f.write_str(&self.redacted()),
        }
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = UrlError;
    fn from_str(s: &str) -> Result<Self, UrlError> {
        DatabaseUrl::parse(s)
    }
}

impl DatabaseUrl {
    /// Parses any supported URL form (see the module documentation).
    pub fn parse(url: &str) -> Result<DatabaseUrl, UrlError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(UrlError::Empty);
        }
        match scheme_of(url) {
            // `"postgres://..."` or `0postgres://...`: a mistyped URL, not a
            // file name (which would be shown, and created, as written).
            None if url.contains("://") => Err(UrlError::Invalid {
                url: redact_unknown(url),
                reason: "a URL scheme starts with a letter and has only letters, digits, `+`, `-` and `.` before `://` (check for quotes or stray characters)".to_string(),
            }),
            // `//user:password@host` or `user:password@host/db` without a
            // scheme: never a file to create and name in messages.
            None if looks_like_user_info(url) => {
                let (colon, at) = (url.find(':').unwrap_or(0), url.rfind('@').unwrap_or(0));
                Err(UrlError::Invalid {
                    url: format!("{}***{}", &url[..colon + 1], &url[at..]),
                    reason: "it looks like `user:password@host` without a scheme; start it with `postgres://` or `mysql://`".to_string(),
                })
            }
            None => parse_sqlite_path_only(url),
            Some(scheme) => {
                let lower = scheme.to_ascii_lowercase();
                let (base, driver) = match lower.split_once('+') {
                    Some((b, d)) => (b.to_string(), Some(d.to_string())),
                    None => (lower.clone(), None),
                };
                let rest = &url[scheme.len() + 1..];
                match (base.as_str(), driver.as_deref()) {
                    ("postgres" | "postgresql", None)
                    | ("postgresql", Some("asyncpg" | "psycopg" | "psycopg2")) => {
                        parse_server(url, &POSTGRES, driver.as_deref(), rest)
                    }
                    ("mysql" | "mariadb", None)
                    | ("mysql", Some("asyncmy" | "aiomysql" | "pymysql" | "mysqldb")) => {
                        parse_server(url, &MYSQL, driver.as_deref(), rest)
                    }
                    ("sqlite", None) => parse_sqlite_url(url, rest, false),
                    ("sqlite", Some("aiosqlite" | "pysqlite")) => parse_sqlite_url(url, rest, true),
                    ("file", None) => parse_file_uri(url, rest),
                    _ => Err(UrlError::UnsupportedScheme {
                        scheme: scheme.to_string(),
                        url: redact_unknown(url),
                    }),
                }
            }
        }
    }

    /// The server family.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQL dialect for this URL's backend.
    pub fn dialect(&self) -> crate::dialect::Dialect {
        self.backend.dialect()
    }

    /// The URL exactly as given, with the password (and any `password=`
    /// query value) replaced by `***`. Safe to print.
    pub fn redacted(&self) -> String {
        let mut out = String::with_capacity(self.original.len());
        let mut at = 0;
        for &(start, end) in &self.secrets {
            out.push_str(&self.original[at..start]);
            out.push_str("***");
            at = end;
        }
        out.push_str(&self.original[at..]);
        out
    }

    /// Human-readable remarks about the parse: driver-only parameters that
    /// were dropped or translated. Empty for plain URLs.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The connection string for diesel's sync connection. **Contains the
    /// password**: never print it; print [`DatabaseUrl::redacted`].
    ///
    /// For SQLite this is a `file:` URI (or `:memory:`); `create_missing`
    /// decides whether a missing file is created when the URL itself gives
    /// no `mode=` (an explicit `mode=` always wins).
    pub fn diesel_url(&self, create_missing: bool) -> String {
        match &self.target {
            Target::Sqlite(t) => sqlite_diesel_url(t, create_missing),
            Target::Server(s) => server_diesel_url(s),
        }
    }

    /// The SQLite database file, as written (relative paths are relative to
    /// the working directory). `None` for in-memory databases and servers.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.target {
            Target::Sqlite(t) => t.path.as_deref(),
            Target::Server(_) => None,
        }
    }

    /// Whether this is an in-memory SQLite database.
    pub fn is_sqlite_memory(&self) -> bool {
        matches!(&self.target, Target::Sqlite(t) if t.path.is_none())
    }

    /// The `mode=` option given in a SQLite URL, if any.
    pub fn sqlite_mode(&self) -> Option<SqliteMode> {
        match &self.target {
            Target::Sqlite(t) => t.mode,
            Target::Server(_) => None,
        }
    }

    /// Whether opening this SQLite URL creates a missing file: `mode=rwc`
    /// says yes, `mode=rw`/`mode=ro` say no, otherwise `command_creates`
    /// (true for `upgrade`/`stamp`, false for read-only commands) decides.
    /// Always false for servers and in-memory databases.
    pub fn sqlite_creates_missing(&self, command_creates: bool) -> bool {
        match &self.target {
            Target::Sqlite(t) if t.path.is_some() => match t.mode {
                Some(SqliteMode::ReadWriteCreate) => true,
                Some(_) => false,
                None => command_creates,
            },
            _ => false,
        }
    }

    /// How to open this SQLite URL for a command opening it in `mode`: the
    /// one place that combines the URL's `mode=` with the command.
    /// `mode=rwc` creates a missing file, `mode=rw`/`mode=ro` never do,
    /// otherwise `mode` decides; [`OpenMode::ExistingOrEmpty`] never creates
    /// the file. `None` for servers. (Commands that write also refuse a
    /// [`sqlite_read_only`](Self::sqlite_read_only) URL.)
    pub fn sqlite_open(&self, mode: OpenMode) -> Option<SqliteOpen> {
        let Target::Sqlite(t) = &self.target else {
            return None;
        };
        let Some(path) = t.path.clone() else {
            return Some(SqliteOpen::Memory {
                diesel_url: sqlite_diesel_url(t, false),
            });
        };
        let create = self.sqlite_creates_missing(mode == OpenMode::CreateMissing);
        let diesel_url = sqlite_diesel_url(t, create);
        Some(match mode {
            OpenMode::ExistingOrEmpty => SqliteOpen::ExistingOrEmpty { path, diesel_url },
            _ if create => SqliteOpen::Create { path, diesel_url },
            _ => SqliteOpen::Existing { path, diesel_url },
        })
    }

    /// Whether the URL asks for a read-only SQLite connection (`mode=ro` or
    /// `immutable=1`).
    pub fn sqlite_read_only(&self) -> bool {
        match &self.target {
            Target::Sqlite(t) => {
                t.mode == Some(SqliteMode::ReadOnly)
                    || t.params.iter().any(|(k, v)| k == "immutable" && v != "0")
            }
            Target::Server(_) => false,
        }
    }

    /// The database name of a server URL (`app` in `postgres://h/app`).
    pub fn database(&self) -> Option<&str> {
        match &self.target {
            Target::Server(s) => s.database.as_deref(),
            Target::Sqlite(_) => None,
        }
    }

    /// The user name of a server URL, percent-decoded.
    pub fn user(&self) -> Option<&str> {
        match &self.target {
            Target::Server(s) => s.user.as_deref(),
            Target::Sqlite(_) => None,
        }
    }

    /// The host part of a server URL as written (without the port when a
    /// single host is given).
    pub fn host(&self) -> Option<&str> {
        match &self.target {
            Target::Server(s) if !s.host.is_empty() => Some(&s.host),
            _ => None,
        }
    }

    /// The port of a single-host server URL, if given.
    pub fn port(&self) -> Option<u16> {
        match &self.target {
            Target::Server(s) => s.port,
            Target::Sqlite(_) => None,
        }
    }

    /// The same server URL pointing at another database (tests create and
    /// drop their own databases this way). `None` for SQLite.
    pub fn with_database(&self, database: &str) -> Option<DatabaseUrl> {
        let Target::Server(s) = &self.target else {
            return None;
        };
        let mut s = s.clone();
        s.database = Some(database.to_string());
        let diesel = server_diesel_url(&s);
        let mut url = DatabaseUrl::parse(&diesel).ok()?;
        url.notes.clone_from(&self.notes);
        Some(url)
    }
}

// ---------------------------------------------------------------------------
// scheme detection

/// The scheme of `url` (`postgresql+asyncpg`), or `None` when `url` is a
/// bare path (including Windows `C:\...` drive paths).
fn scheme_of(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic()
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    // `C:\data\app.db` or `C:/data/app.db`: a drive letter, not a scheme.
    if scheme.len() == 1 && matches!(url[colon + 1..].chars().next(), Some('\\' | '/') | None) {
        return None;
    }
    // `:memory:` has an empty scheme and was rejected above; `app.db` has no
    // colon. Anything else that looks like `word:` is a scheme.
    Some(scheme)
}

/// A `:` before the last `@`, as in `user:password@host`.
fn looks_like_user_info(url: &str) -> bool {
    let drive = looks_like_drive(url) && matches!(url.as_bytes().get(2), Some(b'\\' | b'/'));
    !drive && matches!((url.find(':'), url.rfind('@')), (Some(colon), Some(at)) if colon < at)
}

/// Best-effort password masking for URLs we could not parse: the user
/// info's password and every `password` query value.
fn redact_unknown(url: &str) -> String {
    let mut ranges: Vec<(usize, usize)> = secret_range_in_authority(url).into_iter().collect();
    ranges.extend(password_values(url));
    ranges.sort_unstable();
    let mut out = String::with_capacity(url.len());
    let mut at = 0;
    for (start, end) in ranges {
        // The authority's range is conservative and may reach into the
        // query: a range starting inside the last one extends it.
        if start < at {
            at = at.max(end);
            continue;
        }
        out.push_str(&url[at..start]);
        out.push_str("***");
        at = end;
    }
    out.push_str(&url[at..]);
    // Only what comes before a line break (or another control character)
    // is shown: a second line may be anything.
    if let Some(cut) = out.find(char::is_control) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// Byte ranges of every `...password...=value` value, wherever it sits (a
/// `#` or `?` in a password may have moved the query), in order.
fn password_values(url: &str) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (key_end, _) in url.match_indices('=') {
        let key_start = url[..key_end].rfind(['?', '&', '#']).map_or(0, |i| i + 1);
        if url[key_start..key_end].contains("password") {
            let value_end = url[key_end..]
                .find(['&', '#'])
                .map_or(url.len(), |i| key_end + i);
            let overlaps = ranges.last().is_some_and(|&(_, end)| key_end < end);
            if value_end > key_end + 1 && !overlaps {
                ranges.push((key_end + 1, value_end));
            }
        }
    }
    ranges
}

/// Conservative on purpose (used only for URLs that failed to parse): from
/// the first `:` after `://` (or the scheme's `:`) to the last `@`, so a
/// password holding an unencoded `/` or `?` is still hidden.
fn secret_range_in_authority(url: &str) -> Option<(usize, usize)> {
    let (start, slashes) = match url.find("://") {
        Some(i) => (i + 3, true),
        // Without `//` (`postgres:user:pw@host`) the authority follows the
        // scheme, and in `app:s3cret@db` what looks like the scheme may be
        // the user name: all up to the `@` is hidden.
        None => (url.find(':')? + 1, false),
    };
    let rest = &url[start..];
    let at = rest.rfind('@')?;
    let colon = match rest[..at].find(':') {
        Some(c) => c + 1,
        None if !slashes => 0,
        None => return None,
    };
    Some((start + colon, start + at))
}

// ---------------------------------------------------------------------------
// PostgreSQL / MySQL

/// libpq connection parameters (PostgreSQL 17 docs, §32.1.2). Anything else
/// in a query string makes libpq refuse the URL.
const LIBPQ_PARAMS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "require_auth",
    "channel_binding",
    "connect_timeout",
    "client_encoding",
    "options",
    "application_name",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslmode",
    "requiressl",
    "sslnegotiation",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslcertmode",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "min_protocol_version",
    "max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "service",
    "target_session_attrs",
    "load_balance_hosts",
];

/// Query parameters diesel's MySQL connection understands.
const DIESEL_MYSQL_PARAMS: &[&str] = &["unix_socket", "ssl_mode", "ssl_ca", "ssl_cert", "ssl_key"];

/// What sets the server URL schemes apart.
struct Server {
    backend: Backend,
    /// The scheme of the URL handed to diesel.
    scheme: &'static str,
    /// Maps a query parameter to what the client library understands.
    map_param: MapParam,
}

/// Maps query parameter `key=value` (given the SQLAlchemy driver named in
/// the scheme, if any) to the parameters the client library understands,
/// with a note for each one renamed or dropped.
type MapParam = fn(
    driver: Option<&str>,
    key: String,
    value: String,
    params: &mut Vec<(String, String)>,
    notes: &mut Vec<String>,
);

const POSTGRES: Server = Server {
    backend: Backend::Postgres,
    scheme: "postgres",
    map_param: map_pg_param,
};

const MYSQL: Server = Server {
    backend: Backend::Mysql,
    scheme: "mysql",
    map_param: map_mysql_param,
};

/// Stands in for a libpq host list or an empty host while the rest of a
/// server URL is parsed (see [`parse_server`]).
const STAND_IN_HOST: &str = "localhost";

/// Parses `scheme://[user[:password]@]host[:port][/database][?query]` with
/// the `url` crate. Byte ranges to redact are taken from the text as
/// written, which the crate does not keep.
fn parse_server(
    original: &str,
    server: &Server,
    driver: Option<&str>,
    rest: &str,
) -> Result<DatabaseUrl, UrlError> {
    let invalid = |reason: String| UrlError::Invalid {
        url: redact_unknown(original),
        reason,
    };
    let Some(after) = rest.strip_prefix("//") else {
        return Err(invalid(format!(
            "expected `//` after the scheme, as in `{}://user@host/database`",
            server.scheme
        )));
    };
    // The `url` crate drops tabs and line breaks, so the text shown (and
    // redacted) would not be the text parsed.
    if original.contains(char::is_control) {
        return Err(invalid(
            "it contains a control character (a line break or a tab?)".to_string(),
        ));
    }
    let base = original.len() - after.len();
    // The authority ends at the first `/`, `?` or `#`; the user info at its
    // last `@` (so an unencoded `@` in a password still works).
    let authority = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    // `user:pa/ss@host`, `user:pa?ss@host`: the authority ended inside the
    // password; an `@` in the path is the same mistake or a URL pasted
    // twice. (An `@` in the query after a plain `host:port` is fine.)
    let port_like = authority
        .split_once(':')
        .is_none_or(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()));
    let path_part = &after[authority.len()..];
    // `u:123?x@h/db`: a numeric password holding a `?` or `#` reads as a
    // port, and the rest of the password, the host and the database land in
    // the query, as a parameter name with an `@` (a value may hold one).
    let at_in_query_name = userinfo.is_none()
        && path_part.split(['?', '&', '#']).skip(1).any(|item| {
            item.split('=')
                .next()
                .is_some_and(|name| name.contains('@'))
        });
    // `u:123?a=b@h/db`: the same, with the cut inside a value; with no
    // path before the query, an `@` followed by `host/db` is no value.
    let host_in_query = userinfo.is_none()
        && path_part.starts_with(['?', '#'])
        && path_part
            .split_once('@')
            .is_some_and(|(_, after)| after.contains('/'));
    let at_in_query_name = at_in_query_name || host_in_query;
    let path_part = &path_part[..path_part.find(['?', '#']).unwrap_or(path_part.len())];
    if path_part.contains('@')
        || at_in_query_name
        || (userinfo.is_none() && !port_like && after.contains('@'))
    {
        return Err(invalid(
            "the user name or password holds a `/`, `?` or `#`; percent-encode it (`/` is `%2F`, `?` is `%3F`, `#` is `%23`)".to_string(),
        ));
    }
    let password_colon = userinfo.and_then(|ui| ui.find(':'));
    let mut secrets = Vec::new();
    if let (Some(ui), Some(c)) = (userinfo, password_colon) {
        secrets.push((base + c + 1, base + ui.len()));
    }

    // libpq also takes a host list (`h1:5432,h2:5433`) and an empty host
    // beside a user or a port (`user@/db`: the default Unix socket), which
    // are not URL hosts: those stay as written, and the URL is parsed with
    // a stand-in host.
    let host_list = hostport.contains(',');
    let empty_host = !authority.is_empty() && (hostport.is_empty() || hostport.starts_with(':'));
    let kept_host = if host_list {
        Some(hostport)
    } else if empty_host {
        Some("")
    } else {
        None
    };
    let parsed = match kept_host {
        Some(kept) => {
            let start = base + authority.len() - hostport.len();
            let end = start + kept.len();
            let text = format!("{}{STAND_IN_HOST}{}", &original[..start], &original[end..]);
            url::Url::parse(&text)
        }
        None => url::Url::parse(original),
    }
    .map_err(|e| {
        // An `@` after the authority means the authority ended inside the
        // user info: what looks like the host or port is part of a password.
        let reason = match e {
            _ if after[authority.len()..].contains('@') => {
                "the user name or password holds a `/`, `?` or `#`".to_string()
            }
            // `user:secret` without `@host`: the "port" may be a password.
            url::ParseError::InvalidPort
                if userinfo.is_none()
                    && !hostport.rsplit_once(':').is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())) =>
            {
                let colon = base + authority.rfind(':').map_or(authority.len(), |c| c + 1);
                let end = base + authority.len();
                return UrlError::Invalid {
                    url: format!("{}***{}", &original[..colon], &original[end..]),
                    reason: "the port is not a number; if this is `user:password`, the `@host` after it is missing".to_string(),
                };
            }
            url::ParseError::InvalidPort => {
                let port = hostport.rsplit_once(':').map_or(hostport, |(_, p)| p);
                format!("port `{port}` is not a number between 0 and 65535")
            }
            other => format!("{other} in host `{hostport}`"),
        };
        invalid(format!(
            "{reason}; if the password contains `/`, `?`, `#` or `@`, percent-encode it (`/` is `%2F`, `@` is `%40`)"
        ))
    })?;

    let user = percent_decode(parsed.username()).map_err(|e| invalid(format!("user name: {e}")))?;
    // `user:@host` has an empty password, which the crate reports as none.
    let password = match password_colon {
        Some(_) => Some(
            percent_decode(parsed.password().unwrap_or(""))
                .map_err(|e| invalid(format!("password: {e}")))?,
        ),
        None => None,
    };
    // The host as written (the crate percent-encodes non-ASCII and
    // rewrites IPv6 addresses); it has passed the crate's checks.
    let host = match kept_host {
        Some(kept) => kept,
        None if hostport.starts_with('[') => &hostport[..hostport.find(']').map_or(0, |i| i + 1)],
        None => hostport.rsplit_once(':').map_or(hostport, |(h, _)| h),
    };
    let port = parsed.port().filter(|_| !host_list);
    // The path as written too: the crate resolves `.` and `..` segments.
    let path = &after[authority.len()..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let database = match path.strip_prefix('/') {
        None | Some("") => None,
        Some(db) => Some(percent_decode(db).map_err(|e| invalid(format!("database name: {e}")))?),
    };

    let mut notes = Vec::new();
    let mut params = Vec::new();
    for pair in parsed.query().unwrap_or("").split('&') {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k).map_err(|e| invalid(format!("query parameter: {e}")))?;
        let value =
            percent_decode(v).map_err(|e| invalid(format!("query parameter `{key}`: {e}")))?;
        (server.map_param)(driver, key, value, &mut params, &mut notes);
    }
    secrets.extend(query_secrets(base, after));
    secrets.sort_unstable();

    Ok(DatabaseUrl {
        original: original.to_string(),
        secrets,
        backend: server.backend,
        target: Target::Server(ServerTarget {
            scheme: server.scheme,
            user: (!user.is_empty()).then_some(user),
            password,
            host: host.to_string(),
            port,
            database,
            params,
        }),
        notes,
    })
}

/// Byte ranges of the URL holding the values of query parameters whose
/// name contains `password`; `after` is the text after `://`, at byte
/// `base` of the URL.
fn query_secrets(base: usize, after: &str) -> Vec<(usize, usize)> {
    let (before_frag, _) = split_once_keep(after, '#');
    let Some(q) = before_frag.find('?') else {
        return Vec::new();
    };
    let mut secrets = Vec::new();
    let mut start = base + q + 1;
    for pair in before_frag[q + 1..].split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            let key = percent_decode(k).unwrap_or_default();
            if key.contains("password") && !v.is_empty() {
                let value_start = start + k.len() + 1;
                secrets.push((value_start, value_start + v.len()));
            }
        }
        start += pair.len() + 1;
    }
    secrets
}

/// Splits at the first `sep`, returning the remainder without it.
fn split_once_keep(s: &str, sep: char) -> (&str, Option<&str>) {
    match s.find(sep) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

fn map_pg_param(
    driver: Option<&str>,
    key: String,
    value: String,
    params: &mut Vec<(String, String)>,
    notes: &mut Vec<String>,
) {
    // sqlx spells a few libpq options with dashes.
    let renamed = match key.as_str() {
        "ssl-mode" => Some("sslmode"),
        "ssl-root-cert" | "ssl-ca" | "sslca" => Some("sslrootcert"),
        "ssl-cert" => Some("sslcert"),
        "ssl-key" => Some("sslkey"),
        "application-name" => Some("application_name"),
        _ => None,
    };
    if let Some(to) = renamed {
        notes.push(format!("query parameter `{key}` passed to libpq as `{to}`"));
        params.push((to.to_string(), value));
        return;
    }
    if LIBPQ_PARAMS.contains(&key.as_str()) {
        params.push((key, value));
        return;
    }
    if key == "ssl" {
        // asyncpg: ssl=<sslmode> or ssl=true/false.
        let lower = value.to_ascii_lowercase();
        let mode = match lower.as_str() {
            "true" | "1" | "on" | "yes" => Some("require"),
            "false" | "0" | "off" | "no" => Some("disable"),
            m @ ("disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full") => {
                Some(m)
            }
            _ => None,
        };
        match mode {
            Some(m) => {
                notes.push(format!("query parameter `ssl={value}` mapped to libpq `sslmode={m}`"));
                params.push(("sslmode".to_string(), m.to_string()));
            }
            None => notes.push(format!(
                "query parameter `ssl={value}` is not an SSL mode libpq understands; dropped (use `sslmode=`)"
            )),
        }
        return;
    }
    let who = driver.unwrap_or("another driver");
    notes.push(format!(
        "query parameter `{key}` is specific to {who} and was dropped for the migrator's libpq connection"
    ));
}

fn map_mysql_param(
    _driver: Option<&str>,
    key: String,
    value: String,
    params: &mut Vec<(String, String)>,
    notes: &mut Vec<String>,
) {
    if DIESEL_MYSQL_PARAMS.contains(&key.as_str()) {
        params.push((key, value));
        return;
    }
    let (to, val) = match key.as_str() {
        "ssl-mode" | "sslmode" => ("ssl_mode", value.to_ascii_lowercase().replace('-', "_")),
        "ssl-ca" | "ssl_ca_file" => ("ssl_ca", value),
        "ssl-cert" => ("ssl_cert", value),
        "ssl-key" => ("ssl_key", value),
        "socket" | "unix-socket" => ("unix_socket", value),
        _ => {
            let extra = if matches!(key.as_str(), "charset" | "collation") {
                " (the migrator always talks utf8mb4)"
            } else {
                ""
            };
            notes.push(format!(
                "query parameter `{key}` is not used by the migrator's MySQL connection and was dropped{extra}"
            ));
            return;
        }
    };
    notes.push(format!(
        "query parameter `{key}` passed to the MySQL client as `{to}`"
    ));
    params.push((to.to_string(), val));
}

fn server_diesel_url(s: &ServerTarget) -> String {
    let mut out = format!("{}://", s.scheme);
    if let Some(u) = &s.user {
        out.push_str(&percent_encode(u, ENCODE_USERINFO));
        if let Some(p) = &s.password {
            out.push(':');
            out.push_str(&percent_encode(p, ENCODE_USERINFO));
        }
        out.push('@');
    } else if let Some(p) = &s.password {
        out.push(':');
        out.push_str(&percent_encode(p, ENCODE_USERINFO));
        out.push('@');
    }
    out.push_str(&s.host);
    if let Some(port) = s.port {
        out.push(':');
        out.push_str(&port.to_string());
    }
    if let Some(db) = &s.database {
        out.push('/');
        out.push_str(&percent_encode(db, ENCODE_PATH));
    }
    for (i, (k, v)) in s.params.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&percent_encode(k, ENCODE_QUERY));
        out.push('=');
        out.push_str(&percent_encode(v, ENCODE_QUERY));
    }
    out
}

fn redact_params(params: &[(String, String)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| {
            if k.contains("password") {
                (k.clone(), "***".to_string())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// SQLite

/// SQLite's own URI options (<https://sqlite.org/uri.html>) besides `mode`.
const SQLITE_URI_PARAMS: &[&str] = &["cache", "vfs", "immutable", "psow", "nolock", "modeof"];

/// A bare path, `:memory:`, or a Windows drive path.
fn parse_sqlite_path_only(url: &str) -> Result<DatabaseUrl, UrlError> {
    let path = if url == ":memory:" {
        None
    } else {
        Some(PathBuf::from(url))
    };
    Ok(sqlite_url(url, path, None, Vec::new(), Vec::new()))
}

fn sqlite_url(
    original: &str,
    path: Option<PathBuf>,
    mode: Option<SqliteMode>,
    params: Vec<(String, String)>,
    notes: Vec<String>,
) -> DatabaseUrl {
    let path = if mode == Some(SqliteMode::Memory) {
        None
    } else {
        path
    };
    DatabaseUrl {
        original: original.to_string(),
        // SQLite has no password, but a `password=` (or SQLCipher-style
        // `sqlcipher_password=`) option is hidden like a server's.
        secrets: password_values(original),
        backend: Backend::Sqlite,
        target: Target::Sqlite(SqliteTarget { path, mode, params }),
        notes,
    }
}

/// `sqlite:...` and `sqlite+driver:...`; `rest` follows the first `:`.
fn parse_sqlite_url(original: &str, rest: &str, sqlalchemy: bool) -> Result<DatabaseUrl, UrlError> {
    let invalid = |reason: String| UrlError::Invalid {
        url: redact_unknown(original),
        reason,
    };
    let (before_frag, _) = split_once_keep(rest, '#');
    let (raw_path, query) = split_once_keep(before_frag, '?');
    let path_text: &str = if sqlalchemy {
        // SQLAlchemy: `sqlite+driver://<host>/<path>`, host always empty.
        // `:///rel.db` is relative, `:////abs.db` absolute, `://` memory.
        match raw_path.strip_prefix("//") {
            Some(p) => match p.strip_prefix('/') {
                Some(p) => p,
                None if p.is_empty() => "",
                None => {
                    return Err(invalid(format!(
                        "SQLAlchemy SQLite URLs have an empty host: write `{}:///{p}` for a relative path or `{}:////{p}` for an absolute one",
                        &original[..original.len() - rest.len() - 1],
                        &original[..original.len() - rest.len() - 1],
                    )))
                }
            },
            None => {
                return Err(invalid(
                    "SQLAlchemy SQLite URLs start with `sqlite+driver:///` (three slashes for a relative path, four for an absolute one)".to_string(),
                ))
            }
        }
    } else {
        // sqlx/diesel: what follows `sqlite://` (or `sqlite:`) is the path.
        raw_path.strip_prefix("//").unwrap_or(raw_path)
    };
    let decoded = percent_decode(path_text).map_err(|e| invalid(format!("path: {e}")))?;
    let (mode, params, notes) = sqlite_query(original, query)?;
    let path = match decoded.as_str() {
        ":memory:" => None,
        "" if sqlalchemy || mode == Some(SqliteMode::Memory) => None,
        "" => {
            return Err(invalid(
                "no database path; write `sqlite://app.db`, `sqlite:///abs/path/app.db` or `sqlite::memory:`".to_string(),
            ))
        }
        p => Some(PathBuf::from(p)),
    };
    Ok(sqlite_url(original, path, mode, params, notes))
}

/// SQLite URI filenames: `file:app.db`, `file:///abs/app.db`,
/// `file://localhost/abs/app.db`, `file::memory:`.
fn parse_file_uri(original: &str, rest: &str) -> Result<DatabaseUrl, UrlError> {
    let invalid = |reason: String| UrlError::Invalid {
        url: redact_unknown(original),
        reason,
    };
    let (before_frag, _) = split_once_keep(rest, '#');
    let (raw_path, query) = split_once_keep(before_frag, '?');
    let path_text = match raw_path.strip_prefix("//") {
        Some(after) => {
            let slash = after.find('/').unwrap_or(after.len());
            let authority = &after[..slash];
            if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
                return Err(invalid(format!(
                    "SQLite file URIs cannot name a host (`{authority}`); write `file:///abs/path.db` or `file:rel/path.db`"
                )));
            }
            &after[slash..]
        }
        None => raw_path,
    };
    let decoded = percent_decode(path_text).map_err(|e| invalid(format!("path: {e}")))?;
    let (mode, params, notes) = sqlite_query(original, query)?;
    let path = match decoded.as_str() {
        ":memory:" => None,
        "" if mode == Some(SqliteMode::Memory) => None,
        "" => return Err(invalid("no database path after `file:`".to_string())),
        p => Some(PathBuf::from(p)),
    };
    Ok(sqlite_url(original, path, mode, params, notes))
}

type SqliteQuery = (Option<SqliteMode>, Vec<(String, String)>, Vec<String>);

fn sqlite_query(original: &str, query: Option<&str>) -> Result<SqliteQuery, UrlError> {
    let invalid = |reason: String| UrlError::Invalid {
        url: redact_unknown(original),
        reason,
    };
    let mut mode = None;
    let mut params = Vec::new();
    let mut notes = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k).map_err(|e| invalid(format!("query parameter: {e}")))?;
        let value =
            percent_decode(v).map_err(|e| invalid(format!("query parameter `{key}`: {e}")))?;
        if key == "mode" {
            mode = Some(SqliteMode::parse(&value).ok_or_else(|| {
                invalid(format!(
                    "unknown SQLite `mode={value}`; expected ro, rw, rwc or memory"
                ))
            })?);
        } else if SQLITE_URI_PARAMS.contains(&key.as_str()) {
            params.push((key, value));
        } else {
            notes.push(format!(
                "query parameter `{key}` is not a SQLite URI option and was dropped for the migrator's connection"
            ));
        }
    }
    Ok((mode, params, notes))
}

fn sqlite_diesel_url(t: &SqliteTarget, create_missing: bool) -> String {
    let mut query: Vec<(String, String)> = Vec::new();
    let mut out = match &t.path {
        None => {
            if t.params.is_empty() {
                return ":memory:".to_string();
            }
            "file::memory:".to_string()
        }
        Some(p) => {
            let mode = t.mode.unwrap_or(if create_missing {
                SqliteMode::ReadWriteCreate
            } else {
                SqliteMode::ReadWrite
            });
            query.push(("mode".to_string(), mode.as_str().to_string()));
            let text = p.to_string_lossy().replace('\\', "/");
            let encoded = percent_encode(&text, ENCODE_SQLITE_PATH);
            if encoded.starts_with('/') {
                // An empty authority, so a path starting with `//` stays a path.
                format!("file://{encoded}")
            } else if looks_like_drive(&text) {
                format!("file:///{encoded}")
            } else {
                format!("file:{encoded}")
            }
        }
    };
    query.extend(t.params.iter().cloned());
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&percent_encode(k, ENCODE_QUERY));
        out.push('=');
        out.push_str(&percent_encode(v, ENCODE_QUERY));
    }
    out
}

fn looks_like_drive(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

// ---------------------------------------------------------------------------
// percent-encoding

type AsciiSet = percent_encoding::AsciiSet;

/// Percent-encoded in user names and passwords: everything but ASCII
/// letters, digits and the RFC 3986 unreserved `-._~`.
const ENCODE_USERINFO: &AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Percent-encoded in a database name.
const ENCODE_PATH: &AsciiSet = ENCODE_USERINFO;
/// Percent-encoded in query keys and values (`/`, `:` and `,` are kept).
const ENCODE_QUERY: &AsciiSet = &ENCODE_USERINFO.remove(b'/').remove(b':').remove(b',');
/// Percent-encoded in a SQLite `file:` URI path (sub-delimiters, `/`, `:`,
/// `@` and spaces are kept).
const ENCODE_SQLITE_PATH: &AsciiSet = &ENCODE_USERINFO
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b' ');

/// `%HH`-encodes the bytes of `s` in `encode` and every non-ASCII byte.
fn percent_encode(s: &str, encode: &'static AsciiSet) -> String {
    percent_encoding::utf8_percent_encode(s, encode).to_string()
}

/// Decodes `%HH` escapes. Stricter than the `percent-encoding` crate, which
/// keeps a stray `%` as it is: here it is an error, so a mistyped escape in
/// a password is reported rather than sent. The result must be UTF-8.
fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    if (0..b.len()).any(|i| b[i] == b'%' && !(hex(i + 1) && hex(i + 2))) {
        return Err(
            "`%` must be followed by two hex digits (write a literal `%` as `%25`)".to_string(),
        );
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| "percent-encoded bytes are not valid UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> DatabaseUrl {
        DatabaseUrl::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn path(s: &str) -> String {
        p(s).sqlite_path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| ":memory:".into())
    }

    #[test]
    fn postgres_plain_forms() {
        for s in [
            "postgres://app:pw@db:5432/app",
            "postgresql://app:pw@db:5432/app",
        ] {
            let u = p(s);
            assert_eq!(u.backend(), Backend::Postgres);
            assert_eq!(u.user(), Some("app"));
            assert_eq!(u.host(), Some("db"));
            assert_eq!(u.port(), Some(5432));
            assert_eq!(u.database(), Some("app"));
            assert_eq!(u.diesel_url(true), "postgres://app:pw@db:5432/app");
            assert!(u.notes().is_empty());
        }
    }

    #[test]
    fn postgres_driver_suffixes_are_accepted() {
        for d in ["asyncpg", "psycopg", "psycopg2"] {
            let u = p(&format!("postgresql+{d}://u@h/db?sslmode=verify-full"));
            assert_eq!(u.backend(), Backend::Postgres);
            assert_eq!(u.diesel_url(false), "postgres://u@h/db?sslmode=verify-full");
        }
        // The suffix is case-insensitive like the scheme.
        assert_eq!(
            p("PostgreSQL+AsyncPG://u@h/db").backend(),
            Backend::Postgres
        );
    }

    #[test]
    fn postgres_libpq_params_kept_driver_params_dropped_with_note() {
        let u = p("postgresql+asyncpg://u:p@h/db?application_name=web&prepared_statement_cache_size=0&ssl=require&connect_timeout=5");
        assert_eq!(
            u.diesel_url(false),
            "postgres://u:p@h/db?application_name=web&sslmode=require&connect_timeout=5"
        );
        assert_eq!(u.notes().len(), 2, "{:?}", u.notes());
        assert!(u.notes()[0].contains("prepared_statement_cache_size"));
        assert!(u.notes()[0].contains("asyncpg"));
        assert!(u.notes()[1].contains("sslmode=require"));
    }

    #[test]
    fn asyncpg_ssl_values() {
        let m = |v: &str| p(&format!("postgresql+asyncpg://h/db?ssl={v}")).diesel_url(false);
        assert_eq!(m("true"), "postgres://h/db?sslmode=require");
        assert_eq!(m("false"), "postgres://h/db?sslmode=disable");
        assert_eq!(m("verify-full"), "postgres://h/db?sslmode=verify-full");
        let u = p("postgresql+asyncpg://h/db?ssl=bogus");
        assert_eq!(u.diesel_url(false), "postgres://h/db");
        assert!(u.notes()[0].contains("ssl=bogus"));
    }

    #[test]
    fn sqlx_dash_params_are_translated() {
        let u = p("postgres://h/db?ssl-mode=require&statement-cache-capacity=0");
        assert_eq!(u.diesel_url(false), "postgres://h/db?sslmode=require");
        assert_eq!(u.notes().len(), 2);
    }

    #[test]
    fn percent_decoding_of_credentials_and_reencoding() {
        let u = p("postgres://us%40er:p%40ss%2Fw%3Ard@h/my%20db");
        assert_eq!(u.user(), Some("us@er"));
        assert_eq!(u.database(), Some("my db"));
        assert_eq!(
            u.diesel_url(false),
            "postgres://us%40er:p%40ss%2Fw%3Ard@h/my%20db"
        );
        assert_eq!(u.redacted(), "postgres://us%40er:***@h/my%20db");
    }

    #[test]
    fn redaction_hides_password_everywhere() {
        let u = p("postgres://app:hunter2@db/app?password=hunter3&sslpassword=x");
        let r = u.redacted();
        assert_eq!(r, "postgres://app:***@db/app?password=***&sslpassword=***");
        assert!(!format!("{u:?}").contains("hunter"));
        assert!(!u.to_string().contains("hunter"));
        // A password containing `@` unencoded: the last `@` ends userinfo.
        let u = p("mysql://root:a@b@localhost/x");
        assert_eq!(u.redacted(), "mysql://root:***@localhost/x");
        assert_eq!(u.diesel_url(false), "mysql://root:a%40b@localhost/x");
    }

    #[test]
    fn a_numeric_password_cut_by_an_unencoded_question_mark_is_refused_unseen() {
        for url in [
            "postgres://u:123?x@h/db",
            "postgres://u:123#x@h/db",
            "mysql://root:42?zz@localhost/app",
            "postgres://u:123?a=b@h/db",
            "postgres://u:123#a=b@h/db",
        ] {
            let err = DatabaseUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains("percent-encode"), "{url}: {err}");
            for secret in ["123", "x@", "42", "zz", "a=b"] {
                assert!(!err.contains(secret), "{url}: {err}");
            }
        }
        // An `@` in a parameter's value is no password.
        let u = p("postgres://h:5432/db?application_name=a@b");
        assert_eq!(u.port(), Some(5432));
    }

    #[test]
    fn no_password_nothing_redacted() {
        assert_eq!(
            p("postgres://app@db/app").redacted(),
            "postgres://app@db/app"
        );
        assert_eq!(p("postgres:///app").redacted(), "postgres:///app");
        assert_eq!(p("postgres:///app").host(), None);
        assert_eq!(p("postgres:///app").diesel_url(false), "postgres:///app");
    }

    #[test]
    fn ipv6_and_multi_host() {
        let u = p("postgres://u@[::1]:6543/db");
        assert_eq!(u.host(), Some("[::1]"));
        assert_eq!(u.port(), Some(6543));
        assert_eq!(u.diesel_url(false), "postgres://u@[::1]:6543/db");
        let u = p("postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write");
        assert_eq!(u.port(), None);
        assert_eq!(
            u.diesel_url(false),
            "postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write"
        );
    }

    #[test]
    fn bad_port_is_explained() {
        let e = DatabaseUrl::parse("postgres://u:pa/ss@h/db")
            .unwrap_err()
            .to_string();
        // `u:pa` reads as host `u`, port `pa`, but `pa` is the start of the
        // password: the message does not quote it.
        assert!(!e.contains("pa/ss") && !e.contains("`pa`"), "{e}");
        assert!(e.contains("percent-encode"), "{e}");
        let e = DatabaseUrl::parse("postgres://u:pw@h:99999/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("port `99999`"), "{e}");
    }

    #[test]
    fn mysql_forms() {
        for s in [
            "mysql://root:pw@127.0.0.1:3306/test",
            "mariadb://root:pw@127.0.0.1:3306/test",
            "mysql+asyncmy://root:pw@127.0.0.1:3306/test",
            "mysql+aiomysql://root:pw@127.0.0.1:3306/test",
            "mysql+pymysql://root:pw@127.0.0.1:3306/test",
            "mysql+mysqldb://root:pw@127.0.0.1:3306/test",
        ] {
            let u = p(s);
            assert_eq!(u.backend(), Backend::Mysql, "{s}");
            assert_eq!(u.diesel_url(false), "mysql://root:pw@127.0.0.1:3306/test");
            assert_eq!(u.redacted(), s.replace(":pw@", ":***@"));
        }
    }

    #[test]
    fn mysql_params() {
        let u = p("mysql+aiomysql://u@h/db?charset=utf8mb4&ssl-mode=REQUIRED&socket=/tmp/m.sock&ssl_ca=/ca.pem");
        assert_eq!(
            u.diesel_url(false),
            "mysql://u@h/db?ssl_mode=required&unix_socket=/tmp/m.sock&ssl_ca=/ca.pem"
        );
        assert_eq!(u.notes().len(), 3, "{:?}", u.notes());
        assert!(u.notes()[0].contains("charset"));
    }

    #[test]
    fn sqlite_memory_forms() {
        for s in [
            "sqlite::memory:",
            ":memory:",
            "sqlite://:memory:",
            "sqlite+aiosqlite://",
            "sqlite+aiosqlite:///:memory:",
            "sqlite+pysqlite://",
            "file::memory:",
            "sqlite://?mode=memory",
            "file:whatever?mode=memory",
        ] {
            let u = p(s);
            assert_eq!(u.backend(), Backend::Sqlite, "{s}");
            assert!(u.is_sqlite_memory(), "{s}");
            assert_eq!(u.diesel_url(true), ":memory:", "{s}");
            assert_eq!(u.to_string(), "sqlite :memory:");
        }
    }

    #[test]
    fn sqlite_sqlx_diesel_paths() {
        assert_eq!(path("sqlite:app.db"), "app.db");
        assert_eq!(path("sqlite://app.db"), "app.db");
        assert_eq!(path("sqlite://data/app.db"), "data/app.db");
        assert_eq!(path("sqlite:///abs/app.db"), "/abs/app.db");
        assert_eq!(path("sqlite:/abs/app.db"), "/abs/app.db");
        assert_eq!(path("sqlite://my%20app.db"), "my app.db");
        assert_eq!(path("SQLITE://app.db"), "app.db");
    }

    #[test]
    fn sqlite_sqlalchemy_paths() {
        assert_eq!(path("sqlite+aiosqlite:///rel.db"), "rel.db");
        assert_eq!(path("sqlite+aiosqlite:///./data/rel.db"), "./data/rel.db");
        assert_eq!(path("sqlite+aiosqlite:////abs.db"), "/abs.db");
        assert_eq!(path("sqlite+pysqlite:///rel.db"), "rel.db");
        assert_eq!(path("sqlite+pysqlite:////var/db/abs.db"), "/var/db/abs.db");
        let e = DatabaseUrl::parse("sqlite+aiosqlite://app.db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sqlite+aiosqlite:///app.db"), "{e}");
    }

    #[test]
    fn sqlite_file_uris() {
        assert_eq!(path("file:app.db"), "app.db");
        assert_eq!(path("file:///abs/app.db"), "/abs/app.db");
        assert_eq!(path("file://localhost/abs/app.db"), "/abs/app.db");
        assert_eq!(path("file:/abs/app.db"), "/abs/app.db");
        assert_eq!(path("file:my%3Fdb.db"), "my?db.db");
        let e = DatabaseUrl::parse("file://server/share/app.db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot name a host"), "{e}");
    }

    #[test]
    fn sqlite_bare_paths() {
        assert_eq!(path("app.db"), "app.db");
        assert_eq!(path("./data/app.db"), "./data/app.db");
        assert_eq!(path("/var/lib/app.db"), "/var/lib/app.db");
        assert_eq!(path(r"C:\data\app.db"), r"C:\data\app.db");
        assert_eq!(path("C:/data/app.db"), "C:/data/app.db");
        assert_eq!(p("app.db").to_string(), "sqlite app.db");
    }

    #[test]
    fn sqlite_mode_and_creation() {
        let u = p("sqlite://app.db");
        assert_eq!(u.sqlite_mode(), None);
        assert!(u.sqlite_creates_missing(true));
        assert!(!u.sqlite_creates_missing(false));
        assert_eq!(u.diesel_url(true), "file:app.db?mode=rwc");
        assert_eq!(u.diesel_url(false), "file:app.db?mode=rw");

        let u = p("sqlite://app.db?mode=rwc");
        assert_eq!(u.sqlite_mode(), Some(SqliteMode::ReadWriteCreate));
        assert!(u.sqlite_creates_missing(false));
        assert_eq!(u.diesel_url(false), "file:app.db?mode=rwc");

        let u = p("sqlite://app.db?mode=rw");
        assert!(!u.sqlite_creates_missing(true));
        assert_eq!(u.diesel_url(true), "file:app.db?mode=rw");

        let u = p("file:app.db?mode=ro&cache=shared");
        assert!(u.sqlite_read_only());
        assert_eq!(u.diesel_url(true), "file:app.db?mode=ro&cache=shared");

        assert!(p("sqlite:app.db?immutable=1").sqlite_read_only());
        assert!(!p(":memory:").sqlite_creates_missing(true));
        assert!(!p("postgres://h/db").sqlite_creates_missing(true));

        let e = DatabaseUrl::parse("sqlite://app.db?mode=wat")
            .unwrap_err()
            .to_string();
        assert!(e.contains("mode=wat") && e.contains("rwc"), "{e}");
    }

    #[test]
    fn sqlite_open_combines_url_mode_and_command() {
        use OpenMode::*;
        let open = |url: &str, mode| p(url).sqlite_open(mode).unwrap();
        let file = |s: &str| PathBuf::from(s);
        assert_eq!(
            open("sqlite://app.db", CreateMissing),
            SqliteOpen::Create {
                path: file("app.db"),
                diesel_url: "file:app.db?mode=rwc".into()
            }
        );
        assert_eq!(
            open("sqlite://app.db", Existing),
            SqliteOpen::Existing {
                path: file("app.db"),
                diesel_url: "file:app.db?mode=rw".into()
            }
        );
        assert_eq!(
            open("sqlite://app.db", ExistingOrEmpty),
            SqliteOpen::ExistingOrEmpty {
                path: file("app.db"),
                diesel_url: "file:app.db?mode=rw".into()
            }
        );
        // An explicit mode wins over the command.
        assert!(matches!(
            open("sqlite://app.db?mode=rwc", Existing),
            SqliteOpen::Create { .. }
        ));
        assert!(matches!(
            open("sqlite://app.db?mode=rw", CreateMissing),
            SqliteOpen::Existing { .. }
        ));
        assert_eq!(
            open("file:app.db?mode=ro", CreateMissing).diesel_url(),
            "file:app.db?mode=ro"
        );
        // Read-only commands never create, whatever the URL says.
        let lazy = open("sqlite://app.db?mode=rwc", ExistingOrEmpty);
        assert!(matches!(lazy, SqliteOpen::ExistingOrEmpty { .. }));
        assert_eq!(lazy.diesel_url(), "file:app.db?mode=rwc");
        assert_eq!(lazy.path(), Some(Path::new("app.db")));
        let memory = open("sqlite::memory:", CreateMissing);
        assert_eq!(
            memory,
            SqliteOpen::Memory {
                diesel_url: ":memory:".into()
            }
        );
        assert_eq!(memory.path(), None);
        assert_eq!(p("postgres://h/db").sqlite_open(CreateMissing), None);
    }

    #[test]
    fn sqlite_diesel_url_encoding() {
        assert_eq!(
            p("sqlite:///abs/a b.db").diesel_url(true),
            "file:///abs/a b.db?mode=rwc"
        );
        assert_eq!(
            p("file:my%3Fdb.db").diesel_url(true),
            "file:my%3Fdb.db?mode=rwc"
        );
        assert_eq!(
            p("sqlite:50%25.db").diesel_url(true),
            "file:50%25.db?mode=rwc"
        );
        assert_eq!(p("a#b.db").diesel_url(true), "file:a%23b.db?mode=rwc");
        assert_eq!(
            p(r"C:\d\app.db").diesel_url(true),
            "file:///C:/d/app.db?mode=rwc"
        );
    }

    #[test]
    fn sqlite_unknown_params_dropped_with_note() {
        let u = p("sqlite+pysqlite:///app.db?uri=true&check_same_thread=false&mode=rwc");
        assert_eq!(u.diesel_url(false), "file:app.db?mode=rwc");
        assert_eq!(u.notes().len(), 2);
    }

    #[test]
    fn sqlite_empty_path_is_an_error() {
        for s in ["sqlite:", "sqlite://", "file:"] {
            let e = DatabaseUrl::parse(s).unwrap_err();
            assert!(matches!(e, UrlError::Invalid { .. }), "{s}: {e}");
        }
    }

    #[test]
    fn unsupported_scheme_names_it_and_lists_supported() {
        let e = DatabaseUrl::parse("mongodb://u:secret@h/db").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("`mongodb`"), "{msg}");
        assert!(msg.contains("postgresql+asyncpg://"), "{msg}");
        assert!(msg.contains("sqlite+aiosqlite://"), "{msg}");
        assert!(!msg.contains("secret"), "{msg}");
        for s in [
            "postgresql+pg8000://h/db",
            "mysql+unknown://h/db",
            "redis://h",
            "mssql:x",
        ] {
            assert!(
                matches!(
                    DatabaseUrl::parse(s),
                    Err(UrlError::UnsupportedScheme { .. })
                ),
                "{s}"
            );
        }
    }

    #[test]
    fn empty_and_malformed() {
        assert_eq!(DatabaseUrl::parse("  "), Err(UrlError::Empty));
        assert!(DatabaseUrl::parse("postgres:h/db").is_err());
        assert!(DatabaseUrl::parse("postgres://u:p@h/db%zz").is_err());
        let e = DatabaseUrl::parse("postgres://u:p%zz@h/db")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("p%zz"), "password hidden: {e}");
    }

    #[test]
    fn with_database_switches_db_and_keeps_credentials() {
        let u = p("postgresql+psycopg://u:p%40@h:5432/postgres?sslmode=disable");
        let t = u.with_database("t_1").unwrap();
        assert_eq!(
            t.diesel_url(false),
            "postgres://u:p%40@h:5432/t_1?sslmode=disable"
        );
        assert_eq!(t.database(), Some("t_1"));
        assert!(p("app.db").with_database("x").is_none());
    }

    #[test]
    fn from_str_works() {
        let u: DatabaseUrl = "sqlite://x.db".parse().unwrap();
        assert_eq!(u.backend(), Backend::Sqlite);
        assert_eq!(Backend::Mysql.to_string(), "mysql");
        assert_eq!(u.dialect(), crate::dialect::Dialect::Sqlite);
        assert_eq!(
            Backend::Postgres.dialect(),
            crate::dialect::Dialect::Postgres
        );
    }
}
