//! What the generator writes for each fixture, as insta snapshots (the
//! catalogs in `tests/catalogs` were written by `juggler discover` from the
//! fixtures of `../shared/fixtures`). After a deliberate change:
//! `INSTA_UPDATE=always cargo test -p juggler-cli --test snapshots_of_generated_code`,
//! then read every diff.

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

use juggler_cli::generate::{generate_single, Config};
use juggler_schema::catalog::Catalog;

fn generated(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/catalogs/{name}.json"));
    let catalog = Catalog::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let config = Config {
        source: format!("tests/catalogs/{name}.json"),
        ..Config::default()
    };
    generate_single(&catalog, &config).unwrap()
}

#[test]
fn chinook_sqlite() {
    insta::assert_snapshot!(generated("chinook-sqlite"));
}

#[test]
fn chinook_postgres() {
    insta::assert_snapshot!(generated("chinook-postgres"));
}

#[test]
fn chinook_mysql() {
    insta::assert_snapshot!(generated("chinook-mysql"));
}

#[test]
fn pagila() {
    insta::assert_snapshot!(generated("pagila"));
}

#[test]
fn sakila() {
    insta::assert_snapshot!(generated("sakila"));
}
