//! Transactions on every connector: commit on Ok, roll back on Err, manual
//! control, nested savepoints, repositories inside; and uniqueness backed by
//! the unique index under concurrent inserts.
//!
//! Run: `cargo test --all-features --test transactions`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{people, Person};
use juggler::prelude::*;

async fn names(ds: &DataSource) -> Vec<String> {
    let mut v: Vec<String> = ds
        .repo::<Person>()
        .find(Filter::new())
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    v.sort();
    v
}

fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        ..people()[1].clone()
    }
}

async fn commit_on_ok(ds: DataSource) {
    let id = ds
        .transaction(|tx| async move {
            let a = tx.repo::<Person>().create(person("Tx1")).await?;
            tx.repo::<Person>()
                .update_by_id(
                    1i64,
                    common::PersonPatch {
                        age: Some(Some(99)),
                        ..Default::default()
                    },
                )
                .await?;
            Ok(a.id)
        })
        .await
        .unwrap();
    assert_eq!(id, 7);
    assert!(names(&ds).await.contains(&"Tx1".to_owned()));
    assert_eq!(
        ds.repo::<Person>().find_by_id(1i64).await.unwrap().unwrap().age,
        Some(99)
    );
}

async fn rollback_on_err(ds: DataSource) {
    let before = names(&ds).await;
    let err = ds
        .transaction(|tx| async move {
            tx.repo::<Person>().create(person("Ghost")).await?;
            tx.repo::<Person>().delete_all(None).await?;
            // seen inside the transaction
            assert_eq!(tx.repo::<Person>().count(None).await?, 0);
            Err::<(), _>(juggler::Error::Unsupported("stop".into()))
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "stop");
    assert_eq!(names(&ds).await, before, "nothing of the failed transaction is left");
}

async fn manual_begin_commit_rollback(ds: DataSource) {
    let tx = ds.begin().await.unwrap();
    tx.repo::<Person>().create(person("Kept")).await.unwrap();
    tx.commit().await.unwrap();
    assert!(tx.commit().await.is_err(), "a second commit is refused");
    let tx = ds.begin().await.unwrap();
    tx.repo::<Person>().create(person("Dropped")).await.unwrap();
    tx.rollback().await.unwrap();
    let all = names(&ds).await;
    assert!(
        all.contains(&"Kept".to_owned()) && !all.contains(&"Dropped".to_owned()),
        "{all:?}"
    );
}

async fn nested_savepoints(ds: DataSource) {
    let tx = ds.begin().await.unwrap();
    tx.repo::<Person>().create(person("Outer")).await.unwrap();
    let inner = tx.begin().await.unwrap();
    inner.repo::<Person>().create(person("InnerRolledBack")).await.unwrap();
    inner.rollback().await.unwrap();
    let inner = tx.begin().await.unwrap();
    inner.repo::<Person>().create(person("InnerKept")).await.unwrap();
    inner.commit().await.unwrap();
    tx.commit().await.unwrap();
    let all = names(&ds).await;
    assert!(all.contains(&"Outer".to_owned()), "{all:?}");
    assert!(all.contains(&"InnerKept".to_owned()), "{all:?}");
    assert!(!all.contains(&"InnerRolledBack".to_owned()), "{all:?}");
}

async fn dynamic_repository_in_a_transaction(ds: DataSource) {
    let tx = ds.begin().await.unwrap();
    let dynamic = tx.dynamic(Person::definition().clone()).unwrap();
    dynamic.delete_all(None).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(ds.repo::<Person>().count(None).await.unwrap(), 6);
}

per_backend!(crate::common::seeded;
    commit_on_ok,
    rollback_on_err,
    manual_begin_commit_rollback,
    nested_savepoints,
    dynamic_repository_in_a_transaction,
);

/// Uniqueness backed by the unique index: of two concurrent inserts of the
/// same value, one lands and the other is an error.
mod uniqueness {
    use super::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    struct Handle {
        #[property(id, generated)]
        id: i64,
        #[property(index(unique), length = 40)]
        #[validate(uniqueness)]
        name: String,
    }

    async fn race(backend: common::Backend, test: &str) {
        let Some(ds) = common::data_source(backend, test).await else {
            return;
        };
        ds.automigrate(&[Handle::definition()]).await.unwrap();
        for round in 0..5 {
            let name = format!("taken{round}");
            let (a, b) = (ds.repo::<Handle>(), ds.repo::<Handle>());
            let (n1, n2) = (name.clone(), name.clone());
            let t1 = tokio::spawn(async move { a.create(Handle { id: 0, name: n1 }).await });
            let t2 = tokio::spawn(async move { b.create(Handle { id: 0, name: n2 }).await });
            let results = [t1.await.unwrap(), t2.await.unwrap()];
            let ok = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(ok, 1, "exactly one insert wins: {results:?}");
            let err = results.into_iter().find_map(Result::err).unwrap();
            assert!(matches!(err, juggler::Error::Validation(_)), "{err:?}");
            assert_eq!(
                ds.repo::<Handle>().count(Handle::NAME.eq(name.as_str())).await.unwrap(),
                1
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn memory() {
        race(common::Backend::Memory, "u_memory").await;
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        race(common::Backend::Sqlite, "u_sqlite").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        race(common::Backend::Postgres, "u_postgres").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql() {
        race(common::Backend::MySql, "u_mysql").await;
    }
}
