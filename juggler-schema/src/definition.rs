//! [`ModelDefinition`] and its LoopBack JSON forms.

use crate::types::PropertyType;
use indexmap::IndexMap;
use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// A definition that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The JSON was malformed or did not have LoopBack's shape. The message
    /// names the line and column.
    #[error("invalid model definition at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the mistake.
        line: usize,
        /// 1-based column of the mistake.
        column: usize,
        /// What was wrong.
        message: String,
    },
}

impl From<serde_json::Error> for SchemaError {
    fn from(err: serde_json::Error) -> Self {
        let text = err.to_string();
        // serde_json appends " at line L column C"; keep the message without it.
        let message = match text.rfind(" at line ") {
            Some(pos) => text[..pos].to_owned(),
            None => text,
        };
        SchemaError::Json {
            line: err.line(),
            column: err.column(),
            message,
        }
    }
}

/// One model: its name, settings, properties (in declaration order) and
/// relations.
///
/// Serialises to LoopBack's model JSON, with the settings under `options` as
/// LoopBack's discovery writes them; reads both that form and the model-JSON
/// form with settings at the top level.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelDefinition {
    /// The model name (`Customer`).
    pub name: String,
    /// Model-level settings.
    pub settings: ModelSettings,
    /// Properties by name, in declaration order.
    pub properties: IndexMap<String, PropertyDefinition>,
    /// Relations by name.
    pub relations: IndexMap<String, RelationDefinition>,
    /// Validation rules, in the order they run.
    pub validations: Vec<ValidationRule>,
}

impl ModelDefinition {
    /// An empty definition named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        ModelDefinition {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Reads LoopBack model JSON or discovery JSON.
    pub fn from_json(json: &str) -> Result<Self, SchemaError> {
        Ok(serde_json::from_str(json)?)
    }

    /// Reads a JSON value in LoopBack's form.
    pub fn from_value(json: Json) -> Result<Self, SchemaError> {
        Ok(serde_json::from_value(json)?)
    }

    /// This definition as LoopBack JSON.
    pub fn to_json(&self) -> Json {
        // Serialising plain maps and strings cannot fail.
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// Names of the id properties, ordered by their `id` position.
    pub fn id_properties(&self) -> Vec<&str> {
        let mut ids: Vec<(u32, usize, &str)> = self
            .properties
            .iter()
            .enumerate()
            .filter_map(|(pos, (name, p))| p.id.map(|n| (n, pos, name.as_str())))
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, _, name)| name).collect()
    }

    /// The table name: the connector mapping for `connector` (e.g. `"postgresql"`)
    /// if it names one, else the `table` setting, else the model name.
    pub fn table_name(&self, connector: Option<&str>) -> &str {
        connector
            .and_then(|c| self.settings.connector(c))
            .and_then(|m| m.table.as_deref())
            .or(self.settings.table.as_deref())
            .unwrap_or(&self.name)
    }

    /// Whether `property` is hidden (listed in the model's `hidden` setting or
    /// marked `hidden` itself).
    pub fn is_hidden(&self, property: &str) -> bool {
        self.settings.hidden.iter().any(|h| h == property) || self.properties.get(property).is_some_and(|p| p.hidden)
    }

    /// Whether unknown properties are rejected (LoopBack's `strict`, true unless
    /// set to false).
    pub fn is_strict(&self) -> bool {
        self.settings.strict.unwrap_or(true)
    }
}

#[derive(Deserialize)]
struct RawModel {
    name: String,
    #[serde(default)]
    options: Option<Map<String, Json>>,
    #[serde(default)]
    settings: Option<Map<String, Json>>,
    #[serde(default)]
    properties: IndexMap<String, PropertyDefinition>,
    #[serde(default)]
    relations: IndexMap<String, RelationDefinition>,
    #[serde(default)]
    validations: Vec<ValidationRule>,
    #[serde(flatten)]
    rest: Map<String, Json>,
}

