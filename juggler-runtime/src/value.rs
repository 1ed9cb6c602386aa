//! Values as juggler stores and compares them, and the mapping of Rust types
//! onto them.

use crate::schema::{ModelDefinition, PropertyType};
use serde_json::{json, Map, Value as Json};
use std::cmp::Ordering;

/// One stored value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// NULL / absent.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Text (also dates, as RFC 3339 text).
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// Arrays, objects, embedded models, GeoPoints.
    Json(Json),
    /// An exact decimal (`rust_decimal::Decimal`); JSON writes it as a string.
    Decimal(rust_decimal::Decimal),
}

impl Value {
    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// LoopBack's "blank": null, empty text or an empty list.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Text(t) => t.is_empty(),
            Value::Json(Json::Array(a)) => a.is_empty(),
            Value::Json(Json::Null) => true,
            _ => false,
        }
    }

    /// The value as an `f64`, for numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Decimal(d) => rust_decimal::prelude::ToPrimitive::to_f64(d),
            _ => None,
        }
    }

    /// The value as text, for text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// A short description of the value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) | Value::Decimal(_) => "a number",
            Value::Text(_) => "a string",
            Value::Bytes(_) => "bytes",
            Value::Json(Json::Array(_)) => "an array",
            Value::Json(Json::Object(_)) => "an object",
            Value::Json(_) => "a JSON value",
        }
    }

    /// Reads a JSON value: numbers become [`Value::Int`] when they are whole and
    /// fit, arrays and objects stay JSON.
    pub fn from_json(json: Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => Value::Text(s),
            other => Value::Json(other),
        }
    }

    /// This value as JSON. Bytes become an array of numbers; a float that is
    /// not finite becomes `null`.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => json!(i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Text(t) => Json::String(t.clone()),
            Value::Bytes(b) => Json::Array(b.iter().map(|x| json!(x)).collect()),
            Value::Json(j) => j.clone(),
            Value::Decimal(d) => Json::String(d.to_string()),
        }
    }

    /// The value as an exact decimal: decimals, integers, finite floats (by
    /// their shortest text) and decimal text.
    pub fn to_decimal(&self) -> Option<rust_decimal::Decimal> {
        use std::str::FromStr;
        match self {
            Value::Decimal(d) => Some(*d),
            Value::Int(i) => Some(rust_decimal::Decimal::from(*i)),
            Value::Float(f) if f.is_finite() => rust_decimal::Decimal::from_str(&f.to_string())
                .ok()
                .or_else(|| rust_decimal::Decimal::from_scientific(&format!("{f:e}")).ok()),
            Value::Text(t) => rust_decimal::Decimal::from_str(t.trim())
                .ok()
                .or_else(|| rust_decimal::Decimal::from_scientific(t.trim()).ok()),
            _ => None,
        }
    }

    /// Orders two non-null values of comparable kinds: numbers with numbers,
    /// text with text, booleans with booleans. `None` for anything else.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Text(a), Value::Text(b)) => Some(a.as_str().cmp(b.as_str())),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Bytes(a), Value::Bytes(b)) => Some(a.cmp(b)),
            (Value::Decimal(a), b @ (Value::Decimal(_) | Value::Int(_))) => b.to_decimal().map(|b| a.cmp(&b)),
            (a @ Value::Int(_), Value::Decimal(b)) => a.to_decimal().map(|a| a.cmp(b)),
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => None,
            },
        }
    }

    /// Equality as a database sees it: `1 == 1.0`, NULL equals nothing.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => false,
            (Value::Json(a), Value::Json(b)) => a == b,
            (a, b) => a.compare(b) == Some(Ordering::Equal),
        }
    }
}

impl From<Json> for Value {
    fn from(json: Json) -> Self {
        Value::from_json(json)
    }
}

/// One stored row: the values of the model's properties in declaration order,
/// plus the unknown properties a non-strict model keeps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// One value per property of the definition, in order.
    pub values: Vec<Value>,
    /// Properties the definition does not declare (`strict = false` only).
    pub extra: Map<String, Json>,
}

