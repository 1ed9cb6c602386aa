//! PostgreSQL, over sqlx.

use crate::schema::ColumnKind;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgRow, Postgres};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(PgConnector, Postgres, Dialect::Postgres);

type Q = sqlx::query::Query<'static, Postgres, PgArguments>;

/// Binds a value, moving text and bytes into the query.
fn bind(q: Q, value: Value, kind: ColumnKind) -> Q {
    match (value, kind) {
        (Value::Text(t), k) if k != ColumnKind::Json => q.bind(t),
        (Value::Bytes(b), _) => q.bind(b),
        (value, kind) => bind_ref(q, &value, kind),
    }
}

fn bind_ref(q: Q, value: &Value, kind: ColumnKind) -> Q {
    match (value, kind) {
        (Value::Null, ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt) => q.bind(None::<i64>),
        (Value::Null, ColumnKind::Float) => q.bind(None::<f64>),
        (Value::Null, ColumnKind::Bool) => q.bind(None::<bool>),
        (Value::Null, ColumnKind::Bytes) => q.bind(None::<Vec<u8>>),
        (Value::Null, ColumnKind::Decimal) => q.bind(None::<rust_decimal::Decimal>),
        (Value::Null, ColumnKind::TextArray) => q.bind(None::<Vec<String>>),
        (Value::Null, ColumnKind::BigIntArray) => q.bind(None::<Vec<i64>>),
        (Value::Null, ColumnKind::FloatArray) => q.bind(None::<Vec<f64>>),
        (Value::Null, ColumnKind::BoolArray) => q.bind(None::<Vec<bool>>),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::TextArray) => q.bind(
            items
                .iter()
                .map(|v| match v {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                })
                .collect::<Vec<Option<String>>>(),
        ),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::BigIntArray) => q.bind(
            items
                .iter()
                .map(serde_json::Value::as_i64)
                .collect::<Vec<Option<i64>>>(),
        ),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::FloatArray) => q.bind(
            items
                .iter()
                .map(serde_json::Value::as_f64)
                .collect::<Vec<Option<f64>>>(),
        ),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::BoolArray) => q.bind(
            items
                .iter()
                .map(serde_json::Value::as_bool)
                .collect::<Vec<Option<bool>>>(),
        ),
        (Value::Decimal(d), _) => q.bind(*d),
        (Value::Int(_) | Value::Float(_), ColumnKind::Decimal) => match value.to_decimal() {
            Some(d) => q.bind(d),
            None => q.bind(value.as_f64()),
        },
        (Value::Null, _) => q.bind(None::<String>),
        (Value::Bool(b), _) => q.bind(*b),
        (Value::Int(i), ColumnKind::Float) => q.bind(*i as f64),
        (Value::Int(i), ColumnKind::SmallInt) => q.bind(i16::try_from(*i).map_or(*i as f64, f64::from)),
        (Value::Int(i), ColumnKind::Int) => match i32::try_from(*i) {
            Ok(v) => q.bind(v),
            Err(_) => q.bind(*i),
        },
        (Value::Int(i), _) => q.bind(*i),
        (Value::Float(f), _) => q.bind(*f),
        (Value::Text(t), ColumnKind::Json) => q.bind(serde_json::Value::String(t.clone()).to_string()),
        (Value::Text(t), _) => q.bind(t.clone()),
        (Value::Bytes(b), _) => q.bind(b.clone()),
        // An array for `= ANY($n)` (see `compile::array_bindable`).
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt) => {
            q.bind(items.iter().filter_map(serde_json::Value::as_i64).collect::<Vec<i64>>())
        }
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::Text) => q.bind(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect::<Vec<String>>(),
        ),
        (Value::Json(j), _) => q.bind(j.to_string()),
    }
}

/// A PostgreSQL array as the JSON array juggler holds lists in.
fn array<T: Into<serde_json::Value>>(items: Vec<Option<T>>) -> Value {
    Value::Json(serde_json::Value::Array(
        items
            .into_iter()
            .map(|v| v.map_or(serde_json::Value::Null, Into::into))
            .collect(),
    ))
}

/// How one column of a result is read, decided once per result from the
/// column's type (not once per value).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Plan {
    I2,
    I4,
    I8,
    F4,
    F8,
    Bool,
    Bytes,
    Numeric,
    TextArray,
    I8Array,
    I4Array,
    I2Array,
    F8Array,
    F4Array,
    BoolArray,
    Json,
    Text,
}

fn plan(row: &PgRow, i: usize, kind: ColumnKind) -> Plan {
    use sqlx::Column as _;
    let Some(column) = row.columns().get(i) else {
        return Plan::Text;
    };
    match (kind, column.type_info().name()) {
        (_, "INT2") => Plan::I2,
        (_, "INT4") => Plan::I4,
        (_, "INT8") => Plan::I8,
        (_, "FLOAT4") => Plan::F4,
        (_, "FLOAT8") => Plan::F8,
        (_, "BOOL") => Plan::Bool,
        (_, "BYTEA") => Plan::Bytes,
        (_, "NUMERIC") => Plan::Numeric,
        (_, "TEXT[]" | "VARCHAR[]" | "BPCHAR[]") => Plan::TextArray,
        (_, "INT8[]") => Plan::I8Array,
        (_, "INT4[]") => Plan::I4Array,
        (_, "INT2[]") => Plan::I2Array,
        (_, "FLOAT8[]") => Plan::F8Array,
        (_, "FLOAT4[]") => Plan::F4Array,
        (_, "BOOL[]") => Plan::BoolArray,
        (ColumnKind::Json, _) => Plan::Json,
        _ => Plan::Text,
    }
}

