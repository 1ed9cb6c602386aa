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

enum Flavour {
    MariaDb,
    MySql,
}

/// Whether the server is MariaDB or MySQL (their statement time-outs are
/// set differently). Also the first connection, so a wrong address fails
/// here with its cause.
async fn server_flavour(url: &str, options: &MySqlConnectOptions, settings: &super::PoolSettings) -> Result<Flavour> {
    use sqlx::Connection as _;
    let failed = |cause: String| Error::Connect {
        url: crate::redact::url(url),
        message: format!("could not connect to {}: {cause}", super::server_name("MySQL", url)),
    };
    let mut conn = match tokio::time::timeout(
        settings.connect_timeout,
        sqlx::mysql::MySqlConnection::connect_with(options),
    )
    .await
    {
        Err(_) => {
            let after = humantime::format_duration(settings.connect_timeout);
            return Err(failed(format!("no answer within {after} (connect_timeout)")));
        }
        Ok(Err(e)) => return Err(failed(crate::redact::text(&super::connect_cause(&e)))),
        Ok(Ok(conn)) => conn,
    };
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let _ = conn.close().await;
    Ok(if version.contains("MariaDB") {
        Flavour::MariaDb
    } else {
        Flavour::MySql
    })
}

impl MySqlConnector {
    /// Discovery on MySQL / MariaDB is not built yet: a clear error, never
    /// an empty catalog.
    pub(crate) async fn discover_catalog(
        &self,
        _options: &crate::schema::catalog::DiscoverOptions,
    ) -> Result<crate::schema::catalog::Catalog> {
        Err(Error::Unsupported(
            "discovery of MySQL / MariaDB is not in this release (SQLite and PostgreSQL are)".to_owned(),
        ))
    }

    /// Opens a pool: `mysql://root@127.0.0.1:3306/db` (also `mariadb://`).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let normalized = url
            .strip_prefix("mariadb:")
            .map_or_else(|| url.to_owned(), |rest| format!("mysql:{rest}"));
        let options = MySqlConnectOptions::from_str(&normalized)
            .map_err(|e| super::connect_error(url, e))?
            .charset("utf8mb4");
        let health = Arc::new(super::Health::default());
        let after_connect = match settings.statement_timeout {
            None => None,
            // The server stops a runaway statement itself: MariaDB for every
            // statement, MySQL for reads (its only limit).
            Some(d) => Some(match server_flavour(url, &options, settings).await? {
                Flavour::MariaDb => format!("SET SESSION max_statement_time = {:.3}", d.as_secs_f64().max(0.001)),
                Flavour::MySql => format!("SET SESSION max_execution_time = {}", d.as_millis().max(1)),
            }),
        };
        let pool = settings
            .open::<MySql>("MySQL", url, options, health.clone(), after_connect)
            .await?;
        Ok(MySqlConnector::with_shared(pool, super::Shared::new(settings, health)))
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
    ///
    /// MySQL fires the update on a clash with *any* unique key, so a new id
    /// whose unique value (an email) belongs to another row would overwrite
    /// that row. With unique properties besides the id, the statement runs in
    /// a transaction (a savepoint inside one) and is undone when the row it
    /// updated is not the one with this id: a `uniqueness` error, as on the
    /// other databases, and nothing changed.
    async fn upsert_row(&self, def: &ModelDefinition, row: &Row, ids: &[usize]) -> Result<bool> {
        let unique: Vec<usize> = def
            .properties
            .values()
            .enumerate()
            .filter(|(p, prop)| !ids.contains(p) && prop.index.as_ref().is_some_and(|i| i.is_unique()))
            .map(|(p, _)| p)
            .collect();
        if unique.is_empty() {
            let stmt = compile::upsert(def, DIALECT, &row.values, ids);
            return Ok(self.execute(def, stmt).await?.rows_affected() == 1);
        }
        let id: Vec<Value> = ids.iter().map(|i| row.values[*i].clone()).collect();
        let own = crate::ops::id_cond(def, &id)?;
        let tx = self.begin_here().await?;
        let outcome = async {
            let stmt = compile::upsert(def, DIALECT, &row.values, ids);
            let inserted = tx.execute(def, stmt).await?.rows_affected() == 1;
            if inserted || tx.count(def, Some(&own)).await? > 0 {
                return Ok(Ok(inserted));
            }
            // The update hit another row through a unique key.
            Ok::<_, Error>(Err(()))
        }
        .await;
        match outcome {
            Ok(Ok(inserted)) => {
                tx.commit().await?;
                Ok(inserted)
            }
            Ok(Err(())) => {
                tx.rollback().await?;
                Err(self.clash(def, row, &id, &unique).await)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// The `uniqueness` error for the unique properties of `row` that other
    /// rows hold.
    async fn clash(&self, def: &ModelDefinition, row: &Row, id: &[Value], unique: &[usize]) -> Error {
        let mut errors = crate::ValidationError::new(&def.name);
        let others = match crate::ops::id_cond(def, id) {
            Ok(Cond::Cmp {
                prop,
                op: crate::filter::resolve::CmpOp::Eq(v),
            }) => Some(Cond::Cmp {
                prop,
                op: crate::filter::resolve::CmpOp::Neq(v),
            }),
            _ => None,
        };
        for &p in unique {
            let value = &row.values[p];
            if value.is_null() {
                continue;
            }
            let same = Cond::Cmp {
                prop: p,
                op: crate::filter::resolve::CmpOp::Eq(value.clone()),
            };
            let cond = match &others {
                Some(o) => Cond::And(vec![same, o.clone()]),
                None => same,
            };
            if self.count(def, Some(&cond)).await.unwrap_or(1) > 0 {
                let name = def.properties.get_index(p).map_or("", |(n, _)| n.as_str());
                errors.add(name, "uniqueness", "is not unique", value, def.is_hidden(name));
            }
        }
        if errors.is_empty() {
            let name = def.properties.get_index(unique[0]).map_or("", |(n, _)| n.as_str());
            errors.add(
                name,
                "uniqueness",
                "is not unique",
                &row.values[unique[0]],
                def.is_hidden(name),
            );
        }
        Error::Validation(errors)
    }
}
