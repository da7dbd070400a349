//! The migration files of a directory: its `*.sql` files, sorted by name.
//!
//! The lister [`Migrator::from_dir`](crate::Migrator::from_dir) reads
//! directories with. Which names count and their order are the core's rule
//! ([`schema_core::migration::migration_files`]), shared with the
//! compile-time `embed_migrations!`; only the directory reading is here,
//! because the core does no I/O.

use std::path::{Path, PathBuf};

use schema_core::migration::migration_files;

/// The `*.sql` files directly in `dir` as `(file name, path)`, sorted by
/// name. Subdirectories and other files are left out.
pub fn sql_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if path.is_file() {
            entries.push((entry.file_name().to_string_lossy().into_owned(), path));
        }
    }
    Ok(migration_files(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sql_files_sorted_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.sql", "a.sql", "notes.txt", "c.SQLX"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("d.sql")).unwrap();
        let names: Vec<String> = sql_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["a.sql", "b.sql"]);
        assert!(sql_files(&dir.path().join("missing")).is_err());
    }
}
