//! `lint`: statements that block writes or break a running application,
//! found in hand-written migrations with file, line and the safe form.

use crate::support::project;

const MODEL: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
pub struct Account {
    pub id: i64,
    #[model(max_length = 80)]
    pub name: String,
}
"#;

#[test]
fn risky_statements_are_named_with_their_line_and_accepted_only_deliberately() {
    // One history for SQLite and PostgreSQL: each section is linted by its
    // own dialect's rules.
    let p = project("lint")
        .config("dialects = [\"sqlite\", \"postgres\"]\n")
        .file("src/lib.rs", MODEL)
        .build();
    p.schema(&["revision", "--autogenerate", "-m", "accounts"])
        .ok();
    // A table the migration creates is new: nothing to find.
    p.schema(&["lint"])
        .ok()
        .says("1 migration(s) checked: nothing found");
    p.schema(&["revision", "-m", "by hand"]).ok();
    let (path, text) = p.migration("by hand");
    std::fs::write(
        &path,
        text.replace(
            "-- migrate:up\n",
            "-- migrate:up\nCREATE INDEX ix_account_name ON account (name);\nALTER TABLE account ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
        ),
    )
    .unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    p.schema(&["lint"])
        .code(1)
        .says(&format!("{name}:7: require-concurrent-index-creation (postgres): CREATE INDEX ix_account_name ON account (name)"))
        .says("instead: CREATE INDEX CONCURRENTLY")
        .says(&format!("{name}:8: adding-volatile-default (postgres)"))
        .says("3 finding(s) in 2 migration(s)");
    let json = p
        .schema(&[
            "--format",
            "json",
            "lint",
            "--dialect",
            "postgres",
            path.to_str().unwrap(),
        ])
        .code(1)
        .json();
    assert_eq!(json["files"], 1, "{json}");
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "require-concurrent-index-creation",
            "require-lock-timeout",
            "adding-volatile-default"
        ]
    );
    // SQLite has one writer: none of these block anything there.
    p.schema(&["lint", "--dialect", "sqlite"])
        .ok()
        .says("nothing found");
    // Accepted deliberately, one rule at a time.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "-- migrate:up\n",
            "-- migrate:up\n-- lint: allow require-concurrent-index-creation, adding-volatile-default\n",
        ),
    )
    .unwrap();
    p.schema(&["lint"])
        .code(1)
        .says("require-lock-timeout")
        .never_says("require-concurrent-index-creation");
    p.schema(&["lint", "--dialect", "postgress"])
        .code(2)
        .says("unknown SQL dialect `postgress`");
}
