//! Emits the patch type for partial updates: `CustomerPatch`.

use super::codec::{fields_path, CHUNK};
use crate::ast::ModelIr;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(crate) fn patch_ident(model: &ModelIr<'_>) -> syn::Ident {
    format_ident!("{}Patch", model.input.ident)
}

pub(crate) fn emit_struct(model: &ModelIr<'_>) -> TokenStream {
    let ident = &model.input.ident;
    let patch = patch_ident(model);
    let vis = &model.input.vis;
    let fields = model.properties().map(|f| {
        let field = f.ident;
        let fvis = &f.original.vis;
        let ty = &f.original.ty;
        let doc = format!("New value of `{}`; `None` leaves it as it is.", f.name);
        quote!(#[doc = #doc] #fvis #field: ::core::option::Option<#ty>)
    });
    let doc = format!("A partial update of [`{ident}`]: the properties that are `Some` are set.");
    quote! {
        #[doc = #doc]
        #[derive(Default)]
        #[allow(dead_code)]
        #vis struct #patch {
            #(#fields),*
        }
    }
}

pub(crate) fn emit_impl(model: &ModelIr<'_>, model_name: &str) -> TokenStream {
    let patch = patch_ident(model);
    let ident = &model.input.ident;
    // The fields as tuples of up to twelve, like the model's codec.
    let chunks: Vec<_> = model
        .properties()
        .collect::<Vec<_>>()
        .chunks(CHUNK)
        .map(<[_]>::to_vec)
        .collect();
    let sets = chunks.iter().enumerate().map(|(k, fields)| {
        let (start, path, refs) = (k * CHUNK, fields_path(k), fields.iter().map(|f| f.ident));
        quote!(#path::push_set((#(&self.#refs,)*), #start, &mut out);)
    });
    let takes = chunks.iter().enumerate().map(|(k, fields)| {
        let (start, path) = (k * CHUNK, fields_path(k));
        let slots = fields.iter().map(|f| f.ident);
        quote! {
            #path::take_set((#(&mut out.#slots,)*), #start, &mut set, #model_name, <#ident as ::juggler::Model>::FIELDS)?;
        }
    });
    quote! {
        #[automatically_derived]
        impl ::juggler::Patch for #patch {
            #[inline] fn to_set(&self) -> ::std::vec::Vec<(usize, ::juggler::Value)> {
                let mut out = ::std::vec::Vec::new();
                #(#sets)*
                out
            }

            #[inline] #[allow(unused_mut)] fn from_set(mut set: ::std::vec::Vec<(usize, ::juggler::Value)>) -> ::juggler::Result<Self> {
                let mut out = <Self as ::core::default::Default>::default();
                #(#takes)*
                ::core::result::Result::Ok(out)
            }
        }
    }
}
