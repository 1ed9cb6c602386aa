//! The raw sqlx side: the same SQL juggler sends, bound and decoded by hand.

use crate::{check_eager, juggler_op, measure, row, seed_eager, BenchRow, Child, Line, Parent};
use crate::{BATCH, LOADS};
use juggler::prelude::*;
use sqlx::{AssertSqlSafe, Row as _};
use std::collections::HashMap;
use std::time::Instant;

const ROUNDS: usize = 5;

/// What the raw side writes differently per database.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL / MariaDB.
    MySql,
}

impl Db {
    /// `"name"`, or `` `name` `` on MySQL.
    fn q(self, ident: &str) -> String {
        match self {
            Db::MySql => format!("`{ident}`"),
            _ => format!("\"{ident}\""),
        }
    }

    /// The `n`-th placeholder.
    fn p(self, n: usize) -> String {
        match self {
            Db::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    }

    /// `VALUES (..), (..)` for `rows` rows of `cols` columns.
    fn values(self, rows: usize, cols: usize) -> String {
        let mut out = String::new();
        let mut n = 0;
        for r in 0..rows {
            out.push_str(if r > 0 { ", (" } else { "(" });
            for c in 0..cols {
                if c > 0 {
                    out.push_str(", ");
                }
                n += 1;
                out.push_str(&self.p(n));
            }
            out.push(')');
        }
        out
    }

    /// ` RETURNING "id"` on PostgreSQL (the others hand back the last id).
    fn returning(self) -> String {
        match self {
            Db::Postgres => format!(" RETURNING {}", self.q("id")),
            _ => String::new(),
        }
    }

    /// `SELECT` of the bench row's columns.
    fn select_rows(self) -> String {
        let cols = ["id", "name", "age", "score"].map(|c| self.q(c)).join(", ");
        format!("SELECT {cols} FROM {}", self.q("bench_row"))
    }
}

macro_rules! decode {
    ($r:expr) => {
        BenchRow {
            id: $r.get::<i64, _>(0),
            name: $r.get(1),
            age: $r.get::<i32, _>(2),
            score: $r.get(3),
        }
    };
}

fn child_select(d: Db) -> String {
    let cols = ["id", "parent_id", "name", "value"].map(|c| d.q(c)).join(", ");
    format!("SELECT {cols} FROM {} WHERE {}", d.q("bench_child"), d.q("parent_id"))
}

macro_rules! decode_child {
    ($r:expr) => {
        Child {
            id: $r.get::<i64, _>(0),
            parent_id: $r.get::<i64, _>(1),
            name: $r.get(2),
            value: $r.get(3),
        }
    };
}

/// The children of the parents `ids` on PostgreSQL: one array bind.
async fn pg_children(pool: &sqlx::PgPool, ids: Vec<i64>) -> Vec<Child> {
    let sql = format!("{} = ANY($1)", child_select(Db::Postgres));
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(ids)
        .fetch_all(pool)
        .await
        .expect("children");
    rows.iter().map(|r| decode_child!(r)).collect()
}

/// The children of the parents `ids` with `IN (?, ..)`.
macro_rules! in_children {
    ($name:ident, $db:ty, $d:expr) => {
        async fn $name(pool: &sqlx::Pool<$db>, ids: Vec<i64>) -> Vec<Child> {
            let list = vec!["?"; ids.len()].join(", ");
            let mut q = sqlx::query::<$db>(AssertSqlSafe(format!("{} IN ({list})", child_select($d))));
            for id in ids {
                q = q.bind(id);
            }
            let rows = q.fetch_all(pool).await.expect("children");
            rows.iter().map(|r| decode_child!(r)).collect()
        }
    };
}

in_children!(sqlite_children, sqlx::Sqlite, Db::Sqlite);
in_children!(mysql_children, sqlx::MySql, Db::MySql);

/// One timed run of raw operation `$k` (see `OPS`).
macro_rules! raw_op {
    ($pool:expr, $db:ty, $d:expr, $children:ident, $k:expr, $n:expr, $reset:expr) => {{
        let pool = $pool;
        let (d, k, n): (Db, usize, usize) = ($d, $k, $n);
        let table = d.q("bench_row");
        let insert_head = format!(
            "INSERT INTO {table} ({}, {}, {}) VALUES ",
            d.q("name"),
            d.q("age"),
            d.q("score")
        );
        if k == 0 || k == 5 {
            $reset.await;
        }
        let t = Instant::now();
        match k {
            0 => {
                for start in (0..n).step_by(BATCH) {
                    let end = n.min(start + BATCH);
                    let sql = format!("{insert_head}{}{}", d.values(end - start, 3), d.returning());
                    let mut q = sqlx::query::<$db>(AssertSqlSafe(sql));
                    for r in (start..end).map(row) {
                        q = q.bind(r.name).bind(r.age).bind(r.score);
                    }
                    if d != Db::Postgres {
                        q.execute(&pool).await.expect("batch");
                    } else {
                        let ids: Vec<i64> = q
                            .fetch_all(&pool)
                            .await
                            .expect("batch")
                            .iter()
                            .map(|r| r.get(0))
                            .collect();
                        assert_eq!(ids.len(), end - start);
                    }
                }
            }
            1 => {
                let sql = format!("{} WHERE {} = {} LIMIT 1", d.select_rows(), d.q("id"), d.p(1));
                for i in 0..n {
                    let id = ((i * 7919) % n + 1) as i64;
                    let r = sqlx::query::<$db>(AssertSqlSafe(sql.clone()))
                        .bind(id)
                        .fetch_optional(&pool)
                        .await
                        .expect("find");
                    assert!(r.map(|r| decode!(r)).is_some());
                }
            }
            2 => {
                let sql = format!("{} WHERE {} > {}", d.select_rows(), d.q("age"), d.p(1));
                let rows = sqlx::query::<$db>(AssertSqlSafe(sql))
                    .bind(40i32)
                    .fetch_all(&pool)
                    .await
                    .expect("find");
                let rows: Vec<BenchRow> = rows.iter().map(|r| decode!(r)).collect();
                assert!(rows.len() > n / 3);
            }
            3 => {
                let sql = format!("SELECT {}, {} FROM {}", d.q("id"), d.q("name"), d.q("bench_parent"));
                for _ in 0..LOADS {
                    let rows = sqlx::query::<$db>(AssertSqlSafe(sql.clone()))
                        .fetch_all(&pool)
                        .await
                        .expect("parents");
                    let mut parents: Vec<Parent> = rows
                        .iter()
                        .map(|r| Parent {
                            id: r.get::<i64, _>(0),
                            name: r.get(1),
                            children: HasMany::default(),
                        })
                        .collect();
                    let children = $children(&pool, parents.iter().map(|p| p.id).collect()).await;
                    let mut by_parent: HashMap<i64, Vec<Child>> = HashMap::with_capacity(parents.len());
                    for c in children {
                        by_parent.entry(c.parent_id).or_default().push(c);
                    }
                    for p in &mut parents {
                        p.children = HasMany::loaded(by_parent.remove(&p.id).unwrap_or_default());
                    }
                    check_eager(&parents);
                }
            }
            4 | 6 => {
                let sql = format!(
                    "UPDATE {table} SET {} = {} WHERE {} = {}",
                    d.q("score"),
                    d.p(1),
                    d.q("id"),
                    d.p(2)
                );
                let mut tx = pool.begin().await.expect("begin");
                for i in 0..n {
                    sqlx::query::<$db>(AssertSqlSafe(sql.clone()))
                        .bind(i as f64)
                        .bind((i + 1) as i64)
                        .execute(&mut *tx)
                        .await
                        .expect("update");
                }
                tx.commit().await.expect("commit");
            }
            5 => {
                let sql = format!("{insert_head}{}{}", d.values(1, 3), d.returning());
                let mut tx = pool.begin().await.expect("begin");
                for i in 0..n {
                    let r = row(i);
                    let q = sqlx::query::<$db>(AssertSqlSafe(sql.clone()))
                        .bind(r.name)
                        .bind(r.age)
                        .bind(r.score);
                    if d != Db::Postgres {
                        q.execute(&mut *tx).await.expect("insert");
                    } else {
                        let id: i64 = q.fetch_one(&mut *tx).await.expect("insert").get(0);
                        assert!(id > 0);
                    }
                }
                tx.commit().await.expect("commit");
            }
            7 => {
                let order = format!("{} ASC, {} ASC", d.q("age"), d.q("id"));
                let sql = format!("{} ORDER BY {order} LIMIT 20 OFFSET 100", d.select_rows());
                for _ in 0..1_000 {
                    let rows = sqlx::query::<$db>(AssertSqlSafe(sql.clone()))
                        .fetch_all(&pool)
                        .await
                        .expect("page");
                    let rows: Vec<BenchRow> = rows.iter().map(|r| decode!(r)).collect();
                    assert_eq!(rows.len(), 20);
                }
            }
            _ => {
                let sql = format!("SELECT COUNT(*) FROM {table} WHERE {} > {}", d.q("age"), d.p(1));
                for _ in 0..1_000 {
                    let c: i64 = sqlx::query::<$db>(AssertSqlSafe(sql.clone()))
                        .bind(40i32)
                        .fetch_one(&pool)
                        .await
                        .expect("count")
                        .get(0);
                    assert!(c > 0);
                }
            }
        }
        t.elapsed()
    }};
}

/// One timed run of raw operation `k` (see `OPS`) on `pool`; `ds` (on the
/// same database) resets the table before the inserts.
macro_rules! op_fn {
    ($name:ident, $db:ty, $d:expr, $children:ident) => {
        /// One timed run of raw operation `k` (see `OPS`); `ds`, on the same
        /// database, resets the table before the inserts.
        pub async fn $name(pool: &sqlx::Pool<$db>, ds: &DataSource, k: usize, n: usize) -> std::time::Duration {
            let reset = async { ds.automigrate(&[BenchRow::definition()]).await.expect("reset") };
            raw_op!(pool.clone(), $db, $d, $children, k, n, reset)
        }
    };
}

op_fn!(sqlite_op, sqlx::Sqlite, Db::Sqlite, sqlite_children);
op_fn!(postgres_op, sqlx::Postgres, Db::Postgres, pg_children);
op_fn!(mysql_op, sqlx::MySql, Db::MySql, mysql_children);

fn pool_options<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::<DB>::new()
        .max_connections(10)
        .test_before_acquire(false)
}

