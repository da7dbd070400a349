//! The SQL lexer: a byte-level scanner that never fails.
//!
//! Unterminated quotes and comments run to the end of the text, so whatever
//! the database would accept passes through and whatever it would reject is
//! left for it to report. Every token keeps its text, byte offset and line.

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An unquoted keyword or identifier: starts with a letter, `_` or a
    /// non-ASCII character, continues with those, digits and `$`
    /// (`SELECT`, `users`, `a$b`, `naïve`).
    Word,
    /// A quoted identifier: `"name"` (unless [`LexOptions::double_quoted_strings`]),
    /// `` `name` `` or `[name]` (see [`Brackets`]).
    QuotedIdent,
    /// A string literal `'…'`, and `"…"` under [`LexOptions::double_quoted_strings`].
    String,
    /// A PostgreSQL escape string `E'…'`, where backslash escapes always apply.
    EscapeString,
    /// A PostgreSQL dollar-quoted string: `$$…$$`, `$tag$…$tag$`.
    DollarString,
    /// A number as written: a digit, or `.` and a digit, followed by
    /// digits, letters, `_`, `$` and `.` (`42`, `1.5`, `.5`, `1e3`, `0x1F`;
    /// the sign of `1e-3` is a separate [`Punct`](TokenKind::Punct)).
    Number,
    /// An operator or punctuation: one byte, or one of `::`, `<=`, `>=`,
    /// `<>`, `!=`, `||`.
    Punct,
    /// `-- …` up to, not including, the end of the line.
    LineComment,
    /// `/* … */` (not nested).
    BlockComment,
}

/// How `[` is read. SQLite quotes identifiers in brackets; PostgreSQL uses
/// them for arrays and subscripts; MySQL only as punctuation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Brackets {
    /// `[` and `]` are punctuation.
    #[default]
    Punct,
    /// `[…]` is a quoted identifier (SQLite).
    Ident,
    /// `[…]` is a quoted identifier unless the `[` opens an array literal,
    /// a subscript or an array type's `[]`: it follows `ARRAY`, directly
    /// follows a name, `)`, `]` or `"`, or is immediately closed. For text
    /// that may come from any dialect.
    IdentUnlessSubscript,
}

/// Dialect switches of the [`Lexer`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LexOptions {
    /// `\` escapes the next byte inside string literals (MySQL/MariaDB's
    /// default, off under `NO_BACKSLASH_ESCAPES`). `E'…'` strings always
    /// honour backslashes; quoted identifiers never do.
    pub backslash_escapes: bool,
    /// `"…"` is a string literal rather than an identifier (MySQL without
    /// `ANSI_QUOTES`).
    pub double_quoted_strings: bool,
    /// How `[` is read.
    pub brackets: Brackets,
}

impl LexOptions {
    /// SQLite: `"…"`, `` `…` `` and `[…]` identifiers, no backslash escapes.
    pub const SQLITE: LexOptions = LexOptions {
        backslash_escapes: false,
        double_quoted_strings: false,
        brackets: Brackets::Ident,
    };
}

/// One token of SQL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token<'a> {
    /// What it is.
    pub kind: TokenKind,
    /// The token as written, quotes and comment markers included.
    pub text: &'a str,
    /// Byte offset of the token in the lexed text.
    pub start: usize,
    /// Line the token starts on, counted from the lexer's first line.
    pub line: usize,
}

impl<'a> Token<'a> {
    /// Byte offset just past the token.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Whether this is a `--` or `/* */` comment.
    pub fn is_comment(&self) -> bool {
        matches!(self.kind, TokenKind::LineComment | TokenKind::BlockComment)
    }

    /// Whether this is the unquoted word `word`, in any case.
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// Whether this is the punctuation `punct`.
    pub fn is_punct(&self, punct: &str) -> bool {
        self.kind == TokenKind::Punct && self.text == punct
    }

