//! `DeriveInput` → [`Table`]: resolves each field to a column, then applies
//! the rules that span several keys or fields (primary key, auto-increment,
//! foreign keys, indexes, duplicate names).

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, FieldsNamed, Ident, LitStr, Type};

use super::attr::{Attr, ContainerAttrs, FieldAttrs, IndexAttr, KeySpec};
use super::case::snake_case;
use super::ctxt::Ctxt;
use super::enum_def::EnumField;
use super::types::{self, RustType};
use crate::model::{
    Check, Column, DefaultValue, EnumType, ForeignKey, Generated, Index, LogicalType, PrimaryKey,
    Table, UniqueConstraint,
};
use crate::naming;
use crate::suggest::did_you_mean;

/// One field of the struct while the table is built.
struct FieldInfo<'a> {
    ident: &'a Ident,
    /// The field name without `r#`.
    name: String,
    ty: &'a Type,
    attrs: FieldAttrs,
    /// `None` for `#[model(skip)]` fields.
    column: Option<Column>,
}

/// Builds the table, recording every mistake in `cx`. The result is only
/// meaningful when `cx` holds no errors.
pub(crate) fn build(cx: &Ctxt, input: &DeriveInput) -> (Table, Vec<EnumField>) {
    let container = ContainerAttrs::from_attrs(cx, &input.attrs);
    let struct_name = input.ident.unraw().to_string();
    let name = container
        .table
        .get()
        .map(LitStr::value)
        .unwrap_or_else(|| snake_case(&struct_name));
    let mut table = Table {
        name,
        struct_name: Some(struct_name),
        renamed_from: container.renamed_from.get().cloned(),
        comment: container.comment.get().cloned(),
        collation: container.collation.get().cloned(),
        ..Table::default()
    };
    // Fields of a generic type would only add follow-up errors.
    let Some(named) = named_fields(cx, input).filter(|_| generics_ok(cx, input)) else {
        return (table, Vec::new());
    };
    let mut fields: Vec<FieldInfo> = named.named.iter().map(|f| field_info(cx, f)).collect();
    check_duplicate_columns(cx, &fields);
    let pk = primary_key_fields(cx, &input.ident, &fields);
    assign_auto_increment(cx, &pk, &mut fields);
    if !pk.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: Some(
                container
                    .primary_key_name
                    .get()
                    .cloned()
                    .unwrap_or_else(|| naming::primary_key(&table.name)),
            ),
            columns: pk.iter().filter_map(|&i| column_name(&fields[i])).collect(),
        });
    }
    table.columns = fields.iter().filter_map(|f| f.column.clone()).collect();
    table.foreign_keys = foreign_keys(cx, &table.name, &fields);

    let mut names = HashMap::new();
    column_indexes(cx, &mut table, &fields, &pk, &mut names);
    struct_indexes(cx, &mut table, &container, &fields, &mut names);
    table.checks = checks(cx, &table.name, &container);
    (table, enum_fields(&fields))
}

/// The fields taken for `#[derive(ModelEnum)]` enums.
fn enum_fields(fields: &[FieldInfo]) -> Vec<EnumField> {
    fields
        .iter()
        .filter_map(|f| {
            let col = f.column.as_ref()?;
            if !matches!(col.ty, LogicalType::Enum(_)) {
                return None;
            }
            let inner = types::option_inner(f.ty).unwrap_or(f.ty);
            let default = match (&col.default, f.attrs.default.present()) {
                (Some(DefaultValue::Str(s)), true) => {
                    Some((s.clone(), f.attrs.default.value_tokens()))
                }
                _ => None,
            };
            Some(EnumField {
                column: col.name.clone(),
                ty: types::strip(inner).clone(),
                default,
            })
        })
        .collect()
}

fn generics_ok(cx: &Ctxt, input: &DeriveInput) -> bool {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(Model)] does not support generic structs: a table has one fixed set of columns",
        );
    } else if let Some(where_clause) = &input.generics.where_clause {
        cx.error_spanned_by(
            where_clause,
            "#[derive(Model)] does not support `where` clauses on a model",
        );
    } else {
        return true;
    }
    false
}

