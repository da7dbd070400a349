//! Property tests over the text people hand the core: migration files, SQL
//! sections, upgrade/downgrade targets and database URLs, both arbitrary and
//! near-valid (a valid input with random truncations, quotes, comment
//! markers, unicode, NUL bytes, very long lines and CRLF line ends).
//!
//! Each property runs 64 cases by default; `PROPTEST_CASES=N` runs N.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use schema_core::migration::{
    split_statements_with, MigrationError, MigrationFile, RevisionGraph, SplitOptions,
};
use schema_core::sql::{Brackets, LexOptions, Lexer};
use schema_core::url::DatabaseUrl;

/// 64 cases unless `PROPTEST_CASES` says otherwise; no regression files are
/// written (every failure found becomes a named test below).
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config.failure_persistence = None;
    config
}

// ---- mutations ------------------------------------------------------------

/// Fragments that break parsers: quotes, comment markers, section markers,
/// separators, unicode, NUL, lone CR, and a very long line.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("`".to_string()),
        Just("--".to_string()),
        Just("/*".to_string()),
        Just("*/".to_string()),
        Just("$$".to_string()),
        Just(";".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just("@".to_string()),
        Just("/".to_string()),
        Just("?".to_string()),
        Just("#".to_string()),
        Just("%".to_string()),
        Just("%4".to_string()),
        Just("%ff".to_string()),
        Just("+1".to_string()),
        Just("-1".to_string()),
        Just("\0".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\n\n".to_string()),
        Just("\t".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{2028}".to_string()),
        Just("\u{85}".to_string()),
        Just("é".to_string()),
        Just("🦀".to_string()),
        Just("-- migrate:up\n".to_string()),
        Just("-- migrate:down\n".to_string()),
        Just("-- revision: 0123456789ab\n".to_string()),
        Just("-- message: x\n".to_string()),
        Just("BEGIN".to_string()),
        Just("END".to_string()),
        Just("CREATE TRIGGER t ".to_string()),
        Just("x".repeat(20_000)),
        "\\PC{1,8}",
        any::<char>().prop_map(String::from),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Insert(Index, String),
    Delete(Index, Index),
    DuplicateLine(Index),
    Crlf,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        3 => (any::<Index>(), fragment()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Delete(a, b)),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => Just(Mutation::Crlf),
    ]
}

/// The char boundary nearest below `index` of `s` (len + 1 positions).
fn boundary(s: &str, index: &Index) -> usize {
    let mut at = index.index(s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut s: String, mutations: &[Mutation]) -> String {
    for m in mutations {
        match m {
            Mutation::Truncate(i) => {
                let at = boundary(&s, i);
                s.truncate(at);
            }
            Mutation::Insert(i, text) => {
                let at = boundary(&s, i);
                s.insert_str(at, text);
            }
            Mutation::Delete(a, b) => {
                let (a, b) = (boundary(&s, a), boundary(&s, b));
                s.replace_range(a.min(b)..a.max(b), "");
            }
            Mutation::DuplicateLine(i) => {
                let lines: Vec<&str> = s.split('\n').collect();
                let n = i.index(lines.len());
                let mut out: Vec<&str> = lines[..=n].to_vec();
                out.extend(&lines[n..]);
                s = out.join("\n");
            }
            Mutation::Crlf => s = s.replace("\r\n", "\n").replace('\n', "\r\n"),
        }
    }
    s
}

/// `valid` with 1 to 4 random mutations.
fn mutated(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (valid, prop::collection::vec(mutation(), 1..5)).prop_map(|(s, m)| apply(s, &m))
}

/// Strings of any chars, biased towards the fragments above.
fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        prop::collection::vec(fragment(), 0..12).prop_map(|v| v.concat()),
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

// ---- migration files ------------------------------------------------------

const ORIGIN: &str = "migrations/2026_01_01_0000-0123456789ab_x.sql";

fn label() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}".prop_filter("reserved", |l| {
        !matches!(l.as_str(), "head" | "heads" | "base" | "current")
    })
}

