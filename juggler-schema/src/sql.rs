//! SQL rendering per dialect: identifiers, column types and DDL. No driver:
//! the runtime binds values, this module only writes text, and every name it
//! writes comes from a definition, quoted.

use crate::definition::{ModelDefinition, PropertyDefinition};
use crate::relations::{foreign_keys, ForeignKey};
use crate::types::PropertyType;

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35+.
    Sqlite,
    /// PostgreSQL 12+.
    Postgres,
    /// MySQL 8 / MariaDB 10.5+.
    MySql,
}

/// How a property's value is held in a column, which decides how it is bound
/// and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A 16-bit integer column.
    SmallInt,
    /// A 32-bit integer column.
    Int,
    /// A 64-bit integer column.
    BigInt,
    /// A floating-point column.
    Float,
    /// A boolean column.
    Bool,
    /// A text column.
    Text,
    /// Bytes.
    Bytes,
    /// JSON kept as text (objects, arrays, embedded models, GeoPoints).
    Json,
    /// An exact decimal: `NUMERIC` (PostgreSQL), `DECIMAL` (MySQL), text
    /// compared as a number (SQLite, which has no exact decimal type).
    Decimal,
    /// A PostgreSQL array of the element kind (`Text`, `BigInt`, `Float` or
    /// `Bool`); lists are `Json` on the other databases.
    TextArray,
    /// `bigint[]`.
    BigIntArray,
    /// `double precision[]`.
    FloatArray,
    /// `boolean[]`.
    BoolArray,
    /// A native date / time column (`TIMESTAMPTZ`, `TIMESTAMP`, `DATE`,
    /// `TIME` on PostgreSQL; `DATETIME`, `TIMESTAMP`, `DATE`, `TIME` on
    /// MySQL). Values are canonical text (see `juggler::types`), bound as the
    /// date, time or timestamp their shape says and read back from the
    /// column's type. SQLite has no date type: dates are `Text` there, and
    /// wherever the `dataType` is a text type.
    DateTime,
}

/// The array kind a PostgreSQL array type names (`text[]`, `bigint[]`, ..).
fn array_kind(data_type: &str) -> Option<ColumnKind> {
    let element = data_type.trim().strip_suffix("[]")?;
    let mut buf = [0u8; 32];
    Some(match type_name(element, &mut buf) {
        "text" | "varchar" | "character varying" | "char" | "character" => ColumnKind::TextArray,
        "bigint" | "int8" | "integer" | "int" | "int4" | "smallint" | "int2" => ColumnKind::BigIntArray,
        "double precision" | "float8" | "real" | "float4" => ColumnKind::FloatArray,
        "boolean" | "bool" => ColumnKind::BoolArray,
        _ => return None,
    })
}

impl Dialect {
    /// The database's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL",
        }
    }

    /// The connector key of LoopBack's per-connector settings.
    pub fn connector_key(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgresql",
            Dialect::MySql => "mysql",
        }
    }

    /// Quotes an identifier (`"name"`, or `` `name` `` on MySQL), doubling any
    /// quote inside it.
    pub fn quote(self, ident: &str) -> String {
        match self {
            Dialect::MySql => format!("`{}`", ident.replace('`', "``")),
            _ => format!("\"{}\"", ident.replace('"', "\"\"")),
        }
    }

    /// The `n`-th (1-based) bind placeholder: `?` or `$n`.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        }
    }

    /// The most bind parameters one statement may carry.
    pub fn max_binds(self) -> usize {
        match self {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres | Dialect::MySql => 65_535,
        }
    }
}

/// The quoted, schema-qualified table of `def` on `dialect`.
pub fn table_ref(def: &ModelDefinition, dialect: Dialect) -> String {
    let key = dialect.connector_key();
    let table = def.table_name(Some(key));
    let schema = def
        .settings
        .connector(key)
        .and_then(|c| c.schema.as_deref())
        .or(def.settings.schema.as_deref());
    match (schema, dialect) {
        (Some(s), Dialect::Postgres | Dialect::MySql) => {
            format!("{}.{}", dialect.quote(s), dialect.quote(table))
        }
        _ => dialect.quote(table),
    }
}

/// The quoted column of property `name`.
pub fn column_ref(name: &str, prop: &PropertyDefinition, dialect: Dialect) -> String {
    dialect.quote(prop.column(name, Some(dialect.connector_key())))
}

