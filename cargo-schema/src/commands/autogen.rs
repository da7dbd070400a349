//! Autogenerate: models (discovered from source) versus the live database at
//! head. Shared by `revision --autogenerate`, `check` and `diff`.

use std::collections::BTreeSet;
use std::process::ExitCode;

use schema_core::dialect::{Dialect, RenderedMigration};
use schema_core::migration::{DialectSql, RevisionGraph};
use schema_core::state;
use schema_core::url::DatabaseUrl;
use schema_runtime::conn::Connection;
use schema_runtime::introspect::IntrospectOptions;
use schema_runtime::version::VersionTable;
use schema_runtime::{check_models_fit, compare_models, CompareOptions, Comparison};
use serde_json::json;

use crate::commands::{load_graph, Ctx};
use crate::discover::discover;
use crate::error::CliError;
use crate::progress::TableProgress;

/// The migration text autogenerate produced.
#[derive(Debug)]
pub struct Generated {
    /// Comment block listing each operation in words.
    pub preamble: String,
    /// `-- migrate:up` SQL.
    pub up: String,
    /// `-- migrate:down` SQL.
    pub down: String,
    /// Per-dialect sections, for a project that targets several dialects
    /// (then `up` and `down` are empty).
    pub dialects: Vec<DialectSql>,
    /// The `-- migrate:state` section (several dialects only).
    pub state: String,
    /// Destructive operations.
    pub warnings: Vec<String>,
    /// Possible renames.
    pub hints: Vec<String>,
}

/// Opens the database read-only (a missing SQLite file is an empty database
/// and is not created), prints the target once, and returns the connection.
pub fn open_read_only(ctx: &Ctx, url: &DatabaseUrl) -> Result<Connection, CliError> {
    let conn = Connection::open_existing_or_empty(url)?;
    ctx.out.note(format!("database: {}", conn.describe()));
    for n in conn.notes() {
        ctx.out.note(format!("note: {n}"));
    }
    Ok(conn)
}

/// Models versus the live database, which must be at `expected_heads` (the
/// parents of the revision about to be written).
///
/// With no model found at all, the comparison would propose to drop every
/// table; that is refused unless `allow_drop_all` says it is meant.
fn compare(
    ctx: &Ctx,
    graph: &RevisionGraph,
    expected_heads: &[String],
    allow_drop_all: bool,
) -> Result<Comparison, CliError> {
    // Discovery first: a model error is reported before any connection.
    let discovery = discover(&ctx.project)?;
    let models = discovery.schema();
    let db = ctx.database_url()?;
    let mut conn = open_read_only(ctx, &db.url)?;
    let config = &ctx.project.config;
    let vt = VersionTable::new(&config.version_table, conn.backend());
    let applied: BTreeSet<String> = vt
        .read(&mut conn)?
        .into_iter()
        .map(|r| r.revision)
        .collect();
    let current: BTreeSet<String> = graph.current_heads(&applied).into_iter().collect();
    let expected: BTreeSet<String> = expected_heads.iter().cloned().collect();
    let mut behind = Vec::new();
    for head in expected_heads {
        behind.extend(graph.plan_upgrade(&applied, head)?);
    }
    if current != expected || !behind.is_empty() {
        let show = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "base".to_string()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        };
        return Err(CliError::Other(format!(
            "the database is not at head: it is at {}, the migrations' head is {}{}; run `cargo schema upgrade` first, so autogenerate compares the models with the schema the migrations produce",
            show(&current),
            show(&expected),
            if behind.is_empty() {
                String::new()
            } else {
                format!(" ({} pending)", behind.len())
            }
        )));
    }
    // Dropped on an error too, which clears the bar before the error prints.
    let progress = TableProgress::start(ctx.out);
    let options = CompareOptions {
        tables: IntrospectOptions {
            version_table: config.version_table.clone(),
            ignore_tables: config.ignore_tables.clone(),
            on_table: Some(progress.hook()),
        },
        only_modelled_tables: false,
    };
    let cmp = compare_models(&mut conn, &models, &options)?;
    progress.finish();
    if models.tables.is_empty() && !cmp.live.tables.is_empty() {
        let why = no_models_error(&discovery.roots, &cmp);
        if !allow_drop_all {
            return Err(why);
        }
        ctx.out.warn(why.to_string());
    }
    Ok(cmp)
}

