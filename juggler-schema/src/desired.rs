//! The catalog model definitions ask for: `Catalog::from_definitions`, the
//! "desired" side of a migration plan and the input of code generation from
//! LoopBack model JSON. What it holds is what juggler's DDL creates
//! ([`crate::sql::migration_sql`]), described the way discovery describes a
//! live database.

use crate::catalog::{base_type, Catalog, Column, ForeignKey, Index, IndexPart, Key, Schema, Table};
use crate::definition::{ModelDefinition, PropertyDefinition};
use crate::relations::foreign_keys;
use crate::sql::{generated_id, key_aware_column_type, Dialect};
use crate::types::PropertyType;

/// The schema a model lands in when it names none: PostgreSQL's `public`,
/// SQLite's `main`, and on MySQL the connection's database, which a
/// definition cannot know (`""`).
pub fn default_schema(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "public",
        Dialect::Sqlite => "main",
        Dialect::MySql => "",
    }
}

/// A property type as the catalog writes it (`String`, `["Number"]`).
fn catalog_type(t: &PropertyType) -> String {
    match t {
        PropertyType::Array(item) => format!("[\"{}\"]", item.name()),
        PropertyType::String
        | PropertyType::Number
        | PropertyType::Boolean
        | PropertyType::Date
        | PropertyType::Buffer => t.name().to_owned(),
        PropertyType::Any => "Any".to_owned(),
        // GeoPoints, objects and embedded models are JSON text.
        _ => "Object".to_owned(),
    }
}

