//! The operations juggler-bench times, on juggler and on raw sqlx doing the
//! same SQL (also used by the peer comparison in `juggler-bench/peers`).

use juggler::prelude::*;
use std::time::{Duration, Instant};

pub mod raw;

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
    BenchRow {
        id: 0,
        name: format!("name-{i}"),
        age: (i % 81) as i32,
        score: i as f64 * 0.5,
    }
}

/// One measured operation.
pub struct Line {
    /// The operation.
    pub name: &'static str,
    /// Operations per timed run.
    pub ops: usize,
    /// juggler's fastest run.
    pub juggler: Duration,
    /// raw sqlx's fastest run.
    pub raw: Duration,
}

/// The operations, in the order they run (inserts first: they leave the
/// `n` rows the reads use). The first five are the issue tracker's peer
/// operations.
pub const OPS: [&str; 9] = [
    "batch insert, 500 per statement",
    "find by primary key",
    "filter, ~5,000 rows (age > 40)",
    "eager load, 1,000 parents x 10 children",
    "update one column by key",
    "insert one at a time, in a tx",
    "update_by_id (fetch+validate+update)",
    "ordered page, limit 20 offset 100",
    "count where age > 40",
];

/// Rows per statement of the batch insert.
pub const BATCH: usize = 500;
/// Parents of the eager load; each has [`CHILDREN`] children.
pub const PARENTS: usize = 1_000;
/// Children per parent.
pub const CHILDREN: usize = 10;
/// Eager loads per timed run.
pub const LOADS: usize = 10;

/// How many operations one timed run of op `k` performs.
pub fn ops_per_run(k: usize, n: usize, filtered_rows: usize) -> usize {
    match k {
        2 => filtered_rows,
        3 => LOADS,
        7 | 8 => 1_000,
        _ => n,
    }
}

/// A parent of the eager load.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_parent")]
pub struct Parent {
    /// Id.
    #[property(id)]
    pub id: i64,
    /// Name.
    #[property(length = 40)]
    pub name: String,
    /// Its children.
    #[relation(has_many)]
    pub children: HasMany<Child>,
}

/// A child of the eager load.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "bench_child")]
pub struct Child {
    /// Id.
    #[property(id)]
    pub id: i64,
    /// The parent.
    #[property(index)]
    pub parent_id: i64,
    /// Name.
    #[property(length = 40)]
    pub name: String,
    /// Value.
    pub value: f64,
}

/// Creates and fills the eager-load tables (not timed).
pub async fn seed_eager(ds: &DataSource) {
    ds.automigrate(&[Parent::definition(), Child::definition()])
        .await
        .expect("automigrate");
    let parents: Vec<Parent> = (0..PARENTS)
        .map(|p| Parent {
            id: p as i64 + 1,
            name: format!("parent-{p}"),
            children: HasMany::default(),
        })
        .collect();
    for chunk in parents.chunks(BATCH) {
        ds.repo::<Parent>().create_all(chunk.to_vec()).await.expect("parents");
    }
    let children: Vec<Child> = (0..PARENTS * CHILDREN)
        .map(|c| Child {
            id: c as i64 + 1,
            parent_id: (c % PARENTS) as i64 + 1,
            name: format!("child-{c}"),
            value: c as f64 * 0.25,
        })
        .collect();
    for chunk in children.chunks(BATCH) {
        ds.repo::<Child>().create_all(chunk.to_vec()).await.expect("children");
    }
}

/// Checks one eager load's result (either side's).
pub fn check_eager(parents: &[Parent]) {
    assert_eq!(parents.len(), PARENTS);
    let children: usize = parents.iter().map(|p| p.children.get().map_or(0, <[Child]>::len)).sum();
    assert_eq!(children, PARENTS * CHILDREN);
}

