//! The memory connector: rows in a map, optionally written to a JSON file in
//! LoopBack's memory-connector format (`{"ids": {..}, "models": {..}}`), so a
//! file written by LoopBack loads here and the other way round.
//!
//! It evaluates filters with the same semantics as the SQL connectors
//! (anchored `like`, `neq` not matching NULL, NULLs last ascending) and
//! enforces unique indexes and the foreign keys `automigrate` sets up from
//! relations, so it is a faithful stand-in in tests.

use super::Connector;
use crate::filter::resolve::{Cond, Query};
use crate::model::is_unset_id;
use crate::schema::{ModelDefinition, PropertyType};
use crate::value::{Row, Value};
use crate::{Error, Result};
use indexmap::IndexMap;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type Object = Map<String, Json>;

#[derive(Default, Clone)]
struct Store {
    ids: BTreeMap<String, i64>,
    models: BTreeMap<String, IndexMap<String, Object>>,
    /// Foreign keys `automigrate` set up, enforced like a database does (not
    /// written to the file: LoopBack's format has no place for them).
    foreign_keys: Vec<ForeignKeyRule>,
}

/// `child.child_prop` refers to `parent.parent_prop`.
#[derive(Clone, Debug)]
struct ForeignKeyRule {
    child: String,
    child_prop: String,
    parent: String,
    parent_prop: String,
}

/// SQLSTATE of a foreign-key violation, as PostgreSQL reports it.
const FOREIGN_KEY_VIOLATION: &str = "23503";

fn refers_to(object: &Object, prop: &str, value: &Value) -> bool {
    object
        .get(prop)
        .is_some_and(|v| Value::from_json(v.clone()).same_as(value))
}

struct Inner {
    store: Mutex<Store>,
    file: Option<PathBuf>,
}

/// Rows in memory, optionally persisted to a JSON file after every write.
///
/// A transaction works on a copy of the store and writes it back on commit;
/// writes made meanwhile outside the transaction are overwritten by the
/// commit (the memory connector is for tests and small tools).
pub struct MemoryConnector {
    inner: Arc<Inner>,
    parent: Option<Arc<Inner>>,
}

impl std::fmt::Debug for MemoryConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryConnector")
            .field("file", &self.inner.file)
            .finish_non_exhaustive()
    }
}

impl MemoryConnector {
    /// An empty store that lives as long as the process.
    pub fn new() -> Self {
        MemoryConnector::from_store(Store::default(), None)
    }

    /// A store kept in `path`: loaded now if the file exists, rewritten after
    /// every write (to a temporary file, then renamed, so a crash never leaves
    /// half a file).
    pub fn with_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let store = match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Store::default(),
            Ok(text) => parse_file(&path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Store::default(),
            Err(source) => {
                return Err(Error::Io {
                    context: format!("cannot read {}", path.display()),
                    source,
                })
            }
        };
        Ok(MemoryConnector::from_store(store, Some(path)))
    }

    fn from_store(store: Store, file: Option<PathBuf>) -> Self {
        MemoryConnector {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                file,
            }),
            parent: None,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.inner.lock()
    }

    fn persist(&self, store: &Store) -> Result<()> {
        self.inner.persist(store)
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn persist(&self, store: &Store) -> Result<()> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let mut models = Map::new();
        for (name, rows) in &store.models {
            let mut table = Map::new();
            for (key, row) in rows {
                table.insert(key.clone(), Json::String(Json::Object(row.clone()).to_string()));
            }
            models.insert(name.clone(), Json::Object(table));
        }
        let doc = serde_json::json!({"ids": store.ids, "models": models});
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
}

impl Default for MemoryConnector {
    fn default() -> Self {
        MemoryConnector::new()
    }
}

