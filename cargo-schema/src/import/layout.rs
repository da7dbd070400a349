//! Each tool's directory layout: which files are its migrations, their
//! versions, order, up and down SQL, and whether they run in a
//! transaction — the same reading the tool itself does, but strict: a file
//! the tool would skip is reported rather than silently left behind.

use std::collections::BTreeMap;

use schema_core::migration::split_statements;

use super::{ImportError, SourceDir, SourceFile, SourceMigration, Tool};

/// The migrations of `dir`, in the tool's order, or why `dir` is not laid
/// out the way `tool` lays out a migrations directory.
pub fn parse_layout(tool: Tool, dir: &SourceDir) -> Result<Vec<SourceMigration>, ImportError> {
    let mut migrations = match tool {
        Tool::Sqlx => sqlx(dir)?,
        Tool::Diesel => diesel(dir)?,
        Tool::Refinery => refinery(dir)?,
        Tool::Dbmate => dbmate(dir)?,
        Tool::GolangMigrate => golang_migrate(dir)?,
    };
    if migrations.is_empty() {
        return Err(ImportError::new(format!(
            "no {} migration found; expected {}",
            tool.name(),
            tool.expected_layout()
        )));
    }
    for m in &mut migrations {
        if m.transaction {
            if let Some(statement) = own_transaction(&m.up, m.down.as_deref()) {
                m.transaction = false;
                m.transaction_note = Some(format!(
                    "runs outside a transaction: its SQL manages its own (`{statement}`)"
                ));
            }
        }
    }
    Ok(migrations)
}

/// A file or directory the tool would not read.
fn stray(tool: Tool, path: &str) -> ImportError {
    ImportError::new(format!(
        "`{path}` is not a {} migration; expected {} (move other files out of the directory)",
        tool.name(),
        tool.expected_layout()
    ))
}

/// Two files claiming one version.
fn duplicate(tool: Tool, version: &str, first: &str, second: &str) -> ImportError {
    ImportError::new(format!(
        "`{first}` and `{second}` both have version {version}; {} needs one migration per version",
        tool.name()
    ))
}

