//! PostgreSQL, over sqlx.

use crate::schema::ColumnKind;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgRow, Postgres};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(PgConnector, Postgres, Dialect::Postgres);

type Q = sqlx::query::Query<'static, Postgres, PgArguments>;

fn bind(q: Q, value: &Value, kind: ColumnKind) -> Q {
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

fn decode(row: &PgRow, i: usize, kind: ColumnKind) -> std::result::Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let type_info = raw.type_info();
    Ok(match (kind, type_info.name()) {
        (_, "INT2") => Value::Int(i64::from(row.try_get::<i16, _>(i)?)),
        (_, "INT4") => Value::Int(i64::from(row.try_get::<i32, _>(i)?)),
        (_, "INT8") => Value::Int(row.try_get::<i64, _>(i)?),
        (_, "FLOAT4") => Value::Float(f64::from(row.try_get::<f32, _>(i)?)),
        (_, "FLOAT8") => Value::Float(row.try_get::<f64, _>(i)?),
        (_, "BOOL") => Value::Bool(row.try_get::<bool, _>(i)?),
        (_, "BYTEA") => Value::Bytes(row.try_get::<Vec<u8>, _>(i)?),
        (_, "NUMERIC") => Value::Decimal(row.try_get::<rust_decimal::Decimal, _>(i)?),
        (_, "TEXT[]" | "VARCHAR[]" | "BPCHAR[]") => array(row.try_get::<Vec<Option<String>>, _>(i)?),
        (_, "INT8[]") => array(row.try_get::<Vec<Option<i64>>, _>(i)?),
        (_, "INT4[]") => array(row.try_get::<Vec<Option<i32>>, _>(i)?),
        (_, "INT2[]") => array(row.try_get::<Vec<Option<i16>>, _>(i)?),
        (_, "FLOAT8[]") => array(row.try_get::<Vec<Option<f64>>, _>(i)?),
        (_, "FLOAT4[]") => array(row.try_get::<Vec<Option<f32>>, _>(i)?),
        (_, "BOOL[]") => array(row.try_get::<Vec<Option<bool>>, _>(i)?),
        (ColumnKind::Json, _) => super::json_text(&row.try_get::<String, _>(i)?),
        _ => Value::Text(row.try_get::<String, _>(i)?),
    })
}

impl PgConnector {
    /// Opens a pool: `postgres://user@host:5432/db` (`options=-c search_path=..` works).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let options = PgConnectOptions::from_str(url).map_err(|e| super::connect_error(url, e))?;
        let pool = settings.open::<Postgres>(url, options).await?;
        Ok(PgConnector::from_pool(pool))
    }

    /// Runs an insert; generated ids come back through `RETURNING`.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: &compile::Statement,
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
        let rows = self.fetch_all(def, &stmt).await?;
        match rows.first() {
            Some(r) => sqlx::Row::try_get::<bool, _>(r, 0).map_err(|e| map_error(def, e)),
            None => Ok(false),
        }
    }
}
