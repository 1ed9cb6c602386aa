//! `save()` of an instance read with `fields` wrote empty values into the
//! columns it never read, and inserted a copy when `fields` left out the id.

use crate::models::{account, Account};
use juggler::prelude::*;

async fn save_after_a_partial_read(ds: DataSource) {
    ds.automigrate(&[Account::definition()]).await.unwrap();
    let repo = ds.repo::<Account>();
    let ann = repo.create(account("ann@x.io", "Ann", 50)).await.unwrap();
    let mut partial = repo
        .find_one(Filter::new().fields(["name"]).where_(Account::ID.eq(ann.id)))
        .await
        .unwrap()
        .unwrap();
    partial.name = "Annie".into();
    repo.save(&mut partial).await.unwrap();
    assert_eq!(repo.count(None).await.unwrap(), 1, "save inserted a copy");
    let stored = repo.find_by_id(ann.id).await.unwrap().unwrap();
    assert_eq!(stored.name, "Annie");
    assert_eq!(stored.email, "ann@x.io", "save overwrote a column it never read");
    assert_eq!(stored.balance, 50);
    assert_eq!(stored.secret, ann.secret);
    // The same from a client's JSON filter.
    let filter = Filter::from_json(r#"{"fields": {"balance": false}, "where": {"name": "Annie"}}"#).unwrap();
    let mut partial = repo.find_one(filter).await.unwrap().unwrap();
    partial.name = "Ann".into();
    repo.save(&mut partial).await.unwrap();
    let stored = repo.find_by_id(ann.id).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.balance), ("Ann", 50));
}

crate::per_backend!(crate::common::data_source; save_after_a_partial_read);