/// `data_type` up to its first `(`, trimmed and lower-cased into `buf`
/// (no allocation: this runs for every column of every read). Names longer
/// than the buffer come back empty, which matches no known type.
fn type_name<'b>(data_type: &str, buf: &'b mut [u8; 32]) -> &'b str {
    let head = data_type.split('(').next().unwrap_or("").trim();
    if head.len() > buf.len() {
        return "";
    }
    let out = &mut buf[..head.len()];
    out.copy_from_slice(head.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).unwrap_or("")
}

fn int_kind(data_type: &str) -> Option<ColumnKind> {
    let mut buf = [0u8; 32];
    Some(match type_name(data_type, &mut buf) {
        "smallint" | "int2" | "tinyint" | "smallserial" => ColumnKind::SmallInt,
        "integer" | "int" | "int4" | "mediumint" | "serial" => ColumnKind::Int,
        "bigint" | "int8" | "bigserial" => ColumnKind::BigInt,
        _ => return None,
    })
}

/// Whether a `dataType` names an exact decimal (`decimal`, `numeric(10,2)`, ..).
pub fn is_decimal_type(data_type: &str) -> bool {
    let mut buf = [0u8; 32];
    matches!(type_name(data_type, &mut buf), "decimal" | "numeric" | "money")
}

/// The column kind of a property.
pub fn column_kind(prop: &PropertyDefinition, dialect: Dialect) -> ColumnKind {
    let data_type = prop
        .connector(dialect.connector_key())
        .and_then(|m| m.data_type.as_deref())
        .or(prop.data_type.as_deref());
    match &prop.property_type {
        PropertyType::Array(_) if dialect == Dialect::Postgres => {
            data_type.and_then(array_kind).unwrap_or(ColumnKind::Json)
        }
        PropertyType::Number if data_type.is_some_and(is_decimal_type) => ColumnKind::Decimal,
        // LoopBack's most common id, `{"type": "number", "id": true,
        // "generated": true}`: an integer sequence.
        PropertyType::Number if data_type.is_none() && prop.generated && prop.id.is_some() => ColumnKind::BigInt,
        PropertyType::Number => match data_type.and_then(int_kind) {
            Some(ColumnKind::SmallInt) if dialect == Dialect::Sqlite => ColumnKind::BigInt,
            Some(ColumnKind::Int) if dialect == Dialect::Sqlite => ColumnKind::BigInt,
            Some(k) => k,
            None => ColumnKind::Float,
        },
        PropertyType::Boolean => ColumnKind::Bool,
        PropertyType::Date if dialect == Dialect::Sqlite || data_type.is_some_and(is_text_type) => ColumnKind::Text,
        PropertyType::Date => ColumnKind::DateTime,
        PropertyType::String => ColumnKind::Text,
        PropertyType::Buffer => ColumnKind::Bytes,
        _ => ColumnKind::Json,
    }
}

/// The PostgreSQL type a text property's column really has when it is not
/// a text type (an enum type, `uuid`, `inet`, `tsvector`, `money`, ...):
/// juggler then reads the column as `col::text` and writes `CAST($n AS type)`,
/// so such columns of existing databases read and write as text. `None` on
/// the other databases (they convert text themselves) and for text columns,
/// and for a `dataType` that is not a plain type name (never written into SQL).
pub fn text_cast(prop: &PropertyDefinition, dialect: Dialect) -> Option<&str> {
    if dialect != Dialect::Postgres || column_kind(prop, dialect) != ColumnKind::Text {
        return None;
    }
    let t = prop
        .connector(dialect.connector_key())
        .and_then(|m| m.data_type.as_deref())
        .or(prop.data_type.as_deref())?;
    (!is_text_type(t) && crate::check::data_type(t).is_ok()).then_some(t)
}

