//! Code generation end to end: discover a fixture, generate its models,
//! compile them in a scratch crate (trybuild), and on SQLite run queries
//! through them, `include` along inferred relations.
//!
//! Run: `cargo test --all-features --test generate`

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

mod common;

use common::{fixture, Backend};
use juggler::prelude::*;
use juggler::DiscoverOptions;
use juggler_cli::generate::{generate, Config};

/// Writes the generated files and a `main.rs` into `target/generated/<name>`.
fn write(name: &str, catalog: &juggler::Catalog, main_body: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/generated")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config {
        source: format!("the {name} fixture"),
        command: "cargo test --test generate".into(),
        ..Config::default()
    };
    let files = generate(catalog, &config).unwrap();
    // Deterministic: the same catalog gives the same bytes.
    assert_eq!(generate(catalog, &config).unwrap(), files);
    for f in &files {
        std::fs::write(dir.join(&f.path), &f.contents).unwrap();
    }
    let main = format!(
        "#![allow(dead_code, unused_imports)]\n#[path = \"mod.rs\"]\nmod models;\nuse juggler::prelude::*;\n\
         #[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n{main_body}\n}}\n"
    );
    let path = dir.join("main.rs");
    std::fs::write(&path, main).unwrap();
    path
}

#[test]
fn generated_models_compile_and_query() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cases = trybuild::TestCases::new();

    // Chinook on SQLite: compile and query.
    let url = runtime.block_on(async {
        let url = common::fresh_url(Backend::Sqlite, "generate_chinook").await.unwrap();
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(fixture("chinook/Chinook_Sqlite.sql")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        url
    });
    let catalog = runtime.block_on(async {
        DataSource::connect(&url)
            .await
            .unwrap()
            .discover(&DiscoverOptions::default())
            .await
            .unwrap()
    });
    std::env::set_var("JUGGLER_CHINOOK_URL", &url);
    cases.pass(write(
        "chinook_sqlite",
        &catalog,
        r#"
    let ds = DataSource::connect(&std::env::var("JUGGLER_CHINOOK_URL").unwrap()).await.unwrap();
    let albums = ds
        .repo::<models::Album>()
        .find(Filter::new().where_(models::Album::ALBUM_ID.eq(1)).include(models::Album::TRACKS).include(models::Album::ARTIST))
        .await
        .unwrap();
    assert_eq!(albums[0].title, "For Those About To Rock We Salute You");
    assert_eq!(albums[0].tracks.get().unwrap().len(), 10);
    assert_eq!(albums[0].artist.get().unwrap().name.as_deref(), Some("AC/DC"));
    assert_eq!(ds.repo::<models::Track>().count(None).await.unwrap(), 3503);
    let boss = ds.repo::<models::Employee>().find_by_id(1_i64).await.unwrap().unwrap();
    assert_eq!(boss.last_name, "Adams");
    let reports = ds
        .repo::<models::Employee>()
        .find(Filter::new().where_(models::Employee::EMPLOYEE_ID.eq(1)).include(models::Employee::REPORTS_TO_EMPLOYEES))
        .await
        .unwrap();
    assert_eq!(reports[0].reports_to_employees.get().unwrap().len(), 2);
    let lines = ds.repo::<models::InvoiceLine>().count(None).await.unwrap();
    assert_eq!(lines, 2240);
    // Many-to-many through the pure join table PlaylistTrack.
    let music = ds
        .repo::<models::Playlist>()
        .find(Filter::new().where_(models::Playlist::PLAYLIST_ID.eq(1)).include(models::Playlist::TRACKS))
        .await
        .unwrap();
    assert_eq!(music[0].tracks.get().unwrap().len(), 3290);
    let first = ds
        .repo::<models::Track>()
        .find(Filter::new().where_(models::Track::TRACK_ID.eq(1)).include(models::Track::PLAYLISTS))
        .await
        .unwrap();
    assert_eq!(first[0].playlists.get().unwrap().len(), 3);
"#,
    ));

    // From saved snapshots (`juggler-cli/tests/catalogs`): compile.
    for name in ["chinook-postgres", "chinook-mysql"] {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("juggler-cli/tests/catalogs/{name}.json"));
        let catalog = juggler::Catalog::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        cases.pass(write(&name.replace('-', "_"), &catalog, ""));
    }

    // Names no Rust item may have, types of every kind: compile.
    cases.pass(write("odd_names", &odd_catalog(), ""));

    // Pagila on PostgreSQL and Sakila on MariaDB: compile.
    #[cfg(feature = "postgres")]
    if let Some(admin) = common::server_url(Backend::Postgres) {
        let _ = admin;
        if let Some(url) = runtime.block_on(common::fresh_url(Backend::Postgres, "generate_pagila")) {
            let catalog = runtime.block_on(async {
                let pool = sqlx::PgPool::connect(&url).await.unwrap();
                let schema = fixture("pagila/pagila-schema.sql")
                    .replace("public.", "")
                    .replace("SELECT pg_catalog.set_config('search_path', '', false);", "");
                sqlx::raw_sql(sqlx::AssertSqlSafe(schema)).execute(&pool).await.unwrap();
                pool.close().await;
                DataSource::connect(&url)
                    .await
                    .unwrap()
                    .discover(&DiscoverOptions::default())
                    .await
                    .unwrap()
            });
            cases.pass(write("pagila_postgres", &catalog, ""));
        }
    }
    #[cfg(feature = "mysql")]
    if let Some(url) = runtime.block_on(common::fresh_url(Backend::MySql, "generate_sakila")) {
        let catalog = runtime.block_on(async {
            let pool = sqlx::MySqlPool::connect(&url).await.unwrap();
            let script: String = fixture("sakila/sakila-schema.sql")
                .lines()
                .filter(|l| !l.starts_with("USE ") && !l.starts_with("DROP SCHEMA") && !l.starts_with("CREATE SCHEMA"))
                .map(|l| format!("{}\n", l.replace("sakila.", "")))
                .collect();
            common::mysql_script(&pool, &script).await;
            pool.close().await;
            DataSource::connect(&url)
                .await
                .unwrap()
                .discover(&DiscoverOptions::default())
                .await
                .unwrap()
        });
        cases.pass(write("sakila_mysql", &catalog, ""));
    }
    drop(cases);
}

