//! Discovery: a live database read into one catalog, with a fixed number of
//! catalog queries, losslessly: the hard cases in a zoo per database, and
//! the real sample databases of `../shared/fixtures` (Chinook on SQLite,
//! Pagila on PostgreSQL), compared with what their SQL declares.
//!
//! Run: `cargo test --all-features --test discover`

#![allow(clippy::unwrap_used, clippy::expect_used)] // fails loudly

mod common;

use common::{fixture, Backend, Statements};
use juggler::prelude::*;
use juggler::schema::catalog::{ForeignKey, Table};
use juggler::{Catalog, DiscoverOptions};

async fn sqlite_with(test: &str, sql: &str) -> DataSource {
    let url = common::fresh_url(Backend::Sqlite, test).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    DataSource::connect(&url).await.unwrap()
}

/// Discovers, counting the statements it ran.
async fn discover_counted(ds: &DataSource, options: &DiscoverOptions) -> (Catalog, usize) {
    let statements = Statements::default();
    let catalog = {
        let _guard = statements.record();
        ds.discover(options).await.unwrap()
    };
    (catalog, statements.taken().len())
}

fn table<'a>(c: &'a Catalog, schema: &str, name: &str) -> &'a Table {
    c.table(schema, name)
        .unwrap_or_else(|| panic!("no table {schema}.{name}"))
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| name(i).to_owned()).collect()
}

fn fk<'a>(t: &'a Table, columns: &[&str]) -> &'a ForeignKey {
    t.foreign_keys
        .iter()
        .find(|f| f.columns == columns)
        .unwrap_or_else(|| panic!("no foreign key on {columns:?} of {}", t.name))
}

/// Name, type, length, nullable, default.
#[cfg(any(feature = "postgres", feature = "mysql"))]
type ColumnFacts<'a> = (&'a str, &'a str, Option<u64>, bool, Option<&'a str>);

fn codes(c: &Catalog) -> Vec<(String, String)> {
    c.warnings.iter().map(|w| (w.code.clone(), w.object.clone())).collect()
}

/// The catalog's JSON round-trips byte for byte, and a second discovery
/// gives the same bytes.
async fn stable(ds: &DataSource, catalog: &Catalog) {
    let text = catalog.to_json();
    assert_eq!(Catalog::from_json(&text).unwrap().to_json(), text);
    assert_eq!(ds.discover(&DiscoverOptions::default()).await.unwrap().to_json(), text);
}

