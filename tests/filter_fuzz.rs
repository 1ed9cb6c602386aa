//! Property test: random JSON filters, well-formed and not, through parse,
//! compile and execution on SQLite. Nothing panics, and every rejection is
//! an `InvalidFilter` with a path (never a database error).
//!
//! Run: `cargo test --test filter_fuzz`. The seed and the number of cases
//! are fixed (`CASES`, `SEED`), so CI runs the same filters every time;
//! `JUGGLER_FUZZ_CASES=100000` runs more.

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

mod common;

use juggler::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value as Json};

const CASES: u32 = 2_000;
const SEED: [u8; 32] = *b"juggler-filter-fuzz-seed-0000001";

fn property() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop_oneof![
            Just("id".to_owned()),
            Just("name".to_owned()),
            Just("age".to_owned()),
            Just("city".to_owned()),
            Just("score".to_owned()),
            Just("active".to_owned()),
        ],
        1 => Just("loc".to_owned()),
        1 => "[a-z ]{0,6}",
        1 => prop_oneof![Just("and".to_owned()), Just("or".to_owned())],
    ]
}

/// A value of the type `property` holds, so many filters run.
fn typed_value(property: &str) -> BoxedStrategy<Json> {
    match property {
        "id" | "age" => (0i64..100).prop_map(Json::from).boxed(),
        "score" => (0.0f64..10.0).prop_map(Json::from).boxed(),
        "active" => any::<bool>().prop_map(Json::from).boxed(),
        _ => "[%_a-zA-Z\\ ]{0,6}".prop_map(Json::from).boxed(),
    }
}

fn typed_leaf() -> impl Strategy<Value = Json> {
    property().prop_flat_map(|p| {
        let value = typed_value(&p);
        let list = prop::collection::vec(typed_value(&p), 0..4);
        (
            Just(p),
            prop_oneof![
                3 => value.clone(),
                1 => value.clone().prop_map(|v| json!({"gt": v})),
                1 => value.clone().prop_map(|v| json!({"neq": v})),
                1 => list.clone().prop_map(|v| json!({"inq": v})),
                1 => list.prop_map(|v| json!({"nin": v})),
                1 => (value.clone(), value).prop_map(|(a, b)| json!({"between": [a, b]})),
                1 => "[%_a-zA-Z]{0,4}".prop_map(|v| json!({"like": v})),
                1 => "[%_a-zA-Z]{0,4}".prop_map(|v| json!({"ilike": v})),
                1 => "\\^?[a-z.*+]{0,4}".prop_map(|v| json!({"regexp": v})),
                1 => Just(json!(null)),
            ],
        )
            .prop_map(|(p, v)| json!({ p: v }))
    })
}

fn scalar() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        (-1e6f64..1e6).prop_map(Json::from),
        "[%_\\\\a-zA-Z0-9 '\"();-]{0,12}".prop_map(Json::from),
        Just(json!("/^a/i")),
        Just(json!("2024-01-01T00:00:00Z")),
        Just(json!({"lat": 1.0, "lng": 2.0})),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
    ]
}

fn operator() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("eq"),
        Just("neq"),
        Just("gt"),
        Just("gte"),
        Just("lt"),
        Just("lte"),
        Just("between"),
        Just("inq"),
        Just("nin"),
        Just("like"),
        Just("nlike"),
        Just("ilike"),
        Just("nilike"),
        Just("regexp"),
        Just("near"),
        Just("maxDistance"),
        Just("bogus"),
    ]
    .prop_map(str::to_owned)
}

fn operand() -> impl Strategy<Value = Json> {
    prop_oneof![
        3 => scalar(),
        1 => prop::collection::vec(scalar(), 0..4).prop_map(Json::from),
        1 => (operator(), scalar()).prop_map(|(op, v)| json!({ op: v })),
        1 => (operator(), prop::collection::vec(scalar(), 0..3)).prop_map(|(op, v)| json!({ op: v })),
    ]
}

