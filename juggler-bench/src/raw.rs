//! The raw sqlx side: the same SQL juggler sends, bound and decoded by hand.

use crate::{best, juggler_ops, lines, row, BenchRow, Line};
use juggler::prelude::*;
use sqlx::{AssertSqlSafe, Row as _};
use std::time::Duration;

const COLS: &str = r#""id", "name", "age", "score""#;

macro_rules! decode {
    ($r:expr) => {
        BenchRow { id: $r.get::<i64, _>(0), name: $r.get(1), age: $r.get::<i32, _>(2), score: $r.get(3) }
    };
}

fn placeholders(pg: bool, rows: usize, cols: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            n += 1;
            if pg {
                out.push_str(&format!("${n}"));
            } else {
                out.push('?');
            }
        }
        out.push(')');
    }
    out
}

macro_rules! raw_ops {
    ($pool:expr, $db:ty, $n:expr, $pg:expr, $reset:expr) => {{
        let pool = $pool;
        let n: usize = $n;
        let p = |i: usize| if $pg { format!("${i}") } else { "?".to_owned() };
        let insert_sql = if $pg {
            r#"INSERT INTO "bench_row" ("name", "age", "score") VALUES ($1, $2, $3) RETURNING "id""#.to_owned()
        } else {
            r#"INSERT INTO "bench_row" ("name", "age", "score") VALUES (?, ?, ?)"#.to_owned()
        };
        let insert_one = best(|| async {
            $reset.await;
            let mut tx = pool.begin().await.expect("begin");
            for i in 0..n {
                let r = row(i);
                let q = sqlx::query::<$db>(AssertSqlSafe(insert_sql.clone())).bind(r.name).bind(r.age).bind(r.score);
                if $pg {
                    let id: i64 = q.fetch_one(&mut *tx).await.expect("insert").get(0);
                    assert!(id > 0);
                } else {
                    q.execute(&mut *tx).await.expect("insert");
                }
            }
            tx.commit().await.expect("commit");
        })
        .await;
        let batch = best(|| async {
            $reset.await;
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
        })
        .await;
        let by_id_sql = format!(r#"SELECT {COLS} FROM "bench_row" WHERE "id" = {} ORDER BY "id" ASC NULLS LAST LIMIT 1"#, p(1));
        let by_id = best(|| async {
            for i in 0..n {
                let id = ((i * 7919) % n + 1) as i64;
                let r = sqlx::query::<$db>(AssertSqlSafe(by_id_sql.clone())).bind(id).fetch_optional(&pool).await.expect("find");
                let r = r.map(|r| decode!(r));
                assert!(r.is_some());
            }
        })
        .await;
        let filtered_sql = format!(r#"SELECT {COLS} FROM "bench_row" WHERE "age" > {} ORDER BY "id" ASC NULLS LAST"#, p(1));
        let mut filtered_rows = 0;
        let filtered = best(|| async {
            let rows = sqlx::query::<$db>(AssertSqlSafe(filtered_sql.clone())).bind(40i32).fetch_all(&pool).await.expect("find");
            let rows: Vec<BenchRow> = rows.iter().map(|r| decode!(r)).collect();
            assert!(rows.len() > n / 3);
        })
        .await;
        {
            let rows = sqlx::query::<$db>(AssertSqlSafe(filtered_sql.clone())).bind(40i32).fetch_all(&pool).await.expect("find");
            filtered_rows = filtered_rows.max(rows.len());
        }
        let page_sql = format!(r#"SELECT {COLS} FROM "bench_row" ORDER BY "age" ASC NULLS LAST, "id" ASC NULLS LAST LIMIT 20 OFFSET 100"#);
        let page = best(|| async {
            for _ in 0..1_000 {
                let rows = sqlx::query::<$db>(AssertSqlSafe(page_sql.clone())).fetch_all(&pool).await.expect("page");
                let rows: Vec<BenchRow> = rows.iter().map(|r| decode!(r)).collect();
                assert_eq!(rows.len(), 20);
            }
        })
        .await;
        let update_sql = format!(r#"UPDATE "bench_row" SET "score" = {} WHERE "id" = {}"#, p(1), p(2));
        let update = best(|| async {
            let mut tx = pool.begin().await.expect("begin");
            for i in 0..n {
                sqlx::query::<$db>(AssertSqlSafe(update_sql.clone()))
                    .bind(i as f64)
                    .bind((i + 1) as i64)
                    .execute(&mut *tx)
                    .await
                    .expect("update");
            }
            tx.commit().await.expect("commit");
        })
        .await;
        let count_sql = format!(r#"SELECT COUNT(*) FROM "bench_row" WHERE "age" > {}"#, p(1));
        let count = best(|| async {
            for _ in 0..1_000 {
                let c: i64 = sqlx::query::<$db>(AssertSqlSafe(count_sql.clone())).bind(40i32).fetch_one(&pool).await.expect("count").get(0);
                assert!(c > 0);
            }
        })
        .await;
        ([insert_one, batch, by_id, filtered, page, update, update, count], filtered_rows)
    }};
}

fn pool_options<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::<DB>::new().max_connections(10).test_before_acquire(false)
}

/// Both sides on SQLite at `url`.
pub(crate) async fn sqlite(url: &str, n: usize) -> Result<Vec<Line>, String> {
    let ds = DataSource::connect(url).await.map_err(|e| e.to_string())?;
    let opts = url.parse::<sqlx::sqlite::SqliteConnectOptions>().map_err(|e| e.to_string())?;
    let pool = pool_options::<sqlx::Sqlite>().connect_with(opts).await.map_err(|e| e.to_string())?;
    let j = juggler_ops(&ds, n).await.map_err(|e| e.to_string())?;
    let reset = || async { ds.automigrate(&[BenchRow::definition()]).await.expect("reset") };
    let (r, filtered_rows): ([Duration; 8], usize) = raw_ops!(pool.clone(), sqlx::Sqlite, n, false, reset());
    Ok(lines(n, j, r, filtered_rows))
}

/// Both sides on PostgreSQL at `url` (in a schema of their own).
pub(crate) async fn postgres(url: &str, n: usize) -> Result<Vec<Line>, String> {
    let schema = "juggler_bench";
    let admin = sqlx::PgPool::connect(url).await.map_err(|e| format!("{url}: {e}"))?;
    sqlx::query(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))).execute(&admin).await.map_err(|e| e.to_string())?;
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.map_err(|e| e.to_string())?;
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let ds = DataSource::connect(&scoped).await.map_err(|e| e.to_string())?;
    let opts = scoped.parse::<sqlx::postgres::PgConnectOptions>().map_err(|e| e.to_string())?;
    let pool = pool_options::<sqlx::Postgres>().connect_with(opts).await.map_err(|e| e.to_string())?;
    let j = juggler_ops(&ds, n).await.map_err(|e| e.to_string())?;
    let reset = || async { ds.automigrate(&[BenchRow::definition()]).await.expect("reset") };
    let (r, filtered_rows): ([Duration; 8], usize) = raw_ops!(pool.clone(), sqlx::Postgres, n, true, reset());
    Ok(lines(n, j, r, filtered_rows))
}
