//! Reading a stored `CREATE TABLE` or `CREATE INDEX` statement back
//! (SQLite keeps a table's CHECK constraints and an index's predicate only
//! in the statement text).

use crate::model::{Check, Generated};
use crate::naming;

use super::lexer::{LexOptions, Lexer, Token, TokenKind};

/// The tokens of a SQLite statement, comments left out.
fn tokens(sql: &str) -> Vec<Token<'_>> {
    Lexer::new(sql, 1, LexOptions::SQLITE)
        .filter(|t| !t.is_comment())
        .collect()
}

/// Whether the statement contains `keyword` as a word (in any case), not
/// inside a string, a quoted identifier or a comment.
pub fn has_keyword(sql: &str, keyword: &str) -> bool {
    tokens(sql).iter().any(|t| t.is_word(keyword))
}

/// CHECK constraints of a `CREATE TABLE` statement of table `table`,
/// column- and table-level, in order. A constraint is named by a preceding
/// `CONSTRAINT name`, otherwise `ck_<table>_<n>` with `n` counting the
/// unnamed ones from 1. Each [`Check::sql`] is the text between the
/// parentheses, trimmed, as written.
pub fn checks(table: &str, sql: &str) -> Vec<Check> {
    let toks = tokens(sql);
    let mut checks = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut unnamed = 0;
    while i < toks.len() {
        let tok = &toks[i];
        if tok.is_punct("(") {
            depth += 1;
        } else if tok.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if depth == 1 && tok.is_word("CHECK") {
            if let Some((expr, close)) = parenthesised(sql, &toks, i + 1) {
                let name = constraint_name(&toks[..i]).unwrap_or_else(|| {
                    unnamed += 1;
                    naming::check(table, &unnamed.to_string())
                });
                checks.push(Check {
                    name,
                    sql: expr.trim().to_string(),
                });
                i = close + 1;
                continue;
            }
        }
        i += 1;
    }
    checks
}

/// The predicate of a stored `CREATE INDEX ... WHERE predicate` statement,
/// as written (trimmed); `None` when the index has none. The `WHERE` is the
/// first one outside parentheses, strings and quoted identifiers.
pub fn index_predicate(sql: &str) -> Option<String> {
    let toks = tokens(sql);
    let mut depth = 0usize;
    for t in &toks {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && t.is_word("WHERE") {
            let rest = sql[t.end()..].trim().trim_end_matches(';').trim();
            return (!rest.is_empty()).then(|| rest.to_string());
        }
    }
    None
}

/// The keys of a stored `CREATE INDEX name ON table (key, ...)` statement,
/// each as written without its trailing `ASC`/`DESC` or `COLLATE`, an
/// expression without the parentheses around it: `(lower("email")) DESC`
/// reads as `lower("email")`. Empty when the statement has no key list.
pub fn index_keys(sql: &str) -> Vec<String> {
    let toks = tokens(sql);
    let Some(on) = toks.iter().position(|t| t.is_word("ON")) else {
        return Vec::new();
    };
    let Some(open) = (on..toks.len()).find(|&i| toks[i].is_punct("(")) else {
        return Vec::new();
    };
    let Some((_, close)) = parenthesised(sql, &toks, open) else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for i in open + 1..=close {
        let t = &toks[i];
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") && depth > 0 {
            depth -= 1;
        } else if depth == 0 && (t.is_punct(",") || i == close) {
            keys.push(key_text(sql, &toks[start..i]));
            start = i + 1;
        }
    }
    keys
}

