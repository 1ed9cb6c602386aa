//! Emits the `custom` and `custom_async` validators.

use crate::ast::ModelIr;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

pub(crate) fn emit(model: &ModelIr<'_>, hidden: &[String]) -> TokenStream {
    let mut sync = Vec::new();
    let mut asynchronous = Vec::new();
    for f in model.properties() {
        let ident = f.ident;
        let ty = &f.original.ty;
        let name = &f.name;
        let is_hidden = hidden.contains(name);
        for (v, _) in &f.validate {
            let message = v.message.clone().unwrap_or_else(|| "is invalid".to_owned());
            let report = quote! {
                errors.add(#name, "custom", #message, &<#ty as ::juggler::__private::FieldValue>::to_value(&self.#ident), #is_hidden);
            };
            if let Some(path) = &v.custom {
                sync.push(quote_spanned! {path.span()=>
                    let ok: bool = #path(&self.#ident);
                    if !ok { #report }
                });
            }
            if let Some(path) = &v.custom_async {
                asynchronous.push(quote_spanned! {path.span()=>
                    let ok: bool = #path(&self.#ident).await;
                    if !ok { #report }
                });
            }
        }
    }
    let sync_fn = if sync.is_empty() {
        quote!()
    } else {
        quote! {
            #[inline] fn validate_custom(&self, errors: &mut ::juggler::ValidationError) {
                #({ #sync })*
            }
        }
    };
    let async_fn = if asynchronous.is_empty() {
        quote!()
    } else {
        quote! {
            #[inline] fn validate_custom_async<'a>(&'a self, errors: &'a mut ::juggler::ValidationError) -> ::juggler::BoxFuture<'a, ()> {
                ::std::boxed::Box::pin(async move {
                    #({ #asynchronous })*
                })
            }
        }
    };
    quote!(#sync_fn #async_fn)
}