fn column(
    def: &ModelDefinition,
    name: &str,
    prop: &PropertyDefinition,
    keys: (&[crate::relations::ForeignKey], &[&ModelDefinition]),
    dialect: Dialect,
) -> Column {
    let key = dialect.connector_key();
    let generated = generated_id(def).is_some_and(|(n, _)| n == name);
    let mapping = prop.connector(key);
    let text = |field: &str| {
        mapping
            .and_then(|m| m.extra.get(field))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    // A discovered definition says what the column is (`columnType`).
    let data_type = match text("columnType") {
        Some(t) => t,
        None if generated => match dialect {
            Dialect::Sqlite => "INTEGER".to_owned(),
            _ => "BIGINT".to_owned(),
        },
        None => key_aware_column_type(name, prop, keys.0, keys.1, dialect),
    };
    let mut c = Column::new(prop.column(name, Some(key)), data_type);
    c.property_type = catalog_type(&prop.property_type);
    c.nullable = match mapping.and_then(|m| m.nullable.as_ref()) {
        Some(n) => n.is_nullable(),
        None => prop.is_nullable() && prop.id.is_none() && !generated,
    };
    c.default = crate::sql::default_sql(prop, dialect);
    c.length = prop.length.map(u64::from);
    c.precision = prop.precision.map(u64::from);
    c.scale = prop.scale.map(u64::from);
    c.comment = prop.description.as_ref().map(|d| match d {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect::<Vec<_>>().join("\n"),
        other => other.to_string(),
    });
    if let Some(g) = text("generated") {
        c.generated = Some(g);
    } else if generated {
        c.generated = Some(
            match dialect {
                Dialect::Postgres => "identity",
                _ => "autoincrement",
            }
            .to_owned(),
        );
    }
    c.type_name = base_type(&c.data_type);
    c
}

impl Catalog {
    /// The catalog `defs` describe on `dialect`: a table per model (views
    /// left out), columns in property order with the types juggler's DDL
    /// gives them, the primary key from the ids, a unique key or an index per
    /// indexed property, and the foreign keys the relations among `defs`
    /// imply. Deterministic, normalised like a discovered catalog.
    pub fn from_definitions(defs: &[&ModelDefinition], dialect: Dialect) -> Catalog {
        let key = dialect.connector_key();
        // The names discovery writes.
        let mut catalog = Catalog::new(match dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        });
        // Where `sql::table_ref` puts the table: the connector's schema, else
        // the model's (not on SQLite, whose schemas are attached files).
        let schema_of = |d: &ModelDefinition| {
            d.settings
                .connector(key)
                .and_then(|c| c.schema.clone())
                .or_else(|| d.settings.schema.clone().filter(|_| dialect != Dialect::Sqlite))
                .unwrap_or_else(|| default_schema(dialect).to_owned())
        };
        for def in defs.iter().filter(|d| !d.settings.view) {
            let bare = def.table_name(Some(key)).to_owned();
            let mut table = Table::new(&bare);
            let fks = foreign_keys(def, defs);
            table.columns = def
                .properties
                .iter()
                .map(|(name, prop)| column(def, name, prop, (&fks, defs), dialect))
                .collect();
            let id_columns: Vec<String> = def
                .id_properties()
                .iter()
                .filter_map(|n| def.properties.get(*n).map(|p| p.column(n, Some(key)).to_owned()))
                .collect();
            if !id_columns.is_empty() {
                table.primary_key = Some(Key {
                    name: None,
                    columns: id_columns,
                });
            }
            table.checks = def
                .properties
                .iter()
                .filter_map(|(name, prop)| crate::sql::enum_check(name, prop, dialect))
                .map(|expression| crate::catalog::Check { name: None, expression })
                .collect();
            for (name, prop) in &def.properties {
                let Some(index) = &prop.index else { continue };
                // The key of a one-column id is its index already.
                if prop.id.is_some() && def.id_properties().len() == 1 {
                    continue;
                }
                let column = prop.column(name, Some(key)).to_owned();
                let suffix = if index.is_unique() { "key" } else { "idx" };
                let index_name = crate::check::fit_name(&format!("{bare}_{column}_{suffix}"), dialect);
                if index.is_unique() {
                    table.unique.push(Key {
                        name: Some(index_name.clone()),
                        columns: vec![column.clone()],
                    });
                }
                table.indexes.push(Index {
                    name: index_name,
                    parts: vec![IndexPart {
                        column: Some(column),
                        expression: None,
                        descending: false,
                    }],
                    unique: index.is_unique(),
                    primary: false,
                    predicate: None,
                    method: None,
                });
            }
            for fk in fks {
                let Some(target) = defs.iter().find(|d| d.name == fk.model) else {
                    continue;
                };
                let (Some(prop), Some(referenced)) =
                    (def.properties.get(&fk.property), target.properties.get(&fk.references))
                else {
                    continue;
                };
                let column = prop.column(&fk.property, Some(key)).to_owned();
                table.foreign_keys.push(ForeignKey {
                    name: Some(crate::check::fit_name(&format!("{bare}_{column}_fkey"), dialect)),
                    columns: vec![column],
                    target_schema: schema_of(target),
                    target_table: target.table_name(Some(key)).to_owned(),
                    target_columns: vec![referenced.column(&fk.references, Some(key)).to_owned()],
                    on_delete: "NO ACTION".into(),
                    on_update: "NO ACTION".into(),
                });
            }
            let schema = schema_of(def);
            match catalog.schemas.iter_mut().find(|s| s.name == schema) {
                Some(s) => s.tables.push(table),
                None => catalog.schemas.push(Schema {
                    name: schema,
                    tables: vec![table],
                    ..Schema::default()
                }),
            }
        }
        catalog.normalize();
        catalog
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs() -> Vec<ModelDefinition> {
        [
            r#"{"name": "Customer", "properties": {
                "id": {"type": "number", "id": true, "generated": true},
                "email": {"type": "string", "required": true, "length": 120, "index": {"unique": true}},
                "joined": {"type": "date"},
                "tags": {"type": ["string"]}}}"#,
            r#"{"name": "Order", "options": {"postgresql": {"table": "orders"}}, "properties": {
                "id": {"type": "number", "id": true, "generated": true},
                "customerId": {"type": "number", "postgresql": {"dataType": "bigint", "columnName": "customer_id"}},
                "total": {"type": "number", "precision": 10, "scale": 2, "dataType": "decimal"}},
              "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}"#,
        ]
        .iter()
        .map(|j| ModelDefinition::from_json(j).unwrap())
        .collect()
    }

    #[test]
    fn tables_keys_and_types_as_the_ddl_makes_them() {
        let defs = defs();
        let refs: Vec<&ModelDefinition> = defs.iter().collect();
        let c = Catalog::from_definitions(&refs, Dialect::Postgres);
        let customer = c.table("public", "Customer").unwrap();
        let id = customer.column("id").unwrap();
        assert_eq!(
            (id.data_type.as_str(), id.generated.as_deref(), id.nullable),
            ("BIGINT", Some("identity"), false)
        );
        let email = customer.column("email").unwrap();
        assert_eq!(
            (email.data_type.as_str(), email.nullable, email.length),
            ("VARCHAR(120)", false, Some(120))
        );
        assert_eq!(customer.column("joined").unwrap().data_type, "TIMESTAMPTZ");
        assert_eq!(customer.column("tags").unwrap().property_type, "[\"String\"]");
        assert_eq!(customer.unique[0].columns, ["email"]);
        let orders = c.table("public", "orders").unwrap();
        let fk = &orders.foreign_keys[0];
        assert_eq!(
            (fk.columns.as_slice(), fk.target_table.as_str()),
            (&["customer_id".to_owned()][..], "Customer")
        );
        assert_eq!(orders.column("total").unwrap().data_type, "NUMERIC(10,2)");
        // A key declared a plain number is typed like the id it references.
        assert_eq!(orders.column("customer_id").unwrap().data_type, "BIGINT");
        assert_eq!(c.dialect, "postgres");
        // A model's own schema, as its queries use it.
        let mut billing = defs[0].clone();
        billing.settings.schema = Some("billing".into());
        let b = Catalog::from_definitions(&[&billing], Dialect::Postgres);
        assert!(b.table("billing", "Customer").is_some());
        let b = Catalog::from_definitions(&[&billing], Dialect::Sqlite);
        assert!(b.table("main", "Customer").is_some());
        // The same bytes every time.
        assert_eq!(
            c.to_json(),
            Catalog::from_definitions(&refs, Dialect::Postgres).to_json()
        );
    }
}
