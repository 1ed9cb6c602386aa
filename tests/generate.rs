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

/// Product and Category from LoopBack discovery JSON: types and the
/// belongs_to LoopBack inferred.
const LOOPBACK_DISCOVERY: &str = r##"
    let p = models::Product {
        id: 1,
        name: Some("tea".into()),
        price: juggler::Decimal::new(350, 2),
        category_id: Some(2),
        added_on: None::<chrono::DateTime<chrono::Utc>>,
        type_: None,
        category: Default::default(),
    };
    assert_eq!(p.price.to_string(), "3.50");
    let _ = (models::Product::CATEGORY, models::Category::PRODUCTS);
"##;

/// LoopBack model files: the generated models make their tables on SQLite
/// and load along the relations the files declared.
const LOOPBACK_MODELS: &str = r##"
    let ds = DataSource::connect("sqlite::memory:").await.unwrap();
    ds.automigrate(&[models::Customer::definition(), models::Order::definition(), models::OrderLine::definition()])
        .await
        .unwrap();
    let ann = ds
        .repo::<models::Customer>()
        .create(models::Customer { id: 0, email: "ann@example.com".into(), name: Some("Ann".into()), vip: Some(true), orders: Default::default() })
        .await
        .unwrap();
    for total in [1250_i64, 990] {
        let order = models::Order {
            id: 0,
            customer_id: ann.id,
            placed_at: "2024-05-06T07:08:09Z".parse().unwrap(),
            total: Some(juggler::Decimal::new(total, 2)),
            customer: Default::default(),
            order_lines: Default::default(),
        };
        ds.repo::<models::Order>().create(order).await.unwrap();
    }
    let found = ds
        .repo::<models::Customer>()
        .find(Filter::new().include(models::Customer::ORDERS))
        .await
        .unwrap();
    assert_eq!(found[0].orders.get().unwrap().len(), 2);
"##;

/// Loads along the chain on SQLite: every link both ways.
const CHAIN: &str = r##"
    let ds = DataSource::connect("sqlite::memory:").await.unwrap();
    let defs: Vec<&juggler::ModelDefinition> = vec![models::T0::definition(), models::T1::definition(), models::T59::definition()];
    ds.automigrate(&defs).await.unwrap();
    ds.repo::<models::T0>().create(models::T0 { id: 1, t59_id: None, ..Default::default() }).await.unwrap();
    ds.repo::<models::T1>().create(models::T1 { id: 1, t0_id: Some(1), ..Default::default() }).await.unwrap();
    let first = ds.repo::<models::T0>().find(Filter::new().include(models::T0::T1S)).await.unwrap();
    assert_eq!(first[0].t1s.get().unwrap().len(), 1);
    let second = ds.repo::<models::T1>().find(Filter::new().include(models::T1::T0)).await.unwrap();
    assert_eq!(second[0].t0.get().unwrap().id, 1);
"##;

/// `n` tables `t0`..: each has a key to the one before, `t0` to the last.
fn chain(n: usize) -> juggler::Catalog {
    use juggler::schema::catalog::{Column, ForeignKey, Key, Schema, Table};
    let tables = (0..n)
        .map(|i| {
            let before = (i + n - 1) % n;
            let mut t = Table::new(format!("t{i}"));
            let mut id = Column::new("id", "integer");
            id.nullable = false;
            t.columns = vec![
                id,
                Column::new(format!("t{before}_id"), "integer"),
                Column::new("label", "text"),
            ];
            t.primary_key = Some(Key {
                name: None,
                columns: vec!["id".into()],
            });
            t.foreign_keys = vec![ForeignKey {
                name: None,
                columns: vec![format!("t{before}_id")],
                target_schema: "main".into(),
                target_table: format!("t{before}"),
                target_columns: vec!["id".into()],
                on_delete: "NO ACTION".into(),
                on_update: "NO ACTION".into(),
            }];
            t
        })
        .collect();
    let mut catalog = juggler::Catalog::new("sqlite");
    catalog.schemas.push(Schema {
        name: "main".into(),
        tables,
        ..Schema::default()
    });
    catalog
}

