//! `upsert` ignored `force_id`: it created a row with the id the client gave.

use juggler::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(force_id)]
struct Ticket {
    #[property(id, generated)]
    id: i64,
    title: String,
}

async fn force_id_on_upsert(ds: DataSource) {
    ds.automigrate(&[Ticket::definition()]).await.unwrap();
    let repo = ds.repo::<Ticket>();
    let err = repo
        .upsert(Ticket {
            id: 77,
            title: "chosen".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert_eq!(repo.count(None).await.unwrap(), 0);
    // Without an id it creates; with a stored id it updates.
    let t = repo
        .upsert(Ticket {
            id: 0,
            title: "new".into(),
        })
        .await
        .unwrap();
    let t = repo
        .upsert(Ticket {
            id: t.id,
            title: "renamed".into(),
        })
        .await
        .unwrap();
    assert_eq!(repo.find_by_id(t.id).await.unwrap().unwrap().title, "renamed");
    let dynamic = ds.dynamic(Ticket::definition().clone()).unwrap();
    assert!(dynamic
        .upsert(serde_json::json!({"id": 88, "title": "x"}))
        .await
        .is_err());
    assert!(dynamic
        .replace_or_create(serde_json::json!({"id": 88, "title": "x"}))
        .await
        .is_err());
    assert_eq!(repo.count(None).await.unwrap(), 1);
}

crate::per_backend!(crate::common::data_source; force_id_on_upsert);
