//! The catalog: what a database holds, losslessly, as plain data.
//!
//! Discovery reads a live database into a [`Catalog`]; schema sync diffs a
//! desired catalog against it; code generation turns it into Rust. Its JSON
//! form, `{"format": "juggler-catalog", "version": 1, "dialect": .., ...}`,
//! is the snapshot users commit: [`Catalog::to_json`] sorts every list that
//! has no order of its own (schemas, tables, views, keys by name) and keeps
//! the ones that do (columns, key columns, enum values), so the same
//! database gives the same bytes.
//!
//! ```
//! use juggler_schema::catalog::{Catalog, Column, Schema, Table};
//!
//! let mut catalog = Catalog::new("sqlite");
//! let mut table = Table::new("note");
//! table.columns.push(Column::new("id", "INTEGER"));
//! catalog.schemas.push(Schema { name: "main".into(), tables: vec![table], ..Schema::default() });
//! let text = catalog.to_json();
//! assert!(text.starts_with("{\n  \"format\": \"juggler-catalog\",\n  \"version\": 1,"));
//! assert_eq!(Catalog::from_json(&text)?.to_json(), text);
//! # Ok::<(), juggler_schema::catalog::CatalogError>(())
//! ```

use serde::{Deserialize, Serialize};

/// The `format` of a catalog file.
pub const FORMAT: &str = "juggler-catalog";
/// The `version` this crate writes and reads.
pub const VERSION: u32 = 1;

fn is_false(b: &bool) -> bool {
    !*b
}

/// A database's schemas, as discovered (or as definitions want them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// `sqlite`, `postgres` or `mysql`.
    pub dialect: String,
    /// Schemas (PostgreSQL), databases (MySQL) or attached databases (SQLite).
    #[serde(default)]
    pub schemas: Vec<Schema>,
    /// What cannot become a model property one to one.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// One schema.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Its name, exactly as the database spells it.
    pub name: String,
    /// Tables (a partitioned table once, with its partitions listed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
    /// Views and materialized views.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
    /// Enum types (PostgreSQL `CREATE TYPE .. AS ENUM`), values in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Domains (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Its name, exactly as the database spells it.
    pub name: String,
    /// Columns in table order.
    pub columns: Vec<Column>,
    /// The primary key, columns in key order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<Key>,
    /// Unique constraints, columns in key order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unique: Vec<Key>,
    /// Foreign keys, column pairs in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes (those behind the primary key and unique constraints too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// Check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// The table's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// How a partitioned table is partitioned (`RANGE (payment_date)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitioned_by: Option<String>,
    /// Its partitions, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<String>,
    /// Tables it inherits from (PostgreSQL `INHERITS`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<String>,
    /// SQLite `WITHOUT ROWID`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_rowid: bool,
    /// SQLite `STRICT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Its name, exactly as the database spells it.
    pub name: String,
    /// The database's own type with its parameters (`character varying(64)`,
    /// `numeric(5,2)`, `enum('G','PG')`, `integer[]`, SQLite's declared type).
    pub data_type: String,
    /// The type's name without parameters (`varchar`, `numeric`, `int4`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub type_name: String,
    /// The mapped LoopBack property type (`String`, `Number`, `Boolean`,
    /// `Date`, `Buffer`, `Object`, `["String"]`, `Any`).
    pub property_type: String,
    /// Maximum length of text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    /// Numeric precision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u64>,
    /// Numeric scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u64>,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default, as the database's expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// How the database fills it in, when it does: `identity`,
    /// `identity always`, `serial`, `auto_increment`, `rowid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// A generated (computed) column's expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// Whether a computed column is stored (else virtual).
    #[serde(default, skip_serializing_if = "is_false")]
    pub stored: bool,
    /// The element type of an array column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element_type: Option<String>,
    /// A named type the column uses: an enum or domain (`mpaa_rating`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// Values of a MySQL `ENUM` / `SET`, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// MySQL `UNSIGNED`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unsigned: bool,
    /// The column's collation, when it is not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The column's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// The constraint's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Columns in key order.
    pub columns: Vec<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The constraint's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Columns of this table, in order.
    pub columns: Vec<String>,
    /// The referenced table's schema.
    pub target_schema: String,
    /// The referenced table.
    pub target_table: String,
    /// The referenced columns, paired with `columns` in order.
    pub target_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT` or `NO ACTION`.
    pub on_delete: String,
    /// As `on_delete`.
    pub on_update: String,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// Its parts, in order.
    pub parts: Vec<IndexPart>,
    /// Whether it is unique.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Whether it backs the primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
    /// A partial index's predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// Its method when it is not the default (`gist`, `gin`, `FULLTEXT`, `SPATIAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// One part of an index: a column or an expression.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexPart {
    /// The column, when the part is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The expression, when the part is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Descending order.
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its expression.
    pub expression: String,
}

