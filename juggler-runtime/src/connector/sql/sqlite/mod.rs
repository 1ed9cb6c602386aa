//! SQLite (bundled), over rusqlite, called in the calling task: no worker
//! thread and no channel per row (see `conn` for how a long statement is
//! kept from holding up other tasks, and for the pool's write lock).

mod conn;
mod discover;

use crate::connector::sql::ddl;
use crate::schema::ColumnKind;
use conn::{Lease, Pool, Running, Target};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::Connection;
use std::cell::RefCell;
use tokio::sync::OwnedMutexGuard;

super::sql_connector!(SqliteConnector, Dialect::Sqlite);

/// One row as SQLite gave it. A column is read once: reading it moves the
/// value out (a text column is not copied twice).
pub(crate) struct DbRow(RefCell<Vec<Value>>);

impl DbRow {
    fn take(&self, i: usize) -> Value {
        self.0.borrow_mut().get_mut(i).map(std::mem::take).unwrap_or_default()
    }

    /// Column `i`, left in place.
    fn peek(&self, i: usize) -> Value {
        self.0.borrow().get(i).cloned().unwrap_or_default()
    }
}

fn is_null(row: &DbRow, i: usize) -> bool {
    row.0.borrow().get(i).is_none_or(Value::is_null)
}

/// A transaction's connection and the pool's write lock, released in that
/// order (the connection rolls back first if the transaction is still open).
struct TxConn {
    lease: Lease,
    _write: Option<OwnedMutexGuard<()>>,
}

struct TxState {
    conn: tokio::sync::Mutex<Option<TxConn>>,
    savepoints: std::sync::atomic::AtomicUsize,
}

enum Exec {
    Pool(Arc<Pool>),
    Tx(Arc<TxState>),
    Savepoint(Arc<TxState>, String),
}

fn pool_status(exec: &Exec) -> Option<crate::connector::PoolStatus> {
    match exec {
        Exec::Pool(pool) => {
            let (size, idle) = pool.status();
            Some(crate::connector::PoolStatus { size, idle })
        }
        _ => None,
    }
}

/// What a statement is run for.
#[derive(Clone, Copy)]
enum Want {
    All,
    One,
    Exec,
}

/// What it gave.
enum Got {
    All(Vec<DbRow>),
    One(Option<DbRow>),
    Exec(Done),
}

/// What a write did.
struct Done {
    rows_affected: u64,
    last_insert_rowid: i64,
}

impl Done {
    fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// Why a statement failed before juggler's error is made.
enum Failure {
    Sqlite(rusqlite::Error),
    TimedOut,
}

/// Whether a statement outside a transaction takes the pool's write lock:
/// everything but a `SELECT` (a read that looks like a write only waits).
fn writes(sql: &str, want: Want) -> bool {
    let select = sql.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("SELECT"));
    matches!(want, Want::Exec) || !select
}

/// Runs one statement on `conn` under its clock, reading what it returns.
fn send(
    conn: &Connection,
    sql: &str,
    binds: compile::Binds,
    want: Want,
    timeout: Option<std::time::Duration>,
) -> std::result::Result<Got, Failure> {
    let clock = Running::start(timeout);
    let result = step(conn, sql, binds, want);
    match result {
        Err(rusqlite::Error::MultipleStatement) if matches!(want, Want::Exec) => {
            // Several statements of DDL in one text.
            conn.execute_batch(sql)
                .map(|()| Got::Exec(done(conn)))
                .map_err(|e| failure(&clock, e))
        }
        Err(e) => Err(failure(&clock, e)),
        Ok(got) => Ok(got),
    }
}

fn failure(clock: &Running, e: rusqlite::Error) -> Failure {
    if clock.timed_out() {
        Failure::TimedOut
    } else {
        Failure::Sqlite(e)
    }
}

fn done(conn: &Connection) -> Done {
    Done {
        rows_affected: conn.changes(),
        last_insert_rowid: conn.last_insert_rowid(),
    }
}

fn step(conn: &Connection, sql: &str, binds: compile::Binds, want: Want) -> rusqlite::Result<Got> {
    let mut stmt = conn.prepare_cached(sql)?;
    for (i, (value, kind)) in binds.into_iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, bind(value, kind))?;
    }
    let width = stmt.column_count();
    let mut rows = stmt.raw_query();
    Ok(match want {
        Want::All => {
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(read_row(row, width)?);
            }
            Got::All(out)
        }
        Want::One => Got::One(rows.next()?.map(|row| read_row(row, width)).transpose()?),
        Want::Exec => {
            while rows.next()?.is_some() {}
            drop(rows);
            Got::Exec(done(conn))
        }
    })
}

