//! MySQL and MariaDB, over sqlx.

use crate::schema::ColumnKind;
use sqlx::mysql::{MySql, MySqlArguments, MySqlConnectOptions, MySqlRow};
use sqlx::{Row as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(MySqlConnector, MySql, Dialect::MySql);

super::loose_codec!(MySql, MySqlArguments, MySqlRow);

fn bind_decimal(q: Q, d: rust_decimal::Decimal) -> Q {
    q.bind(d)
}

fn decode_decimal(row: &MySqlRow, i: usize) -> std::result::Result<Value, sqlx::Error> {
    // A column declared without a scale (DECIMAL(65,28)) is normalized in
    // `decode_rows_from`, which knows the property.
    Ok(Value::Decimal(row.try_get::<rust_decimal::Decimal, _>(i)?))
}

impl MySqlConnector {
    /// Opens a pool: `mysql://root@127.0.0.1:3306/db` (also `mariadb://`).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let normalized = url
            .strip_prefix("mariadb:")
            .map_or_else(|| url.to_owned(), |rest| format!("mysql:{rest}"));
        let options = MySqlConnectOptions::from_str(&normalized)
            .map_err(|e| super::connect_error(url, e))?
            .charset("utf8mb4");
        let pool = settings.open::<MySql>(url, options).await?;
        Ok(MySqlConnector::from_pool(pool))
    }

    /// Runs an insert; MySQL hands back the first id of the batch, and one
    /// multi-row insert takes consecutive ids.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: compile::Statement,
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
        Ok(self.execute(def, stmt).await?.rows_affected() == 1)
    }
}
