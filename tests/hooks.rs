//! Operation hooks: which fire, in which order, with which context, and that
//! an error aborts the operation.
//!
//! Run: `cargo test --test hooks`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::Backend;
use juggler::prelude::*;
use juggler::HookKind;
use std::sync::Mutex;

static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn log(line: String) {
    LOG.lock().unwrap().push(line);
}

fn take_log() -> Vec<String> {
    std::mem::take(&mut *LOG.lock().unwrap())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(hooks)]
struct Item {
    #[property(id, generated)]
    id: i64,
    #[property(length = 40)]
    name: String,
    qty: i32,
}

fn describe(kind: HookKind, ctx: &Context<Item>) -> String {
    let mut parts = vec![format!("{} {:?}", kind.name(), ctx.operation)];
    if let Some(q) = &ctx.query {
        parts.push(format!("query={}", q.to_json()));
    }
    if let Some(w) = &ctx.where_ {
        parts.push(format!("where={}", w.to_json()));
    }
    if let Some(i) = &ctx.instance {
        parts.push(format!("instance={}:{}", i.id, i.name));
    }
    if let Some(d) = &ctx.data {
        parts.push(format!("data.qty={:?}", d.qty));
    }
    if let Some(c) = &ctx.current_instance {
        parts.push(format!("current={}", c.qty));
    }
    if let Some(n) = ctx.is_new_instance {
        parts.push(format!("new={n}"));
    }
    parts.join(" ")
}

#[juggler::async_trait]
impl Hooks for Item {
    async fn access(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::Access, ctx));
        Ok(())
    }
    async fn before_save(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::BeforeSave, ctx));
        if let Some(item) = ctx.instance.as_mut() {
            if item.name == "forbidden" {
                return Err(juggler::Error::hook("forbidden name"));
            }
            item.name = item.name.to_uppercase();
        }
        Ok(())
    }
    async fn after_save(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::AfterSave, ctx));
        Ok(())
    }
    async fn before_delete(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::BeforeDelete, ctx));
        if ctx
            .where_
            .as_ref()
            .is_some_and(|w| w.to_json().to_string().contains("999"))
        {
            return Err(juggler::Error::hook("999 is protected"));
        }
        Ok(())
    }
    async fn after_delete(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::AfterDelete, ctx));
        Ok(())
    }
    async fn loaded(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::Loaded, ctx));
        Ok(())
    }
    async fn persist(ctx: &mut Context<Self>) -> juggler::Result<()> {
        log(describe(HookKind::Persist, ctx));
        Ok(())
    }
}

/// The hooks share one log, so the whole story is one test that visits
/// every backend in turn.
#[tokio::test]
async fn hooks_fire_in_order_with_context() {
    for backend in [Backend::Memory, Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        if cfg!(not(feature = "sqlite")) && backend == Backend::Sqlite {
            continue;
        }
        let Some(ds) = common::data_source(backend, &format!("hooks_{backend:?}")).await else {
            continue;
        };
        ds.automigrate(&[Item::definition()]).await.unwrap();
        story(ds).await;
    }
}

