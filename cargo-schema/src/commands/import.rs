//! `import --from TOOL DIR`: another tool's history converted into our
//! migration files, and our version table stamped to what that tool's own
//! table says was applied.
//!
//! Everything is checked first — the directory's layout, the files against
//! those already in the migrations directory, the other tool's table, our
//! version table — and only then are files written and the stamp made, so
//! a refusal leaves both the directory and the database as they were.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use schema_core::migration::{MigrationFile, RevisionGraph};
use schema_runtime::foreign::read_foreign_table;
use schema_runtime::{Connection, Migrator, OpenMode};
use serde_json::json;

use crate::cli::ImportArgs;
use crate::commands::{load_graph_for_write, Ctx};
use crate::error::CliError;
use crate::import::{
    applied_count, convert, parse_layout, ImportError, ImportedFile, SourceDir, SourceFile,
};
use crate::output::display_path;

/// How deep the source directory is read: diesel needs one level of
/// subdirectories, refinery may nest a few.
const MAX_DEPTH: usize = 8;

/// A migration file's origin (its path, for messages) and text.
type OriginText = (String, String);

/// What happens to one imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileStatus {
    Created,
    Unchanged,
}

/// What the import does to our version table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StampPlan {
    /// No database given (or `--no-stamp`).
    NoDatabase,
    /// Stamp to this revision (index into the imported files).
    Stamp(usize),
    /// Already exactly there.
    AlreadyStamped(Option<usize>),
    /// Our table records more than the other tool's: left as it is.
    Ahead(Option<usize>),
}

/// `import --from TOOL DIR [--table NAME] [--no-stamp]`
pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<ExitCode, CliError> {
    let tool = args.from;
    let source = display_path(&args.dir);
    let in_source = |e: ImportError| CliError::Other(format!("{source}: {e}"));

    // 1. The other tool's files, converted.
    let dir = read_source_dir(&args.dir)?;
    let migrations = parse_layout(tool, &dir).map_err(in_source)?;
    let imported = convert(tool, &migrations).map_err(in_source)?;

    // 2. Against the migrations directory: same bytes or new, one history.
    let target_dir = ctx.project.migrations_dir();
    let (statuses, texts) = check_against_existing(ctx, &target_dir, &imported)?;

    // 3. The other tool's table and our version table.
    let table = args.table.as_deref().unwrap_or(tool.history_table());
    let (plan, db) = if args.no_stamp {
        (StampPlan::NoDatabase, None)
    } else {
        match ctx.database_url() {
            Err(CliError::NoDatabaseUrl { env_var }) => {
                ctx.out.note(format!(
                    "note: no database URL (--database-url, {env_var}, or `database_url`); converting the files only, nothing stamped"
                ));
                (StampPlan::NoDatabase, None)
            }
            Err(e) => return Err(e),
            Ok(db) => {
                ctx.out.note(format!(
                    "database: {}",
                    schema_runtime::conn::describe(&db.url)
                ));
                let plan = plan_stamp(ctx, &db.url, table, &migrations, &imported, &texts, args)?;
                (plan, Some(db.url))
            }
        }
    };

    // 4. Write, then stamp.
    fs::create_dir_all(&target_dir).map_err(|e| CliError::io(&target_dir, e))?;
    let mut lines = Vec::new();
    for (f, status) in imported.iter().zip(&statuses) {
        let path = target_dir.join(&f.name);
        if *status == FileStatus::Created {
            fs::write(&path, &f.text).map_err(|e| CliError::io(&path, e))?;
            lines.push(format!("created {}", display_path(&path)));
        }
    }
    let created = statuses
        .iter()
        .filter(|s| **s == FileStatus::Created)
        .count();
    let mut stamped = None;
    if let (StampPlan::Stamp(i), Some(url)) = (&plan, &db) {
        let m = Migrator::from_dir(&target_dir)?.version_table(&ctx.project.config.version_table);
        let rev = &imported[*i].file.revision;
        m.stamp(url, rev, false).map_err(|e| {
            CliError::Other(format!(
                "the files are written, but stamping {rev} failed: {e}\nrun the same import again once this is fixed (the files will be left as they are)"
            ))
        })?;
        stamped = Some(*i);
    }

    if ctx.out.json() {
        print_json(
            ctx,
            tool.name(),
            &target_dir,
            &imported,
            &statuses,
            &plan,
            stamped,
        );
        return Ok(ExitCode::SUCCESS);
    }
    for l in lines {
        ctx.out.line(l);
    }
    ctx.out.answer(format!(
        "imported {} {} migration{} into {}: {created} new, {} unchanged",
        imported.len(),
        tool.name(),
        if imported.len() == 1 { "" } else { "s" },
        display_path(&target_dir),
        imported.len() - created
    ));
    let pending = |applied: usize| match imported.len() - applied {
        0 => "nothing is pending".to_string(),
        n => format!("`cargo schema upgrade` applies the remaining {n}"),
    };
    let at = |i: usize| {
        let f = &imported[i];
        format!(
            "{} (version {}, {})",
            f.file.revision, f.version, f.file.message
        )
    };
    match plan {
        StampPlan::NoDatabase => {}
        StampPlan::Stamp(i) => ctx.out.answer(format!(
            "stamped {}: {} of {} applied by {}; {}",
            at(i),
            i + 1,
            imported.len(),
            tool.name(),
            pending(i + 1)
        )),
        StampPlan::AlreadyStamped(None) => ctx.out.answer(format!(
            "{} applied nothing here (`{table}` is empty); nothing stamped; {}",
            tool.name(),
            pending(0)
        )),
        StampPlan::AlreadyStamped(Some(i)) => ctx.out.answer(format!(
            "already stamped at {}; nothing stamped; {}",
            at(i),
            pending(i + 1)
        )),
        StampPlan::Ahead(i) => ctx.out.answer(format!(
            "the version table already records more than {} applied ({}); left as it is",
            tool.name(),
            match i {
                Some(i) => format!("{} recorded up to {}", tool.name(), at(i)),
                None => format!("`{table}` is empty"),
            }
        )),
    }
    Ok(ExitCode::SUCCESS)
}

