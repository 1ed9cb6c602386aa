//! PostgreSQL, over sqlx.

use super::dates::{self, Moment};
use crate::schema::ColumnKind;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgRow, Postgres};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use std::str::FromStr;

super::sql_connector!(PgConnector, Dialect::Postgres);

super::sqlx_driver!(PgConnector, Postgres);

type Q = sqlx::query::Query<'static, Postgres, PgArguments>;

/// Binds a value, moving text and bytes into the query.
fn bind(q: Q, value: Value, kind: ColumnKind) -> Q {
    match (value, kind) {
        (Value::Text(t), k) if k != ColumnKind::Json && k != ColumnKind::DateTime => q.bind(t),
        (Value::Bytes(b), _) => q.bind(b),
        (value, kind) => bind_ref(q, &value, kind),
    }
}

fn bind_ref(q: Q, value: &Value, kind: ColumnKind) -> Q {
    match (value, kind) {
        (Value::Null, ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt) => q.bind(None::<i64>),
        (Value::Null, ColumnKind::Float) => q.bind(None::<f64>),
        (Value::Null, ColumnKind::Bool) => q.bind(None::<bool>),
        (Value::Null, ColumnKind::Bytes) => q.bind(None::<Vec<u8>>),
        (Value::Null, ColumnKind::Decimal) => q.bind(None::<rust_decimal::Decimal>),
        (Value::Null, ColumnKind::TextArray) => q.bind(None::<Vec<String>>),
        (Value::Null, ColumnKind::BigIntArray) => q.bind(None::<Vec<i64>>),
        (Value::Null, ColumnKind::FloatArray) => q.bind(None::<Vec<f64>>),
        (Value::Null, ColumnKind::BoolArray) => q.bind(None::<Vec<bool>>),
        (Value::Null, ColumnKind::DateTime) => q.bind(None::<chrono::DateTime<chrono::Utc>>),
        (Value::Text(t), ColumnKind::DateTime) => match super::dates::parse(t) {
            Some(Moment::Stamp(at)) => q.bind(at),
            Some(Moment::Date(d)) => q.bind(d),
            Some(Moment::Time(t)) => q.bind(t),
            None => q.bind(t.clone()),
        },
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::TextArray) => q.bind(
            items
                .iter()
                .map(|v| match v {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                })
                .collect::<Vec<Option<String>>>(),
        ),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::BigIntArray) => q.bind(
            items
                .iter()
                .map(serde_json::Value::as_i64)
                .collect::<Vec<Option<i64>>>(),
        ),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::FloatArray) => q.bind(
            items
                .iter()
                .map(serde_json::Value::as_f64)
                .collect::<Vec<Option<f64>>>(),
        ),
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::BoolArray) => q.bind(
            items
                .iter()
                .map(serde_json::Value::as_bool)
                .collect::<Vec<Option<bool>>>(),
        ),
        (Value::Decimal(d), _) => q.bind(*d),
        (Value::Int(_) | Value::Float(_), ColumnKind::Decimal) => match value.to_decimal() {
            Some(d) => q.bind(d),
            None => q.bind(value.as_f64()),
        },
        (Value::Null, _) => q.bind(None::<String>),
        (Value::Bool(b), _) => q.bind(*b),
        (Value::Int(i), ColumnKind::Float) => q.bind(*i as f64),
        (Value::Int(i), ColumnKind::SmallInt) => q.bind(i16::try_from(*i).map_or(*i as f64, f64::from)),
        (Value::Int(i), ColumnKind::Int) => match i32::try_from(*i) {
            Ok(v) => q.bind(v),
            Err(_) => q.bind(*i),
        },
        (Value::Int(i), _) => q.bind(*i),
        (Value::Float(f), _) => q.bind(*f),
        (Value::Text(t), ColumnKind::Json) => q.bind(serde_json::Value::String(t.clone()).to_string()),
        (Value::Text(t), _) => q.bind(t.clone()),
        (Value::Bytes(b), _) => q.bind(b.clone()),
        // An array for `= ANY($n)` (see `compile::array_bindable`).
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt) => {
            q.bind(items.iter().filter_map(serde_json::Value::as_i64).collect::<Vec<i64>>())
        }
        (Value::Json(serde_json::Value::Array(items)), ColumnKind::Text) => q.bind(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect::<Vec<String>>(),
        ),
        (Value::Json(j), _) => q.bind(j.to_string()),
    }
}