fn named_fields<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<&'a FieldsNamed> {
    let ident = &input.ident;
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) if named.named.is_empty() => {
                cx.error_spanned_by(
                    ident,
                    format!("`{ident}` has no fields: a model needs named fields, one per column"),
                );
                None
            }
            Fields::Named(named) => Some(named),
            Fields::Unnamed(unnamed) => {
                cx.error_spanned_by(
                    unnamed,
                    "#[derive(Model)] does not support tuple structs: use named fields, one per column",
                );
                None
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    ident,
                    format!("`{ident}` has no fields: a model needs named fields, one per column"),
                );
                None
            }
        },
        Data::Enum(e) => {
            cx.error_spanned_by(
                e.enum_token,
                "#[derive(Model)] only supports structs with named fields, not enums",
            );
            None
        }
        Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "#[derive(Model)] only supports structs with named fields, not unions",
            );
            None
        }
    }
}

fn field_info<'a>(cx: &Ctxt, field: &'a syn::Field) -> FieldInfo<'a> {
    let attrs = FieldAttrs::from_attrs(cx, &field.attrs);
    let ident = field
        .ident
        .as_ref()
        .expect("only named fields reach field_info");
    let name = ident.unraw().to_string();
    let mut info = FieldInfo {
        ident,
        name,
        ty: &field.ty,
        attrs,
        column: None,
    };
    if info.attrs.skip.present() {
        for key in info.attrs.keys().iter().filter(|k| k.key != "skip") {
            cx.error_spanned_by(
                &key.tokens,
                format!(
                    "`skip` cannot be combined with `{}`: a skipped field has no column",
                    key.key
                ),
            );
        }
        return info;
    }
    info.column = Some(column(cx, &info));
    info
}

fn column(cx: &Ctxt, f: &FieldInfo) -> Column {
    let (nullable, inner) = match types::option_inner(f.ty) {
        Some(inner) => (true, inner),
        None => (false, f.ty),
    };
    let ty = column_type(cx, f, inner);
    let default = column_default(cx, f, &ty);
    if f.attrs.collation.present() && !collatable(&ty) {
        cx.error_spanned_by(
            f.attrs.collation.key_tokens(),
            format!(
                "`collation` applies only to text: `String` fields (or `Vec<String>`), enums \
                 and `sql_type` columns; `{}` is `{}`",
                f.name,
                types::display(inner)
            ),
        );
    }
    Column {
        name: f
            .attrs
            .column
            .get()
            .map(LitStr::value)
            .unwrap_or_else(|| f.name.clone()),
        field: Some(f.name.clone()),
        ty,
        nullable,
        default,
        auto_increment: false,
        renamed_from: f.attrs.renamed_from.get().cloned(),
        comment: f.attrs.comment.get().cloned(),
        collation: f.attrs.collation.get().cloned(),
        on_update: f.attrs.on_update_sql.get().cloned(),
        key_generation: None,
        generated: generated(cx, f),
    }
}

/// `generated = "..."` (with `stored`): a column the database computes, so
/// nothing else may say how its value is made.
fn generated(cx: &Ctxt, f: &FieldInfo) -> Option<Generated> {
    let a = &f.attrs;
    let Some(expr) = a.generated.get() else {
        if a.stored.present() {
            cx.error_spanned_by(
                a.stored.key_tokens(),
                format!(
                    "`stored` applies only to a generated column; give `{}` its expression \
                     with `generated = \"...\"`, or remove `stored`",
                    f.name
                ),
            );
        }
        return None;
    };
    let no_default = "a generated column has no default: the database computes every value";
    let conflicts = [
        (
            a.default.present(),
            a.default.key(),
            a.default.key_tokens(),
            no_default,
        ),
        (
            a.default_sql.present(),
            a.default_sql.key(),
            a.default_sql.key_tokens(),
            no_default,
        ),
        (
            a.on_update_sql.present(),
            a.on_update_sql.key(),
            a.on_update_sql.key_tokens(),
            "a generated column is recomputed on every update already",
        ),
        (
            a.primary_key.present(),
            a.primary_key.key(),
            a.primary_key.key_tokens(),
            "a generated column cannot be (part of) the primary key: SQLite and PostgreSQL \
             refuse it",
        ),
    ];
    for (present, key, tokens, why) in conflicts {
        if present {
            cx.error_spanned_by(
                tokens,
                format!("`{key}` cannot be combined with `generated`: {why}"),
            );
        }
    }
    Some(Generated {
        expr: expr.clone(),
        stored: a.stored.present(),
    })
}

