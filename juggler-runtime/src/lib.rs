//! The runtime of juggler: values, filters, validation, hooks, repositories
//! and connectors. Users depend on the `juggler` facade, which re-exports this
//! crate and the derive.

mod codec;
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
    pub use crate::codec::{set_id, Fields};
    pub use crate::json_schema::FieldType;
    pub use crate::schema;
    pub use async_trait::async_trait;
    pub use serde;
    pub use serde_json;

    pub use crate::connector::Connector;
    pub use crate::relations::navigation::{Load, NavField, Navigation};
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

    /// The property name of the field named `rust` in `fields` (a model's
    /// `(Rust name, property name)` pairs), at compile time: the derive's
    /// relation keys read other models' fields with it, and a key naming no
    /// field is a compile error at the attribute.
    pub const fn property_of(fields: &'static [(&'static str, &'static str)], rust: &str) -> Option<&'static str> {
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
                    return Some(fields[i].1);
                }
            }
            i += 1;
        }
        None
    }

    /// A relation's keys on another model, resolved at compile time:
    /// `(relation, foreign key, key through)`, property names.
    pub type RelationKeys = &'static [(&'static str, &'static str, Option<&'static str>)];

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

    /// A derived model's definition, made on first use from the JSON the
    /// derive wrote: property types filled in from `types`, relation keys
    /// on other models from `keys`.
    #[inline]
    pub fn definition(
        cell: &'static std::sync::OnceLock<schema::ModelDefinition>,
        json: &str,
        name: &str,
        types: &[FieldType],
        keys: RelationKeys,
    ) -> &'static schema::ModelDefinition {
        cell.get_or_init(|| {
            let mut def =
                schema::ModelDefinition::from_json(json).unwrap_or_else(|_| schema::ModelDefinition::new(name));
            fill(&mut def, types);
            for (relation, foreign_key, key_through) in keys {
                if let Some(rel) = def.relations.get_mut(*relation) {
                    rel.foreign_key = Some((*foreign_key).to_owned());
                    if let Some(kt) = key_through {
                        rel.key_through = Some((*kt).to_owned());
                    }
                }
            }
            def
        })
    }

    /// Fills every property of `def` from its field's type (see
    /// [`fill_property`]).
    pub fn fill(def: &mut schema::ModelDefinition, types: &[FieldType]) {
        for ((_, p), t) in def.properties.iter_mut().zip(types) {
            (t.fill)(p);
        }
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

    /// The columns [`crate::Model::read_row`] reads for a stored row of
    /// `count` values of which `fields` were selected (not generic: one
    /// copy for every model).
    pub fn row_columns(count: usize, fields: Option<&[usize]>) -> Vec<Option<usize>> {
        (0..count)
            .map(|p| fields.is_none_or(|f| f.contains(&p)).then_some(p))
            .collect()
    }
}
