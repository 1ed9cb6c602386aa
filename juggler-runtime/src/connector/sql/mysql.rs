//! MySQL and MariaDB, over sqlx.

use super::dates::{self, Moment};
use crate::schema::ColumnKind;
use sqlx::mysql::{MySql, MySqlArguments, MySqlConnectOptions, MySqlRow};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(MySqlConnector, Dialect::MySql);

super::sqlx_driver!(MySqlConnector, MySql);

super::loose_codec!(MySql, MySqlArguments, MySqlRow);

fn bind_decimal(q: Q, d: rust_decimal::Decimal) -> Q {
    q.bind(d)
}

/// How the server sends an integer column (read once per column, from the
/// first row's column types).
#[derive(Clone, Copy)]
enum IntShape {
    Signed,
    Unsigned,
    /// `YEAR` is a two-byte integer on the wire, which sqlx does not call one.
    Year,
}

fn int_shape(row: &MySqlRow, i: usize) -> IntShape {
    use sqlx::Column as _;
    let name = row.columns().get(i).map_or("", |c| c.type_info().name());
    if name == "YEAR" {
        IntShape::Year
    } else if name.ends_with("UNSIGNED") {
        IntShape::Unsigned
    } else {
        IntShape::Signed
    }
}

/// Integers of every width and sign (`MEDIUMINT UNSIGNED` and `YEAR` are
/// not `i64`s to sqlx); a `BIGINT UNSIGNED` above `i64::MAX` is an error,
/// not a wrap.
fn decode_int_as(row: &MySqlRow, i: usize, shape: IntShape) -> std::result::Result<Option<i64>, sqlx::Error> {
    match shape {
        IntShape::Year => row.try_get_unchecked::<Option<i64>, _>(i),
        IntShape::Signed => row.try_get::<Option<i64>, _>(i),
        IntShape::Unsigned => match row.try_get::<Option<u64>, _>(i)? {
            None => Ok(None),
            Some(v) => i64::try_from(v).map(Some).map_err(|e| sqlx::Error::ColumnDecode {
                index: i.to_string(),
                source: Box::new(e),
            }),
        },
    }
}

fn decode_int(row: &MySqlRow, i: usize) -> std::result::Result<Option<i64>, sqlx::Error> {
    decode_int_as(row, i, int_shape(row, i))
}

/// A date, time or timestamp as its text's shape says (in UTC: the session's
/// `time_zone` is `+00:00`); other text as text.
fn bind_datetime(q: Q, t: String) -> Q {
    match dates::parse(&t) {
        Some(Moment::Stamp(at)) => q.bind(at.naive_utc()),
        Some(Moment::Date(d)) => q.bind(d),
        Some(Moment::Time(time)) => q.bind(time),
        None => q.bind(t),
    }
}

/// Date and time columns are read by their type, whatever the property.
fn column_plan(row: &MySqlRow, i: usize, kind: ColumnKind) -> ColumnKind {
    use sqlx::Column as _;
    match row.columns().get(i).map(|c| c.type_info().name()) {
        Some("DATETIME" | "TIMESTAMP" | "DATE" | "TIME") => ColumnKind::DateTime,
        _ => kind,
    }
}

fn decode_datetime(row: &MySqlRow, i: usize) -> std::result::Result<Value, sqlx::Error> {
    use sqlx::Column as _;
    let name = row.columns().get(i).map_or("", |c| c.type_info().name());
    Ok(Value::Text(match name {
        "DATETIME" => dates::naive(row.try_get(i)?),
        "TIMESTAMP" => dates::stamp(row.try_get(i)?),
        "DATE" => dates::date(row.try_get(i)?),
        "TIME" => dates::time(row.try_get(i)?),
        _ => row.try_get::<String, _>(i)?,
    }))
}

fn decode_decimal(row: &MySqlRow, i: usize) -> std::result::Result<Value, sqlx::Error> {
    // A column declared without a scale (DECIMAL(65,28)) is normalized in
    // `decode_rows_from`, which knows the property.
    Ok(Value::Decimal(row.try_get::<rust_decimal::Decimal, _>(i)?))
}

