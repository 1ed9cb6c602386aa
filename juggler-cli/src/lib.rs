//! The juggler command line and build-script library.
//!
//! `juggler discover` writes a database's catalog (or LoopBack's discovery
//! JSON); [`generate`] turns a catalog into Rust (`juggler generate`), and
//! [`build::Builder`] does it from `build.rs`. The library needs only
//! `juggler-schema`, so a build script that depends on it compiles no
//! database driver and no clap.

pub mod build;
pub mod generate;
pub mod input;
#[cfg(feature = "live")]
pub mod live;
pub mod settings;

pub use juggler_schema::ModelDefinition;

pub use input::{read_catalog, read_definitions, read_models};
