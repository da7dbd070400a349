//! Migrations compiled into the binary by `embed_migrations!()`.

use std::collections::HashMap;

use schema_core::dialect::Dialect;

use crate::version::AppliedRevision;

/// One embedded migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// The file name (`2026_11_23_1807-5ec6405addd0_add_user_table.sql`).
    pub name: &'static str,
    /// The path relative to the crate root, for messages
    /// (`migrations/2026_...sql`).
    pub path: &'static str,
    /// The file's text.
    pub contents: &'static str,
    /// Its revision id, read at build time.
    pub revision: &'static str,
    /// Whether it has the unqualified up/down pair (only a file with
    /// per-dialect sections may lack it).
    pub portable: bool,
    /// The checksum of its unqualified up section, computed at build time.
    pub checksum: &'static str,
    /// The checksums of its per-dialect up sections, by dialect name
    /// (`("postgres", "…")`), computed at build time.
    pub section_checksums: &'static [(&'static str, &'static str)],
}

/// The migration files of a directory, embedded at compile time by
/// [`embed_migrations!`](crate::embed_migrations):
///
/// ```ignore
/// static MIGRATIONS: schema_runtime::EmbeddedMigrations = schema_runtime::embed_migrations!();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedMigrations {
    files: &'static [EmbeddedFile],
    heads: Option<&'static [&'static str]>,
}

impl EmbeddedMigrations {
    /// Wraps files sorted by name, their revision graph not known.
    pub const fn new(files: &'static [EmbeddedFile]) -> EmbeddedMigrations {
        EmbeddedMigrations { files, heads: None }
    }

    /// Wraps files sorted by name whose revision graph was built at compile
    /// time and has these heads (what the macro emits).
    pub const fn with_heads(
        files: &'static [EmbeddedFile],
        heads: &'static [&'static str],
    ) -> EmbeddedMigrations {
        EmbeddedMigrations {
            files,
            heads: Some(heads),
        }
    }

    /// The embedded files, sorted by name.
    pub fn files(&self) -> &'static [EmbeddedFile] {
        self.files
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// No files at all.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl EmbeddedMigrations {
    /// The heads of the revision graph, when it was built at compile time.
    pub fn heads(&self) -> Option<&'static [&'static str]> {
        self.heads
    }

    /// Whether `rows` (a version table) record exactly every embedded
    /// revision, none dirty, each with the checksum `dialect` runs: then
    /// `upgrade` to `target` has nothing to do and nothing to warn about,
    /// and the revision graph need not be built at all. `false` means only
    /// "not known from here": the full planner decides.
    pub(crate) fn all_applied(
        &self,
        dialect: Dialect,
        target: &str,
        rows: &[AppliedRevision],
    ) -> bool {
        let Some(heads) = self.heads else {
            return false;
        };
        let target_is_every_head = match target {
            "heads" => true,
            "head" => heads.len() == 1,
            _ => false,
        };
        if !target_is_every_head || rows.len() != self.files.len() {
            return false;
        }
        let recorded: HashMap<&str, &AppliedRevision> =
            rows.iter().map(|r| (r.revision.as_str(), r)).collect();
        self.files.iter().all(|f| {
            let Some(row) = recorded.get(f.revision) else {
                return false;
            };
            let section = f
                .section_checksums
                .iter()
                .find(|(name, _)| *name == dialect.name());
            // A file with sections but none for this dialect, and no
            // unqualified pair to fall back on, is an error the planner
            // reports.
            if section.is_none() && !f.section_checksums.is_empty() && !f.portable {
                return false;
            }
            let expected = section.map_or(f.checksum, |(_, sum)| sum);
            !row.dirty && (row.checksum.is_empty() || row.checksum == expected)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn file(
        revision: &'static str,
        portable: bool,
        sections: &'static [(&'static str, &'static str)],
    ) -> EmbeddedFile {
        EmbeddedFile {
            name: revision,
            path: revision,
            contents: "",
            revision,
            portable,
            checksum: "plain",
            section_checksums: sections,
        }
    }

    fn row(revision: &str, checksum: &str) -> AppliedRevision {
        AppliedRevision {
            revision: revision.to_string(),
            checksum: checksum.to_string(),
            applied_at: String::new(),
            execution_ms: 0,
            dirty: false,
            dirty_reason: None,
        }
    }

    static FILES: [EmbeddedFile; 2] = [
        file("aaaaaaaa0001", true, &[]),
        file("aaaaaaaa0002", true, &[("postgres", "pg")]),
    ];
    static TWO: EmbeddedMigrations = EmbeddedMigrations::with_heads(&FILES, &["aaaaaaaa0002"]);

    #[test]
    fn every_revision_recorded_with_the_dialects_checksum_is_at_head() {
        let pg = [row("aaaaaaaa0001", "plain"), row("aaaaaaaa0002", "pg")];
        assert!(TWO.all_applied(Dialect::Postgres, "head", &pg));
        assert!(TWO.all_applied(Dialect::Postgres, "heads", &pg));
        // SQLite runs the unqualified pair of the second file.
        assert!(!TWO.all_applied(Dialect::Sqlite, "head", &pg));
        let sqlite = [row("aaaaaaaa0001", "plain"), row("aaaaaaaa0002", "plain")];
        assert!(TWO.all_applied(Dialect::Sqlite, "head", &sqlite));
        // A row without a checksum is not a problem (stamped by an older tool).
        assert!(TWO.all_applied(
            Dialect::Sqlite,
            "head",
            &[row("aaaaaaaa0001", ""), row("aaaaaaaa0002", "")]
        ));
    }

    #[test]
    fn anything_else_goes_to_the_planner() {
        let ok = [row("aaaaaaaa0001", "plain"), row("aaaaaaaa0002", "pg")];
        assert!(!TWO.all_applied(Dialect::Postgres, "aaaaaaaa0002", &ok));
        assert!(!TWO.all_applied(Dialect::Postgres, "head", &ok[..1]));
        let extra = [ok[0].clone(), ok[1].clone(), row("bbbbbbbb0009", "")];
        assert!(!TWO.all_applied(Dialect::Postgres, "head", &extra));
        let mut dirty = ok.clone();
        dirty[1].dirty = true;
        assert!(!TWO.all_applied(Dialect::Postgres, "head", &dirty));
        let other = [row("aaaaaaaa0001", "plain"), row("bbbbbbbb0002", "pg")];
        assert!(!TWO.all_applied(Dialect::Postgres, "head", &other));

        static UNKNOWN: EmbeddedMigrations = EmbeddedMigrations::new(&FILES);
        assert!(!UNKNOWN.all_applied(Dialect::Postgres, "head", &ok));
        static TWO_HEADS: EmbeddedMigrations =
            EmbeddedMigrations::with_heads(&FILES, &["aaaaaaaa0001", "aaaaaaaa0002"]);
        assert!(!TWO_HEADS.all_applied(Dialect::Postgres, "head", &ok));
        assert!(TWO_HEADS.all_applied(Dialect::Postgres, "heads", &ok));

        // Sections only, none for MySQL: the planner reports the error.
        static SECTIONS_ONLY: [EmbeddedFile; 1] =
            [file("aaaaaaaa0001", false, &[("postgres", "pg")])];
        static ONE: EmbeddedMigrations =
            EmbeddedMigrations::with_heads(&SECTIONS_ONLY, &["aaaaaaaa0001"]);
        assert!(!ONE.all_applied(Dialect::Mysql, "head", &[row("aaaaaaaa0001", "plain")]));
        assert!(ONE.all_applied(Dialect::Postgres, "head", &[row("aaaaaaaa0001", "pg")]));
    }
}
