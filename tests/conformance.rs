//! The conformance suite: the same test bodies for every connector, with
//! expected results written out by hand (LoopBack's PostgreSQL semantics).
//!
//! Run: `cargo test --test conformance`
//!
//! Each body runs on memory, SQLite, PostgreSQL and MySQL/MariaDB (see
//! `per_backend!` in `tests/common`); PostgreSQL and MySQL need their
//! features: `cargo test --all-features --test conformance`.

// Test bodies are plain async fns shared by every connector; they fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ids, Person, PersonPatch};

use juggler::prelude::*;
use juggler::{Direction, Fields};
use serde_json::json;

async fn where_json(ds: &DataSource, json: serde_json::Value) -> Vec<i64> {
    let filter = Filter::from_value(&json!({ "where": json })).expect("valid filter");
    ids(&ds.repo::<Person>().find(filter).await.expect("find"))
}

async fn typed(ds: &DataSource, w: Where) -> Vec<i64> {
    ids(&ds.repo::<Person>().find(Filter::new().where_(w)).await.expect("find"))
}

async fn equality(ds: DataSource) {
    assert_eq!(where_json(&ds, json!({"name": "Ann"})).await, vec![1]);
    assert_eq!(where_json(&ds, json!({"age": 21})).await, vec![2, 5]);
    assert_eq!(where_json(&ds, json!({"age": {"eq": 21}})).await, vec![2, 5]);
    assert_eq!(where_json(&ds, json!({"active": true, "age": 21})).await, vec![5]);
    assert_eq!(where_json(&ds, json!({"score": 7.25})).await, vec![3]);
    assert_eq!(typed(&ds, Person::AGE.eq(21)).await, vec![2, 5]);
    assert_eq!(typed(&ds, Person::NAME.eq("Ann")).await, vec![1]);
}

async fn null_equality(ds: DataSource) {
    assert_eq!(where_json(&ds, json!({"city": null})).await, vec![2, 6]);
    assert_eq!(where_json(&ds, json!({"city": {"neq": null}})).await, vec![1, 3, 4, 5]);
    assert_eq!(typed(&ds, Person::AGE.is_null()).await, vec![3]);
    assert_eq!(typed(&ds, Person::AGE.is_not_null()).await, vec![1, 2, 4, 5, 6]);
}

async fn neq_never_matches_null(ds: DataSource) {
    // carl (3) has no age: `neq` does not match NULL, as in SQL.
    assert_eq!(where_json(&ds, json!({"age": {"neq": 21}})).await, vec![1, 4, 6]);
    assert_eq!(typed(&ds, Person::CITY.neq("Paris")).await, vec![3, 4, 5]);
}

async fn comparisons(ds: DataSource) {
    assert_eq!(where_json(&ds, json!({"age": {"gt": 21}})).await, vec![1, 4, 6]);
    assert_eq!(where_json(&ds, json!({"age": {"gte": 21}})).await, vec![1, 2, 4, 5, 6]);
    assert_eq!(where_json(&ds, json!({"age": {"lt": 34}})).await, vec![2, 5]);
    assert_eq!(where_json(&ds, json!({"age": {"lte": 34}})).await, vec![1, 2, 5]);
    assert_eq!(where_json(&ds, json!({"score": {"gt": 7}})).await, vec![1, 3, 4]);
    assert_eq!(where_json(&ds, json!({"name": {"gt": "C"}})).await, vec![3, 4, 5]);
    assert_eq!(typed(&ds, Person::SCORE.lte(6.0)).await, vec![2, 5, 6]);
}

async fn between(ds: DataSource) {
    assert_eq!(
        where_json(&ds, json!({"age": {"between": [21, 40]}})).await,
        vec![1, 2, 5]
    );
    assert_eq!(typed(&ds, Person::SCORE.between(5.5, 7.25)).await, vec![2, 3, 5]);
}

async fn inq_and_nin(ds: DataSource) {
    assert_eq!(where_json(&ds, json!({"age": {"inq": [21, 45]}})).await, vec![2, 4, 5]);
    assert_eq!(where_json(&ds, json!({"id": [1, 3]})).await, vec![1, 3]);
    // nin does not match NULL (carl)
    assert_eq!(where_json(&ds, json!({"age": {"nin": [21, 45]}})).await, vec![1, 6]);
    assert_eq!(typed(&ds, Person::NAME.inq(["Bob", "Dana", "Zed"])).await, vec![2, 4]);
    assert_eq!(typed(&ds, Person::CITY.nin(["Paris"])).await, vec![3, 4, 5]);
    assert_eq!(where_json(&ds, json!({"age": {"inq": []}})).await, Vec::<i64>::new());
}

