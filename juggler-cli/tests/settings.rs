//! `juggler.toml`: customisations survive regeneration, and an entry that
//! matches nothing is an error naming it. On the committed Chinook snapshot
//! of `examples/from-database` (no database needed).
//!
//! Run: `cargo test -p juggler-cli --test settings`

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

use juggler_cli::generate::{generate, Config, GeneratedFile};
use juggler_cli::settings::Settings;
use juggler_schema::catalog::{Catalog, Column, Key, Table};

fn chinook() -> Catalog {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/from-database/db/schema.json");
    Catalog::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const SETTINGS: &str = r##"
[tables]
exclude = ["PlaylistTrack"]

[models.Album]
struct = "Record"
derives = ["Default"]
attributes = ["#[doc = \"A record.\"]"]
fields = { Title = "name" }
relations = { tracks = "songs" }
types = { AlbumId = "i32" }

[models.Track]
types = { UnitPrice = "f64" }
"##;

fn generated(catalog: &Catalog, settings: &str) -> Result<Vec<GeneratedFile>, String> {
    let settings = Settings::from_toml(settings, "juggler.toml")?;
    generate(
        catalog,
        &Config {
            settings,
            ..Config::default()
        },
    )
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn customisations_are_applied() {
    let files = generated(&chinook(), SETTINGS).unwrap();
    let record = file(&files, "record.rs");
    assert!(record.contains("pub struct Record {"), "{record}");
    assert!(
        record.contains("#[derive(::juggler::Model, Debug, Clone, PartialEq, Default)]"),
        "{record}"
    );
    assert!(record.contains("A record."), "{record}");
    assert!(
        record.contains("#[property(column = \"Title\", length = 160)]\n    pub name: String,"),
        "{record}"
    );
    assert!(record.contains("pub album_id: i32,"), "{record}");
    assert!(record.contains("pub songs: ::juggler::HasMany<Track>,"), "{record}");
    assert!(file(&files, "track.rs").contains("pub unit_price: f64,"));
    assert!(file(&files, "track.rs").contains("::juggler::BelongsTo<Record>"));
    assert!(!files.iter().any(|f| f.path == "playlist_track.rs"));
    assert!(
        !file(&files, "track.rs").contains("PlaylistTrack"),
        "relations to excluded tables go too"
    );
}

#[test]
fn an_entry_that_matches_nothing_is_an_error() {
    for (settings, expected) in [
        (
            "[models.Albun]\nstruct = \"X\"",
            "juggler.toml: `models.Albun` names no table `Albun`; did you mean `Album`?",
        ),
        (
            "[tables]\nexclude = [\"Nope\"]",
            "juggler.toml: `tables.exclude` names no table `Nope`",
        ),
        (
            "[models.Album]\nfields = { Titel = \"t\" }",
            "juggler.toml: `models.Album.fields.Titel` names no column `Titel`; did you mean `Title`?",
        ),
        (
            "[models.Album]\nrelations = { trax = \"t\" }",
            "juggler.toml: `models.Album.relations.trax` names no relation `trax`",
        ),
        (
            "[types]\ngeometry = \"String\"",
            "juggler.toml: `types.geometry` names a type no column has",
        ),
        (
            "[models.Album]\ntypes = { Title = \"Vec<\" }",
            "juggler.toml: `models.Album.types.Title`: `Vec<` is not a Rust type",
        ),
    ] {
        let err = generated(&chinook(), settings).unwrap_err();
        assert!(err.starts_with(expected), "{err}\nexpected: {expected}");
    }
}

#[test]
fn regeneration_after_a_schema_change_keeps_customisations_and_touches_only_what_changed() {
    let before = generated(&chinook(), SETTINGS).unwrap();
    assert_eq!(generated(&chinook(), SETTINGS).unwrap(), before, "the same bytes twice");
    let mut changed = chinook();
    let main = &mut changed.schemas[0];
    // A column added to Genre, a table added.
    main.tables
        .iter_mut()
        .find(|t| t.name == "Genre")
        .unwrap()
        .columns
        .push(Column::new("Description", "TEXT"));
    let mut label = Table::new("Label");
    let mut id = Column::new("LabelId", "INTEGER");
    id.nullable = false;
    label.columns.push(id);
    label.primary_key = Some(Key {
        name: None,
        columns: vec!["LabelId".into()],
    });
    main.tables.push(label);
    let after = generated(&changed, SETTINGS).unwrap();
    let paths = |files: &[GeneratedFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    let mut differ: Vec<String> = after
        .iter()
        .filter(|f| before.iter().find(|b| b.path == f.path).map(|b| &b.contents) != Some(&f.contents))
        .map(|f| f.path.clone())
        .collect();
    differ.sort();
    assert_eq!(
        differ,
        ["genre.rs", "label.rs", "mod.rs"],
        "{:?} -> {:?}",
        paths(&before),
        paths(&after)
    );
    assert!(file(&after, "record.rs").contains("pub songs: ::juggler::HasMany<Track>,"));
}
