//! MariaDB's `ON DUPLICATE KEY UPDATE` fires on any unique key: an upsert of
//! a new id whose email belonged to another row overwrote that row.

use crate::models::{account, Account};
use juggler::prelude::*;

async fn upsert_of_new_id_with_taken_unique_value(ds: DataSource) {
    ds.automigrate(&[Account::definition()]).await.unwrap();
    let repo = ds.repo::<Account>();
    let ann = repo.create(account("ann@x.io", "Ann", 10)).await.unwrap();
    let mut intruder = account("ann@x.io", "Mallory", 999);
    intruder.id = 42;
    let err = repo.upsert(intruder).await.unwrap_err();
    let Error::Validation(v) = &err else {
        panic!("expected a uniqueness error, got {err:?}")
    };
    assert_eq!(v.codes().get("email"), Some(&vec!["uniqueness"]), "{err}");
    // Nothing changed: Ann is intact and there is no row 42.
    assert_eq!(repo.find_by_id(ann.id).await.unwrap(), Some(ann));
    assert!(repo.find_by_id(42_i64).await.unwrap().is_none());
    assert_eq!(repo.count(None).await.unwrap(), 1);
    // Inside a transaction too (a savepoint there).
    let tx = ds.begin().await.unwrap();
    let mut again = account("ann@x.io", "Mallory", 1);
    again.id = 43;
    assert!(tx.repo::<Account>().upsert(again).await.is_err());
    tx.rollback().await.unwrap();
    // An upsert of the row's own id still updates it.
    let mut own = repo.find_by_id(1_i64).await.unwrap().unwrap();
    own.balance = 11;
    assert_eq!(repo.upsert(own).await.unwrap().balance, 11);
}

crate::per_backend!(crate::common::data_source; upsert_of_new_id_with_taken_unique_value);
