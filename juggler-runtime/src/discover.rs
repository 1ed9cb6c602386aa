//! LoopBack's discovery API over the catalog: the same method and field
//! names (`discoverModelDefinitions`, `discoverSchema`, ..., in
//! snake_case), each answered from one [`DataSource::discover`] (a fixed
//! number of catalog queries), where LoopBack runs several per table.
//!
//! Where LoopBack loses information (PostgreSQL enums as `USER-DEFINED`,
//! arrays as `ARRAY`, no SQLite discovery, no indexes), juggler keeps it:
//! in the [`Catalog`], and in added fields of the discovery JSON
//! (`columnType`, `enum`, `elementType`, ... in the column mapping).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> juggler::Result<()> {
//! use juggler::discover::SchemaOptions;
//! let ds = juggler::DataSource::connect("sqlite::memory:").await?;
//! # let a = juggler::ModelDefinition::from_json(r#"{"name": "artist", "properties": {"id": {"type": "number", "id": true, "generated": true}, "name": {"type": "string"}}}"#).unwrap();
//! # let b = juggler::ModelDefinition::from_json(r#"{"name": "album", "properties": {"id": {"type": "number", "id": true, "generated": true}, "artist_id": {"type": "number", "dataType": "integer"}}, "relations": {"artist": {"type": "belongsTo", "model": "artist", "foreignKey": "artist_id"}}}"#).unwrap();
//! # ds.automigrate(&[&a, &b]).await?;
//! let album = ds.discover_schema("album", &SchemaOptions::default()).await?;
//! assert_eq!(album.name, "Album");
//! assert_eq!(album.to_json()["properties"]["artistId"]["sqlite"]["columnName"], "artist_id");
//! let models = ds.discover_and_build_models("album", &SchemaOptions { associations: true, ..SchemaOptions::default() }).await?;
//! assert!(models.contains_key("Artist"));
//! # Ok(()) }
//! ```

use crate::dynamic::DynamicRepository;
use crate::schema::catalog::{Catalog, DiscoverOptions, Table};
use crate::schema::ModelDefinition;
use crate::{DataSource, Error, Result};
use indexmap::IndexMap;
use serde::Serialize;

/// Options of [`DataSource::discover_model_definitions`].
#[derive(Debug, Clone, Default)]
pub struct ModelDefinitionsOptions {
    /// Include views (LoopBack's `views`).
    pub views: bool,
    /// The schema (LoopBack's `owner` / `schema`); default: the current one.
    pub schema: Option<String>,
    /// Every schema the connection can see (LoopBack's `all`).
    pub all: bool,
    /// At most this many.
    pub limit: Option<usize>,
    /// Skip this many first.
    pub offset: Option<usize>,
}

/// Options of the per-table calls.
#[derive(Debug, Clone, Default)]
pub struct SchemaOptions {
    /// The schema (LoopBack's `owner` / `schema`); default: the current one.
    pub schema: Option<String>,
    /// Follow foreign keys both ways (LoopBack's `associations`).
    pub associations: bool,
}

/// One table or view, as `discoverModelDefinitions` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDefinitionInfo {
    /// `table` or `view`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its schema.
    pub owner: String,
}

/// One column, as `discoverModelProperties` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyInfo {
    /// The schema.
    pub owner: String,
    /// The table.
    pub table_name: String,
    /// The column.
    pub column_name: String,
    /// The database's type name.
    pub data_type: String,
    /// Maximum length of text.
    pub data_length: Option<u64>,
    /// Numeric precision.
    pub data_precision: Option<u64>,
    /// Numeric scale.
    pub data_scale: Option<u64>,
    /// `YES` or `NO`.
    pub nullable: String,
}

/// One primary-key column, as `discoverPrimaryKeys` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrimaryKeyInfo {
    /// The schema.
    pub owner: String,
    /// The table.
    pub table_name: String,
    /// The column.
    pub column_name: String,
    /// Its 1-based position in the key.
    pub key_seq: usize,
    /// The constraint's name.
    pub pk_name: Option<String>,
}

/// One foreign-key column pair, as `discoverForeignKeys` and
/// `discoverExportedForeignKeys` list them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForeignKeyInfo {
    /// The referring table's schema.
    pub fk_owner: String,
    /// The constraint's name.
    pub fk_name: Option<String>,
    /// The referring table.
    pub fk_table_name: String,
    /// The referring column.
    pub fk_column_name: String,
    /// Its 1-based position in the key.
    pub key_seq: usize,
    /// The referenced table's schema.
    pub pk_owner: String,
    /// The name of the referenced key, when known.
    pub pk_name: Option<String>,
    /// The referenced table.
    pub pk_table_name: String,
    /// The referenced column.
    pub pk_column_name: String,
}

