//! From a [`Catalog`] to model definitions in LoopBack's discovery form
//! (what `discoverSchema` writes), with what LoopBack loses kept in added
//! fields of the per-connector column mapping: `columnType` (the full type,
//! `enum('G','PG')`, `integer[]`), `enum` (the values of an enum type or a
//! MySQL `ENUM` / `SET`), `elementType`, `userType`, `default`,
//! `generated`, `computed`, `unsigned`, `comment`.

use crate::catalog::{Catalog, Column, Table, View};
use crate::ModelDefinition;
use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde_json::{json, Map, Value as Json};

/// The model name LoopBack's discovery gives a table: `film_actor` ->
/// `FilmActor`; names that give nothing usable stay as they are.
pub fn model_name(table: &str) -> String {
    let name = table.to_upper_camel_case();
    if name.is_empty() {
        table.to_owned()
    } else {
        name
    }
}

/// The property name LoopBack's discovery gives a column: `customer_id` ->
/// `customerId`.
pub fn property_name(column: &str) -> String {
    let name = column.to_lower_camel_case();
    if name.is_empty() {
        column.to_owned()
    } else {
        name
    }
}

/// A relation's name from its foreign-key column: `original_language_id` ->
/// `originalLanguage`, `ReportsTo` -> `reportsTo`.
fn relation_name(column: &str) -> String {
    let lower = column.to_ascii_lowercase();
    let stem = ["_id", "id"]
        .iter()
        .find_map(|s| lower.ends_with(s).then(|| &column[..column.len() - s.len()]))
        .filter(|s| !s.is_empty())
        .unwrap_or(column);
    property_name(stem)
}

fn connector_key(dialect: &str) -> &'static str {
    match dialect {
        "postgres" => "postgresql",
        "mysql" => "mysql",
        _ => "sqlite",
    }
}

fn loopback_type(property_type: &str) -> Json {
    match property_type.strip_prefix("[\"").and_then(|t| t.strip_suffix("\"]")) {
        Some(inner) => json!([inner]),
        None => json!(property_type),
    }
}

impl Catalog {
    /// The definition of table or view `schema.name` in LoopBack's discovery
    /// form; with `associations`, its foreign keys as `belongsTo` and the
    /// keys of other tables pointing at it as `hasMany` (LoopBack's
    /// `discoverSchemas` option).
    pub fn to_definition(&self, schema: &str, name: &str, associations: bool) -> Option<ModelDefinition> {
        let s = self.schema(schema)?;
        if let Some(t) = s.tables.iter().find(|t| t.name == name) {
            return Some(self.table_definition(schema, t, associations));
        }
        let v = s.views.iter().find(|v| v.name == name)?;
        Some(self.view_definition(schema, v))
    }

    /// Every table and view of every schema, in catalog order, with
    /// associations.
    pub fn to_definitions(&self) -> Vec<ModelDefinition> {
        let mut out = Vec::new();
        for s in &self.schemas {
            for t in &s.tables {
                out.push(self.table_definition(&s.name, t, true));
            }
            for v in &s.views {
                out.push(self.view_definition(&s.name, v));
            }
        }
        out
    }

    fn column_json(&self, schema: &str, c: &Column, id: Option<usize>) -> Json {
        let key = connector_key(&self.dialect);
        let mut mapping = Map::new();
        mapping.insert("columnName".into(), json!(c.name));
        mapping.insert(
            "dataType".into(),
            json!(if c.type_name.is_empty() {
                &c.data_type
            } else {
                &c.type_name
            }),
        );
        mapping.insert("dataLength".into(), json!(c.length));
        mapping.insert("dataPrecision".into(), json!(c.precision));
        mapping.insert("dataScale".into(), json!(c.scale));
        mapping.insert("nullable".into(), json!(if c.nullable { "YES" } else { "NO" }));
        // What LoopBack's discovery loses.
        mapping.insert("columnType".into(), json!(c.data_type));
        let enum_values = c
            .user_type
            .as_ref()
            .and_then(|u| self.schema(schema)?.enums.iter().find(|e| &e.name == u))
            .map(|e| e.values.clone())
            .unwrap_or_else(|| c.values.clone());
        if !enum_values.is_empty() {
            mapping.insert("enum".into(), json!(enum_values));
        }
        for (k, v) in [
            ("elementType", &c.element_type),
            ("userType", &c.user_type),
            ("default", &c.default),
            ("generated", &c.generated),
            ("computed", &c.computed),
            ("comment", &c.comment),
            ("collation", &c.collation),
        ] {
            if let Some(v) = v {
                mapping.insert(k.into(), json!(v));
            }
        }
        if c.unsigned {
            mapping.insert("unsigned".into(), json!(true));
        }
        let mut p = Map::new();
        p.insert("type".into(), loopback_type(&c.property_type));
        p.insert(
            "required".into(),
            json!(!c.nullable && c.default.is_none() && c.generated.is_none() && c.computed.is_none()),
        );
        if let Some(n) = c.length {
            p.insert("length".into(), json!(n));
        }
        if let Some(n) = c.precision {
            p.insert("precision".into(), json!(n));
        }
        if let Some(n) = c.scale {
            p.insert("scale".into(), json!(n));
        }
        if let Some(pos) = id {
            p.insert("id".into(), json!(pos));
        }
        if c.generated.is_some() {
            p.insert("generated".into(), json!(true));
        }
        if let Some(comment) = &c.comment {
            p.insert("description".into(), json!(comment));
        }
        p.insert(key.into(), Json::Object(mapping));
        Json::Object(p)
    }

