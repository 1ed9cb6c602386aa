use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turn a database, or its discovery output, into juggler models.
///
/// Exit codes: 0 ok, 1 differences found, 2 usage or input errors.
#[derive(Debug, Parser)]
#[command(name = "juggler", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// What `juggler discover` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// juggler's catalog (`{"format": "juggler-catalog", ...}`): everything
    /// discovered, byte-stable, the snapshot to commit.
    Juggler,
    /// LoopBack's `discoverSchemas` JSON: one model definition per table,
    /// keyed `schema.table`, with relations from the foreign keys.
    Loopback,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Read a database's schema into a snapshot
    ///
    /// Examples:
    ///   juggler discover --url sqlite://chinook.db -o schema.json
    ///   juggler discover --url postgres://postgres@localhost/pagila --schema public --views
    ///   DATABASE_URL=mysql://root@localhost/sakila juggler discover --format loopback
    #[command(verbatim_doc_comment)]
    Discover {
        /// The database URL (`sqlite://..`, `postgres://..`, `mysql://..`).
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        url: String,
        /// A schema (PostgreSQL) or database (MySQL) to read; repeat for
        /// several. Default: the connection's current one.
        #[arg(long = "schema", value_name = "SCHEMA")]
        schemas: Vec<String>,
        /// Only these tables, comma separated.
        #[arg(long, value_delimiter = ',', value_name = "TABLES")]
        tables: Vec<String>,
        /// Leave out these tables, comma separated.
        #[arg(long, value_delimiter = ',', value_name = "TABLES")]
        exclude: Vec<String>,
        /// Read views too.
        #[arg(long)]
        views: bool,
        /// What to write.
        #[arg(long, value_enum, default_value_t = Format::Juggler)]
        format: Format,
        /// Where to write it (default: standard output).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a `#[derive(Model)]` struct per table and view of a snapshot or database
    ///
    /// One file per model plus `mod.rs`, formatted, the same bytes for the
    /// same catalog and juggler.toml.
    ///
    /// Examples:
    ///   juggler discover --url sqlite://chinook.db -o schema.json
    ///   juggler generate --from schema.json --out src/models
    ///   juggler generate --from schema.json --out src/models --check   # in CI
    ///   juggler generate --url postgres://postgres@localhost/pagila --out src/models
    ///   juggler generate --from common/models --out src/models          # LoopBack model files
    #[command(verbatim_doc_comment)]
    Generate {
        /// What to generate from: a catalog written by `juggler discover`,
        /// LoopBack `discoverSchemas` JSON, a LoopBack model JSON file, or a
        /// folder of them (`common/models`).
        #[arg(long, value_name = "FILE", conflicts_with = "url")]
        from: Option<PathBuf>,
        /// Discover this database instead of reading a file (default:
        /// DATABASE_URL when there is no --from).
        #[arg(long)]
        url: Option<String>,
        /// With --url: a schema (PostgreSQL) or database (MySQL) to read;
        /// repeat for several.
        #[arg(long = "schema", value_name = "SCHEMA", requires = "url")]
        schemas: Vec<String>,
        /// The folder to write the files to.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// `juggler.toml`: table include/exclude, renames, type overrides,
        /// extra derives and attributes per model.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write nothing; exit 1 and name the files that differ from what
        /// would be generated.
        #[arg(long)]
        check: bool,
    },
    /// Infer a model from JSON documents
    ///
    /// Reads one document or an array of them and prints LoopBack model
    /// JSON (property types from the values; a property missing from some
    /// documents is optional), or with --rust the `#[derive(Model)]` struct.
    ///
    /// Examples:
    ///   juggler introspect --name Customer customers.json
    ///   curl -s https://api.example.com/orders | juggler introspect --name Order --rust -
    #[command(verbatim_doc_comment)]
    Introspect {
        /// The model's name.
        #[arg(long)]
        name: String,
        /// The JSON file (`-` for standard input).
        file: PathBuf,
        /// Print a Rust struct instead of LoopBack model JSON.
        #[arg(long)]
        rust: bool,
    },
    /// Bring a database's tables to LoopBack model definitions, safely
    ///
    /// Plans the changes (one line per step: safe, review or destructive,
    /// with evidence from the data) and applies the safe ones. A plan with
    /// other steps changes nothing unless --allow-review / --allow-destructive
    /// allow them. Tables the models do not name are never touched.
    ///
    /// Examples:
    ///   juggler migrate --url postgres://postgres@localhost/shop --models common/models --dry-run
    ///   juggler migrate --url sqlite://shop.db --models models.json
    ///   juggler migrate --url mysql://root@localhost/shop --models common/models --write-migration migrations
    #[command(verbatim_doc_comment)]
    Migrate {
        /// The database URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        url: String,
        /// LoopBack model JSON: one file, an array, or a folder of `*.json` files.
        #[arg(long, value_name = "FILE")]
        models: PathBuf,
        /// Print the plan and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply steps that can fail on existing data (add NOT NULL, a unique index, change a default).
        #[arg(long)]
        allow_review: bool,
        /// Apply steps that lose data (drop a column, an index or a constraint, narrow or change a type).
        #[arg(long)]
        allow_destructive: bool,
        /// Write the plan as `<version>_<name>.sql` into DIR (for `sqlx migrate run`) instead of applying it.
        #[arg(long, value_name = "DIR")]
        write_migration: Option<PathBuf>,
        /// The migration file's name.
        #[arg(long, default_value = "juggler", requires = "write_migration")]
        name: String,
    },
    /// Check a snapshot against a live database, or a model file on its own
    ///
    /// With a URL (or DATABASE_URL): discover the snapshot's schemas and
    /// exit 1 with one line per difference when the database drifted from
    /// the committed snapshot. Without: read the file (a catalog, LoopBack
    /// discovery JSON or model JSON) and list its models.
    ///
    /// Examples:
    ///   juggler check --url postgres://postgres@localhost/pagila --from db/schema.json   # in CI
    ///   juggler check --from common/models/customer.json
    #[command(verbatim_doc_comment)]
    Check {
        /// The committed snapshot (or LoopBack JSON, or a folder of model JSON files).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The database to compare the snapshot with.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        url: Option<String>,
    },
}
