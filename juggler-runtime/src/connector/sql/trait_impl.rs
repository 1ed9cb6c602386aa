//! `impl Connector` for the SQL connectors, stamped out inside
//! `sql_connector!`'s output (see mod.rs): it calls that output's items
//! (`DIALECT`, `compile`, `Exec`, the driver's `bind` / `decode`) by name,
//! so it reads as part of it; it is a file of its own to keep each file to
//! one concept (the connector's machinery there, the trait's operations here).

/// The `Connector` impl of the connector `$name` made by `sql_connector!`.
macro_rules! sql_connector_trait {
    ($name:ident) => {
        #[async_trait::async_trait]
        impl Connector for $name {
            fn pool_status(&self) -> Option<$crate::connector::PoolStatus> {
                pool_status(&self.exec)
            }

            fn max_binds(&self) -> usize {
                DIALECT.max_binds()
            }

            fn name(&self) -> &'static str {
                match DIALECT {
                    Dialect::Sqlite => "sqlite",
                    Dialect::Postgres => "postgres",
                    Dialect::MySql => "mysql",
                }
            }

            async fn insert(&self, def: &ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
                self.insert_rows(def, None, rows, $crate::connector::sql::Keep::Rows).await
            }

            async fn insert_static(&self, def: &'static ModelDefinition, rows: Vec<Row>) -> Result<Vec<Row>> {
                self.insert_rows(def, Some(def), rows, $crate::connector::sql::Keep::Rows).await
            }

            async fn insert_values(&self, def: &'static ModelDefinition, values: Vec<Value>) -> Result<Vec<Value>> {
                let id = $crate::connector::single_id(def)?;
                let width = def.properties.len();
                let flat = $crate::connector::sql::Flat { values, width };
                let flat = match self.insert_one_statement(def, flat, id).await? {
                    Ok(ids) => return Ok(ids),
                    Err(flat) => flat,
                };
                let mut flat = self.insert_rows(def, Some(def), flat, $crate::connector::sql::Keep::Column(id)).await?;
                Ok(flat.values.chunks_mut(width).map(|row| std::mem::take(&mut row[id])).collect())
            }

            async fn find_by_id_static(&self, def: &'static ModelDefinition, id: &[Value]) -> Result<Option<Row>> {
                let (layout, stmt) = self.find_by_id_statement(def, id)?;
                let Some(row) = self.fetch_optional(def, stmt).await? else {
                    return Ok(None);
                };
                Ok(Self::decode_with(def, std::slice::from_ref(&row), &layout.all, &layout.kinds, 0)?.pop())
            }

            async fn find_by_id_each_static(
                &self,
                def: &'static ModelDefinition,
                id: &[Value],
                sink: &mut $crate::connector::RowSink<'_>,
            ) -> Result<bool> {
                let (layout, stmt) = self.find_by_id_statement(def, id)?;
                let Some(row) = self.fetch_optional(def, stmt).await? else {
                    return Ok(false);
                };
                let plans: Vec<Plan> = layout.kinds.iter().enumerate().map(|(c, k)| plan(&row, c, *k)).collect();
                sink(&SqlRow { row: &row, plans: &plans, def, positions: &layout.all }, &layout.columns)?;
                Ok(true)
            }

            async fn delete_by_id_static(&self, def: &'static ModelDefinition, id: &[Value]) -> Result<u64> {
                let layout = self.statements.layout(def, DIALECT);
                let binds = Self::id_binds(def, &layout, id)?;
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "delete_by_id", Some(0)), binds, || {
                    compile::delete(def, DIALECT, $crate::ops::id_cond(def, id).ok().as_ref()).sql
                });
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn update_by_id_static(&self, def: &'static ModelDefinition, id: &[Value], set: &[(usize, Value)]) -> Result<u64> {
                if DIALECT == Dialect::Postgres {
                    $crate::connector::sql::check_no_nul(def, set.iter().map(|(p, v)| (*p, v)))?;
                }
                let layout = self.statements.layout(def, DIALECT);
                let binds = Self::binds_with_id(def, &layout, set, id)?;
                let m = compile::mask(set.iter().map(|(p, _)| *p));
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "update_by_id", m), binds, || {
                    compile::update(def, DIALECT, $crate::ops::id_cond(def, id).ok().as_ref(), set).sql
                });
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn update_by_id_returning_static(
                &self,
                def: &'static ModelDefinition,
                id: &[Value],
                set: &[(usize, Value)],
            ) -> Result<Option<Row>> {
                if DIALECT == Dialect::Postgres {
                    $crate::connector::sql::check_no_nul(def, set.iter().map(|(p, v)| (*p, v)))?;
                }
                if DIALECT == Dialect::MySql || set.is_empty() {
                    // MySQL / MariaDB have no `UPDATE .. RETURNING`.
                    if !set.is_empty() && self.update_by_id_static(def, id, set).await? == 0 {
                        return Ok(None);
                    }
                    return self.find_by_id_static(def, id).await;
                }
                let layout = self.statements.layout(def, DIALECT);
                let binds = Self::binds_with_id(def, &layout, set, id)?;
                let m = compile::mask(set.iter().map(|(p, _)| *p));
                let stmt = compile::Statement::cached(&self.statements, compile::key(def, "update_by_id_returning", m), binds, || {
                    let mut sql = compile::update(def, DIALECT, $crate::ops::id_cond(def, id).ok().as_ref(), set).sql;
                    sql.push_str(&compile::returning_all(def, DIALECT));
                    sql
                });
                let Some(row) = self.fetch_optional(def, stmt).await? else {
                    return Ok(None);
                };
                Ok(Self::decode_with(def, std::slice::from_ref(&row), &layout.all, &layout.kinds, 0)?.pop())
            }

            async fn find_linked(
                &self,
                def: &ModelDefinition,
                query: &Query,
                link: &$crate::connector::LinkSpec<'_>,
                keys: &[Value],
            ) -> Result<Vec<(Value, Row)>> {
                let Some((stmt, positions)) = compile::select_linked(def, DIALECT, query, link, keys) else {
                    return $crate::connector::find_linked_in_two_steps(self, def, query, link, keys).await;
                };
                let rows = self.fetch_all(def, stmt).await?;
                let decoded = Self::decode_rows_from(def, &rows, &positions, 1)?;
                let parent_kind = $crate::schema::sql::column_kind(&link.def.properties[link.to_parent], DIALECT);
                rows.iter()
                    .zip(decoded)
                    .map(|(r, row)| {
                        let parent = decode(r, 0, parent_kind)
                            .map_err(|e| Error::invalid_data(&link.def.name, format!("cannot read the link key: {e}")))?;
                        Ok((parent, row))
                    })
                    .collect()
            }

            async fn find_each(
                &self,
                def: &ModelDefinition,
                query: &Query,
                sink: &mut $crate::connector::RowSink<'_>,
            ) -> Result<()> {
                if compile::needs_post_filter(query) {
                    let rows = self.find(def, query).await?;
                    return $crate::connector::feed_rows(def, query, rows, sink);
                }
                let (stmt, positions) = compile::select(def, DIALECT, query);
                let rows = if query.limit == Some(1) {
                    self.fetch_optional(def, stmt).await?.into_iter().collect()
                } else {
                    self.fetch_all(def, stmt).await?
                };
                let Some(first) = rows.first() else {
                    return Ok(());
                };
                // How each column is read, decided once from the first row.
                let plans: Vec<Plan> = positions
                    .iter()
                    .enumerate()
                    .map(|(c, p)| plan(first, c, $crate::schema::sql::column_kind(&def.properties[*p], DIALECT)))
                    .collect();
                let mut columns = vec![None; def.properties.len()];
                for (c, p) in positions.iter().enumerate() {
                    columns[*p] = Some(c);
                }
                for row in &rows {
                    sink(&SqlRow { row, plans: &plans, def, positions: &positions }, &columns)?;
                }
                Ok(())
            }

            async fn find(&self, def: &ModelDefinition, query: &Query) -> Result<Vec<Row>> {
                let (stmt, positions) = compile::select(def, DIALECT, query);
                let rows = if query.limit == Some(1) && !compile::needs_post_filter(query) {
                    // One row: don't wait for the end of the stream (on SQLite
                    // that is one more trip through sqlx's worker channel).
                    self.fetch_optional(def, stmt).await?.into_iter().collect()
                } else {
                    self.fetch_all(def, stmt).await?
                };
                let rows = Self::decode_rows(def, rows, &positions)?;
                if compile::needs_post_filter(query) {
                    let rows = rows.into_iter().filter(|r| query.cond.as_ref().is_none_or(|c| c.matches(r))).collect();
                    return Ok(query.finish(rows));
                }
                Ok(rows)
            }

            async fn count(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
                let stmt = compile::count(def, DIALECT, cond);
                let row = self.fetch_optional(def, stmt).await?;
                let n = match row.map(|r| decode(&r, 0, $crate::schema::ColumnKind::BigInt)).transpose() {
                    Ok(Some(Value::Int(n))) => n,
                    Ok(_) => 0,
                    Err(e) => return Err(Error::invalid_data(&def.name, format!("cannot read the count: {e}"))),
                };
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn update(&self, def: &ModelDefinition, cond: Option<&Cond>, set: &[(usize, Value)]) -> Result<u64> {
                if DIALECT == Dialect::Postgres {
                    $crate::connector::sql::check_no_nul(def, set.iter().map(|(p, v)| (*p, v)))?;
                }
                let stmt = compile::update(def, DIALECT, cond, set);
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn replace(&self, def: &ModelDefinition, row: Row) -> Result<bool> {
                let ids = $crate::ops::id_positions(def);
                if ids.is_empty() {
                    return Err(Error::Unsupported(format!("`{}` has no id, so it cannot be replaced by id", def.name)));
                }
                let cond = $crate::ops::id_cond(def, &ids.iter().map(|i| row.values[*i].clone()).collect::<Vec<_>>())?;
                let set: Vec<(usize, Value)> = (0..def.properties.len())
                    .filter(|p| !ids.contains(p))
                    .map(|p| (p, row.values[p].clone()))
                    .collect();
                if set.is_empty() {
                    return Ok(self.count(def, Some(&cond)).await? > 0);
                }
                Ok(self.update(def, Some(&cond), &set).await? > 0)
            }

            async fn upsert(&self, def: &ModelDefinition, row: Row) -> Result<(Row, bool)> {
                if DIALECT == Dialect::Postgres {
                    $crate::connector::sql::check_no_nul(def, row.values.iter().enumerate())?;
                }
                let ids = $crate::ops::id_positions(def);
                if ids.is_empty() || ids.iter().any(|i| $crate::model::is_unset_id(&row.values[*i])) {
                    let mut rows = self.insert(def, vec![row]).await?;
                    return rows.pop().map(|r| (r, true)).ok_or_else(|| Error::invalid_data(&def.name, "no row inserted"));
                }
                let inserted = self.upsert_row(def, &row, &ids).await?;
                Ok((row, inserted))
            }

            async fn delete(&self, def: &ModelDefinition, cond: Option<&Cond>) -> Result<u64> {
                let stmt = compile::delete(def, DIALECT, cond);
                Ok(self.execute(def, stmt).await?.rows_affected())
            }

            async fn discover(
                &self,
                options: &$crate::schema::catalog::DiscoverOptions,
            ) -> Result<$crate::schema::catalog::Catalog> {
                self.discover_catalog(options).await
            }

            async fn schema_names(&self) -> Result<Vec<String>> {
                let sql = match DIALECT {
                    Dialect::Sqlite => "SELECT name FROM pragma_database_list ORDER BY seq",
                    Dialect::Postgres => "SELECT nspname::text FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
                    Dialect::MySql => "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1",
                };
                let stmt = compile::Statement { sql: sql.to_owned(), shared: None, binds: Default::default() };
                let rows = self.fetch_all(&ModelDefinition::default(), stmt).await?;
                Ok(rows.iter().filter_map(|r| decode(r, 0, $crate::schema::ColumnKind::Text).ok()).filter_map(|v| v.as_str().map(str::to_owned)).collect())
            }

            async fn automigrate(&self, defs: &[&ModelDefinition]) -> Result<()> {
                self.run_ddl(&$crate::schema::sql::migration_sql(defs, DIALECT)).await
            }

            async fn query_texts(&self, sql: String, binds: Vec<String>) -> Result<Vec<Option<String>>> {
                let binds = binds.into_iter().map(|b| (Value::Text(b), $crate::schema::ColumnKind::Text)).collect();
                let stmt = compile::Statement { sql, shared: None, binds };
                let rows = self.fetch_all(&ModelDefinition::default(), stmt).await?;
                Ok(rows
                    .iter()
                    .map(|r| match decode(r, 0, $crate::schema::ColumnKind::BigInt) {
                        Ok(Value::Int(n)) => Some(n.to_string()),
                        _ => decode(r, 0, $crate::schema::ColumnKind::Text).ok().and_then(|v| v.as_str().map(str::to_owned)),
                    })
                    .collect())
            }

            async fn apply_ddl(&self, statements: &[String]) -> std::result::Result<(), (usize, Error)> {
                self.apply_ddl_here(statements).await
            }

            async fn begin(&self) -> Result<Arc<dyn Connector>> {
                Ok(Arc::new(self.begin_here().await?))
            }

            async fn commit(&self) -> Result<()> {
                self.finish(true).await
            }

            async fn rollback(&self) -> Result<()> {
                self.finish(false).await
            }
        }
    };
}

pub(crate) use sql_connector_trait;
