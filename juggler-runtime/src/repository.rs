//! The typed repository: `ds.repo::<Customer>()`.

use crate::connector::{Connector, LinkSpec};
use crate::filter::resolve::{Cond, Query};
use crate::filter::{Filter, Origin, Where};
use crate::hooks::{self, Context, HookKind, Operation};
use crate::model::{Model, ModelId, Patch as _};
use crate::ops;
use crate::relations::load;
use crate::validation::{check_rules, ValidationError};
use crate::value::{Row, Value};
use crate::{Error, Result};
use std::marker::PhantomData;
use std::sync::Arc;

/// Create, read, update and delete for one model, with validation and hooks.
///
/// ```
/// use juggler::prelude::*;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Todo {
///     #[property(id, generated)]
///     id: i64,
///     #[validate(length(min = 1))]
///     title: String,
///     done: bool,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> juggler::Result<()> {
/// let ds = DataSource::connect("memory:").await?;
/// let todos = ds.repo::<Todo>();
/// let t = todos.create(Todo { id: 0, title: "write docs".into(), done: false }).await?;
/// assert_eq!(t.id, 1);
/// let open = todos.count(Todo::DONE.eq(false)).await?;
/// assert_eq!(open, 1);
/// # Ok(())
/// # }
/// ```
pub struct Repository<M> {
    conn: Arc<dyn Connector>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Repository<M> {
    fn clone(&self) -> Self {
        Repository {
            conn: self.conn.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Repository<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("model", &std::any::type_name::<M>())
            .finish()
    }
}

fn all(_: usize) -> bool {
    true
}

impl<M: Model> Repository<M> {
    pub(crate) fn new(conn: Arc<dyn Connector>) -> Self {
        Repository {
            conn,
            _model: PhantomData,
        }
    }

    fn def() -> &'static crate::schema::ModelDefinition {
        M::definition()
    }

    /// Runs every validator, including `uniqueness` (asking the connector) and
    /// `custom_async`.
    pub async fn is_valid(&self, instance: &M) -> Result<()> {
        let row = instance.to_row();
        self.validate_row(instance, &row).await
    }

    async fn validate_row(&self, instance: &M, row: &Row) -> Result<()> {
        let def = Self::def();
        if nothing_to_validate(def) {
            return Ok(());
        }
        let mut errors = ValidationError::new(&def.name);
        check_rules(def, row, &all, &mut errors);
        instance.validate_custom(&mut errors);
        ops::check_uniqueness(self.conn.as_ref(), def, row, &all, &mut errors).await?;
        instance.validate_custom_async(&mut errors).await;
        errors.into_result().map_err(Error::from)
    }

    /// Applies defaults and text transforms; the instance is rebuilt from the row.
    fn prepare(&self, instance: M) -> Result<(M, Row)> {
        let def = Self::def();
        let mut row = instance.to_row();
        if !ops::rewrites_on_save(def) {
            return Ok((instance, row));
        }
        let before = row.clone();
        ops::apply_defaults(def, &mut row);
        ops::apply_transforms(def, &mut row, &all);
        if row == before {
            Ok((instance, row))
        } else {
            Ok((M::from_row(row.clone(), None)?, row))
        }
    }

    async fn before_save(&self, op: Operation, instance: M, is_new: Option<bool>) -> Result<M> {
        if !M::HAS_HOOKS {
            return Ok(instance);
        }
        let mut ctx = Context::new(op);
        ctx.instance = Some(instance);
        ctx.is_new_instance = is_new;
        hooks::run(HookKind::BeforeSave, &mut ctx).await?;
        hooks::run(HookKind::Persist, &mut ctx).await?;
        take_instance(ctx)
    }

    async fn after_save(&self, op: Operation, instance: M, is_new: Option<bool>) -> Result<M> {
        if !M::HAS_HOOKS {
            return Ok(instance);
        }
        let mut ctx = Context::new(op);
        ctx.instance = Some(instance);
        ctx.is_new_instance = is_new;
        hooks::run(HookKind::AfterSave, &mut ctx).await?;
        take_instance(ctx)
    }

    async fn access(&self, op: Operation, filter: Filter) -> Result<Filter> {
        if !M::HAS_HOOKS {
            return Ok(filter);
        }
        let mut ctx = Context::<M>::new(op);
        ctx.query = Some(filter);
        hooks::run(HookKind::Access, &mut ctx).await?;
        Ok(ctx.query.unwrap_or_default())
    }

    /// [`Self::access`] for an operation that takes only a `where`: the
    /// condition and its origin after the `access` hooks (none are run, and
    /// no filter is built, for a model without hooks).
    async fn access_where(&self, op: Operation, where_: Option<Where>) -> Result<(Option<Where>, Origin)> {
        if !M::HAS_HOOKS {
            return Ok((where_, Origin::Code));
        }
        let filter = Filter {
            where_,
            ..Filter::default()
        };
        let filter = self.access(op, filter).await?;
        Ok((filter.where_, filter.origin))
    }

    /// Runs the `loaded` hook on each instance (only with hooks).
    async fn run_loaded(&self, op: Operation, instances: Vec<M>) -> Result<Vec<M>> {
        if !M::HAS_HOOKS {
            return Ok(instances);
        }
        let mut out = Vec::with_capacity(instances.len());
        for instance in instances {
            let mut ctx = Context::new(op);
            ctx.instance = Some(instance);
            hooks::run(HookKind::Loaded, &mut ctx).await?;
            out.push(take_instance(ctx)?);
        }
        Ok(out)
    }

    async fn loaded(&self, op: Operation, rows: Vec<Row>, fields: Option<&[usize]>) -> Result<Vec<M>> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let instance = M::from_row(row, fields)?;
            if M::HAS_HOOKS {
                let mut ctx = Context::new(op);
                ctx.instance = Some(instance);
                hooks::run(HookKind::Loaded, &mut ctx).await?;
                out.push(take_instance(ctx)?);
            } else {
                out.push(instance);
            }
        }
        Ok(out)
    }

    /// Validates and inserts one instance; returns it with its id (and any
    /// defaults) filled in. Nothing is written when validation fails.
    pub async fn create(&self, instance: M) -> Result<M> {
        let mut created = self.create_all(vec![instance]).await?;
        created
            .pop()
            .ok_or_else(|| Error::invalid_data(&Self::def().name, "the connector returned no row"))
    }

    /// Validates every instance, then inserts them all in one batch; nothing is
    /// written when any fails.
    pub async fn create_all(&self, instances: Vec<M>) -> Result<Vec<M>> {
        let def = Self::def();
        ops::writable(def)?;
        let mut ready = Vec::with_capacity(instances.len());
        // Nothing reads or changes the instance around the insert: the
        // instances are what is stored, but for the ids the insert gives.
        let as_given = !M::HAS_HOOKS && !ops::rewrites_on_save(def) && nothing_to_validate(def);
        if as_given && def.is_strict() && ops::id_positions(def).len() == 1 {
            let mut values = Vec::with_capacity(instances.len() * def.properties.len());
            for instance in &instances {
                let start = values.len();
                instance.push_values(&mut values);
                ops::check_force_id_values(def, &values[start..])?;
            }
            let ids = self.conn.insert_values(def, values).await?;
            let mut out = instances;
            for (instance, id) in out.iter_mut().zip(ids) {
                instance.set_id(id)?;
            }
            return Ok(out);
        }
        for instance in instances {
            // Nothing reads the instance before the insert: move its values.
            if as_given {
                let row = instance.into_row();
                ops::check_force_id(def, &row)?;
                ready.push(row);
                continue;
            }
            let (instance, row) = self.prepare(instance)?;
            let (instance, row) = if M::HAS_HOOKS {
                let instance = self.before_save(Operation::Create, instance, Some(true)).await?;
                let row = instance.to_row();
                (instance, row)
            } else {
                (instance, row)
            };
            ops::check_force_id(def, &row)?;
            self.validate_row(&instance, &row).await?;
            ready.push(row);
        }
        let rows = self.conn.insert_static(def, ready).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let instance = M::from_row(row, None)?;
            out.push(self.after_save(Operation::Create, instance, Some(true)).await?);
        }
        Ok(out)
    }

    /// Updates the instance with the same id, or creates it; atomic on the
    /// connector.
    pub async fn upsert(&self, instance: M) -> Result<M> {
        let def = Self::def();
        ops::writable(def)?;
        let (instance, _) = self.prepare(instance)?;
        let instance = self.before_save(Operation::Upsert, instance, None).await?;
        let row = instance.to_row();
        ops::check_force_id_upsert(self.conn.as_ref(), def, &row).await?;
        self.validate_row(&instance, &row).await?;
        let (row, inserted) = self.conn.upsert(def, row).await?;
        let instance = M::from_row(row, None)?;
        self.after_save(Operation::Upsert, instance, Some(inserted)).await
    }

    /// Replaces the stored instance with the same id (every property), or
    /// creates it. For a typed instance, which names every property, this is
    /// [`Repository::upsert`].
    pub async fn replace_or_create(&self, instance: M) -> Result<M> {
        self.upsert(instance).await
    }

    /// The first instance matching `filter`, or `data` created; the flag says
    /// whether it was created.
    ///
    /// Concurrent calls for the same filter in one process create one
    /// instance; across processes, a unique index on the filtered properties
    /// makes it atomic (a losing insert returns the row that won).
    pub async fn find_or_create(&self, filter: Filter, data: M) -> Result<(M, bool)> {
        let _one_at_a_time = ops::find_or_create_lock(Self::def(), &filter).await;
        if let Some(found) = self.find_one(filter.clone()).await? {
            return Ok((found, false));
        }
        match self.create(data).await {
            Ok(created) => Ok((created, true)),
            Err(e) if ops::is_uniqueness(&e) => match self.find_one(filter).await? {
                Some(found) => Ok((found, false)),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Whether an instance with this id exists.
    pub async fn exists(&self, id: impl ModelId) -> Result<bool> {
        let def = Self::def();
        let values = ops::typed_id(def, id.to_id_values())?;
        let filter = self
            .access(Operation::Find, Filter::new().where_(ops::id_where(def, &values)))
            .await?;
        let cond = ops::where_cond(def, M::default_scope(), filter.where_.as_ref(), filter.origin)?;
        Ok(self.conn.count(def, cond.as_ref()).await? > 0)
    }

    /// The instance with this id.
    pub async fn find_by_id(&self, id: impl ModelId) -> Result<Option<M>> {
        let def = Self::def();
        let values = ops::typed_id(def, id.to_id_values())?;
        if Self::plain() && !values.iter().any(Value::is_null) {
            // No hooks, no scope: the fixed statement, built once (it checks
            // the id's shape too).
            if !def.is_strict() {
                // The extra properties come with the row.
                return self
                    .conn
                    .find_by_id_static(def, &values)
                    .await?
                    .map(|row| M::from_row(row, None))
                    .transpose();
            }
            // The row decodes straight into `M` as the connector reads it.
            let mut found = None;
            self.conn
                .find_by_id_each_static(def, &values, &mut |row, columns| {
                    found = Some(M::read_row(row, columns)?);
                    Ok(())
                })
                .await?;
            return Ok(found);
        }
        self.find_one(Filter::new().where_(ops::id_where(def, &values))).await
    }

    /// No hooks and no default scope: the by-id fast paths apply.
    fn plain() -> bool {
        !M::HAS_HOOKS && M::default_scope().is_none()
    }

    /// Every instance matching `filter` (with the default scope applied), with
    /// the relations it names in `include` loaded into their navigation
    /// fields (one query per relation level).
    pub async fn find(&self, filter: Filter) -> Result<Vec<M>> {
        self.find_with(filter, None).await
    }

    /// `find` with an extra condition ANDed in (relation accessors).
    pub(crate) async fn find_with(&self, filter: Filter, extra: Option<Cond>) -> Result<Vec<M>> {
        let def = Self::def();
        let filter = self.access(Operation::Find, filter).await?;
        let mut query = ops::query(def, M::default_scope(), &filter)?;
        whole_instances(&mut query);
        if let Some(extra) = extra {
            query.cond = Some(and(query.cond.take(), extra));
        }
        let mut found = if def.is_strict() {
            // Rows decode straight into `M` as the connector reads them.
            let mut decoded: Vec<M> = Vec::new();
            self.conn
                .find_each(def, &query, &mut |row, columns| {
                    decoded.push(M::read_row(row, columns)?);
                    Ok(())
                })
                .await?;
            self.run_loaded(Operation::Find, decoded).await?
        } else {
            // Unknown properties travel in the row's `extra`.
            let rows = self.conn.find(def, &query).await?;
            self.loaded(Operation::Find, rows, query.fields.as_deref()).await?
        };
        self.include(&mut found, &query).await?;
        Ok(found)
    }

    async fn include(&self, found: &mut [M], query: &Query) -> Result<()> {
        if found.is_empty() {
            return Ok(());
        }
        for include in &query.include {
            M::include(found, include, &self.conn).await?;
        }
        Ok(())
    }

    /// Instances matching `filter` whose property at `key_pos` is one of
    /// `keys` (or, `via` link rows, are linked to one of the parent `keys`),
    /// each with that key: how `include` loads a relation level. `limit` and
    /// `skip` count per key.
    pub(crate) async fn find_keyed(
        &self,
        filter: Filter,
        key_pos: usize,
        keys: Vec<Value>,
        via: Option<&LinkSpec<'_>>,
    ) -> Result<Vec<(Value, M)>> {
        let def = Self::def();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let filter = self.access(Operation::Find, filter).await?;
        let mut query = ops::query(def, M::default_scope(), &filter)?;
        whole_instances(&mut query);
        let decoded = match via {
            // Rows decode straight into `M` as the connector reads them.
            None if def.is_strict() => {
                load::keyed_instances::<M>(self.conn.as_ref(), def, &mut query, key_pos, &keys).await?
            }
            _ => None,
        };
        let (key_values, mut found) = match decoded {
            // Nothing to run on the instances: handed on as read, no copies.
            Some(keyed) if !M::HAS_HOOKS && query.include.is_empty() => return Ok(keyed),
            Some(keyed) => {
                let (key_values, found): (Vec<Value>, Vec<M>) = keyed.into_iter().unzip();
                (key_values, self.run_loaded(Operation::Find, found).await?)
            }
            None => {
                let keyed = load::keyed_rows(self.conn.as_ref(), def, &mut query, key_pos, &keys, via).await?;
                let (key_values, rows): (Vec<Value>, Vec<Row>) = keyed.into_iter().unzip();
                (
                    key_values,
                    self.loaded(Operation::Find, rows, query.fields.as_deref()).await?,
                )
            }
        };
        self.include(&mut found, &query).await?;
        Ok(key_values.into_iter().zip(found).collect())
    }

    /// The first instance matching `filter`.
    pub async fn find_one(&self, filter: Filter) -> Result<Option<M>> {
        let mut filter = filter;
        filter.limit = Some(1);
        Ok(self.find(filter).await?.pop())
    }

    /// How many instances match `where_` (`None` for all).
    pub async fn count(&self, where_: impl Into<Option<Where>>) -> Result<u64> {
        self.count_with(where_.into(), None).await
    }

    pub(crate) async fn count_with(&self, where_: Option<Where>, extra: Option<Cond>) -> Result<u64> {
        let def = Self::def();
        let (where_, origin) = self.access_where(Operation::Count, where_).await?;
        let cond = ops::where_cond(def, M::default_scope(), where_.as_ref(), origin)?;
        let cond = with_extra(cond, extra);
        self.conn.count(def, cond.as_ref()).await
    }

    /// Sets the patch's properties on every instance matching `where_`;
    /// returns how many. The set values are checked by the property-level
    /// validators (all but `uniqueness` and custom ones, which need an
    /// instance).
    pub async fn update_all(&self, where_: impl Into<Option<Where>>, patch: M::Patch) -> Result<u64> {
        self.update_all_with(where_.into(), patch, None).await
    }

    pub(crate) async fn update_all_with(
        &self,
        where_: Option<Where>,
        patch: M::Patch,
        extra: Option<Cond>,
    ) -> Result<u64> {
        let def = Self::def();
        ops::writable(def)?;
        if Self::plain() && extra.is_none() {
            // `where id = ..` from code: the fixed statement, no condition built.
            if let Some(id) = where_
                .as_ref()
                .and_then(|w| crate::filter::resolve::id_equality(def, w))
            {
                let set = self.checked_set(&patch)?;
                if !set.is_empty() {
                    return self
                        .conn
                        .update_by_id_static(def, std::slice::from_ref(&id), &set)
                        .await;
                }
            }
        }
        let (mut where_, origin) = self.access_where(Operation::UpdateAll, where_).await?;
        let mut patch = patch;
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(Operation::UpdateAll);
            ctx.where_ = where_;
            ctx.data = Some(patch);
            hooks::run(HookKind::BeforeSave, &mut ctx).await?;
            where_ = ctx.where_;
            patch = ctx.data.unwrap_or_default();
        }
        let set = self.checked_set(&patch)?;
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(Operation::UpdateAll);
            ctx.where_ = where_.clone();
            ctx.data = Some(patch);
            hooks::run(HookKind::Persist, &mut ctx).await?;
            patch = ctx.data.unwrap_or_default();
        }
        let set = if M::HAS_HOOKS { self.checked_set(&patch)? } else { set };
        let cond = ops::where_cond(def, M::default_scope(), where_.as_ref(), origin)?;
        let cond = with_extra(cond, extra);
        let n = if set.is_empty() {
            self.conn.count(def, cond.as_ref()).await?
        } else if let Some(id) = ops::single_id_eq(def, cond.as_ref()) {
            // `where id = ..`: the fixed statement, built once per column set.
            self.conn
                .update_by_id_static(def, std::slice::from_ref(id), &set)
                .await?
        } else {
            self.conn.update(def, cond.as_ref(), &set).await?
        };
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(Operation::UpdateAll);
            ctx.where_ = where_;
            ctx.data = Some(patch);
            hooks::run(HookKind::AfterSave, &mut ctx).await?;
        }
        Ok(n)
    }

    /// The patch as `(position, value)` pairs, transformed and validated.
    fn checked_set(&self, patch: &M::Patch) -> Result<Vec<(usize, Value)>> {
        ops::checked_set(Self::def(), patch.to_set())
    }

    /// Sets the patch's properties on the instance with this id, validating
    /// the result; returns the updated instance.
    pub async fn update_by_id(&self, id: impl ModelId, patch: M::Patch) -> Result<M> {
        self.update_by_id_values(ops::typed_id(Self::def(), id.to_id_values())?, patch)
            .await
    }

    pub(crate) async fn update_by_id_values(&self, values: Vec<Value>, patch: M::Patch) -> Result<M> {
        let def = Self::def();
        ops::writable(def)?;
        if !M::HAS_HOOKS && !has_custom_validators(def) {
            return self.update_by_id_direct(&values, &patch).await;
        }
        let current = self.find_by_id_raw(&values).await?;
        let mut patch = patch;
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(Operation::UpdateById);
            ctx.where_ = Some(ops::id_where(def, &values));
            ctx.data = Some(patch);
            ctx.current_instance = Some(M::from_row(current.clone(), None)?);
            ctx.is_new_instance = Some(false);
            hooks::run(HookKind::BeforeSave, &mut ctx).await?;
            patch = ctx.data.unwrap_or_default();
        }
        let mut set = patch.to_set();
        let mut merged = current;
        for (pos, value) in &set {
            merged.values[*pos] = value.clone();
        }
        let present = |i: usize| set.iter().any(|(p, _)| *p == i);
        ops::apply_transforms(def, &mut merged, &present);
        for (pos, value) in &mut set {
            *value = merged.values[*pos].clone();
        }
        ops::check_set_types(def, &set)?;
        let instance = M::from_row(merged.clone(), None)?;
        self.validate_row(&instance, &merged).await?;
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(Operation::UpdateById);
            ctx.where_ = Some(ops::id_where(def, &values));
            ctx.data = Some(patch);
            ctx.is_new_instance = Some(false);
            hooks::run(HookKind::Persist, &mut ctx).await?;
        }
        let cond = ops::id_cond(def, &values)?;
        if !set.is_empty() {
            self.conn.update(def, Some(&cond), &set).await?;
        }
        let updated = self.find_by_id_raw(&values).await?;
        let instance = M::from_row(updated, None)?;
        self.after_save(Operation::UpdateById, instance, Some(false)).await
    }

    /// `update_by_id` without hooks or custom validators: the patched
    /// properties are validated, then one `UPDATE` (which also says whether
    /// the row exists) and one read of the result.
    async fn update_by_id_direct(&self, values: &[Value], patch: &M::Patch) -> Result<M> {
        let def = Self::def();
        let set = self.checked_set(patch)?;
        let mut row = Row::new(vec![Value::Null; def.properties.len()]);
        for (pos, v) in ops::id_positions(def).into_iter().zip(values) {
            row.values[pos] = v.clone();
        }
        for (pos, value) in &set {
            row.values[*pos] = value.clone();
        }
        let present = |i: usize| set.iter().any(|(p, _)| *p == i);
        let mut errors = ValidationError::new(&def.name);
        ops::check_uniqueness(self.conn.as_ref(), def, &row, &present, &mut errors).await?;
        errors.into_result()?;
        if M::default_scope().is_none() && !values.iter().any(Value::is_null) {
            // One statement where the database can (`UPDATE .. RETURNING`).
            let updated = self.conn.update_by_id_returning_static(def, values, &set).await?;
            return match updated {
                Some(row) => M::from_row(row, None),
                None => Err(Error::NotFound {
                    model: def.name.clone(),
                    id: id_text(values),
                }),
            };
        }
        let cond = ops::id_cond(def, values)?;
        let cond = match ops::where_cond(def, M::default_scope(), None, Origin::Code)? {
            Some(scope) => crate::filter::resolve::Cond::And(vec![scope, cond]),
            None => cond,
        };
        if !set.is_empty() && self.conn.update(def, Some(&cond), &set).await? == 0 {
            return Err(Error::NotFound {
                model: def.name.clone(),
                id: id_text(values),
            });
        }
        M::from_row(self.find_by_id_raw(values).await?, None)
    }

    async fn find_by_id_raw(&self, values: &[Value]) -> Result<Row> {
        let def = Self::def();
        let cond = ops::id_cond(def, values)?;
        let scoped = ops::where_cond(def, M::default_scope(), None, Origin::Code)?;
        let cond = match scoped {
            Some(s) => crate::filter::resolve::Cond::And(vec![s, cond]),
            None => cond,
        };
        let query = crate::filter::resolve::Query::one(cond);
        self.conn.find(def, &query).await?.pop().ok_or_else(|| Error::NotFound {
            model: def.name.clone(),
            id: id_text(values),
        })
    }

    /// Replaces every property of the instance with this id.
    pub async fn replace_by_id(&self, id: impl ModelId, instance: M) -> Result<M> {
        let def = Self::def();
        ops::writable(def)?;
        let values = ops::typed_id(def, id.to_id_values())?;
        let mut row = instance.to_row();
        for (pos, v) in ops::id_positions(def).into_iter().zip(&values) {
            row.values[pos] = v.clone();
        }
        let instance = M::from_row(row, None)?;
        self.replace(instance).await
    }

    async fn replace(&self, instance: M) -> Result<M> {
        let def = Self::def();
        let (instance, _) = self.prepare(instance)?;
        let instance = self.before_save(Operation::Replace, instance, Some(false)).await?;
        let row = instance.to_row();
        self.validate_row(&instance, &row).await?;
        let id = ops::row_id(def, &row);
        if !self.conn.replace(def, row.clone()).await? {
            return Err(Error::NotFound {
                model: def.name.clone(),
                id: id_text(&id),
            });
        }
        let instance = M::from_row(row, None)?;
        self.after_save(Operation::Replace, instance, Some(false)).await
    }

    /// Creates the instance when its id is not set (or not stored yet), else
    /// replaces the stored one; `instance` is updated in place.
    pub async fn save(&self, instance: &mut M) -> Result<()> {
        let def = Self::def();
        let row = instance.to_row();
        let stored = !ops::id_unset(def, &row) && {
            let id = ops::row_id(def, &row);
            let cond = ops::id_cond(def, &id)?;
            self.conn.count(def, Some(&cond)).await? > 0
        };
        let placeholder = M::from_row(row, None)?;
        let taken = std::mem::replace(instance, placeholder);
        *instance = if stored {
            self.replace(taken).await?
        } else {
            self.create(taken).await?
        };
        Ok(())
    }

    /// Reads the instance again from storage.
    pub async fn reload(&self, instance: &mut M) -> Result<()> {
        let id = instance.id_values();
        let row = self.find_by_id_raw(&id).await?;
        *instance = self
            .loaded(Operation::Find, vec![row], None)
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound {
                model: M::definition().name.clone(),
                id: id_text(&id),
            })?;
        Ok(())
    }

    /// Deletes the instance with this id; `false` when there was none.
    pub async fn delete_by_id(&self, id: impl ModelId) -> Result<bool> {
        let def = Self::def();
        let values = ops::typed_id(def, id.to_id_values())?;
        ops::id_cond(def, &values)?;
        if Self::plain() && !values.iter().any(Value::is_null) {
            ops::writable(def)?;
            return Ok(self.conn.delete_by_id_static(def, &values).await? > 0);
        }
        Ok(self
            .delete_where(Operation::DeleteById, Some(ops::id_where(def, &values)), None)
            .await?
            > 0)
    }

    /// Deletes every instance matching `where_`; returns how many.
    pub async fn delete_all(&self, where_: impl Into<Option<Where>>) -> Result<u64> {
        self.delete_where(Operation::DeleteAll, where_.into(), None).await
    }

    pub(crate) async fn delete_where(&self, op: Operation, where_: Option<Where>, extra: Option<Cond>) -> Result<u64> {
        let def = Self::def();
        ops::writable(def)?;
        let (mut where_, origin) = self.access_where(op, where_).await?;
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(op);
            ctx.where_ = where_;
            hooks::run(HookKind::BeforeDelete, &mut ctx).await?;
            where_ = ctx.where_;
        }
        let cond = ops::where_cond(def, M::default_scope(), where_.as_ref(), origin)?;
        let cond = with_extra(cond, extra);
        let n = self.conn.delete(def, cond.as_ref()).await?;
        if M::HAS_HOOKS {
            let mut ctx = Context::<M>::new(op);
            ctx.where_ = where_;
            hooks::run(HookKind::AfterDelete, &mut ctx).await?;
        }
        Ok(n)
    }
}

