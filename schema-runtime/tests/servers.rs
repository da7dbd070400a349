//! The apply engine and locks against real PostgreSQL and MySQL/MariaDB
//! servers. Each test creates and drops its own database; without
//! `SCHEMA_TEST_POSTGRES_URL` / `SCHEMA_TEST_MYSQL_URL` it prints
//! "skipped: ..." and passes.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use schema_runtime::{Backend, Connection, DatabaseUrl, Error, Migrator, TransactionMode};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

struct TestDb {
    admin: DatabaseUrl,
    name: String,
    url: String,
    backend: Backend,
}

impl TestDb {
    fn new(var: &str) -> Option<TestDb> {
        let Ok(base) = std::env::var(var) else {
            println!("skipped: {var} not set");
            return None;
        };
        let admin = DatabaseUrl::parse(&base).expect("test URL parses");
        let name = format!(
            "cst_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut c = Connection::open(&admin, schema_runtime::OpenMode::Existing).unwrap();
        c.execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = admin.with_database(&name).unwrap().diesel_url(false);
        Some(TestDb {
            backend: admin.backend(),
            admin,
            name,
            url,
        })
    }

    fn conn(&self) -> Connection {
        Connection::establish(&self.url).unwrap()
    }

    /// First column of each row, as text.
    fn query(&self, sql: &str) -> Vec<String> {
        support::server_text_rows(&self.url, self.backend, sql)
    }

    fn tables(&self) -> Vec<String> {
        support::server_tables(&self.url, self.backend)
    }

    fn applied(&self) -> Vec<String> {
        self.query("SELECT revision AS v FROM schema_revisions ORDER BY revision")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = Connection::open(&self.admin, schema_runtime::OpenMode::Existing) {
            let sql = match self.backend {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                _ => format!("DROP DATABASE IF EXISTS {}", self.name),
            };
            let _ = c.execute(&sql);
        }
    }
}

const R1: &str = "eeeeeeee0001";
const R2: &str = "eeeeeeee0002";
const R3: &str = "eeeeeeee0003";

fn project(r2_up: &str) -> support::Project {
    let p = support::Project::new();
    p.add(
        R1,
        None,
        "orgs",
        "CREATE TABLE orgs (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);",
        "DROP TABLE orgs;",
    );
    p.add(R2, Some(R1), "users", r2_up, "DROP TABLE users;");
    p.add(
        R3,
        Some(R2),
        "email",
        "ALTER TABLE users ADD email VARCHAR(100);",
        "ALTER TABLE users DROP COLUMN email;",
    );
    p
}

const USERS: &str = "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, org_id BIGINT NOT NULL);\nCREATE INDEX ix_users_org_id ON users (org_id);";

fn upgrade_downgrade(db: &TestDb) {
    let p = project(USERS);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let r = m.upgrade(&db.url).unwrap();
    assert_eq!(r.steps.len(), 3);
    assert_eq!(db.applied(), [R1, R2, R3]);
    assert!(m.upgrade(&db.url).unwrap().steps.is_empty());
    let status = m.current(&db.url).unwrap();
    assert_eq!(status.heads, [R3]);
    assert!(status.problems.is_empty(), "{status}");
    assert!(!status.database.contains("secret"));

    let r = m.downgrade(&db.url, R1).unwrap();
    assert_eq!(r.steps.len(), 2);
    assert_eq!(db.applied(), [R1]);
    assert_eq!(db.tables(), ["orgs", "schema_revisions"]);
    m.stamp(&db.url, "head", false).unwrap();
    assert_eq!(db.applied(), [R1, R2, R3]);
    m.stamp(&db.url, R1, false).unwrap();
    m.upgrade(&db.url).unwrap();
    assert_eq!(db.applied(), [R1, R2, R3]);
}

fn concurrent_runners(db: &TestDb) {
    let p = project(USERS);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            let dir = p.migrations();
            std::thread::spawn(move || Migrator::from_dir(dir).unwrap().upgrade(&url))
        })
        .collect();
    let total: usize = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap().steps.len())
        .sum();
    assert_eq!(total, 3, "each migration applied exactly once");
    assert_eq!(db.applied(), [R1, R2, R3]);
}

#[test]
fn postgres_upgrade_downgrade_stamp() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    upgrade_downgrade(&db);
}

#[test]
fn mysql_upgrade_downgrade_stamp() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    upgrade_downgrade(&db);
}

