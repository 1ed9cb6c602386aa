//! Discovery on SQLite: a schema's tables, views, columns, keys and indexes
//! into a catalog.

use super::{compile, DbRow, SqliteConnector, DIALECT};
use crate::schema::ModelDefinition;
use crate::value::Value;
use crate::Result;

/// Text of column `i`, or `None` for NULL (or a value that is not text).
fn text(row: &DbRow, i: usize) -> Option<String> {
    match row.peek(i) {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

fn int(row: &DbRow, i: usize) -> i64 {
    match row.peek(i) {
        Value::Int(n) => n,
        _ => 0,
    }
}

/// SQLite's type affinity rules (section 3.1 of its datatype page) for a
/// declared type juggler does not know by name.
fn affinity_property_type(declared: &str) -> &'static str {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        "Number"
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        "String"
    } else if upper.contains("BLOB") {
        "Buffer"
    } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
        "Number"
    } else if upper.contains("BOOL") {
        "Boolean"
    } else if upper.contains("DATE") || upper.contains("TIME") {
        "Date"
    } else {
        // Empty (BLOB affinity: anything) or a name that only the NUMERIC
        // fallback rule takes (`GEOMETRY`): juggler cannot say.
        "Any"
    }
}

fn action(text: Option<String>) -> String {
    text.unwrap_or_else(|| "NO ACTION".to_owned())
}

