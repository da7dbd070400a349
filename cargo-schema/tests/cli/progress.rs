//! Progress output off a terminal (the test harness pipes stderr): one
//! plain line per migration and one for introspection, on stderr, with
//! stdout left to the report or the JSON document; nothing under `-q`.

use crate::support::{project, TestProject};

/// The revision id in a migration file's header.
fn revision_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("-- revision: "))
        .expect("a revision header")
        .trim()
        .to_string()
}

/// A migration that creates `table`, written by `revision -m` and filled in.
fn table_migration(p: &TestProject, message: &str, table: &str) -> String {
    p.schema(&["revision", "-m", message]).ok();
    let (path, text) = p.migration(message);
    let text = text
        .replace(
            "-- migrate:up\n",
            &format!("-- migrate:up\nCREATE TABLE {table} (id INTEGER);\n"),
        )
        .replace(
            "-- migrate:down\n",
            &format!("-- migrate:down\nDROP TABLE {table};\n"),
        );
    std::fs::write(&path, &text).unwrap();
    revision_of(&text)
}

#[test]
fn plain_progress_lines_off_a_terminal_and_none_with_quiet() {
    let p = project("progress").build();
    p.schema(&["init"]).ok();
    let first = table_migration(&p, "first", "a");
    let second = table_migration(&p, "second", "b");

    let run = p.schema(&["upgrade"]).ok();
    for line in [
        format!("[1/2] {first} first ... done in "),
        format!("[2/2] {second} second ... done in "),
    ] {
        assert!(run.stderr.contains(&line), "no {line:?} on stderr\n{run}");
        assert!(!run.stdout.contains(&line), "progress on stdout\n{run}");
    }
    assert!(run.stdout.contains("applied 2 migrations"), "{run}");

    // Introspection: one line with the count (the version table not counted).
    let run = p.schema(&["diff"]).ok();
    assert!(run.stderr.contains("read 2 tables in "), "{run}");

    // `-q`: no progress at all.
    let run = p.schema(&["-q", "diff"]).ok();
    assert!(!run.stderr.contains("read "), "{run}");
    let run = p.schema(&["-q", "downgrade", "-1"]).ok();
    assert!(!run.stderr.contains("done in"), "{run}");
    assert!(!run.stderr.contains("[1/1]"), "{run}");

    // JSON: the lines stay on stderr, stdout is one JSON document.
    let run = p.schema(&["--format", "json", "upgrade"]).ok();
    let json = run.json();
    assert_eq!(json["steps"][0]["revision"], second.as_str(), "{json}");
    let line = format!("[1/1] {second} second ... done in ");
    assert!(run.stderr.contains(&line), "{run}");
}
