//! With no statement or socket time-out, a query on a connection whose
//! server stopped answering waited forever. Here a TCP proxy forwards to
//! the real server, then stops forwarding ("freezes"), as a dead network
//! or a hung server would.

use crate::common::{fresh_url, Backend};
use juggler::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A listener that accepts and never answers.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn silent_listener() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (port, task)
}

/// Forwards to `target` until `frozen` is set, then passes nothing on.
async fn proxy(target: String, frozen: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(&target).await else {
                continue;
            };
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            let f1 = frozen.clone();
            let f2 = frozen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                while let Ok(n) = cr.read(&mut buf).await {
                    if n == 0 || f1.load(Ordering::SeqCst) {
                        std::future::pending::<()>().await;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                while let Ok(n) = sr.read(&mut buf).await {
                    if n == 0 || f2.load(Ordering::SeqCst) {
                        std::future::pending::<()>().await;
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

fn settings() -> PoolSettings {
    PoolSettings {
        connect_timeout: Duration::from_millis(700),
        statement_timeout: Some(Duration::from_millis(700)),
        acquire_timeout: Duration::from_secs(1),
        ..PoolSettings::default()
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn connect_to_a_silent_server(scheme: &str) {
    let (port, _task) = silent_listener().await;
    let url = format!("{scheme}://u@127.0.0.1:{port}/test");
    let err = DataSource::connect_with(&url, settings()).await.unwrap_err();
    assert!(err.to_string().contains("no answer within"), "{err}");
}

#[derive(Model, Debug, Clone)]
struct Ping {
    #[property(id, generated)]
    id: i64,
    n: i64,
}

async fn statement_on_a_frozen_server(backend: Backend, test: &str) {
    let Some(url) = fresh_url(backend, test).await else {
        return;
    };
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, rest) = rest.split_once('@').unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let frozen = Arc::new(AtomicBool::new(false));
    let port = proxy(host.to_owned(), frozen.clone()).await;
    let proxied = format!("{scheme}://{user}@127.0.0.1:{port}/{path}");
    let ds = DataSource::connect_with(&proxied, settings()).await.unwrap();
    ds.automigrate(&[Ping::definition()]).await.unwrap();
    ds.repo::<Ping>().create(Ping { id: 0, n: 1 }).await.unwrap();
    frozen.store(true, Ordering::SeqCst);
    // Each call gives up after its time-out (the statement's, or the
    // pool's when a new connection cannot be opened), never waits forever.
    for _ in 0..2 {
        let err = ds.repo::<Ping>().find(Filter::new()).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(err.to_string().contains("did not finish within"), "{err}");
        let err = ds.repo::<Ping>().create(Ping { id: 0, n: 2 }).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    }
    let tx = ds.begin().await;
    assert!(tx.is_err(), "a transaction began on a frozen server");
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_connect() {
    connect_to_a_silent_server("postgres").await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_connect() {
    connect_to_a_silent_server("mysql").await;
}

#[tokio::test]
async fn postgres_statement() {
    statement_on_a_frozen_server(Backend::Postgres, "frozen_p").await;
}

#[tokio::test]
async fn mysql_statement() {
    statement_on_a_frozen_server(Backend::MySql, "frozen_y").await;
}
