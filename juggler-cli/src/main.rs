//! The `juggler` command.

mod cli;
mod discover;
mod migrate;
mod progress;

use clap::Parser;
use cli::args::{Cli, Command};
use juggler_runtime::DiscoverOptions;
use juggler_schema::catalog::Catalog;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Check { from, url: Some(url) } => drift(&from, &url),
        Command::Check { from, url: None } => list(&from),
        discover @ Command::Discover { .. } => discover::run(discover),
        migrate @ Command::Migrate { .. } => migrate::run(migrate),
        Command::Generate {
            from,
            url,
            schemas,
            out,
            config,
            check,
        } => generate(from.as_deref(), url, schemas, &out, config.as_deref(), check),
        Command::Introspect { name, file, rust } => introspect(&name, &file, rust),
    };
    outcome.unwrap_or_else(|e| fail(&e))
}

/// `juggler check --from FILE`: reads the file and lists its models.
fn list(from: &Path) -> Result<ExitCode, String> {
    let (catalog, _) = juggler_cli::read_catalog(from)?;
    for s in &catalog.schemas {
        for t in &s.tables {
            let keys = t.foreign_keys.len();
            println!(
                "{:<32} {} columns, {keys} foreign keys",
                qualified(&s.name, &t.name),
                t.columns.len()
            );
        }
        for v in &s.views {
            println!("{:<32} {} columns, view", qualified(&s.name, &v.name), v.columns.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn qualified(schema: &str, name: &str) -> String {
    if schema.is_empty() {
        name.to_owned()
    } else {
        format!("{schema}.{name}")
    }
}

/// `juggler check --url URL --from schema.json`: 0 when the database
/// matches the snapshot, 1 and one line per difference when it drifted.
fn drift(from: &Path, url: &str) -> Result<ExitCode, String> {
    let (snapshot, _) = juggler_cli::read_catalog(from)?;
    let options = DiscoverOptions {
        schemas: snapshot
            .schemas
            .iter()
            .map(|s| s.name.clone())
            .filter(|s| !s.is_empty())
            .collect(),
        views: snapshot.schemas.iter().any(|s| !s.views.is_empty()),
        ..DiscoverOptions::default()
    };
    let live = discover::live(url, &options)?;
    let changes = juggler_schema::drift::drift(&snapshot, &live);
    let url = juggler_runtime::redact_url(url);
    if changes.is_empty() {
        eprintln!("{url} matches {}", from.display());
        return Ok(ExitCode::SUCCESS);
    }
    println!("{url} differs from {} in {} ways:", from.display(), changes.len());
    for c in &changes {
        println!("  {c}");
    }
    Ok(ExitCode::from(1))
}

/// `juggler generate`: 0 written (or up to date), 1 stale under `--check`.
fn generate(
    from: Option<&Path>,
    url: Option<String>,
    schemas: Vec<String>,
    out: &Path,
    settings: Option<&Path>,
    check: bool,
) -> Result<ExitCode, String> {
    let url = url.or_else(|| from.is_none().then(|| std::env::var("DATABASE_URL").ok()).flatten());
    let (catalog, source, input): (Catalog, String, String) = match (from, url) {
        (Some(from), _) => (
            juggler_cli::read_catalog(from)?.0,
            from.display().to_string(),
            format!("--from {}", from.display()),
        ),
        (None, Some(url)) => {
            let options = DiscoverOptions {
                schemas,
                ..DiscoverOptions::default()
            };
            let shown = juggler_runtime::redact_url(&url);
            (discover::live(&url, &options)?, shown.clone(), format!("--url {shown}"))
        }
        (None, None) => return Err("give --from FILE or --url URL (or set DATABASE_URL)".into()),
    };
    let mut command = format!("juggler generate {input} --out {}", out.display());
    if let Some(s) = settings {
        command.push_str(&format!(" --config {}", s.display()));
    }
    let config = juggler_cli::generate::Config {
        source,
        command,
        settings: match settings {
            Some(path) => juggler_cli::settings::Settings::read(path)?,
            None => Default::default(),
        },
    };
    let files = juggler_cli::generate::generate(&catalog, &config)?;
    let bar = progress::bar(files.len(), if check { "checking" } else { "writing" });
    let differ = juggler_cli::generate::write_files(out, &files, check, || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if check {
        if differ.is_empty() {
            eprintln!("{}: {} files up to date", out.display(), files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{}: {} of {} files differ from what would be generated:",
            out.display(),
            differ.len(),
            files.len()
        );
        for path in &differ {
            eprintln!("  {path}");
        }
        return Ok(ExitCode::from(1));
    }
    eprintln!("{}: {} files, {} changed", out.display(), files.len(), differ.len());
    Ok(ExitCode::SUCCESS)
}

/// `juggler introspect`: LoopBack model JSON, or the Rust struct.
fn introspect(name: &str, file: &Path, rust: bool) -> Result<ExitCode, String> {
    let text = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read standard input: {e}"))?
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}:{}:{}: {e}", file.display(), e.line(), e.column()))?;
    let def = juggler_schema::introspect::introspect(name, &value);
    if !rust {
        let json = serde_json::to_string_pretty(&def.to_json()).map_err(|e| e.to_string())?;
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let catalog = Catalog::from_definitions(&[&def], juggler_schema::Dialect::Postgres);
    let config = juggler_cli::generate::Config {
        source: format!("documents in {}", file.display()),
        command: format!("juggler introspect --name {name} --rust {}", file.display()),
        settings: Default::default(),
    };
    print!("{}", juggler_cli::generate::generate_single(&catalog, &config)?);
    Ok(ExitCode::SUCCESS)
}

/// Prints the error and exits with 2 (usage or input errors).
fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