#[test]
fn postgres_concurrent_runners() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    concurrent_runners(&db);
}

#[test]
fn mysql_concurrent_runners() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    concurrent_runners(&db);
}

#[test]
fn postgres_failure_rolls_back_the_whole_migration() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    let p =
        project("CREATE TABLE users (id BIGINT PRIMARY KEY);\nCREATE INDEX ix ON users (nope);");
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let err = m.upgrade(&db.url).unwrap_err();
    let Error::Migration(f) = &err else {
        panic!("{err}")
    };
    assert_eq!((f.revision.as_str(), f.line), (R2, 7), "{err}");
    assert!(f.message.contains("\"nope\" does not exist"), "{err}");
    assert!(f.rolled_back);
    assert_eq!(db.tables(), ["orgs", "schema_revisions"], "DDL rolled back");
    assert_eq!(db.applied(), [R1]);

    // Transaction mode `all`: nothing at all.
    db.conn()
        .execute("DROP TABLE orgs; DELETE FROM schema_revisions")
        .unwrap();
    let err = m
        .clone()
        .transaction_mode(TransactionMode::All)
        .upgrade(&db.url)
        .unwrap_err();
    assert!(matches!(err, Error::Migration(_)), "{err}");
    assert_eq!(db.tables(), ["schema_revisions"]);
}

#[test]
fn mysql_partial_failure_is_recorded_dirty_and_stamp_is_the_way_out() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    let p =
        project("CREATE TABLE users (id BIGINT PRIMARY KEY);\nCREATE INDEX ix ON users (nope);");
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let err = m.upgrade(&db.url).unwrap_err();
    let Error::Migration(f) = &err else {
        panic!("{err}")
    };
    assert_eq!((f.revision.as_str(), f.line), (R2, 7), "{err}");
    assert!(!f.rolled_back);
    assert_eq!(f.applied_statements, [6], "{err}");
    let text = err.to_string();
    assert!(
        text.contains("NOT rolled back") && text.contains("line 6"),
        "{text}"
    );
    assert!(text.contains("marked dirty"), "{text}");

    // The next run refuses with the account.
    let err = m.upgrade(&db.url).unwrap_err();
    let Error::Dirty {
        revision, message, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(revision, R2);
    assert!(message.contains("line(s) 6"), "{err}");
    assert!(m.current(&db.url).unwrap().problems[0].contains("dirty"));

    // Repair by hand, stamp R2 as done, continue.
    db.conn().execute("CREATE INDEX ix ON users (id)").unwrap();
    m.stamp(&db.url, R2, false).unwrap();
    m.upgrade(&db.url).unwrap();
    assert_eq!(db.applied(), [R1, R2, R3]);
}

#[test]
fn mysql_failure_on_first_statement_leaves_nothing_dirty() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    let p = project("CREATE TABLE users (id BIGINT PRIMARY KEY, x nope_type);");
    let m = Migrator::from_dir(p.migrations()).unwrap();
    let err = m.upgrade(&db.url).unwrap_err().to_string();
    assert!(
        err.contains("no statement of this migration took effect"),
        "{err}"
    );
    assert_eq!(db.applied(), [R1]);
}

#[test]
fn postgres_lock_wait_times_out_and_names_the_holder() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    let key = schema_runtime::lock::pg_lock_key("schema_revisions");
    let mut holder = db.conn();
    holder
        .execute(&format!(
            "SET application_name = 'holder-app'; SELECT pg_advisory_lock({key})"
        ))
        .unwrap();
    let p = project(USERS);
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_timeout(Duration::from_millis(600));
    let err = m.upgrade(&db.url).unwrap_err();
    let Error::LockTimeout { holder: who, .. } = &err else {
        panic!("{err}")
    };
    let who = who.as_deref().unwrap_or_default();
    assert!(
        who.starts_with("pid ") && who.contains("(holder-app)"),
        "{err}"
    );
    assert!(db.tables().is_empty(), "nothing ran without the lock");
    drop(holder);
    m.upgrade(&db.url).unwrap();
}

