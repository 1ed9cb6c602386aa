//! Emits the row codec: `to_row`, `from_row`, `id_values`, and the
//! `FieldValue` impl that lets the model be embedded in another.

use crate::ast::{FieldKind, ModelIr};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn emit(model: &ModelIr<'_>, name: &str) -> TokenStream {
    let props: Vec<_> = model.properties().collect();
    let count = props.len();
    let to_values = props.iter().map(|f| {
        let ident = f.ident;
        let ty = &f.original.ty;
        quote_spanned!(ty.span()=> <#ty as ::juggler::__private::FieldValue>::to_value(&self.#ident))
    });
    let value_arms = props.iter().enumerate().map(|(i, f)| {
        let ident = f.ident;
        let ty = &f.original.ty;
        quote_spanned!(ty.span()=> #i => <#ty as ::juggler::__private::FieldValue>::to_value(&self.#ident),)
    });
    let into_values = props.iter().map(|f| {
        let ident = f.ident;
        let ty = &f.original.ty;
        quote_spanned!(ty.span()=> <#ty as ::juggler::__private::FieldValue>::into_value(self.#ident))
    });
    let extra_moved = match model.extra_field() {
        Some(f) => {
            let ident = f.ident;
            quote!(self.#ident)
        }
        None => quote!(::juggler::__private::serde_json::Map::new()),
    };
    let extra_out = match model.extra_field() {
        Some(f) => {
            let ident = f.ident;
            quote!(self.#ident.clone())
        }
        None => quote!(::juggler::__private::serde_json::Map::new()),
    };
    let inits = field_inits(
        model,
        |ty, i, prop| {
            quote_spanned! {ty.span()=>
                ::juggler::__private::decode::<#ty>(&mut values, #i, #name, #prop, fields)?
            }
        },
        quote!(extra),
    );
    let reads = field_inits(
        model,
        |ty, i, prop| {
            quote_spanned! {ty.span()=>
                ::juggler::__private::read::<#ty>(row, columns, #i, #name, #prop)?
            }
        },
        quote!(::core::default::Default::default()),
    );
    let ids = model.id_fields();
    let id_values = ids.iter().map(|f| {
        let ident = f.ident;
        let ty = &f.original.ty;
        quote!(<#ty as ::juggler::__private::FieldValue>::to_value(&self.#ident))
    });
    // The extra properties come only from the row itself; other models
    // read a row through `read_row` (the trait's `from_row`).
    let from_row = if model.extra_field().is_some() {
        quote! {
            fn from_row(row: ::juggler::Row, fields: ::core::option::Option<&[usize]>) -> ::juggler::Result<Self> {
                let ::juggler::Row { mut values, extra } = row;
                ::juggler::__private::check_len(&values, #count, #name)?;
                ::core::result::Result::Ok(Self { #(#inits),* })
            }
        }
    } else {
        quote!()
    };
    // One id property: set straight into its field after an insert.
    let set_id = match ids.as_slice() {
        [f] => {
            let (ident, prop) = (f.ident, &f.name);
            quote! {
                fn set_id(&mut self, id: ::juggler::Value) -> ::juggler::Result<()> {
                    self.#ident = ::juggler::__private::decode(&mut [id], 0, #name, #prop, ::core::option::Option::None)?;
                    ::core::result::Result::Ok(())
                }
            }
        }
        _ => quote!(),
    };
    quote! {
        #set_id

        fn to_row(&self) -> ::juggler::Row {
            let mut values = ::std::vec::Vec::with_capacity(#count);
            ::juggler::Model::push_values(self, &mut values);
            ::juggler::Row { values, extra: #extra_out }
        }

        fn push_values(&self, out: &mut ::std::vec::Vec<::juggler::Value>) {
            out.extend([#(#to_values),*]);
        }

        fn property_value(&self, pos: usize) -> ::juggler::Value {
            match pos {
                #(#value_arms)*
                _ => ::juggler::Value::Null,
            }
        }

        fn into_row(self) -> ::juggler::Row {
            ::juggler::Row { values: ::std::vec![#(#into_values),*], extra: #extra_moved }
        }

        #from_row

        fn read_row(row: &dyn ::juggler::ReadRow, columns: &[::core::option::Option<usize>]) -> ::juggler::Result<Self> {
            ::core::result::Result::Ok(Self { #(#reads),* })
        }

        fn id_values(&self) -> ::std::vec::Vec<::juggler::Value> {
            ::std::vec![#(#id_values),*]
        }
    }
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

/// `impl FieldValue for Model`: embedded as a JSON object.
pub(crate) fn emit_field_value(model: &ModelIr<'_>, name: &str) -> TokenStream {
    let ident = &model.input.ident;
    quote! {
        #[automatically_derived]
        impl ::juggler::__private::FieldValue for #ident {
            fn property_type() -> ::juggler::__private::schema::PropertyType {
                ::juggler::__private::schema::PropertyType::Model(::std::string::String::from(#name))
            }
            fn to_value(&self) -> ::juggler::Value {
                ::juggler::__private::model_to_value(self)
            }
            fn from_value(value: ::juggler::Value) -> ::core::result::Result<Self, ::std::string::String> {
                ::juggler::__private::model_from_value(value)
            }
            fn json_schema() -> ::juggler::__private::serde_json::Value {
                ::juggler::__private::object_schema()
            }
            fn nested_definition() -> ::core::option::Option<&'static ::juggler::__private::schema::ModelDefinition> {
                ::core::option::Option::Some(<Self as ::juggler::Model>::definition())
            }
            fn nested_schema() -> ::core::option::Option<(::std::string::String, ::juggler::__private::serde_json::Value)> {
                ::core::option::Option::Some(::juggler::__private::nested_schema::<Self>())
            }
        }
    }
}