fn where_clause() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        4 => typed_leaf(),
        1 => prop::collection::btree_map(property(), operand(), 0..3).prop_map(|m| Json::Object(m.into_iter().collect())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| json!({"and": v})),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| json!({"or": v})),
            (inner, property(), operand()).prop_map(|(mut w, p, o)| {
                if let Json::Object(m) = &mut w {
                    m.insert(p, o);
                }
                w
            }),
        ]
    })
}

fn filter() -> impl Strategy<Value = Json> {
    (
        prop::option::of(where_clause()),
        prop::option::weighted(
            0.5,
            prop_oneof![
                (
                    property(),
                    prop_oneof![Just(""), Just(" ASC"), Just(" desc"), Just(" sideways")]
                )
                    .prop_map(|(p, d)| json!(format!("{p}{d}"))),
                prop::collection::vec(property(), 0..3).prop_map(Json::from),
                scalar(),
            ],
        ),
        prop::option::of(
            prop_oneof![4 => (0i64..10).prop_map(Json::from), 1 => any::<i64>().prop_map(Json::from), 1 => scalar()],
        ),
        prop::option::of(
            prop_oneof![4 => (0i64..10).prop_map(Json::from), 1 => any::<i64>().prop_map(Json::from), 1 => scalar()],
        ),
        prop::option::weighted(
            0.3,
            prop_oneof![
                prop::collection::vec(property(), 0..3).prop_map(Json::from),
                (property(), any::<bool>()).prop_map(|(p, b)| json!({ p: b })),
                scalar(),
            ],
        ),
        prop::option::weighted(0.1, prop_oneof![Just(json!("posts")), scalar()]),
        prop::option::weighted(0.05, "[a-z]{1,5}"),
    )
        .prop_map(|(w, order, limit, skip, fields, include, junk)| {
            let mut m = serde_json::Map::new();
            let mut put = |k: &str, v: Option<Json>| {
                if let Some(v) = v {
                    m.insert(k.to_owned(), v);
                }
            };
            put("where", w);
            put("order", order);
            put("limit", limit);
            put("skip", skip);
            put("fields", fields);
            put("include", include);
            put(&junk.clone().unwrap_or_default(), junk.map(|_| json!(1)));
            Json::Object(m)
        })
}

#[test]
fn random_filters_never_panic_and_fail_only_as_invalid_filters() {
    // proptest's recursive generators want more stack than a test thread has.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(fuzz)
        .unwrap()
        .join()
        .unwrap();
}

fn fuzz() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ds = runtime
        .block_on(common::seeded(common::Backend::Sqlite, "filter_fuzz"))
        .expect("SQLite is always there");
    let cases = std::env::var("JUGGLER_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));
    let (ran, rejected) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    runner
        .run(&filter(), |json| {
            ran.set(ran.get() + 1);
            let outcome = runtime.block_on(async {
                let filter = Filter::from_value(&json)?;
                let typed = ds.repo::<common::Person>().find(filter.clone()).await?;
                let dynamic = ds
                    .dynamic(common::Person::definition().clone())?
                    .find(filter.clone())
                    .await?;
                assert_eq!(typed.len(), dynamic.len(), "{json}");
                ds.repo::<common::Person>().count(filter.where_).await?;
                Ok::<_, Error>(())
            });
            match outcome {
                Ok(()) => Ok(()),
                Err(Error::InvalidFilter { path, .. }) if !path.is_empty() => {
                    rejected.set(rejected.get() + 1);
                    Ok(())
                }
                Err(other) => Err(TestCaseError::fail(format!("{json} gave {other:?}"))),
            }
        })
        .unwrap();
    let (ran, rejected) = (ran.get(), rejected.get());
    eprintln!(
        "filter fuzz: {ran} filters, {rejected} rejected as InvalidFilter, {} ran",
        ran - rejected
    );
}