/// The SQL of a file as our sections hold it: LF line ends, no byte-order
/// mark, no blank lines around it.
fn section(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// A message from a file name part: `create_users` → `create users`.
fn message(name: &str) -> String {
    name.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first statement that opens or ends a transaction by itself, if any:
/// such a file cannot run inside ours.
fn own_transaction(up: &str, down: Option<&str>) -> Option<String> {
    const CONTROL: &[&str] = &[
        "BEGIN",
        "BEGIN TRANSACTION",
        "BEGIN WORK",
        "START TRANSACTION",
        "COMMIT",
        "COMMIT TRANSACTION",
        "COMMIT WORK",
    ];
    [Some(up), down].into_iter().flatten().find_map(|sql| {
        split_statements(sql, 1).into_iter().find_map(|s| {
            let words = s.sql.split_whitespace().collect::<Vec<_>>().join(" ");
            CONTROL
                .contains(&words.to_ascii_uppercase().as_str())
                .then_some(words)
        })
    })
}

/// Only files directly in the directory: any subdirectory is stray.
fn top_level_files(tool: Tool, dir: &SourceDir) -> Result<Vec<&SourceFile>, ImportError> {
    if let Some(d) = dir.dirs.first() {
        return Err(stray(tool, &format!("{d}/")));
    }
    Ok(dir.files.iter().collect())
}

/// The digits at the start of `s` and the rest.
fn leading_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

// ---- sqlx ------------------------------------------------------------------

#[derive(Default)]
struct SqlxParts<'a> {
    simple: Option<(&'a SourceFile, String)>,
    up: Option<(&'a SourceFile, String)>,
    down: Option<&'a SourceFile>,
}

fn sqlx(dir: &SourceDir) -> Result<Vec<SourceMigration>, ImportError> {
    let tool = Tool::Sqlx;
    let mut by_version: BTreeMap<i64, SqlxParts<'_>> = BTreeMap::new();
    for f in top_level_files(tool, dir)? {
        // sqlx: the version is everything before the first `_`.
        let Some((version, rest)) = f.path.split_once('_').filter(|(_, r)| r.ends_with(".sql"))
        else {
            return Err(stray(tool, &f.path));
        };
        let Ok(v) = version.parse::<i64>() else {
            return Err(stray(tool, &f.path));
        };
        let parts = by_version.entry(v).or_default();
        let clash = |other: &SourceFile| duplicate(tool, &v.to_string(), &other.path, &f.path);
        if let Some(description) = rest.strip_suffix(".up.sql") {
            if let Some((other, _)) = parts.up.as_ref().or(parts.simple.as_ref()) {
                return Err(clash(other));
            }
            parts.up = Some((f, description.to_string()));
        } else if rest.ends_with(".down.sql") {
            if let Some(other) = parts.down {
                return Err(clash(other));
            }
            parts.down = Some(f);
        } else {
            let description = rest.trim_end_matches(".sql");
            if let Some((other, _)) = parts.up.as_ref().or(parts.simple.as_ref()) {
                return Err(clash(other));
            }
            parts.simple = Some((f, description.to_string()));
        }
    }
    let mut out = Vec::new();
    for (version, parts) in by_version {
        let (up_file, description) = match (parts.simple, parts.up) {
            (Some(simple), None) => {
                if let Some(down) = parts.down {
                    return Err(ImportError::new(format!(
                        "`{}` has no matching up migration: sqlx pairs `.down.sql` with `.up.sql`, and `{}` is a simple migration (rename it to `.up.sql`, or remove the down file)",
                        down.path, simple.0.path
                    )));
                }
                simple
            }
            (None, Some(up)) => up,
            (None, None) => {
                let down = parts.down.expect("an entry has at least one file");
                return Err(ImportError::new(format!(
                    "`{}` has no matching `.up.sql` file for version {version}",
                    down.path
                )));
            }
            (Some(_), Some(_)) => unreachable!("refused as a duplicate above"),
        };
        let (up, up_no_tx) = sqlx_sql(&up_file.text);
        let down = parts.down.map(|d| sqlx_sql(&d.text));
        let no_tx = up_no_tx || down.as_ref().is_some_and(|(_, n)| *n);
        let mut files = vec![up_file.path.clone()];
        files.extend(parts.down.map(|d| d.path.clone()));
        out.push(SourceMigration {
            version: version.to_string(),
            name: message(&description),
            up,
            down: down.map(|(sql, _)| sql),
            transaction: !no_tx,
            transaction_note: no_tx
                .then(|| "runs outside a transaction: sqlx `-- no-transaction`".to_string()),
            files,
        });
    }
    Ok(out)
}

/// A sqlx file's SQL and whether it starts with `-- no-transaction` (which
/// is dropped: the header says it now).
fn sqlx_sql(text: &str) -> (String, bool) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.strip_prefix("-- no-transaction") {
        Some(rest) => {
            // The directive is the whole first line.
            let rest = rest.split_once('\n').map(|(_, r)| r).unwrap_or("");
            (section(rest), true)
        }
        None => (section(text), false),
    }
}

// ---- diesel ----------------------------------------------------------------

fn diesel(dir: &SourceDir) -> Result<Vec<SourceMigration>, ImportError> {
    let tool = Tool::Diesel;
    let mut migrations: BTreeMap<String, (String, Vec<&SourceFile>)> = BTreeMap::new();
    for d in &dir.dirs {
        if d.contains('/') {
            return Err(stray(tool, &format!("{d}/")));
        }
        // diesel: the version is the part before the first `_`, without `-`.
        let (raw_version, _) = d.split_once('_').unwrap_or((d.as_str(), ""));
        let version = raw_version.replace('-', "");
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ImportError::new(format!(
                "`{d}/`: expected a diesel migration directory `<version>_<name>` with a numeric version (e.g. `2023-01-01-120000_create_users`); {}",
                tool.expected_layout()
            )));
        }
        if let Some((other, _)) = migrations.get(&version) {
            return Err(duplicate(
                tool,
                &version,
                &format!("{other}/"),
                &format!("{d}/"),
            ));
        }
        migrations.insert(version, (d.clone(), Vec::new()));
    }
    for f in &dir.files {
        let Some((d, file)) = f.path.split_once('/') else {
            return Err(stray(tool, &f.path));
        };
        let entry = migrations
            .values_mut()
            .find(|(name, _)| *name == d)
            .expect("every file's directory is listed");
        if !matches!(file, "up.sql" | "down.sql" | "metadata.toml") {
            return Err(ImportError::new(format!(
                "`{}` is not part of a diesel migration; a migration directory holds `up.sql` and optionally `down.sql` and `metadata.toml`",
                f.path
            )));
        }
        entry.1.push(f);
    }
    let mut out = Vec::new();
    for (version, (d, files)) in migrations {
        let find = |n: &str| files.iter().find(|f| f.path.ends_with(&format!("/{n}")));
        let Some(up) = find("up.sql") else {
            return Err(ImportError::new(format!(
                "`{d}/` has no `up.sql`; every diesel migration needs one"
            )));
        };
        let down = find("down.sql");
        let mut transaction = true;
        if let Some(meta) = find("metadata.toml") {
            transaction = diesel_run_in_transaction(meta)?;
        }
        let name = d.split_once('_').map(|(_, n)| n).unwrap_or(d.as_str());
        let mut paths = vec![up.path.clone()];
        paths.extend(down.map(|f| f.path.clone()));
        paths.extend(find("metadata.toml").map(|f| f.path.clone()));
        out.push(SourceMigration {
            version,
            name: message(name),
            up: section(&up.text),
            down: down.map(|f| section(&f.text)),
            transaction,
            transaction_note: (!transaction).then(|| {
                "runs outside a transaction: diesel `run_in_transaction = false`".to_string()
            }),
            files: paths,
        });
    }
    Ok(out)
}

