//! The SQL connectors: SQLite over rusqlite (in the calling task, see
//! `sqlite/conn.rs`), PostgreSQL and MySQL/MariaDB over sqlx.
//!
//! They share the compiler in `compile.rs` and the body of the connector in
//! `sql_connector!` (its `Connector` impl in `trait_impl.rs`); the driver
//! half (pool, transactions, running a statement) is `sqlx_driver!` for
//! sqlx's databases and `sqlite/mod.rs` for SQLite; each driver module
//! supplies binding, decoding, insert ids and the atomic upsert.
//!
//! Behaviour that differs by database, and what juggler does about it:
//!
//! | topic | SQLite | PostgreSQL | MySQL / MariaDB |
//! |-------|--------|------------|-----------------|
//! | `like` case | `PRAGMA case_sensitive_like = ON` | `LIKE` | text columns are `utf8mb4_bin` |
//! | `ilike` | the pattern as an anchored case-insensitive `REGEXP` (Unicode case folding) | `ILIKE` | `LOWER(col) LIKE LOWER(?)` |
//! | `regexp` | Rust `regex` syntax (linear time: no backreferences, no look-around) | POSIX ARE (`~`, `~*`) | PCRE2 (MariaDB) / ICU (MySQL 8); backtracking, so stopped by the statement time-out |
//! | statement time-out | SQLite's progress handler stops the statement (`SQLITE_INTERRUPT`) | `SET statement_timeout` + client side | `max_statement_time` (MariaDB) / `max_execution_time` (MySQL, reads) + client side |
//! | concurrent writers | WAL, the pool's async write lock, `BEGIN IMMEDIATE`, `busy_timeout` | row locks | row locks |
//! | NULLs last ascending | `NULLS LAST` | `NULLS LAST` | `col IS NULL, col` |
//! | `near` | in Rust after reading | in Rust after reading | in Rust after reading |
//! | text order | byte order | the database collation | byte order (`utf8mb4_bin`) |
//! | `Decimal` column | exact text, compared and sorted as `REAL` (15-17 significant digits) | `NUMERIC` | `DECIMAL(p,s)`; without a scale `DECIMAL(65,28)`, read back without trailing zeros |
//! | `Vec<T>` of scalars | JSON text | `bigint[]`, `double precision[]`, `boolean[]`, `text[]` | JSON text |
//! | `inq` / include keys | `IN (?, ..)` | `= ANY($1)`, one array bind | `IN (?, ..)` |
//! | many-to-many include | one join | one join | one join |
//! | foreign keys | inline in `CREATE TABLE` | `ALTER TABLE .. ADD CONSTRAINT` | `ALTER TABLE .. ADD CONSTRAINT` |
//! | `upsert` | `ON CONFLICT (id)` | `ON CONFLICT (id)` | `ON DUPLICATE KEY UPDATE`, checked in a transaction when other unique keys exist |
//! | text with NUL | kept | refused (`InvalidData`) | kept |
//!
//! Every statement runs under [`PoolSettings::statement_timeout`]; a
//! connection that fails with a connection error is closed, a read is run
//! once more on another, and the pool pings connections idle since then
//! before handing them out.

mod binds;
mod cache;
mod compile;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod dates;
pub(crate) mod ddl;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) mod deadline;
mod pool;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod sqlx_driver;
mod trait_impl;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use sqlx_driver::sqlx_driver;

pub(crate) use trait_impl::sql_connector_trait;

#[cfg(feature = "mysql")]
pub(crate) use pool::connect_cause;
#[cfg(feature = "mysql")]
pub(crate) use pool::server_name;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use pool::Health;
pub use pool::PoolSettings;
pub(crate) use pool::{connect_error, Shared};
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use pool::{is_connection_error, is_server_timeout};
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use crate::schema::ModelDefinition;
use crate::Error;

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Turns a sqlx error into juggler's: a unique violation on a property with a
/// `uniqueness` rule or a unique index becomes a `ValidationError`.
pub(crate) fn map_error(def: &ModelDefinition, err: sqlx::Error) -> Error {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            let text = format!("{} {}", db.message(), db.constraint().unwrap_or(""));
            if let Some(e) = not_unique(def, &text) {
                return e;
            }
        }
        if db.code().as_deref() == Some("22021") && db.message().contains("0x00") {
            return Error::invalid_data(
                &def.name,
                "a text value holds a NUL character (\\0), which PostgreSQL text cannot store",
            );
        }
        return Error::Database {
            message: db.message().to_owned(),
            code: db.code().map(|c| c.into_owned()),
        };
    }
    Error::Database {
        message: crate::redact::text(&err.to_string()),
        code: None,
    }
}