enum Flavour {
    MariaDb,
    MySql,
}

/// Whether the server is MariaDB or MySQL (their statement time-outs are
/// set differently). Also the first connection, so a wrong address fails
/// here with its cause.
async fn server_flavour(url: &str, options: &MySqlConnectOptions, settings: &super::PoolSettings) -> Result<Flavour> {
    use sqlx::Connection as _;
    let failed = |cause: String| Error::Connect {
        url: crate::redact::url(url),
        message: format!("could not connect to {}: {cause}", super::server_name("MySQL", url)),
    };
    let mut conn = match tokio::time::timeout(
        settings.connect_timeout,
        sqlx::mysql::MySqlConnection::connect_with(options),
    )
    .await
    {
        Err(_) => {
            let after = humantime::format_duration(settings.connect_timeout);
            return Err(failed(format!("no answer within {after} (connect_timeout)")));
        }
        Ok(Err(e)) => return Err(failed(crate::redact::text(&super::connect_cause(&e)))),
        Ok(Ok(conn)) => conn,
    };
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| super::connect_error(url, e))?;
    let _ = conn.close().await;
    Ok(if version.contains("MariaDB") {
        Flavour::MariaDb
    } else {
        Flavour::MySql
    })
}

impl MySqlConnector {
    /// Opens a pool: `mysql://root@127.0.0.1:3306/db` (also `mariadb://`).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let normalized = url
            .strip_prefix("mariadb:")
            .map_or_else(|| url.to_owned(), |rest| format!("mysql:{rest}"));
        let options = MySqlConnectOptions::from_str(&normalized)
            .map_err(|e| super::connect_error(url, e))?
            .charset("utf8mb4");
        let health = Arc::new(super::Health::default());
        let after_connect = match settings.statement_timeout {
            None => None,
            // The server stops a runaway statement itself: MariaDB for every
            // statement, MySQL for reads (its only limit).
            Some(d) => Some(match server_flavour(url, &options, settings).await? {
                Flavour::MariaDb => format!("SET SESSION max_statement_time = {:.3}", d.as_secs_f64().max(0.001)),
                Flavour::MySql => format!("SET SESSION max_execution_time = {}", d.as_millis().max(1)),
            }),
        };
        let pool = settings
            .open::<MySql>("MySQL", url, options, health.clone(), after_connect)
            .await?;
        Ok(MySqlConnector::with_shared(pool, super::Shared::new(settings, health)))
    }

    /// Runs an insert; MySQL hands back the first id of the batch, and one
    /// multi-row insert takes consecutive ids.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: compile::Statement,
        rows: usize,
        _returning: bool,
    ) -> Result<Vec<i64>> {
        let done = self.execute(def, stmt).await?;
        let first = i64::try_from(done.last_insert_id()).unwrap_or(0);
        Ok((first..first + rows as i64).collect())
    }

    /// `INSERT .. ON DUPLICATE KEY UPDATE`: atomic; one affected row means
    /// inserted, two (or zero, unchanged) means updated.
    ///
    /// MySQL fires the update on a clash with *any* unique key, so a new id
    /// whose unique value (an email) belongs to another row would overwrite
    /// that row. With unique properties besides the id, the statement runs in
    /// a transaction (a savepoint inside one) and is undone when the row it
    /// updated is not the one with this id: a `uniqueness` error, as on the
    /// other databases, and nothing changed.
    async fn upsert_row(&self, def: &ModelDefinition, row: &Row, ids: &[usize]) -> Result<bool> {
        let unique: Vec<usize> = def
            .properties
            .values()
            .enumerate()
            .filter(|(p, prop)| !ids.contains(p) && prop.index.as_ref().is_some_and(|i| i.is_unique()))
            .map(|(p, _)| p)
            .collect();
        if unique.is_empty() {
            let stmt = compile::upsert(def, DIALECT, &row.values, ids);
            return Ok(self.execute(def, stmt).await?.rows_affected() == 1);
        }
        let id: Vec<Value> = ids.iter().map(|i| row.values[*i].clone()).collect();
        let own = crate::ops::id_cond(def, &id)?;
        let tx = self.begin_here().await?;
        let outcome = async {
            let stmt = compile::upsert(def, DIALECT, &row.values, ids);
            let inserted = tx.execute(def, stmt).await?.rows_affected() == 1;
            if inserted || tx.count(def, Some(&own)).await? > 0 {
                return Ok(Ok(inserted));
            }
            // The update hit another row through a unique key.
            Ok::<_, Error>(Err(()))
        }
        .await;
        match outcome {
            Ok(Ok(inserted)) => {
                tx.commit().await?;
                Ok(inserted)
            }
            Ok(Err(())) => {
                tx.rollback().await?;
                Err(self.clash(def, row, &id, &unique).await)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// The `uniqueness` error for the unique properties of `row` that other
    /// rows hold.
    async fn clash(&self, def: &ModelDefinition, row: &Row, id: &[Value], unique: &[usize]) -> Error {
        let mut errors = crate::ValidationError::new(&def.name);
        let others = match crate::ops::id_cond(def, id) {
            Ok(Cond::Cmp {
                prop,
                op: crate::filter::resolve::CmpOp::Eq(v),
            }) => Some(Cond::Cmp {
                prop,
                op: crate::filter::resolve::CmpOp::Neq(v),
            }),
            _ => None,
        };
        for &p in unique {
            let value = &row.values[p];
            if value.is_null() {
                continue;
            }
            let same = Cond::Cmp {
                prop: p,
                op: crate::filter::resolve::CmpOp::Eq(value.clone()),
            };
            let cond = match &others {
                Some(o) => Cond::And(vec![same, o.clone()]),
                None => same,
            };
            if self.count(def, Some(&cond)).await.unwrap_or(1) > 0 {
                let name = def.properties.get_index(p).map_or("", |(n, _)| n.as_str());
                errors.add(name, "uniqueness", "is not unique", value, def.is_hidden(name));
            }
        }
        if errors.is_empty() {
            let name = def.properties.get_index(unique[0]).map_or("", |(n, _)| n.as_str());
            errors.add(
                name,
                "uniqueness",
                "is not unique",
                &row.values[unique[0]],
                def.is_hidden(name),
            );
        }
        Error::Validation(errors)
    }
}

/// A value of an `information_schema` column as text, whatever type the
/// server gave it (MariaDB and MySQL differ: `VARCHAR`, `LONGTEXT`, binary
/// strings, unsigned integers).
fn my_text(row: &MySqlRow, i: usize) -> Option<String> {
    use sqlx::{Column as _, TypeInfo as _};
    if row.try_get_raw(i).map_or(true, |v| v.is_null()) {
        return None;
    }
    let integer = row
        .columns()
        .get(i)
        .is_some_and(|c| c.type_info().name().contains("INT"));
    if integer {
        if let Ok(n) = row.try_get_unchecked::<u64, _>(i) {
            return Some(n.to_string());
        }
        if let Ok(n) = row.try_get_unchecked::<i64, _>(i) {
            return Some(n.to_string());
        }
    }
    if let Ok(s) = row.try_get_unchecked::<String, _>(i) {
        return Some(s);
    }
    if let Ok(b) = row.try_get_unchecked::<Vec<u8>, _>(i) {
        return Some(String::from_utf8_lossy(&b).into_owned());
    }
    if let Ok(n) = row.try_get_unchecked::<u64, _>(i) {
        return Some(n.to_string());
    }
    row.try_get_unchecked::<i64, _>(i).ok().map(|n| n.to_string())
}

fn my_number(row: &MySqlRow, i: usize) -> Option<u64> {
    my_text(row, i).and_then(|t| t.trim().parse().ok())
}

/// The quoted values of `enum('a','b''c')` / `set(..)`, in order.
fn enum_values(column_type: &str) -> Vec<String> {
    let Some(open) = column_type.find('(') else {
        return Vec::new();
    };
    let inner = &column_type[open + 1..column_type.rfind(')').unwrap_or(column_type.len())];
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    value.push('\'');
                    chars.next();
                }
                '\'' => break,
                '\\' => {
                    if let Some(n) = chars.next() {
                        value.push(n);
                    }
                }
                other => value.push(other),
            }
        }
        out.push(value);
    }
    out
}