/// A PostgreSQL array as the JSON array juggler holds lists in.
fn array<T: Into<serde_json::Value>>(items: Vec<Option<T>>) -> Value {
    Value::Json(serde_json::Value::Array(
        items
            .into_iter()
            .map(|v| v.map_or(serde_json::Value::Null, Into::into))
            .collect(),
    ))
}

/// How one column of a result is read, decided once per result from the
/// column's type (not once per value).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Plan {
    I2,
    I4,
    I8,
    F4,
    F8,
    Bool,
    Bytes,
    Numeric,
    TextArray,
    I8Array,
    I4Array,
    I2Array,
    F8Array,
    F4Array,
    BoolArray,
    TimestampTz,
    Timestamp,
    Date,
    Time,
    Json,
    /// `text`, `varchar`, `bpchar`, `name`: read without sqlx's type check.
    Str,
    /// Anything else read as text (sqlx checks it can).
    Text,
}

fn plan(row: &PgRow, i: usize, kind: ColumnKind) -> Plan {
    use sqlx::Column as _;
    let Some(column) = row.columns().get(i) else {
        return Plan::Text;
    };
    match (kind, column.type_info().name()) {
        (_, "INT2") => Plan::I2,
        (_, "INT4") => Plan::I4,
        (_, "INT8") => Plan::I8,
        (_, "FLOAT4") => Plan::F4,
        (_, "FLOAT8") => Plan::F8,
        (_, "BOOL") => Plan::Bool,
        (_, "BYTEA") => Plan::Bytes,
        (_, "NUMERIC") => Plan::Numeric,
        (_, "TEXT[]" | "VARCHAR[]" | "BPCHAR[]") => Plan::TextArray,
        (_, "INT8[]") => Plan::I8Array,
        (_, "INT4[]") => Plan::I4Array,
        (_, "INT2[]") => Plan::I2Array,
        (_, "FLOAT8[]") => Plan::F8Array,
        (_, "FLOAT4[]") => Plan::F4Array,
        (_, "BOOL[]") => Plan::BoolArray,
        (_, "TIMESTAMPTZ") => Plan::TimestampTz,
        (_, "TIMESTAMP") => Plan::Timestamp,
        (_, "DATE") => Plan::Date,
        (_, "TIME") => Plan::Time,
        (ColumnKind::Json, _) => Plan::Json,
        (_, "TEXT" | "VARCHAR" | "BPCHAR" | "NAME") => Plan::Str,
        _ => Plan::Text,
    }
}

