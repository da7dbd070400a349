//! One compile-fail case per error message a user of `#[derive(Model)]` can
//! hit; each `.stderr` file is the expected compiler output.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
