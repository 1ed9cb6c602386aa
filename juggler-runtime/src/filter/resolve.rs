//! Checking a [`Filter`] against a model and turning it into a [`Query`] with
//! property positions, checked values and compiled patterns; also how the
//! memory connector evaluates one.

pub use super::eval::compare_for_order;
use super::json::did_you_mean;
use super::{Direction, Fields, Filter, Include, Op, Origin, Where};
use crate::schema::{ModelDefinition, PropertyType};
use crate::value::{GeoPoint, Value};
use crate::{Error, Result};
use regex::{Regex, RegexBuilder};

/// A filter checked against one model.
#[derive(Debug, Clone)]
pub struct Query {
    /// Which rows; `None` is every row.
    pub cond: Option<Cond>,
    /// Sort keys as property positions, ending with the id as a tie-breaker.
    pub order: Vec<(usize, Direction)>,
    /// Whether the filter named an order or a page (`limit` / `skip`): only
    /// then does a database need `ORDER BY` (see [`Query::database_order`]).
    pub ordered: bool,
    /// Sort by distance to a point first (from `near`).
    pub near: Option<(usize, GeoPoint)>,
    /// At most this many rows.
    pub limit: Option<u64>,
    /// Skip this many rows.
    pub skip: Option<u64>,
    /// Positions of the properties to return; `None` is all.
    pub fields: Option<Vec<usize>>,
    /// Relations to load.
    pub include: Vec<Include>,
}

impl Query {
    /// At most one row matching `cond`, in no particular order.
    pub fn one(cond: Cond) -> Query {
        Query {
            cond: Some(cond),
            order: Vec::new(),
            ordered: false,
            near: None,
            limit: Some(1),
            skip: None,
            fields: None,
            include: Vec::new(),
        }
    }
}

/// A checked condition.
#[derive(Debug, Clone)]
pub enum Cond {
    /// All hold.
    And(Vec<Cond>),
    /// One holds.
    Or(Vec<Cond>),
    /// A comparison on the property at `prop`.
    Cmp {
        /// Property position in the definition.
        prop: usize,
        /// The comparison.
        op: CmpOp,
    },
}

/// A checked comparison.
#[derive(Debug, Clone)]
pub enum CmpOp {
    /// `IS NULL`.
    IsNull,
    /// `IS NOT NULL`.
    NotNull,
    /// `=`.
    Eq(Value),
    /// `<>` (not NULL).
    Neq(Value),
    /// `>`.
    Gt(Value),
    /// `>=`.
    Gte(Value),
    /// `<`.
    Lt(Value),
    /// `<=`.
    Lte(Value),
    /// `BETWEEN`.
    Between(Value, Value),
    /// `IN`.
    In(Vec<Value>),
    /// `NOT IN` (not NULL).
    NotIn(Vec<Value>),
    /// `LIKE` family.
    Like {
        /// The SQL pattern as given.
        pattern: String,
        /// Without case.
        insensitive: bool,
        /// `NOT LIKE` (not NULL).
        negated: bool,
        /// The pattern as an anchored regular expression.
        regex: Regex,
    },
    /// Regular expression.
    Regexp {
        /// The pattern without slashes and flags.
        source: String,
        /// Without case (`/../i`).
        insensitive: bool,
        /// Compiled.
        regex: Regex,
    },
    /// Within a distance of a point.
    Near {
        /// The point.
        point: GeoPoint,
        /// Maximum distance in kilometres.
        max_km: Option<f64>,
    },
}

const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(crate) fn unit_in_km(unit: &str) -> Option<f64> {
    Some(match unit {
        "kilometers" | "km" => 1.0,
        "meters" | "m" => 0.001,
        "miles" | "mi" => 1.609_344,
        "feet" | "ft" => 0.000_304_8,
        "radians" => 6371.0,
        "degrees" => 6371.0 * std::f64::consts::PI / 180.0,
        _ => return None,
    })
}

/// Merges the model's default scope into `filter`: `where` is ANDed; `order`,
/// `limit`, `skip` and `fields` apply when the filter has none.
pub fn apply_scope(scope: Option<&Filter>, filter: &Filter) -> Filter {
    let Some(scope) = scope else {
        return filter.clone();
    };
    let mut merged = filter.clone();
    merged.where_ = match (scope.where_.clone(), filter.where_.clone()) {
        (Some(s), Some(f)) => Some(s.and(f)),
        (s, f) => s.or(f),
    };
    if merged.order.is_empty() {
        merged.order = scope.order.clone();
    }
    merged.limit = merged.limit.or(scope.limit);
    merged.skip = merged.skip.or(scope.skip);
    if merged.fields.is_none() {
        merged.fields = scope.fields.clone();
    }
    if merged.include.is_empty() {
        merged.include = scope.include.clone();
    }
    merged
}

