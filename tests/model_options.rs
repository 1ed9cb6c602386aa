//! Model-level and property-level options: default scope, strict mode,
//! hidden properties, serde names, composite ids, defaults, text transforms,
//! views, forceId, enums, embedded models, JSON Schema and the definition.
//!
//! Run: `cargo test --test model_options`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use juggler::prelude::*;
use serde_json::json;

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[model(scope(where = r#"{"published": true}"#, order = "title ASC", limit = 2))]
struct Post {
    #[property(id, generated)]
    id: i64,
    title: String,
    published: bool,
}

#[tokio::test]
async fn default_scope_applies_to_every_query() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let posts = ds.repo::<Post>();
    for (title, published) in [("c", true), ("a", true), ("b", false), ("d", true)] {
        posts
            .create(Post {
                id: 0,
                title: title.into(),
                published,
            })
            .await
            .unwrap();
    }
    let titles = |v: Vec<Post>| v.into_iter().map(|p| p.title).collect::<Vec<_>>();
    // where ANDed, order and limit from the scope
    assert_eq!(titles(posts.find(Filter::new()).await.unwrap()), vec!["a", "c"]);
    // the query's own order and limit win
    let f = Filter::new().order(Post::TITLE.desc()).limit(10);
    assert_eq!(titles(posts.find(f).await.unwrap()), vec!["d", "c", "a"]);
    assert_eq!(posts.count(None).await.unwrap(), 3);
    assert_eq!(
        posts.find_by_id(3i64).await.unwrap(),
        None,
        "unpublished is out of scope"
    );
    assert!(!posts.exists(3i64).await.unwrap());
    // bulk operations respect the scope too
    assert_eq!(
        posts
            .update_all(
                None,
                PostPatch {
                    title: Some("x".into()),
                    ..Default::default()
                }
            )
            .await
            .unwrap(),
        3
    );
    assert_eq!(posts.delete_all(None).await.unwrap(), 3);
    let raw = ds
        .dynamic(juggler::ModelDefinition {
            settings: Default::default(),
            ..Post::definition().clone()
        })
        .unwrap();
    assert_eq!(
        raw.find(Filter::new()).await.unwrap(),
        vec![json!({"id": 3, "title": "b", "published": false})]
    );
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[model(strict = false)]
struct Loose {
    #[property(id, generated)]
    id: i64,
    name: String,
    #[property(extra)]
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

#[tokio::test]
async fn strict_false_keeps_unknown_properties() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let loose: Loose = serde_json::from_value(json!({"id": 0, "name": "n", "color": "red", "size": 3})).unwrap();
    let saved = ds.repo::<Loose>().create(loose).await.unwrap();
    let back = ds.repo::<Loose>().find_by_id(saved.id).await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        json!({"id": 1, "name": "n", "color": "red", "size": 3})
    );
    let dynamic = ds.dynamic(Loose::definition().clone()).unwrap();
    let made = dynamic.create(json!({"name": "m", "shape": "round"})).await.unwrap();
    assert_eq!(made, json!({"id": 2, "name": "m", "shape": "round"}));
}

#[tokio::test]
async fn strict_models_reject_unknown_properties() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let strict = ds.dynamic(Post::definition().clone()).unwrap();
    let err = strict
        .create(json!({"title": "t", "published": true, "color": "red"}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "The `Post` instance is not valid. Details: `color` is not defined in the model (value: \"red\")."
    );
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[model(hidden(api_key))]
struct User {
    #[property(id, generated)]
    id: i64,
    display_name: String,
    #[property(hidden)]
    #[serde(skip_serializing, default)]
    password_hash: String,
    #[serde(skip_serializing, default)]
    api_key: String,
}

#[tokio::test]
async fn hidden_properties_never_leak() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let users = ds.repo::<User>();
    let u = users
        .create(User {
            id: 0,
            display_name: "Ann".into(),
            password_hash: "h".into(),
            api_key: "k".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&u).unwrap(),
        json!({"id": 1, "displayName": "Ann"})
    );
    // serde names are the property names, in filters and output
    let found = users
        .find(Filter::from_json(r#"{"where": {"displayName": "Ann"}}"#).unwrap())
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].password_hash, "h",
        "the typed value is still there for the code"
    );
    // hidden properties cannot be used from JSON...
    for json in [
        r#"{"where": {"passwordHash": "h"}}"#,
        r#"{"where": {"or": [{"apiKey": "k"}]}}"#,
        r#"{"order": "passwordHash"}"#,
        r#"{"fields": ["apiKey"]}"#,
    ] {
        let err = users.find(Filter::from_json(json).unwrap()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidFilter { .. }), "{json}: {err}");
        assert!(
            err.to_string().contains("is hidden and cannot be used in a filter"),
            "{err}"
        );
    }
    // ...but typed code may use them
    assert_eq!(users.count(User::PASSWORD_HASH.eq("h")).await.unwrap(), 1);
    // dynamic output leaves them out
    let dynamic = ds.dynamic(User::definition().clone()).unwrap();
    assert_eq!(
        dynamic.find_by_id(&json!(1)).await.unwrap(),
        Some(json!({"id": 1, "displayName": "Ann"}))
    );
    assert_eq!(User::definition().settings.hidden, vec!["passwordHash", "apiKey"]);
    assert_eq!(
        User::definition().properties["displayName"].column("displayName", None),
        "display_name"
    );
}

#[derive(Model, Debug, Clone, PartialEq)]
struct Membership {
    #[property(id = 2)]
    group_id: i64,
    #[property(id = 1)]
    user_id: i64,
    role: String,
}

#[tokio::test]
async fn composite_ids() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let repo = ds.repo::<Membership>();
    repo.create(Membership {
        group_id: 10,
        user_id: 1,
        role: "admin".into(),
    })
    .await
    .unwrap();
    repo.create(Membership {
        group_id: 10,
        user_id: 2,
        role: "member".into(),
    })
    .await
    .unwrap();
    assert_eq!(Membership::definition().id_properties(), vec!["user_id", "group_id"]);
    let found = repo.find_by_id((2i64, 10i64)).await.unwrap().unwrap();
    assert_eq!(found.role, "member");
    let dup = repo
        .create(Membership {
            group_id: 10,
            user_id: 2,
            role: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        dup.to_string(),
        "invalid `Membership` data: an instance with id [2,10] already exists"
    );
    assert!(repo.delete_by_id((1i64, 10i64)).await.unwrap());
    assert_eq!(repo.count(None).await.unwrap(), 1);
}

#[derive(juggler::Enum, Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
enum Size {
    Small,
    Large,
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Address {
    street: String,
    #[validate(length(is = 5))]
    zip: String,
}

#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[model(force_id)]
struct Shop {
    #[property(id, generated)]
    id: i64,
    #[property(trim, lowercase)]
    slug: String,
    #[property(default_fn = "uuid")]
    token: String,
    #[property(default_fn = "now")]
    created: Option<String>,
    #[property(default = 5)]
    rating: Option<i32>,
    size: Size,
    address: Address,
    branches: Vec<Address>,
    tags: Vec<String>,
    location: Option<GeoPoint>,
}

fn shop() -> Shop {
    Shop {
        id: 0,
        slug: "  My-Shop ".into(),
        token: String::new(),
        created: None,
        rating: None,
        size: Size::Large,
        address: Address {
            street: "Main".into(),
            zip: "75001".into(),
        },
        branches: vec![Address {
            street: "Side".into(),
            zip: "69001".into(),
        }],
        tags: vec!["a".into(), "b".into()],
        location: Some(GeoPoint { lat: 1.5, lng: 2.5 }),
    }
}

#[tokio::test]
async fn defaults_transforms_and_rich_types() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let shops = ds.repo::<Shop>();
    let s = shops.create(shop()).await.unwrap();
    assert_eq!(s.slug, "my-shop");
    assert_eq!(s.token.len(), 36, "a uuid: {}", s.token);
    assert!(
        s.created.as_deref().is_some_and(|t| t.ends_with('Z') && t.len() == 27),
        "{:?}",
        s.created
    );
    assert_eq!(s.rating, Some(5));
    let back = shops.find_by_id(s.id).await.unwrap().unwrap();
    assert_eq!(back, s);
    assert_eq!(back.size, Size::Large);
    assert_eq!(back.branches[0].zip, "69001");
    assert_eq!(shops.count(Shop::SIZE.eq(Size::Large)).await.unwrap(), 1);
    let raw = ds.dynamic(Shop::definition().clone()).unwrap();
    let stored = raw.find_by_id(&json!(1)).await.unwrap().unwrap();
    assert_eq!(stored["size"], "Large");
    assert_eq!(stored["address"], json!({"street": "Main", "zip": "75001"}));
    assert_eq!(stored["location"], json!({"lat": 1.5, "lng": 2.5}));
    let err = shops.create(Shop { id: 7, ..shop() }).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The `Shop` instance is not valid. Details: `id` can't be set (value: 7)."
    );
    let err = raw
        .find(Filter::from_json(r#"{"where": {"size": {"like": "L%"}}}"#).unwrap())
        .await;
    assert!(err.is_ok(), "an enum is text");
}

#[tokio::test]
async fn json_schema_from_the_definition() {
    assert_eq!(
        Shop::json_schema(),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Shop",
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "slug": {"type": "string"},
                "token": {"type": "string"},
                "created": {"type": ["string", "null"]},
                "rating": {"type": ["integer", "null"], "default": 5},
                "size": {"type": "string", "enum": ["Small", "Large"]},
                "address": {"$ref": "#/$defs/Address"},
                "branches": {"type": "array", "items": {"$ref": "#/$defs/Address"}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "location": {"type": ["object", "null"],
                    "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}},
                    "required": ["lat", "lng"]}
            },
            "required": ["slug", "token", "size", "address", "branches", "tags"],
            "$defs": {
                "Address": {
                    "title": "Address",
                    "type": "object",
                    "properties": {
                        "street": {"type": "string"},
                        "zip": {"type": "string", "minLength": 5, "maxLength": 5}
                    },
                    "required": ["street", "zip"]
                }
            }
        })
    );
    let user = User::json_schema();
    assert_eq!(
        user["properties"],
        json!({"id": {"type": "integer"}, "displayName": {"type": "string"}})
    );
}

#[tokio::test]
async fn definition_is_loopback_json() {
    assert_eq!(
        Shop::definition().to_json()["properties"]["address"],
        json!({"type": "Address", "nullable": false})
    );
    assert_eq!(
        Shop::definition().to_json()["properties"]["tags"]["type"],
        json!(["String"])
    );
    assert_eq!(
        Shop::definition().to_json()["options"],
        json!({"table": "shop", "forceId": true})
    );
    let again = juggler::ModelDefinition::from_value(Shop::definition().to_json()).unwrap();
    assert_eq!(&again, Shop::definition());
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(view, table = "active_users")]
struct ActiveUser {
    id: i64,
    name: String,
}

#[tokio::test]
async fn views_are_read_only() {
    let ds = DataSource::connect("memory:").await.unwrap();
    let err = ds
        .repo::<ActiveUser>()
        .create(ActiveUser {
            id: 1,
            name: "a".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "`ActiveUser` is a read-only view");
    assert!(ds.repo::<ActiveUser>().find(Filter::new()).await.unwrap().is_empty());
    assert_eq!(
        ActiveUser::definition().id_properties(),
        vec!["id"],
        "a field named `id` is the id"
    );
}