/// SQL-ish section text of a few lines.
fn section_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("CREATE TABLE t (id INTEGER PRIMARY KEY);".to_string()),
        Just("INSERT INTO t VALUES ('a;b', \"q\", `c`); -- note".to_string()),
        Just("/* block */ SELECT $$x;y$$;".to_string()),
        Just(String::new()),
        "[^\r\n]{0,40}",
    ];
    prop::collection::vec(line, 0..6).prop_map(|v| v.join("\n"))
}

/// A valid migration file's text, rendered from random header values.
fn valid_file() -> impl Strategy<Value = String> {
    (
        "[0-9a-f]{12}",
        prop::collection::btree_set("[0-9a-f]{12}", 0..3),
        "[^\r\n]{0,40}",
        prop::option::of(0i64..4_000_000_000),
        prop::collection::btree_set(label(), 0..3),
        prop::collection::btree_set(label(), 0..2),
        any::<(bool, bool)>(),
        prop::collection::vec("-- [A-Za-z0-9 .()]{0,20}", 0..3),
        (section_text(), section_text(), any::<bool>()),
        prop::collection::btree_map(0usize..3, (section_text(), section_text()), 0..3),
        prop::collection::vec("-- [A-Za-z0-9 .(){}\":]{0,30}", 0..3),
    )
        .prop_map(
            |(
                revision,
                downs,
                message,
                created,
                labels,
                deps,
                flags,
                preamble,
                (up, down, portable),
                dialects,
                state,
            )| {
                let mut text = format!("-- revision: {revision}\n");
                let downs: Vec<String> = downs.into_iter().collect();
                if !downs.is_empty() {
                    text.push_str(&format!("-- down_revision: {}\n", downs.join(", ")));
                }
                text.push_str(&format!("-- message: {}\n", message.trim()));
                if let Some(secs) = created {
                    let t = Utc.timestamp_opt(secs, 0).unwrap();
                    text.push_str(&format!("-- created: {}\n", t.format("%Y-%m-%dT%H:%M:%SZ")));
                }
                if !labels.is_empty() {
                    let labels: Vec<String> = labels.into_iter().collect();
                    text.push_str(&format!("-- branch_labels: {}\n", labels.join(", ")));
                }
                if !deps.is_empty() {
                    let deps: Vec<String> = deps.into_iter().collect();
                    text.push_str(&format!("-- depends_on: {}\n", deps.join(",")));
                }
                text.push_str(&format!("-- transaction: {}\n", flags.0));
                text.push_str(&format!("-- irreversible: {}\n", flags.1));
                text.push('\n');
                for line in preamble {
                    text.push_str(&line);
                    text.push('\n');
                }
                // Per-dialect sections; without any, the unqualified pair
                // is required.
                if portable || dialects.is_empty() {
                    text.push_str(&format!(
                        "\n-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"
                    ));
                }
                for (d, (up, down)) in &dialects {
                    let d = ["sqlite", "postgres", "mysql"][*d];
                    text.push_str(&format!(
                        "\n-- migrate:up {d}\n{up}\n\n-- migrate:down {d}\n{down}\n"
                    ));
                }
                if !state.is_empty() {
                    text.push_str(&format!("\n-- migrate:state\n{}\n", state.join("\n")));
                }
                text
            },
        )
}

