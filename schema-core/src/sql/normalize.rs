//! Normalised forms of default and check expressions, so that what a model
//! says and what each database reports back for it compare equal.
//!
//! Expressions are lexed with [`Lexer`] in a mode that reads every
//! dialect's spelling at once (`"a"`, `` `a` `` and `[a]` identifiers, MySQL
//! backslash escapes in strings, PostgreSQL array subscripts), then
//! rewritten token by token.

use crate::model::LogicalType;

use super::lexer::{Brackets, LexOptions, Lexer, TokenKind};

/// How expressions are lexed: text reported by any of the dialects.
pub(crate) const EXPRESSION: LexOptions = LexOptions {
    // MySQL/MariaDB report backslash escapes; the other dialects never
    // produce a backslash before a quote in a default or a check.
    backslash_escapes: true,
    double_quoted_strings: false,
    brackets: Brackets::IdentUnlessSubscript,
};

/// Whether `sql` is a literal SQLite/MySQL accept after `DEFAULT` without
/// parentheses: a number, a string, `NULL`, `TRUE`/`FALSE`, `CURRENT_*`.
pub(crate) fn is_default_literal(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    let unsigned = upper.strip_prefix(['-', '+']).unwrap_or(&upper);
    unsigned.parse::<f64>().is_ok() && !unsigned.contains(['I', 'N'])
        || (sql.starts_with('\'')
            && sql.ends_with('\'')
            && sql.len() >= 2
            && !sql[1..sql.len() - 1].replace("''", "").contains('\''))
        || matches!(
            upper.as_str(),
            "NULL" | "TRUE" | "FALSE" | "CURRENT_DATE" | "CURRENT_TIME"
        )
        || is_current_timestamp(sql)
}

/// `CURRENT_TIMESTAMP`, `CURRENT_TIMESTAMP(6)` (any case).
pub(crate) fn is_current_timestamp(sql: &str) -> bool {
    let upper = sql.trim().to_ascii_uppercase();
    match upper.strip_prefix("CURRENT_TIMESTAMP") {
        Some("") => true,
        Some(rest) => {
            rest.starts_with('(')
                && rest.ends_with(')')
                && rest[1..rest.len() - 1].chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether `sql` is one parenthesised expression: `(a + b)` but not `(a) + (b)`.
pub(crate) fn is_wrapped(sql: &str) -> bool {
    let sql = sql.trim();
    if !(sql.starts_with('(') && sql.ends_with(')')) {
        return false;
    }
    let mut depth = 0i32;
    for t in Lexer::new(sql, 1, LexOptions::default()) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 && t.end() != sql.len() {
                return false;
            }
        }
    }
    depth == 0
}

/// A lexical token of a SQL expression, for normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// Identifier or keyword, lower-cased (quoted identifiers unquoted).
    Word(String),
    /// A string literal, content unescaped.
    Str(String),
    /// A number as written.
    Num(String),
    /// Punctuation or operator.
    Punct(String),
}

/// The tokens of an expression, comments dropped and quotes undone.
fn tokenize(sql: &str) -> Vec<Tok> {
    Lexer::new(sql, 1, EXPRESSION)
        .filter_map(|t| {
            Some(match t.kind {
                TokenKind::Word => Tok::Word(t.text.to_lowercase()),
                TokenKind::QuotedIdent => Tok::Word(t.value(false).to_lowercase()),
                TokenKind::String | TokenKind::EscapeString | TokenKind::DollarString => {
                    Tok::Str(t.value(EXPRESSION.backslash_escapes))
                }
                TokenKind::Number => Tok::Num(t.text.to_string()),
                TokenKind::Punct => Tok::Punct(t.text.to_string()),
                TokenKind::LineComment | TokenKind::BlockComment => return None,
            })
        })
        .collect()
}

