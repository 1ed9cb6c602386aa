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

use crate::connector::{Connector, LinkSpec};
use crate::filter::resolve::{parse_scope, Cond, Query};
use crate::filter::Include;
use crate::filter::{Filter, Origin, Where};
use crate::model::BoxFuture;
use crate::ops;
use crate::relations::load::{self, Key};
use crate::repository::id_text;
use crate::schema::{ModelDefinition, PropertyType, ValidationKind, ValidationRule};
use crate::schema::{RelationDefinition, RelationKind};
use crate::validation::{check_rules, ValidationError};
use crate::value::{Row, Value};
use crate::{Error, Result};
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::RwLock;

/// How a relation matches rows: the parent's property, the related model's,
/// and the link rows between them (definition, to parent, to target).
struct Shape {
    parent_pos: usize,
    target_pos: usize,
    link: Option<(ModelDefinition, usize, usize)>,
}

/// Create, read, update and delete for a runtime-defined model.
#[derive(Clone)]
pub struct DynamicRepository {
    conn: Arc<dyn Connector>,
    def: Arc<ModelDefinition>,
    scope: Option<Arc<Filter>>,
    models: Registry,
}

/// The dynamic models defined on a data source, by name: what a dynamic
/// `include` finds the related model in.
pub(crate) type Registry = Arc<RwLock<HashMap<String, (Arc<ModelDefinition>, Option<Arc<Filter>>)>>>;

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
    /// A repository for `def`, which is also registered in `models`.
    pub(crate) fn define(conn: Arc<dyn Connector>, def: ModelDefinition, models: &Registry) -> Result<Self> {
        let def = Arc::new(with_implied_rules(def));
        let scope = parse_scope(&def)?.map(Arc::new);
        models
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(def.name.clone(), (def.clone(), scope.clone()));
        Ok(DynamicRepository {
            conn,
            def,
            scope,
            models: models.clone(),
        })
    }

    /// The repository of the model named `name` defined on the same data source.
    fn related(&self, name: &str, path: &str) -> Result<DynamicRepository> {
        let models = self.models.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (def, scope) = models.get(name).ok_or_else(|| {
            Error::invalid_filter(
                path,
                format!(
                    "`{}` relates to `{name}`, which is not defined on this data source; \
                     call `ds.dynamic(..)` with its definition first",
                    self.def.name
                ),
            )
        })?;
        Ok(DynamicRepository {
            conn: self.conn.clone(),
            def: def.clone(),
            scope: scope.clone(),
            models: self.models.clone(),
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

    /// The id's parts, typed as the model types them (text spelling a
    /// number is that number for a numeric id).
    fn id_values(&self, id: &Json) -> Result<Vec<Value>> {
        let n = self.def.id_properties().len();
        let values = match id {
            Json::Array(parts) if n > 1 => parts.iter().cloned().map(Value::from_json).collect(),
            other => vec![Value::from_json(other.clone())],
        };
        ops::typed_id(&self.def, values)
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

    /// Runs every validator on `data` (uniqueness included, asking the
    /// connector), as `create` would, without writing anything.
    pub async fn is_valid(&self, data: &Json) -> Result<()> {
        let mut row = self.prepare(data.clone())?;
        self.validate(&mut row).await
    }

    /// LoopBack's `updateOrCreate`: when an object with the same id is
    /// stored, the properties `data` names are set on it and the others keep
    /// their stored values; otherwise `data` is created.
    /// [`DynamicRepository::replace_or_create`] replaces the whole row instead.
    pub async fn upsert(&self, data: Json) -> Result<Json> {
        ops::writable(&self.def)?;
        let named: Vec<usize> = match &data {
            Json::Object(object) => object
                .keys()
                .filter_map(|k| self.def.properties.get_index_of(k))
                .collect(),
            _ => Vec::new(),
        };
        let given = self.to_row(data.clone())?;
        let stored = if ops::id_unset(&self.def, &given) {
            None
        } else {
            self.find_row(&ops::row_id(&self.def, &given)).await?
        };
        let Some(mut merged) = stored else {
            return self.replace_or_create(data).await;
        };
        for &pos in &named {
            merged.values[pos] = given.values[pos].clone();
        }
        for (k, v) in given.extra {
            merged.extra.insert(k, v);
        }
        let present = |i: usize| named.contains(&i);
        ops::apply_transforms(&self.def, &mut merged, &present);
        self.validate(&mut merged).await?;
        let (row, _) = self.conn.upsert(&self.def, merged).await?;
        Ok(self.to_json(&row, None))
    }

    /// Replaces the whole object with the same id (properties `data` does
    /// not name become NULL or their default), or creates it; atomic on the
    /// connector.
    pub async fn replace_or_create(&self, data: Json) -> Result<Json> {
        ops::writable(&self.def)?;
        let mut row = self.prepare(data)?;
        ops::check_force_id_upsert(self.conn.as_ref(), &self.def, &row).await?;
        self.validate(&mut row).await?;
        let (row, _) = self.conn.upsert(&self.def, row).await?;
        Ok(self.to_json(&row, None))
    }

    /// The first object matching `filter`, or `data` created.
    /// Concurrent calls for the same filter in one process create one
    /// object (see [`Repository::find_or_create`](crate::Repository::find_or_create)).
    pub async fn find_or_create(&self, filter: Filter, data: Json) -> Result<(Json, bool)> {
        let _one_at_a_time = ops::find_or_create_lock(&self.def, &filter).await;
        if let Some(found) = self.find_one(filter.clone()).await? {
            return Ok((found, false));
        }
        match self.create(data).await {
            Ok(created) => Ok((created, true)),
            Err(e) if ops::is_uniqueness(&e) => match self.find_one(filter).await? {
                Some(found) => Ok((found, false)),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Whether an object with this id exists.
    pub async fn exists(&self, id: &Json) -> Result<bool> {
        let cond = self.scoped(Some(ops::id_cond(&self.def, &self.id_values(id)?)?))?;
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
        let values = self.id_values(id)?;
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

    /// Every object matching `filter`, with the relations in its `include`
    /// loaded under their names (one query per level, like the typed
    /// repository; related models must be defined on the data source too).
    pub async fn find(&self, filter: Filter) -> Result<Vec<Json>> {
        let mut query = ops::query(&self.def, self.scope(), &filter)?;
        load::select_include_keys(&self.def, &mut query);
        let rows = self.conn.find(&self.def, &query).await?;
        let mut out: Vec<Json> = rows.iter().map(|r| self.to_json(r, query.fields.as_deref())).collect();
        for (i, include) in query.include.iter().enumerate() {
            self.include(&rows, &mut out, include, &format!("include[{i}]")).await?;
        }
        Ok(out)
    }

    /// Loads one `include` into `objects` (the JSON forms of `rows`).
    fn include<'a>(
        &'a self,
        rows: &'a [Row],
        objects: &'a mut [Json],
        include: &'a Include,
        path: &'a str,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let name = include.relation.as_str();
            let rel =
                self.def.relations.get(name).ok_or_else(|| {
                    Error::invalid_filter(path, format!("`{}` has no relation `{name}`", self.def.name))
                })?;
            let target = self.related(&rel.model, path)?;
            let shape = self.shape(name, rel, &target, path)?;
            let own: Vec<Value> = rows.iter().map(|r| r.values[shape.parent_pos].clone()).collect();
            let keys = load::distinct(own.iter().cloned());
            let mut children: Vec<(Value, Row)> = Vec::new();
            let mut query = None;
            if !keys.is_empty() {
                let filter = include.scope.as_deref().cloned().unwrap_or_default();
                let mut q = ops::query(&target.def, target.scope(), &filter)?;
                if rel.kind == RelationKind::HasOne {
                    q.limit = Some(1);
                }
                let link = shape.link.as_ref().map(|(def, to_parent, to_target)| LinkSpec {
                    def,
                    to_parent: *to_parent,
                    to_target: *to_target,
                    target_key: shape.target_pos,
                });
                children = load::keyed_rows(
                    self.conn.as_ref(),
                    &target.def,
                    &mut q,
                    shape.target_pos,
                    &keys,
                    link.as_ref(),
                )
                .await?;
                query = Some(q);
            }
            let (child_keys, child_rows): (Vec<Value>, Vec<Row>) = children.into_iter().unzip();
            let fields = query.as_ref().and_then(|q| q.fields.as_deref());
            let mut child_objects: Vec<Json> = child_rows.iter().map(|r| target.to_json(r, fields)).collect();
            if let Some(q) = &query {
                for (i, nested) in q.include.iter().enumerate() {
                    let nested_path = format!("{path}.scope.include[{i}]");
                    target
                        .include(&child_rows, &mut child_objects, nested, &nested_path)
                        .await?;
                }
            }
            let mut by_key: HashMap<Key, Vec<Json>> = HashMap::new();
            for (k, o) in child_keys.iter().zip(child_objects) {
                if let Some(k) = Key::of(k) {
                    by_key.entry(k).or_default().push(o);
                }
            }
            let many = matches!(rel.kind, RelationKind::HasMany | RelationKind::HasAndBelongsToMany);
            for (object, k) in objects.iter_mut().zip(own) {
                let mine = Key::of(&k).and_then(|k| by_key.get(&k)).cloned().unwrap_or_default();
                let value = if many {
                    Json::Array(mine)
                } else {
                    mine.into_iter().next().unwrap_or(Json::Null)
                };
                if let Json::Object(o) = object {
                    o.insert(name.to_owned(), value);
                }
            }
            Ok(())
        })
    }

    /// Which properties relation `name` matches rows by.
    fn shape(&self, name: &str, rel: &RelationDefinition, target: &DynamicRepository, path: &str) -> Result<Shape> {
        let bad = |message: String| {
            Error::invalid_filter(path, format!("relation `{name}` of `{}`: {message}", self.def.name))
        };
        let position = |def: &ModelDefinition, prop: &str| {
            def.properties
                .get_index_of(prop)
                .ok_or_else(|| bad(format!("`{}` has no property `{prop}`", def.name)))
        };
        let single_id = |def: &ModelDefinition| match def.id_properties().as_slice() {
            [one] => position(def, one),
            _ => Err(bad(format!("`{}` needs exactly one id property", def.name))),
        };
        let default_fk = crate::schema::relations::default_foreign_key(&self.def.name);
        Ok(match (rel.kind, &rel.through) {
            (RelationKind::BelongsTo, _) => Shape {
                parent_pos: position(&self.def, rel.foreign_key.as_deref().unwrap_or(&format!("{name}_id")))?,
                target_pos: single_id(&target.def)?,
                link: None,
            },
            (RelationKind::HasMany | RelationKind::HasOne, None) => Shape {
                parent_pos: single_id(&self.def)?,
                target_pos: position(&target.def, rel.foreign_key.as_deref().unwrap_or(&default_fk))?,
                link: None,
            },
            (_, through) => {
                let link = match (rel.kind, through) {
                    (RelationKind::HasAndBelongsToMany, _) => {
                        crate::schema::relations::link_definition(&self.def, name, &target.def)
                            .ok_or_else(|| bad("needs a `through` table and single ids on both sides".to_owned()))?
                    }
                    (_, Some(model)) => (*self.related(model, path)?.def).clone(),
                    (_, None) => return Err(bad("needs `through`".to_owned())),
                };
                let (fk, kt) = crate::schema::relations::link_keys(&self.def, rel);
                let to_parent = position(&link, &fk)?;
                let to_target = position(&link, &kt)?;
                Shape {
                    parent_pos: single_id(&self.def)?,
                    target_pos: single_id(&target.def)?,
                    link: Some((link, to_parent, to_target)),
                }
            }
        })
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
            let value = match value.to_decimal() {
                Some(d) if crate::value::is_decimal(prop) => Value::Decimal(d),
                _ => value,
            };
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
        let values = self.id_values(id)?;
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
        let values = self.id_values(id)?;
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
        let cond = self.scoped(Some(ops::id_cond(&self.def, &self.id_values(id)?)?))?;
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
            | (
                PropertyType::Number,
                Value::Int(_) | Value::Float(_) | Value::Decimal(_)
            )
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
