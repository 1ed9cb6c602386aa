//! The `juggler` command.

mod cli;
mod discover;

use clap::Parser;
use cli::args::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { file } => match juggler_cli::read_definitions(&file) {
            Ok(defs) => {
                for d in &defs {
                    println!(
                        "{:<24} {} properties, {} relations",
                        d.name,
                        d.properties.len(),
                        d.relations.len()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        discover @ Command::Discover { .. } => discover::run(discover).unwrap_or_else(|e| fail(&e)),
        Command::Generate {
            from,
            out,
            config,
            check,
        } => generate(&from, &out, config.as_deref(), check).unwrap_or_else(|e| fail(&e)),
    }
}

/// `juggler generate`: 0 written (or up to date), 1 stale under `--check`.
fn generate(
    from: &std::path::Path,
    out: &std::path::Path,
    settings: Option<&std::path::Path>,
    check: bool,
) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let catalog = juggler_schema::catalog::Catalog::from_json(&text).map_err(|e| format!("{}: {e}", from.display()))?;
    let config = juggler_cli::generate::Config {
        source: from.display().to_string(),
        command: match settings {
            Some(s) => format!(
                "juggler generate --from {} --out {} --config {}",
                from.display(),
                out.display(),
                s.display()
            ),
            None => format!("juggler generate --from {} --out {}", from.display(), out.display()),
        },
        settings: match settings {
            Some(path) => juggler_cli::settings::Settings::read(path)?,
            None => Default::default(),
        },
    };
    let files = juggler_cli::generate::generate(&catalog, &config)?;
    let differ = juggler_cli::generate::write_files(out, &files, check)?;
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
    eprintln!("{}: {} files, {} written", out.display(), files.len(), differ.len());
    Ok(ExitCode::SUCCESS)
}

/// Prints the error and exits with 2 (usage or input errors).
fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
