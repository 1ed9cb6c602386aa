//! A statement's bound values.

use crate::schema::ColumnKind;
use crate::value::Value;

/// A statement's bound values in order: a list, or whole rows of which the
/// columns with a kind are bound (a batch insert's values, moved in as they
/// are: no list of binds is made).
#[derive(Debug, Clone)]
pub(crate) enum Binds {
    List(Vec<(Value, ColumnKind)>),
    Rows {
        /// The rows one after the other, `kinds.len()` values each.
        values: Vec<Value>,
        /// Per position: bound with this kind, or left out.
        kinds: Vec<Option<ColumnKind>>,
    },
}

impl Default for Binds {
    fn default() -> Self {
        Binds::List(Vec::new())
    }
}

impl FromIterator<(Value, ColumnKind)> for Binds {
    fn from_iter<I: IntoIterator<Item = (Value, ColumnKind)>>(iter: I) -> Self {
        Binds::List(iter.into_iter().collect())
    }
}

impl From<Vec<(Value, ColumnKind)>> for Binds {
    fn from(list: Vec<(Value, ColumnKind)>) -> Self {
        Binds::List(list)
    }
}

impl Binds {
    /// How many values are bound.
    pub(crate) fn len(&self) -> usize {
        match self {
            Binds::List(list) => list.len(),
            Binds::Rows { values, kinds } => {
                let rows = values.len().checked_div(kinds.len()).unwrap_or(0);
                rows * kinds.iter().filter(|k| k.is_some()).count()
            }
        }
    }

    /// The list, made from the rows if need be.
    fn list(&mut self) -> &mut Vec<(Value, ColumnKind)> {
        if let Binds::Rows { .. } = self {
            let list = std::mem::take(self).into_iter().collect();
            *self = Binds::List(list);
        }
        match self {
            Binds::List(list) => list,
            Binds::Rows { .. } => unreachable!("made a list above"),
        }
    }

    pub(crate) fn push(&mut self, bind: (Value, ColumnKind)) {
        self.list().push(bind);
    }

    pub(crate) fn reserve(&mut self, more: usize) {
        self.list().reserve(more);
    }
}

impl IntoIterator for Binds {
    type Item = (Value, ColumnKind);
    type IntoIter = BindsIter;

    fn into_iter(self) -> BindsIter {
        match self {
            Binds::List(list) => BindsIter::List(list.into_iter()),
            Binds::Rows { values, kinds } => BindsIter::Rows {
                values: values.into_iter(),
                kinds,
                column: 0,
            },
        }
    }
}

/// See [`Binds`].
pub(crate) enum BindsIter {
    List(std::vec::IntoIter<(Value, ColumnKind)>),
    Rows {
        values: std::vec::IntoIter<Value>,
        kinds: Vec<Option<ColumnKind>>,
        /// The column of the next value.
        column: usize,
    },
}

impl Iterator for BindsIter {
    type Item = (Value, ColumnKind);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            BindsIter::List(list) => list.next(),
            BindsIter::Rows { values, kinds, column } => loop {
                let value = values.next()?;
                let kind = kinds.get(*column).copied().flatten();
                *column += 1;
                if *column >= kinds.len() {
                    *column = 0;
                }
                if let Some(kind) = kind {
                    return Some((value, kind));
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_bind_their_kept_columns_in_order() {
        let values = (0..6).map(Value::Int).collect();
        let kinds = vec![None, Some(ColumnKind::BigInt), Some(ColumnKind::Text)];
        let mut binds = Binds::Rows { values, kinds };
        assert_eq!(binds.len(), 4);
        let bound: Vec<_> = binds.clone().into_iter().collect();
        assert_eq!(
            bound,
            vec![
                (Value::Int(1), ColumnKind::BigInt),
                (Value::Int(2), ColumnKind::Text),
                (Value::Int(4), ColumnKind::BigInt),
                (Value::Int(5), ColumnKind::Text),
            ]
        );
        binds.push((Value::Null, ColumnKind::Text));
        assert_eq!(binds.len(), 5, "pushing turns the rows into a list");
    }
}
