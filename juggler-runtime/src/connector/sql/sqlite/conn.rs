//! SQLite connections: opened from the URL, pooled, and a clock on every
//! statement that keeps a long one from holding up the async runtime.
//!
//! Statements run in the calling task, on its thread: a point read is a few
//! microseconds of SQLite, which a hand-off to another thread (sqlx's
//! worker channel, `spawn_blocking`) would cost several times over. What a
//! long statement would cost instead, and what is done about it:
//!
//! - **Other tasks.** SQLite calls back every [`PROGRESS_OPS`] virtual
//!   machine instructions. Once a statement has run for [`HAND_OFF_AFTER`],
//!   on tokio's multi-thread runtime the callback hands this worker's other
//!   tasks to a new worker thread (`tokio::task::block_in_place`), and the
//!   statement goes on where it is. A current-thread runtime has no other
//!   thread to hand them to: there a statement holds the thread up to the
//!   statement time-out.
//! - **The statement time-out.** The same callback stops the statement when
//!   its time is up (`SQLITE_INTERRUPT`); the call fails with
//!   `Error::Timeout`.
//! - **Writers.** SQLite has one writer at a time. Writers of one pool take
//!   an async lock first (a write statement outside a transaction, and every
//!   transaction, which begins `IMMEDIATE`), so a writer waiting for another
//!   waits as a task, never in SQLite's busy handler on a runtime thread.
//!   Only another process's writer is waited for by the busy handler (up to
//!   `busy_timeout`).

use crate::connector::sql::PoolSettings;
use crate::Error;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// Virtual machine instructions between two looks at the clock.
const PROGRESS_OPS: i32 = 1_000;

/// How long a statement runs before the runtime's other tasks move away.
pub(crate) const HAND_OFF_AFTER: Duration = Duration::from_millis(10);

/// How long the hand-off waits for the new worker to take over (if it has
/// not, the next look at the clock after [`HAND_OFF_AFTER`] tries again).
const HAND_OFF_WAIT: Duration = Duration::from_micros(200);

/// Prepared statements kept per connection (sqlx's default too).
const STATEMENT_CACHE: usize = 100;

/// Where connections open, read from the URL.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    path: String,
    flags: OpenFlags,
    pub(crate) memory: bool,
}

impl Target {
    /// `sqlite://path.db?mode=rwc`, `sqlite:path.db`, `sqlite::memory:`,
    /// `sqlite://name?mode=memory&cache=shared`. `mode` is `ro`, `rw` (the
    /// default: the file must exist), `rwc` or `memory`; `cache` is
    /// `shared` or `private`.
    pub(crate) fn parse(url: &str) -> Result<Target, String> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| "a SQLite URL starts with `sqlite:`".to_owned())?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut memory = path == ":memory:" || path.is_empty();
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (key, value) {
                ("mode", "ro") => flags = OpenFlags::SQLITE_OPEN_READ_ONLY,
                ("mode", "rw") => flags = OpenFlags::SQLITE_OPEN_READ_WRITE,
                ("mode", "rwc") => flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
                ("mode", "memory") => memory = true,
                ("cache", "shared") => flags |= OpenFlags::SQLITE_OPEN_SHARED_CACHE,
                ("cache", "private") => flags |= OpenFlags::SQLITE_OPEN_PRIVATE_CACHE,
                ("mode" | "cache", other) => return Err(format!("`{key}={other}` is not a SQLite open mode")),
                _ => return Err(format!("unknown parameter `{key}` (known: mode, cache)")),
            }
        }
        if memory {
            flags |= OpenFlags::SQLITE_OPEN_MEMORY | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        }
        flags |= OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let path = if memory && path.is_empty() { ":memory:" } else { path };
        Ok(Target {
            path: path.to_owned(),
            flags,
            memory,
        })
    }

    /// A private in-memory database is one per connection.
    fn private_memory(&self) -> bool {
        self.memory && !self.flags.contains(OpenFlags::SQLITE_OPEN_SHARED_CACHE)
    }
}