/// Whatever `parse` says about `text`: an accepted file renders to text
/// that parses back to the same file (and renders the same again); a
/// refused one names the file and a line that exists.
fn check_file(text: &str) -> Result<(), TestCaseError> {
    match MigrationFile::parse(text, ORIGIN) {
        Ok(file) => {
            let rendered = file.render();
            let again = MigrationFile::parse(&rendered, ORIGIN).map_err(|e| {
                TestCaseError::fail(format!("rendered file does not parse: {e}\n{rendered}"))
            })?;
            prop_assert_eq!(&again, &file);
            prop_assert_eq!(again.render(), rendered);
            if file.portable {
                prop_assert!(file.up_line >= 1 && file.down_line > file.up_line);
            }
            for d in &file.dialects {
                prop_assert!(d.up_line >= 1 && d.down_line > d.up_line);
            }
            prop_assert!(file.portable || !file.dialects.is_empty());
        }
        Err(e) => {
            let at = location(&e).ok_or_else(|| {
                TestCaseError::fail(format!("a parse error without a location: {e:?}"))
            })?;
            prop_assert_eq!(at.origin.as_str(), ORIGIN);
            let line = at
                .line
                .ok_or_else(|| TestCaseError::fail(format!("a parse error without a line: {e}")))?;
            prop_assert!(
                line >= 1 && line <= text.lines().count().max(1),
                "line {} of {:?}: {}",
                line,
                text,
                e
            );
            prop_assert!(
                e.to_string().starts_with(&format!("{ORIGIN}:{line}: ")),
                "{}",
                e
            );
        }
    }
    Ok(())
}