/// Whether a `dataType` names a text type (`varchar(20)`, `TEXT`,
/// `character varying`, ...).
pub fn is_text_type(data_type: &str) -> bool {
    let t = data_type.trim().to_ascii_lowercase();
    [
        "text",
        "varchar",
        "char",
        "character",
        "nvarchar",
        "nchar",
        "longtext",
        "mediumtext",
        "tinytext",
        "string",
        "clob",
        "bpchar",
        "citext",
        "name",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// The column type in DDL: the per-connector or generic `dataType` when
/// given, else a type for the kind.
pub fn column_type(prop: &PropertyDefinition, dialect: Dialect) -> String {
    let kind = column_kind(prop, dialect);
    let given = prop
        .connector(dialect.connector_key())
        .and_then(|m| m.data_type.as_deref())
        .or(prop.data_type.as_deref());
    if kind == ColumnKind::Decimal {
        return decimal_type(prop, dialect);
    }
    if kind == ColumnKind::Json && given.is_some_and(|t| t.trim_end().ends_with("[]")) {
        // An array type where there are no arrays: JSON text.
        return if dialect == Dialect::MySql {
            "LONGTEXT".into()
        } else {
            "TEXT".into()
        };
    }
    if let Some(t) = given {
        if kind != ColumnKind::SmallInt && kind != ColumnKind::Int && kind != ColumnKind::BigInt {
            return t.to_owned();
        }
    }
    let indexed = prop.id.is_some() || prop.index.is_some();
    match (kind, dialect) {
        (ColumnKind::SmallInt, Dialect::Sqlite)
        | (ColumnKind::Int, Dialect::Sqlite)
        | (ColumnKind::BigInt, Dialect::Sqlite) => "INTEGER".into(),
        (ColumnKind::SmallInt, _) => "SMALLINT".into(),
        (ColumnKind::Int, Dialect::MySql) => "INT".into(),
        (ColumnKind::Int, _) => "INTEGER".into(),
        (ColumnKind::BigInt, _) => "BIGINT".into(),
        (ColumnKind::Float, Dialect::Postgres) => "DOUBLE PRECISION".into(),
        (ColumnKind::Float, Dialect::MySql) => "DOUBLE".into(),
        (ColumnKind::Float, Dialect::Sqlite) => "REAL".into(),
        (ColumnKind::Bool, Dialect::Sqlite) => "BOOLEAN".into(),
        (ColumnKind::Bool, _) => "BOOLEAN".into(),
        (ColumnKind::Text, Dialect::MySql) => match prop.length {
            Some(n) if n <= 16_383 => format!("VARCHAR({n}) COLLATE utf8mb4_bin"),
            _ if indexed => "VARCHAR(255) COLLATE utf8mb4_bin".into(),
            _ => "LONGTEXT COLLATE utf8mb4_bin".into(),
        },
        (ColumnKind::Text, Dialect::Postgres) => match prop.length {
            Some(n) => format!("VARCHAR({n})"),
            None => "TEXT".into(),
        },
        // SQLite does not enforce a length, but the declared type keeps it
        // (schema sync sees a narrowed length like elsewhere).
        (ColumnKind::Text, Dialect::Sqlite) => match prop.length {
            Some(n) => format!("VARCHAR({n})"),
            None => "TEXT".into(),
        },
        (ColumnKind::Bytes, Dialect::Postgres) => "BYTEA".into(),
        (ColumnKind::Bytes, Dialect::MySql) => "LONGBLOB".into(),
        (ColumnKind::Bytes, Dialect::Sqlite) => "BLOB".into(),
        (ColumnKind::Decimal, _) => decimal_type(prop, dialect),
        (ColumnKind::TextArray, _) => "TEXT[]".into(),
        (ColumnKind::BigIntArray, _) => "BIGINT[]".into(),
        (ColumnKind::FloatArray, _) => "DOUBLE PRECISION[]".into(),
        (ColumnKind::BoolArray, _) => "BOOLEAN[]".into(),
        (ColumnKind::Json, Dialect::MySql) => "LONGTEXT".into(),
        (ColumnKind::Json, _) => "TEXT".into(),
        // Microseconds, the precision of juggler's canonical form (MySQL's
        // plain `DATETIME` would round them away).
        (ColumnKind::DateTime, Dialect::Postgres) => "TIMESTAMPTZ".into(),
        (ColumnKind::DateTime, Dialect::MySql) => "DATETIME(6)".into(),
        (ColumnKind::DateTime, Dialect::Sqlite) => "TEXT".into(),
    }
}

/// The column's `DEFAULT` in DDL: the database expression a discovered
/// definition carries (`"default"` in its connector settings), else the
/// property's `default` when it is a string, number or boolean literal.
/// Strings are quoted here (quotes doubled, and backslashes on MySQL).
pub fn default_sql(prop: &PropertyDefinition, dialect: Dialect) -> Option<String> {
    if let Some(expr) = prop
        .connector(dialect.connector_key())
        .and_then(|m| m.extra.get("default"))
        .and_then(|d| d.as_str())
    {
        return Some(expr.to_owned());
    }
    if !matches!(
        prop.property_type,
        PropertyType::String | PropertyType::Number | PropertyType::Boolean
    ) {
        return None;
    }
    match prop.default.as_ref()? {
        serde_json::Value::String(s) => Some(string_literal(s, dialect)),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        _ => None,
    }
}

/// `'text'` as a SQL string literal: quotes doubled, and backslashes on
/// MySQL (which reads them as escapes).
fn string_literal(text: &str, dialect: Dialect) -> String {
    let mut s = text.replace('\'', "''");
    if dialect == Dialect::MySql {
        s = s.replace('\\', "\\\\");
    }
    format!("'{s}'")
}

/// `"col" IN ('a', 'b')` for a text property limited to the values of a
/// `#[derive(Enum)]` type (`"enum"` in its definition), unless its column
/// has a type of its own (a PostgreSQL enum type, a MySQL `ENUM`).
pub fn enum_check(name: &str, prop: &PropertyDefinition, dialect: Dialect) -> Option<String> {
    let values = prop.extra.get("enum")?.as_array()?;
    if column_kind(prop, dialect) != ColumnKind::Text {
        return None;
    }
    let given = prop
        .connector(dialect.connector_key())
        .and_then(|m| m.data_type.as_deref())
        .or(prop.data_type.as_deref());
    if given.is_some_and(|t| !is_text_type(t)) {
        return None;
    }
    let literals: Vec<String> = values
        .iter()
        .filter_map(|v| v.as_str())
        .map(|v| string_literal(v, dialect))
        .collect();
    if literals.is_empty() {
        return None;
    }
    Some(format!(
        "{} IN ({})",
        column_ref(name, prop, dialect),
        literals.join(", ")
    ))
}

/// Whether the model's single id is generated by the database.
pub fn generated_id(def: &ModelDefinition) -> Option<(&str, &PropertyDefinition)> {
    let ids = def.id_properties();
    match ids.as_slice() {
        [one] => def
            .properties
            .get_key_value(*one)
            .filter(|(_, p)| p.generated && p.property_type == PropertyType::Number)
            .map(|(n, p)| (n.as_str(), p)),
        _ => None,
    }
}

/// The column type of a decimal: `precision` / `scale` when given. SQLite
/// keeps the exact text (a `DECIMAL` column there would turn it into a
/// float); MySQL without a scale gets the widest one `rust_decimal` reads.
fn decimal_type(prop: &PropertyDefinition, dialect: Dialect) -> String {
    let name = match dialect {
        Dialect::Sqlite => return "TEXT".into(),
        Dialect::Postgres => "NUMERIC",
        Dialect::MySql => "DECIMAL",
    };
    match (prop.precision, prop.scale, dialect) {
        (Some(p), Some(s), _) => format!("{name}({p},{s})"),
        (Some(p), None, _) => format!("{name}({p})"),
        (None, _, Dialect::MySql) => "DECIMAL(65,28)".into(),
        (None, _, _) => name.into(),
    }
}

/// `CREATE TABLE` and its indexes.
pub fn create_table_sql(def: &ModelDefinition, dialect: Dialect) -> Vec<String> {
    create_table_inner(def, &[], &[], dialect, false)
}

/// The column type of `name`: [`column_type`], except that a foreign key
/// among `fks` declared a plain `number` (no `dataType`) takes the type of
/// the id it references, so `customerId` is a `BIGINT` like the generated
/// `Customer.id` it points at (a `DOUBLE` could not reference it).
pub fn key_aware_column_type(
    name: &str,
    prop: &PropertyDefinition,
    fks: &[ForeignKey],
    defs: &[&ModelDefinition],
    dialect: Dialect,
) -> String {
    let plain_number = prop.property_type == PropertyType::Number
        && prop.data_type.is_none()
        && prop
            .connector(dialect.connector_key())
            .and_then(|m| m.data_type.as_deref())
            .is_none();
    let target = fks
        .iter()
        .find(|fk| fk.property == name)
        .filter(|_| plain_number && prop.id.is_none())
        .and_then(|fk| defs.iter().find(|d| d.name == fk.model).map(|d| (d, fk)));
    match target {
        Some((target, fk)) => match (generated_id(target), target.properties.get(&fk.references)) {
            (Some((id, _)), _) if id == fk.references => match dialect {
                Dialect::Sqlite => "INTEGER".into(),
                _ => "BIGINT".into(),
            },
            (_, Some(referenced)) => column_type(referenced, dialect),
            _ => column_type(prop, dialect),
        },
        None => column_type(prop, dialect),
    }
}

/// `CREATE TABLE` with `fks` inline (SQLite, which cannot add them later);
/// `defs` type the keys (see [`key_aware_column_type`]).
fn create_table_with_keys(
    def: &ModelDefinition,
    fks: &[ForeignKey],
    defs: &[&ModelDefinition],
    dialect: Dialect,
) -> Vec<String> {
    create_table_inner(def, fks, defs, dialect, dialect == Dialect::Sqlite)
}

fn create_table_inner(
    def: &ModelDefinition,
    fks: &[ForeignKey],
    defs: &[&ModelDefinition],
    dialect: Dialect,
    inline_keys: bool,
) -> Vec<String> {
    let table = table_ref(def, dialect);
    let generated = generated_id(def).map(|(n, _)| n);
    let ids = def.id_properties();
    let mut columns = Vec::with_capacity(def.properties.len() + 1);
    for (name, prop) in &def.properties {
        let col = column_ref(name, prop, dialect);
        if generated == Some(name.as_str()) {
            columns.push(match dialect {
                Dialect::Sqlite => format!("{col} INTEGER PRIMARY KEY AUTOINCREMENT"),
                Dialect::Postgres => {
                    format!("{col} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
                }
                Dialect::MySql => format!("{col} BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"),
            });
            continue;
        }
        let mut line = format!("{col} {}", key_aware_column_type(name, prop, fks, defs, dialect));
        if !prop.is_nullable() || prop.id.is_some() {
            line.push_str(" NOT NULL");
        }
        if let Some(default) = default_sql(prop, dialect) {
            line.push_str(" DEFAULT ");
            line.push_str(&default);
        }
        if let Some(check) = enum_check(name, prop, dialect) {
            line.push_str(&format!(" CHECK ({check})"));
        }
        columns.push(line);
    }
    if generated.is_none() && !ids.is_empty() {
        let cols: Vec<String> = ids
            .iter()
            .filter_map(|n| def.properties.get(*n).map(|p| column_ref(n, p, dialect)))
            .collect();
        columns.push(format!("PRIMARY KEY ({})", cols.join(", ")));
    }
    for fk in fks.iter().filter(|_| inline_keys) {
        if let Some(clause) = references_clause(def, fk, defs, dialect) {
            columns.push(clause);
        }
    }
    let mut out = vec![format!("CREATE TABLE {table} (\n  {}\n)", columns.join(",\n  "))];
    let bare_table = def.table_name(Some(dialect.connector_key()));
    for (name, prop) in &def.properties {
        let Some(index) = &prop.index else { continue };
        // The key of a one-column id is its index already.
        if prop.id.is_some() && def.id_properties().len() == 1 {
            continue;
        }
        let unique = if index.is_unique() { "UNIQUE " } else { "" };
        let column = prop.column(name, Some(dialect.connector_key()));
        let index_name = dialect.quote(&crate::check::fit_name(
            &format!(
                "{bare_table}_{column}_{}",
                if index.is_unique() { "key" } else { "idx" }
            ),
            dialect,
        ));
        // The index lands in the table's schema (PostgreSQL) or database (MySQL) by itself.
        let on = format!(
            "CREATE {unique}INDEX {index_name} ON {table} ({})",
            dialect.quote(column)
        );
        out.push(on);
    }
    out
}

/// `FOREIGN KEY (col) REFERENCES table (id)`, or `None` when a side is missing.
fn references_clause(
    def: &ModelDefinition,
    fk: &ForeignKey,
    defs: &[&ModelDefinition],
    dialect: Dialect,
) -> Option<String> {
    let target = defs.iter().find(|d| d.name == fk.model)?;
    let column = column_ref(&fk.property, def.properties.get(&fk.property)?, dialect);
    let referenced = column_ref(&fk.references, target.properties.get(&fk.references)?, dialect);
    Some(format!(
        "FOREIGN KEY ({column}) REFERENCES {} ({referenced})",
        table_ref(target, dialect)
    ))
}

/// Every statement that re-creates the tables of `defs` (destroying their
/// data): drops with referencing tables first, creates, then the foreign keys
/// the relations among `defs` imply (inline on SQLite, `ALTER TABLE` after all
/// tables exist elsewhere). Views are dropped but not created.
pub fn migration_sql(defs: &[&ModelDefinition], dialect: Dialect) -> Vec<String> {
    let order = parents_first(defs);
    let mut out: Vec<String> = order.iter().rev().map(|d| drop_table_sql(d, dialect)).collect();
    let mut later = Vec::new();
    for def in &order {
        if def.settings.view {
            continue;
        }
        let fks = foreign_keys(def, defs);
        out.extend(create_table_with_keys(def, &fks, defs, dialect));
        if dialect == Dialect::Sqlite {
            continue;
        }
        let bare = def.table_name(Some(dialect.connector_key()));
        for fk in &fks {
            let Some(clause) = references_clause(def, fk, defs, dialect) else {
                continue;
            };
            let column = def.properties.get(&fk.property).map_or(fk.property.as_str(), |p| {
                p.column(&fk.property, Some(dialect.connector_key()))
            });
            let name = dialect.quote(&crate::check::fit_name(&format!("{bare}_{column}_fkey"), dialect));
            later.push(format!(
                "ALTER TABLE {} ADD CONSTRAINT {name} {clause}",
                table_ref(def, dialect)
            ));
        }
    }
    out.extend(later);
    out
}

/// `defs` ordered so a referenced model comes before the ones referencing it
/// (cycles keep their given order).
fn parents_first<'a>(defs: &[&'a ModelDefinition]) -> Vec<&'a ModelDefinition> {
    let mut placed: Vec<&ModelDefinition> = Vec::with_capacity(defs.len());
    let mut pending: Vec<&ModelDefinition> = defs.to_vec();
    while !pending.is_empty() {
        let ready = pending.iter().position(|d| {
            foreign_keys(d, defs)
                .iter()
                .all(|fk| fk.model == d.name || placed.iter().any(|p| p.name == fk.model))
        });
        placed.push(pending.remove(ready.unwrap_or(0)));
    }
    placed
}

