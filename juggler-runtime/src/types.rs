//! Dates, times and UUIDs as properties.
//!
//! Dates and times are stored as text in one canonical form, RFC 3339 in UTC
//! with microseconds (`2024-05-06T07:08:09.123456Z`), dates alone as
//! `YYYY-MM-DD`: every connector stores, compares and orders them the same
//! way, and a date in a JSON filter is brought to the same form. UUIDs are
//! stored as lowercase hyphenated text.

use crate::schema::PropertyType;
use crate::value::{FieldValue, Value};
use serde_json::{json, Value as Json};

/// Brings an RFC 3339 timestamp to the canonical form; other text is
/// returned as it is.
pub(crate) fn canonical_date(text: &str) -> String {
    match humantime::parse_rfc3339_weak(text.trim_end_matches('Z').trim_end_matches('z')) {
        Ok(t) if text.len() > 10 && (text.ends_with('Z') || text.ends_with('z') || !text.contains('+')) => {
            humantime::format_rfc3339_micros(t).to_string()
        }
        _ => text.to_owned(),
    }
}

/// The date of a date or of a timestamp (`2024-05-06T..` read from a
/// timestamp column into a date).
#[cfg(any(feature = "chrono", feature = "time"))]
fn date_part(text: &str) -> &str {
    match text.get(..11) {
        Some(head) if head.ends_with(['T', ' ']) => &text[..10],
        _ => text,
    }
}

fn text(value: Value, what: &str) -> Result<String, String> {
    match value {
        Value::Text(t) => Ok(t),
        other => Err(format!("expected {what} as text, got {}", other.kind())),
    }
}

impl FieldValue for uuid::Uuid {
    fn property_type() -> PropertyType {
        PropertyType::String
    }
    fn to_value(&self) -> Value {
        Value::Text(self.hyphenated().to_string())
    }
    fn from_value(value: Value) -> Result<Self, String> {
        let t = text(value, "a UUID")?;
        uuid::Uuid::parse_str(&t).map_err(|e| format!("`{t}` is not a UUID: {e}"))
    }
    fn placeholder() -> Option<Self> {
        Some(uuid::Uuid::nil())
    }
    fn json_schema() -> Json {
        json!({"type": "string", "format": "uuid"})
    }
    fn data_type() -> Option<&'static str> {
        Some("char(36)")
    }
}

/// An exact decimal: `NUMERIC` on PostgreSQL, `DECIMAL` on MySQL (with the
/// property's `precision` / `scale` when given), exact text on SQLite and in
/// JSON.
impl FieldValue for rust_decimal::Decimal {
    fn property_type() -> PropertyType {
        PropertyType::Number
    }
    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
    fn from_value(value: Value) -> Result<Self, String> {
        value
            .to_decimal()
            .ok_or_else(|| format!("expected a decimal, got {}", value.kind()))
    }
    fn placeholder() -> Option<Self> {
        Some(rust_decimal::Decimal::ZERO)
    }
    fn json_schema() -> Json {
        json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"})
    }
    fn data_type() -> Option<&'static str> {
        Some("decimal")
    }
}

#[cfg(feature = "chrono")]
mod chrono_types {
    use super::*;
    use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

    impl FieldValue for DateTime<Utc> {
        fn property_type() -> PropertyType {
            PropertyType::Date
        }
        fn to_value(&self) -> Value {
            Value::Text(self.to_rfc3339_opts(SecondsFormat::Micros, true))
        }
        fn from_value(value: Value) -> Result<Self, String> {
            let t = text(value, "a timestamp")?;
            DateTime::parse_from_rfc3339(&t)
                .map(|d| d.with_timezone(&Utc))
                // A timestamp without a zone (SQL's text form, SQLite
                // `DATETIME` columns) is UTC.
                .or_else(|e| {
                    NaiveDateTime::from_value(Value::Text(t.clone()))
                        .map(|d| d.and_utc())
                        .map_err(|_| e)
                })
                .map_err(|e| format!("`{t}`: {e}"))
        }
        fn json_schema() -> Json {
            json!({"type": "string", "format": "date-time"})
        }
    }

