//! Opening pools and keeping their connections healthy: settings,
//! time-outs, the first connection's error, broken-connection detection.

/// Pool settings for [`DataSource::connect_with`](crate::DataSource::connect_with).
///
/// ```
/// use juggler::PoolSettings;
/// use std::time::Duration;
///
/// let settings = PoolSettings {
///     max_connections: 4,
///     statement_timeout: Some(Duration::from_secs(5)),
///     ..PoolSettings::default()
/// };
/// assert_eq!(settings.connect_timeout, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections open at once (default 10; 1 for `sqlite::memory:`).
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// How long to wait for a free connection (default 30 s).
    pub acquire_timeout: std::time::Duration,
    /// Ping each connection before handing it out (default false: it costs a
    /// round trip on every query). Without it, connections idle since a
    /// connection was found broken are pinged once before reuse, so a server
    /// restart costs one failed call, not one per pooled connection.
    pub test_before_acquire: bool,
    /// How long opening a connection may take, the server's answer included
    /// (default 10 s). [`DataSource::connect`](crate::DataSource::connect)
    /// opens one at once, so a wrong host or port fails there with its cause.
    pub connect_timeout: std::time::Duration,
    /// How long one statement may run (default 30 s; `None`: no limit). The
    /// server enforces it too where it can (PostgreSQL `statement_timeout`,
    /// MariaDB `max_statement_time`), so a runaway query (a client's
    /// catastrophic `regexp`) stops on the server; a server that stops
    /// answering is given up on by the client after the same time, and that
    /// connection is closed. SQLite stops the statement itself. Either way
    /// the call fails with [`Error::Timeout`](crate::Error::Timeout).
    pub statement_timeout: Option<std::time::Duration>,
    /// How long a SQLite write waits for another writer before failing
    /// (default 5 s): for a writer of the same pool as a task (then the
    /// error is [`Error::Timeout`](crate::Error::Timeout)), for another
    /// process in SQLite's busy handler ("database is locked").
    pub busy_timeout: std::time::Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: std::time::Duration::from_secs(30),
            test_before_acquire: false,
            connect_timeout: std::time::Duration::from_secs(10),
            statement_timeout: Some(std::time::Duration::from_secs(30)),
            busy_timeout: std::time::Duration::from_secs(5),
        }
    }
}

/// `Error::Connect` for `url` (credentials redacted).
pub(crate) fn connect_error(url: &str, err: impl std::fmt::Display) -> crate::Error {
    crate::Error::Connect {
        url: crate::redact::url(url),
        message: crate::redact::text(&err.to_string()),
    }
}