#[test]
fn mysql_lock_wait_times_out_and_names_the_holder() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    let name = schema_runtime::lock::mysql_lock_name(&db.name, "schema_revisions");
    let mut holder = db.conn();
    holder
        .execute(&format!("DO GET_LOCK('{name}', 0)"))
        .unwrap();
    let p = project(USERS);
    let m = Migrator::from_dir(p.migrations())
        .unwrap()
        .lock_timeout(Duration::from_millis(600));
    let err = m.upgrade(&db.url).unwrap_err();
    let Error::LockTimeout { holder: who, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        who.as_deref()
            .unwrap_or_default()
            .starts_with("connection "),
        "{err}"
    );
    drop(holder);
    m.upgrade(&db.url).unwrap();
}

fn introspection_round_trip(db: &TestDb) {
    use schema_core::Schema;
    let d = db.backend.dialect();
    let model = support::model();
    let ops = schema_core::diff::diff(&Schema::default(), &model, d);
    let up = d.render_migration(&ops).up;
    db.conn().execute(&up).unwrap();
    let mut c = db.conn();
    let live =
        schema_runtime::introspect(&mut c, &schema_runtime::IntrospectOptions::default()).unwrap();
    let names: Vec<&str> = live.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["orgs", "users"]);
    let users = live.table("users").unwrap();
    assert!(users.column("id").unwrap().auto_increment);
    assert_eq!(users.foreign_keys.len(), 1);
    assert_eq!(users.checks.len(), 1, "{users:#?}");
    let again = schema_core::diff::diff(&live, &model, d);
    assert!(
        again.is_empty(),
        "spurious diff after applying:\n{up}\n{again:#?}\n{live:#?}"
    );

    let tables: Vec<&schema_core::Table> = model.tables.iter().collect();
    let drift = Migrator::from_texts(Vec::<(String, &str)>::new())
        .check_models(&db.url, &tables)
        .unwrap();
    assert!(drift.is_empty(), "{drift}");
}

#[test]
fn postgres_introspection_round_trips() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    introspection_round_trip(&db);
}

#[test]
fn mysql_introspection_round_trips() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    introspection_round_trip(&db);
}

/// Upgrade, introspect and downgrade with plain sync calls made from async
/// code, where blocking on a driver's own runtime would panic if the
/// runtime did not move the work off this thread.
async fn sync_calls_inside_tokio(db: &TestDb) {
    let p = project(USERS);
    let m = Migrator::from_dir(p.migrations()).unwrap();
    assert_eq!(m.upgrade(&db.url).unwrap().steps.len(), 3);
    let mut c = db.conn();
    let live =
        schema_runtime::introspect(&mut c, &schema_runtime::IntrospectOptions::default()).unwrap();
    assert!(live.table("users").is_some(), "{live:#?}");
    drop(c); // dropping a connection inside the runtime is safe too
    assert_eq!(m.downgrade(&db.url, R1).unwrap().steps.len(), 2);
    assert_eq!(db.applied(), [R1]);
    // The runtime is still usable afterwards.
    tokio::task::yield_now().await;
}

#[tokio::test(flavor = "current_thread")]
async fn postgres_sync_calls_inside_a_current_thread_runtime() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    sync_calls_inside_tokio(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sync_calls_inside_a_multi_thread_runtime() {
    let Some(db) = TestDb::new("SCHEMA_TEST_POSTGRES_URL") else {
        return;
    };
    sync_calls_inside_tokio(&db).await;
}

#[tokio::test(flavor = "current_thread")]
async fn mysql_sync_calls_inside_a_current_thread_runtime() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    sync_calls_inside_tokio(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_sync_calls_inside_a_multi_thread_runtime() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    sync_calls_inside_tokio(&db).await;
}

#[test]
fn unreachable_servers_are_clear_errors() {
    // Port 9 (discard) is closed on the test machine: nothing listens there.
    for url in [
        "postgres://app:s3cret@127.0.0.1:9/app",
        "mysql://app:s3cret@127.0.0.1:9/app",
    ] {
        let err = Migrator::from_texts(Vec::<(String, &str)>::new())
            .upgrade(url)
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Connect { .. }), "{url}: {text}");
        assert!(text.contains("cannot connect to"), "{text}");
        assert!(!text.contains("s3cret"), "password leaked: {text}");
    }
}

