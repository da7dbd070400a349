//! `history`, `heads`, `branches`, `show`: questions about the revision
//! graph, answered from the files alone (no database connection).

use std::collections::BTreeSet;
use std::process::ExitCode;

use schema_core::migration::{Revision, RevisionGraph};
use serde_json::{json, Value};

use crate::commands::{load_graph, Ctx};
use crate::error::CliError;

/// One revision as stable JSON.
pub fn revision_json(rev: &Revision) -> Value {
    let f = &rev.file;
    json!({
        "revision": f.revision,
        "down_revisions": f.down_revisions,
        "message": f.message,
        "created": f.created.map(|c| c.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "branch_labels": f.branch_labels,
        "depends_on": f.depends_on,
        "transaction": f.transaction,
        "file": rev.origin,
        "is_head": rev.is_head(),
        "is_base": rev.is_base(),
        "is_branch_point": rev.is_branch_point(),
        "is_merge_point": rev.is_merge_point(),
    })
}

/// Alembic's one-line form: `parent -> rev (head), message`.
pub fn revision_line(rev: &Revision) -> String {
    let f = &rev.file;
    let parents = match f.down_revisions.as_slice() {
        [] => "<base>".to_string(),
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    };
    let mut marks = Vec::new();
    if rev.is_head() {
        marks.push("head");
    }
    if rev.is_branch_point() {
        marks.push("branchpoint");
    }
    if rev.is_merge_point() {
        marks.push("mergepoint");
    }
    let labels = if f.branch_labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", f.branch_labels.join(", "))
    };
    let marks = if marks.is_empty() {
        String::new()
    } else {
        format!(" ({})", marks.join(") ("))
    };
    format!("{parents} -> {}{labels}{marks}, {}", f.revision, f.message)
}

fn verbose_block(rev: &Revision) -> String {
    let f = &rev.file;
    let mut s = format!("Rev: {}", f.revision);
    if rev.is_head() {
        s.push_str(" (head)");
    }
    if rev.is_branch_point() {
        s.push_str(" (branchpoint)");
    }
    if rev.is_merge_point() {
        s.push_str(" (mergepoint)");
    }
    let parents = if f.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        f.down_revisions.join(", ")
    };
    s.push_str(&format!("\nParent: {parents}"));
    if !f.branch_labels.is_empty() {
        s.push_str(&format!("\nBranch names: {}", f.branch_labels.join(", ")));
    }
    if !f.depends_on.is_empty() {
        s.push_str(&format!("\nDepends on: {}", f.depends_on.join(", ")));
    }
    if !rev.children.is_empty() {
        s.push_str(&format!("\nChildren: {}", rev.children.join(", ")));
    }
    if let Some(c) = f.created {
        s.push_str(&format!(
            "\nCreated: {}",
            c.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    if !f.transaction {
        s.push_str("\nTransaction: false");
    }
    s.push_str(&format!("\nPath: {}\n\n    {}\n", rev.origin, f.message));
    s
}

/// `history [-r A:B] [--verbose]`
pub fn history(ctx: &Ctx, range: Option<&str>, verbose: bool) -> Result<ExitCode, CliError> {
    let graph = load_graph(ctx)?;
    let revs = graph.history(range, &BTreeSet::new())?;
    if ctx.out.json() {
        let list: Vec<Value> = revs.iter().map(|r| revision_json(r)).collect();
        ctx.out.json_value(&json!({ "revisions": list }));
        return Ok(ExitCode::SUCCESS);
    }
    if revs.is_empty() {
        ctx.out.note("no revisions");
    }
    for r in revs {
        ctx.out.answer(if verbose {
            verbose_block(r)
        } else {
            revision_line(r)
        });
    }
    Ok(ExitCode::SUCCESS)
}

/// `heads`
pub fn heads(ctx: &Ctx) -> Result<ExitCode, CliError> {
    let graph = load_graph(ctx)?;
    let heads: Vec<&Revision> = graph.heads().iter().filter_map(|h| graph.get(h)).collect();
    if ctx.out.json() {
        let list: Vec<Value> = heads.iter().map(|r| revision_json(r)).collect();
        ctx.out.json_value(&json!({ "heads": list }));
        return Ok(ExitCode::SUCCESS);
    }
    if heads.is_empty() {
        ctx.out.note("no revisions");
    }
    for r in heads {
        let labels = if r.file.branch_labels.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.file.branch_labels.join(", "))
        };
        ctx.out
            .answer(format!("{}{labels} (head), {}", r.id(), r.file.message));
    }
    Ok(ExitCode::SUCCESS)
}

/// `branches`
pub fn branches(ctx: &Ctx) -> Result<ExitCode, CliError> {
    let graph = load_graph(ctx)?;
    let points = graph.branches();
    if ctx.out.json() {
        let list: Vec<Value> = points
            .iter()
            .map(|(id, children)| json!({ "revision": id, "children": children }))
            .collect();
        ctx.out.json_value(&json!({ "branches": list }));
        return Ok(ExitCode::SUCCESS);
    }
    if points.is_empty() {
        ctx.out.note("no branch points");
    }
    for (id, children) in points {
        let msg = graph
            .get(&id)
            .map(|r| r.file.message.clone())
            .unwrap_or_default();
        ctx.out.answer(format!("{id} (branchpoint), {msg}"));
        for c in children {
            if let Some(r) = graph.get(&c) {
                ctx.out.answer(format!("    -> {}", revision_line(r)));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `show REV`
pub fn show(ctx: &Ctx, target: &str) -> Result<ExitCode, CliError> {
    let graph = load_graph(ctx)?;
    let rev = single(&graph, target)?;
    if ctx.out.json() {
        let mut v = revision_json(rev);
        if rev.file.portable {
            v["up"] = json!(rev.file.up);
            v["down"] = json!(rev.file.down);
        }
        for d in &rev.file.dialects {
            v["dialects"][d.dialect.name()] = json!({ "up": d.up, "down": d.down });
        }
        ctx.out.json_value(&v);
        return Ok(ExitCode::SUCCESS);
    }
    ctx.out.answer(verbose_block(rev));
    let mut sections = Vec::new();
    if rev.file.portable {
        sections.push(format!(
            "-- migrate:up\n{}\n\n-- migrate:down\n{}",
            rev.file.up, rev.file.down
        ));
    }
    for d in &rev.file.dialects {
        sections.push(format!(
            "-- migrate:up {0}\n{1}\n\n-- migrate:down {0}\n{2}",
            d.dialect, d.up, d.down
        ));
    }
    ctx.out.answer(sections.join("\n\n"));
    Ok(ExitCode::SUCCESS)
}

/// Resolves a target that must name exactly one revision.
pub fn single<'g>(graph: &'g RevisionGraph, target: &str) -> Result<&'g Revision, CliError> {
    let ids = graph.resolve(target, &BTreeSet::new())?;
    match ids.as_slice() {
        [one] => Ok(graph.get(one).expect("resolve returns known ids")),
        [] => Err(CliError::Usage(format!(
            "`{target}` names no revision (it is `base`)"
        ))),
        many => Err(CliError::Usage(format!(
            "`{target}` names {} revisions ({}); name one",
            many.len(),
            many.join(", ")
        ))),
    }
}
