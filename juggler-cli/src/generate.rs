//! Code generation: a [`Catalog`] to Rust source, one file per model plus
//! `mod.rs`, formatted with prettyplease, the same bytes for the same input.
//!
//! ```
//! use juggler_schema::catalog::{Catalog, Column, Key, Schema, Table};
//! let mut c = Catalog::new("sqlite");
//! let mut t = Table::new("Album");
//! let mut id = Column::new("AlbumId", "INTEGER");
//! id.nullable = false;
//! t.columns = vec![id, Column::new("Title", "NVARCHAR(160)")];
//! t.primary_key = Some(Key { name: None, columns: vec!["AlbumId".into()] });
//! c.schemas.push(Schema { name: "main".into(), tables: vec![t], ..Schema::default() });
//! let files = juggler_cli::generate::generate(&c, &juggler_cli::generate::Config::default()).unwrap();
//! let album = files.iter().find(|f| f.path == "album.rs").unwrap();
//! assert!(album.contents.contains("#[model(table = \"Album\")]"));
//! assert!(album.contents.contains("#[property(id, column = \"AlbumId\")]"));
//! assert!(album.contents.contains("pub album_id: i64"));
//! assert!(album.contents.contains("pub title: Option<String>"));
//! ```

use heck::{ToSnakeCase, ToUpperCamelCase};
use juggler_schema::catalog::{Catalog, Column, ForeignKey, Table};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// What `generate` may be told.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the code came from, for the header (`schema.json`).
    pub source: String,
    /// The command that regenerates it, for the header.
    pub command: String,
    /// What `juggler.toml` says.
    pub settings: crate::settings::Settings,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            source: "a database catalog".into(),
            command: "juggler generate".into(),
            settings: Default::default(),
        }
    }
}

