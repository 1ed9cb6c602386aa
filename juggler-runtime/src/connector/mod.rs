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
use crate::Result;
use std::sync::Arc;

/// Storage behind a [`DataSource`](crate::DataSource).
#[async_trait::async_trait]
pub trait Connector: Send + Sync + 'static {
    /// The connector's name (`memory`, `sqlite`, ...).
    fn name(&self) -> &'static str;

    /// The most values one statement may bind (`usize::MAX`: no limit).
    fn max_binds(&self) -> usize {
        usize::MAX
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

    /// Drops and re-creates the storage of each model (destroys its data).
    async fn automigrate(&self, defs: &[&ModelDefinition]) -> Result<()>;

    /// Starts a transaction (a savepoint inside one); the returned connector
    /// runs every operation in it.
    async fn begin(&self) -> Result<Arc<dyn Connector>>;

    /// Commits a connector returned by [`Connector::begin`].
    async fn commit(&self) -> Result<()>;

    /// Rolls back a connector returned by [`Connector::begin`].
    async fn rollback(&self) -> Result<()>;
}
