//! JSON `order` could not name a property whose name holds a space.

use juggler::prelude::*;
use serde_json::json;

async fn order_with_spaces(ds: DataSource) {
    let def = ModelDefinition::from_value(json!({
        "name": "Contact",
        "properties": {
            "id": {"type": "number", "id": true, "generated": true},
            "first name": {"type": "string", "length": 20},
            "rank": {"type": "number"}
        }
    }))
    .unwrap();
    ds.automigrate(&[&def]).await.unwrap();
    let repo = ds.dynamic(def).unwrap();
    for (name, rank) in [("b", 1), ("a", 2), ("c", 1)] {
        repo.create(json!({"first name": name, "rank": rank})).await.unwrap();
    }
    let names = |rows: Vec<serde_json::Value>| {
        rows.iter()
            .map(|r| r["first name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    for order in [
        json!("`first name` DESC"),
        json!({"first name": "DESC"}),
        json!([{"first name": "DESC"}]),
        json!(["`first name` DESC"]),
    ] {
        let filter = Filter::from_value(&json!({"order": order})).unwrap();
        assert_eq!(names(repo.find(filter).await.unwrap()), vec!["c", "b", "a"], "{order}");
    }
    let filter = Filter::from_value(&json!({"order": ["rank ASC", {"first name": "DESC"}]})).unwrap();
    assert_eq!(names(repo.find(filter.clone()).await.unwrap()), vec!["c", "b", "a"]);
    // The filter writes itself back in a form that reads the same.
    let again = Filter::from_value(&filter.to_json()).unwrap();
    assert_eq!(again.order, filter.order);
}

crate::per_backend!(crate::common::data_source; order_with_spaces);
