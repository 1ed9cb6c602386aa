//! darling receivers for `#[model]`, `#[property]`, `#[validate]` and
//! `#[relation]`, plus the key check that gives the "did you mean" messages.

use darling::util::{Flag, PathList};
use darling::{Error, FromMeta};
use serde_json::Value as Json;
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, Meta, Token, UnOp};

pub(crate) const MODEL_KEYS: &[&str] = &[
    "name",
    "table",
    "schema",
    "description",
    "strict",
    "hidden",
    "scope",
    "force_id",
    "view",
    "hooks",
    "renamed_from",
    "postgresql",
    "mysql",
    "sqlite",
];
pub(crate) const PROPERTY_KEYS: &[&str] = &[
    "id",
    "generated",
    "required",
    "default",
    "default_fn",
    "length",
    "precision",
    "scale",
    "index",
    "hidden",
    "column",
    "renamed_from",
    "data_type",
    "description",
    "trim",
    "lowercase",
    "uppercase",
    "postgresql",
    "mysql",
    "sqlite",
    "extra",
];
pub(crate) const VALIDATE_KEYS: &[&str] = &[
    "presence",
    "length",
    "format",
    "numericality",
    "inclusion",
    "exclusion",
    "uniqueness",
    "custom",
    "custom_async",
    "message",
];
pub(crate) const RELATION_KEYS: &[&str] = &["belongs_to", "has_many", "has_one", "has_and_belongs_to_many"];

/// Checks the top-level keys of `#[name(...)]` against `valid`, with a
/// suggestion and the full list. Returns false when a key is unknown (the
/// attribute is then not parsed further, to avoid a second error).
pub(crate) fn check_keys(
    attr: &syn::Attribute,
    name: &str,
    valid: &[&str],
    errors: &mut darling::error::Accumulator,
) -> bool {
    let list = match &attr.meta {
        Meta::List(list) => list,
        Meta::Path(p) => {
            errors.push(
                Error::custom(format!("`#[{name}]` needs arguments, as in `#[{name}({})]`", valid[0])).with_span(p),
            );
            return false;
        }
        Meta::NameValue(nv) => {
            errors
                .push(Error::custom(format!("`#[{name} = ..]` is not supported; write `#[{name}(..)]`")).with_span(nv));
            return false;
        }
    };
    let items = match list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
        Ok(items) => items,
        Err(e) => {
            errors.push(Error::from(e));
            return false;
        }
    };
    let mut ok = true;
    for item in &items {
        let path = item.path();
        let key = path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_else(|| quote::quote!(#path).to_string());
        if !valid.contains(&key.as_str()) {
            let hint = valid
                .iter()
                .map(|v| (strsim::jaro_winkler(&key, v), *v))
                .filter(|(s, _)| *s > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, v)| format!("; did you mean `{v}`?"))
                .unwrap_or_default();
            let sep = if hint.is_empty() { ";" } else { "" };
            errors.push(
                Error::custom(format!(
                    "unknown `#[{name}]` key `{key}`{hint}{sep} valid keys: {}",
                    valid.join(", ")
                ))
                .with_span(path),
            );
            ok = false;
        }
    }
    ok
}

/// A number literal, negative ones included.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Number(pub(crate) f64);

impl FromMeta for Number {
    fn from_expr(expr: &Expr) -> darling::Result<Self> {
        match literal_json(expr) {
            Some(Json::Number(n)) => Ok(Number(n.as_f64().unwrap_or(0.0))),
            _ => Err(Error::custom("expected a number").with_span(expr)),
        }
    }
}

/// A positive integer (`length = 64`), with a message that says so.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Count(pub(crate) u32);

impl FromMeta for Count {
    fn from_expr(expr: &Expr) -> darling::Result<Self> {
        match literal_json(expr) {
            Some(Json::Number(n)) if n.as_u64().is_some_and(|v| v <= u64::from(u32::MAX)) => {
                Ok(Count(n.as_u64().unwrap_or(0) as u32))
            }
            _ => Err(Error::custom("expected a non-negative integer, as in `length = 64`").with_span(expr)),
        }
    }
}

/// A literal turned into JSON: strings, numbers, booleans, arrays of them.
#[derive(Debug, Clone)]
pub(crate) struct Literal(pub(crate) Json);

impl FromMeta for Literal {
    fn from_expr(expr: &Expr) -> darling::Result<Self> {
        literal_json(expr).map(Literal).ok_or_else(|| {
            Error::custom("expected a literal: a string, number, boolean or array of them").with_span(expr)
        })
    }
}

