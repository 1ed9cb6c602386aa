//! What relations imply beyond their own definition: the join table of a
//! `hasAndBelongsToMany`, and the keys each side is linked by.

use crate::definition::{ModelDefinition, PropertyDefinition, RelationDefinition, RelationKind};
use crate::naming::to_snake_case;
use indexmap::IndexMap;
use serde_json::Map;

/// The join-table key pointing at `parent` (LoopBack's default: `<parent>_id`).
pub fn default_foreign_key(parent: &str) -> String {
    format!("{}_id", to_snake_case(parent))
}

/// The two columns of a many-to-many join table: `(pointing at the owner,
/// pointing at the related model)`.
pub fn link_keys(owner: &ModelDefinition, relation: &RelationDefinition) -> (String, String) {
    let fk = relation
        .foreign_key
        .clone()
        .unwrap_or_else(|| default_foreign_key(&owner.name));
    let kt = relation
        .key_through
        .clone()
        .unwrap_or_else(|| default_foreign_key(&relation.model));
    (fk, kt)
}

/// The definition of the join table behind `owner`'s `hasAndBelongsToMany`
/// relation to `target`: the two key columns (sorted by name, so both sides of
/// the relation describe the same table), together the primary key, each
/// referencing its model. `None` when the relation is not a
/// `hasAndBelongsToMany` with a `through` table, or a side has no single id.
///
/// ```
/// use juggler_schema::{relations::link_definition, ModelDefinition};
///
/// let post = ModelDefinition::from_json(r#"{"name": "Post",
///     "properties": {"id": {"type": "Number", "id": 1}},
///     "relations": {"tags": {"type": "hasAndBelongsToMany", "model": "Tag", "through": "post_tags"}}}"#)?;
/// let tag = ModelDefinition::from_json(r#"{"name": "Tag", "properties": {"id": {"type": "Number", "id": 1}}}"#)?;
/// let link = link_definition(&post, "tags", &tag).expect("a join table");
/// assert_eq!(link.table_name(None), "post_tags");
/// assert_eq!(link.properties.keys().collect::<Vec<_>>(), ["post_id", "tag_id"]);
/// # Ok::<(), juggler_schema::SchemaError>(())
/// ```
pub fn link_definition(owner: &ModelDefinition, relation: &str, target: &ModelDefinition) -> Option<ModelDefinition> {
    let rel = owner.relations.get(relation)?;
    if rel.kind != RelationKind::HasAndBelongsToMany {
        return None;
    }
    let table = rel.through.clone()?;
    let (fk, kt) = link_keys(owner, rel);
    let key_of = |def: &ModelDefinition| -> Option<PropertyDefinition> {
        match def.id_properties().as_slice() {
            [one] => {
                let id = def.properties.get(*one)?;
                let mut p = PropertyDefinition::new(id.property_type.clone());
                p.required = true;
                p.nullable = Some(false);
                p.data_type.clone_from(&id.data_type);
                if id.generated && id.property_type == crate::PropertyType::Number {
                    // Generated ids are BIGINT everywhere; the key must match.
                    p.data_type = Some("bigint".into());
                }
                p.length = id.length;
                p.precision = id.precision;
                p.scale = id.scale;
                Some(p)
            }
            _ => None,
        }
    };
    let mut sides = [
        (fk, key_of(owner)?, owner.name.clone()),
        (kt, key_of(target)?, target.name.clone()),
    ];
    sides.sort_by(|a, b| a.0.cmp(&b.0));
    let mut def = ModelDefinition::new(table.clone());
    def.settings.table = Some(table);
    def.settings.schema.clone_from(&owner.settings.schema);
    for (key, slot) in [("postgresql", 0), ("mysql", 1), ("sqlite", 2)] {
        let schema = owner.settings.connector(key).and_then(|c| c.schema.clone());
        if let Some(schema) = schema {
            let mapping = crate::ConnectorModelSettings {
                schema: Some(schema),
                ..Default::default()
            };
            match slot {
                0 => def.settings.postgresql = Some(mapping),
                1 => def.settings.mysql = Some(mapping),
                _ => def.settings.sqlite = Some(mapping),
            }
        }
    }
    let mut properties = IndexMap::new();
    let mut relations = IndexMap::new();
    for (n, (name, mut prop, model)) in sides.into_iter().enumerate() {
        prop.id = u32::try_from(n + 1).ok();
        relations.insert(
            format!("{name}_ref"),
            RelationDefinition {
                kind: RelationKind::BelongsTo,
                model,
                foreign_key: Some(name.clone()),
                through: None,
                key_through: None,
                extra: Map::new(),
            },
        );
        properties.insert(name, prop);
    }
    def.properties = properties;
    def.relations = relations;
    Some(def)
}