/// A view.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// Its name.
    pub name: String,
    /// Its query.
    pub definition: String,
    /// A PostgreSQL materialized view.
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    /// Its comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An enum type, values in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    /// Its name.
    pub name: String,
    /// Its values, in the database's order.
    pub values: Vec<String>,
}

/// A domain: a base type with constraints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Its name.
    pub name: String,
    /// The base type (`integer`).
    pub base_type: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Its default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Its check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

/// Something that cannot become a model property one to one, with a stable
/// code: `no-primary-key`, `unsupported-type`, `partitioned-table`,
/// `inherited-table`, `expression-index`, `fk-to-unique-key`, ...
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// The stable code.
    pub code: String,
    /// The object it concerns: `schema.table` or `schema.table.column`.
    pub object: String,
    /// A sentence saying what and why.
    pub message: String,
}

/// What to discover.
///
/// ```
/// use juggler_schema::catalog::DiscoverOptions;
/// let options = DiscoverOptions { tables: vec!["film".into(), "actor".into()], ..DiscoverOptions::default() };
/// assert!(options.wants("film") && !options.wants("rental"));
/// assert!(options.views);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoverOptions {
    /// Schemas to read (PostgreSQL schemas, MySQL databases, SQLite attached
    /// databases); empty: the connection's current one.
    pub schemas: Vec<String>,
    /// Only these tables and views (empty: all).
    pub tables: Vec<String>,
    /// Never these tables and views.
    pub exclude: Vec<String>,
    /// Whether to read views (default true).
    pub views: bool,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            schemas: Vec::new(),
            tables: Vec::new(),
            exclude: Vec::new(),
            views: true,
        }
    }
}

impl DiscoverOptions {
    /// Whether the table or view `name` is wanted.
    pub fn wants(&self, name: &str) -> bool {
        (self.tables.is_empty() || self.tables.iter().any(|t| t == name)) && !self.exclude.iter().any(|t| t == name)
    }
}

/// A catalog file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// Malformed JSON, or not a catalog's shape.
    #[error("invalid catalog at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// A `format` or `version` this crate does not read.
    #[error("not a juggler catalog: {0}")]
    Format(String),
}

impl From<serde_json::Error> for CatalogError {
    fn from(err: serde_json::Error) -> Self {
        let text = err.to_string();
        let message = match text.rfind(" at line ") {
            Some(pos) => text[..pos].to_owned(),
            None => text,
        };
        CatalogError::Json {
            line: err.line(),
            column: err.column(),
            message,
        }
    }
}