fn read_row(row: &rusqlite::Row<'_>, width: usize) -> rusqlite::Result<DbRow> {
    let mut values = Vec::with_capacity(width);
    for i in 0..width {
        values.push(match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::Int(n),
            ValueRef::Real(f) => Value::Float(f),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(text) => Value::Text(text.to_owned()),
                // Kept as stored; reading it as text says it is not UTF-8.
                Err(_) => Value::Bytes(t.to_vec()),
            },
            ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
        });
    }
    Ok(DbRow(RefCell::new(values)))
}

/// A rusqlite error as juggler's: a unique violation on a property with a
/// `uniqueness` rule or a unique index becomes a `ValidationError`.
fn map_error(def: &ModelDefinition, err: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(e, message) = &err {
        let message = message.clone().unwrap_or_else(|| e.to_string());
        let unique = [
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE,
            rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
        ];
        if unique.contains(&e.extended_code) {
            if let Some(e) = super::not_unique(def, &message) {
                return e;
            }
        }
        return Error::Database {
            message,
            code: Some(e.extended_code.to_string()),
        };
    }
    Error::Database {
        message: crate::redact::text(&err.to_string()),
        code: None,
    }
}

/// A value as SQLite stores it for a column of `kind`.
fn bind(value: Value, kind: ColumnKind) -> SqlValue {
    use rust_decimal::prelude::ToPrimitive as _;
    match (value, kind) {
        (Value::Null, _) => SqlValue::Null,
        (Value::Bool(b), _) => SqlValue::Integer(i64::from(b)),
        (Value::Decimal(d), ColumnKind::Float) => d.to_f64().map_or(SqlValue::Null, SqlValue::Real),
        // SQLite has no exact decimal: the text is kept (comparisons cast it to REAL).
        (Value::Decimal(d), _) => SqlValue::Text(d.to_string()),
        (value @ (Value::Int(_) | Value::Float(_)), ColumnKind::Decimal) => match value.to_decimal() {
            Some(d) => SqlValue::Text(d.to_string()),
            None => value.as_f64().map_or(SqlValue::Null, SqlValue::Real),
        },
        (Value::Int(i), _) => SqlValue::Integer(i),
        (Value::Float(f), _) => SqlValue::Real(f),
        (Value::Text(t), ColumnKind::Json) => SqlValue::Text(serde_json::Value::String(t).to_string()),
        // Dates are text too: SQLite has no date type.
        (Value::Text(t), _) => SqlValue::Text(t),
        (Value::Bytes(b), _) => SqlValue::Blob(b),
        (Value::Json(j), _) => SqlValue::Text(j.to_string()),
    }
}

/// Columns are read by kind: the plan is the kind.
type Plan = ColumnKind;

fn plan(_: &DbRow, _: usize, kind: ColumnKind) -> Plan {
    kind
}

fn decode_planned(row: &DbRow, i: usize, kind: Plan) -> std::result::Result<Value, String> {
    decode(row, i, kind)
}

fn decode(row: &DbRow, i: usize, kind: ColumnKind) -> std::result::Result<Value, String> {
    convert(row.take(i), kind)
}

fn fast_int(row: &DbRow, i: usize, kind: Plan) -> Option<i64> {
    match (kind, row.0.borrow().get(i)) {
        (ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt, Some(Value::Int(n))) => Some(*n),
        _ => None,
    }
}

fn fast_float(row: &DbRow, i: usize, kind: Plan) -> Option<f64> {
    match (kind, row.0.borrow().get(i)) {
        (ColumnKind::Float, Some(Value::Float(f))) => Some(*f),
        (ColumnKind::Float, Some(Value::Int(n))) => Some(*n as f64),
        _ => None,
    }
}

fn fast_bool(row: &DbRow, i: usize, kind: Plan) -> Option<bool> {
    match (kind, row.0.borrow().get(i)) {
        (ColumnKind::Bool, Some(Value::Int(n))) => Some(*n != 0),
        _ => None,
    }
}

