//! Relation accessors: `customer.orders(&ds)`, `order.customer(&ds)`,
//! `post.tags(&ds)`. The derive generates one method per navigation field
//! returning one of these; they work on a [`DataSource`] or inside a
//! [`Transaction`](crate::Transaction), and every operation is limited to the
//! rows of this one parent.

use super::load::{self, Resolved};
use crate::connector::Connector;
use crate::filter::resolve::{CmpOp, Cond};
use crate::filter::{Filter, Where};
use crate::hooks::Operation;
use crate::model::{Model, Patch};
use crate::repository::Repository;
use crate::schema::ModelDefinition;
use crate::value::{Row, Value};
use crate::{DataSource, Error, Result};
use std::marker::PhantomData;
use std::sync::Arc;

fn eq(prop: usize, value: Value) -> Cond {
    Cond::Cmp {
        prop,
        op: CmpOp::Eq(value),
    }
}

fn one_of(prop: usize, values: Vec<Value>) -> Cond {
    Cond::Cmp {
        prop,
        op: CmpOp::In(values),
    }
}

/// The value at `pos` of a saved instance; an error naming the model when it
/// is not set (the instance was never saved).
fn key_of<M: Model>(instance: &M, pos: usize, relation: &str) -> Result<Value> {
    let value = instance.property_value(pos);
    if crate::model::is_unset_id(&value) {
        let def = M::definition();
        let property = def.properties.get_index(pos).map_or("id", |(n, _)| n.as_str());
        return Err(Error::invalid_data(
            &def.name,
            format!(
                "relation `{relation}`: `{property}` is not set; save the `{}` first",
                def.name
            ),
        ));
    }
    Ok(value)
}

/// `child` with its property at `pos` set to `value`.
fn with_value<T: Model>(child: T, pos: usize, value: Value) -> Result<T> {
    let mut row = child.to_row();
    row.values[pos] = value;
    T::from_row(row, None)
}

/// The related model's side of a `belongs_to` relation: `order.customer(&ds)`.
pub struct BelongsToAccessor<'a, P, T> {
    conn: Arc<dyn Connector>,
    parent: &'a P,
    name: &'static str,
    _target: PhantomData<fn() -> T>,
}

impl<'a, P, T> BelongsToAccessor<'a, P, T> {
    #[doc(hidden)]
    pub fn new(ds: &DataSource, parent: &'a P, name: &'static str) -> Self {
        BelongsToAccessor {
            conn: ds.connector().clone(),
            parent,
            name,
            _target: PhantomData,
        }
    }
}

impl<'a, P: Model, T: Model> BelongsToAccessor<'a, P, T> {
    fn resolved(&self) -> Result<Resolved> {
        load::resolve(P::definition(), self.name, T::definition(), None)
    }

    /// The related instance; `None` when the key is NULL or names no row.
    pub async fn get(&self) -> Result<Option<T>> {
        let r = self.resolved()?;
        let key = self.parent.property_value(r.parent_pos);
        if key.is_null() {
            return Ok(None);
        }
        let repo = Repository::<T>::new(self.conn.clone());
        Ok(repo
            .find_with(Filter::new().limit(1), Some(eq(r.target_pos, key)))
            .await?
            .pop())
    }

    /// Points the stored instance at `target` (writes its key) and returns
    /// the updated instance, validated and with hooks run as `update_by_id`
    /// does.
    pub async fn set(&self, target: &T) -> Result<P> {
        let r = self.resolved()?;
        let value = key_of(target, r.target_pos, self.name)?;
        let patch = P::Patch::from_set(vec![(r.parent_pos, value)])?;
        Repository::<P>::new(self.conn.clone())
            .update_by_id_values(self.parent.id_values(), patch)
            .await
    }
}

/// The children of a `has_many` relation: `customer.orders(&ds)`.
pub struct HasManyAccessor<'a, P, T> {
    conn: Arc<dyn Connector>,
    parent: &'a P,
    name: &'static str,
    _target: PhantomData<fn() -> T>,
}

impl<'a, P, T> HasManyAccessor<'a, P, T> {
    #[doc(hidden)]
    pub fn new(ds: &DataSource, parent: &'a P, name: &'static str) -> Self {
        HasManyAccessor {
            conn: ds.connector().clone(),
            parent,
            name,
            _target: PhantomData,
        }
    }
}

impl<'a, P: Model, T: Model> HasManyAccessor<'a, P, T> {
    fn repo(&self) -> Repository<T> {
        Repository::new(self.conn.clone())
    }

    /// `(position of the key on the child, this parent's key)`.
    fn key(&self) -> Result<(usize, Value)> {
        let r = load::resolve(P::definition(), self.name, T::definition(), None)?;
        Ok((r.target_pos, key_of(self.parent, r.parent_pos, self.name)?))
    }

    fn mine(&self) -> Result<Cond> {
        let (pos, key) = self.key()?;
        Ok(eq(pos, key))
    }

    /// This parent's children matching `filter`.
    pub async fn find(&self, filter: Filter) -> Result<Vec<T>> {
        self.repo().find_with(filter, Some(self.mine()?)).await
    }

