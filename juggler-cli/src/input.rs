//! What `juggler generate --from`, `juggler check` and the build script
//! read: a juggler catalog, LoopBack's `discoverSchemas` JSON, LoopBack
//! model JSON (one model, an array, or a folder of `*.json` files, as in
//! `common/models/`). Errors name the file, the line and the field.

use juggler_schema::catalog::Catalog;
use juggler_schema::{Dialect, ModelDefinition};
use std::path::{Path, PathBuf};

/// Reads one file, or every `*.json` file of a folder (in name order).
/// Returns the catalog and the files read (for `cargo:rerun-if-changed`).
pub fn read_catalog(path: &Path) -> Result<(Catalog, Vec<PathBuf>), String> {
    if path.is_dir() {
        let files = json_files(path)?;
        let mut defs = Vec::new();
        for file in &files {
            defs.extend(read_definitions(file)?);
        }
        return Ok((from_definitions(&defs), files));
    }
    let text = read(path)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| located(path, &e))?;
    let catalog = if value.get("format").and_then(|f| f.as_str()) == Some("juggler-catalog") {
        Catalog::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        from_definitions(&definitions(path, &text, &value)?)
    };
    Ok((catalog, vec![path.to_owned()]))
}

/// The definitions of one model file (see [`read_definitions`]) or of every
/// `*.json` file of a folder, in name order.
pub fn read_models(path: &Path) -> Result<Vec<ModelDefinition>, String> {
    if !path.is_dir() {
        return read_definitions(path);
    }
    let mut defs = Vec::new();
    for file in json_files(path)? {
        defs.extend(read_definitions(&file)?);
    }
    Ok(defs)
}

/// The `*.json` files of a folder, in name order (an error when there are none).
fn json_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no *.json model files in this folder", path.display()));
    }
    Ok(files)
}

/// Reads a LoopBack model or discovery JSON file into definitions: one
/// object, an array of them, or LoopBack's `discoverSchemas` object keyed
/// `schema.table`. The error names the file, line, column and field.
pub fn read_definitions(path: &Path) -> Result<Vec<ModelDefinition>, String> {
    let text = read(path)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| located(path, &e))?;
    definitions(path, &text, &value)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn located(path: &Path, e: &serde_json::Error) -> String {
    format!("{}:{}:{}: {e}", path.display(), e.line(), e.column())
}

/// Deserialises `text` in the shape `value` has, so a bad field is reported
/// with its path and line (`Film.properties.length.precision`).
fn definitions(path: &Path, text: &str, value: &serde_json::Value) -> Result<Vec<ModelDefinition>, String> {
    fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            format!(
                "{}:{}:{}: at `{field}`: {}",
                path.display(),
                inner.line(),
                inner.column(),
                strip_location(&inner.to_string())
            )
        })
    }
    match value {
        serde_json::Value::Array(_) => parse::<Vec<ModelDefinition>>(path, text),
        serde_json::Value::Object(map)
            if !map.contains_key("name") && !map.is_empty() && map.values().all(|v| v.get("name").is_some()) =>
        {
            let keyed: indexmap::IndexMap<String, ModelDefinition> = parse(path, text)?;
            Ok(keyed.into_values().collect())
        }
        serde_json::Value::Object(map) if !map.contains_key("name") => Err(format!(
            "{}: neither a juggler catalog (`\"format\": \"juggler-catalog\"`), nor a LoopBack model \
             (no `name`), nor LoopBack discovery output (an object of models keyed `schema.table`)",
            path.display()
        )),
        _ => Ok(vec![parse::<ModelDefinition>(path, text)?]),
    }
}

/// serde_json's message without its own " at line L column C" (the caller
/// writes the location first).
fn strip_location(message: &str) -> &str {
    message.rfind(" at line ").map_or(message, |at| &message[..at])
}

/// The dialect LoopBack JSON was discovered from (its per-connector keys);
/// PostgreSQL, the richest, when it names none.
pub fn dialect_of(defs: &[ModelDefinition]) -> Dialect {
    let names = |key: &str| {
        defs.iter()
            .any(|d| d.settings.connector(key).is_some() || d.properties.values().any(|p| p.connector(key).is_some()))
    };
    if names("mysql") {
        Dialect::MySql
    } else if names("sqlite") {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    }
}

fn from_definitions(defs: &[ModelDefinition]) -> Catalog {
    let refs: Vec<&ModelDefinition> = defs.iter().collect();
    Catalog::from_definitions(&refs, dialect_of(defs))
}