const SQLITE_ZOO: &str = r#"
CREATE TABLE "Country" (code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE person (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(40) NOT NULL DEFAULT 'x',
    born_in TEXT REFERENCES "Country" (code) ON DELETE SET NULL,
    lives_in TEXT REFERENCES "Country" (code),
    mentor_id INTEGER REFERENCES person (id),
    country_name TEXT REFERENCES "Country" (name),
    price NUMERIC(8,2) CHECK (price >= 0),
    doubled REAL GENERATED ALWAYS AS (price * 2) STORED,
    shape GEOMETRY
);
CREATE TABLE "order line" ("order" INTEGER NOT NULL, "line nö" INTEGER NOT NULL, qty INT,
    CONSTRAINT "pk order line" PRIMARY KEY ("order", "line nö")) WITHOUT ROWID;
CREATE TABLE shipment (id INTEGER PRIMARY KEY, o INTEGER, l INTEGER,
    FOREIGN KEY (o, l) REFERENCES "order line" ("order", "line nö") ON UPDATE CASCADE);
CREATE TABLE log (at TEXT, msg TEXT) STRICT;
CREATE TABLE "we""ird 表" ("select" INTEGER PRIMARY KEY, "a""b" TEXT);
CREATE INDEX person_lower_name ON person (lower(name));
CREATE INDEX person_pricey ON person (name DESC) WHERE price > 10;
CREATE VIEW cheap AS SELECT id, name FROM person WHERE price < 5;
"#;

#[tokio::test]
async fn sqlite_zoo() {
    let ds = sqlite_with("discover_zoo", SQLITE_ZOO).await;
    let (c, _) = discover_counted(&ds, &DiscoverOptions::default()).await;
    let main = c.schema("main").unwrap();
    assert_eq!(
        names(&main.tables, |t| &t.name),
        ["Country", "log", "order line", "person", "shipment", "we\"ird 表"]
    );
    let weird = table(&c, "main", "we\"ird 表");
    assert_eq!(names(&weird.columns, |c| &c.name), ["select", "a\"b"]);
    assert_eq!(weird.primary_key.as_ref().unwrap().columns, ["select"]);
    assert_eq!(names(&main.views, |v| &v.name), ["cheap"]);
    assert_eq!(names(&main.views[0].columns, |c| &c.name), ["id", "name"]);
    assert!(main.views[0].definition.contains("price < 5"));

    let person = table(&c, "main", "person");
    let id = person.column("id").unwrap();
    assert_eq!((id.generated.as_deref(), id.nullable), (Some("autoincrement"), true));
    let name = person.column("name").unwrap();
    assert_eq!(
        (
            name.data_type.as_str(),
            name.length,
            name.nullable,
            name.default.as_deref()
        ),
        ("VARCHAR(40)", Some(40), false, Some("'x'"))
    );
    let price = person.column("price").unwrap();
    assert_eq!(
        (price.property_type.as_str(), price.precision, price.scale),
        ("Number", Some(8), Some(2))
    );
    let doubled = person.column("doubled").unwrap();
    assert_eq!((doubled.computed.as_deref(), doubled.stored), (Some("price * 2"), true));
    assert_eq!(person.checks[0].expression, "price >= 0");
    // Two foreign keys to one table, a self-reference, a key to a unique key.
    assert_eq!(fk(person, &["born_in"]).on_delete, "SET NULL");
    assert_eq!(fk(person, &["lives_in"]).target_table, "Country");
    assert_eq!(fk(person, &["mentor_id"]).target_table, "person");
    assert_eq!(fk(person, &["country_name"]).target_columns, ["name"]);
    // Indexes: an expression, a partial descending one.
    let lower = person.indexes.iter().find(|i| i.name == "person_lower_name").unwrap();
    assert_eq!(lower.parts[0].expression.as_deref(), Some("lower(name)"));
    let pricey = person.indexes.iter().find(|i| i.name == "person_pricey").unwrap();
    assert_eq!(
        (pricey.parts[0].column.as_deref(), pricey.parts[0].descending),
        (Some("name"), true)
    );
    assert_eq!(pricey.predicate.as_deref(), Some("price > 10"));

    let line = table(&c, "main", "order line");
    let pk = line.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_deref(), pk.columns.clone()),
        (Some("pk order line"), vec!["order".to_owned(), "line nö".to_owned()])
    );
    assert!(line.without_rowid);
    let ship = table(&c, "main", "shipment");
    let composite = fk(ship, &["o", "l"]);
    assert_eq!(
        (composite.target_columns.clone(), composite.on_update.as_str()),
        (vec!["order".to_owned(), "line nö".to_owned()], "CASCADE")
    );
    assert_eq!(ship.column("id").unwrap().generated.as_deref(), Some("rowid"));
    assert!(table(&c, "main", "log").strict);
    assert_eq!(table(&c, "main", "Country").unique[0].columns, ["name"]);

    let warnings = codes(&c);
    for expected in [
        ("no-primary-key", "main.log"),
        ("expression-index", "main.person.person_lower_name"),
        ("unsupported-type", "main.person.shape"),
    ] {
        assert!(
            warnings.iter().any(|(c, o)| (c.as_str(), o.as_str()) == expected),
            "{expected:?} in {warnings:?}"
        );
    }
    stable(&ds, &c).await;
    // Include / exclude / views off.
    let only = ds
        .discover(&DiscoverOptions {
            tables: vec!["person".into(), "cheap".into()],
            views: false,
            ..DiscoverOptions::default()
        })
        .await
        .unwrap();
    let main = only.schema("main").unwrap();
    assert_eq!(
        (names(&main.tables, |t| &t.name), main.views.len()),
        (vec!["person".to_owned()], 0)
    );
    let without = ds
        .discover(&DiscoverOptions {
            exclude: vec!["person".into(), "log".into()],
            ..DiscoverOptions::default()
        })
        .await
        .unwrap();
    let main = without.schema("main").unwrap();
    assert_eq!(
        names(&main.tables, |t| &t.name),
        ["Country", "order line", "shipment", "we\"ird 表"]
    );
}

#[tokio::test]
async fn sqlite_statement_count_does_not_grow_with_tables() {
    let one = sqlite_with(
        "discover_one",
        "CREATE TABLE t0 (id INTEGER PRIMARY KEY, p INTEGER REFERENCES t0(id));",
    )
    .await;
    let many_sql: String = (0..200)
        .map(|i| format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, p INTEGER REFERENCES t0(id), n TEXT UNIQUE); CREATE INDEX i{i} ON t{i}(p);"))
        .collect();
    let many = sqlite_with("discover_many", &many_sql).await;
    let (c1, n1) = discover_counted(&one, &DiscoverOptions::default()).await;
    let (c200, n200) = discover_counted(&many, &DiscoverOptions::default()).await;
    assert_eq!(c1.schema("main").unwrap().tables.len(), 1);
    assert_eq!(c200.schema("main").unwrap().tables.len(), 200);
    assert_eq!(n1, n200, "statements for 1 table and for 200");
    assert_eq!(n1, 4);
}

