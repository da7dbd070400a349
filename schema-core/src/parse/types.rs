//! Rust field types → logical column types (the README's type table).
//!
//! Only the last path segment is looked at, so `chrono::NaiveDate` and an
//! imported `NaiveDate` are the same type; `Option<T>` makes a column
//! nullable.

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// A Rust type the table knows how to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RustType {
    Bool,
    I16,
    I32,
    I64,
    F32,
    F64,
    String,
    Bytes,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Decimal,
}

impl RustType {
    /// Whether the type may be an auto-increment key.
    pub(crate) fn is_integer(self) -> bool {
        matches!(self, RustType::I16 | RustType::I32 | RustType::I64)
    }
}

/// `T` for `Option<T>`, with invisible groups and parentheses removed.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    generic_arg(ty, "Option")
}

/// `T` for `Name<T>` (any path ending in `Name`).
fn generic_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = strip(ty) else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    single_type_arg(&last.arguments)
}

/// The logical kind of a (non-`Option`) field type, if it is supported.
pub(crate) fn classify(ty: &Type) -> Option<RustType> {
    let Type::Path(path) = strip(ty) else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    let plain = last.arguments.is_none();
    let name = last.ident.to_string();
    let kind = match name.as_str() {
        "bool" => RustType::Bool,
        "i16" => RustType::I16,
        "i32" => RustType::I32,
        "i64" => RustType::I64,
        "f32" => RustType::F32,
        "f64" => RustType::F64,
        "String" => RustType::String,
        "Vec" => {
            let elem = single_type_arg(&last.arguments)?;
            return is_named(elem, "u8").then_some(RustType::Bytes);
        }
        "NaiveDate" | "Date" => RustType::Date,
        "NaiveTime" | "Time" => RustType::Time,
        "NaiveDateTime" | "PrimitiveDateTime" => RustType::Timestamp,
        // `DateTime<Utc>`, `DateTime<FixedOffset>`, ... (any time zone).
        "DateTime" => return Some(RustType::TimestampTz),
        "OffsetDateTime" => RustType::TimestampTz,
        "Uuid" => RustType::Uuid,
        "Value" => RustType::Json,
        "Decimal" | "BigDecimal" => RustType::Decimal,
        _ => return None,
    };
    plain.then_some(kind)
}

/// `T` for `Vec<T>` where `T` is not `u8` (`Vec<u8>` is binary): an
/// array column's element type, with one `Option` taken off (an array's
/// elements may always be NULL, so `Vec<Option<T>>` is the same column).
pub(crate) fn array_element(ty: &Type) -> Option<&Type> {
    let elem = generic_arg(ty, "Vec")?;
    if is_named(elem, "u8") {
        return None;
    }
    Some(option_inner(elem).unwrap_or(elem))
}

/// A hint for an unsupported type, when there is something specific to say.
pub(crate) fn unsupported_hint(ty: &Type) -> Option<&'static str> {
    let Type::Path(path) = strip(ty) else {
        return match strip(ty) {
            Type::Reference(_) => {
                Some("borrowed types cannot be stored; use an owned type such as `String`")
            }
            _ => None,
        };
    };
    let last = path.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i128" | "isize" => {
            Some("databases have no portable type for it; use `i16`, `i32` or `i64`")
        }
        "Option" => {
            Some("`Option<Option<T>>` is not supported; one `Option` makes the column nullable")
        }
        "str" => Some("use `String`"),
        _ => None,
    }
}

/// The type as the user would write it: `Vec<u8>`, `chrono::NaiveDate`.
pub(crate) fn display(ty: &Type) -> String {
    let text = strip(ty).to_token_stream().to_string();
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

/// Whether an unsupported type may be a `#[derive(ModelEnum)]` enum: a
/// plain path without generic arguments that is not a known mistake.
pub(crate) fn enum_candidate(ty: &Type) -> bool {
    let Type::Path(path) = strip(ty) else {
        return false;
    };
    path.qself.is_none()
        && path.path.segments.iter().all(|s| s.arguments.is_none())
        && unsupported_hint(ty).is_none()
}

/// Removes invisible groups (from `macro_rules!`) and parentheses.
pub(crate) fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => strip(&g.elem),
        Type::Paren(p) => strip(&p.elem),
        other => other,
    }
}

/// `T` in `Name<T>`.
fn single_type_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = args else {
        return None;
    };
    if args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// Whether `ty` is the plain path `name`.
fn is_named(ty: &Type, name: &str) -> bool {
    match strip(ty) {
        Type::Path(p) => p.qself.is_none() && p.path.is_ident(name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn last_segment_decides() {
        let a: Type = parse_quote!(chrono::NaiveDate);
        let b: Type = parse_quote!(NaiveDate);
        assert_eq!(classify(&a), Some(RustType::Date));
        assert_eq!(classify(&b), Some(RustType::Date));
        let c: Type = parse_quote!(Vec<i32>);
        assert_eq!(classify(&c), None);
        let elem = array_element(&c).expect("an array");
        assert_eq!(classify(elem), Some(RustType::I32));
        let bytes: Type = parse_quote!(Vec<u8>);
        assert_eq!(array_element(&bytes), None);
        assert_eq!(classify(&bytes), Some(RustType::Bytes));
        let nullable: Type = parse_quote!(Vec<Option<String>>);
        let elem = array_element(&nullable).expect("an array");
        assert_eq!(classify(elem), Some(RustType::String));
        let d: Type = parse_quote!(String<X>);
        assert_eq!(classify(&d), None);
    }

    #[test]
    fn option_is_unwrapped_once() {
        let t: Type = parse_quote!(std::option::Option<i64>);
        let inner = option_inner(&t).expect("an Option");
        assert_eq!(classify(inner), Some(RustType::I64));
        let nested: Type = parse_quote!(Option<Option<i64>>);
        let inner = option_inner(&nested).expect("an Option");
        assert_eq!(classify(inner), None);
        assert!(unsupported_hint(inner).is_some());
    }

    #[test]
    fn display_is_compact() {
        let t: Type = parse_quote!(std::collections::HashMap<String, i32>);
        assert_eq!(display(&t), "std::collections::HashMap<String, i32>");
    }
}
