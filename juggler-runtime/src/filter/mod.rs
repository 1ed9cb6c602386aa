//! LoopBack's filter language: `where`, `order`, `limit`, `skip`, `fields`,
//! `include`, as JSON or built with typed field handles.
//!
//! ```
//! use juggler_runtime::filter::{Filter, Where, Direction};
//!
//! let from_json = Filter::from_json(
//!     r#"{"where": {"age": {"gt": 21}, "name": {"like": "A%"}}, "order": "age DESC", "limit": 10}"#,
//! )?;
//! assert_eq!(from_json.limit, Some(10));
//! assert_eq!(from_json.order[0].direction, Direction::Desc);
//!
//! let bad = Filter::from_json(r#"{"where": {"age": {"gtt": 21}}}"#).unwrap_err();
//! assert_eq!(bad.to_string(), "invalid filter at where.age: unknown operator `gtt`; did you mean `gt`? valid operators: \
//!     eq, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike, nilike, regexp, near");
//! # Ok::<(), juggler_runtime::Error>(())
//! ```

mod eval;
mod json;
pub mod resolve;
mod typed;

pub use typed::{Field, FilterValue, GeoField, TextField};

use crate::value::Value;
use serde_json::{json, Map, Value as Json};

/// Where a filter came from. Hidden properties may be named by code, never by
/// a filter that came in as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Built in Rust.
    #[default]
    Code,
    /// Parsed from JSON (possibly from an untrusted client).
    Json,
}

/// A query: LoopBack's `{where, order, limit, skip, fields, include}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// Which rows.
    pub where_: Option<Where>,
    /// Sort keys, first one first.
    pub order: Vec<Order>,
    /// At most this many rows.
    pub limit: Option<u64>,
    /// Skip this many rows first (LoopBack's `skip` / `offset`).
    pub skip: Option<u64>,
    /// Which properties to return.
    pub fields: Option<Fields>,
    /// Relations to load with each row.
    pub include: Vec<Include>,
    /// Where the filter came from.
    pub origin: Origin,
}

/// The largest list `inq` / `nin` accept, and the deepest `and`/`or` nesting.
pub const MAX_LIST_LEN: usize = 10_000;
/// The deepest nesting of `and` / `or` / `include` a JSON filter may have.
pub const MAX_DEPTH: usize = 32;

impl Filter {
    /// An empty filter: every row, in id order.
    pub fn new() -> Self {
        Filter::default()
    }

    /// Parses LoopBack's JSON filter. Property names are checked against the
    /// model when the filter is used.
    pub fn from_json(text: &str) -> crate::Result<Filter> {
        let value: Json = serde_json::from_str(text)
            .map_err(|e| crate::Error::invalid_filter("filter", format!("not valid JSON: {e}")))?;
        Filter::from_value(&value)
    }

    /// Parses a JSON value in LoopBack's filter form.
    pub fn from_value(value: &Json) -> crate::Result<Filter> {
        json::parse_filter(value, "filter", 0, Origin::Json)
    }

    /// Parses LoopBack's filter JSON written by the program itself (a
    /// model's default scope): it may use hidden properties.
    pub(crate) fn from_trusted_value(value: &Json) -> crate::Result<Filter> {
        json::parse_filter(value, "filter", 0, Origin::Code)
    }

    /// Sets `where` (replacing any).
    pub fn where_(mut self, condition: impl Into<Where>) -> Self {
        self.where_ = Some(condition.into());
        self
    }

    /// Adds a sort key.
    pub fn order(mut self, order: Order) -> Self {
        self.order.push(order);
        self
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets `skip`.
    pub fn skip(mut self, skip: u64) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Returns only these properties.
    pub fn fields<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = Some(Fields::Include(names.into_iter().map(Into::into).collect()));
        self
    }