/// Typed results always hold every property, whatever `fields` says: a
/// struct cannot tell "not read" from "empty", so an instance read with
/// `fields` and then saved would overwrite what it never read (or, without
/// its id, insert a copy). `fields` narrows what `DynamicRepository` rows
/// carry; on typed finds it is checked (unknown or hidden names are still
/// errors) and otherwise has no effect.
fn whole_instances(query: &mut Query) {
    query.fields = None;
}

fn and(cond: Option<Cond>, extra: Cond) -> Cond {
    match cond {
        Some(c) => Cond::And(vec![c, extra]),
        None => extra,
    }
}

fn with_extra(cond: Option<Cond>, extra: Option<Cond>) -> Option<Cond> {
    match extra {
        Some(e) => Some(and(cond, e)),
        None => cond,
    }
}

/// No rule and no unique index (custom validators are listed in
/// `validations` too).
fn nothing_to_validate(def: &crate::schema::ModelDefinition) -> bool {
    def.validations.is_empty()
        && !def
            .properties
            .values()
            .any(|p| p.index.as_ref().is_some_and(|i| i.is_unique()))
}

fn has_custom_validators(def: &crate::schema::ModelDefinition) -> bool {
    def.validations
        .iter()
        .any(|r| matches!(r.kind, crate::schema::ValidationKind::Custom { .. }))
}

fn take_instance<M: Model>(ctx: Context<M>) -> Result<M> {
    ctx.instance.ok_or_else(|| Error::hook("a hook removed `ctx.instance`"))
}

pub(crate) fn id_text(values: &[Value]) -> String {
    match values {
        [one] => one.to_json().to_string(),
        many => serde_json::Value::Array(many.iter().map(Value::to_json).collect()).to_string(),
    }
}
