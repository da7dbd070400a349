//! The migration file format: parsing, rendering, round trips, every parse
//! error, file names, slugs, revision ids and checksums.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use schema_core::dialect::Dialect;
use schema_core::migration::{
    checksum, file_name, is_revision_id, new_revision_id, slug, MigrationError, MigrationFile,
    DEFAULT_FILE_TEMPLATE,
};

const EXAMPLE: &str = "\
-- revision: 5ec6405addd0
-- down_revision: 1f2e3d4c5b6a
-- message: add user table
-- created: 2026-11-23T18:07:42Z

-- migrate:up
CREATE TABLE users (
    id INTEGER PRIMARY KEY
);
CREATE INDEX ix_users_org_id ON users (org_id);

-- migrate:down
DROP TABLE users;
";

#[test]
fn parses_a_complete_file() {
    let f = MigrationFile::parse(EXAMPLE, "m/x.sql").unwrap();
    assert_eq!(f.revision, "5ec6405addd0");
    assert_eq!(f.down_revisions, ["1f2e3d4c5b6a"]);
    assert_eq!(f.message, "add user table");
    assert_eq!(
        f.created,
        Some(Utc.with_ymd_and_hms(2026, 11, 23, 18, 7, 42).unwrap())
    );
    assert!(f.transaction);
    assert!(f.branch_labels.is_empty() && f.depends_on.is_empty());
    assert_eq!(f.preamble, "");
    assert_eq!(
        f.up,
        "CREATE TABLE users (\n    id INTEGER PRIMARY KEY\n);\nCREATE INDEX ix_users_org_id ON users (org_id);"
    );
    assert_eq!(f.down, "DROP TABLE users;");
    assert_eq!(f.up_line, 7);
    assert_eq!(f.down_line, 13);
    assert_eq!(f.header_lines.revision, Some(1));
    assert_eq!(f.header_lines.down_revision, Some(2));
    // A file we write renders back byte for byte.
    assert_eq!(f.render(), EXAMPLE);
}

const FULL: &str = "\
-- revision: 0123456789ab
-- down_revision: 1f2e3d4c5b6a, aaaaaaaaaaaa
-- message: merge heads: billing + auth
-- created: 2026-11-23T18:07:42.250Z
-- branch_labels: billing, core_v2
-- depends_on: bbbbbbbbbbbb, auth
-- transaction: false

-- Operations:
--   add column users.email
-- WARNING: drops table legacy

-- migrate:up
CREATE INDEX CONCURRENTLY ix ON t (c);

-- migrate:down
DROP INDEX CONCURRENTLY ix;
";

#[test]
fn parses_every_key_and_keeps_the_comment_block() {
    let f = MigrationFile::parse(FULL, "m/full.sql").unwrap();
    assert_eq!(f.down_revisions, ["1f2e3d4c5b6a", "aaaaaaaaaaaa"]);
    assert_eq!(f.message, "merge heads: billing + auth");
    assert_eq!(
        f.created.unwrap().timestamp_subsec_millis(),
        250,
        "sub-second precision is kept"
    );
    assert_eq!(f.branch_labels, ["billing", "core_v2"]);
    assert_eq!(f.depends_on, ["bbbbbbbbbbbb", "auth"]);
    assert!(!f.transaction);
    assert_eq!(
        f.preamble,
        "-- Operations:\n--   add column users.email\n-- WARNING: drops table legacy"
    );
    assert_eq!(f.up_line, 14);
    assert_eq!(f.down_line, 17);
    assert_eq!(f.render(), FULL);
    assert_eq!(MigrationFile::parse(&f.render(), "again").unwrap(), f);
}

#[test]
fn down_revision_none_and_empty_sections() {
    let text = "-- revision: 0123456789ab\n-- down_revision: none\n-- message:\n\n-- migrate:up\n\n-- migrate:down\n";
    let f = MigrationFile::parse(text, "m").unwrap();
    assert!(f.down_revisions.is_empty());
    assert_eq!(f.message, "");
    assert_eq!((f.up.as_str(), f.down.as_str()), ("", ""));
    assert_eq!(f.created, None);
    assert_eq!(f.render(), text);
}