pub(crate) fn literal_json(expr: &Expr) -> Option<Json> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(Json::String(s.value())),
            Lit::Bool(b) => Some(Json::Bool(b.value)),
            Lit::Int(i) => i.base10_parse::<i64>().ok().map(Json::from),
            Lit::Float(f) => f
                .base10_parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Json::Number),
            Lit::Char(c) => Some(Json::String(c.value().to_string())),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match literal_json(&u.expr)? {
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Some(Json::from(-i))
                } else {
                    n.as_f64()
                        .and_then(|f| serde_json::Number::from_f64(-f))
                        .map(Json::Number)
                }
            }
            _ => None,
        },
        Expr::Array(a) => a
            .elems
            .iter()
            .map(literal_json)
            .collect::<Option<Vec<_>>>()
            .map(Json::Array),
        Expr::Group(g) => literal_json(&g.expr),
        _ => None,
    }
}

/// `postgresql(schema = .., table = ..)` on a model.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ConnectorModelAttr {
    pub(crate) schema: Option<String>,
    pub(crate) table: Option<String>,
}

/// `scope(where = "<json>", order = "..", limit = N)`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ScopeAttr {
    #[darling(rename = "where")]
    pub(crate) where_: Option<syn::LitStr>,
    pub(crate) order: Option<syn::LitStr>,
    pub(crate) limit: Option<u64>,
    pub(crate) skip: Option<u64>,
}

/// `#[model(...)]`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ModelAttr {
    pub(crate) name: Option<String>,
    pub(crate) table: Option<String>,
    pub(crate) schema: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) strict: Option<bool>,
    pub(crate) hidden: Option<PathList>,
    pub(crate) scope: Option<ScopeAttr>,
    pub(crate) force_id: Flag,
    pub(crate) view: Flag,
    pub(crate) hooks: Flag,
    pub(crate) renamed_from: Option<String>,
    pub(crate) postgresql: Option<ConnectorModelAttr>,
    pub(crate) mysql: Option<ConnectorModelAttr>,
    pub(crate) sqlite: Option<ConnectorModelAttr>,
}

/// `id` or `id = N`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdAttr(pub(crate) Option<u32>);

impl FromMeta for IdAttr {
    fn from_word() -> darling::Result<Self> {
        Ok(IdAttr(None))
    }
    fn from_value(value: &Lit) -> darling::Result<Self> {
        match value {
            Lit::Int(i) => match i.base10_parse::<u32>() {
                Ok(0) | Err(_) => Err(Error::custom("`id` position starts at 1").with_span(value)),
                Ok(n) => Ok(IdAttr(Some(n))),
            },
            _ => {
                Err(Error::custom("expected `id` or `id = N` with N the position in a composite key").with_span(value))
            }
        }
    }
}

/// `index` or `index(unique)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexAttr {
    pub(crate) unique: bool,
}

#[derive(FromMeta)]
struct IndexOptions {
    unique: Flag,
}

impl FromMeta for IndexAttr {
    fn from_word() -> darling::Result<Self> {
        Ok(IndexAttr { unique: false })
    }
    fn from_list(items: &[darling::ast::NestedMeta]) -> darling::Result<Self> {
        let o = IndexOptions::from_list(items)?;
        Ok(IndexAttr {
            unique: o.unique.is_present(),
        })
    }
}

/// `postgresql(column_name = .., data_type = ..)` on a property.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ConnectorColumnAttr {
    pub(crate) column_name: Option<String>,
    pub(crate) data_type: Option<darling::util::SpannedValue<String>>,
}

/// `#[property(...)]`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct PropertyAttr {
    pub(crate) id: Option<IdAttr>,
    pub(crate) generated: Flag,
    pub(crate) required: Flag,
    pub(crate) default: Option<Literal>,
    pub(crate) default_fn: Option<syn::LitStr>,
    pub(crate) length: Option<darling::util::SpannedValue<Count>>,
    pub(crate) precision: Option<Count>,
    pub(crate) scale: Option<Count>,
    pub(crate) index: Option<IndexAttr>,
    pub(crate) hidden: Flag,
    pub(crate) column: Option<String>,
    pub(crate) renamed_from: Option<String>,
    pub(crate) data_type: Option<darling::util::SpannedValue<String>>,
    pub(crate) description: Option<String>,
    pub(crate) trim: Flag,
    pub(crate) lowercase: Flag,
    pub(crate) uppercase: Flag,
    pub(crate) postgresql: Option<ConnectorColumnAttr>,
    pub(crate) mysql: Option<ConnectorColumnAttr>,
    pub(crate) sqlite: Option<ConnectorColumnAttr>,
    pub(crate) extra: Flag,
}

/// A validator that takes only a message: `presence` or `presence(message = "..")`.
#[derive(Debug, Default, FromMeta)]
#[darling(from_word = || Ok(Default::default()))]
pub(crate) struct MessageOnly {
    pub(crate) message: Option<String>,
}

/// `length(min, max, is, message)`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct LengthAttr {
    pub(crate) min: Option<u64>,
    pub(crate) max: Option<u64>,
    pub(crate) is: Option<u64>,
    pub(crate) message: Option<String>,
}

/// `format(regex = "..")` or `format(email)`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct FormatAttr {
    pub(crate) regex: Option<syn::LitStr>,
    pub(crate) email: Flag,
    pub(crate) message: Option<String>,
}

