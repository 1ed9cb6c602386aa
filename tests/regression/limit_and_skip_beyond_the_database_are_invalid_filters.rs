//! `limit` / `skip` above what the database accepts gave a database error.

use crate::common::Person;
use juggler::prelude::*;

async fn huge_limit_and_skip(ds: DataSource) {
    let repo = ds.repo::<Person>();
    for json in [
        r#"{"limit": 18446744073709551615}"#,
        r#"{"skip": 9223372036854775808}"#,
        r#"{"offset": 18446744073709551615, "limit": 1}"#,
    ] {
        let err = repo.find(Filter::from_json(json).unwrap()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidFilter { .. }), "{json}: {err:?}");
    }
    let err = repo.find(Filter::new().limit(u64::MAX)).await.unwrap_err();
    assert!(err.to_string().starts_with("invalid filter at limit"), "{err}");
    // The largest accepted count works everywhere.
    let all = repo.find(Filter::new().limit(i64::MAX as u64).skip(1)).await.unwrap();
    assert_eq!(all.len(), 5);
}

crate::per_backend!(crate::common::seeded; huge_limit_and_skip);
