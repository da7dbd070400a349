//! revision (without autogenerate), merge, history, heads, branches, show.

use crate::support::{project, TestProject};

fn rev_of(p: &TestProject, message: &str) -> String {
    let (_, text) = p.migration(message);
    text.lines()
        .find_map(|l| l.strip_prefix("-- revision: "))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn revisions_chain_and_branch_then_merge() {
    let p = project("shop").build();
    p.schema(&["init"]).ok();
    p.schema(&["revision", "-m", "first one"])
        .ok()
        .says("created migrations/");
    let files = p.migrations();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with("_first_one.sql"), "{name}");
    let first = rev_of(&p, "first one");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("-- down_revision: none"), "{text}");
    assert!(
        text.contains("-- migrate:up") && text.contains("-- migrate:down"),
        "{text}"
    );

    p.schema(&["revision", "-m", "second", "--empty"]).ok();
    let second = p
        .migrations()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .find(|t| t.contains(&format!("-- down_revision: {first}")))
        .expect("second builds on the first");
    assert!(second.contains("-- message: second"));

    // A second root makes two heads; revision then refuses and suggests merge.
    p.schema(&[
        "revision",
        "-m",
        "other root",
        "--head",
        "base",
        "--branch-label",
        "other",
    ])
    .ok();
    p.schema(&["revision", "-m", "third"])
        .code(2)
        .says("2 heads")
        .says("merge");
    let heads = p.schema(&["--format", "json", "heads"]).ok().json();
    assert_eq!(heads["heads"].as_array().unwrap().len(), 2);
    p.schema(&["heads"]).ok().says("(other) (head), other root");

    p.schema(&["merge", "-m", "join", "heads"]).ok();
    let heads = p.schema(&["--format", "json", "heads"]).ok().json();
    let heads = heads["heads"].as_array().unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0]["message"], "join");
    assert_eq!(heads[0]["is_merge_point"], true);

    let history = p.schema(&["history"]).ok();
    assert!(
        history
            .stdout
            .lines()
            .next()
            .unwrap()
            .contains("(head) (mergepoint), join"),
        "{history}"
    );
    assert!(
        history
            .stdout
            .contains(&format!("<base> -> {first}, first one")),
        "{history}"
    );

    p.schema(&["show", &first[..6]])
        .ok()
        .says(&format!("Rev: {first}"));
    p.schema(&["show", "ab"]).code(1).says("4");
}

#[test]
fn a_broken_file_is_named_with_its_line_and_nothing_is_written() {
    let p = project("shop").build();
    p.schema(&["init"]).ok();
    p.write(
        "migrations/0001_bad.sql",
        "-- revision: 5ec6405addd0\n-- down_revison: none\n\n-- migrate:up\n\n-- migrate:down\n",
    );
    p.schema(&["revision", "-m", "next"])
        .code(1)
        .says("migrations/0001_bad.sql:2")
        .says("down_revision");
    assert_eq!(p.migrations().len(), 1, "nothing written");
}