impl Row {
    /// A row of `values` with no extra properties.
    pub fn new(values: Vec<Value>) -> Self {
        Row {
            values,
            extra: Map::new(),
        }
    }

    /// This row as a JSON object with property names as keys.
    pub fn to_json_object(&self, def: &ModelDefinition) -> Map<String, Json> {
        let mut object = Map::with_capacity(self.values.len() + self.extra.len());
        for ((name, _), value) in def.properties.iter().zip(&self.values) {
            object.insert(name.clone(), value.to_json());
        }
        for (k, v) in &self.extra {
            object.entry(k.clone()).or_insert_with(|| v.clone());
        }
        object
    }

    /// Reads a JSON object by property name; absent properties are NULL and
    /// undeclared ones go to `extra`.
    pub fn from_json_object(def: &ModelDefinition, mut object: Map<String, Json>) -> Row {
        let values = def
            .properties
            .iter()
            .map(|(name, prop)| {
                let value = object.remove(name).map_or(Value::Null, Value::from_json);
                if is_decimal(prop) {
                    // Decimals travel as strings (or numbers) in JSON.
                    value.to_decimal().map_or(value, Value::Decimal)
                } else {
                    value
                }
            })
            .collect();
        Row { values, extra: object }
    }
}

/// Whether a property holds an exact decimal (`dataType` `decimal` / `numeric`).
pub(crate) fn is_decimal(prop: &crate::schema::PropertyDefinition) -> bool {
    prop.property_type == PropertyType::Number
        && prop
            .data_type
            .as_deref()
            .is_some_and(crate::schema::sql::is_decimal_type)
}

/// How a Rust type is stored: its LoopBack type and its conversion to and from
/// [`Value`]. Implemented for the types of DESIGN section 3, for every
/// [`Model`](crate::Model) (embedded as JSON) and by `#[derive(Enum)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a juggler property",
    label = "no column mapping for this type",
    note = "use an integer, float, bool, String, Option, Vec, serde_json::Value, a type deriving `Model` or `juggler::Enum`, or mark the field `#[relation(..)]`"
)]
pub trait FieldValue: Sized {
    /// The LoopBack type of the property.
    fn property_type() -> PropertyType;

    /// Whether the type admits NULL (true for `Option`).
    fn nullable() -> bool {
        false
    }

    /// The value to store.
    fn to_value(&self) -> Value;

    /// [`FieldValue::to_value`], moving instead of copying.
    fn into_value(self) -> Value {
        self.to_value()
    }

    /// Reads column `i` of a result row (by default through
    /// [`FieldValue::from_value`]; scalars read their column directly).
    fn read(row: &dyn ReadRow, i: usize) -> Result<Self, String> {
        Self::from_value(row.value(i)?)
    }

    /// Reads a stored value; the error says what was expected.
    fn from_value(value: Value) -> Result<Self, String>;

    /// What a field left out by a `fields` filter holds; `None` when the type
    /// has no empty value.
    fn placeholder() -> Option<Self> {
        None
    }

    /// The JSON Schema of the type (without nullability).
    fn json_schema() -> Json;

    /// The generic column type juggler's DDL uses when none is given
    /// (`"smallint"`, `"integer"`, `"bigint"`); `None` picks one from the
    /// property type.
    fn data_type() -> Option<&'static str> {
        None
    }

    /// The values a `#[derive(Enum)]` type stores (its column gets a
    /// `CHECK (.. IN (..))`); empty for every other type.
    fn enum_values() -> &'static [&'static str] {
        &[]
    }

    /// For an embedded model, its definition (used for JSON Schema `$defs`).
    fn nested_definition() -> Option<&'static ModelDefinition> {
        None
    }

    /// For an embedded model, the JSON Schemas of what it embeds in turn.
    fn nested_schema() -> Option<(String, Json)> {
        None
    }
}