fn parse_file(path: &Path, text: &str) -> Result<Store> {
    let storage = |message: String| Error::Storage {
        context: format!("cannot load {}", path.display()),
        message,
    };
    let doc: Json = serde_json::from_str(text).map_err(|e| storage(e.to_string()))?;
    let mut store = Store::default();
    if let Some(ids) = doc.get("ids").and_then(Json::as_object) {
        for (model, n) in ids {
            let n = n
                .as_i64()
                .ok_or_else(|| storage(format!("`ids.{model}` is not an integer")))?;
            store.ids.insert(model.clone(), n);
        }
    }
    if let Some(models) = doc.get("models").and_then(Json::as_object) {
        for (model, rows) in models {
            let rows = rows
                .as_object()
                .ok_or_else(|| storage(format!("`models.{model}` is not an object")))?;
            let mut table = IndexMap::new();
            for (key, row) in rows {
                // LoopBack stores each row as a JSON string; accept objects too.
                let object = match row {
                    Json::String(s) => serde_json::from_str::<Json>(s)
                        .map_err(|e| storage(format!("row `{key}` of `{model}`: {e}")))?,
                    other => other.clone(),
                };
                match object {
                    Json::Object(o) => {
                        table.insert(key.clone(), o);
                    }
                    _ => return Err(storage(format!("row `{key}` of `{model}` is not an object"))),
                }
            }
            store.models.insert(model.clone(), table);
        }
    }
    Ok(store)
}

fn id_positions(def: &ModelDefinition) -> Vec<usize> {
    def.id_properties()
        .into_iter()
        .filter_map(|name| def.properties.get_index_of(name))
        .collect()
}

fn key_of(ids: &[usize], row: &Row) -> String {
    match ids {
        [one] => key_text(&row.values[*one]),
        many => Json::Array(many.iter().map(|i| row.values[*i].to_json()).collect()).to_string(),
    }
}

fn key_text(value: &Value) -> String {
    match value {
        Value::Text(t) => t.clone(),
        other => other.to_json().to_string(),
    }
}

fn unique_positions(def: &ModelDefinition) -> Vec<usize> {
    def.properties
        .values()
        .enumerate()
        .filter(|(_, p)| p.index.as_ref().is_some_and(|i| i.is_unique()))
        .map(|(i, _)| i)
        .collect()
}

/// Checks unique indexes for `row` (stored under `key`) against `rows`.
fn check_unique(def: &ModelDefinition, rows: &IndexMap<String, Object>, key: &str, row: &Row) -> Result<()> {
    for pos in unique_positions(def) {
        let value = &row.values[pos];
        if value.is_null() {
            continue;
        }
        let (name, _) = def
            .properties
            .get_index(pos)
            .expect("position from the same definition");
        for (other_key, other) in rows {
            if other_key != key
                && other
                    .get(name)
                    .is_some_and(|v| Value::from_json(v.clone()).same_as(value))
            {
                // As a SQL unique index would refuse it, reported like `uniqueness`.
                let mut err = crate::ValidationError::new(&def.name);
                err.add(name, "uniqueness", "is not unique", value, def.is_hidden(name));
                return Err(err.into());
            }
        }
    }
    Ok(())
}

impl Store {
    /// Every non-NULL foreign key of `row` (of `def`) names a stored row.
    fn check_parents(&self, def: &ModelDefinition, row: &Row) -> Result<()> {
        for fk in self.foreign_keys.iter().filter(|f| f.child == def.name) {
            let Some(pos) = def.properties.get_index_of(&fk.child_prop) else {
                continue;
            };
            let value = &row.values[pos];
            if value.is_null() {
                continue;
            }
            let exists = self
                .models
                .get(&fk.parent)
                .is_some_and(|t| t.values().any(|o| refers_to(o, &fk.parent_prop, value)));
            if !exists {
                return Err(Error::Database {
                    message: format!(
                        "`{}.{}` = {} names no `{}` (foreign key to `{}.{}`)",
                        fk.child,
                        fk.child_prop,
                        value.to_json(),
                        fk.parent,
                        fk.parent,
                        fk.parent_prop
                    ),
                    code: Some(FOREIGN_KEY_VIOLATION.to_owned()),
                });
            }
        }
        Ok(())
    }

    /// None of `doomed` (rows of `def` about to be deleted) is still referred
    /// to by a row that stays.
    fn check_children(&self, def: &ModelDefinition, doomed: &[&Object]) -> Result<()> {
        for fk in self.foreign_keys.iter().filter(|f| f.parent == def.name) {
            let Some(children) = self.models.get(&fk.child) else {
                continue;
            };
            for parent in doomed {
                let Some(key) = parent.get(&fk.parent_prop).map(|v| Value::from_json(v.clone())) else {
                    continue;
                };
                if key.is_null() {
                    continue;
                }
                let referred = children.values().any(|child| {
                    refers_to(child, &fk.child_prop, &key) && !doomed.iter().any(|d| std::ptr::eq(*d, child))
                });
                if referred {
                    return Err(Error::Database {
                        message: format!(
                            "cannot delete `{}` {}: `{}.{}` still refers to it (foreign key)",
                            def.name,
                            key.to_json(),
                            fk.child,
                            fk.child_prop
                        ),
                        code: Some(FOREIGN_KEY_VIOLATION.to_owned()),
                    });
                }
            }
        }
        Ok(())
    }