/// Whether this PostgreSQL session is encrypted.
fn pg_session_is_tls(c: &mut Connection) -> bool {
    use diesel::{QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Tls {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ssl: bool,
    }
    let rows: Vec<Tls> = c
        .with_pg(|pg| {
            diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").load(pg)
        })
        .unwrap()
        .unwrap();
    rows[0].ssl
}

#[test]
fn postgres_tls_follows_sslmode() {
    let Ok(base) = std::env::var("SCHEMA_TEST_POSTGRES_URL") else {
        println!("skipped: SCHEMA_TEST_POSTGRES_URL not set");
        return;
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let with = |q: &str| format!("{base}{sep}{q}");
    let mut plain = Connection::establish(&with("sslmode=disable")).unwrap();
    assert!(!pg_session_is_tls(&mut plain));
    let ssl_on = plain
        .with_pg(|pg| {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Setting {
                #[diesel(sql_type = diesel::sql_types::Text)]
                ssl: String,
            }
            diesel::sql_query("SHOW ssl").load::<Setting>(pg)
        })
        .unwrap()
        .unwrap()[0]
        .ssl
        == "on";
    if !ssl_on {
        println!("skipped: the test server has ssl = off");
        return;
    }
    let mut tls = Connection::establish(&with("sslmode=require")).unwrap();
    assert!(pg_session_is_tls(&mut tls), "sslmode=require must encrypt");

    // Debian's server certificate is self-signed: trusting it as the root
    // passes verify-ca; its name is the machine's, not 127.0.0.1, so
    // verify-full must refuse it.
    let cert = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    if std::path::Path::new(cert).exists() {
        let mut ca = Connection::establish(&with(&format!("sslmode=verify-ca&sslrootcert={cert}")))
            .unwrap_or_else(|e| panic!("verify-ca with the server's own certificate: {e}"));
        assert!(pg_session_is_tls(&mut ca));
        if base.contains("127.0.0.1") {
            let err =
                Connection::establish(&with(&format!("sslmode=verify-full&sslrootcert={cert}")))
                    .unwrap_err()
                    .to_string();
            assert!(err.contains("cannot connect to"), "{err}");
        }
    }
    let err = Connection::establish(&with("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/ca.pem"), "{err}");
}

#[test]
fn mysql_required_tls_on_a_server_without_it_is_a_clear_error() {
    let Ok(base) = std::env::var("SCHEMA_TEST_MYSQL_URL") else {
        println!("skipped: SCHEMA_TEST_MYSQL_URL not set");
        return;
    };
    let mut c = Connection::establish(&base).unwrap();
    let have_ssl = {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct V {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        c.with_mysql(|my| diesel::sql_query("SELECT CAST(@@have_ssl AS CHAR) AS v").load::<V>(my))
            .unwrap()
            .unwrap()[0]
            .v
            .clone()
    };
    if have_ssl == "YES" {
        println!("skipped: the test server has TLS; this checks a server without it");
        return;
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let err = Connection::establish(&format!("{base}{sep}ssl-mode=REQUIRED"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot connect to"), "{err}");
    assert!(
        err.to_ascii_lowercase().contains("ssl") || err.contains("TLS"),
        "{err}"
    );
}

#[test]
fn mysql_integer_display_widths_converge() {
    let Some(db) = TestDb::new("SCHEMA_TEST_MYSQL_URL") else {
        return;
    };
    // Written by another tool, as MariaDB then reports it: tinyint(4),
    // mediumint(9), int(10) unsigned, int(5) unsigned zerofill.
    db.conn()
        .execute(
            "CREATE TABLE legacy (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, \
             flags TINYINT NOT NULL, hits MEDIUMINT NOT NULL, code INT(5) UNSIGNED ZEROFILL NOT NULL)",
        )
        .unwrap();
    use schema_core::{Column, LogicalType, PrimaryKey, Schema, Table};
    let col = |name: &str, ty: &str| Column::new(name, LogicalType::Custom(ty.into()));
    let mut id = col("id", "INT UNSIGNED");
    id.auto_increment = true;
    let model = Table {
        name: "legacy".into(),
        columns: vec![
            id,
            col("flags", "TINYINT"),
            col("hits", "MEDIUMINT"),
            col("code", "INT(5) UNSIGNED ZEROFILL"),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        ..Table::default()
    };
    let mut c = db.conn();
    let live =
        schema_runtime::introspect(&mut c, &schema_runtime::IntrospectOptions::default()).unwrap();
    let ops = schema_core::diff::diff(&live, &Schema::new(vec![model]), db.backend.dialect());
    assert!(ops.is_empty(), "{ops:#?}\n{live:#?}");
}