async fn like_is_anchored(ds: DataSource) {
    assert_eq!(where_json(&ds, json!({"name": {"like": "A%"}})).await, vec![1]);
    assert_eq!(
        where_json(&ds, json!({"name": {"like": "nn"}})).await,
        Vec::<i64>::new()
    );
    assert_eq!(where_json(&ds, json!({"name": {"like": "%a%"}})).await, vec![3, 4]);
    assert_eq!(where_json(&ds, json!({"name": {"like": "_ob"}})).await, vec![2]);
    assert_eq!(where_json(&ds, json!({"city": {"like": "paris"}})).await, vec![3]);
    assert_eq!(typed(&ds, Person::NAME.like("%Bob")).await, vec![2, 6]);
}

async fn like_escapes(ds: DataSource) {
    assert_eq!(where_json(&ds, json!({"name": {"like": "%\\%%"}})).await, vec![6]);
    assert_eq!(where_json(&ds, json!({"name": {"like": "Eve\\_x"}})).await, vec![5]);
    assert_eq!(where_json(&ds, json!({"name": {"like": "Eve\\_%"}})).await, vec![5]);
    assert_eq!(
        where_json(&ds, json!({"name": {"like": "Eve\\_y"}})).await,
        Vec::<i64>::new()
    );
}

async fn nlike_ilike_nilike(ds: DataSource) {
    assert_eq!(
        where_json(&ds, json!({"name": {"nlike": "A%"}})).await,
        vec![2, 3, 4, 5, 6]
    );
    assert_eq!(where_json(&ds, json!({"name": {"ilike": "c%"}})).await, vec![3]);
    assert_eq!(where_json(&ds, json!({"city": {"ilike": "PARIS"}})).await, vec![1, 3]);
    // nilike does not match NULL cities (2, 6)
    assert_eq!(where_json(&ds, json!({"city": {"nilike": "paris"}})).await, vec![4, 5]);
    assert_eq!(
        where_json(&ds, json!({"city": {"like": "paris", "options": "i"}})).await,
        vec![1, 3]
    );
    assert_eq!(typed(&ds, Person::NAME.ilike("%BOB")).await, vec![2, 6]);
    assert_eq!(typed(&ds, Person::NAME.nilike("%b%")).await, vec![1, 3, 4, 5]);
    assert_eq!(typed(&ds, Person::NAME.nlike("%a%")).await, vec![1, 2, 5, 6]);
}

async fn regexp(ds: DataSource) {
    assert_eq!(
        where_json(&ds, json!({"name": {"regexp": "^[A-D]"}})).await,
        vec![1, 2, 4]
    );
    assert_eq!(where_json(&ds, json!({"name": {"regexp": "/^c/i"}})).await, vec![3]);
    assert_eq!(
        where_json(&ds, json!({"name": {"regexp": "/^C/"}})).await,
        Vec::<i64>::new()
    );
    assert_eq!(typed(&ds, Person::NAME.regexp("b$")).await, vec![2, 6]);
}

async fn and_or_nested(ds: DataSource) {
    let w = json!({"or": [
        {"age": {"gt": 40}},
        {"and": [{"city": "Paris"}, {"active": true}]}
    ]});
    assert_eq!(where_json(&ds, w).await, vec![1, 4, 6]);
    let w = json!({"and": [{"or": [{"name": "Bob"}, {"name": "carl"}]}, {"active": true}]});
    assert_eq!(where_json(&ds, w).await, vec![3]);
    let typed_w = Person::AGE
        .gt(40)
        .or(Person::CITY.eq("Paris").and(Person::ACTIVE.eq(true)));
    assert_eq!(typed(&ds, typed_w).await, vec![1, 4, 6]);
}

async fn near(ds: DataSource) {
    // From Lyon's Part-Dieu: Eve (~0.7 km), carl (~0.7 km, Lyon center) then Paris, Berlin.
    let lyon = json!({"lat": 45.7606, "lng": 4.8590});
    let found = where_json(&ds, json!({"loc": {"near": lyon}})).await;
    assert_eq!(found, vec![3, 5, 1, 4]);
    let close = where_json(
        &ds,
        json!({"loc": {"near": "45.7606,4.8590", "maxDistance": 10, "unit": "kilometers"}}),
    )
    .await;
    assert_eq!(close, vec![3, 5]);
    let typed_near = typed(
        &ds,
        Person::LOC.near(
            GeoPoint {
                lat: 52.52,
                lng: 13.405,
            },
            Some(1.0),
        ),
    )
    .await;
    assert_eq!(typed_near, vec![4]);
}

