//! Relations on every connector: `include` (every kind, nested, scoped,
//! limited per parent, from JSON), every accessor, link tables, and that
//! writes through an accessor never touch another parent's rows.
//!
//! Run: `cargo test --all-features --test relations`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::Backend;
use juggler::prelude::*;
use serde::Serialize;

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Author {
    #[property(id, generated)]
    id: i64,
    name: String,
    #[relation(has_many)]
    #[serde(skip_serializing_if = "HasMany::is_unloaded")]
    posts: HasMany<Post>,
    #[relation(has_one)]
    #[serde(skip_serializing_if = "HasOne::is_unloaded")]
    profile: HasOne<Profile>,
    #[relation(has_many(through = Subscription, key_through = "reader_id"))]
    #[serde(skip_serializing_if = "HasMany::is_unloaded")]
    fans: HasMany<Reader>,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Post {
    #[property(id, generated)]
    id: i64,
    author_id: i64,
    title: String,
    views: i64,
    #[relation(belongs_to)]
    #[serde(skip_serializing_if = "BelongsTo::is_unloaded")]
    author: BelongsTo<Author>,
    #[relation(has_many)]
    #[serde(skip_serializing_if = "HasMany::is_unloaded")]
    comments: HasMany<Comment>,
    #[relation(has_and_belongs_to_many(through = "post_tags"))]
    #[serde(skip_serializing_if = "HasAndBelongsToMany::is_unloaded")]
    tags: HasAndBelongsToMany<Tag>,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Comment {
    #[property(id, generated)]
    id: i64,
    post_id: i64,
    body: String,
    #[relation(belongs_to)]
    #[serde(skip_serializing_if = "BelongsTo::is_unloaded")]
    post: BelongsTo<Post>,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Tag {
    #[property(id, generated)]
    id: i64,
    name: String,
    #[relation(has_and_belongs_to_many(through = "post_tags"))]
    #[serde(skip_serializing_if = "HasAndBelongsToMany::is_unloaded")]
    posts: HasAndBelongsToMany<Post>,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Profile {
    #[property(id, generated)]
    id: i64,
    author_id: i64,
    bio: String,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Reader {
    #[property(id, generated)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
struct Subscription {
    #[property(id, generated)]
    id: i64,
    author_id: i64,
    reader_id: i64,
}

fn author(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
        posts: HasMany::default(),
        profile: HasOne::default(),
        fans: HasMany::default(),
    }
}

fn post(author_id: i64, title: &str, views: i64) -> Post {
    Post {
        id: 0,
        author_id,
        title: title.into(),
        views,
        author: BelongsTo::default(),
        comments: HasMany::default(),
        tags: HasAndBelongsToMany::default(),
    }
}

fn comment(post_id: i64, body: &str) -> Comment {
    Comment {
        id: 0,
        post_id,
        body: body.into(),
        post: BelongsTo::default(),
    }
}

fn tag(name: &str) -> Tag {
    Tag {
        id: 0,
        name: name.into(),
        posts: HasAndBelongsToMany::default(),
    }
}

fn definitions() -> Vec<&'static ModelDefinition> {
    vec![
        Author::definition(),
        Post::definition(),
        Comment::definition(),
        Tag::definition(),
        Profile::definition(),
        Reader::definition(),
        Subscription::definition(),
    ]
}

/// Authors Ann (1), Bob (2), Cid (3, nothing); posts 1-3 by Ann (views 10,
/// 30, 20), 4 by Bob; comments on posts 1 (two), 2 and 4; tags rust (1), sql
/// (2), web (3) on posts 1: rust+sql, 2: rust, 4: web; Ann has a profile; Ann
/// has fans Xu and Yan, Bob has Yan.
async fn seeded(backend: Backend, test: &str) -> Option<DataSource> {
    let ds = common::data_source(backend, test).await?;
    ds.automigrate(&definitions()).await.expect("automigrate");
    ds.repo::<Author>()
        .create_all(vec![author("Ann"), author("Bob"), author("Cid")])
        .await
        .unwrap();
    ds.repo::<Post>()
        .create_all(vec![
            post(1, "p1", 10),
            post(1, "p2", 30),
            post(1, "p3", 20),
            post(2, "p4", 5),
        ])
        .await
        .unwrap();
    ds.repo::<Comment>()
        .create_all(vec![
            comment(1, "c1"),
            comment(1, "c2"),
            comment(2, "c3"),
            comment(4, "c4"),
        ])
        .await
        .unwrap();
    let tags = ds
        .repo::<Tag>()
        .create_all(vec![tag("rust"), tag("sql"), tag("web")])
        .await
        .unwrap();
    let posts = ds.repo::<Post>().find(Filter::new()).await.unwrap();
    for (p, t) in [(0, 0), (0, 1), (1, 0), (3, 2)] {
        posts[p].tags(&ds).add(&tags[t]).await.unwrap();
    }
    ds.repo::<Profile>()
        .create(Profile {
            id: 0,
            author_id: 1,
            bio: "writes".into(),
        })
        .await
        .unwrap();
    ds.repo::<Reader>()
        .create_all(vec![
            Reader {
                id: 0,
                name: "Xu".into(),
            },
            Reader {
                id: 0,
                name: "Yan".into(),
            },
        ])
        .await
        .unwrap();
    ds.repo::<Subscription>()
        .create_all(
            [(1, 1), (1, 2), (2, 2)]
                .into_iter()
                .map(|(a, r)| Subscription {
                    id: 0,
                    author_id: a,
                    reader_id: r,
                })
                .collect(),
        )
        .await
        .unwrap();
    Some(ds)
}

fn titles(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.title.as_str()).collect()
}

fn names<T>(rows: &[T], name: impl Fn(&T) -> &str) -> Vec<&str> {
    rows.iter().map(name).collect()
}

async fn include_has_many_in_scope_order(ds: DataSource) {
    let authors = ds
        .repo::<Author>()
        .find(Filter::new().include(Author::POSTS.scope(Filter::new().order(Post::VIEWS.desc()))))
        .await
        .unwrap();
    assert_eq!(authors.len(), 3);
    assert_eq!(titles(authors[0].posts.get().unwrap()), ["p2", "p3", "p1"]);
    assert_eq!(titles(authors[1].posts.get().unwrap()), ["p4"]);
    assert_eq!(titles(authors[2].posts.get().unwrap()), Vec::<&str>::new());
    assert!(authors[0].profile.is_unloaded(), "only what was asked for is loaded");
}

async fn include_limit_and_skip_count_per_parent(ds: DataSource) {
    let scope = Filter::new().order(Post::VIEWS.desc()).skip(1).limit(1);
    let authors = ds
        .repo::<Author>()
        .find(Filter::new().include(Author::POSTS.scope(scope)))
        .await
        .unwrap();
    assert_eq!(titles(authors[0].posts.get().unwrap()), ["p3"]);
    assert_eq!(titles(authors[1].posts.get().unwrap()), Vec::<&str>::new());
    let first = ds
        .repo::<Author>()
        .find(Filter::new().include(Author::POSTS.scope(Filter::new().order(Post::VIEWS.asc()).limit(1))))
        .await
        .unwrap();
    assert_eq!(titles(first[0].posts.get().unwrap()), ["p1"]);
    assert_eq!(titles(first[1].posts.get().unwrap()), ["p4"]);
}

async fn include_nested_where_and_fields(ds: DataSource) {
    let scope = Filter::new()
        .where_(Post::VIEWS.gte(10))
        .order(Post::TITLE.asc())
        .fields(["title"])
        .include(Post::COMMENTS.scope(Filter::new().order(Comment::BODY.desc())))
        .include(Post::TAGS.scope(Filter::new().order(Tag::NAME.asc())));
    let authors = ds
        .repo::<Author>()
        .find(
            Filter::new()
                .where_(Author::NAME.eq("Ann"))
                .include(Author::POSTS.scope(scope)),
        )
        .await
        .unwrap();
    assert_eq!(authors.len(), 1);
    let posts = authors[0].posts.get().unwrap();
    assert_eq!(titles(posts), ["p1", "p2", "p3"]);
    assert!(posts[0].views >= 10, "typed results are whole, whatever `fields` says");
    assert_eq!(posts[0].id, 1, "the key the nested include needs is read");
    assert_eq!(names(posts[0].comments.get().unwrap(), |c| &c.body), ["c2", "c1"]);
    assert_eq!(names(posts[1].comments.get().unwrap(), |c| &c.body), ["c3"]);
    assert!(posts[2].comments.get().unwrap().is_empty());
    assert_eq!(names(posts[0].tags.get().unwrap(), |t| &t.name), ["rust", "sql"]);
    assert_eq!(names(posts[1].tags.get().unwrap(), |t| &t.name), ["rust"]);
}

async fn include_belongs_to_and_has_one(ds: DataSource) {
    let posts = ds
        .repo::<Post>()
        .find(Filter::new().include(Post::AUTHOR))
        .await
        .unwrap();
    let owners: Vec<&str> = posts.iter().map(|p| p.author.get().unwrap().name.as_str()).collect();
    assert_eq!(owners, ["Ann", "Ann", "Ann", "Bob"]);
    let authors = ds
        .repo::<Author>()
        .find(Filter::new().include(Author::PROFILE))
        .await
        .unwrap();
    assert_eq!(authors[0].profile.get().unwrap().bio, "writes");
    assert!(authors[1].profile.is_loaded() && authors[1].profile.get().is_none());
    // Back up the tree: comment -> post -> author.
    let comments = ds
        .repo::<Comment>()
        .find(Filter::new().include(Comment::POST.scope(Filter::new().include(Post::AUTHOR))))
        .await
        .unwrap();
    let c4 = comments.iter().find(|c| c.body == "c4").unwrap();
    assert_eq!(c4.post.get().unwrap().author.get().unwrap().name, "Bob");
}

async fn include_many_to_many_both_ways(ds: DataSource) {
    let tags = ds
        .repo::<Tag>()
        .find(Filter::new().include(Tag::POSTS.scope(Filter::new().order(Post::TITLE.desc()))))
        .await
        .unwrap();
    assert_eq!(titles(tags[0].posts.get().unwrap()), ["p2", "p1"]);
    assert_eq!(titles(tags[1].posts.get().unwrap()), ["p1"]);
    assert_eq!(titles(tags[2].posts.get().unwrap()), ["p4"]);
    let limited = ds
        .repo::<Tag>()
        .find(Filter::new().include(Tag::POSTS.scope(Filter::new().order(Post::TITLE.asc()).limit(1))))
        .await
        .unwrap();
    assert_eq!(titles(limited[0].posts.get().unwrap()), ["p1"]);
    let authors = ds
        .repo::<Author>()
        .find(Filter::new().include(Author::FANS.scope(Filter::new().order(Reader::NAME.desc()))))
        .await
        .unwrap();
    assert_eq!(names(authors[0].fans.get().unwrap(), |r| &r.name), ["Yan", "Xu"]);
    assert_eq!(names(authors[1].fans.get().unwrap(), |r| &r.name), ["Yan"]);
    assert!(authors[2].fans.get().unwrap().is_empty());
}

async fn include_from_json_serialises_with_parent(ds: DataSource) {
    let filter = Filter::from_json(
        r#"{"where": {"name": "Bob"},
            "include": [{"relation": "posts", "scope": {"include": ["comments", "tags"]}}, "profile"]}"#,
    )
    .unwrap();
    let bob = ds.repo::<Author>().find(filter).await.unwrap();
    let json = serde_json::to_value(&bob).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{
            "id": 2, "name": "Bob", "profile": null,
            "posts": [{"id": 4, "author_id": 2, "title": "p4", "views": 5,
                       "comments": [{"id": 4, "post_id": 4, "body": "c4"}],
                       "tags": [{"id": 3, "name": "web"}]}]
        }])
    );
    let object_form = Filter::from_json(r#"{"include": {"posts": "comments"}, "where": {"name": "Ann"}}"#).unwrap();
    let ann = ds.repo::<Author>().find(object_form).await.unwrap();
    assert_eq!(ann[0].posts.get().unwrap()[0].comments.get().unwrap().len(), 2);
    let err = ds
        .repo::<Author>()
        .find(Filter::from_json(r#"{"include": "post"}"#).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidFilter { .. }) && err.to_string().contains("posts"),
        "{err}"
    );
    let err = ds
        .repo::<Author>()
        .find(Filter::from_json(r#"{"include": {"relation": "posts", "scope": {"where": {"vews": 1}}}}"#).unwrap())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("vews"), "{err}");
}

async fn has_many_accessor(ds: DataSource) {
    let authors = ds.repo::<Author>();
    let ann = authors.find_by_id(1).await.unwrap().unwrap();
    let bob = authors.find_by_id(2).await.unwrap().unwrap();
    let posts = ann.posts(&ds);
    assert_eq!(
        titles(
            &posts
                .find(Filter::new().order(Post::VIEWS.desc()).limit(2))
                .await
                .unwrap()
        ),
        ["p2", "p3"]
    );
    assert_eq!(
        posts
            .find_one(Filter::new().where_(Post::VIEWS.lt(15)))
            .await
            .unwrap()
            .unwrap()
            .title,
        "p1"
    );
    assert_eq!(posts.count(None).await.unwrap(), 3);
    assert_eq!(posts.count(Post::VIEWS.gt(15)).await.unwrap(), 2);
    let built = posts.build(post(99, "draft", 0)).unwrap();
    assert_eq!((built.author_id, built.id), (1, 0));
    let created = posts.create(post(2, "p5", 1)).await.unwrap();
    assert_eq!(created.author_id, 1, "the key is set for you");
    let patch = PostPatch {
        views: Some(100),
        ..Default::default()
    };
    assert_eq!(posts.update_all(None, patch).await.unwrap(), 4);
    // p3 has no comments (p1's would hold its id: SQL's foreign key refuses).
    assert_eq!(posts.delete_all(Post::TITLE.eq("p3")).await.unwrap(), 1);
    // Bob's post was neither updated nor deleted, even by a matching where.
    assert_eq!(bob.posts(&ds).delete_all(Post::TITLE.eq("p2")).await.unwrap(), 0);
    let p4 = ds.repo::<Post>().find_by_id(4).await.unwrap().unwrap();
    assert_eq!((p4.author_id, p4.views), (2, 5));
    assert_eq!(ds.repo::<Post>().count(None).await.unwrap(), 4);
    let unsaved = author("Dee");
    let err = unsaved.posts(&ds).find(Filter::new()).await.unwrap_err();
    assert!(err.to_string().contains("save the `Author` first"), "{err}");
}

async fn belongs_to_accessor(ds: DataSource) {
    let p4 = ds.repo::<Post>().find_by_id(4).await.unwrap().unwrap();
    assert_eq!(p4.author(&ds).get().await.unwrap().unwrap().name, "Bob");
    let ann = ds.repo::<Author>().find_by_id(1).await.unwrap().unwrap();
    let moved = p4.author(&ds).set(&ann).await.unwrap();
    assert_eq!(moved.author_id, 1);
    assert_eq!(ds.repo::<Post>().find_by_id(4).await.unwrap().unwrap().author_id, 1);
    assert_eq!(ann.posts(&ds).count(None).await.unwrap(), 4);
}

async fn has_one_accessor(ds: DataSource) {
    let authors = ds.repo::<Author>();
    let ann = authors.find_by_id(1).await.unwrap().unwrap();
    let bob = authors.find_by_id(2).await.unwrap().unwrap();
    assert!(bob.profile(&ds).get().await.unwrap().is_none());
    let made = bob
        .profile(&ds)
        .create(Profile {
            id: 0,
            author_id: 0,
            bio: "new".into(),
        })
        .await
        .unwrap();
    assert_eq!(made.author_id, 2);
    let patch = ProfilePatch {
        bio: Some("edited".into()),
        ..Default::default()
    };
    assert_eq!(bob.profile(&ds).update(patch).await.unwrap().unwrap().bio, "edited");
    assert!(bob.profile(&ds).delete().await.unwrap());
    assert!(!bob.profile(&ds).delete().await.unwrap());
    assert_eq!(
        ann.profile(&ds).get().await.unwrap().unwrap().bio,
        "writes",
        "Ann's is untouched"
    );
}

async fn many_to_many_accessor(ds: DataSource) {
    let posts = ds.repo::<Post>();
    let p1 = posts.find_by_id(1).await.unwrap().unwrap();
    let p2 = posts.find_by_id(2).await.unwrap().unwrap();
    let tags = ds.repo::<Tag>().find(Filter::new()).await.unwrap();
    let (rust, sql, web) = (&tags[0], &tags[1], &tags[2]);
    let on_p1 = p1.tags(&ds);
    assert_eq!(
        names(&on_p1.find(Filter::new().order(Tag::NAME.desc())).await.unwrap(), |t| {
            &t.name
        }),
        ["sql", "rust"]
    );
    assert_eq!(on_p1.count(None).await.unwrap(), 2);
    assert!(on_p1.exists(sql).await.unwrap() && !on_p1.exists(web).await.unwrap());
    on_p1.add(web).await.unwrap();
    on_p1.add(web).await.unwrap();
    assert_eq!(on_p1.count(None).await.unwrap(), 3, "linking twice is a no-op");
    assert!(on_p1.remove(rust).await.unwrap());
    assert!(!on_p1.remove(rust).await.unwrap());
    assert_eq!(
        names(&p2.tags(&ds).find(Filter::new()).await.unwrap(), |t| &t.name),
        ["rust"],
        "p2 keeps its link"
    );
    let made = on_p1.create(tag("new")).await.unwrap();
    assert!(on_p1.exists(&made).await.unwrap());
    let patch = TagPatch {
        name: Some("renamed".into()),
        ..Default::default()
    };
    assert_eq!(on_p1.update_all(Tag::NAME.eq("new"), patch).await.unwrap(), 1);
    // p2's tags are not p1's: deleting "rust" through p1 (no longer linked) does nothing.
    assert_eq!(on_p1.delete_all(Tag::NAME.eq("rust")).await.unwrap(), 0);
    assert_eq!(on_p1.delete_all(Tag::NAME.eq("renamed")).await.unwrap(), 1);
    assert_eq!(ds.repo::<Tag>().count(None).await.unwrap(), 3);
    // The other side sees the same links.
    let by_title = Filter::new().order(Post::TITLE.asc());
    assert_eq!(titles(&web.posts(&ds).find(by_title).await.unwrap()), ["p1", "p4"]);
    // has_many through a model.
    let ann = ds.repo::<Author>().find_by_id(1).await.unwrap().unwrap();
    let cid = ds.repo::<Author>().find_by_id(3).await.unwrap().unwrap();
    let yan = ds.repo::<Reader>().find_by_id(2).await.unwrap().unwrap();
    assert_eq!(ann.fans(&ds).count(None).await.unwrap(), 2);
    cid.fans(&ds).add(&yan).await.unwrap();
    assert_eq!(
        names(&cid.fans(&ds).find(Filter::new()).await.unwrap(), |r| &r.name),
        ["Yan"]
    );
    assert!(ann.fans(&ds).remove(&yan).await.unwrap());
    assert_eq!(ann.fans(&ds).count(None).await.unwrap(), 1);
    assert_eq!(cid.fans(&ds).count(None).await.unwrap(), 1, "Cid's link stays");
    assert_eq!(ds.repo::<Subscription>().count(None).await.unwrap(), 3);
}

async fn accessors_inside_a_transaction(ds: DataSource) {
    let ann = ds.repo::<Author>().find_by_id(1).await.unwrap().unwrap();
    let tx = ds.begin().await.unwrap();
    ann.posts(&tx).create(post(0, "in tx", 1)).await.unwrap();
    assert_eq!(ann.posts(&tx).count(None).await.unwrap(), 4);
    tx.rollback().await.unwrap();
    assert_eq!(ann.posts(&ds).count(None).await.unwrap(), 3);
    let tx = ds.begin().await.unwrap();
    let made = ann.posts(&tx).create(post(0, "kept", 1)).await.unwrap();
    made.tags(&tx).create(tag("fresh")).await.unwrap();
    tx.commit().await.unwrap();
    let kept = ds.repo::<Post>().find_by_id(made.id).await.unwrap().unwrap();
    assert_eq!(
        names(&kept.tags(&ds).find(Filter::new()).await.unwrap(), |t| &t.name),
        ["fresh"]
    );
}

async fn foreign_keys_refuse_orphans(ds: DataSource) {
    // The same on every connector: the memory one enforces what SQL does.
    let err = ds.repo::<Post>().create(post(42, "orphan", 0)).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    let err = ds.repo::<Author>().delete_by_id(2).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    let patch = PostPatch {
        author_id: Some(42),
        ..Default::default()
    };
    assert!(ds.repo::<Post>().update_by_id(4, patch).await.is_err());
    // Nothing was written or lost.
    assert_eq!(ds.repo::<Post>().count(None).await.unwrap(), 4);
    assert_eq!(ds.repo::<Author>().count(None).await.unwrap(), 3);
    // A parent nothing refers to goes.
    assert!(ds.repo::<Author>().delete_by_id(3).await.unwrap());
    // Children first, then the parent.
    let bob = ds.repo::<Author>().find_by_id(2).await.unwrap().unwrap();
    let p4 = ds.repo::<Post>().find_by_id(4).await.unwrap().unwrap();
    p4.comments(&ds).delete_all(None).await.unwrap();
    p4.tags(&ds)
        .remove(&ds.repo::<Tag>().find_by_id(3).await.unwrap().unwrap())
        .await
        .unwrap();
    assert_eq!(bob.posts(&ds).delete_all(None).await.unwrap(), 1);
    bob.fans(&ds)
        .remove(&ds.repo::<Reader>().find_by_id(2).await.unwrap().unwrap())
        .await
        .unwrap();
    assert!(ds.repo::<Author>().delete_by_id(2).await.unwrap());
}

async fn dynamic_include_matches_typed(ds: DataSource) {
    for def in definitions() {
        ds.dynamic(def.clone()).unwrap();
    }
    let authors = ds.dynamic(Author::definition().clone()).unwrap();
    let filters = [
        r#"{"include": [{"relation": "posts", "scope": {"order": "views DESC", "limit": 2,
              "include": [{"relation": "comments", "scope": {"order": "body DESC"}}, "tags", "author"]}},
              "profile", {"relation": "fans", "scope": {"order": "name DESC"}}]}"#,
        r#"{"where": {"name": "Ann"}, "include": {"posts": "tags"}}"#,
        r#"{"include": {"relation": "posts", "scope": {"where": {"views": {"gt": 100}}}}}"#,
    ];
    for text in filters {
        let filter = Filter::from_json(text).unwrap();
        let typed = serde_json::to_value(ds.repo::<Author>().find(filter.clone()).await.unwrap()).unwrap();
        let dynamic = serde_json::Value::Array(authors.find(filter).await.unwrap());
        assert_eq!(dynamic, typed, "{text}");
    }
    let tags = ds.dynamic(Tag::definition().clone()).unwrap();
    let filter =
        Filter::from_json(r#"{"include": {"relation": "posts", "scope": {"limit": 1, "order": "title DESC"}}}"#)
            .unwrap();
    let typed = serde_json::to_value(ds.repo::<Tag>().find(filter.clone()).await.unwrap()).unwrap();
    assert_eq!(serde_json::Value::Array(tags.find(filter).await.unwrap()), typed);
    // A related model must be defined on the data source.
    let other = DataSource::connect("memory:").await.unwrap();
    let lonely = other.dynamic(Author::definition().clone()).unwrap();
    let err = lonely
        .find(Filter::from_json(r#"{"include": "posts"}"#).unwrap())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`Post`, which is not defined"), "{err}");
}

per_backend!(crate::seeded;
    dynamic_include_matches_typed,
    foreign_keys_refuse_orphans,
    include_has_many_in_scope_order,
    include_limit_and_skip_count_per_parent,
    include_nested_where_and_fields,
    include_belongs_to_and_has_one,
    include_many_to_many_both_ways,
    include_from_json_serialises_with_parent,
    has_many_accessor,
    belongs_to_accessor,
    has_one_accessor,
    many_to_many_accessor,
    accessors_inside_a_transaction,
);

#[test]
fn relations_are_in_the_definition() {
    let def = Post::definition().to_json();
    assert_eq!(
        def["relations"],
        serde_json::json!({
            "author": {"type": "belongsTo", "model": "Author", "foreignKey": "author_id"},
            "comments": {"type": "hasMany", "model": "Comment", "foreignKey": "post_id"},
            "tags": {"type": "hasAndBelongsToMany", "model": "Tag", "foreignKey": "post_id",
                     "through": "post_tags", "keyThrough": "tag_id"}
        })
    );
    let author = Author::definition().to_json();
    assert_eq!(
        author["relations"]["fans"],
        serde_json::json!({"type": "hasMany", "model": "Reader", "foreignKey": "author_id",
                           "through": "Subscription", "keyThrough": "reader_id"})
    );
}