#[test]
fn crlf_files_parse_like_lf_files() {
    let crlf = EXAMPLE.replace('\n', "\r\n");
    let f = MigrationFile::parse(&crlf, "m").unwrap();
    assert_eq!(f, MigrationFile::parse(EXAMPLE, "m").unwrap());
    assert_eq!(f.up_line, 7);
    assert_eq!(checksum(&f.up), checksum(&crlf_up()));
}

fn crlf_up() -> String {
    "CREATE TABLE users (  \r\n    id INTEGER PRIMARY KEY\r\n);\r\nCREATE INDEX ix_users_org_id ON users (org_id);\r\n\r\n".to_string()
}

#[test]
fn header_may_run_straight_into_the_up_marker() {
    let text = "-- revision: 0123456789ab\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;";
    let f = MigrationFile::parse(text, "m").unwrap();
    assert_eq!(f.up, "SELECT 1;");
    assert_eq!(f.up_line, 3);
    assert_eq!(f.down_line, 5);
}

#[test]
fn up_line_skips_blank_lines_after_the_marker() {
    let text = "-- revision: 0123456789ab\n\n-- migrate:up\n\n\n  SELECT 1;\n\n-- migrate:down\n";
    let f = MigrationFile::parse(text, "m").unwrap();
    assert_eq!(f.up, "  SELECT 1;");
    assert_eq!(f.up_line, 6);
}

// ---- errors ------------------------------------------------------------------

fn parse_err(text: &str) -> MigrationError {
    MigrationFile::parse(text, "migrations/x.sql").unwrap_err()
}

const SECTIONS: &str = "\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n";

#[test]
fn unknown_header_key_suggests_the_right_one() {
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- down_revison: none\n{SECTIONS}"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:2: unknown header key `down_revison`; did you mean `down_revision`?"
    );
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- Message: hi\n{SECTIONS}"
    ));
    assert!(err.to_string().contains("did you mean `message`?"), "{err}");
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- labels: x\n{SECTIONS}"
    ));
    assert!(
        err.to_string().contains("did you mean `branch_labels`?"),
        "{err}"
    );
    let err = parse_err(&format!("-- revision: 0123456789ab\n-- zzz: x\n{SECTIONS}"));
    assert!(
        matches!(
            err,
            MigrationError::UnknownHeaderKey {
                suggestion: None,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn free_comment_inside_the_header_block() {
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- just a note\n{SECTIONS}"
    ));
    assert!(
        matches!(err, MigrationError::MalformedHeaderLine { .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("migrations/x.sql:2:"), "{err}");
}

#[test]
fn header_key_after_the_header_block() {
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n\n-- transaction: false\n{SECTIONS}"
    ));
    assert_eq!(
        err,
        MigrationError::HeaderKeyOutsideHeader {
            at: schema_core::migration::Location::line("migrations/x.sql", 3),
            key: "transaction".into(),
        }
    );
}

#[test]
fn duplicate_header_key() {
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- message: a\n-- message: b\n{SECTIONS}"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:3: header key `message` given twice (first on line 2)"
    );
}

#[test]
fn missing_or_bad_revision() {
    let err = parse_err(&format!("-- message: hi\n{SECTIONS}"));
    assert!(
        matches!(err, MigrationError::MissingRevision { .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("migrations/x.sql:1: "), "{err}");
    // With nothing but a section marker or blank lines, the line is still
    // one that exists.
    let err = parse_err("-- migrate:up\n");
    assert!(err.to_string().starts_with("migrations/x.sql:1: "), "{err}");
    let err = parse_err("");
    assert!(err.to_string().starts_with("migrations/x.sql:1: "), "{err}");
    let err = parse_err("\n\n\n");
    assert!(err.to_string().starts_with("migrations/x.sql:3: "), "{err}");
    for bad in [
        "0123456789AB",
        "0123456789a",
        "0123456789abc",
        "0123456789ag",
        "",
    ] {
        let err = parse_err(&format!("-- revision: {bad}\n{SECTIONS}"));
        assert!(
            matches!(err, MigrationError::InvalidRevisionId { .. }),
            "{bad}: {err}"
        );
    }
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- down_revision: 1f2e3d4c5b6a, nope\n{SECTIONS}"
    ));
    assert_eq!(
        err,
        MigrationError::InvalidRevisionId {
            at: schema_core::migration::Location::line("migrations/x.sql", 2),
            key: "down_revision".into(),
            value: "nope".into(),
        }
    );
}

