//! Generators: each reads the IR and emits one capability.

mod codec;
mod definition;
mod fields;
mod hooks;
mod patch;
mod relations;
mod validate;

use crate::ast::ModelIr;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// Everything the derive emits for a model that passed the checks.
pub(crate) fn model(model: &ModelIr<'_>) -> TokenStream {
    let def = definition::build(model);
    let name = def.name.clone();
    let ident = &model.input.ident;
    let patch_ident = patch::patch_ident(model);
    let ids = model.id_fields();
    let id_type = match ids.as_slice() {
        [] => quote!(()),
        [one] => {
            let ty = &one.original.ty;
            quote!(#ty)
        }
        many => {
            let tys = many.iter().map(|f| &f.original.ty);
            quote!((#(#tys,)*))
        }
    };
    let definition = definition::emit(model, &def);
    let codec = codec::emit(model, &name);
    let validators = validate::emit(model, &def.settings.hidden);
    let hooks = hooks::emit(model);
    // One constant list of each property type's functions: the definition
    // and the JSON schema read it, and each type's code exists once.
    let field_types = model.properties().map(|f| {
        let ty = &f.original.ty;
        quote_spanned!(ty.span()=> ::juggler::__private::FieldType::of::<#ty>())
    });
    let id_positions = model.id_positions();
    let hidden_guards = hidden_serialize_guards(model, &def.settings.hidden);
    let field_pairs = model.properties().map(|f| {
        let rust = f.rust_name();
        let prop = &f.name;
        quote!((#rust, #prop))
    });
    let fields = fields::emit(model);
    let patch_struct = patch::emit_struct(model);
    let patch_impl = patch::emit_impl(model, &name);
    let relation_items = relations::emit_items(model);
    let navigation = relations::emit_navigation(model);
    let aliases = codec::aliases(model);
    quote! {
        #fields
        #relation_items
        #patch_struct
        const _: () = {
            #aliases
            #[automatically_derived]
            impl ::juggler::Model for #ident {
                type Id = #id_type;
                type Patch = #patch_ident;
                const FIELDS: &'static [(&'static str, &'static str)] = &[#(#field_pairs),*];
                const FIELD_TYPES: &'static [::juggler::__private::FieldType] = &[#(#field_types),*];
                const ID_POSITIONS: &'static [usize] = &[#(#id_positions),*];
                #hooks
                #definition
                #codec
                #validators
                #navigation
            }
            #patch_impl
            #hidden_guards
        };
    }
}

/// What is emitted next to attribute errors, so the user sees those and not
/// follow-on errors about missing items.
pub(crate) fn fallback(model: Option<&ModelIr<'_>>, input: &syn::DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let (fields, patch) = match model {
        Some(m) => (fields::emit(m), patch::emit_struct(m)),
        None => (quote!(), quote!()),
    };
    let patch_ident = quote::format_ident!("{}Patch", ident);
    let patch = if model.is_some() {
        patch
    } else {
        quote!(#[derive(Default)] #[allow(dead_code)] struct #patch_ident;)
    };
    quote! {
        #fields
        #patch
        const _: () = {
            #[automatically_derived]
            impl ::juggler::Patch for #patch_ident {
                fn to_set(&self) -> ::std::vec::Vec<(usize, ::juggler::Value)> { ::std::vec::Vec::new() }
                fn from_set(_: ::std::vec::Vec<(usize, ::juggler::Value)>) -> ::juggler::Result<Self> {
                    ::core::unreachable!("the derive reported an error")
                }
            }
            #[automatically_derived]
            impl ::juggler::Model for #ident {
                type Id = ();
                type Patch = #patch_ident;
                fn definition() -> &'static ::juggler::__private::schema::ModelDefinition {
                    ::core::unreachable!("the derive reported an error")
                }
                fn property_value(&self, _: usize) -> ::juggler::Value { ::core::unreachable!("the derive reported an error") }
                fn from_row(_: ::juggler::Row, _: ::core::option::Option<&[usize]>) -> ::juggler::Result<Self> {
                    ::core::unreachable!("the derive reported an error")
                }
            }
        };
    }
}

/// A hidden property whose field serde would write: when the struct derives
/// `Serialize` in the same `#[derive(..)]` list the check in `check.rs`
/// cannot see it, so this makes the build fail instead (two impls of the
/// guard trait apply exactly when the struct is `Serialize`).
fn hidden_serialize_guards(model: &ModelIr<'_>, hidden: &[String]) -> TokenStream {
    if model.derives_serialize {
        return TokenStream::new();
    }
    let ident = &model.input.ident;
    let guards = model
        .properties()
        .filter(|f| hidden.contains(&f.name) && !f.serde_skips)
        .map(|f| {
            let trait_name = quote::format_ident!(
                "HiddenField_{}_WouldBeSerialized_AddSerdeSkipSerializing",
                f.rust_name(),
                span = f.ident.span()
            );
            quote::quote_spanned! {f.ident.span()=> {
                #[allow(non_camel_case_types, dead_code)]
                trait #trait_name<A> { fn check() {} }
                impl<T: ?Sized> #trait_name<()> for T {}
                #[allow(dead_code)]
                struct __JugglerSerializes;
                impl<T: ?Sized + ::juggler::__private::serde::Serialize> #trait_name<__JugglerSerializes> for T {}
                let _ = <#ident as #trait_name<_>>::check;
            }}
        });
    let guards: Vec<_> = guards.collect();
    if guards.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[allow(dead_code)]
        fn __juggler_hidden_guards() {
            #(#guards)*
        }
    }
}
