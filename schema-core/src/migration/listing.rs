//! Which directory entries are migration files, and the order they are read
//! in.
//!
//! Listing a directory is I/O and this crate does none, so the callers that
//! read a migrations directory (the runtime's `Migrator::from_dir` and the
//! compile-time `embed_migrations!`) each call `read_dir` themselves and
//! hand the entries here. The rule itself — the `.sql` extension and the
//! by-name order — lives only in this module, so the files embedded at
//! compile time are exactly the ones a directory would be read as at run
//! time, in the same order.

use std::path::Path;

/// The extension of a migration file (without the dot): new files are named
/// `<name>.sql` ([`file_name`](super::file_name)) and only `*.sql` files are
/// read back.
pub const MIGRATION_FILE_EXTENSION: &str = "sql";

/// Whether a file named `name` is a migration file: its extension is
/// exactly `sql` (`a.sql`, not `a.SQL`, `a.sqlx` or the hidden `.sql`).
/// Only the name is looked at; the caller leaves out what is not a file.
pub fn is_migration_file_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e == MIGRATION_FILE_EXTENSION)
}

/// The migration files among a directory's `(file name, item)` entries, in
/// the order they are read: sorted by file name. `item` is whatever the
/// caller keeps per entry (typically its path).
pub fn migration_files<T>(entries: impl IntoIterator<Item = (String, T)>) -> Vec<(String, T)> {
    let mut files: Vec<(String, T)> = entries
        .into_iter()
        .filter(|(name, _)| is_migration_file_name(name))
        .collect();
    // File names within one directory are unique, so this is a total order.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sql_names_count() {
        for name in ["a.sql", "2026_01_01_0000-abc_x.sql", "a.b.sql"] {
            assert!(is_migration_file_name(name), "{name}");
        }
        for name in ["a.SQL", "a.sqlx", "a.sql.bak", ".sql", "notes.txt", "sql"] {
            assert!(!is_migration_file_name(name), "{name}");
        }
    }

    #[test]
    fn migration_files_are_filtered_and_sorted_by_name() {
        let entries = ["b.sql", "notes.txt", "a.sql", "c.SQLX"]
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i));
        assert_eq!(
            migration_files(entries),
            [("a.sql".to_string(), 2), ("b.sql".to_string(), 0)]
        );
    }
}
