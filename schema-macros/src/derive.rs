//! (in progress) `#[derive(Model)]` expansion.
use proc_macro2::TokenStream;

pub fn expand(input: TokenStream) -> TokenStream {
    let _ = input;
    quote::quote!(compile_error!("#[derive(Model)] is not built yet");)
}