impl MySqlConnector {
    /// Reads the databases into a catalog with seven `information_schema`
    /// statements (eight when the current database is asked first), each
    /// filtered by the databases, whatever the number of tables.
    pub(crate) async fn discover_catalog(
        &self,
        options: &crate::schema::catalog::DiscoverOptions,
    ) -> Result<crate::schema::catalog::Catalog> {
        use crate::schema::catalog::{
            base_type, property_type_of, Catalog, Check, Column, ForeignKey, Index, IndexPart, Key, Schema, Table, View,
        };
        use std::collections::BTreeMap;
        let empty = ModelDefinition::default();
        let schemas = if options.schemas.is_empty() {
            let stmt = compile::Statement {
                sql: "SELECT DATABASE()".to_owned(),
                shared: None,
                binds: Default::default(),
            };
            let row = self.fetch_optional(&empty, stmt).await?;
            match row.and_then(|r| my_text(&r, 0)) {
                Some(db) => vec![db],
                None => {
                    return Err(Error::Unsupported(
                        "no database is selected: put one in the URL or name it in `schemas`".to_owned(),
                    ))
                }
            }
        } else {
            options.schemas.clone()
        };
        let marks = vec!["?"; schemas.len()].join(", ");
        let query = |sql: String| compile::Statement {
            sql: sql.replace("{in}", &format!("({marks})")),
            shared: None,
            binds: schemas
                .iter()
                .map(|s| (Value::Text(s.clone()), ColumnKind::Text))
                .collect(),
        };
        let tables_rows = self.fetch_all(&empty, query(
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA IN {in}".to_owned(),
        )).await?;
        let column_rows = self.fetch_all(&empty, query(
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, \
             NUMERIC_PRECISION, NUMERIC_SCALE, COLUMN_TYPE, EXTRA, COLUMN_COMMENT, COLLATION_NAME, GENERATION_EXPRESSION \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN {in} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION".to_owned(),
        )).await?;
        let key_rows = self.fetch_all(&empty, query(
            "SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME, \
             k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, rc.DELETE_RULE \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
               AND tc.TABLE_NAME = k.TABLE_NAME AND tc.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
             LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
               AND rc.TABLE_NAME = k.TABLE_NAME AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
             WHERE k.TABLE_SCHEMA IN {in} ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION".to_owned(),
        )).await?;
        let index_rows = self.fetch_all(&empty, query(
            "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION, INDEX_TYPE, SUB_PART \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN {in} \
             ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX".to_owned(),
        )).await?;
        let check_rows = self
            .fetch_all(
                &empty,
                query(
                    "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
             FROM information_schema.CHECK_CONSTRAINTS cc JOIN information_schema.TABLE_CONSTRAINTS tc \
               ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME \
               AND tc.CONSTRAINT_TYPE = 'CHECK' \
             WHERE tc.TABLE_SCHEMA IN {in}"
                        .to_owned(),
                ),
            )
            .await?;
        let view_rows = self.fetch_all(&empty, query(
            "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN {in}".to_owned(),
        )).await?;
        let partition_rows = self
            .fetch_all(
                &empty,
                query(
                    "SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION \
             FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA IN {in} AND PARTITION_NAME IS NOT NULL \
             ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION"
                        .to_owned(),
                ),
            )
            .await?;

        let mut catalog = Catalog::new("mysql");
        let mut tables: BTreeMap<(String, String), Table> = BTreeMap::new();
        let mut views: BTreeMap<(String, String), View> = BTreeMap::new();
        for r in &tables_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            if !options.wants(&key.1) {
                continue;
            }
            let comment = my_text(r, 3).filter(|c| !c.is_empty());
            if my_text(r, 2).as_deref() == Some("VIEW") {
                if options.views {
                    views.insert(
                        key.clone(),
                        View {
                            name: key.1.clone(),
                            comment,
                            ..View::default()
                        },
                    );
                }
            } else {
                let mut t = Table::new(key.1.clone());
                t.comment = comment;
                tables.insert(key, t);
            }
        }
        for r in &view_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            if let Some(v) = views.get_mut(&key) {
                v.definition = my_text(r, 2).unwrap_or_default();
            }
        }
        for r in &column_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            let name = my_text(r, 2).unwrap_or_default();
            let column_type = my_text(r, 9).unwrap_or_default();
            let data_type = my_text(r, 5).unwrap_or_default().to_ascii_lowercase();
            let extra = my_text(r, 10).unwrap_or_default().to_ascii_lowercase();
            let mut column = Column::new(name.clone(), column_type.clone());
            column.type_name = data_type.clone();
            column.nullable = my_text(r, 4).as_deref() == Some("YES");
            column.unsigned = column_type.to_ascii_lowercase().contains("unsigned");
            // MariaDB writes a missing default as the text NULL.
            column.default = my_text(r, 3).filter(|d| d != "NULL");
            column.comment = my_text(r, 11).filter(|c| !c.is_empty());
            column.collation = my_text(r, 12).filter(|c| c.ends_with("_bin"));
            column.property_type = match data_type.as_str() {
                "tinyint" if base_type(&column_type) == "tinyint" && column_type.starts_with("tinyint(1)") => {
                    "Boolean".to_owned()
                }
                "enum" | "set" => "String".to_owned(),
                other => property_type_of(other).to_owned(),
            };
            if data_type == "enum" || data_type == "set" {
                column.values = enum_values(&column_type);
            }
            match column.property_type.as_str() {
                "String" => column.length = my_number(r, 6).filter(|_| !matches!(data_type.as_str(), "enum" | "set")),
                "Number" if matches!(data_type.as_str(), "decimal" | "numeric") => {
                    column.precision = my_number(r, 7);
                    column.scale = my_number(r, 8);
                }
                _ => {}
            }
            if extra.contains("auto_increment") {
                column.generated = Some("auto_increment".to_owned());
            }
            if let Some(expression) = my_text(r, 13).filter(|e| !e.is_empty()) {
                column.computed = Some(expression);
                column.stored = extra.contains("stored") || extra.contains("persistent");
                column.default = None;
            }
            if column.property_type == "Any" {
                catalog.warn(
                    "unsupported-type",
                    format!("{}.{}.{name}", key.0, key.1),
                    format!(
                        "`{}.{name}` has type `{column_type}`, which maps to no property type; it is read as text",
                        key.1
                    ),
                );
            }
            if let Some(t) = tables.get_mut(&key) {
                t.columns.push(column);
            } else if let Some(v) = views.get_mut(&key) {
                v.columns.push(column);
            }
        }
        let mut fks: BTreeMap<(String, String, String), ForeignKey> = BTreeMap::new();
        for r in &key_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            let Some(t) = tables.get_mut(&key) else { continue };
            let name = my_text(r, 2).unwrap_or_default();
            let column = my_text(r, 4).unwrap_or_default();
            match my_text(r, 3).as_deref() {
                Some("PRIMARY KEY") => t
                    .primary_key
                    .get_or_insert_with(|| Key {
                        name: Some(name.clone()),
                        columns: Vec::new(),
                    })
                    .columns
                    .push(column),
                Some("UNIQUE") => match t.unique.iter_mut().find(|u| u.name.as_deref() == Some(name.as_str())) {
                    Some(u) => u.columns.push(column),
                    None => t.unique.push(Key {
                        name: Some(name),
                        columns: vec![column],
                    }),
                },
                Some("FOREIGN KEY") => {
                    let fk = fks
                        .entry((key.0.clone(), key.1.clone(), name.clone()))
                        .or_insert_with(|| ForeignKey {
                            name: Some(name),
                            target_schema: my_text(r, 5).unwrap_or_default(),
                            target_table: my_text(r, 6).unwrap_or_default(),
                            on_update: my_text(r, 8).unwrap_or_else(|| "NO ACTION".to_owned()),
                            on_delete: my_text(r, 9).unwrap_or_else(|| "NO ACTION".to_owned()),
                            ..ForeignKey::default()
                        });
                    fk.columns.push(column);
                    fk.target_columns.push(my_text(r, 7).unwrap_or_default());
                }
                _ => {}
            }
        }
        for ((schema, table, _), fk) in fks {
            if let Some(t) = tables.get_mut(&(schema, table)) {
                t.foreign_keys.push(fk);
            }
        }
        let mut indexes: BTreeMap<(String, String, String), Index> = BTreeMap::new();
        for r in &index_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            if !tables.contains_key(&key) {
                continue;
            }
            let name = my_text(r, 2).unwrap_or_default();
            let method = my_text(r, 6).filter(|m| m != "BTREE");
            let index = indexes.entry((key.0, key.1, name.clone())).or_insert_with(|| Index {
                primary: name == "PRIMARY",
                unique: my_text(r, 3).as_deref() == Some("0"),
                name,
                method,
                ..Index::default()
            });
            let column = my_text(r, 4);
            let expression = match (&column, my_number(r, 7)) {
                (None, _) => Some(String::new()),
                (Some(c), Some(prefix)) => Some(format!("`{}`({prefix})", c.replace('`', "``"))),
                _ => None,
            };
            index.parts.push(IndexPart {
                column: if expression.is_some() { None } else { column },
                expression,
                descending: my_text(r, 5).as_deref() == Some("D"),
            });
        }
        for ((schema, table, _), index) in indexes {
            if index.parts.iter().any(|p| p.expression.is_some()) {
                catalog.warn(
                    "expression-index",
                    format!("{schema}.{table}.{}", index.name),
                    format!("index `{}` of `{table}` is on an expression or a column prefix, which a model property cannot declare", index.name),
                );
            }
            if let Some(t) = tables.get_mut(&(schema, table)) {
                t.indexes.push(index);
            }
        }
        for r in &check_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            if let Some(t) = tables.get_mut(&key) {
                t.checks.push(Check {
                    name: my_text(r, 2),
                    expression: my_text(r, 3).unwrap_or_default(),
                });
            }
        }
        for r in &partition_rows {
            let key = (my_text(r, 0).unwrap_or_default(), my_text(r, 1).unwrap_or_default());
            if let Some(t) = tables.get_mut(&key) {
                if t.partitioned_by.is_none() {
                    t.partitioned_by = Some(format!(
                        "{} ({})",
                        my_text(r, 3).unwrap_or_default(),
                        my_text(r, 4).unwrap_or_default()
                    ));
                }
                t.partitions.extend(my_text(r, 2));
            }
        }
        let mut out: BTreeMap<String, Schema> = schemas
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    Schema {
                        name: s.clone(),
                        ..Schema::default()
                    },
                )
            })
            .collect();
        for ((schema, name), t) in tables {
            let object = format!("{schema}.{name}");
            if let Some(by) = &t.partitioned_by {
                catalog.warn(
                    "partitioned-table",
                    object.clone(),
                    format!("`{name}` is partitioned ({by}) into {} partitions", t.partitions.len()),
                );
            }
            if let Some(s) = out.get_mut(&schema) {
                s.tables.push(t);
            }
        }
        for ((schema, _), v) in views {
            if let Some(s) = out.get_mut(&schema) {
                s.views.push(v);
            }
        }
        catalog.schemas = out.into_values().collect();
        catalog.add_key_warnings();
        catalog.normalize();
        Ok(catalog)
    }
}