    /// Property names for `columns`, unique after conversion (`a_b` and
    /// `aB` give `aB` and `aB2`).
    fn property_names<'c>(columns: impl Iterator<Item = &'c Column>) -> Vec<(String, &'c Column)> {
        let mut out: Vec<(String, &Column)> = Vec::new();
        for c in columns {
            let base = property_name(&c.name);
            let mut name = base.clone();
            let mut n = 2;
            while out.iter().any(|(taken, _)| *taken == name) {
                name = format!("{base}{n}");
                n += 1;
            }
            out.push((name, c));
        }
        out
    }

    fn options(&self, schema: &str, table: &str, view: bool) -> Json {
        let mut options = Map::new();
        options.insert("idInjection".into(), json!(false));
        if view {
            options.insert("view".into(), json!(true));
        }
        options.insert(
            connector_key(&self.dialect).into(),
            json!({"schema": schema, "table": table}),
        );
        Json::Object(options)
    }

    fn table_definition(&self, schema: &str, t: &Table, associations: bool) -> ModelDefinition {
        let names = Self::property_names(t.columns.iter());
        let pk: Vec<&str> = t
            .primary_key
            .as_ref()
            .map(|k| k.columns.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let mut properties = Map::new();
        for (name, c) in &names {
            let id = pk.iter().position(|k| *k == c.name).map(|p| p + 1);
            let mut property = self.column_json(schema, c, id);
            if let (Some(index), Json::Object(p)) = (
                single_column_index(t, &c.name, id.is_some() && pk.len() == 1),
                &mut property,
            ) {
                p.insert("index".into(), index);
            }
            properties.insert(name.clone(), property);
        }
        let prop_of = |column: &str| names.iter().find(|(_, c)| c.name == column).map(|(n, _)| n.clone());
        let mut relations = Map::new();
        if associations {
            for fk in &t.foreign_keys {
                let [column] = fk.columns.as_slice() else { continue };
                let Some(foreign_key) = prop_of(column) else { continue };
                let mut name = relation_name(column);
                if properties.contains_key(&name) {
                    // `ReportsTo` -> `reportsToEmployee`: the column keeps its name.
                    name = format!("{name}{}", model_name(&fk.target_table));
                }
                if properties.contains_key(&name) || relations.contains_key(&name) {
                    name = format!("{name}Rel");
                }
                relations.insert(
                    name,
                    json!({"type": "belongsTo", "model": model_name(&fk.target_table), "foreignKey": foreign_key}),
                );
            }
            for (_, child, fk) in self.exported_keys(schema, &t.name) {
                let [column] = fk.columns.as_slice() else { continue };
                let child_model = model_name(&child.name);
                let plural = format!("{}s", property_name(&child.name));
                let role = relation_name(column);
                let own = property_name(&t.name);
                let mut name = if role == own || role == property_name(&model_name(&t.name)) {
                    plural
                } else {
                    format!("{role}{}", model_name(&plural))
                };
                if properties.contains_key(&name) || relations.contains_key(&name) {
                    name = format!("{name}Rel");
                }
                relations.insert(
                    name,
                    json!({"type": "hasMany", "model": child_model, "foreignKey": property_name(column)}),
                );
            }
        }
        let json = json!({
            "name": model_name(&t.name),
            "options": self.options(schema, &t.name, false),
            "properties": properties,
            "relations": relations,
        });
        // Built from plain names and numbers in LoopBack's shape: it reads.
        ModelDefinition::from_value(json).unwrap_or_else(|_| ModelDefinition::new(model_name(&t.name)))
    }

    fn view_definition(&self, schema: &str, v: &View) -> ModelDefinition {
        let mut properties = Map::new();
        for (name, c) in Self::property_names(v.columns.iter()) {
            properties.insert(name, self.column_json(schema, c, None));
        }
        let json = json!({
            "name": model_name(&v.name),
            "options": self.options(schema, &v.name, true),
            "properties": properties,
        });
        ModelDefinition::from_value(json).unwrap_or_else(|_| ModelDefinition::new(model_name(&v.name)))
    }
}

/// `"index": true` or `{"unique": true}` for a column with a plain
/// one-column index (what a property can say; LoopBack's discovery has no
/// indexes), none for the primary key's.
fn single_column_index(t: &Table, column: &str, is_id: bool) -> Option<Json> {
    let mut found = None;
    for i in &t.indexes {
        let [part] = i.parts.as_slice() else { continue };
        if i.primary || is_id || i.predicate.is_some() || i.method.is_some() || part.descending {
            continue;
        }
        if part.column.as_deref() == Some(column) {
            found = Some(found.unwrap_or(false) || i.unique);
        }
    }
    found.map(|unique| if unique { json!({"unique": true}) } else { json!(true) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_loopback_writes_them() {
        assert_eq!(model_name("film_actor"), "FilmActor");
        assert_eq!(model_name("PlaylistTrack"), "PlaylistTrack");
        assert_eq!(property_name("customer_id"), "customerId");
        assert_eq!(property_name("AlbumId"), "albumId");
        assert_eq!(relation_name("original_language_id"), "originalLanguage");
        assert_eq!(relation_name("ReportsTo"), "reportsTo");
        assert_eq!(relation_name("AlbumId"), "album");
    }
}
