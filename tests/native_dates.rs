//! Native date and time columns on PostgreSQL and MySQL: a model derived for
//! an existing table with `TIMESTAMPTZ` / `TIMESTAMP` / `DATETIME` / `DATE`
//! columns writes, filters, orders and reads them; the fixtures' own dates
//! (Pagila `rental.rental_date`, Sakila `last_update`) read back as they are
//! stored; dates are text on SQLite, as before.
//!
//! Run: `cargo test --all-features --test native_dates`

#![cfg(feature = "chrono")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use common::Backend;
use juggler::prelude::*;

/// A table that exists before the model (see `existing_table`).
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "stamps")]
struct Stamp {
    #[property(id, generated)]
    id: i32,
    at: DateTime<Utc>,
    local: NaiveDateTime,
    day: NaiveDate,
    maybe: Option<DateTime<Utc>>,
    note: Option<String>,
}

fn stamp(i: u32) -> Stamp {
    Stamp {
        id: 0,
        at: Utc.with_ymd_and_hms(2024, 5, i, 7, 8, 9).unwrap() + chrono::Duration::microseconds(123_456),
        local: (NaiveDate::from_ymd_opt(2020, 2, 28).unwrap() + chrono::Days::new(u64::from(i) - 1))
            .and_hms_micro_opt(23, 59, 58, i)
            .unwrap(),
        day: NaiveDate::from_ymd_opt(1999, 12, 31).unwrap() + chrono::Days::new(u64::from(i.min(2)) - 1),
        maybe: (i == 2).then(|| Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()),
        note: Some(format!("row {i}")),
    }
}

/// The table as another tool made it: native types of each database, a
/// time-of-day column the model leaves out.
fn existing_table(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "CREATE TABLE stamps (id serial PRIMARY KEY, at timestamptz NOT NULL, local timestamp NOT NULL, \
             day date NOT NULL, maybe timestamp with time zone, clock time DEFAULT '12:30:00', note text)"
        }
        _ => {
            "CREATE TABLE stamps (id int AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(6) NOT NULL, \
             local DATETIME(6) NOT NULL, day DATE NOT NULL, maybe DATETIME(6) NULL, clock TIME DEFAULT '12:30:00', \
             note text)"
        }
    }
}

/// Runs `sql` outside juggler; the first column of each row, as text.
async fn run_sql(backend: Backend, url: &str, sql: &str) -> Vec<String> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    let rows: Vec<(Option<String>,)> = match backend {
        #[cfg(feature = "postgres")]
        Backend::Postgres => {
            sqlx::query_as(sql)
                .fetch_all(&sqlx::PgPool::connect(url).await.unwrap())
                .await
        }
        #[cfg(feature = "mysql")]
        Backend::MySql => {
            sqlx::query_as(sql)
                .fetch_all(&sqlx::MySqlPool::connect(url).await.unwrap())
                .await
        }
        _ => unreachable!("{backend:?} has no native dates"),
    }
    .unwrap();
    rows.into_iter().map(|(r,)| r.unwrap_or_default()).collect()
}

