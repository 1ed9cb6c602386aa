//! `cargo run --release -p juggler-bench -- --db sqlite|postgres [--rows N]`
//!
//! Times, in one run and on the same database, juggler and raw sqlx doing the
//! same SQL, and prints ops/s and the ratio juggler/raw (time; lower is
//! better, 1.00 is parity).

use juggler::prelude::*;
use std::time::{Duration, Instant};

mod raw;

/// The benchmark table.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_row")]
pub struct BenchRow {
    /// Id.
    #[property(id, generated)]
    pub id: i64,
    /// Name.
    #[property(length = 40)]
    pub name: String,
    /// Age, 0..80.
    pub age: i32,
    /// Score.
    pub score: f64,
}

/// Row `i` of the data set.
pub fn row(i: usize) -> BenchRow {
    BenchRow { id: 0, name: format!("name-{i}"), age: (i % 81) as i32, score: i as f64 * 0.5 }
}

struct Args {
    db: String,
    rows: usize,
}

fn args() -> Result<Args, String> {
    let mut out = Args { db: "sqlite".into(), rows: 10_000 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => out.db = it.next().ok_or("--db needs sqlite or postgres")?,
            "--rows" => out.rows = it.next().and_then(|n| n.parse().ok()).ok_or("--rows needs a number")?,
            "-h" | "--help" => {
                return Err("usage: juggler-bench --db sqlite|postgres [--rows 10000]\n\
                     env JUGGLER_BENCH_POSTGRES overrides postgres://postgres@127.0.0.1:5432/test"
                    .into())
            }
            other => return Err(format!("unknown argument `{other}`; try --help")),
        }
    }
    Ok(out)
}

/// One measured operation.
pub struct Line {
    name: &'static str,
    ops: usize,
    juggler: Duration,
    raw: Duration,
}

fn print(lines: &[Line]) {
    println!("{:<38} {:>12} {:>12} {:>9}", "operation", "juggler op/s", "raw op/s", "ratio");
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

/// Runs `f` three times after one warm-up and keeps the fastest run.
pub async fn best<F, Fut>(mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await;
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        f().await;
        best = best.min(t.elapsed());
    }
    best
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
    let result = match args.db.as_str() {
        "sqlite" => {
            let path = std::env::temp_dir().join(format!("juggler-bench-{}.db", std::process::id()));
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
        other => Err(format!("unknown --db `{other}`; use sqlite or postgres")),
    };
    match result {
        Ok(lines) => {
            println!("{} rows, {} (best of 3 runs each)\n", args.rows, args.db);
            print(&lines);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// The juggler side of every operation, shared by both databases.
pub async fn juggler_ops(ds: &DataSource, n: usize) -> Result<[Duration; 8], juggler::Error> {
    let reset = || async {
        ds.automigrate(&[BenchRow::definition()]).await.expect("automigrate");
    };
    let repo = ds.repo::<BenchRow>();
    let insert_one = best(|| async {
        reset().await;
        let tx = ds.begin().await.expect("begin");
        let r = tx.repo::<BenchRow>();
        for i in 0..n {
            r.create(row(i)).await.expect("create");
        }
        tx.commit().await.expect("commit");
    })
    .await;
    let batch = best(|| async {
        reset().await;
        repo.create_all((0..n).map(row).collect()).await.expect("create_all");
    })
    .await;
    let by_id = best(|| async {
        for i in 0..n {
            let found = repo.find_by_id(((i * 7919) % n + 1) as i64).await.expect("find");
            assert!(found.is_some());
        }
    })
    .await;
    let filtered = best(|| async {
        let rows = repo.find(Filter::new().where_(BenchRow::AGE.gt(40))).await.expect("find");
        assert!(rows.len() > n / 3);
    })
    .await;
    let page = best(|| async {
        for _ in 0..1_000 {
            let rows =
                repo.find(Filter::new().order(BenchRow::AGE.asc()).limit(20).skip(100)).await.expect("page");
            assert_eq!(rows.len(), 20);
        }
    })
    .await;
    let update = best(|| async {
        let tx = ds.begin().await.expect("begin");
        let r = tx.repo::<BenchRow>();
        for i in 0..n {
            let patch = BenchRowPatch { score: Some(i as f64), ..Default::default() };
            r.update_by_id((i + 1) as i64, patch).await.expect("update");
        }
        tx.commit().await.expect("commit");
    })
    .await;
    let update_all = best(|| async {
        let tx = ds.begin().await.expect("begin");
        let r = tx.repo::<BenchRow>();
        for i in 0..n {
            let patch = BenchRowPatch { score: Some(i as f64), ..Default::default() };
            r.update_all(BenchRow::ID.eq((i + 1) as i64), patch).await.expect("update");
        }
        tx.commit().await.expect("commit");
    })
    .await;
    let count = best(|| async {
        for _ in 0..1_000 {
            assert!(repo.count(BenchRow::AGE.gt(40)).await.expect("count") > 0);
        }
    })
    .await;
    Ok([insert_one, batch, by_id, filtered, page, update, update_all, count])
}

/// Pairs juggler's and raw timings into lines.
pub fn lines(n: usize, j: [Duration; 8], r: [Duration; 8], filtered_rows: usize) -> Vec<Line> {
    let names: [(&'static str, usize); 8] = [
        ("insert one at a time, in a tx", n),
        ("batch insert", n),
        ("find by id", n),
        ("find where age > 40 (rows)", filtered_rows),
        ("ordered page, limit 20 offset 100", 1_000),
        ("update_by_id (fetch+validate+update)", n),
        ("update where id = ? (one UPDATE)", n),
        ("count where age > 40", 1_000),
    ];
    names
        .iter()
        .zip(j.iter().zip(r.iter()))
        .map(|((name, ops), (j, r))| Line { name, ops: *ops, juggler: *j, raw: *r })
        .collect()
}