    /// Returns every property but these.
    pub fn exclude_fields<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = Some(Fields::Exclude(names.into_iter().map(Into::into).collect()));
        self
    }

    /// Loads a relation with each row.
    pub fn include(mut self, include: impl Into<Include>) -> Self {
        self.include.push(include.into());
        self
    }

    /// This filter as LoopBack JSON.
    pub fn to_json(&self) -> Json {
        let mut out = Map::new();
        if let Some(w) = &self.where_ {
            out.insert("where".into(), w.to_json());
        }
        if !self.order.is_empty() {
            let order: Vec<Json> = self
                .order
                .iter()
                .map(|o| {
                    let name = if o.property.contains([' ', ',', '\t']) {
                        format!("`{}`", o.property)
                    } else {
                        o.property.clone()
                    };
                    Json::String(format!("{name} {}", o.direction.as_str()))
                })
                .collect();
            out.insert("order".into(), Json::Array(order));
        }
        if let Some(l) = self.limit {
            out.insert("limit".into(), json!(l));
        }
        if let Some(s) = self.skip {
            out.insert("skip".into(), json!(s));
        }
        match &self.fields {
            Some(Fields::Include(names)) => {
                out.insert("fields".into(), json!(names));
            }
            Some(Fields::Exclude(names)) => {
                let map: Map<String, Json> = names.iter().map(|n| (n.clone(), Json::Bool(false))).collect();
                out.insert("fields".into(), Json::Object(map));
            }
            None => {}
        }
        if !self.include.is_empty() {
            let inc: Vec<Json> = self.include.iter().map(Include::to_json).collect();
            out.insert("include".into(), Json::Array(inc));
        }
        Json::Object(out)
    }
}

/// A condition, as in LoopBack's `where`.
#[derive(Debug, Clone, PartialEq)]
pub enum Where {
    /// Every condition holds.
    And(Vec<Where>),
    /// At least one condition holds.
    Or(Vec<Where>),
    /// One property compared with one operator.
    Cond {
        /// The property name.
        property: String,
        /// The comparison.
        op: Op,
    },
    /// A condition that came in as JSON ([`Where::from_json`],
    /// [`Filter::from_json`]): hidden properties may not be named anywhere
    /// in it, whatever code combines it with.
    Untrusted(Box<Where>),
}

impl Where {
    /// `self AND other` (flattening nested ands).
    pub fn and(self, other: impl Into<Where>) -> Where {
        let other = other.into();
        match (self, other) {
            (Where::And(mut a), Where::And(b)) => {
                a.extend(b);
                Where::And(a)
            }
            (Where::And(mut a), b) => {
                a.push(b);
                Where::And(a)
            }
            (a, b) => Where::And(vec![a, b]),
        }
    }

    /// `self OR other` (flattening nested ors).
    pub fn or(self, other: impl Into<Where>) -> Where {
        let other = other.into();
        match (self, other) {
            (Where::Or(mut a), Where::Or(b)) => {
                a.extend(b);
                Where::Or(a)
            }
            (Where::Or(mut a), b) => {
                a.push(b);
                Where::Or(a)
            }
            (a, b) => Where::Or(vec![a, b]),
        }
    }

    /// A condition on `property`, by name (for dynamic models).
    pub fn cond(property: impl Into<String>, op: Op) -> Where {
        Where::Cond {
            property: property.into(),
            op,
        }
    }

    /// Parses a JSON `where` object (LoopBack's form). The result is
    /// [`Where::Untrusted`]: it may not name hidden properties.
    pub fn from_json(value: &Json) -> crate::Result<Where> {
        Ok(Where::Untrusted(Box::new(json::parse_where(value, "where", 0)?)))
    }

    /// This condition as LoopBack JSON.
    pub fn to_json(&self) -> Json {
        match self {
            Where::And(items) => {
                json!({"and": items.iter().map(Where::to_json).collect::<Vec<_>>()})
            }
            Where::Or(items) => json!({"or": items.iter().map(Where::to_json).collect::<Vec<_>>()}),
            Where::Cond { property, op } => {
                let mut m = Map::new();
                m.insert(property.clone(), op.to_json());
                Json::Object(m)
            }
            Where::Untrusted(inner) => inner.to_json(),
        }
    }
}

/// A comparison, with LoopBack's operator names.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Equal; `Eq(Null)` is `IS NULL`.
    Eq(Value),
    /// Not equal (never matches NULL); `Neq(Null)` is `IS NOT NULL`.
    Neq(Value),
    /// Greater than.
    Gt(Value),
    /// Greater than or equal.
    Gte(Value),
    /// Less than.
    Lt(Value),
    /// Less than or equal.
    Lte(Value),
    /// Between two values, both included.
    Between(Value, Value),
    /// One of the values (at most [`MAX_LIST_LEN`], 10,000, from JSON).
    Inq(Vec<Value>),
    /// None of the values (never matches NULL; at most [`MAX_LIST_LEN`]).
    Nin(Vec<Value>),
    /// Anchored SQL pattern: `%` any run, `_` one character, `\` escapes.
    Like(String),
    /// Not `like` (never matches NULL).
    Nlike(String),
    /// `like` without case.
    Ilike(String),
    /// Not `ilike`.
    Nilike(String),
    /// Regular expression: `"^A.*"` or `"/^a/i"`. The syntax is the
    /// database's (see `connector::sql`); the memory connector and SQLite use
    /// Rust's `regex` (linear time). A pattern that backtracks badly on
    /// MariaDB is stopped by the statement time-out.
    Regexp(String),
    /// Near a point, nearest first, optionally within a distance.
    Near(Near),
}