impl DataSource {
    async fn catalog_of(&self, schema: Option<&str>, views: bool) -> Result<Catalog> {
        let options = DiscoverOptions {
            schemas: schema.map(|s| vec![s.to_owned()]).unwrap_or_default(),
            views,
            ..DiscoverOptions::default()
        };
        self.discover(&options).await
    }

    async fn table_of(&self, table: &str, schema: Option<&str>) -> Result<(Catalog, String)> {
        let catalog = self.catalog_of(schema, true).await?;
        let owner = catalog
            .schemas
            .iter()
            .find(|s| s.tables.iter().any(|t| t.name == table) || s.views.iter().any(|v| v.name == table))
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                let at = catalog
                    .schemas
                    .first()
                    .map_or(String::new(), |s| format!(" in schema `{}`", s.name));
                Error::Unsupported(format!("no table or view `{table}`{at}"))
            })?;
        Ok((catalog, owner))
    }

    /// LoopBack's `discoverModelDefinitions`: the tables (and views) of a
    /// schema, by name.
    pub async fn discover_model_definitions(
        &self,
        options: &ModelDefinitionsOptions,
    ) -> Result<Vec<ModelDefinitionInfo>> {
        let catalog = if options.all {
            let schemas = self.connector().schema_names().await?;
            self.discover(&DiscoverOptions {
                schemas,
                views: options.views,
                ..DiscoverOptions::default()
            })
            .await?
        } else {
            self.catalog_of(options.schema.as_deref(), options.views).await?
        };
        let mut out = Vec::new();
        for s in &catalog.schemas {
            for t in &s.tables {
                out.push(ModelDefinitionInfo {
                    kind: "table".into(),
                    name: t.name.clone(),
                    owner: s.name.clone(),
                });
            }
            for v in &s.views {
                out.push(ModelDefinitionInfo {
                    kind: "view".into(),
                    name: v.name.clone(),
                    owner: s.name.clone(),
                });
            }
        }
        out.sort_by(|a, b| (&a.owner, &a.name).cmp(&(&b.owner, &b.name)));
        let skip = options.offset.unwrap_or(0);
        Ok(out
            .into_iter()
            .skip(skip)
            .take(options.limit.unwrap_or(usize::MAX))
            .collect())
    }

    /// LoopBack's `discoverModelProperties`: the columns of a table or view.
    pub async fn discover_model_properties(&self, table: &str, options: &SchemaOptions) -> Result<Vec<PropertyInfo>> {
        let (catalog, owner) = self.table_of(table, options.schema.as_deref()).await?;
        let s = catalog
            .schema(&owner)
            .ok_or_else(|| Error::Unsupported(format!("no schema `{owner}`")))?;
        let columns = match s.tables.iter().find(|t| t.name == table) {
            Some(t) => &t.columns,
            None => &s
                .views
                .iter()
                .find(|v| v.name == table)
                .map(|v| &v.columns)
                .ok_or_else(|| Error::Unsupported(format!("no table `{table}`")))?
                .clone(),
        };
        Ok(columns
            .iter()
            .map(|c| PropertyInfo {
                owner: owner.clone(),
                table_name: table.to_owned(),
                column_name: c.name.clone(),
                data_type: if c.type_name.is_empty() {
                    c.data_type.clone()
                } else {
                    c.type_name.clone()
                },
                data_length: c.length,
                data_precision: c.precision,
                data_scale: c.scale,
                nullable: if c.nullable { "YES" } else { "NO" }.into(),
            })
            .collect())
    }

    fn found_table<'c>(catalog: &'c Catalog, owner: &str, table: &str) -> Result<&'c Table> {
        catalog
            .table(owner, table)
            .ok_or_else(|| Error::Unsupported(format!("`{table}` is a view: it has no keys")))
    }

    /// LoopBack's `discoverPrimaryKeys`.
    pub async fn discover_primary_keys(&self, table: &str, options: &SchemaOptions) -> Result<Vec<PrimaryKeyInfo>> {
        let (catalog, owner) = self.table_of(table, options.schema.as_deref()).await?;
        let t = Self::found_table(&catalog, &owner, table)?;
        Ok(t.primary_key
            .iter()
            .flat_map(|k| {
                k.columns.iter().enumerate().map(|(i, c)| PrimaryKeyInfo {
                    owner: owner.clone(),
                    table_name: table.to_owned(),
                    column_name: c.clone(),
                    key_seq: i + 1,
                    pk_name: k.name.clone(),
                })
            })
            .collect())
    }

    fn key_infos(
        catalog: &Catalog,
        owner: &str,
        t: &Table,
        fk: &crate::schema::catalog::ForeignKey,
    ) -> Vec<ForeignKeyInfo> {
        let pk_name = catalog
            .table(&fk.target_schema, &fk.target_table)
            .and_then(|target| target.primary_key.as_ref().filter(|k| k.columns == fk.target_columns))
            .and_then(|k| k.name.clone());
        fk.columns
            .iter()
            .zip(&fk.target_columns)
            .enumerate()
            .map(|(i, (from, to))| ForeignKeyInfo {
                fk_owner: owner.to_owned(),
                fk_name: fk.name.clone(),
                fk_table_name: t.name.clone(),
                fk_column_name: from.clone(),
                key_seq: i + 1,
                pk_owner: fk.target_schema.clone(),
                pk_name: pk_name.clone(),
                pk_table_name: fk.target_table.clone(),
                pk_column_name: to.clone(),
            })
            .collect()
    }

    /// LoopBack's `discoverForeignKeys`: the keys of `table` that point at
    /// other tables.
    pub async fn discover_foreign_keys(&self, table: &str, options: &SchemaOptions) -> Result<Vec<ForeignKeyInfo>> {
        let (catalog, owner) = self.table_of(table, options.schema.as_deref()).await?;
        let t = Self::found_table(&catalog, &owner, table)?;
        Ok(t.foreign_keys
            .iter()
            .flat_map(|fk| Self::key_infos(&catalog, &owner, t, fk))
            .collect())
    }

    /// LoopBack's `discoverExportedForeignKeys`: the keys of other tables
    /// that point at `table`.
    pub async fn discover_exported_foreign_keys(
        &self,
        table: &str,
        options: &SchemaOptions,
    ) -> Result<Vec<ForeignKeyInfo>> {
        let (catalog, owner) = self.table_of(table, options.schema.as_deref()).await?;
        Ok(catalog
            .exported_keys(&owner, table)
            .flat_map(|(schema, t, fk)| Self::key_infos(&catalog, schema, t, fk))
            .collect())
    }

    /// LoopBack's `discoverSchema`: the model definition of one table or
    /// view in LoopBack's discovery JSON (see [`crate::schema::discovered`]).
    pub async fn discover_schema(&self, table: &str, options: &SchemaOptions) -> Result<ModelDefinition> {
        let (catalog, owner) = self.table_of(table, options.schema.as_deref()).await?;
        catalog
            .to_definition(&owner, table, options.associations)
            .ok_or_else(|| Error::Unsupported(format!("no table or view `{table}`")))
    }

    /// LoopBack's `discoverSchemas`: `table`'s definition and, with
    /// `associations`, those of every table reached through foreign keys
    /// in either direction (each once), keyed `schema.table`.
    pub async fn discover_schemas(
        &self,
        table: &str,
        options: &SchemaOptions,
    ) -> Result<IndexMap<String, ModelDefinition>> {
        let (catalog, owner) = self.table_of(table, options.schema.as_deref()).await?;
        let mut out = IndexMap::new();
        let mut queue = vec![(owner, table.to_owned())];
        while let Some((schema, name)) = queue.pop() {
            let key = format!("{schema}.{name}");
            if out.contains_key(&key) {
                continue;
            }
            let Some(def) = catalog.to_definition(&schema, &name, options.associations) else {
                continue;
            };
            out.insert(key, def);
            if !options.associations {
                continue;
            }
            if let Some(t) = catalog.table(&schema, &name) {
                for fk in &t.foreign_keys {
                    queue.push((fk.target_schema.clone(), fk.target_table.clone()));
                }
            }
            let exported: Vec<(String, String)> = catalog
                .exported_keys(&schema, &name)
                .map(|(s, t, _)| (s.to_owned(), t.name.clone()))
                .collect();
            queue.extend(exported);
        }
        Ok(out)
    }

    /// LoopBack's `discoverAndBuildModels`: [`DataSource::discover_schemas`],
    /// then a dynamic model for each, defined on this data source so they
    /// `include` each other along the discovered keys at once. Keyed by
    /// model name.
    pub async fn discover_and_build_models(
        &self,
        table: &str,
        options: &SchemaOptions,
    ) -> Result<IndexMap<String, DynamicRepository>> {
        let defs = self.discover_schemas(table, options).await?;
        let mut out = IndexMap::new();
        for def in defs.into_values() {
            let name = def.name.clone();
            out.insert(name, self.dynamic(def)?);
        }
        Ok(out)
    }
}
