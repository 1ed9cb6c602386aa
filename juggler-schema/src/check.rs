//! Checks that keep definitions safe to render as DDL: type names follow a
//! strict grammar (a model file is input, and a `dataType` is pasted into
//! `CREATE TABLE`), and names fit the database's identifier limit.

use crate::sql::Dialect;
use crate::ModelDefinition;

/// Whether `data_type` is a type name juggler will put into DDL: words
/// (letters, digits, `_`) separated by single spaces, at most one
/// parameter list of numbers or simple quoted strings (`varchar(64)`,
/// `numeric(10, 2)`, `timestamp(6) with time zone`, `enum('a','b')`), then
/// optional array brackets (`text[]`, `int[3]`).
///
/// ```
/// use juggler_schema::check::data_type;
/// assert!(data_type("character varying(64)").is_ok());
/// assert!(data_type("int(11) unsigned").is_ok());
/// assert!(data_type("text[]").is_ok());
/// assert!(data_type("text); DROP TABLE users; --").is_err());
/// ```
pub fn data_type(data_type: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{data_type}` is not a type name ({why})"));
    let mut chars = data_type.char_indices().peekable();
    let mut words = 0;
    let mut params = false;
    let mut brackets = false;
    let mut last_space = true;
    while let Some((_, c)) = chars.next() {
        match c {
            c if c.is_ascii_alphanumeric() || c == '_' => {
                if brackets {
                    return bad("a word after `[]`");
                }
                if last_space {
                    words += 1;
                }
                last_space = false;
            }
            ' ' => {
                if last_space {
                    return bad("two spaces in a row, or a leading space");
                }
                last_space = true;
            }
            '(' => {
                if params || words == 0 || brackets {
                    return bad("a parameter list where none can be");
                }
                params = true;
                let mut item = false;
                loop {
                    match chars.next() {
                        Some((_, d)) if d.is_ascii_digit() => item = true,
                        Some((_, ' ')) => {}
                        Some((_, ',')) if item => item = false,
                        Some((_, '\'')) if !item => {
                            loop {
                                match chars.next() {
                                    Some((_, '\'')) => break,
                                    Some((_, ch)) if ch != '\\' && ch != ';' && !ch.is_control() => {}
                                    _ => return bad("an unclosed or odd quoted value"),
                                }
                            }
                            item = true;
                        }
                        Some((_, ')')) if item => break,
                        _ => return bad("parameters must be numbers or 'quoted' values separated by commas"),
                    }
                }
                last_space = false;
            }
            '[' => {
                loop {
                    match chars.next() {
                        Some((_, d)) if d.is_ascii_digit() => {}
                        Some((_, ']')) => break,
                        _ => return bad("array brackets hold only a number"),
                    }
                }
                brackets = true;
                last_space = false;
            }
            _ => return bad(&format!("`{c}` cannot appear in one")),
        }
    }
    if words == 0 {
        return bad("it is empty");
    }
    if last_space {
        return bad("a trailing space");
    }
    Ok(())
}

/// Whether a column default is safe to put into DDL: literals (`'text'`
/// with doubled quotes, numbers), words, calls and casts (`now()`,
/// `'a'::text`, `nextval('s'::regclass)`), and no statement separator or
/// comment outside quotes.
///
/// ```
/// use juggler_schema::check::default_expression;
/// assert!(default_expression("'it''s'::character varying").is_ok());
/// assert!(default_expression("CURRENT_TIMESTAMP").is_ok());
/// assert!(default_expression("0); DROP TABLE users; --").is_err());
/// ```
pub fn default_expression(expr: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{expr}` is not a default juggler writes into DDL ({why})"));
    let mut quoted = false;
    let mut depth = 0i32;
    let mut prev = ' ';
    for c in expr.chars() {
        if quoted {
            if c == '\\' || c.is_control() {
                return bad("a backslash or control character in a string");
            }
            if c == '\'' {
                quoted = false;
            }
        } else {
            match c {
                '\'' => quoted = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth < 0 {
                        return bad("unbalanced parentheses");
                    }
                }
                c if c.is_ascii_alphanumeric() || " _.,:+[]\"".contains(c) => {}
                '-' if prev != '-' => {}
                _ => return bad("a character that is neither a literal, a name nor a call"),
            }
        }
        prev = c;
    }
    if quoted || depth != 0 {
        return bad("an unclosed string or parenthesis");
    }
    Ok(())
}

/// The longest identifier the database keeps (PostgreSQL cuts at 63 bytes,
/// MySQL refuses over 64 characters); `None`: no limit worth checking.
pub fn identifier_limit(dialect: Dialect) -> Option<usize> {
    match dialect {
        Dialect::Postgres => Some(63),
        Dialect::MySql => Some(64),
        Dialect::Sqlite => None,
    }
}

/// A generated name (constraint, index) that fits the identifier limit:
/// kept as it is when it fits, else cut and ended with a hash of the whole
/// name, so it stays unique and is the same on every run.
pub fn fit_name(name: &str, dialect: Dialect) -> String {
    let Some(limit) = identifier_limit(dialect) else {
        return name.to_owned();
    };
    if name.len() <= limit {
        return name.to_owned();
    }
    // FNV-1a: stable across runs and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let suffix = format!("_{:08x}", hash as u32);
    let mut cut = limit - suffix.len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &name[..cut])
}

/// Every `dataType` of `def` that `dialect`'s DDL uses follows the
/// grammar of [`data_type`], and its table and column names fit `dialect`'s
/// identifier limit. The message names the model and property.
///
/// Without a dialect (the memory connector) only the generic `dataType`s
/// are checked, so a definition is refused alike everywhere.
pub fn definition(def: &ModelDefinition, dialect: Option<Dialect>) -> Result<(), String> {
    let key = dialect.map(Dialect::connector_key);
    for (name, prop) in &def.properties {
        // The types this dialect's DDL would use (a LoopBack file may carry
        // other connectors' names, such as PostgreSQL's `USER-DEFINED`).
        let mut types: Vec<&str> = prop.data_type.iter().map(String::as_str).collect();
        types.extend(key.and_then(|k| prop.connector(k)).and_then(|m| m.data_type.as_deref()));
        for t in types {
            data_type(t).map_err(|e| format!("`{}.{name}`: {e}", def.name))?;
        }
        if let Some((limit, dialect)) = dialect.and_then(|d| identifier_limit(d).map(|l| (l, d))) {
            let column = prop.column(name, key);
            if column.len() > limit {
                return Err(format!(
                    "`{}.{name}`: column name `{column}` is longer than {} allows ({limit} bytes)",
                    def.name,
                    dialect.name()
                ));
            }
        }
    }
    if let Some((limit, dialect)) = dialect.and_then(|d| identifier_limit(d).map(|l| (l, d))) {
        let table = def.table_name(key);
        if table.len() > limit {
            return Err(format!(
                "`{}`: table name `{table}` is longer than {} allows ({limit} bytes)",
                def.name,
                dialect.name()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_people_write_pass() {
        for t in [
            "integer",
            "character varying(64)",
            "numeric(10,2)",
            "numeric(10, 2)",
            "timestamp(6) with time zone",
            "double precision",
            "int(11) unsigned",
            "text[]",
            "integer[3]",
            "enum('a','b c')",
            "BIGINT",
        ] {
            assert!(data_type(t).is_ok(), "{t}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for t in [
            "",
            "text); DROP TABLE x; --",
            "text,",
            "int -- comment",
            "varchar(10) (20)",
            "enum('a'); DROP')",
            "enum('a\\')",
            "text\n",
            " text",
            "text ",
            "int /* x */",
            "\"quoted\"",
        ] {
            assert!(data_type(t).is_err(), "{t:?}");
        }
    }

    #[test]
    fn long_names_are_cut_the_same_way_every_time() {
        let long = "a".repeat(80);
        let a = fit_name(&long, Dialect::Postgres);
        assert_eq!(a.len(), 63);
        assert_eq!(a, fit_name(&long, Dialect::Postgres));
        assert_ne!(a, fit_name(&"a".repeat(81), Dialect::Postgres));
        assert_eq!(fit_name("short_fkey", Dialect::MySql), "short_fkey");
        assert_eq!(fit_name(&long, Dialect::Sqlite), long);
    }
}