/// Parses a definition's `scope` setting (trusted: it comes from the code).
pub fn parse_scope(def: &ModelDefinition) -> Result<Option<Filter>> {
    match &def.settings.scope {
        None => Ok(None),
        Some(json) => {
            let f = Filter::from_trusted_value(json).map_err(|e| match e {
                Error::InvalidFilter { path, message } => {
                    Error::invalid_filter(format!("default scope of `{}`: {path}", def.name), message)
                }
                other => other,
            })?;
            Ok(Some(f))
        }
    }
}

struct Resolver<'a> {
    def: &'a ModelDefinition,
    origin: Origin,
}

impl Resolver<'_> {
    /// [`Self::resolve_where`] without writing the path of every part: a
    /// failure is resolved again with paths, for the message.
    fn resolve_root(&self, w: &Where) -> Result<Cond> {
        self.resolve_where(w, "").or_else(|_| self.resolve_where(w, "where"))
    }

    fn property(&self, name: &str, path: &str) -> Result<(usize, &PropertyType)> {
        // A few names compare faster than one hash of the name.
        let found = if self.def.properties.len() <= 16 {
            self.def
                .properties
                .iter()
                .enumerate()
                .find(|(_, (key, _))| key.as_str() == name)
                .map(|(i, (_, prop))| (i, prop))
        } else {
            self.def.properties.get_full(name).map(|(i, _, prop)| (i, prop))
        };
        let Some((index, prop)) = found else {
            let names: Vec<&str> = self
                .def
                .properties
                .keys()
                .map(String::as_str)
                .filter(|n| self.origin == Origin::Code || !self.def.is_hidden(n))
                .collect();
            let hint = did_you_mean(name, &names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(Error::invalid_filter(
                path,
                format!("`{}` has no property `{name}`{hint}", self.def.name),
            ));
        };
        if self.origin == Origin::Json && self.def.is_hidden(name) {
            return Err(Error::invalid_filter(
                path,
                format!("`{name}` is hidden and cannot be used in a filter"),
            ));
        }
        Ok((index, &prop.property_type))
    }

    fn resolve_where(&self, w: &Where, path: &str) -> Result<Cond> {
        match w {
            Where::And(items) | Where::Or(items) => {
                let key = if matches!(w, Where::And(_)) { "and" } else { "or" };
                let conds = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.resolve_where(item, &sub_path(path, format_args!("{key}[{i}]"))))
                    .collect::<Result<Vec<_>>>()?;
                Ok(if key == "and" {
                    Cond::And(conds)
                } else {
                    Cond::Or(conds)
                })
            }
            Where::Untrusted(inner) => Resolver {
                def: self.def,
                origin: Origin::Json,
            }
            .resolve_where(inner, path),
            Where::Cond { property, op } => {
                let here = sub_path(path, format_args!("{property}"));
                let (prop, ty) = self.property(property, &here)?;
                let op = resolve_op(ty, op, &sub_path(&here, format_args!("{}", op.name())))?;
                Ok(Cond::Cmp { prop, op })
            }
        }
    }
}

/// `path.part`, or nothing while paths are not written (see
/// [`Resolver::resolve_root`]).
fn sub_path(path: &str, part: std::fmt::Arguments<'_>) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}.{part}")
    }
}

fn expected_for(ty: &PropertyType) -> &'static str {
    match ty {
        PropertyType::String | PropertyType::Date => "a string",
        PropertyType::Number => "a number",
        PropertyType::Boolean => "a boolean",
        _ => "a value",
    }
}

fn check_value(ty: &PropertyType, value: &Value, path: &str) -> Result<Value> {
    let ok = match (ty, value) {
        (_, Value::Null) => false,
        (PropertyType::Number, Value::Int(_) | Value::Float(_) | Value::Decimal(_)) => true,
        (PropertyType::String | PropertyType::Date, Value::Text(_)) => true,
        (PropertyType::Boolean, Value::Bool(_)) => true,
        (PropertyType::Buffer, Value::Bytes(_) | Value::Text(_)) => true,
        (PropertyType::Any | PropertyType::Object | PropertyType::Model(_) | PropertyType::GeoPoint, _) => true,
        (PropertyType::Array(_), Value::Json(serde_json::Value::Array(_))) => true,
        _ => false,
    };
    if ok {
        Ok(match (ty, value) {
            (PropertyType::Date, Value::Text(t)) => Value::Text(crate::types::canonical_date(t)),
            _ => value.clone(),
        })
    } else {
        let shown = match value {
            Value::Text(t) => format!("{:?}", t.chars().take(40).collect::<String>()),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            other => other.kind().to_owned(),
        };
        let want = match ty {
            PropertyType::Array(_) => "an array",
            other => expected_for(other),
        };
        Err(Error::invalid_filter(path, format!("expected {want}, got {shown}")))
    }
}

