//! Compile-fail tests: every attribute mistake is a spanned error naming the
//! valid choices. Each case lives in `tests/ui/<topic>/<mistake>.rs` with its
//! `.stderr`.
//!
//! Run: `cargo test --test ui`; after a deliberate change to a message,
//! `TRYBUILD=overwrite cargo test --test ui` and read every diff.

// The compiler's "other types implement this trait" lists depend on the
// enabled features, so the `.stderr` files are written for `--all-features`
// (the README's and CI's test command).
#[cfg(all(
    feature = "sqlite",
    feature = "postgres",
    feature = "mysql",
    feature = "chrono",
    feature = "time"
))]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
