//! [`DataSource`]: a connection to one store, and the repositories over it.

use crate::connector::memory::MemoryConnector;
use crate::connector::Connector;
use crate::dynamic::DynamicRepository;
use crate::model::Model;
use crate::repository::Repository;
use crate::schema::ModelDefinition;
use crate::{Error, Result};
use std::sync::Arc;

/// A connected store. Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct DataSource {
    connector: Arc<dyn Connector>,
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
    /// The SQL connectors (`sqlite:`, `postgres:`, `mysql:`) are not part of
    /// this release; their URLs get an [`Error::Connect`] saying so.
    pub async fn connect(url: &str) -> Result<DataSource> {
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
            "sqlite" | "postgres" | "postgresql" | "mysql" | "mariadb" => {
                return Err(Error::Connect {
                    url: url.to_owned(),
                    message: format!(
                        "the `{scheme}` connector is not in this release yet; supported: memory"
                    ),
                })
            }
            other => {
                return Err(Error::Connect {
                    url: url.to_owned(),
                    message: format!("unknown scheme `{other}`; supported: memory"),
                })
            }
        };
        Ok(DataSource { connector })
    }

    /// A data source over a connector you built.
    pub fn from_connector(connector: impl Connector) -> DataSource {
        DataSource {
            connector: Arc::new(connector),
        }
    }

    /// The connector's name (`memory`, ...).
    pub fn connector_name(&self) -> &'static str {
        self.connector.name()
    }

    /// The typed repository of `M`.
    pub fn repo<M: Model>(&self) -> Repository<M> {
        Repository::new(self.connector.clone())
    }

    /// A repository for a model known only at run time. Fails when the
    /// definition's default scope is not a valid filter.
    pub fn dynamic(&self, definition: ModelDefinition) -> Result<DynamicRepository> {
        DynamicRepository::new(self.connector.clone(), definition)
    }
}
