//! LoopBack property types.

use serde::de::{self, Deserializer};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of a property, with LoopBack's names.
///
/// In JSON a type is a name (`"String"`, `"number"`, case-insensitive for the
/// built-in ones), a one-element array for a list (`["String"]`), or the name of
/// another model for an embedded model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PropertyType {
    /// Text.
    String,
    /// Any number, integer or floating point.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A point in time, written as RFC 3339 text.
    Date,
    /// Bytes.
    Buffer,
    /// Any JSON object.
    Object,
    /// A list of values of one type.
    Array(Box<PropertyType>),
    /// A `{lat, lng}` point.
    GeoPoint,
    /// Any JSON value.
    Any,
    /// Another model, embedded (stored as JSON).
    Model(String),
}

impl PropertyType {
    /// LoopBack's name for the type (`"String"`, `"Number"`, ...); lists are `"Array"`.
    pub fn name(&self) -> &str {
        match self {
            PropertyType::String => "String",
            PropertyType::Number => "Number",
            PropertyType::Boolean => "Boolean",
            PropertyType::Date => "Date",
            PropertyType::Buffer => "Buffer",
            PropertyType::Object => "Object",
            PropertyType::Array(_) => "Array",
            PropertyType::GeoPoint => "GeoPoint",
            PropertyType::Any => "any",
            PropertyType::Model(name) => name,
        }
    }

    /// Reads a type name; built-in names are matched without case, anything else
    /// names a model.
    pub fn from_name(name: &str) -> PropertyType {
        match name.to_ascii_lowercase().as_str() {
            "string" | "text" => PropertyType::String,
            "number" | "integer" | "float" | "double" => PropertyType::Number,
            "boolean" | "bool" => PropertyType::Boolean,
            "date" | "datetime" => PropertyType::Date,
            "buffer" | "binary" => PropertyType::Buffer,
            "object" | "json" => PropertyType::Object,
            "array" => PropertyType::Array(Box::new(PropertyType::Any)),
            "geopoint" => PropertyType::GeoPoint,
            "any" => PropertyType::Any,
            _ => PropertyType::Model(name.to_owned()),
        }
    }
}

impl fmt::Display for PropertyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropertyType::Array(item) => write!(f, "[{item}]"),
            other => f.write_str(other.name()),
        }
    }
}

impl Serialize for PropertyType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PropertyType::Array(item) => {
                let mut seq = serializer.serialize_seq(Some(1))?;
                seq.serialize_element(item.as_ref())?;
                seq.end()
            }
            other => serializer.serialize_str(other.name()),
        }
    }
}

impl<'de> Deserialize<'de> for PropertyType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl<'de> de::Visitor<'de> for TypeVisitor {
            type Value = PropertyType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a type name such as \"String\" or a one-element array such as [\"String\"]")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PropertyType, E> {
                if v.is_empty() {
                    return Err(E::custom("a property type must not be empty"));
                }
                Ok(PropertyType::from_name(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<PropertyType, A::Error> {
                let item: Option<PropertyType> = seq.next_element()?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "an array type names exactly one item type, as in [\"String\"]",
                    ));
                }
                Ok(PropertyType::Array(Box::new(item.unwrap_or(PropertyType::Any))))
            }
        }
        deserializer.deserialize_any(TypeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (json, ty) in [
            ("\"String\"", PropertyType::String),
            ("\"number\"", PropertyType::Number),
            ("[\"String\"]", PropertyType::Array(Box::new(PropertyType::String))),
            ("\"Address\"", PropertyType::Model("Address".into())),
        ] {
            let parsed: PropertyType = serde_json::from_str(json).expect(json);
            assert_eq!(parsed, ty);
        }
        assert_eq!(
            serde_json::to_string(&PropertyType::Array(Box::new(PropertyType::Number))).expect("ser"),
            "[\"Number\"]"
        );
    }

    #[test]
    fn two_item_array_is_an_error() {
        let err = serde_json::from_str::<PropertyType>("[\"String\", \"Number\"]").unwrap_err();
        assert!(err.to_string().contains("exactly one item type"), "{err}");
    }
}