    impl FieldValue for NaiveDateTime {
        fn property_type() -> PropertyType {
            PropertyType::Date
        }
        fn to_value(&self) -> Value {
            Value::Text(self.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true))
        }
        fn from_value(value: Value) -> Result<Self, String> {
            let t = text(value, "a timestamp")?;
            DateTime::parse_from_rfc3339(&t)
                .map(|d| d.naive_utc())
                .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.f"))
                // SQL's own text form (SQLite `DATETIME` columns hold it).
                .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S%.f"))
                .map_err(|e| format!("`{t}`: {e}"))
        }
        fn json_schema() -> Json {
            json!({"type": "string", "format": "date-time"})
        }
    }

    impl FieldValue for NaiveDate {
        fn property_type() -> PropertyType {
            PropertyType::Date
        }
        fn to_value(&self) -> Value {
            Value::Text(self.format("%Y-%m-%d").to_string())
        }
        fn from_value(value: Value) -> Result<Self, String> {
            let t = text(value, "a date")?;
            NaiveDate::parse_from_str(date_part(&t), "%Y-%m-%d").map_err(|e| format!("`{t}`: {e}"))
        }
        fn json_schema() -> Json {
            json!({"type": "string", "format": "date"})
        }
        fn data_type() -> Option<&'static str> {
            Some("date")
        }
    }
}

#[cfg(feature = "time")]
mod time_types {
    use super::*;
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

    const CANONICAL: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    const DATE: &[time::format_description::BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

    impl FieldValue for OffsetDateTime {
        fn property_type() -> PropertyType {
            PropertyType::Date
        }
        fn to_value(&self) -> Value {
            Value::Text(self.to_offset(UtcOffset::UTC).format(CANONICAL).unwrap_or_default())
        }
        fn from_value(value: Value) -> Result<Self, String> {
            let t = text(value, "a timestamp")?;
            OffsetDateTime::parse(&t, &Rfc3339).map_err(|e| format!("`{t}`: {e}"))
        }
        fn json_schema() -> Json {
            json!({"type": "string", "format": "date-time"})
        }
    }

    impl FieldValue for PrimitiveDateTime {
        fn property_type() -> PropertyType {
            PropertyType::Date
        }
        fn to_value(&self) -> Value {
            Value::Text(self.assume_utc().format(CANONICAL).unwrap_or_default())
        }
        fn from_value(value: Value) -> Result<Self, String> {
            let t = text(value, "a timestamp")?;
            OffsetDateTime::parse(&t, &Rfc3339)
                .map(|d| {
                    let d = d.to_offset(UtcOffset::UTC);
                    PrimitiveDateTime::new(d.date(), d.time())
                })
                .map_err(|e| format!("`{t}`: {e}"))
        }
        fn json_schema() -> Json {
            json!({"type": "string", "format": "date-time"})
        }
    }

    impl FieldValue for Date {
        fn property_type() -> PropertyType {
            PropertyType::Date
        }
        fn to_value(&self) -> Value {
            Value::Text(self.format(DATE).unwrap_or_default())
        }
        fn from_value(value: Value) -> Result<Self, String> {
            let t = text(value, "a date")?;
            Date::parse(date_part(&t), DATE).map_err(|e| format!("`{t}`: {e}"))
        }
        fn json_schema() -> Json {
            json!({"type": "string", "format": "date"})
        }
        fn data_type() -> Option<&'static str> {
            Some("date")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_date;

    #[test]
    fn dates_in_filters_are_canonical() {
        assert_eq!(canonical_date("2024-05-06T07:08:09Z"), "2024-05-06T07:08:09.000000Z");
        assert_eq!(canonical_date("2024-05-06T07:08:09.5Z"), "2024-05-06T07:08:09.500000Z");
        assert_eq!(canonical_date("2024-05-06"), "2024-05-06");
        assert_eq!(canonical_date("soon"), "soon");
    }
}