impl<'de> Deserialize<'de> for ModelDefinition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawModel::deserialize(deserializer)?;
        // Top-level settings first, then `settings`, then `options` (discovery's key).
        let mut merged = raw.rest;
        for extra in [raw.settings, raw.options].into_iter().flatten() {
            merged.extend(extra);
        }
        let settings = ModelSettings::deserialize(Json::Object(merged)).map_err(serde::de::Error::custom)?;
        Ok(ModelDefinition {
            name: raw.name,
            settings,
            properties: raw.properties,
            relations: raw.relations,
            validations: raw.validations,
        })
    }
}

impl Serialize for ModelDefinition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        if !self.settings.is_empty() {
            map.serialize_entry("options", &self.settings)?;
        }
        map.serialize_entry("properties", &self.properties)?;
        if !self.relations.is_empty() {
            map.serialize_entry("relations", &self.relations)?;
        }
        if !self.validations.is_empty() {
            map.serialize_entry("validations", &self.validations)?;
        }
        map.end()
    }
}

/// Model-level settings (LoopBack's `options`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelSettings {
    /// LoopBack's `idInjection`: add an `id` property when none is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_injection: Option<bool>,
    /// Table name for every connector (juggler's `table`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Schema for every connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Whether unknown properties are rejected; `false` keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "strict_flag")]
    pub strict: Option<bool>,
    /// Properties never serialised and never usable in a JSON filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
    /// The default scope: a filter applied to every query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Json>,
    /// LoopBack's `forceId`: a generated id may not be given on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_id: Option<bool>,
    /// A read-only model (a database view).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub view: bool,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Json>,
    /// PostgreSQL mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgresql: Option<ConnectorModelSettings>,
    /// MySQL / MariaDB mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<ConnectorModelSettings>,
    /// SQLite mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<ConnectorModelSettings>,
    /// Oracle mapping (read and kept; there is no Oracle connector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle: Option<ConnectorModelSettings>,
    /// Settings juggler does not interpret, kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

fn strict_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    // LoopBack also accepts "throw", "validate" and "filter": all reject or drop
    // unknown properties, so they read as strict.
    Ok(match Option::<Json>::deserialize(d)? {
        None | Some(Json::Null) => None,
        Some(Json::Bool(b)) => Some(b),
        Some(Json::String(_)) => Some(true),
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "`strict` must be true, false, \"throw\", \"validate\" or \"filter\", not {other}"
            )))
        }
    })
}

impl ModelSettings {
    /// The mapping for a connector key (`postgresql`, `mysql`, `sqlite`, `oracle`).
    pub fn connector(&self, key: &str) -> Option<&ConnectorModelSettings> {
        match key {
            "postgresql" => self.postgresql.as_ref(),
            "mysql" => self.mysql.as_ref(),
            "sqlite" => self.sqlite.as_ref(),
            "oracle" => self.oracle.as_ref(),
            _ => None,
        }
    }

    fn is_empty(&self) -> bool {
        self == &ModelSettings::default()
    }
}

/// A model's mapping onto one connector: `{"schema": .., "table": ..}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectorModelSettings {
    /// Schema (PostgreSQL) or database (MySQL); LoopBack's discovery also writes `owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Table name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Keys juggler does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// One property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyDefinition {
    /// The property type.
    #[serde(rename = "type")]
    pub property_type: PropertyType,
    /// LoopBack's `required`: the value may not be blank.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag")]
    pub required: bool,
    /// Position in the (possibly composite) id; `true` in JSON reads as 1.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "id_position")]
    pub id: Option<u32>,
    /// The database generates the value.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag")]
    pub generated: bool,
    /// Whether NULL may be stored; `None` means LoopBack's default (nullable
    /// unless required or an id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Default value for a new instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Json>,
    /// Default computed at creation: `"now"` or `"uuid"`/`"uuidv4"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_fn: Option<String>,
    /// Maximum length of text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// Numeric precision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    /// Numeric scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// Index on this property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexSpec>,
    /// Never serialised, never usable in a JSON filter.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag")]
    pub hidden: bool,
    /// Column name for every connector (juggler's `column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
    /// Column type for every connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Json>,
    /// Trim text before saving.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag")]
    pub trim: bool,
    /// Lower-case text before saving.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag")]
    pub lowercase: bool,
    /// Upper-case text before saving.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag")]
    pub uppercase: bool,
    /// PostgreSQL column mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgresql: Option<ColumnMapping>,
    /// MySQL / MariaDB column mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<ColumnMapping>,
    /// SQLite column mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<ColumnMapping>,
    /// Oracle column mapping (kept; there is no Oracle connector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle: Option<ColumnMapping>,
    /// Keys juggler does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(matches!(Option::<Json>::deserialize(d)?, Some(Json::Bool(true))))
}

