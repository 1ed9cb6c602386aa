//! How a live database differs from a committed catalog snapshot, as lines
//! a person reads (`juggler check --url .. --from schema.json` in CI).
//!
//! ```
//! use juggler_schema::catalog::{Catalog, Column, Schema, Table};
//! let mut snapshot = Catalog::new("postgres");
//! let mut film = Table::new("film");
//! film.columns.push(Column::new("title", "text"));
//! snapshot.schemas.push(Schema { name: "public".into(), tables: vec![film], ..Schema::default() });
//! let mut live = snapshot.clone();
//! live.schemas[0].tables[0].columns.push(Column::new("notes", "text"));
//! assert_eq!(juggler_schema::drift::drift(&snapshot, &live), ["public.film: column `notes` added (text, nullable)"]);
//! ```

use crate::catalog::{Catalog, Check, Column, ForeignKey, Index, Key, Table};
use serde::Serialize;
use serde_json::Value as Json;

/// Every difference, snapshot first: one line each, in catalog order;
/// empty when the database matches.
pub fn drift(snapshot: &Catalog, live: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let names = |c: &Catalog| -> Vec<String> { c.schemas.iter().map(|s| s.name.clone()).collect() };
    let mut schemas = names(snapshot);
    for s in names(live) {
        if !schemas.contains(&s) {
            schemas.push(s);
        }
    }
    for schema in &schemas {
        let (before, after) = (snapshot.schema(schema), live.schema(schema));
        let tables_of = |s: Option<&crate::catalog::Schema>| s.map(|s| s.tables.clone()).unwrap_or_default();
        keyed(
            &tables_of(before),
            &tables_of(after),
            |t| t.name.clone(),
            |name| format!("{schema}.{name}"),
            "table",
            &mut out,
            table,
        );
        let views_of = |s: Option<&crate::catalog::Schema>| s.map(|s| s.views.clone()).unwrap_or_default();
        keyed(
            &views_of(before),
            &views_of(after),
            |v| v.name.clone(),
            |name| format!("{schema}.{name}"),
            "view",
            &mut out,
            |here, a, b, out| fields(here, "", a, b, out),
        );
        let enums_of = |s: Option<&crate::catalog::Schema>| s.map(|s| s.enums.clone()).unwrap_or_default();
        keyed(
            &enums_of(before),
            &enums_of(after),
            |e| e.name.clone(),
            |name| format!("{schema}.{name}"),
            "enum type",
            &mut out,
            |here, a, b, out| fields(here, "", a, b, out),
        );
        let domains_of = |s: Option<&crate::catalog::Schema>| s.map(|s| s.domains.clone()).unwrap_or_default();
        keyed(
            &domains_of(before),
            &domains_of(after),
            |d| d.name.clone(),
            |name| format!("{schema}.{name}"),
            "domain",
            &mut out,
            |here, a, b, out| fields(here, "", a, b, out),
        );
    }
    out
}

/// Items matched by key: removed, added, then each changed pair through
/// `changed`.
fn keyed<T: Clone>(
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> String,
    label: impl Fn(&str) -> String,
    what: &str,
    out: &mut Vec<String>,
    changed: impl Fn(&str, &T, &T, &mut Vec<String>),
) {
    for b in before {
        let k = key(b);
        match after.iter().find(|a| key(a) == k) {
            None => out.push(format!(
                "{}: {what} removed (in the snapshot, not in the database)",
                label(&k)
            )),
            Some(a) => changed(&label(&k), b, a, out),
        }
    }
    for a in after {
        let k = key(a);
        if !before.iter().any(|b| key(b) == k) {
            out.push(format!(
                "{}: {what} added (in the database, not in the snapshot)",
                label(&k)
            ));
        }
    }
}

fn describe(c: &Column) -> String {
    let mut s = c.data_type.clone();
    s.push_str(if c.nullable { ", nullable" } else { ", not null" });
    if let Some(d) = &c.default {
        s.push_str(&format!(", default {d}"));
    }
    s
}