/// `run_in_transaction` of a diesel `metadata.toml` (default `true`).
fn diesel_run_in_transaction(meta: &SourceFile) -> Result<bool, ImportError> {
    let table: toml::Table = toml::from_str(&meta.text)
        .map_err(|e| ImportError::new(format!("`{}`: not valid TOML: {e}", meta.path)))?;
    match table.get("run_in_transaction") {
        None => Ok(true),
        Some(toml::Value::Boolean(b)) => Ok(*b),
        Some(other) => Err(ImportError::new(format!(
            "`{}`: `run_in_transaction` must be `true` or `false`, found `{other}`",
            meta.path
        ))),
    }
}

// ---- refinery --------------------------------------------------------------

fn refinery(dir: &SourceDir) -> Result<Vec<SourceMigration>, ImportError> {
    let tool = Tool::Refinery;
    // refinery looks for migrations in subdirectories too.
    let mut by_version: BTreeMap<i64, SourceMigration> = BTreeMap::new();
    for f in &dir.files {
        let base = f.path.rsplit('/').next().unwrap_or(&f.path);
        let Some((stem, ext)) = base.rsplit_once('.') else {
            return Err(stray(tool, &f.path));
        };
        let Some((version, name)) = refinery_stem(stem) else {
            return Err(stray(tool, &f.path));
        };
        if ext == "rs" {
            return Err(ImportError::new(format!(
                "`{}` is a refinery Rust migration; only SQL migrations can be imported (write its SQL into `{stem}.sql` first)",
                f.path
            )));
        }
        if ext != "sql" {
            return Err(stray(tool, &f.path));
        }
        let Ok(v) = version.parse::<i64>() else {
            return Err(ImportError::new(format!(
                "`{}`: refinery needs an integer version, found `{version}`",
                f.path
            )));
        };
        if let Some(other) = by_version.get(&v) {
            return Err(duplicate(tool, &v.to_string(), &other.files[0], &f.path));
        }
        let no_tx = f.text.lines().any(refinery_no_transaction);
        by_version.insert(
            v,
            SourceMigration {
                version: v.to_string(),
                name: message(name),
                up: section(&f.text),
                down: None,
                transaction: !no_tx,
                transaction_note: no_tx.then(|| {
                    "runs outside a transaction: refinery `refinery:noTransaction`".to_string()
                }),
                files: vec![f.path.clone()],
            },
        );
    }
    Ok(by_version.into_values().collect())
}

