//! A live [`Schema`] → `#[derive(Model)]` source: the inverse of
//! [`parse`](crate::parse), for `cargo schema pull`.
//!
//! Every struct is written with the attributes the model parser reads, and
//! the result is checked against that very parser: each generated struct is
//! parsed back and diffed with its live table on the dialect, and whatever
//! still differs is reported (with the reason, where one is known) instead
//! of being silently lost. So "pull, then `check`" finds nothing unless the
//! report says otherwise.
//!
//! What the model language cannot say, and is therefore reported:
//! - tables without a primary key (a model needs one);
//! - foreign keys over several columns, a second foreign key on one column,
//!   references whose table or column name `references = "table.column"`
//!   cannot spell, and `SET NULL` actions on NOT NULL columns;
//! - constraint names that differ from the ones a model derives: the
//!   primary key is always `pk_<table>`, a foreign key
//!   `fk_<table>_<column>_<ref_table>`, a check `ck_<table>_<name>`
//!   (indexes and unique constraints take any name);
//! - index entries that are not plain columns of the table.
//!
//! ```
//! use schema_core::{codegen, dialect::Dialect, Column, LogicalType, PrimaryKey, Schema, Table};
//! let table = Table {
//!     name: "order items".into(),
//!     columns: vec![Column::new("type", LogicalType::Text)],
//!     primary_key: Some(PrimaryKey { name: None, columns: vec!["type".into()] }),
//!     ..Table::default()
//! };
//! let out = codegen::generate_models(&Schema::new(vec![table]), Dialect::Sqlite);
//! assert!(out.source.contains("pub struct OrderItems"));
//! assert!(out.source.contains("pub r#type: String"));
//! assert!(out.not_modelled.is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::dialect::Dialect;
use crate::diff::diff;
use crate::model::{Column, DefaultValue, EnumType, LogicalType, ReferentialAction, Schema, Table};
use crate::naming;

/// The generated source and what it could not express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedModels {
    /// A formatted Rust file: one `#[derive(Model)]` struct per modelled
    /// table.
    pub source: String,
    /// Tables that got a struct, in struct order.
    pub tables: Vec<String>,
    /// What the structs leave out or spell differently, one entry per
    /// object; empty when the models describe the tables exactly.
    pub not_modelled: Vec<NotModelled>,
}

/// One object of the live schema that the generated models do not describe
/// exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotModelled {
    /// The table it belongs to.
    pub table: String,
    /// What is missing or different, and why.
    pub detail: String,
}

impl fmt::Display for NotModelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.table, self.detail)
    }
}

/// Rust keywords that take the raw form `r#kw` as identifiers.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing `_`.
const NON_RAW_KEYWORDS: &[&str] = &["self", "super", "crate", "Self", "_"];

/// Type names the generated file uses unqualified (or imports); a struct
/// called like one of them would shadow it.
const TAKEN_TYPE_NAMES: &[&str] = &["Model", "Option", "String", "Vec", "Some", "None"];

/// Writes one `#[derive(Model)]` struct per table of `schema` (tables
/// without a primary key are reported instead), formatted, and checks the
/// result against the model parser on `dialect`.
pub fn generate_models(schema: &Schema, dialect: Dialect) -> GeneratedModels {
    let mut not_modelled = Vec::new();
    let enums = enum_names(schema);
    let mut items: Vec<TokenStream> = enums.values().map(enum_item).collect();
    let mut tables = Vec::new();
    let mut struct_names = BTreeSet::new();
    for table in &schema.tables {
        if table
            .primary_key
            .as_ref()
            .is_none_or(|pk| pk.columns.is_empty())
        {
            not_modelled.push(NotModelled {
                table: table.name.clone(),
                detail: "table has no primary key, which a model needs; no struct was written \
                         (add a primary key, or list the table in `ignore_tables` so \
                         autogenerate leaves it alone)"
                    .to_string(),
            });
            continue;
        }
        let ident = unique_name(struct_name(&table.name), &mut struct_names);
        let mut notes = Vec::new();
        let item = table_struct(table, &ident, dialect, &enums, &mut notes);
        notes.extend(verify(table, &item, dialect, &enums, &notes));
        not_modelled.extend(notes.into_iter().map(|detail| NotModelled {
            table: table.name.clone(),
            detail,
        }));
        tables.push(table.name.clone());
        items.push(item);
    }
    for u in &schema.unmodelled {
        not_modelled.push(NotModelled {
            table: u.table.clone().unwrap_or_else(|| u.name.clone()),
            detail: format!(
                "{u}: models cannot express it, so no field or struct describes it and \
                 autogenerate leaves it alone"
            ),
        });
    }
    let uses = if enums.is_empty() {
        quote!(
            use schema_runtime::Model;
        )
    } else {
        quote!(
            use schema_runtime::{Model, ModelEnum};
        )
    };
    let file = quote! {
        //! Models of the database's tables, written by `cargo schema pull`.
        #uses
        #(#items)*
    };
    let source = match syn::parse2::<syn::File>(file.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        // Unreachable for the tokens built above; the raw text still compiles.
        Err(_) => file.to_string(),
    };
    GeneratedModels {
        source: space_items(&source),
        tables,
        not_modelled,
    }
}