/// Every file below `dir` (hidden entries left out), paths relative and
/// `/`-separated.
fn read_source_dir(dir: &Path) -> Result<SourceDir, CliError> {
    if !dir.is_dir() {
        return Err(CliError::Usage(format!(
            "{}: no such directory (give the other tool's migrations directory)",
            display_path(dir)
        )));
    }
    let mut out = SourceDir::default();
    walk(dir, "", 0, &mut out)?;
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.dirs.sort();
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, depth: usize, out: &mut SourceDir) -> Result<(), CliError> {
    let entries = fs::read_dir(dir).map_err(|e| CliError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| CliError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // `.keep`, `.gitkeep`, editor and OS files are nobody's migrations.
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let rel = format!("{prefix}{name}");
        if path.is_dir() {
            out.dirs.push(rel.clone());
            if depth < MAX_DEPTH {
                walk(&path, &format!("{rel}/"), depth + 1, out)?;
            }
        } else {
            let bytes = fs::read(&path).map_err(|e| CliError::io(&path, e))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                CliError::Other(format!(
                    "{}: not UTF-8 text; migration files must be UTF-8",
                    display_path(&path)
                ))
            })?;
            out.files.push(SourceFile { path: rel, text });
        }
    }
    Ok(())
}

/// Each imported file is new or already there byte for byte; together
/// with the other files of the migrations directory they form one history
/// rooted at the first imported revision. Returns each file's status and
/// the texts of the whole directory after the import (for the planner).
fn check_against_existing(
    ctx: &Ctx,
    target_dir: &Path,
    imported: &[ImportedFile],
) -> Result<(Vec<FileStatus>, Vec<OriginText>), CliError> {
    let (_, existing) = load_graph_for_write(ctx)?;
    let mut statuses = Vec::with_capacity(imported.len());
    let mut files: Vec<(String, MigrationFile)> = Vec::new();
    let imported_paths: BTreeSet<PathBuf> =
        imported.iter().map(|f| target_dir.join(&f.name)).collect();
    for f in imported {
        let path = target_dir.join(&f.name);
        let status = match fs::read_to_string(&path) {
            Ok(text) if text == f.text => FileStatus::Unchanged,
            Ok(_) => {
                return Err(CliError::Other(format!(
                    "{} already exists with different content; the import would write it differently. \
                     Nothing was written. Move it away (or restore it from version control) and run the import again",
                    display_path(&path)
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileStatus::Created,
            Err(e) => return Err(CliError::io(&path, e)),
        };
        statuses.push(status);
        files.push((display_path(&path), f.file.clone()));
    }
    for (origin, file) in existing {
        if !imported_paths.iter().any(|p| display_path(p) == origin) {
            files.push((origin, file));
        }
    }
    let graph = RevisionGraph::new(files.clone())?;
    let first = &imported[0].file.revision;
    if let Some(base) = graph.bases().into_iter().find(|b| b != first) {
        let origin = graph
            .get(&base)
            .map(|r| r.origin.clone())
            .unwrap_or_default();
        return Err(CliError::Other(format!(
            "{} already holds a history of its own (base revision {base} in {origin}); \
             an imported history must be the only one. Nothing was written. \
             Import into an empty migrations directory (or remove the other files first)",
            display_path(target_dir)
        )));
    }
    // What `current` needs of the directory after the import: the parsed
    // files rendered back (equal content, so the same revisions).
    let texts = files.iter().map(|(o, f)| (o.clone(), f.render())).collect();
    Ok((statuses, texts))
}

/// Reads the other tool's table and our version table, and decides what
/// to stamp. Refuses everything the stamp cannot stand for.
fn plan_stamp(
    ctx: &Ctx,
    url: &schema_core::url::DatabaseUrl,
    table: &str,
    migrations: &[crate::import::SourceMigration],
    imported: &[ImportedFile],
    texts: &[OriginText],
    args: &ImportArgs,
) -> Result<StampPlan, CliError> {
    let tool = args.from;
    let mut conn = Connection::open(url, OpenMode::ExistingOrEmpty)?;
    let rows = read_foreign_table(&mut conn, table, "version", tool.flag_column())?;
    let Some(rows) = rows else {
        return Err(CliError::Other(format!(
            "{} has no table `{table}`, where {} records what it applied. \
             Is this the right database? If {} never ran there, import the files only with --no-stamp; \
             if its table has another name, pass it with --table",
            conn.describe(),
            tool.name(),
            tool.name()
        )));
    };
    drop(conn);
    let count = applied_count(tool, table, migrations, &rows)
        .map_err(|e| CliError::Other(e.to_string()))?;

    let m = Migrator::from_texts(texts.iter().map(|(o, t)| (o.clone(), t.as_str())))
        .version_table(&ctx.project.config.version_table);
    let status = m.current(url)?;
    if let Some(d) = status.applied.iter().find(|a| a.dirty) {
        return Err(CliError::Other(format!(
            "the version table `{}` marks revision {} dirty (a migration failed part-way); repair that first — nothing was imported",
            ctx.project.config.version_table, d.revision
        )));
    }
    let ours: BTreeSet<&str> = status.applied.iter().map(|a| a.revision.as_str()).collect();
    let theirs: BTreeSet<&str> = imported[..count]
        .iter()
        .map(|f| f.file.revision.as_str())
        .collect();
    let last = count.checked_sub(1);
    if ours == theirs {
        return Ok(StampPlan::AlreadyStamped(last));
    }
    if ours.is_superset(&theirs) {
        return Ok(StampPlan::Ahead(last));
    }
    if ours.is_subset(&theirs) {
        return Ok(match last {
            Some(i) => StampPlan::Stamp(i),
            None => StampPlan::AlreadyStamped(None),
        });
    }
    let extra: Vec<&str> = ours.difference(&theirs).copied().collect();
    let missing: Vec<&str> = theirs.difference(&ours).copied().collect();
    Err(CliError::Other(format!(
        "the version table `{}` disagrees with `{table}`: it records {} as applied, which {} did not apply, \
         and lacks {}, which {} did. Nothing was written or stamped. \
         Find out which is right, then `cargo schema stamp` to it",
        ctx.project.config.version_table,
        extra.join(", "),
        tool.name(),
        missing.join(", "),
        tool.name()
    )))
}

fn print_json(
    ctx: &Ctx,
    tool: &str,
    target_dir: &Path,
    imported: &[ImportedFile],
    statuses: &[FileStatus],
    plan: &StampPlan,
    stamped: Option<usize>,
) {
    let files: Vec<serde_json::Value> = imported
        .iter()
        .zip(statuses)
        .map(|(f, s)| {
            json!({
                "version": f.version,
                "revision": f.file.revision,
                "file": display_path(&target_dir.join(&f.name)),
                "status": match s {
                    FileStatus::Created => "created",
                    FileStatus::Unchanged => "unchanged",
                },
            })
        })
        .collect();
    let applied = match plan {
        StampPlan::NoDatabase => None,
        StampPlan::Stamp(i) => Some(i + 1),
        StampPlan::AlreadyStamped(i) | StampPlan::Ahead(i) => Some(i.map(|i| i + 1).unwrap_or(0)),
    };
    ctx.out.json_value(&json!({
        "from": tool,
        "files": files,
        "applied": applied,
        "stamped": stamped.map(|i| imported[i].file.revision.clone()),
    }));
}
