//! `#[model(...)]` attributes, on the struct and on its fields.
//!
//! Each key is read by its own small function; values are checked for their
//! shape here (a string where a string belongs, a positive integer, ...),
//! while rules spanning several keys or fields live in `table.rs`. Every
//! mistake is pushed into the [`Ctxt`] so that parsing carries on and all
//! errors of a struct are reported together.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::meta::ParseNestedMeta;
use syn::{token, Attribute, Expr, Lit, LitStr, Token, UnOp};

use super::ctxt::Ctxt;
use crate::model::{DefaultValue, KeyOptions, NullsOrder, ReferentialAction};
use crate::suggest::did_you_mean;

/// The attribute name shared by the struct and its fields.
const MODEL: &str = "model";

/// Keys accepted on the struct.
const CONTAINER_KEYS: &[&str] = &[
    "table",
    "index",
    "unique",
    "check",
    "renamed_from",
    "comment",
    "primary_key_name",
    "collation",
];

/// Keys accepted on a field.
const FIELD_KEYS: &[&str] = &[
    "primary_key",
    "auto_increment",
    "column",
    "renamed_from",
    "max_length",
    "precision",
    "scale",
    "sql_type",
    "default",
    "default_sql",
    "unique",
    "index",
    "references",
    "on_delete",
    "on_update",
    "comment",
    "collation",
    "on_update_sql",
    "foreign_key_name",
    "generated",
    "stored",
    "skip",
];

/// Keys accepted inside `index(...)` on the struct.
const INDEX_KEYS: &[&str] = &["fields", "name", "unique", "where", "include", "using"];
/// Keys accepted inside `unique(...)` on the struct.
const UNIQUE_KEYS: &[&str] = &["fields", "name"];
/// Keys accepted inside `check(...)` on the struct.
const CHECK_KEYS: &[&str] = &["name", "sql", "constraint"];

/// Spellings people bring from other ORMs, mapped to our key.
const ALIASES: &[(&str, &str)] = &[
    ("pk", "primary_key"),
    ("primary", "primary_key"),
    ("id", "primary_key"),
    ("autoincrement", "auto_increment"),
    ("auto_inc", "auto_increment"),
    ("serial", "auto_increment"),
    ("rename", "column"),
    ("name", "column"),
    ("column_name", "column"),
    ("table_name", "table"),
    ("type", "sql_type"),
    ("len", "max_length"),
    ("length", "max_length"),
    ("size", "max_length"),
    ("fk", "references"),
    ("foreign_key", "references"),
    ("ignore", "skip"),
    ("transient", "skip"),
    ("default_value", "default"),
    ("default_expr", "default_sql"),
    ("indexed", "index"),
    ("doc", "comment"),
    ("columns", "fields"),
    ("expr", "sql"),
    ("predicate", "where"),
    ("filter", "where"),
    ("condition", "where"),
    ("method", "using"),
    ("kind", "using"),
    ("type", "using"),
    ("covering", "include"),
    ("computed", "generated"),
    ("generated_as", "generated"),
    ("persisted", "stored"),
    ("persistent", "stored"),
    ("including", "include"),
];

/// Where a key was written; decides which keys are valid.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Container,
    Field,
    Index,
    Unique,
    Check,
}

impl Level {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Level::Container => CONTAINER_KEYS,
            Level::Field => FIELD_KEYS,
            Level::Index => INDEX_KEYS,
            Level::Unique => UNIQUE_KEYS,
            Level::Check => CHECK_KEYS,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Level::Container => "on a struct",
            Level::Field => "on a field",
            Level::Index => "inside `index(...)`",
            Level::Unique => "inside `unique(...)`",
            Level::Check => "inside `check(...)`",
        }
    }
}

/// One attribute key as written: its value (if the value was valid) and
/// where it was written.
pub(crate) struct Attr<T> {
    key: &'static str,
    slot: Option<Slot<T>>,
}

struct Slot<T> {
    /// `None` when the value was malformed (an error is already recorded).
    value: Option<T>,
    /// The key's path, for errors about the key itself.
    key: TokenStream,
    /// The value's tokens (the key's for flags), for errors about the value.
    value_tokens: TokenStream,
    /// Order of appearance within the field, to blame the later of two
    /// conflicting keys.
    seq: usize,
}

impl<T> Attr<T> {
    fn none(key: &'static str) -> Self {
        Attr { key, slot: None }
    }

    /// Records the key; a second occurrence is an error at that occurrence.
    fn set(
        &mut self,
        cx: &Ctxt,
        path: &syn::Path,
        value: Option<T>,
        value_tokens: TokenStream,
        seq: usize,
    ) {
        if self.slot.is_some() {
            cx.error_spanned_by(path, format!("duplicate `{}`: it is already set", self.key));
            return;
        }
        self.slot = Some(Slot {
            value,
            key: path.to_token_stream(),
            value_tokens,
            seq,
        });
    }