fn decode_planned(row: &PgRow, i: usize, plan: Plan) -> std::result::Result<Value, sqlx::Error> {
    if row.try_get_raw(i)?.is_null() {
        return Ok(Value::Null);
    }
    Ok(match plan {
        Plan::I2 => Value::Int(i64::from(row.try_get_unchecked::<i16, _>(i)?)),
        Plan::I4 => Value::Int(i64::from(row.try_get_unchecked::<i32, _>(i)?)),
        Plan::I8 => Value::Int(row.try_get_unchecked::<i64, _>(i)?),
        Plan::F4 => Value::Float(f64::from(row.try_get_unchecked::<f32, _>(i)?)),
        Plan::F8 => Value::Float(row.try_get_unchecked::<f64, _>(i)?),
        Plan::Bool => Value::Bool(row.try_get_unchecked::<bool, _>(i)?),
        Plan::Bytes => Value::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i)?),
        Plan::Numeric => Value::Decimal(row.try_get_unchecked::<rust_decimal::Decimal, _>(i)?),
        Plan::TextArray => array(row.try_get::<Vec<Option<String>>, _>(i)?),
        Plan::I8Array => array(row.try_get::<Vec<Option<i64>>, _>(i)?),
        Plan::I4Array => array(row.try_get::<Vec<Option<i32>>, _>(i)?),
        Plan::I2Array => array(row.try_get::<Vec<Option<i16>>, _>(i)?),
        Plan::F8Array => array(row.try_get::<Vec<Option<f64>>, _>(i)?),
        Plan::F4Array => array(row.try_get::<Vec<Option<f32>>, _>(i)?),
        Plan::BoolArray => array(row.try_get::<Vec<Option<bool>>, _>(i)?),
        Plan::TimestampTz => Value::Text(dates::stamp(row.try_get_unchecked(i)?)),
        Plan::Timestamp => Value::Text(dates::naive(row.try_get_unchecked(i)?)),
        Plan::Date => Value::Text(dates::date(row.try_get_unchecked(i)?)),
        Plan::Time => Value::Text(dates::time(row.try_get_unchecked(i)?)),
        Plan::Json => super::json_text(&row.try_get::<String, _>(i)?),
        Plan::Str => Value::Text(row.try_get_unchecked::<String, _>(i)?),
        Plan::Text => Value::Text(row.try_get::<String, _>(i)?),
    })
}

