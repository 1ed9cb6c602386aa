//! LoopBack's operation hooks: `access`, `before_save`, `after_save`,
//! `before_delete`, `after_delete`, `loaded`, `persist`.
//!
//! A model opts in with `#[model(hooks)]` and implements [`Hooks`]; every
//! method has a no-op default. A hook that returns an error aborts the
//! operation before anything is written (for the `before_*`, `access` and
//! `persist` hooks) and the error reaches the caller.
//!
//! | operation                  | hooks, in order                                         | context                                   |
//! |----------------------------|---------------------------------------------------------|-------------------------------------------|
//! | `find`, `find_one`, `find_by_id`, `count`, `exists` | `access`, then `loaded` per row (not for count/exists) | `query`; `instance` in `loaded` |
//! | `create`, `create_all`, `save` (new) | `before_save`, `persist`, `after_save`        | `instance`, `is_new_instance = true`      |
//! | `replace_by_id`, `save`, `upsert` | `before_save`, `persist`, `after_save`           | `instance`, `is_new_instance`             |
//! | `update_by_id`             | `before_save`, `persist`, `after_save`                  | `where`, `data`, `current_instance`       |
//! | `update_all`               | `access`, `before_save`, `persist`, `after_save`        | `where`, `data`                           |
//! | `delete_by_id`, `delete_all` | `access`, `before_delete`, `after_delete`             | `where`                                   |

use crate::filter::{Filter, Where};
use crate::model::Model;
use crate::Result;

/// Which hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    /// Before a query runs; may change `ctx.query`.
    Access,
    /// Before a write; may change `ctx.instance` or `ctx.data`.
    BeforeSave,
    /// After a write.
    AfterSave,
    /// Before a delete; may change `ctx.where_`.
    BeforeDelete,
    /// After a delete.
    AfterDelete,
    /// After a row is read, before it is returned.
    Loaded,
    /// Just before the data is written, after validation.
    Persist,
}

impl HookKind {
    /// The hook's name as LoopBack writes it.
    pub fn name(self) -> &'static str {
        match self {
            HookKind::Access => "access",
            HookKind::BeforeSave => "before save",
            HookKind::AfterSave => "after save",
            HookKind::BeforeDelete => "before delete",
            HookKind::AfterDelete => "after delete",
            HookKind::Loaded => "loaded",
            HookKind::Persist => "persist",
        }
    }
}

/// The repository operation a hook runs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// `create` / `create_all`.
    Create,
    /// `find`, `find_one`, `find_by_id`, `exists`, `reload`.
    Find,
    /// `count`.
    Count,
    /// `upsert`.
    Upsert,
    /// `find_or_create`.
    FindOrCreate,
    /// `save` of an existing instance and `replace_by_id`.
    Replace,
    /// `update_by_id`.
    UpdateById,
    /// `update_all`.
    UpdateAll,
    /// `delete_by_id`.
    DeleteById,
    /// `delete_all`.
    DeleteAll,
}

/// What a hook sees, with LoopBack's field names.
pub struct Context<M: Model> {
    /// The operation.
    pub operation: Operation,
    /// `access`: the query about to run (change it to change the query).
    pub query: Option<Filter>,
    /// Bulk and by-id updates and deletes: which rows.
    pub where_: Option<Where>,
    /// A full instance being saved or just loaded.
    pub instance: Option<M>,
    /// A partial update.
    pub data: Option<M::Patch>,
    /// `update_by_id`: the instance as stored before the update.
    pub current_instance: Option<M>,
    /// Whether the save creates a row (`None` when unknown, as for bulk updates).
    pub is_new_instance: Option<bool>,
}

impl<M: Model> Context<M> {
    /// An empty context for `operation`.
    pub fn new(operation: Operation) -> Self {
        Context {
            operation,
            query: None,
            where_: None,
            instance: None,
            data: None,
            current_instance: None,
            is_new_instance: None,
        }
    }
}

impl<M: Model + std::fmt::Debug> std::fmt::Debug for Context<M>
where
    M::Patch: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("operation", &self.operation)
            .field("query", &self.query)
            .field("where_", &self.where_)
            .field("instance", &self.instance)
            .field("data", &self.data)
            .field("current_instance", &self.current_instance)
            .field("is_new_instance", &self.is_new_instance)
            .finish()
    }
}

/// Operation hooks of a model; enable with `#[model(hooks)]`.
///
/// ```
/// use juggler::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// #[model(hooks)]
/// struct Note {
///     #[property(id, generated)]
///     id: i64,
///     text: String,
/// }
///
/// #[juggler::async_trait]
/// impl Hooks for Note {
///     async fn before_save(ctx: &mut Context<Self>) -> juggler::Result<()> {
///         if let Some(note) = ctx.instance.as_mut() {
///             note.text = note.text.trim().to_owned();
///         }
///         Ok(())
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Hooks: Model {
    /// Before a query runs.
    async fn access(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
    /// Before a write.
    async fn before_save(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
    /// After a write.
    async fn after_save(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
    /// Before a delete.
    async fn before_delete(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
    /// After a delete.
    async fn after_delete(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
    /// After a row is read.
    async fn loaded(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
    /// Just before data is written.
    async fn persist(ctx: &mut Context<Self>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
}

/// Runs `hook` for `M` if the model has hooks, naming the model and hook in
/// an error the hook returned through [`Error::hook`](crate::Error::hook).
pub(crate) async fn run<M: Model>(hook: HookKind, ctx: &mut Context<M>) -> Result<()> {
    if !M::HAS_HOOKS {
        return Ok(());
    }
    M::run_hook(hook, ctx).await.map_err(|e| match e {
        crate::Error::Hook {
            model,
            hook: "",
            message,
        } if model.is_empty() => crate::Error::Hook {
            model: M::definition().name.clone(),
            hook: hook.name(),
            message,
        },
        other => other,
    })
}
