//! Models, data and connections shared by the integration tests. Every
//! expected result in the tests is written out by hand from this data.
//!
//! Real databases: each test gets its own PostgreSQL schema or MariaDB
//! database, named after it, so tests running in parallel never collide.
//! Without a server a test prints that it skipped; with `CI` set it fails.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared by several test files; fails loudly

use juggler::prelude::*;

/// Six people; `age` and `city` have NULLs, names exercise `%`, `_` and case.
#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Person {
    #[property(id, generated)]
    pub(crate) id: i64,
    #[property(required, length = 40)]
    pub(crate) name: String,
    pub(crate) age: Option<i32>,
    #[property(length = 40)]
    pub(crate) city: Option<String>,
    pub(crate) score: f64,
    pub(crate) active: bool,
    pub(crate) loc: Option<GeoPoint>,
}

fn p(name: &str, age: Option<i32>, city: Option<&str>, score: f64, active: bool, loc: Option<(f64, f64)>) -> Person {
    Person {
        id: 0,
        name: name.into(),
        age,
        city: city.map(Into::into),
        score,
        active,
        loc: loc.map(|(lat, lng)| GeoPoint { lat, lng }),
    }
}

/// id 1..=6, in this order.
pub(crate) fn people() -> Vec<Person> {
    vec![
        p("Ann", Some(34), Some("Paris"), 8.5, true, Some((48.8566, 2.3522))), // 1, Paris
        p("Bob", Some(21), None, 6.0, false, None),                            // 2
        p("carl", None, Some("paris"), 7.25, true, Some((45.7640, 4.8357))),   // 3, Lyon
        p("Dana", Some(45), Some("Berlin"), 9.0, false, Some((52.5200, 13.4050))), // 4, Berlin
        p("Eve_x", Some(21), Some("Lyon"), 5.5, true, Some((45.7578, 4.8320))), // 5, Lyon
        p("100% Bob", Some(60), None, 0.0, false, None),                       // 6
    ]
}

/// Where a test runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Memory,
    Sqlite,
    Postgres,
    MySql,
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Says a test skipped, past libtest's output capture, so a plain `cargo test`
/// shows it.
fn say_skipped(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {message}");
}

/// Whether a TCP connection to the URL's host and port opens within 2 s;
/// asked once per URL and process, so a missing server costs one probe.
fn reachable(url: &str) -> Result<(), String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<String, Result<(), String>>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    seen.entry(url.to_owned())
        .or_insert_with(|| {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
            let host_port = rest.split(['/', '?']).next().unwrap_or(rest);
            let addrs = std::net::ToSocketAddrs::to_socket_addrs(host_port).map_err(|e| e.to_string())?;
            let timeout = std::time::Duration::from_secs(2);
            for addr in addrs {
                if std::net::TcpStream::connect_timeout(&addr, timeout).is_ok() {
                    return Ok(());
                }
            }
            Err(format!("nothing listens on {host_port}"))
        })
        .clone()
}

fn unreachable_server<T>(what: &str, url: &str, err: &dyn std::fmt::Display) -> Option<T> {
    if in_ci() {
        panic!("{what} must be reachable in CI at {url}: {err}");
    }
    say_skipped(&format!(
        "{what} is not reachable at {url} ({err}); CI=true makes this a failure"
    ));
    None
}

