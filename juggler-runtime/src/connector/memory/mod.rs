//! The memory connector: rows in a map, optionally written to a JSON file in
//! LoopBack's memory-connector format (`{"ids": {..}, "models": {..}}`), so a
//! file written by LoopBack loads here and the other way round.
//!
//! It evaluates filters with the same semantics as the SQL connectors
//! (anchored `like`, `neq` not matching NULL, NULLs last ascending) and
//! enforces unique indexes and the foreign keys `automigrate` sets up from
//! relations, so it is a faithful stand-in in tests.
//!
//! Unique properties are indexed (an insert costs the same with 10 rows or
//! 100,000). A transaction reads a snapshot taken when it began plus its own
//! writes, and its commit applies only what it wrote, row by row, checked
//! against the store as it is then (unique indexes, foreign keys): writes
//! made meanwhile outside the transaction are kept, and ids are never handed
//! out twice.

use super::Connector;
use crate::filter::resolve::{Cond, Query};
use crate::model::is_unset_id;
use crate::schema::{ModelDefinition, PropertyType};
use crate::value::{Row, Value};
use crate::{Error, Result};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod file;
mod replay;
mod table;

use table::Table;

type Object = Map<String, Json>;

/// Id counters, shared by a store and every transaction over it.
type Counters = Arc<Mutex<BTreeMap<String, i64>>>;

/// One write of a transaction, replayed on its parent at commit.
#[derive(Clone)]
enum Change {
    Put {
        model: String,
        key: String,
        object: Object,
    },
    Remove {
        model: String,
        key: String,
    },
    Migrate {
        models: Vec<String>,
        foreign_keys: Vec<ForeignKeyRule>,
    },
}

#[derive(Default, Clone)]
struct Store {
    ids: Counters,
    /// Copy on write: a transaction's snapshot shares the tables until one
    /// side writes.
    models: BTreeMap<String, Arc<Table>>,
    /// Foreign keys `automigrate` set up, enforced like a database does (not
    /// written to the file: LoopBack's format has no place for them).
    foreign_keys: Vec<ForeignKeyRule>,
    /// In a transaction: what it wrote, in order.
    log: Option<Vec<Change>>,
    /// In a transaction: the definitions of the models it wrote, to check
    /// its writes again at commit.
    defs: BTreeMap<String, Arc<ModelDefinition>>,
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
/// SQLSTATE of "other objects depend on it", as PostgreSQL reports it.
const DEPENDENT_OBJECTS_STILL_EXIST: &str = "2BP01";

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
/// A transaction reads a snapshot plus its own writes; its commit applies
/// its writes row by row (checked against the store as it is then), so
/// writes made meanwhile outside it are kept. Two writers of the same row:
/// the later commit wins for that row.
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
    /// half a file). A file that is not a memory store (LoopBack's
    /// `{"ids": .., "models": ..}`) is an error naming it, and is left as it is.
    pub fn with_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let store = match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Store::default(),
            Ok(text) => file::load(&path, &text)?,
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
        file::write(path, store)
    }
}