    /// The key's name.
    pub(crate) fn key(&self) -> &'static str {
        self.key
    }

    /// The value, when the key is present and its value is valid.
    pub(crate) fn get(&self) -> Option<&T> {
        self.slot.as_ref().and_then(|s| s.value.as_ref())
    }

    /// Whether the key was written at all (even with a malformed value).
    pub(crate) fn present(&self) -> bool {
        self.slot.is_some()
    }

    /// The tokens of the key, for errors about it; call site if absent.
    pub(crate) fn key_tokens(&self) -> TokenStream {
        self.slot
            .as_ref()
            .map(|s| s.key.clone())
            .unwrap_or_else(|| quote!())
    }

    /// The tokens of the value, for errors about it.
    pub(crate) fn value_tokens(&self) -> TokenStream {
        self.slot
            .as_ref()
            .map(|s| s.value_tokens.clone())
            .unwrap_or_else(|| quote!())
    }

    /// Order of appearance; `usize::MAX` when absent.
    pub(crate) fn seq(&self) -> usize {
        self.slot.as_ref().map_or(usize::MAX, |s| s.seq)
    }
}

/// A key as the user wrote it, for generic checks over every key of a field.
pub(crate) struct KeyUse {
    pub(crate) key: &'static str,
    pub(crate) tokens: TokenStream,
    pub(crate) seq: usize,
}

fn key_use<T>(attr: &Attr<T>) -> Option<KeyUse> {
    attr.slot.as_ref().map(|s| KeyUse {
        key: attr.key,
        tokens: s.key.clone(),
        seq: s.seq,
    })
}

// ---------------------------------------------------------------------------
// Struct level

/// `index(...)` or `unique(...)` on the struct.
pub(crate) struct IndexAttr {
    /// The `index` / `unique` path, for errors about the whole entry.
    pub(crate) path: TokenStream,
    /// The key columns: Rust field names with their sort order and prefix
    /// length (only `index(...)` takes those).
    pub(crate) fields: Vec<KeySpec>,
    /// Explicit name.
    pub(crate) name: Option<LitStr>,
    /// `index(..., unique)`.
    pub(crate) unique: bool,
    /// `index(..., include = ["a"])`: Rust field names.
    pub(crate) include: Vec<LitStr>,
    /// `index(..., using = "gin")`, lower-case.
    pub(crate) using: Option<String>,
    /// `index(..., where = "...")`.
    pub(crate) predicate: Option<String>,
}

/// One entry of `fields = [...]`: `"email"`, `"created_at desc"`,
/// `"name(10)"`, `"score desc nulls last"`, `"(lower(email))"`.
pub(crate) struct KeySpec {
    /// The literal, for errors about the entry.
    pub(crate) lit: LitStr,
    /// The Rust field name, or the SQL of an expression key
    /// ([`KeyOptions::expression`]).
    pub(crate) field: String,
    /// Sort order and prefix length.
    pub(crate) options: KeyOptions,
}

/// Access methods an index may name with `using` (PostgreSQL's; the
/// dialect decides which it can build).
const METHODS: &[&str] = &["btree", "hash", "gist", "spgist", "gin", "brin"];

/// The shape of a key entry, for messages.
const KEY_SHAPE: &str =
    "\"field\", \"field desc\", \"field asc nulls first\", \"field(10)\" or \"(lower(field))\"";

/// The expression of an entry that starts with `(`: the text up to the
/// matching `)` (strings and quoted names may hold parentheses), and the
/// rest of the entry.
fn key_expression(text: &str) -> Result<(String, &str), String> {
    let toks = crate::sql::lexer::tokenize(text, crate::sql::lexer::LexOptions::SQLITE);
    let mut depth = 0usize;
    for t in &toks {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 {
                let expr = text[1..t.start].trim();
                if expr.is_empty() {
                    return Err(format!(
                        "empty expression in {text:?}; an expression key is written \"(lower(email))\""
                    ));
                }
                if expr.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return Err(format!(
                        "`({expr})` is a plain column, not an expression: write the field name \
                         without parentheses"
                    ));
                }
                return Ok((expr.to_string(), &text[t.end()..]));
            }
        }
    }
    Err(format!(
        "unclosed `(` in {text:?}: an expression key is written \"(lower(email))\""
    ))
}

/// Reads one `fields` entry: a field name, then optionally a prefix length
/// in parentheses, `asc`/`desc` and `nulls first`/`nulls last` (keywords
/// in any case); or an expression in parentheses, then the sort order.
/// The error says what is wrong, for the literal's span.
pub(crate) fn key_spec(text: &str) -> Result<(String, KeyOptions), String> {
    let text = text.trim();
    if text.starts_with('(') {
        let (expr, rest) = key_expression(text)?;
        let (_, mut options) = key_spec(&format!("x {}", rest.trim_start()))
            .map_err(|e| e.replace("\"x ", &format!("\"({expr}) ")))?;
        if options.prefix.is_some() {
            return Err(format!(
                "an expression key has no prefix length in {text:?}; index `left(...)` of it instead"
            ));
        }
        options.expression = true;
        return Ok((expr, options));
    }
    let name_end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let field = &text[..name_end];
    if field.is_empty() {
        return Err(format!(
            "expected a field name first in {text:?}; entries look like {KEY_SHAPE}"
        ));
    }
    let mut options = KeyOptions::default();
    let mut rest = text[name_end..].trim_start();
    if let Some(after) = rest.strip_prefix('(') {
        let Some((digits, tail)) = after.split_once(')') else {
            return Err(format!(
                "unclosed `(` in {text:?}: a prefix length is written `{field}(10)`"
            ));
        };
        match digits.trim().parse::<u32>() {
            Ok(n) if n > 0 => options.prefix = Some(n),
            _ => {
                return Err(format!(
                    "the prefix length in {text:?} must be a positive integer, e.g. `{field}(10)`"
                ))
            }
        }
        rest = tail.trim_start();
    }
    let words: Vec<String> = rest
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let mut words = words.iter().map(String::as_str).peekable();
    match words.peek() {
        Some(&"desc") => {
            options.desc = true;
            words.next();
        }
        Some(&"asc") => {
            words.next();
        }
        _ => {}
    }
    match (words.next(), words.next()) {
        (None, _) => {}
        (Some("nulls"), Some("first")) => options.nulls = Some(NullsOrder::First),
        (Some("nulls"), Some("last")) => options.nulls = Some(NullsOrder::Last),
        (Some("nulls"), _) => {
            return Err(format!(
                "`nulls` takes `first` or `last` in {text:?}, e.g. \"{field} nulls last\""
            ))
        }
        (Some(word), _) => {
            let hint = did_you_mean(word, &["desc", "asc", "nulls"])
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return Err(format!(
                "unexpected `{word}` in {text:?}; {hint}entries look like {KEY_SHAPE}"
            ));
        }
    }
    if let Some(extra) = words.next() {
        return Err(format!(
            "unexpected `{extra}` at the end of {text:?}; entries look like {KEY_SHAPE}"
        ));
    }
    Ok((field.to_string(), options))
}

