//! What "the same" means when a desired catalog meets a discovered one:
//! type names in every spelling a database answers with (`int4`,
//! `integer`, `INT(11)`), defaults in every quoting (`'a'::text`, `'a'`,
//! `a`), and which type changes only widen.

use crate::sql::Dialect;

/// A type reduced to what matters: its canonical name, its parameters and
/// MySQL's `UNSIGNED`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canon {
    /// `varchar`, `integer`, `numeric`, `text[]`, ...
    pub name: String,
    /// Parameters as written, spaces removed (`64`, `10,2`, `'a','b'`).
    pub args: Option<String>,
    /// MySQL `UNSIGNED`.
    pub unsigned: bool,
}

fn alias(name: &str, dialect: Dialect) -> &str {
    match name {
        "int2" | "smallserial" => "smallint",
        "int4" | "int" | "serial" | "integer" => {
            if dialect == Dialect::MySql {
                "int"
            } else {
                "integer"
            }
        }
        "int8" | "bigserial" => "bigint",
        "float8" | "double precision" | "double" => "double",
        "float4" => "real",
        "real" if dialect == Dialect::MySql => "double",
        "bool" | "boolean" => "boolean",
        "character varying" => "varchar",
        "character" | "bpchar" => "char",
        "decimal" if dialect == Dialect::Postgres => "numeric",
        "numeric" if dialect == Dialect::MySql => "decimal",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time without time zone" => "time",
        "time with time zone" => "timetz",
        other => other,
    }
}

const LENGTH_TYPES: &[&str] = &[
    "varchar",
    "char",
    "nvarchar",
    "nchar",
    "varbinary",
    "binary",
    "bit",
    "varbit",
];
const INTEGERS: &[&str] = &["tinyint", "smallint", "mediumint", "int", "integer", "bigint"];

/// The canonical form of `data_type` with the length / precision / scale a
/// catalog column holds beside it (used when the type text has none).
pub fn canon(
    data_type: &str,
    length: Option<u64>,
    precision: Option<u64>,
    scale: Option<u64>,
    dialect: Dialect,
) -> Canon {
    let mut t = data_type.trim().to_ascii_lowercase();
    // Collation and character set are not part of the type.
    for marker in [" collate ", " character set ", " charset "] {
        if let Some(at) = t.find(marker) {
            t.truncate(at);
        }
    }
    let array = t.ends_with("[]") || (t.starts_with('_') && dialect == Dialect::Postgres);
    let t = t.trim_end_matches("[]").trim_start_matches('_').to_owned();
    let unsigned = t.contains(" unsigned");
    let t = t.replace(" unsigned", "").replace(" zerofill", "");
    let (head, mut args) = match t.find('(') {
        Some(open) => {
            let close = t[open..].find(')').map_or(t.len(), |c| open + c);
            let inner: String = t[open + 1..close].chars().filter(|c| !c.is_whitespace()).collect();
            let rest = t[close + 1..].trim();
            (format!("{} {rest}", t[..open].trim()).trim().to_owned(), Some(inner))
        }
        None => (t.trim().to_owned(), None),
    };
    let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut name = alias(&head, dialect).to_owned();
    // MySQL's BOOLEAN is TINYINT(1); integer display widths mean nothing.
    if dialect == Dialect::MySql && name == "tinyint" && args.as_deref() == Some("1") {
        name = "boolean".into();
        args = None;
    }
    if INTEGERS.contains(&name.as_str()) {
        args = None;
    }
    if args.is_none() {
        if LENGTH_TYPES.contains(&name.as_str()) {
            args = length.map(|n| n.to_string());
        } else if matches!(name.as_str(), "numeric" | "decimal") {
            args = match (precision, scale) {
                (Some(p), Some(s)) => Some(format!("{p},{s}")),
                (Some(p), None) => Some(p.to_string()),
                _ => None,
            };
        }
    }
    // PostgreSQL's and MySQL's defaults, spelled out or not.
    if dialect == Dialect::MySql && matches!(name.as_str(), "decimal") && args.as_deref() == Some("10") {
        args = Some("10,0".into());
    }
    if array {
        name.push_str("[]");
    }
    Canon { name, args, unsigned }
}

