//! The dynamic repository: a model known only at run time (from LoopBack
//! JSON, discovery or introspection), with rows as `serde_json::Value`.
//!
//! ```
//! use juggler_runtime::{DataSource, Filter};
//! use juggler_runtime::schema::ModelDefinition;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> juggler_runtime::Result<()> {
//! let def = ModelDefinition::from_json(r#"{"name": "Note", "properties": {
//!     "id": {"type": "Number", "id": true, "generated": true},
//!     "text": {"type": "String", "required": true}}}"#).expect("valid definition");
//! let ds = DataSource::connect("memory:").await?;
//! let notes = ds.dynamic(def)?;
//! let n = notes.create(json!({"text": "hello"})).await?;
//! assert_eq!(n, json!({"id": 1, "text": "hello"}));
//! let found = notes.find(Filter::from_json(r#"{"where": {"text": {"like": "h%"}}}"#)?).await?;
//! assert_eq!(found.len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! Operation hooks and `custom` validators belong to derived models; a
//! dynamic model runs every other validator and has no hooks.

use crate::connector::Connector;
use crate::filter::resolve::{parse_scope, Cond, Query};
use crate::filter::{Filter, Origin, Where};
use crate::ops;
use crate::repository::id_text;
use crate::schema::{ModelDefinition, PropertyType, ValidationKind, ValidationRule};
use crate::validation::{check_rules, ValidationError};
use crate::value::{Row, Value};
use crate::{Error, Result};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Create, read, update and delete for a runtime-defined model.
#[derive(Clone)]
pub struct DynamicRepository {
    conn: Arc<dyn Connector>,
    def: Arc<ModelDefinition>,
    scope: Option<Arc<Filter>>,
}

impl std::fmt::Debug for DynamicRepository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamicRepository")
            .field("model", &self.def.name)
            .finish()
    }
}

fn all(_: usize) -> bool {
    true
}

/// Adds the validations a definition implies: `required` is `presence`.
fn with_implied_rules(mut def: ModelDefinition) -> ModelDefinition {
    let required: Vec<String> = def
        .properties
        .iter()
        .filter(|(name, p)| {
            p.required
                && !(p.generated && p.id.is_some())
                && !def
                    .validations
                    .iter()
                    .any(|r| &r.property == *name && r.kind == ValidationKind::Presence)
        })
        .map(|(name, _)| name.clone())
        .collect();
    for (i, name) in required.into_iter().enumerate() {
        def.validations.insert(
            i,
            ValidationRule {
                property: name,
                kind: ValidationKind::Presence,
                message: None,
            },
        );
    }
    def
}

impl DynamicRepository {
    pub(crate) fn new(conn: Arc<dyn Connector>, def: ModelDefinition) -> Result<Self> {
        let def = with_implied_rules(def);
        let scope = parse_scope(&def)?.map(Arc::new);
        Ok(DynamicRepository {
            conn,
            def: Arc::new(def),
            scope,
        })
    }

    /// The model's definition.
    pub fn definition(&self) -> &ModelDefinition {
        &self.def
    }

    fn scope(&self) -> Option<&Filter> {
        self.scope.as_deref()
    }

    /// Reads a JSON object into a row, checking each property's type.
    fn to_row(&self, data: Json) -> Result<Row> {
        let def = &self.def;
        let Json::Object(object) = data else {
            return Err(Error::invalid_data(
                &def.name,
                format!("expected a JSON object, got {}", Value::from_json(data).kind()),
            ));
        };
        let row = Row::from_json_object(def, object);
        for ((name, prop), value) in def.properties.iter().zip(&row.values) {
            check_type(&def.name, name, &prop.property_type, value)?;
        }
        Ok(row)
    }

