//! The fixed statements of derived models, built once per connector (and
//! so per dialect): their texts and the layout they need on every call.

use crate::schema::sql::column_kind;
use crate::schema::{ColumnKind, Dialect, ModelDefinition};

/// `(definition address, statement kind, column mask, rows)`: only
/// definitions that live as long as the program (derived models) are cached,
/// so an address never stands for two definitions. `rows` tells batch
/// inserts of different sizes apart (0 for the other statements).
pub(crate) type CacheKey = (usize, (usize, usize), u64, usize);

/// The batch-insert texts one connector keeps (one per model, column set and
/// batch size; programs use a few sizes, but nothing bounds them).
const BATCH_TEXTS: usize = 64;

/// Batches up to this many rows have their text cached.
pub(crate) const BATCH_TEXT_ROWS: usize = 1_000;

/// Keys that juggler makes itself (addresses, masks): hashed fast.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Fixed statements of derived models, built once per connector (and so per
/// dialect) at first use.
#[derive(Debug, Default)]
pub(crate) struct StatementCache {
    map: std::sync::Mutex<FastMap<CacheKey, std::sync::Arc<str>>>,
    layouts: std::sync::Mutex<FastMap<usize, std::sync::Arc<Layout>>>,
    /// How many batch-insert texts `map` holds.
    batch_texts: std::sync::atomic::AtomicUsize,
}

/// What the fixed statements of a derived model need on every call, worked
/// out once: id positions, and every column's kind.
#[derive(Debug)]
pub(crate) struct Layout {
    pub(crate) ids: Vec<usize>,
    pub(crate) all: Vec<usize>,
    /// Property `p` in column `p` (a row of every property).
    pub(crate) columns: Vec<Option<usize>>,
    /// The generated id's position, if the model has one.
    pub(crate) generated: Option<usize>,
    pub(crate) kinds: Vec<ColumnKind>,
}

impl StatementCache {
    /// The layout of a derived model's definition on `dialect`.
    pub(crate) fn layout(&self, def: &'static ModelDefinition, dialect: Dialect) -> std::sync::Arc<Layout> {
        let mut map = self.layouts.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(std::ptr::from_ref(def) as usize)
            .or_insert_with(|| {
                std::sync::Arc::new(Layout {
                    ids: crate::ops::id_positions(def),
                    all: (0..def.properties.len()).collect(),
                    columns: (0..def.properties.len()).map(Some).collect(),
                    generated: crate::schema::sql::generated_id(def).and_then(|(n, _)| def.properties.get_index_of(n)),
                    kinds: def.properties.values().map(|p| column_kind(p, dialect)).collect(),
                })
            })
            .clone()
    }

    pub(crate) fn get(&self, key: CacheKey, make: impl FnOnce() -> String) -> std::sync::Arc<str> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key).or_insert_with(|| make().into()).clone()
    }

    /// The key of a batch insert of `rows` rows, while the cache has room
    /// for one more such text (or already holds this one).
    pub(crate) fn batch_key(&self, def: &'static ModelDefinition, mask: Option<u64>, rows: usize) -> Option<CacheKey> {
        use std::sync::atomic::Ordering;
        let mut key = key(def, "insert_rows", mask)?;
        key.3 = rows;
        if rows > BATCH_TEXT_ROWS {
            return None;
        }
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.contains_key(&key) {
            return Some(key);
        }
        // Counted under the lock, so no more than the bound get in.
        if self.batch_texts.load(Ordering::Relaxed) >= BATCH_TEXTS {
            return None;
        }
        self.batch_texts.fetch_add(1, Ordering::Relaxed);
        Some(key)
    }
}

/// The bit mask of a set of property positions; `None` when one is past 63
/// (two such sets would share a mask, and so one cached statement).
pub(crate) fn mask(positions: impl IntoIterator<Item = usize>) -> Option<u64> {
    positions
        .into_iter()
        .try_fold(0u64, |m, p| (p < 64).then(|| m | (1u64 << p)))
}

/// The key of a static definition's statement (`None` without a mask: the
/// statement is then not cached).
pub(crate) fn key(def: &'static ModelDefinition, kind: &'static str, mask: Option<u64>) -> Option<CacheKey> {
    // The kind by its address and length (a literal may share its start with
    // a longer one, never both), so no text is hashed per statement.
    Some((
        def as *const ModelDefinition as usize,
        (kind.as_ptr() as usize, kind.len()),
        mask?,
        0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> &'static ModelDefinition {
        let def = ModelDefinition::from_json(
            r#"{"name": "Tag", "properties": {"id": {"type": "number", "id": true}, "label": {"type": "string"}}}"#,
        )
        .expect("loads");
        Box::leak(Box::new(def))
    }

    #[test]
    fn masks_tell_every_column_set_apart_or_give_up() {
        assert_eq!(mask([0, 2]), Some(0b101));
        assert_eq!(mask([63]), Some(1 << 63));
        assert_eq!(mask([62, 64]), None);
        assert_eq!(key(model(), "update_by_id", None), None);
    }

    #[test]
    fn batch_texts_are_kept_up_to_a_bound() {
        let (cache, def) = (StatementCache::default(), model());
        let keys: Vec<_> = (2..2 + BATCH_TEXTS)
            .map(|rows| cache.batch_key(def, Some(0b11), rows))
            .collect();
        assert!(keys.iter().all(Option::is_some));
        for key in keys.iter().flatten() {
            cache.get(*key, String::new);
        }
        assert_eq!(cache.batch_key(def, Some(0b11), 500), None, "the bound is reached");
        assert_eq!(
            cache.batch_key(def, Some(0b11), 2),
            keys[0],
            "a kept shape is still found"
        );
        assert_eq!(cache.batch_key(def, Some(0b11), BATCH_TEXT_ROWS + 1), None);
    }
}
