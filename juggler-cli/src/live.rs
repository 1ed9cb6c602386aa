//! Discovery of a live database from the library (feature `live`): what
//! `Builder::database_url` and the `juggler` command use.

use juggler_runtime::{DataSource, DiscoverOptions};
use juggler_schema::catalog::Catalog;

/// Connects to `url` and reads its catalog; the error is a sentence with the
/// URL's password redacted.
pub fn discover_with(url: &str, options: &DiscoverOptions) -> Result<Catalog, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let ds = DataSource::connect(url).await.map_err(|e| e.to_string())?;
        ds.discover(options).await.map_err(|e| e.to_string())
    })
}

/// [`discover_with`] the connection's current schema, tables only.
pub fn discover(url: &str) -> Result<Catalog, String> {
    discover_with(url, &DiscoverOptions::default())
}
