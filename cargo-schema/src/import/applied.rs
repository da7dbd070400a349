//! What the other tool's history table says was applied, checked against
//! its files: only a clean prefix of the ordered history can be stamped.

use std::collections::BTreeSet;

use schema_runtime::foreign::ForeignRow;

use super::{ImportError, SourceMigration, Tool};

/// How many of `migrations` (in order) the tool applied, from the rows of
/// its history table `table`. Refuses a failed or dirty migration, a
/// version no file defines, and an applied set that is not a prefix of the
/// history (a gap), each with what to do about it.
pub fn applied_count(
    tool: Tool,
    table: &str,
    migrations: &[SourceMigration],
    rows: &[ForeignRow],
) -> Result<usize, ImportError> {
    let file_of = |version: &str| migrations.iter().position(|m| m.version == version);
    let describe = |i: usize| {
        let m = &migrations[i];
        format!("{} ({})", m.version, m.files[0])
    };
    let versions: Vec<(String, Option<bool>)> = rows
        .iter()
        .map(|r| (canonical(tool, &r.version), r.flag))
        .collect();

    if tool == Tool::GolangMigrate {
        // golang-migrate keeps one row: the version the database is at.
        return match versions.as_slice() {
            [] => Ok(0),
            [(version, dirty)] => {
                if *dirty == Some(true) {
                    return Err(ImportError::new(format!(
                        "`{table}` marks version {version} dirty: golang-migrate failed part-way through it. \
                         Repair the database by hand, then record the truth with `migrate force {version}` \
                         (if it is now fully applied) or `migrate force <previous version>`, and run the import again"
                    )));
                }
                match file_of(version) {
                    Some(i) => Ok(i + 1),
                    None => Err(unknown(tool, table, std::slice::from_ref(version))),
                }
            }
            many => Err(ImportError::new(format!(
                "`{table}` has {} rows, but golang-migrate keeps exactly one (the current version); \
                 is this another tool's table? Pass the right one with --table",
                many.len()
            ))),
        };
    }

    if let Some((version, _)) = versions.iter().find(|(_, ok)| *ok == Some(false)) {
        let which = file_of(version)
            .map(describe)
            .unwrap_or_else(|| version.clone());
        return Err(ImportError::new(format!(
            "`{table}` records migration {which} as failed (success = false). \
             Repair what it left behind, then re-run it with `sqlx migrate run` (after deleting its row) \
             or delete the row if it never took effect, and run the import again"
        )));
    }
    let applied: BTreeSet<&str> = versions.iter().map(|(v, _)| v.as_str()).collect();
    let missing: Vec<String> = applied
        .iter()
        .filter(|v| file_of(v).is_none())
        .map(|v| v.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(unknown(tool, table, &missing));
    }
    let count = applied.len();
    if let Some(gap) = (0..count).find(|&i| !applied.contains(migrations[i].version.as_str())) {
        let later: Vec<String> = (gap + 1..migrations.len())
            .filter(|&i| applied.contains(migrations[i].version.as_str()))
            .map(|i| migrations[i].version.clone())
            .collect();
        return Err(ImportError::new(format!(
            "`{table}` has a gap: migration {} is not applied, but later ones are ({}). \
             Our history is one line, so what is applied must be a prefix of it: apply {} with {} first \
             (or remove its file if it must never run), then run the import again",
            describe(gap),
            later.join(", "),
            migrations[gap].version,
            tool.name()
        )));
    }
    Ok(count)
}

/// The error for applied versions that no file defines.
fn unknown(tool: Tool, table: &str, versions: &[String]) -> ImportError {
    ImportError::new(format!(
        "`{table}` records version{} {} as applied, but no {} migration file has {}. \
         Restore the missing file{} (or check that --from and the directory are the right ones), then run the import again",
        if versions.len() == 1 { "" } else { "s" },
        versions.join(", "),
        tool.name(),
        if versions.len() == 1 { "it" } else { "them" },
        if versions.len() == 1 { "" } else { "s" },
    ))
}

