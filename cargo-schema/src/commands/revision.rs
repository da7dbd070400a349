//! `revision` and `merge`: writing new migration files.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{SubsecRound, Utc};
use schema_core::migration::{file_name, new_revision_id, MigrationFile, RevisionGraph};

use crate::cli::RevisionArgs;
use crate::commands::graph::single;
use crate::commands::{autogen, load_graph_for_write, Ctx};
use crate::error::CliError;
use crate::output::display_path;

/// `revision -m MSG [--autogenerate] [--head REV] [--branch-label L] [--depends-on REV] [--empty]`
pub fn revision(ctx: &Ctx, args: &RevisionArgs) -> Result<ExitCode, CliError> {
    let (graph, files) = load_graph_for_write(ctx)?;
    let parents = parents_for_new(&graph, args.head.as_deref())?;
    let mut depends_on = Vec::new();
    for d in &args.depends_on {
        // Branch labels are kept as written; anything else must resolve to one revision.
        if graph.branch_labels().contains_key(d) {
            depends_on.push(d.clone());
        } else {
            depends_on.push(single(&graph, d)?.id().to_string());
        }
    }
    let mut file = MigrationFile {
        revision: new_revision_id()?,
        down_revisions: parents,
        message: one_line(&args.message),
        created: Some(Utc::now().trunc_subsecs(0)),
        branch_labels: args.branch_label.clone(),
        depends_on,
        transaction: true,
        ..MigrationFile::default()
    };
    if args.autogenerate {
        match autogen::generate(ctx, &graph, &file.down_revisions, args.allow_drop_all)? {
            None => {
                ctx.out.answer("no changes detected; no migration written");
                return Ok(ExitCode::SUCCESS);
            }
            Some(generated) => {
                for w in &generated.warnings {
                    ctx.out.warn(w);
                }
                for h in &generated.hints {
                    ctx.out.note(format!("hint: {h}"));
                }
                file.preamble = generated.preamble;
                file.up = generated.up;
                file.down = generated.down;
                file.portable = generated.dialects.is_empty();
                file.dialects = generated.dialects;
                file.state = generated.state;
                file.lock_timeout = generated.lock_timeout;
                let chain = chained(file, generated.before, generated.after)?;
                for path in write_all(ctx, files, chain)? {
                    ctx.out.answer(format!("created {}", display_path(&path)));
                }
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    let path = write_new(ctx, files, file)?;
    ctx.out.answer(format!("created {}", display_path(&path)));
    Ok(ExitCode::SUCCESS)
}

/// The main file with the lock-safe migrations that run outside a
/// transaction just before and after it, linked in that order: the first
/// takes the parents (and labels), each next one the previous as parent.
/// A main file left empty (say, only an index was added) is not written;
/// one with per-dialect sections always is, since it carries the state
/// records (the separate files carry none).
fn chained(
    main: MigrationFile,
    before: Option<autogen::Separate>,
    after: Option<autogen::Separate>,
) -> Result<Vec<MigrationFile>, CliError> {
    let separate = |s: autogen::Separate, part: &str| MigrationFile {
        message: format!("{} ({part})", main.message),
        created: main.created,
        transaction: false,
        lock_timeout: main.lock_timeout,
        preamble: s.preamble,
        up: s.up,
        down: s.down,
        portable: s.dialects.is_empty(),
        dialects: s.dialects,
        ..MigrationFile::default()
    };
    let parents = main.down_revisions.clone();
    let labels = main.branch_labels.clone();
    let depends = main.depends_on.clone();
    let message = main.message.clone();
    let before = before.map(|b| separate(b, "before: concurrent index drops"));
    let after = after.map(|a| separate(a, "after: concurrent builds, validation"));
    let mut chain: Vec<MigrationFile> = before.into_iter().collect();
    if !main.up.trim().is_empty()
        || !main.dialects.is_empty()
        || (chain.is_empty() && after.is_none())
    {
        chain.push(main);
    }
    chain.extend(after);
    if chain.len() == 1 {
        chain[0].message = message;
    }
    let mut previous: Option<String> = None;
    for file in &mut chain {
        if file.revision.is_empty() {
            file.revision = new_revision_id()?;
        }
        let first = previous.is_none();
        file.down_revisions = previous.iter().cloned().collect();
        if first {
            file.down_revisions = parents.clone();
        }
        file.branch_labels = if first { labels.clone() } else { Vec::new() };
        file.depends_on = if first { depends.clone() } else { Vec::new() };
        previous = Some(file.revision.clone());
    }
    Ok(chain)
}

/// `merge -m MSG REV... | heads`
pub fn merge(ctx: &Ctx, message: &str, revisions: &[String]) -> Result<ExitCode, CliError> {
    let (graph, files) = load_graph_for_write(ctx)?;
    let mut parents: Vec<String> = Vec::new();
    for r in revisions {
        let ids = if r == "heads" {
            graph.heads()
        } else {
            vec![single(&graph, r)?.id().to_string()]
        };
        for id in ids {
            if !parents.contains(&id) {
                parents.push(id);
            }
        }
    }
    if parents.len() < 2 {
        return Err(CliError::Usage(format!(
            "merge needs at least two revisions to join; {} given ({})",
            parents.len(),
            if parents.is_empty() {
                "none".to_string()
            } else {
                parents.join(", ")
            }
        )));
    }
    let file = MigrationFile {
        revision: new_revision_id()?,
        down_revisions: parents,
        message: one_line(message),
        created: Some(Utc::now().trunc_subsecs(0)),
        transaction: true,
        ..MigrationFile::default()
    };
    let path = write_new(ctx, files, file)?;
    ctx.out.answer(format!("created {}", display_path(&path)));
    Ok(ExitCode::SUCCESS)
}

/// The parents of a new revision: `--head` (or `base` for a new root), else
/// the single head.
fn parents_for_new(graph: &RevisionGraph, head: Option<&str>) -> Result<Vec<String>, CliError> {
    match head {
        Some("base") => Ok(Vec::new()),
        Some(target) => {
            let rev = single(graph, target)?;
            if !rev.is_head() {
                return Err(CliError::Usage(format!(
                    "--head {target}: revision {} is not a head (its children: {}); building on it would create a branch — pass one of the heads, or `base` for a new root",
                    rev.id(),
                    rev.children.join(", ")
                )));
            }
            Ok(vec![rev.id().to_string()])
        }
        None => {
            let heads = graph.heads();
            match heads.len() {
                0 | 1 => Ok(heads),
                _ => Err(CliError::Usage(format!(
                    "there are {} heads ({}): join them with `cargo schema merge -m \"merge\" heads`, or choose one with --head",
                    heads.len(),
                    heads.join(", ")
                ))),
            }
        }
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Validates the new file against the whole graph, then writes it; nothing
/// is written when the result would not load.
pub(crate) fn write_new(
    ctx: &Ctx,
    files: Vec<(String, MigrationFile)>,
    file: MigrationFile,
) -> Result<PathBuf, CliError> {
    Ok(write_all(ctx, files, vec![file])?.remove(0))
}

/// [`write_new`] for several new files at once: all are checked against
/// the graph before any is written.
pub(crate) fn write_all(
    ctx: &Ctx,
    mut files: Vec<(String, MigrationFile)>,
    new: Vec<MigrationFile>,
) -> Result<Vec<PathBuf>, CliError> {
    let dir = ctx.project.migrations_dir();
    let mut out = Vec::new();
    for file in new {
        let created = file.created.unwrap_or_else(Utc::now);
        let name = file_name(
            &ctx.project.config.file_template,
            created,
            &file.revision,
            &file.message,
        )?;
        let path = dir.join(&name);
        let text = file.render();
        // Round-trip through the parser and the graph before touching the disk.
        let reparsed = MigrationFile::parse(&text, &name)?;
        files.push((display_path(&path), reparsed));
        if path.exists() {
            return Err(CliError::Other(format!(
                "{} already exists; not overwriting it",
                display_path(&path)
            )));
        }
        out.push((path, text));
    }
    RevisionGraph::new(files)?;
    for (path, text) in &out {
        let parent = path.parent().unwrap_or(&dir);
        fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
        fs::write(path, text).map_err(|e| CliError::io(path, e))?;
    }
    Ok(out.into_iter().map(|(p, _)| p).collect())
}