fn column_type(cx: &Ctxt, f: &FieldInfo, inner: &Type) -> LogicalType {
    let a = &f.attrs;
    if a.sql_type.present() {
        for (attr, example) in [
            (&a.max_length, "VARCHAR(255)"),
            (&a.precision, "NUMERIC(10,2)"),
            (&a.scale, "NUMERIC(10,2)"),
        ] {
            if attr.present() {
                cx.error_spanned_by(
                    attr.key_tokens(),
                    format!(
                        "`{}` has no effect together with `sql_type`; write the full type instead, \
                         e.g. `sql_type = \"{example}\"`",
                        attr.key()
                    ),
                );
            }
        }
        return LogicalType::Custom(a.sql_type.get().cloned().unwrap_or_default());
    }
    if let Some(elem) = types::array_element(inner) {
        return array_type(cx, f, inner, elem);
    }
    let Some(kind) = types::classify(inner) else {
        if types::enum_candidate(inner) {
            return enum_placeholder(cx, f, inner);
        }
        let hint = types::unsupported_hint(inner)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        cx.error_spanned_by(
            f.ty,
            format!(
                "unsupported type `{}` for field `{}`{hint}; give its SQL type with \
                 `#[model(sql_type = \"...\")]`, or leave the field out of the table with \
                 `#[model(skip)]`",
                types::display(inner),
                f.name
            ),
        );
        return LogicalType::Custom(types::display(inner));
    };
    scalar_type(cx, f, inner, kind)
}

/// Whether a column of `ty` can have a collation: text, what holds text,
/// and a `sql_type` the database judges.
fn collatable(ty: &LogicalType) -> bool {
    match ty {
        LogicalType::Text
        | LogicalType::Varchar(_)
        | LogicalType::Enum(_)
        | LogicalType::Custom(_) => true,
        LogicalType::Array(elem) => collatable(elem),
        _ => false,
    }
}

/// The type of a `Vec<T>` field, `T` not `u8`: an array of `T`'s type, the
/// field's `max_length`, `precision` and `scale` applying to the elements.
fn array_type(cx: &Ctxt, f: &FieldInfo, inner: &Type, elem: &Type) -> LogicalType {
    let refuse = |why: String| {
        cx.error_spanned_by(
            f.ty,
            format!(
                "unsupported type `{}` for field `{}`: {why}; give its SQL type with \
                 `#[model(sql_type = \"...\")]`, or leave the field out of the table with \
                 `#[model(skip)]`",
                types::display(inner),
                f.name
            ),
        );
        LogicalType::Custom(types::display(inner))
    };
    if types::array_element(elem).is_some() {
        return refuse(
            "arrays of arrays have no type of their own (a PostgreSQL array column holds any \
             number of dimensions as `T[]`: use `Vec<T>`)"
                .into(),
        );
    }
    match types::classify(elem) {
        Some(kind) => LogicalType::Array(Box::new(scalar_type(cx, f, elem, kind))),
        None if types::enum_candidate(elem) => refuse(format!(
            "arrays of enums are not supported; an enum type's array is spelled `{}[]` \
             in `sql_type`",
            types::display(elem)
        )),
        None => {
            let hint = types::unsupported_hint(elem)
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            refuse(format!(
                "its elements, `{}`, have no column type{hint}",
                types::display(elem)
            ))
        }
    }
}

