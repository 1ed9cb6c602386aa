//! The juggler command line and build-script library.
//!
//! `juggler discover` writes a database's catalog (or LoopBack's discovery
//! JSON); [`generate`] turns a catalog into Rust (`juggler generate`), and
//! [`build::Builder`] does it from `build.rs`. The library needs only
//! `juggler-schema`, so a build script that depends on it compiles no
//! database driver and no clap.

pub mod build;
pub mod generate;
pub mod settings;

pub use juggler_schema::ModelDefinition;

/// Reads a LoopBack model or discovery JSON file into definitions: one
/// object, an array of them, or LoopBack's `discoverSchemas` object keyed
/// `schema.table`. The error names the file, line and column.
pub fn read_definitions(path: &std::path::Path) -> Result<Vec<ModelDefinition>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(map)
            if !map.contains_key("name") && !map.is_empty() && map.values().all(|v| v.get("name").is_some()) =>
        {
            map.into_iter().map(|(_, v)| v).collect()
        }
        one => vec![one],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            ModelDefinition::from_value(item).map_err(|e| format!("{}: model #{}: {e}", path.display(), i + 1))
        })
        .collect()
}
