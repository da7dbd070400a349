//! `#[derive(ModelEnum)]` enums → [`EnumType`], and the resolution of a
//! model's enum fields against the enums the CLI found in the sources.
//!
//! The derive of a struct cannot see the definition of an enum in another
//! item, so a field whose type is not a known scalar is kept as an
//! [`EnumField`]: the derive asks the enum's `ModelEnum` impl for its values
//! at run time, the CLI looks the enum up by name among the files it scanned
//! ([`resolve_enum_fields`]).

use std::collections::{BTreeMap, HashMap};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

use super::case::{rename_variant, snake_case, RENAME_ALL};
use super::ctxt::Ctxt;
use crate::model::{DefaultValue, EnumType, LogicalType, Table};

/// A fieldless enum with `#[derive(ModelEnum)]`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelEnumDef {
    /// The Rust enum's name.
    pub rust_name: String,
    /// Its SQL type: name and values in declaration order.
    pub ty: EnumType,
    /// Each variant with its value, in declaration order.
    pub variants: Vec<(Ident, String)>,
}

/// Parses a `#[derive(ModelEnum)]` enum. On failure the error holds every
/// mistake found, each spanned on the offending token.
pub fn parse_model_enum(input: &DeriveInput) -> Result<ModelEnumDef, syn::Error> {
    let cx = Ctxt::new();
    let def = build(&cx, input);
    cx.check()?;
    Ok(def)
}

fn build(cx: &Ctxt, input: &DeriveInput) -> ModelEnumDef {
    let rust_name = input.ident.unraw().to_string();
    let mut name = None::<String>;
    let mut rename_all = None::<String>;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            match key.as_str() {
                "name" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().is_empty() {
                        cx.error_spanned_by(&lit, "the type name cannot be empty");
                    }
                    name = Some(lit.value());
                }
                "rename_all" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    if RENAME_ALL.contains(&lit.value().as_str()) {
                        rename_all = Some(lit.value());
                    } else {
                        let hint = crate::suggest::did_you_mean(&lit.value(), RENAME_ALL)
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        cx.error_spanned_by(
                            &lit,
                            format!(
                                "unknown `rename_all` value `{}`; {hint}expected one of {}",
                                lit.value(),
                                RENAME_ALL.join(", ")
                            ),
                        );
                    }
                }
                _ => cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown ModelEnum attribute `{}`; expected `name` or `rename_all` \
                         (on a variant: `rename`)",
                        meta.path.to_token_stream()
                    ),
                ),
            }
            Ok(())
        });
        if let Err(e) = parsed {
            cx.syn_error(e);
        }
    }
    let mut def = ModelEnumDef {
        ty: EnumType::new(
            name.unwrap_or_else(|| snake_case(&rust_name)),
            Vec::<String>::new(),
        ),
        rust_name,
        variants: Vec::new(),
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(ModelEnum)] does not support generics",
        );
    }
    let Data::Enum(data) = &input.data else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(ModelEnum)] only supports enums whose variants have no fields",
        );
        return def;
    };
    if data.variants.is_empty() {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(ModelEnum)] needs at least one variant: a column of an empty enum could \
             hold no value",
        );
    }
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                format!(
                    "variant `{}` has fields; #[derive(ModelEnum)] stores only the variant's \
                     name, so every variant must be a unit variant",
                    v.ident
                ),
            );
        }
        let mut value = None::<(String, TokenStream)>;
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("model")) {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: LitStr = meta.value()?.parse()?;
                    value = Some((lit.value(), lit.to_token_stream()));
                } else {
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown ModelEnum variant attribute `{}`; expected `rename`",
                            meta.path.to_token_stream()
                        ),
                    );
                }
                Ok(())
            });
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
        let ident_name = v.ident.unraw().to_string();
        let (value, tokens) = value.unwrap_or_else(|| {
            let style = rename_all.as_deref().unwrap_or("snake_case");
            (
                rename_variant(&ident_name, style),
                v.ident.to_token_stream(),
            )
        });
        if let Some(first) = seen.get(&value) {
            cx.error_spanned_by(
                tokens,
                format!(
                    "variants `{first}` and `{}` both have the value `{value}`; give one of them \
                     `#[model(rename = \"...\")]`",
                    v.ident
                ),
            );
        } else {
            seen.insert(value.clone(), &v.ident);
        }
        def.ty.values.push(value.clone());
        def.variants.push((v.ident.clone(), value));
    }
    def
}

/// A model field whose type is not a known scalar: taken for a
/// `#[derive(ModelEnum)]` enum, whose values the caller supplies.
#[derive(Debug, Clone)]
pub struct EnumField {
    /// The column's name.
    pub column: String,
    /// The field's type without `Option` (the enum's path).
    pub ty: Type,
    /// The literal default (`default = "..."`) and its tokens, to blame
    /// when it is not one of the values.
    pub default: Option<(String, TokenStream)>,
}

impl EnumField {
    /// The last segment of the type's path: the name the CLI looks up.
    pub fn rust_name(&self) -> String {
        match &self.ty {
            Type::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.unraw().to_string())
                .unwrap_or_default(),
            other => other.to_token_stream().to_string(),
        }
    }
}