fn decode_planned(row: &PgRow, i: usize, plan: Plan) -> std::result::Result<Value, sqlx::Error> {
    if row.try_get_raw(i)?.is_null() {
        return Ok(Value::Null);
    }
    Ok(match plan {
        Plan::I2 => Value::Int(i64::from(row.try_get_unchecked::<i16, _>(i)?)),
        Plan::I4 => Value::Int(i64::from(row.try_get_unchecked::<i32, _>(i)?)),
        Plan::I8 => Value::Int(row.try_get_unchecked::<i64, _>(i)?),
        Plan::F4 => Value::Float(f64::from(row.try_get_unchecked::<f32, _>(i)?)),
        Plan::F8 => Value::Float(row.try_get_unchecked::<f64, _>(i)?),
        Plan::Bool => Value::Bool(row.try_get_unchecked::<bool, _>(i)?),
        Plan::Bytes => Value::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i)?),
        Plan::Numeric => Value::Decimal(row.try_get_unchecked::<rust_decimal::Decimal, _>(i)?),
        Plan::TextArray => array(row.try_get::<Vec<Option<String>>, _>(i)?),
        Plan::I8Array => array(row.try_get::<Vec<Option<i64>>, _>(i)?),
        Plan::I4Array => array(row.try_get::<Vec<Option<i32>>, _>(i)?),
        Plan::I2Array => array(row.try_get::<Vec<Option<i16>>, _>(i)?),
        Plan::F8Array => array(row.try_get::<Vec<Option<f64>>, _>(i)?),
        Plan::F4Array => array(row.try_get::<Vec<Option<f32>>, _>(i)?),
        Plan::BoolArray => array(row.try_get::<Vec<Option<bool>>, _>(i)?),
        Plan::Json => super::json_text(&row.try_get::<String, _>(i)?),
        Plan::Text => Value::Text(row.try_get::<String, _>(i)?),
    })
}

fn fast_int(row: &PgRow, i: usize, plan: Plan) -> Option<i64> {
    match plan {
        Plan::I2 => row.try_get_unchecked::<Option<i16>, _>(i).ok().flatten().map(i64::from),
        Plan::I4 => row.try_get_unchecked::<Option<i32>, _>(i).ok().flatten().map(i64::from),
        Plan::I8 => row.try_get_unchecked::<Option<i64>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn fast_float(row: &PgRow, i: usize, plan: Plan) -> Option<f64> {
    match plan {
        Plan::F4 => row.try_get_unchecked::<Option<f32>, _>(i).ok().flatten().map(f64::from),
        Plan::F8 => row.try_get_unchecked::<Option<f64>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn fast_bool(row: &PgRow, i: usize, plan: Plan) -> Option<bool> {
    match plan {
        Plan::Bool => row.try_get_unchecked::<Option<bool>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn fast_text(row: &PgRow, i: usize, plan: Plan) -> Option<String> {
    match plan {
        Plan::Text => row.try_get::<Option<String>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn decode(row: &PgRow, i: usize, kind: ColumnKind) -> std::result::Result<Value, sqlx::Error> {
    decode_planned(row, i, plan(row, i, kind))
}

impl PgConnector {
    /// Opens a pool: `postgres://user@host:5432/db` (`options=-c search_path=..` works).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let options = PgConnectOptions::from_str(url).map_err(|e| super::connect_error(url, e))?;
        let health = Arc::new(super::Health::default());
        // The server stops a runaway statement itself.
        let after_connect = settings
            .statement_timeout
            .map(|d| format!("SET statement_timeout = {}", d.as_millis().max(1)));
        let pool = settings
            .open::<Postgres>("PostgreSQL", url, options, health.clone(), after_connect)
            .await?;
        Ok(PgConnector::with_shared(pool, super::Shared::new(settings, health)))
    }

    /// Runs an insert; generated ids come back through `RETURNING`.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: compile::Statement,
        _rows: usize,
        returning: bool,
    ) -> Result<Vec<i64>> {
        if !returning {
            self.execute(def, stmt).await?;
            return Ok(Vec::new());
        }
        let rows = self.fetch_all(def, stmt).await?;
        rows.iter()
            .map(|r| sqlx::Row::try_get::<i64, _>(r, 0).map_err(|e| map_error(def, e)))
            .collect()
    }

    /// `INSERT .. ON CONFLICT .. DO UPDATE .. RETURNING (xmax = 0)`: atomic,
    /// and says whether the row was inserted.
    async fn upsert_row(&self, def: &ModelDefinition, row: &Row, ids: &[usize]) -> Result<bool> {
        let mut stmt = compile::upsert(def, DIALECT, &row.values, ids);
        stmt.sql.push_str(" RETURNING (xmax = 0)");
        let rows = self.fetch_all(def, stmt).await?;
        match rows.first() {
            Some(r) => sqlx::Row::try_get::<bool, _>(r, 0).map_err(|e| map_error(def, e)),
            None => Ok(false),
        }
    }
}
