//! Emits the typed field handles: `Customer::AGE`.

use crate::ast::ModelIr;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn emit(model: &ModelIr<'_>) -> TokenStream {
    let ident = &model.input.ident;
    let vis = &model.input.vis;
    let consts = model.properties().map(|f| {
        let c = f.const_name();
        let ty = &f.original.ty;
        let name = &f.name;
        let doc = format!("Typed handle of the `{name}` property, for filters and ordering.");
        quote! {
            #[doc = #doc]
            #vis const #c: ::juggler::Field<#ident, #ty> = ::juggler::Field::new(#name);
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(dead_code)]
        impl #ident {
            #(#consts)*
        }
    }
}