#[test]
fn duplicate_list_entry() {
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- down_revision: 1f2e3d4c5b6a, 1f2e3d4c5b6a\n{SECTIONS}"
    ));
    assert!(
        matches!(err, MigrationError::DuplicateListEntry { .. }),
        "{err}"
    );
}

#[test]
fn bad_created_transaction_and_labels() {
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- created: yesterday\n{SECTIONS}"
    ));
    assert!(
        matches!(err, MigrationError::InvalidCreated { .. }),
        "{err}"
    );
    let err = parse_err(&format!(
        "-- revision: 0123456789ab\n-- transaction: no\n{SECTIONS}"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:2: `transaction`: expected `true` or `false`, found `no`"
    );
    for label in ["head", "base", "2fast", "a-b", "x@y"] {
        let err = parse_err(&format!(
            "-- revision: 0123456789ab\n-- branch_labels: {label}\n{SECTIONS}"
        ));
        assert!(
            matches!(err, MigrationError::InvalidBranchLabel { .. }),
            "{label}: {err}"
        );
    }
    // A created time with an offset is converted to UTC.
    let f = MigrationFile::parse(
        &format!("-- revision: 0123456789ab\n-- created: 2026-11-23T20:07:42+02:00\n{SECTIONS}"),
        "m",
    )
    .unwrap();
    assert_eq!(
        f.created,
        Some(Utc.with_ymd_and_hms(2026, 11, 23, 18, 7, 42).unwrap())
    );
}

#[test]
fn missing_duplicate_and_misordered_sections() {
    let head = "-- revision: 0123456789ab\n\n";
    let err = parse_err(&format!("{head}SELECT 1;\n-- migrate:down\n"));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:4: missing `-- migrate:up` section"
    );
    let err = parse_err(&format!("{head}SELECT 1;\n"));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:3: missing `-- migrate:up` section"
    );
    let err = parse_err(&format!("{head}-- migrate:up\nSELECT 1;\n"));
    assert_eq!(
        err,
        MigrationError::MissingSection {
            at: schema_core::migration::Location::line("migrations/x.sql", 4),
            section: "down".to_string(),
        }
    );
    let err = parse_err(&format!(
        "{head}-- migrate:up\n-- migrate:down\n-- migrate:up\n"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:5: second `-- migrate:up` marker (first on line 3)"
    );
    let err = parse_err(&format!("{head}-- migrate:down\n-- migrate:up\n"));
    assert!(matches!(err, MigrationError::SectionOrder { .. }), "{err}");
    let err = parse_err(&format!(
        "{head}SELECT 1;\n-- migrate:up\n-- migrate:down\n"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:3: SQL before the first `-- migrate:up` section (only `--` comments may appear there): `SELECT 1;`"
    );
}

// ---- names, ids, checksums -----------------------------------------------

const MULTI: &str = "-- revision: 0123456789ab
-- down_revision: none
-- message: add users

-- Autogenerated.

-- migrate:up sqlite
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT);

-- migrate:down sqlite
DROP TABLE users;

-- migrate:up postgres
CREATE TABLE users (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);

-- migrate:down postgres
DROP TABLE users;

