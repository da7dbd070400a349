//! Autogenerate cases: one folder per schema change under
//! `tests/diff_cases/<case>/`, holding the rendered migration per dialect
//! (insta snapshots). Every case is also checked without a database: the
//! operations, applied to `before` by a model of the database, leave
//! nothing to diff against `after`, and their inverses restore `before`.

mod apply;
mod build;
mod cases;
mod introspected;
mod props;

use schema_core::dialect::{Dialect, RenderOptions, ServerVersion};
use schema_core::diff::diff_with_hints;
use schema_core::Schema;

/// Renders a case for one dialect as the snapshot text.
fn render_case(before: &Schema, after: &Schema, d: Dialect) -> String {
    render_case_for(before, after, d, None)
}

/// [`render_case`] for a server of version `server` (`None`: unknown, as
/// offline).
fn render_case_for(
    before: &Schema,
    after: &Schema,
    d: Dialect,
    server: Option<ServerVersion>,
) -> String {
    let result = diff_with_hints(before, after, d);
    // As autogenerate writes it: lock-safe, with the statements that must
    // run outside a transaction in migrations of their own.
    let options = RenderOptions {
        online: true,
        separate: true,
        server_version: server,
    };
    let rendered = d.render_migration_with(&result.ops, options);
    let mut out = String::new();
    for line in &rendered.summary {
        out.push_str(&format!("-- {line}\n"));
    }
    for hint in &result.hints {
        out.push_str(&format!("-- hint: {hint}\n"));
    }
    let mut section = |title: &str, up: &str, down: &str| {
        out.push_str(title);
        out.push_str("\n-- migrate:up\n");
        out.push_str(up);
        out.push_str("\n-- migrate:down\n");
        out.push_str(down);
    };
    if let Some(b) = &rendered.before {
        section("\n-- before, without a transaction:", &b.up, &b.down);
    }
    section("", &rendered.up, &rendered.down);
    if let Some(a) = &rendered.after {
        section("\n-- after, without a transaction:", &a.up, &a.down);
    }
    out
}

/// Checks the fixpoint and the round trip on the op level.
fn check_round_trip(name: &str, before: &Schema, after: &Schema, d: Dialect) {
    // The database holds `before` as introspection reports it.
    let db = d.normalize_schema(before);
    let ops = schema_core::diff::diff(&db, after, d);
    assert_eq!(
        ops,
        schema_core::diff::diff(before, after, d),
        "{name}: normalising old is idempotent"
    );
    let applied = apply::apply_all(&db, &ops);
    let again = schema_core::diff::diff(&applied, after, d);
    assert!(
        again.is_empty(),
        "{name} on {d:?}: not a fixpoint, still {again:#?}"
    );
    if let Err(e) = apply::same_schema(d, &applied, after) {
        panic!("{name} on {d:?}: applying the ops does not give after: {e}");
    }
    let reverted = apply::apply_all(&applied, &apply::inverse_all(&ops));
    let back = schema_core::diff::diff(&reverted, before, d);
    assert!(
        back.is_empty(),
        "{name} on {d:?}: down does not restore before: {back:#?}"
    );
    if let Err(e) = apply::same_schema(d, &reverted, before) {
        panic!("{name} on {d:?}: the inverse does not restore before: {e}");
    }
}

/// Snapshots one case, already run by [`run_case`], for a server of version
/// `server` of dialect `d`, as `<dialect>_<major>`.
fn run_case_for_server(
    name: &str,
    before: Schema,
    after: Schema,
    d: Dialect,
    server: ServerVersion,
) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("../diff_cases/{name}"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let snapshot = format!("{}_{}", d.name(), server.major);
    settings.bind(|| {
        insta::assert_snapshot!(snapshot, render_case_for(&before, &after, d, Some(server)))
    });
}

/// Runs one case on every dialect.
fn run_case(name: &str, before: Schema, after: Schema) {
    run_case_on(name, before, after, &Dialect::ALL);
}

/// Runs one case on the dialects that can hold it.
fn run_case_on(name: &str, before: Schema, after: Schema, dialects: &[Dialect]) {
    for &d in dialects {
        assert!(
            d.unsupported_in(&after).is_empty(),
            "{name}: {d:?} cannot hold the case: {:?}",
            d.unsupported_in(&after)
        );
        check_round_trip(name, &before, &after, d);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(format!("../diff_cases/{name}"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(d.name(), render_case(&before, &after, d)));
    }
}