fn id_position<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<Json>::deserialize(d)? {
        None | Some(Json::Null) | Some(Json::Bool(false)) => Ok(None),
        Some(Json::Bool(true)) => Ok(Some(1)),
        Some(Json::Number(n)) => match n.as_u64() {
            Some(0) => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| serde::de::Error::custom("`id` position is too large")),
            None => Err(serde::de::Error::custom("`id` must be true or a positive integer")),
        },
        Some(Json::String(s)) => match s.as_str() {
            "true" => Ok(Some(1)),
            "false" => Ok(None),
            _ => s
                .parse::<u32>()
                .map(|n| (n > 0).then_some(n))
                .map_err(|_| serde::de::Error::custom("`id` must be true or a positive integer")),
        },
        Some(other) => Err(serde::de::Error::custom(format!(
            "`id` must be true or a positive integer, not {other}"
        ))),
    }
}

impl PropertyDefinition {
    /// A property of type `property_type` with every other setting at its default.
    pub fn new(property_type: PropertyType) -> Self {
        PropertyDefinition {
            property_type,
            required: false,
            id: None,
            generated: false,
            nullable: None,
            default: None,
            default_fn: None,
            length: None,
            precision: None,
            scale: None,
            index: None,
            hidden: false,
            column_name: None,
            data_type: None,
            description: None,
            trim: false,
            lowercase: false,
            uppercase: false,
            postgresql: None,
            mysql: None,
            sqlite: None,
            oracle: None,
            extra: Map::new(),
        }
    }

    /// The mapping for a connector key (`postgresql`, `mysql`, `sqlite`, `oracle`).
    pub fn connector(&self, key: &str) -> Option<&ColumnMapping> {
        match key {
            "postgresql" => self.postgresql.as_ref(),
            "mysql" => self.mysql.as_ref(),
            "sqlite" => self.sqlite.as_ref(),
            "oracle" => self.oracle.as_ref(),
            _ => None,
        }
    }

    /// The column name on `connector`: its mapping, else `columnName`, else the
    /// property name.
    pub fn column<'a>(&'a self, property: &'a str, connector: Option<&str>) -> &'a str {
        connector
            .and_then(|c| self.connector(c))
            .and_then(|m| m.column_name.as_deref())
            .or(self.column_name.as_deref())
            .unwrap_or(property)
    }

    /// Whether NULL may be stored.
    pub fn is_nullable(&self) -> bool {
        self.nullable.unwrap_or(!self.required && self.id.is_none())
    }
}

/// An index on one property: `true` or `{"unique": true}` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IndexSpec {
    /// `"index": true`.
    Flag(bool),
    /// `"index": {"unique": true}`.
    Options {
        /// Whether the index is unique.
        #[serde(default)]
        unique: bool,
    },
}

impl IndexSpec {
    /// Whether this is a unique index.
    pub fn is_unique(&self) -> bool {
        matches!(self, IndexSpec::Options { unique: true })
    }
}

/// A property's mapping onto one connector, as LoopBack's discovery writes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnMapping {
    /// Column name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
    /// Column type as the database names it (`character varying`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// Maximum length; `Some(None)` is an explicit `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "explicit_null")]
    pub data_length: Option<Option<u64>>,
    /// Numeric precision; `Some(None)` is an explicit `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "explicit_null")]
    pub data_precision: Option<Option<u64>>,
    /// Numeric scale; `Some(None)` is an explicit `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "explicit_null")]
    pub data_scale: Option<Option<i64>>,
    /// `"YES"`/`"NO"` (PostgreSQL, MySQL), `"Y"`/`"N"` (Oracle) or a boolean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<Nullable>,
    /// Keys juggler does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// A `nullable` value as the connectors write it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Nullable {
    /// `true` / `false`.
    Flag(bool),
    /// `"YES"`, `"NO"`, `"Y"`, `"N"`.
    Text(String),
}

