//! [`DataSource`]: a connection to one store, and the repositories over it.

use crate::connector::memory::MemoryConnector;
use crate::connector::Connector;
use crate::dynamic::DynamicRepository;
use crate::model::Model;
use crate::repository::Repository;
use crate::schema::ModelDefinition;
use crate::{Error, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[cfg(feature = "_sql")]
pub use crate::connector::sql::PoolSettings;

/// Pool settings (this build has no SQL connector, so they are not used).
#[cfg(not(feature = "_sql"))]
#[derive(Debug, Clone, Default)]
pub struct PoolSettings {}

/// A connected store. Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct DataSource {
    connector: Arc<dyn Connector>,
    models: crate::dynamic::Registry,
}

impl std::fmt::Debug for DataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataSource")
            .field("connector", &self.connector.name())
            .finish()
    }
}

impl DataSource {
    /// Connects by URL:
    ///
    /// - `memory:` — an empty store in this process;
    /// - `memory:path/to/file.json` — a store kept in that file (LoopBack's
    ///   memory-connector format), loaded now and rewritten after each write.
    ///
    /// - `sqlite://app.db?mode=rwc`, `sqlite::memory:` (feature `sqlite`, default);
    /// - `postgres://user@host/db` or `postgresql://..` (feature `postgres`);
    /// - `mysql://user@host/db` or `mariadb://..` (feature `mysql`).
    ///
    /// A scheme whose feature is off gets an [`Error::Connect`] naming the feature.
    pub async fn connect(url: &str) -> Result<DataSource> {
        DataSource::connect_with(url, PoolSettings::default()).await
    }

    /// Connects with pool settings (ignored by the memory connector).
    pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<DataSource> {
        let _ = &settings;
        let (scheme, rest) = url.split_once(':').ok_or_else(|| Error::Connect {
            url: url.to_owned(),
            message: "expected a URL such as `memory:` or `memory:data.json`".to_owned(),
        })?;
        let connector: Arc<dyn Connector> = match scheme {
            "memory" => {
                let path = rest.trim_start_matches("//");
                if path.is_empty() {
                    Arc::new(MemoryConnector::new())
                } else {
                    Arc::new(MemoryConnector::with_file(path)?)
                }
            }
            #[cfg(feature = "sqlite")]
            "sqlite" => Arc::new(crate::connector::sql::sqlite::SqliteConnector::connect(url, &settings).await?),
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => {
                Arc::new(crate::connector::sql::postgres::PgConnector::connect(url, &settings).await?)
            }
            #[cfg(feature = "mysql")]
            "mysql" | "mariadb" => {
                Arc::new(crate::connector::sql::mysql::MySqlConnector::connect(url, &settings).await?)
            }
            // Reached only for the schemes whose feature is off.
            #[allow(unreachable_patterns)]
            "sqlite" | "postgres" | "postgresql" | "mysql" | "mariadb" => {
                let feature = match scheme {
                    "sqlite" => "sqlite",
                    "mysql" | "mariadb" => "mysql",
                    _ => "postgres",
                };
                return Err(Error::Connect {
                    url: url.to_owned(),
                    message: format!(
                        "this build has no `{scheme}` connector; enable the `{feature}` feature of juggler"
                    ),
                });
            }
            other => {
                return Err(Error::Connect {
                    url: url.to_owned(),
                    message: format!(
                        "unknown scheme `{other}`; supported: memory, sqlite, postgres, postgresql, mysql, mariadb"
                    ),
                })
            }
        };
        Ok(DataSource {
            connector,
            models: Default::default(),
        })
    }

    /// A data source over a connector you built.
    pub fn from_connector(connector: impl Connector) -> DataSource {
        DataSource {
            connector: Arc::new(connector),
            models: Default::default(),
        }
    }

    /// The connector behind it.
    pub(crate) fn connector(&self) -> &Arc<dyn Connector> {
        &self.connector
    }

    /// The SQL dialect of the connector (`None` for memory).
    pub(crate) fn dialect(&self) -> Option<crate::schema::Dialect> {
        use crate::schema::Dialect;
        match self.connector.name() {
            "sqlite" => Some(Dialect::Sqlite),
            "postgres" => Some(Dialect::Postgres),
            "mysql" => Some(Dialect::MySql),
            _ => None,
        }
    }

    /// How many connections the pool holds and how many are idle (`None`
    /// for the memory connector and inside a transaction).
    pub fn pool_status(&self) -> Option<crate::connector::PoolStatus> {
        self.connector.pool_status()
    }