/// A catalog of names and types that real schemas have: keywords, leading
/// digits, spaces, punctuation, non-ASCII, names that collide once
/// converted, an enum value `3D`, a self-reference, two keys to one table,
/// a composite key, a table without a key, a view.
fn odd_catalog() -> juggler::Catalog {
    use juggler::schema::catalog::{Column, EnumType, ForeignKey, Key, Schema, Table, View};
    let col = |name: &str, ty: &str, nullable: bool| {
        let mut c = Column::new(name, ty);
        c.nullable = nullable;
        c
    };
    let fk = |cols: &[&str], table: &str, to: &[&str]| ForeignKey {
        name: None,
        columns: cols.iter().map(|c| c.to_string()).collect(),
        target_schema: "public".into(),
        target_table: table.into(),
        target_columns: to.iter().map(|c| c.to_string()).collect(),
        on_delete: "NO ACTION".into(),
        on_update: "NO ACTION".into(),
    };
    let key = |cols: &[&str]| {
        Some(Key {
            name: None,
            columns: cols.iter().map(|c| c.to_string()).collect(),
        })
    };
    let mut kind = col("kind", "format", true);
    kind.user_type = Some("format".into());
    kind.type_name = "format".into();
    let mut tags = col("tags", "text[]", true);
    tags.element_type = Some("text".into());
    let mut serial = col("id", "integer", false);
    serial.generated = Some("serial".into());
    let mut item = Table::new("type");
    item.columns = vec![
        serial,
        col("self", "text", false),
        col("3d model", "varchar(20)", true),
        col("Größe", "numeric(5,2)", true),
        col("a-b", "boolean", true),
        col("a_b", "bigint", true),
        col("parent_id", "integer", true),
        col("made", "timestamp with time zone", true),
        col("on", "date", true),
        col("doc", "jsonb", true),
        col("uid", "uuid", true),
        col("span", "int4range", true),
        kind,
        tags,
    ];
    item.primary_key = key(&["id"]);
    item.foreign_keys = vec![fk(&["parent_id"], "type", &["id"])];
    let mut pair = Table::new("pair of types");
    pair.columns = vec![
        col("left_id", "integer", false),
        col("right_id", "integer", false),
        col("weight", "real", true),
    ];
    pair.primary_key = key(&["left_id", "right_id"]);
    pair.foreign_keys = vec![fk(&["left_id"], "type", &["id"]), fk(&["right_id"], "type", &["id"])];
    let mut log = Table::new("log");
    log.columns = vec![col("at", "timestamp", true), col("msg", "text", true)];
    let mut view = View {
        name: "Übersicht".into(),
        definition: "SELECT 1".into(),
        ..View::default()
    };
    view.columns = vec![col("n", "bigint", true)];
    let mut catalog = juggler::Catalog::new("postgres");
    catalog.schemas.push(Schema {
        name: "public".into(),
        tables: vec![item, pair, log],
        views: vec![view],
        enums: vec![EnumType {
            name: "format".into(),
            values: vec!["3D".into(), "2d".into(), "a b".into(), "".into(), "self".into()],
        }],
        ..Schema::default()
    });
    catalog.warn(
        "unsupported-type",
        "public.type.span",
        "`type.span` has type `int4range`",
    );
    catalog
}
