//! Schema changes, for every SQL connector: one transaction on one
//! connection where DDL is transactional, statement by statement on MySQL
//! (whose DDL commits by itself). The connection is a [`Session`]: a sqlx
//! pool connection, or a SQLite one.

use crate::Error;

/// A connection that runs schema changes.
pub(crate) trait Session {
    /// Runs `sql` (one statement, or several separated by `;` on SQLite).
    async fn run(&mut self, sql: &str) -> Result<(), Error>;
    /// How many rows `sql` returns.
    async fn rows(&mut self, sql: &str) -> Result<usize, Error>;
    /// This connection is in an unknown state: never hand it out again.
    fn discard(&mut self);
}

pub(crate) fn logged(sql: &str, started: std::time::Instant) {
    tracing::debug!(
        target: "juggler::sql",
        sql = %sql,
        params = 0,
        elapsed_us = started.elapsed().as_micros() as u64,
        "statement"
    );
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Statement by statement: on failure, how many took effect and why.
pub(crate) async fn each(conn: &mut impl Session, statements: &[String]) -> Result<(), (usize, Error)> {
    for (i, sql) in statements.iter().enumerate() {
        conn.run(sql).await.map_err(|e| (i, e))?;
    }
    Ok(())
}

/// One transaction; on SQLite with foreign keys off while it runs (a
/// `DROP TABLE` of a rebuilt table would run ON DELETE actions) and
/// `PRAGMA foreign_key_check` before the commit.
pub(crate) async fn in_transaction(
    conn: &mut impl Session,
    sqlite: bool,
    statements: &[String],
) -> Result<(), (usize, Error)> {
    if sqlite {
        conn.run("PRAGMA foreign_keys = OFF").await.map_err(|e| (0, e))?;
    }
    let mut result = conn.run(if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" }).await;
    if result.is_ok() {
        for sql in statements {
            if let Err(e) = conn.run(sql).await {
                result = Err(e);
                break;
            }
        }
    }
    if result.is_ok() && sqlite {
        result = match conn.rows("PRAGMA foreign_key_check").await {
            Ok(0) => Ok(()),
            Ok(n) => Err(Error::invalid_data(
                "migration",
                format!("{n} rows break a foreign key after the change (PRAGMA foreign_key_check)"),
            )),
            Err(e) => Err(e),
        };
    }
    let ended = conn.run(if result.is_ok() { "COMMIT" } else { "ROLLBACK" }).await;
    if let (Ok(()), Err(e)) = (&result, ended) {
        result = Err(e);
    }
    if sqlite && conn.run("PRAGMA foreign_keys = ON").await.is_err() {
        // Never hand out a connection without its foreign keys.
        conn.discard();
    }
    result.map_err(|e| (0, e))
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
mod over_sqlx {
    use super::Session;
    use crate::connector::sql::map_error;
    use crate::connector::sql::pool::Health;
    use crate::schema::{Dialect, ModelDefinition};
    use crate::Error;

    fn failed(e: sqlx::Error) -> Error {
        map_error(&ModelDefinition::default(), e)
    }

    impl<DB> Session for sqlx::pool::PoolConnection<DB>
    where
        DB: sqlx::Database,
        for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    {
        async fn run(&mut self, sql: &str) -> Result<(), Error> {
            let started = std::time::Instant::now();
            let conn: &mut DB::Connection = &mut *self;
            sqlx::Executor::execute(conn, sqlx::AssertSqlSafe(sql.to_owned()))
                .await
                .map_err(failed)?;
            super::logged(sql, started);
            Ok(())
        }

        async fn rows(&mut self, sql: &str) -> Result<usize, Error> {
            let conn: &mut DB::Connection = &mut *self;
            let rows = sqlx::Executor::fetch_all(conn, sqlx::AssertSqlSafe(sql.to_owned()))
                .await
                .map_err(failed)?;
            Ok(rows.len())
        }

        fn discard(&mut self) {
            self.close_on_drop();
        }
    }

    /// Runs `statements` (see `Connector::apply_ddl`): on failure, how many
    /// took effect (only ever more than 0 on MySQL) and why. Statement
    /// caches are cleared afterwards, since prepared reads may have another
    /// shape now.
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
            super::each(&mut conn, statements).await
        } else {
            super::in_transaction(&mut conn, false, statements).await
        };
        // Statements this connection prepared before may read another shape now.
        if sqlx::Connection::clear_cached_statements(&mut *conn).await.is_err() {
            conn.close_on_drop();
        }
        drop(conn);
        health.mark_schema_changed();
        result
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use over_sqlx::apply;