/// The location of an error `MigrationFile::parse` returns.
fn location(e: &MigrationError) -> Option<&schema_core::migration::Location> {
    use MigrationError::*;
    match e {
        UnknownHeaderKey { at, .. }
        | MalformedHeaderLine { at, .. }
        | DuplicateHeaderKey { at, .. }
        | HeaderKeyOutsideHeader { at, .. }
        | MissingRevision { at }
        | InvalidRevisionId { at, .. }
        | InvalidCreated { at, .. }
        | InvalidFlag { at, .. }
        | InvalidTransaction { at, .. }
        | InvalidBranchLabel { at, .. }
        | DuplicateListEntry { at, .. }
        | MissingSection { at, .. }
        | DuplicateSection { at, .. }
        | SectionOrder { at, .. }
        | UnknownSectionDialect { at, .. }
        | SqlInState { at, .. }
        | NoSectionFor { at, .. }
        | SqlOutsideSection { at, .. } => Some(at),
        _ => None,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_files_parse_and_round_trip(text in valid_file()) {
        let file = MigrationFile::parse(&text, ORIGIN)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check_file(&text)?;
        // CRLF line ends read the same.
        let crlf = text.replace('\n', "\r\n");
        prop_assert_eq!(MigrationFile::parse(&crlf, ORIGIN).unwrap(), file);
    }

    #[test]
    fn mutated_files_never_panic_and_errors_have_lines(text in mutated(valid_file())) {
        check_file(&text)?;
    }

    #[test]
    fn arbitrary_files_never_panic_and_errors_have_lines(text in arbitrary_text()) {
        check_file(&text)?;
    }
}

// ---- the statement splitter -----------------------------------------------

/// SQL sections with every construct the splitter tracks.
fn valid_section() -> impl Strategy<Value = String> {
    let stmt = prop_oneof![
        Just("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b')".to_string()),
        Just("INSERT INTO t VALUES (1, 'it''s; fine', \"x;y\", `z;w`)".to_string()),
        Just("SELECT E'\\';' -- trailing; comment\n".to_string()),
        Just("/* a; b */ UPDATE t SET note = $$;$$".to_string()),
        Just("CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql".to_string()),
        Just("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET id = CASE WHEN 1 THEN 2 END; END".to_string()),
        Just("CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; WHILE 0 DO SELECT 2; END WHILE; END".to_string()),
        Just("BEGIN".to_string()),
        Just("COMMIT".to_string()),
        Just("SELECT t.end FROM t".to_string()),
        "[a-zA-Z0-9_ (),.=é]{1,30}",
    ];
    (prop::collection::vec(stmt, 0..6), "[ \t\n]{0,3}")
        .prop_map(|(v, gap)| v.iter().map(|s| format!("{s};{gap}")).collect::<String>())
}

fn lex(backslash: bool) -> LexOptions {
    LexOptions {
        backslash_escapes: backslash,
        double_quoted_strings: backslash,
        brackets: Brackets::Punct,
    }
}

/// The input's content: the texts of its tokens that are neither comments
/// nor `;`, in order.
fn content(sql: &str, lex: LexOptions) -> Vec<String> {
    Lexer::new(sql, 1, lex)
        .filter(|t| !t.is_comment() && !t.is_punct(";"))
        .map(|t| t.text.to_string())
        .collect()
}

/// The splitter drops only `;`, comments and whitespace between
/// statements: re-lexing the statements gives back the input's content,
/// every statement is a slice of the input (in order, not overlapping), and
/// the text between two statements is whitespace, comments and `;`.
fn check_split(sql: &str, backslash: bool) -> Result<(), TestCaseError> {
    let options = SplitOptions {
        backslash_escapes: backslash,
    };
    let stmts = split_statements_with(sql, 7, options);
    let joined: Vec<String> = stmts
        .iter()
        .flat_map(|s| content(&s.sql, lex(backslash)))
        .collect();
    prop_assert_eq!(joined, content(sql, lex(backslash)));
    let tokens: Vec<_> = Lexer::new(sql, 7, lex(backslash)).collect();
    let mut at = 0;
    let lines_before = |end: usize| sql[..end].matches('\n').count();
    for s in &stmts {
        prop_assert!(!s.sql.is_empty());
        // A statement starts at the first token after the previous one
        // that is neither a comment nor a `;`.
        let start = tokens
            .iter()
            .find(|t| t.start >= at && !t.is_comment() && !t.is_punct(";"))
            .map(|t| t.start)
            .ok_or_else(|| TestCaseError::fail(format!("no token starts {:?}", s.sql)))?;
        prop_assert!(
            sql[start..].starts_with(s.sql.as_str()),
            "{:?} is not the input at byte {}",
            s.sql,
            start
        );
        let gap = &sql[at..start];
        let gap_content = content(gap, lex(backslash));
        prop_assert!(
            gap_content.is_empty(),
            "content {:?} between statements",
            gap_content
        );
        prop_assert_eq!(s.line, 7 + lines_before(start));
        at = start + s.sql.len();
    }
    prop_assert!(content(&sql[at..], lex(backslash)).is_empty());
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn split_valid_sections(sql in valid_section(), backslash in any::<bool>()) {
        check_split(&sql, backslash)?;
    }

    #[test]
    fn split_mutated_sections(sql in mutated(valid_section()), backslash in any::<bool>()) {
        check_split(&sql, backslash)?;
    }

    #[test]
    fn split_arbitrary_text(sql in arbitrary_text(), backslash in any::<bool>()) {
        check_split(&sql, backslash)?;
    }
}

// ---- targets --------------------------------------------------------------

const BASE: &str = "ba5e00000000";
const A1: &str = "aaaa00000001";
const A2: &str = "aaaa00000002";
const B1: &str = "bbbb00000001";
const MERGE: &str = "cccc00000001";
const LATE: &str = "dddd00000001";
const ROOT2: &str = "eeee00000001";

/// base → a1 → a2 ─┐
///     ↘ b1 ───────┴→ merge → late;  root2 (a second root, label `other`).
fn graph() -> RevisionGraph {
    let file = |id: &str, downs: &[&str], labels: &[&str], minute: u32| MigrationFile {
        revision: id.to_string(),
        down_revisions: downs.iter().map(|s| s.to_string()).collect(),
        branch_labels: labels.iter().map(|s| s.to_string()).collect(),
        created: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap()),
        ..MigrationFile::default()
    };
    let files = vec![
        file(BASE, &[], &[], 0),
        file(A1, &[BASE], &["feature"], 1),
        file(A2, &[A1], &[], 2),
        file(B1, &[BASE], &["billing"], 3),
        file(MERGE, &[A2, B1], &[], 4),
        file(LATE, &[MERGE], &[], 5),
        file(ROOT2, &[], &["other"], 6),
    ];
    RevisionGraph::new(
        files
            .into_iter()
            .map(|f| (format!("migrations/{}.sql", f.revision), f))
            .collect(),
    )
    .expect("valid graph")
}

const IDS: [&str; 7] = [BASE, A1, A2, B1, MERGE, LATE, ROOT2];

