//! Every validator, LoopBack's codes and messages, and "nothing is written
//! when validation fails".
//!
//! Run: `cargo test --test validation`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::Backend;
use juggler::prelude::*;
use serde_json::json;

/// An empty data source with the `Account` table.
async fn accounts(backend: Backend, test: &str) -> Option<DataSource> {
    let ds = common::data_source(backend, test).await?;
    ds.automigrate(&[Account::definition()]).await.unwrap();
    Some(ds)
}

fn not_reserved(name: &str) -> bool {
    !name.is_empty() && name != "root"
}

async fn domain_allowed(email: &str) -> bool {
    tokio::task::yield_now().await;
    !email.ends_with("@spam.test")
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize)]
struct Account {
    #[property(id, generated)]
    id: i64,
    #[property(required, length = 20)]
    #[validate(length(min = 3, max = 8), custom = not_reserved)]
    login: String,
    #[property(index(unique), length = 100)]
    #[validate(format(email), uniqueness, custom_async = domain_allowed, message = "is not allowed")]
    email: String,
    #[validate(numericality(int, min = 0, max = 150))]
    age: Option<f64>,
    #[validate(inclusion(in = ["free", "pro"]))]
    plan: String,
    #[validate(exclusion(in = ["admin", "system"], message = "is taken"))]
    nick: Option<String>,
    #[validate(length(is = 2))]
    country: Option<String>,
    #[validate(format(regex = "^[0-9]+$"))]
    pin: Option<String>,
    #[validate(presence)]
    tags: Vec<String>,
    #[property(hidden)]
    #[serde(skip_serializing)]
    #[validate(length(min = 6))]
    secret: String,
}

fn valid() -> Account {
    Account {
        id: 0,
        login: "ann".into(),
        email: "ann@example.com".into(),
        age: Some(30.0),
        plan: "free".into(),
        nick: None,
        country: Some("FR".into()),
        pin: Some("1234".into()),
        tags: vec!["a".into()],
        secret: "hunter22".into(),
    }
}

fn codes(err: &Error) -> serde_json::Value {
    match err {
        Error::Validation(v) => v.to_json()["details"]["codes"].clone(),
        other => panic!("expected a validation error, got {other}"),
    }
}

async fn a_valid_instance_passes(ds: DataSource) {
    assert_eq!(valid().validate(), Ok(()));
    let created = ds.repo::<Account>().create(valid()).await.unwrap();
    assert_eq!(created.id, 1);
    assert_eq!(ds.repo::<Account>().find_by_id(1i64).await.unwrap(), Some(created));
}

#[tokio::test]
async fn every_failure_is_reported_at_once() {
    let bad = Account {
        id: 0,
        login: "".into(),
        email: "nope".into(),
        age: Some(2.5),
        plan: "gold".into(),
        nick: Some("admin".into()),
        country: Some("FRA".into()),
        pin: Some("12a".into()),
        tags: vec![],
        secret: "x".into(),
    };
    let err = bad.validate().unwrap_err();
    assert_eq!(
        err.to_json(),
        json!({
            "name": "ValidationError",
            "statusCode": 422,
            "message": "The `Account` instance is not valid. Details: `login` can't be blank (value: \"\"); \
                `login` is blank (value: \"\"); `email` is not allowed (value: \"nope\"); \
                `age` is not an integer (value: 2.5); `plan` is not included in the list (value: \"gold\"); \
                `nick` is taken (value: \"admin\"); `country` length is wrong (value: \"FRA\"); \
                `pin` is invalid (value: \"12a\"); `tags` can't be blank (value: []); \
                `secret` too short (value: <hidden>); `login` is invalid (value: \"\").",
            "details": {
                "context": "Account",
                "codes": {
                    "login": ["presence", "length.blank", "custom"],
                    "email": ["format"],
                    "age": ["numericality.int"],
                    "plan": ["inclusion"],
                    "nick": ["exclusion"],
                    "country": ["length.is"],
                    "pin": ["format"],
                    "tags": ["presence"],
                    "secret": ["length.min"]
                },
                "messages": {
                    "login": ["can't be blank", "is blank", "is invalid"],
                    "email": ["is not allowed"],
                    "age": ["is not an integer"],
                    "plan": ["is not included in the list"],
                    "nick": ["is taken"],
                    "country": ["length is wrong"],
                    "pin": ["is invalid"],
                    "tags": ["can't be blank"],
                    "secret": ["too short"]
                }
            }
        })
    );
}