/// A version as it appears in the files' terms: the integer tools store
/// numbers (`0001` and `1` are one version), the others text.
fn canonical(tool: Tool, version: &str) -> String {
    match tool {
        Tool::Sqlx | Tool::Refinery | Tool::GolangMigrate => version
            .trim()
            .parse::<i128>()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| version.trim().to_string()),
        Tool::Diesel | Tool::Dbmate => version.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(versions: &[&str]) -> Vec<SourceMigration> {
        versions
            .iter()
            .map(|v| SourceMigration {
                version: v.to_string(),
                name: format!("m{v}"),
                up: String::new(),
                down: None,
                transaction: true,
                transaction_note: None,
                files: vec![format!("{v}_m.sql")],
            })
            .collect()
    }

    fn rows(rows: &[(&str, Option<bool>)]) -> Vec<ForeignRow> {
        rows.iter()
            .map(|(v, f)| ForeignRow {
                version: v.to_string(),
                flag: *f,
            })
            .collect()
    }

    #[test]
    fn a_clean_prefix_is_counted() {
        let h = history(&["1", "2", "3"]);
        let t = "_sqlx_migrations";
        assert_eq!(applied_count(Tool::Sqlx, t, &h, &[]).unwrap(), 0);
        let r = rows(&[("2", Some(true)), ("1", Some(true))]);
        assert_eq!(applied_count(Tool::Sqlx, t, &h, &r).unwrap(), 2);
        let r = rows(&[("1", None), ("2", None), ("3", None)]);
        assert_eq!(applied_count(Tool::Diesel, t, &h, &r).unwrap(), 3);
    }

    #[test]
    fn failed_unknown_and_gaps_are_refused() {
        let h = history(&["1", "2", "3"]);
        let t = "_sqlx_migrations";
        let err = applied_count(
            Tool::Sqlx,
            t,
            &h,
            &rows(&[("1", Some(true)), ("2", Some(false))]),
        )
        .unwrap_err();
        assert!(err.0.contains("migration 2 (2_m.sql) as failed"), "{err}");
        let err =
            applied_count(Tool::Diesel, t, &h, &rows(&[("1", None), ("9", None)])).unwrap_err();
        assert!(err.0.contains("records version 9 as applied"), "{err}");
        let err =
            applied_count(Tool::Refinery, t, &h, &rows(&[("1", None), ("3", None)])).unwrap_err();
        assert!(
            err.0
                .contains("migration 2 (2_m.sql) is not applied, but later ones are (3)"),
            "{err}"
        );
    }

    #[test]
    fn golang_migrate_has_one_row() {
        let h = history(&["1", "2", "3"]);
        let t = "schema_migrations";
        let g = Tool::GolangMigrate;
        assert_eq!(applied_count(g, t, &h, &[]).unwrap(), 0);
        assert_eq!(
            applied_count(g, t, &h, &rows(&[("2", Some(false))])).unwrap(),
            2
        );
        let err = applied_count(g, t, &h, &rows(&[("2", Some(true))])).unwrap_err();
        assert!(err.0.contains("version 2 dirty"), "{err}");
        assert!(err.0.contains("migrate force 2"), "{err}");
        let err = applied_count(g, t, &h, &rows(&[("7", Some(false))])).unwrap_err();
        assert!(err.0.contains("version 7 as applied"), "{err}");
        let err = applied_count(g, t, &h, &rows(&[("1", None), ("2", None)])).unwrap_err();
        assert!(err.0.contains("keeps exactly one"), "{err}");
    }

    #[test]
    fn integer_versions_compare_as_numbers() {
        let h = history(&["1", "2"]);
        let r = rows(&[("0001", Some(true))]);
        assert_eq!(applied_count(Tool::Sqlx, "t", &h, &r).unwrap(), 1);
    }
}
