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
        let rows: Vec<Row> = c
            .with_sqlite(|c| diesel::sql_query(sql).load(c))
            .unwrap()
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

use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, LogicalType, PrimaryKey, ReferentialAction,
    Schema, Table, UniqueConstraint,
};

fn col(name: &str, ty: LogicalType) -> Column {
    Column::new(name, ty)
}

/// A two-table model covering every kind of object the differ knows.
pub fn model() -> Schema {
    let mut id = col("id", LogicalType::BigInt);
    id.auto_increment = true;
    let orgs = Table {
        name: "orgs".into(),
        columns: vec![id.clone(), col("name", LogicalType::Varchar(255))],
        primary_key: Some(PrimaryKey {
            name: Some("pk_orgs".into()),
            columns: vec!["id".into()],
        }),
        uniques: vec![UniqueConstraint {
            name: "uq_orgs_name".into(),
            columns: vec!["name".into()],
        }],
        ..Table::default()
    };
    let mut active = col("active", LogicalType::Boolean);
    active.default = Some(DefaultValue::Bool(true));
    let mut seen = col("last_seen", LogicalType::TimestampTz);
    seen.nullable = true;
    let mut created = col("created_at", LogicalType::Timestamp);
    created.default = Some(DefaultValue::Sql("CURRENT_TIMESTAMP".into()));
    let users = Table {
        name: "users".into(),
        columns: vec![
            id,
            col("org_id", LogicalType::BigInt),
            col("email", LogicalType::Varchar(255)),
            active,
            seen,
            created,
            col(
                "balance",
                LogicalType::Numeric {
                    precision: 10,
                    scale: 2,
                },
            ),
            col("data", LogicalType::Json),
            col("token", LogicalType::Uuid),
        ],
        primary_key: Some(PrimaryKey {
            name: Some("pk_users".into()),
            columns: vec!["id".into()],
        }),
        indexes: vec![Index {
            name: "ix_users_org_id".into(),
            columns: vec!["org_id".into()],
            unique: false,
            ..Default::default()
        }],
        uniques: vec![UniqueConstraint {
            name: "uq_users_email".into(),
            columns: vec!["email".into()],
        }],
        foreign_keys: vec![ForeignKey {
            name: Some("fk_users_org_id_orgs".into()),
            columns: vec!["org_id".into()],
            ref_table: "orgs".into(),
            ref_columns: vec!["id".into()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        }],
        checks: vec![Check {
            name: "ck_users_balance".into(),
            sql: "balance >= 0".into(),
        }],
        ..Table::default()
    };
    Schema::new(vec![orgs, users])
}

/// The first column of each row of `sql` on the server at `url`, as text
/// (the query names it `v`).
pub fn server_text_rows(url: &str, backend: schema_runtime::Backend, sql: &str) -> Vec<String> {
    use diesel::{QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        v: Option<String>,
    }
    let mut c = schema_runtime::Connection::establish(url).unwrap();
    let rows: Vec<Row> = match backend {
        schema_runtime::Backend::Postgres => c.with_pg(|pg| diesel::sql_query(sql).load(pg)),
        _ => c.with_mysql(|my| diesel::sql_query(sql).load(my)),
    }
    .unwrap()
    .unwrap();
    rows.into_iter().map(|r| r.v.unwrap_or_default()).collect()
}

/// The table names of the database at `url` on a server, sorted.
pub fn server_tables(url: &str, backend: schema_runtime::Backend) -> Vec<String> {
    let (schema, text) = match backend {
        schema_runtime::Backend::Postgres => ("current_schema()", "TEXT"),
        _ => ("DATABASE()", "CHAR"),
    };
    server_text_rows(
        url,
        backend,
        &format!(
            "SELECT CAST(table_name AS {text}) AS v FROM information_schema.tables \
             WHERE table_schema = {schema} ORDER BY 1"
        ),
    )
}