/// Uses every odd item (so it must exist where `juggler.toml` put it).
const ODD_NAMES: &str = r##"
    let _: Option<models::Type> = None;
    let _: Option<models::audit::Log> = None;
    let _: Option<models::school::records::Enrolment> = None;
    let _: Option<models::Enrolment> = None;
    let _ = models::Student::COURSES;
    let _ = models::Course::STUDENTS;
    let _ = models::Format::T3d;
"##;

/// Writes the generated files and a `main.rs` into `target/generated/<name>`.
fn write(name: &str, catalog: &juggler::Catalog, main_body: &str) -> std::path::PathBuf {
    write_with(name, catalog, juggler_cli::settings::Settings::default(), main_body)
}

/// [`write`] with `juggler.toml` settings.
fn write_with(
    name: &str,
    catalog: &juggler::Catalog,
    settings: juggler_cli::settings::Settings,
    main_body: &str,
) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/generated")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config {
        source: format!("the {name} fixture"),
        command: "cargo test --test generate".into(),
        settings,
    };
    let files = generate(catalog, &config).unwrap();
    // Deterministic: the same catalog gives the same bytes.
    assert_eq!(generate(catalog, &config).unwrap(), files);
    juggler_cli::generate::write_files(&dir, &files, false, || {}).unwrap();
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
    // The committed snapshot is this discovery.
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("juggler-cli/tests/catalogs/chinook-sqlite.json");
    let saved = juggler::Catalog::from_json(&std::fs::read_to_string(snapshot).unwrap()).unwrap();
    assert_eq!(juggler::schema::drift::drift(&saved, &catalog), Vec::<String>::new());
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

    // Names no Rust item may have, types of every kind: compile.
    // `juggler.toml` places some of them in modules.
    let modules = juggler_cli::settings::Settings::from_toml(
        "[models.log]\nmodule = \"audit\"\n[models.enrolment]\nmodule = \"school::records\"\n",
        "juggler.toml",
    )
    .unwrap();
    let odd = write_with("odd_names", &odd_catalog(), modules, ODD_NAMES);
    let school = std::fs::read_to_string(odd.with_file_name("student.rs")).unwrap();
    assert!(
        school.contains("through = Enrolment,") && school.contains("pub courses: ::juggler::HasMany<Course>,"),
        "{school}"
    );
    assert!(std::fs::read_to_string(odd.with_file_name("remark.rs"))
        .unwrap()
        .contains(
            "Foreign key (student_id, course_id) -> `public.enrolment` (student_id, course_id): no relation field"
        ));
    cases.pass(odd);

    // Sixty tables, each referencing the one before, the first the last: a
    // chain and a cycle, at the default recursion limit.
    let defaults = juggler_cli::settings::Settings::from_toml(
        "[models.t0]\nderives = [\"Default\"]\n[models.t1]\nderives = [\"Default\"]\n",
        "juggler.toml",
    )
    .unwrap();
    cases.pass(write_with("chain_of_sixty", &chain(60), defaults, CHAIN));

    // LoopBack's own files: a `discoverSchemas` output written by hand from
    // its format, and a folder of model JSON files with their relations.
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (discovered, _) = juggler_cli::read_catalog(&here.join("tests/loopback/discover-schemas.json")).unwrap();
    cases.pass(write("loopback_discovery", &discovered, LOOPBACK_DISCOVERY));
    let (models, files) = juggler_cli::read_catalog(&here.join("tests/loopback/models")).unwrap();
    assert_eq!(files.len(), 3);
    cases.pass(write("loopback_models", &models, LOOPBACK_MODELS));

    // The server fixtures: the committed snapshot (`juggler-cli/tests/catalogs`)
    // is what live discovery of the fixture database gives; the code
    // generated from it compiles and queries the fixture's rows.
    #[cfg(feature = "postgres")]
    for (name, url, views, queries) in [
        (
            "chinook-postgres",
            runtime.block_on(common::fixtures::chinook_postgres()),
            false,
            CHINOOK,
        ),
        ("pagila", runtime.block_on(common::fixtures::pagila()), true, PAGILA),
    ] {
        if let Some(url) = url {
            cases.pass(live_and_snapshot(&runtime, name, &url, views, queries));
        }
    }
    #[cfg(feature = "mysql")]
    for (name, url, views, queries) in [
        (
            "chinook-mysql",
            runtime.block_on(common::fixtures::chinook_mysql()),
            false,
            CHINOOK,
        ),
        ("sakila", runtime.block_on(common::fixtures::sakila()), true, SAKILA),
    ] {
        if let Some(url) = url {
            cases.pass(live_and_snapshot(&runtime, name, &url, views, queries));
        }
    }
    drop(cases);
}

