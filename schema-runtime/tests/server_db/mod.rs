//! A throw-away database per test on a real PostgreSQL or MySQL/MariaDB
//! server, named `cs_test_<random hex>` and dropped when the guard goes out
//! of scope (also when the test panics).
//!
//! The server is taken from `SCHEMA_TEST_POSTGRES_URL` /
//! `SCHEMA_TEST_MYSQL_URL`; without the variable [`TestDb::create`] prints
//! `skipped: ... not set` and returns `None`.

#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::Connection;
use schema_runtime::conn::{MysqlConnection, PgConnection};

/// Which server a test database lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// PostgreSQL, from `SCHEMA_TEST_POSTGRES_URL`.
    Postgres,
    /// MySQL or MariaDB, from `SCHEMA_TEST_MYSQL_URL`.
    Mysql,
}

impl Server {
    /// The environment variable naming the server's URL.
    pub fn env_var(self) -> &'static str {
        match self {
            Server::Postgres => "SCHEMA_TEST_POSTGRES_URL",
            Server::Mysql => "SCHEMA_TEST_MYSQL_URL",
        }
    }
}

/// A freshly created, uniquely named database; dropped on `Drop`.
pub struct TestDb {
    server: Server,
    admin_url: String,
    /// The database name, `cs_test_<hex>`.
    pub name: String,
    /// URL of the new database.
    pub url: String,
}

impl TestDb {
    /// Creates a new database on `server`, or prints a skip line and
    /// returns `None` when the server's URL variable is not set.
    pub fn create(server: Server) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var(server.env_var()) else {
            println!("skipped: {} not set", server.env_var());
            return None;
        };
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).expect("the OS random source works");
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("cs_test_{hex}");
        let url = with_database(&admin_url, &name);
        admin_execute(server, &admin_url, &format!("CREATE DATABASE {name}"));
        Some(TestDb {
            server,
            admin_url,
            name,
            url,
        })
    }

    /// A PostgreSQL connection to the test database.
    pub fn pg(&self) -> PgConnection {
        assert_eq!(self.server, Server::Postgres);
        PgConnection::establish(&self.url)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.name))
    }

    /// A MySQL/MariaDB connection to the test database.
    pub fn mysql(&self) -> MysqlConnection {
        assert_eq!(self.server, Server::Mysql);
        MysqlConnection::establish(&self.url)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.name))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = match self.server {
            // FORCE ends connections a panicking test left open.
            Server::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            Server::Mysql => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let result = match self.server {
            Server::Postgres => PgConnection::establish(&self.admin_url)
                .map_err(|e| e.to_string())
                .and_then(|mut c| c.batch_execute(&sql).map_err(|e| e.to_string())),
            Server::Mysql => MysqlConnection::establish(&self.admin_url)
                .map_err(|e| e.to_string())
                .and_then(|mut c| c.batch_execute(&sql).map_err(|e| e.to_string())),
        };
        if let Err(e) = result {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

fn admin_execute(server: Server, admin_url: &str, sql: &str) {
    let result = match server {
        Server::Postgres => PgConnection::establish(admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| c.batch_execute(sql).map_err(|e| e.to_string())),
        Server::Mysql => MysqlConnection::establish(admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| c.batch_execute(sql).map_err(|e| e.to_string())),
    };
    if let Err(e) = result {
        panic!("{sql} on {}: {e}", server.env_var());
    }
}

/// `scheme://auth@host:port/old?query` → the same URL naming `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let host_end = base[after_scheme..]
        .find('/')
        .map(|i| after_scheme + i)
        .unwrap_or(base.len());
    format!("{}/{database}{query}", &base[..host_end])
}

#[test]
fn with_database_replaces_the_path_only() {
    assert_eq!(
        with_database("postgres://u:p@h:5432/test?sslmode=disable", "x"),
        "postgres://u:p@h:5432/x?sslmode=disable"
    );
    assert_eq!(
        with_database("mysql://root@127.0.0.1:3306", "x"),
        "mysql://root@127.0.0.1:3306/x"
    );
}
