//! Schema sync: the [`Plan`] that brings a database's tables to what the
//! definitions describe, computed by [`diff`] from two catalogs and no
//! database.
//!
//! Each [`Step`] carries its SQL, a [`StepClass`] and a sentence saying why.
//! Only tables the desired catalog names are looked at; objects a model
//! cannot express (multi-column and expression indexes, composite foreign
//! keys, checks, triggers, views) are kept as they are.
//!
//! ```
//! use juggler_schema::{catalog::Catalog, plan::{diff, Hints, StepClass}, Dialect, ModelDefinition};
//!
//! let v1 = ModelDefinition::from_json(r#"{"name": "note", "properties": {
//!     "id": {"type": "number", "id": true, "generated": true},
//!     "text": {"type": "string"}}}"#)?;
//! let v2 = ModelDefinition::from_json(r#"{"name": "note", "properties": {
//!     "id": {"type": "number", "id": true, "generated": true},
//!     "text": {"type": "string"},
//!     "stars": {"type": "number", "dataType": "integer", "default": 0}}}"#)?;
//! let live = Catalog::from_definitions(&[&v1], Dialect::Postgres);
//! let want = Catalog::from_definitions(&[&v2], Dialect::Postgres);
//! let plan = diff(&want, &live, &Hints::default())?;
//! assert_eq!(plan.steps.len(), 1);
//! assert_eq!(plan.steps[0].class, StepClass::Safe);
//! assert_eq!(plan.steps[0].statements, [r#"ALTER TABLE "public"."note" ADD COLUMN "stars" INTEGER DEFAULT 0"#]);
//! assert_eq!(plan.render(), "safe         public.note.stars: add column `stars` (INTEGER, nullable, default 0)\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod compare;
mod differ;
pub mod render;

use crate::catalog::Catalog;
use crate::sql::Dialect;
use crate::ModelDefinition;
use differ::Differ;
use std::fmt::Write as _;

/// How much care a step needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum StepClass {
    /// Cannot fail on existing data and loses nothing: create a table, add a
    /// nullable column or one with a default, add an index or a foreign key
    /// the rows satisfy, widen a type, a declared rename.
    Safe,
    /// Can fail on existing data or changes what it means: add NOT NULL, add
    /// a unique index, change a default.
    Review,
    /// Loses data or schema: drop a column, an index or a constraint, narrow
    /// or change a type.
    Destructive,
}

impl StepClass {
    /// `safe`, `review`, `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepClass::Safe => "safe",
            StepClass::Review => "review",
            StepClass::Destructive => "destructive",
        }
    }
}

/// A count a connected plan runs to put evidence into a step's reason.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Probe {
    /// `SELECT COUNT(*) ...` built from quoted catalog names only.
    pub sql: String,
    /// The sentence, `{n}` standing for the count.
    pub says: String,
    /// The class the step takes when the count is zero (`Some(Safe)` for a
    /// NOT NULL column added to an empty table).
    pub if_zero: Option<StepClass>,
    /// The class the step takes when the count is not zero (`Some(Review)`
    /// for a foreign key some rows break).
    pub if_some: Option<StepClass>,
}

/// One change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Step {
    /// How much care it needs.
    pub class: StepClass,
    /// `schema.table` or `schema.table.column`.
    pub object: String,
    /// The table it changes.
    pub table: String,
    /// The column, when it changes one.
    pub column: Option<String>,
    /// What it does and why, with evidence when the plan was connected.
    pub reason: String,
    /// Its statements (empty when a SQLite table rebuild step does the work).
    pub statements: Vec<String>,
    /// Counts to run for evidence.
    #[serde(skip)]
    pub probes: Vec<Probe>,
}

/// The ordered steps from a database's tables to the definitions.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Plan {
    /// The dialect of the statements.
    #[serde(skip)]
    pub dialect: Dialect,
    /// In the order they run.
    pub steps: Vec<Step>,
}

/// Renames the definitions declare (`renamed_from`), never guessed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hints {
    /// `(schema, table, old name)`.
    pub tables: Vec<(String, String, String)>,
    /// `(schema, table, column, old name)`.
    pub columns: Vec<(String, String, String, String)>,
}

/// A plan that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A `renamed_from` names nothing in the database.
    #[error("`renamed_from = \"{old}\"` on {object}: the database has no {kind} `{old}` (and no `{new}`)")]
    RenameNotFound {
        /// `table` or `column`.
        kind: &'static str,
        /// The renamed table or column, `schema.table[.column]`.
        object: String,
        /// The name it had.
        old: String,
        /// The name it has now.
        new: String,
    },
    /// A type or default that is not safe to put into DDL.
    #[error("{object}: {message}")]
    Unsafe {
        /// `schema.table.column`.
        object: String,
        /// Why.
        message: String,
    },
}

fn renamed_from(extra: &serde_json::Map<String, serde_json::Value>) -> Option<&str> {
    extra
        .get("renamedFrom")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
}

