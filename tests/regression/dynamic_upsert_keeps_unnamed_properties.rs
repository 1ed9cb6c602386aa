//! On dynamic rows `upsert` replaced the whole row: properties the object
//! did not name were cleared (LoopBack's `updateOrCreate` keeps them).

use crate::common::Person;
use juggler::prelude::*;
use serde_json::json;

async fn dynamic_upsert(ds: DataSource) {
    let repo = ds.dynamic(Person::definition().clone()).unwrap();
    let out = repo.upsert(json!({"id": 1, "age": 35})).await.unwrap();
    assert_eq!(out["name"], "Ann");
    assert_eq!(out["city"], "Paris");
    assert_eq!(out["age"], 35);
    let stored = repo.find_by_id(&json!(1)).await.unwrap().unwrap();
    assert_eq!(
        (stored["name"].clone(), stored["age"].clone(), stored["score"].clone()),
        (json!("Ann"), json!(35), json!(8.5))
    );
    // `replace_or_create` replaces the whole row.
    let out = repo
        .replace_or_create(json!({"id": 2, "name": "Bob", "score": 1.0, "active": true}))
        .await
        .unwrap();
    assert_eq!(out["age"], serde_json::Value::Null);
    assert_eq!(
        repo.find_by_id(&json!(2)).await.unwrap().unwrap()["age"],
        serde_json::Value::Null
    );
    // A new id is created by both.
    repo.upsert(json!({"id": 40, "name": "New", "score": 1.0, "active": false}))
        .await
        .unwrap();
    assert!(repo.exists(&json!(40)).await.unwrap());
}

crate::per_backend!(crate::common::seeded; dynamic_upsert);
