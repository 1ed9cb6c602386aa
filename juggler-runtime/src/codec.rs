//! Generic pieces of the derive's row codec, so the code it writes per
//! model stays small. A model's fields are handed over as tuples of up to
//! twelve (references, values or patch slots): the compiler checks one call
//! per dozen properties in the user's crate instead of one per property,
//! and the bodies below are checked once, here. After inlining the code is
//! what a hand-written match per field would be.

use crate::value::{FieldValue, ReadRow, Value};
use crate::Error;

/// A tuple of up to twelve of a model's property types, in property order
/// (the derive hands a longer model over in tuples of twelve). The derive
/// names the tuple once per call; every call then needs the same bound, so
/// a field type that is no [`FieldValue`] gets one error here (beside the
/// one at the field), not one per method.
pub trait Fields: Sized {
    /// References to the fields.
    type Refs<'a>
    where
        Self: 'a;
    /// References to a patch's fields.
    type PatchRefs<'a>
    where
        Self: 'a;
    /// A patch's fields, to fill in.
    type Slots<'a>
    where
        Self: 'a;

    /// Reads properties `start..start + arity` of `model` from their
    /// columns (`fields` are the model's `(Rust name, property name)`
    /// pairs, for errors).
    fn read_fields(
        row: &dyn ReadRow,
        columns: &[Option<usize>],
        start: usize,
        model: &str,
        fields: &[(&str, &str)],
    ) -> Result<Self, Error>;

    /// The stored value of the `i`-th field (NULL past the end).
    fn value_at(refs: Self::Refs<'_>, i: usize) -> Value;

    /// Appends the stored value of each field.
    fn push_values(refs: Self::Refs<'_>, out: &mut Vec<Value>);

    /// Appends the stored value of each field, moving it.
    fn push_into(self, out: &mut Vec<Value>);

    /// Appends `(start + i, value)` for each patch field that is set.
    fn push_set(refs: Self::PatchRefs<'_>, start: usize, out: &mut Vec<(usize, Value)>);

    /// Takes the values of `set` at positions `start..start + arity` into
    /// the patch's fields (`fields` as in [`Fields::read_fields`]).
    fn take_set(
        slots: Self::Slots<'_>,
        start: usize,
        set: &mut [(usize, Value)],
        model: &str,
        fields: &[(&str, &str)],
    ) -> Result<(), Error>;
}

macro_rules! tuples {
    ($n:literal; $($t:ident $v:ident $i:tt),+) => {
        impl<$($t: FieldValue),+> Fields for ($($t,)+) {
            type Refs<'a> = ($(&'a $t,)+) where Self: 'a;
            type PatchRefs<'a> = ($(&'a Option<$t>,)+) where Self: 'a;
            type Slots<'a> = ($(&'a mut Option<$t>,)+) where Self: 'a;

            #[inline]
            fn read_fields(
                row: &dyn ReadRow,
                columns: &[Option<usize>],
                start: usize,
                model: &str,
                fields: &[(&str, &str)],
            ) -> Result<Self, Error> {
                Ok(($(crate::__private::read::<$t>(row, columns, start + $i, model, name(fields, start + $i))?,)+))
            }

            #[inline]
            fn value_at(refs: Self::Refs<'_>, i: usize) -> Value {
                match i {
                    $($i => refs.$i.to_value(),)+
                    _ => Value::Null,
                }
            }

            #[inline]
            fn push_values(refs: Self::Refs<'_>, out: &mut Vec<Value>) {
                out.extend([$(refs.$i.to_value()),+]);
            }

            #[inline]
            fn push_into(self, out: &mut Vec<Value>) {
                let ($($v,)+) = self;
                out.extend([$($v.into_value()),+]);
            }

            #[inline]
            fn push_set(refs: Self::PatchRefs<'_>, start: usize, out: &mut Vec<(usize, Value)>) {
                $(push_set(out, start + $i, refs.$i);)+
            }

            #[inline]
            fn take_set(
                slots: Self::Slots<'_>,
                start: usize,
                set: &mut [(usize, Value)],
                model: &str,
                fields: &[(&str, &str)],
            ) -> Result<(), Error> {
                let ($($v,)+) = slots;
                for (pos, value) in set {
                    let Some(i) = pos.checked_sub(start).filter(|i| *i < $n) else { continue };
                    let value = std::mem::take(value);
                    match i {
                        $($i => patch_slot($v, value, model, name(fields, start + $i))?,)+
                        _ => {}
                    }
                }
                Ok(())
            }
        }
    };
}

