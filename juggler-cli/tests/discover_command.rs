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
    let check = juggler()
        .args(["check", "--from"])
        .arg(&lb)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(
        String::from_utf8_lossy(&check.stdout).starts_with("main.album"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
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

#[test]
fn generates_files_and_checks_them() {
    let (url, dir) = database("cli_generate");
    let snapshot = dir.join("gen-schema.json");
    assert!(juggler()
        .args(["discover", "--url", &url, "-o"])
        .arg(&snapshot)
        .status()
        .unwrap()
        .success());
    let out = dir.join("models");
    let _ = std::fs::remove_dir_all(&out);
    let run = juggler()
        .args(["generate", "--from"])
        .arg(&snapshot)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let album = std::fs::read_to_string(out.join("album.rs")).unwrap();
    assert!(album.starts_with("// Generated by juggler from "), "{album}");
    assert!(album.contains("pub artist: ::juggler::BelongsTo<Artist>"), "{album}");
    assert!(std::fs::read_to_string(out.join("artist.rs"))
        .unwrap()
        .contains("pub albums: ::juggler::HasMany<Album>"));
    assert!(std::fs::read_to_string(out.join("mod.rs"))
        .unwrap()
        .contains("mod album;"));
    let check = |expect: i32| {
        let run = juggler()
            .args(["generate", "--check", "--from"])
            .arg(&snapshot)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(expect),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        String::from_utf8_lossy(&run.stderr).into_owned()
    };
    check(0);
    std::fs::write(out.join("album.rs"), "// edited by hand\n").unwrap();
    assert!(check(1).contains("album.rs"));
    // Regenerating restores it; a broken snapshot is an input error (2).
    assert!(juggler()
        .args(["generate", "--from"])
        .arg(&snapshot)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap()
        .success());
    check(0);
    std::fs::write(
        &snapshot,
        "{\"format\": \"juggler-catalog\", \"version\": 7, \"dialect\": \"sqlite\"}",
    )
    .unwrap();
    let bad = juggler()
        .args(["generate", "--from"])
        .arg(&snapshot)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("version"));
}

fn definition(json: &str) -> juggler_schema::ModelDefinition {
    juggler_schema::ModelDefinition::from_json(json).unwrap()
}

#[test]
fn check_exits_1_with_a_readable_diff_when_the_database_drifted() {
    let (url, dir) = database("cli_drift");
    let snapshot = dir.join("drift-schema.json");
    assert!(juggler()
        .args(["discover", "--url", &url, "-o"])
        .arg(&snapshot)
        .status()
        .unwrap()
        .success());
    let check = || {
        juggler()
            .args(["check", "--url", &url, "--from"])
            .arg(&snapshot)
            .output()
            .unwrap()
    };
    let same = check();
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stdout));
    assert!(String::from_utf8_lossy(&same.stderr).contains("matches"));
    // The database moves on: a column more, a table more.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ds = juggler_runtime::DataSource::connect(&url).await.unwrap();
        let artist = definition(
            r#"{"name": "artist", "properties": {"id": {"type": "number", "id": true, "generated": true},
                "name": {"type": "string"}, "country": {"type": "string", "length": 2}}}"#,
        );
        let genre = definition(r#"{"name": "genre", "properties": {"id": {"type": "number", "id": true}}}"#);
        ds.automigrate(&[&genre]).await.unwrap();
        // Re-created with the new column (album's key to it goes: SQLite
        // keys live in the referencing table, which stays).
        ds.automigrate(&[&artist]).await.unwrap();
    });
    let drifted = check();
    assert_eq!(drifted.status.code(), Some(1));
    let report = String::from_utf8_lossy(&drifted.stdout);
    assert!(report.contains("differs from"), "{report}");
    assert!(
        report.contains("main.artist: column `country` added (VARCHAR(2), nullable)"),
        "{report}"
    );
    assert!(
        report.contains("main.genre: table added (in the database, not in the snapshot)"),
        "{report}"
    );
}

#[test]
fn generates_from_a_live_database_and_from_loopback_json() {
    let (url, dir) = database("cli_sources");
    let out = dir.join("live-models");
    let run = juggler()
        .args(["generate", "--url", &url, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let album = std::fs::read_to_string(out.join("album.rs")).unwrap();
    assert!(
        album.contains("regenerate with `juggler generate --url sqlite://"),
        "{album}"
    );
    assert!(album.contains("pub artist: ::juggler::BelongsTo<Artist>"), "{album}");

    // LoopBack model files, `common/models` style, relations included.
    let models = dir.join("common-models");
    std::fs::create_dir_all(&models).unwrap();
    std::fs::write(
        models.join("customer.json"),
        r#"{"name": "Customer", "base": "PersistedModel",
            "properties": {"id": {"type": "number", "id": true, "generated": true},
                           "email": {"type": "string", "required": true, "index": {"unique": true}},
                           "joined": {"type": "date"}},
            "relations": {"orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId"}}}"#,
    )
    .unwrap();
    std::fs::write(
        models.join("order.json"),
        r#"{"name": "Order", "properties": {"id": {"type": "number", "id": true, "generated": true},
                           "customerId": {"type": "number"}, "total": {"type": "number", "dataType": "decimal", "precision": 10, "scale": 2}},
            "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}"#,
    )
    .unwrap();
    let out = dir.join("lb-models");
    let run = juggler()
        .args(["generate", "--from"])
        .arg(&models)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let order = std::fs::read_to_string(out.join("order.rs")).unwrap();
    assert!(
        order.contains("pub customer: ::juggler::BelongsTo<Customer>"),
        "{order}"
    );
    assert!(order.contains("pub total: Option<::juggler::Decimal>"), "{order}");
    assert!(
        order.contains("pub customer_id: Option<i64>,"),
        "typed like Customer.id: {order}"
    );
    let customer = std::fs::read_to_string(out.join("customer.rs")).unwrap();
    assert!(
        customer.contains("pub joined: Option<::chrono::DateTime<::chrono::Utc>>"),
        "{customer}"
    );

    // A bad field names the file, the line and the field.
    std::fs::write(
        models.join("order.json"),
        "{\"name\": \"Order\",\n \"properties\": {\"total\": {\"type\": \"number\",\n \"precision\": \"ten\"}}}",
    )
    .unwrap();
    let bad = juggler()
        .args(["generate", "--from"])
        .arg(&models)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(
        message.contains("order.json:3:") && message.contains("properties.total.precision"),
        "{message}"
    );
}

#[test]
fn introspects_documents_into_json_or_rust() {
    let dir = std::env::temp_dir().join(format!("juggler-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("customers.json");
    std::fs::write(
        &file,
        r#"[{"id": 1, "name": "Ann", "joined": "2024-01-02T03:04:05Z", "vip": true},
            {"id": 2, "name": "Bo", "score": 2.5}]"#,
    )
    .unwrap();
    let json = juggler()
        .args(["introspect", "--name", "Customer"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let def = definition(&String::from_utf8(json.stdout).unwrap());
    assert_eq!(def.name, "Customer");
    assert_eq!(
        def.properties["joined"].property_type,
        juggler_schema::PropertyType::Date
    );
    let rust = juggler()
        .args(["introspect", "--name", "Customer", "--rust"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(rust.status.success(), "{}", String::from_utf8_lossy(&rust.stderr));
    let code = String::from_utf8(rust.stdout).unwrap();
    assert!(code.contains("pub struct Customer {"), "{code}");
    assert!(code.contains("pub vip: Option<bool>,"), "{code}");
}
