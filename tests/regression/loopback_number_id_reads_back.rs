//! `{"type": "number", "id": true, "generated": true}` without `dataType`
//! (LoopBack's most common id) could not be read back on SQLite and MariaDB.

use juggler::prelude::*;
use serde_json::json;

async fn loopback_ids(ds: DataSource) {
    for (i, id) in [
        json!({"type": "number", "id": true, "generated": true}),
        json!({"type": "Number", "id": 1, "generated": true}),
        json!({"type": "number", "id": true, "generated": true, "required": false}),
    ]
    .into_iter()
    .enumerate()
    {
        let def = ModelDefinition::from_value(json!({
            "name": format!("Lb{i}"),
            "properties": {"id": id, "title": {"type": "string"}, "qty": {"type": "number"}}
        }))
        .unwrap();
        ds.automigrate(&[&def]).await.unwrap();
        let repo = ds.dynamic(def).unwrap();
        let a = repo.create(json!({"title": "a", "qty": 2.5})).await.unwrap();
        let b = repo.create(json!({"title": "b", "qty": 3})).await.unwrap();
        assert_eq!((a["id"].clone(), b["id"].clone()), (json!(1), json!(2)), "{i}");
        let found = repo.find_by_id(&json!(2)).await.unwrap().unwrap();
        assert_eq!(found["title"], "b");
        assert_eq!(found["qty"].as_f64(), Some(3.0));
        assert_eq!(repo.find(Filter::new()).await.unwrap().len(), 2);
    }
}

crate::per_backend!(crate::common::data_source; loopback_ids);