/// The type of a field of a supported scalar Rust type, checking that its
/// type keys suit it.
fn scalar_type(cx: &Ctxt, f: &FieldInfo, inner: &Type, kind: RustType) -> LogicalType {
    let a = &f.attrs;
    if kind != RustType::String && a.max_length.present() {
        cx.error_spanned_by(
            a.max_length.key_tokens(),
            format!(
                "`max_length` applies only to `String` fields; `{}` is `{}`",
                f.name,
                types::display(inner)
            ),
        );
    }
    if kind != RustType::Decimal {
        for attr in [&a.precision, &a.scale] {
            if attr.present() {
                cx.error_spanned_by(
                    attr.key_tokens(),
                    format!(
                        "`{}` applies only to `Decimal` / `BigDecimal` fields; `{}` is `{}`",
                        attr.key(),
                        f.name,
                        types::display(inner)
                    ),
                );
            }
        }
    }
    match kind {
        RustType::Bool => LogicalType::Boolean,
        RustType::I16 => LogicalType::SmallInt,
        RustType::I32 => LogicalType::Integer,
        RustType::I64 => LogicalType::BigInt,
        RustType::F32 => LogicalType::Real,
        RustType::F64 => LogicalType::Double,
        RustType::String => match a.max_length.get() {
            Some(&n) => LogicalType::Varchar(n),
            None => LogicalType::Text,
        },
        RustType::Bytes => LogicalType::Blob,
        RustType::Date => LogicalType::Date,
        RustType::Time => LogicalType::Time,
        RustType::Timestamp => LogicalType::Timestamp,
        RustType::TimestampTz => LogicalType::TimestampTz,
        RustType::Uuid => LogicalType::Uuid,
        RustType::Json => LogicalType::Json,
        RustType::Decimal => decimal(cx, f, inner),
    }
}

/// The type of a field taken for a `#[derive(ModelEnum)]` enum: named after
/// the enum, its values filled in later (see `enum_def`).
fn enum_placeholder(cx: &Ctxt, f: &FieldInfo, inner: &Type) -> LogicalType {
    let a = &f.attrs;
    for attr in [&a.precision, &a.scale] {
        if attr.present() {
            cx.error_spanned_by(
                attr.key_tokens(),
                format!(
                    "`{}` applies only to `Decimal` / `BigDecimal` fields; `{}` is `{}`",
                    attr.key(),
                    f.name,
                    types::display(inner)
                ),
            );
        }
    }
    if a.max_length.present() {
        cx.error_spanned_by(
            a.max_length.key_tokens(),
            format!(
                "`max_length` applies only to `String` fields; `{}` is `{}`, an enum \
                 (#[derive(ModelEnum)]) whose values decide what it holds",
                f.name,
                types::display(inner)
            ),
        );
    }
    let name = match types::strip(inner) {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| snake_case(&s.ident.unraw().to_string()))
            .unwrap_or_default(),
        _ => String::new(),
    };
    LogicalType::Enum(EnumType::new(name, Vec::<String>::new()))
}

/// `Numeric(p, s)` from the required `precision` and `scale`.
fn decimal(cx: &Ctxt, f: &FieldInfo, inner: &Type) -> LogicalType {
    let a = &f.attrs;
    match (a.precision.present(), a.scale.present()) {
        (false, false) => cx.error_spanned_by(
            f.ty,
            format!(
                "`{}: {}` needs `precision` and `scale`, e.g. `#[model(precision = 10, scale = 2)]`",
                f.name,
                types::display(inner)
            ),
        ),
        (true, false) => cx.error_spanned_by(
            a.precision.key_tokens(),
            "`precision` without `scale`: add `scale = N`, the digits after the decimal point",
        ),
        (false, true) => cx.error_spanned_by(
            a.scale.key_tokens(),
            "`scale` without `precision`: add `precision = N`, the total number of digits",
        ),
        (true, true) => {}
    }
    let (precision, scale) = match (a.precision.get(), a.scale.get()) {
        (Some(&p), Some(&s)) => (p, s),
        _ => (0, 0),
    };
    if scale > precision && precision > 0 {
        cx.error_spanned_by(
            a.scale.value_tokens(),
            format!("`scale` ({scale}) cannot exceed `precision` ({precision})"),
        );
    }
    LogicalType::Numeric { precision, scale }
}

fn column_default(cx: &Ctxt, f: &FieldInfo, ty: &LogicalType) -> Option<DefaultValue> {
    let a = &f.attrs;
    if a.default.present() && a.default_sql.present() {
        cx.error_spanned_by(
            later(&a.default, &a.default_sql),
            "`default` and `default_sql` cannot both be set: `default` takes a literal, \
             `default_sql` an SQL expression",
        );
        return None;
    }
    if let Some(sql) = a.default_sql.get() {
        return Some(DefaultValue::Sql(sql.clone()));
    }
    let value = a.default.get()?;
    if let Err(hint) = default_fits(ty, value) {
        cx.error_spanned_by(
            a.default.value_tokens(),
            format!("this default does not fit `{}` ({ty}): {hint}", f.name),
        );
        return None;
    }
    Some(value.clone())
}