impl Nullable {
    /// Whether the column accepts NULL.
    pub fn is_nullable(&self) -> bool {
        match self {
            Nullable::Flag(b) => *b,
            Nullable::Text(t) => {
                matches!(t.to_ascii_uppercase().as_str(), "YES" | "Y" | "TRUE" | "1")
            }
        }
    }
}

mod explicit_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Ok(Some(Option::<T>::deserialize(deserializer)?))
    }
}

/// The kind of a relation, with LoopBack's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RelationKind {
    /// `belongsTo`: this model holds the foreign key.
    #[serde(rename = "belongsTo")]
    BelongsTo,
    /// `hasMany`: the other model holds the key.
    #[serde(rename = "hasMany")]
    HasMany,
    /// `hasOne`: the other model holds the key, one row.
    #[serde(rename = "hasOne")]
    HasOne,
    /// `hasAndBelongsToMany`: linked through a join table.
    #[serde(rename = "hasAndBelongsToMany")]
    HasAndBelongsToMany,
}

/// One relation: `{"type": "hasMany", "model": "Order", "foreignKey": "customerId"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationDefinition {
    /// The relation kind.
    #[serde(rename = "type")]
    pub kind: RelationKind,
    /// The related model's name.
    pub model: String,
    /// The foreign key property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<String>,
    /// The model or table linking the two (has_many through, habtm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
    /// The key on the link pointing at the related model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_through: Option<String>,
    /// Keys juggler does not interpret.
    #[serde(flatten)]
    pub extra: Map<String, Json>,
}

/// One validation rule on one property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationRule {
    /// The property it checks.
    pub property: String,
    /// What it checks.
    #[serde(flatten)]
    pub kind: ValidationKind,
    /// A message replacing LoopBack's default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What a validation checks, with LoopBack's names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "validation", rename_all = "camelCase")]
pub enum ValidationKind {
    /// Not blank (null, absent, `""` or `[]`).
    Presence,
    /// Length of text or a list.
    Length {
        /// Minimum length.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u64>,
        /// Maximum length.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
        /// Exact length.
        #[serde(default, skip_serializing_if = "Option::is_none", rename = "is")]
        exactly: Option<u64>,
    },
    /// Text matching a regular expression.
    Format {
        /// The pattern (Rust `regex` syntax).
        regex: String,
    },
    /// A number, optionally an integer within bounds.
    Numericality {
        /// Must be an integer.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        int: bool,
        /// Smallest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest allowed value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// One of the listed values.
    Inclusion {
        /// Allowed values.
        #[serde(rename = "in")]
        values: Vec<Json>,
    },
    /// None of the listed values.
    Exclusion {
        /// Reserved values.
        #[serde(rename = "in")]
        values: Vec<Json>,
    },
    /// No other instance has the same value.
    Uniqueness,
    /// A user function, run by the code that knows it (the derive).
    Custom {
        /// The function's path, for the record.
        function: String,
        /// Whether it is async.
        #[serde(default, rename = "async", skip_serializing_if = "std::ops::Not::not")]
        is_async: bool,
    },
}

impl ValidationKind {
    /// LoopBack's code for this validation (`presence`, `length`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            ValidationKind::Presence => "presence",
            ValidationKind::Length { .. } => "length",
            ValidationKind::Format { .. } => "format",
            ValidationKind::Numericality { .. } => "numericality",
            ValidationKind::Inclusion { .. } => "inclusion",
            ValidationKind::Exclusion { .. } => "exclusion",
            ValidationKind::Uniqueness => "uniqueness",
            ValidationKind::Custom { .. } => "custom",
        }
    }
}

/// The regular expression behind `format(email)`.
pub const EMAIL_REGEX: &str = r"^[^@\s]+@[^@\s]+\.[^@\s]+$";

#[cfg(test)]
mod tests {
    use super::*;

