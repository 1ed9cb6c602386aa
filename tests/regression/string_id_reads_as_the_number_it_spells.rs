//! `find_by_id("3")` on a numeric id returned `None` on memory and a raw
//! error on PostgreSQL, while SQLite and MariaDB found the row.

use crate::common::Person;
use juggler::prelude::*;
use serde_json::json;

async fn string_ids(ds: DataSource) {
    let repo = ds.repo::<Person>();
    assert_eq!(repo.find_by_id("3").await.unwrap().unwrap().name, "carl");
    assert!(repo.exists("4").await.unwrap());
    assert!(repo.find_by_id("99").await.unwrap().is_none());
    let updated = repo
        .update_by_id(
            "2",
            crate::common::PersonPatch {
                age: Some(Some(22)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.age, Some(22));
    assert!(repo.delete_by_id("6").await.unwrap());
    let err = repo.find_by_id("abc").await.unwrap_err();
    assert!(matches!(err, Error::InvalidFilter { .. }), "{err:?}");
    let dynamic = ds.dynamic(Person::definition().clone()).unwrap();
    assert_eq!(dynamic.find_by_id(&json!("1")).await.unwrap().unwrap()["name"], "Ann");
    assert!(dynamic.exists(&json!("5")).await.unwrap());
}

crate::per_backend!(crate::common::seeded; string_ids);