/// Whether a literal default suits the column type; the error is a hint.
fn default_fits(ty: &LogicalType, value: &DefaultValue) -> Result<(), String> {
    use DefaultValue as D;
    use LogicalType as T;
    let int_range = |v: i64, lo: i64, hi: i64, name: &str| {
        if (lo..=hi).contains(&v) {
            Ok(())
        } else {
            Err(format!("{v} is out of range for `{name}`"))
        }
    };
    match (ty, value) {
        (T::Custom(_), _) | (_, D::Sql(_)) => Ok(()),
        (T::Enum(e), v) => super::enum_def::default_fits_enum(e, v),
        (T::Boolean, D::Bool(_)) => Ok(()),
        (T::Boolean, _) => Err("use `default = true` or `default = false`".into()),
        (T::SmallInt, D::Int(v)) => int_range(*v, i16::MIN.into(), i16::MAX.into(), "i16"),
        (T::Integer, D::Int(v)) => int_range(*v, i32::MIN.into(), i32::MAX.into(), "i32"),
        (T::BigInt, D::Int(_)) => Ok(()),
        (T::SmallInt | T::Integer | T::BigInt, _) => Err("use an integer literal".into()),
        (T::Real | T::Double | T::Numeric { .. }, D::Int(_) | D::Float(_)) => Ok(()),
        (T::Real | T::Double | T::Numeric { .. }, _) => Err("use a number literal".into()),
        (T::Varchar(n), D::Str(s)) if s.chars().count() > *n as usize => {
            Err(format!("the string is longer than `max_length = {n}`"))
        }
        (
            T::Text
            | T::Varchar(_)
            | T::Date
            | T::Time
            | T::Timestamp
            | T::TimestampTz
            | T::Uuid
            | T::Json,
            D::Str(_),
        ) => Ok(()),
        (T::Blob, _) => Err("binary columns take `default_sql = \"...\"`".into()),
        (T::Array(_), _) => Err(
            "an array default is SQL: `default_sql = \"'{}'\"` (empty), or \
             `default_sql = \"'{a,b}'\"`"
                .into(),
        ),
        _ => Err("use a string literal, or `default_sql = \"...\"` for an SQL expression".into()),
    }
}

/// The key of two that was written later, to blame for a conflict.
fn later<A, B>(a: &Attr<A>, b: &Attr<B>) -> TokenStream {
    if a.seq() > b.seq() {
        a.key_tokens()
    } else {
        b.key_tokens()
    }
}

fn column_name(f: &FieldInfo) -> Option<String> {
    f.column.as_ref().map(|c| c.name.clone())
}

fn check_duplicate_columns(cx: &Ctxt, fields: &[FieldInfo]) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for f in fields {
        let Some(col) = &f.column else { continue };
        if let Some(other) = seen.get(&col.name) {
            let msg = format!(
                "column `{}` is already used by field `{other}`; give one of them another \
                 `column = \"...\"`",
                col.name
            );
            if f.attrs.column.present() {
                cx.error_spanned_by(f.attrs.column.value_tokens(), msg);
            } else {
                cx.error_spanned_by(f.ident, msg);
            }
        } else {
            seen.insert(col.name.clone(), &f.name);
        }
    }
}