#[tokio::test]
async fn sqlite_chinook() {
    let ds = sqlite_with("discover_chinook", &fixture("chinook/Chinook_Sqlite.sql")).await;
    let c = ds.discover(&DiscoverOptions::default()).await.unwrap();
    let main = c.schema("main").unwrap();
    assert_eq!(
        names(&main.tables, |t| &t.name),
        [
            "Album",
            "Artist",
            "Customer",
            "Employee",
            "Genre",
            "Invoice",
            "InvoiceLine",
            "MediaType",
            "Playlist",
            "PlaylistTrack",
            "Track"
        ]
    );
    assert!(main.views.is_empty());
    let track = table(&c, "main", "Track");
    let cols: Vec<(&str, &str, Option<u64>, bool)> = track
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.data_type.as_str(),
                c.length.or(c.precision),
                c.nullable,
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("TrackId", "INTEGER", None, false),
            ("Name", "NVARCHAR(200)", Some(200), false),
            ("AlbumId", "INTEGER", None, true),
            ("MediaTypeId", "INTEGER", None, false),
            ("GenreId", "INTEGER", None, true),
            ("Composer", "NVARCHAR(220)", Some(220), true),
            ("Milliseconds", "INTEGER", None, false),
            ("Bytes", "INTEGER", None, true),
            ("UnitPrice", "NUMERIC(10,2)", Some(10), false),
        ]
    );
    assert_eq!(track.column("UnitPrice").unwrap().scale, Some(2));
    assert_eq!(track.column("Name").unwrap().property_type, "String");
    assert_eq!(track.column("TrackId").unwrap().generated.as_deref(), Some("rowid"));
    let keys: Vec<(String, Vec<String>)> = main
        .tables
        .iter()
        .map(|t| (t.name.clone(), t.primary_key.clone().unwrap().columns))
        .collect();
    let expected: Vec<(String, Vec<String>)> = [
        ("Album", &["AlbumId"][..]),
        ("Artist", &["ArtistId"]),
        ("Customer", &["CustomerId"]),
        ("Employee", &["EmployeeId"]),
        ("Genre", &["GenreId"]),
        ("Invoice", &["InvoiceId"]),
        ("InvoiceLine", &["InvoiceLineId"]),
        ("MediaType", &["MediaTypeId"]),
        ("Playlist", &["PlaylistId"]),
        ("PlaylistTrack", &["PlaylistId", "TrackId"]),
        ("Track", &["TrackId"]),
    ]
    .iter()
    .map(|(t, k)| (t.to_string(), k.iter().map(|c| c.to_string()).collect()))
    .collect();
    assert_eq!(keys, expected);
    let pk = table(&c, "main", "PlaylistTrack").primary_key.clone().unwrap();
    assert_eq!(
        (pk.name.as_deref(), pk.columns),
        (
            Some("PK_PlaylistTrack"),
            vec!["PlaylistId".to_owned(), "TrackId".to_owned()]
        )
    );
    for (cols, target) in [
        (["AlbumId"], "Album"),
        (["GenreId"], "Genre"),
        (["MediaTypeId"], "MediaType"),
    ] {
        let k = fk(track, &cols);
        assert_eq!(
            (k.target_table.as_str(), k.target_columns.clone(), k.on_delete.as_str()),
            (target, cols.map(String::from).to_vec(), "NO ACTION")
        );
    }
    assert_eq!(
        fk(table(&c, "main", "Employee"), &["ReportsTo"]).target_table,
        "Employee"
    );
    let exported: Vec<(String, Vec<String>)> = c
        .exported_keys("main", "Track")
        .map(|(_, t, k)| (t.name.clone(), k.columns.clone()))
        .collect();
    assert_eq!(
        exported,
        [
            ("InvoiceLine".to_owned(), vec!["TrackId".to_owned()]),
            ("PlaylistTrack".to_owned(), vec!["TrackId".to_owned()])
        ]
    );
    assert_eq!(table(&c, "main", "Album").indexes[0].name, "IFK_AlbumArtistId");
    stable(&ds, &c).await;
}

