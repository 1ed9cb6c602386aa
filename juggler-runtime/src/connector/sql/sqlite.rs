//! SQLite (bundled), over sqlx.

use crate::schema::ColumnKind;
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteConnectOptions, SqliteRow};
use sqlx::{Row as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(SqliteConnector, Sqlite, Dialect::Sqlite);

super::loose_codec!(Sqlite, SqliteArguments, SqliteRow);

/// SQLite has no exact decimal: the text is kept (comparisons cast it to REAL).
fn bind_decimal(q: Q, d: rust_decimal::Decimal) -> Q {
    q.bind(d.to_string())
}

fn decode_decimal(row: &SqliteRow, i: usize) -> std::result::Result<Value, sqlx::Error> {
    let value = match row.try_get::<String, _>(i) {
        Ok(text) => Value::Text(text),
        // A number written by something else than juggler.
        Err(_) => Value::Float(row.try_get::<f64, _>(i)?),
    };
    value
        .to_decimal()
        .map(Value::Decimal)
        .ok_or_else(|| sqlx::Error::Decode(format!("not a decimal: {}", value.to_json()).into()))
}

impl SqliteConnector {
    /// Opens a pool: `sqlite://path.db?mode=rwc`, `sqlite::memory:`.
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let mut options = SqliteConnectOptions::from_str(url)
            .map_err(|e| super::connect_error(url, e))?
            .pragma("case_sensitive_like", "ON")
            .foreign_keys(true)
            .busy_timeout(settings.busy_timeout)
            .with_regexp();
        let mut settings = settings.clone();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if in_memory {
            // Each connection to an in-memory database is its own database.
            settings.max_connections = 1;
            settings.min_connections = 1;
        } else {
            // Readers do not block the writer, nor the writer readers.
            options = options.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
        }
        let health = Arc::new(super::Health::default());
        let pool = settings
            .open::<Sqlite>("SQLite", url, options, health.clone(), None)
            .await?;
        Ok(SqliteConnector::with_shared(
            pool,
            super::Shared::new(&settings, health),
        ))
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
        let last = done.last_insert_rowid();
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
