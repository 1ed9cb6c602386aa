//! Compile-fail tests: every attribute mistake is a spanned error naming the
//! valid choices. Each case lives in `tests/ui/<topic>/<mistake>.rs` with its
//! `.stderr`.
//!
//! Run: `cargo test --test ui`; after a deliberate change to a message,
//! `TRYBUILD=overwrite cargo test --test ui` and read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
