//! `cargo run --release -p juggler-bench -- --db sqlite|postgres|mysql [--rows N]`
//! (`--discover ..` and `--compile-cost`: see those modules)
//!
//! Times, in one run and on the same database, juggler and raw sqlx doing the
//! same SQL, and prints ops/s and the ratio juggler/raw (time; lower is
//! better, 1.00 is parity).

use juggler_bench::{raw, Line};
use std::time::Duration;

mod compile_cost;
mod discover;

struct Args {
    db: String,
    rows: usize,
    discover: Option<String>,
    tables: usize,
    compile_cost: bool,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        db: "sqlite".into(),
        rows: 10_000,
        discover: None,
        tables: 500,
        compile_cost: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => out.db = it.next().ok_or("--db needs sqlite, postgres or mysql")?,
            "--rows" => out.rows = it.next().and_then(|n| n.parse().ok()).ok_or("--rows needs a number")?,
            "--compile-cost" => out.compile_cost = true,
            "--discover" => out.discover = Some(it.next().ok_or("--discover needs sqlite, postgres or mysql")?),
            "--tables" => {
                out.tables = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--tables needs a number")?
            }
            "-h" | "--help" => {
                return Err(
                    "usage: juggler-bench --db sqlite|postgres|mysql [--rows 10000]\n       \
                     juggler-bench --discover sqlite|postgres|mysql [--tables 500]\n       \
                     juggler-bench --compile-cost\n\
                     env JUGGLER_BENCH_POSTGRES overrides postgres://postgres@127.0.0.1:5432/test,\n\
                     JUGGLER_BENCH_MYSQL mysql://root@127.0.0.1:3306/test;\n\
                     JUGGLER_BENCH_ONLY=k times operation k alone, JUGGLER_BENCH_SIDE=juggler|raw one side"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument `{other}`; try --help")),
        }
    }
    Ok(out)
}

fn print(lines: &[Line]) {
    println!(
        "{:<38} {:>12} {:>12} {:>9}",
        "operation", "juggler op/s", "raw op/s", "ratio"
    );
    for l in lines {
        let per = |d: Duration| l.ops as f64 / d.as_secs_f64();
        println!(
            "{:<38} {:>12.0} {:>12.0} {:>9.2}",
            l.name,
            per(l.juggler),
            per(l.raw),
            l.juggler.as_secs_f64() / l.raw.as_secs_f64()
        );
    }
}

#[tokio::main]
async fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if args.compile_cost {
        if let Err(e) = compile_cost::run(2) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    if let Some(db) = &args.discover {
        if let Err(e) = discover::run(db, args.tables).await {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    let result = match args.db.as_str() {
        "sqlite" => {
            // tmpfs when there is one: disk fsync noise would drown the difference.
            let dir = if std::path::Path::new("/dev/shm").is_dir() {
                "/dev/shm".into()
            } else {
                std::env::temp_dir()
            };
            let path = dir.join(format!("juggler-bench-{}.db", std::process::id()));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let r = raw::sqlite(&url, args.rows).await;
            let _ = std::fs::remove_file(&path);
            r
        }
        "postgres" => {
            let url = std::env::var("JUGGLER_BENCH_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            raw::postgres(&url, args.rows).await
        }
        "mysql" => {
            let url =
                std::env::var("JUGGLER_BENCH_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
            raw::mysql(&url, args.rows).await
        }
        other => Err(format!("unknown --db `{other}`; use sqlite, postgres or mysql")),
    };
    match result {
        Ok(lines) => {
            println!(
                "{} rows, {} (fastest of 5 runs each, juggler and raw alternating)\n",
                args.rows, args.db
            );
            print(&lines);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