/// Why autogenerate will not drop every table because no model was found.
fn no_models_error(roots: &[std::path::PathBuf], cmp: &Comparison) -> CliError {
    let looked = if roots.is_empty() {
        "no crate root".to_string()
    } else {
        roots
            .iter()
            .map(|r| crate::output::display_path(r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let names: Vec<&str> = cmp.live.tables.iter().map(|t| t.name.as_str()).collect();
    let shown = if names.len() > 8 {
        format!("{}, … ({} in all)", names[..8].join(", "), names.len())
    } else {
        names.join(", ")
    };
    CliError::Other(format!(
        "no models found (looked for #[derive(Model)] structs in the module trees of {looked}), \
         so autogenerate would drop every table of the database: {shown}; add models, or list \
         the crates that hold them in `model_packages` under [package.metadata.schema], or \
         pass `--allow-drop-all` to `revision --autogenerate` if dropping everything is meant"
    ))
}

/// The comment block: each operation in words, then what the database
/// holds that the models cannot express and the migration may trip over.
fn preamble(rendered: &RenderedMigration, unmodelled: &[String]) -> String {
    preamble_with(rendered, unmodelled, &[])
}

/// [`preamble`], then what the recorded state did not account for.
fn preamble_with(
    rendered: &RenderedMigration,
    unmodelled: &[String],
    unaccounted: &[String],
) -> String {
    let mut s = String::from("-- Autogenerated by cargo schema; review before applying.");
    for line in &rendered.summary {
        s.push_str("\n-- - ");
        s.push_str(line);
    }
    for w in unmodelled {
        s.push_str("\n-- WARNING: ");
        s.push_str(w);
    }
    for u in unaccounted {
        s.push_str("\n-- NOTE: ");
        s.push_str(u);
    }
    s
}

/// The connected dialect's rendering, with what only the other dialects'
/// sections do (and warn about) added to its summary and warnings, each
/// line naming its dialect.
fn combined(connected: Dialect, sections: &[(Dialect, RenderedMigration)]) -> RenderedMigration {
    let mut out = sections
        .iter()
        .find(|(d, _)| *d == connected)
        .map(|(_, r)| r.clone())
        .expect("the connected dialect is rendered");
    for (d, r) in sections.iter().filter(|(d, _)| *d != connected) {
        for line in &r.summary {
            if !out.summary.contains(line) {
                out.summary.push(format!("{d}: {line}"));
            }
        }
        for w in &r.warnings {
            if !out.warnings.contains(w) {
                out.warnings.push(format!("{d}: {w}"));
            }
        }
    }
    out
}

/// The dialects the project targets, with the connected one among them;
/// empty for a single-dialect project.
pub(crate) fn targets(ctx: &Ctx, connected: Dialect) -> Result<Vec<Dialect>, CliError> {
    let config = &ctx.project.config;
    let targets = config
        .target_dialects()
        .map_err(|message| CliError::Config {
            path: ctx.project.manifest_path.clone(),
            message,
        })?;
    if !targets.is_empty() && !targets.contains(&connected) {
        return Err(CliError::Config {
            path: ctx.project.manifest_path.clone(),
            message: format!(
                "the database is {connected}, which `dialects` ({}) does not list; add it, or point DATABASE_URL at one of them",
                config.dialects.join(", ")
            ),
        });
    }
    Ok(targets)
}

/// `revision --autogenerate` for a project that targets several dialects:
/// the models against the recorded state (checked against the live
/// database), rendered for each.
fn generate_multi(
    ctx: &Ctx,
    graph: &RevisionGraph,
    parents: &[String],
    cmp: &Comparison,
    targets: &[Dialect],
) -> Result<Option<Generated>, CliError> {
    for d in targets {
        check_models_fit(&cmp.models, *d)?;
    }
    let replayed = state::replay(graph, parents).map_err(|e| CliError::Other(e.to_string()))?;
    let multi = state::generate(
        &replayed,
        &cmp.live,
        cmp.dialect,
        &cmp.models,
        targets,
        ctx.project.config.render_options(),
    );
    let hints: Vec<String> = multi
        .live_diff
        .hints
        .iter()
        .map(ToString::to_string)
        .collect();
    for u in &multi.unaccounted {
        ctx.out.warn(u);
    }
    if multi.is_empty() {
        for w in &multi.live_diff.warnings {
            ctx.out.warn(w);
        }
        for h in &hints {
            ctx.out.note(format!("hint: {h}"));
        }
        if !multi.records.is_empty() {
            ctx.out.note(
                "the recorded state is behind the database, as above; the next autogenerated revision records it",
            );
        }
        return Ok(None);
    }
    let live = combined(cmp.dialect, &multi.sections);
    Ok(Some(Generated {
        preamble: preamble_with(&live, &multi.live_diff.warnings, &multi.unaccounted),
        up: String::new(),
        down: String::new(),
        dialects: multi
            .sections
            .iter()
            .map(|(d, r)| DialectSql::new(*d, r.up.trim(), r.down.trim()))
            .collect(),
        state: state::render(&multi.records),
        warnings: [live.warnings.clone(), multi.live_diff.warnings.clone()].concat(),
        hints,
    }))
}

/// `revision --autogenerate`: `None` when nothing changed.
pub fn generate(
    ctx: &Ctx,
    graph: &RevisionGraph,
    parents: &[String],
    allow_drop_all: bool,
) -> Result<Option<Generated>, CliError> {
    let cmp = compare(ctx, graph, parents, allow_drop_all)?;
    let targets = targets(ctx, cmp.dialect)?;
    if !targets.is_empty() {
        return generate_multi(ctx, graph, parents, &cmp, &targets);
    }
    let hints: Vec<String> = cmp.diff.hints.iter().map(ToString::to_string).collect();
    if cmp.diff.is_empty() {
        for w in &cmp.diff.warnings {
            ctx.out.warn(w);
        }
        for h in &hints {
            ctx.out.note(format!("hint: {h}"));
        }
        return Ok(None);
    }
    let rendered = cmp
        .dialect
        .render_migration_with(&cmp.diff.ops, ctx.project.config.render_options());
    Ok(Some(Generated {
        preamble: preamble(&rendered, &cmp.diff.warnings),
        // The file format keeps sections without surrounding blank lines.
        up: rendered.up.trim().to_string(),
        down: rendered.down.trim().to_string(),
        dialects: Vec::new(),
        state: String::new(),
        warnings: [rendered.warnings, cmp.diff.warnings].concat(),
        hints,
    }))
}

/// `check` (exit 1 when models differ) and `diff` (print the SQL).
pub fn check_or_diff(ctx: &Ctx, print_sql: bool) -> Result<ExitCode, CliError> {
    let graph = load_graph(ctx)?;
    let heads = graph.heads();
    if heads.len() > 1 {
        return Err(CliError::Usage(format!(
            "there are {} heads ({}); join them with `cargo schema merge -m \"merge\" heads` first",
            heads.len(),
            heads.join(", ")
        )));
    }
    // `diff` only prints, so it shows the drops with the warning; `check`
    // refuses like autogenerate.
    let cmp = compare(ctx, &graph, &heads, print_sql)?;
    let targets = targets(ctx, cmp.dialect)?;
    // Several dialects: the models against the recorded state, checked
    // against the database, as autogenerate would write them.
    let (diff, sections, unaccounted) = if targets.is_empty() {
        let rendered = cmp
            .dialect
            .render_migration_with(&cmp.diff.ops, ctx.project.config.render_options());
        (cmp.diff.clone(), vec![(cmp.dialect, rendered)], Vec::new())
    } else {
        for d in &targets {
            check_models_fit(&cmp.models, *d)?;
        }
        let replayed = state::replay(&graph, &heads).map_err(|e| CliError::Other(e.to_string()))?;
        let multi = state::generate(
            &replayed,
            &cmp.live,
            cmp.dialect,
            &cmp.models,
            &targets,
            ctx.project.config.render_options(),
        );
        (
            multi.live_diff.clone(),
            multi.sections.clone(),
            multi.unaccounted,
        )
    };
    let rendered = combined(cmp.dialect, &sections);
    let hints: Vec<String> = diff.hints.iter().map(ToString::to_string).collect();
    let changed = !diff.is_empty() || sections.iter().any(|(_, r)| !r.up.trim().is_empty());
    let warnings = [
        rendered.warnings.clone(),
        diff.warnings.clone(),
        unaccounted.clone(),
    ]
    .concat();
    if ctx.out.json() {
        let mut v = json!({
            "changes": changed,
            "operations": rendered.summary,
            "warnings": warnings,
            "hints": hints,
            "up": if changed { Some(&rendered.up) } else { None },
            "down": if changed { Some(&rendered.down) } else { None },
        });
        if !targets.is_empty() {
            v["unaccounted"] = json!(unaccounted);
            for (d, r) in &sections {
                v["dialects"][d.name()] = json!({ "up": r.up, "down": r.down });
            }
        }
        ctx.out.json_value(&v);
    } else if !changed {
        ctx.out
            .answer("no changes detected: the models match the database");
        for w in diff.warnings.iter().chain(&unaccounted) {
            ctx.out.warn(w);
        }
        for h in &hints {
            ctx.out.note(format!("hint: {h}"));
        }
    } else if print_sql && !targets.is_empty() {
        let mut text = preamble_with(&rendered, &diff.warnings, &unaccounted);
        for (d, r) in &sections {
            text.push_str(&format!(
                "\n\n-- migrate:up {d}\n{}\n\n-- migrate:down {d}\n{}",
                r.up.trim(),
                r.down.trim()
            ));
        }
        ctx.out.answer(text);
        for h in &hints {
            ctx.out.note(format!("hint: {h}"));
        }
    } else if print_sql {
        ctx.out.answer(format!(
            "{}\n\n-- migrate:up\n{}\n\n-- migrate:down\n{}",
            preamble(&rendered, &diff.warnings),
            rendered.up.trim(),
            rendered.down.trim()
        ));
        for h in &hints {
            ctx.out.note(format!("hint: {h}"));
        }
    } else {
        ctx.out.answer(format!(
            "{} pending operation{}: the models differ from the database",
            rendered.summary.len(),
            if rendered.summary.len() == 1 { "" } else { "s" }
        ));
        for line in &rendered.summary {
            ctx.out.answer(format!("  - {line}"));
        }
        for w in &warnings {
            ctx.out.warn(w);
        }
        for h in &hints {
            ctx.out.note(format!("hint: {h}"));
        }
        ctx.out
            .note("run `cargo schema revision --autogenerate -m \"...\"` to write a migration");
    }
    // `diff` only prints; `check` is the CI gate.
    Ok(if changed && !print_sql {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
