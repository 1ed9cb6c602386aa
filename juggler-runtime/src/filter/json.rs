//! Parsing LoopBack's JSON filter into [`Filter`].

use super::{Direction, Fields, Filter, Include, Near, Op, Order, Origin, Where, MAX_DEPTH, MAX_LIST_LEN};
use crate::value::{GeoPoint, Value};
use crate::{Error, Result};
use serde_json::{Map, Value as Json};

const FILTER_KEYS: &[&str] = &["where", "order", "limit", "skip", "offset", "fields", "include"];
const OPERATORS: &[&str] = &[
    "eq", "neq", "gt", "gte", "lt", "lte", "between", "inq", "nin", "like", "nlike", "ilike", "nilike", "regexp",
    "near",
];

pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn unknown(kind: &str, word: &str, candidates: &[&str]) -> String {
    let hint = did_you_mean(word, candidates)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    let sep = if hint.is_empty() { ";" } else { "" };
    format!(
        "unknown {kind} `{word}`{hint}{sep} valid {kind}s: {}",
        candidates.join(", ")
    )
}

fn describe(json: &Json) -> String {
    match json {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => {
            let shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                format!("{shown:?}...")
            } else {
                format!("{shown:?}")
            }
        }
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
    }
}

pub(super) fn parse_filter(value: &Json, path: &str, depth: usize, origin: Origin) -> Result<Filter> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid_filter(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let object = match value {
        Json::Object(m) => m,
        Json::Null => {
            return Ok(Filter {
                origin,
                ..Filter::default()
            })
        }
        other => {
            return Err(Error::invalid_filter(
                path,
                format!("expected an object, got {}", describe(other)),
            ))
        }
    };
    let mut filter = Filter {
        origin,
        ..Filter::default()
    };
    for (key, v) in object {
        let here = if path == "filter" {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match key.as_str() {
            "where" => {
                if !v.is_null() {
                    let w = parse_where(v, &here, depth + 1)?;
                    filter.where_ = Some(match origin {
                        Origin::Json => Where::Untrusted(Box::new(w)),
                        Origin::Code => w,
                    });
                }
            }
            "order" => filter.order = parse_order(v, &here)?,
            "limit" => filter.limit = parse_count(v, &here)?,
            "skip" | "offset" => {
                if let Some(n) = parse_count(v, &here)? {
                    if filter.skip.is_some_and(|s| s != n) {
                        return Err(Error::invalid_filter(here, "`skip` and `offset` disagree"));
                    }
                    filter.skip = Some(n);
                }
            }
            "fields" => filter.fields = parse_fields(v, &here)?,
            "include" => filter.include = parse_include(v, &here, depth + 1)?,
            other => return Err(Error::invalid_filter(path, unknown("filter key", other, FILTER_KEYS))),
        }
    }
    Ok(filter)
}

fn parse_count(value: &Json, path: &str) -> Result<Option<u64>> {
    match value {
        Json::Null => Ok(None),
        Json::Number(n) => match n.as_u64() {
            Some(v) => Ok(Some(v)),
            None => Err(Error::invalid_filter(
                path,
                format!("expected a non-negative integer, got {n}"),
            )),
        },
        Json::String(s) => s.trim().parse::<u64>().map(Some).map_err(|_| {
            Error::invalid_filter(
                path,
                format!("expected a non-negative integer, got {}", describe(value)),
            )
        }),
        other => Err(Error::invalid_filter(
            path,
            format!("expected a non-negative integer, got {}", describe(other)),
        )),
    }
}

fn parse_direction(word: Option<&str>, here: &str) -> Result<Direction> {
    match word.map(str::to_ascii_uppercase).as_deref() {
        None | Some("ASC") => Ok(Direction::Asc),
        Some("DESC") => Ok(Direction::Desc),
        Some(other) => Err(Error::invalid_filter(
            here,
            format!("unknown direction `{other}`; valid directions: ASC, DESC"),
        )),
    }
}

/// One `"property [ASC|DESC]"` key; a property whose name holds spaces or
/// commas is written in backticks: `` "`first name` DESC" ``.
fn parse_order_key(part: &str, here: &str) -> Result<Order> {
    let part = part.trim();
    let (property, rest) = match part.strip_prefix('`') {
        Some(quoted) => {
            let end = quoted
                .find('`')
                .ok_or_else(|| Error::invalid_filter(here, "unclosed ` in a sort key"))?;
            (quoted[..end].to_owned(), &quoted[end + 1..])
        }
        None => {
            let mut words = part.splitn(2, char::is_whitespace);
            let property = words.next().unwrap_or("");
            (property.to_owned(), words.next().unwrap_or(""))
        }
    };
    if property.is_empty() {
        return Err(Error::invalid_filter(here, "empty sort key"));
    }
    let mut words = rest.split_whitespace();
    let direction = parse_direction(words.next(), here)?;
    if let Some(extra) = words.next() {
        return Err(Error::invalid_filter(
            here,
            format!(
                "unexpected `{extra}` after the direction (write a name with spaces in backticks: `first name` DESC)"
            ),
        ));
    }
    Ok(Order { property, direction })
}

/// Splits `a ASC, b DESC` on the commas outside backticks.
fn split_keys(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '`' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// `{"first name": "DESC"}`: one sort key per entry, in order.
fn parse_order_object(object: &Map<String, Json>, here: &str, out: &mut Vec<Order>) -> Result<()> {
    for (property, direction) in object {
        let direction = match direction {
            Json::String(d) => parse_direction(Some(d), &format!("{here}.{property}"))?,
            other => {
                return Err(Error::invalid_filter(
                    format!("{here}.{property}"),
                    format!("expected \"ASC\" or \"DESC\", got {}", describe(other)),
                ))
            }
        };
        out.push(Order {
            property: property.clone(),
            direction,
        });
    }
    Ok(())
}

/// LoopBack's `order`: `"age DESC"`, `"age DESC, name"`, or an array of
/// such strings; also `{"first name": "DESC"}` (alone or in the array) and
/// `` "`first name` DESC" `` for names with spaces.
fn parse_order(value: &Json, path: &str) -> Result<Vec<Order>> {
    let mut out = Vec::new();
    let one = |text: &str, here: String, out: &mut Vec<Order>| -> Result<()> {
        let parts = split_keys(text);
        let many = parts.len() > 1;
        for (i, part) in parts.into_iter().enumerate() {
            let here = if many { format!("{here}[{i}]") } else { here.clone() };
            out.push(parse_order_key(part, &here)?);
        }
        Ok(())
    };
    match value {
        Json::Null => {}
        Json::String(s) => one(s, path.to_owned(), &mut out)?,
        Json::Object(m) => parse_order_object(m, path, &mut out)?,
        Json::Array(items) => {
            if items.len() > MAX_LIST_LEN {
                return Err(Error::invalid_filter(path, "too many sort keys"));
            }
            for (i, item) in items.iter().enumerate() {
                match item {
                    Json::String(s) => one(s, format!("{path}[{i}]"), &mut out)?,
                    Json::Object(m) => parse_order_object(m, &format!("{path}[{i}]"), &mut out)?,
                    other => {
                        return Err(Error::invalid_filter(
                            format!("{path}[{i}]"),
                            format!("expected \"property ASC|DESC\", got {}", describe(other)),
                        ))
                    }
                }
            }
        }
        other => {
            return Err(Error::invalid_filter(
                path,
                format!(
                    "expected \"property ASC|DESC\" or an array of them, got {}",
                    describe(other)
                ),
            ))
        }
    }
    if out.len() > MAX_LIST_LEN {
        return Err(Error::invalid_filter(path, "too many sort keys"));
    }
    Ok(out)
}

fn parse_fields(value: &Json, path: &str) -> Result<Option<Fields>> {
    match value {
        Json::Null => Ok(None),
        Json::Array(items) => {
            let mut names = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Json::String(s) => names.push(s.clone()),
                    other => {
                        return Err(Error::invalid_filter(
                            format!("{path}[{i}]"),
                            format!("expected a property name, got {}", describe(other)),
                        ))
                    }
                }
            }
            Ok(Some(Fields::Include(names)))
        }
        Json::Object(map) => {
            let (mut yes, mut no) = (Vec::new(), Vec::new());
            for (name, flag) in map {
                match flag {
                    Json::Bool(true) => yes.push(name.clone()),
                    Json::Bool(false) => no.push(name.clone()),
                    other => {
                        return Err(Error::invalid_filter(
                            format!("{path}.{name}"),
                            format!("expected true or false, got {}", describe(other)),
                        ))
                    }
                }
            }
            // LoopBack: when any property is set to true, only those are returned.
            Ok(Some(if yes.is_empty() {
                Fields::Exclude(no)
            } else {
                Fields::Include(yes)
            }))
        }
        Json::String(s) => Ok(Some(Fields::Include(vec![s.clone()]))),
        other => Err(Error::invalid_filter(
            path,
            format!(
                "expected an array of property names or {{property: true|false}}, got {}",
                describe(other)
            ),
        )),
    }
}

