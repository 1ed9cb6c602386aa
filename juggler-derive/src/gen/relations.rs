//! Emits what navigation fields give: relation handles (`Customer::ORDERS`),
//! accessors (`customer.orders(&ds)`), `include` loading, and the foreign-key
//! names read from the other struct's field handles.

use crate::ast::{generic_arg, type_name, FieldIr, FieldKind, ModelIr};
use crate::attr::{RelationAttr, RelationOptions};
use juggler_schema::RelationKind;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// A navigation field with what the generators need.
struct Nav<'a> {
    field: &'a FieldIr<'a>,
    kind: RelationKind,
    opts: &'a RelationOptions,
    target: &'a syn::Type,
    through: Option<syn::Type>,
}

fn navs<'a>(model: &'a ModelIr<'a>) -> Vec<Nav<'a>> {
    model
        .fields
        .iter()
        .filter_map(|f| {
            let FieldKind::Relation(r) = &f.kind else { return None };
            let r: &RelationAttr = r;
            let (kind, opts) = r.kind()?;
            let nav = type_name(&f.original.ty)?;
            let target = generic_arg(&f.original.ty, &nav)?;
            Some(Nav {
                field: f,
                kind,
                opts,
                target,
                through: opts.through_model(),
            })
        })
        .collect()
}

/// The relation handles and accessor methods, in an inherent impl.
pub(crate) fn emit_items(model: &ModelIr<'_>) -> TokenStream {
    let ident = &model.input.ident;
    let vis = &model.input.vis;
    let navs = navs(model);
    if navs.is_empty() {
        return TokenStream::new();
    }
    let items = navs.into_iter().map(|n| {
        let f = n.field;
        let name = &f.name;
        let method = f.ident;
        let konst = f.const_name();
        let target = n.target;
        let const_doc = format!("The `{name}` relation, for `Filter::include`.");
        let method_doc = format!("The `{name}` relation of this instance: reads and writes its related rows.");
        let (accessor, args) = match (n.kind, &n.through) {
            (RelationKind::BelongsTo, _) => (quote!(::juggler::BelongsToAccessor), quote!()),
            (RelationKind::HasOne, None) => (quote!(::juggler::HasOneAccessor), quote!()),
            (RelationKind::HasMany, None) => (quote!(::juggler::HasManyAccessor), quote!()),
            (_, Some(through)) => (
                quote!(::juggler::LinkedAccessor),
                quote!(, ::core::option::Option::Some(<#through as ::juggler::Model>::definition())),
            ),
            (_, None) => (
                quote!(::juggler::LinkedAccessor),
                quote!(, ::core::option::Option::None),
            ),
        };
        quote! {
            #[doc = #const_doc]
            #vis const #konst: ::juggler::Relation<#ident, #target> = ::juggler::Relation::new(#name);

            #[doc = #method_doc]
            #vis fn #method<'juggler>(
                &'juggler self,
                ds: &impl ::core::convert::AsRef<::juggler::DataSource>,
            ) -> #accessor<'juggler, #ident, #target> {
                #accessor::new(ds.as_ref(), self, #name #args)
            }
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(dead_code)]
        impl #ident {
            #(#items)*
        }
    }
}

/// `fn navigation`: one arm per relation, from its name to its field (the
/// runtime's `include` does the rest).
pub(crate) fn emit_navigation(model: &ModelIr<'_>) -> TokenStream {
    let navs = navs(model);
    if navs.is_empty() {
        return TokenStream::new();
    }
    let arms = navs.iter().map(|n| {
        let name = &n.field.name;
        let field = n.field.ident;
        let span = n.target.span();
        let through = match &n.through {
            Some(t) => quote!(::core::option::Option::Some(<#t as ::juggler::Model>::definition)),
            None => quote!(::core::option::Option::None),
        };
        // At the target type: a target that is no model (or, for
        // `belongs_to`, not `Clone`) is reported there.
        let field = syn::Ident::new(&field.to_string(), span);
        let field = quote_spanned!(span=> &mut self.#field);
        quote!(#name => ::core::option::Option::Some(::juggler::__private::NavField::new(#field, #through)),)
    });
    quote! {
        #[inline] fn navigation(&mut self, relation: &str) -> ::core::option::Option<::juggler::__private::NavField<'_>> {
            match relation {
                #(#arms)*
                _ => ::core::option::Option::None,
            }
        }
    }
}

/// The property name of `owner`'s field `field` (a Rust field name), in a
/// constant; a compile error at `span` saying `message` when `owner` has
/// no such field.
fn handle(owner: &syn::Type, field: &str, span: Span, message: &str) -> TokenStream {
    quote_spanned! {span=>
        match ::juggler::__private::property_of(<#owner as ::juggler::Model>::FIELDS, #field) {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => ::core::panic!("{}", #message),
        }
    }
}

fn key_message(owner: &syn::Type, field: &str, option: &str, given: bool, relation: &str) -> String {
    let owner = quote!(#owner).to_string().replace(' ', "");
    if given {
        format!("`{option} = \"{field}\"` names no field of `{owner}`")
    } else {
        format!(
            "relation `{relation}` needs its key on `{owner}`: it has no field `{field}` (the default); \
             name the field with `{option} = \"..\"`"
        )
    }
}

/// In `definition()`: foreign keys on the other struct (has_many, has_one)
/// or on the through model become its property names, read from its field
/// list in a constant, so a key naming no field is a compile error at the
/// attribute. One `(relation, foreign key, key through)` per relation.
pub(crate) fn emit_key_fixups(model: &ModelIr<'_>) -> Vec<TokenStream> {
    let this = juggler_schema::to_snake_case(&model.input.ident.to_string());
    let fixups = navs(model).into_iter().filter_map(|n| {
        let name = &n.field.name;
        let default_span = n.field.original.ty.span();
        let fk_span = n.opts.foreign_key.as_ref().map_or(default_span, syn::LitStr::span);
        let fk = n
            .opts
            .foreign_key
            .as_ref()
            .map_or_else(|| format!("{this}_id"), syn::LitStr::value);
        match (n.kind, &n.through) {
            (RelationKind::HasMany | RelationKind::HasOne, None) => {
                let message = key_message(n.target, &fk, "foreign_key", n.opts.foreign_key.is_some(), name);
                let fk = handle(n.target, &fk, fk_span, &message);
                Some(quote!((#name, #fk, ::core::option::Option::None)))
            }
            (RelationKind::HasMany | RelationKind::HasOne, Some(through)) => {
                let target = type_name(n.target).unwrap_or_default();
                let kt_span = n.opts.key_through.as_ref().map_or(default_span, syn::LitStr::span);
                let kt = n.opts.key_through.as_ref().map_or_else(
                    || format!("{}_id", juggler_schema::to_snake_case(&target)),
                    syn::LitStr::value,
                );
                let fk_message = key_message(through, &fk, "foreign_key", n.opts.foreign_key.is_some(), name);
                let kt_message = key_message(through, &kt, "key_through", n.opts.key_through.is_some(), name);
                let fk = handle(through, &fk, fk_span, &fk_message);
                let kt = handle(through, &kt, kt_span, &kt_message);
                Some(quote!((#name, #fk, ::core::option::Option::Some(#kt))))
            }
            _ => None,
        }
    });
    fixups.collect()
}