fn test_name(test: &str) -> String {
    let mut name = format!(
        "jt_{}",
        test.to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    if name.len() > 48 {
        // Identifiers stop at 63 (PostgreSQL) / 64 (MySQL) characters: keep them unique.
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        name.hash(&mut h);
        name = format!("{}_{:016x}", &name[..30], h.finish());
    }
    name
}

/// The URL of a fresh, empty store for `test` on `backend` (its own SQLite
/// file, PostgreSQL schema or MariaDB database); `None` (after printing why)
/// when the server is not there outside CI.
pub(crate) async fn fresh_url(backend: Backend, test: &str) -> Option<String> {
    let name = test_name(test);
    match backend {
        Backend::Memory => Some("memory:".to_owned()),
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("juggler-tests-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            Some(format!("sqlite://{}?mode=rwc", file.display()))
        }
        Backend::Postgres => postgres(&name).await,
        Backend::MySql => mysql(&name).await,
    }
}

/// A fresh, empty data source for `test` on `backend`; `None` (after printing
/// why) when the server is not there outside CI.
pub(crate) async fn data_source(backend: Backend, test: &str) -> Option<DataSource> {
    let url = fresh_url(backend, test).await?;
    Some(DataSource::connect(&url).await.expect("connect"))
}

/// [`data_source`] with pool settings.
pub(crate) async fn data_source_with(
    backend: Backend,
    test: &str,
    settings: juggler::PoolSettings,
) -> Option<DataSource> {
    let url = fresh_url(backend, test).await?;
    Some(DataSource::connect_with(&url, settings).await.expect("connect"))
}

/// The admin URL of a server (`None` when it is not there, after printing why).
pub(crate) fn server_url(backend: Backend) -> Option<String> {
    let url = match backend {
        Backend::Postgres => {
            std::env::var("JUGGLER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
        }
        Backend::MySql => {
            std::env::var("JUGGLER_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
        }
        _ => return None,
    };
    match reachable(&url) {
        Ok(()) => Some(url),
        Err(e) => {
            unreachable_server::<()>("database server", &url, &e);
            None
        }
    }
}

#[cfg(feature = "postgres")]
async fn postgres(schema: &str) -> Option<String> {
    use sqlx::Executor as _;
    let base =
        std::env::var("JUGGLER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if let Err(e) = reachable(&base) {
        return unreachable_server("PostgreSQL", &base, &e);
    }
    let admin = match sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&base)
        .await
    {
        Ok(pool) => pool,
        Err(e) => return unreachable_server("PostgreSQL", &base, &e),
    };
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        )))
        .await
        .expect("create schema");
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(_: &str) -> Option<String> {
    say_skipped("PostgreSQL test: built without the `postgres` feature (use --all-features)");
    None
}

#[cfg(feature = "mysql")]
async fn mysql(database: &str) -> Option<String> {
    use sqlx::Executor as _;
    let base = std::env::var("JUGGLER_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    if let Err(e) = reachable(&base) {
        return unreachable_server("MariaDB/MySQL", &base, &e);
    }
    let admin = match sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        .connect(&base)
        .await
    {
        Ok(pool) => pool,
        Err(e) => return unreachable_server("MariaDB/MySQL", &base, &e),
    };
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {database}")))
        .await
        .expect("drop database");
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {database} CHARACTER SET utf8mb4"
        )))
        .await
        .expect("create database");
    admin.close().await;
    let root = base.rsplit_once('/').map_or(base.as_str(), |(r, _)| r);
    Some(format!("{root}/{database}"))
}

#[cfg(not(feature = "mysql"))]
async fn mysql(_: &str) -> Option<String> {
    say_skipped("MySQL test: built without the `mysql` feature (use --all-features)");
    None
}

/// A data source for `test` on `backend` with [`people`] stored.
pub(crate) async fn seeded(backend: Backend, test: &str) -> Option<DataSource> {
    let ds = data_source(backend, test).await?;
    ds.automigrate(&[Person::definition()]).await.expect("automigrate");
    let created = ds.repo::<Person>().create_all(people()).await.expect("seed");
    assert_eq!(created.iter().map(|p| p.id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);
    Some(ds)
}

/// Ids of a result, in result order.
pub(crate) fn ids(people: &[Person]) -> Vec<i64> {
    people.iter().map(|p| p.id).collect()
}

/// Generates one `#[tokio::test]` per backend for each listed test body
/// (`async fn name(ds: DataSource)`), seeding the data first.
#[macro_export]
macro_rules! per_backend {
    ($seed:path; $($name:ident),* $(,)?) => {
        mod memory {
            $(#[tokio::test] async fn $name() {
                if let Some(ds) = $seed($crate::common::Backend::Memory, concat!("m_", stringify!($name))).await { super::$name(ds).await }
            })*
        }
        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                if let Some(ds) = $seed($crate::common::Backend::Sqlite, concat!("s_", stringify!($name))).await { super::$name(ds).await }
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(ds) = $seed($crate::common::Backend::Postgres, concat!(module_path!(), "_p_", stringify!($name))).await { super::$name(ds).await }
            })*
        }
        mod mysql {
            $(#[tokio::test] async fn $name() {
                if let Some(ds) = $seed($crate::common::Backend::MySql, concat!(module_path!(), "_y_", stringify!($name))).await { super::$name(ds).await }
            })*
        }
    };
}