fn fast_int(row: &PgRow, i: usize, plan: Plan) -> Option<i64> {
    match plan {
        Plan::I2 => row.try_get_unchecked::<Option<i16>, _>(i).ok().flatten().map(i64::from),
        Plan::I4 => row.try_get_unchecked::<Option<i32>, _>(i).ok().flatten().map(i64::from),
        Plan::I8 => row.try_get_unchecked::<Option<i64>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn fast_float(row: &PgRow, i: usize, plan: Plan) -> Option<f64> {
    match plan {
        Plan::F4 => row.try_get_unchecked::<Option<f32>, _>(i).ok().flatten().map(f64::from),
        Plan::F8 => row.try_get_unchecked::<Option<f64>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn fast_bool(row: &PgRow, i: usize, plan: Plan) -> Option<bool> {
    match plan {
        Plan::Bool => row.try_get_unchecked::<Option<bool>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn fast_text(row: &PgRow, i: usize, plan: Plan) -> Option<String> {
    match plan {
        Plan::Str => row.try_get_unchecked::<Option<String>, _>(i).ok().flatten(),
        Plan::Text => row.try_get::<Option<String>, _>(i).ok().flatten(),
        _ => None,
    }
}

fn decode(row: &PgRow, i: usize, kind: ColumnKind) -> std::result::Result<Value, sqlx::Error> {
    decode_planned(row, i, plan(row, i, kind))
}

impl PgConnector {
    /// Opens a pool: `postgres://user@host:5432/db` (`options=-c search_path=..` works).
    pub async fn connect(url: &str, settings: &super::PoolSettings) -> Result<Self> {
        let options = PgConnectOptions::from_str(url).map_err(|e| super::connect_error(url, e))?;
        let health = Arc::new(super::Health::default());
        // The server stops a runaway statement itself.
        let after_connect = settings
            .statement_timeout
            .map(|d| format!("SET statement_timeout = {}", d.as_millis().max(1)));
        let pool = settings
            .open::<Postgres>("PostgreSQL", url, options, health.clone(), after_connect)
            .await?;
        Ok(PgConnector::with_shared(pool, super::Shared::new(settings, health)))
    }

    /// Runs an insert; generated ids come back through `RETURNING`.
    async fn insert_ids(
        &self,
        def: &ModelDefinition,
        stmt: compile::Statement,
        _rows: usize,
        returning: bool,
    ) -> Result<Vec<i64>> {
        if !returning {
            self.execute(def, stmt).await?;
            return Ok(Vec::new());
        }
        let rows = self.fetch_all(def, stmt).await?;
        // The id column may be any integer (`serial` is `integer`).
        rows.iter()
            .map(|r| match decode(r, 0, ColumnKind::BigInt) {
                Ok(Value::Int(id)) => Ok(id),
                Ok(other) => Err(Error::InvalidData {
                    model: def.name.clone(),
                    message: format!("the database returned {} as the new id", other.kind()),
                }),
                Err(e) => Err(map_error(def, e)),
            })
            .collect()
    }

    /// `INSERT .. ON CONFLICT .. DO UPDATE .. RETURNING (xmax = 0)`: atomic,
    /// and says whether the row was inserted.
    async fn upsert_row(&self, def: &ModelDefinition, row: &Row, ids: &[usize]) -> Result<bool> {
        let mut stmt = compile::upsert(def, DIALECT, &row.values, ids);
        stmt.sql.push_str(" RETURNING (xmax = 0)");
        let rows = self.fetch_all(def, stmt).await?;
        match rows.first() {
            Some(r) => sqlx::Row::try_get::<bool, _>(r, 0).map_err(|e| map_error(def, e)),
            None => Ok(false),
        }
    }
}

fn pg_text(row: &PgRow, i: usize) -> Option<String> {
    row.try_get::<Option<String>, _>(i).ok().flatten()
}

fn pg_texts(row: &PgRow, i: usize) -> Vec<Option<String>> {
    row.try_get::<Option<Vec<Option<String>>>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn pg_bool(row: &PgRow, i: usize) -> bool {
    row.try_get::<Option<bool>, _>(i).ok().flatten().unwrap_or(false)
}

fn pg_action(code: Option<String>) -> String {
    match code.as_deref() {
        Some("c") => "CASCADE",
        Some("n") => "SET NULL",
        Some("d") => "SET DEFAULT",
        Some("r") => "RESTRICT",
        _ => "NO ACTION",
    }
    .to_owned()
}

const PG_RELATIONS: &str = "SELECT n.nspname::text, c.relname::text, c.relkind::text, \
    obj_description(c.oid, 'pg_class'), c.relispartition, pg_get_partkeydef(c.oid), \
    CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, \
    (SELECT array_agg(k.relname::text ORDER BY k.relname) FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid), \
    (SELECT array_agg(k.relname::text ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhparent WHERE i.inhrelid = c.oid) \
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

const PG_COLUMNS: &str = "SELECT n.nspname::text, c.relname::text, a.attname::text, \
    format_type(a.atttypid, a.atttypmod), t.typtype::text, t.typname::text, a.attnotnull, \
    pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text, col_description(c.oid, a.attnum), \
    co.collname::text, format_type(t.typelem, NULL), format_type(t.typbasetype, t.typtypmod), t.typcategory::text \
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    JOIN pg_type t ON t.oid = a.atttypid \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation \
    WHERE a.attnum > 0 AND NOT a.attisdropped AND n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') \
    ORDER BY n.nspname, c.relname, a.attnum";

const PG_CONSTRAINTS: &str = "SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text, \
    (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
       JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.num), \
    fn.nspname::text, fc.relname::text, \
    (SELECT array_agg(att.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) \
       JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.num), \
    con.confdeltype::text, con.confupdtype::text, pg_get_expr(con.conbin, con.conrelid) \
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
    WHERE n.nspname = ANY($1) AND con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0";

const PG_INDEXES: &str = "SELECT n.nspname::text, c.relname::text, i.relname::text, x.indisunique, x.indisprimary, \
    am.amname::text, pg_get_expr(x.indpred, x.indrelid), \
    (SELECT array_agg(CASE WHEN x.indkey[k - 1] = 0 THEN NULL ELSE \
       (SELECT att.attname::text FROM pg_attribute att WHERE att.attrelid = x.indrelid AND att.attnum = x.indkey[k - 1]) END ORDER BY k) \
       FROM generate_series(1, x.indnkeyatts) k), \
    (SELECT array_agg(pg_get_indexdef(x.indexrelid, k, true) ORDER BY k) FROM generate_series(1, x.indnkeyatts) k), \
    (SELECT array_agg(CASE WHEN (x.indoption[k - 1] & 1) = 1 THEN 'DESC' ELSE 'ASC' END ORDER BY k) FROM generate_series(1, x.indnkeyatts) k) \
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid \
    JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = i.relam \
    WHERE n.nspname = ANY($1) AND NOT c.relispartition";

const PG_TYPES: &str = "SELECT n.nspname::text, t.typname::text, t.typtype::text, \
    (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), \
    format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, \
    (SELECT array_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid), \
    (SELECT array_agg(k.conname::text ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid) \
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
    WHERE n.nspname = ANY($1) AND t.typtype IN ('e', 'd')";

impl PgConnector {
    /// Reads the schemas into a catalog with six statements (seven when the
    /// current schema is asked first), whatever the number of tables:
    /// relations, columns, constraints, indexes, and enum and domain types,
    /// each one `pg_catalog` query over every schema at once.
    pub(crate) async fn discover_catalog(
        &self,
        options: &crate::schema::catalog::DiscoverOptions,
    ) -> Result<crate::schema::catalog::Catalog> {
        use crate::schema::catalog::{
            base_type, property_type_of, type_parameters, Catalog, Check, Column, Domain, EnumType, ForeignKey, Index,
            IndexPart, Key, Schema, Table, View,
        };
        use std::collections::BTreeMap;
        let empty = ModelDefinition::default();
        let plain = |sql: &str| compile::Statement {
            sql: sql.to_owned(),
            shared: None,
            binds: Default::default(),
        };
        let schemas = if options.schemas.is_empty() {
            let row = self
                .fetch_optional(&empty, plain("SELECT current_schema()::text"))
                .await?;
            vec![row.and_then(|r| pg_text(&r, 0)).unwrap_or_else(|| "public".to_owned())]
        } else {
            options.schemas.clone()
        };
        let names = Value::Json(serde_json::Value::Array(
            schemas.iter().cloned().map(serde_json::Value::String).collect(),
        ));
        let with_schemas = |sql: &str| compile::Statement {
            sql: sql.to_owned(),
            shared: None,
            binds: vec![(names.clone(), ColumnKind::Text)].into(),
        };
        let relations = self.fetch_all(&empty, with_schemas(PG_RELATIONS)).await?;
        let columns = self.fetch_all(&empty, with_schemas(PG_COLUMNS)).await?;
        let constraints = self.fetch_all(&empty, with_schemas(PG_CONSTRAINTS)).await?;
        let indexes = self.fetch_all(&empty, with_schemas(PG_INDEXES)).await?;
        let types = self.fetch_all(&empty, with_schemas(PG_TYPES)).await?;

        let mut catalog = Catalog::new("postgres");
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
        let mut tables: BTreeMap<(String, String), Table> = BTreeMap::new();
        let mut views: BTreeMap<(String, String), View> = BTreeMap::new();
        // A partition's foreign keys belong to its parent (Pagila declares
        // `payment`'s on each partition).
        let mut partition_of: BTreeMap<(String, String), String> = BTreeMap::new();
        for r in &relations {
            let (schema, name, kind) = (
                pg_text(r, 0).unwrap_or_default(),
                pg_text(r, 1).unwrap_or_default(),
                pg_text(r, 2).unwrap_or_default(),
            );
            if pg_bool(r, 4) || !options.wants(&name) {
                // A partition: listed on its parent, not as a table of its own.
                continue;
            }
            let comment = pg_text(r, 3);
            let object = format!("{schema}.{name}");
            match kind.as_str() {
                "v" | "m" => {
                    if options.views {
                        views.insert(
                            (schema, name.clone()),
                            View {
                                name,
                                definition: pg_text(r, 6).unwrap_or_default().trim().to_owned(),
                                materialized: kind == "m",
                                comment,
                                ..View::default()
                            },
                        );
                    }
                }
                _ => {
                    let mut table = Table::new(name.clone());
                    table.comment = comment;
                    table.partitioned_by = pg_text(r, 5);
                    let children: Vec<String> = pg_texts(r, 7).into_iter().flatten().collect();
                    if table.partitioned_by.is_some() {
                        for child in &children {
                            partition_of.insert((schema.clone(), child.clone()), name.clone());
                        }
                        table.partitions = children;
                        catalog.warn(
                            "partitioned-table",
                            object.clone(),
                            format!(
                                "`{name}` is partitioned ({}); its {} partitions are read as this one table",
                                table.partitioned_by.clone().unwrap_or_default(),
                                table.partitions.len()
                            ),
                        );
                    }
                    table.inherits = pg_texts(r, 8).into_iter().flatten().collect();
                    if !table.inherits.is_empty() {
                        catalog.warn(
                            "inherited-table",
                            object.clone(),
                            format!(
                                "`{name}` inherits from {}; a model sees only its own table",
                                table.inherits.join(", ")
                            ),
                        );
                    }
                    if kind == "f" {
                        catalog.warn("foreign-table", object, format!("`{name}` is a foreign table"));
                    }
                    tables.insert((schema, name), table);
                }
            }
        }
        for r in &columns {
            let key = (pg_text(r, 0).unwrap_or_default(), pg_text(r, 1).unwrap_or_default());
            let name = pg_text(r, 2).unwrap_or_default();
            let data_type = pg_text(r, 3).unwrap_or_default();
            let (typtype, typname) = (pg_text(r, 4).unwrap_or_default(), pg_text(r, 5).unwrap_or_default());
            let mut column = Column::new(name.clone(), data_type.clone());
            column.nullable = !pg_bool(r, 6);
            let default = pg_text(r, 7);
            match pg_text(r, 8).as_deref() {
                Some("a") => column.generated = Some("identity always".to_owned()),
                Some("d") => column.generated = Some("identity".to_owned()),
                _ => {}
            }
            if pg_text(r, 9).as_deref() == Some("s") {
                column.computed = default;
                column.stored = true;
            } else {
                if column.generated.is_none() && default.as_deref().is_some_and(|d| d.starts_with("nextval(")) {
                    column.generated = Some("serial".to_owned());
                }
                column.default = default;
            }
            column.comment = pg_text(r, 10);
            column.collation = pg_text(r, 11);
            match typtype.as_str() {
                "e" => {
                    column.user_type = Some(typname.clone());
                    column.property_type = "String".to_owned();
                    column.type_name = typname.clone();
                }
                "d" => {
                    column.user_type = Some(typname.clone());
                    let base = pg_text(r, 13).unwrap_or_default();
                    column.property_type = property_type_of(&base).to_owned();
                    column.type_name = base_type(&base);
                }
                _ => {}
            }
            if pg_text(r, 14).as_deref() == Some("A") {
                let element = pg_text(r, 12).unwrap_or_default();
                let inner = property_type_of(&element);
                column.property_type = if inner == "Any" {
                    "[\"Any\"]".to_owned()
                } else {
                    format!("[\"{inner}\"]")
                };
                column.element_type = Some(element);
            }
            let (length, precision, scale) = type_parameters(&data_type, &column.property_type);
            (column.length, column.precision, column.scale) = (length, precision, scale);
            if column.property_type == "Any" || column.property_type == "[\"Any\"]" {
                catalog.warn(
                    "unsupported-type",
                    format!("{}.{}.{name}", key.0, key.1),
                    format!(
                        "`{}.{name}` has type `{data_type}`, which maps to no property type; it is read as text",
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
        for r in &constraints {
            let key = (pg_text(r, 0).unwrap_or_default(), pg_text(r, 1).unwrap_or_default());
            let Some(t) = tables.get_mut(&key) else {
                let parent = partition_of.get(&key).map(|p| (key.0.clone(), p.clone()));
                if let (Some(parent), Some("f")) = (parent, pg_text(r, 3).as_deref()) {
                    if let Some(t) = tables.get_mut(&parent) {
                        let fk = ForeignKey {
                            name: pg_text(r, 2),
                            columns: pg_texts(r, 4).into_iter().flatten().collect(),
                            target_schema: pg_text(r, 5).unwrap_or_default(),
                            target_table: pg_text(r, 6).unwrap_or_default(),
                            target_columns: pg_texts(r, 7).into_iter().flatten().collect(),
                            on_delete: pg_action(pg_text(r, 8)),
                            on_update: pg_action(pg_text(r, 9)),
                        };
                        let same = |k: &ForeignKey| {
                            (&k.columns, &k.target_schema, &k.target_table, &k.target_columns)
                                == (&fk.columns, &fk.target_schema, &fk.target_table, &fk.target_columns)
                        };
                        // The first partition's name, in name order.
                        match t.foreign_keys.iter_mut().find(|k| same(k)) {
                            Some(k) if k.name > fk.name => k.name = fk.name,
                            Some(_) => {}
                            None => t.foreign_keys.push(fk),
                        }
                    }
                }
                continue;
            };
            let name = pg_text(r, 2);
            let cols: Vec<String> = pg_texts(r, 4).into_iter().flatten().collect();
            match pg_text(r, 3).as_deref() {
                Some("p") => t.primary_key = Some(Key { name, columns: cols }),
                Some("u") => t.unique.push(Key { name, columns: cols }),
                Some("f") => t.foreign_keys.push(ForeignKey {
                    name,
                    columns: cols,
                    target_schema: pg_text(r, 5).unwrap_or_default(),
                    target_table: pg_text(r, 6).unwrap_or_default(),
                    target_columns: pg_texts(r, 7).into_iter().flatten().collect(),
                    on_delete: pg_action(pg_text(r, 8)),
                    on_update: pg_action(pg_text(r, 9)),
                }),
                Some("c") => t.checks.push(Check {
                    name,
                    expression: pg_text(r, 10).unwrap_or_default(),
                }),
                _ => {}
            }
        }
        for r in &indexes {
            let key = (pg_text(r, 0).unwrap_or_default(), pg_text(r, 1).unwrap_or_default());
            let Some(t) = tables.get_mut(&key) else { continue };
            let columns = pg_texts(r, 7);
            let defs = pg_texts(r, 8);
            let dirs = pg_texts(r, 9);
            let method = pg_text(r, 5).filter(|m| m != "btree");
            let index = Index {
                name: pg_text(r, 2).unwrap_or_default(),
                unique: pg_bool(r, 3),
                primary: pg_bool(r, 4),
                predicate: pg_text(r, 6),
                method,
                parts: columns
                    .into_iter()
                    .enumerate()
                    .map(|(k, column)| IndexPart {
                        expression: if column.is_none() {
                            defs.get(k).cloned().flatten()
                        } else {
                            None
                        },
                        column,
                        descending: dirs.get(k).cloned().flatten().as_deref() == Some("DESC"),
                    })
                    .collect(),
            };
            if index.parts.iter().any(|p| p.expression.is_some()) {
                catalog.warn(
                    "expression-index",
                    format!("{}.{}.{}", key.0, key.1, index.name),
                    format!(
                        "index `{}` of `{}` is on an expression, which a model property cannot declare",
                        index.name, key.1
                    ),
                );
            }
            t.indexes.push(index);
        }
        for r in &types {
            let schema = pg_text(r, 0).unwrap_or_default();
            let Some(s) = out.get_mut(&schema) else { continue };
            let name = pg_text(r, 1).unwrap_or_default();
            if pg_text(r, 2).as_deref() == Some("e") {
                s.enums.push(EnumType {
                    name,
                    values: pg_texts(r, 3).into_iter().flatten().collect(),
                });
            } else {
                let names = pg_texts(r, 8);
                s.domains.push(Domain {
                    name,
                    base_type: pg_text(r, 4).unwrap_or_default(),
                    nullable: !pg_bool(r, 5),
                    default: pg_text(r, 6),
                    checks: pg_texts(r, 7)
                        .into_iter()
                        .zip(names)
                        .map(|(def, name)| Check {
                            name,
                            expression: def.unwrap_or_default(),
                        })
                        .collect(),
                });
            }
        }
        for ((schema, _), t) in tables {
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
