//! `create_all` wrote in chunks outside a transaction: a failure in a late
//! chunk left the earlier chunks stored.

use crate::models::{account, Account};
use juggler::prelude::*;

/// 30,000 rows x 4 columns: several statements on every SQL database (their
/// bind limits are 32,766 and 65,535); the last row repeats the first email.
async fn late_chunk_failure(ds: DataSource) {
    ds.automigrate(&[Account::definition()]).await.unwrap();
    let repo = ds.repo::<Account>();
    let mut rows: Vec<Account> = (0..30_000).map(|i| account(&format!("u{i}@x.io"), "u", i)).collect();
    rows.push(account("u0@x.io", "dup", 0));
    let err = repo.create_all(rows).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert_eq!(repo.count(None).await.unwrap(), 0, "earlier chunks were kept");
    // Inside a caller's transaction: rolled back to a savepoint, the
    // transaction goes on.
    let tx = ds.begin().await.unwrap();
    tx.repo::<Account>()
        .create(account("kept@x.io", "kept", 1))
        .await
        .unwrap();
    let mut rows: Vec<Account> = (0..30_000).map(|i| account(&format!("v{i}@x.io"), "v", i)).collect();
    rows.push(account("v1@x.io", "dup", 0));
    assert!(tx.repo::<Account>().create_all(rows).await.is_err());
    tx.commit().await.unwrap();
    let all = repo.find(Filter::new()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].email, "kept@x.io");
}

crate::per_backend!(crate::common::data_source; late_chunk_failure);
