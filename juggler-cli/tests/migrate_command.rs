//! `juggler migrate`, run as a user runs it, on a SQLite file.
//!
//! Run: `cargo test -p juggler-cli --features cli --test migrate_command`

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn juggler(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_juggler")).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn write_model(dir: &Path, properties: &str) -> PathBuf {
    let file = dir.join("customer.json");
    std::fs::write(
        &file,
        format!(r#"{{"name": "customer", "properties": {{"id": {{"type": "number", "id": true, "generated": true}}{properties}}}}}"#),
    )
    .unwrap();
    file
}

#[test]
fn plans_applies_refuses_and_writes_files() {
    let dir = std::env::temp_dir().join(format!("juggler-cli-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("shop.db").display());
    let model = write_model(&dir, r#", "name": {"type": "string"}, "notes": {"type": "string"}"#);
    let model = model.to_str().unwrap();

    let dry = juggler(&["migrate", "--url", &url, "--models", model, "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(
        text(&dry).contains("safe         main.customer: create table `customer` (3 columns)"),
        "{}",
        text(&dry)
    );
    assert!(text(&dry).contains("dry run: nothing changed"));

    let applied = juggler(&["migrate", "--url", &url, "--models", model]);
    assert!(applied.status.success(), "{}", text(&applied));
    assert!(text(&applied).contains("applied 1 step"), "{}", text(&applied));
    let again = juggler(&["migrate", "--url", &url, "--models", model]);
    assert!(text(&again).contains("nothing to do"), "{}", text(&again));

    // Dropping `notes` is refused without --allow-destructive.
    write_model(&dir, r#", "name": {"type": "string"}"#);
    let refused = juggler(&["migrate", "--url", &url, "--models", model]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("destructive main.customer.notes: drop column `notes`"),
        "{}",
        text(&refused)
    );
    assert!(text(&refused).contains("changed nothing"));

    // Or written as a migration file instead.
    let migrations = dir.join("migrations");
    let written = juggler(&[
        "migrate",
        "--url",
        &url,
        "--models",
        model,
        "--write-migration",
        migrations.to_str().unwrap(),
        "--name",
        "drop notes",
    ]);
    assert!(written.status.success(), "{}", text(&written));
    let file = std::fs::read_dir(&migrations).unwrap().next().unwrap().unwrap().path();
    assert!(
        file.to_string_lossy().ends_with("_drop_notes.sql"),
        "{}",
        file.display()
    );

    let allowed = juggler(&["migrate", "--url", &url, "--models", model, "--allow-destructive"]);
    assert!(allowed.status.success(), "{}", text(&allowed));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_model_file_names_file_and_line() {
    let dir = std::env::temp_dir().join(format!("juggler-cli-migrate-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(&file, "{\"name\": \"x\",\n \"properties\": {\"a\": {\"type\": 3}}}").unwrap();
    let out = juggler(&[
        "migrate",
        "--url",
        "sqlite::memory:",
        "--models",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("bad.json:2:"), "{}", text(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}