/// A Rust type written in `juggler.toml`.
fn parse_type(text: &str, entry: &str) -> Result<TokenStream, String> {
    syn::parse_str::<syn::Type>(text)
        .map(|t| quote!(#t))
        .map_err(|e| format!("juggler.toml: `{entry}`: `{text}` is not a Rust type ({e})"))
}

/// Checks that every entry of `juggler.toml` names something in `objects`.
fn check_settings(settings: &crate::settings::Settings, objects: &[Object<'_>]) -> Result<(), String> {
    use crate::settings::no_match;
    let names: Vec<&str> = objects.iter().map(|o| o.1).collect();
    for (key, list) in [
        ("tables.include", &settings.tables.include),
        ("tables.exclude", &settings.tables.exclude),
    ] {
        for t in list {
            if !names.contains(&t.as_str()) {
                return Err(no_match(key, "table", t, &names));
            }
        }
    }
    for native in settings.types.keys() {
        let used = objects.iter().any(|o| {
            o.3.iter()
                .any(|c| c.type_name.eq_ignore_ascii_case(native) || c.data_type.eq_ignore_ascii_case(native))
        });
        if !used {
            return Err(format!("juggler.toml: `types.{native}` names a type no column has"));
        }
    }
    for (table, m) in &settings.models {
        let Some(object) = objects.iter().find(|o| o.1 == table) else {
            return Err(no_match(&format!("models.{table}"), "table", table, &names));
        };
        let columns: Vec<&str> = object.3.iter().map(|c| c.name.as_str()).collect();
        for (what, map) in [("fields", &m.fields), ("types", &m.types)] {
            for column in map.keys() {
                if !columns.contains(&column.as_str()) {
                    return Err(no_match(
                        &format!("models.{table}.{what}.{column}"),
                        "column",
                        column,
                        &columns,
                    ));
                }
            }
        }
    }
    Ok(())
}

/// One generated file: its path relative to the output folder, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// `album.rs`, `mod.rs`.
    pub path: String,
    /// The formatted source.
    pub contents: String,
}

/// A valid Rust identifier from any name: characters other than letters,
/// digits and `_` become `_`, a leading digit gets `prefix`, keywords get a
/// trailing `_` (`type` -> `type_`).
fn ident_text(raw: &str, prefix: &str) -> String {
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

fn type_name(raw: &str) -> String {
    let camel = ident_text(raw, "T").to_upper_camel_case();
    ident_text(&camel, "T")
}

fn field_name(raw: &str) -> String {
    let snake = ident_text(raw, "f").to_snake_case();
    ident_text(&snake, "f")
}

/// A module (and file) name: modules loaded from files must have ASCII
/// names, so other characters are written as their code point
/// (`Übersicht` -> `xfcbersicht`).
fn module_name(struct_name: &str) -> String {
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

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// Unique names: the second `a` becomes `a_2`.
fn unique(names: impl IntoIterator<Item = String>, taken: &mut BTreeSet<String>) -> Vec<String> {
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

/// How every generated file starts.
const HEADER: &str = "// Generated by juggler";

/// The Rust type of a column (without `Option`), and a comment when the
/// native type has no better mapping.
fn rust_type(c: &Column, dialect: &str, enum_type: Option<&str>) -> (TokenStream, Option<String>) {
    if let Some(e) = enum_type {
        let e = ident(e);
        return (quote!(#e), None);
    }
    let t = c.type_name.to_ascii_lowercase();
    let unsupported = |why: &str| (quote!(String), Some(format!("native type `{}`: {why}", c.data_type)));
    match c.property_type.as_str() {
        "Number" => match t.trim_end_matches(" unsigned") {
            _ if dialect == "sqlite" && t.contains("int") => (quote!(i64), None),
            "tinyint" if c.unsigned => (quote!(u8), None),
            "tinyint" => (quote!(i8), None),
            "smallint" | "int2" | "smallserial" if c.unsigned => (quote!(u16), None),
            "smallint" | "int2" | "smallserial" | "year" => (quote!(i16), None),
            "mediumint" | "int" | "integer" | "int4" | "serial" if c.unsigned => (quote!(u32), None),
            "mediumint" | "int" | "integer" | "int4" | "serial" => (quote!(i32), None),
            "bigint" | "int8" | "bigserial" if c.unsigned => (quote!(u64), None),
            "bigint" | "int8" | "bigserial" => (quote!(i64), None),
            "real" | "float4" => (quote!(f32), None),
            "numeric" | "decimal" | "dec" | "fixed" => (quote!(::juggler::Decimal), None),
            "money" => unsupported("read as text"),
            _ => (quote!(f64), None),
        },
        "Boolean" => (quote!(bool), None),
        "Date" => match t.as_str() {
            "date" => (quote!(::chrono::NaiveDate), None),
            "timestamp with time zone" | "timestamptz" => (quote!(::chrono::DateTime<::chrono::Utc>), None),
            "timestamp" | "timestamp without time zone" | "datetime" => (quote!(::chrono::NaiveDateTime), None),
            time if time.starts_with("time") => unsupported("times of day are read as text"),
            // A date property held as text (SQLite, or a `dataType` of text).
            _ => (quote!(::chrono::DateTime<::chrono::Utc>), None),
        },
        "String" if t == "uuid" => (quote!(::uuid::Uuid), None),
        "String" => (quote!(String), None),
        "Object" => (quote!(::serde_json::Value), None),
        "Buffer" => (quote!(Vec<u8>), Some(format!("native type `{}`: bytes", c.data_type))),
        "[\"String\"]" => (quote!(Vec<String>), None),
        "[\"Boolean\"]" => (quote!(Vec<bool>), None),
        "[\"Number\"]" if c.element_type.as_deref().is_some_and(|e| e.contains("int")) => (quote!(Vec<i64>), None),
        "[\"Number\"]" => (quote!(Vec<f64>), None),
        _ => unsupported("no property type maps it; read as text"),
    }
}

/// What the generator knows of one table or view.
struct Model<'c> {
    schema: &'c str,
    table: &'c str,
    struct_name: String,
    file: String,
    /// The module path below the root (`["billing"]`); empty at the root.
    module: Vec<String>,
    columns: Vec<(String, &'c Column)>,
    table_ref: Option<&'c Table>,
    view: bool,
}

/// A table or view: schema, name, the table, columns, whether a view.
type Object<'c> = (&'c str, &'c str, Option<&'c Table>, &'c [Column], bool);

/// One relation field to emit.
struct Nav {
    field: String,
    kind: &'static str,
    target: String,
    foreign_key: String,
    /// For `has_and_belongs_to_many`: the join table and its column
    /// pointing at the other side.
    through: Option<(String, String)>,
}

/// Generates the models of every table and view of `catalog`.
pub fn generate(catalog: &Catalog, config: &Config) -> Result<Vec<GeneratedFile>, String> {
    emit(catalog, config, false)
}

/// [`generate`] as one file of items (no modules), for `include!` from a
/// build script's `OUT_DIR`.
pub fn generate_single(catalog: &Catalog, config: &Config) -> Result<String, String> {
    Ok(emit(catalog, config, true)?
        .pop()
        .map(|f| f.contents)
        .unwrap_or_default())
}

fn emit(catalog: &Catalog, config: &Config, single: bool) -> Result<Vec<GeneratedFile>, String> {
    let mut taken_types = BTreeSet::new();
    let mut models: Vec<Model<'_>> = Vec::new();
    let mut objects: Vec<Object<'_>> = Vec::new();
    for s in &catalog.schemas {
        for t in &s.tables {
            objects.push((&s.name, &t.name, Some(t), &t.columns, false));
        }
        for v in &s.views {
            objects.push((&s.name, &v.name, None, &v.columns, true));
        }
    }
    check_settings(&config.settings, &objects)?;
    objects.retain(|o| config.settings.wants(o.1));
    let settings_of = |table: &str| config.settings.models.get(table);
    let struct_names = unique(
        objects.iter().map(|o| {
            settings_of(o.1)
                .and_then(|m| m.struct_name.clone())
                .unwrap_or_else(|| type_name(o.1))
        }),
        &mut taken_types,
    );
    let mut files = BTreeSet::new();
    for ((schema, table, table_ref, columns, view), struct_name) in objects.into_iter().zip(struct_names) {
        let mut taken = BTreeSet::new();
        let renamed = settings_of(table).map(|m| &m.fields);
        let names = unique(
            columns.iter().map(|c| {
                renamed
                    .and_then(|f| f.get(&c.name).cloned())
                    .unwrap_or_else(|| field_name(&c.name))
            }),
            &mut taken,
        );
        let module = match settings_of(table).and_then(|m| m.module.as_deref()) {
            Some(path) => module_path(path, table)?,
            None => Vec::new(),
        };
        let file = unique([module_name(&struct_name)], &mut files).remove(0);
        models.push(Model {
            schema,
            table,
            struct_name,
            file: format!("{file}.rs"),
            module,
            columns: names.into_iter().zip(columns).collect(),
            table_ref,
            view,
        });
    }
    // Enum types: PostgreSQL's by name, MySQL's per column.
    let mut enums: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut column_enum: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for s in &catalog.schemas {
        for e in &s.enums {
            let name = unique([type_name(&e.name)], &mut taken_types).remove(0);
            enums.insert(format!("{}.{}", s.name, e.name), (name, e.values.clone()));
        }
    }
    for (m, model) in models.iter().enumerate() {
        for (c, (_, column)) in model.columns.iter().enumerate() {
            if let Some(user) = &column.user_type {
                if let Some((name, _)) = enums.get(&format!("{}.{user}", model.schema)) {
                    column_enum.insert((m, c), name.clone());
                }
            } else if !column.values.is_empty() && column.type_name == "enum" {
                let name = unique(
                    [format!("{}{}", model.struct_name, type_name(&column.name))],
                    &mut taken_types,
                )
                .remove(0);
                enums.insert(
                    format!("{}.{}.{}", model.schema, model.table, column.name),
                    (name.clone(), column.values.clone()),
                );
                column_enum.insert((m, c), name);
            }
        }
    }
    // Relations from single-column foreign keys to a single-column key.
    let find = |schema: &str, table: &str| {
        models
            .iter()
            .position(|m| m.schema == schema && m.table == table && !m.view)
    };
    let mut navs: Vec<Vec<Nav>> = models.iter().map(|_| Vec::new()).collect();
    for (m, model) in models.iter().enumerate() {
        let Some(t) = model.table_ref else { continue };
        for fk in &t.foreign_keys {
            let ([column], [_]) = (fk.columns.as_slice(), fk.target_columns.as_slice()) else {
                continue;
            };
            let Some(target) = find(&fk.target_schema, &fk.target_table) else {
                continue;
            };
            let Some((key_field, _)) = model.columns.iter().find(|(_, c)| &c.name == column) else {
                continue;
            };
            let role = relation_role(column);
            navs[m].push(Nav {
                field: role.clone(),
                kind: "belongs_to",
                target: models[target].struct_name.clone(),
                foreign_key: key_field.clone(),
                through: None,
            });
            let unique_key = is_unique(t, fk);
            let own = field_name(&models[target].table.to_snake_case());
            let child = field_name(&model.table.to_snake_case());
            let back = if unique_key {
                if role == own {
                    child.clone()
                } else {
                    format!("{role}_{child}")
                }
            } else if role == own {
                plural(&child)
            } else {
                format!("{role}_{}", plural(&child))
            };
            navs[target].push(Nav {
                field: back,
                kind: if unique_key { "has_one" } else { "has_many" },
                target: model.struct_name.clone(),
                foreign_key: key_field.clone(),
                through: None,
            });
        }
        // A join table with data of its own (its key is the two foreign
        // keys): each side has many of the other through it.
        if let Some((a, b)) = join_with_data(t) {
            let (Some(ta), Some(tb)) = (
                find(&a.target_schema, &a.target_table),
                find(&b.target_schema, &b.target_table),
            ) else {
                continue;
            };
            let field_of = |column: &str| {
                model
                    .columns
                    .iter()
                    .find(|(_, c)| c.name == column)
                    .map(|(f, _)| f.clone())
            };
            let (Some(fa), Some(fb)) = (field_of(&a.columns[0]), field_of(&b.columns[0])) else {
                continue;
            };
            if ta != tb {
                for (from, to, own_key, other_key) in [(ta, tb, &fa, &fb), (tb, ta, &fb, &fa)] {
                    navs[from].push(Nav {
                        field: plural(&field_name(&models[to].table.to_snake_case())),
                        kind: "has_many_through",
                        target: models[to].struct_name.clone(),
                        foreign_key: own_key.clone(),
                        through: Some((model.struct_name.clone(), other_key.clone())),
                    });
                }
            }
            continue;
        }
        // A pure join table links its two sides many-to-many.
        if let Some((a, b)) = join_sides(t) {
            let (Some(ta), Some(tb)) = (
                find(&a.target_schema, &a.target_table),
                find(&b.target_schema, &b.target_table),
            ) else {
                continue;
            };
            if ta == tb {
                continue;
            }
            for (from, to, own_key, other_key) in [
                (ta, tb, &a.columns[0], &b.columns[0]),
                (tb, ta, &b.columns[0], &a.columns[0]),
            ] {
                navs[from].push(Nav {
                    field: plural(&field_name(&models[to].table.to_snake_case())),
                    kind: "has_and_belongs_to_many",
                    target: models[to].struct_name.clone(),
                    foreign_key: own_key.clone(),
                    through: Some((model.table.to_owned(), other_key.clone())),
                });
            }
        }
    }
    let mut out = Vec::new();
    let mut single_items = Vec::new();
    let header = format!(
        "{HEADER} from {}. Do not edit: regenerate with `{}`.\n\n",
        config.source, config.command
    );
    for (m, model) in models.iter().enumerate() {
        let mut taken: BTreeSet<String> = model.columns.iter().map(|(n, _)| n.clone()).collect();
        let mut nav_tokens = Vec::new();
        let model_settings = settings_of(model.table);
        if let Some(ms) = model_settings {
            for name in ms.relations.keys() {
                if !navs[m].iter().any(|n| &n.field == name) {
                    let have: Vec<&str> = navs[m].iter().map(|n| n.field.as_str()).collect();
                    return Err(crate::settings::no_match(
                        &format!("models.{}.relations.{name}", model.table),
                        "relation",
                        name,
                        &have,
                    ));
                }
            }
        }
        for nav in &navs[m] {
            let wanted = model_settings
                .and_then(|ms| ms.relations.get(&nav.field))
                .unwrap_or(&nav.field);
            let field = ident(&unique([ident_text(wanted, "r")], &mut taken).remove(0));
            let target = ident(&nav.target);
            let fk = &nav.foreign_key;
            let (attr, ty) = match nav.kind {
                "belongs_to" => (
                    quote!(belongs_to(foreign_key = #fk)),
                    quote!(::juggler::BelongsTo<#target>),
                ),
                "has_one" => (quote!(has_one(foreign_key = #fk)), quote!(::juggler::HasOne<#target>)),
                "has_and_belongs_to_many" => {
                    let (table, other) = nav.through.clone().unwrap_or_default();
                    (
                        quote!(has_and_belongs_to_many(through = #table, foreign_key = #fk, key_through = #other)),
                        quote!(::juggler::HasAndBelongsToMany<#target>),
                    )
                }
                "has_many_through" => {
                    let (through, other) = nav.through.clone().unwrap_or_default();
                    let through = ident(&through);
                    (
                        quote!(has_many(through = #through, foreign_key = #fk, key_through = #other)),
                        quote!(::juggler::HasMany<#target>),
                    )
                }
                _ => (quote!(has_many(foreign_key = #fk)), quote!(::juggler::HasMany<#target>)),
            };
            nav_tokens.push(quote! {
                #[relation(#attr)]
                pub #field: #ty,
            });
        }
        let pk: Vec<&str> = model
            .table_ref
            .and_then(|t| t.primary_key.as_ref())
            .map(|k| k.columns.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        for (c, (name, column)) in model.columns.iter().enumerate() {
            let overridden = model_settings
                .and_then(|ms| {
                    ms.types
                        .get(&column.name)
                        .map(|t| (t, format!("models.{}.types.{}", model.table, column.name)))
                })
                .or_else(|| {
                    config
                        .settings
                        .types
                        .iter()
                        .find(|(k, _)| {
                            column.type_name.eq_ignore_ascii_case(k) || column.data_type.eq_ignore_ascii_case(k)
                        })
                        .map(|(k, t)| (t, format!("types.{k}")))
                });
            let (ty, comment) = match overridden {
                Some((t, entry)) => (parse_type(t, &entry)?, None),
                None => rust_type(column, &catalog.dialect, column_enum.get(&(m, c)).map(String::as_str)),
            };
            let ty = if column.nullable && !pk.contains(&column.name.as_str()) {
                quote!(Option<#ty>)
            } else {
                ty
            };
            let mut props = Vec::new();
            if let Some(pos) = pk.iter().position(|k| *k == column.name) {
                if pk.len() > 1 {
                    let n = proc_macro2::Literal::usize_unsuffixed(pos + 1);
                    props.push(quote!(id = #n));
                } else {
                    props.push(quote!(id));
                }
                if column.generated.is_some() {
                    props.push(quote!(generated));
                }
            }
            if *name != column.name {
                let col = &column.name;
                props.push(quote!(column = #col));
            }
            match single_column_index(model.table_ref, &column.name, &pk) {
                Some(true) => props.push(quote!(index(unique))),
                Some(false) => props.push(quote!(index)),
                None => {}
            }
            let ty_text = ty.to_string();
            let number = |n: u64| proc_macro2::Literal::u64_unsuffixed(n);
            if let Some(n) = column.length.filter(|_| ty_text.contains("String")) {
                let n = number(n);
                props.push(quote!(length = #n));
            }
            // A PostgreSQL column read as text but of another type (an enum,
            // `uuid`, `tsvector`): its type goes into the definition, so
            // juggler reads `col::text` and writes `CAST($n AS type)`.
            let as_text = ty_text.contains("String") || ty_text.contains("Uuid") || column_enum.contains_key(&(m, c));
            if catalog.dialect == "postgres"
                && as_text
                && !juggler_schema::sql::is_text_type(&column.data_type)
                && juggler_schema::check::data_type(&column.data_type).is_ok()
            {
                let t = &column.data_type;
                props.push(quote!(data_type = #t));
            }
            if ty_text.contains("Decimal") {
                if let Some(p) = column.precision {
                    let p = number(p);
                    props.push(quote!(precision = #p));
                }
                if let Some(s) = column.scale {
                    let s = number(s);
                    props.push(quote!(scale = #s));
                }
            }
            let property = if props.is_empty() {
                quote!()
            } else {
                quote!(#[property(#(#props),*)])
            };
            let doc = comment.map(|c| {
                let c = format!(" {c}");
                quote!(#[doc = #c])
            });
            let field = ident(name);
            fields.push(quote! {
                #doc
                #property
                pub #field: #ty,
            });
        }
        let table = model.table;
        let mut model_attrs = Vec::new();
        if table != model.struct_name.to_snake_case() {
            model_attrs.push(quote!(table = #table));
        }
        if catalog.dialect == "postgres" {
            let schema = model.schema;
            model_attrs.push(quote!(postgresql(schema = #schema, table = #table)));
        }
        if model.view {
            model_attrs.push(quote!(view));
        }
        let mut docs: Vec<String> = vec![format!(
            " `{}.{}`{}",
            model.schema,
            model.table,
            if model.view { ", a view (read-only)" } else { "" }
        )];
        let prefix = format!("{}.{}", model.schema, model.table);
        for w in catalog
            .warnings
            .iter()
            .filter(|w| w.object == prefix || w.object.starts_with(&format!("{prefix}.")))
        {
            docs.push(String::new());
            docs.push(format!(" Warning `{}`: {}", w.code, w.message));
        }
        for index in model.table_ref.map(|t| t.indexes.as_slice()).unwrap_or_default() {
            let columns: Vec<&str> = index.parts.iter().filter_map(|p| p.column.as_deref()).collect();
            let single = index.parts.len() == 1 && columns.len() == 1 && index.predicate.is_none();
            if index.primary || single {
                continue;
            }
            let parts: Vec<String> = index
                .parts
                .iter()
                .map(|p| p.column.clone().or_else(|| p.expression.clone()).unwrap_or_default())
                .collect();
            docs.push(String::new());
            docs.push(format!(
                " {}ndex `{}` ({}){}: in the database, not in the model (juggler's indexes are on one column).",
                if index.unique { "Unique i" } else { "I" },
                index.name,
                parts.join(", "),
                index
                    .predicate
                    .as_ref()
                    .map(|p| format!(" where {p}"))
                    .unwrap_or_default()
            ));
        }
        for fk in model.table_ref.map(|t| t.foreign_keys.as_slice()).unwrap_or_default() {
            if fk.columns.len() > 1 {
                docs.push(String::new());
                docs.push(format!(
                    " Foreign key ({}) -> `{}.{}` ({}): no relation field (juggler's relations join on one column).",
                    fk.columns.join(", "),
                    fk.target_schema,
                    fk.target_table,
                    fk.target_columns.join(", ")
                ));
            }
        }
        let name = ident(&model.struct_name);
        let model_attr = if model_attrs.is_empty() {
            quote!()
        } else {
            quote!(#[model(#(#model_attrs),*)])
        };
        let mut extra_derives = Vec::new();
        let mut extra_attrs = Vec::new();
        if let Some(ms) = model_settings {
            for d in &ms.derives {
                let path: syn::Path = syn::parse_str(d).map_err(|e| {
                    format!(
                        "juggler.toml: `models.{}.derives`: `{d}` is not a path ({e})",
                        model.table
                    )
                })?;
                extra_derives.push(quote!(, #path));
            }
            for a in &ms.attributes {
                let attrs = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, a).map_err(|e| {
                    format!(
                        "juggler.toml: `models.{}.attributes`: `{a}` is not an attribute ({e})",
                        model.table
                    )
                })?;
                extra_attrs.extend(attrs.into_iter().map(|a| quote!(#a)));
            }
        }
        let item = quote! {
            #(#[doc = #docs])*
            #[derive(::juggler::Model, Debug, Clone, PartialEq #(#extra_derives)*)]
            #model_attr
            #(#extra_attrs)*
            pub struct #name {
                #(#fields)*
                #(#nav_tokens)*
            }
        };
        if single {
            single_items.push((model.module.clone(), item));
            continue;
        }
        // Every model's file sees the root, where every model is re-exported.
        let root = std::iter::repeat_n(quote!(super::), model.module.len() + 1);
        let item = quote! {
            #[allow(unused_imports)]
            use #(#root)* *;

            #item
        };
        let mut path: Vec<&str> = model.module.iter().map(String::as_str).collect();
        path.push(&model.file);
        out.push(GeneratedFile {
            path: path.join("/"),
            contents: format!("{header}{}", format(item)?),
        });
    }
    // Enums, then mod.rs.
    let mut enum_items = Vec::new();
    for (origin, (name, values)) in &enums {
        let mut taken = BTreeSet::new();
        let variants = unique(
            values.iter().map(|v| type_name(v)).map(|v| {
                if v.starts_with(|c: char| c.is_ascii_digit()) || v.is_empty() {
                    format!("V{v}")
                } else {
                    v
                }
            }),
            &mut taken,
        );
        let name = ident(name);
        let doc = format!(" The values of `{origin}`.");
        let arms = variants.iter().zip(values).map(|(variant, value)| {
            let v = ident(variant);
            quote!(#[serde(rename = #value)] #v,)
        });
        enum_items.push(quote! {
            #[doc = #doc]
            #[derive(::juggler::Enum, Debug, Clone, Copy, PartialEq, Eq)]
            pub enum #name { #(#arms)* }
        });
    }
    if single {
        let all = nest(&[], &single_items);
        let all = quote! {
            #all
            #(#enum_items)*
        };
        return Ok(vec![GeneratedFile {
            path: "models.rs".into(),
            contents: format!("{header}{}", format(all)?),
        }]);
    }
    // A `mod.rs` per module: its models' files, its submodules, all
    // re-exported; the root's also holds the enums.
    let mut dirs: BTreeSet<Vec<String>> = BTreeSet::from([Vec::new()]);
    for m in &models {
        for depth in 1..=m.module.len() {
            dirs.insert(m.module[..depth].to_vec());
        }
    }
    for dir in &dirs {
        let files: Vec<Ident> = models
            .iter()
            .filter(|m| &m.module == dir)
            .map(|m| format_ident!("{}", m.file.trim_end_matches(".rs")))
            .collect();
        let subs: Vec<Ident> = dirs
            .iter()
            .filter(|d| d.len() == dir.len() + 1 && d.starts_with(dir))
            .map(|d| ident(&d[dir.len()]))
            .collect();
        let enums = if dir.is_empty() { enum_items.clone() } else { Vec::new() };
        let mod_rs = quote! {
            #(
                mod #files;
                pub use #files::*;
            )*
            #(
                pub mod #subs;
                pub use #subs::*;
            )*
            #(#enums)*
        };
        let mut path = dir.clone();
        path.push("mod.rs".into());
        out.push(GeneratedFile {
            path: path.join("/"),
            contents: format!("{header}{}", format(mod_rs)?),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The items of one file, the modules of `juggler.toml`'s `module` nested
/// inline (`pub mod billing { use super::*; .. } pub use billing::*;`).
fn nest(at: &[String], items: &[(Vec<String>, TokenStream)]) -> TokenStream {
    let here = items.iter().filter(|(m, _)| m == at).map(|(_, i)| i);
    let subs: BTreeSet<&String> = items
        .iter()
        .filter(|(m, _)| m.len() > at.len() && m.starts_with(at))
        .map(|(m, _)| &m[at.len()])
        .collect();
    let inner = subs.into_iter().map(|sub| {
        let mut path = at.to_vec();
        path.push(sub.clone());
        let body = nest(&path, items);
        let name = ident(sub);
        quote! {
            pub mod #name {
                #[allow(unused_imports)]
                use super::*;
                #body
            }
            pub use #name::*;
        }
    });
    quote!(#(#here)* #(#inner)*)
}

/// `billing::invoices` as module names, each a plain lowercase identifier.
fn module_path(path: &str, table: &str) -> Result<Vec<String>, String> {
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

fn format(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code did not parse (a juggler bug): {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// A relation's field from its key column: `original_language_id` ->
/// `original_language`, `AlbumId` -> `album`, `ReportsTo` -> `reports_to`.
fn relation_role(column: &str) -> String {
    let snake = column.to_snake_case();
    let stem = snake.strip_suffix("_id").filter(|s| !s.is_empty()).unwrap_or(&snake);
    field_name(stem)
}

fn plural(word: &str) -> String {
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

/// The two foreign keys of a pure join table: a table whose columns are two
/// single-column foreign keys, plus at most an id and dates (`last_update`).
fn join_sides(t: &Table) -> Option<(&ForeignKey, &ForeignKey)> {
    let [a, b] = t.foreign_keys.as_slice() else {
        return None;
    };
    if a.columns.len() != 1 || b.columns.len() != 1 || a.columns == b.columns {
        return None;
    }
    let keys = [&a.columns[0], &b.columns[0]];
    let pk: Vec<&String> = t
        .primary_key
        .as_ref()
        .map(|k| k.columns.iter().collect())
        .unwrap_or_default();
    let mut ids = 0;
    for c in &t.columns {
        if keys.contains(&&c.name) || c.property_type == "Date" {
            continue;
        }
        if pk == [&c.name] && ids == 0 {
            ids += 1;
            continue;
        }
        return None;
    }
    Some((a, b))
}

/// The two foreign keys of a join table that holds data of its own: two
/// single-column keys whose pair is the primary key (or a unique key), and
/// other columns besides (a pure join table is [`join_sides`]'s).
fn join_with_data(t: &Table) -> Option<(&ForeignKey, &ForeignKey)> {
    let [a, b] = t.foreign_keys.as_slice() else {
        return None;
    };
    if a.columns.len() != 1 || b.columns.len() != 1 || a.columns == b.columns || join_sides(t).is_some() {
        return None;
    }
    let pair = |k: &[String]| k.len() == 2 && k.contains(&a.columns[0]) && k.contains(&b.columns[0]);
    let keyed = t.primary_key.as_ref().is_some_and(|k| pair(&k.columns)) || t.unique.iter().any(|k| pair(&k.columns));
    keyed.then_some((a, b))
}

/// The index a column has on its own (outside the primary key): `Some(true)`
/// unique, `Some(false)` plain. Partial and expression indexes are not the
/// column's (they are listed in the struct's comment).
fn single_column_index(table: Option<&Table>, column: &str, pk: &[&str]) -> Option<bool> {
    let t = table?;
    if pk == [column] {
        return None;
    }
    let alone = |cols: &[String]| cols.len() == 1 && cols[0] == column;
    if t.unique.iter().any(|k| alone(&k.columns)) {
        return Some(true);
    }
    let mut found = None;
    for i in t.indexes.iter().filter(|i| !i.primary && i.predicate.is_none()) {
        if let [part] = i.parts.as_slice() {
            if part.column.as_deref() == Some(column) {
                found = Some(found.unwrap_or(false) || i.unique);
            }
        }
    }
    found
}

/// Whether the key's columns are unique in their table (then the reverse
/// side is `has_one`).
fn is_unique(t: &Table, fk: &ForeignKey) -> bool {
    t.primary_key.as_ref().is_some_and(|k| k.columns == fk.columns) || t.unique.iter().any(|k| k.columns == fk.columns)
}

/// Writes `files` into `dir` (created when missing) and removes the `.rs`
/// files juggler generated there before that it no longer writes (a table
/// dropped); files without juggler's header are never touched. With
/// `check`, writes nothing and returns the paths whose contents differ from
/// what is on disk (missing and stale files included). `done` is called once
/// per file (a progress bar).
pub fn write_files(
    dir: &std::path::Path,
    files: &[GeneratedFile],
    check: bool,
    mut done: impl FnMut(),
) -> Result<Vec<String>, String> {
    let mut differ = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        let on_disk = std::fs::read_to_string(&path).ok();
        if on_disk.as_deref() != Some(f.contents.as_str()) {
            differ.push(f.path.clone());
            if !check {
                let parent = path.parent().unwrap_or(dir);
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                std::fs::write(&path, &f.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
        done();
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".rs") || files.iter().any(|f| f.path == name) {
                continue;
            }
            let ours = std::fs::read_to_string(entry.path()).is_ok_and(|t| t.starts_with(HEADER));
            if !ours {
                continue;
            }
            differ.push(name);
            if !check {
                std::fs::remove_file(entry.path())
                    .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
            }
        }
    }
    differ.sort();
    Ok(differ)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("line nö"), "line_nö");
        assert_eq!(field_name("3D"), "f3_d");
        assert_eq!(type_name("we\"ird 表"), "WeIrd表");
        assert_eq!(relation_role("original_language_id"), "original_language");
        assert_eq!(relation_role("AlbumId"), "album");
        assert_eq!(relation_role("ReportsTo"), "reports_to");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("type_"), "types");
        assert_eq!(plural("pair_of_types"), "pair_of_types");
        assert_eq!(plural("status"), "statuses");
        assert_eq!(module_name("Übersicht"), "xfcbersicht");
    }
}
