//! Migrations compiled into the binary by `embed_migrations!()`.

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
}

impl EmbeddedMigrations {
    /// Wraps files sorted by name (what the macro emits).
    pub const fn new(files: &'static [EmbeddedFile]) -> EmbeddedMigrations {
        EmbeddedMigrations { files }
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
