//! `cargo run --release --manifest-path juggler-bench/peers/Cargo.toml -- --db sqlite|postgres|mysql [--rows N]`
//!
//! juggler beside its peers on the same data in one run: raw sqlx (the
//! baseline), juggler, Diesel (SQLite, PostgreSQL) and SeaORM, and on SQLite
//! plain rusqlite two ways: in the calling task (what juggler's connector
//! does: its floor) and on a thread of its own, one hand-off per statement
//! (the option measured and not taken). Each side's fastest of 3 runs, sides in a rotating order.
//! Prints raw sqlx's ops/s and every side's time as a ratio to it (lower is
//! faster, 1.00 is raw sqlx).

use juggler::prelude::*;
use juggler_bench::{juggler_op, raw, row, seed_eager, BenchRow, OPS};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

mod diesel_side;
mod rusqlite_side;
mod sea_side;

const ROUNDS: usize = 3;
/// The peer operations: their index in juggler-bench's `OPS`.
const PEER_OPS: [usize; 5] = [0, 1, 2, 3, 4];

type Run<'a> = Pin<Box<dyn Future<Output = Duration> + 'a>>;

/// One library: its name and one timed run of operation `k` on `n` rows.
pub struct Side<'a> {
    name: &'static str,
    run: Box<dyn FnMut(usize) -> Run<'a> + 'a>,
}

impl<'a> Side<'a> {
    fn new(name: &'static str, run: impl FnMut(usize) -> Run<'a> + 'a) -> Self {
        Side {
            name,
            run: Box::new(run),
        }
    }
}

/// The id the `i`-th find by key reads (spread over the table).
pub fn probe(i: usize, n: usize) -> i64 {
    ((i * 7919) % n + 1) as i64
}

/// Empties `bench_row` (not timed) before a side's batch insert.
pub async fn reset(ds: &DataSource) {
    ds.automigrate(&[BenchRow::definition()]).await.expect("reset");
}

struct Args {
    db: String,
    rows: usize,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        db: "sqlite".into(),
        rows: 10_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => out.db = it.next().ok_or("--db needs sqlite, postgres or mysql")?,
            "--rows" => out.rows = it.next().and_then(|n| n.parse().ok()).ok_or("--rows needs a number")?,
            "-h" | "--help" => {
                return Err("usage: juggler-peers --db sqlite|postgres|mysql [--rows 10000]\n\
                     env JUGGLER_BENCH_POSTGRES, JUGGLER_BENCH_MYSQL override the servers"
                    .into())
            }
            other => return Err(format!("unknown argument `{other}`; try --help")),
        }
    }
    Ok(out)
}