/// Rows of the `n` that `age > 40` matches.
pub fn filtered_rows(n: usize) -> usize {
    (0..n).filter(|i| i % 81 > 40).count()
}

/// Both sides on one pool (no lock contention between two sets of
/// connections): the eager tables seeded once, then every operation.
macro_rules! both_sides {
    ($pool:expr, $op:ident, $ds:expr, $n:expr) => {{
        let (pool, n) = ($pool, $n);
        let ds: DataSource = $ds;
        // Profiling one operation (JUGGLER_BENCH_ONLY=k) seeds the eager
        // tables only for the eager load, so its counts are the operation's.
        if std::env::var("JUGGLER_BENCH_ONLY").map_or(true, |k| k == "3") {
            seed_eager(&ds).await;
        }
        Ok(measure(
            n,
            ROUNDS,
            |k| juggler_op(&ds, k, n),
            |k| $op(&pool, &ds, k, n),
            filtered_rows(n),
        )
        .await)
    }};
}

/// A pool on the SQLite file at `url`, set up as juggler sets up its own.
pub async fn sqlite_pool(url: &str) -> Result<sqlx::SqlitePool, String> {
    let opts = url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .map_err(|e| e.to_string())?
        .pragma("case_sensitive_like", "ON");
    pool_options::<sqlx::Sqlite>()
        .connect_with(opts)
        .await
        .map_err(|e| e.to_string())
}

