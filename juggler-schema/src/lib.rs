//! Model definitions for juggler, with no database driver.
//!
//! A [`ModelDefinition`] is the one description of a model that everything else
//! reads: the derive builds one per struct, discovery builds one per table, and
//! LoopBack's model JSON and discovery JSON load into one.
//!
//! ```
//! use juggler_schema::{ModelDefinition, PropertyType};
//!
//! let def = ModelDefinition::from_json(r#"{
//!     "name": "Product",
//!     "properties": {
//!         "id":   {"type": "Number", "id": 1},
//!         "name": {"type": "String", "length": 64}
//!     }
//! }"#)?;
//! assert_eq!(def.properties["name"].property_type, PropertyType::String);
//! assert_eq!(def.id_properties(), vec!["id"]);
//! # Ok::<(), juggler_schema::SchemaError>(())
//! ```

pub mod catalog;
pub mod check;
mod definition;
pub mod desired;
pub mod discovered;
pub mod drift;
pub mod introspect;
mod naming;
pub mod plan;
pub mod relations;
pub mod sql;
pub mod sqlite_ddl;
mod types;

pub use definition::{
    ColumnMapping, ConnectorModelSettings, IndexSpec, ModelDefinition, ModelSettings, Nullable, PropertyDefinition,
    RelationDefinition, RelationKind, SchemaError, ValidationKind, ValidationRule, EMAIL_REGEX,
};
pub use naming::{is_rust_keyword, to_snake_case};
pub use sql::{ColumnKind, Dialect};
pub use types::PropertyType;