impl Default for MemoryConnector {
    fn default() -> Self {
        MemoryConnector::new()
    }
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

/// The row key an id equality names, when it is one (`id = 3`).
fn id_key(def: &ModelDefinition, cond: &Cond) -> Option<String> {
    use crate::filter::resolve::CmpOp;
    let Cond::Cmp {
        prop,
        op: CmpOp::Eq(value),
    } = cond
    else {
        return None;
    };
    let ids = id_positions(def);
    match (ids.as_slice(), value) {
        ([id], Value::Int(_) | Value::Text(_)) if id == prop => Some(key_text(value)),
        _ => None,
    }
}

fn key_text(value: &Value) -> String {
    match value {
        Value::Text(t) => t.clone(),
        other => other.to_json().to_string(),
    }
}

/// As a SQL unique index would refuse it, reported like `uniqueness`.
fn not_unique(def: &ModelDefinition, name: &str, value: &Value) -> Error {
    let mut err = crate::ValidationError::new(&def.name);
    err.add(name, "uniqueness", "is not unique", value, def.is_hidden(name));
    err.into()
}

impl Store {
    fn counters(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, i64>> {
        self.ids.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The table of `def`, with its unique index ready.
    fn table(&mut self, def: &ModelDefinition) -> &mut Table {
        let table = Arc::make_mut(self.models.entry(def.name.clone()).or_default());
        table.ensure_index(def);
        table
    }

    /// Stores a row (checked by the caller), noting it in the transaction log.
    fn put(&mut self, def: &ModelDefinition, key: String, object: Object) -> Option<Object> {
        if self.log.is_some() && !self.defs.contains_key(&def.name) {
            self.defs.insert(def.name.clone(), Arc::new(def.clone()));
        }
        if let Some(log) = &mut self.log {
            log.push(Change::Put {
                model: def.name.clone(),
                key: key.clone(),
                object: object.clone(),
            });
        }
        self.table(def).put(key, object)
    }

    /// Removes a row, noting it in the transaction log.
    fn remove(&mut self, model: &str, key: &str) -> Option<Object> {
        if let Some(log) = &mut self.log {
            log.push(Change::Remove {
                model: model.to_owned(),
                key: key.to_owned(),
            });
        }
        Arc::make_mut(self.models.get_mut(model)?).remove(key)
    }

    /// Refuses `row` (stored under `key`) when a unique property's value
    /// belongs to another row.
    fn check_unique(&mut self, def: &ModelDefinition, key: &str, row: &Row) -> Result<()> {
        match self.table(def).conflict(def, key, row) {
            Some((name, pos)) => Err(not_unique(def, name, &row.values[pos])),
            None => Ok(()),
        }
    }

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
            let exists = self.models.get(&fk.parent).is_some_and(|t| {
                // Most foreign keys point at the id, which is the row's key.
                t.rows
                    .get(&key_text(value))
                    .is_some_and(|o| refers_to(o, &fk.parent_prop, value))
                    || t.rows.values().any(|o| refers_to(o, &fk.parent_prop, value))
            });
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

    /// None of `doomed` (keys of rows of `model` about to be deleted) is still
    /// referred to by a row that stays.
    fn check_children(&self, model: &str, doomed: &[String]) -> Result<()> {
        let Some(table) = self.models.get(model) else {
            return Ok(());
        };
        for fk in self.foreign_keys.iter().filter(|f| f.parent == model) {
            let Some(children) = self.models.get(&fk.child) else {
                continue;
            };
            for doomed_key in doomed {
                let Some(parent) = table.rows.get(doomed_key) else {
                    continue;
                };
                let Some(key) = parent.get(&fk.parent_prop).map(|v| Value::from_json(v.clone())) else {
                    continue;
                };
                if key.is_null() {
                    continue;
                }
                let referred = children.rows.iter().any(|(child_key, child)| {
                    refers_to(child, &fk.child_prop, &key) && !(fk.child == model && doomed.contains(child_key))
                });
                if referred {
                    return Err(Error::Database {
                        message: format!(
                            "cannot delete `{model}` {}: `{}.{}` still refers to it (foreign key)",
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

    fn next_id(&self, model: &str) -> i64 {
        let mut ids = self.counters();
        let n = ids.entry(model.to_owned()).or_insert(0);
        *n += 1;
        *n
    }

    fn bump_id(&self, model: &str, value: &Value) {
        if let Value::Int(i) = value {
            let mut ids = self.counters();
            let n = ids.entry(model.to_owned()).or_insert(0);
            if *i > *n {
                *n = *i;
            }
        }
    }

    /// Fills unset ids and returns the row's key.
    fn assign_id(&self, def: &ModelDefinition, ids: &[usize], row: &mut Row) -> Result<String> {
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

    /// Keys of the rows of `def` matching `cond`.
    fn matching(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Vec<String> {
        self.candidates(def, cond)
            .into_iter()
            .filter(|(_, o)| cond.is_none_or(|c| c.matches(&decode(def, o))))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The rows `cond` may match: the one row of an id equality (looked up
    /// by key, not scanned for), else every row.
    fn candidates<'s>(&'s self, def: &ModelDefinition, cond: Option<&Cond>) -> Vec<(&'s String, &'s Object)> {
        let Some(table) = self.models.get(&def.name) else {
            return Vec::new();
        };
        if let Some(key) = cond.and_then(|c| id_key(def, c)) {
            return table.rows.get_key_value(&key).into_iter().collect();
        }
        table.rows.iter().collect()
    }

    /// Where the transaction log stands, to undo back to.
    fn mark(&self) -> usize {
        self.log.as_ref().map_or(0, Vec::len)
    }

    /// Puts the old rows back (newest first) after a failed multi-row write,
    /// and forgets the log entries written since `mark`.
    fn undo(&mut self, def: &ModelDefinition, mark: usize, undo: Vec<(String, Option<Object>)>) {
        for (key, previous) in undo.into_iter().rev() {
            let table = self.table(def);
            match previous {
                Some(object) => {
                    table.put(key, object);
                }
                None => {
                    table.remove(&key);
                }
            }
        }
        if let Some(log) = &mut self.log {
            log.truncate(mark);
        }
    }
}

fn decode(def: &ModelDefinition, object: &Object) -> Row {
    Row::from_json_object(def, object.clone())
}

fn encode(def: &ModelDefinition, row: &Row) -> Object {
    row.to_json_object(def)
}

/// What a replayed change replaced, to put back when a later one fails.
enum Undo {
    Row {
        model: String,
        key: String,
        previous: Option<Object>,
    },
    Migrate {
        tables: Vec<(String, Option<Arc<Table>>)>,
        counters: Vec<(String, Option<i64>)>,
        foreign_keys: Vec<ForeignKeyRule>,
    },
}

impl Store {
    /// Inserts `rows`, all or none.
    fn insert_rows(&mut self, def: &ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
        let ids = id_positions(def);
        let mark = self.mark();
        let mut undo = Vec::new();
        let mut out = Vec::with_capacity(rows.len());
        let mut result = Ok(());
        for mut row in rows {
            let step = self.assign_id(def, &ids, &mut row).and_then(|key| {
                if self.models.get(&def.name).is_some_and(|t| t.rows.contains_key(&key)) {
                    return Err(Error::invalid_data(
                        &def.name,
                        format!("an instance with id {key} already exists"),
                    ));
                }
                self.check_unique(def, &key, &row)?;
                self.check_parents(def, &row)?;
                Ok(key)
            });
            match step {
                Ok(key) => {
                    let object = encode(def, &row);
                    undo.push((key.clone(), self.put(def, key, object)));
                    out.push(row);
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let Err(e) = result {
            // Ids handed out stay used, as a SQL sequence's do.
            self.undo(def, mark, undo);
            return Err(e);
        }
        Ok(out)
    }

    /// Sets `set` on the rows matching `cond`, all or none.
    fn update_rows(&mut self, def: &ModelDefinition, cond: Option<&Cond>, set: &[(usize, Value)]) -> Result<u64> {
        let keys = self.matching(def, cond);
        let mark = self.mark();
        let mut undo = Vec::new();
        for key in &keys {
            let Some(object) = self.models.get(&def.name).and_then(|t| t.rows.get(key)) else {
                continue;
            };
            let mut row = decode(def, object);
            for (pos, value) in set {
                row.values[*pos] = value.clone();
            }
            let checked = self
                .check_unique(def, key, &row)
                .and_then(|()| self.check_parents(def, &row));
            if let Err(e) = checked {
                self.undo(def, mark, undo);
                return Err(e);
            }
            let object = encode(def, &row);
            undo.push((key.clone(), self.put(def, key.clone(), object)));
        }
        Ok(keys.len() as u64)
    }

    /// Refuses to drop a model that a model staying behind refers to, as SQL
    /// databases refuse `DROP TABLE` of a referenced table.
    fn check_droppable(&self, models: &[String]) -> Result<()> {
        for fk in &self.foreign_keys {
            if models.contains(&fk.parent) && !models.contains(&fk.child) {
                return Err(Error::Database {
                    message: format!(
                        "cannot drop `{}`: `{}.{}` refers to it (foreign key); migrate `{}` together with it",
                        fk.parent, fk.child, fk.child_prop, fk.child
                    ),
                    code: Some(DEPENDENT_OBJECTS_STILL_EXIST.to_owned()),
                });
            }
        }
        Ok(())
    }

    /// Drops and re-creates `models` with these foreign keys; returns what
    /// it replaced.
    fn migrate(&mut self, models: &[String], foreign_keys: Vec<ForeignKeyRule>) -> Result<Undo> {
        self.check_droppable(models)?;
        if let Some(log) = &mut self.log {
            log.push(Change::Migrate {
                models: models.to_vec(),
                foreign_keys: foreign_keys.clone(),
            });
        }
        let previous_fks = self.foreign_keys.clone();
        self.foreign_keys
            .retain(|f| !models.contains(&f.child) && !models.contains(&f.parent));
        self.foreign_keys.extend(foreign_keys);
        let mut tables = Vec::new();
        let mut counters = Vec::new();
        for model in models {
            tables.push((model.clone(), self.models.remove(model)));
            counters.push((model.clone(), self.counters().remove(model)));
        }
        Ok(Undo::Migrate {
            tables,
            counters,
            foreign_keys: previous_fks,
        })
    }
}

#[async_trait::async_trait]
impl Connector for MemoryConnector {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn insert(&self, def: &ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
        let mut store = self.lock();
        let out = store.insert_rows(def, rows)?;
        self.persist(&store)?;
        Ok(out)
    }

    async fn find(&self, def: &ModelDefinition, query: &Query) -> Result<Vec<Row>> {
        let rows: Vec<Row> = {
            let store = self.lock();
            store
                .candidates(def, query.cond.as_ref())
                .into_iter()
                .map(|(_, o)| decode(def, o))
                .filter(|row| query.cond.as_ref().is_none_or(|c| c.matches(row)))
                .collect()
        };
        Ok(query.finish(rows))
    }

    async fn count(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
        let store = self.lock();
        Ok(store
            .candidates(def, cond)
            .into_iter()
            .filter(|(_, o)| cond.is_none_or(|c| c.matches(&decode(def, o))))
            .count() as u64)
    }

    async fn update(&self, def: &ModelDefinition, cond: Option<&Cond>, set: &[(usize, Value)]) -> Result<u64> {
        let mut store = self.lock();
        let n = store.update_rows(def, cond, set)?;
        if n > 0 {
            self.persist(&store)?;
        }
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
        if !store.models.get(&def.name).is_some_and(|t| t.rows.contains_key(&key)) {
            return Ok(false);
        }
        store.check_parents(def, &row)?;
        store.check_unique(def, &key, &row)?;
        store.put(def, key, encode(def, &row));
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
                .is_some_and(|t| t.rows.contains_key(&key_of(&ids, &row)));
        if !existing {
            let mut rows = store.insert_rows(def, vec![row])?;
            self.persist(&store)?;
            let row = rows
                .pop()
                .ok_or_else(|| Error::invalid_data(&def.name, "no row inserted"))?;
            return Ok((row, true));
        }
        let key = key_of(&ids, &row);
        store.check_parents(def, &row)?;
        store.check_unique(def, &key, &row)?;
        store.put(def, key, encode(def, &row));
        self.persist(&store)?;
        Ok((std::mem::take(&mut row), false))
    }

    async fn delete(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
        let mut store = self.lock();
        let doomed = store.matching(def, cond);
        store.check_children(&def.name, &doomed)?;
        for key in &doomed {
            store.remove(&def.name, key);
        }
        if !doomed.is_empty() {
            self.persist(&store)?;
        }
        Ok(doomed.len() as u64)
    }

    async fn automigrate(&self, defs: &[&ModelDefinition]) -> Result<()> {
        let mut store = self.lock();
        let models: Vec<String> = defs.iter().map(|d| d.name.clone()).collect();
        let mut foreign_keys = Vec::new();
        for def in defs {
            for fk in crate::schema::relations::foreign_keys(def, defs) {
                foreign_keys.push(ForeignKeyRule {
                    child: def.name.clone(),
                    child_prop: fk.property,
                    parent: fk.model,
                    parent_prop: fk.references,
                });
            }
            if store.log.is_some() {
                store.defs.insert(def.name.clone(), Arc::new((*def).clone()));
            }
        }
        store.migrate(&models, foreign_keys)?;
        self.persist(&store)
    }

    async fn begin(&self) -> Result<Arc<dyn Connector>> {
        let snapshot = {
            let store = self.lock();
            Store {
                ids: store.ids.clone(),
                models: store.models.clone(),
                foreign_keys: store.foreign_keys.clone(),
                log: Some(Vec::new()),
                defs: BTreeMap::new(),
            }
        };
        Ok(Arc::new(MemoryConnector {
            inner: Arc::new(Inner {
                store: Mutex::new(snapshot),
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
        let (log, defs) = {
            let mut store = self.lock();
            (store.log.take().unwrap_or_default(), std::mem::take(&mut store.defs))
        };
        if log.is_empty() {
            return Ok(());
        }
        let mut target = parent.lock();
        for (name, def) in &defs {
            if target.log.is_some() {
                target.defs.entry(name.clone()).or_insert_with(|| def.clone());
            }
        }
        target.replay(log, &defs)?;
        parent.persist(&target)
    }

    async fn rollback(&self) -> Result<()> {
        if self.parent.is_none() {
            return Err(Error::Unsupported("rollback outside a transaction".into()));
        }
        let mut store = self.lock();
        store.log = Some(Vec::new());
        Ok(())
    }
}