/// prettyplease separates items with a single newline; a blank line
/// between structs reads better.
fn space_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 64);
    for line in source.lines() {
        if line.starts_with("#[derive") && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Parses the generated struct with the model parser and diffs it with the
/// live table; every operation left over becomes a note, unless a reason
/// recorded while generating already explains the table's differences.
fn verify(
    live: &Table,
    item: &TokenStream,
    dialect: Dialect,
    enums: &EnumNames,
    notes: &[String],
) -> Vec<String> {
    let by_rust: BTreeMap<String, Vec<EnumType>> = enums
        .values()
        .map(|(rust, ty)| (rust.clone(), vec![ty.clone()]))
        .collect();
    let parsed = syn::parse2::<syn::DeriveInput>(item.clone())
        .map_err(|e| e.to_string())
        .and_then(|input| {
            let parts = crate::parse::parse_model_parts(&input).map_err(|e| e.to_string())?;
            let mut table = parts.table;
            crate::parse::resolve_enum_fields(&mut table, &parts.enum_fields, &by_rust)
                .map_err(|e| e.to_string())?;
            Ok(table)
        });
    let model = match parsed {
        Ok(model) => model,
        Err(e) => {
            return vec![format!(
                "the generated struct does not parse as a model: {e}"
            )]
        }
    };
    let ops = diff(
        &Schema::new(vec![live.clone()]),
        &Schema::new(vec![model]),
        dialect,
    );
    if ops.is_empty() {
        return Vec::new();
    }
    let summary = dialect.render_migration(&ops).summary;
    let prefix = if notes.is_empty() {
        "the model still differs from the table"
    } else {
        "so `cargo schema check` will report"
    };
    vec![format!("{prefix}: {}", summary.join("; "))]
}

/// The enum types of a schema's columns: key (see [`enum_key`]) → the Rust
/// enum's name and its type (named by the key).
type EnumNames = BTreeMap<String, (String, EnumType)>;

/// The SQL name of a column's enum type, or `<table>_<column>` for one the
/// database does not name (MySQL).
fn enum_key(table: &str, column: &str, e: &EnumType) -> String {
    if e.name.is_empty() {
        format!("{table}_{column}")
    } else {
        e.name.clone()
    }
}

/// One Rust enum per enum type the columns use, named apart from the
/// structs.
fn enum_names(schema: &Schema) -> EnumNames {
    let structs: BTreeSet<String> = schema.tables.iter().map(|t| struct_name(&t.name)).collect();
    let mut out = EnumNames::new();
    for t in &schema.tables {
        for c in &t.columns {
            if let LogicalType::Enum(e) = &c.ty {
                let key = enum_key(&t.name, &c.name, e);
                let mut rust = struct_name(&key);
                if structs.contains(&rust) {
                    rust.push_str("Type");
                }
                let ty = EnumType::new(key.clone(), e.values.iter().cloned());
                out.entry(key).or_insert((rust, ty));
            }
        }
    }
    out
}

/// `#[derive(ModelEnum)] pub enum Status { ... }`, with `name` and
/// `rename` where the defaults would spell them otherwise.
fn enum_item((rust, ty): &(String, EnumType)) -> TokenStream {
    let ident = format_ident!("{}", rust);
    let name = (crate::parse::snake_case(rust) != ty.name).then(|| {
        let n = &ty.name;
        quote!(#[model(name = #n)])
    });
    let mut taken = BTreeSet::new();
    let variants = ty.values.iter().map(|v| {
        let variant = unique_name(struct_name(v), &mut taken);
        let ident = format_ident!("{}", variant);
        let rename =
            (crate::parse::snake_case(&variant) != *v).then(|| quote!(#[model(rename = #v)]));
        quote!(#rename #ident)
    });
    quote! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ModelEnum)]
        #name
        pub enum #ident {
            #(#variants),*
        }
    }
}

/// The struct for one table; reasons for anything it cannot express go to
/// `notes`.
fn table_struct(
    table: &Table,
    ident: &str,
    d: Dialect,
    enums: &EnumNames,
    notes: &mut Vec<String>,
) -> TokenStream {
    let fields = field_names(table);
    let field_of = |col: &str| -> Option<&str> {
        fields
            .iter()
            .find(|(c, _)| c == col)
            .map(|(_, f)| f.as_str())
    };
    let pk = table
        .primary_key
        .as_ref()
        .expect("tables without a primary key are skipped");
    // A key name other than the model's own is written out (dialects that
    // keep no key name never need it).
    let mut pk_name = None;
    if let Some(name) = &pk.name {
        let derived = d.shorten(&naming::primary_key(&table.name));
        if d.normalize_schema(&single_pk_name(table, &derived))
            != d.normalize_schema(&single_pk_name(table, name))
        {
            pk_name = Some(name.clone());
        }
    }

    let references = column_references(table, d, notes);
    let (field_indexes, struct_attrs) = index_attrs(table, &field_of, notes);

    let table_name = &table.name;
    let mut container = vec![quote!(table = #table_name)];
    if let Some(collation) = &table.collation {
        container.push(quote!(collation = #collation));
    }
    if let Some(comment) = &table.comment {
        container.push(quote!(comment = #comment));
    }
    if let Some(name) = &pk_name {
        container.push(quote!(primary_key_name = #name));
    }
    container.extend(struct_attrs);
    container.extend(check_attrs(table));

    let body = ordered_columns(table).into_iter().map(|col| {
        let field = field_of(&col.name).expect("every column has a field");
        let attrs = column_attrs(table, d, col, field, &references, &field_indexes);
        let ty = rust_type(col, &table.name, enums);
        let ident = field_ident(field);
        let attrs = (!attrs.is_empty()).then(|| quote!(#[model(#(#attrs),*)]));
        quote! {
            #attrs
            pub #ident: #ty
        }
    });
    let ident = format_ident!("{}", ident);
    let container = container.into_iter().map(|a| quote!(#[model(#a)]));
    quote! {
        #[derive(Debug, Clone, PartialEq, Model)]
        #(#container)*
        pub struct #ident {
            #(#body),*
        }
    }
}

/// A copy of `table` reduced to its primary key, named `name`: compared
/// after normalisation, so dialects that keep no key name (SQLite, MySQL)
/// never report one.
fn single_pk_name(table: &Table, name: &str) -> Schema {
    let mut pk = table.primary_key.clone().expect("checked by the caller");
    pk.name = Some(name.to_string());
    Schema::new(vec![Table {
        name: table.name.clone(),
        primary_key: Some(pk),
        ..Table::default()
    }])
}

/// Columns in declaration order, except that the primary-key columns are
/// permuted among their own positions into key order: the parser takes a
/// composite key's order from the field order.
fn ordered_columns(table: &Table) -> Vec<&Column> {
    let pk = &table
        .primary_key
        .as_ref()
        .expect("tables without a primary key are skipped")
        .columns;
    let mut key = pk.iter().filter_map(|c| table.column(c));
    table
        .columns
        .iter()
        .map(|c| {
            if pk.contains(&c.name) {
                key.next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// A field's `references`, `on_delete` and `on_update`, by column name.
struct Reference {
    target: String,
    on_delete: ReferentialAction,
    on_update: ReferentialAction,
    /// The name, when not the model's own.
    name: Option<String>,
}

/// The foreign keys a field attribute can carry; the others are noted.
fn column_references(
    table: &Table,
    d: Dialect,
    notes: &mut Vec<String>,
) -> HashMap<String, Reference> {
    let mut out: HashMap<String, Reference> = HashMap::new();
    let spellable = |s: &str| !s.is_empty() && !s.contains(['.', ' ', '\t', '"', '`']);
    for fk in &table.foreign_keys {
        let describe = || {
            format!(
                "foreign key {}({}) -> {}({})",
                fk.name
                    .as_deref()
                    .map(|n| format!("`{n}` "))
                    .unwrap_or_default(),
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            )
        };
        let ([col], [ref_col]) = (&fk.columns[..], &fk.ref_columns[..]) else {
            notes.push(format!(
                "{} is not modelled: a model's `references` covers one column",
                describe()
            ));
            continue;
        };
        if !spellable(&fk.ref_table) || !spellable(ref_col) {
            notes.push(format!(
                "{} is not modelled: `references = \"table.column\"` cannot spell a name \
                 with a dot, space or quote",
                describe()
            ));
            continue;
        }
        if out.contains_key(col) {
            notes.push(format!(
                "{} is not modelled: column `{col}` already has a foreign key, and a field \
                 takes one `references`",
                describe()
            ));
            continue;
        }
        let nullable = table.column(col).is_some_and(|c| c.nullable);
        if !nullable && [fk.on_delete, fk.on_update].contains(&ReferentialAction::SetNull) {
            notes.push(format!(
                "{} is not modelled: it says SET NULL, but column `{col}` is NOT NULL",
                describe()
            ));
            continue;
        }
        let name = fk.name.as_ref().filter(|name| {
            **name != d.shorten(&naming::foreign_key(&table.name, col, &fk.ref_table))
        });
        out.insert(
            col.clone(),
            Reference {
                target: format!("{}.{ref_col}", fk.ref_table),
                on_delete: fk.on_delete,
                on_update: fk.on_update,
                name: name.cloned(),
            },
        );
    }
    out
}

/// Field-level `unique` / `index` flags (column → which), and the
/// struct-level `index(...)` / `unique(...)` entries.
type FieldFlags = HashMap<String, (bool, bool)>;

fn index_attrs<'a>(
    table: &Table,
    field_of: &dyn Fn(&str) -> Option<&'a str>,
    notes: &mut Vec<String>,
) -> (FieldFlags, Vec<TokenStream>) {
    let single_pk = table
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1)
        .map(|pk| pk.columns[0].clone());
    let mut flags: FieldFlags = HashMap::new();
    let mut entries = Vec::new();
    let fields_of = |columns: &[String]| -> Option<Vec<&'a str>> {
        columns.iter().map(|c| field_of(c)).collect()
    };
    for uq in &table.uniques {
        let Some(fields) = fields_of(&uq.columns) else {
            notes.push(format!(
                "unique constraint `{}` is not modelled: it covers something other than columns",
                uq.name
            ));
            continue;
        };
        match &uq.columns[..] {
            [col]
                if uq.name == naming::unique(&table.name, &uq.columns)
                    && single_pk.as_ref() != Some(col) =>
            {
                flags.entry(col.clone()).or_default().0 = true;
            }
            _ => {
                let name = &uq.name;
                entries.push(quote!(unique(fields = [#(#fields),*], name = #name)));
            }
        }
    }
    for ix in &table.indexes {
        // An expression key is written as itself.
        let keys: Option<Vec<String>> = ix
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if ix.is_expression(i) {
                    Some(c.clone())
                } else {
                    field_of(c).map(str::to_string)
                }
            })
            .collect();
        let (Some(fields), Some(include)) = (keys, fields_of(&ix.include)) else {
            notes.push(format!(
                "index `{}` is not modelled: it covers something other than columns",
                ix.name
            ));
            continue;
        };
        match &ix.columns[..] {
            [col]
                if !ix.unique
                    && ix.is_plain()
                    && ix.name == naming::index(&table.name, &ix.columns)
                    && single_pk.as_ref() != Some(col) =>
            {
                flags.entry(col.clone()).or_default().1 = true;
            }
            _ => {
                let name = &ix.name;
                let keys = fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| ix.key(i).describe(f));
                let unique = ix.unique.then(|| quote!(, unique));
                let include = (!include.is_empty()).then(|| quote!(, include = [#(#include),*]));
                let using = ix.method.as_ref().map(|m| quote!(, using = #m));
                let predicate = ix.predicate.as_ref().map(|p| quote!(, where = #p));
                entries.push(quote!(index(
                    fields = [#(#keys),*], name = #name #unique #include #using #predicate
                )));
            }
        }
    }
    (flags, entries)
}

/// Struct-level `check(...)` entries. The model names a check
/// `ck_<table>_<name>`; a live name without that prefix is noted.
fn check_attrs(table: &Table) -> Vec<TokenStream> {
    let prefix = naming::check(&table.name, "");
    table
        .checks
        .iter()
        .map(|ck| {
            let sql = &ck.sql;
            match ck.name.strip_prefix(&prefix) {
                Some(suffix) if !suffix.is_empty() => quote!(check(name = #suffix, sql = #sql)),
                // A name of the schema's own is given as the constraint's.
                _ => {
                    let name = &ck.name;
                    quote!(check(name = #name, constraint = #name, sql = #sql))
                }
            }
        })
        .collect()
}

/// The `#[model(...)]` keys of one column, in a fixed order.
fn column_attrs(
    table: &Table,
    d: Dialect,
    col: &Column,
    field: &str,
    references: &HashMap<String, Reference>,
    flags: &FieldFlags,
) -> Vec<TokenStream> {
    let pk = table
        .primary_key
        .as_ref()
        .expect("tables without a primary key are skipped");
    let mut attrs = Vec::new();
    if pk.columns.contains(&col.name) {
        attrs.push(quote!(primary_key));
    }
    let typed = typed_attrs(&col.ty);
    // The parser makes a single integer key auto-increment unless told
    // otherwise, and one with an explicit `sql_type` only when told.
    let single_key = pk.columns.len() == 1 && pk.columns[0] == col.name;
    let implicit_auto = single_key && typed.sql_type.is_none() && is_integer(&col.ty);
    if single_key && col.auto_increment != implicit_auto {
        attrs.push(if col.auto_increment {
            quote!(auto_increment)
        } else {
            quote!(auto_increment = false)
        });
    }
    if field != col.name {
        let name = &col.name;
        attrs.push(quote!(column = #name));
    }
    attrs.extend(typed.tokens());
    if !(single_key && col.auto_increment) {
        if let Some(default) = &col.default {
            attrs.extend(default_attr(default, col, &typed.effective, d));
        }
    }
    let (unique, index) = flags.get(&col.name).copied().unwrap_or_default();
    if unique {
        attrs.push(quote!(unique));
    }
    if index {
        attrs.push(quote!(index));
    }
    if let Some(r) = references.get(&col.name) {
        let target = &r.target;
        attrs.push(quote!(references = #target));
        if let Some(name) = &r.name {
            attrs.push(quote!(foreign_key_name = #name));
        }
        for (key, action) in [("on_delete", r.on_delete), ("on_update", r.on_update)] {
            if action != ReferentialAction::NoAction {
                let key = format_ident!("{key}");
                let value = action_spelling(action);
                attrs.push(quote!(#key = #value));
            }
        }
    }
    if let Some(comment) = &col.comment {
        attrs.push(quote!(comment = #comment));
    }
    if let Some(on_update) = &col.on_update {
        attrs.push(quote!(on_update_sql = #on_update));
    }
    if let Some(collation) = &col.collation {
        attrs.push(quote!(collation = #collation));
    }
    if let Some(g) = &col.generated {
        let expr = &g.expr;
        attrs.push(quote!(generated = #expr));
        if g.stored {
            attrs.push(quote!(stored));
        }
    }
    attrs
}

fn action_spelling(action: ReferentialAction) -> &'static str {
    match action {
        ReferentialAction::NoAction => "no_action",
        ReferentialAction::Restrict => "restrict",
        ReferentialAction::Cascade => "cascade",
        ReferentialAction::SetNull => "set_null",
        ReferentialAction::SetDefault => "set_default",
    }
}

fn is_integer(ty: &LogicalType) -> bool {
    matches!(
        ty,
        LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt
    )
}

/// The type keys of a column: `max_length`, `precision` + `scale`, or
/// `sql_type` where the logical type has no attribute spelling.
struct TypedAttrs {
    max_length: Option<u32>,
    numeric: Option<(u32, u32)>,
    sql_type: Option<String>,
    /// The logical type the parser will produce.
    effective: LogicalType,
}

impl TypedAttrs {
    fn tokens(&self) -> Vec<TokenStream> {
        let mut out = Vec::new();
        let int = proc_macro2::Literal::u32_unsuffixed;
        if let Some(n) = self.max_length {
            let n = int(n);
            out.push(quote!(max_length = #n));
        }
        if let Some((p, s)) = self.numeric {
            let (p, s) = (int(p), int(s));
            out.push(quote!(precision = #p, scale = #s));
        }
        if let Some(sql) = &self.sql_type {
            out.push(quote!(sql_type = #sql));
        }
        out
    }
}

fn typed_attrs(ty: &LogicalType) -> TypedAttrs {
    let mut t = TypedAttrs {
        max_length: None,
        numeric: None,
        sql_type: None,
        effective: ty.clone(),
    };
    match ty {
        LogicalType::Varchar(n) if *n >= 1 => t.max_length = Some(*n),
        LogicalType::Numeric { precision, scale } if *precision >= 1 && scale <= precision => {
            t.numeric = Some((*precision, *scale))
        }
        // Written verbatim: the parser keeps `sql_type` as `Custom`, which
        // the dialect compares by the type it stores.
        LogicalType::Varchar(_) | LogicalType::Numeric { .. } => {
            let sql = ty.to_string().to_uppercase();
            t.effective = LogicalType::Custom(sql.clone());
            t.sql_type = Some(sql);
        }
        LogicalType::Custom(sql) => t.sql_type = Some(sql.clone()),
        LogicalType::Array(elem) => match array_sql_type(elem) {
            Some(sql) => {
                t.effective = LogicalType::Custom(sql.clone());
                t.sql_type = Some(sql);
            }
            // `Vec<T>` with the element's own keys (`max_length`, ...).
            None => {
                let elem = typed_attrs(elem);
                t.max_length = elem.max_length;
                t.numeric = elem.numeric;
            }
        },
        _ => {}
    }
    t
}

/// The `sql_type` of an array whose element a `Vec<T>` field cannot
/// express (a type of its own, an enum, a nested array, a length the
/// keys cannot spell); `None` when `Vec<T>` says it all.
fn array_sql_type(elem: &LogicalType) -> Option<String> {
    let elem_sql = match elem {
        LogicalType::Custom(sql) => sql.clone(),
        LogicalType::Enum(e) => e.name.clone(),
        LogicalType::Array(_) => elem.to_string().to_uppercase(),
        other => typed_attrs(other).sql_type?,
    };
    Some(format!("{elem_sql}[]"))
}

/// `default = <literal>` when a literal means the same default to the
/// dialect, else `default_sql = "..."` with the database's own text.
fn default_attr(
    default: &DefaultValue,
    col: &Column,
    ty: &LogicalType,
    d: Dialect,
) -> Option<TokenStream> {
    let sql = match default {
        DefaultValue::Sql(sql) => sql,
        // A schema built by hand rather than read from a database.
        other => return Some(literal_tokens(other)),
    };
    // A nullable column's `DEFAULT NULL` is no default at all.
    if col.nullable && d.defaults_equal(Some(default), None, ty) {
        return None;
    }
    let literal = literal_candidates(sql, ty)
        .into_iter()
        .find(|c| d.defaults_equal(Some(default), Some(c), ty));
    Some(match literal {
        Some(lit) => literal_tokens(&lit),
        None => quote!(default_sql = #sql),
    })
}

/// Literal defaults that may mean what the SQL text `sql` means for a
/// column of type `ty`, limited to the literals the parser accepts for that
/// type; the dialect decides which, if any, is equal.
fn literal_candidates(sql: &str, ty: &LogicalType) -> Vec<DefaultValue> {
    use LogicalType as T;
    let bare = sql
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let int = bare.parse::<i64>().ok();
    let in_range = |lo: i64, hi: i64| int.filter(|v| (lo..=hi).contains(v));
    let float = (bare.contains('.')
        && bare
            .trim_start_matches('-')
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then(|| bare.to_string());
    let string = quoted_string(sql);
    let mut out = Vec::new();
    match ty {
        T::Boolean => out.extend([DefaultValue::Bool(true), DefaultValue::Bool(false)]),
        T::SmallInt => {
            out.extend(in_range(i16::MIN.into(), i16::MAX.into()).map(DefaultValue::Int))
        }
        T::Integer => out.extend(in_range(i32::MIN.into(), i32::MAX.into()).map(DefaultValue::Int)),
        T::BigInt => out.extend(int.map(DefaultValue::Int)),
        T::Real | T::Double | T::Numeric { .. } => {
            out.extend(int.map(DefaultValue::Int));
            out.extend(float.map(DefaultValue::Float));
        }
        T::Varchar(n) => out.extend(
            string
                .filter(|s| s.chars().count() <= *n as usize)
                .map(DefaultValue::Str),
        ),
        T::Text
        | T::Date
        | T::Time
        | T::Timestamp
        | T::TimestampTz
        | T::Uuid
        | T::Json
        | T::Enum(_) => out.extend(string.map(DefaultValue::Str)),
        T::Custom(_) => {
            out.extend(int.map(DefaultValue::Int));
            out.extend(string.map(DefaultValue::Str));
        }
        T::Blob | T::Array(_) => {}
    }
    out
}

/// The text of a single-quoted SQL string literal, allowing a PostgreSQL
/// cast after it (`'a''b'::text` → `a'b`).
fn quoted_string(sql: &str) -> Option<String> {
    let s = sql.trim();
    let s = match s.rfind("::") {
        Some(i) if s[..i].ends_with('\'') => &s[..i],
        _ => s,
    };
    let inner = s.strip_prefix('\'')?.strip_suffix('\'')?;
    // Only a literal whose quotes are all doubled is one string.
    if inner.replace("''", "").contains('\'') || inner.contains('\\') {
        return None;
    }
    Some(inner.replace("''", "'"))
}

/// A literal default as the parser reads it back.
fn literal_tokens(default: &DefaultValue) -> TokenStream {
    match default {
        DefaultValue::Int(v) => {
            let lit = proc_macro2::Literal::i64_unsuffixed(v.unsigned_abs() as i64);
            if *v < 0 {
                quote!(default = -#lit)
            } else {
                quote!(default = #lit)
            }
        }
        DefaultValue::Float(text) => {
            let (neg, digits) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text.as_str()),
            };
            match syn::parse_str::<syn::LitFloat>(digits) {
                Ok(lit) if neg => quote!(default = -#lit),
                Ok(lit) => quote!(default = #lit),
                Err(_) => quote!(default_sql = #text),
            }
        }
        DefaultValue::Bool(b) => quote!(default = #b),
        DefaultValue::Str(s) => quote!(default = #s),
        DefaultValue::Sql(sql) => quote!(default_sql = #sql),
    }
}

/// The field's Rust type; `Option<...>` when the column is nullable.
fn rust_type(col: &Column, table: &str, enums: &EnumNames) -> TokenStream {
    let inner = match &col.ty {
        LogicalType::Enum(e) => {
            let rust = enums
                .get(&enum_key(table, &col.name, e))
                .map(|(rust, _)| rust.clone())
                .unwrap_or_else(|| struct_name(&e.name));
            let ident = format_ident!("{}", rust);
            quote!(#ident)
        }
        LogicalType::Boolean => quote!(bool),
        LogicalType::SmallInt => quote!(i16),
        LogicalType::Integer => quote!(i32),
        LogicalType::BigInt => quote!(i64),
        LogicalType::Real => quote!(f32),
        LogicalType::Double => quote!(f64),
        LogicalType::Text | LogicalType::Varchar(_) => quote!(String),
        LogicalType::Blob => quote!(Vec<u8>),
        LogicalType::Date => quote!(chrono::NaiveDate),
        LogicalType::Time => quote!(chrono::NaiveTime),
        LogicalType::Timestamp => quote!(chrono::NaiveDateTime),
        LogicalType::TimestampTz => quote!(chrono::DateTime<chrono::Utc>),
        LogicalType::Uuid => quote!(uuid::Uuid),
        LogicalType::Json => quote!(serde_json::Value),
        LogicalType::Numeric { .. } => quote!(rust_decimal::Decimal),
        LogicalType::Custom(sql) => custom_rust_type(sql),
        // What `typed_attrs` writes as `sql_type` holds text.
        LogicalType::Array(elem) if array_sql_type(elem).is_some() => quote!(Vec<String>),
        LogicalType::Array(elem) => {
            let elem = rust_type(&Column::new(&col.name, (**elem).clone()), table, enums);
            quote!(Vec<#elem>)
        }
    };
    if col.nullable {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

/// A Rust type for a database type with no logical equivalent: the
/// closest standard type (the column's SQL comes from `sql_type`, so this
/// only decides what the application holds).
fn custom_rust_type(sql: &str) -> TokenStream {
    let upper = sql.trim().to_ascii_uppercase();
    let base: String = upper
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '_')
        .collect();
    let base = base.trim();
    let unsigned = upper.contains("UNSIGNED");
    if upper.ends_with("[]") || upper.starts_with('_') {
        return quote!(Vec<String>);
    }
    let word = base.split_whitespace().next().unwrap_or("");
    match (word, unsigned) {
        ("TINYINT", false) => quote!(i8),
        ("TINYINT", true) => quote!(u8),
        ("SMALLINT" | "INT2" | "YEAR", false) => quote!(i16),
        ("SMALLINT", true) => quote!(u16),
        ("MEDIUMINT" | "INT" | "INTEGER" | "INT4", false) => quote!(i32),
        ("MEDIUMINT" | "INT" | "INTEGER", true) => quote!(u32),
        ("BIGINT" | "INT8", false) => quote!(i64),
        ("BIGINT", true) => quote!(u64),
        ("FLOAT" | "REAL" | "FLOAT4", _) => quote!(f32),
        ("DOUBLE" | "FLOAT8", _) => quote!(f64),
        ("BOOL" | "BOOLEAN", _) => quote!(bool),
        ("DATETIME" | "TIMESTAMP", _) => quote!(chrono::NaiveDateTime),
        ("DATE", _) => quote!(chrono::NaiveDate),
        ("TIME", _) => quote!(chrono::NaiveTime),
        ("BIT" | "BINARY" | "VARBINARY" | "TINYBLOB" | "MEDIUMBLOB" | "BYTEA", _) => {
            quote!(Vec<u8>)
        }
        _ => quote!(String),
    }
}

/// `order_items` / `Order Items` / `2fa` → `OrderItems` / `OrderItems` /
/// `Table2fa`.
fn struct_name(table: &str) -> String {
    let mut out = String::new();
    for word in words(table) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Table");
    }
    if NON_RAW_KEYWORDS.contains(&out.as_str()) || TAKEN_TYPE_NAMES.contains(&out.as_str()) {
        out.push_str("Table");
    }
    out
}

/// `AlbumId` / `Order Items` / `2fa` / `type` → `album_id` / `order_items`
/// / `_2fa` / `type` (written `r#type`).
fn field_name(column: &str) -> String {
    let mut out = words(column)
        .iter()
        .map(|w| snake_word(w))
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out.push_str("column");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if NON_RAW_KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// The identifier of a field name, raw for keywords.
fn field_ident(name: &str) -> syn::Ident {
    if RAW_KEYWORDS.contains(&name) {
        syn::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        format_ident!("{}", name)
    }
}

/// ASCII alphanumeric runs of `name`; everything else separates words.
fn words(name: &str) -> Vec<&str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `AlbumId` → `album_id`, `HTTPCode` → `http_code`, `already` → `already`.
fn snake_word(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                Some(p) => {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                }
                None => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Field names for every column, unique within the table.
fn field_names(table: &Table) -> Vec<(String, String)> {
    let mut taken = BTreeSet::new();
    table
        .columns
        .iter()
        .map(|c| (c.name.clone(), unique_name(field_name(&c.name), &mut taken)))
        .collect()
}

/// `name`, or `name_2`, `name_3`, ... when taken; recorded as taken.
fn unique_name(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Check, ForeignKey, Generated, Index, PrimaryKey, UniqueConstraint};
    use proptest::prelude::*;

    /// Every struct of `source`, parsed with the derive's parser.
    /// The models of a generated file, their enum fields resolved against
    /// its enums as the CLI's discovery does.
    fn parse_source(source: &str) -> Schema {
        let file = syn::parse_file(source).unwrap_or_else(|e| panic!("{e}\n{source}"));
        let mut enums: BTreeMap<String, Vec<EnumType>> = BTreeMap::new();
        for item in &file.items {
            if let syn::Item::Enum(e) = item {
                let def = crate::parse::parse_model_enum(&syn::DeriveInput::from(e.clone()))
                    .unwrap_or_else(|e| panic!("{e}\n{source}"));
                enums.entry(def.rust_name).or_default().push(def.ty);
            }
        }
        let tables = file
            .items
            .into_iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some(syn::DeriveInput::from(s)),
                _ => None,
            })
            .map(|input| {
                let parts = crate::parse::parse_model_parts(&input)
                    .unwrap_or_else(|e| panic!("{e}\n{source}"));
                let mut table = parts.table;
                crate::parse::resolve_enum_fields(&mut table, &parts.enum_fields, &enums)
                    .unwrap_or_else(|e| panic!("{e}\n{source}"));
                table
            })
            .collect();
        Schema::new(tables)
    }

    /// Generate → parse → diff on `d`: no operations, nothing reported.
    fn assert_round_trip(live: &Schema, d: Dialect) -> String {
        let out = generate_models(live, d);
        assert!(
            out.not_modelled.is_empty(),
            "{d}: {:?}\n{}",
            out.not_modelled,
            out.source
        );
        let models = parse_source(&out.source);
        let ops = diff(live, &models, d);
        assert!(ops.is_empty(), "{d}: {ops:#?}\n{}", out.source);
        out.source
    }

    fn col(name: &str, ty: LogicalType) -> Column {
        Column::new(name, ty)
    }

    fn nullable(name: &str, ty: LogicalType) -> Column {
        Column {
            nullable: true,
            ..Column::new(name, ty)
        }
    }

    fn with_default(mut c: Column, sql: &str) -> Column {
        c.default = Some(DefaultValue::Sql(sql.to_string()));
        c
    }

    fn pk(table: &str, d: Dialect, columns: &[&str]) -> Option<PrimaryKey> {
        Some(PrimaryKey {
            name: (d == Dialect::Postgres).then(|| naming::primary_key(table)),
            columns: columns.iter().map(|c| c.to_string()).collect(),
        })
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// One table of every type, nullable and not, with defaults, odd
    /// names, comments and an auto-increment key; and a child with a
    /// composite key, foreign keys with actions, indexes and checks.
    fn shop(d: Dialect) -> Schema {
        use LogicalType as T;
        let comments = d != Dialect::Sqlite;
        let mut id = col("id", T::BigInt);
        id.auto_increment = true;
        let mut items = Table {
            name: "Order Items".into(),
            columns: vec![
                id,
                col("type", T::Text),
                with_default(col("2fa", T::Boolean), "FALSE"),
                nullable("self", T::SmallInt),
                with_default(col("Qty", T::Integer), "1"),
                nullable("HTTPStatus", T::BigInt),
                col("weight", T::Real),
                with_default(col("ratio", T::Double), "1.5"),
                with_default(col("email", T::Varchar(255)), "'it''s'"),
                nullable("blob", T::Blob),
                nullable("born", T::Date),
                nullable("at", T::Time),
                with_default(col("created_at", T::Timestamp), "CURRENT_TIMESTAMP"),
                nullable("seen", T::TimestampTz),
                nullable("token", T::Uuid),
                nullable("doc", T::Json),
                with_default(
                    col(
                        "price",
                        T::Numeric {
                            precision: 10,
                            scale: 2,
                        },
                    ),
                    "0",
                ),
                nullable("mood", T::Custom("CHAR(3)".into())),
                col("match", T::Text),
                col("match_", T::Text),
            ],
            primary_key: pk("Order Items", d, &["id"]),
            uniques: vec![UniqueConstraint {
                name: "uq_Order Items_email".into(),
                columns: strings(&["email"]),
            }],
            indexes: vec![Index {
                name: "ix_Order Items_type".into(),
                columns: strings(&["type"]),
                unique: false,
                ..Default::default()
            }],
            comment: comments.then(|| "what was \"ordered\"".into()),
            ..Table::default()
        };
        if comments {
            items.columns[1].comment = Some("kind".into());
        }
        let fk = |col: &str, table: &str, on_delete, on_update| ForeignKey {
            name: (d != Dialect::Sqlite).then(|| naming::foreign_key("line", col, table)),
            columns: strings(&[col]),
            ref_table: table.into(),
            ref_columns: strings(&["id"]),
            on_delete,
            on_update,
        };
        let mysql = d == Dialect::Mysql;
        let no_action = if mysql {
            ReferentialAction::Restrict
        } else {
            ReferentialAction::NoAction
        };
        let line = Table {
            name: "line".into(),
            columns: vec![
                col("order_id", T::BigInt),
                col("n", T::Integer),
                nullable("parent_id", T::BigInt),
                col("qty", T::Integer),
            ],
            // Key order differs from column order.
            primary_key: pk("line", d, &["n", "order_id"]),
            foreign_keys: vec![
                fk("order_id", "orders", ReferentialAction::Cascade, no_action),
                fk(
                    "parent_id",
                    "orders",
                    ReferentialAction::SetNull,
                    ReferentialAction::Cascade,
                ),
            ],
            indexes: vec![
                Index {
                    name: "line_by_qty".into(),
                    columns: strings(&["qty", "n"]),
                    unique: true,
                    ..Default::default()
                },
                Index {
                    name: "ix_line_order_id".into(),
                    columns: strings(&["order_id"]),
                    unique: false,
                    ..Default::default()
                },
                Index {
                    name: "ix_line_parent_id".into(),
                    columns: strings(&["parent_id"]),
                    unique: false,
                    ..Default::default()
                },
            ],
            checks: vec![Check {
                name: "ck_line_positive".into(),
                sql: "qty > 0".into(),
            }],
            ..Table::default()
        };
        let mut order_id = col("id", T::Integer);
        order_id.auto_increment = true;
        let orders = Table {
            name: "orders".into(),
            columns: vec![order_id],
            primary_key: pk("orders", d, &["id"]),
            ..Table::default()
        };
        Schema::new(vec![items, line, orders])
    }

    /// PostgreSQL arrays come back as `Vec<T>` with the element's keys, or
    /// as `sql_type` where the element has no Rust spelling.
    #[test]
    fn array_columns_round_trip_on_postgres() {
        let d = Dialect::Postgres;
        let array = |ty: LogicalType| LogicalType::Array(Box::new(ty));
        let mut id = col("id", LogicalType::BigInt);
        id.auto_increment = true;
        let posts = Table {
            name: "posts".into(),
            columns: vec![
                id,
                with_default(col("tags", array(LogicalType::Text)), "'{}'::text[]"),
                nullable("labels", array(LogicalType::Varchar(20))),
                col("hosts", array(LogicalType::Custom("INET".into()))),
                nullable(
                    "prices",
                    array(LogicalType::Numeric {
                        precision: 8,
                        scale: 2,
                    }),
                ),
            ],
            primary_key: pk("posts", d, &["id"]),
            ..Table::default()
        };
        let source = assert_round_trip(&Schema::new(vec![posts]), d);
        for needle in [
            "default_sql = \"'{}'::text[]\")]\n    pub tags: Vec<String>,",
            "max_length = 20)]\n    pub labels: Option<Vec<String>>,",
            "sql_type = \"INET[]\")]\n    pub hosts: Vec<String>,",
            "precision = 8, scale = 2)]\n    pub prices: Option<Vec<rust_decimal::Decimal>>,",
        ] {
            assert!(source.contains(needle), "missing {needle:?} in\n{source}");
        }
    }

    #[test]
    fn generated_columns_round_trip() {
        for d in Dialect::ALL {
            let mut id = col("id", LogicalType::BigInt);
            id.auto_increment = true;
            let mut total = nullable("total", LogicalType::Double);
            total.generated = Some(Generated {
                expr: "price * qty".into(),
                stored: true,
            });
            let mut label = nullable("label", LogicalType::Text);
            label.generated = Some(Generated {
                expr: "upper(name)".into(),
                stored: d == Dialect::Postgres,
            });
            let items = Table {
                name: "items".into(),
                columns: vec![
                    id,
                    col("price", LogicalType::Double),
                    col("qty", LogicalType::Integer),
                    col("name", LogicalType::Text),
                    total,
                    label,
                ],
                primary_key: pk("items", d, &["id"]),
                ..Table::default()
            };
            let source = assert_round_trip(&Schema::new(vec![items]), d);
            assert!(
                source
                    .contains("generated = \"price * qty\", stored)]\n    pub total: Option<f64>,"),
                "{source}"
            );
            assert!(source.contains("generated = \"upper(name)\""), "{source}");
        }
    }

    #[test]
    fn every_kind_of_column_and_constraint_round_trips() {
        for d in Dialect::ALL {
            let source = assert_round_trip(&shop(d), d);
            assert!(source.contains("pub struct OrderItems"), "{source}");
            assert!(source.contains("pub r#type: String"), "{source}");
            assert!(source.contains("pub _2fa: bool"), "{source}");
            assert!(source.contains("pub self_: Option<i16>"), "{source}");
            assert!(source.contains("pub http_status: Option<i64>"), "{source}");
            assert!(source.contains("pub r#match: String"), "{source}");
            assert!(source.contains("pub match_2: String"), "{source}");
            assert!(source.contains("default = false"), "{source}");
            assert!(source.contains("default = \"it's\""), "{source}");
            assert!(
                source.contains("default_sql = \"CURRENT_TIMESTAMP\""),
                "{source}"
            );
            assert!(source.contains("sql_type = \"CHAR(3)\""), "{source}");
            assert!(source.contains("references = \"orders.id\""), "{source}");
            assert!(source.contains("on_delete = \"set_null\""), "{source}");
            assert!(source.contains("max_length = 255,"), "{source}");
        }
    }

    /// `pull` writes every index option a dialect reads back, in the
    /// attribute syntax the derive reads.
    #[test]
    fn index_options_round_trip() {
        use crate::model::{KeyOptions, NullsOrder};
        use LogicalType as T;
        let desc = KeyOptions {
            desc: true,
            ..KeyOptions::default()
        };
        for d in Dialect::ALL {
            let mut t = Table {
                name: "events".into(),
                columns: vec![
                    col("id", T::BigInt),
                    col("kind", T::Varchar(40)),
                    nullable("at", T::Timestamp),
                    col("title", T::Text),
                ],
                primary_key: pk("events", d, &["id"]),
                ..Table::default()
            };
            t.indexes.push(Index {
                keys: vec![KeyOptions::default(), desc],
                ..Index::new("ix_events_recent", strings(&["kind", "at"]), false)
            });
            // A single-column index with options is no `index` flag.
            t.indexes.push(Index {
                keys: vec![desc],
                ..Index::new("ix_events_at", strings(&["at"]), false)
            });
            match d {
                Dialect::Postgres => t.indexes.push(Index {
                    keys: vec![KeyOptions {
                        nulls: Some(NullsOrder::First),
                        ..KeyOptions::default()
                    }],
                    include: strings(&["title"]),
                    method: None,
                    predicate: Some("at IS NULL AND kind <> 'x'".into()),
                    ..Index::new("uq_events_kind", strings(&["kind"]), true)
                }),
                Dialect::Mysql => t.indexes.push(Index {
                    keys: vec![KeyOptions {
                        prefix: Some(12),
                        ..KeyOptions::default()
                    }],
                    ..Index::new("ix_events_title", strings(&["title"]), false)
                }),
                Dialect::Sqlite => t.indexes.push(Index {
                    predicate: Some("at IS NOT NULL".into()),
                    ..Index::new("ix_events_kind", strings(&["kind"]), false)
                }),
            }
            let live = d.normalize_schema(&Schema::new(vec![t]));
            let source = assert_round_trip(&live, d);
            assert!(source.contains("\"at desc\""), "{d}: {source}");
            let expected = match d {
                Dialect::Postgres => "where = \"at IS NULL AND kind <> 'x'\"",
                Dialect::Mysql => "\"title(12)\"",
                Dialect::Sqlite => "where = \"at IS NOT NULL\"",
            };
            assert!(source.contains(expected), "{d}: {source}");
        }
        let mut gin = Table {
            name: "docs".into(),
            columns: vec![col("id", T::BigInt), col("body", T::Json)],
            primary_key: pk("docs", Dialect::Postgres, &["id"]),
            ..Table::default()
        };
        gin.indexes.push(Index {
            method: Some("gin".into()),
            ..Index::new("ix_docs_body", strings(&["body"]), false)
        });
        let source = assert_round_trip(&Schema::new(vec![gin]), Dialect::Postgres);
        assert!(source.contains("using = \"gin\""), "{source}");
        // Expression keys are written as the database prints them.
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let mut folded = Table {
                name: "users".into(),
                columns: vec![col("id", T::BigInt), col("email", T::Text)],
                primary_key: pk("users", d, &["id"]),
                ..Table::default()
            };
            folded.indexes.push(Index {
                keys: vec![KeyOptions {
                    expression: true,
                    ..desc
                }],
                ..Index::new("ix_users_lower_email", strings(&["lower(email)"]), true)
            });
            let source = assert_round_trip(&Schema::new(vec![folded]), d);
            assert!(
                source.contains("fields = [\"(lower(email)) desc\"]"),
                "{d}: {source}"
            );
        }
    }

    #[test]
    fn the_source_is_formatted_and_imports_the_derive() {
        let out = generate_models(&shop(Dialect::Postgres), Dialect::Postgres);
        assert!(out
            .source
            .starts_with("//! Models of the database's tables"));
        assert!(out.source.contains("use schema_runtime::Model;\n"));
        assert!(out
            .source
            .contains("\n\n#[derive(Debug, Clone, PartialEq, Model)]\n"));
        assert_eq!(out.tables, ["Order Items", "line", "orders"]);
        // Stable: the same schema gives the same text.
        assert_eq!(
            out,
            generate_models(&shop(Dialect::Postgres), Dialect::Postgres)
        );
    }

    #[test]
    fn key_names_of_their_own_round_trip() {
        use LogicalType as T;
        for d in Dialect::ALL {
            let artist = Table {
                name: "artist".into(),
                columns: vec![col("artist_id", T::Integer)],
                primary_key: Some(PrimaryKey {
                    name: Some("artist_pkey".into()),
                    columns: strings(&["artist_id"]),
                }),
                ..Table::default()
            };
            let mut album = Table {
                name: "album".into(),
                columns: vec![col("album_id", T::Integer), col("artist_id", T::Integer)],
                primary_key: Some(PrimaryKey {
                    name: Some("album_pkey".into()),
                    columns: strings(&["album_id"]),
                }),
                ..Table::default()
            };
            album.foreign_keys.push(ForeignKey {
                name: Some("FK_AlbumArtistId".into()),
                columns: strings(&["artist_id"]),
                ref_table: "artist".into(),
                ref_columns: strings(&["artist_id"]),
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::NoAction,
            });
            let live = d.normalize_schema(&Schema::new(vec![album, artist]));
            let out = generate_models(&live, d);
            assert!(
                out.not_modelled.is_empty(),
                "{d:?}: {:#?}",
                out.not_modelled
            );
            // SQLite keeps no foreign key names.
            let keeps_name = live.tables[0].foreign_keys[0].name.is_some();
            assert_eq!(
                out.source
                    .contains("foreign_key_name = \"FK_AlbumArtistId\""),
                keeps_name,
                "{d:?}: {}",
                out.source
            );
        }
    }

    #[test]
    fn what_a_model_cannot_say_is_reported() {
        use LogicalType as T;
        let d = Dialect::Postgres;
        let mut parent = Table {
            name: "parent".into(),
            columns: vec![col("a", T::Integer), col("b", T::Integer)],
            primary_key: Some(PrimaryKey {
                name: Some("parent_pkey".into()),
                columns: strings(&["a", "b"]),
            }),
            checks: vec![Check {
                name: "parent_a_check".into(),
                sql: "a > 0".into(),
            }],
            ..Table::default()
        };
        parent.foreign_keys.push(ForeignKey {
            name: Some("parent_self".into()),
            columns: strings(&["a", "b"]),
            ref_table: "parent".into(),
            ref_columns: strings(&["a", "b"]),
            on_delete: ReferentialAction::NoAction,
            on_update: ReferentialAction::NoAction,
        });
        let keyless = Table {
            name: "log".into(),
            columns: vec![col("line", T::Text)],
            ..Table::default()
        };
        let out = generate_models(&Schema::new(vec![parent, keyless]), d);
        let text: Vec<String> = out.not_modelled.iter().map(ToString::to_string).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(has("log: table has no primary key"), "{text:#?}");
        // A key name of its own is written out, not reported.
        assert!(!has("parent_pkey"), "{text:#?}");
        assert!(
            out.source.contains("primary_key_name = \"parent_pkey\""),
            "{}",
            out.source
        );
        assert!(!has("parent_a_check"), "{text:#?}");
        assert!(
            out.source.contains("constraint = \"parent_a_check\""),
            "{}",
            out.source
        );
        assert!(
            has("foreign key `parent_self` (a, b) -> parent(a, b) is not modelled"),
            "{text:#?}"
        );
        // And what `check` would then report, from the parsed struct.
        assert!(has("so `cargo schema check` will report"), "{text:#?}");
        assert_eq!(out.tables, ["parent"]);
        assert!(!out.source.contains("struct Log"));
    }

    #[test]
    fn enum_columns_get_a_model_enum() {
        let status = EnumType::new("ticket_status", ["open", "In Progress", "done"]);
        for d in Dialect::ALL {
            // What introspection reports: a named type on PostgreSQL, an
            // unnamed `ENUM(...)` on MySQL (SQLite has text and a check).
            let (ty, default) = match d {
                Dialect::Mysql => (EnumType::new("", status.values.iter().cloned()), "'open'"),
                _ => (status.clone(), "'open'::ticket_status"),
            };
            let table = |name: &str| Table {
                name: name.into(),
                columns: vec![
                    col("id", LogicalType::BigInt),
                    with_default(col("status", LogicalType::Enum(ty.clone())), default),
                ],
                primary_key: pk(name, d, &["id"]),
                ..Table::default()
            };
            if d == Dialect::Sqlite {
                continue;
            }
            let live =
                d.normalize_schema(&Schema::new(vec![table("tickets"), table("ticket_status")]));
            let source = assert_round_trip(&live, d);
            assert!(
                source.contains("use schema_runtime::{Model, ModelEnum};"),
                "{source}"
            );
            assert!(
                source.contains("#[model(rename = \"In Progress\")]"),
                "{source}"
            );
            assert!(source.contains("#[model(default = \"open\")]"), "{source}");
            if d == Dialect::Postgres {
                // Named apart from the struct of the table `ticket_status`.
                assert!(
                    source
                        .contains("#[model(name = \"ticket_status\")]\npub enum TicketStatusType"),
                    "{source}"
                );
                assert!(source.contains("pub status: TicketStatusType"), "{source}");
            } else {
                assert!(source.contains("pub enum TicketsStatus {"), "{source}");
            }
        }
    }

    #[test]
    fn names_become_identifiers() {
        assert_eq!(struct_name("order_items"), "OrderItems");
        assert_eq!(struct_name("Order Items"), "OrderItems");
        assert_eq!(struct_name("InvoiceLine"), "InvoiceLine");
        assert_eq!(struct_name("2fa"), "Table2fa");
        assert_eq!(struct_name("model"), "ModelTable");
        assert_eq!(struct_name("--"), "Table");
        assert_eq!(field_name("AlbumId"), "album_id");
        assert_eq!(field_name("HTTPStatus"), "http_status");
        assert_eq!(field_name("Order Items"), "order_items");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("ümlaut"), "mlaut");
        assert_eq!(field_ident("type").to_string(), "r#type");
    }

    fn arb_type() -> impl Strategy<Value = LogicalType> {
        use LogicalType as T;
        prop_oneof![
            Just(T::Boolean),
            Just(T::SmallInt),
            Just(T::Integer),
            Just(T::BigInt),
            Just(T::Real),
            Just(T::Double),
            Just(T::Text),
            (1u32..500).prop_map(T::Varchar),
            Just(T::Blob),
            Just(T::Date),
            Just(T::Time),
            Just(T::Timestamp),
            Just(T::TimestampTz),
            Just(T::Uuid),
            Just(T::Json),
            (1u32..30, 0u32..10)
                .prop_filter("scale <= precision", |(p, s)| s <= p)
                .prop_map(|(precision, scale)| T::Numeric { precision, scale }),
            Just(T::Custom("CHAR(2)".into())),
        ]
    }

    /// A default the type accepts, as a database reports it.
    fn default_for(ty: &LogicalType, pick: u8) -> Option<String> {
        use LogicalType as T;
        let text = match (ty, pick % 3) {
            (_, 0) => return None,
            (T::Boolean, 1) => "TRUE",
            (T::Boolean, _) => "FALSE",
            (T::SmallInt | T::Integer | T::BigInt, 1) => "-7",
            (T::Real | T::Double | T::Numeric { .. }, 1) => "2.5",
            (T::SmallInt | T::Integer | T::BigInt | T::Real | T::Double | T::Numeric { .. }, _) => {
                "0"
            }
            (T::Text | T::Custom(_), _) => "'x y'",
            (T::Varchar(_), _) => "'v'",
            (T::Timestamp | T::TimestampTz, _) => "CURRENT_TIMESTAMP",
            _ => return None,
        };
        Some(text.to_string())
    }

    const NAMES: &[&str] = &[
        "id",
        "type",
        "Order Items",
        "2fa",
        "AlbumId",
        "album_id",
        "self",
        "fn",
        "x",
        "Value",
        "a-b",
        "Ω",
    ];

    /// A column: name index, type, nullable, default pick.
    type ArbColumn = (usize, LogicalType, bool, u8);

    /// Columns, key length, whether to add an index.
    fn arb_table() -> impl Strategy<Value = (Vec<ArbColumn>, usize, bool)> {
        (
            prop::collection::vec(
                (0..NAMES.len(), arb_type(), any::<bool>(), any::<u8>()),
                1..8,
            ),
            1usize..3,
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn generated_models_parse_back_to_the_same_table(
            (cols, key_len, index) in arb_table(),
            table in 0..NAMES.len(),
            dialect in 0usize..3,
        ) {
            let d = Dialect::ALL[dialect];
            let mut columns: Vec<Column> = Vec::new();
            for (name, ty, null, pick) in cols {
                // Distinct column names; names that only differ in
                // punctuation still get distinct fields.
                let name = format!("{}{}", NAMES[name], columns.len());
                let mut c = Column::new(name, ty.clone());
                c.nullable = null;
                c.default = default_for(&ty, pick).map(DefaultValue::Sql);
                columns.push(c);
            }
            let key_len = key_len.min(columns.len());
            let key: Vec<String> = columns[..key_len].iter().map(|c| c.name.clone()).collect();
            for c in columns.iter_mut().take(key_len) {
                c.nullable = false;
            }
            let name = NAMES[table].to_string();
            let indexes = if index {
                vec![Index {
                    name: format!("idx_{}", columns.len()),
                    columns: columns.iter().rev().take(2).map(|c| c.name.clone()).collect(),
                    unique: columns.len() % 2 == 0,
                    ..Default::default()
                }]
            } else {
                Vec::new()
            };
            let live = Table {
                primary_key: Some(PrimaryKey {
                    name: (d == Dialect::Postgres).then(|| naming::primary_key(&name)),
                    columns: key,
                }),
                name,
                columns,
                indexes,
                ..Table::default()
            };
            let live = Schema::new(vec![live]);
            let out = generate_models(&live, d);
            prop_assert!(out.not_modelled.is_empty(), "{:?}\n{}", out.not_modelled, out.source);
            let models = parse_source(&out.source);
            let ops = diff(&live, &models, d);
            prop_assert!(ops.is_empty(), "{d}: {ops:#?}\n{}", out.source);
        }
    }
}
