//! `embed_migrations!` end to end.

use schema_runtime::{embed_migrations, EmbeddedMigrations, Migrator};

static MIGRATIONS: EmbeddedMigrations = embed_migrations!("tests/fixtures/migrations");

#[test]
fn embeds_sql_files_sorted_with_names_and_paths() {
    let names: Vec<&str> = MIGRATIONS.files().iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "2026_01_01_0000-dddddddd0001_create_notes.sql",
            "2026_01_02_0000-dddddddd0002_add_title.sql"
        ]
    );
    assert_eq!(
        MIGRATIONS.files()[0].path,
        "tests/fixtures/migrations/2026_01_01_0000-dddddddd0001_create_notes.sql"
    );
    assert!(MIGRATIONS.files()[1].contents.contains("ADD COLUMN title"));
}

#[test]
fn embedded_migrations_apply() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e.db").display());
    let report = Migrator::new(&MIGRATIONS).upgrade(&url).unwrap();
    assert_eq!(report.steps.len(), 2);
    assert_eq!(report.heads, ["dddddddd0002"]);
    assert_eq!(report.steps[0].file, MIGRATIONS.files()[0].path);
}

#[test]
fn ids_portability_and_heads_are_read_at_build_time() {
    let ids: Vec<&str> = MIGRATIONS.files().iter().map(|f| f.revision).collect();
    assert_eq!(ids, ["dddddddd0001", "dddddddd0002"]);
    assert!(MIGRATIONS.files().iter().all(|f| f.portable));
    assert_eq!(MIGRATIONS.heads(), Some(&["dddddddd0002"][..]));
}

/// An upgrade at head answers from the build-time ids and checksums; any
/// record that differs from them takes the full path, which still reports
/// what it always did.
#[test]
fn an_upgrade_at_head_changes_nothing_and_a_changed_record_is_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e.db").display());
    let m = Migrator::new(&MIGRATIONS);
    m.upgrade(&url).unwrap();
    let again = m.upgrade(&url).unwrap();
    assert!(again.steps.is_empty(), "{again}");
    assert_eq!(again.heads, ["dddddddd0002"]);
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    assert!(Migrator::new(&MIGRATIONS)
        .upgrade_to(&url, "heads")
        .unwrap()
        .steps
        .is_empty());

    let exec = |sql: &str| {
        schema_runtime::Connection::establish(&url)
            .unwrap()
            .execute(sql)
            .unwrap()
    };
    exec("UPDATE schema_revisions SET checksum = 'abc' WHERE revision = 'dddddddd0001'");
    let edited = Migrator::new(&MIGRATIONS).upgrade(&url).unwrap();
    assert!(
        edited
            .warnings
            .iter()
            .any(|w| w.contains("dddddddd0001") && w.contains("changed after it was applied")),
        "{:?}",
        edited.warnings
    );
    let strict = Migrator::new(&MIGRATIONS).strict(true).upgrade(&url);
    assert!(strict.is_err(), "{strict:?}");
    Migrator::new(&MIGRATIONS)
        .stamp(&url, "head", true)
        .unwrap();

    exec("INSERT INTO schema_revisions (revision, checksum) VALUES ('eeeeeeee0009', '')");
    let unknown = Migrator::new(&MIGRATIONS).upgrade(&url).unwrap();
    assert!(
        unknown
            .warnings
            .iter()
            .any(|w| w.contains("eeeeeeee0009") && w.contains("no migration file defines it")),
        "{:?}",
        unknown.warnings
    );
    exec("DELETE FROM schema_revisions WHERE revision = 'eeeeeeee0009'");

    exec("UPDATE schema_revisions SET dirty = 1 WHERE revision = 'dddddddd0002'");
    let dirty = Migrator::new(&MIGRATIONS).upgrade(&url).unwrap_err();
    assert!(dirty.to_string().contains("dddddddd0002"), "{dirty}");
    exec("UPDATE schema_revisions SET dirty = 0 WHERE revision = 'dddddddd0002'");

    Migrator::new(&MIGRATIONS).downgrade(&url, "-1").unwrap();
    let resumed = Migrator::new(&MIGRATIONS).upgrade(&url).unwrap();
    assert_eq!(resumed.steps.len(), 1, "{resumed}");
    assert_eq!(resumed.steps[0].revision, "dddddddd0002");
}