fn parse_include(value: &Json, path: &str, depth: usize) -> Result<Vec<Include>> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid_filter(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    match value {
        Json::Null => Ok(Vec::new()),
        Json::String(s) => Ok(vec![Include::new(s.clone())]),
        Json::Array(items) => {
            if items.len() > MAX_LIST_LEN {
                return Err(Error::invalid_filter(path, "too many relations"));
            }
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                out.extend(parse_include(item, &format!("{path}[{i}]"), depth + 1)?);
            }
            Ok(out)
        }
        Json::Object(map) if map.contains_key("relation") => {
            let relation = match &map["relation"] {
                Json::String(s) => s.clone(),
                other => {
                    return Err(Error::invalid_filter(
                        format!("{path}.relation"),
                        format!("expected a relation name, got {}", describe(other)),
                    ))
                }
            };
            let mut include = Include::new(relation);
            for (key, v) in map {
                match key.as_str() {
                    "relation" => {}
                    "scope" => {
                        let scope = parse_filter(v, &format!("{path}.scope"), depth + 1, Origin::Json)?;
                        include.scope = Some(Box::new(scope));
                    }
                    other => {
                        return Err(Error::invalid_filter(
                            path,
                            unknown("include key", other, &["relation", "scope"]),
                        ))
                    }
                }
            }
            Ok(vec![include])
        }
        Json::Object(map) => {
            // {"orders": "items"} / {"orders": ["items", ..]} / {"orders": {"items": ..}}
            let mut out = Vec::new();
            for (relation, nested) in map {
                let nested = parse_include(nested, &format!("{path}.{relation}"), depth + 1)?;
                let mut include = Include::new(relation.clone());
                if !nested.is_empty() {
                    include.scope = Some(Box::new(Filter {
                        include: nested,
                        origin: Origin::Json,
                        ..Filter::default()
                    }));
                }
                out.push(include);
            }
            Ok(out)
        }
        other => Err(Error::invalid_filter(
            path,
            format!(
                "expected a relation name, an array or an object, got {}",
                describe(other)
            ),
        )),
    }
}