/// `V12__name` (or `U12__name`) → (`12`, `name`). A decimal version
/// (`V1.1__x`) is returned as is and refused by the caller.
fn refinery_stem(stem: &str) -> Option<(&str, &str)> {
    let rest = stem.strip_prefix(['V', 'U'])?;
    let (version, rest) = rest.split_once("__")?;
    let (digits, fraction) = leading_digits(version);
    let fraction_ok = fraction.is_empty()
        || fraction
            .strip_prefix('.')
            .is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    (!digits.is_empty() && fraction_ok && name_ok).then_some((version, rest))
}

/// refinery's annotation line: `-- refinery:noTransaction` (two or more
/// dashes, at most one space).
fn refinery_no_transaction(line: &str) -> bool {
    let line = line.trim_end();
    let Some(rest) = line.strip_prefix("--") else {
        return false;
    };
    let rest = rest.trim_start_matches('-');
    let rest = rest.strip_prefix([' ', '\t']).unwrap_or(rest);
    rest == "refinery:noTransaction"
}

// ---- dbmate ----------------------------------------------------------------

fn dbmate(dir: &SourceDir) -> Result<Vec<SourceMigration>, ImportError> {
    let tool = Tool::Dbmate;
    let mut by_version: BTreeMap<String, SourceMigration> = BTreeMap::new();
    for f in top_level_files(tool, dir)? {
        // dbmate: a name starting with digits and ending in `.sql`.
        let (version, rest) = leading_digits(&f.path);
        let Some(rest) = rest.strip_suffix(".sql").filter(|_| !version.is_empty()) else {
            return Err(stray(tool, &f.path));
        };
        if let Some(other) = by_version.get(version) {
            return Err(duplicate(tool, version, &other.files[0], &f.path));
        }
        let mut m = dbmate_file(f)?;
        m.version = version.to_string();
        m.name = message(rest);
        by_version.insert(version.to_string(), m);
    }
    // dbmate orders by version text, as its table compares versions.
    Ok(by_version.into_values().collect())
}

/// `-- migrate:up` / `-- migrate:down` with the options after it, if
/// `line` is such a marker.
fn dbmate_marker(line: &str) -> Option<(&'static str, &str)> {
    let rest = line.strip_prefix("--")?.trim_start();
    for (section, word) in [("up", "migrate:up"), ("down", "migrate:down")] {
        if let Some(options) = rest.strip_prefix(word) {
            if options.is_empty() || options.starts_with(char::is_whitespace) {
                return Some((section, options.trim()));
            }
        }
    }
    None
}