/// Pagila on PostgreSQL (schema and data), loaded once per server.
#[cfg(feature = "postgres")]
async fn pagila() -> Option<DataSource> {
    let url = common::fixtures::pagila().await?;
    Some(DataSource::connect(&url).await.unwrap())
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_pagila() {
    let Some(ds) = pagila().await else {
        return;
    };
    let (c, n) = discover_counted(&ds, &DiscoverOptions::default()).await;
    assert_eq!(n, 6, "statements");
    let public = c.schema("public").unwrap();
    assert_eq!(
        names(&public.tables, |t| &t.name),
        [
            "actor",
            "address",
            "category",
            "city",
            "country",
            "customer",
            "film",
            "film_actor",
            "film_category",
            "inventory",
            "language",
            "payment",
            "rental",
            "staff",
            "store"
        ]
    );
    assert_eq!(
        names(&public.views, |v| &v.name),
        [
            "actor_info",
            "customer_list",
            "film_list",
            "nicer_but_slower_film_list",
            "rental_by_category",
            "sales_by_film_category",
            "sales_by_store",
            "staff_list"
        ]
    );
    assert!(
        public
            .views
            .iter()
            .find(|v| v.name == "rental_by_category")
            .unwrap()
            .materialized
    );
    assert_eq!(public.enums[0].name, "mpaa_rating");
    assert_eq!(public.enums[0].values, ["G", "PG", "PG-13", "R", "NC-17"]);
    let year = public.domains.iter().find(|d| d.name == "year").unwrap();
    assert_eq!(year.base_type, "integer");
    assert!(year.checks[0].expression.contains("1901"), "{:?}", year.checks);

    let actor = table(&c, "public", "actor");
    let cols: Vec<(&str, &str, bool, Option<&str>)> = actor
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable, c.default.as_deref()))
        .collect();
    assert_eq!(
        cols,
        [
            (
                "actor_id",
                "integer",
                false,
                Some("nextval('actor_actor_id_seq'::regclass)")
            ),
            ("first_name", "text", false, None),
            ("last_name", "text", false, None),
            ("last_update", "timestamp with time zone", false, Some("now()")),
        ]
    );
    let film = table(&c, "public", "film");
    let col = |n: &str| film.column(n).unwrap();
    assert_eq!(
        (
            col("film_id").data_type.as_str(),
            col("film_id").generated.as_deref(),
            col("film_id").nullable
        ),
        ("integer", Some("serial"), false)
    );
    assert_eq!(
        (col("title").data_type.as_str(), col("title").nullable),
        ("text", false)
    );
    assert_eq!(
        (
            col("release_year").user_type.as_deref(),
            col("release_year").property_type.as_str()
        ),
        (Some("year"), "Number")
    );
    assert_eq!(
        (
            col("rental_rate").precision,
            col("rental_rate").scale,
            col("rental_rate").default.as_deref()
        ),
        (Some(4), Some(2), Some("4.99"))
    );
    assert_eq!(
        (col("rating").user_type.as_deref(), col("rating").default.as_deref()),
        (Some("mpaa_rating"), Some("'G'::mpaa_rating"))
    );
    assert_eq!(
        (
            col("special_features").data_type.as_str(),
            col("special_features").element_type.as_deref(),
            col("special_features").property_type.as_str()
        ),
        ("text[]", Some("text"), "[\"String\"]")
    );
    assert_eq!(col("last_update").data_type, "timestamp with time zone");
    assert_eq!(col("fulltext").data_type, "tsvector");
    // Two foreign keys to one table.
    assert_eq!(fk(film, &["language_id"]).target_table, "language");
    assert_eq!(fk(film, &["original_language_id"]).target_table, "language");
    // Every primary key, as the file declares it.
    let keys: Vec<(String, String)> = public
        .tables
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.primary_key.as_ref().map(|k| k.columns.join(",")).unwrap_or_default(),
            )
        })
        .collect();
    let declared = [
        ("actor", "actor_id"),
        ("address", "address_id"),
        ("category", "category_id"),
        ("city", "city_id"),
        ("country", "country_id"),
        ("customer", "customer_id"),
        ("film", "film_id"),
        ("film_actor", "actor_id,film_id"),
        ("film_category", "film_id,category_id"),
        ("inventory", "inventory_id"),
        ("language", "language_id"),
        ("payment", "payment_date,payment_id"),
        ("rental", "rental_id"),
        ("staff", "staff_id"),
        ("store", "store_id"),
    ];
    assert_eq!(keys, declared.map(|(t, k)| (t.to_owned(), k.to_owned())));
    assert_eq!(
        table(&c, "public", "film_actor").primary_key.as_ref().unwrap().columns,
        ["actor_id", "film_id"]
    );
    assert!(film
        .indexes
        .iter()
        .any(|i| i.name == "film_fulltext_idx" && i.method.as_deref() == Some("gist")));
    // The partitioned table once, with its partitions.
    let payment = table(&c, "public", "payment");
    assert_eq!(payment.partitioned_by.as_deref(), Some("RANGE (payment_date)"));
    assert_eq!(payment.partitions.len(), 7);
    assert!(c
        .schema("public")
        .unwrap()
        .tables
        .iter()
        .all(|t| !t.name.starts_with("payment_p")));
    assert!(codes(&c).contains(&("partitioned-table".to_owned(), "public.payment".to_owned())));
    // Its foreign keys, declared on each partition, once on the parent.
    let keys: Vec<(String, String)> = payment
        .foreign_keys
        .iter()
        .map(|k| (k.columns.join(","), k.target_table.clone()))
        .collect();
    assert_eq!(
        keys,
        [
            ("customer_id".to_owned(), "customer".to_owned()),
            ("rental_id".to_owned(), "rental".to_owned()),
            ("staff_id".to_owned(), "staff".to_owned())
        ]
    );
    let exported: Vec<String> = c
        .exported_keys("public", "language")
        .map(|(_, t, k)| format!("{}.{}", t.name, k.columns.join(",")))
        .collect();
    assert_eq!(exported, ["film.language_id", "film.original_language_id"]);
    stable(&ds, &c).await;
}