async fn measure(sides: &mut [Side<'_>]) -> Vec<Vec<Duration>> {
    let mut out = Vec::new();
    for &k in &PEER_OPS {
        let mut best = vec![Duration::MAX; sides.len()];
        for round in 0..ROUNDS {
            for s in 0..sides.len() {
                // Every batch insert leaves the same `n` rows for the reads.
                let i = (s + round) % sides.len();
                let d = (sides[i].run)(k).await;
                best[i] = best[i].min(d);
            }
        }
        out.push(best);
    }
    out
}

fn print(db: &str, n: usize, sides: &[Side<'_>], times: &[Vec<Duration>]) {
    println!("{n} rows, {db}: raw sqlx op/s, then each side's time / raw sqlx's (fastest of {ROUNDS})\n");
    print!("{:<42} {:>10}", "operation", "raw op/s");
    for s in &sides[1..] {
        print!(" {:>16}", s.name);
    }
    println!();
    for (row, &k) in times.iter().zip(&PEER_OPS) {
        let ops = juggler_bench::ops_per_run(k, n, raw::filtered_rows(n));
        print!("{:<42} {:>10.0}", OPS[k], ops as f64 / row[0].as_secs_f64());
        for t in &row[1..] {
            print!(" {:>16.2}", t.as_secs_f64() / row[0].as_secs_f64());
        }
        println!();
    }
}

/// The ops of one side that are juggler-bench's own (juggler, raw sqlx).
fn juggler_side(ds: &DataSource, n: usize) -> Side<'_> {
    Side::new("juggler", move |k| Box::pin(juggler_op(ds, k, n)))
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
    let n = args.rows;
    let result = match args.db.as_str() {
        "sqlite" => sqlite(n).await,
        "postgres" => postgres(n).await,
        "mysql" => mysql(n).await,
        other => Err(format!("unknown --db `{other}`; use sqlite, postgres or mysql")),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn sqlite(n: usize) -> Result<(), String> {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("juggler-peers-{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = raw::sqlite_pool(&url).await?;
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&pool)
        .await
        .map_err(|e| e.to_string())?;
    let ds = DataSource::connect(&url).await.map_err(|e| e.to_string())?;
    seed_eager(&ds).await;
    reset(&ds).await;
    let file = path.display().to_string();
    let diesel = diesel_side::Sqlite::open(&file)?;
    let sea = sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool.clone());
    let caller = rusqlite_side::Caller::open(&file)?;
    let thread = rusqlite_side::Thread::open(&file)?;
    let mut sides = vec![
        Side::new("raw sqlx", |k| Box::pin(raw::sqlite_op(&pool, &ds, k, n))),
        juggler_side(&ds, n),
        Side::new("Diesel", |k| Box::pin(diesel.op(&ds, k, n))),
        Side::new("SeaORM", |k| Box::pin(sea_side::op(&sea, &ds, k, n))),
        Side::new("rusqlite caller", |k| Box::pin(caller.op(&ds, k, n))),
        Side::new("rusqlite thread", |k| Box::pin(thread.op(&ds, k, n))),
    ];
    let times = measure(&mut sides).await;
    print("sqlite", n, &sides, &times);
    drop(sides);
    pool.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(())
}

async fn postgres(n: usize) -> Result<(), String> {
    let url =
        std::env::var("JUGGLER_BENCH_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let pool = raw::postgres_pool(&url).await?;
    let ds = DataSource::from_connector(juggler::connector::sql::postgres::PgConnector::from_pool(pool.clone()));
    seed_eager(&ds).await;
    reset(&ds).await;
    let diesel = diesel_side::Pg::open(&url)?;
    let sea = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool.clone());
    let mut sides = vec![
        Side::new("raw sqlx", |k| Box::pin(raw::postgres_op(&pool, &ds, k, n))),
        juggler_side(&ds, n),
        Side::new("Diesel", |k| Box::pin(diesel.op(&ds, k, n))),
        Side::new("SeaORM", |k| Box::pin(sea_side::op(&sea, &ds, k, n))),
    ];
    let times = measure(&mut sides).await;
    print("postgres", n, &sides, &times);
    Ok(())
}

async fn mysql(n: usize) -> Result<(), String> {
    let url = std::env::var("JUGGLER_BENCH_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    let pool = raw::mysql_pool(&url).await?;
    let ds = DataSource::from_connector(juggler::connector::sql::mysql::MySqlConnector::from_pool(pool.clone()));
    seed_eager(&ds).await;
    reset(&ds).await;
    let sea = sea_orm::SqlxMySqlConnector::from_sqlx_mysql_pool(pool.clone());
    let mut sides = vec![
        Side::new("raw sqlx", |k| Box::pin(raw::mysql_op(&pool, &ds, k, n))),
        juggler_side(&ds, n),
        Side::new("SeaORM", |k| Box::pin(sea_side::op(&sea, &ds, k, n))),
    ];
    let times = measure(&mut sides).await;
    print("mysql", n, &sides, &times);
    Ok(())
}

/// Checks a side's eager load: every parent, every child.
pub fn check_loaded(parents: usize, children: usize) {
    assert_eq!(parents, juggler_bench::PARENTS);
    assert_eq!(children, juggler_bench::PARENTS * juggler_bench::CHILDREN);
}

/// Row `i` of the data set as its three inserted values.
pub fn values(i: usize) -> (String, i32, f64) {
    let r = row(i);
    (r.name, r.age, r.score)
}