async fn existing_native_columns(backend: Backend, test: &str) {
    let Some(url) = common::fresh_url(backend, test).await else {
        return;
    };
    run_sql(backend, &url, existing_table(backend)).await;
    let ds = DataSource::connect(&url).await.unwrap();
    let repo = ds.repo::<Stamp>();
    let saved = repo.create_all((1..=3).map(stamp).collect()).await.unwrap();
    for (s, i) in saved.iter().zip(1..) {
        let back = repo.find_by_id(s.id).await.unwrap().unwrap();
        assert_eq!(back, Stamp { id: s.id, ..stamp(i) }, "{backend:?}: value for value");
    }
    // The database holds the instants themselves, not text.
    let text = match backend {
        Backend::Postgres => {
            "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS.US') || ' ' || day::text FROM stamps ORDER BY id"
        }
        _ => "SELECT CONCAT(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), ' ', day) FROM stamps ORDER BY id",
    };
    assert_eq!(
        run_sql(backend, &url, text).await[0],
        "2024-05-01 07:08:09.123456 1999-12-31",
        "{backend:?}"
    );
    // Filters and order compare times, typed and from JSON.
    let later: Vec<i32> = repo
        .find(Filter::new().where_(Stamp::AT.gt(stamp(1).at)).order(Stamp::AT.desc()))
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(later, [3, 2], "{backend:?}");
    for (json, count) in [
        (r#"{"at": {"lt": "2024-05-02T00:00:00Z"}}"#, 1),
        (r#"{"at": {"between": ["2024-05-02", "2024-05-03T23:00:00+02:00"]}}"#, 2),
        (r#"{"day": "2000-01-01"}"#, 2),
        (r#"{"day": {"inq": ["1999-12-31", "2030-01-01"]}}"#, 1),
        (r#"{"local": {"gte": "2020-03-01 00:00:00"}}"#, 1),
        (r#"{"maybe": null}"#, 2),
    ] {
        let filter = Filter::from_json(&format!(r#"{{"where": {json}}}"#)).unwrap();
        assert_eq!(repo.find(filter).await.unwrap().len(), count, "{backend:?}: {json}");
    }
    // An update writes the new instant; a NULL clears one.
    let mut second = repo.find_by_id(2).await.unwrap().unwrap();
    second.maybe = None;
    second.at = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 1).unwrap();
    repo.save(&mut second).await.unwrap();
    assert_eq!(repo.find_by_id(2).await.unwrap().unwrap(), second, "{backend:?}");
    // The column the model leaves out kept its default; dynamic rows read
    // times of day as text.
    let clocks = run_sql(
        backend,
        &url,
        match backend {
            Backend::Postgres => "SELECT clock::text FROM stamps WHERE id = 2",
            _ => "SELECT CAST(clock AS CHAR) FROM stamps WHERE id = 2",
        },
    )
    .await;
    assert_eq!(clocks, ["12:30:00"], "{backend:?}");
}

#[tokio::test]
async fn postgres_existing_native_columns() {
    existing_native_columns(Backend::Postgres, "nd_pg").await;
}

#[tokio::test]
async fn mysql_existing_native_columns() {
    existing_native_columns(Backend::MySql, "nd_my").await;
}

/// Dates automigrate to native columns on PostgreSQL and MySQL, text on
/// SQLite, and round-trip on all of them.
#[test]
fn dates_are_native_columns_in_ddl() {
    use juggler::schema::sql::create_table_sql;
    use juggler::schema::Dialect;
    let pg = create_table_sql(Stamp::definition(), Dialect::Postgres).join("\n");
    assert!(
        pg.contains("\"at\" TIMESTAMPTZ NOT NULL") && pg.contains("\"day\" date NOT NULL"),
        "{pg}"
    );
    let my = create_table_sql(Stamp::definition(), Dialect::MySql).join("\n");
    assert!(
        my.contains("`at` DATETIME(6) NOT NULL") && my.contains("`maybe` DATETIME(6)"),
        "{my}"
    );
    let lite = create_table_sql(Stamp::definition(), Dialect::Sqlite).join("\n");
    assert!(lite.contains("\"at\" TEXT NOT NULL"), "{lite}");
}

async fn automigrated(backend: Backend, test: &str) {
    let Some(ds) = common::data_source(backend, test).await else {
        return;
    };
    ds.automigrate(&[Stamp::definition()]).await.unwrap();
    let repo = ds.repo::<Stamp>();
    let saved = repo.create_all((1..=3).map(stamp).collect()).await.unwrap();
    for (s, i) in saved.iter().zip(1..) {
        assert_eq!(
            repo.find_by_id(s.id).await.unwrap().unwrap(),
            Stamp { id: s.id, ..stamp(i) },
            "{backend:?}"
        );
    }
    let filter = Filter::from_json(r#"{"where": {"day": {"gt": "1999-12-31"}}, "order": "local DESC"}"#).unwrap();
    let ids: Vec<i32> = repo.find(filter).await.unwrap().iter().map(|s| s.id).collect();
    assert_eq!(ids, [3, 2], "{backend:?}");
}

#[tokio::test]
async fn memory_automigrated() {
    automigrated(Backend::Memory, "nd_am_mem").await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_automigrated() {
    automigrated(Backend::Sqlite, "nd_am_lite").await;
}

#[tokio::test]
async fn postgres_automigrated() {
    automigrated(Backend::Postgres, "nd_am_pg").await;
}

#[tokio::test]
async fn mysql_automigrated() {
    automigrated(Backend::MySql, "nd_am_my").await;
}

/// Pagila's `rental`, as the fixture holds it (`timestamp with time zone`).
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "rental")]
struct PagilaRental {
    #[property(id, generated)]
    rental_id: i32,
    rental_date: DateTime<Utc>,
    inventory_id: i32,
    customer_id: i32,
    return_date: Option<DateTime<Utc>>,
    staff_id: i32,
    last_update: DateTime<Utc>,
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn pagila_rental_dates() {
    let Some(url) = common::fixtures::pagila().await else {
        return;
    };
    let ds = DataSource::connect(&url).await.unwrap();
    let repo = ds.repo::<PagilaRental>();
    // `2	2022-05-24 22:54:33+01	1525	459	2022-05-28 19:40:33+01	1	2022-02-16 02:30:53+00`
    let two = repo.find_by_id(2).await.unwrap().unwrap();
    assert_eq!(two.rental_date, Utc.with_ymd_and_hms(2022, 5, 24, 21, 54, 33).unwrap());
    assert_eq!(
        two.return_date,
        Some(Utc.with_ymd_and_hms(2022, 5, 28, 18, 40, 33).unwrap())
    );
    assert_eq!(two.last_update, Utc.with_ymd_and_hms(2022, 2, 16, 2, 30, 53).unwrap());
    let may = PagilaRental::RENTAL_DATE.lt(Utc.with_ymd_and_hms(2022, 5, 25, 0, 0, 0).unwrap());
    assert_eq!(repo.count(may).await.unwrap(), 198);
    assert_eq!(repo.count(PagilaRental::RETURN_DATE.is_null()).await.unwrap(), 183);
}

/// Sakila's `rental` (`DATETIME`, and `last_update TIMESTAMP`).
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "rental")]
struct SakilaRental {
    #[property(id, generated)]
    rental_id: i32,
    rental_date: NaiveDateTime,
    inventory_id: u32,
    customer_id: u16,
    return_date: Option<NaiveDateTime>,
    staff_id: u8,
    last_update: DateTime<Utc>,
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn sakila_rental_dates() {
    let Some(url) = common::fixtures::sakila().await else {
        return;
    };
    let ds = DataSource::connect(&url).await.unwrap();
    let repo = ds.repo::<SakilaRental>();
    // `(1,'2005-05-24 22:53:30',367,130,'2005-05-26 22:04:30',1,'2006-02-15 21:30:53')`
    let one = repo.find_by_id(1).await.unwrap().unwrap();
    let at = |d: u32, h: u32, m: u32, s: u32| {
        NaiveDate::from_ymd_opt(2005, 5, d)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    };
    assert_eq!(one.rental_date, at(24, 22, 53, 30));
    assert_eq!(one.return_date, Some(at(26, 22, 4, 30)));
    assert_eq!(one.last_update, Utc.with_ymd_and_hms(2006, 2, 15, 21, 30, 53).unwrap());
    assert_eq!(
        repo.count(SakilaRental::RENTAL_DATE.lt(at(25, 0, 0, 0))).await.unwrap(),
        8
    );
    assert_eq!(repo.count(SakilaRental::RETURN_DATE.is_null()).await.unwrap(), 183);
}
