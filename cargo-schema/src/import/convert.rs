//! Our migration files for another tool's history: one linear chain whose
//! ids and file names follow from the tool and version alone, so importing
//! the same history twice writes the same bytes.

use chrono::{NaiveDateTime, TimeZone, Utc};
use schema_core::migration::{checksum, slug, MigrationFile, MIGRATION_FILE_EXTENSION};

use super::{ImportError, SourceMigration, Tool};

/// One migration file made by [`convert`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    /// The source version it comes from.
    pub version: String,
    /// Its file name (`<version>-<rev>_<slug>.sql`).
    pub name: String,
    /// The parsed file.
    pub file: MigrationFile,
    /// The file's text, exactly as written.
    pub text: String,
}

/// The revision id of `version` of `tool`: the first 12 hex characters of
/// the SHA-256 of `cargo-schema import <tool> <version>`. The same source
/// version always gets the same id.
pub fn revision_id(tool: Tool, version: &str) -> String {
    let digest = checksum(&format!("cargo-schema import {} {version}", tool.name()));
    digest[..12].to_string()
}

/// Our files for `migrations` (in order): each one's down revision is the
/// one before. A migration without a down is marked `irreversible: true`
/// (a downgrade past it is refused) and its down section says why.
pub fn convert(
    tool: Tool,
    migrations: &[SourceMigration],
) -> Result<Vec<ImportedFile>, ImportError> {
    let mut out: Vec<ImportedFile> = Vec::with_capacity(migrations.len());
    for m in migrations {
        let revision = revision_id(tool, &m.version);
        let mut preamble = format!("-- imported from {}: {}", tool.name(), m.files.join(", "));
        if let Some(note) = &m.transaction_note {
            preamble.push_str(&format!("\n-- {note}"));
        }
        let down = match &m.down {
            Some(sql) => sql.clone(),
            None => format!(
                "-- {} has no down migration for version {}: downgrading past this revision is refused",
                tool.name(),
                m.version
            ),
        };
        let file = MigrationFile {
            revision: revision.clone(),
            down_revisions: out
                .last()
                .map(|p| p.file.revision.clone())
                .into_iter()
                .collect(),
            message: m.name.clone(),
            created: created(&m.version),
            transaction: m.transaction,
            irreversible: m.down.is_none(),
            preamble,
            up: m.up.clone(),
            down,
            ..MigrationFile::default()
        };
        let slug = slug(&m.name);
        let name = if slug.is_empty() {
            format!("{}-{revision}.{MIGRATION_FILE_EXTENSION}", m.version)
        } else {
            format!("{}-{revision}_{slug}.{MIGRATION_FILE_EXTENSION}", m.version)
        };
        let text = file.render();
        // The source SQL is copied verbatim; a line in it that our format
        // reads as a section marker would change its meaning.
        let reparsed = MigrationFile::parse(&text, &name)
            .map_err(|e| ImportError::new(format!("{}: cannot be converted: {e}", m.files[0])))?;
        if reparsed != file {
            return Err(ImportError::new(format!(
                "{}: cannot be converted: its SQL has a line our format reads as a section marker (`-- migrate:up` or `-- migrate:down`); change that comment and run the import again",
                m.files.join(", ")
            )));
        }
        out.push(ImportedFile {
            version: m.version.clone(),
            name,
            file,
            text,
        });
    }
    Ok(out)
}

/// The creation time a version spells, when it is a `YYYYMMDDHHMMSS`
/// timestamp (the common choice of sqlx, diesel, dbmate).
fn created(version: &str) -> Option<chrono::DateTime<Utc>> {
    if version.len() != 14 {
        return None;
    }
    let naive = NaiveDateTime::parse_from_str(version, "%Y%m%d%H%M%S").ok()?;
    Some(Utc.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration(version: &str, up: &str, down: Option<&str>) -> SourceMigration {
        SourceMigration {
            version: version.to_string(),
            name: format!("step {version}"),
            up: up.to_string(),
            down: down.map(str::to_string),
            transaction: true,
            transaction_note: None,
            files: vec![format!("{version}_step.sql")],
        }
    }

    #[test]
    fn a_linear_chain_with_deterministic_ids_and_names() {
        let ms = [
            migration(
                "20230101120000",
                "CREATE TABLE t (a INT);",
                Some("DROP TABLE t;"),
            ),
            migration("20230102120000", "SELECT 1;", None),
        ];
        let files = convert(Tool::Sqlx, &ms).unwrap();
        assert_eq!(files, convert(Tool::Sqlx, &ms).unwrap());
        let (a, b) = (&files[0], &files[1]);
        assert_eq!(a.file.revision, revision_id(Tool::Sqlx, "20230101120000"));
        assert_ne!(a.file.revision, revision_id(Tool::Diesel, "20230101120000"));
        assert!(a.file.down_revisions.is_empty());
        assert_eq!(
            b.file.down_revisions,
            std::slice::from_ref(&a.file.revision)
        );
        assert_eq!(
            a.name,
            format!("20230101120000-{}_step_20230101120000.sql", a.file.revision)
        );
        assert_eq!(
            a.file.created.unwrap().to_rfc3339(),
            "2023-01-01T12:00:00+00:00"
        );
        assert!(a
            .text
            .contains("-- imported from sqlx: 20230101120000_step.sql\n"));
        assert!(b
            .text
            .contains("-- migrate:down\n-- sqlx has no down migration for version 20230102120000"));
        assert!(b.file.irreversible && b.text.contains("-- irreversible: true\n"));
        assert!(!a.file.irreversible);
        assert_eq!(MigrationFile::parse(&b.text, "b").unwrap(), b.file);
    }

    #[test]
    fn short_versions_have_no_creation_time_and_transaction_is_kept() {
        let mut m = migration("3", "CREATE INDEX CONCURRENTLY i ON t (a);", None);
        m.transaction = false;
        m.transaction_note =
            Some("runs outside a transaction: refinery `refinery:noTransaction`".into());
        let f = &convert(Tool::Refinery, &[m]).unwrap()[0];
        assert_eq!(f.file.created, None);
        assert!(f.text.contains("-- transaction: false\n"), "{}", f.text);
        assert!(
            f.text.contains("-- runs outside a transaction: refinery"),
            "{}",
            f.text
        );
    }

    #[test]
    fn sql_with_our_section_markers_is_refused() {
        let m = migration("1", "SELECT 1;\n-- migrate:down\nSELECT 2;", Some(""));
        let err = convert(Tool::Sqlx, &[m]).unwrap_err();
        assert!(err.0.contains("1_step.sql: cannot be converted"), "{err}");
    }
}
