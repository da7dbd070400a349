//! The facts the runtime asks a [`Dialect`] for must be exactly what it
//! writes by hand today, so it can switch to them without a change in
//! behaviour.

use super::Dialect;

/// The version-table DDL the migrator has always written, per dialect.
const HAND_WRITTEN_VERSION_TABLE: [(Dialect, &str); 3] = [
    (
        Dialect::Sqlite,
        "CREATE TABLE IF NOT EXISTS \"schema_revisions\" (\n    revision VARCHAR(64) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(64) NOT NULL,\n    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    execution_ms BIGINT NOT NULL DEFAULT 0,\n    dirty BOOLEAN NOT NULL DEFAULT 0,\n    dirty_reason TEXT\n)",
    ),
    (
        Dialect::Postgres,
        "CREATE TABLE IF NOT EXISTS \"schema_revisions\" (\n    revision VARCHAR(64) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(64) NOT NULL,\n    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n    execution_ms BIGINT NOT NULL DEFAULT 0,\n    dirty BOOLEAN NOT NULL DEFAULT FALSE,\n    dirty_reason TEXT\n)",
    ),
    (
        Dialect::Mysql,
        "CREATE TABLE IF NOT EXISTS `schema_revisions` (\n    revision VARCHAR(64) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(64) NOT NULL,\n    applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n    execution_ms BIGINT NOT NULL DEFAULT 0,\n    dirty BOOL NOT NULL DEFAULT 0,\n    dirty_reason TEXT\n)",
    ),
];

#[test]
fn version_table_ddl_is_the_hand_written_one() {
    for (d, expected) in HAND_WRITTEN_VERSION_TABLE {
        assert_eq!(
            d.create_version_table_sql("schema_revisions"),
            expected,
            "{d}"
        );
    }
}

#[test]
fn version_table_name_is_quoted() {
    assert!(Dialect::Mysql
        .create_version_table_sql("my`versions")
        .starts_with("CREATE TABLE IF NOT EXISTS `my``versions` ("));
    assert!(Dialect::Postgres
        .create_version_table_sql("My Versions")
        .starts_with("CREATE TABLE IF NOT EXISTS \"My Versions\" ("));
}

#[test]
fn version_table_is_a_plain_table() {
    for d in Dialect::ALL {
        let t = d.version_table("v");
        assert_eq!(t.name, "v");
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "revision",
                "checksum",
                "applied_at",
                "execution_ms",
                "dirty",
                "dirty_reason"
            ]
        );
        assert_eq!(
            t.primary_key.as_ref().map(|pk| pk.columns.clone()),
            Some(vec!["revision".to_string()])
        );
        // Made by a migration, it would survive autogenerate unchanged.
        let s = crate::Schema::new(vec![t]);
        assert!(crate::diff::diff(&d.normalize_schema(&s), &s, d).is_empty());
    }
}

#[test]
fn quoting_matches_the_runtime() {
    // The cases of the runtime's own identifier and literal quoting.
    assert_eq!(Dialect::Mysql.quote_ident("a`b"), "`a``b`");
    assert_eq!(Dialect::Postgres.quote_ident("a\"b"), "\"a\"\"b\"");
    assert_eq!(Dialect::Sqlite.quote_ident("a\"b"), "\"a\"\"b\"");
    assert_eq!(Dialect::Sqlite.quote_str("it's"), "'it''s'");
    assert_eq!(Dialect::Postgres.quote_str(r"a\b"), r"'a\b'");
    assert_eq!(Dialect::Mysql.quote_str(r"a\b'"), r"'a\\b'''");
}

#[test]
fn transaction_facts_match_the_runtime() {
    let facts = |d: Dialect| {
        (
            d.transactional_ddl(),
            d.begin_transaction_sql(),
            d.backslash_escapes(),
            d.text_cast_type(),
        )
    };
    assert_eq!(
        facts(Dialect::Sqlite),
        (true, "BEGIN IMMEDIATE", false, "TEXT")
    );
    assert_eq!(facts(Dialect::Postgres), (true, "BEGIN", false, "TEXT"));
    assert_eq!(facts(Dialect::Mysql), (false, "BEGIN", true, "CHAR"));
    let sqlite = Dialect::Sqlite;
    assert_eq!(
        sqlite.foreign_keys_off_sql(),
        Some("PRAGMA foreign_keys = OFF")
    );
    assert_eq!(
        sqlite.foreign_keys_on_sql(),
        Some("PRAGMA foreign_keys = ON")
    );
    assert_eq!(
        sqlite.foreign_key_check_sql(),
        Some("PRAGMA foreign_key_check")
    );
    for d in [Dialect::Postgres, Dialect::Mysql] {
        assert_eq!(d.foreign_keys_off_sql(), None);
        assert_eq!(d.foreign_keys_on_sql(), None);
        assert_eq!(d.foreign_key_check_sql(), None);
    }
}

#[test]
fn names_round_trip() {
    for d in Dialect::ALL {
        assert_eq!(d.to_string(), d.name());
        assert_eq!(d.as_str(), d.name());
        assert_eq!(d.name().parse::<Dialect>(), Ok(d));
        assert_eq!(d.name().to_uppercase().parse::<Dialect>(), Ok(d));
        assert_eq!(d.dialect(), d);
    }
    let err = "oracle".parse::<Dialect>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown SQL dialect `oracle`; expected one of sqlite, postgres, mysql"
    );
}

#[test]
fn only_an_old_postgres_lacks_a_lock_safe_not_null() {
    use super::{RenderOptions, ServerVersion};
    let on = |major, online| RenderOptions {
        online,
        separate: true,
        server_version: Some(ServerVersion { major, minor: 0 }),
    };
    assert_eq!(
        Dialect::Postgres.rules_without_lock_safe_form(on(11, true)),
        ["set-not-null"]
    );
    // Current, unknown (offline), or the lock-safe forms turned off.
    for options in [on(12, true), on(11, false), RenderOptions::default()] {
        assert!(
            Dialect::Postgres
                .rules_without_lock_safe_form(options)
                .is_empty(),
            "{options:?}"
        );
    }
    for d in [Dialect::Sqlite, Dialect::Mysql] {
        assert!(d.rules_without_lock_safe_form(on(3, true)).is_empty());
    }
}
