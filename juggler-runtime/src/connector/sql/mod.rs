//! The SQL connectors (SQLite, PostgreSQL, MySQL/MariaDB) over sqlx.
//!
//! They share the compiler in `compile.rs` and the body of the connector in
//! `sql_connector!`; each driver module supplies binding, decoding, insert
//! ids and the atomic upsert, in the same item order so two can be diffed.
//!
//! Behaviour that differs by database, and what juggler does about it:
//!
//! | topic | SQLite | PostgreSQL | MySQL / MariaDB |
//! |-------|--------|------------|-----------------|
//! | `like` case | `PRAGMA case_sensitive_like = ON` | `LIKE` | text columns are `utf8mb4_bin` |
//! | `ilike` | `LOWER(col) LIKE LOWER(?)` (ASCII case only) | `ILIKE` | `LOWER(col) LIKE LOWER(?)` |
//! | `regexp` | Rust `regex` syntax | POSIX (`~`, `~*`) | PCRE / ICU |
//! | NULLs last ascending | `NULLS LAST` | `NULLS LAST` | `col IS NULL, col` |
//! | `near` | in Rust after reading | in Rust after reading | in Rust after reading |
//! | text order | byte order | the database collation | byte order (`utf8mb4_bin`) |
//! | `Decimal` column | exact text, compared and sorted as `REAL` (15-17 significant digits) | `NUMERIC` | `DECIMAL(p,s)`; without a scale `DECIMAL(65,28)`, read back without trailing zeros |
//! | `Vec<T>` of scalars | JSON text | `bigint[]`, `double precision[]`, `boolean[]`, `text[]` | JSON text |
//! | `inq` / include keys | `IN (?, ..)` | `= ANY($1)`, one array bind | `IN (?, ..)` |
//! | many-to-many include | one join | one join | one join |
//! | foreign keys | inline in `CREATE TABLE` | `ALTER TABLE .. ADD CONSTRAINT` | `ALTER TABLE .. ADD CONSTRAINT` |

mod compile;
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use crate::schema::ModelDefinition;
use crate::Error;

/// Turns a sqlx error into juggler's: a unique violation on a property with a
/// `uniqueness` rule or a unique index becomes a `ValidationError`.
pub(crate) fn map_error(def: &ModelDefinition, err: sqlx::Error) -> Error {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            let text = format!("{} {}", db.message(), db.constraint().unwrap_or(""));
            let found = def.properties.iter().find(|(name, p)| {
                let col = p.column(name, None);
                p.index.as_ref().is_some_and(|i| i.is_unique()) && text.contains(col)
            });
            if let Some((name, _)) = found {
                let mut v = crate::ValidationError::new(&def.name);
                v.add(
                    name,
                    "uniqueness",
                    "is not unique",
                    &crate::Value::Null,
                    def.is_hidden(name),
                );
                return Error::Validation(v);
            }
        }
        return Error::Database {
            message: db.message().to_owned(),
            code: db.code().map(|c| c.into_owned()),
        };
    }
    Error::Database {
        message: err.to_string(),
        code: None,
    }
}

/// Reads JSON kept as text; text that is not JSON is kept as text.
pub(crate) fn json_text(text: &str) -> crate::Value {
    crate::Value::from_json(serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned())))
}

/// Pool settings for [`DataSource::connect_with`](crate::DataSource::connect_with).
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections open at once (default 10; 1 for `sqlite::memory:`).
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// How long to wait for a free connection (default 30 s).
    pub acquire_timeout: std::time::Duration,
    /// Ping each connection before handing it out (default false: it costs a
    /// round trip on every query).
    pub test_before_acquire: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: std::time::Duration::from_secs(30),
            test_before_acquire: false,
        }
    }
}

/// `Error::Connect` for `url`.
pub(crate) fn connect_error(url: &str, err: impl std::fmt::Display) -> crate::Error {
    crate::Error::Connect {
        url: url.to_owned(),
        message: err.to_string(),
    }
}

impl PoolSettings {
    /// Opens a pool with these settings.
    pub(crate) async fn open<DB: sqlx::Database>(
        &self,
        url: &str,
        options: <DB::Connection as sqlx::Connection>::Options,
    ) -> crate::Result<sqlx::Pool<DB>> {
        self.options::<DB>()
            .connect_with(options)
            .await
            .map_err(|e| connect_error(url, e))
    }