#[cfg(feature = "postgres")]
const PG_ZOO: &str = r#"
CREATE SCHEMA zoo_a; CREATE SCHEMA zoo_b;
CREATE TABLE zoo_b."Parent ñ" (a INT, b INT, code TEXT UNIQUE, PRIMARY KEY (b, a));
CREATE TABLE zoo_a.child (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pa INT, pb INT, code TEXT REFERENCES zoo_b."Parent ñ" (code),
    up BIGINT REFERENCES zoo_a.child (id) ON DELETE CASCADE,
    "select" TEXT COLLATE "C",
    total INT GENERATED ALWAYS AS (pa * 2) STORED,
    FOREIGN KEY (pb, pa) REFERENCES zoo_b."Parent ñ" (b, a) ON UPDATE CASCADE
);
COMMENT ON TABLE zoo_a.child IS 'the child';
COMMENT ON COLUMN zoo_a.child.pa IS 'part a';
CREATE TABLE zoo_a.nokey (x INT CHECK (x > 0), tags INT[], addr INET, cash MONEY, raw BYTEA, doc JSONB, span INT4RANGE, u UUID);
CREATE INDEX nokey_partial ON zoo_a.nokey (x DESC) WHERE x > 10;
CREATE INDEX nokey_expr ON zoo_a.nokey ((x + 1));
CREATE TABLE zoo_a.base (id INT);
CREATE TABLE zoo_a."we""ird 表" ("order" INT PRIMARY KEY, "a""b" TEXT DEFAULT 'x''y');
CREATE TABLE zoo_a.derived (extra INT) INHERITS (zoo_a.base);
"#;

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_zoo() {
    let Some(url) = common::fresh_url(Backend::Postgres, "discover_pg_zoo").await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::raw_sql("DROP SCHEMA IF EXISTS zoo_a CASCADE; DROP SCHEMA IF EXISTS zoo_b CASCADE")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::raw_sql(PG_ZOO).execute(&pool).await.unwrap();
    pool.close().await;
    let ds = DataSource::connect(&url).await.unwrap();
    let options = DiscoverOptions {
        schemas: vec!["zoo_a".into(), "zoo_b".into()],
        ..DiscoverOptions::default()
    };
    let (c, n) = discover_counted(&ds, &options).await;
    assert_eq!(n, 5, "statements with the schemas given");
    let parent = table(&c, "zoo_b", "Parent ñ");
    assert_eq!(parent.primary_key.as_ref().unwrap().columns, ["b", "a"]);
    let child = table(&c, "zoo_a", "child");
    assert_eq!(child.comment.as_deref(), Some("the child"));
    assert_eq!(child.column("pa").unwrap().comment.as_deref(), Some("part a"));
    assert_eq!(
        child.column("id").unwrap().generated.as_deref(),
        Some("identity always")
    );
    assert_eq!(child.column("select").unwrap().collation.as_deref(), Some("C"));
    let total = child.column("total").unwrap();
    assert_eq!(
        (total.computed.as_deref(), total.stored, total.default.as_deref()),
        (Some("(pa * 2)"), true, None)
    );
    let composite = fk(child, &["pb", "pa"]);
    assert_eq!(
        (
            composite.target_schema.as_str(),
            composite.target_table.as_str(),
            composite.target_columns.clone(),
            composite.on_update.as_str()
        ),
        ("zoo_b", "Parent ñ", vec!["b".to_owned(), "a".to_owned()], "CASCADE")
    );
    assert_eq!(fk(child, &["up"]).on_delete, "CASCADE");
    assert_eq!(fk(child, &["code"]).target_columns, ["code"]);
    let nokey = table(&c, "zoo_a", "nokey");
    let ty = |n: &str| nokey.column(n).unwrap().data_type.clone();
    assert_eq!(
        [
            ty("tags"),
            ty("addr"),
            ty("cash"),
            ty("raw"),
            ty("doc"),
            ty("span"),
            ty("u")
        ],
        ["integer[]", "inet", "money", "bytea", "jsonb", "int4range", "uuid"]
    );
    assert_eq!(nokey.checks[0].expression, "(x > 0)");
    let partial = nokey.indexes.iter().find(|i| i.name == "nokey_partial").unwrap();
    assert_eq!(
        (partial.parts[0].descending, partial.predicate.as_deref()),
        (true, Some("(x > 10)"))
    );
    let expr = nokey.indexes.iter().find(|i| i.name == "nokey_expr").unwrap();
    assert_eq!(expr.parts[0].expression.as_deref(), Some("(x + 1)"));
    assert_eq!(table(&c, "zoo_a", "derived").inherits, ["base"]);
    let weird = table(&c, "zoo_a", "we\"ird 表");
    assert_eq!(names(&weird.columns, |c| &c.name), ["order", "a\"b"]);
    assert_eq!(weird.column("a\"b").unwrap().default.as_deref(), Some("'x''y'::text"));
    let warnings = codes(&c);
    for expected in [
        ("no-primary-key", "zoo_a.nokey"),
        ("expression-index", "zoo_a.nokey.nokey_expr"),
        ("fk-to-unique-key", "zoo_a.child.child_code_fkey"),
        ("inherited-table", "zoo_a.derived"),
        ("unsupported-type", "zoo_a.nokey.span"),
    ] {
        assert!(
            warnings.iter().any(|(c, o)| (c.as_str(), o.as_str()) == expected),
            "{expected:?} in {warnings:?}"
        );
    }
    let text = c.to_json();
    assert_eq!(Catalog::from_json(&text).unwrap().to_json(), text);
    assert_eq!(ds.discover(&options).await.unwrap().to_json(), text);
}

/// One table and 200 tables (with foreign keys, unique indexes and an
/// enum-like CHECK each) take the same number of statements.
async fn statement_count_does_not_grow_with_tables(backend: Backend, tag: &str) {
    let Some(one) = common::data_source(backend, &format!("discover_{tag}_one")).await else {
        return;
    };
    let Some(many) = common::data_source(backend, &format!("discover_{tag}_many")).await else {
        return;
    };
    let def = |i: usize| {
        ModelDefinition::from_value(serde_json::json!({
            "name": format!("t{i}"),
            "properties": {
                "id": {"type": "number", "id": true, "generated": true},
                "n": {"type": "string", "index": {"unique": true}, "length": 20},
                "parent": {"type": "number", "dataType": "bigint"}
            },
            "relations": {"up": {"type": "belongsTo", "model": "t0", "foreignKey": "parent"}}
        }))
        .unwrap()
    };
    let first = def(0);
    one.automigrate(&[&first]).await.unwrap();
    let defs: Vec<ModelDefinition> = (0..200).map(def).collect();
    many.automigrate(&defs.iter().collect::<Vec<_>>()).await.unwrap();
    let (c1, n1) = discover_counted(&one, &DiscoverOptions::default()).await;
    let (c200, n200) = discover_counted(&many, &DiscoverOptions::default()).await;
    assert_eq!(c1.schemas[0].tables.len(), 1);
    assert_eq!(c200.schemas[0].tables.len(), 200);
    assert!(
        c200.schemas[0].tables.iter().all(|t| t.foreign_keys.len() == 1),
        "foreign keys"
    );
    assert_eq!(n1, n200, "statements for 1 table and for 200");
}

