//! [`Table`] → a Rust expression that rebuilds the same value at run time,
//! for the derive's `Model::table()`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{
    Check, Column, DefaultValue, ForeignKey, Index, KeyGeneration, KeyOptions, LogicalType,
    NullsOrder, PrimaryKey, ReferentialAction, Table, UniqueConstraint,
};

/// An expression of type `Table` equal to `table`. Every path goes through
/// `#krate::schema_core::...`, so the generated code works wherever `krate`
/// (for the derive: `::schema_runtime::__private`) resolves.
pub fn table_to_tokens(table: &Table, krate: &TokenStream) -> TokenStream {
    table_to_tokens_with(table, krate, &BTreeMap::new())
}

/// Like [`table_to_tokens`], with the type of each column named in
/// `column_types` given by that expression instead (the derive's
/// `<T as ModelEnum>::enum_type()` for an enum field).
pub fn table_to_tokens_with(
    table: &Table,
    krate: &TokenStream,
    column_types: &BTreeMap<String, TokenStream>,
) -> TokenStream {
    // Destructured without `..` so a new field in `Table` cannot be forgotten.
    let Table {
        name,
        struct_name,
        renamed_from,
        columns,
        primary_key,
        indexes,
        uniques,
        foreign_keys,
        checks,
        comment,
        collation,
    } = table;
    let m = quote!(#krate::schema_core::model);
    let name = string(name);
    let struct_name = opt_string(struct_name.as_deref());
    let renamed_from = opt_string(renamed_from.as_deref());
    let comment = opt_string(comment.as_deref());
    let table_collation = opt_string(collation.as_deref());
    let columns = columns
        .iter()
        .map(|c| column(c, &m, column_types.get(&c.name)));
    let primary_key = match primary_key {
        Some(pk) => {
            let pk = primary_key_tokens(pk, &m);
            quote!(::core::option::Option::Some(#pk))
        }
        None => quote!(::core::option::Option::None),
    };
    let indexes = indexes.iter().map(|i| index(i, &m));
    let uniques = uniques.iter().map(|u| unique(u, &m));
    let foreign_keys = foreign_keys.iter().map(|f| foreign_key(f, &m));
    let checks = checks.iter().map(|c| check(c, &m));
    quote! {
        #m::Table {
            name: #name,
            struct_name: #struct_name,
            renamed_from: #renamed_from,
            columns: ::std::vec![#(#columns),*],
            primary_key: #primary_key,
            indexes: ::std::vec![#(#indexes),*],
            uniques: ::std::vec![#(#uniques),*],
            foreign_keys: ::std::vec![#(#foreign_keys),*],
            checks: ::std::vec![#(#checks),*],
            comment: #comment,
            collation: #table_collation,
        }
    }
}

fn column(c: &Column, m: &TokenStream, enum_type: Option<&TokenStream>) -> TokenStream {
    let Column {
        name,
        field,
        ty,
        nullable,
        default,
        auto_increment,
        renamed_from,
        comment,
        collation,
        on_update,
        key_generation,
        generated,
    } = c;
    let name = string(name);
    let field = opt_string(field.as_deref());
    let ty = match enum_type {
        Some(e) => quote!(#m::LogicalType::Enum(#e)),
        None => logical_type(ty, m),
    };
    let default = match default {
        Some(d) => {
            let d = default_value(d, m);
            quote!(::core::option::Option::Some(#d))
        }
        None => quote!(::core::option::Option::None),
    };
    let renamed_from = opt_string(renamed_from.as_deref());
    let comment = opt_string(comment.as_deref());
    let collation = opt_string(collation.as_deref());
    let on_update = opt_string(on_update.as_deref());
    let key_generation = match key_generation {
        None => quote!(::core::option::Option::None),
        Some(KeyGeneration::Always) => {
            quote!(::core::option::Option::Some(#m::KeyGeneration::Always))
        }
        Some(KeyGeneration::Sequence(seq)) => {
            let seq = string(seq);
            quote!(::core::option::Option::Some(#m::KeyGeneration::Sequence(#seq)))
        }
    };
    let generated = match generated {
        None => quote!(::core::option::Option::None),
        Some(g) => {
            let expr = string(&g.expr);
            let stored = g.stored;
            quote!(::core::option::Option::Some(#m::Generated { expr: #expr, stored: #stored }))
        }
    };
    quote! {
        #m::Column {
            name: #name,
            field: #field,
            ty: #ty,
            nullable: #nullable,
            default: #default,
            auto_increment: #auto_increment,
            renamed_from: #renamed_from,
            comment: #comment,
            collation: #collation,
            on_update: #on_update,
            key_generation: #key_generation,
            generated: #generated,
        }
    }
}

fn logical_type(ty: &LogicalType, m: &TokenStream) -> TokenStream {
    let t = quote!(#m::LogicalType);
    match ty {
        LogicalType::Boolean => quote!(#t::Boolean),
        LogicalType::SmallInt => quote!(#t::SmallInt),
        LogicalType::Integer => quote!(#t::Integer),
        LogicalType::BigInt => quote!(#t::BigInt),
        LogicalType::Real => quote!(#t::Real),
        LogicalType::Double => quote!(#t::Double),
        LogicalType::Text => quote!(#t::Text),
        LogicalType::Varchar(n) => quote!(#t::Varchar(#n)),
        LogicalType::Blob => quote!(#t::Blob),
        LogicalType::Date => quote!(#t::Date),
        LogicalType::Time => quote!(#t::Time),
        LogicalType::Timestamp => quote!(#t::Timestamp),
        LogicalType::TimestampTz => quote!(#t::TimestampTz),
        LogicalType::Uuid => quote!(#t::Uuid),
        LogicalType::Json => quote!(#t::Json),
        LogicalType::Numeric { precision, scale } => {
            quote!(#t::Numeric { precision: #precision, scale: #scale })
        }
        LogicalType::Custom(s) => {
            let s = string(s);
            quote!(#t::Custom(#s))
        }
        LogicalType::Enum(e) => {
            let name = string(&e.name);
            let values = strings(&e.values);
            quote!(#t::Enum(#m::EnumType { name: #name, values: #values }))
        }
        LogicalType::Array(elem) => {
            let elem = logical_type(elem, m);
            quote!(#t::Array(::std::boxed::Box::new(#elem)))
        }
    }
}

fn default_value(d: &DefaultValue, m: &TokenStream) -> TokenStream {
    let t = quote!(#m::DefaultValue);
    match d {
        DefaultValue::Int(v) => quote!(#t::Int(#v)),
        DefaultValue::Float(s) => {
            let s = string(s);
            quote!(#t::Float(#s))
        }
        DefaultValue::Bool(b) => quote!(#t::Bool(#b)),
        DefaultValue::Str(s) => {
            let s = string(s);
            quote!(#t::Str(#s))
        }
        DefaultValue::Sql(s) => {
            let s = string(s);
            quote!(#t::Sql(#s))
        }
    }
}

fn primary_key_tokens(pk: &PrimaryKey, m: &TokenStream) -> TokenStream {
    let PrimaryKey { name, columns } = pk;
    let name = opt_string(name.as_deref());
    let columns = strings(columns);
    quote!(#m::PrimaryKey { name: #name, columns: #columns })
}

fn index(i: &Index, m: &TokenStream) -> TokenStream {
    let Index {
        name,
        columns,
        unique,
        keys,
        include,
        method,
        predicate,
    } = i;
    let name = string(name);
    let columns = strings(columns);
    let keys = keys.iter().map(|k| key_options(k, m));
    let include = strings(include);
    let method = opt_string(method.as_deref());
    let predicate = opt_string(predicate.as_deref());
    quote! {
        #m::Index {
            name: #name,
            columns: #columns,
            unique: #unique,
            keys: ::std::vec![#(#keys),*],
            include: #include,
            method: #method,
            predicate: #predicate,
        }
    }
}

fn key_options(k: &KeyOptions, m: &TokenStream) -> TokenStream {
    let KeyOptions {
        desc,
        nulls,
        prefix,
        expression,
    } = k;
    let nulls = match nulls {
        None => quote!(::core::option::Option::None),
        Some(NullsOrder::First) => quote!(::core::option::Option::Some(#m::NullsOrder::First)),
        Some(NullsOrder::Last) => quote!(::core::option::Option::Some(#m::NullsOrder::Last)),
    };
    let prefix = match prefix {
        None => quote!(::core::option::Option::None),
        Some(n) => quote!(::core::option::Option::Some(#n)),
    };
    quote!(#m::KeyOptions { desc: #desc, nulls: #nulls, prefix: #prefix, expression: #expression })
}

fn unique(u: &UniqueConstraint, m: &TokenStream) -> TokenStream {
    let UniqueConstraint { name, columns } = u;
    let name = string(name);
    let columns = strings(columns);
    quote!(#m::UniqueConstraint { name: #name, columns: #columns })
}

fn foreign_key(f: &ForeignKey, m: &TokenStream) -> TokenStream {
    let ForeignKey {
        name,
        columns,
        ref_table,
        ref_columns,
        on_delete,
        on_update,
    } = f;
    let name = opt_string(name.as_deref());
    let columns = strings(columns);
    let ref_table = string(ref_table);
    let ref_columns = strings(ref_columns);
    let on_delete = action(*on_delete, m);
    let on_update = action(*on_update, m);
    quote! {
        #m::ForeignKey {
            name: #name,
            columns: #columns,
            ref_table: #ref_table,
            ref_columns: #ref_columns,
            on_delete: #on_delete,
            on_update: #on_update,
        }
    }
}

fn check(c: &Check, m: &TokenStream) -> TokenStream {
    let Check { name, sql } = c;
    let name = string(name);
    let sql = string(sql);
    quote!(#m::Check { name: #name, sql: #sql })
}

fn action(a: ReferentialAction, m: &TokenStream) -> TokenStream {
    let t = quote!(#m::ReferentialAction);
    match a {
        ReferentialAction::NoAction => quote!(#t::NoAction),
        ReferentialAction::Restrict => quote!(#t::Restrict),
        ReferentialAction::Cascade => quote!(#t::Cascade),
        ReferentialAction::SetNull => quote!(#t::SetNull),
        ReferentialAction::SetDefault => quote!(#t::SetDefault),
    }
}

fn string(s: &str) -> TokenStream {
    quote!(::std::string::String::from(#s))
}

fn opt_string(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::core::option::Option::None),
    }
}

fn strings(items: &[String]) -> TokenStream {
    let items = items.iter().map(|s| string(s));
    quote!(::std::vec![#(#items),*])
}
