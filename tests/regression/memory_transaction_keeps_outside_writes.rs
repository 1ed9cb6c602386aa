//! The memory connector's commit wrote the transaction's copy over the
//! whole store: writes made outside it meanwhile were undone and ids reused.

use crate::models::{account, Account, AccountPatch};
use juggler::prelude::*;

async fn commit_keeps_outside_writes(ds: DataSource) {
    ds.automigrate(&[Account::definition()]).await.unwrap();
    let repo = ds.repo::<Account>();
    let first = repo.create(account("a@x.io", "A", 1)).await.unwrap();
    let tx = ds.begin().await.unwrap();
    let inside = tx.repo::<Account>().create(account("in@x.io", "In", 2)).await.unwrap();
    // Meanwhile, outside the transaction:
    let outside = repo.create(account("out@x.io", "Out", 3)).await.unwrap();
    repo.update_by_id(
        first.id,
        AccountPatch {
            balance: Some(100),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_ne!(inside.id, outside.id, "an id was handed out twice");
    let all = repo.find(Filter::new()).await.unwrap();
    let mut names: Vec<_> = all.iter().map(|a| (a.name.as_str(), a.balance)).collect();
    names.sort();
    assert_eq!(names, vec![("A", 100), ("In", 2), ("Out", 3)]);
}

async fn commit_refuses_a_clash_and_changes_nothing(ds: DataSource) {
    ds.automigrate(&[Account::definition()]).await.unwrap();
    let repo = ds.repo::<Account>();
    let tx = ds.begin().await.unwrap();
    tx.repo::<Account>()
        .create(account("same@x.io", "In", 1))
        .await
        .unwrap();
    tx.repo::<Account>()
        .create(account("other@x.io", "In2", 1))
        .await
        .unwrap();
    repo.create(account("same@x.io", "Out", 2)).await.unwrap();
    // The transaction's insert now clashes with a committed row.
    assert!(tx.commit().await.is_err());
    let all = repo.find(Filter::new()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Out");
}

mod memory {
    #[tokio::test]
    async fn commit_keeps_outside_writes() {
        let ds = juggler::DataSource::connect("memory:").await.unwrap();
        super::commit_keeps_outside_writes(ds).await;
    }

    #[tokio::test]
    async fn commit_refuses_a_clash_and_changes_nothing() {
        let ds = juggler::DataSource::connect("memory:").await.unwrap();
        super::commit_refuses_a_clash_and_changes_nothing(ds).await;
    }
}