fn table(here: &str, before: &Table, after: &Table, out: &mut Vec<String>) {
    for b in &before.columns {
        match after.column(&b.name) {
            None => out.push(format!("{here}: column `{}` removed (was {})", b.name, describe(b))),
            Some(a) => fields(here, &format!("column `{}` ", b.name), b, a, out),
        }
    }
    for a in &after.columns {
        if before.column(&a.name).is_none() {
            out.push(format!("{here}: column `{}` added ({})", a.name, describe(a)));
        }
    }
    let order = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (ob, oa) = (order(before), order(after));
    let common = |o: &[String], other: &[String]| o.iter().filter(|n| other.contains(n)).cloned().collect::<Vec<_>>();
    if common(&ob, &oa) != common(&oa, &ob) {
        out.push(format!(
            "{here}: columns reordered: {} -> {}",
            ob.join(", "),
            oa.join(", ")
        ));
    }
    let key = |k: &Option<Key>| k.as_ref().map(|k| format!("({})", k.columns.join(", ")));
    if key(&before.primary_key) != key(&after.primary_key) {
        let show = |k: Option<String>| k.unwrap_or_else(|| "none".into());
        out.push(format!(
            "{here}: primary key {} -> {}",
            show(key(&before.primary_key)),
            show(key(&after.primary_key))
        ));
    }
    let fk = |f: &ForeignKey| {
        format!(
            "foreign key ({}) -> {}.{} ({}) on delete {} on update {}",
            f.columns.join(", "),
            f.target_schema,
            f.target_table,
            f.target_columns.join(", "),
            f.on_delete,
            f.on_update
        )
    };
    listed(here, &before.foreign_keys, &after.foreign_keys, fk, out);
    let unique = |k: &Key| format!("unique key ({})", k.columns.join(", "));
    listed(here, &before.unique, &after.unique, unique, out);
    let index = |i: &Index| {
        let parts: Vec<String> = i
            .parts
            .iter()
            .map(|p| {
                let what = p.column.clone().or_else(|| p.expression.clone()).unwrap_or_default();
                if p.descending {
                    format!("{what} DESC")
                } else {
                    what
                }
            })
            .collect();
        let mut s = format!(
            "{}index `{}` ({})",
            if i.unique { "unique " } else { "" },
            i.name,
            parts.join(", ")
        );
        if let Some(p) = &i.predicate {
            s.push_str(&format!(" where {p}"));
        }
        if let Some(m) = &i.method {
            s.push_str(&format!(" using {m}"));
        }
        s
    };
    listed(here, &before.indexes, &after.indexes, index, out);
    let check = |c: &Check| format!("check ({})", c.expression);
    listed(here, &before.checks, &after.checks, check, out);
    let rest = |t: &Table| {
        let mut t = t.clone();
        t.columns.clear();
        t.primary_key = None;
        t.foreign_keys.clear();
        t.unique.clear();
        t.indexes.clear();
        t.checks.clear();
        t
    };
    fields(here, "", &rest(before), &rest(after), out);
}

/// Items of a list compared by how they read: removed ones, then added ones.
fn listed<T>(here: &str, before: &[T], after: &[T], show: impl Fn(&T) -> String, out: &mut Vec<String>) {
    let (b, a): (Vec<String>, Vec<String>) = (before.iter().map(&show).collect(), after.iter().map(&show).collect());
    for x in b.iter().filter(|x| !a.contains(x)) {
        out.push(format!("{here}: {x} removed"));
    }
    for y in a.iter().filter(|y| !b.contains(y)) {
        out.push(format!("{here}: {y} added"));
    }
}

/// The fields of two values that differ, as `label field: before -> after`.
fn fields<T: Serialize>(here: &str, prefix: &str, before: &T, after: &T, out: &mut Vec<String>) {
    let (Ok(Json::Object(b)), Ok(Json::Object(a))) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return;
    };
    let mut keys: Vec<&String> = b.keys().collect();
    keys.extend(a.keys().filter(|k| !b.contains_key(*k)));
    // Derived from `data_type`: said once, there.
    for k in keys.into_iter().filter(|k| *k != "type_name" && *k != "property_type") {
        let (x, y) = (b.get(k).unwrap_or(&Json::Null), a.get(k).unwrap_or(&Json::Null));
        if x != y {
            out.push(format!(
                "{here}: {prefix}{}: {} -> {}",
                k.replace('_', " "),
                show(x),
                show(y)
            ));
        }
    }
}

fn show(v: &Json) -> String {
    match v {
        Json::Null => "none".into(),
        Json::String(s) => format!("`{s}`"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Schema;

    fn catalog() -> Catalog {
        let mut film = Table::new("film");
        film.columns = vec![Column::new("id", "integer"), Column::new("title", "text")];
        film.columns[0].nullable = false;
        let mut c = Catalog::new("postgres");
        c.schemas.push(Schema {
            name: "public".into(),
            tables: vec![film, Table::new("language")],
            ..Schema::default()
        });
        c
    }

    #[test]
    fn every_kind_of_change_is_one_line() {
        let snapshot = catalog();
        assert!(drift(&snapshot, &snapshot).is_empty());
        let mut live = catalog();
        let film = &mut live.schemas[0].tables[0];
        film.columns[1].data_type = "varchar(80)".into();
        film.columns[1].nullable = false;
        film.columns.push(Column::new("rating", "mpaa_rating"));
        film.foreign_keys.push(ForeignKey {
            name: Some("film_language_id_fkey".into()),
            columns: vec!["language_id".into()],
            target_schema: "public".into(),
            target_table: "language".into(),
            target_columns: vec!["language_id".into()],
            on_delete: "NO ACTION".into(),
            on_update: "NO ACTION".into(),
        });
        live.schemas[0].tables.remove(1);
        live.schemas[0].tables.push(Table::new("review"));
        let lines = drift(&snapshot, &live);
        assert_eq!(
            lines[0],
            "public.film: column `title` data type: `text` -> `varchar(80)`"
        );
        assert!(
            lines.contains(&"public.film: column `title` nullable: true -> false".to_owned()),
            "{lines:#?}"
        );
        assert!(lines.contains(&"public.film: column `rating` added (mpaa_rating, nullable)".to_owned()));
        assert!(
            lines.contains(
                &"public.film: foreign key (language_id) -> public.language (language_id) on delete NO ACTION on update NO ACTION added"
                    .to_owned()
            ),
            "{lines:#?}"
        );
        assert!(lines.contains(&"public.language: table removed (in the snapshot, not in the database)".to_owned()));
        assert!(lines.contains(&"public.review: table added (in the database, not in the snapshot)".to_owned()));
    }
}