async fn order_nulls_last_ascending(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let asc = repo
        .find(Filter::from_json(r#"{"order": "age ASC"}"#).expect("filter"))
        .await
        .expect("find");
    assert_eq!(ids(&asc), vec![2, 5, 1, 4, 6, 3]);
    let desc = repo.find(Filter::new().order(Person::AGE.desc())).await.expect("find");
    assert_eq!(ids(&desc), vec![3, 6, 4, 1, 2, 5]);
}

async fn order_several_keys(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let f = Filter::from_json(r#"{"order": ["active DESC", "age ASC"]}"#).expect("filter");
    assert_eq!(ids(&repo.find(f).await.expect("find")), vec![5, 1, 3, 2, 4, 6]);
    let f = Filter::from_json(r#"{"order": "active DESC, score DESC"}"#).expect("filter");
    assert_eq!(ids(&repo.find(f).await.expect("find")), vec![1, 3, 5, 4, 2, 6]);
    let f = Filter::new().order(Person::SCORE.asc());
    assert_eq!(ids(&repo.find(f).await.expect("find")), vec![6, 5, 2, 3, 1, 4]);
}

async fn limit_and_skip(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let f = Filter::from_json(r#"{"order": "age ASC", "limit": 2, "skip": 1}"#).expect("filter");
    assert_eq!(ids(&repo.find(f).await.expect("find")), vec![5, 1]);
    let f = Filter::from_json(r#"{"limit": 2, "offset": 4}"#).expect("filter");
    assert_eq!(ids(&repo.find(f).await.expect("find")), vec![5, 6]);
    let f = Filter::new().skip(10);
    assert!(repo.find(f).await.expect("find").is_empty());
    // LoopBack's `limit: 0` means no limit.
    let f = Filter::new().limit(0);
    assert_eq!(repo.find(f).await.expect("find").len(), 6);
    let f = Filter::from_json(r#"{"limit": 0}"#).expect("filter");
    assert_eq!(repo.find(f).await.expect("find").len(), 6);
}

async fn fields_include_and_exclude(ds: DataSource) {
    let dynamic = ds.dynamic(Person::definition().clone()).expect("dynamic");
    let rows = dynamic
        .find(Filter::from_json(r#"{"fields": ["name", "age"], "where": {"id": {"lte": 2}}}"#).expect("filter"))
        .await
        .expect("find");
    assert_eq!(
        rows,
        vec![json!({"name": "Ann", "age": 34}), json!({"name": "Bob", "age": 21})]
    );
    let rows = dynamic
        .find(
            Filter::from_json(r#"{"fields": {"loc": false, "score": false, "city": false}, "where": {"id": 3}}"#)
                .expect("filter"),
        )
        .await
        .expect("find");
    assert_eq!(
        rows,
        vec![json!({"id": 3, "name": "carl", "age": null, "active": true})]
    );
    // Typed results are whole instances (a struct cannot say "not read"),
    // so saving one never overwrites what `fields` left out.
    let typed = ds
        .repo::<Person>()
        .find(Filter::new().fields(["name"]).where_(Person::ID.eq(1)))
        .await
        .expect("find");
    assert_eq!(typed[0].name, "Ann");
    assert_eq!((typed[0].id, typed[0].age, typed[0].score), (1, Some(34), 8.5));
    let mixed = Filter::from_json(r#"{"fields": {"name": true, "age": false}}"#).expect("filter");
    assert_eq!(mixed.fields, Some(Fields::Include(vec!["name".into()])));
}

async fn count_find_one_exists(ds: DataSource) {
    let repo = ds.repo::<Person>();
    assert_eq!(repo.count(None).await.expect("count"), 6);
    assert_eq!(repo.count(Person::ACTIVE.eq(true)).await.expect("count"), 3);
    let first = repo
        .find_one(Filter::new().order(Person::SCORE.desc()))
        .await
        .expect("find_one");
    assert_eq!(first.map(|p| p.name), Some("Dana".to_owned()));
    assert!(repo.exists(3i64).await.expect("exists"));
    assert!(!repo.exists(99i64).await.expect("exists"));
    assert_eq!(
        repo.find_by_id(4i64).await.expect("find").map(|p| p.name),
        Some("Dana".into())
    );
    assert_eq!(repo.find_by_id(99i64).await.expect("find"), None);
}

async fn update_all_and_delete_all(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let n = repo
        .update_all(
            Person::AGE.eq(21),
            PersonPatch {
                city: Some(Some("Nice".into())),
                ..Default::default()
            },
        )
        .await
        .expect("update_all");
    assert_eq!(n, 2);
    assert_eq!(typed(&ds, Person::CITY.eq("Nice")).await, vec![2, 5]);
    // Untouched rows keep their values.
    assert_eq!(
        repo.find_by_id(1i64).await.expect("find").and_then(|p| p.city),
        Some("Paris".into())
    );
    let gone = repo.delete_all(Person::ACTIVE.eq(false)).await.expect("delete_all");
    assert_eq!(gone, 3);
    assert_eq!(ids(&repo.find(Filter::new()).await.expect("find")), vec![1, 3, 5]);
    assert_eq!(repo.delete_all(None).await.expect("delete_all"), 3);
    assert_eq!(repo.count(None).await.expect("count"), 0);
}

async fn update_replace_delete_by_id(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let updated = repo
        .update_by_id(
            2i64,
            PersonPatch {
                age: Some(Some(22)),
                score: Some(6.5),
                ..Default::default()
            },
        )
        .await
        .expect("update_by_id");
    assert_eq!(
        (updated.id, updated.name.as_str(), updated.age, updated.score),
        (2, "Bob", Some(22), 6.5)
    );
    let missing = repo.update_by_id(99i64, PersonPatch::default()).await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    let patch = PersonPatch {
        age: Some(Some(1)),
        ..Default::default()
    };
    let missing = repo.update_by_id(99i64, patch).await.unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    let mut replacement = common::people()[0].clone();
    replacement.name = "Anne".into();
    let replaced = repo.replace_by_id(1i64, replacement).await.expect("replace");
    assert_eq!((replaced.id, replaced.name.as_str()), (1, "Anne"));
    assert!(repo.delete_by_id(6i64).await.expect("delete"));
    assert!(!repo.delete_by_id(6i64).await.expect("delete"));
    assert_eq!(repo.count(None).await.expect("count"), 5);
}

async fn upsert_and_find_or_create(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let mut bob = repo.find_by_id(2i64).await.expect("find").expect("bob");
    bob.age = Some(23);
    let up = repo.upsert(bob).await.expect("upsert existing");
    assert_eq!((up.id, up.age), (2, Some(23)));
    let mut new = common::people()[0].clone();
    new.name = "Zoe".into();
    let created = repo.upsert(new).await.expect("upsert new");
    assert_eq!(created.id, 7);
    assert_eq!(repo.count(None).await.expect("count"), 7);

    let (found, was_created) = repo
        .find_or_create(
            Filter::new().where_(Person::NAME.eq("Dana")),
            common::people()[3].clone(),
        )
        .await
        .expect("find_or_create");
    assert_eq!((found.id, was_created), (4, false));
    let mut fresh = common::people()[3].clone();
    fresh.name = "Finn".into();
    let (made, was_created) = repo
        .find_or_create(Filter::new().where_(Person::NAME.eq("Finn")), fresh)
        .await
        .expect("find_or_create");
    assert_eq!((made.id, was_created), (8, true));
}

async fn save_and_reload(ds: DataSource) {
    let repo = ds.repo::<Person>();
    let mut p = common::people()[1].clone();
    p.name = "Gus".into();
    repo.save(&mut p).await.expect("save new");
    assert_eq!(p.id, 7);
    p.age = Some(70);
    repo.save(&mut p).await.expect("save existing");
    assert_eq!(repo.find_by_id(7i64).await.expect("find").and_then(|x| x.age), Some(70));
    let mut stale = p.clone();
    repo.update_by_id(
        7i64,
        PersonPatch {
            age: Some(None),
            ..Default::default()
        },
    )
    .await
    .expect("update");
    repo.reload(&mut stale).await.expect("reload");
    assert_eq!(stale.age, None);
}

async fn default_order_is_by_id(ds: DataSource) {
    let repo = ds.repo::<Person>();
    assert_eq!(
        ids(&repo.find(Filter::new()).await.expect("find")),
        vec![1, 2, 3, 4, 5, 6]
    );
    let f = Filter::new().order(juggler::Order {
        property: "active".into(),
        direction: Direction::Asc,
    });
    // ties broken by id
    assert_eq!(ids(&repo.find(f).await.expect("find")), vec![2, 4, 6, 1, 3, 5]);
}

/// Nothing to check or rewrite on save: its batch insert moves the values
/// into the statement and sets only the ids back on the instances.
#[derive(Model, Debug, Clone, PartialEq)]
struct Tally {
    #[property(id, generated)]
    id: i64,
    #[property(length = 20)]
    label: String,
    count: Option<i32>,
}

async fn batch_insert_sets_ids_on_the_instances(ds: DataSource) {
    ds.automigrate(&[Tally::definition()]).await.unwrap();
    let tally = |id, label: &str, count| Tally {
        id,
        label: label.into(),
        count,
    };
    let repo = ds.repo::<Tally>();
    let created = repo
        .create_all(vec![
            tally(0, "a", Some(1)),
            tally(0, "b", None),
            tally(0, "c", Some(3)),
        ])
        .await
        .unwrap();
    assert_eq!(
        created,
        vec![tally(1, "a", Some(1)), tally(2, "b", None), tally(3, "c", Some(3))]
    );
    let given = vec![tally(10, "j", None), tally(11, "k", Some(-4))];
    assert_eq!(repo.create_all(given.clone()).await.unwrap(), given);
    let stored = repo.find(Filter::new()).await.unwrap();
    assert_eq!(stored.iter().map(|t| t.id).collect::<Vec<_>>(), vec![1, 2, 3, 10, 11]);
    assert_eq!(stored[1], tally(2, "b", None));
    assert_eq!(stored[4], tally(11, "k", Some(-4)));
    // All or none: a duplicate id fails the batch and stores nothing of it.
    let clash = repo.create_all(vec![tally(12, "x", None), tally(10, "y", None)]).await;
    assert!(clash.is_err(), "{clash:?}");
    assert_eq!(repo.count(None).await.unwrap(), 5);
}

/// More properties than the fixed statements' column mask has bits.
#[derive(Model, Debug, Clone, PartialEq, Default)]
struct Wide {
    #[property(id)]
    id: i64,
    f0: i64,
    f1: i64,
    f2: i64,
    f3: i64,
    f4: i64,
    f5: i64,
    f6: i64,
    f7: i64,
    f8: i64,
    f9: i64,
    f10: i64,
    f11: i64,
    f12: i64,
    f13: i64,
    f14: i64,
    f15: i64,
    f16: i64,
    f17: i64,
    f18: i64,
    f19: i64,
    f20: i64,
    f21: i64,
    f22: i64,
    f23: i64,
    f24: i64,
    f25: i64,
    f26: i64,
    f27: i64,
    f28: i64,
    f29: i64,
    f30: i64,
    f31: i64,
    f32: i64,
    f33: i64,
    f34: i64,
    f35: i64,
    f36: i64,
    f37: i64,
    f38: i64,
    f39: i64,
    f40: i64,
    f41: i64,
    f42: i64,
    f43: i64,
    f44: i64,
    f45: i64,
    f46: i64,
    f47: i64,
    f48: i64,
    f49: i64,
    f50: i64,
    f51: i64,
    f52: i64,
    f53: i64,
    f54: i64,
    f55: i64,
    f56: i64,
    f57: i64,
    f58: i64,
    f59: i64,
    f60: i64,
    f61: i64,
    f62: i64,
    f63: i64,
    f64: i64,
    f65: i64,
}

async fn updates_of_columns_past_the_64th_each_write_their_own(ds: DataSource) {
    ds.automigrate(&[Wide::definition()]).await.unwrap();
    let repo = ds.repo::<Wide>();
    repo.create(Wide {
        id: 1,
        ..Wide::default()
    })
    .await
    .unwrap();
    let one = |patch: WidePatch| async { repo.update_by_id(1, patch).await.unwrap() };
    one(WidePatch {
        f63: Some(63),
        ..Default::default()
    })
    .await;
    one(WidePatch {
        f64: Some(64),
        ..Default::default()
    })
    .await;
    let after = one(WidePatch {
        f65: Some(65),
        ..Default::default()
    })
    .await;
    assert_eq!((after.f63, after.f64, after.f65), (63, 64, 65));
    repo.update_all(
        Wide::ID.eq(1),
        WidePatch {
            f62: Some(62),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    repo.update_all(
        Wide::ID.eq(1),
        WidePatch {
            f64: Some(-64),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let stored = repo.find_by_id(1).await.unwrap().unwrap();
    assert_eq!((stored.f62, stored.f63, stored.f64, stored.f65), (62, 63, -64, 65));
}

per_backend!(crate::common::seeded;
    equality,
    null_equality,
    neq_never_matches_null,
    comparisons,
    between,
    inq_and_nin,
    like_is_anchored,
    like_escapes,
    nlike_ilike_nilike,
    regexp,
    and_or_nested,
    near,
    order_nulls_last_ascending,
    order_several_keys,
    limit_and_skip,
    fields_include_and_exclude,
    count_find_one_exists,
    update_all_and_delete_all,
    update_replace_delete_by_id,
    upsert_and_find_or_create,
    save_and_reload,
    default_order_is_by_id,
    batch_insert_sets_ids_on_the_instances,
    updates_of_columns_past_the_64th_each_write_their_own,
);