#[tokio::test]
async fn length_min_and_max() {
    let mut a = valid();
    a.login = "an".into();
    assert_eq!(
        codes(&Error::from(a.validate().unwrap_err())),
        json!({"login": ["length.min"]})
    );
    a.login = "annabella".into();
    let err = a.validate().unwrap_err();
    assert_eq!(err.errors[0].message, "too long");
    assert_eq!(err.errors[0].code, "length.max");
}

#[tokio::test]
async fn numericality_bounds_and_none() {
    let mut a = valid();
    a.age = Some(151.0);
    assert_eq!(
        codes(&Error::from(a.validate().unwrap_err())),
        json!({"age": ["numericality.max"]})
    );
    a.age = Some(-1.0);
    assert_eq!(
        codes(&Error::from(a.validate().unwrap_err())),
        json!({"age": ["numericality.min"]})
    );
    a.age = Some(f64::NAN);
    assert_eq!(
        codes(&Error::from(a.validate().unwrap_err())),
        json!({"age": ["numericality.number"]})
    );
    // An absent optional value is not checked.
    a.age = None;
    assert_eq!(a.validate(), Ok(()));
}

#[tokio::test]
async fn blank_values_report_code_blank() {
    let mut a = valid();
    a.plan = String::new();
    let err = a.validate().unwrap_err();
    assert_eq!(
        (err.errors[0].code.as_str(), err.errors[0].message.as_str()),
        ("inclusion.blank", "is blank")
    );
}

async fn uniqueness_asks_the_connector_and_nothing_is_written(ds: DataSource) {
    let repo = ds.repo::<Account>();
    repo.create(valid()).await.unwrap();
    let mut twin = valid();
    twin.login = "bob".into();
    let err = repo.create(twin.clone()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The `Account` instance is not valid. Details: `email` is not allowed (value: \"ann@example.com\")."
    );
    assert_eq!(codes(&err), json!({"email": ["uniqueness"]}));
    assert_eq!(repo.count(None).await.unwrap(), 1);
    // Saving the same instance again is not a conflict with itself.
    let mut first = repo.find_by_id(1i64).await.unwrap().unwrap();
    first.plan = "pro".into();
    repo.save(&mut first).await.unwrap();
    assert_eq!(repo.find_by_id(1i64).await.unwrap().unwrap().plan, "pro");
}

async fn custom_async_runs_on_write(ds: DataSource) {
    let repo = ds.repo::<Account>();
    let mut a = valid();
    a.email = "x@spam.test".into();
    // `validate()` has no database and no async: it passes.
    assert_eq!(a.validate(), Ok(()));
    let err = repo.create(a).await.unwrap_err();
    assert_eq!(codes(&err), json!({"email": ["custom"]}));
    assert_eq!(repo.count(None).await.unwrap(), 0);
}

async fn create_all_writes_nothing_when_one_fails(ds: DataSource) {
    let repo = ds.repo::<Account>();
    let mut b = valid();
    b.email = "b@example.com".into();
    b.plan = "gold".into();
    let err = repo.create_all(vec![valid(), b]).await.unwrap_err();
    assert_eq!(codes(&err), json!({"plan": ["inclusion"]}));
    assert_eq!(repo.count(None).await.unwrap(), 0);
}

async fn updates_validate_too(ds: DataSource) {
    let repo = ds.repo::<Account>();
    repo.create(valid()).await.unwrap();
    let err = repo
        .update_by_id(
            1i64,
            AccountPatch {
                plan: Some("gold".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&err), json!({"plan": ["inclusion"]}));
    let err = repo
        .update_all(
            None,
            AccountPatch {
                login: Some("x".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&err), json!({"login": ["length.min"]}));
    assert_eq!(
        repo.find_by_id(1i64).await.unwrap().unwrap(),
        Account { id: 1, ..valid() }
    );
}

#[tokio::test]
async fn validation_error_serialises_with_serde() {
    let err = Account {
        plan: "x".into(),
        ..valid()
    }
    .validate()
    .unwrap_err();
    let text = serde_json::to_string(&err).unwrap();
    assert!(
        text.starts_with(r#"{"name":"ValidationError","statusCode":422,"#),
        "{text}"
    );
}

per_backend!(crate::accounts;
    a_valid_instance_passes,
    uniqueness_asks_the_connector_and_nothing_is_written,
    custom_async_runs_on_write,
    create_all_writes_nothing_when_one_fails,
    updates_validate_too,
);