    fn next_id(&mut self, model: &str) -> i64 {
        let n = self.ids.entry(model.to_owned()).or_insert(0);
        *n += 1;
        *n
    }

    fn bump_id(&mut self, model: &str, value: &Value) {
        if let Value::Int(i) = value {
            let n = self.ids.entry(model.to_owned()).or_insert(0);
            if *i > *n {
                *n = *i;
            }
        }
    }

    /// Fills unset ids and returns the row's key.
    fn assign_id(&mut self, def: &ModelDefinition, ids: &[usize], row: &mut Row) -> Result<String> {
        if ids.is_empty() {
            return Ok(format!("#{}", self.next_id(&def.name)));
        }
        for &pos in ids {
            let prop = &def.properties[pos];
            if is_unset_id(&row.values[pos]) {
                if ids.len() > 1 || !(prop.generated || prop.id.is_some()) {
                    let name = def.properties.get_index(pos).map_or("", |(n, _)| n.as_str());
                    return Err(Error::invalid_data(
                        &def.name,
                        format!("id property `{name}` is not set"),
                    ));
                }
                row.values[pos] = match prop.property_type {
                    PropertyType::Number => Value::Int(self.next_id(&def.name)),
                    _ => Value::Text(uuid::Uuid::new_v4().to_string()),
                };
            } else {
                self.bump_id(&def.name, &row.values[pos]);
            }
        }
        Ok(key_of(ids, row))
    }
}

fn decode(def: &ModelDefinition, object: &Object) -> Row {
    Row::from_json_object(def, object.clone())
}

fn encode(def: &ModelDefinition, row: &Row) -> Object {
    row.to_json_object(def)
}

#[async_trait::async_trait]
impl Connector for MemoryConnector {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn insert(&self, def: &ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
        let ids = id_positions(def);
        let mut store = self.lock();
        let saved_ids = store.ids.clone();
        let mut table = store.models.get(&def.name).cloned().unwrap_or_default();
        let mut out = Vec::with_capacity(rows.len());
        for mut row in rows {
            let key = match store.assign_id(def, &ids, &mut row) {
                Ok(key) => key,
                Err(e) => {
                    store.ids = saved_ids;
                    return Err(e);
                }
            };
            let check = if table.contains_key(&key) {
                Err(Error::invalid_data(
                    &def.name,
                    format!("an instance with id {key} already exists"),
                ))
            } else {
                check_unique(def, &table, &key, &row).and_then(|()| store.check_parents(def, &row))
            };
            if let Err(e) = check {
                store.ids = saved_ids;
                return Err(e);
            }
            table.insert(key, encode(def, &row));
            out.push(row);
        }
        store.models.insert(def.name.clone(), table);
        self.persist(&store)?;
        Ok(out)
    }

    async fn find(&self, def: &ModelDefinition, query: &Query) -> Result<Vec<Row>> {
        let rows: Vec<Row> = {
            let store = self.lock();
            let Some(table) = store.models.get(&def.name) else {
                return Ok(Vec::new());
            };
            table
                .values()
                .map(|o| decode(def, o))
                .filter(|row| query.cond.as_ref().is_none_or(|c| c.matches(row)))
                .collect()
        };
        Ok(query.finish(rows))
    }

    async fn count(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
        let store = self.lock();
        let Some(table) = store.models.get(&def.name) else {
            return Ok(0);
        };
        Ok(table
            .values()
            .filter(|o| cond.is_none_or(|c| c.matches(&decode(def, o))))
            .count() as u64)
    }

