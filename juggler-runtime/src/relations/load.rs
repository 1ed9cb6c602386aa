//! Loading `include`: one query per relation level for all parents together.

use crate::connector::{Connector, LinkSpec};
use crate::filter::resolve::{CmpOp, Cond, Query};
use crate::model::Model;
use crate::schema::relations::{link_definition, link_keys};
use crate::schema::{ModelDefinition, RelationKind};
use crate::value::{Row, Value};
use crate::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// Maps and sets by relation key. Keys come from the data, so the hasher is
/// seeded per process (foldhash's quality variant: much faster than SipHash).
pub(crate) type KeyMap<V> = HashMap<Key, V, foldhash::quality::RandomState>;
type KeySet = HashSet<Key, foldhash::quality::RandomState>;

/// A key value that can be hashed: what parents and children are matched by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Int(i64),
    Text(String),
    Bool(bool),
    Other(String),
}

impl Key {
    /// `None` for NULL, which links to nothing.
    pub(crate) fn of(value: &Value) -> Option<Key> {
        Some(match value {
            Value::Null => return None,
            Value::Int(i) => Key::Int(*i),
            #[allow(clippy::cast_possible_truncation)]
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Key::Int(*f as i64),
            Value::Text(t) => Key::Text(t.clone()),
            Value::Bool(b) => Key::Bool(*b),
            other => Key::Other(other.to_json().to_string()),
        })
    }
}

/// A relation of a derived model with its keys as property positions.
pub(crate) struct Resolved {
    pub(crate) kind: RelationKind,
    /// belongs_to: the foreign key on the parent; otherwise the parent's id.
    pub(crate) parent_pos: usize,
    /// has_many / has_one: the foreign key on the child; otherwise the target's id.
    pub(crate) target_pos: usize,
    /// The link rows of `through` and `has_and_belongs_to_many`.
    pub(crate) link: Option<LinkSpec<'static>>,
}

impl Resolved {
    /// The link of a through / many-to-many relation.
    pub(crate) fn link_spec(&self) -> Result<LinkSpec<'static>> {
        self.link
            .ok_or_else(|| Error::Unsupported("not a relation through link rows".to_owned()))
    }
}

fn position(
    def: &ModelDefinition,
    property: &str,
    what: &str,
    owner: &ModelDefinition,
    relation: &str,
) -> Result<usize> {
    def.properties.get_index_of(property).ok_or_else(|| {
        Error::invalid_data(
            &owner.name,
            format!(
                "relation `{relation}`: {what} `{property}` is not a property of `{}`",
                def.name
            ),
        )
    })
}

fn single_id(def: &ModelDefinition, owner: &ModelDefinition, relation: &str) -> Result<usize> {
    match def.id_properties().as_slice() {
        [one] => Ok(def.properties.get_index_of(*one).unwrap_or(0)),
        _ => Err(Error::invalid_data(
            &owner.name,
            format!(
                "relation `{relation}` needs `{}` to have exactly one id property",
                def.name
            ),
        )),
    }
}

/// The join-table definitions of `has_and_belongs_to_many` relations, built
/// once per relation and kept for the program's life (there are as many as
/// relations in the code).
fn link_def(
    owner: &'static ModelDefinition,
    relation: &str,
    target: &'static ModelDefinition,
) -> Result<&'static ModelDefinition> {
    type Cache = Mutex<HashMap<(usize, String), &'static ModelDefinition>>;
    static LINKS: OnceLock<Cache> = OnceLock::new();
    let key = (std::ptr::from_ref(owner) as usize, relation.to_owned());
    let cache = LINKS.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(def) = cache.get(&key) {
        return Ok(def);
    }
    let def = link_definition(owner, relation, target).ok_or_else(|| {
        Error::invalid_data(
            &owner.name,
            format!(
                "relation `{relation}` needs a `through` table and single ids on `{}` and `{}`",
                owner.name, target.name
            ),
        )
    })?;
    let def: &'static ModelDefinition = Box::leak(Box::new(def));
    cache.insert(key, def);
    Ok(def)
}

