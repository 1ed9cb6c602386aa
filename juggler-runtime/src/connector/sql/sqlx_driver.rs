//! The part of a SQL connector that talks to sqlx (PostgreSQL, MySQL):
//! its pool and transactions, running one statement under the time-out, a
//! broken connection's retry. `sql_connector!` (mod.rs) builds the rest of
//! the connector on what this provides: `Exec`, `DbRow`, `is_null`,
//! `pool_status`, and the methods `fetch_all`, `fetch_optional`, `execute`,
//! `begin_on_pool`, `end_tx`, `apply_ddl_here`.

/// The sqlx half of connector `$name` over database `$db`.
macro_rules! sqlx_driver {
    ($name:ident, $db:ty) => {
        use $crate::connector::sql::map_error;

        type DbRow = <$db as sqlx::Database>::Row;

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

        fn pool_status(exec: &Exec) -> Option<$crate::connector::PoolStatus> {
            match exec {
                Exec::Pool(pool) => Some($crate::connector::PoolStatus {
                    size: pool.size(),
                    idle: pool.num_idle(),
                }),
                _ => None,
            }
        }

        fn is_null(row: &DbRow, i: usize) -> bool {
            sqlx::Row::try_get_raw(row, i).map_or(true, |v| sqlx::ValueRef::is_null(&v))
        }

        /// The sqlx query, the values moved into it (not copied).
        fn build(
            text: &std::sync::Arc<str>,
            binds: compile::Binds,
        ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
            let mut q = sqlx::query::<$db>(sqlx::AssertSqlSafe(text.clone()));
            for (value, kind) in binds {
                q = bind(q, value, kind);
            }
            q
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
            All(Vec<<$db as sqlx::Database>::Row>),
            One(Option<<$db as sqlx::Database>::Row>),
            Exec(<$db as sqlx::Database>::QueryResult),
        }

        /// Why a statement failed before juggler's error is made.
        enum Failure {
            Sqlx(sqlx::Error),
            TimedOut,
        }

        /// A statement's outcome within its time-out.
        fn settle<T>(
            outcome: std::result::Result<
                std::result::Result<T, sqlx::Error>,
                $crate::connector::sql::deadline::TimedOut,
            >,
        ) -> std::result::Result<T, Failure> {
            match outcome {
                Ok(result) => result.map_err(Failure::Sqlx),
                Err(_) => Err(Failure::TimedOut),
            }
        }

        async fn send(
            conn: &mut <$db as sqlx::Database>::Connection,
            text: &std::sync::Arc<str>,
            binds: compile::Binds,
            want: Want,
        ) -> std::result::Result<Got, sqlx::Error> {
            let q = build(text, binds);
            Ok(match want {
                Want::All => Got::All(q.fetch_all(&mut *conn).await?),
                Want::One => Got::One(q.fetch_optional(&mut *conn).await?),
                Want::Exec => Got::Exec(q.execute(&mut *conn).await?),
            })
        }

        impl $name {
            /// A connector over a pool you already have (sharing it with your
            /// own sqlx code).
            pub fn from_pool(pool: sqlx::Pool<$db>) -> Self {
                $name::with_shared(pool, Default::default())
            }

            fn with_shared(pool: sqlx::Pool<$db>, shared: $crate::connector::sql::Shared) -> Self {
                $name {
                    exec: Exec::Pool(pool),
                    statements: Default::default(),
                    shared: Arc::new(shared),
                }
            }

            async fn fetch_all(
                &self,
                def: &ModelDefinition,
                stmt: compile::Statement,
            ) -> Result<Vec<<$db as sqlx::Database>::Row>> {
                match self.run(def, stmt, Want::All).await? {
                    Got::All(rows) => Ok(rows),
                    _ => Ok(Vec::new()),
                }
            }

            async fn fetch_optional(
                &self,
                def: &ModelDefinition,
                stmt: compile::Statement,
            ) -> Result<Option<<$db as sqlx::Database>::Row>> {
                match self.run(def, stmt, Want::One).await? {
                    Got::One(row) => Ok(row),
                    _ => Ok(None),
                }
            }

            async fn execute(
                &self,
                def: &ModelDefinition,
                stmt: compile::Statement,
            ) -> Result<<$db as sqlx::Database>::QueryResult> {
                match self.run(def, stmt, Want::Exec).await? {
                    Got::Exec(done) => Ok(done),
                    _ => Err(Error::Unsupported("the statement gave no result".to_owned())),
                }
            }

            /// Runs one statement with the statement time-out. On the pool, a
            /// read whose connection turns out dead is run once more on
            /// another (nothing was written); the dead connection is closed
            /// and the pool pings the ones idle since before it.
            async fn run(&self, def: &ModelDefinition, stmt: compile::Statement, want: Want) -> Result<Got> {
                let started = std::time::Instant::now();
                let text: std::sync::Arc<str> = match stmt.shared {
                    Some(shared) => shared,
                    None => stmt.sql.into(),
                };
                let binds = stmt.binds;
                let params = binds.len();
                let got = match &self.exec {
                    Exec::Pool(pool) => {
                        let again = (!matches!(want, Want::Exec)).then(|| binds.clone());
                        match self.on_pool(pool, &text, binds, want).await {
                            Err(Failure::Sqlx(e)) if $crate::connector::sql::is_connection_error(&e) => {
                                self.shared.health.mark_broken();
                                match again {
                                    Some(binds) => self.on_pool(pool, &text, binds, want).await,
                                    None => Err(Failure::Sqlx(e)),
                                }
                            }
                            other => other,
                        }
                    }
                    Exec::Tx(state) | Exec::Savepoint(state, _) => {
                        let mut guard = state.tx.lock().await;
                        let tx = guard.as_mut().ok_or_else(closed)?;
                        let result = settle(self.timed(send(&mut **tx, &text, binds, want)).await);
                        match &result {
                            Err(Failure::TimedOut) => {
                                // The connection is in an unknown state: the
                                // transaction ends here (the server rolls it back).
                                guard.take();
                            }
                            Err(Failure::Sqlx(e)) if $crate::connector::sql::is_connection_error(e) => {
                                self.shared.health.mark_broken();
                                guard.take();
                            }
                            _ => {}
                        }
                        result
                    }
                };
                let got = got.map_err(|f| self.failure(def, f))?;
                log(&text, params, started);
                Ok(got)
            }

            async fn on_pool(
                &self,
                pool: &sqlx::Pool<$db>,
                text: &std::sync::Arc<str>,
                binds: compile::Binds,
                want: Want,
            ) -> std::result::Result<Got, Failure> {
                // sqlx's acquire future is kilobytes: on the heap, and made
                // there (inside the async block), it is neither part of every
                // future above nor copied into a box.
                let mut conn = Box::pin(async move { pool.acquire().await })
                    .await
                    .map_err(Failure::Sqlx)?;
                let result = settle(self.timed(send(&mut conn, text, binds, want)).await);
                let broken = match &result {
                    Err(Failure::TimedOut) => true,
                    Err(Failure::Sqlx(e)) => $crate::connector::sql::is_connection_error(e),
                    Ok(_) => false,
                };
                if broken {
                    conn.close_on_drop();
                }
                result
            }

            /// `fut` within the statement time-out (plus a margin, so the
            /// server's own limit, when it has one, fires first): a plain
            /// future, no async layer of its own.
            fn timed<F: std::future::Future>(&self, fut: F) -> $crate::connector::sql::deadline::Within<F> {
                $crate::connector::sql::deadline::within(self.shared.client_timeout(), fut)
            }

            fn failure(&self, def: &ModelDefinition, failure: Failure) -> Error {
                let statement = || Error::Timeout {
                    waiting: "the statement",
                    setting: "statement_timeout",
                    after: self.shared.statement_timeout.unwrap_or_default(),
                };
                match failure {
                    Failure::TimedOut => statement(),
                    Failure::Sqlx(e) if $crate::connector::sql::is_server_timeout(&e) => statement(),
                    Failure::Sqlx(sqlx::Error::PoolTimedOut) => Error::Timeout {
                        waiting: "waiting for a connection",
                        setting: "acquire_timeout",
                        after: self.shared.acquire_timeout,
                    },
                    Failure::Sqlx(e) => map_error(def, e),
                }
            }

            /// A transaction on a connection of the pool.
            async fn begin_on_pool(&self, pool: &sqlx::Pool<$db>) -> Result<$name> {
                let tx =
                    settle(self.timed(pool.begin()).await).map_err(|f| self.failure(&ModelDefinition::default(), f))?;
                let state = TxState {
                    tx: tokio::sync::Mutex::new(Some(tx)),
                    savepoints: Default::default(),
                };
                Ok($name {
                    exec: Exec::Tx(Arc::new(state)),
                    statements: self.statements.clone(),
                    shared: self.shared.clone(),
                })
            }

            /// Commits or rolls back the transaction of `state`.
            async fn end_tx(&self, state: &TxState, commit: bool) -> Result<()> {
                let tx = state.tx.lock().await.take().ok_or_else(closed)?;
                let ended = if commit {
                    tx.commit().await
                } else {
                    tx.rollback().await
                };
                ended.map_err(|e| map_error(&ModelDefinition::default(), e))
            }

            async fn apply_ddl_here(&self, statements: &[String]) -> std::result::Result<(), (usize, Error)> {
                let Exec::Pool(pool) = &self.exec else {
                    return Err((
                        0,
                        Error::Unsupported("schema changes run outside a transaction".to_owned()),
                    ));
                };
                $crate::connector::sql::ddl::apply(pool, DIALECT, &self.shared.health, statements).await
            }
        }
    };
}

pub(crate) use sqlx_driver;