    async fn update(&self, def: &ModelDefinition, cond: Option<&Cond>, set: &[(usize, Value)]) -> Result<u64> {
        let mut store = self.lock();
        let Some(table) = store.models.get(&def.name) else {
            return Ok(0);
        };
        let mut updated = table.clone();
        let mut n = 0;
        let keys: Vec<String> = updated.keys().cloned().collect();
        for key in keys {
            let mut row = decode(def, &updated[&key]);
            if cond.is_some_and(|c| !c.matches(&row)) {
                continue;
            }
            for (pos, value) in set {
                row.values[*pos] = value.clone();
            }
            check_unique(def, &updated, &key, &row)?;
            store.check_parents(def, &row)?;
            updated.insert(key, encode(def, &row));
            n += 1;
        }
        store.models.insert(def.name.clone(), updated);
        self.persist(&store)?;
        Ok(n)
    }

    async fn replace(&self, def: &ModelDefinition, row: Row) -> Result<bool> {
        let ids = id_positions(def);
        if ids.is_empty() {
            return Err(Error::Unsupported(format!(
                "`{}` has no id, so it cannot be replaced by id",
                def.name
            )));
        }
        let key = key_of(&ids, &row);
        let mut store = self.lock();
        store.check_parents(def, &row)?;
        let table = store.models.entry(def.name.clone()).or_default();
        if !table.contains_key(&key) {
            return Ok(false);
        }
        check_unique(def, table, &key, &row)?;
        table.insert(key, encode(def, &row));
        self.persist(&store)?;
        Ok(true)
    }

    async fn upsert(&self, def: &ModelDefinition, mut row: Row) -> Result<(Row, bool)> {
        let ids = id_positions(def);
        let mut store = self.lock();
        let existing = !ids.is_empty()
            && ids.iter().all(|&p| !is_unset_id(&row.values[p]))
            && store
                .models
                .get(&def.name)
                .is_some_and(|t| t.contains_key(&key_of(&ids, &row)));
        let key = if existing {
            key_of(&ids, &row)
        } else {
            store.assign_id(def, &ids, &mut row)?
        };
        store.check_parents(def, &row)?;
        let table = store.models.entry(def.name.clone()).or_default();
        check_unique(def, table, &key, &row)?;
        table.insert(key, encode(def, &row));
        self.persist(&store)?;
        Ok((row, !existing))
    }

    async fn delete(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
        let mut store = self.lock();
        if let Some(table) = store.models.get(&def.name) {
            let doomed: Vec<&Object> = table
                .values()
                .filter(|o| cond.is_none_or(|c| c.matches(&decode(def, o))))
                .collect();
            store.check_children(def, &doomed)?;
        }
        let Some(table) = store.models.get_mut(&def.name) else {
            return Ok(0);
        };
        let before = table.len();
        table.retain(|_, o| cond.is_some_and(|c| !c.matches(&decode(def, o))));
        let n = (before - table.len()) as u64;
        if n > 0 {
            self.persist(&store)?;
        }
        Ok(n)
    }

    async fn automigrate(&self, defs: &[&ModelDefinition]) -> Result<()> {
        let mut store = self.lock();
        store
            .foreign_keys
            .retain(|f| !defs.iter().any(|d| d.name == f.child || d.name == f.parent));
        for def in defs {
            store.models.remove(&def.name);
            store.ids.remove(&def.name);
            for fk in crate::schema::relations::foreign_keys(def, defs) {
                store.foreign_keys.push(ForeignKeyRule {
                    child: def.name.clone(),
                    child_prop: fk.property,
                    parent: fk.model,
                    parent_prop: fk.references,
                });
            }
        }
        self.persist(&store)
    }

    async fn begin(&self) -> Result<Arc<dyn Connector>> {
        let copy = self.lock().clone();
        Ok(Arc::new(MemoryConnector {
            inner: Arc::new(Inner {
                store: Mutex::new(copy),
                file: None,
            }),
            parent: Some(self.inner.clone()),
        }))
    }

    async fn commit(&self) -> Result<()> {
        let parent = self
            .parent
            .as_ref()
            .ok_or_else(|| Error::Unsupported("commit outside a transaction".into()))?;
        let committed = self.lock().clone();
        let mut target = parent.lock();
        *target = committed;
        parent.persist(&target)
    }

    async fn rollback(&self) -> Result<()> {
        if self.parent.is_none() {
            return Err(Error::Unsupported("rollback outside a transaction".into()));
        }
        Ok(())
    }
}
