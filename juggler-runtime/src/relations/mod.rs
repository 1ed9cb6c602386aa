//! Relations: the navigation field types that hold what `include` loaded, the
//! relation handles for typed includes (`Customer::ORDERS`), and the
//! accessors the derive generates (`customer.orders(&ds)`).
//!
//! A navigation field is not a column. An unloaded one serialises as `null`
//! (add `#[serde(skip_serializing_if = "HasMany::is_unloaded")]` and the like
//! to leave the key out, as LoopBack does) and deserialises from `null` or an
//! absent key as unloaded. A loaded `BelongsTo` / `HasOne` whose row does not
//! exist serialises as `null` too; [`BelongsTo::is_loaded`] tells them apart.
//!
//! Loading: each relation level of an `include` is one query for all parents
//! together (`IN` over their keys, chunked under the database's bind limit),
//! never one per parent; a `limit` / `skip` in an include's scope applies per
//! parent. `has_many(through = ..)` and `has_and_belongs_to_many` read the
//! link rows first, so they take two queries per level.

mod accessor;
pub(crate) mod load;

pub use accessor::{BelongsToAccessor, HasManyAccessor, HasOneAccessor, LinkedAccessor};

use crate::filter::{Filter, Include};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

macro_rules! many {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name<T> {
            loaded: Option<Vec<T>>,
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { loaded: None }
            }
        }

        impl<T> $name<T> {
            /// A navigation field holding `rows`, as loaded.
            pub fn loaded(rows: Vec<T>) -> Self {
                $name { loaded: Some(rows) }
            }

            /// Whether `include` filled this field.
            pub fn is_loaded(&self) -> bool {
                self.loaded.is_some()
            }

            /// Whether `include` left this field empty (for `skip_serializing_if`).
            pub fn is_unloaded(&self) -> bool {
                self.loaded.is_none()
            }

            /// What was loaded; `None` when the relation was not included.
            pub fn get(&self) -> Option<&[T]> {
                self.loaded.as_deref()
            }

            /// Takes what was loaded, leaving the field unloaded.
            pub fn take(&mut self) -> Option<Vec<T>> {
                self.loaded.take()
            }

            /// Replaces what is held (`None`: unloaded).
            pub fn set(&mut self, rows: Option<Vec<T>>) {
                self.loaded = rows;
            }
        }

        impl<T: Serialize> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.loaded.serialize(serializer)
            }
        }

        impl<'de, T: Deserialize<'de>> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok($name { loaded: Option::<Vec<T>>::deserialize(deserializer)? })
            }
        }
    };
}

macro_rules! one {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name<T> {
            // `None`: not loaded; `Some(None)`: loaded, no row.
            loaded: Option<Option<Box<T>>>,
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { loaded: None }
            }
        }

        impl<T> $name<T> {
            /// A navigation field holding `row` (`None`: there is none), as loaded.
            pub fn loaded(row: Option<T>) -> Self {
                $name { loaded: Some(row.map(Box::new)) }
            }

            /// Whether `include` filled this field (even when no row was found).
            pub fn is_loaded(&self) -> bool {
                self.loaded.is_some()
            }

            /// Whether `include` left this field empty (for `skip_serializing_if`).
            pub fn is_unloaded(&self) -> bool {
                self.loaded.is_none()
            }

            /// What was loaded; `None` when not included or when there is no row.
            pub fn get(&self) -> Option<&T> {
                self.loaded.as_ref().and_then(|v| v.as_deref())
            }

            /// Takes what was loaded, leaving the field unloaded.
            pub fn take(&mut self) -> Option<T> {
                self.loaded.take().flatten().map(|b| *b)
            }

            /// Replaces what is held (`None`: unloaded).
            pub fn set(&mut self, row: Option<Option<T>>) {
                self.loaded = row.map(|r| r.map(Box::new));
            }
        }

        impl<T: Serialize> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.get().serialize(serializer)
            }
        }

        impl<'de, T: Deserialize<'de>> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let row = Option::<T>::deserialize(deserializer)?;
                Ok($name { loaded: row.map(|r| Some(Box::new(r))) })
            }
        }
    };
}

one!(
    /// The parent of a `belongs_to` relation (`order.customer`).
    BelongsTo
);
one!(
    /// The child of a `has_one` relation.
    HasOne
);
many!(
    /// The children of a `has_many` relation, with or without `through`.
    HasMany
);
many!(
    /// The other side of a `has_and_belongs_to_many` relation.
    HasAndBelongsToMany
);

/// A relation of model `M` to model `T`, generated by the derive as an
/// associated const named after the navigation field (`Customer::ORDERS`);
/// it goes into [`Filter::include`], alone or with [`Relation::scope`].
///
/// ```
/// use juggler::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// struct Author {
///     #[property(id, generated)]
///     id: i64,
///     name: String,
///     #[relation(has_many)]
///     books: HasMany<Book>,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// struct Book {
///     #[property(id, generated)]
///     id: i64,
///     author_id: i64,
///     title: String,
/// }
///
/// let filter = Filter::new().include(Author::BOOKS.scope(Filter::new().order(Book::TITLE.asc()).limit(3)));
/// assert_eq!(filter.include[0].relation, "books");
/// ```
pub struct Relation<M, T> {
    name: &'static str,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Relation<M, T> {
    /// A handle for the relation named `name`.
    pub const fn new(name: &'static str) -> Self {
        Relation {
            name,
            _marker: PhantomData,
        }
    }

    /// The relation name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Includes the relation, with `filter` applied to the related rows
    /// (`where`, `order`, `fields`, nested `include`; `limit` and `skip` count
    /// per parent).
    pub fn scope(self, filter: Filter) -> Include {
        Include::new(self.name).scope(filter)
    }
}

impl<M, T> Clone for Relation<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Relation<M, T> {}

impl<M, T> fmt::Debug for Relation<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Relation({})", self.name)
    }
}

impl<M, T> From<Relation<M, T>> for Include {
    fn from(r: Relation<M, T>) -> Include {
        Include::new(r.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loaded_missing_parent_is_loaded_and_null() {
        let none = BelongsTo::<i32>::loaded(None);
        assert!(none.is_loaded());
        assert_eq!(serde_json::to_string(&none).expect("serialises"), "null");
        let unloaded = BelongsTo::<i32>::default();
        assert!(unloaded.is_unloaded());
        let some = BelongsTo::loaded(Some(7));
        assert_eq!(some.get(), Some(&7));
        assert_eq!(serde_json::to_string(&some).expect("serialises"), "7");
        let back: BelongsTo<i32> = serde_json::from_str("7").expect("parses");
        assert_eq!(back, some);
    }

    #[test]
    fn many_serialises_the_rows() {
        let rows = HasMany::loaded(vec![1, 2]);
        assert_eq!(serde_json::to_string(&rows).expect("serialises"), "[1,2]");
        assert_eq!(rows.get(), Some(&[1, 2][..]));
    }
}
