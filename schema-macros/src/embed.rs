//! (in progress) `embed_migrations!()` expansion.
use proc_macro2::TokenStream;

pub fn expand(input: TokenStream) -> TokenStream {
    let _ = input;
    quote::quote!(compile_error!("embed_migrations! is not built yet");)
}