pub(super) fn parse_where(value: &Json, path: &str, depth: usize) -> Result<Where> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid_filter(
            path,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let object = match value {
        Json::Object(m) => m,
        other => {
            return Err(Error::invalid_filter(
                path,
                format!("expected an object, got {}", describe(other)),
            ))
        }
    };
    let mut parts = Vec::with_capacity(object.len());
    for (key, v) in object {
        let here = format!("{path}.{key}");
        match key.as_str() {
            "and" | "or" => {
                let items = match v {
                    Json::Array(items) => items,
                    other => {
                        return Err(Error::invalid_filter(
                            here,
                            format!("expected an array of conditions, got {}", describe(other)),
                        ))
                    }
                };
                if items.len() > MAX_LIST_LEN {
                    return Err(Error::invalid_filter(
                        here,
                        format!("more than {MAX_LIST_LEN} conditions"),
                    ));
                }
                let mut conds = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    conds.push(parse_where(item, &format!("{here}[{i}]"), depth + 1)?);
                }
                parts.push(if key == "and" {
                    Where::And(conds)
                } else {
                    Where::Or(conds)
                });
            }
            property => parts.extend(parse_condition(property, v, &here)?),
        }
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Where::And(parts)
    })
}

fn scalar(value: &Json, path: &str) -> Result<Value> {
    match value {
        Json::Array(_) | Json::Object(_) => Err(Error::invalid_filter(
            path,
            format!("expected a single value, got {}", describe(value)),
        )),
        other => Ok(Value::from_json(other.clone())),
    }
}

fn list(value: &Json, path: &str) -> Result<Vec<Value>> {
    match value {
        Json::Array(items) => {
            if items.len() > MAX_LIST_LEN {
                return Err(Error::invalid_filter(
                    path,
                    format!(
                        "a list of {} values is longer than the limit of {MAX_LIST_LEN}",
                        items.len()
                    ),
                ));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| scalar(item, &format!("{path}[{i}]")))
                .collect()
        }
        other => Err(Error::invalid_filter(
            path,
            format!("expected an array, got {}", describe(other)),
        )),
    }
}

