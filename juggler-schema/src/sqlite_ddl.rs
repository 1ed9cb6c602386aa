//! What SQLite keeps only in the `CREATE TABLE` text: check constraints,
//! generated columns' expressions, `AUTOINCREMENT`, `WITHOUT ROWID`,
//! `STRICT`. A small reader of that text (quotes and parentheses aware),
//! used by discovery.

/// What the `CREATE TABLE` text says beyond the pragmas.
#[derive(Debug, Default, PartialEq)]
pub struct TableText {
    /// `(constraint name, expression)` of each `CHECK`, table or column level.
    pub checks: Vec<(Option<String>, String)>,
    /// `(column, expression, stored)` of each generated column.
    pub computed: Vec<(String, String, bool)>,
    /// Whether the key uses `AUTOINCREMENT`.
    pub autoincrement: bool,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// `STRICT`.
    pub strict: bool,
    /// The name of a `CONSTRAINT name PRIMARY KEY (..)`.
    pub primary_key_name: Option<String>,
}

/// Splits `text` on `sep` outside quotes and parentheses.
fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '[') => quote = Some(']'),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                out.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// The text inside the parentheses that open at `open` (a byte index of
/// `(`), and the index after the closing one.
fn group(text: &str, open: usize) -> Option<(&str, usize)> {
    let (mut depth, mut quote) = (0i32, None::<char>);
    for (i, c) in text[open..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '[') => quote = Some(']'),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&text[open + 1..open + i], open + i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// An identifier at the start of `text` (quoted in `"`, `` ` ``, `[]`, or
/// bare), unquoted, and the rest.
fn identifier(text: &str) -> (String, &str) {
    let text = text.trim_start();
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, q @ ('"' | '`' | '['))) => {
            let close = if q == '[' { ']' } else { q };
            let mut name = String::new();
            let mut rest = text.len();
            let mut iter = text[1..].char_indices().peekable();
            while let Some((i, c)) = iter.next() {
                if c == close {
                    if close != ']' && iter.peek().is_some_and(|(_, n)| *n == close) {
                        name.push(c);
                        iter.next();
                        continue;
                    }
                    rest = i + 2;
                    break;
                }
                name.push(c);
            }
            (name, &text[rest.min(text.len())..])
        }
        _ => {
            let end = text
                .find(|c: char| c.is_whitespace() || c == '(' || c == ',')
                .unwrap_or(text.len());
            (text[..end].to_owned(), &text[end..])
        }
    }
}

