//! `derive_model`: parse, check, generate.

use proc_macro2::TokenStream;

/// Expands `#[derive(Model)]`: attribute errors come back as `compile_error!`
/// next to a stub impl.
pub(crate) fn derive_model(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = darling::Error::accumulator();
    let model = crate::ast::lower(input, &mut errors);
    if let Some(m) = &model {
        crate::check::check(m, &mut errors);
    }
    match (errors.finish(), &model) {
        (Ok(()), Some(m)) => crate::gen::model(m),
        (Err(e), m) => {
            let mut out = e.write_errors();
            out.extend(crate::gen::fallback(m.as_ref(), input));
            out
        }
        (Ok(()), None) => crate::gen::fallback(None, input),
    }
}

/// Expands `#[derive(Enum)]`: a unit-only enum stored as its variant name.
pub(crate) fn derive_enum(input: &syn::DeriveInput) -> TokenStream {
    let syn::Data::Enum(data) = &input.data else {
        return syn::Error::new_spanned(&input.ident, "`#[derive(Enum)]` works on enums with unit variants")
            .to_compile_error();
    };
    let mut errors = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            errors.push(syn::Error::new_spanned(
                &v.fields,
                "a stored enum has unit variants only, as in `enum Size { S, M, L }`",
            ));
        }
    }
    if !errors.is_empty() {
        return errors.into_iter().map(|e| e.to_compile_error()).collect();
    }
    let ident = &input.ident;
    // The stored text is the variant's serde name (`#[serde(rename = "PG-13")]`).
    let names: Vec<String> = data
        .variants
        .iter()
        .map(|v| crate::ast::serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()))
        .collect();
    let variants: Vec<&syn::Ident> = data.variants.iter().map(|v| &v.ident).collect();
    let expected = format!("one of {}", names.join(", "));
    quote::quote! {
        const _: () = {
            #[automatically_derived]
            impl ::juggler::__private::FieldValue for #ident {
                #[inline] fn property_type() -> ::juggler::__private::schema::PropertyType {
                    ::juggler::__private::schema::PropertyType::String
                }
                #[inline] fn to_value(&self) -> ::juggler::Value {
                    ::juggler::Value::Text(::std::string::String::from(match self { #(Self::#variants => #names),* }))
                }
                #[inline] fn from_value(value: ::juggler::Value) -> ::core::result::Result<Self, ::std::string::String> {
                    match value.as_str() {
                        #(::core::option::Option::Some(#names) => ::core::result::Result::Ok(Self::#variants),)*
                        _ => ::core::result::Result::Err(::std::format!("expected {}, got {:?}", #expected, value)),
                    }
                }
                #[inline] fn json_schema() -> ::juggler::__private::serde_json::Value {
                    ::juggler::__private::serde_json::json!({"type": "string", "enum": [#(#names),*]})
                }
                #[inline] fn enum_values() -> &'static [&'static str] {
                    &[#(#names),*]
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::derive_model;

    fn pretty(input: syn::DeriveInput) -> String {
        let file: syn::File = syn::parse2(derive_model(&input)).expect("the expansion parses as items");
        prettyplease::unparse(&file)
    }

    #[test]
    fn expansion_of_a_small_model() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[model(table = "notes")]
            pub struct Note {
                #[property(id, generated)]
                pub id: i64,
                #[property(required)]
                #[validate(length(max = 140))]
                pub text: String,
                pub pinned: Option<bool>,
            }
        };
        insta::assert_snapshot!(pretty(input));
    }

    #[test]
    fn errors_come_with_a_stub_impl() {
        let input: syn::DeriveInput = syn::parse_quote! {
            struct Bad {
                #[property(lenght = 3)]
                name: String,
            }
        };
        let out = derive_model(&input).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("unreachable"),
            "a stub impl keeps follow-on errors away: {out}"
        );
    }
}
