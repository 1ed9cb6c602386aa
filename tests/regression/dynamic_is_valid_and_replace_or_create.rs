//! `DynamicRepository` had no `is_valid`, and neither repository had
//! `replace_or_create`.

use juggler::prelude::*;
use serde_json::json;

#[derive(Model, Debug, Clone, PartialEq)]
struct Item {
    #[property(id, generated)]
    id: i64,
    #[validate(length(min = 2), uniqueness)]
    name: String,
}

async fn is_valid_and_replace(ds: DataSource) {
    ds.automigrate(&[Item::definition()]).await.unwrap();
    let dynamic = ds.dynamic(Item::definition().clone()).unwrap();
    dynamic.is_valid(&json!({"name": "ok"})).await.unwrap();
    let err = dynamic.is_valid(&json!({"name": "x"})).await.unwrap_err();
    assert!(err.to_string().contains("too short"), "{err}");
    dynamic.create(json!({"name": "taken"})).await.unwrap();
    let err = dynamic.is_valid(&json!({"name": "taken"})).await.unwrap_err();
    assert!(err.to_string().contains("not unique"), "{err}");
    assert_eq!(dynamic.count(None).await.unwrap(), 1, "is_valid wrote");
    let typed = ds.repo::<Item>();
    let replaced = typed
        .replace_or_create(Item {
            id: 1,
            name: "renamed".into(),
        })
        .await
        .unwrap();
    assert_eq!(replaced.name, "renamed");
    let created = typed
        .replace_or_create(Item {
            id: 0,
            name: "fresh".into(),
        })
        .await
        .unwrap();
    assert_eq!(created.id, 2);
}

crate::per_backend!(crate::common::data_source; is_valid_and_replace);
