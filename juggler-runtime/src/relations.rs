//! Navigation field types: they hold what `include` loaded.
//!
//! A navigation field is not a column. An unloaded one serialises as `null`
//! (add `#[serde(skip_serializing_if = "BelongsTo::is_unloaded")]` and the
//! like to leave the key out, as LoopBack does) and deserialises from `null`
//! or an absent key.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! navigation {
    ($(#[$doc:meta])* $name:ident, $holds:ty, $get:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name<T> {
            loaded: Option<$holds>,
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { loaded: None }
            }
        }

        impl<T> $name<T> {
            /// A navigation field holding `value`, as loaded.
            pub fn loaded(value: $holds) -> Self {
                $name { loaded: Some(value) }
            }

            /// Whether `include` filled this field.
            pub fn is_loaded(&self) -> bool {
                self.loaded.is_some()
            }

            /// Whether `include` left this field empty (for `skip_serializing_if`).
            pub fn is_unloaded(&self) -> bool {
                self.loaded.is_none()
            }

            /// What was loaded.
            pub fn get(&self) -> Option<$get> {
                self.loaded.as_ref().map(|v| v.as_ref())
            }

            /// Replaces what is held.
            pub fn set(&mut self, value: Option<$holds>) {
                self.loaded = value;
            }
        }

        impl<T: Serialize> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.loaded.serialize(serializer)
            }
        }

        impl<'de, T: Deserialize<'de>> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok($name { loaded: Option::<$holds>::deserialize(deserializer)? })
            }
        }
    };
}

navigation!(
    /// The parent of a `belongs_to` relation.
    BelongsTo, Box<T>, &T
);
navigation!(
    /// The child of a `has_one` relation.
    HasOne, Box<T>, &T
);
navigation!(
    /// The children of a `has_many` relation.
    HasMany, Vec<T>, &[T]
);
navigation!(
    /// The other side of a `has_and_belongs_to_many` relation.
    HasAndBelongsToMany, Vec<T>, &[T]
);