    /// A row as JSON: hidden properties and those left out by `fields` are not
    /// written.
    fn to_json(&self, row: &Row, fields: Option<&[usize]>) -> Json {
        let def = &self.def;
        let mut out = Map::with_capacity(row.values.len());
        for (i, ((name, _), value)) in def.properties.iter().zip(&row.values).enumerate() {
            if def.is_hidden(name) || fields.is_some_and(|f| !f.contains(&i)) {
                continue;
            }
            out.insert(name.clone(), value.to_json());
        }
        if fields.is_none() && !def.is_strict() {
            for (k, v) in &row.extra {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Json::Object(out)
    }

    fn id_values(&self, id: &Json) -> Vec<Value> {
        let n = self.def.id_properties().len();
        match id {
            Json::Array(parts) if n > 1 => parts.iter().cloned().map(Value::from_json).collect(),
            other => vec![Value::from_json(other.clone())],
        }
    }

    async fn validate(&self, row: &mut Row) -> Result<()> {
        let def = &self.def;
        let mut errors = ValidationError::new(&def.name);
        ops::check_unknown(def, row, &mut errors);
        check_rules(def, row, &all, &mut errors);
        ops::check_uniqueness(self.conn.as_ref(), def, row, &all, &mut errors).await?;
        errors.into_result().map_err(Error::from)
    }

    fn prepare(&self, data: Json) -> Result<Row> {
        let mut row = self.to_row(data)?;
        ops::apply_defaults(&self.def, &mut row);
        ops::apply_transforms(&self.def, &mut row, &all);
        Ok(row)
    }

    /// Validates and inserts one object; returns it as stored.
    pub async fn create(&self, data: Json) -> Result<Json> {
        let mut out = self.create_all(vec![data]).await?;
        out.pop()
            .ok_or_else(|| Error::invalid_data(&self.def.name, "the connector returned no row"))
    }

    /// Validates every object, then inserts them all; nothing is written when
    /// any fails.
    pub async fn create_all(&self, data: Vec<Json>) -> Result<Vec<Json>> {
        ops::writable(&self.def)?;
        let mut rows = Vec::with_capacity(data.len());
        for d in data {
            let mut row = self.prepare(d)?;
            ops::check_force_id(&self.def, &row)?;
            self.validate(&mut row).await?;
            rows.push(row);
        }
        let rows = self.conn.insert(&self.def, rows).await?;
        Ok(rows.iter().map(|r| self.to_json(r, None)).collect())
    }

    /// Replaces the object with the same id, or creates it.
    pub async fn upsert(&self, data: Json) -> Result<Json> {
        ops::writable(&self.def)?;
        let mut row = self.prepare(data)?;
        self.validate(&mut row).await?;
        let (row, _) = self.conn.upsert(&self.def, row).await?;
        Ok(self.to_json(&row, None))
    }

    /// The first object matching `filter`, or `data` created.
    pub async fn find_or_create(&self, filter: Filter, data: Json) -> Result<(Json, bool)> {
        if let Some(found) = self.find_one(filter).await? {
            return Ok((found, false));
        }
        Ok((self.create(data).await?, true))
    }

    /// Whether an object with this id exists.
    pub async fn exists(&self, id: &Json) -> Result<bool> {
        let cond = self.scoped(Some(ops::id_cond(&self.def, &self.id_values(id))?))?;
        Ok(self.conn.count(&self.def, cond.as_ref()).await? > 0)
    }

    fn scoped(&self, cond: Option<Cond>) -> Result<Option<Cond>> {
        let scope = ops::where_cond(&self.def, self.scope(), None, Origin::Code)?;
        Ok(match (scope, cond) {
            (Some(a), Some(b)) => Some(Cond::And(vec![a, b])),
            (a, b) => a.or(b),
        })
    }

    /// The object with this id.
    pub async fn find_by_id(&self, id: &Json) -> Result<Option<Json>> {
        let values = self.id_values(id);
        Ok(self.find_row(&values).await?.map(|r| self.to_json(&r, None)))
    }

    async fn find_row(&self, values: &[Value]) -> Result<Option<Row>> {
        let cond = self.scoped(Some(ops::id_cond(&self.def, values)?))?;
        let query = match cond {
            Some(c) => Query::one(c),
            None => Query::one(Cond::And(Vec::new())),
        };
        Ok(self.conn.find(&self.def, &query).await?.pop())
    }

    /// Every object matching `filter`.
    pub async fn find(&self, filter: Filter) -> Result<Vec<Json>> {
        let query = ops::query(&self.def, self.scope(), &filter)?;
        if let Some(inc) = query.include.first() {
            return Err(Error::Unsupported(format!(
                "`include` of `{}` cannot be loaded yet: eager loading of relations is not implemented in this release",
                inc.relation
            )));
        }
        let rows = self.conn.find(&self.def, &query).await?;
        Ok(rows.iter().map(|r| self.to_json(r, query.fields.as_deref())).collect())
    }

    /// The first object matching `filter`.
    pub async fn find_one(&self, mut filter: Filter) -> Result<Option<Json>> {
        filter.limit = Some(1);
        Ok(self.find(filter).await?.pop())
    }

    /// How many objects match `where_`.
    pub async fn count(&self, where_: Option<&Where>) -> Result<u64> {
        let cond = ops::where_cond(&self.def, self.scope(), where_, origin_of(where_))?;
        self.conn.count(&self.def, cond.as_ref()).await
    }

    fn patch_set(&self, patch: Json) -> Result<Vec<(usize, Value)>> {
        let def = &self.def;
        let Json::Object(object) = patch else {
            return Err(Error::invalid_data(&def.name, "a patch must be a JSON object"));
        };
        let mut set = Vec::with_capacity(object.len());
        for (name, value) in object {
            let Some((pos, _, prop)) = def.properties.get_full(&name) else {
                return Err(Error::invalid_data(
                    &def.name,
                    format!("`{}` has no property `{name}`", def.name),
                ));
            };
            let value = Value::from_json(value);
            check_type(&def.name, &name, &prop.property_type, &value)?;
            set.push((pos, value));
        }
        Ok(set)
    }

    /// Sets the patch's properties on every object matching `where_`.
    pub async fn update_all(&self, where_: Option<&Where>, patch: Json) -> Result<u64> {
        ops::writable(&self.def)?;
        let def = &self.def;
        let set = ops::checked_set(def, self.patch_set(patch)?)?;
        let cond = ops::where_cond(def, self.scope(), where_, origin_of(where_))?;
        self.conn.update(def, cond.as_ref(), &set).await
    }

    /// Sets the patch's properties on the object with this id, validating the
    /// result; returns the updated object.
    pub async fn update_by_id(&self, id: &Json, patch: Json) -> Result<Json> {
        ops::writable(&self.def)?;
        let values = self.id_values(id);
        let mut merged = self.find_row(&values).await?.ok_or_else(|| Error::NotFound {
            model: self.def.name.clone(),
            id: id_text(&values),
        })?;
        let mut set = self.patch_set(patch)?;
        for (pos, value) in &set {
            merged.values[*pos] = value.clone();
        }
        let present = |i: usize| set.iter().any(|(p, _)| *p == i);
        ops::apply_transforms(&self.def, &mut merged, &present);
        for (pos, value) in &mut set {
            *value = merged.values[*pos].clone();
        }
        ops::check_set_types(&self.def, &set)?;
        self.validate(&mut merged).await?;
        let cond = ops::id_cond(&self.def, &values)?;
        self.conn.update(&self.def, Some(&cond), &set).await?;
        Ok(self.to_json(&merged, None))
    }

    /// Replaces every property of the object with this id.
    pub async fn replace_by_id(&self, id: &Json, data: Json) -> Result<Json> {
        ops::writable(&self.def)?;
        let values = self.id_values(id);
        let mut row = self.prepare(data)?;
        for (pos, v) in ops::id_positions(&self.def).into_iter().zip(&values) {
            row.values[pos] = v.clone();
        }
        self.validate(&mut row).await?;
        if !self.conn.replace(&self.def, row.clone()).await? {
            return Err(Error::NotFound {
                model: self.def.name.clone(),
                id: id_text(&values),
            });
        }
        Ok(self.to_json(&row, None))
    }

    /// Creates the object when its id is not set or not stored, else replaces
    /// it; `data` is updated in place.
    pub async fn save(&self, data: &mut Json) -> Result<()> {
        let row = self.to_row(data.clone())?;
        let id = ops::row_id(&self.def, &row);
        let stored = !ops::id_unset(&self.def, &row) && self.find_row(&id).await?.is_some();
        let taken = std::mem::take(data);
        *data = if stored {
            let id_json = match id.as_slice() {
                [one] => one.to_json(),
                many => Json::Array(many.iter().map(Value::to_json).collect()),
            };
            self.replace_by_id(&id_json, taken).await?
        } else {
            self.create(taken).await?
        };
        Ok(())
    }

    /// Reads the object again from storage.
    pub async fn reload(&self, data: &mut Json) -> Result<()> {
        let row = self.to_row(data.clone())?;
        let id = ops::row_id(&self.def, &row);
        let fresh = self.find_row(&id).await?.ok_or_else(|| Error::NotFound {
            model: self.def.name.clone(),
            id: id_text(&id),
        })?;
        *data = self.to_json(&fresh, None);
        Ok(())
    }

    /// Deletes the object with this id; `false` when there was none.
    pub async fn delete_by_id(&self, id: &Json) -> Result<bool> {
        ops::writable(&self.def)?;
        let cond = self.scoped(Some(ops::id_cond(&self.def, &self.id_values(id))?))?;
        Ok(self.conn.delete(&self.def, cond.as_ref()).await? > 0)
    }

    /// Deletes every object matching `where_`; returns how many.
    pub async fn delete_all(&self, where_: Option<&Where>) -> Result<u64> {
        ops::writable(&self.def)?;
        let cond = ops::where_cond(&self.def, self.scope(), where_, origin_of(where_))?;
        self.conn.delete(&self.def, cond.as_ref()).await
    }
}

/// A bare `where` given to a dynamic repository is treated as untrusted
/// (hidden properties are refused), as it usually comes from JSON.
fn origin_of(_: Option<&Where>) -> Origin {
    Origin::Json
}

fn check_type(model: &str, name: &str, ty: &PropertyType, value: &Value) -> Result<()> {
    let ok = matches!(
        (ty, value),
        (_, Value::Null)
            | (PropertyType::Number, Value::Int(_) | Value::Float(_))
            | (PropertyType::String | PropertyType::Date, Value::Text(_))
            | (PropertyType::Boolean, Value::Bool(_))
            | (PropertyType::Array(_), Value::Json(Json::Array(_)))
            | (
                PropertyType::Object | PropertyType::GeoPoint | PropertyType::Model(_),
                Value::Json(Json::Object(_)),
            )
            | (PropertyType::Buffer, Value::Text(_) | Value::Json(Json::Array(_)))
            | (PropertyType::Any, _)
    );
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_data(
            model,
            format!("`{name}` expects a {ty} value, got {}", value.kind()),
        ))
    }
}
