//! `juggler.toml`: everything a user changes about generated code lives
//! here, so regenerating never loses it. An entry that matches nothing in
//! the catalog is an error naming the entry.
//!
//! ```toml
//! [tables]
//! exclude = ["film_text"]          # or include = [..]
//!
//! [types]
//! tsvector = "String"              # a native type -> a Rust type, everywhere
//!
//! [models.film]                    # by table name
//! struct = "Movie"
//! derives = ["serde::Serialize"]
//! attributes = ["#[serde(rename_all = \"camelCase\")]"]
//! fields = { release_year = "year" }            # column -> field
//! relations = { original_language = "source" }  # generated name -> name
//! types = { rating = "String" }                 # column -> Rust type
//! module = "catalog"                            # in `catalog/film.rs` (`models::catalog::Film`)
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;

/// The contents of `juggler.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Which tables and views to generate.
    #[serde(default)]
    pub tables: Tables,
    /// Rust types for native types, everywhere (`tsvector = "String"`).
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Per table (or view), by its name.
    #[serde(default)]
    pub models: BTreeMap<String, ModelSettings>,
}

/// `[tables]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    /// Only these (empty: all).
    #[serde(default)]
    pub include: Vec<String>,
    /// Never these.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[models.<table>]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// The struct's name.
    #[serde(default, rename = "struct")]
    pub struct_name: Option<String>,
    /// More derives (`serde::Serialize`).
    #[serde(default)]
    pub derives: Vec<String>,
    /// More attributes, written as they are (`#[serde(rename_all = "camelCase")]`).
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Field names by column.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Relation field names by the name juggler would give them.
    #[serde(default)]
    pub relations: BTreeMap<String, String>,
    /// Rust types by column.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// The module the model goes in (`billing`, `billing::invoices`),
    /// below the generated root; every model is also re-exported at the root.
    #[serde(default)]
    pub module: Option<String>,
}

impl Settings {
    /// Reads `juggler.toml`'s text; `origin` (its path) names it in errors,
    /// with the line and column of the mistake.
    pub fn from_toml(text: &str, origin: &str) -> Result<Settings, String> {
        toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start].matches('\n').count() + 1;
                    let column = s.start - text[..s.start].rfind('\n').map_or(0, |n| n + 1) + 1;
                    format!(":{line}:{column}")
                })
                .unwrap_or_default();
            format!("{origin}{at}: {}", e.message())
        })
    }

    /// Reads `juggler.toml` from a file.
    pub fn read(path: &std::path::Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Settings::from_toml(&text, &path.display().to_string())
    }

    /// Whether table `name` is generated.
    pub(crate) fn wants(&self, name: &str) -> bool {
        (self.tables.include.is_empty() || self.tables.include.iter().any(|t| t == name))
            && !self.tables.exclude.iter().any(|t| t == name)
    }
}

/// "`models.flim` names no table; did you mean `film`?"
pub(crate) fn no_match(entry: &str, what: &str, name: &str, candidates: &[&str]) -> String {
    let close = candidates
        .iter()
        .filter(|c| strsim::levenshtein(name, c) <= 2)
        .min_by_key(|c| strsim::levenshtein(name, c));
    let hint = close.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
    format!("juggler.toml: `{entry}` names no {what} `{name}`{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_names_mistakes() {
        let s = Settings::from_toml(
            "[tables]\nexclude = [\"a\"]\n[models.film]\nstruct = \"Movie\"\nfields = { title = \"name\" }\n",
            "juggler.toml",
        )
        .unwrap();
        assert_eq!(s.models["film"].struct_name.as_deref(), Some("Movie"));
        let err = Settings::from_toml("[models.film]\nstrukt = \"x\"\n", "juggler.toml").unwrap_err();
        assert!(err.starts_with("juggler.toml:2:1: unknown field `strukt`"), "{err}");
        assert_eq!(
            no_match("models.flim", "table", "flim", &["film", "actor"]),
            "juggler.toml: `models.flim` names no table `flim`; did you mean `film`?"
        );
    }
}