/// "PostgreSQL at 127.0.0.1:5433", for messages.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn server_name(database: &str, url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    if host.is_empty() {
        database.to_owned()
    } else {
        format!("{database} at {host}")
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Why a first connection failed, said plainly: "connection refused", "timed
/// out", or the server's own message.
pub(crate) fn connect_cause(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::TimedOut => "timed out".to_owned(),
            _ => io.to_string(),
        },
        sqlx::Error::Tls(e) => format!("TLS: {e}"),
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
/// Milliseconds since an arbitrary fixed instant, plus one (for [`Health`]).
fn ticks() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

/// When a pooled connection was last found broken: connections that went
/// idle before then are pinged once before they are handed out again.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
#[derive(Debug, Default)]
pub(crate) struct Health {
    broken_at: std::sync::atomic::AtomicU64,
    schema_changed_at: std::sync::atomic::AtomicU64,
}

#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
impl Health {
    /// A schema change ran: statements prepared before it may have another
    /// result type now (PostgreSQL's "cached plan must not change result
    /// type"), so connections idle since then drop their statement cache.
    pub(crate) fn mark_schema_changed(&self) {
        self.schema_changed_at
            .store(ticks(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a connection idle for `idle_for` holds statements prepared
    /// before the last schema change.
    fn stale(&self, idle_for: std::time::Duration) -> bool {
        idle_since_before(&self.schema_changed_at, idle_for)
    }

    pub(crate) fn mark_broken(&self) {
        self.broken_at.store(ticks(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a connection idle for `idle_for` may have died.
    fn suspect(&self, idle_for: std::time::Duration) -> bool {
        idle_since_before(&self.broken_at, idle_for)
    }
}

#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
/// Whether a connection idle for `idle_for` went idle no later than the
/// moment `at` records (0: never).
fn idle_since_before(at: &std::sync::atomic::AtomicU64, idle_for: std::time::Duration) -> bool {
    went_idle_by(ticks(), idle_for, at.load(std::sync::atomic::Ordering::Relaxed))
}

/// [`idle_since_before`] at tick `now`. Ticks are whole milliseconds, so
/// the moment the connection went idle is only known to a millisecond: one
/// more is allowed, so that one idle since just before `at` is never taken
/// for one idle since after it (at worst a connection idle since just after
/// `at` is pinged or drops its statements for nothing).
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
fn went_idle_by(now: u64, idle_for: std::time::Duration, at: u64) -> bool {
    at != 0 && now.saturating_sub(idle_for.as_millis() as u64 + 1) <= at
}

#[cfg(test)]
mod health_tests {
    use super::went_idle_by;
    use std::time::Duration;

    #[test]
    fn a_connection_idle_since_just_before_a_schema_change_is_stale() {
        // idle since 10.9 ms (tick 11), schema changed at 10.95 ms (tick 11),
        // asked at 12.0 ms (tick 13): idle for 1.1 ms, which truncates to 1.
        assert!(went_idle_by(13, Duration::from_micros(1_100), 11));
        // idle since 10.1 ms, changed at 10.9 ms, asked at 11.05 ms
        assert!(went_idle_by(12, Duration::from_micros(950), 11));
        // idle since long before the change: stale; since well after: not
        assert!(went_idle_by(500, Duration::from_millis(495), 11));
        assert!(!went_idle_by(500, Duration::from_millis(100), 11));
        // nothing recorded yet
        assert!(!went_idle_by(500, Duration::from_millis(495), 0));
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Whether an error means the connection itself is gone (the server
/// restarted, killed it, or the network dropped it), as opposed to a
/// statement the server refused.
pub(crate) fn is_connection_error(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let message = db.message();
            matches!(
                code.as_deref(),
                Some("57P01" | "57P02" | "57P03" | "08006" | "08003" | "08S01")
            ) || message.contains("Connection was killed")
                || message.contains("server has gone away")
                || message.contains("Lost connection")
        }
        _ => false,
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Whether the server stopped a statement for running too long.
pub(crate) fn is_server_timeout(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("57014") || db.message().contains("max_statement_time")
        }
        _ => false,
    }
}

/// What a connector and the transactions started from it share.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) health: std::sync::Arc<Health>,
    pub(crate) statement_timeout: Option<std::time::Duration>,
    pub(crate) acquire_timeout: std::time::Duration,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            health: Default::default(),
            statement_timeout: PoolSettings::default().statement_timeout,
            acquire_timeout: PoolSettings::default().acquire_timeout,
        }
    }
}

impl Shared {
    pub(crate) fn new(settings: &PoolSettings, health: std::sync::Arc<Health>) -> Self {
        Shared {
            health,
            statement_timeout: settings.statement_timeout,
            acquire_timeout: settings.acquire_timeout,
        }
    }

    #[cfg(any(feature = "postgres", feature = "mysql"))]
    /// How long the client waits: the statement time-out plus a margin
    /// (a tenth, at least 200 ms), so the server's own limit fires first.
    pub(crate) fn client_timeout(&self) -> Option<std::time::Duration> {
        self.statement_timeout
            .map(|d| d + (d / 10).max(std::time::Duration::from_millis(200)))
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl PoolSettings {
    /// Opens a pool with these settings. One connection is opened first, so
    /// a wrong address fails now with its cause ("could not connect to
    /// PostgreSQL at 127.0.0.1:5433: connection refused") instead of as
    /// "pool timed out" after `acquire_timeout`.
    pub(crate) async fn open<DB: sqlx::Database + sqlx::database::HasStatementCache>(
        &self,
        database: &str,
        url: &str,
        options: <DB::Connection as sqlx::Connection>::Options,
        health: std::sync::Arc<Health>,
        after_connect: Option<String>,
    ) -> crate::Result<sqlx::Pool<DB>>
    where
        for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    {
        use sqlx::Connection as _;
        let failed = |cause: String| crate::Error::Connect {
            url: crate::redact::url(url),
            message: format!("could not connect to {}: {cause}", server_name(database, url)),
        };
        let probe = tokio::time::timeout(self.connect_timeout, DB::Connection::connect_with(&options)).await;
        match probe {
            Err(_) => {
                let after = humantime::format_duration(self.connect_timeout);
                return Err(failed(format!("no answer within {after} (connect_timeout)")));
            }
            Ok(Err(e)) => return Err(failed(crate::redact::text(&connect_cause(&e)))),
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
        }
        let pool = self.options::<DB>(health, after_connect).connect_lazy_with(options);
        if self.min_connections > 0 {
            // Keep what was asked for open from the start.
            let conn = pool.acquire().await.map_err(|e| connect_error(url, e))?;
            drop(conn);
        }
        Ok(pool)
    }

    pub(crate) fn options<DB: sqlx::Database + sqlx::database::HasStatementCache>(
        &self,
        health: std::sync::Arc<Health>,
        after_connect: Option<String>,
    ) -> sqlx::pool::PoolOptions<DB>
    where
        for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    {
        let mut options = sqlx::pool::PoolOptions::<DB>::new()
            .max_connections(self.max_connections)
            .min_connections(self.min_connections)
            .acquire_timeout(self.acquire_timeout)
            .test_before_acquire(self.test_before_acquire)
            .before_acquire(move |conn, meta| {
                let suspect = health.suspect(meta.idle_for);
                let stale = health.stale(meta.idle_for);
                Box::pin(async move {
                    if suspect {
                        // Found broken: sqlx closes it and opens another.
                        sqlx::Connection::ping(conn).await?;
                    }
                    if stale {
                        sqlx::Connection::clear_cached_statements(conn).await?;
                    }
                    Ok(true)
                })
            });
        if let Some(sql) = after_connect {
            let sql: std::sync::Arc<str> = sql.into();
            options = options.after_connect(move |conn, _| {
                let sql = sql.clone();
                Box::pin(async move {
                    sqlx::Executor::execute(conn, sqlx::AssertSqlSafe(sql.to_string())).await?;
                    Ok(())
                })
            });
        }
        options
    }
}
