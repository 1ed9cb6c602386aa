//! Connecting to a closed port waited for the whole 30 s pool acquire
//! time-out, then said "pool timed out".

#[cfg(any(feature = "postgres", feature = "mysql"))]
use juggler::prelude::*;

#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn check(url: &str, server: &str) {
    let err = DataSource::connect(url).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!(
            "could not connect to {server} at 127.0.0.1:1: connection refused"
        )),
        "{message}"
    );
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres() {
    check("postgres://postgres@127.0.0.1:1/test", "PostgreSQL").await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql() {
    check("mysql://root@127.0.0.1:1/test", "MySQL").await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn unknown_host() {
    let err = DataSource::connect("postgres://postgres@no-such-host.invalid:5432/test")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("could not connect to PostgreSQL at no-such-host.invalid:5432"),
        "{err}"
    );
}
