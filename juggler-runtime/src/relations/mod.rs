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
pub(crate) mod navigation;

pub use accessor::{BelongsToAccessor, HasManyAccessor, HasOneAccessor, LinkedAccessor};

use crate::filter::{Filter, Include};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// What a navigation field holds once loaded, its type erased: a struct's
/// auto traits (`Send`, `Sync`) then do not depend on the related model's,
/// so a chain of hundreds of related models does not overflow the
/// compiler's recursion limit when it checks them (E0275).
type Held = Box<dyn std::any::Any + Send + Sync>;

macro_rules! many {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<T> {
            /// A `Vec<T>` when loaded.
            loaded: Option<Held>,
            _rows: PhantomData<fn() -> T>,
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { loaded: None, _rows: PhantomData }
            }
        }

        impl<T: Send + Sync + 'static> $name<T> {
            /// A navigation field holding `rows`, as loaded.
            pub fn loaded(rows: Vec<T>) -> Self {
                $name { loaded: Some(Box::new(rows)), _rows: PhantomData }
            }

            /// Takes what was loaded, leaving the field unloaded.
            pub fn take(&mut self) -> Option<Vec<T>> {
                self.loaded.take().and_then(|b| b.downcast::<Vec<T>>().ok()).map(|b| *b)
            }

            /// Replaces what is held (`None`: unloaded).
            pub fn set(&mut self, rows: Option<Vec<T>>) {
                self.loaded = rows.map(|r| Box::new(r) as Held);
            }
        }

        impl<T: 'static> $name<T> {
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
                self.loaded.as_ref().and_then(|b| b.downcast_ref::<Vec<T>>()).map(Vec::as_slice)
            }
        }

        impl<T: Clone + Send + Sync + 'static> Clone for $name<T> {
            fn clone(&self) -> Self {
                $name { loaded: self.get().map(|rows| Box::new(rows.to_vec()) as Held), _rows: PhantomData }
            }
        }

        impl<T: PartialEq + 'static> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.get() == other.get()
            }
        }

        impl<T: fmt::Debug + 'static> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("loaded", &self.get()).finish()
            }
        }

        impl<T: Serialize + 'static> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.get().serialize(serializer)
            }
        }

        impl<'de, T: Deserialize<'de> + Send + Sync + 'static> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let rows = Option::<Vec<T>>::deserialize(deserializer)?;
                Ok($name { loaded: rows.map(|r| Box::new(r) as Held), _rows: PhantomData })
            }
        }
    };
}

macro_rules! one {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<T> {
            /// `None`: not loaded; `Some(None)`: loaded, no row; else a `T`.
            loaded: Option<Option<Held>>,
            _row: PhantomData<fn() -> T>,
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name { loaded: None, _row: PhantomData }
            }
        }

        impl<T: Send + Sync + 'static> $name<T> {
            /// A navigation field holding `row` (`None`: there is none), as loaded.
            pub fn loaded(row: Option<T>) -> Self {
                $name { loaded: Some(row.map(|r| Box::new(r) as Held)), _row: PhantomData }
            }

            /// Takes what was loaded, leaving the field unloaded.
            pub fn take(&mut self) -> Option<T> {
                self.loaded.take().flatten().and_then(|b| b.downcast::<T>().ok()).map(|b| *b)
            }

            /// Replaces what is held (`None`: unloaded).
            pub fn set(&mut self, row: Option<Option<T>>) {
                self.loaded = row.map(|r| r.map(|r| Box::new(r) as Held));
            }
        }

        impl<T: 'static> $name<T> {
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
                self.loaded.as_ref().and_then(|v| v.as_ref()).and_then(|b| b.downcast_ref::<T>())
            }

            /// What was loaded, telling "not included" (`None`) from "no row"
            /// (`Some(None)`).
            fn state(&self) -> Option<Option<&T>> {
                self.loaded.as_ref().map(|v| v.as_ref().and_then(|b| b.downcast_ref::<T>()))
            }
        }

        impl<T: Clone + Send + Sync + 'static> Clone for $name<T> {
            fn clone(&self) -> Self {
                $name {
                    loaded: self.state().map(|row| row.map(|r| Box::new(r.clone()) as Held)),
                    _row: PhantomData,
                }
            }
        }

        impl<T: PartialEq + 'static> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.state() == other.state()
            }
        }

        impl<T: fmt::Debug + 'static> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("loaded", &self.state()).finish()
            }
        }

        impl<T: Serialize + 'static> Serialize for $name<T> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.get().serialize(serializer)
            }
        }

        impl<'de, T: Deserialize<'de> + Send + Sync + 'static> Deserialize<'de> for $name<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let row = Option::<T>::deserialize(deserializer)?;
                Ok($name { loaded: row.map(|r| Some(Box::new(r) as Held)), _row: PhantomData })
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