/// Drops PostgreSQL casts (`::text`, `::character varying`, `::timestamp
/// without time zone`, `::numeric(10,2)`, `::text[]`).
fn strip_casts(toks: Vec<Tok>) -> Vec<Tok> {
    const TYPE_WORDS: &[&str] = &["varying", "precision", "without", "with", "time", "zone"];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == Tok::Punct("::".into()) {
            i += 1;
            // The type name: one word, then multi-word continuations.
            if matches!(toks.get(i), Some(Tok::Word(_))) {
                i += 1;
            }
            while let Some(Tok::Word(w)) = toks.get(i) {
                if TYPE_WORDS.contains(&w.as_str()) {
                    i += 1;
                } else {
                    break;
                }
            }
            if toks.get(i) == Some(&Tok::Punct("(".into())) {
                while i < toks.len() && toks[i] != Tok::Punct(")".into()) {
                    i += 1;
                }
                i += 1;
            }
            while toks.get(i) == Some(&Tok::Punct("[".into()))
                && toks.get(i + 1) == Some(&Tok::Punct("]".into()))
            {
                i += 2;
            }
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// Drops MySQL character-set introducers: `_utf8mb4'x'` → `'x'`.
fn strip_introducers(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for t in toks {
        if let (Tok::Str(_), Some(Tok::Word(w))) = (&t, out.last()) {
            if w.starts_with('_') {
                out.pop();
            }
        }
        out.push(t);
    }
    out
}

/// Removes parentheses around a single token and around the whole
/// expression, repeatedly.
fn strip_redundant_parens(mut toks: Vec<Tok>) -> Vec<Tok> {
    let open = Tok::Punct("(".into());
    let close = Tok::Punct(")".into());
    loop {
        let before = toks.len();
        // `( x )` where x is one token and the `(` is not a call's.
        let mut i = 0;
        while i + 2 < toks.len() {
            let is_call = i > 0 && matches!(toks[i - 1], Tok::Word(_));
            if toks[i] == open
                && toks[i + 2] == close
                && toks[i + 1] != open
                && toks[i + 1] != close
                && !is_call
            {
                toks.remove(i + 2);
                toks.remove(i);
            } else {
                i += 1;
            }
        }
        // Operands of AND/OR, and arithmetic operands of comparisons, whose
        // parentheses cannot change the meaning (PostgreSQL adds them).
        if let Some((i, j)) = removable_group(&toks) {
            toks.remove(j);
            toks.remove(i);
        }
        // Outer parentheses around everything.
        if toks.len() >= 2 && toks[0] == open && toks[toks.len() - 1] == close {
            let mut depth = 0;
            let mut wraps = true;
            for (j, t) in toks.iter().enumerate() {
                if *t == open {
                    depth += 1;
                } else if *t == close {
                    depth -= 1;
                    if depth == 0 && j != toks.len() - 1 {
                        wraps = false;
                        break;
                    }
                }
            }
            if wraps {
                toks.remove(toks.len() - 1);
                toks.remove(0);
            }
        }
        if toks.len() == before {
            return toks;
        }
    }
}

/// The first parenthesised group `(i..=j)` whose parentheses are
/// redundant by operator precedence.
fn removable_group(toks: &[Tok]) -> Option<(usize, usize)> {
    const CMP: &[&str] = &["=", "<", ">", "<=", ">=", "<>", "!="];
    let is_word = |t: Option<&Tok>, words: &[&str]| matches!(t, Some(Tok::Word(w)) if words.contains(&w.as_str()));
    let is_cmp = |t: Option<&Tok>| matches!(t, Some(Tok::Punct(p)) if CMP.contains(&p.as_str()));
    // A group directly inside another `(..)` is bounded as much as one
    // at either end of the whole expression.
    let boundary = |t: Option<&Tok>| t.is_none() || is_word(t, &["and", "or"]);
    let open_boundary = |t: Option<&Tok>| boundary(t) || t == Some(&Tok::Punct("(".into()));
    let close_boundary = |t: Option<&Tok>| boundary(t) || t == Some(&Tok::Punct(")".into()));
    for i in 0..toks.len() {
        if toks[i] != Tok::Punct("(".into()) {
            continue;
        }
        // Find the matching `)` and what sits at depth 1 inside.
        let (mut depth, mut j) = (0, i);
        let (mut has_bool, mut has_cmp, mut has_and, mut has_or) = (false, false, false, false);
        // The loosest binary operator at depth 1 (`None`: there is none).
        let mut loosest: Option<u8> = None;
        for (k, t) in toks.iter().enumerate().skip(i) {
            if depth == 1 && k > i && is_binary(toks, k) {
                let p = precedence(t);
                loosest = Some(loosest.map_or(p, |l| l.min(p)));
            }
            match t {
                Tok::Punct(p) if p == "(" => depth += 1,
                Tok::Punct(p) if p == ")" => {
                    depth -= 1;
                    if depth == 0 {
                        j = k;
                        break;
                    }
                }
                Tok::Word(w)
                    if depth == 1
                        && matches!(
                            w.as_str(),
                            "and" | "or" | "not" | "between" | "like" | "in" | "is"
                        ) =>
                {
                    has_bool = true;
                    has_and |= w == "and";
                    has_or |= w == "or";
                }
                t if depth == 1 && is_cmp(Some(t)) => has_cmp = true,
                _ => {}
            }
        }
        if j == i {
            return None;
        }
        let prev = if i == 0 { None } else { toks.get(i - 1) };
        let next = toks.get(j + 1);
        // An operand of AND/OR (or the whole expression) may itself be a
        // comparison, `IS NULL`, `LIKE`, `IN`, `BETWEEN` or `NOT ...`: all
        // bind tighter than AND and OR (PostgreSQL prints `(a IS NULL) AND
        // (b > 0)`). A group of ANDs among ANDs (or ORs among ORs) goes
        // too: both are associative, and PostgreSQL prints such chains
        // flat. A mix is kept: there the parentheses decide.
        let among = |word: &str| {
            let is = |t: Option<&Tok>| is_word(t, &[word]);
            (open_boundary(prev) && !is_word(prev, &["and", "or"]) || is(prev))
                && (close_boundary(next) && !is_word(next, &["and", "or"]) || is(next))
        };
        let boolean_operand = match (has_and, has_or) {
            (false, false) => open_boundary(prev) && close_boundary(next),
            (true, false) => among("and"),
            (false, true) => among("or"),
            (true, true) => false,
        };
        let arithmetic_operand = !has_bool
            && !has_cmp
            && (open_boundary(prev) || is_cmp(prev))
            && (close_boundary(next) || is_cmp(next));
        // An arithmetic group that binds at least as tightly as the
        // operator after it and more tightly than the one before:
        // PostgreSQL prints `a * b * 2` as `((a * b) * 2)`, grouping to the
        // left.
        let inner = loosest.unwrap_or(u8::MAX);
        let comma = Some(&Tok::Punct(",".into()));
        let before_ok = open_boundary(prev)
            || is_cmp(prev)
            || prev == comma
            || (i > 0 && is_binary(toks, i - 1) && precedence(&toks[i - 1]) < inner);
        let after_ok = close_boundary(next)
            || is_cmp(next)
            || next == comma
            || (is_binary(toks, j + 1) && precedence(&toks[j + 1]) <= inner);
        let by_precedence = !has_bool && !has_cmp && before_ok && after_ok;
        if boolean_operand || arithmetic_operand || by_precedence {
            return Some((i, j));
        }
    }
    None
}

/// Whether `toks[k]` is an arithmetic operator used between two operands
/// (not a sign): one follows a value, a `)` or a name.
fn is_binary(toks: &[Tok], k: usize) -> bool {
    const OPS: &[&str] = &["+", "-", "*", "/", "%", "||"];
    let op = matches!(toks.get(k), Some(Tok::Punct(p)) if OPS.contains(&p.as_str()));
    let after_operand = k > 0
        && match &toks[k - 1] {
            Tok::Punct(p) => p == ")",
            Tok::Word(w) => !matches!(w.as_str(), "and" | "or" | "not"),
            _ => true,
        };
    op && after_operand
}

/// How tightly a binary arithmetic operator binds: `*` `/` `%` over `+`
/// `-` over `||` (which PostgreSQL ranks with its other operators).
fn precedence(t: &Tok) -> u8 {
    match t {
        Tok::Punct(p) if matches!(p.as_str(), "*" | "/" | "%") => 3,
        Tok::Punct(p) if matches!(p.as_str(), "+" | "-") => 2,
        _ => 1,
    }
}

fn join_tokens(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Word(w) => w.clone(),
            Tok::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Tok::Num(n) => n.clone(),
            Tok::Punct(p) => p.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Canonical spelling of a number: `1.50` → `1.5`, `007` → `7`.
fn canonical_number(n: &str) -> String {
    match n.parse::<f64>() {
        Ok(f) if f.is_finite() => {
            if f == f.trunc() && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                format!("{f}")
            }
        }
        _ => n.to_ascii_lowercase(),
    }
}

/// Normalised form of a default expression for a column whose canonical
/// type is `ty`.
pub fn normalize_default_sql(sql: &str, ty: &LogicalType) -> String {
    let toks = strip_redundant_parens(strip_casts(strip_introducers(tokenize(sql))));
    // Current-timestamp spellings.
    let words: Vec<&str> = toks
        .iter()
        .filter_map(|t| match t {
            Tok::Word(w) => Some(w.as_str()),
            Tok::Punct(p) if p == "(" || p == ")" => Some(""),
            _ => None,
        })
        .collect();
    let only_parens_and_digits = toks.iter().all(|t| {
        matches!(t, Tok::Word(_) | Tok::Num(_))
            || *t == Tok::Punct("(".into())
            || *t == Tok::Punct(")".into())
    });
    if only_parens_and_digits
        && matches!(
            words.first().copied(),
            Some("now" | "current_timestamp" | "localtimestamp" | "transaction_timestamp")
        )
        && words.iter().skip(1).all(|w| w.is_empty())
    {
        return "current_timestamp".to_string();
    }
    // Single-literal defaults.
    let negated = |toks: &[Tok]| -> Option<String> {
        match toks {
            [Tok::Num(n)] => Some(canonical_number(n)),
            [Tok::Punct(m), Tok::Num(n)] if m == "-" => Some(canonical_number(&format!("-{n}"))),
            [Tok::Punct(p), Tok::Num(n)] if p == "+" => Some(canonical_number(n)),
            _ => None,
        }
    };
    let is_numeric = matches!(
        ty,
        LogicalType::Boolean
            | LogicalType::SmallInt
            | LogicalType::Integer
            | LogicalType::BigInt
            | LogicalType::Real
            | LogicalType::Double
            | LogicalType::Numeric { .. }
    );
    if let Some(n) = negated(&toks) {
        return n;
    }
    if let [Tok::Str(s)] = toks.as_slice() {
        // MySQL reports numeric defaults as strings; PostgreSQL as '5'::integer.
        if is_numeric {
            let inner = tokenize(s);
            if let Some(n) = negated(&inner) {
                return n;
            }
        }
        if *ty == LogicalType::Boolean {
            match s.to_ascii_lowercase().as_str() {
                "t" | "true" | "y" | "yes" | "on" => return "1".into(),
                "f" | "false" | "n" | "no" | "off" => return "0".into(),
                _ => {}
            }
        }
    }
    if let [Tok::Word(w)] = toks.as_slice() {
        match w.as_str() {
            "true" => return "1".into(),
            "false" => return "0".into(),
            _ => {}
        }
    }
    join_tokens(&toks)
}

/// Normalised form of a check expression, so that what a model says and
/// what each database reports back compare equal:
/// - case outside string literals, whitespace and quoting of identifiers
///   (`"a"`, `` `a` ``) are folded;
/// - redundant parentheses go, and `-(5)` / `(-5)` become `-5`;
/// - PostgreSQL casts are dropped; a quoted number cast to a numeric type
///   (`'-1000'::integer`, `'1.5'::numeric`) becomes the number;
/// - MySQL's charset introducers (`_utf8mb4'x'`) are dropped, and MySQL 8's
///   extra level of escaping (`_utf8mb4\'x\'`) is undone;
/// - PostgreSQL's `x = ANY (ARRAY[..])` / `x <> ALL (ARRAY[..])` read as
///   `x IN (..)` / `x NOT IN (..)`, a one-element `IN` as `=` (and `NOT IN`
///   as `<>`), and `x [NOT] BETWEEN a AND b` as the comparisons PostgreSQL
///   reports for it.
///
/// So `price > 0` and PostgreSQL's `((price > (0)::numeric))` compare
/// equal, while different literals (`1000` and `-1000`, `'a'` and `'A'`)
/// stay different.
pub fn normalize_check_sql(sql: &str) -> String {
    let sql = unescape_mysql_check(sql);
    let toks = synonyms(strip_introducers(tokenize(&sql)));
    let toks = strip_casts(numeric_casts_to_numbers(toks));
    let toks = in_lists(toks);
    let mut toks = strip_redundant_parens(toks);
    loop {
        let before = toks.len();
        toks = strip_redundant_parens(fold_signs(toks));
        if toks.len() == before {
            break;
        }
    }
    let toks: Vec<Tok> = expand_between(toks)
        .into_iter()
        .map(|t| match t {
            Tok::Num(n) => Tok::Num(canonical_number(&n)),
            other => other,
        })
        .collect();
    join_tokens(&strip_redundant_parens(toks))
}

/// MariaDB's own names for what it was given: it prints `lower(x)` as
/// `lcase(x)`, `upper` as `ucase`, `substring` as `substr`, `length` as
/// `octet_length` and `a % b` as `a MOD b`; these read back as written.
fn synonyms(toks: Vec<Tok>) -> Vec<Tok> {
    const CALLS: &[(&str, &str)] = &[
        ("lcase", "lower"),
        ("ucase", "upper"),
        ("substr", "substring"),
        ("octet_length", "length"),
    ];
    let mut out = Vec::with_capacity(toks.len());
    for (i, t) in toks.iter().enumerate() {
        let call = toks.get(i + 1) == Some(&Tok::Punct("(".into()));
        out.push(match t {
            Tok::Word(w) if call => CALLS
                .iter()
                .find(|(from, _)| from == w)
                .map_or_else(|| t.clone(), |(_, to)| Tok::Word(to.to_string())),
            Tok::Word(w) if w == "mod" && !call => Tok::Punct("%".into()),
            _ => t.clone(),
        });
    }
    out
}

/// MySQL 8 reports check clauses escaped once more than valid SQL
/// (`(`s` = _utf8mb4\'a\')`). Such a clause is recognised by its first
/// quote being preceded by a backslash, and unescaped one level.
fn unescape_mysql_check(sql: &str) -> std::borrow::Cow<'_, str> {
    match sql.find('\'') {
        Some(q) if q > 0 && sql.as_bytes()[q - 1] == b'\\' => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else {
                    out.push(c);
                }
            }
            out.into()
        }
        _ => sql.into(),
    }
}

