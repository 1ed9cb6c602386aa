//! Diesel 2 (synchronous, in the calling task, as Diesel runs).

use crate::{check_loaded, probe, reset, values};
use diesel::prelude::*;
use juggler::DataSource;
use juggler_bench::{BATCH, LOADS};
use std::sync::Mutex;
use std::time::{Duration, Instant};

diesel::table! {
    bench_row (id) {
        id -> BigInt,
        name -> Text,
        age -> Integer,
        score -> Double,
    }
}

diesel::table! {
    bench_parent (id) {
        id -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    bench_child (id) {
        id -> BigInt,
        parent_id -> BigInt,
        name -> Text,
        value -> Double,
    }
}

diesel::joinable!(bench_child -> bench_parent (parent_id));
diesel::allow_tables_to_appear_in_same_query!(bench_parent, bench_child);

#[derive(Queryable, Selectable)]
#[diesel(table_name = bench_row)]
#[allow(dead_code)]
struct Row {
    id: i64,
    name: String,
    age: i32,
    score: f64,
}

#[derive(Insertable)]
#[diesel(table_name = bench_row)]
struct NewRow {
    name: String,
    age: i32,
    score: f64,
}

#[derive(Queryable, Selectable, Identifiable)]
#[diesel(table_name = bench_parent)]
#[allow(dead_code)]
struct Parent {
    id: i64,
    name: String,
}

#[derive(Queryable, Selectable, Identifiable, Associations)]
#[diesel(table_name = bench_child, belongs_to(Parent))]
#[allow(dead_code)]
struct Child {
    id: i64,
    parent_id: i64,
    name: String,
    value: f64,
}

/// One timed run of peer operation `$k` on the connection `$conn`; `$pg`:
/// the batch insert reads the ids back (`RETURNING`), as juggler does there.
macro_rules! op {
    ($conn:expr, $k:expr, $n:expr, $pg:expr) => {{
        let (conn, k, n) = ($conn, $k, $n);
        let t = Instant::now();
        match k {
            0 => {
                for start in (0..n).step_by(BATCH) {
                    let rows: Vec<NewRow> = (start..n.min(start + BATCH))
                        .map(|i| {
                            let (name, age, score) = values(i);
                            NewRow { name, age, score }
                        })
                        .collect();
                    let insert = diesel::insert_into(bench_row::table).values(&rows);
                    if $pg {
                        let ids: Vec<i64> = insert.returning(bench_row::id).get_results(conn).expect("insert");
                        assert_eq!(ids.len(), rows.len());
                    } else {
                        insert.execute(conn).expect("insert");
                    }
                }
            }
            1 => {
                for i in 0..n {
                    let found = bench_row::table
                        .find(probe(i, n))
                        .select(Row::as_select())
                        .first(conn)
                        .optional()
                        .expect("find");
                    assert!(found.is_some());
                }
            }
            2 => {
                let rows = bench_row::table
                    .filter(bench_row::age.gt(40))
                    .select(Row::as_select())
                    .load(conn)
                    .expect("filter");
                assert!(rows.len() > n / 3);
            }
            3 => {
                for _ in 0..LOADS {
                    let parents = bench_parent::table
                        .select(Parent::as_select())
                        .load(conn)
                        .expect("parents");
                    let children = Child::belonging_to(&parents)
                        .select(Child::as_select())
                        .load(conn)
                        .expect("children");
                    let grouped: Vec<(Parent, Vec<Child>)> = children
                        .grouped_by(&parents)
                        .into_iter()
                        .zip(parents)
                        .map(|(c, p)| (p, c))
                        .collect();
                    check_loaded(grouped.len(), grouped.iter().map(|(_, c)| c.len()).sum());
                }
            }
            _ => {
                conn.transaction::<_, diesel::result::Error, _>(|conn| {
                    for i in 0..n {
                        diesel::update(bench_row::table.find((i + 1) as i64))
                            .set(bench_row::score.eq(i as f64))
                            .execute(conn)?;
                    }
                    Ok(())
                })
                .expect("update");
            }
        }
        t.elapsed()
    }};
}

/// Diesel on the SQLite file.
pub struct Sqlite(Mutex<SqliteConnection>);

impl Sqlite {
    pub fn open(path: &str) -> Result<Self, String> {
        let mut conn = SqliteConnection::establish(path).map_err(|e| e.to_string())?;
        diesel::sql_query("PRAGMA busy_timeout = 5000")
            .execute(&mut conn)
            .map_err(|e| e.to_string())?;
        Ok(Sqlite(Mutex::new(conn)))
    }

    pub async fn op(&self, ds: &DataSource, k: usize, n: usize) -> Duration {
        if k == 0 {
            reset(ds).await;
        }
        let mut conn = self.0.lock().expect("connection");
        op!(&mut *conn, k, n, false)
    }
}

/// Diesel on PostgreSQL, in juggler-bench's schema.
pub struct Pg(Mutex<PgConnection>);

impl Pg {
    pub fn open(url: &str) -> Result<Self, String> {
        let mut conn = PgConnection::establish(url).map_err(|e| e.to_string())?;
        diesel::sql_query("SET search_path TO juggler_bench")
            .execute(&mut conn)
            .map_err(|e| e.to_string())?;
        diesel::sql_query("SET synchronous_commit TO off")
            .execute(&mut conn)
            .map_err(|e| e.to_string())?;
        Ok(Pg(Mutex::new(conn)))
    }

    pub async fn op(&self, ds: &DataSource, k: usize, n: usize) -> Duration {
        if k == 0 {
            reset(ds).await;
        }
        let mut conn = self.0.lock().expect("connection");
        op!(&mut *conn, k, n, true)
    }
}
