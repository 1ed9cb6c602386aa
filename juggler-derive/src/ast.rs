//! The typed IR the generators read: one [`ModelIr`] per struct, each field
//! keeping its `syn::Field` for spans.

use crate::attr::{self, ModelAttr, PropertyAttr, RelationAttr, ValidateAttr};
use darling::FromMeta;
use heck::{ToLowerCamelCase, ToPascalCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase};
use syn::spanned::Spanned;

/// One struct deriving `Model`.
pub(crate) struct ModelIr<'a> {
    pub(crate) input: &'a syn::DeriveInput,
    pub(crate) attr: ModelAttr,
    pub(crate) fields: Vec<FieldIr<'a>>,
    /// Whether a sibling `#[derive(Serialize)]` was seen.
    pub(crate) derives_serialize: bool,
}

/// What a field is.
pub(crate) enum FieldKind {
    /// A stored property.
    Property,
    /// A navigation field.
    Relation(Box<RelationAttr>),
    /// The `#[property(extra)]` map of unknown properties.
    Extra,
}

/// One field.
pub(crate) struct FieldIr<'a> {
    pub(crate) original: &'a syn::Field,
    pub(crate) ident: &'a syn::Ident,
    /// The property name: the serde name.
    pub(crate) name: String,
    pub(crate) kind: FieldKind,
    pub(crate) property: PropertyAttr,
    pub(crate) validate: Vec<(ValidateAttr, &'a syn::Attribute)>,
    /// `#[serde(skip_serializing)]` or `#[serde(skip)]` is present.
    pub(crate) serde_skips: bool,
}

impl FieldIr<'_> {
    /// The Rust type with one `Option<..>` removed.
    pub(crate) fn inner_type(&self) -> &syn::Type {
        option_inner(&self.original.ty).unwrap_or(&self.original.ty)
    }

    /// The name of the associated const handle (`AGE`).
    pub(crate) fn const_name(&self) -> syn::Ident {
        let raw = self.ident.to_string();
        let raw = raw.trim_start_matches("r#");
        syn::Ident::new(&raw.to_shouty_snake_case(), self.ident.span())
    }

    /// The column name: the Rust field name unless `column = ".."`.
    pub(crate) fn rust_name(&self) -> String {
        self.ident.to_string().trim_start_matches("r#").to_owned()
    }
}

/// `T` of `Option<T>`.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_arg(ty, "Option")
}

/// The single generic argument of `Name<T>`.
pub(crate) fn generic_arg<'t>(ty: &'t syn::Type, name: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// The last path segment's name of a type (`HasMany` for `juggler::HasMany<T>`).
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => None,
    }
}

fn rename_all(rule: &str, name: &str) -> Option<String> {
    Some(match rule {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "PascalCase" => name.to_pascal_case(),
        "camelCase" => name.to_lower_camel_case(),
        "snake_case" => name.to_snake_case(),
        "SCREAMING_SNAKE_CASE" => name.to_shouty_snake_case(),
        "kebab-case" => name.to_snake_case().replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => name.to_shouty_kebab_case(),
        _ => return None,
    })
}

/// `#[serde(rename = "..")]` on an item, if any.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_attrs(attrs).0
}

/// Reads `rename_all` / `rename` / `skip_serializing` from `#[serde(..)]`,
/// ignoring everything else serde accepts.
fn serde_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Option<String>, bool) {
    let (mut rename, mut rename_all_rule, mut skips) = (None, None, false);
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") || meta.path.is_ident("rename_all") {
                let is_all = meta.path.is_ident("rename_all");
                if let Ok(value) = meta.value() {
                    if let Ok(s) = value.parse::<syn::LitStr>() {
                        if is_all {
                            rename_all_rule = Some(s.value());
                        } else {
                            rename = Some(s.value());
                        }
                    }
                } else {
                    // rename(serialize = "..", deserialize = "..")
                    meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("serialize") {
                            let s: syn::LitStr = inner.value()?.parse()?;
                            if is_all {
                                rename_all_rule = Some(s.value());
                            } else {
                                rename = Some(s.value());
                            }
                        } else {
                            let _ = inner.value().and_then(|v| v.parse::<syn::Expr>());
                        }
                        Ok(())
                    })?;
                }
            } else if meta.path.is_ident("skip_serializing") || meta.path.is_ident("skip") {
                skips = true;
            } else if let Ok(value) = meta.value() {
                let _ = value.parse::<syn::Expr>();
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.parse_nested_meta(|inner| {
                    if let Ok(v) = inner.value() {
                        let _ = v.parse::<syn::Expr>();
                    }
                    Ok(())
                });
            }
            Ok(())
        });
    }
    (rename, rename_all_rule, skips)
}

/// Whether the item's attributes include `#[derive(.., Serialize, ..)]`
/// (visible when that derive comes after `Model` in the list or in a later
/// attribute).
fn derives_serialize(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.segments.last().is_some_and(|s| s.ident == "Serialize") {
                found = true;
            }
            Ok(())
        });
        found
    })
}

