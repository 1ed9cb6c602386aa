//! One model's rows with a hash index per unique property, so an insert
//! costs the same with 10 rows or 100,000.

use super::Object;
use crate::schema::ModelDefinition;
use crate::value::Row;
use serde_json::Value as Json;
use std::collections::HashMap;

/// One model's rows, by key, with an index per unique property.
#[derive(Default, Clone)]
pub(super) struct Table {
    pub(super) rows: indexmap::IndexMap<String, Object>,
    /// The unique properties `index` covers (built at first use).
    indexed: Option<Vec<String>>,
    /// Property name -> value key -> row key.
    index: HashMap<String, HashMap<String, String>>,
}

impl Table {
    /// Makes sure the index covers `def`'s unique properties.
    pub(super) fn ensure_index(&mut self, def: &ModelDefinition) {
        let wanted: Vec<String> = unique_names(def);
        if self.indexed.as_ref() == Some(&wanted) {
            return;
        }
        self.index = wanted.iter().map(|n| (n.clone(), HashMap::new())).collect();
        for (key, object) in &self.rows {
            for name in &wanted {
                if let Some(v) = object.get(name).and_then(value_key) {
                    if let Some(slot) = self.index.get_mut(name) {
                        slot.insert(v, key.clone());
                    }
                }
            }
        }
        self.indexed = Some(wanted);
    }

    /// The first unique property of `row` whose value another row holds.
    pub(super) fn conflict<'d>(&self, def: &'d ModelDefinition, key: &str, row: &Row) -> Option<(&'d str, usize)> {
        for (pos, (name, prop)) in def.properties.iter().enumerate() {
            if !prop.index.as_ref().is_some_and(|i| i.is_unique()) {
                continue;
            }
            let Some(v) = value_key(&row.values[pos].to_json()) else {
                continue;
            };
            let holder = self.index.get(name.as_str()).and_then(|slot| slot.get(&v));
            if holder.is_some_and(|k| k != key) {
                return Some((name.as_str(), pos));
            }
        }
        None
    }

    /// Stores `object` under `key`; returns what was there.
    pub(super) fn put(&mut self, key: String, object: Object) -> Option<Object> {
        let previous = self.remove(&key);
        for (name, slot) in &mut self.index {
            if let Some(v) = object.get(name).and_then(value_key) {
                slot.insert(v, key.clone());
            }
        }
        self.rows.insert(key, object);
        previous
    }

    /// Removes the row under `key`; returns it.
    pub(super) fn remove(&mut self, key: &str) -> Option<Object> {
        let previous = self.rows.shift_remove(key)?;
        for (name, slot) in &mut self.index {
            if let Some(v) = previous.get(name).and_then(value_key) {
                if slot.get(&v).is_some_and(|k| k == key) {
                    slot.remove(&v);
                }
            }
        }
        Some(previous)
    }
}

/// The names of `def`'s unique properties.
fn unique_names(def: &ModelDefinition) -> Vec<String> {
    def.properties
        .iter()
        .filter(|(_, p)| p.index.as_ref().is_some_and(|i| i.is_unique()))
        .map(|(n, _)| n.clone())
        .collect()
}

/// A value as an index key: equal values (as [`Value::same_as`] compares
/// them: `1` and `1.0` alike) give equal keys; NULL gives none.
fn value_key(json: &Json) -> Option<String> {
    Some(match json {
        Json::Null => return None,
        Json::Bool(b) => format!("b{b}"),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => format!("n{i}"),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("n{}", f as i64),
            _ => format!("n{n}"),
        },
        Json::String(s) => format!("s{s}"),
        other => format!("j{other}"),
    })
}