/// Indices of the primary-key fields: those marked `primary_key`, else the
/// field named `id`.
fn primary_key_fields(cx: &Ctxt, struct_ident: &Ident, fields: &[FieldInfo]) -> Vec<usize> {
    let marked: Vec<usize> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.attrs.primary_key.present() && f.column.is_some())
        .map(|(i, _)| i)
        .collect();
    let implicit = marked.is_empty();
    let pk = if !implicit {
        marked
    } else if let Some(i) = fields
        .iter()
        .position(|f| f.name == "id" && f.column.is_some())
    {
        vec![i]
    } else {
        // A skipped or misspelt `primary_key` already has its own error.
        if !fields
            .iter()
            .any(|f| f.attrs.primary_key.present() || f.attrs.suggested.contains(&"primary_key"))
        {
            cx.error_spanned_by(
                struct_ident,
                format!(
                    "`{struct_ident}` has no primary key: mark a field with \
                     `#[model(primary_key)]`, or name it `id`"
                ),
            );
        }
        return Vec::new();
    };
    for &i in &pk {
        let f = &fields[i];
        if f.column.as_ref().is_some_and(|c| c.nullable) {
            let why = if implicit {
                "`id` is the primary key (the field named `id`)".to_string()
            } else {
                format!("`{}` is part of the primary key", f.name)
            };
            cx.error_spanned_by(
                f.ty,
                format!("{why}, so it cannot be an `Option`: primary key columns are NOT NULL"),
            );
        }
    }
    if let [i] = pk[..] {
        let a = &fields[i].attrs;
        for (attr, what) in [(&a.unique, "unique"), (&a.index, "indexed")] {
            if attr.present() {
                cx.error_spanned_by(
                    attr.key_tokens(),
                    format!(
                        "`{}` is redundant on the primary key: it is already {what}",
                        attr.key()
                    ),
                );
            }
        }
    }
    pk
}

/// A single integer primary key auto-increments unless `auto_increment =
/// false`; `auto_increment` anywhere else is an error.
fn assign_auto_increment(cx: &Ctxt, pk: &[usize], fields: &mut [FieldInfo]) {
    let mut first_auto: Option<String> = None;
    for (i, f) in fields.iter().enumerate() {
        let attr = &f.attrs.auto_increment;
        if !attr.present() || f.column.is_none() {
            continue;
        }
        if !pk.contains(&i) {
            cx.error_spanned_by(
                attr.key_tokens(),
                format!(
                    "`auto_increment` applies only to the primary key, and `{}` is not part of it",
                    f.name
                ),
            );
            continue;
        }
        if attr.get() != Some(&true) {
            continue;
        }
        if let Some(first) = &first_auto {
            cx.error_spanned_by(
                attr.key_tokens(),
                format!("only one field can be `auto_increment`, and `{first}` already is"),
            );
            continue;
        }
        first_auto = Some(f.name.clone());
        if pk.len() > 1 {
            cx.error_spanned_by(
                attr.key_tokens(),
                "a composite primary key cannot auto-increment; remove `auto_increment`",
            );
        } else if !f.attrs.sql_type.present() && !is_integer(f) {
            cx.error_spanned_by(
                attr.key_tokens(),
                format!(
                    "`auto_increment` needs an integer primary key (`i16`, `i32` or `i64`); \
                     `{}` is `{}`",
                    f.name,
                    types::display(f.ty)
                ),
            );
        }
    }
    let [i] = pk[..] else { return };
    let f = &mut fields[i];
    let attr = &f.attrs.auto_increment;
    let auto = match attr.get() {
        Some(&explicit) => explicit && (f.attrs.sql_type.present() || is_integer(f)),
        None => !attr.present() && !f.attrs.sql_type.present() && is_integer(f),
    };
    if !auto {
        return;
    }
    let defaults = [
        (f.attrs.default.present(), f.attrs.default.key_tokens()),
        (
            f.attrs.default_sql.present(),
            f.attrs.default_sql.key_tokens(),
        ),
    ];
    for (present, key) in defaults {
        if present {
            cx.error_spanned_by(
                key,
                format!(
                    "`{}` auto-increments, so it cannot have a default; add \
                     `auto_increment = false` to supply its values yourself",
                    f.name
                ),
            );
        }
    }
    if let Some(col) = &mut f.column {
        col.auto_increment = true;
    }
}

fn is_integer(f: &FieldInfo) -> bool {
    let inner = types::option_inner(f.ty).unwrap_or(f.ty);
    types::classify(inner).is_some_and(RustType::is_integer)
}

