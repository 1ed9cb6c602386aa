//! Faults: the server kills juggler's connections while 16 tasks write;
//! callers on those connections get errors, the operations after the kills
//! succeed, and a transaction whose connection died left no partial write.
//!
//! Run: `cargo test --all-features --test faults` (PostgreSQL and MariaDB).

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

mod common;

use common::Backend;
use juggler::prelude::*;
#[cfg(feature = "mysql")]
use sqlx::Executor as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Model, Debug, Clone)]
struct Half {
    #[property(id, generated)]
    id: i64,
    /// Two rows per pair, written in one transaction.
    pair: i64,
}

const APP: &str = "juggler-faults";

/// Kills every connection of the test's pool; returns how many.
async fn kill(backend: Backend, admin: &str, database: &str) -> usize {
    match backend {
        #[cfg(feature = "postgres")]
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(admin).await.unwrap();
            let killed: Vec<(bool,)> = sqlx::query_as(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE pid <> pg_backend_pid() AND application_name = $1",
            )
            .bind(APP)
            .fetch_all(&pool)
            .await
            .unwrap();
            pool.close().await;
            killed.len()
        }
        #[cfg(feature = "mysql")]
        Backend::MySql => {
            let pool = sqlx::MySqlPool::connect(admin).await.unwrap();
            let ids: Vec<(i64,)> =
                sqlx::query_as("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()")
                    .bind(database)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            for (id,) in &ids {
                let _ = pool.execute(sqlx::AssertSqlSafe(format!("KILL CONNECTION {id}"))).await;
            }
            pool.close().await;
            ids.len()
        }
        _ => {
            let _ = (admin, database);
            0
        }
    }
}

async fn faults(backend: Backend, test: &str) {
    let Some(admin) = common::server_url(backend) else {
        return;
    };
    let Some(url) = common::fresh_url(backend, test).await else {
        return;
    };
    let database = format!("jt_{test}");
    let url = if backend == Backend::Postgres {
        format!("{url}&application_name={APP}")
    } else {
        url
    };
    let settings = PoolSettings {
        max_connections: 6,
        ..PoolSettings::default()
    };
    let ds = DataSource::connect_with(&url, settings).await.unwrap();
    ds.automigrate(&[Half::definition()]).await.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let writers: Vec<_> = (0..16)
        .map(|w| {
            let (ds, stop, ok, failed) = (ds.clone(), stop.clone(), ok.clone(), failed.clone());
            tokio::spawn(async move {
                let mut pair = w * 1_000_000;
                while !stop.load(Ordering::SeqCst) {
                    pair += 1;
                    let result = ds
                        .transaction(|tx| async move {
                            let r = tx.repo::<Half>();
                            r.create(Half { id: 0, pair }).await?;
                            tokio::time::sleep(Duration::from_millis(2)).await;
                            r.create(Half { id: 0, pair }).await?;
                            Ok(())
                        })
                        .await;
                    let counter = if result.is_ok() { &ok } else { &failed };
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let mut killed = 0;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        killed += kill(backend, &admin, &database).await;
    }
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // After the kills: a read succeeds at once (it is retried on another
    // connection); of the next 20 writes at most the first finds a dead
    // connection, and the pool replaces the rest before handing them out.
    let repo = ds.repo::<Half>();
    let total = repo.count(None).await.unwrap();
    let mut after_failed = 0;
    for i in 0..20 {
        if repo.create(Half { id: 0, pair: -1 - i }).await.is_err() {
            after_failed += 1;
        }
    }
    assert!(after_failed <= 1, "{after_failed} of 20 writes failed after the kills");
    for _ in 0..10 {
        repo.count(None).await.unwrap();
    }
    // No transaction left half a pair.
    let rows = repo.find(Filter::new().where_(Half::PAIR.gt(0))).await.unwrap();
    let mut per_pair = std::collections::BTreeMap::<i64, usize>::new();
    for r in &rows {
        *per_pair.entry(r.pair).or_default() += 1;
    }
    let halves: Vec<_> = per_pair.iter().filter(|(_, n)| **n != 2).collect();
    assert!(halves.is_empty(), "partial transactions: {halves:?}");
    let (ok, failed) = (ok.load(Ordering::SeqCst), failed.load(Ordering::SeqCst));
    // Every committed pair is there (a commit whose answer was lost with its
    // connection may be there too).
    assert!(
        per_pair.len() >= ok && per_pair.len() <= ok + failed,
        "{} pairs, {ok} committed",
        per_pair.len()
    );
    assert!(killed > 0, "no connection was killed");
    eprintln!(
        "faults {backend:?}: {killed} connections killed in 5 rounds; {ok} transactions committed, {failed} failed; \
         {total} rows; {after_failed} of 20 writes failed after"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres() {
    faults(Backend::Postgres, "faults_p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql() {
    faults(Backend::MySql, "faults_y").await;
}
