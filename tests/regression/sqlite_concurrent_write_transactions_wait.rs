//! SQLite: read-then-write transactions under concurrency failed with
//! "database is locked" (120-163 of 320).

use crate::common::{data_source, Backend};
use juggler::prelude::*;

#[derive(Model, Debug, Clone)]
struct Counter {
    #[property(id)]
    id: i64,
    n: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_twenty_read_then_write_transactions() {
    let Some(ds) = data_source(Backend::Sqlite, "sqlite_locked").await else {
        return;
    };
    ds.automigrate(&[Counter::definition()]).await.unwrap();
    ds.repo::<Counter>().create(Counter { id: 1, n: 0 }).await.unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let ds = ds.clone();
            tokio::spawn(async move {
                let mut failures = 0;
                for _ in 0..20 {
                    let result = ds
                        .transaction(|tx| async move {
                            let repo = tx.repo::<Counter>();
                            let c = repo.find_by_id(1_i64).await?.expect("row 1");
                            repo.update_by_id(
                                1_i64,
                                CounterPatch {
                                    n: Some(c.n + 1),
                                    ..Default::default()
                                },
                            )
                            .await?;
                            Ok(())
                        })
                        .await;
                    if let Err(e) = result {
                        eprintln!("{e}");
                        failures += 1;
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = 0;
    for t in tasks {
        failures += t.await.unwrap();
    }
    assert_eq!(failures, 0);
    // Every increment counted: no lost update either.
    assert_eq!(ds.repo::<Counter>().find_by_id(1_i64).await.unwrap().unwrap().n, 320);
}
