//! Validation with LoopBack's codes, messages and error shape.
//!
//! ```
//! use juggler_runtime::validation::ValidationError;
//! use juggler_runtime::Value;
//!
//! let mut err = ValidationError::new("Customer");
//! err.add("email", "uniqueness", "is not unique", &Value::Text("a@b.c".into()), false);
//! assert_eq!(
//!     err.to_string(),
//!     "The `Customer` instance is not valid. Details: `email` is not unique (value: \"a@b.c\")."
//! );
//! assert_eq!(err.to_json()["statusCode"], 422);
//! ```

use crate::schema::{ModelDefinition, ValidationKind, ValidationRule, EMAIL_REGEX};
use crate::value::{Row, Value};
use indexmap::IndexMap;
use regex::Regex;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// One failed check on one property.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyError {
    /// The property name.
    pub property: String,
    /// LoopBack's code (`presence`, `length.min`, `numericality.int`, ...).
    pub code: String,
    /// The message (`can't be blank`).
    pub message: String,
    /// The offending value as shown in the message (`"a@b.c"`, `null`,
    /// `<hidden>` for hidden properties).
    pub shown_value: String,
}

/// An instance failed validation: every failing property, at once.
///
/// Its JSON form ([`ValidationError::to_json`], also `Serialize`) is
/// LoopBack's `{"name": "ValidationError", "statusCode": 422, "message": ..,
/// "details": {"context", "codes", "messages"}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The model name.
    pub context: String,
    /// The failures, in the order the checks ran.
    pub errors: Vec<PropertyError>,
}

impl ValidationError {
    /// No failures yet, for `model`.
    pub fn new(model: impl Into<String>) -> Self {
        ValidationError {
            context: model.into(),
            errors: Vec::new(),
        }
    }

    /// Whether nothing failed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Records a failure.
    pub fn add(&mut self, property: &str, code: &str, message: &str, value: &Value, hidden: bool) {
        self.errors.push(PropertyError {
            property: property.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
            shown_value: if hidden { "<hidden>".to_owned() } else { show(value) },
        });
    }

    /// Codes by property: `{"email": ["uniqueness"]}`.
    pub fn codes(&self) -> IndexMap<&str, Vec<&str>> {
        let mut out: IndexMap<&str, Vec<&str>> = IndexMap::new();
        for e in &self.errors {
            out.entry(&e.property).or_default().push(&e.code);
        }
        out
    }

    /// Messages by property: `{"email": ["is not unique"]}`.
    pub fn messages(&self) -> IndexMap<&str, Vec<&str>> {
        let mut out: IndexMap<&str, Vec<&str>> = IndexMap::new();
        for e in &self.errors {
            out.entry(&e.property).or_default().push(&e.message);
        }
        out
    }

    /// LoopBack's JSON form.
    pub fn to_json(&self) -> Json {
        json!({
            "name": "ValidationError",
            "statusCode": 422,
            "message": self.to_string(),
            "details": {
                "context": self.context,
                "codes": self.codes(),
                "messages": self.messages(),
            }
        })
    }

    /// `Ok(())` when nothing failed, else `Err(self)`.
    pub fn into_result(self) -> Result<(), ValidationError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

fn show(value: &Value) -> String {
    let text = match value {
        Value::Null => "null".to_owned(),
        other => other.to_json().to_string(),
    };
    // LoopBack shortens long values in the message.
    if text.chars().count() > 32 {
        let short: String = text.chars().take(29).collect();
        format!("{short}...")
    } else {
        text
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "The `{}` instance is not valid. Details: ", self.context)?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "`{}` {} (value: {})", e.property, e.message, e.shown_value)?;
        }
        f.write_str(".")
    }
}

impl std::error::Error for ValidationError {}

impl serde::Serialize for ValidationError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// LoopBack's default message for a code.
pub fn default_message(code: &str) -> &'static str {
    match code {
        "presence" => "can't be blank",
        "length.min" => "too short",
        "length.max" => "too long",
        "length.is" => "length is wrong",
        "format" => "is invalid",
        "numericality.number" => "is not a number",
        "numericality.int" => "is not an integer",
        "numericality.min" => "is too small",
        "numericality.max" => "is too big",
        "inclusion" => "is not included in the list",
        "exclusion" => "is reserved",
        "uniqueness" => "is not unique",
        "unknown-property" => "is not defined in the model",
        c if c.ends_with(".blank") => "is blank",
        _ => "is invalid",
    }
}