/// The join tables of every `hasAndBelongsToMany` relation among `defs`
/// whose other side is among `defs` too, each once.
pub fn link_definitions(defs: &[&ModelDefinition]) -> Vec<ModelDefinition> {
    let mut out: Vec<ModelDefinition> = Vec::new();
    for def in defs {
        for (name, rel) in &def.relations {
            let Some(target) = defs.iter().find(|d| d.name == rel.model) else {
                continue;
            };
            let Some(link) = link_definition(def, name, target) else {
                continue;
            };
            if !out.iter().any(|l| l.name == link.name) && !defs.iter().any(|d| d.name == link.name) {
                out.push(link);
            }
        }
    }
    out
}

/// A column of `def` that references another model's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The property holding the key.
    pub property: String,
    /// The referenced model.
    pub model: String,
    /// The referenced property (the model's id).
    pub references: String,
}

/// The foreign keys of `def` that relations among `defs` imply: its own
/// `belongsTo` keys, the keys other models' `hasMany` / `hasOne` put on it,
/// and both keys when it is the `through` model of a `hasMany`. Only models among `defs` are referenced; each column once.
pub fn foreign_keys(def: &ModelDefinition, defs: &[&ModelDefinition]) -> Vec<ForeignKey> {
    let mut out: Vec<ForeignKey> = Vec::new();
    let single_id = |d: &ModelDefinition| match d.id_properties().as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    };
    let mut push = |property: &str, model: &ModelDefinition| {
        if !def.properties.contains_key(property) || out.iter().any(|f| f.property == property) {
            return;
        }
        if let Some(references) = single_id(model) {
            out.push(ForeignKey {
                property: property.to_owned(),
                model: model.name.clone(),
                references,
            });
        }
    };
    for rel in def.relations.values() {
        if rel.kind != RelationKind::BelongsTo {
            continue;
        }
        let Some(target) = defs.iter().find(|d| d.name == rel.model) else {
            continue;
        };
        let fk = rel
            .foreign_key
            .clone()
            .unwrap_or_else(|| default_foreign_key(&rel.model));
        push(&fk, target);
    }
    for other in defs {
        for rel in other.relations.values() {
            // A through model's keys point at both sides.
            if rel.kind == RelationKind::HasMany && rel.through.as_deref() == Some(def.name.as_str()) {
                let (fk, kt) = link_keys(other, rel);
                push(&fk, other);
                if let Some(target) = defs.iter().find(|d| d.name == rel.model) {
                    push(&kt, target);
                }
                continue;
            }
            if !matches!(rel.kind, RelationKind::HasMany | RelationKind::HasOne)
                || rel.model != def.name
                || rel.through.is_some()
            {
                continue;
            }
            let fk = rel
                .foreign_key
                .clone()
                .unwrap_or_else(|| default_foreign_key(&other.name));
            push(&fk, other);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(json: &str) -> ModelDefinition {
        ModelDefinition::from_json(json).expect("valid")
    }

    #[test]
    fn both_sides_describe_the_same_join_table() {
        let post = model(
            r#"{"name": "Post", "properties": {"id": {"type": "Number", "id": 1}},
                "relations": {"tags": {"type": "hasAndBelongsToMany", "model": "Tag", "through": "post_tags"}}}"#,
        );
        let tag = model(
            r#"{"name": "Tag", "properties": {"id": {"type": "Number", "id": 1}},
                "relations": {"posts": {"type": "hasAndBelongsToMany", "model": "Post", "through": "post_tags"}}}"#,
        );
        let a = link_definition(&post, "tags", &tag).expect("link");
        let b = link_definition(&tag, "posts", &post).expect("link");
        assert_eq!(a, b);
        assert_eq!(a.id_properties(), ["post_id", "tag_id"]);
        assert_eq!(link_definitions(&[&post, &tag]).len(), 1);
        let fks = foreign_keys(&a, &[&post, &tag]);
        assert_eq!(fks.len(), 2);
        assert_eq!(fks[0].model, "Post");
    }

    #[test]
    fn has_many_puts_the_key_on_the_child() {
        let customer = model(
            r#"{"name": "Customer", "properties": {"id": {"type": "Number", "id": 1}},
                "relations": {"orders": {"type": "hasMany", "model": "Order", "foreignKey": "customer_id"}}}"#,
        );
        let order = model(
            r#"{"name": "Order", "properties": {"id": {"type": "Number", "id": 1}, "customer_id": {"type": "Number"}},
                "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customer_id"}}}"#,
        );
        let fks = foreign_keys(&order, &[&customer, &order]);
        assert_eq!(
            fks,
            [ForeignKey {
                property: "customer_id".into(),
                model: "Customer".into(),
                references: "id".into()
            }]
        );
        assert!(
            foreign_keys(&order, &[&order]).is_empty(),
            "a model outside the list is not referenced"
        );
        assert!(foreign_keys(&customer, &[&customer, &order]).is_empty());
    }
}
