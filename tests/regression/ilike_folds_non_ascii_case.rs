//! SQLite `ilike` ignored case for ASCII only: `zoË` did not find `Zoë`.

use juggler::prelude::*;

#[derive(Model, Debug, Clone)]
struct Name {
    #[property(id, generated)]
    id: i64,
    #[property(length = 40)]
    name: String,
}

async fn unicode_ilike(ds: DataSource) {
    ds.automigrate(&[Name::definition()]).await.unwrap();
    let repo = ds.repo::<Name>();
    for n in ["Zoë", "ÉLODIE", "straße", "x%y", "Zoe"] {
        repo.create(Name { id: 0, name: n.into() }).await.unwrap();
    }
    let ids = |f: &str| {
        let repo = repo.clone();
        let f = f.to_owned();
        async move {
            let filter = Filter::from_json(&f).unwrap();
            repo.find(filter)
                .await
                .unwrap()
                .iter()
                .map(|n| n.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(r#"{"where": {"name": {"ilike": "zoË"}}}"#).await, vec![1]);
    assert_eq!(ids(r#"{"where": {"name": {"ilike": "élo%"}}}"#).await, vec![2]);
    assert_eq!(ids(r#"{"where": {"name": {"ilike": "ZO_"}}}"#).await, vec![1, 5]);
    assert_eq!(ids(r#"{"where": {"name": {"ilike": "X\\%Y"}}}"#).await, vec![4]);
    assert_eq!(ids(r#"{"where": {"name": {"nilike": "zo%"}}}"#).await, vec![2, 3, 4]);
}

crate::per_backend!(crate::common::data_source; unicode_ilike);