/// The `near` operator's arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    /// The point.
    pub point: crate::value::GeoPoint,
    /// Only points within this distance.
    pub max_distance: Option<f64>,
    /// Unit of `max_distance`: `kilometers` (default), `meters`, `miles`, `feet`, `radians`, `degrees`.
    pub unit: Option<String>,
}

impl Op {
    /// LoopBack's name of the operator.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Eq(_) => "eq",
            Op::Neq(_) => "neq",
            Op::Gt(_) => "gt",
            Op::Gte(_) => "gte",
            Op::Lt(_) => "lt",
            Op::Lte(_) => "lte",
            Op::Between(..) => "between",
            Op::Inq(_) => "inq",
            Op::Nin(_) => "nin",
            Op::Like(_) => "like",
            Op::Nlike(_) => "nlike",
            Op::Ilike(_) => "ilike",
            Op::Nilike(_) => "nilike",
            Op::Regexp(_) => "regexp",
            Op::Near(_) => "near",
        }
    }

    fn to_json(&self) -> Json {
        let list = |vs: &[Value]| Json::Array(vs.iter().map(Value::to_json).collect());
        match self {
            Op::Eq(v) => v.to_json(),
            Op::Neq(v) | Op::Gt(v) | Op::Gte(v) | Op::Lt(v) | Op::Lte(v) => {
                json!({self.name(): v.to_json()})
            }
            Op::Between(a, b) => json!({"between": [a.to_json(), b.to_json()]}),
            Op::Inq(vs) | Op::Nin(vs) => json!({self.name(): list(vs)}),
            Op::Like(p) | Op::Nlike(p) | Op::Ilike(p) | Op::Nilike(p) | Op::Regexp(p) => {
                json!({self.name(): p})
            }
            Op::Near(n) => {
                let mut m = Map::new();
                m.insert("near".into(), json!({"lat": n.point.lat, "lng": n.point.lng}));
                if let Some(d) = n.max_distance {
                    m.insert("maxDistance".into(), json!(d));
                }
                if let Some(u) = &n.unit {
                    m.insert("unit".into(), json!(u));
                }
                Json::Object(m)
            }
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Ascending, NULLs last.
    Asc,
    /// Descending, NULLs first.
    Desc,
}

impl Direction {
    /// `"ASC"` or `"DESC"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Asc => "ASC",
            Direction::Desc => "DESC",
        }
    }
}

/// One sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The property.
    pub property: String,
    /// The direction.
    pub direction: Direction,
}

impl Order {
    /// Ascending on `property`.
    pub fn asc(property: impl Into<String>) -> Self {
        Order {
            property: property.into(),
            direction: Direction::Asc,
        }
    }

    /// Descending on `property`.
    pub fn desc(property: impl Into<String>) -> Self {
        Order {
            property: property.into(),
            direction: Direction::Desc,
        }
    }
}

/// LoopBack's `fields`.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    /// Only these properties (the id is always returned as well).
    Include(Vec<String>),
    /// Every property but these.
    Exclude(Vec<String>),
}

/// One relation to load, with an optional filter for the related rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The relation name.
    pub relation: String,
    /// Filter applied to the related rows (where, order, limit, fields, include).
    pub scope: Option<Box<Filter>>,
}

impl Include {
    /// Loads `relation`.
    pub fn new(relation: impl Into<String>) -> Self {
        Include {
            relation: relation.into(),
            scope: None,
        }
    }

    /// Filters the related rows.
    pub fn scope(mut self, filter: Filter) -> Self {
        self.scope = Some(Box::new(filter));
        self
    }

    fn to_json(&self) -> Json {
        match &self.scope {
            None => Json::String(self.relation.clone()),
            Some(scope) => json!({"relation": self.relation, "scope": scope.to_json()}),
        }
    }
}

impl From<&str> for Include {
    fn from(name: &str) -> Self {
        Include::new(name)
    }
}
