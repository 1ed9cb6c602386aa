//! The diff itself: a desired table against the one the database has,
//! column by column, then its indexes, foreign keys and primary key.

use super::compare::{self, canon, default_key, widens};
use super::render::{self, qualified};
use super::{Hints, PlanError, Probe, Step, StepClass};
use crate::catalog::{Catalog, Column, ForeignKey, Index, Table};
use crate::sql::Dialect;
use std::fmt::Write as _;

/// An index a model can express: one column, no expression, predicate or
/// method, not the primary key's.
fn managed_index(i: &Index) -> Option<(&str, bool)> {
    match i.parts.as_slice() {
        [part] if !i.primary && i.predicate.is_none() && i.method.is_none() && !part.descending => {
            part.column.as_deref().map(|c| (c, i.unique))
        }
        _ => None,
    }
}

fn type_of(c: &Column, d: Dialect) -> compare::Canon {
    canon(&c.data_type, c.length, c.precision, c.scale, d)
}

fn describe(c: &Column) -> String {
    let mut s = format!("{}, {}", c.data_type, if c.nullable { "nullable" } else { "NOT NULL" });
    if let Some(d) = &c.default {
        let _ = write!(s, ", default {d}");
    }
    s
}

pub(super) struct Differ<'a> {
    pub(super) dialect: Dialect,
    pub(super) desired: &'a Catalog,
    pub(super) hints: &'a Hints,
    /// `(schema, old, new)` of the tables the plan renames.
    pub(super) renames: Vec<(String, String, String)>,
    pub(super) steps: Vec<Step>,
    pub(super) late: Vec<Step>,
}

fn count(from: &str, filter: &str) -> String {
    if filter.is_empty() {
        format!("SELECT COUNT(*) FROM {from}")
    } else {
        format!("SELECT COUNT(*) FROM {from} WHERE {filter}")
    }
}

