//! How `include` reaches a model's navigation fields. The derive writes one
//! small method per model, [`Model::navigation`](crate::Model::navigation):
//! a match from a relation's name to its field. Everything else (the
//! parents' keys, the query, handing each parent its rows) is generic code
//! here, reached through the field's type behind `dyn`: it is checked once,
//! in this crate, not once per relation in the user's.

use super::load::{distinct, parent_keys, resolve, Key, KeyMap, Resolved};
use super::{BelongsTo, HasAndBelongsToMany, HasMany, HasOne};
use crate::connector::Connector;
use crate::filter::Include;
use crate::model::{BoxFuture, Model};
use crate::repository::Repository;
use crate::schema::{ModelDefinition, RelationKind};
use crate::value::Value;
use crate::{Error, Result};
use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

/// A navigation field (`HasMany<T>` and the others) as `include` fills it.
#[doc(hidden)]
pub trait Navigation: Send {
    /// How this field's relation is loaded: one per field type, shared.
    fn loader(&self) -> &'static dyn Load;
    /// The field itself, for its loader to fill.
    fn as_any(&mut self) -> &mut dyn Any;
}

/// A model's navigation field, and the model whose rows link a
/// `has_many(through = ..)`.
#[doc(hidden)]
pub struct NavField<'a> {
    field: &'a mut dyn Navigation,
    through: Option<fn() -> &'static ModelDefinition>,
}

impl<'a> NavField<'a> {
    /// The field of a relation, `through` the link model's definition.
    #[inline]
    pub fn new(field: &'a mut dyn Navigation, through: Option<fn() -> &'static ModelDefinition>) -> Self {
        NavField { field, through }
    }
}

/// Loads one relation for all parents at once (see [`Navigation::loader`]).
#[doc(hidden)]
pub trait Load: Sync {
    /// The related model.
    fn target(&self) -> &'static ModelDefinition;
    /// Queries the related rows of every parent and fills each parent's field.
    fn load<'a>(&'static self, level: Level<'a>) -> BoxFuture<'a, Result<()>>;
}

/// One relation level: the parents' fields and keys, in the same order,
/// and the relation resolved between the two models.
#[doc(hidden)]
pub struct Level<'a> {
    fields: Vec<&'a mut dyn Navigation>,
    own: Vec<Value>,
    relation: Resolved,
    include: &'a Include,
    conn: &'a Arc<dyn Connector>,
}

/// The error of an `include` naming no relation of `owner`.
fn no_relation(owner: &ModelDefinition, include: &Include) -> Error {
    Error::invalid_filter(
        "include",
        format!("`{}` has no relation `{}`", owner.name, include.relation),
    )
}

/// `Model::include` of a derived model: one query for every parent (two
/// with link rows), each parent handed its own rows.
pub(crate) fn include<'a, P: Model>(
    parents: &'a mut [P],
    include: &'a Include,
    conn: &'a Arc<dyn Connector>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let owner = P::definition();
        let name = include.relation.as_str();
        let Some(first) = parents.first_mut() else {
            return match owner.relations.contains_key(name) {
                true => Ok(()),
                false => Err(no_relation(owner, include)),
            };
        };
        let Some(nav) = first.navigation(name) else {
            return Err(no_relation(owner, include));
        };
        let (loader, through) = (nav.field.loader(), nav.through.map(|def| def()));
        let relation = resolve(owner, name, loader.target(), through)?;
        let own = parent_keys(parents, relation.parent_pos);
        let fields = parents
            .iter_mut()
            .map(|p| p.navigation(name).map(|n| n.field))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| no_relation(owner, include))?;
        let level = Level {
            fields,
            own,
            relation,
            include,
            conn,
        };
        loader.load(level).await
    })
}

/// What a navigation field type holds and how it is filled.
trait Fill: Navigation + Sized + 'static {
    type Target: Model;
    /// A parent's rows out of the rows by key: moved out, or for
    /// `belongs_to` (a row several parents may share) its copy.
    fn take(by_key: &mut KeyMap<Vec<Self::Target>>, key: &Key) -> Vec<Self::Target>;
    fn fill(&mut self, rows: Vec<Self::Target>);
}

/// The [`Load`] of navigation field type `N`: a zero-sized value, so a
/// `&'static` one costs nothing.
struct Loader<N>(PhantomData<fn() -> N>);

impl<N: Fill> Load for Loader<N> {
    fn target(&self) -> &'static ModelDefinition {
        N::Target::definition()
    }

    fn load<'a>(&'static self, level: Level<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let r = &level.relation;
            let keys = distinct(level.own.iter().cloned());
            let mut filter = level.include.scope.as_deref().cloned().unwrap_or_default();
            if r.kind == RelationKind::HasOne {
                filter.limit = Some(1);
            }
            let related = Repository::<N::Target>::new(level.conn.clone())
                .find_keyed(filter, r.target_pos, keys, r.link.as_ref())
                .await?;
            assign::<N>(level.fields, level.own, related);
            Ok(())
        })
    }
}

/// Hands each field (of the parent whose key is in `own`, in the same
/// order) the rows keyed by its key.
fn assign<N: Fill>(fields: Vec<&mut dyn Navigation>, own: Vec<Value>, related: Vec<(Value, N::Target)>) {
    let mut by_key: KeyMap<Vec<N::Target>> = KeyMap::with_capacity_and_hasher(own.len(), Default::default());
    for (k, row) in related {
        if let Some(k) = Key::of(&k) {
            by_key.entry(k).or_default().push(row);
        }
    }
    for (field, k) in fields.into_iter().zip(own) {
        if let Some(field) = field.as_any().downcast_mut::<N>() {
            let mine = Key::of(&k).map(|k| N::take(&mut by_key, &k)).unwrap_or_default();
            field.fill(mine);
        }
    }
}

impl<T: Model + Clone> Navigation for BelongsTo<T> {
    fn loader(&self) -> &'static dyn Load {
        &Loader::<Self>(PhantomData)
    }

    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
}

impl<T: Model + Clone> Fill for BelongsTo<T> {
    type Target = T;

    /// Several children may share a parent: each gets a copy.
    fn take(by_key: &mut KeyMap<Vec<T>>, key: &Key) -> Vec<T> {
        by_key
            .get(key)
            .and_then(|rows| rows.first())
            .cloned()
            .into_iter()
            .collect()
    }

    fn fill(&mut self, rows: Vec<T>) {
        *self = BelongsTo::loaded(rows.into_iter().next());
    }
}

/// `Navigation` and `Fill` of the kinds whose rows no two parents share.
macro_rules! moved_rows {
    ($($name:ident: |$rows:ident| $loaded:expr;)+) => {$(
        impl<T: Model> Navigation for $name<T> {
            fn loader(&self) -> &'static dyn Load {
                &Loader::<Self>(PhantomData)
            }

            fn as_any(&mut self) -> &mut dyn Any {
                self
            }
        }

        impl<T: Model> Fill for $name<T> {
            type Target = T;

            fn take(by_key: &mut KeyMap<Vec<T>>, key: &Key) -> Vec<T> {
                by_key.remove(key).unwrap_or_default()
            }

            fn fill(&mut self, $rows: Vec<T>) {
                *self = $loaded;
            }
        }
    )+};
}

moved_rows! {
    HasOne: |rows| HasOne::loaded(rows.into_iter().next());
    HasMany: |rows| HasMany::loaded(rows);
    HasAndBelongsToMany: |rows| HasAndBelongsToMany::loaded(rows);
}
