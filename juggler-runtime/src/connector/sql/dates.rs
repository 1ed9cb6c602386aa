//! Native date and time columns (PostgreSQL, MySQL): juggler holds dates as
//! canonical text (`2024-05-06T07:08:09.123456Z`, `2024-05-06`, `07:08:09`,
//! see `juggler::types`); here that text becomes the driver's date, time or
//! timestamp to bind, and a column read back becomes that text again.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};

/// A date, a time of day or an instant, as the text's shape says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Moment {
    Date(NaiveDate),
    Time(NaiveTime),
    /// In UTC.
    Stamp(DateTime<Utc>),
}

/// Reads canonical (or RFC 3339, or SQL's `YYYY-MM-DD HH:MM:SS`) text; text
/// without an offset is UTC. `None` for anything else, which is then bound
/// as text for the database to judge.
pub(crate) fn parse(text: &str) -> Option<Moment> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(Moment::Stamp(d.with_timezone(&Utc)));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, format) {
            return Some(Moment::Stamp(d.and_utc()));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(Moment::Date(d));
    }
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
        .map(Moment::Time)
}

/// An instant in the canonical form.
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A timestamp without a zone, taken as UTC.
pub(crate) fn naive(t: NaiveDateTime) -> String {
    stamp(t.and_utc())
}

/// A date as `YYYY-MM-DD`.
pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A time of day as `HH:MM:SS` (with the fraction when there is one).
pub(crate) fn time(t: NaiveTime) -> String {
    t.format("%H:%M:%S%.f").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_decide_what_is_bound() {
        let at = |s: &str| match parse(s) {
            Some(Moment::Stamp(t)) => stamp(t),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(at("2024-05-06T07:08:09.123456Z"), "2024-05-06T07:08:09.123456Z");
        assert_eq!(at("2024-05-06T09:08:09+02:00"), "2024-05-06T07:08:09.000000Z");
        assert_eq!(at("2024-05-06 07:08:09"), "2024-05-06T07:08:09.000000Z");
        assert_eq!(
            parse("2024-05-06"),
            Some(Moment::Date(NaiveDate::from_ymd_opt(2024, 5, 6).unwrap()))
        );
        assert_eq!(
            parse("07:08"),
            Some(Moment::Time(NaiveTime::from_hms_opt(7, 8, 0).unwrap()))
        );
        assert_eq!(parse("next tuesday"), None);
        assert_eq!(
            time(NaiveTime::from_hms_micro_opt(7, 8, 9, 5).unwrap()),
            "07:08:09.000005"
        );
    }
}
