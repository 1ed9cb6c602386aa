//! Rust names from database names: identifiers for any text, struct,
//! field and module names, relation names from key columns, plurals, and
//! deterministic collision handling.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use std::collections::BTreeSet;

/// A valid Rust identifier from any name: characters other than letters,
/// digits and `_` become `_`, a leading digit gets `prefix`, keywords get a
/// trailing `_` (`type` -> `type_`).
pub(super) fn ident_text(raw: &str, prefix: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '_') {
        s = format!("{prefix}{}", s.len());
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("{prefix}{s}");
    }
    if juggler_schema::is_rust_keyword(&s) || syn::parse_str::<Ident>(&s).is_err() {
        s.push('_');
    }
    s
}

pub(super) fn type_name(raw: &str) -> String {
    let camel = ident_text(raw, "T").to_upper_camel_case();
    ident_text(&camel, "T")
}

pub(super) fn field_name(raw: &str) -> String {
    let snake = ident_text(raw, "f").to_snake_case();
    ident_text(&snake, "f")
}

/// A module (and file) name: modules loaded from files must have ASCII
/// names, so other characters are written as their code point
/// (`Übersicht` -> `xfcbersicht`).
pub(super) fn module_name(struct_name: &str) -> String {
    let ascii: String = struct_name
        .to_snake_case()
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("x{:x}", c as u32)
            }
        })
        .collect();
    field_name(&ascii)
}

pub(super) fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// Unique names: the second `a` becomes `a_2`.
pub(super) fn unique(names: impl IntoIterator<Item = String>, taken: &mut BTreeSet<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|base| {
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// `billing::invoices` as module names, each a plain lowercase identifier.
pub(super) fn module_path(path: &str, table: &str) -> Result<Vec<String>, String> {
    let segments: Vec<String> = path.split("::").map(str::to_owned).collect();
    for s in &segments {
        let plain = s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain || juggler_schema::is_rust_keyword(s) || s == "mod" {
            return Err(format!(
                "juggler.toml: `models.{table}.module`: `{path}` is not a module path (lowercase names joined by `::`)"
            ));
        }
    }
    Ok(segments)
}

/// A relation's field from its key column: `original_language_id` ->
/// `original_language`, `AlbumId` -> `album`, `ReportsTo` -> `reports_to`.
pub(super) fn relation_role(column: &str) -> String {
    let snake = column.to_snake_case();
    let stem = snake.strip_suffix("_id").filter(|s| !s.is_empty()).unwrap_or(&snake);
    field_name(stem)
}

pub(super) fn plural(word: &str) -> String {
    // `type_` (a keyword made valid) pluralises as `type`, then is checked again.
    let base = word.trim_end_matches('_');
    let plural = if base.ends_with("ss")
        || base.ends_with("us")
        || base.ends_with('x')
        || base.ends_with("ch")
        || base.ends_with("sh")
    {
        format!("{base}es")
    } else if base.ends_with('s') {
        // Already plural (`pair_of_types`).
        base.to_owned()
    } else if base.ends_with('y') && !["ay", "ey", "oy", "uy"].iter().any(|e| base.ends_with(e)) {
        format!("{}ies", &base[..base.len() - 1])
    } else {
        format!("{base}s")
    };
    field_name(&plural)
}
