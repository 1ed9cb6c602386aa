//! How many SQL statements `include` runs: one per relation level for all
//! parents together, never one per parent. The statements are counted from
//! the `juggler::sql` tracing events every SQL connector emits.
//!
//! Run: `cargo test --all-features --test statements`

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::Backend;
use common::Statements;
use juggler::prelude::*;

#[derive(Model, Debug, Clone)]
struct Blog {
    #[property(id, generated)]
    id: i64,
    name: String,
    #[relation(has_many)]
    entries: HasMany<Entry>,
}

#[derive(Model, Debug, Clone)]
struct Entry {
    #[property(id, generated)]
    id: i64,
    blog_id: i64,
    title: String,
    #[relation(has_many)]
    notes: HasMany<Note>,
    #[relation(has_and_belongs_to_many(through = "entry_labels"))]
    labels: HasAndBelongsToMany<Label>,
}

#[derive(Model, Debug, Clone)]
struct Note {
    #[property(id, generated)]
    id: i64,
    entry_id: i64,
    text: String,
}

#[derive(Model, Debug, Clone)]
struct Label {
    #[property(id, generated)]
    id: i64,
    name: String,
}

async fn thousand_parents(ds: &DataSource) {
    ds.automigrate(&[
        Blog::definition(),
        Entry::definition(),
        Note::definition(),
        Label::definition(),
    ])
    .await
    .unwrap();
    let blogs: Vec<Blog> = (0..1000)
        .map(|i| Blog {
            id: 0,
            name: format!("blog {i}"),
            entries: HasMany::default(),
        })
        .collect();
    let blogs = ds.repo::<Blog>().create_all(blogs).await.unwrap();
    let entries: Vec<Entry> = blogs
        .iter()
        .flat_map(|b| {
            (0..2).map(|j| Entry {
                id: 0,
                blog_id: b.id,
                title: format!("entry {j} of {}", b.id),
                notes: HasMany::default(),
                labels: HasAndBelongsToMany::default(),
            })
        })
        .collect();
    let entries = ds.repo::<Entry>().create_all(entries).await.unwrap();
    let notes: Vec<Note> = entries
        .iter()
        .map(|e| Note {
            id: 0,
            entry_id: e.id,
            text: format!("note on {}", e.id),
        })
        .collect();
    ds.repo::<Note>().create_all(notes).await.unwrap();
    let labels = ds
        .repo::<Label>()
        .create_all(
            ["red", "green"]
                .into_iter()
                .map(|n| Label { id: 0, name: n.into() })
                .collect(),
        )
        .await
        .unwrap();
    for (i, entry) in entries.iter().take(10).enumerate() {
        entry.labels(ds).add(&labels[i % 2]).await.unwrap();
    }
}

async fn three_levels_three_statements(backend: Backend, name: &str) {
    let Some(ds) = common::data_source(backend, name).await else {
        return;
    };
    thousand_parents(&ds).await;
    let statements = Statements::default();
    let found = {
        let _guard = statements.record();
        ds.repo::<Blog>()
            .find(Filter::new().include(Blog::ENTRIES.scope(Filter::new().include(Entry::NOTES))))
            .await
            .unwrap()
    };
    let sql = statements.taken();
    assert_eq!(sql.len(), 3, "one statement per level, got:\n{}", sql.join("\n"));
    assert_eq!(found.len(), 1000);
    // PostgreSQL gets the 1,000 keys as one array; the others as one IN list.
    let batched = if matches!(backend, Backend::Postgres) {
        "= ANY($1)"
    } else {
        " IN (?"
    };
    assert!(
        sql[1].contains(batched) && sql[2].contains(batched),
        "{}",
        sql.join("\n")
    );
    assert!(found.iter().all(|b| {
        let entries = b.entries.get().unwrap();
        entries.len() == 2 && entries.iter().all(|e| e.notes.get().unwrap().len() == 1)
    }));
    let last = &found[999].entries.get().unwrap()[1];
    assert_eq!(last.blog_id, found[999].id);
    assert_eq!(last.notes.get().unwrap()[0].entry_id, last.id);

    // A many-to-many level is one statement too: a join with the link rows.
    let _guard = statements.record();
    let entries = ds
        .repo::<Entry>()
        .find(Filter::new().limit(50).include(Entry::LABELS))
        .await
        .unwrap();
    let sql = statements.taken();
    assert_eq!(sql.len(), 2, "{}", sql.join("\n"));
    assert!(sql[1].contains(" JOIN "), "{}", sql[1]);
    let labelled = entries.iter().filter(|e| !e.labels.get().unwrap().is_empty()).count();
    assert_eq!(labelled, 10);
}

#[tokio::test(flavor = "current_thread")]
async fn sqlite_three_levels_three_statements() {
    three_levels_three_statements(Backend::Sqlite, "st_sqlite").await;
}

#[tokio::test(flavor = "current_thread")]
async fn postgres_three_levels_three_statements() {
    three_levels_three_statements(Backend::Postgres, "st_postgres").await;
}

#[tokio::test(flavor = "current_thread")]
async fn mysql_three_levels_three_statements() {
    three_levels_three_statements(Backend::MySql, "st_mysql").await;
}
