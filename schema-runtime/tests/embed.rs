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
