//! The runtime of juggler: values, filters, validation, hooks, repositories
//! and connectors. Users depend on the `juggler` facade, which re-exports this
//! crate and the derive.

pub mod connector;
mod datasource;
pub mod discover;
pub mod dynamic;
mod error;
pub mod filter;
pub mod hooks;
pub mod json_schema;
mod migrate;
mod model;
mod ops;
mod redact;
pub mod relations;
mod repository;
mod types;
pub mod validation;
mod value;

/// The definitions shared with the derive and the CLI.
pub use juggler_schema as schema;

pub use datasource::{DataSource, PoolSettings, Transaction};
pub use dynamic::DynamicRepository;
pub use error::{Error, Result};
pub use filter::{Direction, Field, Fields, Filter, Include, Op, Order, Where};
pub use hooks::{Context, HookKind, Hooks, Operation};
pub use migrate::AutoupdateOptions;
pub use model::{is_unset_id, BoxFuture, Model, ModelId, Patch};
pub use redact::url as redact_url;
pub use relations::{
    BelongsTo, BelongsToAccessor, HasAndBelongsToMany, HasMany, HasManyAccessor, HasOne, HasOneAccessor,
    LinkedAccessor, Relation,
};
pub use repository::Repository;
pub use rust_decimal::Decimal;
pub use schema::catalog::{Catalog, DiscoverOptions};
pub use schema::introspect::{introspect, introspect_all};
pub use schema::plan::{Plan, Step, StepClass};
pub use schema::ModelDefinition;
pub use validation::ValidationError;
pub use value::{FieldValue, GeoPoint, ReadRow, Row, Value};

