//! Models and data shared by the conformance tests. Every expected result in
//! the tests is written out by hand from this data, not computed.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared by several test files; fails loudly

use juggler::prelude::*;

/// Six people; `age` and `city` have NULLs, names exercise `%`, `_` and case.
#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Person {
    #[property(id, generated)]
    pub(crate) id: i64,
    #[property(required)]
    pub(crate) name: String,
    pub(crate) age: Option<i32>,
    pub(crate) city: Option<String>,
    pub(crate) score: f64,
    pub(crate) active: bool,
    pub(crate) loc: Option<GeoPoint>,
}

fn p(
    name: &str,
    age: Option<i32>,
    city: Option<&str>,
    score: f64,
    active: bool,
    loc: Option<(f64, f64)>,
) -> Person {
    Person {
        id: 0,
        name: name.into(),
        age,
        city: city.map(Into::into),
        score,
        active,
        loc: loc.map(|(lat, lng)| GeoPoint { lat, lng }),
    }
}

/// id 1..=6, in this order.
pub(crate) fn people() -> Vec<Person> {
    vec![
        p(
            "Ann",
            Some(34),
            Some("Paris"),
            8.5,
            true,
            Some((48.8566, 2.3522)),
        ), // 1, Paris
        p("Bob", Some(21), None, 6.0, false, None), // 2
        p(
            "carl",
            None,
            Some("paris"),
            7.25,
            true,
            Some((45.7640, 4.8357)),
        ), // 3, Lyon
        p(
            "Dana",
            Some(45),
            Some("Berlin"),
            9.0,
            false,
            Some((52.5200, 13.4050)),
        ), // 4, Berlin
        p(
            "Eve_x",
            Some(21),
            Some("Lyon"),
            5.5,
            true,
            Some((45.7578, 4.8320)),
        ), // 5, Lyon
        p("100% Bob", Some(60), None, 0.0, false, None), // 6
    ]
}

/// A data source for a connector URL, seeded with [`people`].
pub(crate) async fn seeded(url: &str) -> DataSource {
    let ds = DataSource::connect(url).await.expect("connect");
    let created = ds
        .repo::<Person>()
        .create_all(people())
        .await
        .expect("seed");
    assert_eq!(
        created.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5, 6]
    );
    ds
}

/// Ids of a result, in result order.
pub(crate) fn ids(people: &[Person]) -> Vec<i64> {
    people.iter().map(|p| p.id).collect()
}
