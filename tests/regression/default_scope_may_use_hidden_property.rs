//! A default scope on a hidden property (a soft-delete flag) made every JSON
//! `find` fail with "is hidden": the model's own scope is trusted code.

use juggler::prelude::*;

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize)]
#[model(scope(where = r#"{"deleted": false}"#, order = "rank ASC"))]
struct Note {
    #[property(id, generated)]
    id: i64,
    text: String,
    #[property(hidden)]
    #[serde(skip_serializing)]
    deleted: bool,
    #[property(hidden)]
    #[serde(skip_serializing)]
    rank: i64,
}

async fn scope_on_hidden_property(ds: DataSource) {
    ds.automigrate(&[Note::definition()]).await.unwrap();
    let repo = ds.repo::<Note>();
    for (text, deleted, rank) in [("b", false, 2), ("gone", true, 0), ("a", false, 1)] {
        repo.create(Note {
            id: 0,
            text: text.into(),
            deleted,
            rank,
        })
        .await
        .unwrap();
    }
    let found = repo
        .find(Filter::from_json(r#"{"where": {"text": {"neq": "zzz"}}}"#).unwrap())
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
        vec!["a", "b"]
    );
    assert_eq!(
        repo.count(Where::from_json(&serde_json::json!({"text": "gone"})).unwrap())
            .await
            .unwrap(),
        0
    );
    // The client still cannot name the hidden property itself.
    let err = repo
        .find(Filter::from_json(r#"{"where": {"deleted": true}}"#).unwrap())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("hidden"), "{err}");
    let dynamic = ds.dynamic(Note::definition().clone()).unwrap();
    let rows = dynamic
        .find(Filter::from_json(r#"{"where": {"text": {"like": "%"}}}"#).unwrap())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

crate::per_backend!(crate::common::data_source; scope_on_hidden_property);
