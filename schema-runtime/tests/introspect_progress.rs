//! The introspection progress callback on SQLite: one call per table read,
//! counting only the tables the schema reports.

use std::sync::{Arc, Mutex};

use schema_core::Schema;
use schema_runtime::introspect::{IntrospectProgress, OnTable};
use schema_runtime::{compare_models, introspect, CompareOptions, Connection, IntrospectOptions};

fn mem(ddl: &str) -> Connection {
    let mut c = Connection::establish("sqlite::memory:").unwrap();
    if !ddl.is_empty() {
        c.execute(ddl).unwrap();
    }
    c
}

/// Every `(done, total)` the callback was given, in order.
type Calls = Arc<Mutex<Vec<(usize, usize)>>>;

/// Options that record every call, and the record.
fn recording(options: IntrospectOptions) -> (IntrospectOptions, Calls) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&calls);
    let options = options.on_table(move |p: IntrospectProgress| {
        sink.lock().unwrap().push((p.done, p.total));
    });
    (options, calls)
}

#[test]
fn one_call_per_table_with_the_total() {
    // Three tables reported; the version table and an ignored one are not
    // counted.
    let mut c = mem(
        "CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER); CREATE TABLE c (x INTEGER); \
         CREATE TABLE schema_revisions (x INTEGER); CREATE TABLE legacy_old (x INTEGER);",
    );
    let (options, calls) = recording(IntrospectOptions {
        ignore_tables: vec!["legacy_*".into()],
        ..IntrospectOptions::default()
    });
    let schema = introspect(&mut c, &options).unwrap();
    assert_eq!(schema.tables.len(), 3);
    assert_eq!(*calls.lock().unwrap(), [(1, 3), (2, 3), (3, 3)]);
}

#[test]
fn an_empty_schema_calls_nothing() {
    let mut c = mem("");
    let (options, calls) = recording(IntrospectOptions::default());
    assert!(introspect(&mut c, &options).unwrap().tables.is_empty());
    assert!(calls.lock().unwrap().is_empty());
}

#[test]
fn compare_models_passes_the_callback_through() {
    let mut c = mem("CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER);");
    let (tables, calls) = recording(IntrospectOptions::default());
    let options = CompareOptions {
        tables,
        only_modelled_tables: false,
    };
    compare_models(&mut c, &Schema::default(), &options).unwrap();
    assert_eq!(calls.lock().unwrap().last(), Some(&(2, 2)));
}

#[test]
fn options_with_a_callback_stay_comparable() {
    let f = OnTable::new(|_| {});
    let a = IntrospectOptions {
        on_table: Some(f.clone()),
        ..IntrospectOptions::default()
    };
    assert_eq!(a, a.clone(), "the same callback");
    let b = IntrospectOptions {
        on_table: Some(OnTable::new(|_| {})),
        ..IntrospectOptions::default()
    };
    assert_ne!(a, b, "another callback");
    assert!(format!("{a:?}").contains("OnTable(..)"));
}
