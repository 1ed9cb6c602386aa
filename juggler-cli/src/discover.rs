//! `juggler discover`.

use crate::cli::args::{Command, Format};
use juggler_runtime::{DataSource, DiscoverOptions};
use std::process::ExitCode;

/// Discovers and writes the snapshot; the error is a sentence for stderr.
pub(crate) fn run(command: Command) -> Result<ExitCode, String> {
    let Command::Discover {
        url,
        schemas,
        tables,
        exclude,
        views,
        format,
        output,
    } = command
    else {
        return Err("not a discover command".into());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let catalog = runtime.block_on(async {
        let ds = DataSource::connect(&url).await.map_err(|e| e.to_string())?;
        let options = DiscoverOptions {
            schemas,
            tables,
            exclude,
            views,
        };
        ds.discover(&options).await.map_err(|e| e.to_string())
    })?;
    let text = match format {
        Format::Juggler => catalog.to_json(),
        Format::Loopback => {
            let mut keyed = serde_json::Map::new();
            for s in &catalog.schemas {
                for name in s.tables.iter().map(|t| &t.name).chain(s.views.iter().map(|v| &v.name)) {
                    if let Some(def) = catalog.to_definition(&s.name, name, true) {
                        keyed.insert(format!("{}.{name}", s.name), def.to_json());
                    }
                }
            }
            let mut text =
                serde_json::to_string_pretty(&serde_json::Value::Object(keyed)).map_err(|e| e.to_string())?;
            text.push('\n');
            text
        }
    };
    let tables: usize = catalog.schemas.iter().map(|s| s.tables.len()).sum();
    let views: usize = catalog.schemas.iter().map(|s| s.views.len()).sum();
    match output {
        Some(path) => {
            std::fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!(
                "wrote {}: {tables} tables, {views} views, {} warnings",
                path.display(),
                catalog.warnings.len()
            );
        }
        None => print!("{text}"),
    }
    for w in &catalog.warnings {
        eprintln!("warning[{}] {}: {}", w.code, w.object, w.message);
    }
    Ok(ExitCode::SUCCESS)
}
