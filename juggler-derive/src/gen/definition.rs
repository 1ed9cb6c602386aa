//! Emits `Model::definition()`: the definition is built here, at compile
//! time, with juggler-schema, and embedded as JSON; only the property types
//! (known through `FieldValue`) are filled in at run time.

use crate::ast::{generic_arg, type_name, FieldIr, FieldKind, ModelIr};
use juggler_schema::{
    ColumnMapping, ConnectorModelSettings, IndexSpec, ModelDefinition, PropertyDefinition, PropertyType,
    RelationDefinition, RelationKind, ValidationKind, ValidationRule, EMAIL_REGEX,
};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value as Json};

fn connector_model(c: &Option<crate::attr::ConnectorModelAttr>) -> Option<ConnectorModelSettings> {
    c.as_ref().map(|c| ConnectorModelSettings {
        schema: c.schema.clone(),
        table: c.table.clone(),
        extra: Map::new(),
    })
}

fn connector_column(c: &Option<crate::attr::ConnectorColumnAttr>) -> Option<ColumnMapping> {
    c.as_ref().map(|c| ColumnMapping {
        column_name: c.column_name.clone(),
        data_type: c.data_type.as_ref().map(|t| t.as_str().to_owned()),
        ..ColumnMapping::default()
    })
}

/// The definition as the derive knows it (property types are placeholders).
pub(crate) fn build(model: &ModelIr<'_>) -> ModelDefinition {
    let a = &model.attr;
    let mut def = ModelDefinition::new(model.model_name());
    let s = &mut def.settings;
    s.table = Some(
        a.table
            .clone()
            .unwrap_or_else(|| juggler_schema::to_snake_case(&model.input.ident.to_string())),
    );
    s.schema = a.schema.clone();
    s.description = a.description.clone().map(Json::String);
    s.strict = a.strict;
    s.force_id = a.force_id.is_present().then_some(true);
    s.view = a.view.is_present();
    s.postgresql = connector_model(&a.postgresql);
    s.mysql = connector_model(&a.mysql);
    s.sqlite = connector_model(&a.sqlite);
    if let Some(old) = &a.renamed_from {
        s.extra.insert("renamedFrom".into(), Json::String(old.clone()));
    }
    if let Some(scope) = &a.scope {
        let mut m = Map::new();
        if let Some(w) = &scope.where_ {
            m.insert("where".into(), serde_json::from_str(&w.value()).unwrap_or(Json::Null));
        }
        if let Some(o) = &scope.order {
            m.insert("order".into(), json!(o.value()));
        }
        if let Some(l) = scope.limit {
            m.insert("limit".into(), json!(l));
        }
        if let Some(sk) = scope.skip {
            m.insert("skip".into(), json!(sk));
        }
        s.scope = Some(Json::Object(m));
    }
    let model_hidden: Vec<String> = a
        .hidden
        .as_ref()
        .map(|h| h.iter().map(|p| quote!(#p).to_string()).collect())
        .unwrap_or_default();

    let ids = model.id_fields();
    let composite = ids.len() > 1;
    for f in model.properties() {
        let p = &f.property;
        let mut prop = PropertyDefinition::new(PropertyType::Any);
        if let Some(pos) = ids.iter().position(|id| id.ident == f.ident) {
            prop.id = Some(if composite {
                p.id.and_then(|i| i.0).unwrap_or(pos as u32 + 1)
            } else {
                1
            });
        }
        prop.generated = p.generated.is_present();
        prop.required = p.required.is_present();
        prop.default = p.default.as_ref().map(|d| d.0.clone());
        prop.default_fn = p.default_fn.as_ref().map(syn::LitStr::value);
        prop.length = p.length.as_ref().map(|l| l.0);
        prop.precision = p.precision.map(|c| c.0);
        prop.scale = p.scale.map(|c| c.0);
        prop.index = p.index.map(|i| {
            if i.unique {
                IndexSpec::Options { unique: true }
            } else {
                IndexSpec::Flag(true)
            }
        });
        prop.hidden = p.hidden.is_present() || model_hidden.contains(&f.rust_name());
        prop.column_name = p
            .column
            .clone()
            .or_else(|| (f.rust_name() != f.name).then(|| f.rust_name()));
        prop.data_type = p.data_type.as_ref().map(|t| t.as_str().to_owned());
        prop.description = p.description.clone().map(Json::String);
        prop.trim = p.trim.is_present();
        prop.lowercase = p.lowercase.is_present();
        prop.uppercase = p.uppercase.is_present();
        prop.postgresql = connector_column(&p.postgresql);
        prop.mysql = connector_column(&p.mysql);
        prop.sqlite = connector_column(&p.sqlite);
        if let Some(old) = &p.renamed_from {
            prop.extra.insert("renamedFrom".into(), Json::String(old.clone()));
        }
        if prop.required {
            def.validations.push(ValidationRule {
                property: f.name.clone(),
                kind: ValidationKind::Presence,
                message: None,
            });
        }
        def.properties.insert(f.name.clone(), prop);
    }
    for f in model.properties() {
        push_validations(&mut def, f);
    }
    def.settings.hidden = def
        .properties
        .iter()
        .filter(|(_, p)| p.hidden)
        .map(|(n, _)| n.clone())
        .collect();
    for p in def.properties.values_mut() {
        p.hidden = false;
    }
    for f in &model.fields {
        if let FieldKind::Relation(r) = &f.kind {
            if let Some(rel) = relation(model, f, r) {
                def.relations.insert(f.name.clone(), rel);
            }
        }
    }
    def
}

fn push_validations(def: &mut ModelDefinition, f: &FieldIr<'_>) {
    for (v, _) in &f.validate {
        let shared = v.message.clone();
        let mut push = |kind: ValidationKind, message: Option<String>| {
            def.validations.push(ValidationRule {
                property: f.name.clone(),
                kind,
                message: message.or_else(|| shared.clone()),
            });
        };
        if let Some(m) = &v.presence {
            push(ValidationKind::Presence, m.message.clone());
        }
        if let Some(l) = &v.length {
            push(
                ValidationKind::Length {
                    min: l.min,
                    max: l.max,
                    exactly: l.is,
                },
                l.message.clone(),
            );
        }
        if let Some(fmt) = &v.format {
            let regex = match &fmt.regex {
                Some(r) => r.value(),
                None => EMAIL_REGEX.to_owned(),
            };
            push(ValidationKind::Format { regex }, fmt.message.clone());
        }
        if let Some(n) = &v.numericality {
            push(
                ValidationKind::Numericality {
                    int: n.int.is_present(),
                    min: n.min.map(|x| x.0),
                    max: n.max.map(|x| x.0),
                },
                n.message.clone(),
            );
        }
        for (list, inclusion) in [(&v.inclusion, true), (&v.exclusion, false)] {
            if let Some(l) = list {
                let values = match &l.values.0 {
                    Json::Array(a) => a.clone(),
                    other => vec![other.clone()],
                };
                let kind = if inclusion {
                    ValidationKind::Inclusion { values }
                } else {
                    ValidationKind::Exclusion { values }
                };
                push(kind, l.message.clone());
            }
        }
        if let Some(m) = &v.uniqueness {
            push(ValidationKind::Uniqueness, m.message.clone());
        }
        for (path, is_async) in [(&v.custom, false), (&v.custom_async, true)] {
            if let Some(p) = path {
                let function = quote!(#p).to_string().replace(' ', "");
                push(ValidationKind::Custom { function, is_async }, None);
            }
        }
    }
}

fn relation(model: &ModelIr<'_>, f: &FieldIr<'_>, r: &crate::attr::RelationAttr) -> Option<RelationDefinition> {
    let (kind, opts) = r.kind()?;
    let nav = type_name(&f.original.ty)?;
    let target = generic_arg(&f.original.ty, &nav).and_then(type_name)?;
    let this = juggler_schema::to_snake_case(&model.input.ident.to_string());
    let foreign_key = match (&opts.foreign_key, kind) {
        (Some(fk), RelationKind::BelongsTo) => {
            // The key is a field of this struct: write its property name.
            let rust = fk.value();
            model
                .properties()
                .find(|p| p.rust_name() == rust)
                .map_or(rust, |p| p.name.clone())
        }
        // A field of the other struct (or a join-table column): its property
        // name is filled in at run time from the field's handle.
        (Some(fk), _) => fk.value(),
        (None, RelationKind::BelongsTo) => format!("{}_id", f.rust_name()),
        (None, _) => format!("{this}_id"),
    };
    let through = opts.through.as_ref().map(crate::attr::Through::name);
    let key_through = match (&opts.key_through, &through) {
        (Some(k), _) => Some(k.value()),
        (None, Some(_)) => Some(format!("{}_id", juggler_schema::to_snake_case(&target))),
        (None, None) => None,
    };
    Some(RelationDefinition {
        kind,
        model: opts.model.clone().unwrap_or(target),
        foreign_key: Some(foreign_key),
        through,
        key_through,
        extra: Map::new(),
    })
}

/// `fn definition()` and `fn default_scope()`.
pub(crate) fn emit(model: &ModelIr<'_>, def: &ModelDefinition) -> TokenStream {
    let json = def.to_json().to_string();
    let name = &def.name;
    let keys = crate::gen::relations::emit_key_fixups(model);
    let scope = match &def.settings.scope {
        Some(s) => {
            let text = s.to_string();
            quote! {
                #[inline] fn default_scope() -> ::core::option::Option<&'static ::juggler::Filter> {
                    static SCOPE: ::std::sync::OnceLock<::core::option::Option<::juggler::Filter>> = ::std::sync::OnceLock::new();
                    SCOPE.get_or_init(|| ::juggler::__private::parse_scope(#text)).as_ref()
                }
            }
        }
        None => quote!(),
    };
    // Relation keys read from other models' fields are a constant (checked
    // when this crate compiles); everything else is the runtime's one copy.
    let keys = if keys.is_empty() {
        quote!(&[])
    } else {
        quote! {{
            const KEYS: ::juggler::__private::RelationKeys = &[#(#keys),*];
            KEYS
        }}
    };
    quote! {
        #[inline] fn definition() -> &'static ::juggler::__private::schema::ModelDefinition {
            static DEFINITION: ::std::sync::OnceLock<::juggler::__private::schema::ModelDefinition> = ::std::sync::OnceLock::new();
            ::juggler::__private::definition(&DEFINITION, #json, #name, <Self as ::juggler::Model>::FIELD_TYPES, #keys)
        }
        #scope
    }
}