-- migrate:state
-- The tables this revision changes.
-- table {\"name\":\"users\"}
";

#[test]
fn per_dialect_sections_parse_render_and_resolve() {
    let f = MigrationFile::parse(MULTI, "m.sql").unwrap();
    assert!(!f.portable);
    assert_eq!(f.preamble, "-- Autogenerated.");
    assert_eq!(f.section_dialects(), [Dialect::Sqlite, Dialect::Postgres]);
    assert_eq!(f.dialects[1].up_line, 14);
    assert_eq!(f.dialects[1].down_line, 17);
    assert_eq!(f.state_line, 20);
    assert!(
        f.state.ends_with("-- table {\"name\":\"users\"}"),
        "{}",
        f.state
    );
    assert_eq!(f.render(), MULTI);
    let pg = f.for_dialect(Dialect::Postgres, "m.sql").unwrap();
    assert!(pg.up.contains("IDENTITY"), "{}", pg.up);
    assert_eq!((pg.up_line, pg.down_line), (14, 17));
    assert!(pg.dialects.is_empty() && pg.portable);
    let err = f.for_dialect(Dialect::Mysql, "m.sql").unwrap_err();
    assert_eq!(
        err.to_string(),
        "m.sql: this migration has SQL for sqlite, postgres only, not for mysql; add `-- migrate:up mysql` and `-- migrate:down mysql` sections, or unqualified `-- migrate:up` / `-- migrate:down` ones that serve every dialect"
    );
    // An unqualified pair serves the dialects without sections of their own.
    let portable = MULTI.replace(
        "-- migrate:up sqlite",
        "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n\n-- migrate:up sqlite",
    );
    let f = MigrationFile::parse(&portable, "m.sql").unwrap();
    assert!(f.portable);
    let my = f.for_dialect(Dialect::Mysql, "m.sql").unwrap();
    assert_eq!(my.up, "CREATE TABLE users (id INTEGER PRIMARY KEY);");
    assert_eq!(MigrationFile::parse(&f.render(), "m.sql").unwrap(), f);
}

#[test]
fn per_dialect_section_mistakes_are_named() {
    let head = "-- revision: 0123456789ab\n\n";
    let err = parse_err(&format!("{head}-- migrate:up postgress\n-- migrate:down\n"));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:3: `-- migrate:up postgress`: unknown dialect `postgress`; a section is for one of sqlite, postgres, mysql (or, unqualified, for every dialect)"
    );
    let err = parse_err(&format!("{head}-- migrate:up mysql\nSELECT 1;\n"));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:4: missing `-- migrate:down mysql` section"
    );
    let err = parse_err(&format!(
        "{head}-- migrate:up mysql\n-- migrate:down mysql\n-- migrate:up mysql\n"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:5: second `-- migrate:up mysql` marker (first on line 3)"
    );
    let err = parse_err(&format!(
        "{head}-- migrate:down sqlite\n-- migrate:up sqlite\n"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:3: `-- migrate:down sqlite` comes before `-- migrate:up sqlite`; the up section must come first"
    );
    let err = parse_err(&format!(
        "{head}-- migrate:up\n-- migrate:down\n-- migrate:state\nDROP TABLE x;\n"
    ));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:6: the `-- migrate:state` section holds `--` comment lines only, found `DROP TABLE x;`"
    );
    // Words after a marker that name no dialect leave the line a comment,
    // as before per-dialect sections existed.
    let f = MigrationFile::parse(
        &format!(
            "{head}-- migrate:up\nSELECT 1;\n-- migrate:down nothing to undo\n-- migrate:down\n"
        ),
        "m.sql",
    )
    .unwrap();
    assert_eq!(f.up, "SELECT 1;\n-- migrate:down nothing to undo");
    // A state section alone is no migration.
    let err = parse_err(&format!("{head}-- migrate:state\n-- x\n"));
    assert_eq!(
        err.to_string(),
        "migrations/x.sql:4: missing `-- migrate:up` section"
    );
}

#[test]
fn file_names_from_templates() {
    let t = Utc.with_ymd_and_hms(2026, 1, 3, 8, 7, 5).unwrap();
    assert_eq!(
        file_name(DEFAULT_FILE_TEMPLATE, t, "5ec6405addd0", "Add user table").unwrap(),
        "2026_01_03_0807-5ec6405addd0_add_user_table.sql"
    );
    assert_eq!(
        file_name("{epoch}_{second}_{rev}", t, "5ec6405addd0", "x").unwrap(),
        format!("{}_05_5ec6405addd0.sql", t.timestamp())
    );
    assert_eq!(
        file_name(DEFAULT_FILE_TEMPLATE, t, "5ec6405addd0", "!!!").unwrap(),
        "2026_01_03_0807-5ec6405addd0.sql"
    );
    let err = file_name("{year}-{slugg}", t, "r", "m").unwrap_err();
    assert!(matches!(err, MigrationError::InvalidFileTemplate { .. }));
    assert!(
        err.to_string().contains("unknown placeholder `{slugg}`"),
        "{err}"
    );
    assert!(file_name("{year", t, "r", "m").is_err());
    assert!(file_name("year}", t, "r", "m").is_err());
    assert!(file_name("{year}/{rev}", t, "r", "m").is_err());
}

