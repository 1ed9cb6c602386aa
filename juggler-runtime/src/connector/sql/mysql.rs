//! MySQL and MariaDB, over sqlx.

use crate::schema::ColumnKind;
use sqlx::mysql::{MySql, MySqlArguments, MySqlConnectOptions, MySqlRow};
use sqlx::{Row as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(MySqlConnector, MySql, Dialect::MySql);

type Q = sqlx::query::Query<'static, MySql, MySqlArguments>;

fn bind(q: Q, value: &Value, kind: ColumnKind) -> Q {
    match (value, kind) {
        (Value::Null, _) => q.bind(None::<String>),
        (Value::Bool(b), _) => q.bind(*b),
        (Value::Int(i), _) => q.bind(*i),
        (Value::Float(f), _) => q.bind(*f),
        (Value::Text(t), ColumnKind::Json) => q.bind(serde_json::Value::String(t.clone()).to_string()),
        (Value::Text(t), _) => q.bind(t.clone()),
        (Value::Bytes(b), _) => q.bind(b.clone()),
        (Value::Json(j), _) => q.bind(j.to_string()),
    }
}

fn decode(row: &MySqlRow, i: usize, kind: ColumnKind) -> std::result::Result<Value, sqlx::Error> {
    if row.try_get_raw(i)?.is_null() {
        return Ok(Value::Null);
    }
    Ok(match kind {
        ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => Value::Int(row.try_get::<i64, _>(i)?),
        ColumnKind::Float => Value::Float(row.try_get::<f64, _>(i)?),
        ColumnKind::Bool => Value::Bool(row.try_get::<bool, _>(i)?),
        ColumnKind::Text => Value::Text(row.try_get::<String, _>(i)?),
        ColumnKind::Bytes => Value::Bytes(row.try_get::<Vec<u8>, _>(i)?),
        ColumnKind::Json => super::json_text(&row.try_get::<String, _>(i)?),
    })
}

impl MySqlConnector {
    /// Opens a pool: `mysql://root@127.0.0.1:3306/db` (also `mariadb://`).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let normalized = url
            .strip_prefix("mariadb:")
            .map_or_else(|| url.to_owned(), |rest| format!("mysql:{rest}"));
        let options = MySqlConnectOptions::from_str(&normalized)
            .map_err(|e| Error::Connect {
                url: url.to_owned(),
                message: e.to_string(),
            })?
            .charset("utf8mb4");
        let pool = settings
            .options::<MySql>()
            .connect_with(options)
            .await
            .map_err(|e| Error::Connect {
                url: url.to_owned(),
                message: e.to_string(),
            })?;
        Ok(MySqlConnector::from_pool(pool))
    }

    /// Runs an insert; MySQL hands back the first id of the batch, and one
    /// multi-row insert takes consecutive ids.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: &compile::Statement,
        rows: usize,
        _returning: bool,
    ) -> Result<Vec<i64>> {
        let done = self.execute(def, stmt).await?;
        let first = i64::try_from(done.last_insert_id()).unwrap_or(0);
        Ok((first..first + rows as i64).collect())
    }

    /// `INSERT .. ON DUPLICATE KEY UPDATE`: atomic; one affected row means
    /// inserted, two (or zero, unchanged) means updated.
    async fn upsert_row(&self, def: &ModelDefinition, row: &Row, ids: &[usize]) -> Result<bool> {
        let stmt = compile::upsert(def, DIALECT, &row.values, ids);
        Ok(self.execute(def, &stmt).await?.rows_affected() == 1)
    }
}
