//! Relations: authors write posts, posts carry tags. Load authors with their
//! posts and each post's tags in one query per level, write through the
//! accessors, and link and unlink tags.
//!
//! Run: `cargo run --example relations` (SQLite in memory). Pass a URL to use
//! another store: `-- memory:`, or with `--features postgres` / `mysql`,
//! `-- postgres://postgres@127.0.0.1/test`.

use juggler::prelude::*;
use serde::Serialize;

#[derive(Model, Debug, Clone, Serialize)]
struct Author {
    #[property(id, generated)]
    id: i64,
    name: String,
    /// Posts whose `author_id` is this author's id.
    #[relation(has_many)]
    #[serde(skip_serializing_if = "HasMany::is_unloaded")]
    posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone, Serialize)]
struct Post {
    #[property(id, generated)]
    id: i64,
    author_id: i64,
    title: String,
    likes: i64,
    #[relation(belongs_to)]
    #[serde(skip_serializing_if = "BelongsTo::is_unloaded")]
    author: BelongsTo<Author>,
    /// Linked through the `post_tags` join table (created by `automigrate`).
    #[relation(has_and_belongs_to_many(through = "post_tags"))]
    #[serde(skip_serializing_if = "HasAndBelongsToMany::is_unloaded")]
    tags: HasAndBelongsToMany<Tag>,
}

#[derive(Model, Debug, Clone, Serialize)]
struct Tag {
    #[property(id, generated)]
    id: i64,
    name: String,
    #[relation(has_and_belongs_to_many(through = "post_tags"))]
    #[serde(skip_serializing_if = "HasAndBelongsToMany::is_unloaded")]
    posts: HasAndBelongsToMany<Post>,
}

fn author(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
        posts: HasMany::default(),
    }
}

fn post(title: &str, likes: i64) -> Post {
    Post {
        id: 0,
        author_id: 0,
        title: title.into(),
        likes,
        author: BelongsTo::default(),
        tags: HasAndBelongsToMany::default(),
    }
}

fn tag_names(tags: &[Tag]) -> String {
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    if names.is_empty() {
        "(no tags)".into()
    } else {
        names.join(", ")
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> juggler::Result<()> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "sqlite::memory:".to_owned());
    let ds = DataSource::connect(&url).await?;
    println!("connected to {url} ({} connector)\n", ds.connector_name());
    ds.automigrate(&[Author::definition(), Post::definition(), Tag::definition()])
        .await?;

    // Children through the parent's accessor: the foreign key is set for you.
    let ada = ds.repo::<Author>().create(author("Ada")).await?;
    let linus = ds.repo::<Author>().create(author("Linus")).await?;
    let engines = ada.posts(&ds).create(post("Notes on the engine", 42)).await?;
    let loops = ada.posts(&ds).create(post("On loops", 17)).await?;
    let kernels = linus.posts(&ds).create(post("Just a hobby", 99)).await?;

    // Many-to-many: create and link in one step, or link what exists.
    let math = engines
        .tags(&ds)
        .create(Tag {
            id: 0,
            name: "math".into(),
            posts: HasAndBelongsToMany::default(),
        })
        .await?;
    let history = engines
        .tags(&ds)
        .create(Tag {
            id: 0,
            name: "history".into(),
            posts: HasAndBelongsToMany::default(),
        })
        .await?;
    loops.tags(&ds).add(&math).await?;
    kernels.tags(&ds).add(&history).await?;
    println!(
        "Ada has {} posts; \"{}\" is by {}",
        ada.posts(&ds).count(None).await?,
        kernels.title,
        kernels.author(&ds).get().await?.map_or("nobody".into(), |a| a.name)
    );

    // Two levels in one call: authors -> posts (most liked first) -> tags.
    // One query per level, whatever the number of authors.
    let filter = Filter::new().order(Author::NAME.asc()).include(
        Author::POSTS.scope(
            Filter::new()
                .order(Post::LIKES.desc())
                .include(Post::TAGS.scope(Filter::new().order(Tag::NAME.asc()))),
        ),
    );
    println!("\nauthors with posts and tags:");
    for a in ds.repo::<Author>().find(filter).await? {
        println!("  {}", a.name);
        for p in a.posts.get().unwrap_or_default() {
            println!(
                "    {:<22} {:>3} likes  [{}]",
                p.title,
                p.likes,
                tag_names(p.tags.get().unwrap_or_default())
            );
        }
    }

    // Unlink: the tag stays, only this post's link goes.
    engines.tags(&ds).remove(&history).await?;
    println!(
        "\nafter removing \"history\" from \"{}\": [{}]",
        engines.title,
        tag_names(&engines.tags(&ds).find(Filter::new()).await?)
    );
    println!(
        "\"history\" is still on: {:?}",
        history
            .posts(&ds)
            .find(Filter::new())
            .await?
            .iter()
            .map(|p| &p.title)
            .collect::<Vec<_>>()
    );

    // The same include from LoopBack JSON, serialised with the parent.
    let json = Filter::from_json(
        r#"{"where": {"name": "math"}, "include": {"relation": "posts", "scope": {"include": "author", "order": "likes DESC"}}}"#,
    )?;
    let tagged = ds.repo::<Tag>().find(json).await?;
    println!(
        "\nJSON include, serialised:\n{}",
        serde_json::to_string_pretty(&tagged).unwrap_or_default()
    );
    Ok(())
}