#[test]
fn slugs() {
    assert_eq!(slug("Add user table"), "add_user_table");
    assert_eq!(slug("  --Drop  `users`.email!! "), "drop_users_email");
    assert_eq!(slug("Crème brûlée"), "cr_me_br_l_e");
    assert_eq!(slug(""), "");
    let long = slug("a very long message that goes on and on beyond forty characters");
    assert_eq!(long, "a_very_long_message_that_goes_on_and_on");
    assert!(long.len() <= 40);
    // Truncation never leaves a trailing underscore.
    assert_eq!(slug(&format!("{} b", "a".repeat(39))), "a".repeat(39));
}

#[test]
fn revision_ids_are_random_lowercase_hex() {
    let a = new_revision_id().unwrap();
    let b = new_revision_id().unwrap();
    assert!(is_revision_id(&a) && is_revision_id(&b), "{a} {b}");
    assert_ne!(a, b);
}

#[test]
fn checksum_ignores_line_ends_and_trailing_space() {
    let lf = "CREATE TABLE users (\n    id INTEGER PRIMARY KEY\n);\nCREATE INDEX ix_users_org_id ON users (org_id);";
    assert_eq!(checksum(lf), checksum(&crlf_up()));
    assert_eq!(checksum(lf).len(), 64);
    assert_ne!(checksum(lf), checksum(&lf.replace("users", "people")));
}

// ---- round trips -------------------------------------------------------------

fn is_marker(line: &str) -> bool {
    let t = line.trim();
    t.strip_prefix("--")
        .map(|r| matches!(r.trim_start(), "migrate:up" | "migrate:down"))
        .unwrap_or(false)
}

/// Lines joined with `\n`, without leading/trailing blank lines, as `parse` keeps sections.
fn section(line: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(line, 0..6).prop_map(|lines| {
        let lines: Vec<String> = lines.into_iter().filter(|l| !is_marker(l)).collect();
        let first = lines.iter().position(|l| !l.trim().is_empty());
        let last = lines.iter().rposition(|l| !l.trim().is_empty());
        match (first, last) {
            (Some(f), Some(l)) => lines[f..=l].join("\n"),
            _ => String::new(),
        }
    })
}

fn label() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}".prop_filter("reserved", |l| {
        !matches!(l.as_str(), "head" | "heads" | "base" | "current")
    })
}

fn arbitrary_file() -> impl Strategy<Value = MigrationFile> {
    (
        "[0-9a-f]{12}",
        prop::collection::btree_set("[0-9a-f]{12}", 0..3),
        "[^\r\n]{0,40}",
        prop::option::of((0i64..4_000_000_000, 0u32..1_000_000_000)),
        prop::collection::btree_set(label(), 0..3),
        prop::collection::btree_set(label(), 0..3),
        any::<bool>(),
        section("-- [A-Z][^\r\n]{0,20}"),
        section("[^\r\n]{0,30}"),
        section("[^\r\n]{0,30}"),
    )
        .prop_map(
            |(revision, downs, message, created, labels, deps, transaction, preamble, up, down)| {
                MigrationFile {
                    revision,
                    down_revisions: downs.into_iter().collect(),
                    message: message.trim().to_string(),
                    created: created.map(|(s, n)| Utc.timestamp_opt(s, n).unwrap()),
                    branch_labels: labels.into_iter().collect(),
                    depends_on: deps.into_iter().collect(),
                    transaction,
                    preamble,
                    up,
                    down,
                    ..MigrationFile::default()
                }
            },
        )
}

proptest! {
    #[test]
    fn parse_render_round_trip(x in arbitrary_file()) {
        let text = x.render();
        let parsed = MigrationFile::parse(&text, "prop.sql").unwrap();
        prop_assert_eq!(&parsed, &x);
        prop_assert_eq!(parsed.render(), text.clone());
        // The recorded lines point at the sections' first lines.
        let lines: Vec<&str> = text.lines().collect();
        if let Some(first) = x.up.lines().next() {
            prop_assert_eq!(lines[parsed.up_line - 1], first);
        }
        if let Some(first) = x.down.lines().next() {
            prop_assert_eq!(lines[parsed.down_line - 1], first);
        }
        prop_assert_eq!(checksum(&parsed.up), checksum(&x.up));
    }

    #[test]
    fn slug_shape(message in ".{0,80}") {
        let s = slug(&message);
        prop_assert!(s.len() <= 40);
        prop_assert!(!s.starts_with('_') && !s.ends_with('_') && !s.contains("__"));
        prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
    }
}