fn foreign_keys(cx: &Ctxt, table: &str, fields: &[FieldInfo]) -> Vec<ForeignKey> {
    let mut out = Vec::new();
    for f in fields {
        let Some(col) = &f.column else { continue };
        let a = &f.attrs;
        if !a.references.present() {
            if a.foreign_key_name.present() {
                cx.error_spanned_by(
                    a.foreign_key_name.key_tokens(),
                    "`foreign_key_name` needs `references = \"table.column\"` on the same field",
                );
            }
            for attr in [&a.on_delete, &a.on_update] {
                if attr.present() {
                    cx.error_spanned_by(
                        attr.key_tokens(),
                        format!(
                            "`{}` needs `references = \"table.column\"` on the same field",
                            attr.key()
                        ),
                    );
                }
            }
            continue;
        }
        for attr in [&a.on_delete, &a.on_update] {
            if attr.get() == Some(&crate::model::ReferentialAction::SetNull) && !col.nullable {
                cx.error_spanned_by(
                    attr.value_tokens(),
                    format!(
                        "\"set_null\" needs a nullable column: make `{}` an `Option<...>`",
                        f.name
                    ),
                );
            }
        }
        let Some((ref_table, ref_column)) = a.references.get() else {
            continue;
        };
        out.push(ForeignKey {
            name: Some(
                a.foreign_key_name
                    .get()
                    .cloned()
                    .unwrap_or_else(|| naming::foreign_key(table, &col.name, ref_table)),
            ),
            columns: vec![col.name.clone()],
            ref_table: ref_table.clone(),
            ref_columns: vec![ref_column.clone()],
            on_delete: a.on_delete.get().copied().unwrap_or_default(),
            on_update: a.on_update.get().copied().unwrap_or_default(),
        });
    }
    out
}

/// Records `name` as taken; a second use is an error at `tokens`.
fn claim_name(cx: &Ctxt, names: &mut HashMap<String, ()>, name: &str, tokens: TokenStream) {
    if names.insert(name.to_string(), ()).is_some() {
        cx.error_spanned_by(
            tokens,
            format!(
                "the name `{name}` is already used by another index or unique constraint; \
                 give this one its own `name = \"...\"`"
            ),
        );
    }
}

/// Field-level `unique` and `index`.
fn column_indexes(
    cx: &Ctxt,
    table: &mut Table,
    fields: &[FieldInfo],
    pk: &[usize],
    names: &mut HashMap<String, ()>,
) {
    for (i, f) in fields.iter().enumerate() {
        let Some(col) = &f.column else { continue };
        // Already reported as redundant.
        if pk == [i] {
            continue;
        }
        let columns = vec![col.name.clone()];
        if f.attrs.unique.present() {
            let name = naming::unique(&table.name, &columns);
            claim_name(cx, names, &name, f.attrs.unique.key_tokens());
            table.uniques.push(UniqueConstraint {
                name,
                columns: columns.clone(),
            });
        }
        if f.attrs.index.present() {
            let name = naming::index(&table.name, &columns);
            claim_name(cx, names, &name, f.attrs.index.key_tokens());
            table.indexes.push(Index {
                name,
                columns,
                unique: false,
                ..Default::default()
            });
        }
    }
}

