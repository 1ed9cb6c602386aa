//! After the server killed its connections, the pool handed each dead one
//! to a caller in turn (10 calls in a row failed).

use crate::common::{data_source_with, Backend};
use juggler::prelude::*;
#[cfg(any(feature = "postgres", feature = "mysql"))]
use sqlx::Executor as _;

#[derive(Model, Debug, Clone)]
struct Beat {
    #[property(id, generated)]
    id: i64,
    n: i64,
}

async fn kill_all(backend: Backend, admin: &str) {
    let _ = admin; // unused when built without the server features
    match backend {
        Backend::Postgres => {
            #[cfg(feature = "postgres")]
            {
                let pool = sqlx::PgPool::connect(admin).await.unwrap();
                pool.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE pid <> pg_backend_pid() AND application_name = 'juggler-kill-test'",
                )
                .await
                .unwrap();
                pool.close().await;
            }
        }
        Backend::MySql => {
            #[cfg(feature = "mysql")]
            {
                let pool = sqlx::MySqlPool::connect(admin).await.unwrap();
                let ids: Vec<(i64,)> = sqlx::query_as(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'jt_killed_y' AND ID <> CONNECTION_ID()",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                for (id,) in ids {
                    let _ = pool.execute(sqlx::AssertSqlSafe(format!("KILL CONNECTION {id}"))).await;
                }
                pool.close().await;
            }
        }
        _ => {}
    }
}

async fn check(backend: Backend, test: &str) {
    let Some(admin) = crate::common::server_url(backend) else {
        return;
    };
    let settings = PoolSettings {
        max_connections: 5,
        min_connections: 5,
        ..PoolSettings::default()
    };
    let Some(url) = crate::common::fresh_url(backend, test).await else {
        return;
    };
    let url = if backend == Backend::Postgres {
        format!("{url}&application_name=juggler-kill-test")
    } else {
        url
    };
    let ds = DataSource::connect_with(&url, settings).await.unwrap();
    ds.automigrate(&[Beat::definition()]).await.unwrap();
    let repo = ds.repo::<Beat>();
    // Warm every connection of the pool.
    let tasks: Vec<_> = (0..10)
        .map(|n| {
            let repo = repo.clone();
            tokio::spawn(async move { repo.create(Beat { id: 0, n }).await.unwrap() })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    kill_all(backend, &admin).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Reads find a live connection at once; a write may fail once, on the
    // connection that revealed the kill, and never again.
    let mut failed = 0;
    for _ in 0..10 {
        assert_eq!(repo.count(None).await.unwrap(), 10);
    }
    for n in 0..10 {
        if repo.create(Beat { id: 0, n }).await.is_err() {
            failed += 1;
        }
    }
    assert!(failed <= 1, "{failed} writes failed after the kill");
    let _ = data_source_with;
}

#[tokio::test]
async fn postgres() {
    check(Backend::Postgres, "killed_p").await;
}

#[tokio::test]
async fn mysql() {
    check(Backend::MySql, "killed_y").await;
}
