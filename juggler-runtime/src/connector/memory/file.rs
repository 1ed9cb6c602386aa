//! The memory store's file: LoopBack's memory-connector format
//! (`{"ids": {..}, "models": {model: {key: "<row as JSON text>"}}}`).

use super::table::Table;
use super::Store;
use crate::{Error, Result};
use serde_json::{Map, Value as Json};
use std::path::Path;
use std::sync::Arc;

/// Loads a store from the text of `path`; an error names the file.
pub(super) fn load(path: &Path, text: &str) -> Result<Store> {
    let storage = |message: String| Error::Storage {
        context: format!("cannot load {}", path.display()),
        message,
    };
    let doc: Json = serde_json::from_str(text).map_err(|e| storage(e.to_string()))?;
    let Json::Object(top) = &doc else {
        return Err(storage(format!(
            "it holds {}, not a memory store (an object with `ids` and `models`); the file was left as it is",
            json_kind(&doc)
        )));
    };
    if let Some(other) = top.keys().find(|k| *k != "ids" && *k != "models") {
        return Err(storage(format!(
            "it is not a memory store: unexpected key `{other}` (a store has only `ids` and `models`); the file was left as it is"
        )));
    }
    let mut store = Store::default();
    match top.get("ids") {
        None => {}
        Some(Json::Object(ids)) => {
            let mut counters = store.counters();
            for (model, n) in ids {
                let n = n
                    .as_i64()
                    .ok_or_else(|| storage(format!("`ids.{model}` is not an integer")))?;
                counters.insert(model.clone(), n);
            }
        }
        Some(other) => return Err(storage(format!("`ids` is {}, not an object", json_kind(other)))),
    }
    match top.get("models") {
        None => {}
        Some(Json::Object(models)) => {
            for (model, rows) in models {
                let rows = rows
                    .as_object()
                    .ok_or_else(|| storage(format!("`models.{model}` is not an object")))?;
                let mut table = Table::default();
                for (key, row) in rows {
                    // LoopBack stores each row as a JSON string; accept objects too.
                    let object = match row {
                        Json::String(s) => serde_json::from_str::<Json>(s)
                            .map_err(|e| storage(format!("row `{key}` of `{model}`: {e}")))?,
                        other => other.clone(),
                    };
                    match object {
                        Json::Object(o) => {
                            table.rows.insert(key.clone(), o);
                        }
                        _ => return Err(storage(format!("row `{key}` of `{model}` is not an object"))),
                    }
                }
                store.models.insert(model.clone(), Arc::new(table));
            }
        }
        Some(other) => return Err(storage(format!("`models` is {}, not an object", json_kind(other)))),
    }
    Ok(store)
}

fn json_kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Writes `store` to `path` (to a temporary file, then renamed, so a crash
/// never leaves half a file).
pub(super) fn write(path: &Path, store: &Store) -> Result<()> {
    let mut models = Map::new();
    for (name, table) in &store.models {
        let mut rows = Map::new();
        for (key, row) in &table.rows {
            rows.insert(key.clone(), Json::String(Json::Object(row.clone()).to_string()));
        }
        models.insert(name.clone(), Json::Object(rows));
    }
    let ids = store.counters().clone();
    let doc = serde_json::json!({"ids": ids, "models": models});
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let tmp = path.with_extension("json.tmp");
    let io = |source| Error::Io {
        context: format!("cannot write {}", path.display()),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