#[tokio::test]
async fn postgres_statement_count_does_not_grow_with_tables() {
    statement_count_does_not_grow_with_tables(Backend::Postgres, "p").await;
}

#[tokio::test]
async fn mysql_statement_count_does_not_grow_with_tables() {
    statement_count_does_not_grow_with_tables(Backend::MySql, "y").await;
}

/// Sakila on MariaDB (schema and data), loaded once per server.
#[cfg(feature = "mysql")]
async fn sakila() -> Option<DataSource> {
    let url = common::fixtures::sakila().await?;
    Some(DataSource::connect(&url).await.unwrap())
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_sakila() {
    let Some(ds) = sakila().await else { return };
    let (c, n) = discover_counted(&ds, &DiscoverOptions::default()).await;
    assert_eq!(n, 8, "statements");
    let s = &c.schemas[0];
    assert_eq!(s.name, "jt_fixture_sakila");
    assert_eq!(
        names(&s.tables, |t| &t.name),
        [
            "actor",
            "address",
            "category",
            "city",
            "country",
            "customer",
            "film",
            "film_actor",
            "film_category",
            "film_text",
            "inventory",
            "language",
            "payment",
            "rental",
            "staff",
            "store"
        ]
    );
    assert_eq!(
        names(&s.views, |v| &v.name),
        [
            "actor_info",
            "customer_list",
            "film_list",
            "nicer_but_slower_film_list",
            "sales_by_film_category",
            "sales_by_store",
            "staff_list"
        ]
    );
    assert!(s
        .views
        .iter()
        .all(|v| !v.definition.is_empty() && !v.columns.is_empty()));
    let actor = table(&c, &s.name, "actor");
    let cols: Vec<ColumnFacts<'_>> = actor
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.data_type.as_str(),
                c.length,
                c.nullable,
                c.default.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("actor_id", "smallint(5) unsigned", None, false, None),
            ("first_name", "varchar(45)", Some(45), false, None),
            ("last_name", "varchar(45)", Some(45), false, None),
            ("last_update", "timestamp", None, false, Some("current_timestamp()")),
        ]
    );
    let film = table(&c, &s.name, "film");
    let col = |n: &str| film.column(n).unwrap();
    assert_eq!(
        (
            col("film_id").data_type.as_str(),
            col("film_id").unsigned,
            col("film_id").generated.as_deref()
        ),
        ("smallint(5) unsigned", true, Some("auto_increment"))
    );
    assert_eq!((col("title").length, col("title").nullable), (Some(128), false));
    assert_eq!(col("rating").values, ["G", "PG", "PG-13", "R", "NC-17"]);
    assert_eq!(col("rating").default.as_deref(), Some("'G'"));
    assert_eq!(
        col("special_features").values,
        ["Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes"]
    );
    assert_eq!(col("special_features").type_name, "set");
    assert_eq!(
        (
            col("release_year").type_name.as_str(),
            col("release_year").property_type.as_str()
        ),
        ("year", "Number")
    );
    assert_eq!(
        (col("rental_rate").precision, col("rental_rate").scale),
        (Some(4), Some(2))
    );
    let lang = fk(film, &["original_language_id"]);
    assert_eq!(
        (
            lang.target_table.as_str(),
            lang.on_delete.as_str(),
            lang.on_update.as_str()
        ),
        ("language", "RESTRICT", "CASCADE")
    );
    assert_eq!(fk(film, &["language_id"]).name.as_deref(), Some("fk_film_language"));
    assert_eq!(
        table(&c, &s.name, "film_actor").primary_key.as_ref().unwrap().columns,
        ["actor_id", "film_id"]
    );
    let text = table(&c, &s.name, "film_text");
    assert!(text
        .indexes
        .iter()
        .any(|i| i.name == "idx_title_description" && i.method.as_deref() == Some("FULLTEXT")));
    let exported: Vec<String> = c
        .exported_keys(&s.name, "language")
        .map(|(_, t, k)| format!("{}.{}", t.name, k.columns.join(",")))
        .collect();
    assert_eq!(exported, ["film.language_id", "film.original_language_id"]);
    stable(&ds, &c).await;
}