fn valid_target() -> impl Strategy<Value = String> {
    let one = prop_oneof![
        Just("head".to_string()),
        Just("heads".to_string()),
        Just("base".to_string()),
        Just("current".to_string()),
        prop::sample::select(IDS.to_vec()).prop_map(str::to_string),
        (prop::sample::select(IDS.to_vec()), 4usize..12).prop_map(|(id, n)| id[..n].to_string()),
        prop::sample::select(vec!["feature", "billing", "other"]).prop_map(str::to_string),
        prop::sample::select(vec![
            "feature@head",
            "billing@head",
            "other@head",
            "aaaa00000001@head"
        ])
        .prop_map(str::to_string),
        (0usize..9).prop_map(|n| format!("+{n}")),
        (0usize..9).prop_map(|n| format!("-{n}")),
        (
            prop::sample::select(vec!["head", "aaaa", "billing", "other@head", "base"]),
            any::<bool>(),
            0usize..4
        )
            .prop_map(|(r, up, n)| format!("{r}{}{n}", if up { '+' } else { '-' })),
    ];
    prop::collection::vec(one, 1..4).prop_map(|v| v.join(","))
}

fn applied_set() -> impl Strategy<Value = BTreeSet<String>> {
    prop_oneof![
        Just(BTreeSet::new()),
        Just([BASE, A1].iter().map(|s| s.to_string()).collect()),
        Just([BASE, A1, A2, B1].iter().map(|s| s.to_string()).collect()),
        Just(IDS.iter().map(|s| s.to_string()).collect()),
        Just(["ffff00000000".to_string()].into_iter().collect()),
        prop::collection::btree_set(
            prop::sample::select(IDS.to_vec()).prop_map(str::to_string),
            0..7
        ),
    ]
}

/// Every use of a target: resolving, the three plans and history ranges.
/// None may panic; what they return names revisions of the graph only.
fn check_target(
    g: &RevisionGraph,
    target: &str,
    applied: &BTreeSet<String>,
) -> Result<(), TestCaseError> {
    let known = |ids: &[String]| ids.iter().all(|id| IDS.contains(&id.as_str()));
    if let Ok(ids) = g.resolve(target, applied) {
        prop_assert!(known(&ids), "{:?}", ids);
    }
    if let Ok(ids) = g.plan_upgrade(applied, target) {
        prop_assert!(known(&ids));
        prop_assert!(ids.iter().all(|id| !applied.contains(id)));
    }
    if let Ok(ids) = g.plan_downgrade(applied, target) {
        prop_assert!(ids.iter().all(|id| applied.contains(id)));
    }
    if let Ok(set) = g.stamp_set(applied, target) {
        prop_assert!(known(&set.into_iter().collect::<Vec<_>>()));
    }
    let _ = g.history(Some(target), applied);
    let _ = g.history(Some(&format!("{target}:{target}")), applied);
    let _ = g.history(Some(&format!(":{target}")), applied);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_targets_resolve_to_known_revisions(target in valid_target(), applied in applied_set()) {
        check_target(&graph(), &target, &applied)?;
    }

    #[test]
    fn mutated_targets_never_panic(target in mutated(valid_target()), applied in applied_set()) {
        check_target(&graph(), &target, &applied)?;
    }

    #[test]
    fn arbitrary_targets_never_panic(target in arbitrary_text(), applied in applied_set()) {
        check_target(&graph(), &target, &applied)?;
    }
}

// ---- database URLs --------------------------------------------------------

/// A password no other part of a generated URL contains.
const PASSWORD_MARK: &str = "Zq9Wv";

fn password() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9]{0,6}",
        "[a-zA-Z0-9!$&'()*+,;=._~ -]{0,6}",
        "[!-~é🦀]{0,6}",
    )
        .prop_map(|(a, b, c)| format!("{PASSWORD_MARK}{a}{b}{c}"))
}

