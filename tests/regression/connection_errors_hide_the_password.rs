//! Connection errors printed the password of the URL.

use crate::common::{server_url, Backend};
use juggler::prelude::*;

fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    format!("{scheme}://juggler_nobody:{password}@{rest}")
}

async fn check(backend: Backend) {
    let Some(base) = server_url(backend) else { return };
    let url = with_password(&base, "hunter2-s3cret");
    let err = DataSource::connect(&url).await.unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("hunter2"), "the password leaked: {shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    // A URL that does not even parse is redacted too.
    let err = DataSource::connect(&format!("{}?sslmode=bogus&password=hunter2", with_password(&base, "x")))
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
}

#[tokio::test]
async fn postgres() {
    check(Backend::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    check(Backend::MySql).await;
}

#[test]
fn urls_are_redacted() {
    assert_eq!(
        juggler::redact_url("postgres://app:pa:ss@db:5432/x?password=y&sslmode=require"),
        "postgres://app:***@db:5432/x?password=***&sslmode=require"
    );
    assert_eq!(
        juggler::redact_url("mysql://root@127.0.0.1/test"),
        "mysql://root@127.0.0.1/test"
    );
}