#[cfg(feature = "mysql")]
const MYSQL_ZOO: &str = r#"
CREATE TABLE `Parent ñ` (a INT, b INT, code VARCHAR(10) UNIQUE, flag TINYINT(1), PRIMARY KEY (b, a));
CREATE TABLE child (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    pa INT, pb INT, code VARCHAR(10),
    up INT UNSIGNED,
    `select` TEXT COMMENT 'a keyword',
    qty INT,
    total INT AS (qty * 2) STORED,
    CONSTRAINT child_code FOREIGN KEY (code) REFERENCES `Parent ñ` (code),
    CONSTRAINT child_up FOREIGN KEY (up) REFERENCES child (id) ON DELETE CASCADE,
    CONSTRAINT child_parent FOREIGN KEY (pb, pa) REFERENCES `Parent ñ` (b, a) ON UPDATE CASCADE,
    CONSTRAINT positive CHECK (qty > 0)
) COMMENT 'the child';
CREATE TABLE nokey (x INT, body TEXT, spot POINT NOT NULL, KEY body_prefix (body(10)), SPATIAL KEY spot (spot));
CREATE TABLE parts (id INT, at DATE) PARTITION BY RANGE (YEAR(at)) (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE);
"#;

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_zoo() {
    let Some(url) = common::fresh_url(Backend::MySql, "discover_my_zoo").await else {
        return;
    };
    let pool = sqlx::MySqlPool::connect(&url).await.unwrap();
    common::mysql_script(&pool, MYSQL_ZOO).await;
    pool.close().await;
    let ds = DataSource::connect(&url).await.unwrap();
    let c = ds.discover(&DiscoverOptions::default()).await.unwrap();
    let schema = c.schemas[0].name.clone();
    let parent = table(&c, &schema, "Parent ñ");
    assert_eq!(parent.primary_key.as_ref().unwrap().columns, ["b", "a"]);
    assert_eq!(parent.column("flag").unwrap().property_type, "Boolean");
    let child = table(&c, &schema, "child");
    assert_eq!(child.comment.as_deref(), Some("the child"));
    assert_eq!(child.column("select").unwrap().comment.as_deref(), Some("a keyword"));
    let total = child.column("total").unwrap();
    assert!(
        total
            .computed
            .as_deref()
            .is_some_and(|e| e.contains("qty") && e.contains('2')),
        "{total:?}"
    );
    assert!(total.stored);
    let composite = fk(child, &["pb", "pa"]);
    assert_eq!(
        (composite.target_columns.clone(), composite.on_update.as_str()),
        (vec!["b".to_owned(), "a".to_owned()], "CASCADE")
    );
    assert_eq!(fk(child, &["up"]).on_delete, "CASCADE");
    assert_eq!(fk(child, &["code"]).target_columns, ["code"]);
    assert!(
        child.checks.iter().any(|k| k.name.as_deref() == Some("positive")),
        "{:?}",
        child.checks
    );
    let nokey = table(&c, &schema, "nokey");
    assert!(nokey
        .indexes
        .iter()
        .any(|i| i.name == "spot" && i.method.as_deref() == Some("SPATIAL")));
    let parts = table(&c, &schema, "parts");
    assert_eq!(parts.partitions, ["p0", "p1"]);
    let warnings = codes(&c);
    for expected in [
        ("no-primary-key".to_owned(), format!("{schema}.nokey")),
        ("expression-index".to_owned(), format!("{schema}.nokey.body_prefix")),
        ("fk-to-unique-key".to_owned(), format!("{schema}.child.child_code")),
        ("partitioned-table".to_owned(), format!("{schema}.parts")),
        ("unsupported-type".to_owned(), format!("{schema}.nokey.spot")),
    ] {
        assert!(warnings.contains(&expected), "{expected:?} in {warnings:?}");
    }
    stable(&ds, &c).await;
}

/// `discover_schema` output is LoopBack's discovery JSON: it reads back
/// through juggler-schema's LoopBack reader to the same definition.
fn reads_back(def: &ModelDefinition) -> serde_json::Value {
    let json = def.to_json();
    let again = ModelDefinition::from_value(json.clone()).expect("LoopBack JSON reads back");
    assert_eq!(&again, def);
    json
}