fn fast_text(row: &DbRow, i: usize, kind: Plan) -> Option<String> {
    let mut values = row.0.borrow_mut();
    match (kind, values.get_mut(i)) {
        (ColumnKind::Text, Some(v @ Value::Text(_))) => match std::mem::take(v) {
            Value::Text(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// A stored value as a property of `kind`: SQLite keeps any value in any
/// column, so numbers written as text (and the like) are read too, but
/// never rounded or cut.
fn convert(value: Value, kind: ColumnKind) -> std::result::Result<Value, String> {
    use ColumnKind as K;
    let wrong = |v: &Value| format!("{} cannot be read as {kind:?}", v.to_json());
    Ok(match (kind, value) {
        (_, Value::Null) => Value::Null,
        (K::SmallInt | K::Int | K::BigInt, v @ Value::Int(_)) => v,
        (K::SmallInt | K::Int | K::BigInt, Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Value::Int(f as i64)
        }
        (K::SmallInt | K::Int | K::BigInt, Value::Text(t)) => {
            t.trim().parse().map(Value::Int).map_err(|_| wrong(&Value::Text(t)))?
        }
        (K::Float, v @ Value::Float(_)) => v,
        (K::Float, Value::Int(n)) => Value::Float(n as f64),
        (K::Float, Value::Text(t)) => t.trim().parse().map(Value::Float).map_err(|_| wrong(&Value::Text(t)))?,
        (K::Bool, Value::Int(n)) => Value::Bool(n != 0),
        (K::Bool, Value::Float(f)) => Value::Bool(f != 0.0),
        (K::Text | K::DateTime, v @ Value::Text(_)) => v,
        (K::Text | K::DateTime, Value::Int(n)) => Value::Text(n.to_string()),
        (K::Text | K::DateTime, Value::Float(f)) => Value::Text(f.to_string()),
        (K::Bytes, v @ Value::Bytes(_)) => v,
        (K::Bytes, Value::Text(t)) => Value::Bytes(t.into_bytes()),
        // Lists are JSON text here (arrays are PostgreSQL's).
        (K::Json | K::TextArray | K::BigIntArray | K::FloatArray | K::BoolArray, Value::Text(t)) => {
            super::json_text(&t)
        }
        (K::Json, v @ (Value::Int(_) | Value::Float(_))) => v,
        (K::Decimal, v @ (Value::Text(_) | Value::Int(_) | Value::Float(_))) => v
            .to_decimal()
            .map(Value::Decimal)
            .ok_or_else(|| format!("not a decimal: {}", v.to_json()))?,
        (_, Value::Bytes(b)) if kind != K::Bytes => match String::from_utf8(b) {
            Ok(text) => convert(Value::Text(text), kind)?,
            Err(_) => return Err("the stored text is not UTF-8".to_owned()),
        },
        (_, v) => return Err(wrong(&v)),
    })
}

impl SqliteConnector {
    /// Opens a pool: `sqlite://path.db?mode=rwc`, `sqlite::memory:`. One
    /// connection is opened now, so a wrong path fails here.
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let target = Target::parse(url).map_err(|e| super::connect_error(url, e))?;
        let pool = Pool::new(target, settings);
        pool.fill(settings.min_connections.max(1))
            .map_err(|e| super::connect_error(url, format!("could not open the SQLite database: {e}")))?;
        Ok(SqliteConnector {
            exec: Exec::Pool(Arc::new(pool)),
            statements: Default::default(),
            shared: Arc::new(super::Shared::new(settings, Default::default())),
        })
    }

    async fn fetch_all(&self, def: &ModelDefinition, stmt: compile::Statement) -> Result<Vec<DbRow>> {
        match self.run(def, stmt, Want::All).await? {
            Got::All(rows) => Ok(rows),
            _ => Ok(Vec::new()),
        }
    }

    async fn fetch_optional(&self, def: &ModelDefinition, stmt: compile::Statement) -> Result<Option<DbRow>> {
        match self.run(def, stmt, Want::One).await? {
            Got::One(row) => Ok(row),
            _ => Ok(None),
        }
    }

    async fn execute(&self, def: &ModelDefinition, stmt: compile::Statement) -> Result<Done> {
        match self.run(def, stmt, Want::Exec).await? {
            Got::Exec(done) => Ok(done),
            _ => Err(Error::Unsupported("the statement gave no result".to_owned())),
        }
    }

    /// Runs one statement under the statement time-out: on the pool (a
    /// write after the write lock), or on the transaction's connection.
    async fn run(&self, def: &ModelDefinition, stmt: compile::Statement, want: Want) -> Result<Got> {
        let started = std::time::Instant::now();
        let shared;
        let text: &str = match stmt.shared {
            Some(s) => {
                shared = s;
                &shared
            }
            None => &stmt.sql,
        };
        let binds = stmt.binds;
        let params = binds.len();
        let timeout = self.shared.statement_timeout;
        let got = match &self.exec {
            Exec::Pool(pool) => {
                let _write = if writes(text, want) {
                    pool.write_lock().await?
                } else {
                    None
                };
                let lease = pool.acquire().await?;
                let conn = lease.conn().ok_or_else(closed)?;
                send(conn, text, binds, want, timeout)
            }
            Exec::Tx(state) | Exec::Savepoint(state, _) => {
                let mut guard = state.conn.lock().await;
                let tx = guard.as_ref().ok_or_else(closed)?;
                let conn = tx.lease.conn().ok_or_else(closed)?;
                let result = send(conn, text, binds, want, timeout);
                if matches!(result, Err(Failure::TimedOut)) {
                    // As on the other databases, a statement that ran out of
                    // time ends its transaction (rolled back).
                    guard.take();
                }
                result
            }
        };
        let got = got.map_err(|f| self.failure(def, f))?;
        log(text, params, started);
        Ok(got)
    }

    fn failure(&self, def: &ModelDefinition, failure: Failure) -> Error {
        match failure {
            Failure::TimedOut => Error::Timeout {
                waiting: "the statement",
                setting: "statement_timeout",
                after: self.shared.statement_timeout.unwrap_or_default(),
            },
            Failure::Sqlite(e) => map_error(def, e),
        }
    }

    /// A transaction: the pool's write lock, a connection, `BEGIN
    /// IMMEDIATE` (so concurrent writers wait for each other instead of
    /// failing with "database is locked" half-way).
    async fn begin_on_pool(&self, pool: &Arc<Pool>) -> Result<SqliteConnector> {
        let write = pool.write_lock().await?;
        let lease = pool.acquire().await?;
        let conn = lease.conn().ok_or_else(closed)?;
        let started = std::time::Instant::now();
        send(
            conn,
            "BEGIN IMMEDIATE",
            Default::default(),
            Want::Exec,
            self.shared.statement_timeout,
        )
        .map_err(|f| self.failure(&ModelDefinition::default(), f))?;
        log("BEGIN IMMEDIATE", 0, started);
        let state = TxState {
            conn: tokio::sync::Mutex::new(Some(TxConn { lease, _write: write })),
            savepoints: Default::default(),
        };
        Ok(SqliteConnector {
            exec: Exec::Tx(Arc::new(state)),
            statements: self.statements.clone(),
            shared: self.shared.clone(),
        })
    }

    /// Commits or rolls back the transaction of `state`; its connection
    /// goes back to the pool and the write lock is released.
    async fn end_tx(&self, state: &TxState, commit: bool) -> Result<()> {
        let tx = state.conn.lock().await.take().ok_or_else(closed)?;
        let conn = tx.lease.conn().ok_or_else(closed)?;
        let sql = if commit { "COMMIT" } else { "ROLLBACK" };
        send(conn, sql, Default::default(), Want::Exec, None)
            .map_err(|f| self.failure(&ModelDefinition::default(), f))?;
        Ok(())
    }

    /// A plan's statements in one transaction on one connection, holding
    /// the write lock.
    async fn apply_ddl_here(&self, statements: &[String]) -> std::result::Result<(), (usize, Error)> {
        let Exec::Pool(pool) = &self.exec else {
            return Err((
                0,
                Error::Unsupported("schema changes run outside a transaction".to_owned()),
            ));
        };
        let _write = pool.write_lock().await.map_err(|e| (0, e))?;
        let mut lease = pool.acquire().await.map_err(|e| (0, e))?;
        ddl::in_transaction(&mut lease, true, statements).await
    }

    /// Runs an insert; SQLite hands back the last rowid, and one multi-row
    /// insert takes consecutive ids.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: compile::Statement,
        rows: usize,
        _returning: bool,
    ) -> Result<Vec<i64>> {
        let done = self.execute(def, stmt).await?;
        let last = done.last_insert_rowid;
        let first = last - rows as i64 + 1;
        Ok((first..=last).collect())
    }

    /// Inserts or updates on the id; returns whether a row was inserted.
    async fn upsert_row(&self, def: &ModelDefinition, row: &Row, ids: &[usize]) -> Result<bool> {
        let cond = crate::ops::id_cond(def, &ids.iter().map(|i| row.values[*i].clone()).collect::<Vec<_>>())?;
        let existed = self.count(def, Some(&cond)).await? > 0;
        let stmt = compile::upsert(def, DIALECT, &row.values, ids);
        self.execute(def, stmt).await?;
        Ok(!existed)
    }
}

impl ddl::Session for Lease {
    async fn run(&mut self, sql: &str) -> std::result::Result<(), Error> {
        let started = std::time::Instant::now();
        let conn = self.conn().ok_or_else(closed)?;
        let clock = Running::start(None);
        conn.execute_batch(sql)
            .map_err(|e| map_error(&ModelDefinition::default(), e))?;
        drop(clock);
        ddl::logged(sql, started);
        Ok(())
    }

    async fn rows(&mut self, sql: &str) -> std::result::Result<usize, Error> {
        let conn = self.conn().ok_or_else(closed)?;
        match send(conn, sql, Default::default(), Want::All, None) {
            Ok(Got::All(rows)) => Ok(rows.len()),
            Ok(_) => Ok(0),
            Err(Failure::Sqlite(e)) => Err(map_error(&ModelDefinition::default(), e)),
            Err(Failure::TimedOut) => Err(Error::Unsupported("no time-out here".to_owned())),
        }
    }

    fn discard(&mut self) {
        Lease::discard(self);
    }
}