    /// This parent's first child matching `filter`.
    pub async fn find_one(&self, filter: Filter) -> Result<Option<T>> {
        Ok(self.find(filter.limit(1)).await?.pop())
    }

    /// How many children match `where_` (`None`: all of this parent's).
    pub async fn count(&self, where_: impl Into<Option<Where>>) -> Result<u64> {
        self.repo().count_with(where_.into(), Some(self.mine()?)).await
    }

    /// `child` with its foreign key pointing at this parent, not saved.
    pub fn build(&self, child: T) -> Result<T> {
        let (pos, key) = self.key()?;
        with_value(child, pos, key)
    }

    /// Creates `child` with its foreign key set to this parent.
    pub async fn create(&self, child: T) -> Result<T> {
        let child = self.build(child)?;
        self.repo().create(child).await
    }

    /// Sets the patch on this parent's children matching `where_`; returns how many.
    pub async fn update_all(&self, where_: impl Into<Option<Where>>, patch: T::Patch) -> Result<u64> {
        self.repo()
            .update_all_with(where_.into(), patch, Some(self.mine()?))
            .await
    }

    /// Deletes this parent's children matching `where_`; returns how many.
    pub async fn delete_all(&self, where_: impl Into<Option<Where>>) -> Result<u64> {
        self.repo()
            .delete_where(Operation::DeleteAll, where_.into(), Some(self.mine()?))
            .await
    }
}

/// The child of a `has_one` relation: `customer.profile(&ds)`.
pub struct HasOneAccessor<'a, P, T> {
    inner: HasManyAccessor<'a, P, T>,
}

impl<'a, P, T> HasOneAccessor<'a, P, T> {
    #[doc(hidden)]
    pub fn new(ds: &DataSource, parent: &'a P, name: &'static str) -> Self {
        HasOneAccessor {
            inner: HasManyAccessor::new(ds, parent, name),
        }
    }
}

impl<'a, P: Model, T: Model> HasOneAccessor<'a, P, T> {
    /// The child, if there is one.
    pub async fn get(&self) -> Result<Option<T>> {
        self.inner.find_one(Filter::new()).await
    }

    /// Creates the child with its foreign key set to this parent.
    pub async fn create(&self, child: T) -> Result<T> {
        self.inner.create(child).await
    }

    /// Sets the patch on the child; returns it updated, or `None` when there
    /// is no child.
    pub async fn update(&self, patch: T::Patch) -> Result<Option<T>> {
        let Some(child) = self.get().await? else {
            return Ok(None);
        };
        let repo = self.inner.repo();
        Ok(Some(repo.update_by_id_values(child.id_values(), patch).await?))
    }

    /// Deletes the child; `false` when there was none.
    pub async fn delete(&self) -> Result<bool> {
        Ok(self.inner.delete_all(None).await? > 0)
    }
}

/// The other side of a `has_and_belongs_to_many` or `has_many(through = ..)`
/// relation: `post.tags(&ds)`. Reads go through the link rows; `add` and
/// `remove` write only this parent's links.
pub struct LinkedAccessor<'a, P, T> {
    conn: Arc<dyn Connector>,
    parent: &'a P,
    name: &'static str,
    through: Option<&'static ModelDefinition>,
    _target: PhantomData<fn() -> T>,
}

impl<'a, P, T> LinkedAccessor<'a, P, T> {
    #[doc(hidden)]
    pub fn new(ds: &DataSource, parent: &'a P, name: &'static str, through: Option<&'static ModelDefinition>) -> Self {
        LinkedAccessor {
            conn: ds.connector().clone(),
            parent,
            name,
            through,
            _target: PhantomData,
        }
    }
}

impl<'a, P: Model, T: Model> LinkedAccessor<'a, P, T> {
    fn resolved(&self) -> Result<(Resolved, Value)> {
        let r = load::resolve(P::definition(), self.name, T::definition(), self.through)?;
        let key = key_of(self.parent, r.parent_pos, self.name)?;
        Ok((r, key))
    }

    /// The condition "linked to this parent" on the target, or `None` when
    /// nothing is linked (one read of the link rows).
    async fn mine(&self, conn: &Arc<dyn Connector>) -> Result<Option<Cond>> {
        let (r, key) = self.resolved()?;
        let link = r.link_spec()?;
        let pairs = load::link_pairs(conn.as_ref(), &link, &[key]).await?;
        let targets = load::distinct(pairs.into_iter().map(|(_, t)| t));
        Ok((!targets.is_empty()).then(|| one_of(r.target_pos, targets)))
    }

    /// The linked instances matching `filter` (one query: a join with the
    /// link rows on SQL).
    pub async fn find(&self, filter: Filter) -> Result<Vec<T>> {
        let (r, key) = self.resolved()?;
        let link = r.link_spec()?;
        let found = Repository::<T>::new(self.conn.clone())
            .find_keyed(filter, r.target_pos, vec![key], Some(&link))
            .await?;
        Ok(found.into_iter().map(|(_, t)| t).collect())
    }