/// What an insert leaves in the rows it was given (see `insert_rows`).
#[derive(Clone, Copy)]
pub(crate) enum Keep {
    /// The whole rows (their values are copied into the statements).
    Rows,
    /// Only this column (the id); the other values are moved into the
    /// statements.
    Column(usize),
}

impl Keep {
    /// The value to bind for `slot`, at position `pos`.
    fn value(self, slot: &mut crate::Value, pos: usize) -> crate::Value {
        match self {
            Keep::Column(kept) if kept != pos => std::mem::take(slot),
            _ => slot.clone(),
        }
    }
}

/// The rows an insert reads and fills in: whole rows, or one flat list of
/// values (a batch of a derived model, one allocation for all).
pub(crate) trait InsertRows: Send {
    /// How many rows.
    fn count(&self) -> usize;
    /// Row `i`'s values.
    fn row(&self, i: usize) -> &[crate::Value];
    /// Row `i`'s values, to change.
    fn row_mut(&mut self, i: usize) -> &mut [crate::Value];
}

impl InsertRows for Vec<crate::Row> {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize) -> &[crate::Value] {
        &self[i].values
    }
    fn row_mut(&mut self, i: usize) -> &mut [crate::Value] {
        &mut self[i].values
    }
}

/// Rows of `width` values each, one after the other.
pub(crate) struct Flat {
    pub(crate) values: Vec<crate::Value>,
    pub(crate) width: usize,
}

impl InsertRows for Flat {
    fn count(&self) -> usize {
        self.values.len() / self.width
    }
    fn row(&self, i: usize) -> &[crate::Value] {
        &self.values[i * self.width..(i + 1) * self.width]
    }
    fn row_mut(&mut self, i: usize) -> &mut [crate::Value] {
        &mut self.values[i * self.width..(i + 1) * self.width]
    }
}

/// A unique violation whose message `text` names a property with a
/// `uniqueness` rule or a unique index, as a `ValidationError`.
pub(crate) fn not_unique(def: &ModelDefinition, text: &str) -> Option<Error> {
    let (name, _) = def.properties.iter().find(|(name, p)| {
        let col = p.column(name, None);
        p.index.as_ref().is_some_and(|i| i.is_unique()) && text.contains(col)
    })?;
    let mut v = crate::ValidationError::new(&def.name);
    v.add(
        name,
        "uniqueness",
        "is not unique",
        &crate::Value::Null,
        def.is_hidden(name),
    );
    Some(Error::Validation(v))
}

/// PostgreSQL text cannot hold NUL: refuse it naming the property, before
/// anything is sent.
pub(crate) fn check_no_nul<'a>(
    def: &ModelDefinition,
    values: impl IntoIterator<Item = (usize, &'a crate::Value)>,
) -> crate::Result<()> {
    for (pos, value) in values {
        if let crate::Value::Text(t) = value {
            if t.contains('\0') {
                let name = def.properties.get_index(pos).map_or("", |(n, _)| n.as_str());
                return Err(Error::invalid_data(
                    &def.name,
                    format!("`{name}` holds a NUL character (\\0), which PostgreSQL text cannot store"),
                ));
            }
        }
    }
    Ok(())
}

/// Reads JSON kept as text; text that is not JSON is kept as text.
pub(crate) fn json_text(text: &str) -> crate::Value {
    crate::Value::from_json(serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned())))
}