/// Struct-level `index(...)` and `unique(...)`.
fn struct_indexes(
    cx: &Ctxt,
    table: &mut Table,
    container: &ContainerAttrs,
    fields: &[FieldInfo],
    names: &mut HashMap<String, ()>,
) {
    for entry in &container.indexes {
        // Expression keys are SQL already; the others name Rust fields.
        let named: Vec<&KeySpec> = entry
            .fields
            .iter()
            .filter(|k| !k.options.expression)
            .collect();
        let keys: Vec<&LitStr> = named.iter().map(|k| &k.lit).collect();
        let wanted: Vec<&str> = named.iter().map(|k| k.field.as_str()).collect();
        let columns = resolve_fields(cx, &keys, &wanted, fields).map(|resolved| {
            let mut resolved = resolved.into_iter();
            entry
                .fields
                .iter()
                .map(|k| {
                    if k.options.expression {
                        k.field.clone()
                    } else {
                        resolved.next().unwrap_or_default()
                    }
                })
                .collect::<Vec<String>>()
        });
        let include_names: Vec<String> = entry.include.iter().map(LitStr::value).collect();
        let include_wanted: Vec<&str> = include_names.iter().map(String::as_str).collect();
        let include_lits: Vec<&LitStr> = entry.include.iter().collect();
        let include = resolve_fields(cx, &include_lits, &include_wanted, fields);
        let (Some(columns), Some(include)) = (columns, include) else {
            continue;
        };
        for (lit, col) in entry.include.iter().zip(&include) {
            if columns.contains(col) {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "field `{}` is already a key of this index; `include` lists the \
                         columns stored beside the key",
                        lit.value()
                    ),
                );
            }
        }
        let name = entry.name.as_ref().map(LitStr::value).unwrap_or_else(|| {
            let parts: Vec<String> = entry
                .fields
                .iter()
                .zip(&columns)
                .map(|(k, c)| {
                    if k.options.expression {
                        naming::words(c)
                    } else {
                        c.clone()
                    }
                })
                .collect();
            naming::index(&table.name, &parts)
        });
        claim_name(cx, names, &name, entry_name_tokens(entry));
        let mut index = Index {
            name,
            columns,
            unique: entry.unique,
            keys: entry.fields.iter().map(|k| k.options).collect(),
            include,
            method: entry.using.clone(),
            predicate: entry.predicate.clone(),
        };
        index.canonical_keys();
        table.indexes.push(index);
    }
    for entry in &container.uniques {
        let keys: Vec<&LitStr> = entry.fields.iter().map(|k| &k.lit).collect();
        let wanted: Vec<&str> = entry.fields.iter().map(|k| k.field.as_str()).collect();
        let Some(columns) = resolve_fields(cx, &keys, &wanted, fields) else {
            continue;
        };
        let name = entry
            .name
            .as_ref()
            .map(LitStr::value)
            .unwrap_or_else(|| naming::unique(&table.name, &columns));
        claim_name(cx, names, &name, entry_name_tokens(entry));
        table.uniques.push(UniqueConstraint { name, columns });
    }
}

fn entry_name_tokens(entry: &IndexAttr) -> TokenStream {
    entry
        .name
        .as_ref()
        .map_or_else(|| entry.path.clone(), |n| n.to_token_stream())
}

/// Maps the Rust field names `wanted` (written as `lits`) of an `index`,
/// `unique` or `include` list to column names.
fn resolve_fields(
    cx: &Ctxt,
    lits: &[&LitStr],
    wanted: &[&str],
    fields: &[FieldInfo],
) -> Option<Vec<String>> {
    let mut columns = Vec::new();
    let mut seen = HashSet::new();
    let mut ok = true;
    for (lit, &wanted) in lits.iter().zip(wanted) {
        let Some(f) = fields.iter().find(|f| f.name == wanted) else {
            cx.error_spanned_by(lit, unknown_field_message(wanted, fields));
            ok = false;
            continue;
        };
        let Some(col) = &f.column else {
            cx.error_spanned_by(
                lit,
                format!("field `{wanted}` is `skip`ped, so it has no column to index"),
            );
            ok = false;
            continue;
        };
        if !seen.insert(wanted.to_string()) {
            cx.error_spanned_by(lit, format!("field `{wanted}` is listed twice"));
            ok = false;
            continue;
        }
        columns.push(col.name.clone());
    }
    ok.then_some(columns)
}

fn unknown_field_message(wanted: &str, fields: &[FieldInfo]) -> String {
    if let Some(owner) = fields
        .iter()
        .find(|f| f.column.as_ref().is_some_and(|c| c.name == wanted))
    {
        return format!(
            "no field named `{wanted}`: `fields` lists Rust fields, and column `{wanted}` \
             belongs to field `{}`",
            owner.name
        );
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    match did_you_mean(wanted, &names) {
        Some(s) => format!("no field named `{wanted}`; did you mean `{s}`?"),
        None => format!(
            "no field named `{wanted}`; the fields are {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn checks(cx: &Ctxt, table: &str, container: &ContainerAttrs) -> Vec<Check> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for check in &container.checks {
        let name = check
            .constraint
            .clone()
            .unwrap_or_else(|| naming::check(table, &check.name.value()));
        if !seen.insert(name.clone()) {
            cx.error_spanned_by(
                &check.name,
                format!("a check named `{}` is already defined", check.name.value()),
            );
            continue;
        }
        out.push(Check {
            name,
            sql: check.sql.clone(),
        });
    }
    out
}
