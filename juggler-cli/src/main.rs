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
        Command::Generate { .. } => {
            fail("`juggler generate` is not in this release yet; see the README's status table")
        }
    }
}

/// Prints the error and exits with 2 (usage or input errors).
fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
