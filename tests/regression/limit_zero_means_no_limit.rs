//! `limit: 0` returned nothing; in LoopBack it means no limit.

use crate::common::Person;
use juggler::prelude::*;

async fn limit_zero(ds: DataSource) {
    let repo = ds.repo::<Person>();
    assert_eq!(
        repo.find(Filter::from_json(r#"{"limit": 0}"#).unwrap())
            .await
            .unwrap()
            .len(),
        6
    );
    assert_eq!(repo.find(Filter::new().limit(0).skip(4)).await.unwrap().len(), 2);
    let dynamic = ds.dynamic(Person::definition().clone()).unwrap();
    assert_eq!(
        dynamic
            .find(Filter::from_json(r#"{"limit": 0}"#).unwrap())
            .await
            .unwrap()
            .len(),
        6
    );
}

crate::per_backend!(crate::common::seeded; limit_zero);
