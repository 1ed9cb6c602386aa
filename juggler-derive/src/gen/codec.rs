//! Emits the row codec: `property_value`, `push_values`, `into_row`,
//! `read_row` and `set_id`.

use crate::ast::{FieldKind, ModelIr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

/// How many fields one tuple of the runtime's codec traits holds.
pub(crate) const CHUNK: usize = 12;

pub(crate) fn emit(model: &ModelIr<'_>, name: &str) -> TokenStream {
    let props: Vec<_> = model.properties().collect();
    let count = props.len();
    // Each piece hands the fields to a trait of the runtime as tuples of up
    // to twelve (see `juggler_runtime::codec`): one call per dozen fields is
    // far less for the compiler to check than one (and a `?`) per field.
    let chunks: Vec<_> = props.chunks(CHUNK).collect();
    let value_arms = chunks.iter().enumerate().map(|(k, fields)| {
        let (start, path, refs) = (k * CHUNK, fields_path(k), fields.iter().map(|f| f.ident));
        let at = if start == 0 { quote!(pos) } else { quote!(pos - #start) };
        quote!(#k => #path::value_at((#(&self.#refs,)*), #at),)
    });
    let push_values = chunks.iter().enumerate().map(|(k, fields)| {
        let (path, refs) = (fields_path(k), fields.iter().map(|f| f.ident));
        quote!(#path::push_values((#(&self.#refs,)*), out);)
    });
    let into_values = chunks.iter().enumerate().map(|(k, fields)| {
        let (path, moved) = (fields_path(k), fields.iter().map(|f| f.ident));
        quote!(#path::push_into((#(self.#moved,)*), &mut values);)
    });
    let extra_moved = match model.extra_field() {
        Some(f) => {
            let ident = f.ident;
            quote!(self.#ident)
        }
        None => quote!(::juggler::__private::serde_json::Map::new()),
    };
    let locals: Vec<_> = (0..count).map(|i| format_ident!("__p{}", i)).collect();
    let read_chunks = chunks
        .iter()
        .zip(locals.chunks(CHUNK))
        .enumerate()
        .map(|(k, (_, locals))| {
            let (start, path) = (k * CHUNK, fields_path(k));
            quote! {
                let (#(#locals,)*) = #path::read_fields(row, columns, #start, #name, <Self as ::juggler::Model>::FIELDS)?;
            }
        });
    let reads = field_inits(
        model,
        |_, i, _| locals[i].to_token_stream(),
        quote!(::core::default::Default::default()),
    );
    let ids = model.id_fields();
    // The extra properties come only from the row itself; other models
    // read a row through `read_row` (the trait's `from_row`).
    let from_row = if let Some(extra) = model.extra_field() {
        let extra = extra.ident;
        let inits = field_inits(
            model,
            |ty, i, prop| {
                quote_spanned! {ty.span()=>
                    ::juggler::__private::decode::<#ty>(&mut values, #i, #name, #prop, fields)?
                }
            },
            quote!(extra),
        );
        quote! {
            #[inline] fn to_row(&self) -> ::juggler::Row {
                let mut values = ::std::vec::Vec::with_capacity(#count);
                ::juggler::Model::push_values(self, &mut values);
                ::juggler::Row { values, extra: self.#extra.clone() }
            }

            #[inline] fn from_row(row: ::juggler::Row, fields: ::core::option::Option<&[usize]>) -> ::juggler::Result<Self> {
                let ::juggler::Row { mut values, extra } = row;
                ::juggler::__private::check_len(&values, #count, #name)?;
                ::core::result::Result::Ok(Self { #(#inits),* })
            }
        }
    } else {
        quote!()
    };
    let set_id = match ids.as_slice() {
        [f] => {
            let (ident, prop) = (f.ident, &f.name);
            quote! {
                #[inline] fn set_id(&mut self, id: ::juggler::Value) -> ::juggler::Result<()> {
                    ::juggler::__private::set_id(&mut self.#ident, id, #name, #prop)
                }
            }
        }
        _ => quote!(),
    };
    quote! {
        #set_id

        #[inline] fn property_value(&self, pos: usize) -> ::juggler::Value {
            match pos / #CHUNK {
                #(#value_arms)*
                _ => ::juggler::Value::Null,
            }
        }

        #[inline] fn push_values(&self, out: &mut ::std::vec::Vec<::juggler::Value>) {
            #(#push_values)*
        }

        #[inline] fn into_row(self) -> ::juggler::Row {
            #[allow(unused_mut)] // a model of no properties
            let mut values = ::std::vec::Vec::with_capacity(#count);
            #(#into_values)*
            ::juggler::Row { values, extra: #extra_moved }
        }

        #from_row

        #[inline] fn read_row(row: &dyn ::juggler::ReadRow, columns: &[::core::option::Option<usize>]) -> ::juggler::Result<Self> {
            #(#read_chunks)*
            ::core::result::Result::Ok(Self { #(#reads),* })
        }
    }
}

/// `type __JugglerFields0 = (T1, T2, ..);`: each dozen of the properties'
/// types, named once for the codec's calls.
pub(crate) fn aliases(model: &ModelIr<'_>) -> TokenStream {
    let props: Vec<_> = model.properties().collect();
    let aliases = props.chunks(CHUNK).enumerate().map(|(k, fields)| {
        let alias = alias(k);
        let tys = fields.iter().map(|f| &f.original.ty);
        quote!(type #alias = (#(#tys,)*);)
    });
    quote!(#(#aliases)*)
}

fn alias(k: usize) -> syn::Ident {
    format_ident!("__JugglerFields{}", k)
}

/// `<__JugglerFields0 as Fields>`: the runtime's codec for the `k`-th dozen
/// of properties. Every use is written alike, so a field type that is no
/// `FieldValue` gets one error at the derive (rustc merges identical ones),
/// beside the one at the field.
pub(crate) fn fields_path(k: usize) -> TokenStream {
    let alias = alias(k);
    quote!(<#alias as ::juggler::__private::Fields>)
}

/// `field: <value>` for every field: properties from `property(type,
/// position, name)`, navigation fields empty, the extra map from `extra`.
fn field_inits(
    model: &ModelIr<'_>,
    property: impl Fn(&syn::Type, usize, &str) -> TokenStream,
    extra: TokenStream,
) -> Vec<TokenStream> {
    let mut pos = 0usize;
    model
        .fields
        .iter()
        .map(|f| {
            let ident = f.ident;
            match f.kind {
                FieldKind::Property => {
                    let value = property(&f.original.ty, pos, &f.name);
                    pos += 1;
                    quote!(#ident: #value)
                }
                FieldKind::Relation(_) => quote!(#ident: ::core::default::Default::default()),
                FieldKind::Extra => quote!(#ident: #extra),
            }
        })
        .collect()
}
