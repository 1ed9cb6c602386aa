//! Every Rust type of the design round-trips through every connector, and
//! dates filter and sort the same everywhere.
//!
//! Run: `cargo test --all-features --test types`

#![cfg(all(feature = "chrono", feature = "time"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::Backend;
use juggler::prelude::*;
use serde_json::json;

#[derive(juggler::Enum, Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
enum Mood {
    Calm,
    Loud,
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Inner {
    label: String,
    weight: f64,
}

#[derive(Model, Debug, Clone, PartialEq)]
struct Everything {
    #[property(id, generated)]
    id: i64,
    tiny: i8,
    small: i16,
    int: i32,
    big: i64,
    ubyte: u8,
    ushort: u16,
    uint: u32,
    single: f32,
    double: f64,
    flag: bool,
    #[property(length = 100)]
    text: String,
    maybe: Option<i32>,
    maybe_text: Option<String>,
    words: Vec<String>,
    numbers: Vec<i64>,
    doc: serde_json::Value,
    inner: Inner,
    inners: Vec<Inner>,
    mood: Mood,
    place: GeoPoint,
    id2: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
    day: chrono::NaiveDate,
    local: chrono::NaiveDateTime,
    t_at: time::OffsetDateTime,
    t_day: time::Date,
}

fn sample(i: i64) -> Everything {
    use chrono::TimeZone;
    Everything {
        id: 0,
        tiny: -8,
        small: -1600,
        int: -320_000 + i as i32,
        big: 9_000_000_000_000 + i,
        ubyte: 250,
        ushort: 65_000,
        uint: 4_000_000_000,
        single: 1.5,
        double: std::f64::consts::PI,
        flag: i % 2 == 0,
        text: format!("héllo \"quoted\" 'single' ✓ {i}"),
        maybe: if i == 1 { None } else { Some(7) },
        maybe_text: None,
        words: vec!["a".into(), "b c".into()],
        numbers: vec![1, -2, 3],
        doc: json!({"k": [1, {"x": null}], "s": "t"}),
        inner: Inner {
            label: "in".into(),
            weight: 2.25,
        },
        inners: vec![Inner {
            label: "x".into(),
            weight: 0.5,
        }],
        mood: if i == 1 { Mood::Calm } else { Mood::Loud },
        place: GeoPoint { lat: 48.85, lng: 2.35 },
        id2: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0 + i as u128),
        at: chrono::Utc.with_ymd_and_hms(2024, 5, i as u32, 7, 8, 9).unwrap() + chrono::Duration::microseconds(123_456),
        day: chrono::NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(),
        local: chrono::NaiveDate::from_ymd_opt(2020, 2, 29)
            .unwrap()
            .and_hms_micro_opt(23, 59, 58, 1)
            .unwrap(),
        t_at: time::macros::datetime!(2023-01-02 03:04:05.000_006 +02:00),
        t_day: time::macros::date!(2000 - 01 - 01),
    }
}