fn orderable(ty: &PropertyType, path: &str) -> Result<()> {
    match ty {
        PropertyType::Number | PropertyType::String | PropertyType::Date | PropertyType::Boolean => Ok(()),
        other => Err(Error::invalid_filter(
            path,
            format!("a `{other}` property cannot be compared by order"),
        )),
    }
}

fn text_only(ty: &PropertyType, path: &str) -> Result<()> {
    match ty {
        PropertyType::String => Ok(()),
        other => Err(Error::invalid_filter(path, format!("a `{other}` property is not text"))),
    }
}

/// Turns an anchored SQL `LIKE` pattern into a regular expression.
pub fn like_to_regex(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    out.push_str("^(?s:");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '\\' => match chars.next() {
                Some(next) => out.push_str(&regex::escape(&next.to_string())),
                None => out.push_str(r"\\"),
            },
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    out.push_str(")$");
    out
}

/// Splits `"/^a/i"` into (`^a`, insensitive); a pattern without slashes is
/// taken as it is. Flags other than `i`, `g`, `m`, `s` are an error.
pub fn split_regexp(pattern: &str) -> std::result::Result<(String, bool), String> {
    if let Some(rest) = pattern.strip_prefix('/') {
        if let Some(end) = rest.rfind('/') {
            let (body, flags) = (&rest[..end], &rest[end + 1..]);
            let mut insensitive = false;
            for f in flags.chars() {
                match f {
                    'i' => insensitive = true,
                    'g' | 'm' | 's' => {}
                    other => return Err(format!("unknown regexp flag `{other}`; valid flags: i, g, m, s")),
                }
            }
            return Ok((body.to_owned(), insensitive));
        }
    }
    Ok((pattern.to_owned(), false))
}

fn compile(source: &str, insensitive: bool, path: &str) -> Result<Regex> {
    RegexBuilder::new(source)
        .case_insensitive(insensitive)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let first = msg.lines().last().unwrap_or("invalid pattern").trim().to_owned();
            Error::invalid_filter(path, format!("invalid regular expression: {first}"))
        })
}