/// Whether `s` is a plain numeric literal: optional sign, digits with an
/// optional fraction, optional exponent (not `NaN` or `Infinity`).
fn is_numeric_literal(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac) && exponent_ok
}

/// `'-1000'::integer` → `-1000::integer` (the cast is dropped later): a
/// quoted number cast to a numeric type is that number. PostgreSQL reports
/// negative constants this way.
fn numeric_casts_to_numbers(toks: Vec<Tok>) -> Vec<Tok> {
    const NUMERIC_TYPES: &[&str] = &[
        "smallint", "integer", "int", "bigint", "int2", "int4", "int8", "numeric", "decimal",
        "real", "double", "float", "float4", "float8",
    ];
    let mut out = toks.clone();
    for (i, t) in toks.iter().enumerate() {
        if let (Tok::Str(s), Some(Tok::Punct(p)), Some(Tok::Word(ty))) =
            (t, toks.get(i + 1), toks.get(i + 2))
        {
            if p == "::" && NUMERIC_TYPES.contains(&ty.as_str()) && is_numeric_literal(s) {
                let s = s.trim();
                out[i] = Tok::Num(s.strip_prefix('+').unwrap_or(s).to_string());
            }
        }
    }
    out
}

/// Folds a sign into the number it prefixes: `- 1000` → `-1000` where the
/// `-` cannot be a binary minus (at the start, after an operator, `(`, `,`
/// or a keyword). `+ 5` → `5`.
fn fold_signs(toks: Vec<Tok>) -> Vec<Tok> {
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "in", "between", "like", "is", "when", "then", "else", "case", "any",
        "all", "some",
    ];
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if let (Tok::Punct(sign), Some(Tok::Num(n))) = (&toks[i], toks.get(i + 1)) {
            let prefix = match out.last() {
                None => true,
                Some(Tok::Punct(p)) => p != ")" && p != "]",
                Some(Tok::Word(w)) => KEYWORDS.contains(&w.as_str()),
                Some(_) => false,
            };
            if prefix && (sign == "-" || sign == "+") {
                let n = match (sign.as_str(), n.strip_prefix('-')) {
                    ("+", _) => n.clone(),
                    (_, Some(positive)) => positive.to_string(),
                    _ => format!("-{n}"),
                };
                out.push(Tok::Num(n));
                i += 2;
                continue;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// Index of the `)` matching the `(` at `open`.
fn matching_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct(p) if p == "(" => depth += 1,
            Tok::Punct(p) if p == ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Rewrites list membership to one spelling (casts already dropped):
/// `= ANY (ARRAY[a, b])` → `IN (a, b)`, `<> ALL (ARRAY[a, b])` → `NOT IN
/// (a, b)`, then a one-element `IN (a)` → `= a` and `NOT IN (a)` → `<> a`.
fn in_lists(toks: Vec<Tok>) -> Vec<Tok> {
    let punct = |s: &str| Tok::Punct(s.into());
    let word = |s: &str| Tok::Word(s.into());
    let mut toks = toks;
    // PostgreSQL arrays.
    let mut i = 0;
    while i + 2 < toks.len() {
        let membership = match (&toks[i], &toks[i + 1]) {
            (Tok::Punct(op), Tok::Word(q)) if op == "=" && q == "any" => Some(vec![word("in")]),
            (Tok::Punct(op), Tok::Word(q)) if (op == "<>" || op == "!=") && q == "all" => {
                Some(vec![word("not"), word("in")])
            }
            _ => None,
        };
        let rewritten = membership.and_then(|membership| {
            if toks[i + 2] != punct("(") {
                return None;
            }
            let close = matching_paren(&toks, i + 2)?;
            // Inside: any number of `(`, `array [ items ]`, as many `)`.
            let inner = &toks[i + 3..close];
            let opens = inner.iter().take_while(|t| **t == punct("(")).count();
            if opens * 2 > inner.len() {
                return None;
            }
            let body = &inner[opens..inner.len() - opens];
            if inner[inner.len() - opens..]
                .iter()
                .any(|t| *t != punct(")"))
            {
                return None;
            }
            match body {
                [Tok::Word(a), b, items @ .., c]
                    if a == "array" && *b == punct("[") && *c == punct("]") =>
                {
                    if items.iter().any(|t| *t == punct("[") || *t == punct("]")) {
                        return None;
                    }
                    let mut replacement = membership;
                    replacement.push(punct("("));
                    replacement.extend(items.iter().cloned());
                    replacement.push(punct(")"));
                    Some((close, replacement))
                }
                _ => None,
            }
        });
        if let Some((close, replacement)) = rewritten {
            toks.splice(i..=close, replacement);
        }
        i += 1;
    }
    // One-element lists.
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == word("in") && toks.get(i + 1) == Some(&punct("(")) {
            if let Some(close) = matching_paren(&toks, i + 1) {
                let items = &toks[i + 2..close];
                let single = !items.is_empty()
                    && !items
                        .iter()
                        .any(|t| *t == punct(",") || *t == word("select"));
                if single {
                    let negated = out.last() == Some(&word("not"));
                    if negated {
                        out.pop();
                    }
                    out.push(punct(if negated { "<>" } else { "=" }));
                    out.push(punct("("));
                    out.extend(items.iter().cloned());
                    out.push(punct(")"));
                    i = close + 1;
                    continue;
                }
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// `x BETWEEN a AND b` → `(x >= a AND x <= b)` and `x NOT BETWEEN a AND b`
/// → `(x < a OR x > b)`, as PostgreSQL reports them, where `x`, `a` and `b`
/// are single tokens.
fn expand_between(toks: Vec<Tok>) -> Vec<Tok> {
    let word = |s: &str| Tok::Word(s.into());
    let punct = |s: &str| Tok::Punct(s.into());
    let single = |t: &Tok| matches!(t, Tok::Word(_) | Tok::Num(_) | Tok::Str(_));
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let negated = toks[i] == word("not");
        let at = if negated { i + 1 } else { i };
        if toks.get(at) == Some(&word("between"))
            && out.last().is_some_and(single)
            && toks.get(at + 1).is_some_and(single)
            && toks.get(at + 2) == Some(&word("and"))
            && toks.get(at + 3).is_some_and(single)
        {
            let x = out.pop().expect("checked above");
            let (low, high) = (toks[at + 1].clone(), toks[at + 3].clone());
            let (ge, join, le) = if negated {
                ("<", "or", ">")
            } else {
                (">=", "and", "<=")
            };
            out.extend([
                punct("("),
                x.clone(),
                punct(ge),
                low,
                word(join),
                x,
                punct(le),
                high,
                punct(")"),
            ]);
            i = at + 4;
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// Replaces identifier `from` by `to` in a SQL expression (used to follow a
/// column rename inside check constraints). Works on the normalised form.
pub fn rename_ident_in_sql(sql: &str, from: &str, to: &str) -> String {
    let from = from.to_lowercase();
    let toks: Vec<Tok> = tokenize(sql)
        .into_iter()
        .map(|t| match t {
            Tok::Word(w) if w == from => Tok::Word(to.to_lowercase()),
            other => other,
        })
        .collect();
    join_tokens(&toks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_detection() {
        assert!(is_wrapped("(a + b)"));
        assert!(!is_wrapped("(a) + (b)"));
        assert!(!is_wrapped("a"));
    }

    #[test]
    fn default_literals() {
        assert!(is_default_literal("42"));
        assert!(is_default_literal("-1.5"));
        assert!(is_default_literal("'x'"));
        assert!(is_default_literal("CURRENT_TIMESTAMP"));
        assert!(is_default_literal("current_timestamp(6)"));
        assert!(!is_default_literal("datetime('now')"));
        assert!(!is_default_literal("'a' || 'b'"));
        assert!(!is_default_literal("inf"));
    }

    #[test]
    fn check_normalisation() {
        let n = normalize_check_sql;
        assert_eq!(n("price > 0"), n("((price > (0)::numeric))"));
        assert_eq!(n("PRICE>0"), n("price > 0"));
        assert_eq!(n("(a > 0) AND (b < 5)"), n("a > 0 AND b < 5"));
        assert_eq!(n("status IN ('a', 'b')"), n("(status IN ('a','b'))"));
        assert_eq!(n("length(name) > 0"), n("(length(name) > 0)"));
        assert_ne!(n("price > 0"), n("price >= 0"));
        assert_ne!(n("status = 'A'"), n("status = 'a'"));
    }

    /// Generation expressions as the servers print them back, and the
    /// groupings that do change the meaning.
    #[test]
    fn expressions_fold_the_servers_grouping_and_names() {
        let n = normalize_check_sql;
        let same = [
            (
                "price * qty * 2",
                "((price * (qty)::double precision) * (2)::double precision)",
            ),
            ("a + b * c", "(a + (b * c))"),
            ("a * b + c", "((a * b) + c)"),
            ("a - b - c", "((a - b) - c)"),
            ("f(a * b, c)", "f((a * b), c)"),
            ("lower(name)", "lcase(`name`)"),
            ("upper(substring(n, 1, 2))", "ucase(substr(`n`,1,2))"),
            ("length(n) % 3", "octet_length(`n`) MOD 3"),
            ("(a || b) || c", "a || b || c"),
        ];
        for (model, server) in same {
            assert_eq!(n(model), n(server), "{model} vs {server}");
        }
        let different = [
            ("a - (b - c)", "a - b - c"),
            ("(a + b) * c", "a + b * c"),
            ("a * (b + c)", "a * b + c"),
            ("a / (b * c)", "a / b * c"),
            ("-(a + b)", "-a + b"),
        ];
        for (a, b) in different {
            assert_ne!(n(a), n(b), "{a} vs {b}");
        }
    }

    /// Each pair: a model's spelling and what a database reports for it.
    #[test]
    fn check_normalisation_matches_server_spellings() {
        let n = normalize_check_sql;
        let same = [
            // PostgreSQL: negative constants are quoted and cast.
            (
                "score > -1000 AND karma >= 0",
                "((score > '-1000'::integer) AND (karma >= 0))",
            ),
            ("karma > -5000000000", "(karma > '-5000000000'::bigint)"),
            ("price > -1.5", "(price > '-1.5'::numeric)"),
            ("price > -1.50", "(price > '-1.5'::numeric(10,2))"),
            ("ratio < 2.5", "(ratio < '2.5'::double precision)"),
            ("price > -2", "(price > ('-2'::integer)::numeric)"),
            ("price > 0", "(price > (0)::numeric)"),
            ("n > +3", "(n > 3)"),
            // Parenthesised negatives, and MySQL's `-(5)`.
            ("score > (-1000)", "score > -1000"),
            ("score > -(1000)", "(score > -1000)"),
            ("score > - 1000", "score > -1000"),
            ("-1 < score", "('-1'::integer < score)"),
            // Operands of AND/OR that are tests of their own.
            (
                "at IS NULL AND kind <> 'done'",
                "((at IS NULL) AND ((kind)::text <> 'done'::text))",
            ),
            (
                "a IS NOT NULL OR NOT b OR c BETWEEN 1 AND 2",
                "((a IS NOT NULL) OR (NOT b) OR (c BETWEEN 1 AND 2))",
            ),
            ("a AND (b AND c)", "((a AND b) AND c)"),
            (
                "kind IN ('a', 'b') AND score BETWEEN 1 AND 9",
                "((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])) AND (score >= 1) AND (score <= 9)",
            ),
            // String casts.
            ("t = 'x'", "(t = 'x'::text)"),
            ("s <> 'it''s'", "((s)::text <> 'it''s'::text)"),
            ("s = 'x'", "((s)::text = ('x'::character varying)::text)"),
            // PostgreSQL arrays for IN lists.
            (
                "status IN ('a', 'b')",
                "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
            ),
            ("t IN ('p', 'q')", "(t = ANY (ARRAY['p'::text, 'q'::text]))"),
            (
                "t NOT IN ('y', 'z')",
                "(t <> ALL (ARRAY['y'::text, 'z'::text]))",
            ),
            ("n IN (-1, 2)", "(n = ANY (ARRAY['-1'::integer, 2]))"),
            // One-element lists, as PostgreSQL and MariaDB report them.
            ("status NOT IN ('x')", "((status)::text <> 'x'::text)"),
            ("status NOT IN ('x')", "`status` <> 'x'"),
            ("status IN ('x')", "(status = 'x')"),
            // BETWEEN, as PostgreSQL reports it.
            (
                "price BETWEEN -5 AND 5",
                "((price >= ('-5'::integer)::numeric) AND (price <= (5)::numeric))",
            ),
            (
                "a > 0 AND price BETWEEN -5 AND 5 AND b > 0",
                "((a > 0) AND ((price >= '-5'::integer) AND (price <= 5)) AND (b > 0))",
            ),
            (
                "price NOT BETWEEN 1 AND 2",
                "((price < 1) OR (price > 2))",
            ),
            // MariaDB: backquoted identifiers, backslash escapes.
            (
                "score > -1000 AND karma >= 0",
                "`score` > -1000 and `karma` >= 0",
            ),
            ("s <> 'it''s'", "`s` <> 'it\\'s'"),
            // MySQL 8: charset introducers, escaped once more, `-(n)`.
            ("status = 'a'", "(`status` = _utf8mb4'a')"),
            ("status = 'a'", "(`status` = _utf8mb4\\'a\\')"),
            (
                "status IN ('a', 'b')",
                "(`status` in (_utf8mb4\\'a\\',_utf8mb4\\'b\\'))",
            ),
            ("s <> 'it''s'", "(`s` <> _utf8mb4\\'it\\\\\\'s\\')"),
            ("score > -1000", "(`score` > -(1000))"),
        ];
        for (model, reported) in same {
            assert_eq!(n(model), n(reported), "{model:?} vs {reported:?}");
        }
        let different = [
            ("(a OR b) AND c", "a OR b AND c"),
            ("a AND (b OR c)", "a AND b OR c"),
            ("(a AND b) OR c AND d", "a AND (b OR c) AND d"),
            ("score > 1000", "score > -1000"),
            ("score > 1000", "(score > '-1000'::integer)"),
            ("score > -1000", "(score > '-100'::integer)"),
            ("a - 1 > 0", "a -1 > 0 AND TRUE"),
            ("s = 'a'", "(s = 'b'::text)"),
            ("s = 'a'", "(`s` = _utf8mb4\\'b\\')"),
            ("s = 'a'", "s = 'A'"),
            // A quoted number compared as text is not the number.
            ("s = '5'", "s = 5"),
            ("s = NaN", "(s = 'NaN'::numeric)"),
            ("status IN ('a', 'b')", "status IN ('a', 'c')"),
            ("status IN ('a', 'b')", "status NOT IN ('a', 'b')"),
            ("status IN ('a')", "status <> 'a'"),
            ("price BETWEEN 1 AND 5", "price NOT BETWEEN 1 AND 5"),
            ("price BETWEEN 1 AND 5", "((price >= 1) AND (price < 5))"),
            ("NOT a BETWEEN 1 AND 5 ", "NOT a >= 1 AND a <= 5"),
            ("a > 0 OR b > 0 AND c > 0", "(a > 0 OR b > 0) AND c > 0"),
        ];
        for (a, b) in different {
            assert_ne!(n(a), n(b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn check_normalisation_helpers() {
        for s in ["0", "-1000", "+3", "1.5", ".5", "5.", "1e3", "-2.5E-3"] {
            assert!(is_numeric_literal(s), "{s}");
        }
        for s in [
            "", "-", ".", "NaN", "Infinity", "1e", "1.2.3", "0x10", "12a",
        ] {
            assert!(!is_numeric_literal(s), "{s}");
        }
        // The normalised forms themselves.
        assert_eq!(
            normalize_check_sql("((score > '-1000'::integer) AND (karma >= 0))"),
            "score > -1000 and karma >= 0"
        );
        assert_eq!(
            normalize_check_sql("(t <> ALL (ARRAY['y'::text, 'z'::text]))"),
            "t not in ( 'y' , 'z' )"
        );
    }

    #[test]
    fn default_normalisation() {
        use LogicalType::*;
        let n = normalize_default_sql;
        assert_eq!(n("'x'::character varying", &Varchar(5)), "'x'");
        assert_eq!(n("now()", &Timestamp), "current_timestamp");
        assert_eq!(n("CURRENT_TIMESTAMP(6)", &Timestamp), "current_timestamp");
        assert_eq!(n("'5'", &Integer), "5");
        assert_eq!(n("'5'", &Text), "'5'");
        assert_eq!(n("(-1)", &Integer), "-1");
        assert_eq!(n("_utf8mb4'a\\'b'", &Text), "'a''b'");
        assert_eq!(n("'on'", &Boolean), "1");
        assert_eq!(n("FALSE", &Boolean), "0");
        assert_eq!(n("(datetime('now'))", &Timestamp), "datetime ( 'now' )");
    }

    /// The one lexer reads comments, doubled quotes in quoted identifiers
    /// and dollar-quoted strings as SQL means them.
    #[test]
    fn expressions_are_lexed_as_sql() {
        let n = normalize_check_sql;
        // SQLite reports a check's text as written, comments included.
        assert_eq!(n("a > 0 -- positive\n"), n("a > 0"));
        assert_eq!(n("a /* x */ > 0"), n("a > 0"));
        assert_eq!(n("\"we\"\"ird\" > 0"), "we\"ird > 0");
        assert_ne!(n("\"we\"\"ird\" > 0"), n("we ird > 0"));
        // SQLite quotes a column it renames in the stored text.
        assert_eq!(n("\"c0\" is not null"), n("c0 IS NOT NULL"));
        assert_eq!(n("s = $$x$$"), n("s = 'x'"));
        assert_eq!(n("s = E'it\\'s'"), n("s = 'it''s'"));
        // Brackets quote identifiers except where they index arrays.
        assert_eq!(n("[my col] > 0"), n("\"my col\" > 0"));
        assert_eq!(n("a[1] > 0"), "a [ 1 ] > 0");
    }

    #[test]
    fn renaming_follows_identifiers_only() {
        assert_eq!(
            rename_ident_in_sql("\"Old\" > 0 AND old_x = 'old'", "old", "new"),
            "new > 0 and old_x = 'old'"
        );
    }
}