/// `bind` and `decode` for the databases whose drivers convert freely between
/// integer widths and read booleans from integers (SQLite, MySQL). The module
/// provides `bind_decimal` and `decode_decimal`.
#[cfg(feature = "mysql")]
macro_rules! loose_codec {
    ($db:ty, $args:ty, $row:ty) => {
        type Q = sqlx::query::Query<'static, $db, $args>;

        #[inline]
        fn bind(q: Q, value: Value, kind: ColumnKind) -> Q {
            match (value, kind) {
                (Value::Null, _) => q.bind(None::<String>),
                (Value::Bool(b), _) => q.bind(b),
                (Value::Text(t), ColumnKind::DateTime) => bind_datetime(q, t),
                (Value::Decimal(d), ColumnKind::Float) => q.bind(rust_decimal::prelude::ToPrimitive::to_f64(&d)),
                (Value::Decimal(d), _) => bind_decimal(q, d),
                (value @ (Value::Int(_) | Value::Float(_)), ColumnKind::Decimal) => match value.to_decimal() {
                    Some(d) => bind_decimal(q, d),
                    None => q.bind(value.as_f64()),
                },
                (Value::Int(i), _) => q.bind(i),
                (Value::Float(f), _) => q.bind(f),
                (Value::Text(t), ColumnKind::Json) => q.bind(serde_json::Value::String(t).to_string()),
                (Value::Text(t), _) => q.bind(t),
                (Value::Bytes(b), _) => q.bind(b),
                (Value::Json(j), _) => q.bind(j.to_string()),
            }
        }

        /// How a column is read, decided once from the first row: by kind
        /// (dates by the column's type, see `column_plan`), integers by how
        /// the server sends them.
        #[derive(Clone, Copy)]
        struct Plan {
            kind: ColumnKind,
            int: IntShape,
        }

        fn plan(row: &$row, i: usize, kind: ColumnKind) -> Plan {
            Plan {
                kind: column_plan(row, i, kind),
                int: int_shape(row, i),
            }
        }

        fn decode_planned(row: &$row, i: usize, plan: Plan) -> std::result::Result<Value, sqlx::Error> {
            match plan.kind {
                ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
                    Ok(decode_int_as(row, i, plan.int)?.map_or(Value::Null, Value::Int))
                }
                kind => decode(row, i, kind),
            }
        }

        fn fast_int(row: &$row, i: usize, plan: Plan) -> Option<i64> {
            match plan.kind {
                ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
                    decode_int_as(row, i, plan.int).ok().flatten()
                }
                _ => None,
            }
        }

        fn fast_float(row: &$row, i: usize, plan: Plan) -> Option<f64> {
            match plan.kind {
                ColumnKind::Float => row.try_get::<Option<f64>, _>(i).ok().flatten(),
                _ => None,
            }
        }

        fn fast_bool(row: &$row, i: usize, plan: Plan) -> Option<bool> {
            match plan.kind {
                ColumnKind::Bool => row.try_get::<Option<bool>, _>(i).ok().flatten(),
                _ => None,
            }
        }

        fn fast_text(row: &$row, i: usize, plan: Plan) -> Option<String> {
            match plan.kind {
                ColumnKind::Text => row.try_get::<Option<String>, _>(i).ok().flatten(),
                _ => None,
            }
        }

        fn decode(row: &$row, i: usize, kind: ColumnKind) -> std::result::Result<Value, sqlx::Error> {
            if row.try_get_raw(i)?.is_null() {
                return Ok(Value::Null);
            }
            Ok(match kind {
                ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
                    decode_int(row, i)?.map_or(Value::Null, Value::Int)
                }
                ColumnKind::Float => Value::Float(row.try_get::<f64, _>(i)?),
                ColumnKind::Bool => Value::Bool(row.try_get::<bool, _>(i)?),
                ColumnKind::Text => Value::Text(row.try_get::<String, _>(i)?),
                ColumnKind::Bytes => Value::Bytes(row.try_get::<Vec<u8>, _>(i)?),
                // Lists are JSON text here (arrays are PostgreSQL's).
                ColumnKind::Json
                | ColumnKind::TextArray
                | ColumnKind::BigIntArray
                | ColumnKind::FloatArray
                | ColumnKind::BoolArray => super::json_text(&row.try_get::<String, _>(i)?),
                ColumnKind::Decimal => decode_decimal(row, i)?,
                ColumnKind::DateTime => decode_datetime(row, i)?,
            })
        }
    };
}