/// One key of [`index_keys`] from its tokens.
fn key_text(sql: &str, toks: &[Token<'_>]) -> String {
    let mut end = toks.len();
    // `COLLATE name` and a sort order close a key.
    if let Some(c) = toks.iter().rposition(|t| t.is_word("COLLATE")) {
        end = c;
    }
    while end > 0 && (toks[end - 1].is_word("ASC") || toks[end - 1].is_word("DESC")) {
        end -= 1;
    }
    let toks = &toks[..end];
    let (Some(first), Some(last)) = (toks.first(), toks.last()) else {
        return String::new();
    };
    if first.is_punct("(") && parenthesised(sql, toks, 0).is_some_and(|(_, c)| c == toks.len() - 1)
    {
        return sql[first.end()..last.start].trim().to_string();
    }
    sql[first.start..last.end()].trim().to_string()
}

/// A name as written by one token, unquoted.
fn name_of(t: &Token<'_>) -> Option<String> {
    match t.kind {
        TokenKind::Word | TokenKind::Number => Some(t.text.to_string()),
        TokenKind::QuotedIdent | TokenKind::String => Some(t.value(false)),
        _ => None,
    }
}

/// The column definitions of a `CREATE TABLE` statement: each column's
/// name (unquoted) and the indices of its tokens at the definition's own
/// level, a nested group entering only by its `(`. Table constraints
/// (`PRIMARY KEY (...)`, `CONSTRAINT ...`) are not columns.
fn column_definitions(toks: &[Token<'_>]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    let mut depth = 0usize;
    // Whether the tokens seen belong to a column definition.
    let mut in_column = false;
    let mut at_start = false;
    for (i, t) in toks.iter().enumerate() {
        let level = depth;
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        }
        if level == 0 {
            at_start = depth == 1;
            continue;
        }
        if level != 1 || t.is_punct(")") {
            continue;
        }
        if t.is_punct(",") {
            at_start = true;
            in_column = false;
        } else if at_start {
            at_start = false;
            let constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
                .iter()
                .any(|k| t.is_word(k));
            in_column = false;
            if let Some(name) = name_of(t).filter(|_| !constraint) {
                out.push((name, Vec::new()));
                in_column = true;
            }
        } else if in_column {
            if let Some((_, own)) = out.last_mut() {
                own.push(i);
            }
        }
    }
    out
}

/// The collations columns of a `CREATE TABLE` statement declare
/// (`name TEXT COLLATE NOCASE`), as `(column, collation)` pairs in column
/// order; the collation is as written, unquoted. A `COLLATE` inside a
/// column's check or default expression is not the column's, nor are
/// table constraints (`PRIMARY KEY (a COLLATE NOCASE)`) columns.
pub fn column_collations(sql: &str) -> Vec<(String, String)> {
    let toks = tokens(sql);
    let mut out = Vec::new();
    for (column, own) in column_definitions(&toks) {
        for &i in &own {
            if toks[i].is_word("COLLATE") {
                if let Some(name) = toks.get(i + 1).and_then(name_of) {
                    out.push((column.clone(), name));
                }
            }
        }
    }
    out
}

/// The generated columns of a `CREATE TABLE` statement (`total REAL
/// GENERATED ALWAYS AS (price * qty) STORED`, or the short `AS (...)`):
/// each column's name, its expression as written between the
/// parentheses, trimmed, and whether it is `STORED` (SQLite's default is
/// `VIRTUAL`).
pub fn column_generations(sql: &str) -> Vec<(String, Generated)> {
    let toks = tokens(sql);
    let mut out = Vec::new();
    for (column, own) in column_definitions(&toks) {
        let Some(at) = own.iter().position(|&i| {
            toks[i].is_word("AS") && toks.get(i + 1).is_some_and(|t| t.is_punct("("))
        }) else {
            continue;
        };
        let Some((expr, _)) = parenthesised(sql, &toks, own[at] + 1) else {
            continue;
        };
        let stored = own[at..].iter().any(|&i| toks[i].is_word("STORED"));
        out.push((
            column,
            Generated {
                expr: expr.trim().to_string(),
                stored,
            },
        ));
    }
    out
}

/// The name given by `CONSTRAINT name` right before the current token.
fn constraint_name(before: &[Token<'_>]) -> Option<String> {
    match before {
        [.., keyword, name] if keyword.is_word("CONSTRAINT") => name_of(name),
        _ => None,
    }
}

/// When `toks[open]` is `(`: the text inside it up to the matching `)`,
/// and the index of that `)`.
fn parenthesised<'a>(sql: &'a str, toks: &[Token<'_>], open: usize) -> Option<(&'a str, usize)> {
    let first = toks.get(open).filter(|t| t.is_punct("("))?;
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 {
                return Some((&sql[first.end()..t.start], j));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_predicates_are_read_after_the_top_level_where() {
        assert_eq!(
            index_predicate(r#"CREATE INDEX "ix" ON "t" ("a" DESC) WHERE "a" IS NOT NULL"#)
                .as_deref(),
            Some(r#""a" IS NOT NULL"#)
        );
        assert_eq!(
            index_predicate("CREATE INDEX \"where\" ON t (a) WHERE (b = 'WHERE x') ;").as_deref(),
            Some("(b = 'WHERE x')")
        );
        assert_eq!(index_predicate("CREATE INDEX ix ON t (a)"), None);
        assert_eq!(index_predicate("CREATE INDEX ix ON t (a) -- WHERE b"), None);
    }

    #[test]
    fn index_keys_are_read_with_expressions_unwrapped() {
        assert_eq!(
            index_keys(
                r#"CREATE INDEX "ix" ON "t" ("a" DESC, (lower("b")), c || ',' ASC, (x) + (y)) WHERE a > 0"#
            ),
            vec![r#""a""#, r#"lower("b")"#, "c || ','", "(x) + (y)"]
        );
        assert_eq!(
            index_keys("CREATE UNIQUE INDEX ix ON t(a COLLATE NOCASE)"),
            vec!["a"]
        );
        assert!(index_keys("CREATE INDEX ix").is_empty());
    }

    #[test]
    fn checks_named_unnamed_nested_and_quoted() {
        let sql = r#"CREATE TABLE "t" (
            a INTEGER CHECK (a > 0),
            b TEXT NOT NULL DEFAULT 'x, CHECK (no)', -- CHECK (comment)
            "c" INT, /* CHECK (c) */
            CONSTRAINT "ck_t_sum" CHECK ((a + "c") < 10 AND b IN ('a', 'b)')),
            CONSTRAINT [weird name] CHECK (length(b) > 1)
        )"#;
        assert_eq!(
            checks("t", sql),
            vec![
                Check {
                    name: "ck_t_1".into(),
                    sql: "a > 0".into()
                },
                Check {
                    name: "ck_t_sum".into(),
                    sql: "(a + \"c\") < 10 AND b IN ('a', 'b)')".into()
                },
                Check {
                    name: "weird name".into(),
                    sql: "length(b) > 1".into()
                },
            ]
        );
    }

    #[test]
    fn names_in_every_quoting_and_nested_checks_ignored() {
        let sql = "CREATE TABLE t (a INT CONSTRAINT `x``y` CHECK(a>0) CONSTRAINT 'q' CHECK (a<9), \
                   b INT CONSTRAINT c1 CHECK (b -- ) not the end\n > 0), \
                   CHECK (a <> b), d AS (CHECK(1)), CONSTRAINT 1x CHECK (1), e CHECK)";
        let got: Vec<(String, String)> = checks("t", sql)
            .into_iter()
            .map(|c| (c.name, c.sql))
            .collect();
        let want = [
            ("x`y", "a>0"),
            ("q", "a<9"),
            ("c1", "b -- ) not the end\n > 0"),
            ("ck_t_1", "a <> b"),
            ("1x", "1"),
        ];
        assert_eq!(
            got,
            want.map(|(n, s)| (n.to_string(), s.to_string())).to_vec()
        );
    }

    #[test]
    fn column_collations_are_read_from_column_definitions_only() {
        let sql = r#"CREATE TABLE "t" (
            "a" TEXT COLLATE NOCASE NOT NULL,
            b TEXT DEFAULT ('x' COLLATE RTRIM) CHECK (b <> 'y' COLLATE NOCASE),
            [c d] VARCHAR(10) NOT NULL COLLATE "rtrim",
            collate_me TEXT, -- COLLATE NOCASE
            PRIMARY KEY (a COLLATE BINARY),
            CONSTRAINT u UNIQUE (b COLLATE NOCASE)
        )"#;
        assert_eq!(
            column_collations(sql),
            vec![
                ("a".to_string(), "NOCASE".to_string()),
                ("c d".to_string(), "rtrim".to_string()),
            ]
        );
    }

    #[test]
    fn generated_columns_are_read_with_their_storage() {
        let sql = r#"CREATE TABLE "t" (
            price REAL NOT NULL,
            "total" REAL GENERATED ALWAYS AS (price * (1 + "tax")) STORED NOT NULL,
            label TEXT AS (upper(name)),
            alias TEXT CHECK (alias AS (x)) DEFAULT 'AS (y)',
            v INTEGER AS ( price > 0 ) VIRTUAL,
            CONSTRAINT c CHECK (price AS (z))
        )"#;
        let got: Vec<(String, String, bool)> = column_generations(sql)
            .into_iter()
            .map(|(c, g)| (c, g.expr, g.stored))
            .collect();
        assert_eq!(
            got,
            vec![
                ("total".into(), r#"price * (1 + "tax")"#.into(), true),
                ("label".into(), "upper(name)".into(), false),
                ("v".into(), "price > 0".into(), false),
            ]
        );
    }

    #[test]
    fn unclosed_check_is_skipped() {
        assert_eq!(checks("t", "CREATE TABLE t (a INT CHECK (a > 0"), vec![]);
    }

    #[test]
    fn keyword_search_ignores_strings_and_comments() {
        assert!(has_keyword(
            "CREATE TABLE t (id INTEGER PRIMARY KEY autoincrement)",
            "AUTOINCREMENT"
        ));
        assert!(!has_keyword(
            "CREATE TABLE t (x TEXT DEFAULT 'AUTOINCREMENT') -- AUTOINCREMENT",
            "AUTOINCREMENT"
        ));
        assert!(!has_keyword(
            "CREATE TABLE t (\"AUTOINCREMENT\" INT, [autoincrement] INT)",
            "AUTOINCREMENT"
        ));
    }
}
