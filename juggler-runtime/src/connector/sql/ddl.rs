//! Schema changes on a pool, for every SQL connector: one transaction on
//! one connection where DDL is transactional, statement by statement on
//! MySQL (whose DDL commits by itself).

use super::map_error;
use super::pool::Health;
use crate::schema::{Dialect, ModelDefinition};
use crate::Error;

fn failed(e: sqlx::Error) -> Error {
    map_error(&ModelDefinition::default(), e)
}

fn logged(sql: &str, started: std::time::Instant) {
    tracing::debug!(
        target: "juggler::sql",
        sql = %sql,
        params = 0,
        elapsed_us = started.elapsed().as_micros() as u64,
        "statement"
    );
}

/// Runs `statements` (see `Connector::apply_ddl`): on failure, how many took
/// effect (only ever more than 0 on MySQL) and why. Statement caches are
/// cleared afterwards, since prepared reads may have another shape now.
pub(crate) async fn apply<DB>(
    pool: &sqlx::Pool<DB>,
    dialect: Dialect,
    health: &Health,
    statements: &[String],
) -> Result<(), (usize, Error)>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let mut conn = pool.acquire().await.map_err(|e| (0, failed(e)))?;
    let result = if dialect == Dialect::MySql {
        each(&mut conn, statements).await
    } else {
        in_transaction(&mut conn, dialect == Dialect::Sqlite, statements).await
    };
    // Statements this connection prepared before may read another shape now.
    if sqlx::Connection::clear_cached_statements(&mut *conn).await.is_err() {
        conn.close_on_drop();
    }
    drop(conn);
    health.mark_schema_changed();
    result
}

async fn run<DB>(conn: &mut DB::Connection, sql: &str) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let started = std::time::Instant::now();
    sqlx::Executor::execute(&mut *conn, sqlx::AssertSqlSafe(sql.to_owned())).await?;
    logged(sql, started);
    Ok(())
}

async fn each<DB>(conn: &mut DB::Connection, statements: &[String]) -> Result<(), (usize, Error)>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    for (i, sql) in statements.iter().enumerate() {
        run::<DB>(conn, sql).await.map_err(|e| (i, failed(e)))?;
    }
    Ok(())
}

/// One transaction; on SQLite with foreign keys off while it runs (a
/// `DROP TABLE` of a rebuilt table would run ON DELETE actions) and
/// `PRAGMA foreign_key_check` before the commit.
async fn in_transaction<DB>(
    conn: &mut sqlx::pool::PoolConnection<DB>,
    sqlite: bool,
    statements: &[String],
) -> Result<(), (usize, Error)>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let c: &mut DB::Connection = &mut *conn;
    if sqlite {
        run::<DB>(c, "PRAGMA foreign_keys = OFF")
            .await
            .map_err(|e| (0, failed(e)))?;
    }
    let mut result = run::<DB>(c, if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" })
        .await
        .map_err(failed);
    if result.is_ok() {
        for sql in statements {
            if let Err(e) = run::<DB>(c, sql).await {
                result = Err(failed(e));
                break;
            }
        }
    }
    if result.is_ok() && sqlite {
        result = match sqlx::Executor::fetch_all(&mut *c, "PRAGMA foreign_key_check").await {
            Ok(rows) if rows.is_empty() => Ok(()),
            Ok(rows) => Err(Error::invalid_data(
                "migration",
                format!(
                    "{} rows break a foreign key after the change (PRAGMA foreign_key_check)",
                    rows.len()
                ),
            )),
            Err(e) => Err(failed(e)),
        };
    }
    let ended = run::<DB>(c, if result.is_ok() { "COMMIT" } else { "ROLLBACK" }).await;
    if let (Ok(()), Err(e)) = (&result, ended) {
        result = Err(failed(e));
    }
    if sqlite && run::<DB>(c, "PRAGMA foreign_keys = ON").await.is_err() {
        // Never hand out a connection without its foreign keys.
        conn.close_on_drop();
    }
    result.map_err(|e| (0, e))
}
