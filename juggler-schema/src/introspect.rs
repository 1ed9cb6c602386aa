//! Instance introspection: a model definition from JSON documents
//! (LoopBack's `buildModelFromInstance`).
//!
//! Integers and floats are told apart (`dataType` `bigint` / `double
//! precision`), RFC 3339 and `YYYY-MM-DD` strings are dates, arrays take
//! their elements' type, nested objects become embedded models named after
//! the path (`Customer` + `address` -> `CustomerAddress`), `null` says
//! nothing but "nullable". Given several documents, a property missing or
//! `null` in any of them is optional, and one present in all is required;
//! types that disagree widen (integer and float give a float, anything else
//! gives `Any`).
//!
//! ```
//! use serde_json::json;
//! let defs = juggler_schema::introspect::introspect_all("Customer", &json!([
//!     {"id": 1, "name": "Ann", "joined": "2024-01-02T03:04:05Z", "address": {"city": "Paris"}, "tags": ["a"]},
//!     {"id": 2, "name": "Bob", "score": 1.5, "address": {"city": "Lyon", "zip": "69000"}, "tags": []},
//! ]));
//! let customer = &defs[0];
//! let json = customer.to_json();
//! assert_eq!(json["properties"]["id"]["type"], "Number");
//! assert!(customer.properties["id"].required);
//! assert!(!customer.properties["score"].required);
//! assert_eq!(json["properties"]["joined"]["type"], "Date");
//! assert_eq!(json["properties"]["address"]["type"], "CustomerAddress");
//! assert_eq!(json["properties"]["tags"]["type"], json!(["String"]));
//! assert_eq!(defs[1].name, "CustomerAddress");
//! ```

use crate::ModelDefinition;
use heck::ToUpperCamelCase;
use indexmap::IndexMap;
use serde_json::{json, Map, Value as Json};

/// What the documents say about one property.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Nothing,
    Bool,
    Int,
    Float,
    Date,
    Text,
    Array(Box<Seen>),
    Object(Shape),
    Mixed,
}

/// Properties in first-seen order: what was seen, and in how many
/// documents it was present and not null.
type Shape = IndexMap<String, (Seen, usize)>;

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    date && (b.len() == 10 || (b.len() >= 19 && matches!(b[10], b'T' | b' ') && b[13] == b':' && b[16] == b':'))
}

fn seen(value: &Json) -> Seen {
    match value {
        Json::Null => Seen::Nothing,
        Json::Bool(_) => Seen::Bool,
        Json::Number(n) if n.is_i64() || n.is_u64() => Seen::Int,
        Json::Number(_) => Seen::Float,
        Json::String(s) if is_date(s) => Seen::Date,
        Json::String(_) => Seen::Text,
        Json::Array(items) => Seen::Array(Box::new(items.iter().map(seen).fold(Seen::Nothing, widen))),
        Json::Object(o) => {
            let mut shape = Shape::new();
            add_object(&mut shape, o);
            Seen::Object(shape)
        }
    }
}

fn widen(a: Seen, b: Seen) -> Seen {
    match (a, b) {
        (Seen::Nothing, x) | (x, Seen::Nothing) => x,
        (Seen::Int, Seen::Float) | (Seen::Float, Seen::Int) => Seen::Float,
        (Seen::Date, Seen::Text) | (Seen::Text, Seen::Date) => Seen::Text,
        (Seen::Array(a), Seen::Array(b)) => Seen::Array(Box::new(widen(*a, *b))),
        (Seen::Object(mut a), Seen::Object(b)) => {
            merge(&mut a, b);
            Seen::Object(a)
        }
        (a, b) if a == b => a,
        _ => Seen::Mixed,
    }
}

fn merge(into: &mut Shape, from: Shape) {
    for (k, (s, n)) in from {
        let entry = into.entry(k).or_insert((Seen::Nothing, 0));
        entry.0 = widen(std::mem::replace(&mut entry.0, Seen::Nothing), s);
        entry.1 += n;
    }
}

fn add_object(shape: &mut Shape, object: &Map<String, Json>) {
    for (k, v) in object {
        let entry = shape.entry(k.clone()).or_insert((Seen::Nothing, 0));
        entry.0 = widen(std::mem::replace(&mut entry.0, Seen::Nothing), seen(v));
        if !v.is_null() {
            entry.1 += 1;
        }
    }
}