/// One result row read column by column: how SQL connectors hand rows to
/// the derive's decoder, so typed results go straight into the struct.
///
/// The typed getters answer `Some` only when the column holds that type and
/// is not NULL; otherwise the caller falls back to [`ReadRow::value`], which
/// gives the same result (and error) as the [`Value`] path.
pub trait ReadRow {
    /// Whether column `i` is NULL.
    fn is_null(&self, i: usize) -> bool;
    /// Column `i` as a value.
    fn value(&self, i: usize) -> Result<Value, String>;
    /// Column `i` as an integer, when it is an integer column.
    fn int(&self, i: usize) -> Option<i64> {
        let _ = i;
        None
    }
    /// Column `i` as a float, when it is a float column.
    fn float(&self, i: usize) -> Option<f64> {
        let _ = i;
        None
    }
    /// Column `i` as a boolean, when it is a boolean column.
    fn boolean(&self, i: usize) -> Option<bool> {
        let _ = i;
        None
    }
    /// Column `i` as text, when it is a text column.
    fn text(&self, i: usize) -> Option<String> {
        let _ = i;
        None
    }
}

/// A stored [`Row`] as a [`ReadRow`] (values are taken out as they are read).
pub(crate) struct ValuesRow(pub(crate) std::cell::RefCell<Vec<Value>>);

impl ReadRow for ValuesRow {
    fn is_null(&self, i: usize) -> bool {
        self.0.borrow().get(i).is_none_or(Value::is_null)
    }
    fn value(&self, i: usize) -> Result<Value, String> {
        Ok(self.0.borrow_mut().get_mut(i).map(std::mem::take).unwrap_or_default())
    }
}

fn expected(what: &str, got: &Value) -> String {
    format!("expected {what}, got {}", got.kind())
}

macro_rules! int_field {
    ($($t:ty => $dt:literal),*) => {$(
        impl FieldValue for $t {
            fn property_type() -> PropertyType { PropertyType::Number }
            fn data_type() -> Option<&'static str> { Some($dt) }
            fn read(row: &dyn ReadRow, i: usize) -> Result<Self, String> {
                match row.int(i).map(<$t>::try_from) {
                    Some(Ok(v)) => Ok(v),
                    _ => Self::from_value(row.value(i)?),
                }
            }
            fn to_value(&self) -> Value { Value::Int(i64::from(*self)) }
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| format!("{i} does not fit in {}", stringify!($t))),
                    Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
                        let i = f as i64;
                        <$t>::try_from(i).map_err(|_| format!("{f} does not fit in {}", stringify!($t)))
                    }
                    other => Err(expected("an integer", &other)),
                }
            }
            fn placeholder() -> Option<Self> { Some(0) }
            fn json_schema() -> Json { json!({"type": "integer"}) }
        }
    )*};
}
int_field!(i8 => "smallint", i16 => "smallint", i32 => "integer", i64 => "bigint", u8 => "smallint", u16 => "integer", u32 => "bigint");

impl FieldValue for u64 {
    fn property_type() -> PropertyType {
        PropertyType::Number
    }
    fn data_type() -> Option<&'static str> {
        Some("bigint")
    }
    fn to_value(&self) -> Value {
        match i64::try_from(*self) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(*self as f64),
        }
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Int(i) => u64::try_from(i).map_err(|_| format!("{i} does not fit in u64")),
            other => Err(expected("a non-negative integer", &other)),
        }
    }
    fn placeholder() -> Option<Self> {
        Some(0)
    }
    fn json_schema() -> Json {
        json!({"type": "integer", "minimum": 0})
    }
}

macro_rules! float_field {
    ($($t:ty),*) => {$(
        impl FieldValue for $t {
            fn property_type() -> PropertyType { PropertyType::Number }
            fn to_value(&self) -> Value { Value::Float(f64::from(*self)) }
            #[allow(clippy::cast_possible_truncation)]
            fn read(row: &dyn ReadRow, i: usize) -> Result<Self, String> {
                match row.float(i) {
                    Some(f) => Ok(f as $t),
                    None => Self::from_value(row.value(i)?),
                }
            }
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::Float(f) => Ok(f as $t),
                    Value::Int(i) => Ok(i as $t),
                    other => Err(expected("a number", &other)),
                }
            }
            fn placeholder() -> Option<Self> { Some(0.0) }
            fn json_schema() -> Json { json!({"type": "number"}) }
        }
    )*};
}
float_field!(f32, f64);

