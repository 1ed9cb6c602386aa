//! The `#[derive(Model)]` and `#[derive(Enum)]` macros of juggler. Use them
//! through the `juggler` crate, which documents every attribute.

mod ast;
mod attr;
mod check;
mod expand;
mod gen;

use proc_macro::TokenStream;

/// Derives `juggler::Model`: the definition, row codec, typed field handles,
/// patch type, validators and hooks. See the `juggler` crate for the
/// attributes.
#[proc_macro_derive(Model, attributes(model, property, validate, relation))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_model(&input).into()
}

/// Derives storage of a unit-only enum as text: each variant's serde name
/// (`#[serde(rename = "PG-13")]`, usable without deriving serde), else its
/// name.
#[proc_macro_derive(Enum, attributes(serde))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_enum(&input).into()
}
