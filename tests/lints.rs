//! The derive's output is quiet: no warning under strict lints, hooks and
//! every attribute kind included.
//!
//! Run: `cargo test --test lints`
#![deny(warnings, unused_qualifications, missing_docs, unreachable_pub)]

use juggler::prelude::*;

/// A documented public model.
#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[model(table = "quiet", hooks, scope(where = r#"{"n": {"gte": 0}}"#))]
pub struct Quiet {
    /// Id.
    #[property(id, generated)]
    pub id: i64,
    /// Name.
    #[property(required, length = 10, index(unique))]
    #[validate(length(min = 1), uniqueness, custom = ok)]
    pub name: String,
    /// Number.
    #[validate(numericality(int, min = 0))]
    pub n: Option<i64>,
    /// Secret.
    #[property(hidden)]
    #[serde(skip_serializing, default)]
    pub secret: String,
    /// Children.
    #[relation(has_many(foreign_key = "quiet_id"))]
    #[serde(default, skip_serializing_if = "HasMany::is_unloaded")]
    pub children: HasMany<Child>,
    /// Labels.
    #[relation(has_and_belongs_to_many(through = "quiet_labels"))]
    #[serde(default)]
    pub labels: HasAndBelongsToMany<Child>,
}

/// A documented child.
#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Child {
    /// Id.
    #[property(id, generated)]
    pub id: i64,
    /// Parent key.
    pub quiet_id: i64,
    /// Parent.
    #[relation(belongs_to)]
    #[serde(default)]
    pub quiet: BelongsTo<Quiet>,
    /// Only child.
    #[relation(has_one(foreign_key = "quiet_id"))]
    #[serde(default)]
    pub twin: HasOne<Child>,
}

fn ok(_: &str) -> bool {
    true
}

#[juggler::async_trait]
impl Hooks for Quiet {}

#[tokio::test]
async fn quiet_model_works() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let q = ds
        .repo::<Quiet>()
        .create(Quiet {
            id: 0,
            name: "a".into(),
            n: Some(1),
            secret: String::new(),
            children: HasMany::default(),
            labels: HasAndBelongsToMany::default(),
        })
        .await
        .unwrap();
    assert_eq!(q.id, 1);
}
