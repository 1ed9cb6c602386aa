#![doc = include_str!("docs/front.md")]

pub use juggler_derive::{Enum, Model};
pub use juggler_runtime::*;

/// `async_trait`, for implementing [`Hooks`].
pub use juggler_runtime::__private::async_trait;

/// Everything a model file needs: `use juggler::prelude::*;`.
pub mod prelude {
    pub use juggler_derive::{Enum, Model};
    pub use juggler_runtime::{
        BelongsTo, Context, DataSource, Decimal, DynamicRepository, Error, Field, Filter, GeoPoint,
        HasAndBelongsToMany, HasMany, HasOne, Hooks, Include, Model, ModelDefinition, Order, Patch, PoolSettings,
        Relation, Repository, ValidationError, Where,
    };
}

#[doc = include_str!("docs/attributes.md")]
pub mod attributes {}