fn dbmate_file(f: &SourceFile) -> Result<SourceMigration, ImportError> {
    let text = f.text.strip_prefix('\u{feff}').unwrap_or(&f.text);
    let lines: Vec<&str> = text.lines().collect();
    let mut up: Option<(usize, &str)> = None;
    let mut down: Option<(usize, &str)> = None;
    for (i, line) in lines.iter().enumerate() {
        match dbmate_marker(line) {
            // dbmate takes the first marker of each kind.
            Some(("up", options)) if up.is_none() => up = Some((i, options)),
            Some(("down", options)) if down.is_none() => down = Some((i, options)),
            Some((section, _)) => {
                return Err(ImportError::new(format!(
                    "`{}` line {}: a second `-- migrate:{section}` marker; a dbmate migration has one of each",
                    f.path,
                    i + 1
                )))
            }
            None => {}
        }
    }
    let Some((up_at, up_options)) = up else {
        return Err(ImportError::new(format!(
            "`{}` has no `-- migrate:up` line; every dbmate migration needs one",
            f.path
        )));
    };
    if let Some((down_at, _)) = down.filter(|(d, _)| *d < up_at) {
        return Err(ImportError::new(format!(
            "`{}` line {}: `-- migrate:down` comes before `-- migrate:up`",
            f.path,
            down_at + 1
        )));
    }
    if let Some(i) = (0..up_at).find(|&i| {
        let t = lines[i].trim();
        !t.is_empty() && !t.starts_with("--")
    }) {
        return Err(ImportError::new(format!(
            "`{}` line {}: SQL before `-- migrate:up`, which dbmate does not run",
            f.path,
            i + 1
        )));
    }
    let up_end = down.map(|(d, _)| d).unwrap_or(lines.len());
    let up_sql = section(&lines[up_at + 1..up_end].join("\n"));
    let down_sql = down.map(|(d, _)| section(&lines[d + 1..].join("\n")));
    let no_tx = [Some(up_options), down.map(|(_, o)| o)]
        .into_iter()
        .flatten()
        .any(|options| options.split_whitespace().any(|o| o == "transaction:false"));
    Ok(SourceMigration {
        version: String::new(),
        name: String::new(),
        up: up_sql,
        down: down_sql,
        transaction: !no_tx,
        transaction_note: no_tx
            .then(|| "runs outside a transaction: dbmate `transaction:false`".to_string()),
        files: vec![f.path.clone()],
    })
}

// ---- golang-migrate --------------------------------------------------------

