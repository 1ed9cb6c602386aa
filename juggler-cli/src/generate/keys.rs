//! What a table's keys and indexes say about the relations and indexes a
//! model declares: join tables (pure, or carrying data), unique keys,
//! single-column indexes.

use juggler_schema::catalog::{ForeignKey, Table};

/// The two foreign keys of a pure join table: a table whose columns are two
/// single-column foreign keys, plus at most an id and dates (`last_update`).
pub(super) fn join_sides(t: &Table) -> Option<(&ForeignKey, &ForeignKey)> {
    let [a, b] = t.foreign_keys.as_slice() else {
        return None;
    };
    if a.columns.len() != 1 || b.columns.len() != 1 || a.columns == b.columns {
        return None;
    }
    let keys = [&a.columns[0], &b.columns[0]];
    let pk: Vec<&String> = t
        .primary_key
        .as_ref()
        .map(|k| k.columns.iter().collect())
        .unwrap_or_default();
    let mut ids = 0;
    for c in &t.columns {
        if keys.contains(&&c.name) || c.property_type == "Date" {
            continue;
        }
        if pk == [&c.name] && ids == 0 {
            ids += 1;
            continue;
        }
        return None;
    }
    Some((a, b))
}

/// The two foreign keys of a join table that holds data of its own: two
/// single-column keys whose pair is the primary key (or a unique key), and
/// other columns besides (a pure join table is [`join_sides`]'s).
pub(super) fn join_with_data(t: &Table) -> Option<(&ForeignKey, &ForeignKey)> {
    let [a, b] = t.foreign_keys.as_slice() else {
        return None;
    };
    if a.columns.len() != 1 || b.columns.len() != 1 || a.columns == b.columns || join_sides(t).is_some() {
        return None;
    }
    let pair = |k: &[String]| k.len() == 2 && k.contains(&a.columns[0]) && k.contains(&b.columns[0]);
    let keyed = t.primary_key.as_ref().is_some_and(|k| pair(&k.columns)) || t.unique.iter().any(|k| pair(&k.columns));
    keyed.then_some((a, b))
}

/// The index a column has on its own (outside the primary key): `Some(true)`
/// unique, `Some(false)` plain. Partial and expression indexes are not the
/// column's (they are listed in the struct's comment).
pub(super) fn single_column_index(table: Option<&Table>, column: &str, pk: &[&str]) -> Option<bool> {
    let t = table?;
    if pk == [column] {
        return None;
    }
    let alone = |cols: &[String]| cols.len() == 1 && cols[0] == column;
    if t.unique.iter().any(|k| alone(&k.columns)) {
        return Some(true);
    }
    let mut found = None;
    for i in t.indexes.iter().filter(|i| !i.primary && i.predicate.is_none()) {
        if let [part] = i.parts.as_slice() {
            if part.column.as_deref() == Some(column) {
                found = Some(found.unwrap_or(false) || i.unique);
            }
        }
    }
    found
}

/// Whether the key's columns are unique in their table (then the reverse
/// side is `has_one`).
pub(super) fn is_unique(t: &Table, fk: &ForeignKey) -> bool {
    t.primary_key.as_ref().is_some_and(|k| k.columns == fk.columns) || t.unique.iter().any(|k| k.columns == fk.columns)
}