fn server_url() -> impl Strategy<Value = (String, String)> {
    let scheme = prop::sample::select(vec![
        "postgres",
        "postgresql",
        "postgresql+asyncpg",
        "postgresql+psycopg2",
        "mysql",
        "mariadb",
        "mysql+aiomysql",
    ]);
    let host = prop::sample::select(vec![
        "db",
        "127.0.0.1",
        "[::1]",
        "h1:5432,h2:5433",
        "",
        "db.example.com",
    ]);
    let query = prop::sample::select(vec![
        "",
        "?sslmode=require",
        "?ssl=true&application_name=web",
        "?charset=utf8mb4&ssl-mode=REQUIRED",
        "?sslpassword=Zq9WvQuery",
    ]);
    (
        scheme,
        "[a-z_]{1,8}",
        password(),
        any::<bool>(),
        host,
        prop::option::of(0u32..70_000),
        prop::option::of("[a-z_]{1,8}"),
        query,
    )
        .prop_map(|(scheme, user, password, encode, host, port, db, query)| {
            let written = if encode {
                percent_encoding::utf8_percent_encode(&password, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            } else {
                password.clone()
            };
            let port = match port {
                Some(p) if !host.is_empty() && !host.contains(',') => format!(":{p}"),
                _ => String::new(),
            };
            let db = db.map(|d| format!("/{d}")).unwrap_or_default();
            (
                format!("{scheme}://{user}:{written}@{host}{port}{db}{query}"),
                password,
            )
        })
}

fn sqlite_url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sqlite::memory:".to_string()),
        Just(":memory:".to_string()),
        "[a-z]{1,8}\\.db".prop_map(|p| format!("sqlite:{p}")),
        "[a-z]{1,8}\\.db".prop_map(|p| format!("sqlite://{p}?mode=rwc")),
        "[a-z]{1,8}\\.db".prop_map(|p| format!("sqlite:///tmp/{p}")),
        "[a-z]{1,8}\\.db".prop_map(|p| format!("file:{p}?mode=ro&cache=shared")),
        "[a-z]{1,8}\\.db".prop_map(|p| format!("sqlite+aiosqlite:///{p}")),
        "[a-z]{1,8}\\.db".prop_map(|p| format!("./{p}")),
    ]
}

