use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Turn a database, or its discovery output, into juggler models.
#[derive(Debug, Parser)]
#[command(name = "juggler", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a LoopBack model or discovery JSON file and list its models.
    Check {
        /// The JSON file (one model or an array of models).
        file: PathBuf,
    },
    /// Read a database's schema (not in this release).
    Discover {
        /// The database URL.
        #[arg(long)]
        url: String,
    },
    /// Write Rust structs for models (not in this release).
    Generate {
        /// A discovery file to read.
        #[arg(long)]
        from: Option<PathBuf>,
        /// The folder to write to.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}
