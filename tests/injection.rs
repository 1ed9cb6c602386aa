//! SQL injection attempts through every filter position, on every SQL
//! database: values are bound, names are checked against the model before any
//! SQL is written, patterns are bound too. After each attempt the table is
//! still there with all its rows.
//!
//! Run: `cargo test --all-features --test injection`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{ids, Person};
use juggler::prelude::*;
use serde_json::json;

const PAYLOADS: &[&str] = &[
    "'; DROP TABLE person; --",
    "\" OR 1=1 --",
    "` OR 1=1 #",
    "x' OR '1'='1",
    "1; DELETE FROM person",
    "\\'; DROP TABLE person; --",
    "%' OR name LIKE '%",
    "name) OR (1=1",
];

async fn still_intact(ds: &DataSource) {
    assert_eq!(
        ds.repo::<Person>().count(None).await.unwrap(),
        6,
        "all rows are still there"
    );
}

async fn values_are_bound(ds: DataSource) {
    let repo = ds.repo::<Person>();
    for p in PAYLOADS {
        for op in ["eq", "neq", "gt", "like", "nlike", "ilike", "nilike"] {
            let f = Filter::from_value(&json!({"where": {"name": {op: p}}})).unwrap();
            let found = repo.find(f).await.unwrap();
            // Nothing is named like a payload; neq/nlike/nilike match every row.
            let expected = if op.starts_with('n') {
                6
            } else if op == "gt" {
                found.len()
            } else {
                0
            };
            assert_eq!(found.len(), expected, "{op} {p}");
        }
        let f = Filter::from_value(&json!({"where": {"name": {"inq": [p, "Ann"]}}})).unwrap();
        assert_eq!(ids(&repo.find(f).await.unwrap()), vec![1]);
        let f = Filter::from_value(&json!({"where": {"city": {"between": [p, p]}}})).unwrap();
        assert!(repo.find(f).await.unwrap().is_empty());
        still_intact(&ds).await;
    }
    // A payload stored as data comes back as data.
    let mut evil = common::people()[0].clone();
    evil.name = PAYLOADS[0].into();
    let saved = repo.create(evil).await.unwrap();
    assert_eq!(repo.find_by_id(saved.id).await.unwrap().unwrap().name, PAYLOADS[0]);
    repo.delete_by_id(saved.id).await.unwrap();
    still_intact(&ds).await;
}

async fn regexp_patterns_are_bound(ds: DataSource) {
    let repo = ds.repo::<Person>();
    for p in ["' OR 1=1 --", "a' OR 'a'='a", "\\'; DROP TABLE person; --"] {
        let f = Filter::from_value(&json!({"where": {"name": {"regexp": p}}})).unwrap();
        assert!(repo.find(f).await.unwrap().is_empty(), "{p}");
    }
    still_intact(&ds).await;
}

async fn names_are_checked_before_any_sql(ds: DataSource) {
    let repo = ds.repo::<Person>();
    for p in PAYLOADS {
        for filter in [
            json!({"where": {*p: 1}}),
            json!({"order": *p}),
            json!({"order": format!("name {p}")}),
            json!({"order": [format!("{p} ASC")]}),
            json!({"fields": [*p]}),
            json!({"fields": {*p: true}}),
            json!({"where": {"or": [{"name": "Ann"}, {*p: {"gt": 1}}]}}),
        ] {
            let err = match Filter::from_value(&filter) {
                Ok(f) => repo.find(f).await.unwrap_err(),
                Err(e) => e,
            };
            assert!(matches!(err, juggler::Error::InvalidFilter { .. }), "{filter}: {err}");
        }
    }
    still_intact(&ds).await;
}

async fn limit_and_skip_are_numbers(ds: DataSource) {
    for bad in [
        json!({"limit": "1; DROP TABLE person"}),
        json!({"skip": "0 UNION SELECT 1"}),
    ] {
        let err = Filter::from_value(&bad).unwrap_err();
        assert!(matches!(err, juggler::Error::InvalidFilter { .. }), "{bad}: {err}");
    }
    still_intact(&ds).await;
}

async fn dynamic_patch_keys_are_checked(ds: DataSource) {
    let dynamic = ds.dynamic(Person::definition().clone()).unwrap();
    for p in PAYLOADS {
        let err = dynamic.update_all(None, json!({*p: "x"})).await.unwrap_err();
        assert!(matches!(err, juggler::Error::InvalidData { .. }), "{p}: {err}");
    }
    still_intact(&ds).await;
}

per_backend!(crate::common::seeded;
    values_are_bound,
    regexp_patterns_are_bound,
    names_are_checked_before_any_sql,
    limit_and_skip_are_numbers,
    dynamic_patch_keys_are_checked,
);