/// The pool: connections at most `max_connections`, idle ones kept.
pub(crate) struct Pool {
    target: Target,
    busy_timeout: Duration,
    acquire_timeout: Duration,
    permits: Arc<Semaphore>,
    idle: std::sync::Mutex<Vec<Connection>>,
    size: AtomicU32,
    /// Taken by writers (none when there is one connection: it serializes).
    writer: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool for `target` (private in-memory databases get one connection,
    /// or each connection would be a database of its own).
    pub(crate) fn new(target: Target, settings: &PoolSettings) -> Pool {
        let max = if target.private_memory() {
            1
        } else {
            settings.max_connections.max(1)
        };
        Pool {
            target,
            busy_timeout: settings.busy_timeout,
            acquire_timeout: settings.acquire_timeout,
            permits: Arc::new(Semaphore::new(max as usize)),
            idle: std::sync::Mutex::new(Vec::new()),
            size: AtomicU32::new(0),
            writer: (max > 1).then(|| Arc::new(tokio::sync::Mutex::new(()))),
        }
    }

    /// Opens a connection: foreign keys on, `LIKE` case-sensitive, the
    /// busy time-out, WAL for files (readers and the writer do not block
    /// each other), `REGEXP`, the progress clock.
    pub(crate) fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(&self.target.path, self.target.flags)?;
        conn.busy_timeout(self.busy_timeout)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON;")?;
        if !self.target.memory && !self.target.flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY) {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        }
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.create_scalar_function(
            "regexp",
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            regexp,
        )?;
        conn.progress_handler(PROGRESS_OPS, Some(on_progress))?;
        Ok(conn)
    }

    /// Opens `n` connections now and keeps them idle.
    pub(crate) fn fill(&self, n: u32) -> rusqlite::Result<()> {
        let n = n.min(self.permits.available_permits() as u32);
        let mut opened = Vec::new();
        for _ in 0..n {
            opened.push(self.open()?);
            self.size.fetch_add(1, Ordering::Relaxed);
        }
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).extend(opened);
        Ok(())
    }

    /// (open, idle) connections.
    pub(crate) fn status(&self) -> (u32, usize) {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).len();
        (self.size.load(Ordering::Relaxed), idle)
    }

    /// A connection, waiting up to `acquire_timeout` for one to be free.
    pub(crate) async fn acquire(self: &Arc<Self>) -> crate::Result<Lease> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => match tokio::time::timeout(self.acquire_timeout, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => {
                    return Err(Error::Timeout {
                        waiting: "waiting for a connection",
                        setting: "acquire_timeout",
                        after: self.acquire_timeout,
                    })
                }
            },
        };
        let reused = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match reused {
            Some(conn) => conn,
            None => {
                let conn = self.open().map_err(|e| Error::Database {
                    message: format!("could not open the SQLite database `{}`: {e}", self.target.path),
                    code: None,
                })?;
                self.size.fetch_add(1, Ordering::Relaxed);
                conn
            }
        };
        Ok(Lease {
            conn: Some(conn),
            pool: self.clone(),
            _permit: permit,
        })
    }

    /// The pool's write lock (`None` when there is one connection), waiting
    /// up to `busy_timeout`.
    pub(crate) async fn write_lock(&self) -> crate::Result<Option<OwnedMutexGuard<()>>> {
        let Some(writer) = &self.writer else {
            return Ok(None);
        };
        if let Ok(guard) = writer.clone().try_lock_owned() {
            return Ok(Some(guard));
        }
        match tokio::time::timeout(self.busy_timeout, writer.clone().lock_owned()).await {
            Ok(guard) => Ok(Some(guard)),
            Err(_) => Err(Error::Timeout {
                waiting: "another connection's write (database is locked)",
                setting: "busy_timeout",
                after: self.busy_timeout,
            }),
        }
    }
}

