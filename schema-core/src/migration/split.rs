//! Splits a migration section into statements over the SQL lexer
//! ([`crate::sql::lexer`]).
//!
//! The lexer already knows where a `;` sits inside a quote or a comment; the
//! splitter adds where a `CREATE TRIGGER ... BEGIN ... END` body ends. A
//! parser's tokenizer (e.g. sqlparser's) would not do: it rejects input it
//! cannot read for the chosen dialect, while the splitter must pass through
//! whatever the database accepts and let the database report errors.

use crate::sql::lexer::{Brackets, LexOptions, Lexer, Token, TokenKind};

/// One statement of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement text without the trailing `;`, from its first token to
    /// its last (comments before and after it are not included).
    pub sql: String,
    /// 1-based line where the statement starts, counted from `first_line`.
    pub line: usize,
}

/// Dialect switches for [`split_statements_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitOptions {
    /// Backslash escapes inside `'...'` and `"..."` strings (MySQL/MariaDB's
    /// default, off under `NO_BACKSLASH_ESCAPES`). PostgreSQL `E'...'`
    /// strings always honour them.
    pub backslash_escapes: bool,
}

/// Splits `sql` into statements at `;`, where `first_line` is the line of
/// the file on which `sql` starts. Handles `'...'`, `"..."` and `` `...` ``
/// quotes (doubled-quote escapes), `--` and `/* */` comments, PostgreSQL
/// dollar quoting (`$$ ... $$`, `$tag$ ... $tag$`), and `BEGIN ... END`
/// bodies of `CREATE TRIGGER` / `PROCEDURE` / `FUNCTION` / `EVENT`
/// (SQLite, MySQL), including `CASE ... END` and `END IF` / `END LOOP` /
/// `END WHILE` / `END REPEAT` inside them. Empty and comment-only
/// statements are dropped. Never fails: unterminated quotes or comments run
/// to the end of the text, for the database to report.
pub fn split_statements(sql: &str, first_line: usize) -> Vec<Statement> {
    split_statements_with(sql, first_line, SplitOptions::default())
}

/// [`split_statements`] with dialect switches.
pub fn split_statements_with(
    sql: &str,
    first_line: usize,
    options: SplitOptions,
) -> Vec<Statement> {
    let lex = LexOptions {
        backslash_escapes: options.backslash_escapes,
        // With backslash escapes (MySQL), `"..."` is a string and honours
        // them too.
        double_quoted_strings: options.backslash_escapes,
        brackets: Brackets::Punct,
    };
    let tokens: Vec<Token<'_>> = Lexer::new(sql, first_line, lex).collect();
    let mut out = Vec::new();
    let mut stmt = Current::default();
    for (i, tok) in tokens.iter().enumerate() {
        if tok.is_comment() {
            continue;
        }
        if tok.is_punct(";") && stmt.depth == 0 {
            stmt.finish(sql, &mut out);
            continue;
        }
        stmt.start.get_or_insert((tok.start, tok.line));
        stmt.end = tok.end();
        if tok.kind == TokenKind::Word && !stmt.after_dot {
            stmt.word(tok.text, || next_word(sql, tok, tokens.get(i + 1)));
        }
        stmt.after_dot = tok.is_punct(".");
    }
    stmt.finish(sql, &mut out);
    out
}

/// Object kinds after `CREATE` that never have a compound body: once one is
/// seen, a column called `event` or `function` does not switch body
/// tracking on.
const PLAIN_CREATE: &[&str] = &[
    "TABLE",
    "INDEX",
    "VIEW",
    "UNIQUE",
    "SEQUENCE",
    "SCHEMA",
    "TYPE",
    "DATABASE",
    "EXTENSION",
    "ROLE",
    "USER",
    "DOMAIN",
    "MATERIALIZED",
    "VIRTUAL",
];

/// Words after `CREATE` (within the first few) that introduce a body.
const COMPOUND_OBJECTS: &[&str] = &["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"];

/// The statement being read.
#[derive(Default)]
struct Current {
    /// Byte offset and line of the first token.
    start: Option<(usize, usize)>,
    /// Byte offset just past the last token.
    end: usize,
    words: usize,
    first_word: Option<String>,
    plain_create: bool,
    /// Inside a CREATE TRIGGER/PROCEDURE/... : BEGIN/CASE/END nest.
    compound: bool,
    depth: usize,
    /// The previous word was END and this one closes its IF/LOOP/CASE/...
    after_end: bool,
    /// The previous token was `.`: the next word is a qualified name
    /// (`t.end`), never a keyword.
    after_dot: bool,
}

