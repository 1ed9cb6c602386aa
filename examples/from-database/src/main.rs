//! `cargo run -p juggler-example-from-database`
//!
//! The models of this crate were never written by hand: `build.rs` generates
//! them from `db/schema.json`, a snapshot of the Chinook sample database taken
//! with `juggler discover`. Relations come from its foreign keys: an album
//! `belongs_to` its artist, an artist `has_many` albums.

#![allow(missing_docs)] // the generated models document their tables, not every column

use juggler::prelude::*;

// Generated for every table, whether this example uses it or not.
#[allow(unreachable_pub, dead_code)]
mod models {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}

use models::{Album, Artist};

#[tokio::main(flavor = "current_thread")]
async fn main() -> juggler::Result<()> {
    // The generated models carry their DDL: an empty Chinook in memory.
    let ds = DataSource::connect("sqlite::memory:").await?;
    ds.automigrate(&[Artist::definition(), Album::definition()]).await?;

    let acdc = ds
        .repo::<Artist>()
        .create(Artist {
            artist_id: 0,
            name: Some("AC/DC".into()),
            albums: HasMany::default(),
        })
        .await?;
    for title in ["For Those About To Rock We Salute You", "Let There Be Rock"] {
        ds.repo::<Album>()
            .create(Album {
                album_id: 0,
                title: title.into(),
                artist_id: acdc.artist_id,
                artist: BelongsTo::default(),
                tracks: HasMany::default(),
            })
            .await?;
    }

    // Along an inferred relation, both ways.
    let artists = ds.repo::<Artist>().find(Filter::new().include(Artist::ALBUMS)).await?;
    for artist in &artists {
        let titles: Vec<&str> = artist
            .albums
            .get()
            .unwrap_or_default()
            .iter()
            .map(|a| a.title.as_str())
            .collect();
        println!("{}: {}", artist.name.as_deref().unwrap_or("?"), titles.join(", "));
    }
    let album = ds
        .repo::<Album>()
        .find_one(Filter::new().include(Album::ARTIST))
        .await?;
    if let Some(album) = album {
        let by = album.artist.get().and_then(|a| a.name.clone()).unwrap_or_default();
        println!("{} is by {by}", album.title);
    }
    Ok(())
}