/// Looks up relation `name` of `owner` (a derived model) pointing at `target`.
pub(crate) fn resolve(
    owner: &'static ModelDefinition,
    name: &str,
    target: &'static ModelDefinition,
    through: Option<&'static ModelDefinition>,
) -> Result<Resolved> {
    let rel = owner
        .relations
        .get(name)
        .ok_or_else(|| Error::invalid_data(&owner.name, format!("`{}` has no relation `{name}`", owner.name)))?;
    let fk = rel.foreign_key.clone();
    Ok(match rel.kind {
        RelationKind::BelongsTo => {
            let fk = fk.unwrap_or_else(|| format!("{name}_id"));
            Resolved {
                kind: rel.kind,
                parent_pos: position(owner, &fk, "foreign key", owner, name)?,
                target_pos: single_id(target, owner, name)?,
                link: None,
            }
        }
        RelationKind::HasMany | RelationKind::HasOne if through.is_none() => {
            let fk = fk.unwrap_or_else(|| crate::schema::relations::default_foreign_key(&owner.name));
            Resolved {
                kind: rel.kind,
                parent_pos: single_id(owner, owner, name)?,
                target_pos: position(target, &fk, "foreign key", owner, name)?,
                link: None,
            }
        }
        RelationKind::HasMany | RelationKind::HasOne | RelationKind::HasAndBelongsToMany => {
            let def = match through {
                Some(def) => def,
                None => link_def(owner, name, target)?,
            };
            let (fk, kt) = link_keys(owner, rel);
            let target_pos = single_id(target, owner, name)?;
            Resolved {
                kind: rel.kind,
                parent_pos: single_id(owner, owner, name)?,
                target_pos,
                link: Some(LinkSpec {
                    def,
                    to_parent: position(def, &fk, "foreign key", owner, name)?,
                    to_target: position(def, &kt, "key_through", owner, name)?,
                    target_key: target_pos,
                }),
            }
        }
    })
}

/// The parent's property a relation is matched by (its foreign key for
/// `belongs_to`, else its id), which a `fields` filter must not leave out.
fn parent_key_pos(def: &ModelDefinition, relation: &str) -> Option<usize> {
    let rel = def.relations.get(relation)?;
    match rel.kind {
        RelationKind::BelongsTo => {
            let fk = rel.foreign_key.clone().unwrap_or_else(|| format!("{relation}_id"));
            def.properties.get_index_of(&fk)
        }
        _ => match def.id_properties().as_slice() {
            [one] => def.properties.get_index_of(*one),
            _ => None,
        },
    }
}

/// Adds the keys `query.include` needs to `query.fields`.
pub(crate) fn select_include_keys(def: &ModelDefinition, query: &mut Query) {
    let Some(fields) = &mut query.fields else { return };
    for include in &query.include {
        if let Some(pos) = parent_key_pos(def, &include.relation) {
            if !fields.contains(&pos) {
                fields.push(pos);
            }
        }
    }
    fields.sort_unstable();
}

/// Distinct non-NULL values, in first-seen order.
pub(crate) fn distinct(values: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut seen = KeySet::default();
    values
        .into_iter()
        .filter(|v| Key::of(v).is_some_and(|k| seen.insert(k)))
        .collect()
}

fn count_binds(cond: Option<&Cond>) -> usize {
    match cond {
        None => 0,
        Some(Cond::And(items) | Cond::Or(items)) => items.iter().map(|c| count_binds(Some(c))).sum(),
        Some(Cond::Cmp { op, .. }) => match op {
            CmpOp::IsNull | CmpOp::NotNull => 0,
            CmpOp::Between(..) => 2,
            CmpOp::In(v) | CmpOp::NotIn(v) => v.len(),
            _ => 1,
        },
    }
}

/// How many keys fit one statement beside the binds of `base`.
fn key_room(conn: &dyn Connector, base: Option<&Cond>) -> usize {
    conn.max_binds().saturating_sub(count_binds(base) + 16).max(1)
}

/// `base AND key_pos IN (keys)`.
fn within(base: Option<&Cond>, key_pos: usize, keys: &[Value]) -> Cond {
    let within = Cond::Cmp {
        prop: key_pos,
        op: CmpOp::In(keys.to_vec()),
    };
    match base {
        Some(b) => Cond::And(vec![b.clone(), within]),
        None => within,
    }
}