    pub(crate) fn options<DB: sqlx::Database>(&self) -> sqlx::pool::PoolOptions<DB> {
        sqlx::pool::PoolOptions::<DB>::new()
            .max_connections(self.max_connections)
            .min_connections(self.min_connections)
            .acquire_timeout(self.acquire_timeout)
            .test_before_acquire(self.test_before_acquire)
    }
}

/// `bind` and `decode` for the databases whose drivers convert freely between
/// integer widths and read booleans from integers (SQLite, MySQL). The module
/// provides `bind_decimal` and `decode_decimal`.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
macro_rules! loose_codec {
    ($db:ty, $args:ty, $row:ty) => {
        type Q = sqlx::query::Query<'static, $db, $args>;

        fn bind(q: Q, value: Value, kind: ColumnKind) -> Q {
            match (value, kind) {
                (Value::Null, _) => q.bind(None::<String>),
                (Value::Bool(b), _) => q.bind(b),
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

        /// These drivers read by kind: the plan is the kind.
        type Plan = ColumnKind;

        fn plan(_: &$row, _: usize, kind: ColumnKind) -> Plan {
            kind
        }

        fn decode_planned(row: &$row, i: usize, kind: Plan) -> std::result::Result<Value, sqlx::Error> {
            decode(row, i, kind)
        }

        fn fast_int(row: &$row, i: usize, kind: Plan) -> Option<i64> {
            match kind {
                ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
                    row.try_get::<Option<i64>, _>(i).ok().flatten()
                }
                _ => None,
            }
        }

        fn fast_float(row: &$row, i: usize, kind: Plan) -> Option<f64> {
            match kind {
                ColumnKind::Float => row.try_get::<Option<f64>, _>(i).ok().flatten(),
                _ => None,
            }
        }

        fn fast_bool(row: &$row, i: usize, kind: Plan) -> Option<bool> {
            match kind {
                ColumnKind::Bool => row.try_get::<Option<bool>, _>(i).ok().flatten(),
                _ => None,
            }
        }

        fn fast_text(row: &$row, i: usize, kind: Plan) -> Option<String> {
            match kind {
                ColumnKind::Text => row.try_get::<Option<String>, _>(i).ok().flatten(),
                _ => None,
            }
        }

        fn decode(row: &$row, i: usize, kind: ColumnKind) -> std::result::Result<Value, sqlx::Error> {
            if row.try_get_raw(i)?.is_null() {
                return Ok(Value::Null);
            }
            Ok(match kind {
                ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => Value::Int(row.try_get::<i64, _>(i)?),
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
            })
        }
    };
}

#[cfg(any(feature = "sqlite", feature = "mysql"))]
pub(crate) use loose_codec;

/// Stamps out a connector over one sqlx database. The module that invokes it
/// provides `bind`, `decode`, `insert_ids` and `upsert_row`.
macro_rules! sql_connector {
    ($name:ident, $db:ty, $dialect:expr) => {
        use $crate::connector::sql::compile;
        use $crate::connector::sql::map_error;
        use $crate::connector::Connector;
        use $crate::filter::resolve::{Cond, Query};
        use $crate::schema::{Dialect, ModelDefinition};
        use $crate::value::{Row, Value};
        use $crate::{Error, Result};
        use std::sync::Arc;

        type Tx = sqlx::Transaction<'static, $db>;

        struct TxState {
            tx: tokio::sync::Mutex<Option<Tx>>,
            savepoints: std::sync::atomic::AtomicUsize,
        }

        enum Exec {
            Pool(sqlx::Pool<$db>),
            Tx(Arc<TxState>),
            Savepoint(Arc<TxState>, String),
        }

        /// The connector; see the module docs.
        pub struct $name {
            exec: Exec,
            statements: Arc<compile::StatementCache>,
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

        /// The sqlx query, the values moved into it (not copied), with the
        /// text and parameter count kept for the log.
        fn build(stmt: compile::Statement) -> (sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments>, std::sync::Arc<str>, usize) {
            let text: std::sync::Arc<str> = match stmt.shared {
                Some(shared) => shared,
                None => stmt.sql.into(),
            };
            let params = stmt.binds.len();
            let mut q = sqlx::query::<$db>(sqlx::AssertSqlSafe(text.clone()));
            for (value, kind) in stmt.binds {
                q = bind(q, value, kind);
            }
            (q, text, params)
        }

        /// One sqlx row read column by column for the derive's decoder.
        struct SqlRow<'a> {
            row: &'a <$db as sqlx::Database>::Row,
            plans: &'a [Plan],
            def: &'a ModelDefinition,
            positions: &'a [usize],
        }

        impl $crate::value::ReadRow for SqlRow<'_> {
            fn is_null(&self, i: usize) -> bool {
                self.row.try_get_raw(i).map_or(true, |v| v.is_null())
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
            /// A connector over a pool you already have (sharing it with your
            /// own sqlx code).
            pub fn from_pool(pool: sqlx::Pool<$db>) -> Self {
                $name { exec: Exec::Pool(pool), statements: Default::default() }
            }

            async fn fetch_all(&self, def: &ModelDefinition, stmt: compile::Statement) -> Result<Vec<<$db as sqlx::Database>::Row>> {
                let started = std::time::Instant::now();
                let (q, text, params) = build(stmt);
                let rows = match &self.exec {
                    Exec::Pool(pool) => q.fetch_all(pool).await,
                    Exec::Tx(state) | Exec::Savepoint(state, _) => {
                        let mut guard = state.tx.lock().await;
                        let tx = guard.as_mut().ok_or_else(closed)?;
                        q.fetch_all(&mut **tx).await
                    }
                }
                .map_err(|e| map_error(def, e))?;
                log(&text, params, started);
                Ok(rows)
            }

            async fn fetch_optional(
                &self,
                def: &ModelDefinition,
                stmt: compile::Statement,
            ) -> Result<Option<<$db as sqlx::Database>::Row>> {
                let started = std::time::Instant::now();
                let (q, text, params) = build(stmt);
                let row = match &self.exec {
                    Exec::Pool(pool) => q.fetch_optional(pool).await,
                    Exec::Tx(state) | Exec::Savepoint(state, _) => {
                        let mut guard = state.tx.lock().await;
                        let tx = guard.as_mut().ok_or_else(closed)?;
                        q.fetch_optional(&mut **tx).await
                    }
                }
                .map_err(|e| map_error(def, e))?;
                log(&text, params, started);
                Ok(row)
            }

            async fn execute(&self, def: &ModelDefinition, stmt: compile::Statement) -> Result<<$db as sqlx::Database>::QueryResult> {
                let started = std::time::Instant::now();
                let (q, text, params) = build(stmt);
                let done = match &self.exec {
                    Exec::Pool(pool) => q.execute(pool).await,
                    Exec::Tx(state) | Exec::Savepoint(state, _) => {
                        let mut guard = state.tx.lock().await;
                        let tx = guard.as_mut().ok_or_else(closed)?;
                        q.execute(&mut **tx).await
                    }
                }
                .map_err(|e| map_error(def, e))?;
                log(&text, params, started);
                Ok(done)
            }

            async fn raw(&self, sql: String) -> Result<()> {
                let stmt = compile::Statement { sql, shared: None, binds: Vec::new() };
                let empty = ModelDefinition::default();
                self.execute(&empty, stmt).await.map(|_| ())
            }

            fn decode_rows(def: &ModelDefinition, rows: Vec<<$db as sqlx::Database>::Row>, positions: &[usize]) -> Result<Vec<Row>> {
                Self::decode_rows_from(def, &rows, positions, 0)
            }

            /// Decodes columns `offset..` of each row into `def`'s properties at `positions`.
            fn decode_rows_from(def: &ModelDefinition, rows: &[<$db as sqlx::Database>::Row], positions: &[usize], offset: usize) -> Result<Vec<Row>> {
                let kinds: Vec<_> = positions
                    .iter()
                    .map(|p| $crate::schema::sql::column_kind(&def.properties[*p], DIALECT))
                    .collect();
                Self::decode_with(def, rows, positions, &kinds, offset)
            }

            /// [`Self::decode_rows_from`] with the kinds of `positions` at hand.
            fn decode_with(
                def: &ModelDefinition,
                rows: &[<$db as sqlx::Database>::Row],
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

            fn id_binds(def: &ModelDefinition, layout: &compile::Layout, id: &[Value]) -> Result<Vec<(Value, $crate::schema::ColumnKind)>> {
                let ids = &layout.ids;
                if ids.is_empty() || ids.len() != id.len() || id.iter().any(Value::is_null) {
                    // Let the general path report it.
                    $crate::ops::id_cond(def, id)?;
                    return Err(Error::Unsupported(format!("`{}` needs a full, non-null id", def.name)));
                }
                Ok(ids.iter().zip(id).map(|(p, v)| (v.clone(), layout.kinds[*p])).collect())
            }

            async fn insert_rows(&self, def: &ModelDefinition, fixed: Option<&'static ModelDefinition>, rows: Vec<Row>) -> Result<Vec<Row>> {
                let generated = $crate::schema::sql::generated_id(def).and_then(|(n, _)| def.properties.get_index_of(n));
                let mut out = rows;
                // Rows whose generated id is unset leave the column out and get it back.
                let (auto, given): (Vec<usize>, Vec<usize>) = (0..out.len())
                    .partition(|i| generated.is_some_and(|g| $crate::model::is_unset_id(&out[*i].values[g])));
                let all: Vec<usize> = (0..def.properties.len()).collect();
                for (group, columns) in [
                    (given, all.clone()),
                    (auto, all.iter().copied().filter(|p| Some(*p) != generated).collect::<Vec<_>>()),
                ] {
                    if group.is_empty() {
                        continue;
                    }
                    let per_statement = (DIALECT.max_binds() / columns.len().max(1)).max(1);
                    for chunk in group.chunks(per_statement) {
                        let values: Vec<&[Value]> = chunk.iter().map(|i| out[*i].values.as_slice()).collect();
                        let returning = if DIALECT == Dialect::Postgres && columns.len() < all.len() { generated } else { None };
                        let stmt = match fixed {
                            Some(fixed) if chunk.len() == 1 => {
                                let binds = columns
                                    .iter()
                                    .map(|p| (values[0][*p].clone(), $crate::schema::sql::column_kind(&def.properties[*p], DIALECT)))
                                    .collect();
                                let key = compile::key(fixed, "insert", compile::mask(columns.iter().copied()));
                                compile::Statement::cached(&self.statements, key, binds, || {
                                    compile::insert(def, DIALECT, &columns, &values, returning).sql
                                })
                            }
                            _ => compile::insert(def, DIALECT, &columns, &values, returning),
                        };
                        let ids = self.insert_ids(def, stmt, chunk.len(), returning.is_some()).await?;
                        if columns.len() < all.len() {
                            if let Some(g) = generated {
                                for (i, id) in chunk.iter().zip(ids) {
                                    out[*i].values[g] = Value::Int(id);
                                }
                            }
                        }
                    }
                }
                Ok(out)
            }

            /// Runs DDL statements as they are (they come from definitions).
            pub(crate) async fn run_ddl(&self, statements: &[String]) -> Result<()> {
                for sql in statements {
                    self.raw(sql.clone()).await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl Connector for $name {
            fn max_binds(&self) -> usize {
                DIALECT.max_binds()
            }

            fn name(&self) -> &'static str {
                match DIALECT {
                    Dialect::Sqlite => "sqlite",
                    Dialect::Postgres => "postgres",
                    Dialect::MySql => "mysql",
                }
            }

            async fn insert(&self, def: &ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
                self.insert_rows(def, None, rows).await
            }

            async fn insert_static(&self, def: &'static ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
                self.insert_rows(def, Some(def), rows).await
            }

            async fn find_by_id_static(&self, def: &'static ModelDefinition, id: &[Value]) -> Result<Option<Row>> {
                let layout = self.statements.layout(def, DIALECT);
                let binds = Self::id_binds(def, &layout, id)?;
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "find_by_id", 0), binds, || {
                    let cond = $crate::ops::id_cond(def, id).unwrap_or(Cond::And(Vec::new()));
                    compile::select(def, DIALECT, &Query::one(cond)).0.sql
                });
                let Some(row) = self.fetch_optional(def, stmt).await? else {
                    return Ok(None);
                };
                Ok(Self::decode_with(def, std::slice::from_ref(&row), &layout.all, &layout.kinds, 0)?.pop())
            }

            async fn delete_by_id_static(&self, def: &'static ModelDefinition, id: &[Value]) -> Result<u64> {
                let layout = self.statements.layout(def, DIALECT);
                let binds = Self::id_binds(def, &layout, id)?;
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "delete_by_id", 0), binds, || {
                    compile::delete(def, DIALECT, $crate::ops::id_cond(def, id).ok().as_ref()).sql
                });
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn update_by_id_static(&self, def: &'static ModelDefinition, id: &[Value], set: &[(usize, Value)]) -> Result<u64> {
                let layout = self.statements.layout(def, DIALECT);
                let mut binds: Vec<_> = set.iter().map(|(p, v)| (v.clone(), layout.kinds[*p])).collect();
                binds.extend(Self::id_binds(def, &layout, id)?);
                let m = compile::mask(set.iter().map(|(p, _)| *p));
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "update_by_id", m), binds, || {
                    compile::update(def, DIALECT, $crate::ops::id_cond(def, id).ok().as_ref(), set).sql
                });
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn update_by_id_returning_static(
                &self,
                def: &'static ModelDefinition,
                id: &[Value],
                set: &[(usize, Value)],
            ) -> Result<Option<Row>> {
                if DIALECT == Dialect::MySql || set.is_empty() {
                    // MySQL / MariaDB have no `UPDATE .. RETURNING`.
                    if !set.is_empty() && self.update_by_id_static(def, id, set).await? == 0 {
                        return Ok(None);
                    }
                    return self.find_by_id_static(def, id).await;
                }
                let layout = self.statements.layout(def, DIALECT);
                let mut binds: Vec<_> = set.iter().map(|(p, v)| (v.clone(), layout.kinds[*p])).collect();
                binds.extend(Self::id_binds(def, &layout, id)?);
                let m = compile::mask(set.iter().map(|(p, _)| *p));
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "update_by_id_returning", m), binds, || {
                    let mut sql = compile::update(def, DIALECT, $crate::ops::id_cond(def, id).ok().as_ref(), set).sql;
                    sql.push_str(&compile::returning_all(def, DIALECT));
                    sql
                });
                let Some(row) = self.fetch_optional(def, stmt).await? else {
                    return Ok(None);
                };
                Ok(Self::decode_with(def, std::slice::from_ref(&row), &layout.all, &layout.kinds, 0)?.pop())
            }

            async fn find_linked(
                &self,
                def: &ModelDefinition,
                query: &Query,
                link: &$crate::connector::LinkSpec<'_>,
                keys: &[Value],
            ) -> Result<Vec<(Value, Row)>> {
                let Some((stmt, positions)) = compile::select_linked(def, DIALECT, query, link, keys) else {
                    return $crate::connector::find_linked_in_two_steps(self, def, query, link, keys).await;
                };
                let rows = self.fetch_all(def, stmt).await?;
                let decoded = Self::decode_rows_from(def, &rows, &positions, 1)?;
                let parent_kind = $crate::schema::sql::column_kind(&link.def.properties[link.to_parent], DIALECT);
                rows.iter()
                    .zip(decoded)
                    .map(|(r, row)| {
                        let parent = decode(r, 0, parent_kind)
                            .map_err(|e| Error::invalid_data(&link.def.name, format!("cannot read the link key: {e}")))?;
                        Ok((parent, row))
                    })
                    .collect()
            }

            async fn find_each(
                &self,
                def: &ModelDefinition,
                query: &Query,
                sink: &mut $crate::connector::RowSink<'_>,
            ) -> Result<()> {
                if compile::needs_post_filter(query) {
                    let rows = self.find(def, query).await?;
                    return $crate::connector::feed_rows(def, query, rows, sink);
                }
                let (stmt, positions) = compile::select(def, DIALECT, query);
                let rows = if query.limit == Some(1) {
                    self.fetch_optional(def, stmt).await?.into_iter().collect()
                } else {
                    self.fetch_all(def, stmt).await?
                };
                let Some(first) = rows.first() else {
                    return Ok(());
                };
                // How each column is read, decided once from the first row.
                let plans: Vec<Plan> = positions
                    .iter()
                    .enumerate()
                    .map(|(c, p)| plan(first, c, $crate::schema::sql::column_kind(&def.properties[*p], DIALECT)))
                    .collect();
                let mut columns = vec![None; def.properties.len()];
                for (c, p) in positions.iter().enumerate() {
                    columns[*p] = Some(c);
                }
                for row in &rows {
                    sink(&SqlRow { row, plans: &plans, def, positions: &positions }, &columns)?;
                }
                Ok(())
            }

            async fn find(&self, def: &ModelDefinition, query: &Query) -> Result<Vec<Row>> {
                let (stmt, positions) = compile::select(def, DIALECT, query);
                let rows = if query.limit == Some(1) && !compile::needs_post_filter(query) {
                    // One row: don't wait for the end of the stream (on SQLite
                    // that is one more trip through sqlx's worker channel).
                    self.fetch_optional(def, stmt).await?.into_iter().collect()
                } else {
                    self.fetch_all(def, stmt).await?
                };
                let rows = Self::decode_rows(def, rows, &positions)?;
                if compile::needs_post_filter(query) {
                    let rows = rows.into_iter().filter(|r| query.cond.as_ref().is_none_or(|c| c.matches(r))).collect();
                    return Ok(query.finish(rows));
                }
                Ok(rows)
            }

            async fn count(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
                let stmt = compile::count(def, DIALECT, cond);
                let row = self.fetch_optional(def, stmt).await?;
                let n: i64 = row
                    .as_ref()
                    .map(|r| sqlx::Row::try_get::<i64, _>(r, 0))
                    .transpose()
                    .map_err(|e| map_error(def, e))?
                    .unwrap_or(0);
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn update(&self, def: &ModelDefinition, cond: Option<&Cond>, set: &[(usize, Value)]) -> Result<u64> {
                let stmt = compile::update(def, DIALECT, cond, set);
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn replace(&self, def: &ModelDefinition, row: Row) -> Result<bool> {
                let ids = $crate::ops::id_positions(def);
                if ids.is_empty() {
                    return Err(Error::Unsupported(format!("`{}` has no id, so it cannot be replaced by id", def.name)));
                }
                let cond = $crate::ops::id_cond(def, &ids.iter().map(|i| row.values[*i].clone()).collect::<Vec<_>>())?;
                let set: Vec<(usize, Value)> = (0..def.properties.len())
                    .filter(|p| !ids.contains(p))
                    .map(|p| (p, row.values[p].clone()))
                    .collect();
                if set.is_empty() {
                    return Ok(self.count(def, Some(&cond)).await? > 0);
                }
                Ok(self.update(def, Some(&cond), &set).await? > 0)
            }

            async fn upsert(&self, def: &ModelDefinition, row: Row) -> Result<(Row, bool)> {
                let ids = $crate::ops::id_positions(def);
                if ids.is_empty() || ids.iter().any(|i| $crate::model::is_unset_id(&row.values[*i])) {
                    let mut rows = self.insert(def, vec![row]).await?;
                    return rows.pop().map(|r| (r, true)).ok_or_else(|| Error::invalid_data(&def.name, "no row inserted"));
                }
                let inserted = self.upsert_row(def, &row, &ids).await?;
                Ok((row, inserted))
            }

            async fn delete(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
                let stmt = compile::delete(def, DIALECT, cond);
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn automigrate(&self, defs: &[&ModelDefinition]) -> Result<()> {
                self.run_ddl(&$crate::schema::sql::migration_sql(defs, DIALECT)).await
            }

            async fn begin(&self) -> Result<Arc<dyn Connector>> {
                match &self.exec {
                    Exec::Pool(pool) => {
                        let tx = pool.begin().await.map_err(|e| map_error(&ModelDefinition::default(), e))?;
                        let state = TxState { tx: tokio::sync::Mutex::new(Some(tx)), savepoints: Default::default() };
                        Ok(Arc::new($name { exec: Exec::Tx(Arc::new(state)), statements: self.statements.clone() }))
                    }
                    Exec::Tx(state) | Exec::Savepoint(state, _) => {
                        let n = state.savepoints.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        let name = format!("juggler_sp_{n}");
                        let nested =
                            $name { exec: Exec::Savepoint(state.clone(), name.clone()), statements: self.statements.clone() };
                        nested.raw(format!("SAVEPOINT {name}")).await?;
                        Ok(Arc::new(nested))
                    }
                }
            }

            async fn commit(&self) -> Result<()> {
                match &self.exec {
                    Exec::Pool(_) => Err(Error::Unsupported("commit outside a transaction".to_owned())),
                    Exec::Tx(state) => {
                        let tx = state.tx.lock().await.take().ok_or_else(closed)?;
                        tx.commit().await.map_err(|e| map_error(&ModelDefinition::default(), e))
                    }
                    Exec::Savepoint(_, name) => self.raw(format!("RELEASE SAVEPOINT {name}")).await,
                }
            }

            async fn rollback(&self) -> Result<()> {
                match &self.exec {
                    Exec::Pool(_) => Err(Error::Unsupported("rollback outside a transaction".to_owned())),
                    Exec::Tx(state) => {
                        let tx = state.tx.lock().await.take().ok_or_else(closed)?;
                        tx.rollback().await.map_err(|e| map_error(&ModelDefinition::default(), e))
                    }
                    Exec::Savepoint(_, name) => self.raw(format!("ROLLBACK TO SAVEPOINT {name}")).await,
                }
            }
        }
    };
}

pub(crate) use sql_connector;
