//! Connectors: where rows live.
//!
//! Every connector implements [`Connector`]; the repositories do hooks,
//! validation and decoding, connectors only store and query checked rows.
//!
//! | connector | URL                         | status                                   |
//! |-----------|-----------------------------|------------------------------------------|
//! | memory    | `memory:` / `memory:a.json` | always built; the file form persists     |
//! | SQLite    | `sqlite:` / `sqlite::memory:` | feature `sqlite` (default)             |
//! | PostgreSQL| `postgres:` / `postgresql:` | feature `postgres`                       |
//! | MySQL     | `mysql:` / `mariadb:`       | feature `mysql`                          |

pub mod memory;
#[cfg(feature = "_sql")]
pub mod sql;

use crate::filter::resolve::{Cond, Query};
use crate::schema::ModelDefinition;
use crate::value::{Row, Value};
use crate::{Error, Result};
use std::sync::Arc;

/// How a join table (or a through model) links parents to the rows of
/// another model.
#[derive(Debug, Clone, Copy)]
pub struct LinkSpec<'a> {
    /// The join table's (or through model's) definition.
    pub def: &'a ModelDefinition,
    /// Its property holding the parent's key.
    pub to_parent: usize,
    /// Its property holding the linked row's key.
    pub to_target: usize,
    /// The linked model's property that `to_target` holds (its id).
    pub target_key: usize,
}

/// What [`Connector::find_each`] hands each row to: the row, and the column
/// of each property.
pub type RowSink<'s> =
    dyn for<'r, 'c> FnMut(&'r dyn crate::value::ReadRow, &'c [Option<usize>]) -> Result<()> + Send + 's;

impl LinkSpec<'_> {
    /// A query for the two keys of link rows (the caller adds the condition).
    pub(crate) fn pairs_query(&self) -> Query {
        Query {
            cond: None,
            order: Vec::new(),
            ordered: false,
            near: None,
            limit: None,
            skip: None,
            fields: Some(vec![
                self.to_parent.min(self.to_target),
                self.to_parent.max(self.to_target),
            ]),
            include: Vec::new(),
        }
    }
}

/// A pool's connections: open, and idle among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub size: u32,
    /// Connections open and not in use.
    pub idle: usize,
}

