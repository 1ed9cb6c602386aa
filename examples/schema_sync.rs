//! Schema sync: a model changes, the database follows without losing a row.
//!
//! `cargo run --example schema_sync` (SQLite, in a temporary file)

use juggler::prelude::*;
use juggler::{AutoupdateOptions, Error};

/// What the application shipped first.
mod v1 {
    use juggler::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[model(table = "customer")]
    pub(crate) struct Customer {
        #[property(id, generated)]
        pub(crate) id: Option<i64>,
        #[property(length = 40)]
        pub(crate) name: String,
        pub(crate) notes: Option<String>,
        pub(crate) fax: Option<String>,
    }
}

/// The next release: `notes` is now `remarks`, a country with a default, an
/// index on the name, and no more fax.
mod v2 {
    use juggler::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[model(table = "customer")]
    pub(crate) struct Customer {
        #[property(id, generated)]
        pub(crate) id: Option<i64>,
        #[property(length = 80, index)]
        pub(crate) name: String,
        #[property(renamed_from = "notes")]
        pub(crate) remarks: Option<String>,
        #[property(length = 2, default = "SE")]
        pub(crate) country: Option<String>,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> juggler::Result<()> {
    let file = std::env::temp_dir().join(format!("juggler-schema-sync-{}.db", std::process::id()));
    let ds = DataSource::connect(&format!("sqlite://{}?mode=rwc", file.display())).await?;

    ds.autoupdate(&[v1::Customer::definition()]).await?;
    let customers = ds.repo::<v1::Customer>();
    for (name, notes) in [("Ann", "pays early"), ("Bo", "prefers mail")] {
        let c = v1::Customer {
            id: None,
            name: name.into(),
            notes: Some(notes.into()),
            fax: Some("+46 8 123".into()),
        };
        customers.create(c).await?;
    }
    println!("version 1: {} customers\n", customers.count(None).await?);

    let next = [v2::Customer::definition()];
    let plan = ds.migration_plan(&next).await?;
    println!("the plan to version 2:\n{}", plan.render());
    // `plan.write_migration("migrations", "version 2")` would write it as a
    // file for `sqlx migrate run`, for teams that review their DDL.

    // Dropping `fax` would lose data: refused, and nothing changes.
    match ds.autoupdate(&next).await {
        Err(Error::Migration { message, .. }) => println!("{message}\n"),
        other => println!("unexpected: {other:?}\n"),
    }

    // Once someone has looked at it, allow it.
    let options = AutoupdateOptions {
        allow_review: false,
        allow_destructive: true,
    };
    let applied = ds.autoupdate_with(&next, options).await?;
    println!(
        "applied {} steps; up to date: {}",
        applied.steps.len(),
        ds.is_actual(&next).await?
    );
    for c in ds.repo::<v2::Customer>().find(Filter::new()).await? {
        println!(
            "  {} ({}): {}",
            c.name,
            c.country.unwrap_or_default(),
            c.remarks.unwrap_or_default()
        );
    }

    let _ = std::fs::remove_file(&file);
    Ok(())
}
