//! `cargo run -p juggler-example-from-database`
//!
//! The models of this crate were never written by hand: `build.rs` generates
//! them from `db/schema.json`, a snapshot of the Chinook sample database taken
//! with `juggler discover`. Relations come from its foreign keys: an album
//! `belongs_to` its artist, an artist `has_many` albums. `juggler.toml` holds
//! what this crate changes about them (it derives `Default` and calls an
//! artist's albums `records`).

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
            name: Some("AC/DC".into()),
            ..Default::default()
        })
        .await?;
    for title in ["For Those About To Rock We Salute You", "Let There Be Rock"] {
        let album = Album {
            title: title.into(),
            artist_id: acdc.artist_id,
            ..Default::default()
        };
        ds.repo::<Album>().create(album).await?;
    }

    // Along an inferred relation, both ways.
    let artists = ds.repo::<Artist>().find(Filter::new().include(Artist::RECORDS)).await?;
    for artist in &artists {
        let titles: Vec<&str> = artist
            .records
            .get()
            .unwrap_or_default()
            .iter()
            .map(|a| a.title.as_str())
            .collect();
        println!("{}: {}", artist.name.as_deref().unwrap_or("?"), titles.join(", "));
    }
    if let Some(album) = ds
        .repo::<Album>()
        .find_one(Filter::new().include(Album::ARTIST))
        .await?
    {
        let by = album.artist.get().and_then(|a| a.name.clone()).unwrap_or_default();
        println!("{} is by {by}", album.title);
    }
    Ok(())
}