/// Replaces the placeholder type of each enum field of `table` with the
/// enum of that name in `enums` (Rust name → every enum so called in the
/// scanned sources). Errors, spanned on the field's type: no such enum,
/// several, or a default that is not one of its values.
pub fn resolve_enum_fields(
    table: &mut Table,
    fields: &[EnumField],
    enums: &BTreeMap<String, Vec<EnumType>>,
) -> Result<(), syn::Error> {
    let cx = Ctxt::new();
    for f in fields {
        let name = f.rust_name();
        let ty = match enums.get(&name).map(Vec::as_slice) {
            None | Some([]) => {
                cx.error_spanned_by(
                    &f.ty,
                    format!(
                        "unknown type `{name}` for column `{}`: it is not a supported scalar and \
                         no `#[derive(ModelEnum)]` enum of that name was found in the model \
                         files; derive ModelEnum on it, or give its SQL type with \
                         `#[model(sql_type = \"...\")]`",
                        f.column
                    ),
                );
                continue;
            }
            Some([one]) => one.clone(),
            Some(several) => {
                cx.error_spanned_by(
                    &f.ty,
                    format!(
                        "ambiguous type `{name}` for column `{}`: {} `#[derive(ModelEnum)]` \
                         enums have that name; rename one of them",
                        f.column,
                        several.len()
                    ),
                );
                continue;
            }
        };
        if let Some((value, tokens)) = &f.default {
            if !ty.values.contains(value) {
                cx.error_spanned_by(
                    tokens,
                    format!(
                        "the default `{value}` is not a value of `{name}` ({})",
                        ty.values.join(", ")
                    ),
                );
            }
        }
        for col in table.columns.iter_mut().filter(|c| c.name == f.column) {
            col.ty = LogicalType::Enum(ty.clone());
        }
    }
    cx.check()
}

/// Whether a literal default suits an enum column (a string that is one of
/// its values; any string while the values are unknown).
pub(crate) fn default_fits_enum(ty: &EnumType, value: &DefaultValue) -> Result<(), String> {
    match value {
        DefaultValue::Str(s) if ty.values.is_empty() || ty.values.contains(s) => Ok(()),
        DefaultValue::Str(s) => Err(format!(
            "`{s}` is not one of its values ({})",
            ty.values.join(", ")
        )),
        DefaultValue::Sql(_) => Ok(()),
        _ => Err("use one of the enum's values as a string literal".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn names_and_values_default_to_snake_case() {
        let input: DeriveInput = parse_quote! {
            enum OrderStatus { New, InTransit, #[model(rename = "done!")] Done }
        };
        let def = parse_model_enum(&input).unwrap();
        assert_eq!(
            def.ty,
            EnumType::new("order_status", ["new", "in_transit", "done!"])
        );
    }

    #[test]
    fn name_and_rename_all_override() {
        let input: DeriveInput = parse_quote! {
            #[model(name = "state", rename_all = "SCREAMING-KEBAB-CASE")]
            enum S { InTransit, Done }
        };
        let def = parse_model_enum(&input).unwrap();
        assert_eq!(def.ty, EnumType::new("state", ["IN-TRANSIT", "DONE"]));
    }

    #[test]
    fn mistakes_are_all_reported() {
        let input: DeriveInput = parse_quote! {
            #[model(rename_all = "snake")]
            enum S { A(i32), #[model(rename = "a")] B }
        };
        let err = parse_model_enum(&input).unwrap_err();
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("did you mean `snake_case`"));
        assert!(messages[1].contains("has fields"));
        assert!(messages[2].contains("both have the value `a`"));
    }

    #[test]
    fn fields_resolve_by_name() {
        let input: DeriveInput = parse_quote! {
            struct T { id: i64, #[model(default = "x")] s: Option<crate::S>, u: Unknown }
        };
        let parsed = crate::parse::parse_model_parts(&input).unwrap();
        assert_eq!(parsed.enum_fields.len(), 2);
        let mut enums = BTreeMap::new();
        enums.insert("S".to_string(), vec![EnumType::new("s", ["a", "b"])]);
        let mut table = parsed.table.clone();
        let err = resolve_enum_fields(&mut table, &parsed.enum_fields, &enums).unwrap_err();
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert!(
            messages[0].contains("`x` is not a value of `S`"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("unknown type `Unknown`"),
            "{messages:?}"
        );
        enums.insert(
            "Unknown".to_string(),
            vec![EnumType::new("u", ["a"]), EnumType::new("u2", ["b"])],
        );
        let mut table = parsed.table.clone();
        let err = resolve_enum_fields(&mut table, &parsed.enum_fields[1..], &enums).unwrap_err();
        assert!(err.to_string().contains("ambiguous type `Unknown`"));
        enums.insert("Unknown".to_string(), vec![EnumType::new("u", ["a"])]);
        let mut table = parsed.table;
        resolve_enum_fields(&mut table, &parsed.enum_fields[1..], &enums).unwrap();
        assert_eq!(
            table.columns[2].ty,
            LogicalType::Enum(EnumType::new("u", ["a"]))
        );
    }
}
