//! The `juggler` command.

mod cli;

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
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Discover { .. } | Command::Generate { .. } => {
            eprintln!("error: this command is not in this release yet; see the README's status table");
            ExitCode::from(2)
        }
    }
}
