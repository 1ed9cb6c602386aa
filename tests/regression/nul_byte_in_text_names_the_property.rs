//! A NUL byte in a text value on PostgreSQL gave a raw database error.

use crate::models::{account, Account, AccountPatch};
use juggler::prelude::*;

async fn nul_byte(ds: DataSource) {
    ds.automigrate(&[Account::definition()]).await.unwrap();
    let repo = ds.repo::<Account>();
    let result = repo.create(account("nul@x.io", "a\0b", 1)).await;
    if ds.connector_name() == "postgres" {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::InvalidData { .. }), "{err:?}");
        assert!(err.to_string().contains("`name`"), "{err}");
        let ok = repo.create(account("ok@x.io", "ok", 1)).await.unwrap();
        let err = repo
            .update_by_id(
                ok.id,
                AccountPatch {
                    name: Some("x\0".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("`name`"), "{err}");
    } else {
        // Elsewhere text holds NUL, and it comes back as it went in.
        let a = result.unwrap();
        assert_eq!(repo.find_by_id(a.id).await.unwrap().unwrap().name, "a\0b");
    }
}

crate::per_backend!(crate::common::data_source; nul_byte);
