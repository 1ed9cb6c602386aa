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
}
