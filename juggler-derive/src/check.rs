//! Cross-field rules, one function each. Every rule pushes spanned errors and
//! goes on, so one build shows every mistake.

use crate::ast::{generic_arg, type_name, FieldIr, FieldKind, ModelIr};
use darling::error::Accumulator;
use darling::Error;
use syn::spanned::Spanned;

pub(crate) fn check(model: &ModelIr<'_>, errors: &mut Accumulator) {
    check_ids_are_ordered(model, errors);
    check_length_is_on_text(model, errors);
    check_numericality_is_on_numbers(model, errors);
    check_format_has_one_pattern(model, errors);
    check_relation_type_matches_kind(model, errors);
    check_foreign_key_names_a_field(model, errors);
    check_habtm_has_through(model, errors);
    check_through_form(model, errors);
    check_hidden_does_not_serialise(model, errors);
    check_hidden_names_fields(model, errors);
    check_extra_field(model, errors);
    check_defaults(model, errors);
    check_scope_is_json(model, errors);
    check_unique_property_names(model, errors);
    check_no_property_attrs_on_relations(model, errors);
    check_data_type_is_a_type_name(model, errors);
}

/// A `data_type` goes into DDL as it is, so it must be a plain type name.
/// Rejected: `#[property(data_type = "TEXT); DROP TABLE users; --")]`.
fn check_data_type_is_a_type_name(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in model.properties() {
        let p = &f.property;
        let given = [&p.postgresql, &p.mysql, &p.sqlite]
            .into_iter()
            .filter_map(|c| c.as_ref().and_then(|c| c.data_type.as_ref()))
            .chain(p.data_type.as_ref());
        for t in given {
            if let Err(message) = juggler_schema::check::data_type(t) {
                errors.push(
                    Error::custom(format!(
                        "{message}; expected a type name such as `varchar(64)`, `numeric(10, 2)` or `text[]`"
                    ))
                    .with_span(&t.span()),
                );
            }
        }
    }
}

fn is_numeric(ty: &syn::Type) -> bool {
    matches!(
        type_name(ty).as_deref(),
        Some(
            "i8" | "i16"
                | "i32"
                | "i64"
                | "i128"
                | "isize"
                | "u8"
                | "u16"
                | "u32"
                | "u64"
                | "u128"
                | "usize"
                | "f32"
                | "f64"
                | "Decimal"
        )
    )
}

fn is_text(ty: &syn::Type) -> bool {
    matches!(type_name(ty).as_deref(), Some("String" | "str" | "Cow"))
}

fn is_bool(ty: &syn::Type) -> bool {
    type_name(ty).as_deref() == Some("bool")
}

/// Two `id` properties need explicit positions.
/// Rejected: `#[property(id)] a: i64, #[property(id)] b: i64`.
fn check_ids_are_ordered(model: &ModelIr<'_>, errors: &mut Accumulator) {
    let ids: Vec<&FieldIr<'_>> = model.properties().filter(|f| f.property.id.is_some()).collect();
    if ids.len() > 1 {
        for f in ids.iter().filter(|f| f.property.id.is_some_and(|i| i.0.is_none())) {
            errors.push(
                Error::custom(format!(
                    "`{}` is one of {} id properties: give each its position in the key, as in `#[property(id = 1)]`",
                    f.rust_name(),
                    ids.len()
                ))
                .with_span(&f.ident),
            );
        }
        let mut seen = std::collections::HashMap::new();
        for f in &ids {
            if let Some(n) = f.property.id.and_then(|i| i.0) {
                if let Some(other) = seen.insert(n, f.rust_name()) {
                    errors.push(
                        Error::custom(format!("`{}` and `{other}` both have id position {n}", f.rust_name()))
                            .with_span(&f.ident),
                    );
                }
            }
        }
    }
}

/// `length` needs text or a list.
/// Rejected: `#[validate(length(max = 3))] age: i32`.
fn check_length_is_on_text(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in model.properties() {
        let inner = f.inner_type();
        let bad = is_numeric(inner) || is_bool(inner);
        if !bad {
            continue;
        }
        for (v, _) in &f.validate {
            if let Some(length) = &v.length {
                errors.push(
                    Error::custom(format!(
                        "`length` checks text or lists, but `{}` is a {}; use `numericality(min, max)` for numbers",
                        f.rust_name(),
                        type_name(inner).unwrap_or_default()
                    ))
                    .with_span(&length.span()),
                );
            }
        }
        if let Some(length) = &f.property.length {
            errors.push(
                Error::custom(format!(
                    "`length` sets the size of a text column, but `{}` is a {}; use `precision` and `scale` for numbers",
                    f.rust_name(),
                    type_name(inner).unwrap_or_default()
                ))
                .with_span(&length.span()),
            );
        }
    }
}