/// `check(name = "...", sql = "...")` on the struct.
pub(crate) struct CheckAttr {
    /// The name suffix (`ck_<table>_<name>`).
    pub(crate) name: LitStr,
    /// The boolean SQL expression.
    pub(crate) sql: String,
    /// `constraint = "..."`: the constraint's name in the database, when not
    /// `ck_<table>_<name>`.
    pub(crate) constraint: Option<String>,
}

/// Every `#[model(...)]` key on a struct.
pub(crate) struct ContainerAttrs {
    pub(crate) table: Attr<LitStr>,
    pub(crate) renamed_from: Attr<String>,
    pub(crate) comment: Attr<String>,
    /// `primary_key_name = "..."`: the key's name when not `pk_<table>`.
    pub(crate) primary_key_name: Attr<String>,
    /// `collation = "..."`: the table's default collation.
    pub(crate) collation: Attr<String>,
    pub(crate) indexes: Vec<IndexAttr>,
    pub(crate) uniques: Vec<IndexAttr>,
    pub(crate) checks: Vec<CheckAttr>,
}

impl ContainerAttrs {
    /// Reads every `#[model(...)]` on the struct; other attributes are ignored.
    pub(crate) fn from_attrs(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut c = ContainerAttrs {
            table: Attr::none("table"),
            renamed_from: Attr::none("renamed_from"),
            comment: Attr::none("comment"),
            primary_key_name: Attr::none("primary_key_name"),
            collation: Attr::none("collation"),
            indexes: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident(MODEL)) {
            let result = attr.parse_nested_meta(|meta| {
                let key = path_key(&meta.path);
                match key.as_str() {
                    "table" => table(cx, &mut c, &meta),
                    "renamed_from" => string_key(cx, &mut c.renamed_from, &meta, 0, true),
                    "comment" => string_key(cx, &mut c.comment, &meta, 0, false),
                    "primary_key_name" => string_key(cx, &mut c.primary_key_name, &meta, 0, true),
                    "collation" => string_key(cx, &mut c.collation, &meta, 0, true),
                    "index" => index(cx, &mut c, &meta),
                    "unique" => unique(cx, &mut c, &meta),
                    "check" => check(cx, &mut c, &meta),
                    _ => unknown_key(cx, &meta, Level::Container).map(drop),
                }
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        c
    }
}

/// `table = "users"`
fn table(cx: &Ctxt, c: &mut ContainerAttrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    let Some(expr) = value_expr(cx, meta, "table = \"users\"")? else {
        return Ok(());
    };
    let lit = name_lit(cx, "table", &expr);
    c.table.set(cx, &meta.path, lit, expr.to_token_stream(), 0);
    Ok(())
}

/// `index(fields = ["a", "b"], name = "...", unique)`
fn index(cx: &Ctxt, c: &mut ContainerAttrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    if let Some(entry) = index_entry(cx, meta, Level::Index)? {
        c.indexes.push(entry);
    }
    Ok(())
}

/// `unique(fields = ["a", "b"], name = "...")`
fn unique(cx: &Ctxt, c: &mut ContainerAttrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    if let Some(entry) = index_entry(cx, meta, Level::Unique)? {
        c.uniques.push(entry);
    }
    Ok(())
}

/// The shared body of `index(...)` and `unique(...)`.
fn index_entry(cx: &Ctxt, meta: &ParseNestedMeta, level: Level) -> syn::Result<Option<IndexAttr>> {
    let what = if level == Level::Index {
        "index"
    } else {
        "unique"
    };
    if !meta.input.peek(token::Paren) {
        cx.error_spanned_by(
            &meta.path,
            format!(
                "`{what}` on a struct lists its fields: `{what}(fields = [\"a\", \"b\"])`; \
                 to index a single column, put `{what}` on that field"
            ),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let mut fields: Attr<Vec<KeySpec>> = Attr::none("fields");
    let mut name: Attr<LitStr> = Attr::none("name");
    let mut is_unique: Attr<()> = Attr::none("unique");
    let mut include: Attr<Vec<LitStr>> = Attr::none("include");
    let mut using: Attr<String> = Attr::none("using");
    let mut predicate: Attr<String> = Attr::none("where");
    let mut suggested = Vec::new();
    let nested = meta.parse_nested_meta(|inner| {
        match path_key(&inner.path).as_str() {
            "fields" => {
                let Some(expr) = value_expr(cx, &inner, "fields = [\"org_id\", \"email\"]")? else {
                    return Ok(());
                };
                let list =
                    field_list(cx, "fields", &expr).and_then(|lits| key_specs(cx, lits, level));
                fields.set(cx, &inner.path, list, expr.to_token_stream(), 0);
            }
            "include" if level == Level::Index => {
                let Some(expr) = value_expr(cx, &inner, "include = [\"name\"]")? else {
                    return Ok(());
                };
                let list = field_list(cx, "include", &expr);
                include.set(cx, &inner.path, list, expr.to_token_stream(), 0);
            }
            "using" if level == Level::Index => {
                let Some(expr) = value_expr(cx, &inner, "using = \"gin\"")? else {
                    return Ok(());
                };
                let method = lit_str(cx, "using", &expr).and_then(|lit| {
                    let text = lit.value().trim().to_ascii_lowercase();
                    if METHODS.contains(&text.as_str()) {
                        return Some(text);
                    }
                    let hint = did_you_mean(&text, METHODS)
                        .map(|s| format!("did you mean \"{s}\"? "))
                        .unwrap_or_default();
                    cx.error_spanned_by(
                        &lit,
                        format!(
                            "unknown index method {:?}; {hint}expected one of {}",
                            lit.value(),
                            METHODS
                                .iter()
                                .map(|m| format!("\"{m}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                });
                using.set(cx, &inner.path, method, expr.to_token_stream(), 0);
            }
            "where" if level == Level::Index => string_key(cx, &mut predicate, &inner, 0, true)?,
            "name" => {
                let Some(expr) = value_expr(cx, &inner, "name = \"ix_users_email\"")? else {
                    return Ok(());
                };
                let lit = name_lit(cx, "name", &expr);
                name.set(cx, &inner.path, lit, expr.to_token_stream(), 0);
            }
            "unique" if level == Level::Index => flag(cx, &mut is_unique, &inner, 0)?,
            _ => suggested.extend(unknown_key(cx, &inner, level)?),
        }
        Ok(())
    });
    if let Err(err) = nested {
        cx.syn_error(err);
    }
    // A misspelt `fields` already has its own error.
    if !fields.present() && !suggested.contains(&"fields") {
        cx.error_spanned_by(
            &meta.path,
            format!("`{what}(...)` needs `fields = [...]`, the Rust fields it covers"),
        );
    }
    Ok(fields.slot.and_then(|s| s.value).map(|fields| IndexAttr {
        path: meta.path.to_token_stream(),
        fields,
        name: name.slot.and_then(|s| s.value),
        unique: is_unique.present(),
        include: include.slot.and_then(|s| s.value).unwrap_or_default(),
        using: using.slot.and_then(|s| s.value),
        predicate: predicate
            .slot
            .and_then(|s| s.value)
            .map(|p| p.trim().to_string()),
    }))
}

/// The entries of `fields = [...]` read with [`key_spec`]; sort orders and
/// prefix lengths only inside `index(...)`.
fn key_specs(cx: &Ctxt, lits: Vec<LitStr>, level: Level) -> Option<Vec<KeySpec>> {
    let mut out = Vec::new();
    let mut ok = true;
    for lit in lits {
        match key_spec(&lit.value()) {
            Ok((_, options)) if level == Level::Unique && options.expression => {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "a unique constraint covers columns only; write \
                         `index(fields = [{:?}], unique)` for a unique index on an expression",
                        lit.value()
                    ),
                );
                ok = false;
            }
            Ok((_, options)) if level == Level::Unique && !options.is_default() => {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "a unique constraint has no sort order or prefix length; write \
                         `index(fields = [{:?}], unique)` for a unique index that has one",
                        lit.value()
                    ),
                );
                ok = false;
            }
            Ok((field, options)) => out.push(KeySpec {
                lit,
                field,
                options,
            }),
            Err(message) => {
                cx.error_spanned_by(&lit, message);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `check(name = "positive_balance", sql = "balance >= 0")`
fn check(cx: &Ctxt, c: &mut ContainerAttrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    const EXAMPLE: &str = "check(name = \"positive_balance\", sql = \"balance >= 0\")";
    if !meta.input.peek(token::Paren) {
        cx.error_spanned_by(&meta.path, format!("expected `{EXAMPLE}`"));
        skip_value(meta)?;
        return Ok(());
    }
    let mut name: Attr<LitStr> = Attr::none("name");
    let mut sql: Attr<String> = Attr::none("sql");
    let mut constraint: Attr<String> = Attr::none("constraint");
    let mut suggested = Vec::new();
    let nested = meta.parse_nested_meta(|inner| {
        match path_key(&inner.path).as_str() {
            "name" => {
                let Some(expr) = value_expr(cx, &inner, "name = \"positive_balance\"")? else {
                    return Ok(());
                };
                let lit = name_lit(cx, "name", &expr);
                name.set(cx, &inner.path, lit, expr.to_token_stream(), 0);
            }
            "sql" => string_key(cx, &mut sql, &inner, 0, true)?,
            "constraint" => string_key(cx, &mut constraint, &inner, 0, true)?,
            _ => suggested.extend(unknown_key(cx, &inner, Level::Check)?),
        }
        Ok(())
    });
    if let Err(err) = nested {
        cx.syn_error(err);
    }
    for (key, present) in [("name", name.present()), ("sql", sql.present())] {
        if !present && !suggested.contains(&key) {
            cx.error_spanned_by(
                &meta.path,
                format!("`check(...)` needs `{key} = \"...\"`: `{EXAMPLE}`"),
            );
        }
    }
    if let (Some(name), Some(sql)) = (name.get(), sql.get()) {
        c.checks.push(CheckAttr {
            name: name.clone(),
            sql: sql.clone(),
            constraint: constraint.get().cloned(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Field level

/// Every `#[model(...)]` key on one field.
pub(crate) struct FieldAttrs {
    pub(crate) primary_key: Attr<()>,
    pub(crate) auto_increment: Attr<bool>,
    pub(crate) column: Attr<LitStr>,
    pub(crate) renamed_from: Attr<String>,
    pub(crate) max_length: Attr<u32>,
    pub(crate) precision: Attr<u32>,
    pub(crate) scale: Attr<u32>,
    pub(crate) sql_type: Attr<String>,
    pub(crate) default: Attr<DefaultValue>,
    pub(crate) default_sql: Attr<String>,
    pub(crate) unique: Attr<()>,
    pub(crate) index: Attr<()>,
    pub(crate) references: Attr<(String, String)>,
    pub(crate) on_delete: Attr<ReferentialAction>,
    pub(crate) on_update: Attr<ReferentialAction>,
    pub(crate) comment: Attr<String>,
    /// `collation = "..."`.
    pub(crate) collation: Attr<String>,
    /// `on_update_sql = "CURRENT_TIMESTAMP"`: the column's `ON UPDATE`.
    pub(crate) on_update_sql: Attr<String>,
    /// `foreign_key_name = "..."`: the foreign key's name when not
    /// `fk_<table>_<column>_<reftable>`.
    pub(crate) foreign_key_name: Attr<String>,
    /// `generated = "price * quantity"`: a generated column's expression.
    pub(crate) generated: Attr<String>,
    /// `stored`: the generated column is kept on disk, not computed on read.
    pub(crate) stored: Attr<()>,
    pub(crate) skip: Attr<()>,
    /// Keys suggested for misspelt ones (`pk` → `primary_key`), so that
    /// their absence is not reported a second time.
    pub(crate) suggested: Vec<&'static str>,
}

impl FieldAttrs {
    /// Reads every `#[model(...)]` on a field; other attributes are ignored.
    pub(crate) fn from_attrs(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut f = FieldAttrs {
            primary_key: Attr::none("primary_key"),
            auto_increment: Attr::none("auto_increment"),
            column: Attr::none("column"),
            renamed_from: Attr::none("renamed_from"),
            max_length: Attr::none("max_length"),
            precision: Attr::none("precision"),
            scale: Attr::none("scale"),
            sql_type: Attr::none("sql_type"),
            default: Attr::none("default"),
            default_sql: Attr::none("default_sql"),
            unique: Attr::none("unique"),
            index: Attr::none("index"),
            references: Attr::none("references"),
            on_delete: Attr::none("on_delete"),
            on_update: Attr::none("on_update"),
            comment: Attr::none("comment"),
            collation: Attr::none("collation"),
            on_update_sql: Attr::none("on_update_sql"),
            foreign_key_name: Attr::none("foreign_key_name"),
            generated: Attr::none("generated"),
            stored: Attr::none("stored"),
            skip: Attr::none("skip"),
            suggested: Vec::new(),
        };
        let mut seq = 0;
        for attr in attrs.iter().filter(|a| a.path().is_ident(MODEL)) {
            let result = attr.parse_nested_meta(|meta| {
                seq += 1;
                field_key(cx, &mut f, &meta, seq)
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        f
    }

    /// Every key present on the field, in the order written.
    pub(crate) fn keys(&self) -> Vec<KeyUse> {
        let mut keys: Vec<KeyUse> = [
            key_use(&self.primary_key),
            key_use(&self.auto_increment),
            key_use(&self.column),
            key_use(&self.renamed_from),
            key_use(&self.max_length),
            key_use(&self.precision),
            key_use(&self.scale),
            key_use(&self.sql_type),
            key_use(&self.default),
            key_use(&self.default_sql),
            key_use(&self.unique),
            key_use(&self.index),
            key_use(&self.references),
            key_use(&self.on_delete),
            key_use(&self.on_update),
            key_use(&self.comment),
            key_use(&self.collation),
            key_use(&self.on_update_sql),
            key_use(&self.foreign_key_name),
            key_use(&self.generated),
            key_use(&self.stored),
            key_use(&self.skip),
        ]
        .into_iter()
        .flatten()
        .collect();
        keys.sort_by_key(|k| k.seq);
        keys
    }
}

/// Dispatches one field key to its reader.
fn field_key(cx: &Ctxt, f: &mut FieldAttrs, meta: &ParseNestedMeta, seq: usize) -> syn::Result<()> {
    match path_key(&meta.path).as_str() {
        "primary_key" => flag(cx, &mut f.primary_key, meta, seq),
        "auto_increment" => auto_increment(cx, f, meta, seq),
        "column" => column(cx, f, meta, seq),
        "renamed_from" => string_key(cx, &mut f.renamed_from, meta, seq, true),
        "max_length" => u32_key(cx, &mut f.max_length, meta, seq, 1, "max_length = 255"),
        "precision" => u32_key(cx, &mut f.precision, meta, seq, 1, "precision = 10"),
        "scale" => u32_key(cx, &mut f.scale, meta, seq, 0, "scale = 2"),
        "sql_type" => string_key(cx, &mut f.sql_type, meta, seq, true),
        "default" => default(cx, f, meta, seq),
        "default_sql" => string_key(cx, &mut f.default_sql, meta, seq, true),
        "unique" => flag(cx, &mut f.unique, meta, seq),
        "index" => flag(cx, &mut f.index, meta, seq),
        "references" => references(cx, f, meta, seq),
        "on_delete" => referential_action(cx, &mut f.on_delete, meta, seq),
        "on_update" => referential_action(cx, &mut f.on_update, meta, seq),
        "comment" => string_key(cx, &mut f.comment, meta, seq, false),
        "collation" => string_key(cx, &mut f.collation, meta, seq, false),
        "on_update_sql" => string_key(cx, &mut f.on_update_sql, meta, seq, true),
        "foreign_key_name" => string_key(cx, &mut f.foreign_key_name, meta, seq, true),
        "generated" => string_key(cx, &mut f.generated, meta, seq, true),
        "stored" => flag(cx, &mut f.stored, meta, seq),
        "skip" => flag(cx, &mut f.skip, meta, seq),
        _ => {
            f.suggested.extend(unknown_key(cx, meta, Level::Field)?);
            Ok(())
        }
    }
}

/// `auto_increment = false` (a bare `auto_increment` means `true`).
fn auto_increment(
    cx: &Ctxt,
    f: &mut FieldAttrs,
    meta: &ParseNestedMeta,
    seq: usize,
) -> syn::Result<()> {
    if !meta.input.peek(Token![=]) && !meta.input.peek(token::Paren) {
        let tokens = meta.path.to_token_stream();
        f.auto_increment
            .set(cx, &meta.path, Some(true), tokens, seq);
        return Ok(());
    }
    let Some(expr) = value_expr(cx, meta, "auto_increment = false")? else {
        return Ok(());
    };
    let value = match strip_group(&expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Bool(b), ..
        }) => Some(b.value),
        _ => {
            cx.error_spanned_by(
                &expr,
                "expected `true` or `false`, e.g. `auto_increment = false`",
            );
            None
        }
    };
    f.auto_increment
        .set(cx, &meta.path, value, expr.to_token_stream(), seq);
    Ok(())
}

/// `column = "name"`
fn column(cx: &Ctxt, f: &mut FieldAttrs, meta: &ParseNestedMeta, seq: usize) -> syn::Result<()> {
    let Some(expr) = value_expr(cx, meta, "column = \"user_name\"")? else {
        return Ok(());
    };
    let lit = name_lit(cx, "column", &expr);
    f.column
        .set(cx, &meta.path, lit, expr.to_token_stream(), seq);
    Ok(())
}

/// `default = 0 | -1 | 1.5 | true | "text"`
fn default(cx: &Ctxt, f: &mut FieldAttrs, meta: &ParseNestedMeta, seq: usize) -> syn::Result<()> {
    let Some(expr) = value_expr(cx, meta, "default = 0")? else {
        return Ok(());
    };
    let value = default_value(cx, &expr);
    f.default
        .set(cx, &meta.path, value, expr.to_token_stream(), seq);
    Ok(())
}

/// Turns a literal (possibly negated) into a [`DefaultValue`].
fn default_value(cx: &Ctxt, expr: &Expr) -> Option<DefaultValue> {
    let (negative, inner) = match strip_group(expr) {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => (true, strip_group(&u.expr)),
        other => (false, other),
    };
    let lit = match inner {
        Expr::Lit(l) => &l.lit,
        _ => {
            cx.error_spanned_by(
                expr,
                "`default` takes a literal: `default = 0`, `default = 1.5`, `default = true` \
                 or `default = \"text\"`; for an SQL expression use `default_sql = \"...\"`",
            );
            return None;
        }
    };
    match (lit, negative) {
        (Lit::Int(int), _) => {
            let Ok(magnitude) = int.base10_parse::<i128>() else {
                cx.error_spanned_by(expr, "integer default is out of range for a 64-bit integer");
                return None;
            };
            let value = if negative { -magnitude } else { magnitude };
            match i64::try_from(value) {
                Ok(v) => Some(DefaultValue::Int(v)),
                Err(_) => {
                    cx.error_spanned_by(
                        expr,
                        "integer default is out of range for a 64-bit integer",
                    );
                    None
                }
            }
        }
        (Lit::Float(float), _) => {
            let digits = float.base10_digits();
            Some(DefaultValue::Float(if negative {
                format!("-{digits}")
            } else {
                digits.to_string()
            }))
        }
        (Lit::Bool(b), false) => Some(DefaultValue::Bool(b.value)),
        (Lit::Str(s), false) => Some(DefaultValue::Str(s.value())),
        _ => {
            cx.error_spanned_by(
                expr,
                "`default` takes an integer, float, bool or string literal; \
                 for an SQL expression use `default_sql = \"...\"`",
            );
            None
        }
    }
}

/// `references = "table.column"`
fn references(
    cx: &Ctxt,
    f: &mut FieldAttrs,
    meta: &ParseNestedMeta,
    seq: usize,
) -> syn::Result<()> {
    let Some(expr) = value_expr(cx, meta, "references = \"orgs.id\"")? else {
        return Ok(());
    };
    let target = lit_str(cx, "references", &expr).and_then(|lit| {
        let text = lit.value();
        let parsed = text.split_once('.').filter(|(t, c)| {
            let ok = |s: &str| !s.is_empty() && !s.contains(['.', ' ', '\t', '"', '`']);
            ok(t) && ok(c)
        });
        match parsed {
            Some((t, c)) => Some((t.to_string(), c.to_string())),
            None => {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "`references` must be \"table.column\", e.g. `references = \"orgs.id\"`; \
                         got {:?}",
                        text
                    ),
                );
                None
            }
        }
    });
    f.references
        .set(cx, &meta.path, target, expr.to_token_stream(), seq);
    Ok(())
}

/// `on_delete = "cascade"` / `on_update = "set_null"`
fn referential_action(
    cx: &Ctxt,
    attr: &mut Attr<ReferentialAction>,
    meta: &ParseNestedMeta,
    seq: usize,
) -> syn::Result<()> {
    const ACTIONS: &[&str] = &[
        "cascade",
        "restrict",
        "set_null",
        "set_default",
        "no_action",
    ];
    let example = format!("{} = \"cascade\"", attr.key());
    let Some(expr) = value_expr(cx, meta, &example)? else {
        return Ok(());
    };
    let action = lit_str(cx, attr.key(), &expr).and_then(|lit| {
        let text = lit.value();
        let action = ReferentialAction::parse(&text);
        if action.is_none() {
            let hint = did_you_mean(&text.to_ascii_lowercase(), ACTIONS)
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default();
            cx.error_spanned_by(
                &lit,
                format!(
                    "unknown referential action {text:?}; {hint}expected one of \
                     \"cascade\", \"restrict\", \"set_null\", \"set_default\", \"no_action\""
                ),
            );
        }
        action
    });
    attr.set(cx, &meta.path, action, expr.to_token_stream(), seq);
    Ok(())
}

// ---------------------------------------------------------------------------
// Value shapes

/// A key that takes no value (`primary_key`, `unique`, `index`, `skip`).
fn flag(cx: &Ctxt, attr: &mut Attr<()>, meta: &ParseNestedMeta, seq: usize) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(token::Paren) {
        let key = attr.key();
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` takes no value: write `#[model({key})]`, or leave it out"),
        );
        skip_value(meta)?;
    }
    attr.set(cx, &meta.path, Some(()), meta.path.to_token_stream(), seq);
    Ok(())
}

/// `key = "string"`; `non_empty` rejects `""`.
fn string_key(
    cx: &Ctxt,
    attr: &mut Attr<String>,
    meta: &ParseNestedMeta,
    seq: usize,
    non_empty: bool,
) -> syn::Result<()> {
    let example = format!("{} = \"...\"", attr.key());
    let Some(expr) = value_expr(cx, meta, &example)? else {
        return Ok(());
    };
    let value = lit_str(cx, attr.key(), &expr).and_then(|lit| {
        let text = lit.value();
        if non_empty && text.trim().is_empty() {
            cx.error_spanned_by(&lit, format!("`{}` must not be empty", attr.key()));
            None
        } else {
            Some(text)
        }
    });
    attr.set(cx, &meta.path, value, expr.to_token_stream(), seq);
    Ok(())
}

/// `key = N` with `N >= min`, fitting in a `u32`.
fn u32_key(
    cx: &Ctxt,
    attr: &mut Attr<u32>,
    meta: &ParseNestedMeta,
    seq: usize,
    min: u32,
    example: &str,
) -> syn::Result<()> {
    let Some(expr) = value_expr(cx, meta, example)? else {
        return Ok(());
    };
    let key = attr.key();
    let value = match strip_group(&expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<u32>() {
            Ok(n) if n >= min => Some(n),
            _ => {
                cx.error_spanned_by(
                    &expr,
                    format!("`{key}` must be an integer from {min} to {}", u32::MAX),
                );
                None
            }
        },
        _ => {
            cx.error_spanned_by(
                &expr,
                format!("`{key}` takes an integer literal, e.g. `{example}`"),
            );
            None
        }
    };
    attr.set(cx, &meta.path, value, expr.to_token_stream(), seq);
    Ok(())
}

/// A string literal, or an error naming the key.
fn lit_str(cx: &Ctxt, key: &str, expr: &Expr) -> Option<LitStr> {
    match strip_group(expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.clone()),
        _ => {
            cx.error_spanned_by(
                expr,
                format!("`{key}` takes a string literal, e.g. `{key} = \"...\"`"),
            );
            None
        }
    }
}

/// A non-empty string literal naming something (table, column, index).
fn name_lit(cx: &Ctxt, key: &str, expr: &Expr) -> Option<LitStr> {
    let lit = lit_str(cx, key, expr)?;
    if lit.value().trim().is_empty() {
        cx.error_spanned_by(&lit, format!("`{key}` must not be empty"));
        return None;
    }
    Some(lit)
}

/// `["a", "b"]`: a non-empty list of string literals, the value of `key`.
fn field_list(cx: &Ctxt, key: &str, expr: &Expr) -> Option<Vec<LitStr>> {
    let Expr::Array(array) = strip_group(expr) else {
        cx.error_spanned_by(
            expr,
            format!(
                "`{key}` takes a list of Rust field names, e.g. `{key} = [\"org_id\", \"email\"]`"
            ),
        );
        return None;
    };
    if array.elems.is_empty() {
        cx.error_spanned_by(expr, format!("`{key}` must name at least one field"));
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for elem in &array.elems {
        match strip_group(elem) {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => out.push(s.clone()),
            _ => {
                cx.error_spanned_by(
                    elem,
                    "expected a field name as a string literal, e.g. \"email\"",
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Parses `= <expr>` after a key. A missing `=` is recorded (with an
/// example) and the key's arguments, if any, are skipped.
fn value_expr(cx: &Ctxt, meta: &ParseNestedMeta, example: &str) -> syn::Result<Option<Expr>> {
    if meta.input.peek(Token![=]) {
        let expr: Expr = meta.value()?.parse()?;
        return Ok(Some(expr));
    }
    let key = path_key(&meta.path);
    cx.error_spanned_by(
        &meta.path,
        format!("`{key}` needs a value, e.g. `{example}`"),
    );
    skip_value(meta)?;
    Ok(None)
}

/// Consumes `= <expr>` or `( ... )` after a key we are not going to use, so
/// parsing continues with the next key.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// Expressions from `macro_rules!` arrive wrapped in invisible groups.
fn strip_group(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(g) => strip_group(&g.expr),
        Expr::Paren(p) => strip_group(&p.expr),
        other => other,
    }
}

/// A key as text (`a::b` for a path, which is never a valid key); a raw
/// identifier reads as the word (`r#where` is `where`).
fn path_key(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| syn::ext::IdentExt::unraw(&s.ident).to_string())
        .collect::<Vec<_>>()
        .join("::")
}

// ---------------------------------------------------------------------------
// Unknown keys

/// Records an unknown key with the best suggestion we have, and skips its
/// value. Returns the suggested key, if any.
fn unknown_key(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    level: Level,
) -> syn::Result<Option<&'static str>> {
    let key = path_key(&meta.path);
    cx.error_spanned_by(&meta.path, unknown_key_message(&key, level));
    skip_value(meta)?;
    Ok(suggestion(&key, level))
}

/// The key the user probably meant.
fn suggestion(key: &str, level: Level) -> Option<&'static str> {
    let keys = level.keys();
    ALIASES
        .iter()
        .find(|(from, to)| *from == key && keys.contains(to))
        .map(|(_, to)| *to)
        .or_else(|| did_you_mean(key, keys))
}

/// The message for an unknown `key` at `level`.
fn unknown_key_message(key: &str, level: Level) -> String {
    let keys = level.keys();
    if matches!(
        key,
        "nullable" | "null" | "not_null" | "optional" | "required"
    ) {
        return format!(
            "unknown model attribute `{key}`: nullability comes from the field type, \
             use `Option<T>` for a NULL column"
        );
    }
    if level == Level::Container && FIELD_KEYS.contains(&key) {
        return format!("`{key}` goes on a field, not on the struct");
    }
    if level == Level::Field && CONTAINER_KEYS.contains(&key) {
        return format!("`{key}` goes on the struct, not on a field");
    }
    if level == Level::Unique && matches!(key, "where" | "include" | "using") {
        return format!(
            "a unique constraint takes no `{key}`; write `index(fields = [...], unique, \
             {key} = ...)` for a unique index that has one"
        );
    }
    match suggestion(key, level) {
        Some(s) => format!("unknown model attribute `{key}`; did you mean `{s}`?"),
        None => format!(
            "unknown model attribute `{key}` {}; expected one of {}",
            level.describe(),
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::edit_distance;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("max_len", "max_length"), 3);
        assert_eq!(edit_distance("colum", "column"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("tabel", "table"), 1);
        assert_eq!(edit_distance("emial", "email"), 1);
    }

    #[test]
    fn suggestions_cover_typos_and_prefixes() {
        assert_eq!(did_you_mean("max_len", FIELD_KEYS), Some("max_length"));
        assert_eq!(did_you_mean("primay_key", FIELD_KEYS), Some("primary_key"));
        assert_eq!(did_you_mean("refs", FIELD_KEYS), None);
        assert_eq!(did_you_mean("referen", FIELD_KEYS), Some("references"));
        assert_eq!(did_you_mean("zzzzzz", FIELD_KEYS), None);
        assert_eq!(
            did_you_mean("cascde", &["cascade", "restrict"]),
            Some("cascade")
        );
    }

    #[test]
    fn unknown_key_messages_explain_the_level() {
        assert_eq!(
            unknown_key_message("table", Level::Field),
            "`table` goes on the struct, not on a field"
        );
        assert_eq!(
            unknown_key_message("primary_key", Level::Container),
            "`primary_key` goes on a field, not on the struct"
        );
        assert_eq!(
            unknown_key_message("pk", Level::Field),
            "unknown model attribute `pk`; did you mean `primary_key`?"
        );
        assert!(unknown_key_message("nullable", Level::Field).contains("Option<T>"));
        assert!(unknown_key_message("wat", Level::Check).contains("`name`, `sql`"));
    }
}