/// What a parse of `text` may show: its redacted form, `Display`, `Debug`,
/// notes and error messages never contain `secret`, and an accepted URL's
/// diesel URL parses to the same target.
fn check_url(text: &str, secret: Option<&str>) -> Result<(), TestCaseError> {
    let hidden = |shown: &str| match secret {
        Some(s) => !shown.contains(s),
        None => true,
    };
    match DatabaseUrl::parse(text) {
        Ok(url) => {
            prop_assert!(hidden(&url.redacted()), "redacted: {}", url.redacted());
            prop_assert!(hidden(&url.to_string()), "display: {}", url);
            prop_assert!(hidden(&format!("{url:?}")), "debug: {:?}", url);
            for note in url.notes() {
                prop_assert!(hidden(note), "note: {}", note);
            }
            for create in [false, true] {
                let diesel = url.diesel_url(create);
                let again = DatabaseUrl::parse(&diesel).map_err(|e| {
                    TestCaseError::fail(format!("diesel URL of {text:?} does not parse: {e}"))
                })?;
                prop_assert_eq!(again.backend(), url.backend());
                prop_assert_eq!(again.user(), url.user());
                prop_assert_eq!(again.host(), url.host());
                prop_assert_eq!(again.port(), url.port());
                prop_assert_eq!(again.database(), url.database());
                // Windows paths (`C:\\x`, `C:/x`) are read as such on every
                // system, so the diesel URL spells them with `/`.
                let windows = |p: &std::path::Path| {
                    let p = p.to_string_lossy();
                    p.contains('\\') || p.as_bytes().get(1) == Some(&b':')
                };
                if !url.sqlite_path().is_some_and(windows) {
                    prop_assert_eq!(again.sqlite_path(), url.sqlite_path());
                }
                prop_assert_eq!(again.is_sqlite_memory(), url.is_sqlite_memory());
                prop_assert_eq!(again.diesel_url(create), diesel);
            }
        }
        Err(e) => {
            prop_assert!(hidden(&e.to_string()), "error: {}", e);
            prop_assert!(hidden(&format!("{e:?}")), "error: {:?}", e);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn server_urls_never_show_the_password((url, password) in server_url()) {
        check_url(&url, Some(&password))?;
        check_url(&url, Some(PASSWORD_MARK))?;
    }

    #[test]
    fn mutated_server_urls_never_show_the_password(url in mutated(server_url().prop_map(|(u, _)| u))) {
        // A mutation may cut the password or move it out of the user info
        // (`_:Zq9Wv` is a file name): its distinctive start is looked for
        // only while it still sits in `scheme://user:<here>...@`, once (a
        // copy pasted into the path or query is no password there).
        let once = url.matches(PASSWORD_MARK).count() == 1;
        let in_user_info = once && url.find(PASSWORD_MARK).is_some_and(|p| {
            let before = &url[..p];
            before.ends_with(':')
                && before.matches("://").count() == 1
                && !before[before.find("://").unwrap_or(0) + 3..].contains(['/', '?', '#', '@'])
                && url[p..].contains('@')
        });
        let secret = format!(":{PASSWORD_MARK}");
        check_url(&url, in_user_info.then_some(secret.as_str()))?;
    }

    #[test]
    fn sqlite_urls_parse_and_round_trip(url in sqlite_url()) {
        prop_assert!(DatabaseUrl::parse(&url).is_ok(), "{}", url);
        check_url(&url, None)?;
    }

    #[test]
    fn mutated_and_arbitrary_urls_never_panic(url in prop_oneof![mutated(sqlite_url()), arbitrary_text()]) {
        check_url(&url, None)?;
    }
}

// ---- cases the properties found -------------------------------------------

#[test]
fn a_plus_that_is_no_relative_target_is_an_unknown_revision() {
    // These used to recurse until the stack overflowed.
    let g = graph();
    for target in ["+", "a+b", "feature+x", "head+", "++1", "billing+1+"] {
        let err = g.resolve(target, &BTreeSet::new()).unwrap_err();
        assert!(
            matches!(
                err,
                MigrationError::UnknownRevision { .. } | MigrationError::InvalidTarget { .. }
            ),
            "{target}: {err}"
        );
    }
    // The relative forms still work.
    assert_eq!(g.resolve("+1", &BTreeSet::new()).unwrap(), vec![BASE]);
    assert_eq!(g.resolve("feature+1", &BTreeSet::new()).unwrap(), vec![A2]);
}

#[test]
fn missing_revision_and_sections_name_a_line() {
    for (text, line) in [
        ("", 1),
        ("-- migrate:up\n", 1),
        ("\n\n-- message: x\n\n-- migrate:up\n-- migrate:down\n", 3),
        ("-- revision: 0123456789ab\n\nSELECT 1;\n", 3),
        ("-- revision: 0123456789ab\n\n-- migrate:down\nx\n", 3),
        (
            "-- revision: 0123456789ab\n\n-- migrate:up\nSELECT 1;\n\n",
            5,
        ),
    ] {
        let err = MigrationFile::parse(text, "m.sql").unwrap_err();
        assert!(
            err.to_string().starts_with(&format!("m.sql:{line}: ")),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn carriage_returns_inside_lines_survive_a_render() {
    // A lone `\r` at a line's end (or in the message) used to be read back
    // differently after `render`.
    let text = "-- revision: 0123456789ab\n-- message: a\rb\n\n-- migrate:up\nSELECT 1;\r\r\n\n-- migrate:down\nSELECT 2;\r\n";
    let file = MigrationFile::parse(text, "m.sql").unwrap();
    assert_eq!(file.message, "a b");
    assert_eq!(file.up, "SELECT 1;");
    assert_eq!(MigrationFile::parse(&file.render(), "m.sql").unwrap(), file);
    check_file(text).unwrap();
}

/// `text` is refused, and no part of the message shows `secret`.
fn refused_without(text: &str, secret: &str) -> String {
    let err = DatabaseUrl::parse(text).expect_err(text).to_string();
    assert!(!err.contains(secret), "{text}: {err}");
    err
}

#[test]
fn a_password_holding_a_delimiter_is_never_quoted() {
    // `u:s3cr?t@db`: the authority ends at `?`, so `s3cr` used to be
    // quoted as a bad port.
    for text in [
        "postgres://u:s3cr?t@db/app",
        "postgres://u:s3cr#t@db/app",
        "postgres://u:s3cr/t@db/app",
        "mysql://u:s3cr,?t@db",
        "postgres://u:s3cr,/t@db",
    ] {
        let err = refused_without(text, "s3cr");
        assert!(err.contains("percent-encode"), "{err}");
    }
    // Digits before the `/` made `u:123` a host and port, and the password
    // part of the database name.
    refused_without("postgres://u:123/s3cret@db/app", "s3cret");
    // A URL pasted twice.
    refused_without("postgres://u:s3cret@h/postgres://u:s3cret@h/db", "s3cret");
    // `user:password` without `@host`.
    let err = refused_without("postgres://app:s3cret", "s3cret");
    assert!(err.contains("@host"), "{err}");
    // A real bad port is still quoted.
    assert!(refused_without("postgres://u:pw@h:65536/db", "pw@").contains("`65536`"));
}

#[test]
fn a_mistyped_scheme_is_no_file_name() {
    // These used to be SQLite paths, printed (and created) as written.
    for text in [
        "\"postgres://app:s3cret@db/app\"",
        "0postgres://app:s3cret@db/app",
        "//app:s3cret@db/app",
        "app:s3cret@db/app",
    ] {
        refused_without(text, "s3cret");
    }
    // Windows paths and plain files still are paths.
    for text in [r"C:\Users\me@corp\app.db", "./app@v2.db", "app.db"] {
        assert!(
            DatabaseUrl::parse(text).unwrap().sqlite_path().is_some(),
            "{text}"
        );
    }
}

#[test]
fn unparsed_urls_hide_query_passwords_and_second_lines() {
    // `#` moved the query into the fragment.
    refused_without("postgres://a:s3cr#t@db?sslpassword=k3y", "k3y");
    refused_without("postgres:a:s3cret@db", "s3cret");
    // The `url` crate drops line breaks and tabs; what would be shown is not
    // what was parsed.
    let err = refused_without("postgres://a:s3cret@db/app\npostgres://a:0ther@db", "0ther");
    assert!(err.contains("control character"), "{err}");
    refused_without("postgres://a:s3\tcret@db/app", "cret");
    refused_without("unknown://a:s3cret@db\nunknown://a:0ther", "0ther");
}

#[test]
fn long_targets_do_not_overflow_the_stack() {
    let g = graph();
    let applied: BTreeSet<String> = IDS.iter().map(|s| s.to_string()).collect();
    let chain = format!("head{}", "-0".repeat(20_000));
    let _ = g.resolve(&chain, &applied);
    // `late-0-0-...-0-1`: one below `late`.
    let chain = format!("{LATE}{}-1", "-0".repeat(20_000));
    assert_eq!(g.resolve(&chain, &applied).unwrap(), vec![MERGE]);
    assert_eq!(
        g.resolve(&format!("{LATE}-1+1-1"), &applied).unwrap(),
        vec![MERGE]
    );
    let list = vec!["heads"; 20_000].join(",");
    assert_eq!(g.resolve(&list, &applied).unwrap(), vec![LATE, ROOT2]);
}

#[test]
fn sqlite_password_options_are_hidden() {
    // A `password=` option (SQLCipher style) used to be shown as written in
    // the redacted URL and in errors.
    let url = DatabaseUrl::parse("sqlite:///tmp/app.db?password=s3cret&cache=shared").unwrap();
    assert_eq!(
        url.redacted(),
        "sqlite:///tmp/app.db?password=***&cache=shared"
    );
    assert!(!format!("{url:?} {url}").contains("s3cret"));
    refused_without("sqlite:///tmp/app.db?mode=bogus&password=s3cret", "s3cret");
    refused_without("file:app.db?password=s3cret&mode=bogus", "s3cret");
}