/// `numericality(int, min, max, message)`.
#[derive(Debug, Default, FromMeta)]
#[darling(from_word = || Ok(Default::default()))]
pub(crate) struct NumericalityAttr {
    pub(crate) int: Flag,
    pub(crate) min: Option<Number>,
    pub(crate) max: Option<Number>,
    pub(crate) message: Option<String>,
}

/// `inclusion(in = [..], message)` / `exclusion(..)`.
#[derive(Debug, FromMeta)]
pub(crate) struct ListAttr {
    #[darling(rename = "in")]
    pub(crate) values: Literal,
    pub(crate) message: Option<String>,
}

/// `#[validate(...)]`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct ValidateAttr {
    pub(crate) presence: Option<MessageOnly>,
    pub(crate) length: Option<darling::util::SpannedValue<LengthAttr>>,
    pub(crate) format: Option<darling::util::SpannedValue<FormatAttr>>,
    pub(crate) numericality: Option<darling::util::SpannedValue<NumericalityAttr>>,
    pub(crate) inclusion: Option<ListAttr>,
    pub(crate) exclusion: Option<ListAttr>,
    pub(crate) uniqueness: Option<MessageOnly>,
    pub(crate) custom: Option<syn::Path>,
    pub(crate) custom_async: Option<syn::Path>,
    pub(crate) message: Option<String>,
}

/// Options of one relation kind.
#[derive(Debug, Default, FromMeta)]
#[darling(from_word = || Ok(Default::default()))]
pub(crate) struct RelationOptions {
    pub(crate) foreign_key: Option<syn::LitStr>,
    pub(crate) model: Option<String>,
    pub(crate) through: Option<Through>,
    pub(crate) key_through: Option<syn::LitStr>,
}

/// `#[relation(...)]`.
#[derive(Debug, Default, FromMeta)]
pub(crate) struct RelationAttr {
    pub(crate) belongs_to: Option<darling::util::SpannedValue<RelationOptions>>,
    pub(crate) has_many: Option<darling::util::SpannedValue<RelationOptions>>,
    pub(crate) has_one: Option<darling::util::SpannedValue<RelationOptions>>,
    pub(crate) has_and_belongs_to_many: Option<darling::util::SpannedValue<RelationOptions>>,
}

impl RelationAttr {
    /// The one kind given, with its options (the checks reject zero or two).
    pub(crate) fn kind(
        &self,
    ) -> Option<(
        juggler_schema::RelationKind,
        &darling::util::SpannedValue<RelationOptions>,
    )> {
        use juggler_schema::RelationKind as K;
        if let Some(o) = &self.belongs_to {
            Some((K::BelongsTo, o))
        } else if let Some(o) = &self.has_many {
            Some((K::HasMany, o))
        } else if let Some(o) = &self.has_one {
            Some((K::HasOne, o))
        } else {
            self.has_and_belongs_to_many
                .as_ref()
                .map(|o| (K::HasAndBelongsToMany, o))
        }
    }
}

/// `through = "table"` (has_and_belongs_to_many) or `through = Model` (has_many).
#[derive(Debug, Clone)]
pub(crate) enum Through {
    Table(syn::LitStr),
    Model(syn::Path),
}

impl FromMeta for Through {
    fn from_value(value: &syn::Lit) -> darling::Result<Self> {
        match value {
            syn::Lit::Str(s) => Ok(Through::Table(s.clone())),
            other => {
                Err(darling::Error::custom("`through` takes a model type or a table name in quotes").with_span(other))
            }
        }
    }

    fn from_expr(expr: &syn::Expr) -> darling::Result<Self> {
        match expr {
            syn::Expr::Lit(l) => Self::from_value(&l.lit),
            syn::Expr::Path(p) if p.qself.is_none() => Ok(Through::Model(p.path.clone())),
            syn::Expr::Group(g) => Self::from_expr(&g.expr),
            other => {
                Err(darling::Error::custom("`through` takes a model type or a table name in quotes").with_span(other))
            }
        }
    }
}

impl Through {
    /// The span of what was written.
    pub(crate) fn span(&self) -> proc_macro2::Span {
        match self {
            Through::Table(s) => s.span(),
            Through::Model(p) => syn::spanned::Spanned::span(p),
        }
    }

    /// The name recorded in the definition: the table, or the model's name.
    pub(crate) fn name(&self) -> String {
        match self {
            Through::Table(s) => s.value(),
            Through::Model(p) => p.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        }
    }
}

impl RelationOptions {
    /// `through = Model` as a type (has_many); `None` for a table name or absent.
    pub(crate) fn through_model(&self) -> Option<syn::Type> {
        match self.through.as_ref()? {
            Through::Model(p) => Some(syn::Type::Path(syn::TypePath {
                qself: None,
                path: p.clone(),
            })),
            Through::Table(_) => None,
        }
    }
}