/// Times one run of operation `k` through juggler. Insert operations start
/// from an empty table; the others need the `n` rows of [`row`].
pub async fn juggler_op(ds: &DataSource, k: usize, n: usize) -> Duration {
    let repo = ds.repo::<BenchRow>();
    if k == 0 || k == 5 {
        ds.automigrate(&[BenchRow::definition()]).await.expect("automigrate");
    }
    let t = Instant::now();
    match k {
        0 => {
            for start in (0..n).step_by(BATCH) {
                let rows = (start..n.min(start + BATCH)).map(row).collect();
                repo.create_all(rows).await.expect("create_all");
            }
        }
        1 => {
            for i in 0..n {
                let found = repo.find_by_id(((i * 7919) % n + 1) as i64).await.expect("find");
                assert!(found.is_some());
            }
        }
        2 => {
            let rows = repo
                .find(Filter::new().where_(BenchRow::AGE.gt(40)))
                .await
                .expect("find");
            assert!(rows.len() > n / 3);
        }
        3 => {
            let parents = ds.repo::<Parent>();
            for _ in 0..LOADS {
                let loaded = parents
                    .find(Filter::new().include(Parent::CHILDREN))
                    .await
                    .expect("eager load");
                check_eager(&loaded);
            }
        }
        4 | 6 => {
            let tx = ds.begin().await.expect("begin");
            let r = tx.repo::<BenchRow>();
            for i in 0..n {
                let patch = BenchRowPatch {
                    score: Some(i as f64),
                    ..Default::default()
                };
                if k == 6 {
                    r.update_by_id((i + 1) as i64, patch).await.expect("update");
                } else {
                    r.update_all(BenchRow::ID.eq((i + 1) as i64), patch)
                        .await
                        .expect("update");
                }
            }
            tx.commit().await.expect("commit");
        }
        5 => {
            let tx = ds.begin().await.expect("begin");
            let r = tx.repo::<BenchRow>();
            for i in 0..n {
                r.create(row(i)).await.expect("create");
            }
            tx.commit().await.expect("commit");
        }
        7 => {
            for _ in 0..1_000 {
                let rows = repo
                    .find(Filter::new().order(BenchRow::AGE.asc()).limit(20).skip(100))
                    .await
                    .expect("page");
                assert_eq!(rows.len(), 20);
            }
        }
        _ => {
            for _ in 0..1_000 {
                assert!(repo.count(BenchRow::AGE.gt(40)).await.expect("count") > 0);
            }
        }
    }
    t.elapsed()
}

/// Runs every operation `rounds` times, juggler and raw alternating, and
/// keeps the fastest run of each side. Inserts leave the `n` rows in place
/// for the reads that follow.
pub async fn measure<J, JF, R, RF>(
    n: usize,
    rounds: usize,
    mut juggler: J,
    mut raw: R,
    filtered_rows: usize,
) -> Vec<Line>
where
    J: FnMut(usize) -> JF,
    JF: std::future::Future<Output = Duration>,
    R: FnMut(usize) -> RF,
    RF: std::future::Future<Output = Duration>,
{
    let mut out = Vec::new();
    // JUGGLER_BENCH_ONLY=k times one operation only (for profiling); the
    // batch insert runs first when k needs its rows.
    let only: Option<usize> = std::env::var("JUGGLER_BENCH_ONLY").ok().and_then(|v| v.parse().ok());
    // JUGGLER_BENCH_SIDE=juggler|raw runs one side only (for callgrind).
    let side = std::env::var("JUGGLER_BENCH_SIDE").unwrap_or_default();
    for (k, name) in OPS.iter().enumerate() {
        if only.is_some_and(|o| o != k && !(o != 3 && o != 5 && k == 0)) {
            continue;
        }
        let (mut j, mut r) = (Duration::MAX, Duration::MAX);
        // A setup run of the batch insert for an operation timed alone.
        let rounds = if only.is_some_and(|o| o != k) { 1 } else { rounds };
        for round in 0..rounds {
            // Alternate which side goes first, so neither gains from the order.
            let juggler_first = match side.as_str() {
                "juggler" => true,
                "raw" => false,
                _ => round % 2 == 0,
            };
            if juggler_first {
                j = j.min(juggler(k).await);
            }
            if side != "juggler" {
                r = r.min(raw(k).await);
            }
            if !juggler_first && side != "raw" {
                j = j.min(juggler(k).await);
            }
        }
        if only.is_some_and(|o| o != k) {
            continue;
        }
        out.push(Line {
            name,
            ops: ops_per_run(k, n, filtered_rows),
            juggler: j,
            raw: r,
        });
    }
    out
}