/// The type of `s` as LoopBack JSON, adding embedded models to `out`.
fn type_json(s: &Seen, path: &str, out: &mut Vec<ModelDefinition>) -> (Json, Option<&'static str>) {
    match s {
        Seen::Bool => (json!("Boolean"), None),
        Seen::Int => (json!("Number"), Some("bigint")),
        Seen::Float => (json!("Number"), Some("double precision")),
        Seen::Date => (json!("Date"), None),
        Seen::Text => (json!("String"), None),
        Seen::Array(inner) => {
            let (t, _) = type_json(inner, path, out);
            (json!([t]), None)
        }
        Seen::Object(shape) => {
            let index = out.len();
            out.push(ModelDefinition::new(path));
            out[index] = definition(path, shape, usize::MAX, out);
            (json!(path), None)
        }
        Seen::Nothing | Seen::Mixed => (json!("Any"), None),
    }
}

/// `documents` is how many documents the shape came from (`usize::MAX`:
/// an embedded model, whose properties are never required).
fn definition(name: &str, shape: &Shape, documents: usize, out: &mut Vec<ModelDefinition>) -> ModelDefinition {
    let mut properties = Map::new();
    for (key, (s, present)) in shape {
        let nested = format!("{name}{}", key.to_upper_camel_case());
        let (ty, data_type) = type_json(s, &nested, out);
        let mut p = Map::new();
        p.insert("type".into(), ty);
        p.insert(
            "required".into(),
            json!(documents != usize::MAX && *present == documents),
        );
        if let Some(d) = data_type {
            p.insert("dataType".into(), json!(d));
        }
        properties.insert(key.clone(), Json::Object(p));
    }
    let json = json!({"name": name, "properties": properties});
    ModelDefinition::from_value(json).unwrap_or_else(|_| ModelDefinition::new(name))
}

/// The model definitions `value` (a document, or an array of documents)
/// describes: the model named `name` first, then its embedded models.
pub fn introspect_all(name: &str, value: &Json) -> Vec<ModelDefinition> {
    let documents: Vec<&Map<String, Json>> = match value {
        Json::Object(o) => vec![o],
        Json::Array(items) => items.iter().filter_map(Json::as_object).collect(),
        _ => Vec::new(),
    };
    let mut shape = Shape::new();
    for d in &documents {
        add_object(&mut shape, d);
    }
    let mut out = vec![ModelDefinition::new(name)];
    let root = definition(name, &shape, documents.len(), &mut out);
    out[0] = root;
    out
}

/// The model definition `value` (a document, or an array of documents)
/// describes; embedded models are named by type (see [`introspect_all`]
/// for their definitions).
pub fn introspect(name: &str, value: &Json) -> ModelDefinition {
    introspect_all(name, value).swap_remove(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_numbers_and_nulls() {
        let d = introspect(
            "T",
            &json!({"a": "2024-01-02", "b": "2024-01-02 03:04:05", "c": "2024", "n": null, "x": 1, "y": [1, 2.5]}),
        );
        let j = d.to_json();
        assert_eq!(j["properties"]["a"]["type"], "Date");
        assert_eq!(j["properties"]["b"]["type"], "Date");
        assert_eq!(j["properties"]["c"]["type"], "String");
        assert_eq!(d.properties["n"].property_type, crate::PropertyType::Any);
        assert!(!d.properties["n"].required);
        assert_eq!(j["properties"]["x"]["dataType"], "bigint");
        assert_eq!(j["properties"]["y"]["type"], json!(["Number"]));
    }

    #[test]
    fn disagreeing_types_widen() {
        let d = introspect("T", &json!([{"a": 1, "b": "x"}, {"a": 1.5, "b": 2}, {"a": null}]));
        let j = d.to_json();
        assert_eq!(j["properties"]["a"]["dataType"], "double precision");
        assert!(!d.properties["a"].required);
        assert_eq!(d.properties["b"].property_type, crate::PropertyType::Any);
    }

    #[test]
    fn not_documents_give_an_empty_model() {
        assert!(introspect("T", &json!(3)).properties.is_empty());
    }
}