async fn story(ds: DataSource) {
    take_log();
    let repo = ds.repo::<Item>();

    let item = repo
        .create(Item {
            id: 0,
            name: "apple".into(),
            qty: 1,
        })
        .await
        .unwrap();
    assert_eq!(item.name, "APPLE", "before_save changed the instance that was stored");
    assert_eq!(
        take_log(),
        vec![
            "before save Create instance=0:apple new=true",
            "persist Create instance=0:APPLE new=true",
            "after save Create instance=1:APPLE new=true",
        ]
    );

    repo.find(Filter::new().where_(Item::QTY.gt(0))).await.unwrap();
    assert_eq!(
        take_log(),
        vec![
            r#"access Find query={"where":{"qty":{"gt":0}}}"#,
            "loaded Find instance=1:APPLE"
        ]
    );

    repo.update_by_id(
        1i64,
        ItemPatch {
            qty: Some(5),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        take_log(),
        vec![
            r#"before save UpdateById where={"id":1} data.qty=Some(5) current=1 new=false"#,
            r#"persist UpdateById where={"id":1} data.qty=Some(5) new=false"#,
            "after save UpdateById instance=1:APPLE new=false",
        ]
    );

    let n = repo
        .update_all(
            Item::QTY.eq(5),
            ItemPatch {
                qty: Some(6),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        take_log(),
        vec![
            r#"access UpdateAll query={"where":{"qty":5}}"#,
            r#"before save UpdateAll where={"qty":5} data.qty=Some(6)"#,
            r#"persist UpdateAll where={"qty":5} data.qty=Some(6)"#,
            r#"after save UpdateAll where={"qty":5} data.qty=Some(6)"#,
        ]
    );

    assert_eq!(repo.count(None).await.unwrap(), 1);
    assert_eq!(take_log(), vec![r#"access Count query={}"#]);

    let n = repo.delete_all(Item::QTY.eq(6)).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        take_log(),
        vec![
            r#"access DeleteAll query={"where":{"qty":6}}"#,
            r#"before delete DeleteAll where={"qty":6}"#,
            r#"after delete DeleteAll where={"qty":6}"#,
        ]
    );

    // A hook error aborts: nothing is written, the error names model and hook.
    let err = repo
        .create(Item {
            id: 0,
            name: "forbidden".into(),
            qty: 1,
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`before save` hook of `Item` refused the operation: forbidden name"
    );
    assert_eq!(take_log(), vec!["before save Create instance=0:forbidden new=true"]);
    let kept = repo
        .create(Item {
            id: 999,
            name: "keep".into(),
            qty: 1,
        })
        .await
        .unwrap();
    take_log();
    let err = repo.delete_by_id(kept.id).await.unwrap_err();
    assert!(err.to_string().contains("999 is protected"), "{err}");
    assert_eq!(
        take_log(),
        vec![
            r#"access DeleteById query={"where":{"id":999}}"#,
            r#"before delete DeleteById where={"id":999}"#
        ]
    );
    assert!(repo.exists(999i64).await.unwrap());
    assert_eq!(take_log(), vec![r#"access Find query={"where":{"id":999}}"#]);
}

/// An access hook can narrow every query.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(hooks)]
struct Tenanted {
    #[property(id, generated)]
    id: i64,
    #[property(length = 20)]
    tenant: String,
}

#[juggler::async_trait]
impl Hooks for Tenanted {
    async fn access(ctx: &mut Context<Self>) -> juggler::Result<()> {
        let query = ctx.query.take().unwrap_or_default();
        let only_acme = Tenanted::TENANT.eq("acme");
        let where_ = match query.where_.clone() {
            Some(w) => w.and(only_acme),
            None => only_acme,
        };
        ctx.query = Some(query.where_(where_));
        Ok(())
    }
}

async fn access_hook_rewrites_queries(ds: DataSource) {
    ds.automigrate(&[Tenanted::definition()]).await.unwrap();
    let repo = ds.repo::<Tenanted>();
    repo.create_all(vec![
        Tenanted {
            id: 0,
            tenant: "acme".into(),
        },
        Tenanted {
            id: 0,
            tenant: "other".into(),
        },
        Tenanted {
            id: 0,
            tenant: "acme".into(),
        },
    ])
    .await
    .unwrap();
    let seen: Vec<i64> = repo.find(Filter::new()).await.unwrap().iter().map(|t| t.id).collect();
    assert_eq!(seen, vec![1, 3]);
    assert_eq!(repo.count(None).await.unwrap(), 2);
    assert_eq!(repo.find_by_id(2i64).await.unwrap(), None);
    assert_eq!(repo.delete_all(None).await.unwrap(), 2);
    let ds_rows = ds.dynamic(Tenanted::definition().clone()).unwrap();
    assert_eq!(
        ds_rows.count(None).await.unwrap(),
        1,
        "the `other` row was never touched"
    );
}

per_backend!(crate::common::data_source;
    access_hook_rewrites_queries,
);