fn golang_migrate(dir: &SourceDir) -> Result<Vec<SourceMigration>, ImportError> {
    let tool = Tool::GolangMigrate;
    let mut by_version: BTreeMap<u64, (String, Option<&SourceFile>, Option<&SourceFile>)> =
        BTreeMap::new();
    for f in top_level_files(tool, dir)? {
        // golang-migrate: `<version>_<title>.<up|down>.<ext>`.
        let (version, rest) = leading_digits(&f.path);
        let Some(rest) = rest.strip_prefix('_').filter(|_| !version.is_empty()) else {
            return Err(stray(tool, &f.path));
        };
        let Some((title_dir, ext)) = rest.rsplit_once('.') else {
            return Err(stray(tool, &f.path));
        };
        let (title, is_up) = if let Some(t) = title_dir.strip_suffix(".up") {
            (t, true)
        } else if let Some(t) = title_dir.strip_suffix(".down") {
            (t, false)
        } else {
            return Err(stray(tool, &f.path));
        };
        if ext != "sql" {
            return Err(ImportError::new(format!(
                "`{}`: only SQL migrations (`.sql`) can be imported",
                f.path
            )));
        }
        let Ok(v) = version.parse::<u64>() else {
            return Err(ImportError::new(format!(
                "`{}`: version `{version}` is out of range",
                f.path
            )));
        };
        let entry = by_version
            .entry(v)
            .or_insert_with(|| (title.to_string(), None, None));
        let slot = if is_up { &mut entry.1 } else { &mut entry.2 };
        if let Some(other) = slot {
            return Err(duplicate(tool, &v.to_string(), &other.path, &f.path));
        }
        *slot = Some(f);
        if is_up {
            entry.0 = title.to_string();
        }
    }
    let mut out = Vec::new();
    for (version, (title, up, down)) in by_version {
        let Some(up) = up else {
            let down = down.expect("an entry has at least one file");
            return Err(ImportError::new(format!(
                "`{}` has no matching `.up.sql` file for version {version}",
                down.path
            )));
        };
        let mut files = vec![up.path.clone()];
        files.extend(down.map(|d| d.path.clone()));
        out.push(SourceMigration {
            version: version.to_string(),
            name: message(&title),
            up: section(&up.text),
            down: down.map(|d| section(&d.text)),
            transaction: true,
            transaction_note: None,
            files,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tool: Tool, files: &[(&str, &str)]) -> Result<Vec<SourceMigration>, ImportError> {
        parse_layout(tool, &SourceDir::from_files(files.iter().copied()))
    }

    fn versions(ms: &[SourceMigration]) -> Vec<&str> {
        ms.iter().map(|m| m.version.as_str()).collect()
    }

    #[test]
    fn sqlx_simple_and_reversible_in_numeric_order() {
        let ms = parse(
            Tool::Sqlx,
            &[
                (
                    "20230102000000_add_posts.up.sql",
                    "CREATE TABLE posts (id INT);\n",
                ),
                ("20230102000000_add_posts.down.sql", "DROP TABLE posts;\n"),
                (
                    "10_third.sql",
                    "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);",
                ),
                ("9_second.sql", "\r\nSELECT 2;\r\n\r\n"),
            ],
        )
        .unwrap();
        assert_eq!(versions(&ms), ["9", "10", "20230102000000"]);
        assert_eq!(ms[0].name, "second");
        assert_eq!(ms[0].up, "SELECT 2;");
        assert_eq!(ms[0].down, None);
        assert!(ms[0].transaction);
        assert!(!ms[1].transaction);
        assert_eq!(ms[1].up, "CREATE INDEX CONCURRENTLY i ON t (a);");
        assert_eq!(ms[2].name, "add posts");
        assert_eq!(ms[2].down.as_deref(), Some("DROP TABLE posts;"));
        assert_eq!(
            ms[2].files,
            [
                "20230102000000_add_posts.up.sql",
                "20230102000000_add_posts.down.sql"
            ]
        );
    }

    #[test]
    fn sqlx_layout_errors_name_the_file() {
        let err = parse(Tool::Sqlx, &[("1_a.sql", ""), ("README.md", "")]).unwrap_err();
        assert!(
            err.0.contains("`README.md` is not a sqlx migration"),
            "{err}"
        );
        assert!(err.0.contains("<version>_<description>.sql"), "{err}");
        let err = parse(Tool::Sqlx, &[("v1_a.sql", "")]).unwrap_err();
        assert!(err.0.contains("integer version"), "{err}");
        let err = parse(Tool::Sqlx, &[("1_a.sql", ""), ("01_b.sql", "")]).unwrap_err();
        assert!(err.0.contains("both have version 1"), "{err}");
        let err = parse(Tool::Sqlx, &[("1_a.down.sql", "")]).unwrap_err();
        assert!(err.0.contains("no matching `.up.sql`"), "{err}");
        let err = parse(Tool::Sqlx, &[("sub/1_a.sql", "")]).unwrap_err();
        assert!(err.0.contains("`sub/` is not a sqlx migration"), "{err}");
        let err = parse(Tool::Sqlx, &[]).unwrap_err();
        assert!(
            err.0.starts_with("no sqlx migration found; expected"),
            "{err}"
        );
    }

    #[test]
    fn diesel_directories_with_metadata() {
        let ms = parse(
            Tool::Diesel,
            &[
                (
                    "2023-01-02-000000_add_index/up.sql",
                    "CREATE INDEX CONCURRENTLY i ON t (a);",
                ),
                ("2023-01-02-000000_add_index/down.sql", "DROP INDEX i;"),
                (
                    "2023-01-02-000000_add_index/metadata.toml",
                    "run_in_transaction = false\n",
                ),
                ("00000000000000_diesel_initial_setup/up.sql", "SELECT 1;"),
                ("00000000000000_diesel_initial_setup/down.sql", "SELECT 0;"),
                (
                    "2023-01-01-000000_no_down/up.sql",
                    "CREATE TABLE t (a INT);",
                ),
            ],
        )
        .unwrap();
        assert_eq!(
            versions(&ms),
            ["00000000000000", "20230101000000", "20230102000000"]
        );
        assert_eq!(ms[0].name, "diesel initial setup");
        assert_eq!(ms[1].down, None);
        assert!(ms[1].transaction);
        assert!(!ms[2].transaction);
        assert_eq!(ms[2].down.as_deref(), Some("DROP INDEX i;"));
    }

    #[test]
    fn diesel_layout_errors() {
        let err = parse(Tool::Diesel, &[("1_a.sql", "")]).unwrap_err();
        assert!(
            err.0.contains("`1_a.sql` is not a diesel migration"),
            "{err}"
        );
        let err = parse(Tool::Diesel, &[("2023_a/down.sql", "")]).unwrap_err();
        assert!(err.0.contains("`2023_a/` has no `up.sql`"), "{err}");
        let err = parse(
            Tool::Diesel,
            &[("2023_a/up.sql", ""), ("2023_a/notes.txt", "")],
        )
        .unwrap_err();
        assert!(
            err.0
                .contains("`2023_a/notes.txt` is not part of a diesel migration"),
            "{err}"
        );
        let err = parse(Tool::Diesel, &[("src/up.sql", "")]).unwrap_err();
        assert!(err.0.contains("numeric version"), "{err}");
        let err = parse(
            Tool::Diesel,
            &[
                ("1_a/up.sql", ""),
                ("1_a/metadata.toml", "run_in_transaction = \"no\""),
            ],
        )
        .unwrap_err();
        assert!(err.0.contains("must be `true` or `false`"), "{err}");
    }

    #[test]
    fn refinery_versions_and_annotation() {
        let ms = parse(
            Tool::Refinery,
            &[
                (
                    "V10__later.sql",
                    "-- refinery:noTransaction\nCREATE INDEX CONCURRENTLY i ON t (a);",
                ),
                ("nested/V2__second_step.sql", "SELECT 2;"),
                ("V1__initial.sql", "CREATE TABLE t (a INT);"),
            ],
        )
        .unwrap();
        assert_eq!(versions(&ms), ["1", "2", "10"]);
        assert_eq!(ms[1].name, "second step");
        assert!(ms.iter().all(|m| m.down.is_none()));
        assert!(ms[0].transaction && ms[1].transaction && !ms[2].transaction);
        assert!(refinery_no_transaction("---- refinery:noTransaction"));
        assert!(!refinery_no_transaction("--  refinery:noTransaction"));
    }

    #[test]
    fn refinery_layout_errors() {
        let err = parse(Tool::Refinery, &[("V1__a.rs", "")]).unwrap_err();
        assert!(err.0.contains("Rust migration"), "{err}");
        let err = parse(Tool::Refinery, &[("1_a.sql", "")]).unwrap_err();
        assert!(
            err.0.contains("`1_a.sql` is not a refinery migration"),
            "{err}"
        );
        assert!(err.0.contains("V<version>__<name>.sql"), "{err}");
        let err = parse(Tool::Refinery, &[("V1.1__a.sql", "")]).unwrap_err();
        assert!(err.0.contains("integer version, found `1.1`"), "{err}");
        let err = parse(Tool::Refinery, &[("V1__a.sql", ""), ("V01__b.sql", "")]).unwrap_err();
        assert!(err.0.contains("both have version 1"), "{err}");
    }

    #[test]
    fn dbmate_sections_and_options() {
        let ms = parse(
            Tool::Dbmate,
            &[
                (
                    "20230102000000_add_index.sql",
                    "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n",
                ),
                (
                    "20230101000000_create_t.sql",
                    "-- a comment\n--migrate:up\nCREATE TABLE t (a INT);\n-- migrate:down\n",
                ),
                ("20230103000000_up_only.sql", "-- migrate:up\nSELECT 1;\n"),
            ],
        )
        .unwrap();
        assert_eq!(
            versions(&ms),
            ["20230101000000", "20230102000000", "20230103000000"]
        );
        assert_eq!(ms[0].name, "create t");
        assert_eq!(ms[0].up, "CREATE TABLE t (a INT);");
        assert_eq!(ms[0].down.as_deref(), Some(""));
        assert!(ms[0].transaction);
        assert!(!ms[1].transaction);
        assert_eq!(ms[1].down.as_deref(), Some("DROP INDEX i;"));
        assert_eq!(ms[2].down, None);
    }

    #[test]
    fn dbmate_layout_errors() {
        let err = parse(Tool::Dbmate, &[("1_a.sql", "SELECT 1;")]).unwrap_err();
        assert!(err.0.contains("no `-- migrate:up` line"), "{err}");
        let err = parse(
            Tool::Dbmate,
            &[("1_a.sql", "SELECT 0;\n-- migrate:up\nSELECT 1;")],
        )
        .unwrap_err();
        assert!(
            err.0.contains("line 1: SQL before `-- migrate:up`"),
            "{err}"
        );
        let err = parse(
            Tool::Dbmate,
            &[("1_a.sql", "-- migrate:down\n-- migrate:up\n")],
        )
        .unwrap_err();
        assert!(err.0.contains("comes before"), "{err}");
        let err = parse(Tool::Dbmate, &[("schema.sql", "")]).unwrap_err();
        assert!(
            err.0.contains("`schema.sql` is not a dbmate migration"),
            "{err}"
        );
    }

    #[test]
    fn golang_migrate_pairs_and_order() {
        let ms = parse(
            Tool::GolangMigrate,
            &[
                (
                    "000010_add_posts.up.sql",
                    "BEGIN;\nCREATE TABLE posts (id INT);\nCOMMIT;",
                ),
                ("000010_add_posts.down.sql", "DROP TABLE posts;"),
                ("000002_create_users.up.sql", "CREATE TABLE users (id INT);"),
            ],
        )
        .unwrap();
        assert_eq!(versions(&ms), ["2", "10"]);
        assert_eq!(ms[0].name, "create users");
        assert_eq!(ms[0].down, None);
        assert!(ms[0].transaction);
        // A file that commits by itself cannot run inside our transaction.
        assert!(!ms[1].transaction);
        assert!(ms[1]
            .transaction_note
            .as_deref()
            .unwrap()
            .contains("`BEGIN`"));
    }

    #[test]
    fn golang_migrate_layout_errors() {
        let err = parse(Tool::GolangMigrate, &[("1_a.sql", "")]).unwrap_err();
        assert!(
            err.0
                .contains("`1_a.sql` is not a golang-migrate migration"),
            "{err}"
        );
        let err = parse(Tool::GolangMigrate, &[("1_a.up.json", "")]).unwrap_err();
        assert!(err.0.contains("only SQL migrations"), "{err}");
        let err = parse(Tool::GolangMigrate, &[("1_a.down.sql", "")]).unwrap_err();
        assert!(err.0.contains("no matching `.up.sql`"), "{err}");
        let err = parse(
            Tool::GolangMigrate,
            &[("1_a.up.sql", ""), ("001_b.up.sql", "")],
        )
        .unwrap_err();
        assert!(err.0.contains("both have version 1"), "{err}");
    }

    #[test]
    fn a_commit_inside_a_string_or_body_is_not_a_transaction() {
        assert_eq!(
            own_transaction("INSERT INTO t VALUES ('COMMIT');", None),
            None
        );
        assert_eq!(
            own_transaction("DO $$ BEGIN PERFORM 1; END $$;", None),
            None
        );
        assert_eq!(
            own_transaction("SELECT 1;", Some("start  transaction;")),
            Some("start transaction".to_string())
        );
    }
}
