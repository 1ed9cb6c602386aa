//! Code generation from `build.rs`, from a committed snapshot: no database,
//! no driver, no clap.
//!
//! In `build.rs`'s `main`:
//!
//! ```no_run
//! juggler_cli::build::Builder::new()
//!     .discovery_file("db/schema.json")
//!     .out_file("models.rs")
//!     .run()
//!     .unwrap();
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/models.rs"));`
//! (see `examples/from-database`).

use crate::generate::{generate_single, Config};
use std::path::PathBuf;

/// Generates models into `OUT_DIR` from a catalog snapshot, LoopBack
/// discovery JSON or LoopBack model files (see [`crate::input`]).
#[derive(Debug, Clone, Default)]
pub struct Builder {
    discovery_file: Option<PathBuf>,
    config: Option<PathBuf>,
    out_file: Option<String>,
    out_dir: Option<PathBuf>,
    #[cfg(feature = "live")]
    database_url: Option<String>,
}

impl Builder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Builder::default()
    }

    /// The snapshot to read (a catalog written by `juggler discover`,
    /// LoopBack `discoverSchemas` JSON, a model JSON file or a folder of
    /// them), relative to the crate's root.
    pub fn discovery_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.discovery_file = Some(path.into());
        self
    }

    /// Discovers this database at build time instead of reading a snapshot
    /// (feature `live`, which compiles the runtime and its drivers into the
    /// build script). Prefer a committed snapshot: builds then need no
    /// database.
    #[cfg(feature = "live")]
    pub fn database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = Some(url.into());
        self
    }

    /// `juggler.toml`: renames, type overrides, extra derives (see
    /// [`crate::settings`]).
    pub fn config(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = Some(path.into());
        self
    }

    /// The file to write in the output folder (default `models.rs`).
    pub fn out_file(mut self, name: impl Into<String>) -> Self {
        self.out_file = Some(name.into());
        self
    }

    /// The output folder (default: cargo's `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Reads the snapshot, writes the models (only when their text
    /// changed, so cargo does not rebuild for nothing) and prints
    /// `cargo:rerun-if-changed` for the snapshot and the configuration.
    /// Returns the path written.
    pub fn run(self) -> Result<PathBuf, String> {
        let (catalog, source) = self.catalog()?;
        let settings = match &self.config {
            Some(path) => {
                println!("cargo:rerun-if-changed={}", path.display());
                crate::settings::Settings::read(path)?
            }
            None => Default::default(),
        };
        let config = Config {
            source,
            command: "cargo build (build.rs, juggler_cli::build::Builder)".into(),
            settings,
        };
        let code = generate_single(&catalog, &config)?;
        let dir = match self.out_dir {
            Some(dir) => dir,
            None => PathBuf::from(
                std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set: run from build.rs, or give .out_dir(..)")?,
            ),
        };
        let path = dir.join(self.out_file.unwrap_or_else(|| "models.rs".into()));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            std::fs::write(&path, code).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(path)
    }

    /// The catalog to generate from, and what to call its source.
    fn catalog(&self) -> Result<(juggler_schema::catalog::Catalog, String), String> {
        #[cfg(feature = "live")]
        if let Some(url) = &self.database_url {
            return Ok((crate::live::discover(url)?, juggler_runtime::redact_url(url)));
        }
        let from = self.discovery_file.as_ref().ok_or(
            "juggler_cli::build::Builder needs .discovery_file(\"db/schema.json\") (or .database_url(..) with the `live` feature)",
        )?;
        // A folder of model files is read whole; a new file in it counts too.
        println!("cargo:rerun-if-changed={}", from.display());
        let (catalog, files) = crate::input::read_catalog(from)?;
        for file in files.iter().filter(|f| *f != from) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        Ok((catalog, from.display().to_string()))
    }
}