/// `numericality` needs a number.
/// Rejected: `#[validate(numericality(int))] name: String`.
fn check_numericality_is_on_numbers(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in model.properties() {
        let inner = f.inner_type();
        if !(is_text(inner) || is_bool(inner)) {
            continue;
        }
        for (v, _) in &f.validate {
            if let Some(n) = &v.numericality {
                errors.push(
                    Error::custom(format!(
                        "`numericality` checks numbers, but `{}` is a {}; use `length` or `format` for text",
                        f.rust_name(),
                        type_name(inner).unwrap_or_default()
                    ))
                    .with_span(&n.span()),
                );
            }
        }
    }
}

/// `format` takes `regex = ".."` or `email`, not both, and the regex must parse.
/// Rejected: `#[validate(format(regex = "[a-"))]`.
fn check_format_has_one_pattern(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in model.properties() {
        for (v, _) in &f.validate {
            let Some(format) = &v.format else { continue };
            match (&format.regex, format.email.is_present()) {
                (Some(_), true) | (None, false) => errors.push(
                    Error::custom("`format` takes exactly one of `regex = \"..\"` or `email`")
                        .with_span(&format.span()),
                ),
                (Some(re), false) => {
                    if let Err(e) = regex_syntax::Parser::new().parse(&re.value()) {
                        let msg = e.to_string();
                        let last = msg.lines().last().unwrap_or("invalid").trim().to_owned();
                        errors.push(Error::custom(format!("invalid regular expression: {last}")).with_span(re));
                    }
                }
                (None, true) => {}
            }
        }
    }
}

const NAVIGATION: &[(&str, &str)] = &[
    ("belongs_to", "BelongsTo"),
    ("has_many", "HasMany"),
    ("has_one", "HasOne"),
    ("has_and_belongs_to_many", "HasAndBelongsToMany"),
];