/// Discovers the fixture at `url`, checks that the committed snapshot
/// matches it (`JUGGLER_WRITE_SNAPSHOTS=1` rewrites the snapshot instead),
/// and writes the code generated from the snapshot with `queries` as main.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn live_and_snapshot(
    runtime: &tokio::runtime::Runtime,
    name: &str,
    url: &str,
    views: bool,
    queries: &str,
) -> std::path::PathBuf {
    let live = runtime.block_on(async {
        DataSource::connect(url)
            .await
            .unwrap()
            .discover(&DiscoverOptions {
                views,
                ..DiscoverOptions::default()
            })
            .await
            .unwrap()
    });
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("juggler-cli/tests/catalogs/{name}.json"));
    if std::env::var_os("JUGGLER_WRITE_SNAPSHOTS").is_some() {
        std::fs::write(&path, live.to_json()).unwrap();
    }
    let snapshot = juggler::Catalog::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let drift = juggler::schema::drift::drift(&snapshot, &live);
    assert!(
        drift.is_empty(),
        "{name}: the fixture drifted from {}:\n{}",
        path.display(),
        drift.join("\n")
    );
    let var = format!("JUGGLER_{}_URL", name.replace('-', "_").to_uppercase());
    std::env::set_var(&var, url);
    let body =
        format!("    let ds = DataSource::connect(&std::env::var(\"{var}\").unwrap()).await.unwrap();\n{queries}");
    write(&name.replace('-', "_"), &snapshot, &body)
}

/// Chinook on PostgreSQL (snake_case names) and MariaDB (PascalCase): the
/// same models come out.
#[cfg(any(feature = "postgres", feature = "mysql"))]
const CHINOOK: &str = r##"
    let albums = ds
        .repo::<models::Album>()
        .find(Filter::new().where_(models::Album::ALBUM_ID.eq(1)).include(models::Album::TRACKS).include(models::Album::ARTIST))
        .await
        .unwrap();
    assert_eq!(albums[0].title, "For Those About To Rock We Salute You");
    assert_eq!(albums[0].tracks.get().unwrap().len(), 10);
    assert_eq!(albums[0].artist.get().unwrap().name.as_deref(), Some("AC/DC"));
    assert_eq!(ds.repo::<models::Track>().count(None).await.unwrap(), 3503);
    let first = ds
        .repo::<models::Track>()
        .find(Filter::new().where_(models::Track::TRACK_ID.eq(1)).include(models::Track::PLAYLISTS))
        .await
        .unwrap();
    assert_eq!(first[0].playlists.get().unwrap().len(), 3);
    let invoices = ds
        .repo::<models::Invoice>()
        .find(Filter::new().where_(models::Invoice::INVOICE_ID.eq(1)).include(models::Invoice::INVOICE_LINES))
        .await
        .unwrap();
    assert_eq!(invoices[0].invoice_lines.get().unwrap().len(), 2);
"##;