impl Differ<'_> {
    /// A foreign key of the database with its target renamed as the plan renames it.
    fn renamed_target(&self, fk: &ForeignKey) -> ForeignKey {
        let mut fk = fk.clone();
        if let Some((_, _, new)) = self
            .renames
            .iter()
            .find(|(s, old, _)| *s == fk.target_schema && *old == fk.target_table)
        {
            fk.target_table = new.clone();
        }
        fk
    }

    /// Whether a model can express `fk` (one column, to a table the plan covers).
    fn managed_fk(&self, fk: &ForeignKey) -> bool {
        fk.columns.len() == 1
            && self
                .desired
                .schemas
                .iter()
                .any(|s| s.name == fk.target_schema && s.tables.iter().any(|t| t.name == fk.target_table))
    }

    fn step(
        &mut self,
        class: StepClass,
        schema: &str,
        table: &str,
        column: Option<&str>,
        reason: String,
        statements: Vec<String>,
    ) -> &mut Step {
        let object = match column {
            Some(c) => format!("{}.{table}.{c}", display_schema(schema)),
            None => format!("{}.{table}", display_schema(schema)),
        };
        self.steps.push(Step {
            class,
            object,
            table: table.to_owned(),
            column: column.map(str::to_owned),
            reason,
            statements,
            probes: Vec::new(),
        });
        self.steps.last_mut().expect("pushed")
    }

    fn check_column(&self, schema: &str, table: &str, c: &Column) -> Result<(), PlanError> {
        let object = format!("{}.{table}.{}", display_schema(schema), c.name);
        crate::check::data_type(&c.data_type).map_err(|message| PlanError::Unsafe {
            object: object.clone(),
            message,
        })?;
        if let Some(def) = &c.default {
            crate::check::default_expression(def).map_err(|message| PlanError::Unsafe { object, message })?;
        }
        Ok(())
    }

    pub(super) fn table(&mut self, schema: &str, want: &Table, actual: &Catalog) -> Result<(), PlanError> {
        let dialect = self.dialect;
        let q = qualified(schema, &want.name, dialect);
        let mut found = actual.table(schema, &want.name);
        if found.is_none() {
            if let Some((_, _, old)) = self
                .hints
                .tables
                .iter()
                .find(|(s, t, _)| s == schema && *t == want.name)
            {
                match actual.table(schema, old) {
                    Some(t) => {
                        let sql = match dialect {
                            Dialect::MySql => format!("RENAME TABLE {} TO {q}", qualified(schema, old, dialect)),
                            _ => format!(
                                "ALTER TABLE {} RENAME TO {}",
                                qualified(schema, old, dialect),
                                dialect.quote(&want.name)
                            ),
                        };
                        let reason = format!("rename table `{old}` to `{}` (declared `renamed_from`)", want.name);
                        self.step(StepClass::Safe, schema, &want.name, None, reason, vec![sql]);
                        found = Some(t);
                    }
                    None => {
                        return Err(PlanError::RenameNotFound {
                            kind: "table",
                            object: format!("{}.{}", display_schema(schema), want.name),
                            old: old.clone(),
                            new: want.name.clone(),
                        })
                    }
                }
            }
        }
        let Some(have) = found else {
            return self.create(schema, want);
        };
        self.columns(schema, want, have)
    }

    fn create(&mut self, schema: &str, want: &Table) -> Result<(), PlanError> {
        let dialect = self.dialect;
        for c in &want.columns {
            self.check_column(schema, &want.name, c)?;
        }
        let inline = dialect == Dialect::Sqlite;
        let mut statements = vec![render::create_table(schema, &want.name, want, dialect, inline)];
        for i in want.indexes.iter().filter(|i| !i.primary) {
            statements.push(render::create_index(schema, &want.name, i, dialect));
        }
        let reason = format!("create table `{}` ({} columns)", want.name, want.columns.len());
        self.step(StepClass::Safe, schema, &want.name, None, reason, statements);
        if !inline {
            for fk in &want.foreign_keys {
                self.add_foreign_key(schema, &want.name, fk, false);
            }
        }
        Ok(())
    }

    fn add_foreign_key(&mut self, schema: &str, table: &str, fk: &ForeignKey, existing_rows: bool) {
        let dialect = self.dialect;
        let name = fk
            .name
            .clone()
            .unwrap_or_else(|| format!("{table}_{}_fkey", fk.columns.join("_")));
        let sql = format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            qualified(schema, table, dialect),
            dialect.quote(&name),
            render::references(fk, dialect)
        );
        let reason = format!(
            "add foreign key ({}) -> {}({})",
            fk.columns.join(", "),
            fk.target_table,
            fk.target_columns.join(", ")
        );
        let col = fk.columns.first().cloned();
        let mut step = Step {
            class: StepClass::Safe,
            object: format!("{}.{table}", display_schema(schema)),
            table: table.to_owned(),
            column: col.clone(),
            reason,
            statements: vec![sql],
            probes: Vec::new(),
        };
        if existing_rows {
            if let (Some(c), Some(t)) = (col, fk.target_columns.first()) {
                let child = qualified(schema, table, dialect);
                let parent = qualified(&fk.target_schema, &fk.target_table, dialect);
                let (c, t) = (dialect.quote(&c), dialect.quote(t));
                step.probes.push(Probe {
                    sql: count(
                        &format!("{child} x"),
                        &format!("x.{c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{t} = x.{c})"),
                    ),
                    says: "{n} rows reference no row of the target".into(),
                    if_zero: None,
                    if_some: Some(StepClass::Review),
                });
            }
        }
        self.late.push(step);
    }

    fn columns(&mut self, schema: &str, want: &Table, have: &Table) -> Result<(), PlanError> {
        let dialect = self.dialect;
        let table = want.name.as_str();
        let q = qualified(schema, table, dialect);
        let mut rebuild: Vec<String> = Vec::new();
        // Column pairs (wanted, had), renames applied.
        let mut pairs: Vec<(&Column, Option<&Column>)> = Vec::new();
        let mut renamed: Vec<(String, String)> = Vec::new();
        for c in &want.columns {
            self.check_column(schema, table, c)?;
            if let Some(h) = have.column(&c.name) {
                pairs.push((c, Some(h)));
                continue;
            }
            let hint = self
                .hints
                .columns
                .iter()
                .find(|(s, t, col, _)| s == schema && t == table && *col == c.name);
            match hint {
                Some((_, _, _, old)) => {
                    let h = have.column(old).ok_or_else(|| PlanError::RenameNotFound {
                        kind: "column",
                        object: format!("{}.{table}.{}", display_schema(schema), c.name),
                        old: old.clone(),
                        new: c.name.clone(),
                    })?;
                    let sql = format!(
                        "ALTER TABLE {q} RENAME COLUMN {} TO {}",
                        dialect.quote(old),
                        dialect.quote(&c.name)
                    );
                    let reason = format!("rename column `{old}` to `{}` (declared `renamed_from`)", c.name);
                    self.step(StepClass::Safe, schema, table, Some(&c.name), reason, vec![sql]);
                    renamed.push((old.clone(), c.name.clone()));
                    pairs.push((c, Some(h)));
                }
                None => pairs.push((c, None)),
            }
        }
        let new_name = |old: &str| {
            renamed
                .iter()
                .find(|(o, _)| o == old)
                .map_or(old.to_owned(), |(_, n)| n.clone())
        };
        let dropped: Vec<&Column> = have
            .columns
            .iter()
            .filter(|h| !pairs.iter().any(|(_, p)| p.is_some_and(|p| p.name == h.name)))
            .collect();
        let added: Vec<&Column> = pairs.iter().filter(|(_, h)| h.is_none()).map(|(c, _)| *c).collect();

        // Indexes and foreign keys that go first (a column they use may go).
        let want_idx: Vec<(&str, bool)> = want.indexes.iter().filter_map(managed_index).collect();
        let fk_cols: Vec<&str> = have
            .foreign_keys
            .iter()
            .filter_map(|f| f.columns.first().map(String::as_str))
            .collect();
        for i in &have.indexes {
            let Some((col, unique)) = managed_index(i) else {
                continue;
            };
            let col = new_name(col);
            if want_idx.iter().any(|(c, u)| *c == col && *u == unique) {
                continue;
            }
            // MySQL makes an index for each foreign key by itself.
            if dialect == Dialect::MySql && !unique && fk_cols.contains(&col.as_str()) {
                continue;
            }
            let statement = match have.unique.iter().find(|k| k.name.as_deref() == Some(&i.name)) {
                Some(_) if dialect == Dialect::Postgres => {
                    format!("ALTER TABLE {q} DROP CONSTRAINT {}", dialect.quote(&i.name))
                }
                _ if i.name.starts_with("sqlite_autoindex") => {
                    rebuild.push(format!("drop the unique constraint on `{col}`"));
                    String::new()
                }
                _ => render::drop_index(schema, table, &i.name, dialect),
            };
            let kind = if unique { "unique index" } else { "index" };
            let reason = format!("drop {kind} `{}` on `{col}` (no property asks for it)", i.name);
            let statements = if statement.is_empty() { vec![] } else { vec![statement] };
            self.step(StepClass::Destructive, schema, table, Some(&col), reason, statements);
        }
        let have_fks: Vec<ForeignKey> = have.foreign_keys.iter().map(|f| self.renamed_target(f)).collect();
        let same_fk = |a: &ForeignKey, b: &ForeignKey| {
            a.columns.iter().map(|c| new_name(c)).collect::<Vec<_>>() == b.columns
                && a.target_table == b.target_table
                && a.target_columns == b.target_columns
        };
        let managed: Vec<&ForeignKey> = have_fks.iter().filter(|f| self.managed_fk(f)).collect();
        for f in managed {
            if want.foreign_keys.iter().any(|w| same_fk(f, w)) {
                continue;
            }
            let col = new_name(&f.columns[0]);
            let reason = format!(
                "drop foreign key ({col}) -> {}({})",
                f.target_table,
                f.target_columns.join(", ")
            );
            let statements = match (&f.name, dialect) {
                (_, Dialect::Sqlite) | (None, _) => {
                    rebuild.push(format!("drop the foreign key on `{col}`"));
                    vec![]
                }
                (Some(n), Dialect::MySql) => vec![format!("ALTER TABLE {q} DROP FOREIGN KEY {}", dialect.quote(n))],
                (Some(n), _) => vec![format!("ALTER TABLE {q} DROP CONSTRAINT {}", dialect.quote(n))],
            };
            self.step(StepClass::Destructive, schema, table, Some(&col), reason, statements);
        }

        // Columns added.
        for c in &added {
            let mut class = StepClass::Safe;
            let mut reason = format!("add column `{}` ({})", c.name, describe(c));
            let mut probes = Vec::new();
            if !c.nullable && c.default.is_none() && c.generated.is_none() {
                class = StepClass::Review;
                reason.push_str(": NOT NULL without a default fails on a table with rows");
                probes.push(Probe {
                    sql: count(&q, ""),
                    says: format!("table `{table}` has {{n}} rows and `{}` has no default", c.name),
                    if_zero: Some(StepClass::Safe),
                    if_some: None,
                });
            }
            if let Some(old) = dropped.iter().find(|d| type_of(d, dialect) == type_of(c, dialect)) {
                let _ = write!(
                    reason,
                    " (possible rename of `{}`: say `renamed_from = \"{}\"`)",
                    old.name, old.name
                );
            }
            let statements = if dialect == Dialect::Sqlite && !c.nullable && c.default.is_none() {
                rebuild.push(format!("add NOT NULL column `{}`", c.name));
                vec![]
            } else {
                vec![format!(
                    "ALTER TABLE {q} ADD COLUMN {}",
                    render::column_definition(want, c, dialect)
                )]
            };
            let step = self.step(class, schema, table, Some(&c.name), reason, statements);
            step.probes = probes;
        }

        // Columns changed.
        for (c, h) in &pairs {
            let Some(h) = h else { continue };
            self.alter(schema, want, c, h, &mut rebuild);
        }

        // Columns dropped.
        for h in &dropped {
            let mut reason = format!("drop column `{}` ({}): its values are lost", h.name, h.data_type);
            if let Some(new) = added.iter().find(|a| type_of(a, dialect) == type_of(h, dialect)) {
                let _ = write!(
                    reason,
                    " (possible rename to `{}`: say `renamed_from = \"{}\"`)",
                    new.name, h.name
                );
            }
            let statements = if dialect == Dialect::Sqlite {
                rebuild.push(format!("drop column `{}`", h.name));
                vec![]
            } else {
                vec![format!("ALTER TABLE {q} DROP COLUMN {}", dialect.quote(&h.name))]
            };
            let probe = Probe {
                sql: count(&q, &format!("{} IS NOT NULL", dialect.quote(&h.name))),
                says: format!("column `{}` of `{table}` holds {{n}} non-null values", h.name),
                if_zero: None,
                if_some: None,
            };
            let step = self.step(StepClass::Destructive, schema, table, Some(&h.name), reason, statements);
            step.probes.push(probe);
        }

        // Primary key.
        let pk = |t: &Table, map: bool| {
            t.primary_key.as_ref().map(|k| {
                k.columns
                    .iter()
                    .map(|c| if map { new_name(c) } else { c.clone() })
                    .collect::<Vec<_>>()
            })
        };
        if pk(want, false) != pk(have, true) {
            let reason = format!(
                "change the primary key from ({}) to ({})",
                pk(have, true).unwrap_or_default().join(", "),
                pk(want, false).unwrap_or_default().join(", ")
            );
            let cols = pk(want, false).unwrap_or_default();
            let quoted: Vec<String> = cols.iter().map(|c| dialect.quote(c)).collect();
            let statements = match dialect {
                Dialect::Sqlite => {
                    rebuild.push("change the primary key".into());
                    vec![]
                }
                Dialect::MySql => vec![format!(
                    "ALTER TABLE {q} DROP PRIMARY KEY, ADD PRIMARY KEY ({})",
                    quoted.join(", ")
                )],
                Dialect::Postgres => {
                    let mut s = Vec::new();
                    if let Some(n) = have.primary_key.as_ref().and_then(|k| k.name.as_ref()) {
                        s.push(format!("ALTER TABLE {q} DROP CONSTRAINT {}", dialect.quote(n)));
                    }
                    if !quoted.is_empty() {
                        s.push(format!("ALTER TABLE {q} ADD PRIMARY KEY ({})", quoted.join(", ")));
                    }
                    s
                }
            };
            self.step(StepClass::Destructive, schema, table, None, reason, statements);
        }

        // Indexes and foreign keys to add.
        let have_idx: Vec<(String, bool)> = have
            .indexes
            .iter()
            .filter_map(managed_index)
            .map(|(c, u)| (new_name(c), u))
            .collect();
        for i in &want.indexes {
            let Some((col, unique)) = managed_index(i) else {
                continue;
            };
            if have_idx.iter().any(|(c, u)| c == col && *u == unique) {
                continue;
            }
            let sql = render::create_index(schema, table, i, dialect);
            let c = dialect.quote(col);
            let (class, reason, probe) = if unique {
                (
                    StepClass::Review,
                    format!("add unique index `{}` on `{col}`: fails if values repeat", i.name),
                    Some(Probe {
                        sql: format!(
                            "SELECT COUNT(*) FROM (SELECT {c} FROM {q} WHERE {c} IS NOT NULL GROUP BY {c} HAVING COUNT(*) > 1) d"
                        ),
                        says: format!("{{n}} values of `{col}` repeat"),
                        if_zero: None,
                        if_some: None,
                    }),
                )
            } else {
                (StepClass::Safe, format!("add index `{}` on `{col}`", i.name), None)
            };
            let step = Step {
                class,
                object: format!("{}.{table}.{col}", display_schema(schema)),
                table: table.to_owned(),
                column: Some(col.to_owned()),
                reason,
                statements: vec![sql],
                probes: probe.into_iter().collect(),
            };
            self.late.push(step);
        }
        for f in want.foreign_keys.iter() {
            if have_fks.iter().any(|h| same_fk(h, f)) {
                continue;
            }
            if dialect == Dialect::Sqlite {
                let reason = format!(
                    "add foreign key ({}) -> {}({}) (by the table rebuild below)",
                    f.columns.join(", "),
                    f.target_table,
                    f.target_columns.join(", ")
                );
                rebuild.push(format!("add the foreign key on `{}`", f.columns.join(", ")));
                let col = f.columns.first().cloned();
                self.step(StepClass::Safe, schema, table, col.as_deref(), reason, vec![]);
            } else {
                self.add_foreign_key(schema, table, f, true);
            }
        }
        if !rebuild.is_empty() {
            self.rebuild(schema, want, have, &pairs, rebuild);
        }
        Ok(())
    }

    fn alter(&mut self, schema: &str, want: &Table, c: &Column, h: &Column, rebuild: &mut Vec<String>) {
        let dialect = self.dialect;
        let table = want.name.as_str();
        let q = qualified(schema, table, dialect);
        let col = dialect.quote(&c.name);
        let (tw, th) = (type_of(c, dialect), type_of(h, dialect));
        let mut changes: Vec<(StepClass, String)> = Vec::new();
        let mut probes = Vec::new();
        let mut pg: Vec<String> = Vec::new();
        if tw != th {
            let widen = widens(&th, &tw);
            let class = if widen { StepClass::Safe } else { StepClass::Destructive };
            let how = if widen { "widens" } else { "narrows or changes the type" };
            changes.push((class, format!("type {} -> {} ({how})", h.data_type, c.data_type)));
            if !widen {
                if let Some(n) = compare::canon(&c.data_type, c.length, None, None, dialect)
                    .args
                    .and_then(|a| a.parse::<u64>().ok())
                    .filter(|_| matches!(tw.name.as_str(), "varchar" | "char" | "nvarchar"))
                {
                    let len = if dialect == Dialect::Postgres {
                        "LENGTH"
                    } else {
                        "CHAR_LENGTH"
                    };
                    let len = if dialect == Dialect::Sqlite { "LENGTH" } else { len };
                    probes.push(Probe {
                        sql: count(&q, &format!("{len}({col}) > {n}")),
                        says: format!("{{n}} values of `{}` are longer than {n}", c.name),
                        if_zero: None,
                        if_some: None,
                    });
                } else {
                    probes.push(Probe {
                        sql: count(&q, &format!("{col} IS NOT NULL")),
                        says: format!("column `{}` holds {{n}} non-null values", c.name),
                        if_zero: None,
                        if_some: None,
                    });
                }
            }
            let using = if widen {
                String::new()
            } else {
                format!(" USING {col}::{}", c.data_type)
            };
            pg.push(format!("ALTER COLUMN {col} TYPE {}{using}", c.data_type));
        }
        if c.nullable != h.nullable && c.generated.is_none() {
            if c.nullable {
                changes.push((StepClass::Safe, "NOT NULL dropped".into()));
                pg.push(format!("ALTER COLUMN {col} DROP NOT NULL"));
            } else {
                changes.push((StepClass::Review, "NOT NULL added: fails where a row holds NULL".into()));
                probes.push(Probe {
                    sql: count(&q, &format!("{col} IS NULL")),
                    says: format!("{{n}} rows hold NULL in `{}`", c.name),
                    if_zero: None,
                    if_some: None,
                });
                pg.push(format!("ALTER COLUMN {col} SET NOT NULL"));
            }
        }
        if default_key(c.default.as_deref()) != default_key(h.default.as_deref())
            && c.generated.is_none()
            && h.generated.is_none()
        {
            let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
            changes.push((
                StepClass::Review,
                format!(
                    "default {} -> {} (new rows get another value)",
                    show(&h.default),
                    show(&c.default)
                ),
            ));
            pg.push(match &c.default {
                Some(d) => format!("ALTER COLUMN {col} SET DEFAULT {d}"),
                None => format!("ALTER COLUMN {col} DROP DEFAULT"),
            });
        }
        if changes.is_empty() {
            return;
        }
        let class = changes.iter().map(|(k, _)| *k).max().unwrap_or(StepClass::Safe);
        let mut reason = format!(
            "change column `{}`: {}",
            c.name,
            changes.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("; ")
        );
        let statements = match dialect {
            Dialect::Postgres => vec![format!("ALTER TABLE {q} {}", pg.join(", "))],
            Dialect::MySql => vec![format!(
                "ALTER TABLE {q} MODIFY COLUMN {}",
                render::column_definition(want, c, dialect)
            )],
            Dialect::Sqlite => {
                rebuild.push(format!("change column `{}`", c.name));
                reason.push_str(" (by the table rebuild below)");
                vec![]
            }
        };
        let step = self.step(class, schema, table, Some(&c.name), reason, statements);
        step.probes = probes;
    }

    /// SQLite's way to change what `ALTER TABLE` cannot: a new table with the
    /// wanted shape, the rows copied across, the old one dropped, the new one
    /// renamed, and the indexes the old one had made again (the connected
    /// plan adds its triggers; foreign keys are checked after).
    fn rebuild(
        &mut self,
        schema: &str,
        want: &Table,
        have: &Table,
        pairs: &[(&Column, Option<&Column>)],
        why: Vec<String>,
    ) {
        let dialect = self.dialect;
        let table = want.name.as_str();
        let temp = crate::check::fit_name(&format!("__juggler_rebuild_{table}"), dialect);
        let mut shape = want.clone();
        // Keep what the models cannot say: checks, and unique constraints.
        shape.checks = have.checks.clone();
        shape.unique.retain(|k| k.columns.len() == 1);
        for k in &have.unique {
            if k.columns.len() > 1 && k.columns.iter().all(|c| want.column(c).is_some()) {
                shape.unique.push(k.clone());
            }
        }
        // Foreign keys the models do not manage stay.
        for f in have.foreign_keys.iter().map(|f| self.renamed_target(f)) {
            if !self.managed_fk(&f) && f.columns.iter().all(|c| want.column(c).is_some()) {
                shape.foreign_keys.push(f);
            }
        }
        let mut statements = vec![render::create_table(schema, &temp, &shape, dialect, true)];
        let copied: Vec<(&Column, &Column)> = pairs.iter().filter_map(|(w, h)| h.map(|h| (*w, h))).collect();
        // Renames run before the rebuild: every kept column has its new name.
        let into: Vec<String> = copied.iter().map(|(w, _)| dialect.quote(&w.name)).collect();
        let from = into.clone();
        statements.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            qualified(schema, &temp, dialect),
            into.join(", "),
            from.join(", "),
            qualified(schema, table, dialect)
        ));
        statements.push(format!("DROP TABLE {}", qualified(schema, table, dialect)));
        statements.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            qualified(schema, &temp, dialect),
            dialect.quote(table)
        ));
        // The indexes it had that stay (the models' new ones come later).
        let renamed = |c: &str| {
            pairs
                .iter()
                .find_map(|(w, h)| h.filter(|h| h.name == c).map(|_| w.name.clone()))
        };
        for i in &have.indexes {
            if i.primary || i.name.starts_with("sqlite_autoindex") {
                continue;
            }
            let mut i = i.clone();
            let mut keep = true;
            for p in &mut i.parts {
                if let Some(c) = &p.column {
                    match renamed(c) {
                        Some(n) => p.column = Some(n),
                        None => keep = false,
                    }
                }
            }
            let wanted = match managed_index(&i) {
                Some((c, u)) => want
                    .indexes
                    .iter()
                    .filter_map(managed_index)
                    .any(|(wc, wu)| wc == c && wu == u),
                None => true,
            };
            if keep && wanted {
                statements.push(render::create_index(schema, table, &i, dialect));
            }
        }
        let reason = format!(
            "rebuild table `{table}` to {} (rows copied across, indexes kept)",
            why.join(", ")
        );
        self.step(StepClass::Safe, schema, table, None, reason, statements);
    }
}

fn display_schema(schema: &str) -> &str {
    if schema.is_empty() {
        "(database)"
    } else {
        schema
    }
}