#[tokio::test]
async fn loopback_api_on_chinook() {
    use juggler::discover::{ModelDefinitionsOptions, SchemaOptions};
    let ds = sqlite_with("discover_lb_chinook", &fixture("chinook/Chinook_Sqlite.sql")).await;
    let options = SchemaOptions::default();
    let models = ds
        .discover_model_definitions(&ModelDefinitionsOptions {
            views: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(models.len(), 11);
    assert_eq!(
        serde_json::to_value(&models[0]).unwrap(),
        serde_json::json!({"type": "table", "name": "Album", "owner": "main"})
    );
    let page = ds
        .discover_model_definitions(&ModelDefinitionsOptions {
            limit: Some(2),
            offset: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["Artist", "Customer"]
    );
    let all = ds
        .discover_model_definitions(&ModelDefinitionsOptions {
            all: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 11);

    let props = ds.discover_model_properties("Track", &options).await.unwrap();
    assert_eq!(props.len(), 9);
    assert_eq!(
        serde_json::to_value(&props[1]).unwrap(),
        serde_json::json!({"owner": "main", "tableName": "Track", "columnName": "Name", "dataType": "nvarchar",
            "dataLength": 200, "dataPrecision": null, "dataScale": null, "nullable": "NO"})
    );
    let pks = ds.discover_primary_keys("PlaylistTrack", &options).await.unwrap();
    assert_eq!(
        pks.iter()
            .map(|k| (k.column_name.as_str(), k.key_seq, k.pk_name.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("PlaylistId", 1, Some("PK_PlaylistTrack")),
            ("TrackId", 2, Some("PK_PlaylistTrack"))
        ]
    );
    let fks = ds.discover_foreign_keys("Track", &options).await.unwrap();
    assert_eq!(
        fks.iter()
            .map(|k| (
                k.fk_column_name.as_str(),
                k.pk_table_name.as_str(),
                k.pk_column_name.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            ("AlbumId", "Album", "AlbumId"),
            ("GenreId", "Genre", "GenreId"),
            ("MediaTypeId", "MediaType", "MediaTypeId")
        ]
    );
    let exported = ds.discover_exported_foreign_keys("Track", &options).await.unwrap();
    assert_eq!(
        exported.iter().map(|k| k.fk_table_name.as_str()).collect::<Vec<_>>(),
        ["InvoiceLine", "PlaylistTrack"]
    );
    assert!(ds.discover_primary_keys("Nope", &options).await.is_err());

    let track = ds.discover_schema("Track", &options).await.unwrap();
    let json = reads_back(&track);
    assert_eq!(json["name"], "Track");
    assert_eq!(json["options"]["sqlite"]["table"], "Track");
    assert_eq!(json["properties"]["trackId"]["id"], 1);
    assert_eq!(json["properties"]["unitPrice"]["sqlite"]["columnType"], "NUMERIC(10,2)");
    assert_eq!(json["properties"]["name"]["required"], true);

    let everything = ds
        .discover_schemas(
            "Track",
            &SchemaOptions {
                associations: true,
                ..SchemaOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(everything.len(), 11, "{:?}", everything.keys().collect::<Vec<_>>());
    for def in everything.values() {
        reads_back(def);
    }
    assert_eq!(ds.discover_schemas("Track", &options).await.unwrap().len(), 1);

    // Dynamic models that query and include along the discovered keys.
    let models = ds
        .discover_and_build_models(
            "Album",
            &SchemaOptions {
                associations: true,
                ..SchemaOptions::default()
            },
        )
        .await
        .unwrap();
    let albums = models["Album"]
        .find(Filter::from_json(r#"{"where": {"albumId": 1}, "include": ["tracks", "artist"]}"#).unwrap())
        .await
        .unwrap();
    assert_eq!(albums[0]["title"], "For Those About To Rock We Salute You");
    assert_eq!(albums[0]["artist"]["name"], "AC/DC");
    assert_eq!(albums[0]["tracks"].as_array().unwrap().len(), 10);
    let employees = models["Employee"]
        .find(
            Filter::from_json(
                r#"{"where": {"employeeId": 2}, "include": ["reportsToEmployee", "reportsToEmployees"]}"#,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(employees[0]["reportsToEmployee"]["lastName"], "Adams");
    assert_eq!(employees[0]["reportsToEmployees"].as_array().unwrap().len(), 3);
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn loopback_api_on_pagila() {
    use juggler::discover::SchemaOptions;
    let Some(ds) = pagila().await else {
        return;
    };
    let film = ds.discover_schema("film", &SchemaOptions::default()).await.unwrap();
    let json = reads_back(&film);
    let rating = &json["properties"]["rating"]["postgresql"];
    assert_eq!(rating["enum"], serde_json::json!(["G", "PG", "PG-13", "R", "NC-17"]));
    assert_eq!(rating["userType"], "mpaa_rating");
    assert_eq!(
        json["properties"]["specialFeatures"]["type"],
        serde_json::json!(["String"])
    );
    assert_eq!(
        json["properties"]["specialFeatures"]["postgresql"]["elementType"],
        "text"
    );
    assert_eq!(json["properties"]["filmId"]["generated"], true);
    let fks = ds
        .discover_foreign_keys("film", &SchemaOptions::default())
        .await
        .unwrap();
    assert_eq!(fks.len(), 2);
    let all = ds
        .discover_schemas(
            "film",
            &SchemaOptions {
                associations: true,
                ..SchemaOptions::default()
            },
        )
        .await
        .unwrap();
    assert!(
        all.contains_key("public.language")
            && all.contains_key("public.film_actor")
            && all.contains_key("public.actor")
    );
    for def in all.values() {
        reads_back(def);
    }
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn loopback_api_on_sakila() {
    use juggler::discover::SchemaOptions;
    let Some(ds) = sakila().await else { return };
    let film = ds.discover_schema("film", &SchemaOptions::default()).await.unwrap();
    let json = reads_back(&film);
    assert_eq!(
        json["properties"]["specialFeatures"]["mysql"]["enum"],
        serde_json::json!(["Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes"])
    );
    assert_eq!(json["properties"]["filmId"]["mysql"]["unsigned"], true);
    let pks = ds
        .discover_primary_keys("film_actor", &SchemaOptions::default())
        .await
        .unwrap();
    assert_eq!(
        pks.iter().map(|k| k.column_name.as_str()).collect::<Vec<_>>(),
        ["actor_id", "film_id"]
    );
    let exported = ds
        .discover_exported_foreign_keys("language", &SchemaOptions::default())
        .await
        .unwrap();
    assert_eq!(exported.len(), 2);
}

#[test]
fn introspection_of_documents() {
    let docs = serde_json::json!([
        {"id": 1, "name": "Ann", "born": "1990-05-01", "address": {"city": "Paris", "geo": {"lat": 1.5}}, "tags": ["x"], "score": 3},
        {"id": 2, "name": "Bob", "address": {"city": "Lyon"}, "tags": [], "score": 2.5, "note": null}
    ]);
    let defs = juggler::introspect_all("Person", &docs);
    assert_eq!(
        defs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["Person", "PersonAddress", "PersonAddressGeo"]
    );
    let person = &defs[0];
    assert!(person.properties["id"].required && person.properties["name"].required);
    assert!(!person.properties["born"].required);
    assert_eq!(
        person.properties["score"].data_type.as_deref(),
        Some("double precision")
    );
    assert_eq!(person.properties["id"].data_type.as_deref(), Some("bigint"));
    let json = person.to_json();
    assert_eq!(json["properties"]["born"]["type"], "Date");
    assert_eq!(json["properties"]["address"]["type"], "PersonAddress");
    assert_eq!(json["properties"]["tags"]["type"], serde_json::json!(["String"]));
    assert_eq!(juggler::introspect("Person", &docs), defs[0]);
}