impl Hints {
    /// The renames `defs` declare: `renamedFrom` in a model's options or a
    /// property (the derive's `renamed_from`).
    pub fn from_definitions(defs: &[&ModelDefinition], dialect: Dialect) -> Hints {
        let key = dialect.connector_key();
        let mut hints = Hints::default();
        for def in defs {
            let schema = def
                .settings
                .connector(key)
                .and_then(|c| c.schema.clone())
                .or_else(|| def.settings.schema.clone().filter(|_| dialect != Dialect::Sqlite))
                .unwrap_or_else(|| crate::desired::default_schema(dialect).to_owned());
            let table = def.table_name(Some(key)).to_owned();
            if let Some(old) = renamed_from(&def.settings.extra) {
                hints.tables.push((schema.clone(), table.clone(), old.to_owned()));
            }
            for (name, prop) in &def.properties {
                if let Some(old) = renamed_from(&prop.extra) {
                    let column = prop.column(name, Some(key)).to_owned();
                    hints
                        .columns
                        .push((schema.clone(), table.clone(), column, old.to_owned()));
                }
            }
        }
        hints
    }

    /// Hints whose schema is `from` now say `to` (MySQL's database, which
    /// definitions leave unnamed).
    pub fn with_schema(mut self, from: &str, to: &str) -> Hints {
        for (s, ..) in &mut self.tables {
            if s == from {
                *s = to.to_owned();
            }
        }
        for (s, ..) in &mut self.columns {
            if s == from {
                *s = to.to_owned();
            }
        }
        self
    }
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Every statement, in order.
    pub fn statements(&self) -> Vec<&str> {
        self.steps
            .iter()
            .flat_map(|s| s.statements.iter().map(String::as_str))
            .collect()
    }

    /// The steps `allow` does not allow.
    pub fn refused(&self, allow_review: bool, allow_destructive: bool) -> Vec<&Step> {
        self.steps
            .iter()
            .filter(|s| match s.class {
                StepClass::Safe => false,
                StepClass::Review => !allow_review,
                StepClass::Destructive => !allow_destructive,
            })
            .collect()
    }

    /// One line per step, class first, for people.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            let _ = writeln!(out, "{:<12} {}: {}", s.class.as_str(), s.object, s.reason);
        }
        out
    }

    /// The plan as a migration file `sqlx migrate run` accepts.
    pub fn migration_sql(&self) -> String {
        let mut out = String::from("-- Written by juggler from a migration plan.\n");
        let rebuilds = self.dialect == Dialect::Sqlite && self.steps.iter().any(|s| s.reason.starts_with("rebuild"));
        if rebuilds {
            // Foreign keys must be off while a table is rebuilt (a DROP TABLE
            // would run its ON DELETE actions), and they cannot be switched
            // inside a transaction.
            out = format!("-- no-transaction\n{out}PRAGMA foreign_keys = OFF;\nBEGIN;\n");
        }
        for s in &self.steps {
            let _ = writeln!(
                out,
                "\n-- {} {}: {}",
                s.class.as_str(),
                s.object,
                s.reason.replace('\n', " ")
            );
            for st in &s.statements {
                let _ = writeln!(out, "{st};");
            }
        }
        if rebuilds {
            out.push_str("\nCOMMIT;\nPRAGMA foreign_keys = ON;\n");
        }
        out
    }

    /// Writes `<version>_<name>.sql` into `dir` (the version is the UTC time,
    /// `YYYYMMDDHHMMSS`, as `sqlx migrate add` names files) and returns its path.
    pub fn write_migration(&self, dir: impl AsRef<std::path::Path>, name: &str) -> std::io::Result<std::path::PathBuf> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut version = utc_stamp(secs);
        // Never two files of one version.
        while std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with(&format!("{version}_")))
        {
            version += 1;
        }
        let slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{version}_{slug}.sql"));
        std::fs::write(&path, self.migration_sql())?;
        Ok(path)
    }
}

/// `YYYYMMDDHHMMSS` of a Unix time, UTC.
fn utc_stamp(secs: u64) -> u64 {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let date = (y as u64) * 10_000 + (m as u64) * 100 + d as u64;
    date * 1_000_000 + (rem / 3_600) * 10_000 + (rem % 3_600 / 60) * 100 + rem % 60
}

fn dialect_of(name: &str) -> Dialect {
    match name {
        "postgres" | "postgresql" => Dialect::Postgres,
        "mysql" | "mariadb" => Dialect::MySql,
        _ => Dialect::Sqlite,
    }
}

/// The plan from `actual` to `desired`: every table `desired` names, and
/// nothing else. Renames come from `hints` only; a drop and an add of the
/// same type in one table are said to be a possible rename.
pub fn diff(desired: &Catalog, actual: &Catalog, hints: &Hints) -> Result<Plan, PlanError> {
    let dialect = dialect_of(&desired.dialect);
    let renames = hints
        .tables
        .iter()
        .filter(|(s, new, old)| actual.table(s, new).is_none() && actual.table(s, old).is_some())
        .map(|(s, new, old)| (s.clone(), old.clone(), new.clone()))
        .collect();
    let mut d = Differ {
        dialect,
        desired,
        hints,
        renames,
        steps: Vec::new(),
        late: Vec::new(),
    };
    for schema in &desired.schemas {
        for table in &schema.tables {
            d.table(&schema.name, table, actual)?;
        }
    }
    let mut steps = d.steps;
    steps.append(&mut d.late);
    Ok(Plan { dialect, steps })
}

#[cfg(test)]
mod tests;