/// A compiled regex, cached by pattern (format validators run on every save).
pub(crate) fn cached_regex(pattern: &str) -> Option<Arc<Regex>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(re) = map.get(pattern) {
        return Some(re.clone());
    }
    let re = Arc::new(Regex::new(pattern).ok()?);
    map.insert(pattern.to_owned(), re.clone());
    Some(re)
}

/// The regex behind `format(email)`.
pub fn email_regex() -> &'static str {
    EMAIL_REGEX
}

/// Runs every rule of `def` that needs only the row (all but `uniqueness` and
/// `custom`), adding failures to `errors`. `present` says which properties
/// are being written (all, for a full save).
pub fn check_rules(def: &ModelDefinition, row: &Row, present: &dyn Fn(usize) -> bool, errors: &mut ValidationError) {
    for rule in &def.validations {
        let Some((index, _, prop)) = def.properties.get_full(&rule.property) else {
            continue;
        };
        if !present(index) {
            continue;
        }
        let value = row.values.get(index).unwrap_or(&Value::Null);
        let hidden = def.is_hidden(&rule.property);
        let mut fail = |code: &str| {
            let message = rule.message.as_deref().unwrap_or_else(|| default_message(code));
            errors.add(&rule.property, code, message, value, hidden);
        };
        if matches!(rule.kind, ValidationKind::Presence) {
            if value.is_blank() {
                fail("presence");
            }
            continue;
        }
        if matches!(rule.kind, ValidationKind::Uniqueness | ValidationKind::Custom { .. }) {
            continue;
        }
        // A nullable property may be absent; anything else blank is `<code>.blank`.
        if value.is_null() && prop.is_nullable() {
            continue;
        }
        if value.is_blank() && !matches!(value, Value::Json(_)) {
            fail(&format!("{}.blank", rule.kind.code()));
            continue;
        }
        check_one(rule, value, &mut fail);
    }
}

fn check_one(rule: &ValidationRule, value: &Value, fail: &mut dyn FnMut(&str)) {
    match &rule.kind {
        ValidationKind::Length { min, max, exactly } => {
            let len = match value {
                Value::Text(t) => t.chars().count() as u64,
                Value::Json(Json::Array(a)) => a.len() as u64,
                Value::Bytes(b) => b.len() as u64,
                _ => return fail("length"),
            };
            if min.is_some_and(|m| len < m) {
                fail("length.min");
            }
            if max.is_some_and(|m| len > m) {
                fail("length.max");
            }
            if exactly.is_some_and(|m| len != m) {
                fail("length.is");
            }
        }
        ValidationKind::Format { regex } => {
            let ok = match (value.as_str(), cached_regex(regex)) {
                (Some(text), Some(re)) => re.is_match(text),
                _ => false,
            };
            if !ok {
                fail("format");
            }
        }
        ValidationKind::Numericality { int, min, max } => {
            let Some(n) = value.as_f64() else {
                return fail("numericality.number");
            };
            if n.is_nan() {
                return fail("numericality.number");
            }
            if *int && n.fract() != 0.0 {
                return fail("numericality.int");
            }
            if min.is_some_and(|m| n < m) {
                fail("numericality.min");
            }
            if max.is_some_and(|m| n > m) {
                fail("numericality.max");
            }
        }
        ValidationKind::Inclusion { values } => {
            if !values.iter().any(|v| value.same_as(&Value::from_json(v.clone()))) {
                fail("inclusion");
            }
        }
        ValidationKind::Exclusion { values } => {
            if values.iter().any(|v| value.same_as(&Value::from_json(v.clone()))) {
                fail("exclusion");
            }
        }
        ValidationKind::Presence | ValidationKind::Uniqueness | ValidationKind::Custom { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_failures_in_one_message() {
        let mut e = ValidationError::new("Customer");
        e.add("name", "presence", "can't be blank", &Value::Text(String::new()), false);
        e.add("password", "length.min", "too short", &Value::Text("x".into()), true);
        assert_eq!(
            e.to_string(),
            "The `Customer` instance is not valid. Details: `name` can't be blank (value: \"\"); \
             `password` too short (value: <hidden>)."
        );
        assert_eq!(
            e.to_json()["details"],
            json!({"context": "Customer", "codes": {"name": ["presence"], "password": ["length.min"]},
                   "messages": {"name": ["can't be blank"], "password": ["too short"]}})
        );
    }

    #[test]
    fn long_values_are_shortened() {
        assert_eq!(show(&Value::Text("x".repeat(50))), format!("\"{}...", "x".repeat(28)));
    }
}
