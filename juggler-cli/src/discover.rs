//! `juggler discover`, and the live discovery `generate --url` and
//! `check --url` share.

use crate::cli::args::{Command, Format};
use crate::progress;
use juggler_runtime::DiscoverOptions;
use juggler_schema::catalog::Catalog;
use std::process::ExitCode;

/// Reads a live database's catalog, with a spinner on a terminal.
pub(crate) fn live(url: &str, options: &DiscoverOptions) -> Result<Catalog, String> {
    let spinner = progress::spinner(format!("discovering {}", juggler_runtime::redact_url(url)));
    let catalog = juggler_cli::live::discover_with(url, options);
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    catalog
}

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
    let options = DiscoverOptions {
        schemas,
        tables,
        exclude,
        views,
    };
    let catalog = live(&url, &options)?;
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