/// Rows of `def` matching `base` whose property `key_pos` is one of `keys`:
/// one statement per chunk of keys that fits the connector's bind limit
/// (one for any realistic number of parents), merged back into `query`'s
/// order when there are several.
async fn find_in(
    conn: &dyn Connector,
    def: &ModelDefinition,
    query: &mut Query,
    base: Option<Cond>,
    key_pos: usize,
    keys: &[Value],
) -> Result<Vec<Row>> {
    let chunks: Vec<&[Value]> = keys.chunks(key_room(conn, base.as_ref())).collect();
    let projected = query.fields.clone();
    if chunks.len() > 1 {
        // Re-sorting the merged chunks needs the order columns.
        if let Some(fields) = &mut query.fields {
            for (p, _) in &query.order {
                if !fields.contains(p) {
                    fields.push(*p);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for chunk in &chunks {
        query.cond = Some(within(base.as_ref(), key_pos, chunk));
        rows.extend(conn.find(def, query).await?);
    }
    if chunks.len() > 1 {
        query.sort(&mut rows);
        if let Some(keep) = &projected {
            for row in &mut rows {
                for (i, v) in row.values.iter_mut().enumerate() {
                    if !keep.contains(&i) {
                        *v = Value::Null;
                    }
                }
            }
        }
        query.fields = projected;
    }
    query.cond = base;
    Ok(rows)
}

/// [`Connector::find_linked`] in chunks of keys under the bind limit.
async fn find_linked_in(
    conn: &dyn Connector,
    def: &ModelDefinition,
    query: &mut Query,
    base: Option<Cond>,
    link: &LinkSpec<'_>,
    keys: &[Value],
) -> Result<Vec<(Value, Row)>> {
    let room = key_room(conn, base.as_ref());
    query.cond = base;
    let mut out = Vec::new();
    for chunk in keys.chunks(room) {
        out.extend(conn.find_linked(def, query, link, chunk).await?);
    }
    Ok(out)
}

/// Rows of `def` matching `query` whose property `key_pos` is one of `keys`
/// (or, `via` link rows, that are linked to one of the parent `keys`), each
/// with that key; `limit` / `skip` count per key (with one key the database
/// pages). How every `include` level reads its rows.
pub(crate) async fn keyed_rows(
    conn: &dyn Connector,
    def: &ModelDefinition,
    query: &mut Query,
    key_pos: usize,
    keys: &[Value],
    via: Option<&LinkSpec<'_>>,
) -> Result<Vec<(Value, Row)>> {
    let (base, skip, limit) = keyed_query(def, query, key_pos, keys.len());
    let keyed = match via {
        Some(link) => find_linked_in(conn, def, query, base, link, keys).await?,
        None => find_in(conn, def, query, base, key_pos, keys)
            .await?
            .into_iter()
            .map(|row| (row.values[key_pos].clone(), row))
            .collect(),
    };
    Ok(page_per_key(keyed, skip, limit))
}

/// [`keyed_rows`] without link rows, each row decoded straight into `M` as
/// the connector reads it (no [`Row`] in between). `None` when the keys need
/// more than one statement: the merged rows are re-sorted as rows there.
pub(crate) async fn keyed_instances<M: Model>(
    conn: &dyn Connector,
    def: &ModelDefinition,
    query: &mut Query,
    key_pos: usize,
    keys: &[Value],
) -> Result<Option<Vec<(Value, M)>>> {
    if keys.len() > key_room(conn, query.cond.as_ref()) {
        return Ok(None);
    }
    let (base, skip, limit) = keyed_query(def, query, key_pos, keys.len());
    query.cond = Some(within(base.as_ref(), key_pos, keys));
    let mut out: Vec<(Value, M)> = Vec::new();
    let read = conn
        .find_each(def, query, &mut |row, columns| {
            let instance = M::read_row(row, columns)?;
            out.push((instance.property_value(key_pos), instance));
            Ok(())
        })
        .await;
    query.cond = base;
    read?;
    Ok(Some(page_per_key(out, skip, limit)))
}

/// Readies `query` for rows keyed by `key_pos`: the keys the includes and the
/// caller need are selected, `skip` / `limit` are taken out to count per key
/// (with one key the database pages), and the base condition is taken out.
fn keyed_query(
    def: &ModelDefinition,
    query: &mut Query,
    key_pos: usize,
    keys: usize,
) -> (Option<Cond>, Option<u64>, Option<u64>) {
    select_include_keys(def, query);
    let (skip, limit) = if keys == 1 {
        (None, None)
    } else {
        (query.skip.take(), query.limit.take())
    };
    if let Some(fields) = &mut query.fields {
        if !fields.contains(&key_pos) {
            fields.push(key_pos);
            fields.sort_unstable();
        }
    }
    (query.cond.take(), skip, limit)
}

/// Keeps at most `limit` rows after `skip` for each key, in order.
fn page_per_key<T>(items: Vec<(Value, T)>, skip: Option<u64>, limit: Option<u64>) -> Vec<(Value, T)> {
    if skip.is_none() && limit.is_none() {
        return items;
    }
    let skip = skip.unwrap_or(0);
    let limit = limit.unwrap_or(u64::MAX);
    let mut seen: KeyMap<u64> = KeyMap::default();
    items
        .into_iter()
        .filter(|(k, _)| {
            let Some(key) = Key::of(k) else { return false };
            let n = seen.entry(key).or_insert(0);
            *n += 1;
            *n > skip && *n - skip <= limit
        })
        .collect()
}

/// Each parent's property at `pos` (its key of a relation), in order.
pub(crate) fn parent_keys<P: Model>(parents: &[P], pos: usize) -> Vec<Value> {
    parents.iter().map(|p| p.property_value(pos)).collect()
}

/// `(parent key, target key)` of every link row pointing at one of `keys`.
pub(crate) async fn link_pairs(
    conn: &dyn Connector,
    link: &LinkSpec<'_>,
    keys: &[Value],
) -> Result<Vec<(Value, Value)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = link.pairs_query();
    let rows = find_in(conn, link.def, &mut query, None, link.to_parent, keys).await?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            let p = std::mem::take(&mut row.values[link.to_parent]);
            let t = std::mem::take(&mut row.values[link.to_target]);
            (p, t)
        })
        .collect())
}
