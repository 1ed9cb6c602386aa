//! Steps shared by the typed and the dynamic repository.

use crate::connector::Connector;
use crate::filter::resolve::{self, CmpOp, Cond, Query};
use crate::filter::{Filter, Op, Origin, Where};
use crate::model::is_unset_id;
use crate::schema::{ModelDefinition, PropertyType, ValidationKind};
use crate::validation::ValidationError;
use crate::value::{Row, Value};
use crate::{Error, Result};

/// Refuses writes on a view.
pub(crate) fn writable(def: &ModelDefinition) -> Result<()> {
    if def.settings.view {
        Err(Error::Unsupported(format!("`{}` is a read-only view", def.name)))
    } else {
        Ok(())
    }
}

/// Whether saving may change values: a `default`, `default_fn`, `trim`,
/// `lowercase` or `uppercase` somewhere in the model.
pub(crate) fn rewrites_on_save(def: &ModelDefinition) -> bool {
    def.properties
        .values()
        .any(|p| p.default.is_some() || p.default_fn.is_some() || p.trim || p.lowercase || p.uppercase)
}

/// Applies `default`, `default_fn` to NULL values of a new row.
pub(crate) fn apply_defaults(def: &ModelDefinition, row: &mut Row) {
    for (value, prop) in row.values.iter_mut().zip(def.properties.values()) {
        let empty = value.is_null() || (prop.default_fn.is_some() && matches!(value, Value::Text(t) if t.is_empty()));
        if !empty {
            continue;
        }
        if let Some(f) = &prop.default_fn {
            match f.as_str() {
                "now" => {
                    *value = Value::Text(humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string())
                }
                "uuid" | "uuidv4" | "guid" => *value = Value::Text(uuid::Uuid::new_v4().to_string()),
                _ => {}
            }
        } else if let Some(d) = &prop.default {
            if value.is_null() {
                *value = Value::from_json(d.clone());
            }
        }
    }
}

/// Applies `trim`, `lowercase`, `uppercase` to text values.
pub(crate) fn apply_transforms(def: &ModelDefinition, row: &mut Row, present: &dyn Fn(usize) -> bool) {
    for (i, (value, prop)) in row.values.iter_mut().zip(def.properties.values()).enumerate() {
        if !present(i) || !(prop.trim || prop.lowercase || prop.uppercase) {
            continue;
        }
        if let Value::Text(t) = value {
            if prop.trim {
                *t = t.trim().to_owned();
            }
            if prop.lowercase {
                *t = t.to_lowercase();
            }
            if prop.uppercase {
                *t = t.to_uppercase();
            }
        }
    }
}

/// Positions of the id properties.
pub(crate) fn id_positions(def: &ModelDefinition) -> Vec<usize> {
    // The positions straight from the properties (no lookup by name), in
    // id order as `id_properties` lists them.
    let mut ids: Vec<(u32, usize)> = def
        .properties
        .values()
        .enumerate()
        .filter_map(|(pos, p)| p.id.map(|n| (n, pos)))
        .collect();
    ids.sort_unstable();
    ids.into_iter().map(|(_, pos)| pos).collect()
}

/// The value when `cond` is exactly "the model's one id = value" (a
/// non-NULL value): what the fixed by-id statements serve.
pub(crate) fn single_id_eq<'c>(def: &ModelDefinition, cond: Option<&'c Cond>) -> Option<&'c Value> {
    let Some(Cond::Cmp {
        prop,
        op: CmpOp::Eq(value),
    }) = cond
    else {
        return None;
    };
    let is_id = def.properties.get_index(*prop).is_some_and(|(_, p)| p.id.is_some());
    let one_id = def.properties.values().filter(|p| p.id.is_some()).count() == 1;
    (!value.is_null() && is_id && one_id).then_some(value)
}

/// The condition "id = values".
pub(crate) fn id_cond(def: &ModelDefinition, values: &[Value]) -> Result<Cond> {
    let ids = id_positions(def);
    if ids.is_empty() {
        return Err(Error::Unsupported(format!("`{}` has no id property", def.name)));
    }
    if ids.len() != values.len() {
        return Err(Error::invalid_data(
            &def.name,
            format!("the id has {} parts, {} were given", ids.len(), values.len()),
        ));
    }
    let conds = ids
        .iter()
        .zip(values)
        .map(|(&prop, v)| Cond::Cmp {
            prop,
            op: if v.is_null() {
                CmpOp::IsNull
            } else {
                CmpOp::Eq(v.clone())
            },
        })
        .collect::<Vec<_>>();
    Ok(if conds.len() == 1 {
        conds.into_iter().next().unwrap_or(Cond::And(Vec::new()))
    } else {
        Cond::And(conds)
    })
}

