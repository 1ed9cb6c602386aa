//! The sample databases of `../shared/fixtures`, schema and data, loaded once
//! per server into a database of their own (`jt_fixture_*`) and shared by
//! the tests that only read them. A marker written after the load says it
//! finished; a loader holds a server-wide lock, so concurrent test processes
//! load a fixture once.

#![allow(dead_code)] // each test file uses some of them

use super::{fixture, server_url, Backend};

/// Bumped when what a fixture database holds changes: older loads are redone.
const VERSION: &str = "juggler fixture v2: schema and data";

fn url_of(admin_url: &str, name: &str) -> String {
    let root = admin_url.rsplit_once('/').map_or(admin_url, |(r, _)| r);
    format!("{root}/{name}")
}

/// Pagila on PostgreSQL: 1000 films, 16044 rentals, 16049 payments.
#[cfg(feature = "postgres")]
pub(crate) async fn pagila() -> Option<String> {
    let schema = fixture("pagila/pagila-schema.sql");
    let data = fixture("pagila/pagila-data.sql");
    postgres("jt_fixture_pagila", &[&schema, &data]).await
}

/// Chinook on PostgreSQL (snake_case names), without the file's own
/// `DROP DATABASE` / `CREATE DATABASE` / `\c` lines.
#[cfg(feature = "postgres")]
pub(crate) async fn chinook_postgres() -> Option<String> {
    let script: String = fixture("chinook/Chinook_PostgreSql.sql")
        .lines()
        .filter(|l| !l.contains(" DATABASE ") && !l.starts_with("\\c"))
        .map(|l| format!("{l}\n"))
        .collect();
    postgres("jt_fixture_chinook", &[&script]).await
}

/// Runs pg_dump output: statements, and `COPY .. FROM stdin` blocks sent
/// through the copy protocol.
#[cfg(feature = "postgres")]
async fn pg_dump(conn: &mut sqlx::PgConnection, script: &str) {
    let mut statements = String::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("COPY ") && line.ends_with("FROM stdin;") {
            sqlx::raw_sql(sqlx::AssertSqlSafe(std::mem::take(&mut statements)))
                .execute(&mut *conn)
                .await
                .unwrap();
            let mut rows = String::new();
            for row in lines.by_ref().take_while(|l| *l != "\\.") {
                rows.push_str(row);
                rows.push('\n');
            }
            let mut copy = conn.copy_in_raw(line.trim_end_matches(';')).await.unwrap();
            copy.send(rows.as_bytes()).await.unwrap();
            copy.finish().await.unwrap_or_else(|e| panic!("{line}: {e}"));
        } else {
            statements.push_str(line);
            statements.push('\n');
        }
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(statements))
        .execute(&mut *conn)
        .await
        .unwrap();
}

#[cfg(feature = "postgres")]
async fn postgres(name: &str, scripts: &[&str]) -> Option<String> {
    use sqlx::Connection as _;
    let admin_url = server_url(Backend::Postgres)?;
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    let mut conn = admin.acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(72010)")
        .execute(&mut *conn)
        .await
        .unwrap();
    let loaded: Option<(Option<String>,)> =
        sqlx::query_as("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await
            .unwrap();
    let url = url_of(&admin_url, name);
    if loaded.as_ref().and_then(|(c,)| c.as_deref()) != Some(VERSION) {
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        let mut target = sqlx::PgConnection::connect(&url).await.unwrap();
        for script in scripts {
            pg_dump(&mut target, script).await;
        }
        target.close().await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "COMMENT ON DATABASE {name} IS '{VERSION}'"
        )))
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    sqlx::query("SELECT pg_advisory_unlock(72010)")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    admin.close().await;
    Some(url)
}

/// A Sakila file with its `USE sakila_app;` (see the fixtures' README) and
/// its own database lines left out: the loader picks the database.
#[cfg(feature = "mysql")]
fn sakila_file(path: &str, database: &str) -> String {
    fixture(path)
        .lines()
        .filter(|l| !l.starts_with("USE ") && !l.starts_with("DROP SCHEMA") && !l.starts_with("CREATE SCHEMA"))
        .map(|l| format!("{}\n", l.replace("sakila.", &format!("{database}."))))
        .collect()
}

/// Sakila on MariaDB: 1000 films, 16044 rentals, 16044 payments.
#[cfg(feature = "mysql")]
pub(crate) async fn sakila() -> Option<String> {
    let name = "jt_fixture_sakila";
    let schema = sakila_file("sakila/sakila-schema.sql", name);
    let data = sakila_file("sakila/sakila-data.sql", name);
    mysql(name, &[&schema, &data]).await
}

/// Chinook on MariaDB (PascalCase names), loaded as `jt_fixture_chinook`.
#[cfg(feature = "mysql")]
pub(crate) async fn chinook_mysql() -> Option<String> {
    let script: String = fixture("chinook/Chinook_MySql.sql")
        .lines()
        .filter(|l| !l.contains(" DATABASE ") && !l.starts_with("USE "))
        .map(|l| format!("{l}\n"))
        .collect();
    mysql("jt_fixture_chinook", &[&script]).await
}

#[cfg(feature = "mysql")]
async fn mysql(name: &str, scripts: &[&str]) -> Option<String> {
    let admin_url = server_url(Backend::MySql)?;
    let admin = sqlx::MySqlPool::connect(&admin_url).await.unwrap();
    let mut conn = admin.acquire().await.unwrap();
    sqlx::query("SELECT GET_LOCK('juggler_fixtures', 300)")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS test.juggler_fixtures (name VARCHAR(64) PRIMARY KEY, version TEXT)")
        .execute(&mut *conn)
        .await
        .unwrap();
    // A table from before the version column: start again.
    if sqlx::query("SELECT version FROM test.juggler_fixtures LIMIT 1")
        .execute(&mut *conn)
        .await
        .is_err()
    {
        for sql in [
            "DROP TABLE test.juggler_fixtures",
            "CREATE TABLE test.juggler_fixtures (name VARCHAR(64) PRIMARY KEY, version TEXT)",
        ] {
            sqlx::raw_sql(sql).execute(&mut *conn).await.unwrap();
        }
    }
    let loaded: Option<(Option<String>,)> = sqlx::query_as("SELECT version FROM test.juggler_fixtures WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await
        .unwrap();
    let url = url_of(&admin_url, name);
    if loaded.as_ref().and_then(|(v,)| v.as_deref()) != Some(VERSION) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"
        )))
        .execute(&mut *conn)
        .await
        .unwrap();
        let target = sqlx::MySqlPool::connect(&url).await.unwrap();
        for script in scripts {
            super::mysql_script(&target, script).await;
        }
        target.close().await;
        sqlx::query("REPLACE INTO test.juggler_fixtures (name, version) VALUES (?, ?)")
            .bind(name)
            .bind(VERSION)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    sqlx::query("SELECT RELEASE_LOCK('juggler_fixtures')")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    admin.close().await;
    Some(url)
}