impl SqliteConnector {
    /// Reads schema `schema` (`main`, or an attached database) into a
    /// catalog with four statements, whatever the number of tables:
    /// `sqlite_schema`, then `pragma_table_xinfo`, `pragma_foreign_key_list`
    /// and `pragma_index_list` / `pragma_index_xinfo` joined to it.
    pub(crate) async fn discover_catalog(
        &self,
        options: &crate::schema::catalog::DiscoverOptions,
    ) -> Result<crate::schema::catalog::Catalog> {
        use crate::schema::catalog::{Catalog, Check, Column, ForeignKey, Index, IndexPart, Key, Schema, Table, View};
        use std::collections::BTreeMap;
        let mut catalog = Catalog::new("sqlite");
        let schemas = if options.schemas.is_empty() {
            vec!["main".to_owned()]
        } else {
            options.schemas.clone()
        };
        let empty = ModelDefinition::default();
        for schema_name in schemas {
            let q = DIALECT.quote(&schema_name);
            let lit = format!("'{}'", schema_name.replace('\'', "''"));
            let objects = format!(
                "SELECT type, name, sql FROM {q}.sqlite_schema \
                 WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            );
            let columns = format!(
                "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
                 FROM {q}.sqlite_schema m JOIN pragma_table_xinfo(m.name, {lit}) p \
                 WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, p.cid"
            );
            let keys = format!(
                "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
                 FROM {q}.sqlite_schema m JOIN pragma_foreign_key_list(m.name, {lit}) f \
                 WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq"
            );
            let indexes = format!(
                "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial, x.seqno, x.cid, x.name, x.\"desc\", s.sql \
                 FROM {q}.sqlite_schema m JOIN pragma_index_list(m.name, {lit}) l \
                 JOIN pragma_index_xinfo(l.name, {lit}) x \
                 LEFT JOIN {q}.sqlite_schema s ON s.type = 'index' AND s.name = l.name \
                 WHERE m.type = 'table' AND x.key = 1 ORDER BY m.name, l.name, x.seqno"
            );
            let run = |sql: String| compile::Statement {
                sql,
                shared: None,
                binds: Default::default(),
            };
            let object_rows = self.fetch_all(&empty, run(objects)).await?;
            let column_rows = self.fetch_all(&empty, run(columns)).await?;
            let key_rows = self.fetch_all(&empty, run(keys)).await?;
            let index_rows = self.fetch_all(&empty, run(indexes)).await?;

            let mut tables: BTreeMap<String, Table> = BTreeMap::new();
            let mut views: BTreeMap<String, View> = BTreeMap::new();
            let mut texts = BTreeMap::new();
            for r in &object_rows {
                let (kind, name, sql) = (
                    text(r, 0).unwrap_or_default(),
                    text(r, 1).unwrap_or_default(),
                    text(r, 2).unwrap_or_default(),
                );
                if !options.wants(&name) {
                    continue;
                }
                if kind == "view" {
                    if options.views {
                        views.insert(
                            name.clone(),
                            View {
                                name,
                                definition: sql,
                                ..View::default()
                            },
                        );
                    }
                    continue;
                }
                let t = crate::schema::sqlite_ddl::read_create_table(&sql);
                let mut table = Table::new(name.clone());
                table.without_rowid = t.without_rowid;
                table.strict = t.strict;
                table.checks = t
                    .checks
                    .iter()
                    .map(|(n, e)| Check {
                        name: n.clone(),
                        expression: e.clone(),
                    })
                    .collect();
                tables.insert(name.clone(), table);
                texts.insert(name, t);
            }
            let mut pk_parts: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
            for r in &column_rows {
                let owner = text(r, 0).unwrap_or_default();
                let name = text(r, 2).unwrap_or_default();
                let declared = text(r, 3).unwrap_or_default();
                let mut column = Column::new(name.clone(), declared.clone());
                if column.property_type == "Any" {
                    column.property_type = affinity_property_type(&declared).to_owned();
                }
                let (length, precision, scale) =
                    crate::schema::catalog::type_parameters(&declared, &column.property_type);
                (column.length, column.precision, column.scale) = (length, precision, scale);
                column.nullable = int(r, 4) == 0;
                column.default = text(r, 5);
                let pk = int(r, 6);
                let hidden = int(r, 7);
                if let Some(table) = tables.get_mut(&owner) {
                    if let Some(t) = texts.get(&owner) {
                        if let Some((_, e, stored)) = t.computed.iter().find(|(c, _, _)| *c == name) {
                            column.computed = Some(e.clone());
                            column.stored = *stored;
                        }
                    }
                    if hidden == 2 || hidden == 3 {
                        column.stored = hidden == 3;
                        column.computed.get_or_insert_with(String::new);
                    }
                    if pk > 0 {
                        pk_parts.entry(owner.clone()).or_default().push((pk, name.clone()));
                    }
                    if column.property_type == "Any" && !declared.is_empty() {
                        catalog.warn(
                            "unsupported-type",
                            format!("{schema_name}.{owner}.{name}"),
                            format!("`{owner}.{name}` has type `{declared}`, which maps to no property type; it is read as text"),
                        );
                    }
                    table.columns.push(column);
                } else if let Some(view) = views.get_mut(&owner) {
                    view.columns.push(column);
                }
            }
            for (owner, mut parts) in pk_parts {
                parts.sort();
                let Some(table) = tables.get_mut(&owner) else { continue };
                let columns: Vec<String> = parts.into_iter().map(|(_, c)| c).collect();
                // INTEGER PRIMARY KEY is the rowid: SQLite fills it in.
                if let [only] = columns.as_slice() {
                    let autoincrement = texts.get(&owner).is_some_and(|t| t.autoincrement);
                    let without_rowid = table.without_rowid;
                    if let Some(c) = table.columns.iter_mut().find(|c| &c.name == only) {
                        if c.data_type.eq_ignore_ascii_case("INTEGER") && !without_rowid {
                            c.generated = Some(if autoincrement { "autoincrement" } else { "rowid" }.to_owned());
                        }
                    }
                }
                let name = texts.get(&owner).and_then(|t| t.primary_key_name.clone());
                table.primary_key = Some(Key { name, columns });
            }
            let mut fks: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
            for r in &key_rows {
                let owner = text(r, 0).unwrap_or_default();
                if !tables.contains_key(&owner) {
                    continue;
                }
                let fk = fks.entry((owner, int(r, 1))).or_insert_with(|| ForeignKey {
                    name: None,
                    target_schema: schema_name.clone(),
                    target_table: text(r, 3).unwrap_or_default(),
                    on_update: action(text(r, 6)),
                    on_delete: action(text(r, 7)),
                    ..ForeignKey::default()
                });
                fk.columns.push(text(r, 4).unwrap_or_default());
                // A missing `to` means the target's primary key, filled in below.
                fk.target_columns.push(text(r, 5).unwrap_or_default());
            }
            for ((owner, _), mut fk) in fks {
                if fk.target_columns.iter().any(String::is_empty) {
                    if let Some(pk) = tables.get(&fk.target_table).and_then(|t| t.primary_key.as_ref()) {
                        fk.target_columns = pk.columns.clone();
                    }
                }
                if let Some(t) = tables.get_mut(&owner) {
                    t.foreign_keys.push(fk);
                }
            }
            let mut idx: BTreeMap<(String, String), (Index, String)> = BTreeMap::new();
            for r in &index_rows {
                let owner = text(r, 0).unwrap_or_default();
                if !tables.contains_key(&owner) {
                    continue;
                }
                let name = text(r, 1).unwrap_or_default();
                let origin = text(r, 3).unwrap_or_default();
                let sql = text(r, 9).unwrap_or_default();
                let entry = idx.entry((owner, name.clone())).or_insert_with(|| {
                    let (predicate, _) = crate::schema::sqlite_ddl::read_create_index(&sql);
                    (
                        Index {
                            name,
                            unique: int(r, 2) != 0,
                            primary: origin == "pk",
                            predicate: if int(r, 4) != 0 { predicate } else { None },
                            ..Index::default()
                        },
                        origin,
                    )
                });
                let seqno = int(r, 5) as usize;
                let column = if int(r, 6) == -2 { None } else { text(r, 7) };
                let expression = if column.is_none() {
                    crate::schema::sqlite_ddl::read_create_index(&sql).1.get(seqno).cloned()
                } else {
                    None
                };
                entry.0.parts.push(IndexPart {
                    column,
                    expression,
                    descending: int(r, 8) != 0,
                });
            }
            for ((owner, _), (index, origin)) in idx {
                let Some(t) = tables.get_mut(&owner) else { continue };
                if index.parts.iter().any(|p| p.expression.is_some()) {
                    catalog.warn(
                        "expression-index",
                        format!("{schema_name}.{owner}.{}", index.name),
                        format!(
                            "index `{}` of `{owner}` is on an expression, which a model property cannot declare",
                            index.name
                        ),
                    );
                }
                if origin == "u" {
                    t.unique.push(Key {
                        name: None,
                        columns: index.parts.iter().filter_map(|p| p.column.clone()).collect(),
                    });
                }
                t.indexes.push(index);
            }
            let mut schema = Schema {
                name: schema_name.clone(),
                ..Schema::default()
            };
            schema.tables = tables.into_values().collect();
            schema.views = views.into_values().collect();
            catalog.schemas.push(schema);
        }
        catalog.add_key_warnings();
        catalog.normalize();
        Ok(catalog)
    }
}
