//! Load: 64 tasks of mixed CRUD, transactions included, through one pool on
//! each connector; afterwards every row is there with its value, the counts
//! are exact, and the pool is back to idle.
//!
//! Run: `cargo test --all-features --test load`

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

mod common;

use common::Backend;
use juggler::prelude::*;
use std::collections::BTreeMap;

#[derive(Model, Debug, Clone, PartialEq)]
struct Entry {
    #[property(id, generated)]
    id: i64,
    #[property(index(unique), length = 40)]
    key: String,
    task: i64,
    value: i64,
}

const TASKS: i64 = 64;
const ROUNDS: i64 = 40;

fn entry(task: i64, n: i64, value: i64) -> Entry {
    Entry {
        id: 0,
        key: format!("t{task}-{n}"),
        task,
        value,
    }
}

/// One task's work; returns what it expects stored (key -> value) and the
/// number of operations it ran.
async fn task(ds: DataSource, t: i64) -> (BTreeMap<String, i64>, usize) {
    let repo = ds.repo::<Entry>();
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    let mut ids: BTreeMap<String, i64> = BTreeMap::new();
    let mut ops = 0;
    let mut n = 0;
    for round in 0..ROUNDS {
        match round % 5 {
            0 => {
                let e = repo.create(entry(t, n, round)).await.unwrap();
                expected.insert(e.key.clone(), e.value);
                ids.insert(e.key, e.id);
                n += 1;
                ops += 1;
            }
            1 => {
                // Two inserts and an update of an earlier row, committed.
                let (a, b) = (entry(t, n, 1), entry(t, n + 1, 2));
                n += 2;
                let earlier = ids.iter().next().map(|(k, id)| (k.clone(), *id));
                let earlier_key = earlier.as_ref().map(|(k, _)| k.clone());
                let created = ds
                    .transaction(|tx| async move {
                        let r = tx.repo::<Entry>();
                        let a = r.create(a).await?;
                        let b = r.create(b).await?;
                        if let Some((_, id)) = earlier {
                            r.update_by_id(
                                id,
                                EntryPatch {
                                    value: Some(500),
                                    ..Default::default()
                                },
                            )
                            .await?;
                        }
                        Ok((a, b))
                    })
                    .await
                    .unwrap();
                for e in [created.0, created.1] {
                    expected.insert(e.key.clone(), e.value);
                    ids.insert(e.key, e.id);
                }
                if let Some(k) = earlier_key {
                    expected.insert(k, 500);
                }
                ops += 4;
            }
            2 => {
                // A transaction that rolls back leaves nothing.
                let doomed = entry(t, 10_000 + n, 0);
                let result = ds
                    .transaction(|tx| async move {
                        tx.repo::<Entry>().create(doomed).await?;
                        Err::<(), _>(Error::Unsupported("roll back".into()))
                    })
                    .await;
                assert!(result.is_err());
                ops += 2;
            }
            3 => {
                if let Some((k, id)) = ids.iter().last().map(|(k, id)| (k.clone(), *id)) {
                    let e = repo
                        .update_by_id(
                            id,
                            EntryPatch {
                                value: Some(round * 1000),
                                ..Default::default()
                            },
                        )
                        .await
                        .unwrap();
                    expected.insert(k, e.value);
                    ops += 1;
                }
            }
            _ => {
                if let Some((k, id)) = ids.iter().next().map(|(k, id)| (k.clone(), *id)) {
                    assert!(repo.delete_by_id(id).await.unwrap());
                    expected.remove(&k);
                    ids.remove(&k);
                }
                assert_eq!(repo.count(Entry::TASK.eq(t)).await.unwrap(), expected.len() as u64);
                ops += 2;
            }
        }
    }
    (expected, ops)
}

async fn load(backend: Backend, test: &str) {
    let Some(ds) = common::data_source(backend, test).await else {
        return;
    };
    ds.automigrate(&[Entry::definition()]).await.unwrap();
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..TASKS).map(|t| tokio::spawn(task(ds.clone(), t))).collect();
    let mut expected = BTreeMap::new();
    let mut ops = 0;
    for h in handles {
        let (e, n) = h.await.unwrap();
        expected.extend(e);
        ops += n;
    }
    let stored: BTreeMap<String, i64> = ds
        .repo::<Entry>()
        .find(Filter::new())
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.key, e.value))
        .collect();
    assert_eq!(stored.len(), expected.len(), "row count");
    assert_eq!(stored, expected, "rows or values differ");
    assert_eq!(ds.repo::<Entry>().count(None).await.unwrap(), expected.len() as u64);
    if ds.pool_status().is_some() {
        // Connections go back to the pool in the background.
        let mut status = ds.pool_status().unwrap();
        for _ in 0..50 {
            if status.idle == status.size as usize {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            status = ds.pool_status().unwrap();
        }
        assert_eq!(
            status.idle, status.size as usize,
            "connections still in use: {status:?}"
        );
    }
    eprintln!(
        "load {backend:?}: {TASKS} tasks, {ops} operations, {} rows checked, {:?}",
        expected.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory() {
    load(Backend::Memory, "load_m").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_file() {
    load(Backend::Sqlite, "load_s").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres() {
    load(Backend::Postgres, "load_p").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql() {
    load(Backend::MySql, "load_y").await;
}