/// Case-insensitive search for a keyword standing alone (not inside a word,
/// quotes or parentheses), at depth 0 of `text`; the byte index.
fn keyword(text: &str, word: &str) -> Option<usize> {
    let upper = text.to_ascii_uppercase();
    let (mut depth, mut quote) = (0i32, None::<char>);
    let bytes = upper.as_bytes();
    for (i, c) in upper.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '[') => quote = Some(']'),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, _) if depth == 0 && upper[i..].starts_with(word) => {
                let before = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
                let after = bytes
                    .get(i + word.len())
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'));
                if before && after {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Reads what discovery needs from a `CREATE TABLE` statement. Text it
/// cannot follow gives an empty result, never a panic.
pub fn read_create_table(sql: &str) -> TableText {
    let mut out = TableText::default();
    let Some(open) = sql.find('(') else {
        return out;
    };
    let Some((body, after)) = group(sql, open) else {
        return out;
    };
    for option in split_top(&sql[after..], ',') {
        let option = option.trim().to_ascii_uppercase();
        out.without_rowid |= option.split_whitespace().collect::<Vec<_>>() == ["WITHOUT", "ROWID"];
        out.strict |= option == "STRICT";
    }
    for part in split_top(body, ',') {
        let part = part.trim();
        let upper = part.to_ascii_uppercase();
        let table_level = ["CONSTRAINT", "CHECK", "PRIMARY", "UNIQUE", "FOREIGN"]
            .iter()
            .any(|k| keyword(part, k) == Some(0));
        let (column, rest) = if table_level {
            (None, part)
        } else {
            let (name, rest) = identifier(part);
            (Some(name), rest)
        };
        out.autoincrement |= keyword(&upper, "AUTOINCREMENT").is_some();
        if table_level && keyword(part, "CONSTRAINT") == Some(0) {
            let (name, rest) = identifier(&part["CONSTRAINT".len()..]);
            if keyword(rest, "PRIMARY") == Some(rest.len() - rest.trim_start().len()) {
                out.primary_key_name = Some(name);
            }
        }
        // CHECKs, each with the CONSTRAINT name just before it, if any.
        let mut scan = rest;
        while let Some(at) = keyword(scan, "CHECK") {
            let before = &scan[..at];
            let name = keyword(before, "CONSTRAINT").map(|c| identifier(&before[c + "CONSTRAINT".len()..]).0);
            let Some(paren) = scan[at..].find('(').map(|p| at + p) else {
                break;
            };
            let Some((expression, end)) = group(scan, paren) else {
                break;
            };
            out.checks.push((name, expression.trim().to_owned()));
            scan = &scan[end..];
        }
        if let (Some(column), Some(at)) = (&column, keyword(rest, "AS")) {
            if let Some(paren) = rest[at..].find('(').map(|p| at + p) {
                if let Some((expression, end)) = group(rest, paren) {
                    let stored = keyword(&rest[end..], "STORED").is_some();
                    out.computed
                        .push((column.clone(), expression.trim().to_owned(), stored));
                }
            }
        }
    }
    out
}

/// The partial predicate of a `CREATE INDEX .. WHERE ..`, and its
/// expression parts (the text of each part that is not a bare column).
pub fn read_create_index(sql: &str) -> (Option<String>, Vec<String>) {
    let Some(open) = sql.find('(') else {
        return (None, Vec::new());
    };
    let Some((body, after)) = group(sql, open) else {
        return (None, Vec::new());
    };
    let rest = &sql[after..];
    let predicate = keyword(rest, "WHERE").map(|w| rest[w + "WHERE".len()..].trim().to_owned());
    let parts = split_top(body, ',')
        .into_iter()
        .map(|p| {
            let p = p.trim();
            let p = match keyword(p, "COLLATE") {
                Some(c) => p[..c].trim(),
                None => p,
            };
            let upper = p.to_ascii_uppercase();
            let p = if upper.ends_with(" DESC") || upper.ends_with(" ASC") {
                p[..p.rfind(' ').unwrap_or(p.len())].trim()
            } else {
                p
            };
            p.to_owned()
        })
        .collect();
    (predicate, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_computed_and_options() {
        let t = read_create_table(
            r#"CREATE TABLE "odd ""name""" (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                price REAL CHECK (price >= 0),
                qty INT CONSTRAINT qty_positive CHECK(qty > 0),
                total REAL GENERATED ALWAYS AS (price * qty) STORED,
                label TEXT AS (upper(name)),
                name TEXT DEFAULT 'a,b(c',
                CONSTRAINT "both" CHECK (price < 1000 AND qty < 10),
                CONSTRAINT [PK_x] PRIMARY KEY (id)
            ) WITHOUT ROWID, STRICT"#,
        );
        assert_eq!(t.primary_key_name.as_deref(), Some("PK_x"));
        assert_eq!(
            t.checks,
            vec![
                (None, "price >= 0".into()),
                (Some("qty_positive".into()), "qty > 0".into()),
                (Some("both".into()), "price < 1000 AND qty < 10".into())
            ]
        );
        assert_eq!(
            t.computed,
            vec![
                ("total".into(), "price * qty".into(), true),
                ("label".into(), "upper(name)".into(), false)
            ]
        );
        assert!(t.autoincrement && t.without_rowid && t.strict);
    }

    #[test]
    fn indexes() {
        let (p, parts) =
            read_create_index("CREATE INDEX i ON t (lower(name) DESC, \"a\" COLLATE NOCASE) WHERE deleted = 0");
        assert_eq!(p.as_deref(), Some("deleted = 0"));
        assert_eq!(parts, vec!["lower(name)".to_owned(), "\"a\"".to_owned()]);
    }

    #[test]
    fn nonsense_gives_nothing() {
        for sql in [
            "",
            "CREATE TABLE",
            "CREATE TABLE t (",
            "((((",
            "CREATE TABLE t (a CHECK (",
            "\"unclosed",
        ] {
            let _ = read_create_table(sql);
            let _ = read_create_index(sql);
        }
    }
}
