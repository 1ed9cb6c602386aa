//! `cargo run --release -p juggler-bench -- --discover sqlite|postgres|mysql [--tables 500]`
//!
//! Creates a schema of N tables (each with a foreign key to the one before,
//! a unique column, a plain index, an enum column and a timestamp), then
//! times `DataSource::discover` of the whole schema (fastest of 5), code
//! generation from it, and `DataSource::migration_plan` of its N models
//! against it: as they are (an empty plan) and with a column added to each
//! (N steps).

use juggler::{DataSource, DiscoverOptions};
use std::time::{Duration, Instant};

const SCHEMA: &str = "juggler_bench_discover";

fn table_sql(i: usize, dialect: &str) -> String {
    let parent = if i == 0 {
        String::new()
    } else {
        format!(" REFERENCES t{}(id)", i - 1)
    };
    let kind = match dialect {
        "postgres" => format!("{SCHEMA}.kind"),
        "mysql" => "ENUM('a','b','c')".to_owned(),
        _ => "TEXT CHECK (kind IN ('a', 'b', 'c'))".to_owned(),
    };
    let prefix = if dialect == "postgres" {
        format!("{SCHEMA}.")
    } else {
        String::new()
    };
    format!(
        "CREATE TABLE {prefix}t{i} (id INTEGER PRIMARY KEY, parent INTEGER{parent}, name VARCHAR(40) UNIQUE, \
         kind {kind}, created TIMESTAMP NULL); CREATE INDEX t{i}_parent ON {prefix}t{i} (parent);"
    )
}

/// Builds the schema and returns a data source on it.
async fn setup(dialect: &str, tables: usize) -> Result<DataSource, String> {
    let mut script = String::new();
    let url = match dialect {
        "sqlite" => {
            let path = std::env::temp_dir().join(format!("juggler-bench-discover-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            format!("sqlite://{}?mode=rwc", path.display())
        }
        "postgres" => {
            let base = std::env::var("JUGGLER_BENCH_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            script.push_str(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}; CREATE TYPE {SCHEMA}.kind AS ENUM ('a', 'b', 'c');"));
            format!("{base}?options=-c%20search_path%3D{SCHEMA}")
        }
        "mysql" => {
            let base =
                std::env::var("JUGGLER_BENCH_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
            let root = base.rsplit_once('/').map_or(base.as_str(), |(r, _)| r).to_owned();
            let admin = sqlx::MySqlPool::connect(&base).await.map_err(|e| e.to_string())?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {SCHEMA}; CREATE DATABASE {SCHEMA}"
            )))
            .execute(&admin)
            .await
            .map_err(|e| e.to_string())?;
            admin.close().await;
            format!("{root}/{SCHEMA}")
        }
        other => return Err(format!("unknown database `{other}`; use sqlite, postgres or mysql")),
    };
    for i in 0..tables {
        script.push_str(&table_sql(i, dialect));
    }
    let run = |e: sqlx::Error| e.to_string();
    match dialect {
        "sqlite" => {
            let pool = sqlx::SqlitePool::connect(&url).await.map_err(run)?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(script))
                .execute(&pool)
                .await
                .map_err(run)?;
            pool.close().await;
        }
        "postgres" => {
            let pool = sqlx::PgPool::connect(&url).await.map_err(run)?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(script))
                .execute(&pool)
                .await
                .map_err(run)?;
            pool.close().await;
        }
        _ => {
            let pool = sqlx::MySqlPool::connect(&url).await.map_err(run)?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(script))
                .execute(&pool)
                .await
                .map_err(run)?;
            pool.close().await;
        }
    }
    DataSource::connect(&url).await.map_err(|e| e.to_string())
}

/// Runs the discovery benchmark and prints its figures.
pub(crate) async fn run(dialect: &str, tables: usize) -> Result<(), String> {
    let started = Instant::now();
    let ds = setup(dialect, tables).await?;
    println!("{dialect}: {tables} tables created in {:.1?}", started.elapsed());
    let mut best = Duration::MAX;
    let mut catalog = None;
    for _ in 0..5 {
        let t = Instant::now();
        let c = ds
            .discover(&DiscoverOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        best = best.min(t.elapsed());
        catalog = Some(c);
    }
    let catalog = catalog.ok_or("no run")?;
    let found: usize = catalog.schemas.iter().map(|s| s.tables.len()).sum();
    let keys: usize = catalog
        .schemas
        .iter()
        .flat_map(|s| &s.tables)
        .map(|t| t.foreign_keys.len())
        .sum();
    let t = Instant::now();
    let json = catalog.to_json();
    let definitions = catalog.to_definitions();
    let rest = t.elapsed();
    let t = Instant::now();
    let files = juggler_cli::generate::generate(&catalog, &juggler_cli::generate::Config::default())?;
    let generated = t.elapsed();
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    println!(
        "discover: {found} tables, {keys} foreign keys, {} KiB of catalog JSON: {:.1?} (fastest of 5); \
         JSON + {} definitions: {:.1?}",
        json.len() / 1024,
        best,
        definitions.len(),
        rest
    );
    println!(
        "generate: {} files, {} KiB of Rust: {generated:.1?}",
        files.len(),
        bytes / 1024
    );
    plan(&ds, definitions).await
}

/// Times `migration_plan` (discovery of the named tables, the diff, the
/// evidence) for the discovered models, then with one column more each.
async fn plan(ds: &DataSource, mut definitions: Vec<juggler::ModelDefinition>) -> Result<(), String> {
    for round in ["as they are", "a column added to each"] {
        if round != "as they are" {
            for d in &mut definitions {
                let extra = juggler::schema::PropertyDefinition::new(juggler::schema::PropertyType::String);
                d.properties.insert("benchNote".into(), extra);
            }
        }
        let refs: Vec<&juggler::ModelDefinition> = definitions.iter().collect();
        let mut best = Duration::MAX;
        let mut steps = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let plan = ds.migration_plan(&refs).await.map_err(|e| e.to_string())?;
            best = best.min(t.elapsed());
            steps = plan.steps.len();
        }
        println!(
            "migration_plan: {} models, {round}: {steps} steps in {best:.1?} (fastest of 5)",
            refs.len()
        );
    }
    Ok(())
}