    /// The connector's name (`memory`, ...).
    pub fn connector_name(&self) -> &'static str {
        self.connector.name()
    }

    /// The typed repository of `M`.
    pub fn repo<M: Model>(&self) -> Repository<M> {
        Repository::new(self.connector.clone())
    }

    /// A repository for a model known only at run time. The model is also
    /// defined on this data source by name (replacing one of the same name),
    /// so other dynamic models can `include` it through their relations.
    /// Fails when the definition's default scope is not a valid filter.
    pub fn dynamic(&self, definition: ModelDefinition) -> Result<DynamicRepository> {
        DynamicRepository::define(self.connector.clone(), definition, &self.models)
    }

    /// Drops and re-creates the tables of these models. **This destroys their
    /// data**; it is meant for tests and first setup.
    ///
    /// Relations among `definitions` become foreign keys, and each
    /// `has_and_belongs_to_many` whose both sides are listed gets its join
    /// table.
    pub async fn automigrate(&self, definitions: &[&ModelDefinition]) -> Result<()> {
        let links = crate::schema::relations::link_definitions(definitions);
        let mut all: Vec<&ModelDefinition> = definitions.to_vec();
        all.extend(links.iter());
        let dialect = self.dialect();
        for def in &all {
            crate::schema::check::definition(def, dialect)
                .map_err(|message| Error::invalid_data(&def.name, message))?;
        }
        self.connector.automigrate(&all).await
    }

    /// Reads the database into a [`Catalog`](crate::schema::catalog::Catalog):
    /// tables (a partitioned table once), views, columns with the
    /// database's own types, keys, foreign keys, indexes, checks, enums,
    /// domains and comments, and a warning for each thing a model cannot
    /// say one to one. A fixed number of catalog queries per schema,
    /// whatever the number of tables (SQLite and PostgreSQL).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> juggler::Result<()> {
    /// use juggler::DiscoverOptions;
    /// let ds = juggler::DataSource::connect("sqlite::memory:").await?;
    /// # let note = juggler::ModelDefinition::from_json(r#"{"name": "note", "properties": {"id": {"type": "number", "id": true, "generated": true}, "text": {"type": "string"}}}"#).unwrap();
    /// # ds.automigrate(&[&note]).await?;
    /// let catalog = ds.discover(&DiscoverOptions::default()).await?;
    /// let table = catalog.table("main", "note").expect("discovered");
    /// assert_eq!(table.primary_key.as_ref().unwrap().columns, ["id"]);
    /// assert_eq!(table.column("id").unwrap().generated.as_deref(), Some("autoincrement"));
    /// # Ok(()) }
    /// ```
    pub async fn discover(
        &self,
        options: &crate::schema::catalog::DiscoverOptions,
    ) -> Result<crate::schema::catalog::Catalog> {
        self.connector.discover(options).await
    }

    /// Starts a transaction; inside one, starts a savepoint. Nothing is
    /// committed unless [`Transaction::commit`] is called: a transaction
    /// dropped without it rolls back.
    pub async fn begin(&self) -> Result<Transaction> {
        let connector = self.connector.begin().await?;
        Ok(Transaction {
            ds: DataSource {
                connector,
                models: self.models.clone(),
            },
            done: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Runs `work` in a transaction: commits when it returns `Ok`, rolls back
    /// when it returns `Err` (and returns that error).
    ///
    /// ```
    /// # use juggler::prelude::*;
    /// # #[derive(Model, Debug, Clone)] struct Note { #[property(id, generated)] id: i64, text: String }
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> juggler::Result<()> {
    /// let ds = DataSource::connect("memory:").await?;
    /// let id = ds
    ///     .transaction(|tx| async move {
    ///         let note = tx.repo::<Note>().create(Note { id: 0, text: "kept".into() }).await?;
    ///         Ok(note.id)
    ///     })
    ///     .await?;
    /// assert!(ds.repo::<Note>().exists(id).await?);
    /// # Ok(()) }
    /// ```
    pub async fn transaction<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let tx = self.begin().await?;
        match work(tx.clone()).await {
            Ok(value) => {
                tx.commit().await?;
                Ok(value)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }
}

/// An open transaction (or savepoint). Clones share it. Repositories taken
/// from it ([`Transaction::repo`]) run inside it.
#[derive(Clone, Debug)]
pub struct Transaction {
    ds: DataSource,
    done: Arc<AtomicBool>,
}

impl AsRef<DataSource> for DataSource {
    fn as_ref(&self) -> &DataSource {
        self
    }
}

/// Relation accessors take `&impl AsRef<DataSource>`: a data source or a
/// transaction.
impl AsRef<DataSource> for Transaction {
    fn as_ref(&self) -> &DataSource {
        &self.ds
    }
}

impl Transaction {
    /// The typed repository of `M`, inside the transaction.
    pub fn repo<M: Model>(&self) -> Repository<M> {
        self.ds.repo::<M>()
    }

    /// A dynamic repository inside the transaction.
    pub fn dynamic(&self, definition: ModelDefinition) -> Result<DynamicRepository> {
        self.ds.dynamic(definition)
    }

    /// The transaction as a data source, for code that takes `&DataSource`.
    pub fn data_source(&self) -> &DataSource {
        &self.ds
    }

    /// A savepoint inside this transaction.
    pub async fn begin(&self) -> Result<Transaction> {
        self.ds.begin().await
    }

    /// Commits (releases a savepoint).
    pub async fn commit(&self) -> Result<()> {
        if self.done.swap(true, Ordering::SeqCst) {
            return Err(Error::Unsupported(
                "the transaction is already committed or rolled back".into(),
            ));
        }
        self.ds.connector.commit().await
    }

    /// Rolls back (to the savepoint).
    pub async fn rollback(&self) -> Result<()> {
        if self.done.swap(true, Ordering::SeqCst) {
            return Err(Error::Unsupported(
                "the transaction is already committed or rolled back".into(),
            ));
        }
        self.ds.connector.rollback().await
    }
}