#[cfg(feature = "mysql")]
pub(crate) use loose_codec;

/// Stamps out a connector. The module that invokes it provides the driver
/// half (`sqlx_driver!` for sqlx's databases, `sqlite/driver.rs` for SQLite):
/// `Exec`, `TxState` (with `savepoints`), `DbRow`, `is_null`,
/// `pool_status`, `fetch_all`, `fetch_optional`, `execute`,
/// `begin_on_pool`, `end_tx`, `apply_ddl_here`; and the codec (`plan`,
/// `decode`, `decode_planned`, `fast_*`), `insert_ids`, `upsert_row`,
/// `discover_catalog`.
macro_rules! sql_connector {
    ($name:ident, $dialect:expr) => {
        use $crate::connector::sql::compile;
        use $crate::connector::Connector;
        use $crate::filter::resolve::{Cond, Query};
        use $crate::schema::{Dialect, ModelDefinition};
        use $crate::value::{Row, Value};
        use $crate::{Error, Result};
        use std::sync::Arc;

        /// The connector; see the module docs.
        pub struct $name {
            exec: Exec,
            statements: Arc<compile::StatementCache>,
            shared: Arc<$crate::connector::sql::Shared>,
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let state = match &self.exec {
                    Exec::Pool(_) => "pool",
                    Exec::Tx(_) => "transaction",
                    Exec::Savepoint(..) => "savepoint",
                };
                f.debug_struct(stringify!($name)).field("exec", &state).finish()
            }
        }

        const DIALECT: Dialect = $dialect;

        fn closed() -> Error {
            Error::Unsupported("the transaction is already committed or rolled back".to_owned())
        }

        fn log(sql: &str, params: usize, started: std::time::Instant) {
            tracing::debug!(
                target: "juggler::sql",
                sql = %sql,
                params = params,
                elapsed_us = started.elapsed().as_micros() as u64,
                "statement"
            );
        }

        /// One row read column by column for the derive's decoder.
        struct SqlRow<'a> {
            row: &'a DbRow,
            plans: &'a [Plan],
            def: &'a ModelDefinition,
            positions: &'a [usize],
        }

        impl $crate::value::ReadRow for SqlRow<'_> {
            fn is_null(&self, i: usize) -> bool {
                is_null(self.row, i)
            }

            fn value(&self, i: usize) -> std::result::Result<Value, String> {
                let mut v = decode_planned(self.row, i, self.plans[i]).map_err(|e| e.to_string())?;
                if let Value::Decimal(d) = &mut v {
                    if DIALECT == Dialect::MySql && self.def.properties[self.positions[i]].scale.is_none() {
                        *d = d.normalize();
                    }
                }
                Ok(v)
            }

            fn int(&self, i: usize) -> Option<i64> {
                fast_int(self.row, i, self.plans[i])
            }

            fn float(&self, i: usize) -> Option<f64> {
                fast_float(self.row, i, self.plans[i])
            }

            fn boolean(&self, i: usize) -> Option<bool> {
                fast_bool(self.row, i, self.plans[i])
            }

            fn text(&self, i: usize) -> Option<String> {
                fast_text(self.row, i, self.plans[i])
            }
        }

        impl $name {
            /// A transaction on a connection of the pool; a savepoint inside
            /// a transaction.
            async fn begin_here(&self) -> Result<$name> {
                let state = match &self.exec {
                    Exec::Pool(pool) => return self.begin_on_pool(pool).await,
                    Exec::Tx(state) | Exec::Savepoint(state, _) => state,
                };
                let n = state.savepoints.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                let name = format!("juggler_sp_{n}");
                let nested =
                    $name { exec: Exec::Savepoint(state.clone(), name.clone()), statements: self.statements.clone(), shared: self.shared.clone() };
                nested.raw(format!("SAVEPOINT {name}")).await?;
                Ok(nested)
            }

            /// Commits (`true`) or rolls back a transaction or savepoint.
            async fn finish(&self, commit: bool) -> Result<()> {
                match &self.exec {
                    Exec::Pool(_) => {
                        let what = if commit { "commit" } else { "rollback" };
                        Err(Error::Unsupported(format!("{what} outside a transaction")))
                    }
                    Exec::Tx(state) => self.end_tx(state, commit).await,
                    Exec::Savepoint(_, name) => {
                        let verb = if commit { "RELEASE" } else { "ROLLBACK TO" };
                        self.raw(format!("{verb} SAVEPOINT {name}")).await
                    }
                }
            }

            async fn raw(&self, sql: String) -> Result<()> {
                let stmt = compile::Statement { sql, shared: None, binds: Default::default() };
                let empty = ModelDefinition::default();
                self.execute(&empty, stmt).await.map(|_| ())
            }

            fn decode_rows(def: &ModelDefinition, rows: Vec<DbRow>, positions: &[usize]) -> Result<Vec<Row>> {
                Self::decode_rows_from(def, &rows, positions, 0)
            }

            /// Decodes columns `offset..` of each row into `def`'s properties at `positions`.
            fn decode_rows_from(def: &ModelDefinition, rows: &[DbRow], positions: &[usize], offset: usize) -> Result<Vec<Row>> {
                let kinds: Vec<_> = positions
                    .iter()
                    .map(|p| $crate::schema::sql::column_kind(&def.properties[*p], DIALECT))
                    .collect();
                Self::decode_with(def, rows, positions, &kinds, offset)
            }

            /// [`Self::decode_rows_from`] with the kinds of `positions` at hand.
            fn decode_with(
                def: &ModelDefinition,
                rows: &[DbRow],
                positions: &[usize],
                kinds: &[$crate::schema::ColumnKind],
                offset: usize,
            ) -> Result<Vec<Row>> {
                // How each column is read, decided once from the first row.
                let plans: Vec<Plan> = match rows.first() {
                    Some(first) => kinds.iter().enumerate().map(|(i, k)| plan(first, i + offset, *k)).collect(),
                    None => return Ok(Vec::new()),
                };
                rows.iter()
                    .map(|r| {
                        let mut values = vec![Value::Null; def.properties.len()];
                        for (i, (pos, plan)) in positions.iter().zip(&plans).enumerate() {
                            values[*pos] = decode_planned(r, i + offset, *plan).map_err(|e| {
                                let name = def.properties.get_index(*pos).map_or("", |(n, _)| n.as_str());
                                Error::invalid_data(&def.name, format!("cannot read `{name}`: {e}"))
                            })?;
                            if let Value::Decimal(d) = &mut values[*pos] {
                                if DIALECT == Dialect::MySql && def.properties[*pos].scale.is_none() {
                                    // DECIMAL(65,28) pads with zeros the value never had.
                                    *d = d.normalize();
                                }
                            }
                        }
                        Ok(Row::new(values))
                    })
                    .collect()
            }

            /// The cached `SELECT .. WHERE id = ..` of a derived model, with
            /// the model's layout.
            fn find_by_id_statement(
                &self,
                def: &'static ModelDefinition,
                id: &[Value],
            ) -> Result<(std::sync::Arc<compile::Layout>, compile::Statement)> {
                let layout = self.statements.layout(def, DIALECT);
                let binds = Self::id_binds(def, &layout, id)?;
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "find_by_id", Some(0)), binds, || {
                    let cond = $crate::ops::id_cond(def, id).unwrap_or(Cond::And(Vec::new()));
                    compile::select(def, DIALECT, &Query::one(cond)).0.sql
                });
                Ok((layout, stmt))
            }

            fn id_binds(def: &ModelDefinition, layout: &compile::Layout, id: &[Value]) -> Result<Vec<(Value, $crate::schema::ColumnKind)>> {
                Self::binds_with_id(def, layout, &[], id)
            }

            /// The binds of `set` then of the id `id` (checked to be whole),
            /// in one allocation.
            fn binds_with_id(
                def: &ModelDefinition,
                layout: &compile::Layout,
                set: &[(usize, Value)],
                id: &[Value],
            ) -> Result<Vec<(Value, $crate::schema::ColumnKind)>> {
                let ids = &layout.ids;
                if ids.is_empty() || ids.len() != id.len() || id.iter().any(Value::is_null) {
                    // Let the general path report it.
                    $crate::ops::id_cond(def, id)?;
                    return Err(Error::Unsupported(format!("`{}` needs a full, non-null id", def.name)));
                }
                let mut binds = Vec::with_capacity(set.len() + id.len());
                binds.extend(set.iter().map(|(p, v)| (v.clone(), layout.kinds[*p])));
                binds.extend(ids.iter().zip(id).map(|(p, v)| (v.clone(), layout.kinds[*p])));
                Ok(binds)
            }

            /// Inserts rows, all or none: one statement per chunk (under the
            /// bind limit and the statement size limit), in one transaction
            /// (a savepoint inside the caller's) when there are several.
            ///
            /// With `Keep::Rows` the rows come back whole, generated ids filled
            /// in; with `Keep::Column(p)` the values are moved into the
            /// statements and only column `p` (the id) is left in each row.
            async fn insert_rows<R: $crate::connector::sql::InsertRows>(
                &self,
                def: &ModelDefinition,
                fixed: Option<&'static ModelDefinition>,
                rows: R,
                keep: $crate::connector::sql::Keep,
            ) -> Result<R> {
                if DIALECT == Dialect::Postgres {
                    for i in 0..rows.count() {
                        $crate::connector::sql::check_no_nul(def, rows.row(i).iter().enumerate())?;
                    }
                }
                let generated = $crate::schema::sql::generated_id(def).and_then(|(n, _)| def.properties.get_index_of(n));
                // Rows whose generated id is unset leave the column out and get it back.
                let (auto, given): (Vec<usize>, Vec<usize>) = (0..rows.count())
                    .partition(|i| generated.is_some_and(|g| $crate::model::is_unset_id(&rows.row(*i)[g])));
                let all: Vec<usize> = (0..def.properties.len()).collect();
                let without_id: Vec<usize> = all.iter().copied().filter(|p| Some(*p) != generated).collect();
                let mut plan: Vec<(bool, Vec<usize>)> = Vec::new();
                for (group, leaves_id_out) in [(given, false), (auto, true)] {
                    let width = if leaves_id_out { without_id.len() } else { all.len() };
                    for chunk in compile::insert_chunks(&rows, &group, width, DIALECT) {
                        plan.push((leaves_id_out, chunk));
                    }
                }
                if plan.len() > 1 {
                    let tx = self.begin_here().await?;
                    return match tx.insert_planned(def, fixed, rows, &plan, generated, keep).await {
                        Ok(out) => {
                            tx.commit().await?;
                            Ok(out)
                        }
                        Err(e) => {
                            let _ = tx.rollback().await;
                            Err(e)
                        }
                    };
                }
                self.insert_planned(def, fixed, rows, &plan, generated, keep).await
            }

            async fn insert_planned<R: $crate::connector::sql::InsertRows>(
                &self,
                def: &ModelDefinition,
                fixed: Option<&'static ModelDefinition>,
                rows: R,
                plan: &[(bool, Vec<usize>)],
                generated: Option<usize>,
                keep: $crate::connector::sql::Keep,
            ) -> Result<R> {
                let mut out = rows;
                let all: Vec<usize> = (0..def.properties.len()).collect();
                let without_id: Vec<usize> = all.iter().copied().filter(|p| Some(*p) != generated).collect();
                for (leaves_id_out, chunk) in plan {
                    let columns = if *leaves_id_out { &without_id } else { &all };
                    let returning = if DIALECT == Dialect::Postgres && *leaves_id_out { generated } else { None };
                    let value = |r: usize, p: usize| keep.value(&mut out.row_mut(chunk[r])[p], p);
                    let rows = chunk.len();
                    let stmt = match fixed {
                        Some(fixed) => {
                            let layout = self.statements.layout(fixed, DIALECT);
                            let binds = compile::insert_binds(columns, &layout.kinds, rows, value);
                            self.insert_statement(fixed, columns, rows, returning, binds.into())
                        }
                        None => compile::insert(def, DIALECT, columns, rows, value, returning),
                    };
                    let ids = self.insert_ids(def, stmt, chunk.len(), returning.is_some()).await?;
                    if *leaves_id_out {
                        if let Some(g) = generated {
                            for (i, id) in chunk.iter().zip(ids) {
                                out.row_mut(*i)[g] = Value::Int(id);
                            }
                        }
                    }
                }
                Ok(out)
            }

            /// An insert of `rows` rows of a derived model into `columns`
            /// with these binds, its text from the cache while the cache has
            /// room for its shape.
            fn insert_statement(
                &self,
                def: &'static ModelDefinition,
                columns: &[usize],
                rows: usize,
                returning: Option<usize>,
                binds: compile::Binds,
            ) -> compile::Statement {
                let key = self.statements.batch_key(def, compile::mask(columns.iter().copied()), rows);
                compile::Statement::cached(&self.statements, key, binds, || {
                    compile::insert_text(def, DIALECT, columns, rows, returning)
                })
            }

            /// A batch that is one statement (every generated id unset, or
            /// every one given; under the bind and size limits): the values
            /// move into it whole, no list of binds made. The ids of the rows,
            /// or the batch back (`Err`) for [`Self::insert_rows`].
            async fn insert_one_statement(
                &self,
                def: &'static ModelDefinition,
                flat: $crate::connector::sql::Flat,
                id: usize,
            ) -> Result<std::result::Result<Vec<Value>, $crate::connector::sql::Flat>> {
                use $crate::connector::sql::InsertRows as _;
                let rows = flat.count();
                if rows == 0 {
                    return Ok(Ok(Vec::new()));
                }
                if DIALECT == Dialect::Postgres {
                    $crate::connector::sql::check_no_nul(def, flat.values.iter().enumerate().map(|(i, v)| (i % flat.width, v)))?;
                }
                let layout = self.statements.layout(def, DIALECT);
                let generated = layout.generated;
                let unset = |r: usize| generated.is_some_and(|g| $crate::model::is_unset_id(&flat.row(r)[g]));
                let leaves_id_out = unset(0);
                if (1..rows).any(|r| unset(r) != leaves_id_out) {
                    return Ok(Err(flat));
                }
                let columns: Vec<usize> = (0..flat.width).filter(|p| !leaves_id_out || Some(*p) != generated).collect();
                let all: Vec<usize> = (0..rows).collect();
                if compile::insert_chunks(&flat, &all, columns.len(), DIALECT).len() != 1 {
                    return Ok(Err(flat));
                }
                let given: Vec<Value> = if leaves_id_out {
                    Vec::new()
                } else {
                    (0..rows).map(|r| flat.row(r)[id].clone()).collect()
                };
                let kinds = (0..flat.width).map(|p| columns.contains(&p).then(|| layout.kinds[p])).collect();
                let returning = if DIALECT == Dialect::Postgres && leaves_id_out { generated } else { None };
                let binds = compile::Binds::Rows { values: flat.values, kinds };
                let stmt = self.insert_statement(def, &columns, rows, returning, binds);
                let ids = self.insert_ids(def, stmt, rows, returning.is_some()).await?;
                Ok(Ok(if leaves_id_out { ids.into_iter().map(Value::Int).collect() } else { given }))
            }

            /// Runs DDL statements as they are (they come from definitions).
            pub(crate) async fn run_ddl(&self, statements: &[String]) -> Result<()> {
                for sql in statements {
                    self.raw(sql.clone()).await?;
                }
                Ok(())
            }
        }

        $crate::connector::sql::sql_connector_trait!($name);
    };
}

pub(crate) use sql_connector;