async fn round_trip(backend: Backend, test: &str) {
    let Some(ds) = common::data_source(backend, test).await else {
        return;
    };
    ds.automigrate(&[Everything::definition()]).await.unwrap();
    let repo = ds.repo::<Everything>();
    let saved = repo.create_all((1..=3).map(sample).collect()).await.unwrap();
    for (i, s) in saved.iter().enumerate() {
        let mut expected = sample(i as i64 + 1);
        expected.id = s.id;
        let back = repo.find_by_id(s.id).await.unwrap().unwrap();
        assert_eq!(back, expected, "{backend:?}");
    }
    // `find` decodes straight into the struct: the same values as by id
    let all = repo.find(Filter::new()).await.unwrap();
    for (found, s) in all.iter().zip(&saved) {
        assert_eq!(found, &repo.find_by_id(s.id).await.unwrap().unwrap(), "{backend:?}");
    }
    // dates filter and sort by time on every connector, with a JSON filter too
    let later: Vec<i64> = repo
        .find(
            Filter::new()
                .where_(Everything::AT.gt(sample(1).at))
                .order(Everything::AT.desc()),
        )
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(later, vec![3, 2], "{backend:?}");
    let json = Filter::from_json(r#"{"where": {"at": {"lt": "2024-05-02T00:00:00Z"}}}"#).unwrap();
    assert_eq!(repo.find(json).await.unwrap().len(), 1, "{backend:?}");
    assert_eq!(repo.count(Everything::MOOD.eq(Mood::Calm)).await.unwrap(), 1);
    assert_eq!(repo.count(Everything::ID2.eq(sample(2).id2)).await.unwrap(), 1);
    assert_eq!(repo.count(Everything::MAYBE.is_null()).await.unwrap(), 1);
    assert_eq!(repo.count(Everything::BIG.gt(9_000_000_000_001)).await.unwrap(), 2);
    // a patch past the first dozen fields (the derive hands fields over in
    // tuples of twelve): only the fields set change
    let first = saved[0].id;
    let patch = EverythingPatch {
        flag: Some(true),
        maybe_text: Some(Some("patched".into())),
        t_day: Some(time::macros::date!(2001 - 02 - 03)),
        ..Default::default()
    };
    let updated = repo.update_by_id(first, patch).await.unwrap();
    let mut expected = sample(1);
    expected.id = first;
    expected.flag = true;
    expected.maybe_text = Some("patched".into());
    expected.t_day = time::macros::date!(2001 - 02 - 03);
    assert_eq!(updated, expected, "{backend:?}");
    assert_eq!(repo.find_by_id(first).await.unwrap().unwrap(), expected, "{backend:?}");
    // lists compare whole, as PostgreSQL arrays or as JSON
    let words = vec!["a".to_owned(), "b c".to_owned()];
    assert_eq!(repo.count(Everything::WORDS.eq(words)).await.unwrap(), 3, "{backend:?}");
    assert_eq!(
        repo.count(Everything::NUMBERS.eq(vec![1, -2])).await.unwrap(),
        0,
        "{backend:?}"
    );
}

#[test]
fn scalar_lists_are_postgresql_arrays() {
    use juggler::schema::sql::create_table_sql;
    use juggler::schema::Dialect;
    let pg = create_table_sql(Everything::definition(), Dialect::Postgres)
        .join("\n")
        .to_uppercase();
    assert!(
        pg.contains("\"WORDS\" TEXT[]") && pg.contains("\"NUMBERS\" BIGINT[]"),
        "{pg}"
    );
    assert!(
        pg.contains("\"INNERS\" TEXT NOT NULL"),
        "lists of models stay JSON: {pg}"
    );
    let mysql = create_table_sql(Everything::definition(), Dialect::MySql).join("\n");
    assert!(mysql.contains("`words` LONGTEXT"), "{mysql}");
}

#[tokio::test]
async fn memory() {
    round_trip(Backend::Memory, "t_memory").await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite() {
    round_trip(Backend::Sqlite, "t_sqlite").await;
}

#[tokio::test]
async fn postgres() {
    round_trip(Backend::Postgres, "t_postgres").await;
}

#[tokio::test]
async fn mysql() {
    round_trip(Backend::MySql, "t_mysql").await;
}

#[derive(Model, Debug, Clone, PartialEq)]
struct Priced {
    #[property(id, generated)]
    id: i64,
    #[property(precision = 12, scale = 2)]
    price: Decimal,
    /// No precision: NUMERIC (PostgreSQL), DECIMAL(65,28) (MySQL), text (SQLite).
    exact: Decimal,
    maybe: Option<Decimal>,
}

fn priced(price: Decimal, exact: &str, maybe: Option<Decimal>) -> Priced {
    Priced {
        id: 0,
        price,
        exact: exact.parse().unwrap(),
        maybe,
    }
}

async fn decimals(backend: Backend, test: &str) {
    let Some(ds) = common::data_source(backend, test).await else {
        return;
    };
    ds.automigrate(&[Priced::definition()]).await.unwrap();
    let repo = ds.repo::<Priced>();
    let rows = vec![
        priced(Decimal::new(1999, 2), "0.1", None),
        priced(
            Decimal::new(500, 2),
            "12345678901234567.123456789",
            Some(Decimal::new(-3, 0)),
        ),
        priced(Decimal::new(123_456_789_012, 2), "-0.000000000000000000000000001", None),
    ];
    let saved = repo.create_all(rows.clone()).await.unwrap();
    for (s, want) in saved.iter().zip(&rows) {
        let back = repo.find_by_id(s.id).await.unwrap().unwrap();
        assert_eq!(
            back.price.to_string(),
            want.price.to_string(),
            "{backend:?}: the scale is kept"
        );
        assert_eq!(
            back.exact.to_string(),
            want.exact.to_string(),
            "{backend:?}: no digit is lost"
        );
        assert_eq!(back.maybe, want.maybe, "{backend:?}");
    }
    let dearer: Vec<String> = repo
        .find(
            Filter::new()
                .where_(Priced::PRICE.gt(Decimal::new(10, 0)))
                .order(Priced::PRICE.desc()),
        )
        .await
        .unwrap()
        .iter()
        .map(|p| p.price.to_string())
        .collect();
    assert_eq!(dearer, ["1234567890.12", "19.99"], "{backend:?}");
    let json = Filter::from_json(r#"{"where": {"price": {"gte": 19.99}}, "order": "exact ASC"}"#).unwrap();
    let found: Vec<i64> = repo.find(json).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(found, [3, 1], "{backend:?}");
    assert_eq!(
        repo.count(Priced::EXACT.lt(Decimal::ZERO)).await.unwrap(),
        1,
        "{backend:?}"
    );
    assert_eq!(
        repo.count(Priced::MAYBE.eq(Decimal::new(-3, 0))).await.unwrap(),
        1,
        "{backend:?}"
    );
    let patch = PricedPatch {
        price: Some(Decimal::new(2, 1)),
        ..Default::default()
    };
    assert_eq!(repo.update_by_id(1, patch).await.unwrap().price, Decimal::new(20, 2));
    // Dynamic rows write decimals as exact strings.
    let listed: Vec<Priced> = repo.find(Filter::new().order(Priced::ID.asc())).await.unwrap();
    assert_eq!(
        listed[1].exact.to_string(),
        "12345678901234567.123456789",
        "{backend:?}"
    );
    let dynamic = ds.dynamic(Priced::definition().clone()).unwrap();
    let row = dynamic.find_by_id(&json!(2)).await.unwrap().unwrap();
    assert_eq!(row["exact"], json!("12345678901234567.123456789"), "{backend:?}");
    let made = dynamic
        .create(json!({"price": "7.25", "exact": 1.5, "maybe": null}))
        .await
        .unwrap();
    assert_eq!(
        (made["price"].clone(), made["exact"].clone()),
        (json!("7.25"), json!("1.5"))
    );
}

#[tokio::test]
async fn decimals_memory() {
    decimals(Backend::Memory, "d_memory").await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn decimals_sqlite() {
    decimals(Backend::Sqlite, "d_sqlite").await;
}

#[tokio::test]
async fn decimals_postgres() {
    decimals(Backend::Postgres, "d_postgres").await;
}

#[tokio::test]
async fn decimals_mysql() {
    decimals(Backend::MySql, "d_mysql").await;
}