/// `DROP TABLE IF EXISTS`.
pub fn drop_table_sql(def: &ModelDefinition, dialect: Dialect) -> String {
    format!("DROP TABLE IF EXISTS {}", table_ref(def, dialect))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> ModelDefinition {
        ModelDefinition::from_json(
            r#"{"name": "Customer", "options": {"table": "customers"}, "properties": {
                "id": {"type": "Number", "id": 1, "generated": true, "dataType": "bigint"},
                "name": {"type": "String", "length": 64, "nullable": false},
                "email": {"type": "String", "index": {"unique": true}},
                "age": {"type": "Number", "dataType": "integer"},
                "score": {"type": "Number"},
                "vip": {"type": "Boolean", "nullable": false},
                "meta": {"type": "Object"}}}"#,
        )
        .expect("valid")
    }

    #[test]
    fn postgres_ddl() {
        assert_eq!(
            create_table_sql(&def(), Dialect::Postgres),
            vec![
                "CREATE TABLE \"customers\" (\n  \"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  \
                 \"name\" VARCHAR(64) NOT NULL,\n  \"email\" TEXT,\n  \"age\" INTEGER,\n  \
                 \"score\" DOUBLE PRECISION,\n  \"vip\" BOOLEAN NOT NULL,\n  \"meta\" TEXT\n)",
                "CREATE UNIQUE INDEX \"customers_email_key\" ON \"customers\" (\"email\")",
            ]
        );
    }

    #[test]
    fn mysql_ddl_is_case_sensitive_text() {
        let ddl = create_table_sql(&def(), Dialect::MySql);
        assert!(
            ddl[0].contains("`email` VARCHAR(255) COLLATE utf8mb4_bin"),
            "{}",
            ddl[0]
        );
        assert!(
            ddl[0].contains("`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"),
            "{}",
            ddl[0]
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(Dialect::Postgres.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::MySql.quote("a`b"), "`a``b`");
    }
}