/// Storage behind a [`DataSource`](crate::DataSource).
#[async_trait::async_trait]
pub trait Connector: Send + Sync + 'static {
    /// The connector's name (`memory`, `sqlite`, ...).
    fn name(&self) -> &'static str;

    /// The most values one statement may bind (`usize::MAX`: no limit).
    fn max_binds(&self) -> usize {
        usize::MAX
    }

    /// How many connections the pool holds, and how many of them are idle
    /// (`None`: the connector has no pool).
    fn pool_status(&self) -> Option<PoolStatus> {
        None
    }

    /// Inserts rows, all or none; generated ids are filled in the returned rows.
    async fn insert(&self, def: &ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>>;

    /// Rows matching the query, sorted and paged; properties outside
    /// `query.fields` are NULL.
    async fn find(&self, def: &ModelDefinition, query: &Query) -> Result<Vec<Row>>;

    /// Number of rows matching `cond`.
    async fn count(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64>;

    /// Sets properties on every row matching `cond`; returns how many.
    async fn update(&self, def: &ModelDefinition, cond: Option<&Cond>, set: &[(usize, Value)]) -> Result<u64>;

    /// Replaces the row with the same id; `false` when there is none.
    async fn replace(&self, def: &ModelDefinition, row: Row) -> Result<bool>;

    /// Replaces the row with the same id or inserts it, atomically; returns the
    /// stored row and whether it was inserted.
    async fn upsert(&self, def: &ModelDefinition, row: Row) -> Result<(Row, bool)>;

    /// Deletes every row matching `cond`; returns how many.
    async fn delete(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64>;

    /// [`Connector::insert`] for a derived model, whose definition lives as
    /// long as the program: SQL connectors build its statement once.
    async fn insert_static(&self, def: &'static ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
        self.insert(def, rows).await
    }

    /// [`Connector::find_by_id_static`] handing the row, if there is one, to
    /// `sink` as it is read (every property selected, property `p` in column
    /// `p`): typed results decode straight into the struct. `false` when
    /// there is no such row.
    async fn find_by_id_each_static(
        &self,
        def: &'static ModelDefinition,
        id: &[Value],
        sink: &mut RowSink<'_>,
    ) -> Result<bool> {
        let Some(row) = self.find_by_id_static(def, id).await? else {
            return Ok(false);
        };
        let columns: Vec<Option<usize>> = (0..row.values.len()).map(Some).collect();
        sink(&crate::value::ValuesRow(std::cell::RefCell::new(row.values)), &columns)?;
        Ok(true)
    }

    /// [`Connector::insert_static`] for a batch of a derived model with one
    /// id property, whose caller keeps its instances: `values` holds the
    /// rows one after the other (`def.properties.len()` values each), and the
    /// answer is each row's id, generated ones filled in. SQL connectors move
    /// the values into the statement instead of copying them.
    async fn insert_values(&self, def: &'static ModelDefinition, values: Vec<Value>) -> Result<Vec<Value>> {
        let id = single_id(def)?;
        let width = def.properties.len();
        let mut values = values.into_iter();
        let rows: Vec<Row> = (0..values.len() / width)
            .map(|_| Row::new(values.by_ref().take(width).collect()))
            .collect();
        let rows = self.insert_static(def, rows).await?;
        Ok(rows
            .into_iter()
            .map(|mut row| row.values.get_mut(id).map(std::mem::take).unwrap_or_default())
            .collect())
    }

    /// The row with this id, for a derived model (statement built once).
    async fn find_by_id_static(&self, def: &'static ModelDefinition, id: &[Value]) -> Result<Option<Row>> {
        let cond = crate::ops::id_cond(def, id)?;
        let query = Query::one(cond);
        Ok(self.find(def, &query).await?.pop())
    }

    /// Deletes the row with this id, for a derived model (statement built once).
    async fn delete_by_id_static(&self, def: &'static ModelDefinition, id: &[Value]) -> Result<u64> {
        let cond = crate::ops::id_cond(def, id)?;
        self.delete(def, Some(&cond)).await
    }

    /// Sets properties on the row with this id, for a derived model
    /// (statement built once per set of properties).
    async fn update_by_id_static(
        &self,
        def: &'static ModelDefinition,
        id: &[Value],
        set: &[(usize, Value)],
    ) -> Result<u64> {
        let cond = crate::ops::id_cond(def, id)?;
        self.update(def, Some(&cond), set).await
    }

    /// [`Connector::find`] handing each row to `sink` as it is read, with
    /// the column of each property (`None`: left out by `fields`): typed
    /// results decode straight into the struct. This default reads the rows
    /// first.
    async fn find_each(&self, def: &ModelDefinition, query: &Query, sink: &mut RowSink<'_>) -> Result<()> {
        let rows = self.find(def, query).await?;
        feed_rows(def, query, rows, sink)
    }

    /// Sets properties on the row with this id and returns the row as it is
    /// now (`None` when there is none), for a derived model. PostgreSQL and
    /// SQLite do it in one statement (`UPDATE .. RETURNING`); this default
    /// updates, then reads.
    async fn update_by_id_returning_static(
        &self,
        def: &'static ModelDefinition,
        id: &[Value],
        set: &[(usize, Value)],
    ) -> Result<Option<Row>> {
        if self.update_by_id_static(def, id, set).await? == 0 {
            return Ok(None);
        }
        self.find_by_id_static(def, id).await
    }

    /// Rows of `def` matching `query` that `link` links to one of the parent
    /// `keys`, each with the key of its parent: one entry per link, in the
    /// query's order (`limit` / `skip` apply to the whole result). SQL
    /// connectors do it in one statement (a join); this default reads the
    /// link rows, then the linked rows.
    async fn find_linked(
        &self,
        def: &ModelDefinition,
        query: &Query,
        link: &LinkSpec<'_>,
        keys: &[Value],
    ) -> Result<Vec<(Value, Row)>> {
        find_linked_in_two_steps(self, def, query, link, keys).await
    }

    /// Reads the database's schemas into a catalog, with a fixed number of
    /// catalog queries per schema whatever the number of tables.
    async fn discover(
        &self,
        options: &crate::schema::catalog::DiscoverOptions,
    ) -> Result<crate::schema::catalog::Catalog> {
        let _ = options;
        Err(crate::Error::Unsupported(format!(
            "the {} connector has nothing to discover",
            self.name()
        )))
    }

    /// The names of the schemas a discovery of "everything" reads (system
    /// schemas left out).
    async fn schema_names(&self) -> Result<Vec<String>> {
        Err(crate::Error::Unsupported(format!(
            "the {} connector has no schemas",
            self.name()
        )))
    }

    /// Drops and re-creates the storage of each model (destroys its data).
    async fn automigrate(&self, defs: &[&ModelDefinition]) -> Result<()>;

    /// The first column of the rows `sql` returns, as text (`binds` are
    /// text parameters). Schema sync reads counts and SQLite triggers with it.
    async fn query_texts(&self, sql: String, binds: Vec<String>) -> Result<Vec<Option<String>>> {
        let _ = (sql, binds);
        Err(crate::Error::Unsupported(format!(
            "the {} connector runs no SQL",
            self.name()
        )))
    }

    /// Runs a migration's statements: in one transaction where DDL is
    /// transactional (PostgreSQL; SQLite, with foreign keys off while it
    /// runs and `PRAGMA foreign_key_check` before the commit), one by one on
    /// MySQL. On failure, how many statements took effect and why.
    async fn apply_ddl(&self, statements: &[String]) -> std::result::Result<(), (usize, crate::Error)> {
        let _ = statements;
        Err((
            0,
            crate::Error::Unsupported(format!("the {} connector has no schema to change", self.name())),
        ))
    }

    /// Starts a transaction (a savepoint inside one); the returned connector
    /// runs every operation in it.
    async fn begin(&self) -> Result<Arc<dyn Connector>>;

    /// Commits a connector returned by [`Connector::begin`].
    async fn commit(&self) -> Result<()>;

    /// Rolls back a connector returned by [`Connector::begin`].
    async fn rollback(&self) -> Result<()>;
}

/// [`Connector::find_linked`] without a join: the link rows, then the linked
/// rows.
pub(crate) async fn find_linked_in_two_steps<C: Connector + ?Sized>(
    conn: &C,
    def: &ModelDefinition,
    query: &Query,
    link: &LinkSpec<'_>,
    keys: &[Value],
) -> Result<Vec<(Value, Row)>> {
    use crate::filter::resolve::CmpOp;
    use crate::relations::load::Key;
    use std::collections::HashMap;
    let within = |prop: usize, values: Vec<Value>| Cond::Cmp {
        prop,
        op: CmpOp::In(values),
    };
    let mut pairs_query = link.pairs_query();
    pairs_query.cond = Some(within(link.to_parent, keys.to_vec()));
    let mut parents_of: HashMap<Key, Vec<Value>> = HashMap::new();
    let mut targets = Vec::new();
    for mut row in conn.find(link.def, &pairs_query).await? {
        let p = std::mem::take(&mut row.values[link.to_parent]);
        let t = std::mem::take(&mut row.values[link.to_target]);
        let Some(k) = Key::of(&t) else { continue };
        let entry = parents_of.entry(k).or_default();
        if entry.is_empty() {
            targets.push(t);
        }
        entry.push(p);
    }
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = query.clone();
    let linked = within(link.target_key, targets);
    q.cond = Some(match q.cond.take() {
        Some(c) => Cond::And(vec![c, linked]),
        None => linked,
    });
    let (limit, skip) = (q.limit.take(), q.skip.take());
    if let Some(fields) = &mut q.fields {
        if !fields.contains(&link.target_key) {
            fields.push(link.target_key);
            fields.sort_unstable();
        }
    }
    let mut out = Vec::new();
    for row in conn.find(def, &q).await? {
        let parents = Key::of(&row.values[link.target_key]).and_then(|k| parents_of.get(&k));
        for p in parents.into_iter().flatten() {
            out.push((p.clone(), row.clone()));
        }
    }
    let skip = usize::try_from(skip.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = usize::try_from(limit.unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
    Ok(out.into_iter().skip(skip).take(limit).collect())
}

/// Hands stored rows to a [`RowSink`], one by one.
pub(crate) fn feed_rows(def: &ModelDefinition, query: &Query, rows: Vec<Row>, sink: &mut RowSink<'_>) -> Result<()> {
    let columns: Vec<Option<usize>> = (0..def.properties.len())
        .map(|p| match &query.fields {
            Some(f) if !f.contains(&p) => None,
            _ => Some(p),
        })
        .collect();
    for row in rows {
        sink(&crate::value::ValuesRow(std::cell::RefCell::new(row.values)), &columns)?;
    }
    Ok(())
}

/// The position of a model's one id property.
pub(crate) fn single_id(def: &ModelDefinition) -> Result<usize> {
    match crate::ops::id_positions(def)[..] {
        [id] => Ok(id),
        _ => Err(Error::Unsupported(format!(
            "`{}` has no single id property to give back",
            def.name
        ))),
    }
}