/// A pool on PostgreSQL at `url`, in the schema `juggler_bench` (made anew).
pub async fn postgres_pool(url: &str) -> Result<sqlx::PgPool, String> {
    let schema = "juggler_bench";
    let admin = sqlx::PgPool::connect(url).await.map_err(|e| format!("{url}: {e}"))?;
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(AssertSqlSafe(sql))
            .execute(&admin)
            .await
            .map_err(|e| e.to_string())?;
    }
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    // synchronous_commit=off for both sides: WAL flush noise would drown the difference.
    let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}%20-c%20synchronous_commit%3Doff");
    let opts = scoped
        .parse::<sqlx::postgres::PgConnectOptions>()
        .map_err(|e| e.to_string())?;
    pool_options::<sqlx::Postgres>()
        .connect_with(opts)
        .await
        .map_err(|e| e.to_string())
}

/// `url` with the database `juggler_bench` (made anew) in place of its own.
pub async fn mysql_url(url: &str) -> Result<String, String> {
    let database = "juggler_bench";
    let admin = sqlx::MySqlPool::connect(url).await.map_err(|e| format!("{url}: {e}"))?;
    for sql in [
        format!("DROP DATABASE IF EXISTS {database}"),
        format!("CREATE DATABASE {database}"),
    ] {
        sqlx::query(AssertSqlSafe(sql))
            .execute(&admin)
            .await
            .map_err(|e| e.to_string())?;
    }
    admin.close().await;
    let root = url.rsplit_once('/').map_or(url, |(r, _)| r);
    Ok(format!("{root}/{database}"))
}

/// A pool on MySQL / MariaDB at `url`, in the database `juggler_bench` (made anew).
pub async fn mysql_pool(url: &str) -> Result<sqlx::MySqlPool, String> {
    let opts = mysql_url(url)
        .await?
        .parse::<sqlx::mysql::MySqlConnectOptions>()
        .map_err(|e| e.to_string())?;
    pool_options::<sqlx::MySql>()
        .connect_with(opts)
        .await
        .map_err(|e| e.to_string())
}

/// Both sides on SQLite at `url`.
pub async fn sqlite(url: &str, n: usize) -> Result<Vec<Line>, String> {
    let pool = sqlite_pool(url).await?;
    // juggler's own connections to the same file (its SQLite connector is
    // not sqlx's).
    let ds = DataSource::connect(url).await.map_err(|e| e.to_string())?;
    both_sides!(pool, sqlite_op, ds, n)
}

/// Both sides on PostgreSQL at `url` (in a schema of their own).
pub async fn postgres(url: &str, n: usize) -> Result<Vec<Line>, String> {
    let pool = postgres_pool(url).await?;
    let ds = DataSource::from_connector(juggler::connector::sql::postgres::PgConnector::from_pool(pool.clone()));
    both_sides!(pool, postgres_op, ds, n)
}

/// Both sides on MySQL / MariaDB at `url` (in a database of their own).
pub async fn mysql(url: &str, n: usize) -> Result<Vec<Line>, String> {
    let pool = mysql_pool(url).await?;
    let ds = DataSource::from_connector(juggler::connector::sql::mysql::MySqlConnector::from_pool(pool.clone()));
    both_sides!(pool, mysql_op, ds, n)
}
