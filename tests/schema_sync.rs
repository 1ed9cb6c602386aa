//! Schema sync on SQLite, PostgreSQL and MariaDB: a model evolved through
//! twelve versions with rows at every step (kept value for value), refused
//! changes that leave the database as it was, empty plans for databases
//! that already match (the fixtures too), migration files run by sqlx's
//! migrator, and tables the definitions do not name left alone.
//!
//! Run: `cargo test --all-features --test schema_sync`

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

mod common;

use common::Backend;
use juggler::prelude::*;
use juggler::{AutoupdateOptions, Catalog, DiscoverOptions, Error, StepClass};
use serde_json::{json, Map, Value as Json};

fn def(text: &str) -> ModelDefinition {
    ModelDefinition::from_json(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The customer model at version `v` (1-based), and from version 7 on its
/// orders.
fn version(v: u32) -> Vec<ModelDefinition> {
    let table = if v >= 9 {
        r#""table": "client", "renamedFrom": "customer""#
    } else {
        r#""table": "customer""#
    };
    let mut props = vec![
        r#""id": {"type": "number", "id": true, "generated": true}"#.to_owned(),
        format!(
            r#""name": {{"type": "string", "required": true, "length": {}}}"#,
            if v >= 5 { 40 } else { 20 }
        ),
    ];
    let email_index = if v >= 4 { r#", "index": true"# } else { "" };
    let email_required = if v >= 10 { r#", "required": true"# } else { "" };
    props.push(format!(
        r#""email": {{"type": "string", "length": 80{email_index}{email_required}}}"#
    ));
    if v >= 2 {
        let country = if v >= 12 { "NO" } else { "SE" };
        props.push(format!(
            r#""country": {{"type": "string", "length": 2, "default": "{country}"}}"#
        ));
        let int = if v >= 6 { "bigint" } else { "integer" };
        props.push(format!(
            r#""visits": {{"type": "number", "dataType": "{int}", "default": 0}}"#
        ));
    }
    if v >= 3 {
        let renamed = if v >= 8 {
            r#""remarks": {"type": "string", "renamedFrom": "notes"}"#
        } else {
            r#""notes": {"type": "string"}"#
        };
        props.push(renamed.to_owned());
    }
    if v >= 4 {
        props.push(r#""code": {"type": "string", "length": 12, "index": {"unique": true}}"#.to_owned());
    }
    if v >= 11 {
        props.push(r#""tier": {"type": "number", "dataType": "integer", "required": true, "default": 1}"#.to_owned());
    }
    let customer = format!(
        r#"{{"name": "Customer", "options": {{{table}}}, "properties": {{{}}}}}"#,
        props.join(", ")
    );
    let mut out = vec![def(&customer)];
    if v >= 7 {
        out.push(def(
            r#"{"name": "Order", "options": {"table": "purchase"}, "properties": {
                "id": {"type": "number", "id": true, "generated": true},
                "customerId": {"type": "number"},
                "total": {"type": "number", "dataType": "integer", "default": 0}},
              "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}"#,
        ));
    }
    out
}

fn refs(defs: &[ModelDefinition]) -> Vec<&ModelDefinition> {
    defs.iter().collect()
}

/// A customer row for version `v`, numbered `n`.
fn row(v: u32, n: u32) -> Map<String, Json> {
    let mut r = Map::new();
    r.insert("name".into(), json!(format!("c{n}")));
    r.insert("email".into(), json!(format!("c{n}@example.com")));
    if v >= 2 {
        r.insert("country".into(), json!(if n % 2 == 0 { "DK" } else { "FI" }));
        r.insert("visits".into(), json!(n * 7));
    }
    if v >= 3 {
        let key = if v >= 8 { "remarks" } else { "notes" };
        r.insert(key.into(), json!(format!("note {n}")));
    }
    if v >= 4 {
        r.insert("code".into(), json!(format!("K{n}")));
    }
    if v >= 11 {
        r.insert("tier".into(), json!(n % 3));
    }
    r
}

/// What an earlier row holds after version `v` changed the schema.
fn migrate_expected(v: u32, rows: &mut [Map<String, Json>]) {
    for r in rows {
        match v {
            2 => {
                r.insert("country".into(), json!("SE"));
                r.insert("visits".into(), json!(0));
            }
            3 => {
                r.insert("notes".into(), Json::Null);
            }
            4 => {
                r.insert("code".into(), Json::Null);
            }
            8 => {
                let notes = r.remove("notes").unwrap_or(Json::Null);
                r.insert("remarks".into(), notes);
            }
            11 => {
                r.insert("tier".into(), json!(1));
            }
            _ => {}
        }
    }
}

/// The class autoupdate must be allowed at version `v` (what its plan holds).
fn options(v: u32) -> AutoupdateOptions {
    AutoupdateOptions {
        // A unique index (4), NOT NULL on a column with values (10), a new default (12).
        allow_review: matches!(v, 4 | 10 | 12),
        allow_destructive: false,
    }
}

async fn rows_of(ds: &DataSource, defs: &[ModelDefinition]) -> Vec<Map<String, Json>> {
    let repo = ds.dynamic(defs[0].clone()).unwrap();
    let found = repo
        .find(Filter::from_json(r#"{"order": "id ASC"}"#).unwrap())
        .await
        .unwrap();
    found
        .into_iter()
        .map(|r| match r {
            Json::Object(mut m) => {
                m.remove("id");
                // Integers read back as numbers whatever their column.
                for v in m.values_mut() {
                    if let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0) {
                        *v = json!(f as i64);
                    }
                }
                m
            }
            other => panic!("not an object: {other}"),
        })
        .collect()
}

async fn evolve(backend: Backend) {
    let Some(ds) = common::data_source(backend, "sync_evolve").await else {
        return;
    };
    let mut expected: Vec<Map<String, Json>> = Vec::new();
    for v in 1..=12 {
        let defs = version(v);
        let before = ds.migration_plan(&refs(&defs)).await.unwrap();
        // SQLite's INTEGER already is 64 bits: int to bigint is no change there.
        let no_change = backend == Backend::Sqlite && v == 6;
        assert_eq!(before.is_empty(), no_change, "version {v}:\n{}", before.render());
        if v > 1 {
            // Never anything destructive in this evolution.
            assert!(
                before.steps.iter().all(|s| s.class != StepClass::Destructive),
                "version {v}:\n{}",
                before.render()
            );
        }
        let applied = ds
            .autoupdate_with(&refs(&defs), options(v))
            .await
            .unwrap_or_else(|e| panic!("{backend:?} version {v}: {e}\n{}", before.render()));
        assert_eq!(applied.steps.len(), before.steps.len());
        assert!(
            ds.is_actual(&refs(&defs)).await.unwrap(),
            "{backend:?} version {v} is not actual after autoupdate:\n{}",
            ds.migration_plan(&refs(&defs)).await.unwrap().render()
        );
        migrate_expected(v, &mut expected);
        assert_eq!(
            rows_of(&ds, &defs).await,
            expected,
            "{backend:?}: rows after version {v}"
        );
        let repo = ds.dynamic(defs[0].clone()).unwrap();
        for n in [2 * v, 2 * v + 1] {
            let r = row(v, n);
            repo.create(Json::Object(r.clone())).await.unwrap();
            expected.push(r);
        }
        if v >= 7 {
            let orders = ds.dynamic(defs[1].clone()).unwrap();
            let first = repo.find_one(Filter::default()).await.unwrap().unwrap();
            orders
                .create(json!({"customerId": first["id"], "total": v}))
                .await
                .unwrap();
        }
        assert_eq!(rows_of(&ds, &defs).await, expected, "{backend:?}: rows at version {v}");
    }
    // The orders kept their customers through the table's rename and rebuilds.
    let defs = version(12);
    let orders = ds.dynamic(defs[1].clone()).unwrap();
    assert_eq!(orders.count(None).await.unwrap(), 6);
    // automigrate's DDL is the same schema: nothing to do after it either.
    ds.automigrate(&refs(&defs)).await.unwrap();
    assert!(
        ds.is_actual(&refs(&defs)).await.unwrap(),
        "{}",
        ds.migration_plan(&refs(&defs)).await.unwrap().render()
    );
}

async fn catalog(ds: &DataSource) -> Catalog {
    ds.discover(&DiscoverOptions::default()).await.unwrap()
}

async fn refusals(backend: Backend) {
    let Some(ds) = common::data_source(backend, "sync_refusals").await else {
        return;
    };
    let v3 = version(3);
    ds.autoupdate(&refs(&v3)).await.unwrap();
    let repo = ds.dynamic(v3[0].clone()).unwrap();
    for n in 0..3 {
        repo.create(Json::Object(row(3, n))).await.unwrap();
    }
    let before = catalog(&ds).await;
    let base = version(3)[0].clone();
    let changed = |edit: &dyn Fn(&mut ModelDefinition)| {
        let mut d = base.clone();
        edit(&mut d);
        d
    };
    let cases: Vec<(&str, ModelDefinition, &str)> = vec![
        (
            "drop a property",
            changed(&|d| {
                d.properties.shift_remove("notes");
            }),
            "notes",
        ),
        (
            "narrow a length",
            changed(&|d| d.properties["name"].length = Some(10)),
            "name",
        ),
        (
            "change a type",
            changed(&|d| {
                let p = &mut d.properties["email"];
                p.property_type = juggler::schema::PropertyType::Number;
                p.data_type = Some("integer".into());
            }),
            "email",
        ),
        (
            "add NOT NULL",
            changed(&|d| d.properties["notes"].required = true),
            "notes",
        ),
    ];
    for (what, d, column) in cases {
        let err = ds.autoupdate(&[&d]).await.expect_err(what);
        let Error::Migration { message, applied } = &err else {
            panic!("{what}: not a migration error: {err}");
        };
        assert!(applied.is_empty());
        assert!(
            message.contains("customer") && message.contains(&format!("`{column}`")),
            "{backend:?} {what}: {message}"
        );
        assert_eq!(catalog(&ds).await, before, "{backend:?} {what} changed the database");
    }
    // With evidence from the data.
    let drop = changed(&|d| {
        d.properties.shift_remove("notes");
    });
    let plan = ds.migration_plan(&[&drop]).await.unwrap();
    assert!(
        plan.render()
            .contains("column `notes` of `customer` holds 3 non-null values"),
        "{}",
        plan.render()
    );
    let required = changed(&|d| {
        d.properties.insert(
            "code".into(),
            serde_json::from_value(json!({"type": "string", "required": true})).unwrap(),
        );
    });
    let plan = ds.migration_plan(&[&required]).await.unwrap();
    assert!(
        plan.render()
            .contains("table `customer` has 3 rows and `code` has no default"),
        "{}",
        plan.render()
    );
    // Allowed, the drop happens.
    let options = AutoupdateOptions {
        allow_review: false,
        allow_destructive: true,
    };
    ds.autoupdate_with(&[&drop], options).await.unwrap();
    assert!(ds.is_actual(&[&drop]).await.unwrap());
    // A rename hint that matches nothing is an error, not ignored.
    let mut wrong = drop.clone();
    wrong.properties.insert(
        "memo".into(),
        serde_json::from_value(json!({"type": "string", "renamedFrom": "nothing"})).unwrap(),
    );
    let err = ds.migration_plan(&[&wrong]).await.unwrap_err();
    assert!(err.to_string().contains("no column `nothing`"), "{err}");
}

/// A step that fails on the data: PostgreSQL and SQLite roll the whole plan
/// back; MySQL, whose DDL commits as it runs, says which steps took effect.
async fn failing_step(backend: Backend) {
    let Some(ds) = common::data_source(backend, "sync_failing").await else {
        return;
    };
    let v1 = def(r#"{"name": "Tag", "properties": {
        "id": {"type": "number", "id": true, "generated": true},
        "label": {"type": "string", "length": 20}}}"#);
    ds.autoupdate(&[&v1]).await.unwrap();
    let tags = ds.dynamic(v1.clone()).unwrap();
    for _ in 0..2 {
        tags.create(json!({"label": "same"})).await.unwrap();
    }
    let before = catalog(&ds).await;
    let v2 = def(r#"{"name": "Tag", "properties": {
        "id": {"type": "number", "id": true, "generated": true},
        "label": {"type": "string", "length": 20, "index": {"unique": true}},
        "color": {"type": "string"}}}"#);
    let plan = ds.migration_plan(&[&v2]).await.unwrap();
    assert!(
        plan.render().contains("1 values of `label` repeat"),
        "{}",
        plan.render()
    );
    let options = AutoupdateOptions {
        allow_review: true,
        allow_destructive: false,
    };
    let err = ds.autoupdate_with(&[&v2], options).await.unwrap_err();
    let Error::Migration { message, applied } = err else {
        panic!("not a migration error");
    };
    assert!(message.contains("failed at") && message.contains("label"), "{message}");
    if backend == Backend::MySql {
        assert_eq!(applied.len(), 1, "{message}");
        assert!(applied[0].contains("add column `color`"), "{message}");
        assert!(message.contains("applied before it"), "{message}");
    } else {
        assert!(applied.is_empty(), "{message}");
        assert!(message.contains("nothing was changed"), "{message}");
        assert_eq!(catalog(&ds).await, before, "{backend:?}: the failed plan left changes");
    }
}

async fn unrelated_tables(backend: Backend) {
    let Some(ds) = common::data_source(backend, "sync_unrelated").await else {
        return;
    };
    let audit = def(r#"{"name": "Audit", "properties": {
        "id": {"type": "number", "id": true, "generated": true},
        "line": {"type": "string"}}}"#);
    ds.automigrate(&[&audit]).await.unwrap();
    ds.dynamic(audit.clone())
        .unwrap()
        .create(json!({"line": "kept"}))
        .await
        .unwrap();
    let before = catalog(&ds).await;
    let defs = version(7);
    let plan = ds.migration_plan(&refs(&defs)).await.unwrap();
    assert!(plan.steps.iter().all(|s| s.table != "Audit"), "{}", plan.render());
    assert!(plan.statements().iter().all(|s| !s.contains("Audit")));
    ds.autoupdate(&refs(&defs)).await.unwrap();
    let after = catalog(&ds).await;
    let schema = &before.schemas[0].name;
    assert_eq!(after.table(schema, "Audit"), before.table(schema, "Audit"));
    let rows = ds.dynamic(audit).unwrap().find(Filter::default()).await.unwrap();
    assert_eq!(rows.len(), 1);
}

async fn migration_files(backend: Backend, url: Option<String>) {
    let Some(url) = url else { return };
    let ds = DataSource::connect(&url).await.unwrap();
    let dir = std::env::temp_dir().join(format!("juggler-migrations-{backend:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (v, name) in [(3, "create customer"), (11, "evolve customer")] {
        let defs = version(v);
        let plan = ds.migration_plan(&refs(&defs)).await.unwrap();
        plan.write_migration(&dir, name).unwrap();
        let migrator = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
        match backend {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                migrator.run(&pool).await.unwrap();
                pool.close().await;
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&url).await.unwrap();
                migrator.run(&pool).await.unwrap();
                pool.close().await;
            }
            #[cfg(feature = "mysql")]
            Backend::MySql => {
                let pool = sqlx::MySqlPool::connect(&url).await.unwrap();
                migrator.run(&pool).await.unwrap();
                pool.close().await;
            }
            _ => unreachable!(),
        }
        assert!(
            ds.is_actual(&refs(&defs)).await.unwrap(),
            "{backend:?} after the migration file of version {v}:\n{}",
            ds.migration_plan(&refs(&defs)).await.unwrap().render()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Discovered, turned into definitions and planned against itself: nothing to do.
async fn matches_itself(what: &str, url: Option<String>) {
    let Some(url) = url else { return };
    let ds = DataSource::connect(&url).await.unwrap();
    let found = ds
        .discover(&DiscoverOptions {
            views: false,
            ..DiscoverOptions::default()
        })
        .await
        .unwrap();
    let defs = found.to_definitions();
    assert!(defs.len() >= 10, "{what}: {} tables", defs.len());
    let plan = ds.migration_plan(&refs(&defs)).await.unwrap();
    assert!(
        plan.is_empty(),
        "{what}: {} spurious steps:\n{}",
        plan.steps.len(),
        plan.render()
    );
}

mod derived {
    use juggler::prelude::*;
    pub(crate) mod v1 {
        use super::*;
        #[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[model(table = "memo")]
        pub(crate) struct Memo {
            #[property(id, generated)]
            pub(crate) id: Option<i64>,
            pub(crate) notes: Option<String>,
        }
    }
    pub(crate) mod v2 {
        use super::*;
        #[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[model(table = "note", renamed_from = "memo")]
        pub(crate) struct Memo {
            #[property(id, generated)]
            pub(crate) id: Option<i64>,
            #[property(renamed_from = "notes")]
            pub(crate) text: Option<String>,
        }
    }
}

#[derive(juggler::Enum, Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
enum Size {
    S,
    M,
    L,
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Shirt {
    #[property(id, generated)]
    id: Option<i64>,
    size: Size,
}

/// A `#[derive(Enum)]` column gets a CHECK constraint: the database itself
/// refuses other values.
async fn enum_checks(backend: Backend) {
    let Some(ds) = common::data_source(backend, "sync_enum_check").await else {
        return;
    };
    ds.autoupdate(&[Shirt::definition()]).await.unwrap();
    ds.repo::<Shirt>()
        .create(Shirt {
            id: None,
            size: Size::M,
        })
        .await
        .unwrap();
    let found = catalog(&ds).await;
    let table = found
        .schemas
        .iter()
        .find_map(|s| s.tables.iter().find(|t| t.name == "shirt"))
        .unwrap();
    assert!(
        table
            .checks
            .iter()
            .any(|c| c.expression.contains('S') && c.expression.contains('L')),
        "{:?}",
        table.checks
    );
    let untyped = ds.dynamic(Shirt::definition().clone()).unwrap();
    untyped
        .create(json!({"size": "XL"}))
        .await
        .expect_err("XL is not a size");
    assert!(ds.is_actual(&[Shirt::definition()]).await.unwrap());
}

/// `#[model(renamed_from)]` and `#[property(renamed_from)]` keep the rows.
async fn derived_renames(backend: Backend) {
    use derived::{v1, v2};
    let Some(ds) = common::data_source(backend, "sync_derived").await else {
        return;
    };
    ds.autoupdate(&[v1::Memo::definition()]).await.unwrap();
    let kept = ds
        .repo::<v1::Memo>()
        .create(v1::Memo {
            id: None,
            notes: Some("kept".into()),
        })
        .await
        .unwrap();
    let plan = ds.migration_plan(&[v2::Memo::definition()]).await.unwrap();
    assert_eq!(plan.steps.len(), 2, "{}", plan.render());
    assert!(
        plan.steps.iter().all(|s| s.class == StepClass::Safe),
        "{}",
        plan.render()
    );
    ds.autoupdate(&[v2::Memo::definition()]).await.unwrap();
    let read = ds
        .repo::<v2::Memo>()
        .find_by_id(kept.id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.text.as_deref(), Some("kept"));
    assert!(ds.is_actual(&[v2::Memo::definition()]).await.unwrap());
    // Once applied, the hints are satisfied, not errors.
    assert!(ds.migration_plan(&[v2::Memo::definition()]).await.unwrap().is_empty());
}

macro_rules! on_each {
    ($($backend:ident: $feature:literal),*) => {
        mod each {
            use super::*;
            $(
                #[cfg(feature = $feature)]
                #[allow(non_snake_case)]
                mod $backend {
                    use super::*;
                    #[tokio::test]
                    async fn evolves_through_twelve_versions() {
                        evolve(Backend::$backend).await;
                    }
                    #[tokio::test]
                    async fn refuses_what_loses_data() {
                        refusals(Backend::$backend).await;
                    }
                    #[tokio::test]
                    async fn derived_renames_keep_rows() {
                        derived_renames(Backend::$backend).await;
                    }
                    #[tokio::test]
                    async fn enum_columns_are_checked() {
                        enum_checks(Backend::$backend).await;
                    }
                    #[tokio::test]
                    async fn a_failing_step_is_reported() {
                        failing_step(Backend::$backend).await;
                    }
                    #[tokio::test]
                    async fn leaves_other_tables_alone() {
                        unrelated_tables(Backend::$backend).await;
                    }
                    #[tokio::test]
                    async fn migration_files_run_with_sqlx() {
                        let url = common::fresh_url(Backend::$backend, "sync_files").await;
                        migration_files(Backend::$backend, url).await;
                    }
                }
            )*
        }
    };
}

on_each!(Sqlite: "sqlite", Postgres: "postgres", MySql: "mysql");

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn chinook_on_sqlite_matches_itself() {
    let url = common::fresh_url(Backend::Sqlite, "sync_chinook").await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(common::fixture("chinook/Chinook_Sqlite.sql")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    matches_itself("Chinook on SQLite", Some(url)).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn pagila_matches_itself() {
    matches_itself("Pagila", common::fixtures::pagila().await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn chinook_on_postgres_matches_itself() {
    matches_itself("Chinook on PostgreSQL", common::fixtures::chinook_postgres().await).await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn sakila_matches_itself() {
    matches_itself("Sakila", common::fixtures::sakila().await).await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn chinook_on_mysql_matches_itself() {
    matches_itself("Chinook on MariaDB", common::fixtures::chinook_mysql().await).await;
}