    /// What a quoted token stands for: quotes removed and escapes undone
    /// (doubled quotes; backslash escapes in [`String`](TokenKind::String)s
    /// when `backslash_escapes`, always in
    /// [`EscapeString`](TokenKind::EscapeString)s, where `\x` stands for
    /// `x`). An unterminated token runs to the end. Other tokens are
    /// returned as written.
    pub fn value(&self, backslash_escapes: bool) -> String {
        match self.kind {
            TokenKind::String => quoted_value(self.text, backslash_escapes),
            TokenKind::EscapeString => quoted_value(&self.text[1..], true),
            TokenKind::QuotedIdent if self.text.starts_with('[') => {
                let inner = &self.text[1..];
                inner.strip_suffix(']').unwrap_or(inner).to_string()
            }
            TokenKind::QuotedIdent => quoted_value(self.text, false),
            TokenKind::DollarString => {
                // `$tag$` is the text up to and including the second `$`.
                let tag_len = self.text[1..].find('$').map_or(self.text.len(), |i| i + 2);
                let (tag, body) = self.text.split_at(tag_len);
                match body.strip_suffix(tag) {
                    Some(inner) => inner.to_string(),
                    None => body.to_string(),
                }
            }
            _ => self.text.to_string(),
        }
    }
}

/// The content of `text`, which starts with its quote character.
fn quoted_value(text: &str, backslash_escapes: bool) -> String {
    let mut chars = text.chars();
    let Some(quote) = chars.next() else {
        return String::new();
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = chars.peekable();
    while let Some(c) = chars.next() {
        if c == quote {
            if chars.peek() == Some(&quote) {
                chars.next();
                out.push(quote);
                continue;
            }
            break;
        }
        if backslash_escapes && c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// All tokens of `sql`, comments included, with lines counted from 1.
pub fn tokenize(sql: &str, options: LexOptions) -> Vec<Token<'_>> {
    Lexer::new(sql, 1, options).collect()
}

/// An iterator over the [`Token`]s of SQL text; whitespace is skipped.
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    text: &'a str,
    src: &'a [u8],
    pos: usize,
    line: usize,
    options: LexOptions,
    /// The last token that is not a comment (decides what `[` is).
    prev: Option<Token<'a>>,
}

/// ASCII whitespace as SQL databases read it (space, tab, line feed,
/// vertical tab, form feed, carriage return).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

const TWO_BYTE_PUNCT: &[&[u8; 2]] = &[b"::", b"<=", b">=", b"<>", b"!=", b"||"];

impl<'a> Lexer<'a> {
    /// Lexes `text`, whose first line is line `first_line`.
    pub fn new(text: &'a str, first_line: usize, options: LexOptions) -> Lexer<'a> {
        Lexer {
            text,
            src: text.as_bytes(),
            pos: 0,
            line: first_line,
            options,
            prev: None,
        }
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    /// Advances past the next `closing` (or to the end).
    fn skip_until(&mut self, closing: &[u8]) {
        while self.pos < self.src.len() {
            if self.src[self.pos..].starts_with(closing) {
                self.pos += closing.len();
                return;
            }
            self.pos += 1;
        }
    }

    /// At an opening quote: advances past the closing one. A doubled quote
    /// is an escaped quote; with `backslash`, so is `\` + any byte.
    fn skip_quoted(&mut self, quote: u8, backslash: bool) {
        self.pos += 1;
        while let Some(c) = self.peek(0) {
            if backslash && c == b'\\' {
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

    /// At `[`: whether it opens a quoted identifier.
    fn bracket_quotes(&self) -> bool {
        match self.options.brackets {
            Brackets::Punct => false,
            Brackets::Ident => true,
            Brackets::IdentUnlessSubscript => {
                let after_array = self.prev.is_some_and(|t| match t.kind {
                    TokenKind::Word => t.text.eq_ignore_ascii_case("array"),
                    TokenKind::QuotedIdent => t.value(false).eq_ignore_ascii_case("array"),
                    _ => false,
                });
                let adjacent = self.text[..self.pos]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']' | '"'));
                !(after_array || adjacent || self.peek(1) == Some(b']'))
            }
        }
    }

    /// Scans the token at `self.pos` (not whitespace) and returns its kind.
    fn scan(&mut self) -> TokenKind {
        let b = self.src[self.pos];
        match b {
            b'-' if self.peek(1) == Some(b'-') => {
                while self.peek(0).is_some_and(|c| c != b'\n') {
                    self.pos += 1;
                }
                TokenKind::LineComment
            }
            b'/' if self.peek(1) == Some(b'*') => {
                self.pos += 2;
                self.skip_until(b"*/");
                TokenKind::BlockComment
            }
            b'\'' => {
                self.skip_quoted(b, self.options.backslash_escapes);
                TokenKind::String
            }
            b'"' if self.options.double_quoted_strings => {
                self.skip_quoted(b, self.options.backslash_escapes);
                TokenKind::String
            }
            b'"' | b'`' => {
                self.skip_quoted(b, false);
                TokenKind::QuotedIdent
            }
            b'[' if self.bracket_quotes() => {
                self.skip_until(b"]");
                TokenKind::QuotedIdent
            }
            b'$' if self.dollar_tag_len().is_some() => {
                let len = self.dollar_tag_len().expect("checked by the guard");
                let tag = &self.src[self.pos..self.pos + len];
                self.pos += len;
                self.skip_until(tag);
                TokenKind::DollarString
            }
            b'0'..=b'9' | b'.' if b != b'.' || self.peek(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.pos += 1;
                while self.peek(0).is_some_and(|c| is_word_byte(c) || c == b'.') {
                    self.pos += 1;
                }
                TokenKind::Number
            }
            b if is_word_start(b) => {
                let start = self.pos;
                while self.peek(0).is_some_and(is_word_byte) {
                    self.pos += 1;
                }
                let escape_prefix = self.pos - start == 1 && matches!(b, b'E' | b'e');
                if escape_prefix && self.peek(0) == Some(b'\'') {
                    self.skip_quoted(b'\'', true);
                    return TokenKind::EscapeString;
                }
                TokenKind::Word
            }
            _ => {
                let two = self.src.get(self.pos..self.pos + 2);
                let len = match two {
                    Some(two) if TWO_BYTE_PUNCT.iter().any(|p| p[..] == *two) => 2,
                    _ => 1,
                };
                self.pos += len;
                TokenKind::Punct
            }
        }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        while let Some(b) = self.peek(0).filter(|&b| is_space(b)) {
            if b == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
        if self.pos >= self.src.len() {
            return None;
        }
        let start = self.pos;
        let kind = self.scan();
        // Every token ends before an ASCII byte or at the end of the text,
        // so `start..pos` is on character boundaries.
        let text = &self.text[start..self.pos];
        let token = Token {
            kind,
            text,
            start,
            line: self.line,
        };
        self.line += text.bytes().filter(|&b| b == b'\n').count();
        if !token.is_comment() {
            self.prev = Some(token);
        }
        Some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use TokenKind::*;

    fn kinds(sql: &str, options: LexOptions) -> Vec<(TokenKind, &str)> {
        tokenize(sql, options)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    fn std_kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        kinds(sql, LexOptions::default())
    }

    #[test]
    fn every_token_kind() {
        let sql = "SELECT x1, \"q\" FROM `t` WHERE a = 'it''s' AND b <> E'\\n' \
                   AND c = $$d;$$ AND 1.5e3 > .5 -- done\n/* block */";
        assert_eq!(
            std_kinds(sql),
            [
                (Word, "SELECT"),
                (Word, "x1"),
                (Punct, ","),
                (QuotedIdent, "\"q\""),
                (Word, "FROM"),
                (QuotedIdent, "`t`"),
                (Word, "WHERE"),
                (Word, "a"),
                (Punct, "="),
                (String, "'it''s'"),
                (Word, "AND"),
                (Word, "b"),
                (Punct, "<>"),
                (EscapeString, "E'\\n'"),
                (Word, "AND"),
                (Word, "c"),
                (Punct, "="),
                (DollarString, "$$d;$$"),
                (Word, "AND"),
                (Number, "1.5e3"),
                (Punct, ">"),
                (Number, ".5"),
                (LineComment, "-- done"),
                (BlockComment, "/* block */"),
            ]
        );
    }

    #[test]
    fn spans_and_lines() {
        let sql = "a\n  'x\ny' b\r\n/* c\n */ d";
        let toks = Lexer::new(sql, 10, LexOptions::default()).collect::<Vec<_>>();
        let got: Vec<(&str, usize, usize, usize)> = toks
            .iter()
            .map(|t| (t.text, t.start, t.end(), t.line))
            .collect();
        assert_eq!(
            got,
            [
                ("a", 0, 1, 10),
                ("'x\ny'", 4, 9, 11),
                ("b", 10, 11, 12),
                ("/* c\n */", 13, 21, 13),
                ("d", 22, 23, 14),
            ]
        );
        for t in &toks {
            assert_eq!(&sql[t.start..t.end()], t.text);
        }
    }

    #[test]
    fn punctuation_one_or_two_bytes() {
        assert_eq!(
            std_kinds("a::b<=c>=d<>e!=f||g;(h)-i/j.k"),
            [
                (Word, "a"),
                (Punct, "::"),
                (Word, "b"),
                (Punct, "<="),
                (Word, "c"),
                (Punct, ">="),
                (Word, "d"),
                (Punct, "<>"),
                (Word, "e"),
                (Punct, "!="),
                (Word, "f"),
                (Punct, "||"),
                (Word, "g"),
                (Punct, ";"),
                (Punct, "("),
                (Word, "h"),
                (Punct, ")"),
                (Punct, "-"),
                (Word, "i"),
                (Punct, "/"),
                (Word, "j"),
                (Punct, "."),
                (Word, "k"),
            ]
        );
    }

    #[test]
    fn words_and_numbers() {
        assert_eq!(
            std_kinds("_a$b naïve 0x1F 1e-3 1_000 t.col"),
            [
                (Word, "_a$b"),
                (Word, "naïve"),
                (Number, "0x1F"),
                (Number, "1e"),
                (Punct, "-"),
                (Number, "3"),
                (Number, "1_000"),
                (Word, "t"),
                (Punct, "."),
                (Word, "col"),
            ]
        );
    }

    #[test]
    fn single_quoted_strings_and_backslashes() {
        let sql = r"'a\'b' 'c'";
        // Standard SQL: `'a\'` is a complete string holding a backslash.
        assert_eq!(
            std_kinds(sql),
            [
                (String, r"'a\'"),
                (Word, "b"),
                (String, "' '"),
                (Word, "c"),
                (String, "'")
            ]
        );
        let mysql = LexOptions {
            backslash_escapes: true,
            ..LexOptions::default()
        };
        let toks = tokenize(sql, mysql);
        assert_eq!(toks[0].text, r"'a\'b'");
        assert_eq!(toks[0].value(true), "a'b");
        assert_eq!(tokenize("'it''s'", mysql)[0].value(true), "it's");
        // E'' strings honour backslashes whatever the options say.
        let e = tokenize(r"e'x\'y' z", LexOptions::default());
        assert_eq!((e[0].kind, e[0].text), (EscapeString, r"e'x\'y'"));
        assert_eq!(e[0].value(false), "x'y");
        assert_eq!(e[1].text, "z");
    }

    #[test]
    fn double_quotes_are_identifiers_or_strings() {
        let toks = tokenize(r#""we""ird" "a\"b""#, LexOptions::default());
        assert_eq!(
            (toks[0].kind, toks[0].value(false).as_str()),
            (QuotedIdent, "we\"ird")
        );
        assert_eq!(toks[1].text, r#""a\""#);
        let mysql = LexOptions {
            backslash_escapes: true,
            double_quoted_strings: true,
            ..LexOptions::default()
        };
        let toks = tokenize(r#""a\"b" `c``d`"#, mysql);
        assert_eq!(
            (toks[0].kind, toks[0].value(true).as_str()),
            (String, "a\"b")
        );
        assert_eq!(
            (toks[1].kind, toks[1].value(true).as_str()),
            (QuotedIdent, "c`d")
        );
    }

    #[test]
    fn brackets_per_mode() {
        let sql = "[my col] a[1] ARRAY[2] x [] ";
        assert_eq!(
            std_kinds(sql)[..3],
            [(Punct, "["), (Word, "my"), (Word, "col")]
        );
        let sqlite = tokenize(sql, LexOptions::SQLITE);
        assert_eq!(
            (sqlite[0].kind, sqlite[0].value(false).as_str()),
            (QuotedIdent, "my col")
        );
        assert_eq!(sqlite[2].text, "[1]");
        let mixed = LexOptions {
            brackets: Brackets::IdentUnlessSubscript,
            ..LexOptions::default()
        };
        assert_eq!(
            kinds(sql, mixed),
            [
                (QuotedIdent, "[my col]"),
                (Word, "a"),
                (Punct, "["),
                (Number, "1"),
                (Punct, "]"),
                (Word, "ARRAY"),
                (Punct, "["),
                (Number, "2"),
                (Punct, "]"),
                (Word, "x"),
                (Punct, "["),
                (Punct, "]"),
            ]
        );
        // An unterminated bracket runs to the end.
        assert_eq!(kinds("[a b", LexOptions::SQLITE), [(QuotedIdent, "[a b")]);
    }

    #[test]
    fn dollar_quotes() {
        let toks = tokenize("$$a$b$$ $q$ $$ ; $q$ $1 a$b$c $x", LexOptions::default());
        let got: Vec<(TokenKind, &str)> = toks.iter().map(|t| (t.kind, t.text)).collect();
        assert_eq!(
            got,
            [
                (DollarString, "$$a$b$$"),
                (DollarString, "$q$ $$ ; $q$"),
                (Punct, "$"),
                (Number, "1"),
                (Word, "a$b$c"),
                (Punct, "$"),
                (Word, "x"),
            ]
        );
        assert_eq!(toks[0].value(false), "a$b");
        assert_eq!(toks[1].value(false), " $$ ; ");
        assert_eq!(
            tokenize("$t$ open", LexOptions::default())[0].value(false),
            " open"
        );
    }

    #[test]
    fn comments() {
        assert_eq!(
            std_kinds("a -- x /* y\nb /* -- \n */ c /* open"),
            [
                (Word, "a"),
                (LineComment, "-- x /* y"),
                (Word, "b"),
                (BlockComment, "/* -- \n */"),
                (Word, "c"),
                (BlockComment, "/* open"),
            ]
        );
    }

    #[test]
    fn unterminated_quotes_run_to_the_end() {
        for sql in ["'abc", "\"abc", "`abc", "E'a\\'", "$$ x"] {
            let toks = tokenize(sql, LexOptions::default());
            assert_eq!(toks.len(), 1, "{sql}");
            assert_eq!(toks[0].text, sql);
        }
        assert_eq!(
            tokenize("'ab''", LexOptions::default())[0].value(false),
            "ab'"
        );
    }

    #[test]
    fn token_helpers() {
        let toks = tokenize("check ( -- c\n", LexOptions::default());
        assert!(toks[0].is_word("CHECK"));
        assert!(!toks[1].is_word("("));
        assert!(toks[1].is_punct("("));
        assert!(toks[2].is_comment());
        assert_eq!(toks[0].value(true), "check");
    }

    fn sql_text() -> impl Strategy<Value = std::string::String> {
        prop::collection::vec(
            prop_oneof![
                "[a-zA-Z_0-9 ]{1,5}",
                Just("'".to_string()),
                Just("\"".to_string()),
                Just("`".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just("$".to_string()),
                Just("$t$".to_string()),
                Just("--".to_string()),
                Just("/*".to_string()),
                Just("*/".to_string()),
                Just("\\".to_string()),
                Just("\n".to_string()),
                Just("\r\n".to_string()),
                Just("é".to_string()),
                Just(";".to_string()),
                Just(".".to_string()),
                Just("::".to_string()),
                Just("<>".to_string()),
                Just("()".to_string()),
            ],
            0..24,
        )
        .prop_map(|v| v.concat())
    }

    fn any_options() -> impl Strategy<Value = LexOptions> {
        (
            any::<bool>(),
            any::<bool>(),
            prop_oneof![
                Just(Brackets::Punct),
                Just(Brackets::Ident),
                Just(Brackets::IdentUnlessSubscript)
            ],
        )
            .prop_map(|(b, d, brackets)| LexOptions {
                backslash_escapes: b,
                double_quoted_strings: d,
                brackets,
            })
    }

    proptest! {
        /// Tokens are in order, do not overlap, and only whitespace lies
        /// between them; each token's line is 1 + the line breaks before it.
        #[test]
        fn tokens_cover_the_text(sql in sql_text(), options in any_options()) {
            let mut at = 0;
            for t in Lexer::new(&sql, 1, options) {
                prop_assert!(!t.text.is_empty());
                prop_assert!(sql[at..t.start].bytes().all(is_space), "gap {:?}", &sql[at..t.start]);
                prop_assert_eq!(&sql[t.start..t.end()], t.text);
                prop_assert_eq!(t.line, 1 + sql[..t.start].matches('\n').count());
                at = t.end();
            }
            prop_assert!(sql[at..].bytes().all(is_space));
        }
    }
}