    /// The first linked instance matching `filter`.
    pub async fn find_one(&self, filter: Filter) -> Result<Option<T>> {
        Ok(self.find(filter.limit(1)).await?.pop())
    }

    /// How many linked instances match `where_`.
    pub async fn count(&self, where_: impl Into<Option<Where>>) -> Result<u64> {
        match self.mine(&self.conn).await? {
            Some(cond) => {
                Repository::<T>::new(self.conn.clone())
                    .count_with(where_.into(), Some(cond))
                    .await
            }
            None => Ok(0),
        }
    }

    /// Whether `other` is linked to this parent.
    pub async fn exists(&self, other: &T) -> Result<bool> {
        let (r, key) = self.resolved()?;
        let link = r.link_spec()?;
        let target = key_of(other, r.target_pos, self.name)?;
        let cond = Cond::And(vec![eq(link.to_parent, key), eq(link.to_target, target)]);
        Ok(self.conn.count(link.def, Some(&cond)).await? > 0)
    }

    /// Links `other` (already stored) to this parent; linking twice is a no-op.
    pub async fn add(&self, other: &T) -> Result<()> {
        self.add_on(&self.conn, other).await
    }

    async fn add_on(&self, conn: &Arc<dyn Connector>, other: &T) -> Result<()> {
        let (r, key) = self.resolved()?;
        let link = r.link_spec()?;
        let target = key_of(other, r.target_pos, self.name)?;
        let cond = Cond::And(vec![
            eq(link.to_parent, key.clone()),
            eq(link.to_target, target.clone()),
        ]);
        if conn.count(link.def, Some(&cond)).await? > 0 {
            return Ok(());
        }
        let mut row = Row::new(vec![Value::Null; link.def.properties.len()]);
        row.values[link.to_parent] = key;
        row.values[link.to_target] = target;
        crate::ops::apply_defaults(link.def, &mut row);
        conn.insert(link.def, vec![row]).await?;
        Ok(())
    }

    /// Unlinks `other` from this parent (`other` itself stays); `false` when
    /// it was not linked.
    pub async fn remove(&self, other: &T) -> Result<bool> {
        let (r, key) = self.resolved()?;
        let link = r.link_spec()?;
        let target = key_of(other, r.target_pos, self.name)?;
        let cond = Cond::And(vec![eq(link.to_parent, key), eq(link.to_target, target)]);
        Ok(self.conn.delete(link.def, Some(&cond)).await? > 0)
    }

    /// Creates `child` and links it to this parent, both or neither.
    pub async fn create(&self, child: T) -> Result<T> {
        let tx = self.conn.begin().await?;
        let result = async {
            let created = Repository::<T>::new(tx.clone()).create(child).await?;
            self.add_on(&tx, &created).await?;
            Ok(created)
        }
        .await;
        finish(tx.as_ref(), result).await
    }

    /// Sets the patch on the linked instances matching `where_`; returns how many.
    pub async fn update_all(&self, where_: impl Into<Option<Where>>, patch: T::Patch) -> Result<u64> {
        match self.mine(&self.conn).await? {
            Some(cond) => {
                Repository::<T>::new(self.conn.clone())
                    .update_all_with(where_.into(), patch, Some(cond))
                    .await
            }
            None => Ok(0),
        }
    }

    /// Deletes the linked instances matching `where_`, with every link row
    /// pointing at them (links to rows that no longer exist would dangle);
    /// returns how many instances. Instances not linked to this parent are
    /// never touched.
    pub async fn delete_all(&self, where_: impl Into<Option<Where>>) -> Result<u64> {
        let where_ = where_.into();
        let tx = self.conn.begin().await?;
        let result = async {
            let Some(cond) = self.mine(&tx).await? else {
                return Ok(0);
            };
            let (r, _) = self.resolved()?;
            let link = r.link_spec()?;
            let def = T::definition();
            let filter = Filter {
                where_: where_.clone(),
                ..Filter::default()
            };
            let mut query = crate::ops::query(def, T::default_scope(), &filter)?;
            query.cond = Some(match query.cond.take() {
                Some(c) => Cond::And(vec![c, cond]),
                None => cond,
            });
            query.fields = Some(vec![r.target_pos]);
            let doomed: Vec<Value> = tx
                .find(def, &query)
                .await?
                .into_iter()
                .map(|mut row| std::mem::take(&mut row.values[r.target_pos]))
                .collect();
            if doomed.is_empty() {
                return Ok(0);
            }
            tx.delete(link.def, Some(&one_of(link.to_target, doomed.clone())))
                .await?;
            Repository::<T>::new(tx.clone())
                .delete_where(Operation::DeleteAll, where_, Some(one_of(r.target_pos, doomed)))
                .await
        }
        .await;
        finish(tx.as_ref(), result).await
    }
}

/// Commits on `Ok`, rolls back on `Err`.
async fn finish<T>(tx: &dyn Connector, result: Result<T>) -> Result<T> {
    match result {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}
