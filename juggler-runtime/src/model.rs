//! The [`Model`] trait that `#[derive(Model)]` implements.

use crate::connector::Connector;
use crate::filter::{Filter, Include};
use crate::hooks::{Context, HookKind};
use crate::schema::ModelDefinition;
use crate::validation::{check_rules, ValidationError};
use crate::value::{FieldValue, ReadRow, Row, Value};
use crate::Result;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, as the derive's generated async methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A struct stored by juggler. Implemented by `#[derive(Model)]`; the methods
/// are the derive's output, not something to write by hand.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a juggler model",
    label = "not a model",
    note = "add `#[derive(juggler::Model)]` to `{Self}`"
)]
pub trait Model: Sized + Send + Sync + 'static {
    /// The id: the id field's type, or a tuple for a composite key, or `()`
    /// for a model without id.
    type Id: ModelId + Send + Sync;
    /// The partial-update type (`CustomerPatch`), every field optional.
    type Patch: Patch;
    /// `(Rust field name, property name)` of every stored field, in order.
    #[doc(hidden)]
    const FIELDS: &'static [(&'static str, &'static str)] = &[];
    /// Whether `#[model(hooks)]` was given (hooks run only then).
    const HAS_HOOKS: bool = false;

    /// The model's definition, built once.
    fn definition() -> &'static ModelDefinition;

    /// The default scope (`#[model(scope(..))]`), parsed once.
    fn default_scope() -> Option<&'static Filter> {
        None
    }

    /// The stored values, one per property in definition order.
    fn to_row(&self) -> Row;

    /// The stored value of the property at `pos` (NULL past the end).
    fn property_value(&self, pos: usize) -> Value {
        self.to_row()
            .values
            .get_mut(pos)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// [`Model::to_row`], moving the values out instead of copying them.
    fn into_row(self) -> Row {
        self.to_row()
    }

    /// Builds an instance from stored values. `fields` lists the properties a
    /// `fields` filter selected; the others hold their type's empty value.
    fn from_row(row: Row, fields: Option<&[usize]>) -> Result<Self>;

    /// Builds an instance straight from a result row: property `p` is in
    /// column `columns[p]` (`None`: left out by `fields`, so it holds its
    /// type's empty value). The derive reads each field from its column; this
    /// default goes through [`Model::from_row`].
    fn read_row(row: &dyn ReadRow, columns: &[Option<usize>]) -> Result<Self> {
        let mut values = vec![Value::Null; columns.len()];
        let mut fields = Vec::with_capacity(columns.len());
        for (p, c) in columns.iter().enumerate() {
            if let Some(c) = c {
                values[p] = row
                    .value(*c)
                    .map_err(|e| crate::Error::invalid_data(&Self::definition().name, e))?;
                fields.push(p);
            }
        }
        let all = fields.len() == columns.len();
        Self::from_row(Row::new(values), if all { None } else { Some(&fields) })
    }

    /// The id values, in key order.
    fn id_values(&self) -> Vec<Value>;

    /// Runs the `custom` validators.
    fn validate_custom(&self, errors: &mut ValidationError) {
        let _ = errors;
    }

    /// Runs the `custom_async` validators.
    fn validate_custom_async<'a>(&'a self, errors: &'a mut ValidationError) -> BoxFuture<'a, ()> {
        let _ = errors;
        Box::pin(async {})
    }

    /// Calls the model's [`Hooks`](crate::hooks::Hooks) impl (only with `#[model(hooks)]`).
    fn run_hook<'a>(hook: HookKind, ctx: &'a mut Context<Self>) -> BoxFuture<'a, Result<()>> {
        let _ = (hook, ctx);
        Box::pin(async { Ok(()) })
    }

    /// Loads one `include` into the navigation fields of `parents` (generated
    /// per relation by the derive).
    fn include<'a>(
        parents: &'a mut [Self],
        include: &'a Include,
        conn: &'a Arc<dyn Connector>,
    ) -> BoxFuture<'a, Result<()>> {
        let _ = (parents, conn);
        let message = format!("`{}` has no relation `{}`", Self::definition().name, include.relation);
        Box::pin(async move { Err(crate::Error::invalid_filter("include", message)) })
    }

    /// The JSON Schema (draft 2020-12) of the model.
    fn json_schema() -> serde_json::Value;

    /// Runs every validator that needs no database (all but `uniqueness` and
    /// `custom_async`); the repository runs those too before writing.
    fn validate(&self) -> Result<(), ValidationError> {
        let def = Self::definition();
        let mut errors = ValidationError::new(&def.name);
        check_rules(def, &self.to_row(), &|_| true, &mut errors);
        self.validate_custom(&mut errors);
        errors.into_result()
    }
}

/// A partial update (`CustomerPatch`): the properties that are `Some` are set.
pub trait Patch: Default + Send + Sync + 'static {
    /// `(property position, value)` for every property that is set.
    fn to_set(&self) -> Vec<(usize, Value)>;

    /// A patch setting these `(property position, value)` pairs; fails when a
    /// value does not fit its field.
    fn from_set(set: Vec<(usize, Value)>) -> Result<Self>;
}

/// A value usable as a model id: a single stored value or a tuple of them.
pub trait ModelId {
    /// The id values, in key order.
    fn to_id_values(&self) -> Vec<Value>;
}

impl<T: FieldValue> ModelId for T {
    fn to_id_values(&self) -> Vec<Value> {
        vec![self.to_value()]
    }
}

impl ModelId for &str {
    fn to_id_values(&self) -> Vec<Value> {
        vec![Value::Text((*self).to_owned())]
    }
}

impl ModelId for () {
    fn to_id_values(&self) -> Vec<Value> {
        Vec::new()
    }
}

macro_rules! tuple_id {
    ($($name:ident),+) => {
        impl<$($name: FieldValue),+> ModelId for ($($name,)+) {
            #[allow(non_snake_case)]
            fn to_id_values(&self) -> Vec<Value> {
                let ($($name,)+) = self;
                vec![$($name.to_value()),+]
            }
        }
    };
}
tuple_id!(A, B);
tuple_id!(A, B, C);
tuple_id!(A, B, C, D);

/// Whether an id value means "not set yet, generate one": NULL, 0 or "".
pub fn is_unset_id(value: &Value) -> bool {
    matches!(value, Value::Null | Value::Int(0)) || matches!(value, Value::Text(t) if t.is_empty())
}
