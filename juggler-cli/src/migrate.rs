//! `juggler migrate`: LoopBack model definitions -> a migration plan on a
//! live database, printed, applied (safe steps, or more when allowed), or
//! written as a sqlx migration file.

use crate::cli::args::Command;
use juggler_runtime::{AutoupdateOptions, DataSource};
use std::process::ExitCode;

pub(crate) fn run(command: Command) -> Result<ExitCode, String> {
    let Command::Migrate {
        url,
        models,
        dry_run,
        allow_review,
        allow_destructive,
        write_migration,
        name,
    } = command
    else {
        unreachable!("called for `juggler migrate` only");
    };
    let defs = juggler_cli::input::read_models(&models)?;
    let refs: Vec<_> = defs.iter().collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let ds = DataSource::connect(&url).await.map_err(|e| e.to_string())?;
        let plan = ds.migration_plan(&refs).await.map_err(|e| e.to_string())?;
        if plan.is_empty() {
            println!(
                "The database matches the {} model(s) of {}: nothing to do.",
                defs.len(),
                models.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        print!("{}", plan.render());
        if let Some(dir) = write_migration {
            let path = plan
                .write_migration(&dir, &name)
                .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
            println!(
                "wrote {} ({} steps); run it with `sqlx migrate run`",
                path.display(),
                plan.steps.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        if dry_run {
            println!("(dry run: nothing changed)");
            return Ok(ExitCode::SUCCESS);
        }
        let options = AutoupdateOptions {
            allow_review,
            allow_destructive,
        };
        match ds.autoupdate_with(&refs, options).await {
            Ok(applied) => {
                println!("applied {} step(s)", applied.steps.len());
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(ExitCode::FAILURE)
            }
        }
    })
}
