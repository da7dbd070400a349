//! `#[derive(Model)]`: parse the struct with `schema_core::parse` (the same
//! function the CLI's model discovery calls) and quote the resulting table.
use proc_macro2::TokenStream;
use std::collections::BTreeMap;

use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

/// Expands `#[derive(Model)]` on `input`.
pub fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let krate = quote!(::schema_runtime::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    match schema_core::parse::parse_model_parts(&input) {
        Ok(parsed) => {
            let mut enum_types = BTreeMap::new();
            let mut default_checks = Vec::new();
            for f in &parsed.enum_fields {
                let ty = &f.ty;
                // Spanned on the field's type, so a type that is neither a
                // scalar nor a ModelEnum is reported there.
                let enum_type = quote_spanned! {ty.span()=>
                    <#ty as ::schema_runtime::ModelEnum>::enum_type()
                };
                enum_types.insert(f.column.clone(), enum_type);
                if let Some((value, tokens)) = &f.default {
                    let message = format!(
                        "the default `{value}` of column `{}` is not one of the values of `{}`",
                        f.column,
                        f.rust_name()
                    );
                    // A format string to `assert!`: braces are literal.
                    let message = message.replace('{', "{{").replace('}', "}}");
                    let span = tokens.clone().into_iter().next().map(|t| t.span());
                    let span = span.unwrap_or_else(proc_macro2::Span::call_site);
                    default_checks.push(quote_spanned! {span=>
                        const _: () = ::core::assert!(
                            #krate::enum_has_value(
                                <#ty as ::schema_runtime::ModelEnum>::VALUES,
                                #value,
                            ),
                            #message
                        );
                    });
                }
            }
            let table =
                schema_core::parse::table_to_tokens_with(&parsed.table, &krate, &enum_types);
            quote! {
                #(#default_checks)*
                #[automatically_derived]
                impl #impl_generics ::schema_runtime::Model for #ident #ty_generics #where_clause {
                    fn table() -> &'static ::schema_runtime::Table {
                        static TABLE: #krate::OnceLock<::schema_runtime::Table> =
                            #krate::OnceLock::new();
                        TABLE.get_or_init(|| #table)
                    }
                }
            }
        }
        Err(err) => {
            // The errors, plus an impl so that uses of `X::table()` elsewhere
            // do not add a cascade of unrelated errors.
            let errors = err.to_compile_error();
            quote! {
                #errors
                #[automatically_derived]
                impl #impl_generics ::schema_runtime::Model for #ident #ty_generics #where_clause {
                    fn table() -> &'static ::schema_runtime::Table {
                        ::core::unimplemented!("#[derive(Model)] failed; see the errors above")
                    }
                }
            }
        }
    }
}
