//! `#[derive(Model)]`: parse the struct with `schema_core::parse` (the same
//! function the CLI's model discovery calls) and quote the resulting table.
use proc_macro2::TokenStream;
use quote::quote;
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
    match schema_core::parse::parse_model(&input) {
        Ok(table) => {
            let table = schema_core::parse::table_to_tokens(&table, &krate);
            quote! {
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
