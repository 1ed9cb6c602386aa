//! The raw sqlx side: the same SQL juggler sends, bound and decoded by hand.

use crate::{juggler_op, measure, row, BenchRow, Line};
use juggler::prelude::*;
use sqlx::{AssertSqlSafe, Row as _};
use std::time::Instant;

const COLS: &str = r#""id", "name", "age", "score""#;
const ROUNDS: usize = 5;

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

fn placeholders(pg: bool, rows: usize, cols: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for r in 0..rows {
        out.push_str(if r > 0 { ", (" } else { "(" });
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            n += 1;
            out.push_str(&if pg { format!("${n}") } else { "?".to_owned() });
        }
        out.push(')');
    }
    out
}

/// One timed run of raw operation `$k` (see `OPS`).
macro_rules! raw_op {
    ($pool:expr, $db:ty, $pg:expr, $k:expr, $n:expr, $reset:expr) => {{
        let pool = $pool;
        let (k, n): (usize, usize) = ($k, $n);
        let p = |i: usize| if $pg { format!("${i}") } else { "?".to_owned() };
        if k <= 1 {
            $reset.await;
        }
        let t = Instant::now();
        match k {
            0 => {
                let sql = format!(
                    r#"INSERT INTO "bench_row" ("name", "age", "score") VALUES ({}, {}, {}){}"#,
                    p(1),
                    p(2),
                    p(3),
                    if $pg { r#" RETURNING "id""# } else { "" }
                );
                let mut tx = pool.begin().await.expect("begin");
                for i in 0..n {
                    let r = row(i);
                    let q = sqlx::query::<$db>(AssertSqlSafe(sql.clone())).bind(r.name).bind(r.age).bind(r.score);
                    if $pg {
                        let id: i64 = q.fetch_one(&mut *tx).await.expect("insert").get(0);
                        assert!(id > 0);
                    } else {
                        q.execute(&mut *tx).await.expect("insert");
                    }
                }
                tx.commit().await.expect("commit");
            }
            1 => {
                let per = if $pg { 65_535 / 3 } else { 32_766 / 3 };
                let all: Vec<usize> = (0..n).collect();
                for chunk in all.chunks(per) {
                    let sql = format!(
                        r#"INSERT INTO "bench_row" ("name", "age", "score") VALUES {}{}"#,
                        placeholders($pg, chunk.len(), 3),
                        if $pg { r#" RETURNING "id""# } else { "" }
                    );
                    let mut q = sqlx::query::<$db>(AssertSqlSafe(sql));
                    for i in chunk {
                        let r = row(*i);
                        q = q.bind(r.name).bind(r.age).bind(r.score);
                    }
                    if $pg {
                        q.fetch_all(&pool).await.expect("batch");
                    } else {
                        q.execute(&pool).await.expect("batch");
                    }
                }
            }
            2 => {
                let sql = format!(r#"SELECT {COLS} FROM "bench_row" WHERE "id" = {} ORDER BY "id" ASC NULLS LAST LIMIT 1"#, p(1));
                for i in 0..n {
                    let id = ((i * 7919) % n + 1) as i64;
                    let r = sqlx::query::<$db>(AssertSqlSafe(sql.clone())).bind(id).fetch_optional(&pool).await.expect("find");
                    assert!(r.map(|r| decode!(r)).is_some());
                }
            }
            3 => {
                let sql = format!(r#"SELECT {COLS} FROM "bench_row" WHERE "age" > {} ORDER BY "id" ASC NULLS LAST"#, p(1));
                let rows = sqlx::query::<$db>(AssertSqlSafe(sql)).bind(40i32).fetch_all(&pool).await.expect("find");
                let rows: Vec<BenchRow> = rows.iter().map(|r| decode!(r)).collect();
                assert!(rows.len() > n / 3);
            }
            4 => {
                let sql = format!(r#"SELECT {COLS} FROM "bench_row" ORDER BY "age" ASC NULLS LAST, "id" ASC NULLS LAST LIMIT 20 OFFSET 100"#);
                for _ in 0..1_000 {
                    let rows = sqlx::query::<$db>(AssertSqlSafe(sql.clone())).fetch_all(&pool).await.expect("page");
                    let rows: Vec<BenchRow> = rows.iter().map(|r| decode!(r)).collect();
                    assert_eq!(rows.len(), 20);
                }
            }
            5 | 6 => {
                let sql = format!(r#"UPDATE "bench_row" SET "score" = {} WHERE "id" = {}"#, p(1), p(2));
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
            _ => {
                let sql = format!(r#"SELECT COUNT(*) FROM "bench_row" WHERE "age" > {}"#, p(1));
                for _ in 0..1_000 {
                    let c: i64 = sqlx::query::<$db>(AssertSqlSafe(sql.clone())).bind(40i32).fetch_one(&pool).await.expect("count").get(0);
                    assert!(c > 0);
                }
            }
        }
        t.elapsed()
    }};
}

fn pool_options<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::<DB>::new()
        .max_connections(10)
        .test_before_acquire(false)
}

fn filtered_rows(n: usize) -> usize {
    (0..n).filter(|i| i % 81 > 40).count()
}

/// Both sides on SQLite at `url`.
pub(crate) async fn sqlite(url: &str, n: usize) -> Result<Vec<Line>, String> {
    let opts = url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .map_err(|e| e.to_string())?;
    let opts = opts.pragma("case_sensitive_like", "ON");
    let pool = pool_options::<sqlx::Sqlite>()
        .connect_with(opts)
        .await
        .map_err(|e| e.to_string())?;
    // One pool for both sides: no lock contention between two sets of connections.
    let ds = DataSource::from_connector(juggler::connector::sql::sqlite::SqliteConnector::from_pool(
        pool.clone(),
    ));
    let reset = || async { ds.automigrate(&[BenchRow::definition()]).await.expect("reset") };
    Ok(measure(
        n,
        ROUNDS,
        |k| juggler_op(&ds, k, n),
        |k| {
            let pool = pool.clone();
            async move { raw_op!(pool, sqlx::Sqlite, false, k, n, reset()) }
        },
        filtered_rows(n),
    )
    .await)
}

/// Both sides on PostgreSQL at `url` (in a schema of their own).
pub(crate) async fn postgres(url: &str, n: usize) -> Result<Vec<Line>, String> {
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
    let pool = pool_options::<sqlx::Postgres>()
        .connect_with(opts)
        .await
        .map_err(|e| e.to_string())?;
    let ds = DataSource::from_connector(juggler::connector::sql::postgres::PgConnector::from_pool(pool.clone()));
    let reset = || async { ds.automigrate(&[BenchRow::definition()]).await.expect("reset") };
    Ok(measure(
        n,
        ROUNDS,
        |k| juggler_op(&ds, k, n),
        |k| {
            let pool = pool.clone();
            async move { raw_op!(pool, sqlx::Postgres, true, k, n, reset()) }
        },
        filtered_rows(n),
    )
    .await)
}