/// Pagila: 1000 films, film 1 has 10 actors; customer 1 has 32 rentals and
/// 32 payments (`payment` is partitioned); an enum, a domain, `text[]`,
/// `tsvector`, native timestamps.
#[cfg(feature = "postgres")]
const PAGILA: &str = r##"
    let films = ds
        .repo::<models::Film>()
        .find(Filter::new().where_(models::Film::FILM_ID.eq(1)).include(models::Film::ACTORS).include(models::Film::LANGUAGE))
        .await
        .unwrap();
    assert_eq!(films[0].title, "ACADEMY DINOSAUR");
    assert_eq!(films[0].rating, Some(models::MpaaRating::Pg));
    assert_eq!(films[0].release_year, Some(2012));
    assert_eq!(films[0].special_features.as_deref(), Some(&["Deleted Scenes".to_owned(), "Behind the Scenes".to_owned()][..]));
    assert_eq!(films[0].actors.get().unwrap().len(), 10);
    assert_eq!(films[0].language.get().unwrap().name.trim_end(), "English");
    assert_eq!(ds.repo::<models::Film>().count(None).await.unwrap(), 1000);
    let pg13 = Filter::from_json(r#"{"where": {"rating": "PG-13"}}"#).unwrap();
    assert_eq!(ds.repo::<models::Film>().find(pg13).await.unwrap().len(), 223);
    let customers = ds
        .repo::<models::Customer>()
        .find(Filter::new().where_(models::Customer::CUSTOMER_ID.eq(1)).include(models::Customer::RENTALS).include(models::Customer::PAYMENTS))
        .await
        .unwrap();
    assert_eq!(customers[0].rentals.get().unwrap().len(), 32);
    assert_eq!(customers[0].payments.get().unwrap().len(), 32);
    assert_eq!(ds.repo::<models::Rental>().count(None).await.unwrap(), 16044);
    assert_eq!(ds.repo::<models::ActorInfo>().count(None).await.unwrap(), 200);
"##;

/// Sakila: the same shape on MariaDB, with ENUM, SET, YEAR and UNSIGNED.
#[cfg(feature = "mysql")]
const SAKILA: &str = r##"
    let films = ds
        .repo::<models::Film>()
        .find(Filter::new().where_(models::Film::FILM_ID.eq(1_u16)).include(models::Film::ACTORS).include(models::Film::LANGUAGE))
        .await
        .unwrap();
    assert_eq!(films[0].title, "ACADEMY DINOSAUR");
    assert_eq!(films[0].rating, Some(models::FilmRating::Pg));
    assert_eq!(films[0].release_year, Some(2006));
    assert_eq!(films[0].special_features.as_deref(), Some("Deleted Scenes,Behind the Scenes"));
    assert_eq!(films[0].actors.get().unwrap().len(), 10);
    assert_eq!(films[0].language.get().unwrap().name, "English");
    assert_eq!(ds.repo::<models::Film>().count(None).await.unwrap(), 1000);
    let pg13 = Filter::from_json(r#"{"where": {"rating": "PG-13"}}"#).unwrap();
    assert_eq!(ds.repo::<models::Film>().find(pg13).await.unwrap().len(), 223);
    let customers = ds
        .repo::<models::Customer>()
        .find(Filter::new().where_(models::Customer::CUSTOMER_ID.eq(1_u16)).include(models::Customer::RENTALS).include(models::Customer::PAYMENTS))
        .await
        .unwrap();
    assert_eq!(customers[0].rentals.get().unwrap().len(), 32);
    assert_eq!(customers[0].payments.get().unwrap().len(), 32);
    assert_eq!(ds.repo::<models::Rental>().count(None).await.unwrap(), 16044);
    assert_eq!(ds.repo::<models::ActorInfo>().count(None).await.unwrap(), 200);
"##;

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
    // A join table with data of its own (has_many through), and a
    // composite foreign key to it.
    let mut student = Table::new("student");
    student.columns = vec![col("id", "integer", false), col("name", "text", false)];
    student.primary_key = key(&["id"]);
    let mut course = Table::new("course");
    course.columns = vec![col("id", "integer", false), col("title", "text", false)];
    course.primary_key = key(&["id"]);
    let mut enrolment = Table::new("enrolment");
    enrolment.columns = vec![
        col("student_id", "integer", false),
        col("course_id", "integer", false),
        col("grade", "smallint", true),
    ];
    enrolment.primary_key = key(&["student_id", "course_id"]);
    enrolment.foreign_keys = vec![
        fk(&["student_id"], "student", &["id"]),
        fk(&["course_id"], "course", &["id"]),
    ];
    let mut remark = Table::new("remark");
    remark.columns = vec![
        col("id", "integer", false),
        col("student_id", "integer", false),
        col("course_id", "integer", false),
        col("text", "text", true),
    ];
    remark.primary_key = key(&["id"]);
    remark.foreign_keys = vec![fk(
        &["student_id", "course_id"],
        "enrolment",
        &["student_id", "course_id"],
    )];
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
        tables: vec![item, pair, log, student, course, enrolment, remark],
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