/// What the derive's output calls; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::json_schema::{build as json_schema, FieldSchema};
    pub use crate::schema;
    pub use async_trait::async_trait;
    pub use serde;
    pub use serde_json;

    pub use crate::connector::Connector;
    pub use crate::relations::load::{include_parent, include_related};
    pub use crate::value::FieldValue;
    pub use std::sync::Arc;

    use crate::{Error, Value};

    /// Fills in what only the field's Rust type knows: its property type,
    /// nullability, default column type and enum values.
    pub fn fill_property<T: FieldValue>(p: &mut schema::PropertyDefinition) {
        p.property_type = T::property_type();
        p.nullable = Some(T::nullable());
        if p.data_type.is_none() {
            p.data_type = T::data_type().map(String::from);
        }
        let values = T::enum_values();
        if !values.is_empty() {
            p.extra.entry("enum").or_insert_with(|| serde_json::json!(values));
        }
    }

    /// Decodes the value at `pos` into `T`, or its placeholder when a `fields`
    /// filter left it out.
    pub fn decode<T: FieldValue>(
        values: &mut [Value],
        pos: usize,
        model: &str,
        property: &str,
        fields: Option<&[usize]>,
    ) -> Result<T, Error> {
        let value = std::mem::replace(&mut values[pos], Value::Null);
        if let Some(selected) = fields {
            if !selected.contains(&pos) {
                return T::placeholder().ok_or_else(|| {
                    Error::invalid_data(
                        model,
                        format!("`{property}` was left out by `fields` and its type has no empty value"),
                    )
                });
            }
        }
        T::from_value(value).map_err(|message| Error::invalid_data(model, format!("`{property}`: {message}")))
    }

    /// Whether `fields` (a model's `(Rust name, property name)` pairs) has a
    /// field named `rust` (checked at compile time by relation keys).
    pub const fn has_field(fields: &[(&str, &str)], rust: &str) -> bool {
        let mut i = 0;
        while i < fields.len() {
            let a = fields[i].0.as_bytes();
            let b = rust.as_bytes();
            if a.len() == b.len() {
                let mut j = 0;
                while j < a.len() && a[j] == b[j] {
                    j += 1;
                }
                if j == a.len() {
                    return true;
                }
            }
            i += 1;
        }
        false
    }

    /// The property name of the field named `rust`.
    pub fn property_of(fields: &[(&str, &str)], rust: &str) -> String {
        fields
            .iter()
            .find(|(r, _)| *r == rust)
            .map_or(rust, |(_, p)| p)
            .to_owned()
    }

    /// Reads field `pos` from its column, or its empty value when `fields`
    /// left it out.
    pub fn read<T: FieldValue>(
        row: &dyn crate::ReadRow,
        columns: &[Option<usize>],
        pos: usize,
        model: &str,
        property: &str,
    ) -> Result<T, Error> {
        match columns.get(pos).copied().flatten() {
            Some(c) => {
                T::read(row, c).map_err(|message| Error::invalid_data(model, format!("`{property}`: {message}")))
            }
            None => T::placeholder().ok_or_else(|| {
                Error::invalid_data(
                    model,
                    format!("`{property}` was left out by `fields` and its type has no empty value"),
                )
            }),
        }
    }

    /// Parses a default scope once, reporting a bad one on first use.
    pub fn parse_scope(json: &str) -> Option<crate::Filter> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        crate::Filter::from_trusted_value(&value).ok()
    }

    /// A nested model's schema for `$defs`.
    pub fn nested_schema<M: crate::Model>() -> (String, serde_json::Value) {
        (M::definition().name.clone(), M::json_schema())
    }

    /// Fills property `pos` of `def` from the field's type (see
    /// [`fill_property`]).
    pub fn fill<T: FieldValue>(def: &mut schema::ModelDefinition, pos: usize) {
        if let Some((_, p)) = def.properties.get_index_mut(pos) {
            fill_property::<T>(p);
        }
    }

    /// A patch's new value of `property`, or why it does not fit the
    /// field's type (no `FieldValue` bound here: a field type that is none
    /// gets the error of the trait call, shown once).
    pub fn patch_value<T>(value: Result<T, String>, model: &str, property: &str) -> Result<T, Error> {
        value.map_err(|m| Error::invalid_data(model, format!("`{property}`: {m}")))
    }

    /// Puts a patch field's decoded value in its slot.
    pub fn patch_field<T>(
        value: Result<T, String>,
        slot: &mut Option<T>,
        model: &str,
        property: &str,
    ) -> Result<(), Error> {
        *slot = Some(patch_value(value, model, property)?);
        Ok(())
    }

    /// A row of `model` has `count` values.
    pub fn check_len(values: &[Value], count: usize, model: &str) -> Result<(), Error> {
        if values.len() == count {
            return Ok(());
        }
        Err(Error::invalid_data(
            model,
            format!("expected {count} values, got {}", values.len()),
        ))
    }

    /// A derived model embedded in another: its row as a JSON object.
    pub fn model_to_value<M: crate::Model>(model: &M) -> Value {
        Value::Json(serde_json::Value::Object(
            model.to_row().to_json_object(M::definition()),
        ))
    }

    /// A derived model embedded in another, read back from its JSON object.
    pub fn model_from_value<M: crate::Model>(value: Value) -> Result<M, String> {
        let row = embedded_row(value, M::definition())?;
        M::from_row(row, None).map_err(|e| e.to_string())
    }

    /// The row of an embedded model's JSON object (not generic: one copy).
    fn embedded_row(value: Value, def: &schema::ModelDefinition) -> Result<crate::Row, String> {
        let json = match value {
            Value::Json(json) => json,
            other => other.to_json(),
        };
        match json {
            serde_json::Value::Object(object) => Ok(crate::Row::from_json_object(def, object)),
            other => Err(format!("expected a `{}` object, got {other}", def.name)),
        }
    }

    /// The columns [`crate::Model::read_row`] reads for a stored row of
    /// `count` values of which `fields` were selected (not generic: one
    /// copy for every model).
    pub fn row_columns(count: usize, fields: Option<&[usize]>) -> Vec<Option<usize>> {
        (0..count)
            .map(|p| fields.is_none_or(|f| f.contains(&p)).then_some(p))
            .collect()
    }

    /// The JSON schema of an embedded model's value.
    pub fn object_schema() -> serde_json::Value {
        serde_json::json!({"type": "object"})
    }
}
