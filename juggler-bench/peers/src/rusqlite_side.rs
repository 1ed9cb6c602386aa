//! Two ways juggler's SQLite connector could call SQLite without sqlx's
//! worker channel, measured before one is built (issue 12): rusqlite called
//! in the calling task, and rusqlite on a thread of its own with one
//! hand-off per statement and the whole result decoded on that thread.
//! Same SQL as raw sqlx's side; statements prepared once (cached).

use crate::{check_loaded, probe, reset};
use juggler::DataSource;
use juggler_bench::{BenchRow, BATCH, LOADS};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

const COLS: &str = r#""id", "name", "age", "score""#;

fn open(path: &str) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(|e| e.to_string())?;
    Ok(conn)
}

fn insert(conn: &Connection, start: usize, end: usize) {
    let tuples = vec!["(?, ?, ?)"; end - start].join(", ");
    let sql = format!(r#"INSERT INTO "bench_row" ("name", "age", "score") VALUES {tuples}"#);
    let mut values = Vec::with_capacity((end - start) * 3);
    for i in start..end {
        let (name, age, score) = crate::values(i);
        values.extend([Value::Text(name), Value::Integer(i64::from(age)), Value::Real(score)]);
    }
    let mut stmt = conn.prepare_cached(&sql).expect("prepare");
    stmt.execute(rusqlite::params_from_iter(values)).expect("insert");
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BenchRow> {
    Ok(BenchRow {
        id: r.get(0)?,
        name: r.get(1)?,
        age: r.get(2)?,
        score: r.get(3)?,
    })
}

fn find(conn: &Connection, id: i64) -> Option<BenchRow> {
    let sql = format!(r#"SELECT {COLS} FROM "bench_row" WHERE "id" = ? LIMIT 1"#);
    let mut stmt = conn.prepare_cached(&sql).expect("prepare");
    stmt.query_row(params![id], read_row).optional().expect("find")
}

fn filter(conn: &Connection) -> Vec<BenchRow> {
    let sql = format!(r#"SELECT {COLS} FROM "bench_row" WHERE "age" > ?"#);
    let mut stmt = conn.prepare_cached(&sql).expect("prepare");
    let rows = stmt.query_map(params![40], read_row).expect("filter");
    rows.collect::<rusqlite::Result<_>>().expect("filter")
}

fn parents(conn: &Connection) -> Vec<(i64, String)> {
    let mut stmt = conn
        .prepare_cached(r#"SELECT "id", "name" FROM "bench_parent""#)
        .expect("prepare");
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("parents");
    rows.collect::<rusqlite::Result<_>>().expect("parents")
}

type Child = (i64, i64, String, f64);

fn children(conn: &Connection, ids: Vec<i64>) -> Vec<Child> {
    let list = vec!["?"; ids.len()].join(", ");
    let sql = format!(r#"SELECT "id", "parent_id", "name", "value" FROM "bench_child" WHERE "parent_id" IN ({list})"#);
    let mut stmt = conn.prepare_cached(&sql).expect("prepare");
    let rows = stmt
        .query_map(rusqlite::params_from_iter(ids), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("children");
    rows.collect::<rusqlite::Result<_>>().expect("children")
}

fn group(parents: Vec<(i64, String)>, children: Vec<Child>) {
    let mut by_parent: HashMap<i64, Vec<Child>> = HashMap::with_capacity(parents.len());
    for c in children {
        by_parent.entry(c.1).or_default().push(c);
    }
    let loaded: Vec<((i64, String), Vec<Child>)> = parents
        .into_iter()
        .map(|p| {
            let mine = by_parent.remove(&p.0).unwrap_or_default();
            (p, mine)
        })
        .collect();
    check_loaded(loaded.len(), loaded.iter().map(|(_, c)| c.len()).sum());
}

fn update(conn: &Connection, score: f64, id: i64) {
    let mut stmt = conn
        .prepare_cached(r#"UPDATE "bench_row" SET "score" = ? WHERE "id" = ?"#)
        .expect("prepare");
    stmt.execute(params![score, id]).expect("update");
}

/// rusqlite called in the calling task.
pub struct Caller(Mutex<Connection>);

impl Caller {
    pub fn open(path: &str) -> Result<Self, String> {
        Ok(Caller(Mutex::new(open(path)?)))
    }

    pub async fn op(&self, ds: &DataSource, k: usize, n: usize) -> Duration {
        if k == 0 {
            reset(ds).await;
        }
        let conn = self.0.lock().expect("connection");
        let t = Instant::now();
        match k {
            0 => {
                for start in (0..n).step_by(BATCH) {
                    insert(&conn, start, n.min(start + BATCH));
                }
            }
            1 => {
                for i in 0..n {
                    assert!(find(&conn, probe(i, n)).is_some());
                }
            }
            2 => assert!(filter(&conn).len() > n / 3),
            3 => {
                for _ in 0..LOADS {
                    let parents = parents(&conn);
                    let children = children(&conn, parents.iter().map(|p| p.0).collect());
                    group(parents, children);
                }
            }
            _ => {
                conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
                for i in 0..n {
                    update(&conn, i as f64, (i + 1) as i64);
                }
                conn.execute_batch("COMMIT").expect("commit");
            }
        }
        t.elapsed()
    }
}

type Job = Box<dyn FnOnce(&Connection) + Send>;

/// rusqlite on a thread of its own: one hand-off per statement.
pub struct Thread(mpsc::Sender<Job>);

impl Thread {
    pub fn open(path: &str) -> Result<Self, String> {
        let conn = open(path)?;
        let (send, receive) = mpsc::channel::<Job>();
        std::thread::spawn(move || {
            for job in receive {
                job(&conn);
            }
        });
        Ok(Thread(send))
    }

    /// Runs `f` on the connection's thread and waits (without blocking the
    /// task's thread) for its result.
    async fn call<R: Send + 'static>(&self, f: impl FnOnce(&Connection) -> R + Send + 'static) -> R {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.0
            .send(Box::new(move |conn| {
                let _ = tx.send(f(conn));
            }))
            .expect("connection thread");
        rx.await.expect("connection thread")
    }

    pub async fn op(&self, ds: &DataSource, k: usize, n: usize) -> Duration {
        if k == 0 {
            reset(ds).await;
        }
        let t = Instant::now();
        match k {
            0 => {
                for start in (0..n).step_by(BATCH) {
                    self.call(move |c| insert(c, start, n.min(start + BATCH))).await;
                }
            }
            1 => {
                for i in 0..n {
                    let id = probe(i, n);
                    assert!(self.call(move |c| find(c, id)).await.is_some());
                }
            }
            2 => assert!(self.call(filter).await.len() > n / 3),
            3 => {
                for _ in 0..LOADS {
                    let parents = self.call(parents).await;
                    let ids: Vec<i64> = parents.iter().map(|p| p.0).collect();
                    let children = self.call(move |c| children(c, ids)).await;
                    group(parents, children);
                }
            }
            _ => {
                self.call(|c| c.execute_batch("BEGIN IMMEDIATE").expect("begin")).await;
                for i in 0..n {
                    self.call(move |c| update(c, i as f64, (i + 1) as i64)).await;
                }
                self.call(|c| c.execute_batch("COMMIT").expect("commit")).await;
            }
        }
        t.elapsed()
    }
}
