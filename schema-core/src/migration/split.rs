//! Splits a migration section into statements with a small SQL tokenizer.
//!
//! sqlparser's tokenizer was considered and not used: it rejects input it
//! cannot tokenize for the chosen dialect (the splitter must pass through
//! whatever the database accepts and let the database report errors), and it
//! has no notion of where a `CREATE TRIGGER ... BEGIN ... END` body ends, so
//! that tracking would be needed on top of it anyway. The tokenizer here only
//! needs to know where a `;` is *not* a statement end.

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
    let mut splitter = Splitter {
        text: sql,
        src: sql.as_bytes(),
        pos: 0,
        line: first_line,
        options,
        out: Vec::new(),
        stmt: Current::default(),
    };
    splitter.run();
    splitter.out
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
    /// Last significant byte, to tell `t.end` from `END`.
    prev: u8,
}

struct Splitter<'a> {
    text: &'a str,
    src: &'a [u8],
    pos: usize,
    line: usize,
    options: SplitOptions,
    out: Vec<Statement>,
    stmt: Current,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Splitter<'_> {
    fn peek(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    fn run(&mut self) {
        while let Some(b) = self.peek(0) {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'-' if self.peek(1) == Some(b'-') => {
                    while self.peek(0).is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    self.pos += 2;
                    self.skip_until(b"*/");
                }
                b'\'' | b'"' => {
                    self.begin_token();
                    self.skip_quoted(b, self.options.backslash_escapes);
                    self.end_token(b);
                }
                b'`' => {
                    self.begin_token();
                    self.skip_quoted(b, false);
                    self.end_token(b);
                }
                b'$' if self.dollar_tag_len().is_some() => {
                    let len = self.dollar_tag_len().expect("checked by the guard");
                    let tag = &self.src[self.pos..self.pos + len];
                    self.begin_token();
                    self.pos += len;
                    self.skip_until(tag);
                    self.end_token(b'$');
                }
                b';' => {
                    if self.stmt.depth == 0 {
                        self.finish();
                        self.pos += 1;
                    } else {
                        self.begin_token();
                        self.pos += 1;
                        self.end_token(b';');
                    }
                }
                b if is_word_start(b) => self.word(),
                b if b.is_ascii_digit() => {
                    self.begin_token();
                    while self.peek(0).is_some_and(|c| is_word_byte(c) || c == b'.') {
                        self.pos += 1;
                    }
                    self.end_token(b'0');
                }
                _ => {
                    self.begin_token();
                    self.pos += 1;
                    self.end_token(b);
                }
            }
        }
        self.finish();
    }

    fn begin_token(&mut self) {
        if self.stmt.start.is_none() {
            self.stmt.start = Some((self.pos, self.line));
        }
    }

    fn end_token(&mut self, kind: u8) {
        self.stmt.end = self.pos;
        self.stmt.prev = kind;
    }

    fn finish(&mut self) {
        let stmt = std::mem::take(&mut self.stmt);
        if let Some((start, line)) = stmt.start {
            self.out.push(Statement {
                sql: self.text[start..stmt.end].to_string(),
                line,
            });
        }
    }

    /// Advances past the next `closing` (or to the end), counting lines.
    fn skip_until(&mut self, closing: &[u8]) {
        while self.pos < self.src.len() {
            if self.src[self.pos..].starts_with(closing) {
                self.pos += closing.len();
                return;
            }
            if self.src[self.pos] == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
    }

    /// At an opening quote: advances past the closing one. A doubled quote
    /// is an escaped quote; with `backslash`, so is `\` + any byte.
    fn skip_quoted(&mut self, quote: u8, backslash: bool) {
        self.pos += 1;
        while let Some(c) = self.peek(0) {
            if c == b'\n' {
                self.line += 1;
            }
            if backslash && c == b'\\' {
                if self.peek(1) == Some(b'\n') {
                    self.line += 1;
                }
                self.pos = (self.pos + 2).min(self.src.len());
                continue;
            }
            self.pos += 1;
            if c == quote {
                if self.peek(0) == Some(quote) {
                    self.pos += 1;
                } else {
                    return;
                }
            }
        }
    }

    /// At `$`: the length of a dollar-quote opening tag (`$$`, `$tag$`), if
    /// this is one. `$1` (a parameter) and `a$b$` (an identifier) are not.
    fn dollar_tag_len(&self) -> Option<usize> {
        if self.pos > 0 && is_word_byte(self.src[self.pos - 1]) {
            return None;
        }
        let mut i = self.pos + 1;
        if self.src.get(i).is_some_and(|&b| is_word_start(b)) {
            while self
                .src
                .get(i)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
            {
                i += 1;
            }
        }
        (self.src.get(i) == Some(&b'$')).then(|| i + 1 - self.pos)
    }

    /// The word starting after the whitespace at `from` (empty if none).
    fn next_word(&self, from: usize) -> &str {
        let mut i = from;
        while self.src.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let start = i;
        while self.src.get(i).is_some_and(|&b| is_word_byte(b)) {
            i += 1;
        }
        &self.text[start..i]
    }

    fn word(&mut self) {
        self.begin_token();
        let start = self.pos;
        while self.peek(0).is_some_and(is_word_byte) {
            self.pos += 1;
        }
        let word = self.text[start..self.pos].to_ascii_uppercase();
        // PostgreSQL escape string E'...': backslash escapes always apply.
        if word == "E" && self.peek(0) == Some(b'\'') {
            self.skip_quoted(b'\'', true);
            self.end_token(b'\'');
            return;
        }
        let qualified = self.stmt.prev == b'.';
        self.end_token(b'a');
        if qualified {
            return;
        }
        let stmt = &mut self.stmt;
        stmt.words += 1;
        if stmt.words == 1 {
            stmt.first_word = Some(word.clone());
        }
        let is_create = stmt.first_word.as_deref() == Some("CREATE");
        if is_create && stmt.words <= 8 && !stmt.compound {
            if PLAIN_CREATE.contains(&word.as_str()) {
                stmt.plain_create = true;
            } else if !stmt.plain_create && COMPOUND_OBJECTS.contains(&word.as_str()) {
                stmt.compound = true;
            }
        }
        // MariaDB anonymous block: BEGIN NOT ATOMIC ... END
        if stmt.words == 2 && stmt.first_word.as_deref() == Some("BEGIN") && word == "NOT" {
            stmt.compound = true;
            stmt.depth = 1;
        }
        if !stmt.compound {
            return;
        }
        if std::mem::take(&mut stmt.after_end) {
            // The IF of END IF (...) or the CASE of END CASE: not an opener.
            return;
        }
        match word.as_str() {
            "BEGIN" | "CASE" => stmt.depth += 1,
            "END" => {
                let next = self.next_word(self.pos).to_ascii_uppercase();
                let stmt = &mut self.stmt;
                match next.as_str() {
                    // END IF / END LOOP / ...: their openers are not counted.
                    "IF" | "LOOP" | "WHILE" | "REPEAT" => stmt.after_end = true,
                    "CASE" => {
                        stmt.after_end = true;
                        stmt.depth = stmt.depth.saturating_sub(1);
                    }
                    _ => stmt.depth = stmt.depth.saturating_sub(1),
                }
            }
            _ => {}
        }
    }
}
