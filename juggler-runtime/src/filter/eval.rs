//! Evaluating a resolved query without a database: whether a row matches a
//! condition, and sorting and paging rows (the memory connector, and SQL
//! connectors after a `near`). SQL connectors compile the same tree to SQL.

use super::resolve::{CmpOp, Cond, Query};
use super::Direction;
use crate::value::{GeoPoint, Row, Value};
use std::cmp::Ordering;

fn geo(value: &Value) -> Option<GeoPoint> {
    match value {
        Value::Json(j) => GeoPoint::from_json(j),
        Value::Text(t) => GeoPoint::from_json(&serde_json::Value::String(t.clone())),
        _ => None,
    }
}

impl Cond {
    /// Whether `row` satisfies the condition (the memory connector's evaluator;
    /// SQL connectors compile the same tree to SQL).
    pub fn matches(&self, row: &Row) -> bool {
        match self {
            Cond::And(items) => items.iter().all(|c| c.matches(row)),
            Cond::Or(items) => items.iter().any(|c| c.matches(row)),
            Cond::Cmp { prop, op } => {
                let v = row.values.get(*prop).unwrap_or(&Value::Null);
                op.matches(v)
            }
        }
    }
}

impl CmpOp {
    fn matches(&self, v: &Value) -> bool {
        let ord = |x: &Value| if v.is_null() { None } else { v.compare(x) };
        match self {
            CmpOp::IsNull => v.is_null(),
            CmpOp::NotNull => !v.is_null(),
            CmpOp::Eq(x) => v.same_as(x),
            CmpOp::Neq(x) => !v.is_null() && !v.same_as(x),
            CmpOp::Gt(x) => ord(x) == Some(Ordering::Greater),
            CmpOp::Gte(x) => matches!(ord(x), Some(Ordering::Greater | Ordering::Equal)),
            CmpOp::Lt(x) => ord(x) == Some(Ordering::Less),
            CmpOp::Lte(x) => matches!(ord(x), Some(Ordering::Less | Ordering::Equal)),
            CmpOp::Between(a, b) => {
                matches!(ord(a), Some(Ordering::Greater | Ordering::Equal))
                    && matches!(ord(b), Some(Ordering::Less | Ordering::Equal))
            }
            CmpOp::In(xs) => xs.iter().any(|x| v.same_as(x)),
            CmpOp::NotIn(xs) => !v.is_null() && !xs.iter().any(|x| v.same_as(x)),
            CmpOp::Like { negated, regex, .. } => match v.as_str() {
                Some(t) => regex.is_match(t) != *negated,
                None => false,
            },
            CmpOp::Regexp { regex, .. } => v.as_str().is_some_and(|t| regex.is_match(t)),
            CmpOp::Near { point, max_km } => match geo(v) {
                Some(p) => max_km.is_none_or(|max| p.distance_km(point) <= max),
                None => false,
            },
        }
    }
}

/// Compares two values for sorting: NULLs last ascending, first descending.
pub fn compare_for_order(a: &Value, b: &Value, direction: Direction) -> Ordering {
    let ord = match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.compare(b).unwrap_or(Ordering::Equal),
    };
    match direction {
        Direction::Asc => ord,
        Direction::Desc => ord.reverse(),
    }
}

impl Query {
    /// Sorts rows by `near` distance, then the order keys.
    pub fn sort(&self, rows: &mut [Row]) {
        rows.sort_by(|a, b| {
            if let Some((prop, point)) = &self.near {
                let da = geo(&a.values[*prop]).map_or(f64::INFINITY, |p| p.distance_km(point));
                let db = geo(&b.values[*prop]).map_or(f64::INFINITY, |p| p.distance_km(point));
                match da.total_cmp(&db) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            for (prop, dir) in &self.order {
                match compare_for_order(&a.values[*prop], &b.values[*prop], *dir) {
                    Ordering::Equal => continue,
                    other => return other,
                }
            }
            Ordering::Equal
        });
    }

    /// The `ORDER BY` a database needs: none when the filter asked for no
    /// order and no page (the rows come in whatever order is cheapest), the
    /// order with its id tie-breaker otherwise. The memory connector always
    /// sorts by [`Query::order`], ids last.
    pub fn database_order(&self) -> &[(usize, Direction)] {
        if self.ordered {
            &self.order
        } else {
            &[]
        }
    }

    /// Sorts, pages and projects rows read without the help of a database
    /// (the memory connector, and SQL connectors after a `near`).
    pub fn finish(&self, mut rows: Vec<Row>) -> Vec<Row> {
        self.sort(&mut rows);
        let mut rows = self.page(rows);
        if let Some(fields) = &self.fields {
            for row in &mut rows {
                for (i, v) in row.values.iter_mut().enumerate() {
                    if !fields.contains(&i) {
                        *v = Value::Null;
                    }
                }
                row.extra.clear();
            }
        }
        rows
    }

    /// Applies skip and limit to sorted rows.
    pub fn page(&self, rows: Vec<Row>) -> Vec<Row> {
        let skip = usize::try_from(self.skip.unwrap_or(0)).unwrap_or(usize::MAX);
        let limit = usize::try_from(self.limit.unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
        rows.into_iter().skip(skip).take(limit).collect()
    }
}
