//! Emits the patch type for partial updates: `CustomerPatch`.

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
    let arms = model.properties().enumerate().map(|(i, f)| {
        let field = f.ident;
        let ty = &f.original.ty;
        let prop = &f.name;
        quote! {
            #i => ::juggler::__private::patch_field(
                <#ty as ::juggler::__private::FieldValue>::from_value(value),
                &mut out.#field,
                #model_name,
                #prop,
            ),
        }
    });
    let sets = model.properties().enumerate().map(|(i, f)| {
        let field = f.ident;
        let ty = &f.original.ty;
        quote! {
            if let ::core::option::Option::Some(v) = &self.#field {
                out.push((#i, <#ty as ::juggler::__private::FieldValue>::to_value(v)));
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl ::juggler::Patch for #patch {
            fn to_set(&self) -> ::std::vec::Vec<(usize, ::juggler::Value)> {
                let mut out = ::std::vec::Vec::new();
                #(#sets)*
                out
            }

            fn from_set(set: ::std::vec::Vec<(usize, ::juggler::Value)>) -> ::juggler::Result<Self> {
                let mut out = <Self as ::core::default::Default>::default();
                for (pos, value) in set {
                    // One `?` for every arm: each arm is a call.
                    match pos {
                        #(#arms)*
                        _ => ::core::result::Result::Ok(()),
                    }?;
                }
                ::core::result::Result::Ok(out)
            }
        }
    }
}
