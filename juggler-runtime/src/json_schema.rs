//! JSON Schema (draft 2020-12) from a model definition.

use crate::schema::{ModelDefinition, PropertyDefinition, ValidationKind, EMAIL_REGEX};
use crate::value::FieldValue;
use serde_json::{json, Map, Value as Json};

/// What only a field's Rust type knows, as functions: its property type
/// and column mapping for the definition, its JSON schema and, for an
/// embedded model, that model's schema. The derive writes one per property
/// in a constant list ([`Model::FIELD_TYPES`](crate::Model::FIELD_TYPES)),
/// so each type's code exists once and not once per model.
#[derive(Clone, Copy)]
pub struct FieldType {
    /// Fills in the property's type, nullability, column type and enum values.
    pub fill: fn(&mut PropertyDefinition),
    /// The type's schema (`{"type": "integer"}`).
    pub schema: fn() -> Json,
    /// `Some((name, schema))` for an embedded model.
    pub nested: fn() -> Option<(String, Json)>,
}

impl FieldType {
    /// The functions of `T`.
    pub const fn of<T: FieldValue>() -> Self {
        FieldType {
            fill: crate::__private::fill_property::<T>,
            schema: T::json_schema,
            nested: T::nested_schema,
        }
    }
}

impl std::fmt::Debug for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldType").finish_non_exhaustive()
    }
}

/// Builds the schema of `def`, whose properties have the types `fields` in
/// order; hidden properties are left out.
pub fn build(def: &ModelDefinition, fields: &[FieldType]) -> Json {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut defs = Map::new();
    for ((name, prop), field) in def.properties.iter().zip(fields) {
        let name = name.as_str();
        if def.is_hidden(name) {
            continue;
        }
        let mut schema = match (field.nested)() {
            Some((name, mut nested)) => {
                // Hoist the nested model's own $defs.
                if let Some(Json::Object(inner)) = nested.as_object_mut().and_then(|o| o.remove("$defs")) {
                    defs.extend(inner);
                }
                nested.as_object_mut().map(|o| o.remove("$schema"));
                let reference = json!({"$ref": format!("#/$defs/{name}")});
                defs.insert(name, nested);
                if (field.schema)().get("type") == Some(&json!("array")) {
                    json!({"type": "array", "items": reference})
                } else {
                    reference
                }
            }
            None => (field.schema)(),
        };
        let Some(object) = schema.as_object_mut() else {
            continue;
        };
        if let Some(len) = prop.length {
            object.insert("maxLength".into(), json!(len));
        }
        if let Some(Json::String(d)) = &prop.description {
            object.insert("description".into(), json!(d));
        }
        if let Some(d) = &prop.default {
            object.insert("default".into(), d.clone());
        }
        for rule in def.validations.iter().filter(|r| r.property == name) {
            match &rule.kind {
                ValidationKind::Length { min, max, exactly } => {
                    let (min, max) = match exactly {
                        Some(n) => (Some(*n), Some(*n)),
                        None => (*min, *max),
                    };
                    if let Some(m) = min {
                        object.insert("minLength".into(), json!(m));
                    }
                    if let Some(m) = max {
                        let tighter = object.get("maxLength").and_then(Json::as_u64).map_or(m, |l| l.min(m));
                        object.insert("maxLength".into(), json!(tighter));
                    }
                }
                ValidationKind::Format { regex } if regex == EMAIL_REGEX => {
                    object.insert("format".into(), json!("email"));
                }
                ValidationKind::Format { regex } => {
                    object.insert("pattern".into(), json!(regex));
                }
                ValidationKind::Numericality { int, min, max } => {
                    if *int {
                        object.insert("type".into(), json!("integer"));
                    }
                    if let Some(m) = min {
                        object.insert("minimum".into(), number(*m));
                    }
                    if let Some(m) = max {
                        object.insert("maximum".into(), number(*m));
                    }
                }
                ValidationKind::Inclusion { values } => {
                    object.insert("enum".into(), Json::Array(values.clone()));
                }
                ValidationKind::Exclusion { values } => {
                    object.insert("not".into(), json!({"enum": values}));
                }
                ValidationKind::Presence
                    if object.get("type") == Some(&json!("string")) && !object.contains_key("minLength") =>
                {
                    object.insert("minLength".into(), json!(1));
                }
                _ => {}
            }
        }
        if prop.is_nullable() {
            schema = match schema.get("type").cloned() {
                Some(Json::String(t)) => {
                    let mut s = schema;
                    s["type"] = json!([t, "null"]);
                    s
                }
                _ => json!({"anyOf": [schema, {"type": "null"}]}),
            };
        } else if !(prop.generated && prop.id.is_some()) {
            required.push(json!(name));
        }
        properties.insert(name.to_owned(), schema);
    }
    let mut out = Map::new();
    out.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    out.insert("title".into(), json!(def.name));
    if let Some(Json::String(d)) = &def.settings.description {
        out.insert("description".into(), json!(d));
    }
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Json::Object(properties));
    out.insert("required".into(), Json::Array(required));
    if !def.is_strict() {
        out.insert("additionalProperties".into(), json!(true));
    }
    if !defs.is_empty() {
        out.insert("$defs".into(), Json::Object(defs));
    }
    Json::Object(out)
}

/// A whole number as an integer (`0`, not `0.0`).
fn number(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}