/// The relation kind in the attribute matches the navigation type.
/// Rejected: `#[relation(has_many(..))] orders: Vec<Order>`.
fn check_relation_type_matches_kind(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in &model.fields {
        let FieldKind::Relation(r) = &f.kind else {
            continue;
        };
        let kinds: Vec<(&str, proc_macro2::Span)> = [
            r.belongs_to.as_ref().map(|s| ("belongs_to", s.span())),
            r.has_many.as_ref().map(|s| ("has_many", s.span())),
            r.has_one.as_ref().map(|s| ("has_one", s.span())),
            r.has_and_belongs_to_many
                .as_ref()
                .map(|s| ("has_and_belongs_to_many", s.span())),
        ]
        .into_iter()
        .flatten()
        .collect();
        let (kind, span) = match kinds.as_slice() {
            [one] => *one,
            [] => {
                errors.push(
                    Error::custom(
                        "`#[relation]` needs a kind: belongs_to, has_many, has_one or has_and_belongs_to_many",
                    )
                    .with_span(&f.ident),
                );
                continue;
            }
            [_, (_, second), ..] => {
                errors.push(Error::custom("a field holds one relation; remove the second kind").with_span(second));
                continue;
            }
        };
        let expected = NAVIGATION.iter().find(|(k, _)| *k == kind).map_or("", |(_, t)| t);
        let actual = type_name(&f.original.ty).unwrap_or_default();
        if actual != expected || generic_arg(&f.original.ty, expected).is_none() {
            let _ = span;
            let ty = &f.original.ty;
            let shown = quote::quote!(#ty).to_string().replace(' ', "").replace(',', ", ");
            errors.push(
                Error::custom(format!(
                    "a `{kind}` relation is held in a `{expected}<T>` field, not `{shown}`"
                ))
                .with_span(&f.original.ty),
            );
        }
    }
}

/// `belongs_to(foreign_key = "x")` names a field of this struct.
/// Rejected: `#[relation(belongs_to(foreign_key = "customerid"))]` with no such field.
fn check_foreign_key_names_a_field(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in &model.fields {
        let FieldKind::Relation(r) = &f.kind else {
            continue;
        };
        let Some(bt) = &r.belongs_to else { continue };
        let Some(fk) = &bt.foreign_key else { continue };
        let names: Vec<String> = model.properties().map(FieldIr::rust_name).collect();
        if !names.contains(&fk.value()) {
            errors.push(
                Error::custom(format!(
                    "`foreign_key = \"{}\"` names no field of `{}`; fields: {}",
                    fk.value(),
                    model.input.ident,
                    names.join(", ")
                ))
                .with_span(fk),
            );
        }
    }
}

/// `has_and_belongs_to_many` needs `through = "table"`.
/// Rejected: `#[relation(has_and_belongs_to_many)] tags: HasAndBelongsToMany<Tag>`.
fn check_habtm_has_through(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in &model.fields {
        let FieldKind::Relation(r) = &f.kind else {
            continue;
        };
        if let Some(h) = &r.has_and_belongs_to_many {
            if h.through.is_none() {
                errors.push(
                    Error::custom("`has_and_belongs_to_many` needs the join table: `through = \"order_tags\"`")
                        .with_span(&h.span()),
                );
            }
        }
    }
}

/// `through` is a model type on `has_many`, a table name on
/// `has_and_belongs_to_many`, and nothing elsewhere.
/// Rejected: `#[relation(has_many(through = "appointments"))]`.
fn check_through_form(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in &model.fields {
        let FieldKind::Relation(r) = &f.kind else {
            continue;
        };
        let Some((kind, opts)) = r.kind() else { continue };
        let Some(through) = &opts.through else { continue };
        let is_str = matches!(through, crate::attr::Through::Table(_));
        let message = match kind {
            juggler_schema::RelationKind::HasMany if opts.through_model().is_none() => {
                "`through` on `has_many` names the model of the link rows: `through = Appointment`; \
                 a bare join table is `has_and_belongs_to_many(through = \"table\")`"
            }
            juggler_schema::RelationKind::HasAndBelongsToMany if !is_str => {
                "`through` on `has_and_belongs_to_many` is the join table's name: `through = \"order_tags\"`; \
                 link rows with a model of their own are `has_many(through = Model)`"
            }
            juggler_schema::RelationKind::BelongsTo | juggler_schema::RelationKind::HasOne => {
                "`through` applies to `has_many` and `has_and_belongs_to_many` only"
            }
            _ => continue,
        };
        errors.push(Error::custom(message).with_span(&through.span()));
    }
}

/// A hidden property must not serialise.
/// Rejected: `#[derive(Model, Serialize)] .. #[property(hidden)] password: String` without `#[serde(skip_serializing)]`.
fn check_hidden_does_not_serialise(model: &ModelIr<'_>, errors: &mut Accumulator) {
    if !model.derives_serialize {
        return;
    }
    let model_hidden: Vec<String> = model
        .attr
        .hidden
        .as_ref()
        .map(|h| h.iter().map(|p| quote::quote!(#p).to_string()).collect())
        .unwrap_or_default();
    for f in model.properties() {
        let hidden = f.property.hidden.is_present() || model_hidden.contains(&f.rust_name());
        if hidden && !f.serde_skips {
            errors.push(
                Error::custom(format!(
                    "`{}` is hidden but this struct derives `Serialize`, so it would be serialised; \
                     add `#[serde(skip_serializing, default)]` to the field",
                    f.rust_name()
                ))
                .with_span(&f.ident),
            );
        }
    }
}

/// `#[model(hidden(a, b))]` names fields.
/// Rejected: `#[model(hidden(pasword))]`.
fn check_hidden_names_fields(model: &ModelIr<'_>, errors: &mut Accumulator) {
    let Some(hidden) = &model.attr.hidden else {
        return;
    };
    let names: Vec<String> = model.properties().map(FieldIr::rust_name).collect();
    for p in hidden.iter() {
        let name = quote::quote!(#p).to_string();
        if !names.contains(&name) {
            errors.push(
                Error::custom(format!(
                    "`hidden` names `{name}`, which is not a field; fields: {}",
                    names.join(", ")
                ))
                .with_span(p),
            );
        }
    }
}

/// `extra` is one `serde_json::Map` field on a model with `strict = false`.
/// Rejected: `#[property(extra)] rest: Map<..>` on a strict model.
fn check_extra_field(model: &ModelIr<'_>, errors: &mut Accumulator) {
    let extras: Vec<&FieldIr<'_>> = model
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Extra))
        .collect();
    for (i, f) in extras.iter().enumerate() {
        if i > 0 {
            errors.push(Error::custom("a model has at most one `extra` field").with_span(&f.ident));
        }
        if model.attr.strict != Some(false) {
            errors.push(
                Error::custom("an `extra` field keeps unknown properties, which needs `#[model(strict = false)]`")
                    .with_span(&f.ident),
            );
        }
        if type_name(&f.original.ty).as_deref() != Some("Map") {
            errors.push(
                Error::custom("an `extra` field must be a `serde_json::Map<String, serde_json::Value>`")
                    .with_span(&f.original.ty),
            );
        }
    }
    if model.attr.strict == Some(false) && extras.is_empty() {
        errors.push(
            Error::custom(
                "`strict = false` keeps unknown properties in a field: add `#[property(extra)] extra: serde_json::Map<String, serde_json::Value>`",
            )
            .with_span(&model.input.ident),
        );
    }
}

/// `default_fn` is `"now"` or `"uuid"`.
/// Rejected: `#[property(default_fn = "today")]`.
fn check_defaults(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in model.properties() {
        if let Some(d) = &f.property.default_fn {
            if !matches!(d.value().as_str(), "now" | "uuid") {
                errors.push(
                    Error::custom(format!(
                        "unknown `default_fn` \"{}\"; valid: \"now\", \"uuid\"",
                        d.value()
                    ))
                    .with_span(d),
                );
            }
        }
    }
}

/// `scope(where = "<json>")` and `order` parse.
/// Rejected: `#[model(scope(where = "{vip: true}"))]`.
fn check_scope_is_json(model: &ModelIr<'_>, errors: &mut Accumulator) {
    let Some(scope) = &model.attr.scope else {
        return;
    };
    if let Some(w) = &scope.where_ {
        match serde_json::from_str::<serde_json::Value>(&w.value()) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(_) => errors.push(Error::custom("`where` must be a JSON object").with_span(w)),
            Err(e) => errors.push(Error::custom(format!("`where` is not valid JSON: {e}")).with_span(w)),
        }
    }
    if let Some(o) = &scope.order {
        for part in o.value().split(',') {
            let mut words = part.split_whitespace();
            let prop = words.next().unwrap_or("");
            let dir = words.next().map(str::to_ascii_uppercase);
            if !model.properties().any(|f| f.name == prop) || !matches!(dir.as_deref(), None | Some("ASC" | "DESC")) {
                errors.push(
                    Error::custom(format!(
                        "`order` part `{}` should be \"property ASC|DESC\" naming a property",
                        part.trim()
                    ))
                    .with_span(o),
                );
            }
        }
    }
}

/// Two fields may not share a property name.
/// Rejected: `#[serde(rename = "a")] x: i32, a: i32`.
fn check_unique_property_names(model: &ModelIr<'_>, errors: &mut Accumulator) {
    let mut seen = std::collections::HashSet::new();
    for f in &model.fields {
        if !seen.insert(f.name.as_str()) {
            errors.push(Error::custom(format!("two fields are named `{}` as properties", f.name)).with_span(&f.ident));
        }
    }
}

/// Navigation fields are not columns: no `#[property]` or `#[validate]`.
/// Rejected: `#[relation(has_many(..))] #[validate(presence)] orders: HasMany<Order>`.
fn check_no_property_attrs_on_relations(model: &ModelIr<'_>, errors: &mut Accumulator) {
    for f in &model.fields {
        if !matches!(f.kind, FieldKind::Relation(_)) {
            continue;
        }
        for attr in &f.original.attrs {
            if attr.path().is_ident("property") || attr.path().is_ident("validate") {
                errors.push(
                    Error::custom("a navigation field is not a column; `#[property]` and `#[validate]` do not apply")
                        .with_span(&attr.path().span()),
                );
            }
        }
    }
    // A navigation type without `#[relation]` is a mistake too.
    for f in model.properties() {
        let name = type_name(&f.original.ty).unwrap_or_default();
        if NAVIGATION.iter().any(|(_, t)| *t == name) {
            errors.push(
                Error::custom(format!(
                    "`{name}` is a navigation type; add `#[relation(..)]` to say how it is linked"
                ))
                .with_span(&f.original.ty),
            );
        }
    }
}