/// The `where` form of "id = values", for hook contexts.
pub(crate) fn id_where(def: &ModelDefinition, values: &[Value]) -> Where {
    let parts: Vec<Where> = def
        .id_properties()
        .into_iter()
        .zip(values)
        .map(|(name, v)| Where::cond(name, Op::Eq(v.clone())))
        .collect();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or(Where::And(Vec::new()))
    } else {
        Where::And(parts)
    }
}

/// The id values of a row.
pub(crate) fn row_id(def: &ModelDefinition, row: &Row) -> Vec<Value> {
    id_positions(def).into_iter().map(|i| row.values[i].clone()).collect()
}

/// Whether the row's id is not set yet.
pub(crate) fn id_unset(def: &ModelDefinition, row: &Row) -> bool {
    let ids = id_positions(def);
    ids.is_empty() || ids.iter().any(|&i| is_unset_id(&row.values[i]))
}

/// `forceId`: a generated id may not be given on create.
pub(crate) fn check_force_id(def: &ModelDefinition, row: &Row) -> Result<()> {
    check_force_id_values(def, &row.values)
}

/// [`check_force_id`] on a row's values.
pub(crate) fn check_force_id_values(def: &ModelDefinition, values: &[Value]) -> Result<()> {
    let force = def.settings.force_id.unwrap_or(false);
    if !force {
        return Ok(());
    }
    for i in id_positions(def) {
        let (name, prop) = def
            .properties
            .get_index(i)
            .expect("id position from the same definition");
        if prop.generated && !is_unset_id(&values[i]) {
            let mut errors = ValidationError::new(&def.name);
            errors.add(name, "absence", "can't be set", &values[i], false);
            return Err(errors.into());
        }
    }
    Ok(())
}

/// Strict models reject unknown properties (LoopBack's `unknown-property`).
pub(crate) fn check_unknown(def: &ModelDefinition, row: &mut Row, errors: &mut ValidationError) {
    if !def.is_strict() {
        return;
    }
    for (name, value) in std::mem::take(&mut row.extra) {
        errors.add(
            &name,
            "unknown-property",
            "is not defined in the model",
            &Value::from_json(value),
            false,
        );
    }
}

/// Runs the `uniqueness` validators, asking the connector.
pub(crate) async fn check_uniqueness(
    conn: &dyn Connector,
    def: &ModelDefinition,
    row: &Row,
    present: &(dyn Fn(usize) -> bool + Sync),
    errors: &mut ValidationError,
) -> Result<()> {
    for rule in &def.validations {
        if !matches!(rule.kind, ValidationKind::Uniqueness) {
            continue;
        }
        let Some(pos) = def.properties.get_index_of(&rule.property) else {
            continue;
        };
        if !present(pos) {
            continue;
        }
        let value = &row.values[pos];
        if value.is_blank() {
            continue;
        }
        let mut parts = vec![Cond::Cmp {
            prop: pos,
            op: CmpOp::Eq(value.clone()),
        }];
        let own_id = row_id(def, row);
        if !own_id.is_empty() && !own_id.iter().any(is_unset_id) {
            parts.push(Cond::Or(
                id_positions(def)
                    .into_iter()
                    .zip(own_id)
                    .map(|(prop, v)| Cond::Cmp {
                        prop,
                        op: CmpOp::Neq(v),
                    })
                    .collect(),
            ));
        }
        if conn.count(def, Some(&Cond::And(parts))).await? > 0 {
            let message = rule.message.as_deref().unwrap_or("is not unique");
            errors.add(
                &rule.property,
                "uniqueness",
                message,
                value,
                def.is_hidden(&rule.property),
            );
        }
    }
    Ok(())
}

/// Resolves a filter with the default scope merged in.
pub(crate) fn query(def: &ModelDefinition, scope: Option<&Filter>, filter: &Filter) -> Result<Query> {
    resolve::resolve_scoped(def, scope, filter)
}

/// Resolves an optional `where` with the default scope's `where` ANDed in.
pub(crate) fn where_cond(
    def: &ModelDefinition,
    scope: Option<&Filter>,
    w: Option<&Where>,
    origin: Origin,
) -> Result<Option<Cond>> {
    let own = w.map(|w| resolve::resolve_where(def, w, origin)).transpose()?;
    let scoped = scope
        .and_then(|s| s.where_.as_ref())
        .map(|w| resolve::resolve_where(def, w, Origin::Code))
        .transpose()?;
    Ok(match (scoped, own) {
        (Some(a), Some(b)) => Some(Cond::And(vec![a, b])),
        (a, b) => a.or(b),
    })
}