/// A connection taken from the pool; back to it when dropped (rolled back
/// first if a transaction was left open).
pub(crate) struct Lease {
    conn: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    /// Closes the connection instead of returning it.
    pub(crate) fn discard(&mut self) {
        if self.conn.take().is_some() {
            self.pool.size.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// The connection (`None` only after `discard`).
    pub(crate) fn conn(&self) -> Option<&Connection> {
        self.conn.as_ref()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            self.pool.size.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        self.pool.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
    }
}

/// `X REGEXP Y` is `regexp(Y, X)`: Rust `regex` syntax; NULL on either side
/// is NULL. The compiled pattern is kept for the statement's other rows.
fn regexp(ctx: &rusqlite::functions::Context<'_>) -> rusqlite::Result<Option<bool>> {
    use rusqlite::types::ValueRef;
    if matches!(ctx.get_raw(0), ValueRef::Null) || matches!(ctx.get_raw(1), ValueRef::Null) {
        return Ok(None);
    }
    let regex = ctx.get_or_create_aux(
        0,
        |v| -> Result<regex::Regex, Box<dyn std::error::Error + Send + Sync>> { Ok(regex::Regex::new(v.as_str()?)?) },
    )?;
    let matched = match ctx.get_raw(1) {
        ValueRef::Text(t) => regex.is_match(&String::from_utf8_lossy(t)),
        ValueRef::Integer(i) => regex.is_match(&i.to_string()),
        ValueRef::Real(f) => regex.is_match(&f.to_string()),
        ValueRef::Blob(b) => regex.is_match(&String::from_utf8_lossy(b)),
        ValueRef::Null => return Ok(None),
    };
    Ok(Some(matched))
}

/// The clock of the statement running on this thread.
#[derive(Clone, Copy)]
struct Clock {
    deadline: Option<Instant>,
    hand_off_at: Instant,
    timed_out: bool,
}

thread_local! {
    static RUNNING: Cell<Option<Clock>> = const { Cell::new(None) };
}

/// A statement's clock, from now until dropped.
pub(crate) struct Running(());

impl Running {
    pub(crate) fn start(timeout: Option<Duration>) -> Running {
        let now = Instant::now();
        RUNNING.with(|c| {
            c.set(Some(Clock {
                deadline: timeout.map(|t| now + t),
                hand_off_at: now + HAND_OFF_AFTER,
                timed_out: false,
            }))
        });
        Running(())
    }

    /// Whether the statement was stopped for running past its time.
    pub(crate) fn timed_out(&self) -> bool {
        RUNNING.with(|c| c.get().is_some_and(|clock| clock.timed_out))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.with(|c| c.set(None));
    }
}

/// SQLite's progress callback: `true` stops the statement.
fn on_progress() -> bool {
    RUNNING.with(|c| {
        let Some(mut clock) = c.get() else { return false };
        let now = Instant::now();
        if clock.deadline.is_some_and(|d| now >= d) {
            clock.timed_out = true;
            c.set(Some(clock));
            return true;
        }
        if now >= clock.hand_off_at {
            clock.hand_off_at = now + HAND_OFF_AFTER;
            c.set(Some(clock));
            hand_off();
        }
        false
    })
}

/// Moves the other tasks of this runtime worker to a new worker thread, so
/// they run while this thread is busy in SQLite. Only on the multi-thread
/// runtime (a current-thread runtime has no other thread); once moved, the
/// call costs nothing.
fn hand_off() {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
        tokio::task::block_in_place(|| std::thread::sleep(HAND_OFF_WAIT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Target::parse("sqlite::memory:").unwrap_or_else(|e| panic!("{e}"));
        assert!(t.memory && t.private_memory());
        let t = Target::parse("sqlite://data/app.db?mode=rwc").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.path, "data/app.db");
        assert!(t.flags.contains(OpenFlags::SQLITE_OPEN_CREATE) && !t.memory);
        let t = Target::parse("sqlite://shared?mode=memory&cache=shared").unwrap_or_else(|e| panic!("{e}"));
        assert!(t.memory && !t.private_memory());
        assert_eq!(
            Target::parse("sqlite://a.db?mode=rwx").err().as_deref(),
            Some("`mode=rwx` is not a SQLite open mode")
        );
        assert_eq!(
            Target::parse("sqlite://a.db?journal=wal").err().as_deref(),
            Some("unknown parameter `journal` (known: mode, cache)")
        );
    }

    /// The statement that counts to `n` in SQLite's virtual machine.
    fn count_to(n: u64) -> String {
        format!("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT count(*) FROM c")
    }

    fn memory_pool() -> Arc<Pool> {
        let target = Target::parse("sqlite::memory:").unwrap_or_else(|e| panic!("{e}"));
        Arc::new(Pool::new(target, &PoolSettings::default()))
    }

    /// A statement of about a second on the only worker of a multi-thread
    /// runtime: a task ticking every millisecond beside it keeps ticking
    /// (without the hand-off it would stop for the whole second).
    #[test]
    fn a_long_statement_does_not_stall_other_tasks() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let pool = memory_pool();
        let (statement, longest_gap) = runtime.block_on(async move {
            let ticking = Arc::new(std::sync::atomic::AtomicBool::new(true));
            let ticker = tokio::spawn({
                let ticking = ticking.clone();
                async move {
                    let mut longest = Duration::ZERO;
                    let mut last = Instant::now();
                    while ticking.load(Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                        longest = longest.max(last.elapsed());
                        last = Instant::now();
                    }
                    longest
                }
            });
            // Let the ticker start.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let long = tokio::spawn(async move {
                let lease = pool.acquire().await.unwrap_or_else(|e| panic!("{e}"));
                let conn = lease.conn().unwrap_or_else(|| panic!("no connection"));
                let started = Instant::now();
                let _clock = Running::start(None);
                let n: i64 = conn
                    .query_row(&count_to(3_000_000), [], |r| r.get(0))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(n, 3_000_000);
                started.elapsed()
            });
            let statement = long.await.unwrap_or_else(|e| panic!("{e}"));
            ticking.store(false, Ordering::Relaxed);
            (statement, ticker.await.unwrap_or_else(|e| panic!("{e}")))
        });
        assert!(
            statement > Duration::from_millis(300),
            "the statement took only {statement:?}"
        );
        assert!(
            longest_gap < statement / 3,
            "the ticker stopped for {longest_gap:?} during a statement of {statement:?}"
        );
    }

    /// The statement time-out stops a statement where it is.
    #[test]
    fn the_clock_stops_a_statement_past_its_time() {
        let pool = memory_pool();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let lease = runtime.block_on(pool.acquire()).unwrap_or_else(|e| panic!("{e}"));
        let conn = lease.conn().unwrap_or_else(|| panic!("no connection"));
        let started = Instant::now();
        let clock = Running::start(Some(Duration::from_millis(50)));
        let result = conn.query_row(&count_to(1_000_000_000), [], |r| r.get::<_, i64>(0));
        assert!(clock.timed_out());
        assert!(result.is_err());
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "stopped after {:?}",
            started.elapsed()
        );
        drop(clock);
        // The connection goes on.
        let one: i64 = conn
            .query_row("SELECT 1", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one, 1);
    }
}
