//! Error collector: every mistake in a struct is recorded, and all of them
//! are reported together as one combined `syn::Error`.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// Collects errors while a model is parsed.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// A collector with no errors yet.
    pub(crate) fn new() -> Self {
        Ctxt::default()
    }

    /// Records an error spanning the tokens of `obj`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&self, obj: T, msg: M) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Records an error produced by syn itself (a malformed attribute).
    pub(crate) fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// `Ok` when nothing went wrong, otherwise every error combined into one.
    pub(crate) fn check(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_inner().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for err in errors {
            combined.combine(err);
        }
        Err(combined)
    }
}
