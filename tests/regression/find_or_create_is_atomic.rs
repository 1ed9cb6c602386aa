//! `find_or_create` was not atomic: 64 concurrent calls for one key created
//! 57-64 rows on the SQL connectors.

use juggler::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
struct Tag {
    #[property(id, generated)]
    id: i64,
    #[property(length = 40)]
    name: String,
}

async fn sixty_four_concurrent_calls(ds: DataSource) {
    ds.automigrate(&[Tag::definition()]).await.unwrap();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let repo = ds.repo::<Tag>();
            let name = if i % 2 == 0 { "rust" } else { "sql" };
            tokio::spawn(async move {
                repo.find_or_create(
                    Filter::new().where_(Tag::NAME.eq(name)),
                    Tag {
                        id: 0,
                        name: name.into(),
                    },
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        if t.await.unwrap().1 {
            created += 1;
        }
    }
    assert_eq!(created, 2);
    assert_eq!(ds.repo::<Tag>().count(None).await.unwrap(), 2);
    // Dynamic models too.
    let dynamic = ds.dynamic(Tag::definition().clone()).unwrap();
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let d = dynamic.clone();
            tokio::spawn(async move {
                d.find_or_create(
                    Filter::from_json(r#"{"where": {"name": "db"}}"#).unwrap(),
                    serde_json::json!({"name": "db"}),
                )
                .await
                .unwrap()
                .1
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        created += usize::from(t.await.unwrap());
    }
    assert_eq!(created, 1);
}

mod memory {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sixty_four_concurrent_calls() {
        if let Some(ds) = crate::common::data_source(crate::common::Backend::Memory, "m_foc").await {
            super::sixty_four_concurrent_calls(ds).await
        }
    }
}
mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sixty_four_concurrent_calls() {
        if let Some(ds) = crate::common::data_source(crate::common::Backend::Sqlite, "s_foc").await {
            super::sixty_four_concurrent_calls(ds).await
        }
    }
}
mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sixty_four_concurrent_calls() {
        if let Some(ds) = crate::common::data_source(crate::common::Backend::Postgres, "p_foc").await {
            super::sixty_four_concurrent_calls(ds).await
        }
    }
}
mod mysql {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sixty_four_concurrent_calls() {
        if let Some(ds) = crate::common::data_source(crate::common::Backend::MySql, "y_foc").await {
            super::sixty_four_concurrent_calls(ds).await
        }
    }
}