/// Collects the SQL of every `juggler::sql` event emitted on this thread
/// while [`Statements::record`]'s guard lives. One global subscriber routes
/// events by thread: thread-local subscribers of tests running in parallel
/// miss events (tracing caches each call site's interest globally).
pub(crate) mod fixtures;

pub(crate) mod sql_log {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    use std::thread::ThreadId;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    type Sink = Arc<Mutex<Vec<String>>>;

    fn sinks() -> &'static Mutex<HashMap<ThreadId, Sink>> {
        static SINKS: OnceLock<Mutex<HashMap<ThreadId, Sink>>> = OnceLock::new();
        SINKS.get_or_init(|| {
            let _ = tracing::subscriber::set_global_default(Router);
            Mutex::default()
        })
    }

    #[derive(Clone, Default)]
    pub(crate) struct Statements(Sink);

    /// Stops recording when dropped.
    pub(crate) struct Recording;

    impl Drop for Recording {
        fn drop(&mut self) {
            sinks().lock().unwrap().remove(&std::thread::current().id());
        }
    }

    impl Statements {
        /// Records this thread's statements until the guard is dropped.
        pub(crate) fn record(&self) -> Recording {
            sinks()
                .lock()
                .unwrap()
                .insert(std::thread::current().id(), self.0.clone());
            Recording
        }

        pub(crate) fn taken(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    struct SqlField<'a>(&'a mut Option<String>);

    impl Visit for SqlField<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "sql" {
                *self.0 = Some(format!("{value:?}"));
            }
        }
    }

    struct Router;

    impl Subscriber for Router {
        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            metadata.target() == "juggler::sql"
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let sink = sinks().lock().unwrap().get(&std::thread::current().id()).cloned();
            if let Some(sink) = sink {
                let mut sql = None;
                event.record(&mut SqlField(&mut sql));
                sink.lock().unwrap().push(sql.unwrap_or_default());
            }
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[allow(unused_imports)] // only the files that count statements use it
pub(crate) use sql_log::Statements;

/// A file of `../shared/fixtures`.
pub(crate) fn fixture(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// Runs a MySQL script the way the `mysql` client does: `DELIMITER` lines
/// change the statement terminator.
#[cfg(feature = "mysql")]
pub(crate) async fn mysql_script(pool: &sqlx::MySqlPool, script: &str) {
    // One connection: the script's `SET` lines (FOREIGN_KEY_CHECKS=0) hold
    // for the statements after them.
    let mut conn = pool.acquire().await.unwrap();
    let mut delimiter = ";".to_owned();
    let mut statement = String::new();
    for line in script.lines() {
        let trimmed = line.trim();
        if let Some(d) = trimmed.strip_prefix("DELIMITER ") {
            delimiter = d.trim().to_owned();
            continue;
        }
        statement.push_str(line);
        statement.push('\n');
        if trimmed.ends_with(delimiter.as_str()) {
            let sql = statement.trim().trim_end_matches(delimiter.as_str()).trim().to_owned();
            statement.clear();
            if !sql.is_empty() {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(&mut *conn)
                    .await
                    .unwrap_or_else(|e| panic!("{e}: {sql}"));
            }
        }
    }
}