/// Parses the struct and its attributes. Every attribute error is pushed to
/// `errors`; parsing goes on so one build reports them all.
pub(crate) fn lower<'a>(input: &'a syn::DeriveInput, errors: &mut darling::error::Accumulator) -> Option<ModelIr<'a>> {
    let syn::Data::Struct(data) = &input.data else {
        errors.push(
            darling::Error::custom("`#[derive(Model)]` works on structs with named fields").with_span(&input.ident),
        );
        return None;
    };
    let syn::Fields::Named(named) = &data.fields else {
        errors.push(
            darling::Error::custom("`#[derive(Model)]` needs named fields, as in `struct Customer { id: i64 }`")
                .with_span(&data.fields),
        );
        return None;
    };
    if !input.generics.params.is_empty() {
        errors.push(darling::Error::custom("a model cannot be generic").with_span(&input.generics));
    }

    let mut model = ModelAttr::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
        if attr::check_keys(attr, "model", attr::MODEL_KEYS, errors) {
            if let Some(parsed) = errors.handle(ModelAttr::from_meta(&attr.meta)) {
                merge_model(&mut model, parsed);
            }
        }
    }
    let (_, rename_rule, _) = serde_attrs(&input.attrs);

    let mut fields = Vec::new();
    for field in &named.named {
        let Some(ident) = field.ident.as_ref() else {
            continue;
        };
        let (rename, _, serde_skips) = serde_attrs(&field.attrs);
        let rust = ident.to_string().trim_start_matches("r#").to_owned();
        let name = rename
            .or_else(|| rename_rule.as_deref().and_then(|rule| rename_all(rule, &rust)))
            .unwrap_or(rust);

        let mut property = PropertyAttr::default();
        let mut relation = None;
        let mut validate = Vec::new();
        for attr in &field.attrs {
            if attr.path().is_ident("property") {
                if attr::check_keys(attr, "property", attr::PROPERTY_KEYS, errors) {
                    if let Some(p) = errors.handle(PropertyAttr::from_meta(&attr.meta)) {
                        property = p;
                    }
                }
            } else if attr.path().is_ident("validate") {
                if attr::check_keys(attr, "validate", attr::VALIDATE_KEYS, errors) {
                    if let Some(v) = errors.handle(ValidateAttr::from_meta(&attr.meta)) {
                        validate.push((v, attr));
                    }
                }
            } else if attr.path().is_ident("relation")
                && attr::check_keys(attr, "relation", attr::RELATION_KEYS, errors)
            {
                if let Some(r) = errors.handle(RelationAttr::from_meta(&attr.meta)) {
                    relation = Some((r, attr.span()));
                }
            }
        }
        let kind = match relation {
            Some((r, _)) => FieldKind::Relation(Box::new(r)),
            None if property.extra.is_present() => FieldKind::Extra,
            None => FieldKind::Property,
        };
        fields.push(FieldIr {
            original: field,
            ident,
            name,
            kind,
            property,
            validate,
            serde_skips,
        });
    }
    Some(ModelIr {
        input,
        attr: model,
        fields,
        derives_serialize: derives_serialize(&input.attrs),
    })
}

fn merge_model(into: &mut ModelAttr, from: ModelAttr) {
    macro_rules! take {
        ($($f:ident),*) => { $( if from.$f.is_some() { into.$f = from.$f; } )* };
    }
    take!(
        name,
        table,
        schema,
        description,
        strict,
        hidden,
        scope,
        renamed_from,
        postgresql,
        mysql,
        sqlite
    );
    if from.force_id.is_present() {
        into.force_id = from.force_id;
    }
    if from.view.is_present() {
        into.view = from.view;
    }
    if from.hooks.is_present() {
        into.hooks = from.hooks;
    }
}

impl ModelIr<'_> {
    /// The model name: `#[model(name)]` or the struct name.
    pub(crate) fn model_name(&self) -> String {
        self.attr.name.clone().unwrap_or_else(|| self.input.ident.to_string())
    }

    /// Stored properties, in order.
    pub(crate) fn properties(&self) -> impl Iterator<Item = &FieldIr<'_>> {
        self.fields.iter().filter(|f| matches!(f.kind, FieldKind::Property))
    }

    /// The id fields, by key order.
    pub(crate) fn id_fields(&self) -> Vec<&FieldIr<'_>> {
        let props: Vec<_> = self.properties().collect();
        self.id_positions().into_iter().map(|i| props[i]).collect()
    }

    /// The positions of the id properties, in key order.
    pub(crate) fn id_positions(&self) -> Vec<usize> {
        let mut ids: Vec<(u32, usize)> = self
            .properties()
            .enumerate()
            .filter_map(|(i, f)| f.property.id.map(|id| (id.0.unwrap_or(1), i)))
            .collect();
        if ids.is_empty() {
            // LoopBack's convention: a property named `id` is the id.
            return self.properties().position(|f| f.name == "id").into_iter().collect();
        }
        ids.sort();
        ids.into_iter().map(|(_, i)| i).collect()
    }

    pub(crate) fn extra_field(&self) -> Option<&FieldIr<'_>> {
        self.fields.iter().find(|f| matches!(f.kind, FieldKind::Extra))
    }
}
