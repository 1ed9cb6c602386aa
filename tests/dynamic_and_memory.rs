//! Dynamic models (a definition known at run time, rows as JSON) and the
//! memory connector's file, which survives a restart.
//!
//! Run: `cargo test --test dynamic_and_memory`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use juggler::prelude::*;
use serde_json::json;

const PRODUCT: &str = r#"{"name": "Product",
 "options": {"idInjection": false, "postgresql": {"schema": "public", "table": "product"}},
 "properties": {
   "id":   {"type": "Number", "required": true, "id": 1, "generated": true,
            "postgresql": {"columnName": "id", "dataType": "integer", "dataLength": null,
                           "dataPrecision": 32, "dataScale": 0, "nullable": "NO"}},
   "name": {"type": "String", "required": true, "length": 64,
            "postgresql": {"columnName": "name", "dataType": "character varying",
                           "dataLength": 64, "nullable": "YES"}},
   "price": {"type": "Number"},
   "tags": {"type": ["String"]}}}"#;

fn product() -> ModelDefinition {
    ModelDefinition::from_json(PRODUCT).expect("valid definition")
}

#[tokio::test]
async fn dynamic_repository_mirrors_the_typed_one() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let products = ds.dynamic(product()).unwrap();
    let created = products
        .create_all(vec![
            json!({"name": "pen", "price": 1.5, "tags": ["office"]}),
            json!({"name": "ink", "price": 7}),
            json!({"name": "pad"}),
        ])
        .await
        .unwrap();
    assert_eq!(
        created[0],
        json!({"id": 1, "name": "pen", "price": 1.5, "tags": ["office"]})
    );
    assert_eq!(created[2], json!({"id": 3, "name": "pad", "price": null, "tags": null}));

    let cheap = products
        .find(Filter::from_json(r#"{"where": {"price": {"lt": 5}}}"#).unwrap())
        .await
        .unwrap();
    assert_eq!(
        cheap,
        vec![json!({"id": 1, "name": "pen", "price": 1.5, "tags": ["office"]})]
    );
    assert_eq!(products.count(None).await.unwrap(), 3);
    let w = Where::from_json(&json!({"price": null})).unwrap();
    assert_eq!(products.count(Some(&w)).await.unwrap(), 1);

    let updated = products.update_by_id(&json!(3), json!({"price": 2})).await.unwrap();
    assert_eq!(updated, json!({"id": 3, "name": "pad", "price": 2, "tags": null}));
    let n = products
        .update_all(
            Some(&Where::from_json(&json!({"price": {"gt": 1}})).unwrap()),
            json!({"tags": []}),
        )
        .await
        .unwrap();
    assert_eq!(n, 3);
    let replaced = products
        .replace_by_id(&json!(2), json!({"name": "ink2", "price": 8}))
        .await
        .unwrap();
    assert_eq!(replaced, json!({"id": 2, "name": "ink2", "price": 8, "tags": null}));
    let (found, created) = products
        .find_or_create(
            Filter::from_json(r#"{"where": {"name": "pen"}}"#).unwrap(),
            json!({"name": "pen"}),
        )
        .await
        .unwrap();
    assert_eq!((found["id"].clone(), created), (json!(1), false));
    let up = products.upsert(json!({"id": 10, "name": "cap"})).await.unwrap();
    assert_eq!(up["id"], 10);
    let mut pad = products.find_by_id(&json!(3)).await.unwrap().unwrap();
    pad["price"] = json!(3);
    products.save(&mut pad).await.unwrap();
    let mut stale = json!({"id": 3, "name": "old"});
    products.reload(&mut stale).await.unwrap();
    assert_eq!(stale["price"], 3);
    assert!(products.exists(&json!(10)).await.unwrap());
    assert!(products.delete_by_id(&json!(10)).await.unwrap());
    assert_eq!(products.delete_all(None).await.unwrap(), 3);
}

#[tokio::test]
async fn dynamic_models_validate_and_check_types() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let products = ds.dynamic(product()).unwrap();
    let err = products.create(json!({"price": 1})).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The `Product` instance is not valid. Details: `name` can't be blank (value: null)."
    );
    let err = products
        .create(json!({"name": "x", "price": "cheap"}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `Product` data: `price` expects a Number value, got a string"
    );
    let err = products.create(json!([1])).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `Product` data: expected a JSON object, got an array"
    );
    let err = products
        .update_by_id(&json!(1), json!({"name": "x"}))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "no `Product` with id 1");
    assert_eq!(products.count(None).await.unwrap(), 0);
}

#[derive(Model, Debug, Clone, PartialEq)]
struct Note {
    #[property(id, generated)]
    id: i64,
    text: String,
}

#[tokio::test]
async fn memory_file_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("juggler-memory-{}", std::process::id()));
    let file = dir.join("db.json");
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("memory:{}", file.display());
    {
        let ds = DataSource::connect(&url).await.unwrap();
        let notes = ds.repo::<Note>();
        notes
            .create(Note {
                id: 0,
                text: "one".into(),
            })
            .await
            .unwrap();
        notes
            .create(Note {
                id: 0,
                text: "two".into(),
            })
            .await
            .unwrap();
        notes.delete_by_id(1i64).await.unwrap();
    }
    // LoopBack's memory-connector format: rows are JSON strings.
    let on_disk: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        on_disk,
        json!({"ids": {"Note": 2}, "models": {"Note": {"2": "{\"id\":2,\"text\":\"two\"}"}}})
    );
    let ds = DataSource::connect(&url).await.unwrap();
    let notes = ds.repo::<Note>();
    assert_eq!(
        notes.find(Filter::new()).await.unwrap(),
        vec![Note {
            id: 2,
            text: "two".into()
        }]
    );
    // ids continue where they were
    assert_eq!(
        notes
            .create(Note {
                id: 0,
                text: "three".into()
            })
            .await
            .unwrap()
            .id,
        3
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_broken_memory_file_is_an_error_naming_it() {
    let dir = std::env::temp_dir().join(format!("juggler-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("db.json");
    std::fs::write(
        &file,
        "{\"ids\": {\"Note\": 1},\n \"models\": {\"Note\": {\"1\": \"{not json\"}}}",
    )
    .unwrap();
    let err = DataSource::connect(&format!("memory:{}", file.display()))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("cannot load {}: row `1` of `Note`:", file.display())),
        "{text}"
    );
    // the file is left as it was
    assert!(std::fs::read_to_string(&file).unwrap().contains("{not json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unknown_urls_say_what_is_supported() {
    let err = DataSource::connect("redis://x").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot connect to `redis://x`: unknown scheme `redis`; supported: memory, sqlite, postgres, postgresql, mysql, mariadb"
    );
    let err = DataSource::connect("nothing").await.unwrap_err();
    assert!(err.to_string().contains("expected a URL such as `memory:`"), "{err}");
}