fn text(value: &Json, path: &str) -> Result<String> {
    match value {
        Json::String(s) => Ok(s.clone()),
        other => Err(Error::invalid_filter(
            path,
            format!("expected a pattern string, got {}", describe(other)),
        )),
    }
}

fn parse_condition(property: &str, value: &Json, path: &str) -> Result<Vec<Where>> {
    if property.is_empty() {
        return Err(Error::invalid_filter(path, "empty property name"));
    }
    let cond = |op| Where::Cond {
        property: property.to_owned(),
        op,
    };
    let ops = match value {
        Json::Object(map) => map,
        Json::Array(_) => return Ok(vec![cond(Op::Inq(list(value, path)?))]),
        other => return Ok(vec![cond(Op::Eq(Value::from_json(other.clone())))]),
    };
    if ops.is_empty() {
        return Err(Error::invalid_filter(
            path,
            "expected an operator such as {\"gt\": 1}, got an empty object",
        ));
    }
    // Modifiers that travel with an operator.
    let options = ops.get("options");
    let mut out = Vec::new();
    for (name, arg) in ops {
        let here = format!("{path}.{name}");
        let op = match name.as_str() {
            "options" | "maxDistance" | "unit" | "minDistance" => continue,
            "eq" => Op::Eq(scalar(arg, &here)?),
            "neq" => Op::Neq(scalar(arg, &here)?),
            "gt" => Op::Gt(scalar(arg, &here)?),
            "gte" => Op::Gte(scalar(arg, &here)?),
            "lt" => Op::Lt(scalar(arg, &here)?),
            "lte" => Op::Lte(scalar(arg, &here)?),
            "between" => {
                let values = list(arg, &here)?;
                match <[Value; 2]>::try_from(values) {
                    Ok([a, b]) => Op::Between(a, b),
                    Err(v) => {
                        return Err(Error::invalid_filter(
                            here,
                            format!("expected [low, high], got {} values", v.len()),
                        ))
                    }
                }
            }
            "inq" => Op::Inq(list(arg, &here)?),
            "nin" => Op::Nin(list(arg, &here)?),
            "like" | "nlike" | "ilike" | "nilike" => {
                let pattern = text(arg, &here)?;
                let insensitive = match options {
                    None => false,
                    Some(Json::String(o)) if o == "i" => true,
                    Some(other) => {
                        return Err(Error::invalid_filter(
                            format!("{path}.options"),
                            format!("expected \"i\", got {}", describe(other)),
                        ))
                    }
                };
                match (name.as_str(), insensitive) {
                    ("like", false) => Op::Like(pattern),
                    ("like", true) | ("ilike", _) => Op::Ilike(pattern),
                    ("nlike", false) => Op::Nlike(pattern),
                    _ => Op::Nilike(pattern),
                }
            }
            "regexp" => Op::Regexp(text(arg, &here)?),
            "near" => {
                let point = GeoPoint::from_json(arg).ok_or_else(|| {
                    Error::invalid_filter(
                        &here,
                        format!("expected a GeoPoint {{\"lat\", \"lng\"}}, got {}", describe(arg)),
                    )
                })?;
                let max_distance = match ops.get("maxDistance") {
                    None | Some(Json::Null) => None,
                    Some(Json::Number(n)) if n.as_f64().is_some_and(|d| d >= 0.0) => n.as_f64(),
                    Some(other) => {
                        return Err(Error::invalid_filter(
                            format!("{path}.maxDistance"),
                            format!("expected a non-negative number, got {}", describe(other)),
                        ))
                    }
                };
                let unit = match ops.get("unit") {
                    None | Some(Json::Null) => None,
                    Some(Json::String(u)) if crate::filter::resolve::unit_in_km(u).is_some() => Some(u.clone()),
                    Some(other) => {
                        return Err(Error::invalid_filter(
                            format!("{path}.unit"),
                            format!(
                                "unknown unit {}; valid units: kilometers, meters, miles, feet, radians, degrees",
                                describe(other)
                            ),
                        ))
                    }
                };
                Op::Near(Near {
                    point,
                    max_distance,
                    unit,
                })
            }
            other => return Err(Error::invalid_filter(path, unknown("operator", other, OPERATORS))),
        };
        out.push(cond(op));
    }
    if out.is_empty() {
        return Err(Error::invalid_filter(path, "modifiers without an operator"));
    }
    Ok(out)
}