tuples!(1; A a 0);
tuples!(2; A a 0, B b 1);
tuples!(3; A a 0, B b 1, C c 2);
tuples!(4; A a 0, B b 1, C c 2, D d 3);
tuples!(5; A a 0, B b 1, C c 2, D d 3, E e 4);
tuples!(6; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5);
tuples!(7; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6);
tuples!(8; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7);
tuples!(9; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8);
tuples!(10; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8, J j 9);
tuples!(11; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8, J j 9, K k 10);
tuples!(12; A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7, I i 8, J j 9, K k 10, L l 11);

/// The property name at `pos` (empty past the end).
#[inline]
fn name<'a>(fields: &[(&str, &'a str)], pos: usize) -> &'a str {
    fields.get(pos).map_or("", |f| f.1)
}

/// Sets a model's single id field from the id an insert gave it.
#[inline]
pub fn set_id<T: FieldValue>(field: &mut T, id: Value, model: &str, property: &str) -> Result<(), Error> {
    *field = crate::__private::decode(&mut [id], 0, model, property, None)?;
    Ok(())
}

/// A patch's field at position `pos`, when it is set, as `(pos, value)`.
#[inline]
fn push_set<T: FieldValue>(out: &mut Vec<(usize, Value)>, pos: usize, field: &Option<T>) {
    if let Some(v) = field {
        out.push((pos, v.to_value()));
    }
}

/// Decodes a patch's new value of `property` into its slot, or says why it
/// does not fit the field's type.
#[inline]
fn patch_slot<T: FieldValue>(slot: &mut Option<T>, value: Value, model: &str, property: &str) -> Result<(), Error> {
    match T::from_value(value) {
        Ok(v) => {
            *slot = Some(v);
            Ok(())
        }
        Err(m) => Err(Error::invalid_data(model, format!("`{property}`: {m}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ValuesRow;
    use std::cell::RefCell;

    #[test]
    fn a_tuple_reads_its_columns_from_its_start() {
        let row = ValuesRow(RefCell::new(vec![
            Value::Int(1),
            Value::Text("a".into()),
            Value::Int(3),
        ]));
        let columns = [Some(0), Some(1), Some(2)];
        let (b, c) =
            <(String, i64) as Fields>::read_fields(&row, &columns, 1, "M", &[("a", "a"), ("b", "b"), ("c", "c")])
                .unwrap();
        assert_eq!((b.as_str(), c), ("a", 3));
    }

    #[test]
    fn a_bad_value_names_its_property() {
        let row = ValuesRow(RefCell::new(vec![Value::Text("x".into())]));
        let err = <(i64,) as Fields>::read_fields(&row, &[Some(0)], 0, "M", &[("age", "age")]).unwrap_err();
        assert!(err.to_string().contains("`age`"), "{err}");
    }

    #[test]
    fn each_tuple_takes_only_its_own_positions() {
        type First = (i64, i64);
        type Second = (String,);
        let mut set = vec![(2, Value::Text("c".into())), (0, Value::Int(1)), (7, Value::Int(9))];
        let (mut a, mut b, mut c) = (None, None, None);
        let fields = [("a", "a"), ("b", "b"), ("c", "c")];
        <First as Fields>::take_set((&mut a, &mut b), 0, &mut set, "M", &fields).unwrap();
        <Second as Fields>::take_set((&mut c,), 2, &mut set, "M", &fields).unwrap();
        assert_eq!((a, b, c.as_deref()), (Some(1), None, Some("c")));
        let mut out = Vec::new();
        <Second as Fields>::push_set((&c,), 2, &mut out);
        assert_eq!(out, vec![(2, Value::Text("c".into()))]);
        assert_eq!(<First as Fields>::value_at((&1, &2), 1), Value::Int(2));
        assert_eq!(<First as Fields>::value_at((&1, &2), 2), Value::Null);
    }

    #[test]
    fn a_patch_slot_takes_a_fitting_value_only() {
        let mut slot: Option<i64> = None;
        patch_slot(&mut slot, Value::Int(4), "M", "age").unwrap();
        assert_eq!(slot, Some(4));
        let err = patch_slot(&mut slot, Value::Text("x".into()), "M", "age").unwrap_err();
        assert!(err.to_string().contains("`age`"), "{err}");
        let mut out = Vec::new();
        push_set(&mut out, 2, &slot);
        push_set::<i64>(&mut out, 3, &None);
        assert_eq!(out, vec![(2, Value::Int(4))]);
    }
}