/// The word directly after `tok` (separated by whitespace only), upper-cased;
/// empty when something else follows.
fn next_word(sql: &str, tok: &Token<'_>, next: Option<&Token<'_>>) -> String {
    match next {
        Some(next)
            if next.kind == TokenKind::Word
                && sql[tok.end()..next.start]
                    .bytes()
                    .all(|b| b.is_ascii_whitespace()) =>
        {
            next.text.to_ascii_uppercase()
        }
        _ => String::new(),
    }
}

impl Current {
    /// Ends the statement (if it has a token) and starts the next one.
    fn finish(&mut self, sql: &str, out: &mut Vec<Statement>) {
        let stmt = std::mem::take(self);
        if let Some((start, line)) = stmt.start {
            out.push(Statement {
                sql: sql[start..stmt.end].to_string(),
                line,
            });
        }
    }

    /// An unqualified word; `next` gives the word after it.
    fn word(&mut self, text: &str, next: impl FnOnce() -> String) {
        let word = text.to_ascii_uppercase();
        self.words += 1;
        if self.words == 1 {
            self.first_word = Some(word.clone());
        }
        let is_create = self.first_word.as_deref() == Some("CREATE");
        if is_create && self.words <= 8 && !self.compound {
            if PLAIN_CREATE.contains(&word.as_str()) {
                self.plain_create = true;
            } else if !self.plain_create && COMPOUND_OBJECTS.contains(&word.as_str()) {
                self.compound = true;
            }
        }
        // MariaDB anonymous block: BEGIN NOT ATOMIC ... END
        if self.words == 2 && self.first_word.as_deref() == Some("BEGIN") && word == "NOT" {
            self.compound = true;
            self.depth = 1;
        }
        if !self.compound {
            return;
        }
        if std::mem::take(&mut self.after_end) {
            // The IF of END IF (...) or the CASE of END CASE: not an opener.
            return;
        }
        match word.as_str() {
            "BEGIN" | "CASE" => self.depth += 1,
            "END" => match next().as_str() {
                // END IF / END LOOP / ...: their openers are not counted.
                "IF" | "LOOP" | "WHILE" | "REPEAT" => self.after_end = true,
                "CASE" => {
                    self.after_end = true;
                    self.depth = self.depth.saturating_sub(1);
                }
                _ => self.depth = self.depth.saturating_sub(1),
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-z_]{1,6}",
            "[0-9]{1,3}",
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just(";".to_string()),
            Just("'".to_string()),
            Just("'a;b'".to_string()),
            Just("\"".to_string()),
            Just("`".to_string()),
            Just("\\".to_string()),
            Just("E'".to_string()),
            Just("$$".to_string()),
            Just("$t$".to_string()),
            Just("--".to_string()),
            Just("/*".to_string()),
            Just("*/".to_string()),
            Just(".".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("CREATE TRIGGER".to_string()),
            Just("BEGIN".to_string()),
            Just("CASE".to_string()),
            Just("END".to_string()),
            Just("IF".to_string()),
            Just("NOT".to_string()),
        ];
        prop::collection::vec(piece, 0..30).prop_map(|v| v.join(""))
    }

    /// The texts of the tokens that are neither comments nor `;`.
    fn content(sql: &str, lex: LexOptions) -> Vec<&str> {
        Lexer::new(sql, 1, lex)
            .filter(|t| !t.is_comment() && !t.is_punct(";"))
            .map(|t| t.text)
            .collect()
    }

    proptest! {
        /// Splitting loses, duplicates and reorders nothing but `;`s,
        /// comments and whitespace; each statement is a trimmed slice of
        /// the input, on the line it starts on.
        #[test]
        fn statements_are_the_content_in_order(sql in text(), backslash in any::<bool>()) {
            let options = SplitOptions { backslash_escapes: backslash };
            let lex = LexOptions {
                backslash_escapes: backslash,
                double_quoted_strings: backslash,
                brackets: Brackets::Punct,
            };
            let stmts = split_statements_with(&sql, 5, options);
            let joined: Vec<&str> = stmts.iter().flat_map(|s| content(&s.sql, lex)).collect();
            prop_assert_eq!(joined, content(&sql, lex));
            // Each statement starts at the first token after the previous
            // one that is neither a comment nor a `;`.
            let tokens: Vec<Token<'_>> = Lexer::new(&sql, 5, lex).collect();
            let mut at = 0;
            for s in &stmts {
                let first = tokens
                    .iter()
                    .find(|t| t.start >= at && !t.is_comment() && !t.is_punct(";"))
                    .expect("a statement starts at a token");
                prop_assert_eq!(&sql[first.start..first.start + s.sql.len()], s.sql.as_str());
                prop_assert_eq!(s.line, first.line);
                let toks: Vec<Token<'_>> = Lexer::new(&s.sql, 1, lex).collect();
                prop_assert_eq!(toks.last().map(|t| (t.end(), t.is_comment())), Some((s.sql.len(), false)));
                at = first.start + s.sql.len();
            }
        }
    }
}
