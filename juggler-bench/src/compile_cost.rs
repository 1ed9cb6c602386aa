//! `cargo run --release -p juggler-bench -- --compile-cost`
//!
//! What deriving costs the user's crate: scratch crates of 50 and 200 models
//! (8 columns each; with relations, a `belongs_to` / `has_many` pair per
//! pair of neighbouring models) deriving `juggler::Model`, against the same
//! structs deriving `sqlx::FromRow` and as SeaORM 2 entities (a module per
//! model: `DeriveEntityModel`, an empty `Relation`, `ActiveModelBehavior`). Dependencies are built first in a
//! shared target folder; each figure is the debug build of the scratch crate
//! alone (the fastest of two), divided by its number of models.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What the scratch crate derives.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Juggler { relations: bool },
    FromRow,
    SeaOrm,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Juggler { relations: true } => "juggler Model + relations",
            Kind::Juggler { relations: false } => "juggler Model",
            Kind::FromRow => "sqlx FromRow",
            Kind::SeaOrm => "SeaORM entity",
        }
    }
}

fn source(kind: Kind, models: usize) -> String {
    let mut s = String::from("#![allow(dead_code)]\n");
    if kind == Kind::SeaOrm {
        for i in 0..models {
            s.push_str(&format!(
                "pub mod m{i} {{\n    use sea_orm::entity::prelude::*;\n\n    \
                 #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n    #[sea_orm(table_name = \"m{i}\")]\n    \
                 pub struct Model {{\n        #[sea_orm(primary_key)]\n        pub id: i64,\n        pub m_id: Option<i64>,\n        \
                 pub name: String,\n        pub email: Option<String>,\n        pub age: i32,\n        pub score: f64,\n        \
                 pub active: bool,\n        pub note: Option<String>,\n    }}\n\n    \
                 #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\n    pub enum Relation {{}}\n\n    \
                 impl ActiveModelBehavior for ActiveModel {{}}\n}}\n"
            ));
        }
        return s;
    }
    for i in 0..models {
        let (derive, attrs) = match kind {
            Kind::FromRow | Kind::SeaOrm => ("#[derive(sqlx::FromRow, Debug, Clone, PartialEq)]", ""),
            Kind::Juggler { .. } => (
                "#[derive(juggler::Model, Debug, Clone, PartialEq)]",
                "#[property(id, generated)]",
            ),
        };
        s.push_str(&format!(
            "{derive}\npub struct M{i} {{\n    {attrs}\n    pub id: i64,\n    pub m_id: Option<i64>,\n    pub name: String,\n    \
             pub email: Option<String>,\n    pub age: i32,\n    pub score: f64,\n    pub active: bool,\n    pub note: Option<String>,\n"
        ));
        if kind == (Kind::Juggler { relations: true }) {
            // M(2k) has many M(2k+1); M(2k+1) belongs to M(2k).
            if i % 2 == 0 && i + 1 < models {
                s.push_str(&format!(
                    "    #[relation(has_many(foreign_key = \"m_id\"))]\n    pub children: juggler::HasMany<M{}>,\n",
                    i + 1
                ));
            } else if i % 2 == 1 {
                s.push_str(&format!(
                    "    #[relation(belongs_to(foreign_key = \"m_id\"))]\n    pub parent: juggler::BelongsTo<M{}>,\n",
                    i - 1
                ));
            }
        }
        s.push_str("}\n");
    }
    s
}

fn write_crate(dir: &Path, kind: Kind, models: usize, workspace: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let deps = match kind {
        Kind::FromRow => {
            "sqlx = { version = \"0.9\", default-features = false, features = [\"derive\", \"sqlite-bundled\"] }"
                .to_owned()
        }
        Kind::Juggler { .. } => format!("juggler = {{ path = \"{}\" }}", workspace.display()),
        Kind::SeaOrm => "sea-orm = { version = \"2.0\", default-features = false, features = [\"macros\"] }".to_owned(),
    };
    let manifest = format!(
        "[package]\nname = \"scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"src/lib.rs\"\n\n\
         [dependencies]\n{deps}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), source(kind, models)).map_err(|e| e.to_string())
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .arg("--quiet")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo {} in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The debug build of the scratch crate alone, fastest of `rounds`.
fn measure(kind: Kind, models: usize, root: &Path, workspace: &Path, rounds: usize) -> Result<Duration, String> {
    let name = format!("{}-{models}", kind.label().replace([' ', '+'], "_"));
    let dir = root.join(name);
    let target = root.join("target");
    write_crate(&dir, kind, models, workspace)?;
    cargo(&dir, &target, &["build"])?; // dependencies, once
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        cargo(&dir, &target, &["clean", "-p", "scratch"])?;
        let started = Instant::now();
        cargo(&dir, &target, &["build"])?;
        best = best.min(started.elapsed());
    }
    Ok(best)
}

/// Runs every case and prints ms per model and the ratio to `FromRow`.
pub(crate) fn run(rounds: usize) -> Result<(), String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .map_err(|e| e.to_string())?;
    let root = workspace.join("target/compile-cost");
    println!(
        "{:<28} {:>7} {:>10} {:>12} {:>12}",
        "derive", "models", "build", "ms/model", "x FromRow"
    );
    for models in [50, 200] {
        let base = measure(Kind::FromRow, models, &root, &workspace, rounds)?;
        for kind in [
            Kind::FromRow,
            Kind::SeaOrm,
            Kind::Juggler { relations: false },
            Kind::Juggler { relations: true },
        ] {
            let took = if kind == Kind::FromRow {
                base
            } else {
                measure(kind, models, &root, &workspace, rounds)?
            };
            println!(
                "{:<28} {:>7} {:>9.2}s {:>12.1} {:>12.2}",
                kind.label(),
                models,
                took.as_secs_f64(),
                took.as_secs_f64() * 1000.0 / models as f64,
                took.as_secs_f64() / base.as_secs_f64()
            );
        }
    }
    Ok(())
}