    const DESIGN_SAMPLE: &str = r#"{"name": "Product",
 "options": {"idInjection": false, "postgresql": {"schema": "public", "table": "product"}},
 "properties": {
   "id":   {"type": "Number", "required": true, "id": 1,
            "postgresql": {"columnName": "id", "dataType": "integer", "dataLength": null,
                           "dataPrecision": 32, "dataScale": 0, "nullable": "NO"}},
   "name": {"type": "String", "required": false, "length": 64,
            "postgresql": {"columnName": "name", "dataType": "character varying",
                           "dataLength": 64, "nullable": "YES"}}}}"#;

    #[test]
    fn design_sample_loads() {
        let def = ModelDefinition::from_json(DESIGN_SAMPLE).expect("loads");
        assert_eq!(def.name, "Product");
        assert_eq!(def.settings.id_injection, Some(false));
        assert_eq!(def.table_name(Some("postgresql")), "product");
        assert_eq!(def.table_name(None), "Product");
        let id = &def.properties["id"];
        assert_eq!(id.id, Some(1));
        assert!(id.required);
        let pg = id.postgresql.as_ref().expect("pg mapping");
        assert_eq!(pg.data_length, Some(None));
        assert_eq!(pg.data_precision, Some(Some(32)));
        assert_eq!(pg.nullable.as_ref().map(Nullable::is_nullable), Some(false));
        let name = &def.properties["name"];
        assert_eq!(name.length, Some(64));
        assert_eq!(name.postgresql.as_ref().and_then(|m| m.data_precision), None);
        assert_eq!(name.column("name", Some("postgresql")), "name");
    }

    #[test]
    fn design_sample_round_trips_to_the_same_json() {
        let def = ModelDefinition::from_json(DESIGN_SAMPLE).expect("loads");
        let mut original: Json = serde_json::from_str(DESIGN_SAMPLE).expect("json");
        // `"required": false` is the default and is not written back.
        original["properties"]["name"]
            .as_object_mut()
            .expect("object")
            .remove("required");
        assert_eq!(def.to_json(), original);
        let again = ModelDefinition::from_value(def.to_json()).expect("reloads");
        assert_eq!(again, def);
    }

    #[test]
    fn top_level_settings_and_relations_load() {
        let def = ModelDefinition::from_json(
            r#"{"name": "Customer", "base": "PersistedModel", "strict": false,
                "hidden": ["password"], "scope": {"where": {"vip": true}},
                "properties": {"email": {"type": "string", "index": {"unique": true}},
                               "password": {"type": "String"}},
                "relations": {"orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId"}}}"#,
        )
        .expect("loads");
        assert!(!def.is_strict());
        assert!(def.is_hidden("password"));
        assert!(def.properties["email"].index.as_ref().is_some_and(IndexSpec::is_unique));
        assert_eq!(def.settings.extra["base"], "PersistedModel");
        assert_eq!(def.relations["orders"].kind, RelationKind::HasMany);
        assert_eq!(def.relations["orders"].foreign_key.as_deref(), Some("customerId"));
        let again = ModelDefinition::from_value(def.to_json()).expect("reloads");
        assert_eq!(again, def);
    }

    #[test]
    fn errors_name_line_and_column() {
        let err =
            ModelDefinition::from_json("{\"name\": \"X\",\n \"properties\": {\"a\": {\"type\": 5}}}").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("invalid model definition at line 2"), "{text}");
        assert!(text.contains("type name"), "{text}");
    }

    #[test]
    fn composite_ids_are_ordered() {
        let def = ModelDefinition::from_json(
            r#"{"name": "T", "properties": {"b": {"type": "Number", "id": 2},
                "a": {"type": "Number", "id": 1}, "c": {"type": "String"}}}"#,
        )
        .expect("loads");
        assert_eq!(def.id_properties(), vec!["a", "b"]);
    }

    #[test]
    fn validations_round_trip() {
        let mut def = ModelDefinition::new("V");
        def.properties
            .insert("n".into(), PropertyDefinition::new(PropertyType::Number));
        def.validations.push(ValidationRule {
            property: "n".into(),
            kind: ValidationKind::Numericality {
                int: true,
                min: Some(0.0),
                max: None,
            },
            message: Some("bad".into()),
        });
        let again = ModelDefinition::from_value(def.to_json()).expect("reloads");
        assert_eq!(again, def);
    }
}
