//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Writes a migration file into `dir` and returns its path.
pub fn write_migration(
    dir: &Path,
    rev: &str,
    down: Option<&str>,
    message: &str,
    up: &str,
    down_sql: &str,
) -> PathBuf {
    let text = migration_text(rev, down, message, up, down_sql, true);
    let path = dir.join(format!(
        "2026_01_01_0000-{rev}_{}.sql",
        message.replace(' ', "_")
    ));
    std::fs::write(&path, text).unwrap();
    path
}

/// The text of a migration file.
pub fn migration_text(
    rev: &str,
    down: Option<&str>,
    message: &str,
    up: &str,
    down_sql: &str,
    transaction: bool,
) -> String {
    let tx = if transaction {
        String::new()
    } else {
        "-- transaction: false\n".to_string()
    };
    format!(
        "-- revision: {rev}\n-- down_revision: {}\n-- message: {message}\n{tx}\n-- migrate:up\n{up}\n\n-- migrate:down\n{down_sql}\n",
        down.unwrap_or("none")
    )
}

/// A temp dir with a migrations folder and a database path inside it.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        Project { dir }
    }

    pub fn migrations(&self) -> PathBuf {
        self.dir.path().join("migrations")
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("app.db")
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.db_path().display())
    }

    pub fn add(
        &self,
        rev: &str,
        down: Option<&str>,
        message: &str,
        up: &str,
        down_sql: &str,
    ) -> PathBuf {
        write_migration(&self.migrations(), rev, down, message, up, down_sql)
    }

    /// Runs a query on the database file with a fresh connection, returning
    /// the first column of each row as text.
    pub fn query(&self, sql: &str) -> Vec<String> {
        use diesel::{QueryableByName, RunQueryDsl};
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            v: Option<String>,
        }
        let mut c = schema_runtime::Connection::establish(&self.url()).unwrap();
        let rows: Vec<Row> = diesel::sql_query(sql)
            .load(c.as_sqlite_mut().unwrap())
            .unwrap();
        rows.into_iter().map(|r| r.v.unwrap_or_default()).collect()
    }

    pub fn tables(&self) -> Vec<String> {
        self.query(
            "SELECT name AS v FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
    }

    pub fn applied(&self) -> Vec<String> {
        self.query("SELECT revision AS v FROM schema_revisions ORDER BY revision")
    }
}