impl FieldValue for bool {
    fn property_type() -> PropertyType {
        PropertyType::Boolean
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn read(row: &dyn ReadRow, i: usize) -> Result<Self, String> {
        match row.boolean(i) {
            Some(b) => Ok(b),
            None => Self::from_value(row.value(i)?),
        }
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            other => Err(expected("a boolean", &other)),
        }
    }
    fn placeholder() -> Option<Self> {
        Some(false)
    }
    fn json_schema() -> Json {
        json!({"type": "boolean"})
    }
}

impl FieldValue for String {
    fn property_type() -> PropertyType {
        PropertyType::String
    }
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn into_value(self) -> Value {
        Value::Text(self)
    }
    fn read(row: &dyn ReadRow, i: usize) -> Result<Self, String> {
        match row.text(i) {
            Some(t) => Ok(t),
            None => Self::from_value(row.value(i)?),
        }
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Text(t) => Ok(t),
            other => Err(expected("a string", &other)),
        }
    }
    fn placeholder() -> Option<Self> {
        Some(String::new())
    }
    fn json_schema() -> Json {
        json!({"type": "string"})
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn property_type() -> PropertyType {
        T::property_type()
    }
    fn nullable() -> bool {
        true
    }
    fn data_type() -> Option<&'static str> {
        T::data_type()
    }
    fn enum_values() -> &'static [&'static str] {
        T::enum_values()
    }
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null,
        }
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null | Value::Json(Json::Null) => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
    fn read(row: &dyn ReadRow, i: usize) -> Result<Self, String> {
        if row.is_null(i) {
            return Ok(None);
        }
        match T::read(row, i) {
            Ok(v) => Ok(Some(v)),
            // A JSON column holding `null` is `None` too, as in `from_value`.
            Err(e) => match row.value(i) {
                Ok(Value::Json(Json::Null)) => Ok(None),
                _ => Err(e),
            },
        }
    }
    fn placeholder() -> Option<Self> {
        Some(None)
    }
    fn json_schema() -> Json {
        T::json_schema()
    }
    fn nested_definition() -> Option<&'static ModelDefinition> {
        T::nested_definition()
    }
    fn nested_schema() -> Option<(String, Json)> {
        T::nested_schema()
    }
}

/// A list, converted item by item through the items' own [`FieldValue`]
/// (no serde on the way).
impl<T: FieldValue> FieldValue for Vec<T> {
    fn property_type() -> PropertyType {
        PropertyType::Array(Box::new(T::property_type()))
    }
    fn to_value(&self) -> Value {
        Value::Json(Json::Array(self.iter().map(|item| item.to_value().to_json()).collect()))
    }
    fn from_value(value: Value) -> Result<Self, String> {
        let items = match value {
            Value::Json(Json::Array(items)) => items,
            Value::Text(t) => match serde_json::from_str::<Json>(&t) {
                Ok(Json::Array(items)) => items,
                _ => {
                    return Err(format!(
                        "expected an array, got {:?}",
                        t.chars().take(40).collect::<String>()
                    ))
                }
            },
            other => return Err(expected("an array", &other)),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| T::from_value(Value::from_json(item)).map_err(|e| format!("item {i}: {e}")))
            .collect()
    }
    fn placeholder() -> Option<Self> {
        Some(Vec::new())
    }
    fn json_schema() -> Json {
        json!({"type": "array", "items": T::json_schema()})
    }
    /// Lists of integers, floats, booleans and text are PostgreSQL arrays
    /// (`bigint[]`, ..); other lists, and every list elsewhere, are JSON.
    fn data_type() -> Option<&'static str> {
        match (T::property_type(), T::data_type()) {
            (PropertyType::Number, Some("smallint" | "integer" | "bigint")) => Some("bigint[]"),
            (PropertyType::Number, None) => Some("double precision[]"),
            (PropertyType::Boolean, None) => Some("boolean[]"),
            (PropertyType::String, None) => Some("text[]"),
            _ => None,
        }
    }
    fn nested_definition() -> Option<&'static ModelDefinition> {
        T::nested_definition()
    }
    fn nested_schema() -> Option<(String, Json)> {
        T::nested_schema()
    }
}