impl Catalog {
    /// An empty catalog of `dialect` (`sqlite`, `postgres`, `mysql`).
    pub fn new(dialect: impl Into<String>) -> Self {
        Catalog {
            format: FORMAT.to_owned(),
            version: VERSION,
            dialect: dialect.into(),
            schemas: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Sorts what has no order of its own (schemas, tables, views, enums,
    /// domains, unique keys, foreign keys, indexes, checks, partitions,
    /// warnings), so equal catalogs serialise to equal bytes.
    pub fn normalize(&mut self) {
        self.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        for s in &mut self.schemas {
            s.tables.sort_by(|a, b| a.name.cmp(&b.name));
            s.views.sort_by(|a, b| a.name.cmp(&b.name));
            s.enums.sort_by(|a, b| a.name.cmp(&b.name));
            s.domains.sort_by(|a, b| a.name.cmp(&b.name));
            for d in &mut s.domains {
                d.checks
                    .sort_by(|a, b| (&a.name, &a.expression).cmp(&(&b.name, &b.expression)));
            }
            for t in &mut s.tables {
                t.unique
                    .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
                t.foreign_keys
                    .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
                t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
                t.checks
                    .sort_by(|a, b| (&a.name, &a.expression).cmp(&(&b.name, &b.expression)));
                t.partitions.sort();
            }
        }
        self.warnings.sort();
        self.warnings.dedup();
    }

    /// The catalog's JSON form, normalized, pretty-printed, ending in a
    /// newline: the same catalog gives the same bytes.
    pub fn to_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.normalize();
        // Plain structs of strings, numbers and lists always serialise.
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a catalog's JSON form; mistakes name the line and column.
    pub fn from_json(text: &str) -> Result<Catalog, CatalogError> {
        let catalog: Catalog = serde_json::from_str(text)?;
        if catalog.format != FORMAT {
            return Err(CatalogError::Format(format!(
                "`format` is {:?}, expected {FORMAT:?}",
                catalog.format
            )));
        }
        if catalog.version != VERSION {
            return Err(CatalogError::Format(format!(
                "`version` is {}, this juggler reads version {VERSION}",
                catalog.version
            )));
        }
        Ok(catalog)
    }

    /// The schema named `name`.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }

    /// The table `schema.name`.
    pub fn table(&self, schema: &str, name: &str) -> Option<&Table> {
        self.schema(schema)?.tables.iter().find(|t| t.name == name)
    }

    /// Foreign keys of other tables that point at `schema.table`, with the
    /// schema and table they are declared on.
    pub fn exported_keys<'a>(
        &'a self,
        schema: &'a str,
        table: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Table, &'a ForeignKey)> + 'a {
        self.schemas.iter().flat_map(move |s| {
            s.tables.iter().flat_map(move |t| {
                t.foreign_keys
                    .iter()
                    .filter(move |fk| fk.target_schema == schema && fk.target_table == table)
                    .map(move |fk| (s.name.as_str(), t, fk))
            })
        })
    }

    /// Adds the warnings every database shares: `no-primary-key` for each
    /// table without one, `fk-to-unique-key` for each foreign key that
    /// points at columns other than its target's primary key.
    pub fn add_key_warnings(&mut self) {
        let mut found = Vec::new();
        for s in &self.schemas {
            for t in &s.tables {
                let object = format!("{}.{}", s.name, t.name);
                if t.primary_key.is_none() {
                    found.push((
                        "no-primary-key",
                        object.clone(),
                        format!(
                            "`{}` has no primary key; a model of it cannot find, update or delete by id",
                            t.name
                        ),
                    ));
                }
                for fk in &t.foreign_keys {
                    let target_pk = self
                        .table(&fk.target_schema, &fk.target_table)
                        .and_then(|target| target.primary_key.as_ref());
                    if target_pk.is_some_and(|pk| pk.columns != fk.target_columns) {
                        found.push((
                            "fk-to-unique-key",
                            format!("{object}.{}", fk.name.clone().unwrap_or_else(|| fk.columns.join(","))),
                            format!(
                                "`{}.{}` refers to `{}.{}`, a unique key of `{}` that is not its primary key",
                                t.name,
                                fk.columns.join(", "),
                                fk.target_table,
                                fk.target_columns.join(", "),
                                fk.target_table
                            ),
                        ));
                    }
                }
            }
        }
        for (code, object, message) in found {
            self.warn(code, object, message);
        }
    }

    /// Adds a warning.
    pub fn warn(&mut self, code: &str, object: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            code: code.to_owned(),
            object: object.into(),
            message: message.into(),
        });
    }
}

impl Table {
    /// An empty table named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            ..Table::default()
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl Column {
    /// A nullable column of `data_type`, its property type mapped from it.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        let data_type = data_type.into();
        Column {
            name: name.into(),
            property_type: property_type_of(&data_type).to_owned(),
            type_name: base_type(&data_type),
            data_type,
            nullable: true,
            ..Column::default()
        }
    }
}

/// The type's name without parameters, lower case: `varchar` for
/// `VARCHAR(64)`, `timestamp with time zone` stays as it is.
pub fn base_type(data_type: &str) -> String {
    let t = data_type.trim();
    let t = match t.find('(') {
        Some(open) => {
            let close = t[open..].find(')').map_or(t.len(), |c| open + c + 1);
            format!("{}{}", t[..open].trim_end(), &t[close..])
        }
        None => t.to_owned(),
    };
    t.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase()
}

/// `(length, precision, scale)` from a type's parameters: `varchar(64)` ->
/// length 64, `numeric(5,2)` -> precision 5, scale 2.
pub fn type_parameters(data_type: &str, property_type: &str) -> (Option<u64>, Option<u64>, Option<u64>) {
    let Some(open) = data_type.find('(') else {
        return (None, None, None);
    };
    let inner = data_type[open + 1..].split(')').next().unwrap_or("");
    let numbers: Vec<u64> = inner.split(',').filter_map(|n| n.trim().parse().ok()).collect();
    match (property_type, numbers.as_slice()) {
        ("String", [n, ..]) => (Some(*n), None, None),
        ("Number", [p]) => (None, Some(*p), None),
        ("Number", [p, s, ..]) => (None, Some(*p), Some(*s)),
        _ => (None, None, None),
    }
}

/// The LoopBack property type a database type maps onto (`Any` for what
/// juggler does not know; discovery then warns `unsupported-type`).
pub fn property_type_of(data_type: &str) -> &'static str {
    let t = base_type(data_type);
    let t = t.trim_end_matches(" unsigned").trim_end_matches(" zerofill");
    if t.ends_with("[]") {
        return match property_type_of(t.trim_end_matches("[]")) {
            "String" => "[\"String\"]",
            "Number" => "[\"Number\"]",
            "Boolean" => "[\"Boolean\"]",
            "Date" => "[\"Date\"]",
            _ => "[\"Any\"]",
        };
    }
    match t {
        "smallint" | "integer" | "int" | "bigint" | "int2" | "int4" | "int8" | "tinyint" | "mediumint" | "serial"
        | "bigserial" | "smallserial" | "real" | "float" | "float4" | "float8" | "double" | "double precision"
        | "numeric" | "decimal" | "money" | "year" | "number" | "dec" | "fixed" | "integer unsigned" => "Number",
        "boolean" | "bool" | "bit" => "Boolean",
        "date"
        | "datetime"
        | "timestamp"
        | "timestamp without time zone"
        | "timestamp with time zone"
        | "timestamptz"
        | "time"
        | "time without time zone"
        | "time with time zone"
        | "timetz" => "Date",
        "bytea" | "blob" | "tinyblob" | "mediumblob" | "longblob" | "binary" | "varbinary" => "Buffer",
        "json" | "jsonb" => "Object",
        "text" | "varchar" | "character varying" | "char" | "character" | "bpchar" | "nchar" | "nvarchar"
        | "tinytext" | "mediumtext" | "longtext" | "clob" | "citext" | "uuid" | "inet" | "cidr" | "macaddr"
        | "enum" | "set" | "name" | "xml" | "interval" | "tsvector" | "tsquery" | "varying character"
        | "native character" | "string" => "String",
        _ => "Any",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_types() {
        assert_eq!(base_type("VARCHAR(64)"), "varchar");
        assert_eq!(base_type("numeric(5,2)"), "numeric");
        assert_eq!(base_type("timestamp(6) with time zone"), "timestamp with time zone");
        assert_eq!(base_type("int(10) unsigned"), "int unsigned");
        assert_eq!(base_type("text[]"), "text[]");
    }

    #[test]
    fn property_types() {
        assert_eq!(property_type_of("INTEGER"), "Number");
        assert_eq!(property_type_of("NVARCHAR(120)"), "String");
        assert_eq!(property_type_of("tinyint(3) unsigned"), "Number");
        assert_eq!(property_type_of("text[]"), "[\"String\"]");
        assert_eq!(property_type_of("timestamp without time zone"), "Date");
        assert_eq!(property_type_of("geometry"), "Any");
    }

    #[test]
    fn json_is_sorted_and_round_trips() {
        let mut c = Catalog::new("postgres");
        c.schemas.push(Schema {
            name: "z".into(),
            tables: vec![Table::new("b"), Table::new("a")],
            ..Schema::default()
        });
        c.schemas.push(Schema {
            name: "a".into(),
            ..Schema::default()
        });
        c.warn("no-primary-key", "z.b", "`z.b` has no primary key");
        let text = c.to_json();
        assert!(text.find("\"a\"").unwrap() < text.find("\"z\"").unwrap());
        let again = Catalog::from_json(&text).unwrap();
        assert_eq!(again.to_json(), text);
        let err = Catalog::from_json("{\"format\": \"x\", \"version\": 1, \"dialect\": \"sqlite\"}").unwrap_err();
        assert!(err.to_string().contains("not a juggler catalog"), "{err}");
        let err =
            Catalog::from_json("{\n \"format\": \"juggler-catalog\",\n \"version\": 1,\n \"dialect\": 3}").unwrap_err();
        assert!(err.to_string().contains("line 4"), "{err}");
    }
}
