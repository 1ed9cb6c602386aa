//! The Rust type of each column: juggler's mapping of native types, or a
//! type `juggler.toml` names.

use super::names::ident;
use juggler_schema::catalog::Column;
use proc_macro2::TokenStream;
use quote::quote;

/// A Rust type written in `juggler.toml`.
pub(super) fn parse_type(text: &str, entry: &str) -> Result<TokenStream, String> {
    syn::parse_str::<syn::Type>(text)
        .map(|t| quote!(#t))
        .map_err(|e| format!("juggler.toml: `{entry}`: `{text}` is not a Rust type ({e})"))
}

/// Checks that every entry of `juggler.toml` names something in `objects`.
/// The Rust type of a column (without `Option`), and a comment when the
/// native type has no better mapping.
pub(super) fn rust_type(c: &Column, dialect: &str, enum_type: Option<&str>) -> (TokenStream, Option<String>) {
    if let Some(e) = enum_type {
        let e = ident(e);
        return (quote!(#e), None);
    }
    let t = c.type_name.to_ascii_lowercase();
    let unsupported = |why: &str| (quote!(String), Some(format!("native type `{}`: {why}", c.data_type)));
    match c.property_type.as_str() {
        "Number" => match t.trim_end_matches(" unsigned") {
            _ if dialect == "sqlite" && t.contains("int") => (quote!(i64), None),
            "tinyint" if c.unsigned => (quote!(u8), None),
            "tinyint" => (quote!(i8), None),
            "smallint" | "int2" | "smallserial" if c.unsigned => (quote!(u16), None),
            "smallint" | "int2" | "smallserial" | "year" => (quote!(i16), None),
            "mediumint" | "int" | "integer" | "int4" | "serial" if c.unsigned => (quote!(u32), None),
            "mediumint" | "int" | "integer" | "int4" | "serial" => (quote!(i32), None),
            "bigint" | "int8" | "bigserial" if c.unsigned => (quote!(u64), None),
            "bigint" | "int8" | "bigserial" => (quote!(i64), None),
            "real" | "float4" => (quote!(f32), None),
            "numeric" | "decimal" | "dec" | "fixed" => (quote!(::juggler::Decimal), None),
            "money" => unsupported("read as text"),
            _ => (quote!(f64), None),
        },
        "Boolean" => (quote!(bool), None),
        "Date" => match t.as_str() {
            "date" => (quote!(::chrono::NaiveDate), None),
            "timestamp with time zone" | "timestamptz" => (quote!(::chrono::DateTime<::chrono::Utc>), None),
            "timestamp" | "timestamp without time zone" | "datetime" => (quote!(::chrono::NaiveDateTime), None),
            time if time.starts_with("time") => unsupported("times of day are read as text"),
            // A date property held as text (SQLite, or a `dataType` of text).
            _ => (quote!(::chrono::DateTime<::chrono::Utc>), None),
        },
        "String" if t == "uuid" => (quote!(::uuid::Uuid), None),
        "String" => (quote!(String), None),
        "Object" => (quote!(::serde_json::Value), None),
        "Buffer" => (quote!(Vec<u8>), Some(format!("native type `{}`: bytes", c.data_type))),
        "[\"String\"]" => (quote!(Vec<String>), None),
        "[\"Boolean\"]" => (quote!(Vec<bool>), None),
        "[\"Number\"]" if c.element_type.as_deref().is_some_and(|e| e.contains("int")) => (quote!(Vec<i64>), None),
        "[\"Number\"]" => (quote!(Vec<f64>), None),
        _ => unsupported("no property type maps it; read as text"),
    }
}