fn resolve_op(ty: &PropertyType, op: &Op, path: &str) -> Result<CmpOp> {
    Ok(match op {
        Op::Eq(Value::Null) => CmpOp::IsNull,
        Op::Neq(Value::Null) => CmpOp::NotNull,
        Op::Eq(v) => CmpOp::Eq(check_value(ty, v, path)?),
        Op::Neq(v) => CmpOp::Neq(check_value(ty, v, path)?),
        Op::Gt(v) | Op::Gte(v) | Op::Lt(v) | Op::Lte(v) => {
            orderable(ty, path)?;
            let v = check_value(ty, v, path)?;
            match op {
                Op::Gt(_) => CmpOp::Gt(v),
                Op::Gte(_) => CmpOp::Gte(v),
                Op::Lt(_) => CmpOp::Lt(v),
                _ => CmpOp::Lte(v),
            }
        }
        Op::Between(a, b) => {
            orderable(ty, path)?;
            CmpOp::Between(
                check_value(ty, a, &format!("{path}[0]"))?,
                check_value(ty, b, &format!("{path}[1]"))?,
            )
        }
        Op::Inq(vs) | Op::Nin(vs) => {
            if vs.len() > super::MAX_LIST_LEN {
                return Err(Error::invalid_filter(
                    path,
                    format!(
                        "a list of {} values is longer than the limit of {}",
                        vs.len(),
                        super::MAX_LIST_LEN
                    ),
                ));
            }
            let checked = vs
                .iter()
                .enumerate()
                .map(|(i, v)| check_value(ty, v, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>>>()?;
            if matches!(op, Op::Inq(_)) {
                CmpOp::In(checked)
            } else {
                CmpOp::NotIn(checked)
            }
        }
        Op::Like(p) | Op::Nlike(p) | Op::Ilike(p) | Op::Nilike(p) => {
            text_only(ty, path)?;
            let insensitive = matches!(op, Op::Ilike(_) | Op::Nilike(_));
            let negated = matches!(op, Op::Nlike(_) | Op::Nilike(_));
            let regex = compile(&like_to_regex(p), insensitive, path)?;
            CmpOp::Like {
                pattern: p.clone(),
                insensitive,
                negated,
                regex,
            }
        }
        Op::Regexp(p) => {
            text_only(ty, path)?;
            let (source, insensitive) = split_regexp(p).map_err(|m| Error::invalid_filter(path, m))?;
            let regex = compile(&source, insensitive, path)?;
            CmpOp::Regexp {
                source,
                insensitive,
                regex,
            }
        }
        Op::Near(n) => {
            if *ty != PropertyType::GeoPoint {
                return Err(Error::invalid_filter(
                    path,
                    format!("`near` needs a GeoPoint property, not `{ty}`"),
                ));
            }
            let factor = match &n.unit {
                None => 1.0,
                Some(u) => unit_in_km(u).ok_or_else(|| Error::invalid_filter(path, format!("unknown unit `{u}`")))?,
            };
            CmpOp::Near {
                point: n.point,
                max_km: n.max_distance.map(|d| d * factor),
            }
        }
    })
}

/// Checks `filter` against `def`: every property exists (and is not hidden
/// when the filter came from JSON), every value has the property's type,
/// every pattern compiles.
pub fn resolve(def: &ModelDefinition, filter: &Filter) -> Result<Query> {
    let r = Resolver {
        def,
        origin: filter.origin,
    };
    let cond = filter.where_.as_ref().map(|w| r.resolve_root(w)).transpose()?;
    let mut order = Vec::with_capacity(filter.order.len() + 1);
    for (i, o) in filter.order.iter().enumerate() {
        let path = if filter.order.len() == 1 {
            "order".to_owned()
        } else {
            format!("order[{i}]")
        };
        let (prop, ty) = r.property(&o.property, &path)?;
        match ty {
            PropertyType::Number
            | PropertyType::String
            | PropertyType::Date
            | PropertyType::Boolean
            | PropertyType::Buffer => {}
            other => {
                return Err(Error::invalid_filter(
                    path,
                    format!("cannot sort by a `{other}` property"),
                ))
            }
        }
        order.push((prop, o.direction));
    }
    for id in def.id_properties() {
        if let Some(index) = def.properties.get_index_of(id) {
            if !order.iter().any(|(p, _)| *p == index) {
                order.push((index, Direction::Asc));
            }
        }
    }
    let near = cond.as_ref().and_then(find_near);
    let fields = match &filter.fields {
        None => None,
        Some(Fields::Include(names)) => {
            let mut out = Vec::with_capacity(names.len());
            for name in names {
                let (i, _) = r.property(name, &format!("fields.{name}"))?;
                if !out.contains(&i) {
                    out.push(i);
                }
            }
            out.sort_unstable();
            Some(out)
        }
        Some(Fields::Exclude(names)) => {
            let mut excluded = Vec::with_capacity(names.len());
            for name in names {
                excluded.push(r.property(name, &format!("fields.{name}"))?.0);
            }
            Some((0..def.properties.len()).filter(|i| !excluded.contains(i)).collect())
        }
    };
    for (i, inc) in filter.include.iter().enumerate() {
        if !def.relations.contains_key(&inc.relation) {
            let names: Vec<&str> = def.relations.keys().map(String::as_str).collect();
            let valid = if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            };
            return Err(Error::invalid_filter(
                format!("include[{i}]"),
                format!(
                    "`{}` has no relation `{}`; valid relations: {valid}",
                    def.name, inc.relation
                ),
            ));
        }
    }
    // Every database takes a signed 64-bit count; LoopBack's `limit: 0` is no limit.
    for (name, n) in [("limit", filter.limit), ("skip", filter.skip)] {
        if n.is_some_and(|n| n > MAX_COUNT) {
            return Err(Error::invalid_filter(
                name,
                format!("at most {MAX_COUNT} (the largest count every database accepts)"),
            ));
        }
    }
    let ordered =
        !filter.order.is_empty() || filter.limit.is_some_and(|l| l != 0) || filter.skip.is_some_and(|s| s != 0);
    Ok(Query {
        cond,
        order,
        ordered,
        near,
        limit: filter.limit.filter(|l| *l != 0),
        skip: filter.skip.filter(|s| *s != 0),
        fields,
        include: filter.include.clone(),
    })
}

/// The largest `limit` / `skip`: what a signed 64-bit integer holds.
pub const MAX_COUNT: u64 = i64::MAX as u64;

/// [`resolve`] with the model's default scope merged in. The scope is the
/// model's own code, so it may use hidden properties (a soft-delete flag, a
/// tenant id) even when `filter` came in as JSON: its `where` is ANDed in;
/// its `order`, `limit`, `skip`, `fields` and `include` apply where the
/// filter has none.
pub fn resolve_scoped(def: &ModelDefinition, scope: Option<&Filter>, filter: &Filter) -> Result<Query> {
    let mut query = resolve(def, filter)?;
    let Some(scope) = scope else {
        return Ok(query);
    };
    let mut trusted = scope.clone();
    trusted.origin = Origin::Code;
    let scoped = resolve(def, &trusted).map_err(|e| match e {
        Error::InvalidFilter { path, message } => {
            Error::invalid_filter(format!("default scope of `{}`: {path}", def.name), message)
        }
        other => other,
    })?;
    query.cond = match (scoped.cond, query.cond.take()) {
        (Some(a), Some(b)) => Some(Cond::And(vec![a, b])),
        (a, b) => a.or(b),
    };
    if filter.order.is_empty() && !scope.order.is_empty() {
        query.order = scoped.order;
    }
    query.limit = query.limit.or(scoped.limit);
    query.skip = query.skip.or(scoped.skip);
    query.ordered |= scoped.ordered;
    if filter.fields.is_none() {
        query.fields = scoped.fields;
    }
    if filter.include.is_empty() {
        query.include = scoped.include;
    }
    query.near = query.cond.as_ref().and_then(find_near);
    Ok(query)
}

/// Checks a bare `where` against `def`.
pub fn resolve_where(def: &ModelDefinition, w: &Where, origin: Origin) -> Result<Cond> {
    Resolver { def, origin }.resolve_root(w)
}

/// The value when `w` (from code) is exactly "the model's one id equals a
/// value", checked as [`resolve_where`] checks it: what the by-id fast paths
/// take without building a condition. `None` for any other `where`, and for
/// a value [`resolve_where`] would refuse (it then says why).
pub(crate) fn id_equality(def: &ModelDefinition, w: &Where) -> Option<Value> {
    let Where::Cond {
        property,
        op: Op::Eq(value),
    } = w
    else {
        return None;
    };
    if value.is_null() || def.properties.values().filter(|p| p.id.is_some()).count() != 1 {
        return None;
    }
    let resolver = Resolver {
        def,
        origin: Origin::Code,
    };
    let (pos, ty) = resolver.property(property, "").ok()?;
    def.properties[pos].id?;
    check_value(ty, value, "").ok()
}

fn find_near(cond: &Cond) -> Option<(usize, GeoPoint)> {
    match cond {
        Cond::Cmp {
            prop,
            op: CmpOp::Near { point, .. },
        } => Some((*prop, *point)),
        Cond::And(items) => items.iter().find_map(find_near),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_are_anchored_and_escaped() {
        let re = Regex::new(&like_to_regex("A%")).expect("compiles");
        assert!(re.is_match("Ann"));
        assert!(!re.is_match("bAnn"));
        let re = Regex::new(&like_to_regex(r"100\%")).expect("compiles");
        assert!(re.is_match("100%"));
        assert!(!re.is_match("1000"));
        let re = Regex::new(&like_to_regex("a.c_")).expect("compiles");
        assert!(re.is_match("a.cd"));
        assert!(!re.is_match("abcd"));
    }

    #[test]
    fn id_equality_is_only_the_one_id_equal_to_a_value_of_its_type() {
        let def = ModelDefinition::from_json(
            r#"{"name": "Tag", "properties": {"id": {"type": "number", "id": true}, "label": {"type": "string"}}}"#,
        )
        .expect("loads");
        let eq = |p: &str, v: Value| Where::Cond {
            property: p.to_owned(),
            op: Op::Eq(v),
        };
        assert_eq!(id_equality(&def, &eq("id", Value::Int(7))), Some(Value::Int(7)));
        assert_eq!(id_equality(&def, &eq("label", Value::Int(7))), None);
        assert_eq!(id_equality(&def, &eq("id", Value::Null)), None);
        assert_eq!(
            id_equality(&def, &eq("id", Value::Text("7".into()))),
            None,
            "refused by resolve_where"
        );
        assert_eq!(id_equality(&def, &eq("nope", Value::Int(7))), None);
        let untrusted = Where::Untrusted(Box::new(eq("id", Value::Int(7))));
        assert_eq!(id_equality(&def, &untrusted), None);
    }

    #[test]
    fn regexp_flags() {
        assert_eq!(split_regexp("/^a/i"), Ok(("^a".to_owned(), true)));
        assert_eq!(split_regexp("^A.*"), Ok(("^A.*".to_owned(), false)));
        assert!(split_regexp("/a/x").is_err());
    }
}
