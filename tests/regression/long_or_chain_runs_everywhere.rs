//! SQLite: an `or` of more than 1,000 conditions failed (expression depth),
//! though the filter parser accepts 10,000.

use crate::common::ids;
use juggler::prelude::*;
use serde_json::json;

async fn ten_thousand_conditions(ds: DataSource) {
    let mut or: Vec<serde_json::Value> = (100..10_000).map(|i| json!({"age": i})).collect();
    or.push(json!({"name": "Ann"}));
    or.push(json!({"and": [{"age": 21}, {"city": "Lyon"}]}));
    let filter = Filter::from_value(&json!({"where": {"or": or}})).unwrap();
    let found = ds.repo::<crate::common::Person>().find(filter).await.unwrap();
    assert_eq!(ids(&found), vec![1, 5]);
    let and: Vec<serde_json::Value> = (0..5_000).map(|i| json!({"age": {"neq": 1000 + i}})).collect();
    let filter = Filter::from_value(&json!({"where": {"and": and}})).unwrap();
    assert_eq!(
        ds.repo::<crate::common::Person>().count(filter.where_).await.unwrap(),
        5
    );
}

crate::per_backend!(crate::common::seeded; ten_thousand_conditions);
