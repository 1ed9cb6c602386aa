//! A transaction's commit: its writes replayed on the store as it is then,
//! each checked again (unique indexes, foreign keys), all or nothing.

use super::{decode, Change, Store, Undo};
use crate::schema::ModelDefinition;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Store {
    /// Applies a transaction's writes, checking each against this store as
    /// it is now; all or nothing.
    pub(super) fn replay(&mut self, log: Vec<Change>, defs: &BTreeMap<String, Arc<ModelDefinition>>) -> Result<()> {
        let mark = self.mark();
        let mut undo = Vec::new();
        for change in log {
            match self.replay_one(change, defs) {
                Ok(u) => undo.push(u),
                Err(e) => {
                    for u in undo.into_iter().rev() {
                        self.restore(u, defs);
                    }
                    if let Some(log) = &mut self.log {
                        log.truncate(mark);
                    }
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    fn replay_one(&mut self, change: Change, defs: &BTreeMap<String, Arc<ModelDefinition>>) -> Result<Undo> {
        match change {
            Change::Put { model, key, object } => {
                let def = defs
                    .get(&model)
                    .ok_or_else(|| Error::Unsupported(format!("no definition of `{model}` in the transaction")))?
                    .clone();
                let row = decode(&def, &object);
                self.check_unique(&def, &key, &row)?;
                self.check_parents(&def, &row)?;
                let previous = self.put(&def, key.clone(), object);
                Ok(Undo::Row { model, key, previous })
            }
            Change::Remove { model, key } => {
                self.check_children(&model, std::slice::from_ref(&key))?;
                let previous = self.remove(&model, &key);
                Ok(Undo::Row { model, key, previous })
            }
            Change::Migrate { models, foreign_keys } => self.migrate(&models, foreign_keys),
        }
    }

    fn restore(&mut self, undo: Undo, defs: &BTreeMap<String, Arc<ModelDefinition>>) {
        match undo {
            Undo::Row { model, key, previous } => {
                let table = Arc::make_mut(self.models.entry(model.clone()).or_default());
                if let Some(def) = defs.get(&model) {
                    table.ensure_index(def);
                }
                match previous {
                    Some(object) => {
                        table.put(key, object);
                    }
                    None => {
                        table.remove(&key);
                    }
                }
            }
            Undo::Migrate {
                tables,
                counters,
                foreign_keys,
            } => {
                self.foreign_keys = foreign_keys;
                for (model, table) in tables {
                    match table {
                        Some(t) => self.models.insert(model, t),
                        None => self.models.remove(&model),
                    };
                }
                let mut ids = self.counters();
                for (model, n) in counters {
                    match n {
                        Some(n) => ids.insert(model, n),
                        None => ids.remove(&model),
                    };
                }
            }
        }
    }
}
