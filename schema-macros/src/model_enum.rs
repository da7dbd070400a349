//! `#[derive(ModelEnum)]`: parse the enum with
//! `schema_core::parse::parse_model_enum` (the same function the CLI's model
//! discovery calls) and implement `schema_runtime::ModelEnum`.
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// Expands `#[derive(ModelEnum)]` on `input`.
pub fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    match schema_core::parse::parse_model_enum(&input) {
        Ok(def) => {
            let name = &def.ty.name;
            let values = &def.ty.values;
            let idents: Vec<_> = def.variants.iter().map(|(i, _)| i).collect();
            let strs: Vec<_> = def.variants.iter().map(|(_, v)| v).collect();
            quote! {
                #[automatically_derived]
                impl #impl_generics ::schema_runtime::ModelEnum for #ident #ty_generics #where_clause {
                    const TYPE_NAME: &'static str = #name;
                    const VALUES: &'static [&'static str] = &[#(#values),*];
                    fn as_str(&self) -> &'static str {
                        match self {
                            #(Self::#idents => #strs,)*
                        }
                    }
                    fn from_value(value: &str) -> ::core::option::Option<Self> {
                        match value {
                            #(#strs => ::core::option::Option::Some(Self::#idents),)*
                            _ => ::core::option::Option::None,
                        }
                    }
                }
            }
        }
        Err(err) => {
            // The errors, plus an impl so that the models using the enum do
            // not add a cascade of unrelated errors.
            let errors = err.to_compile_error();
            quote! {
                #errors
                #[automatically_derived]
                impl #impl_generics ::schema_runtime::ModelEnum for #ident #ty_generics #where_clause {
                    const TYPE_NAME: &'static str = "";
                    const VALUES: &'static [&'static str] = &[];
                    fn as_str(&self) -> &'static str {
                        ::core::unimplemented!("#[derive(ModelEnum)] failed; see the errors above")
                    }
                    fn from_value(_: &str) -> ::core::option::Option<Self> {
                        ::core::option::Option::None
                    }
                }
            }
        }
    }
}