fn numbers(args: &Option<String>) -> Vec<u64> {
    args.as_deref()
        .map(|a| a.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default()
}

/// Whether changing `from` to `to` keeps every value there is (a longer
/// varchar, a larger integer, more precision).
pub fn widens(from: &Canon, to: &Canon) -> bool {
    if from.unsigned != to.unsigned {
        return false;
    }
    let rank = |n: &str| {
        INTEGERS
            .iter()
            .position(|i| *i == n)
            .map(|p| if n == "integer" { 3 } else { p })
    };
    if let (Some(a), Some(b)) = (rank(&from.name), rank(&to.name)) {
        return b >= a;
    }
    let texts = ["text", "longtext", "mediumtext", "clob"];
    let (na, nb) = (numbers(&from.args), numbers(&to.args));
    match (from.name.as_str(), to.name.as_str()) {
        ("varchar" | "char" | "nvarchar" | "nchar" | "tinytext" | "text" | "mediumtext", t) if texts.contains(&t) => {
            let order = ["tinytext", "text", "mediumtext", "longtext"];
            match (
                order.iter().position(|o| *o == from.name),
                order.iter().position(|o| *o == t),
            ) {
                (Some(a), Some(b)) => b >= a,
                _ => true,
            }
        }
        ("varchar" | "char", "varchar") | ("nvarchar" | "nchar", "nvarchar") => {
            match (numbers(&from.args).first(), numbers(&to.args).first()) {
                (_, None) => true,
                (Some(a), Some(b)) => b >= a,
                (None, Some(_)) => false,
            }
        }
        ("real", "double") | ("float", "double") => true,
        ("numeric", "numeric") | ("decimal", "decimal") => match (&na[..], &nb[..]) {
            (_, []) if from.name == "numeric" => true,
            ([p, s], [p2, s2]) => s2 >= s && p2 - s2.min(p2) >= p - s.min(p),
            ([p], [p2]) => p2 >= p,
            ([p], [p2, s2]) => p2 - s2.min(p2) >= *p,
            _ => false,
        },
        (a, b) if a == b => match (&na[..], &nb[..]) {
            ([x], [y]) => y >= x,
            _ => false,
        },
        _ => false,
    }
}

/// A default as a value to compare: quotes, casts and spelling removed.
pub fn default_key(default: Option<&str>) -> Option<String> {
    let mut d = default?.trim().to_owned();
    if d.eq_ignore_ascii_case("null") || d.is_empty() {
        return None;
    }
    // PostgreSQL's casts: `'a'::character varying`, `(-1)::integer`.
    while let Some(at) = last_cast(&d) {
        d.truncate(at);
        d = d.trim().to_owned();
    }
    while d.starts_with('(') && d.ends_with(')') && balanced(&d[1..d.len() - 1]) {
        d = d[1..d.len() - 1].trim().to_owned();
    }
    if d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'') {
        let inner = d[1..d.len() - 1].replace("''", "'");
        return Some(value_key(&inner));
    }
    let lower = d.to_ascii_lowercase();
    Some(match lower.as_str() {
        "now()" | "current_timestamp()" | "current_timestamp" | "localtimestamp" => "current_timestamp".into(),
        "true" => "1".into(),
        "false" => "0".into(),
        _ => value_key(&lower),
    })
}

fn value_key(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(n) if v.trim() == v && !v.is_empty() => format!("{n}"),
        _ => v.to_owned(),
    }
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// The position of a trailing `::type` outside quotes and parentheses.
fn last_cast(d: &str) -> Option<usize> {
    let bytes = d.as_bytes();
    let (mut quoted, mut depth, mut found) = (false, 0i32, None);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b':' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                found = Some(i);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let at = found?;
    // Only when what follows is a type name.
    d[at + 2..]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " _[]()\",".contains(c))
        .then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(t: &str, d: Dialect) -> Canon {
        canon(t, None, None, None, d)
    }

    #[test]
    fn spellings_of_one_type_are_equal() {
        let pg = Dialect::Postgres;
        assert_eq!(c("int4", pg), c("INTEGER", pg));
        assert_eq!(
            c("character varying(45)", pg),
            canon("varchar", Some(45), None, None, pg)
        );
        assert_eq!(c("timestamp with time zone", pg), c("TIMESTAMPTZ", pg));
        assert_eq!(c("_text", pg), c("text[]", pg));
        assert_eq!(c("numeric(10,2)", pg), canon("NUMERIC", None, Some(10), Some(2), pg));
        let my = Dialect::MySql;
        assert_eq!(c("int(11)", my), c("INT", my));
        assert_eq!(c("tinyint(1)", my), c("BOOLEAN", my));
        assert_eq!(c("longtext", my), c("LONGTEXT COLLATE utf8mb4_bin", my));
        assert_ne!(c("smallint(5) unsigned", my), c("smallint", my));
        assert_eq!(
            c("NVARCHAR(160)", Dialect::Sqlite),
            canon("NVARCHAR", Some(160), None, None, Dialect::Sqlite)
        );
    }

    #[test]
    fn widening_and_narrowing() {
        let pg = Dialect::Postgres;
        assert!(widens(&c("varchar(20)", pg), &c("varchar(40)", pg)));
        assert!(!widens(&c("varchar(40)", pg), &c("varchar(20)", pg)));
        assert!(widens(&c("varchar(40)", pg), &c("text", pg)));
        assert!(widens(&c("integer", pg), &c("bigint", pg)));
        assert!(!widens(&c("bigint", pg), &c("integer", pg)));
        assert!(widens(&c("numeric(5,2)", pg), &c("numeric(7,2)", pg)));
        assert!(!widens(&c("numeric(5,2)", pg), &c("numeric(5,3)", pg)));
        assert!(!widens(&c("text", pg), &c("integer", pg)));
        assert!(widens(&c("int", Dialect::MySql), &c("bigint", Dialect::MySql)));
    }

    #[test]
    fn defaults_in_every_quoting() {
        assert_eq!(
            default_key(Some("'new'::character varying")),
            default_key(Some("'new'"))
        );
        assert_eq!(default_key(Some("(-1)")), default_key(Some("-1")));
        assert_eq!(default_key(Some("'0'::numeric")), default_key(Some("0")));
        assert_eq!(default_key(Some("now()")), default_key(Some("CURRENT_TIMESTAMP")));
        assert_eq!(
            default_key(Some("current_timestamp()")),
            default_key(Some("CURRENT_TIMESTAMP"))
        );
        assert_eq!(default_key(Some("true")), default_key(Some("1")));
        assert_eq!(default_key(Some("NULL")), None);
        assert_ne!(default_key(Some("'a'")), default_key(Some("'b'")));
    }
}