/// Checks that values in a `set` list have the property's type.
pub(crate) fn check_set_types(def: &ModelDefinition, set: &[(usize, Value)]) -> Result<()> {
    for (pos, value) in set {
        let (name, prop) = def
            .properties
            .get_index(*pos)
            .expect("position from the same definition");
        let ok = match (&prop.property_type, value) {
            (_, Value::Null) => prop.is_nullable(),
            (PropertyType::Number, Value::Int(_) | Value::Float(_) | Value::Decimal(_)) => true,
            (PropertyType::String | PropertyType::Date, Value::Text(_)) => true,
            (PropertyType::Boolean, Value::Bool(_)) => true,
            (PropertyType::String | PropertyType::Number | PropertyType::Date | PropertyType::Boolean, _) => false,
            _ => true,
        };
        if !ok {
            return Err(Error::invalid_data(
                &def.name,
                format!("`{name}` expects a {} value, got {}", prop.property_type, value.kind()),
            ));
        }
    }
    Ok(())
}

/// A partial update's `(position, value)` list with text transforms applied,
/// the property-level validators run on the set properties, and value types
/// checked.
pub(crate) fn checked_set(def: &ModelDefinition, mut set: Vec<(usize, Value)>) -> Result<Vec<(usize, Value)>> {
    let transforms = |p: &usize| {
        def.properties
            .get_index(*p)
            .is_some_and(|(_, d)| d.trim || d.lowercase || d.uppercase)
    };
    if def.validations.is_empty() && !set.iter().any(|(p, _)| transforms(p)) {
        // Nothing to transform or check but the types.
        check_set_types(def, &set)?;
        return Ok(set);
    }
    let mut row = Row::new(vec![Value::Null; def.properties.len()]);
    for (pos, value) in &set {
        row.values[*pos] = value.clone();
    }
    let present = |i: usize| set.iter().any(|(p, _)| *p == i);
    apply_transforms(def, &mut row, &present);
    let mut errors = ValidationError::new(&def.name);
    crate::validation::check_rules(def, &row, &present, &mut errors);
    errors.into_result()?;
    for (pos, value) in &mut set {
        *value = std::mem::replace(&mut row.values[*pos], Value::Null);
    }
    check_set_types(def, &set)?;
    Ok(set)
}

/// Ids as the model types them: text given for a numeric id (ids arrive
/// from URLs as text) is read as the number it spells, on every connector
/// alike; text that spells no number is an `InvalidFilter` at `id`.
pub(crate) fn typed_id(def: &ModelDefinition, values: Vec<Value>) -> Result<Vec<Value>> {
    // Only text is turned into numbers.
    if !values.iter().any(|v| matches!(v, Value::Text(_))) {
        return Ok(values);
    }
    let ids = id_positions(def);
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let numeric = ids
                .get(i)
                .is_some_and(|p| def.properties[*p].property_type == PropertyType::Number);
            match value {
                Value::Text(t) if numeric => {
                    let trimmed = t.trim();
                    if let Ok(n) = trimmed.parse::<i64>() {
                        Ok(Value::Int(n))
                    } else if let Some(f) = trimmed.parse::<f64>().ok().filter(|f| f.is_finite()) {
                        Ok(Value::Float(f))
                    } else {
                        Err(Error::invalid_filter(
                            "id",
                            format!("`{}` has a numeric id; {t:?} is not a number", def.name),
                        ))
                    }
                }
                other => Ok(other),
            }
        })
        .collect()
}

/// `forceId` on an upsert: a generated id that is given must name a stored
/// row (an upsert may update with it, never create with it).
pub(crate) async fn check_force_id_upsert(conn: &dyn Connector, def: &ModelDefinition, row: &Row) -> Result<()> {
    if !def.settings.force_id.unwrap_or(false) || id_unset(def, row) {
        return Ok(());
    }
    let cond = id_cond(def, &row_id(def, row))?;
    if conn.count(def, Some(&cond)).await? > 0 {
        return Ok(());
    }
    check_force_id(def, row)
}

/// Serialises `find_or_create` calls for the same model and filter within
/// this process, so concurrent calls for one key create one row. Across
/// processes only a unique index on the filtered properties makes it atomic
/// (the insert then fails, and the row another process made is returned).
pub(crate) async fn find_or_create_lock(def: &ModelDefinition, filter: &Filter) -> FindOrCreateGuard {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static LOCKS: OnceLock<Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let key = format!("{}\u{0}{}", def.name, filter.to_json());
    let lock = {
        let mut locks = LOCKS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // Forget the keys nobody waits on any more.
        locks.retain(|_, l| std::sync::Arc::strong_count(l) > 1);
        locks.entry(key).or_default().clone()
    };
    FindOrCreateGuard(lock.lock_owned().await)
}

/// Held while a `find_or_create` runs.
pub(crate) struct FindOrCreateGuard(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>);

/// Whether `err` is a `uniqueness` validation error (a concurrent insert won).
pub(crate) fn is_uniqueness(err: &Error) -> bool {
    matches!(err, Error::Validation(v) if v.codes().values().any(|codes| codes.contains(&"uniqueness")))
}
