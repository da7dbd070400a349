//! `baseline -m MSG`: one migration that creates the live database's
//! current schema, stamped on that database, so production keeps its data
//! and a new database gets the same schema from `upgrade`.

use std::process::ExitCode;

use chrono::{SubsecRound, Utc};
use schema_core::migration::DialectSql;
use schema_core::migration::{new_revision_id, MigrationFile};
use schema_core::Schema;
use schema_runtime::introspect::IntrospectOptions;
use schema_runtime::version::VersionTable;

use crate::commands::{apply, autogen, load_graph_for_write, revision, Ctx};
use crate::error::CliError;
use crate::output::display_path;

/// `baseline -m MSG`
pub fn baseline(ctx: &Ctx, message: &str) -> Result<ExitCode, CliError> {
    let (graph, files) = load_graph_for_write(ctx)?;
    if !files.is_empty() {
        return Err(CliError::Other(format!(
            "baseline starts a history, and this project already has {} migration(s) (head {}); \
             to record that a database is already at that head run `cargo schema stamp head`, \
             and write new changes with `cargo schema revision --autogenerate`",
            files.len(),
            graph.heads().join(", ")
        )));
    }
    let db = ctx.database_url()?;
    let mut conn = autogen::open_read_only(ctx, &db.url)?;
    let config = &ctx.project.config;
    let vt = VersionTable::new(&config.version_table, conn.backend());
    let applied = vt.read(&mut conn)?;
    if !applied.is_empty() {
        return Err(CliError::Other(format!(
            "{} already records {} applied revision(s) in `{}`, but this project has no \
             migration files: point --migrations-dir at its migrations instead of baselining",
            conn.describe(),
            applied.len(),
            config.version_table
        )));
    }
    let live = schema_runtime::introspect(
        &mut conn,
        &IntrospectOptions {
            version_table: config.version_table.clone(),
            ignore_tables: config.ignore_tables.clone(),
            on_table: None,
        },
    )?;
    if live.tables.is_empty() {
        return Err(CliError::Other(format!(
            "{} has no tables to baseline; start with `cargo schema revision --autogenerate`",
            conn.describe()
        )));
    }
    drop(conn);

    // What the models cannot express is not in the file: say so, in the
    // file and now, so whoever reviews it adds the SQL by hand.
    let left_out: Vec<String> = live
        .unmodelled
        .iter()
        .map(|u| format!("not included, add it by hand if new databases need it: {u}"))
        .collect();
    for w in &left_out {
        ctx.out.warn(w);
    }
    let dialect = db.url.dialect();
    let ops = schema_core::diff::diff(&Schema::default(), &live, dialect);
    let rendered = dialect.render_migration(&ops);
    let targets = autogen::targets(ctx, dialect)?;
    let mut file = MigrationFile {
        revision: new_revision_id()?,
        message: message.split_whitespace().collect::<Vec<_>>().join(" "),
        created: Some(Utc::now().trunc_subsecs(0)),
        transaction: true,
        preamble: format!(
            "-- Baseline: the schema of the database as it was when this file was written \
             ({} tables), read by cargo schema. The database it was read from is stamped at \
             this revision; `upgrade` creates the same schema on a new one.{}",
            live.tables.len(),
            left_out
                .iter()
                .map(|w| format!("\n-- WARNING: {w}"))
                .collect::<String>()
        ),
        up: rendered.up,
        down: rendered.down,
        ..MigrationFile::default()
    };
    if !targets.is_empty() {
        // One section per target, all from what this database holds, and
        // the state recorded for the next autogenerate.
        file.portable = false;
        file.up = String::new();
        file.down = String::new();
        file.dialects = targets
            .iter()
            .map(|&d| {
                let r = d.render_migration(&schema_core::diff::diff(&Schema::default(), &live, d));
                DialectSql::new(d, r.up.trim(), r.down.trim())
            })
            .collect();
        let bare = Schema::new(live.tables.clone());
        file.state =
            schema_core::state::render(&schema_core::state::changes(&Schema::default(), &bare));
        file.preamble.push_str(&format!(
            "\n-- NOTE: the other dialects' SQL uses the types this {dialect} database reports; review them"
        ));
    }
    let revision = file.revision.clone();
    let path = revision::write_new(ctx, files, file)?;
    // Stamping is the last step; if it fails, the new file goes too, so a
    // retry starts from the same place.
    let stamped = apply::migrator(ctx, None).and_then(|m| Ok(m.stamp(&db.url, &revision, false)?));
    if let Err(e) = stamped {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    ctx.out.answer(format!(
        "created {} ({} tables) and stamped {} at {revision}",
        display_path(&path),
        live.tables.len(),
        db.url.redacted()
    ));
    Ok(ExitCode::SUCCESS)
}
