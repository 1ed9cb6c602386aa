//! `juggler discover`, run as a user runs it.
//!
//! Run: `cargo test -p juggler-cli --features cli --test discover_command`

#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

use std::process::Command;

fn juggler() -> Command {
    Command::new(env!("CARGO_BIN_EXE_juggler"))
}

/// A SQLite file with two related tables and a view.
fn database(name: &str) -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("juggler-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&file);
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ds = juggler_runtime::DataSource::connect(&url).await.unwrap();
        let artist = juggler_schema::ModelDefinition::from_json(
            r#"{"name": "artist", "properties": {"id": {"type": "number", "id": true, "generated": true}, "name": {"type": "string"}}}"#,
        )
        .unwrap();
        let album = juggler_schema::ModelDefinition::from_json(
            r#"{"name": "album", "properties": {"id": {"type": "number", "id": true, "generated": true},
                "artist_id": {"type": "number", "dataType": "integer"}, "title": {"type": "string", "length": 80}},
                "relations": {"artist": {"type": "belongsTo", "model": "artist", "foreignKey": "artist_id"}}}"#,
        )
        .unwrap();
        ds.automigrate(&[&artist, &album]).await.unwrap();
    });
    (url, dir)
}

#[test]
fn writes_a_catalog_and_loopback_json() {
    let (url, dir) = database("cli_discover");
    let out = dir.join("schema.json");
    let run = juggler()
        .args(["discover", "--url", &url, "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stderr).contains("2 tables, 0 views"));
    let catalog = juggler_schema::catalog::Catalog::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let album = catalog.table("main", "album").unwrap();
    assert_eq!(album.foreign_keys[0].target_table, "artist");
    // The same bytes on a second run.
    let again = juggler().args(["discover", "--url", &url]).output().unwrap();
    assert_eq!(
        String::from_utf8(again.stdout).unwrap(),
        std::fs::read_to_string(&out).unwrap()
    );

    // LoopBack's form, read back by `juggler check` and the library.
    let lb = dir.join("loopback.json");
    let run = juggler()
        .args([
            "discover", "--format", "loopback", "--tables", "album", "--url", &url, "-o",
        ])
        .arg(&lb)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let defs = juggler_cli::read_definitions(&lb).unwrap();
    assert_eq!(defs.len(), 1);
    assert_eq!(defs[0].name, "Album");
    assert!(defs[0].relations.contains_key("artist"));
    let check = juggler().arg("check").arg(&lb).output().unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("Album"));
}

#[test]
fn honours_database_url_and_exits_2_on_bad_input() {
    let (url, _) = database("cli_env");
    let run = juggler()
        .args(["discover", "--tables", "artist"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout).contains("\"artist\""));
    let refused = juggler()
        .args(["discover", "--url", "postgres://app:hunter2@127.0.0.1:1/x"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("connection refused") && !message.contains("hunter2"),
        "{message}"
    );
    let missing = juggler().arg("discover").env_remove("DATABASE_URL").output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