impl FieldValue for Json {
    fn property_type() -> PropertyType {
        PropertyType::Any
    }
    fn to_value(&self) -> Value {
        Value::Json(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, String> {
        Ok(value.to_json())
    }
    fn placeholder() -> Option<Self> {
        Some(Json::Null)
    }
    fn json_schema() -> Json {
        json!({})
    }
}

impl FieldValue for Map<String, Json> {
    fn property_type() -> PropertyType {
        PropertyType::Object
    }
    fn to_value(&self) -> Value {
        Value::Json(Json::Object(self.clone()))
    }
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Json(Json::Object(m)) => Ok(m),
            Value::Null => Ok(Map::new()),
            other => Err(expected("an object", &other)),
        }
    }
    fn placeholder() -> Option<Self> {
        Some(Map::new())
    }
    fn json_schema() -> Json {
        json!({"type": "object"})
    }
}

/// A point on the earth, LoopBack's `GeoPoint`: `{"lat": .., "lng": ..}`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GeoPoint {
    /// Latitude in degrees, -90 to 90.
    pub lat: f64,
    /// Longitude in degrees, -180 to 180.
    pub lng: f64,
}

impl GeoPoint {
    /// A point; `None` when a coordinate is out of range.
    pub fn new(lat: f64, lng: f64) -> Option<Self> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)).then_some(GeoPoint { lat, lng })
    }

    /// Reads `{"lat": .., "lng": ..}`, `[lat, lng]` or `"lat,lng"`.
    pub fn from_json(json: &Json) -> Option<Self> {
        let (lat, lng) = match json {
            Json::Object(m) => (m.get("lat")?.as_f64()?, m.get("lng")?.as_f64()?),
            Json::Array(a) if a.len() == 2 => (a[0].as_f64()?, a[1].as_f64()?),
            Json::String(s) => {
                let (a, b) = s.split_once(',')?;
                (a.trim().parse().ok()?, b.trim().parse().ok()?)
            }
            _ => return None,
        };
        GeoPoint::new(lat, lng)
    }

    /// Great-circle distance to `other` in kilometres (haversine).
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (la1, la2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = la2 - la1;
        let dlng = (other.lng - self.lng).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlng / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

impl FieldValue for GeoPoint {
    fn property_type() -> PropertyType {
        PropertyType::GeoPoint
    }
    fn to_value(&self) -> Value {
        Value::Json(json!({"lat": self.lat, "lng": self.lng}))
    }
    fn from_value(value: Value) -> Result<Self, String> {
        let json = value.to_json();
        GeoPoint::from_json(&json).ok_or_else(|| format!("expected a GeoPoint {{lat, lng}}, got {json}"))
    }
    fn json_schema() -> Json {
        json!({"type": "object", "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}},
               "required": ["lat", "lng"]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_check_their_range() {
        assert_eq!(i8::from_value(Value::Int(5)), Ok(5));
        assert_eq!(i8::from_value(Value::Int(300)), Err("300 does not fit in i8".into()));
        assert_eq!(
            i32::from_value(Value::Text("x".into())),
            Err("expected an integer, got a string".into())
        );
    }

    #[test]
    fn options_read_null() {
        assert_eq!(Option::<String>::from_value(Value::Null), Ok(None));
        assert_eq!(Option::<i64>::from_value(Value::Int(2)), Ok(Some(2)));
    }

    #[test]
    fn numbers_compare_across_kinds() {
        assert!(Value::Int(1).same_as(&Value::Float(1.0)));
        assert!(!Value::Null.same_as(&Value::Null));
        assert_eq!(Value::Text("a".into()).compare(&Value::Int(1)), None);
    }

    #[test]
    fn geo_distance() {
        let sf = GeoPoint::new(37.7749, -122.4194).expect("valid");
        let la = GeoPoint::new(34.0522, -118.2437).expect("valid");
        let d = sf.distance_km(&la);
        assert!((d - 559.0).abs() < 2.0, "{d}");
    }
}
