//! Schema sync on a connected data source: `migration_plan`, `autoupdate`
//! and `is_actual`, on top of discovery and juggler-schema's pure
//! [`diff`](crate::schema::plan::diff).

use crate::datasource::DataSource;
use crate::schema::catalog::{Catalog, DiscoverOptions};
use crate::schema::plan::{diff, Hints, Plan, Step, StepClass};
use crate::schema::{Dialect, ModelDefinition};
use crate::{Error, Result};

/// What [`DataSource::autoupdate_with`] may do beyond the safe steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoupdateOptions {
    /// Apply steps that can fail on existing data (add NOT NULL, a unique
    /// index, change a default).
    pub allow_review: bool,
    /// Apply steps that lose data (drop a column, an index or a constraint,
    /// narrow or change a type).
    pub allow_destructive: bool,
}

/// `1204` as `1,204`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn line(step: &Step) -> String {
    format!("{} {}: {}", step.class.as_str(), step.object, step.reason)
}

impl DataSource {
    /// The steps that would bring the database's tables to `definitions`
    /// (and the join tables of their `has_and_belongs_to_many` relations),
    /// with evidence from the data for every step that is not safe
    /// ("column `notes` of `customer` holds 1,204 non-null values"). Only
    /// the tables the definitions name are read or touched.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> juggler::Result<()> {
    /// use juggler::{ModelDefinition, StepClass};
    /// let ds = juggler::DataSource::connect("sqlite::memory:").await?;
    /// let v1 = ModelDefinition::from_json(r#"{"name": "note", "properties": {
    ///     "id": {"type": "number", "id": true, "generated": true}, "text": {"type": "string"}}}"#).unwrap();
    /// ds.autoupdate(&[&v1]).await?;
    /// let v2 = ModelDefinition::from_json(r#"{"name": "note", "properties": {
    ///     "id": {"type": "number", "id": true, "generated": true}}}"#).unwrap();
    /// let plan = ds.migration_plan(&[&v2]).await?;
    /// assert_eq!(plan.steps[0].class, StepClass::Destructive);
    /// assert!(plan.steps[0].reason.contains("holds 0 non-null values"), "{}", plan.render());
    /// // Refused, and nothing changed.
    /// assert!(ds.autoupdate(&[&v2]).await.is_err());
    /// assert!(ds.is_actual(&[&v1]).await?);
    /// # Ok(()) }
    /// ```
    pub async fn migration_plan(&self, definitions: &[&ModelDefinition]) -> Result<Plan> {
        let mut plan = self.plan_without_evidence(definitions).await?;
        self.add_evidence(&mut plan).await;
        Ok(plan)
    }

    /// The plan with its SQL (SQLite triggers included) but no counts run.
    async fn plan_without_evidence(&self, definitions: &[&ModelDefinition]) -> Result<Plan> {
        let dialect = self
            .dialect()
            .ok_or_else(|| Error::Unsupported("the memory connector keeps no schema to plan for".to_owned()))?;
        let links = crate::schema::relations::link_definitions(definitions);
        let mut all: Vec<&ModelDefinition> = definitions.to_vec();
        all.extend(links.iter());
        for def in &all {
            crate::schema::check::definition(def, Some(dialect))
                .map_err(|message| Error::invalid_data(&def.name, message))?;
        }
        let mut desired = Catalog::from_definitions(&all, dialect);
        let mut hints = Hints::from_definitions(&all, dialect);
        if dialect != Dialect::Sqlite {
            self.resolve_default_schema(&all, &mut desired, &mut hints, dialect)
                .await?;
        }
        let mut tables: Vec<String> = desired
            .schemas
            .iter()
            .flat_map(|s| s.tables.iter().map(|t| t.name.clone()))
            .collect();
        tables.extend(hints.tables.iter().map(|(_, _, old)| old.clone()));
        let options = DiscoverOptions {
            schemas: desired.schemas.iter().map(|s| s.name.clone()).collect(),
            tables,
            exclude: Vec::new(),
            views: false,
        };
        let actual = self.discover(&options).await?;
        let mut plan = diff(&desired, &actual, &hints).map_err(|e| Error::Migration {
            message: e.to_string(),
            applied: Vec::new(),
        })?;
        if dialect == Dialect::Sqlite {
            self.keep_triggers(&mut plan).await?;
        }
        Ok(plan)
    }

    /// Models that name no schema live where the connection's queries go:
    /// PostgreSQL's `current_schema()` (the search path), MySQL's `DATABASE()`.
    async fn resolve_default_schema(
        &self,
        defs: &[&ModelDefinition],
        desired: &mut Catalog,
        hints: &mut Hints,
        dialect: Dialect,
    ) -> Result<()> {
        let placeholder = crate::schema::desired::default_schema(dialect);
        let key = dialect.connector_key();
        let named = defs.iter().any(|d| {
            d.settings
                .connector(key)
                .and_then(|c| c.schema.as_deref())
                .or(d.settings.schema.as_deref())
                == Some(placeholder)
        });
        if named {
            return Ok(());
        }
        let sql = match dialect {
            Dialect::MySql => "SELECT DATABASE()",
            _ => "SELECT current_schema()::text",
        };
        let current = self
            .connector()
            .query_texts(sql.to_owned(), Vec::new())
            .await?
            .into_iter()
            .flatten()
            .next()
            .unwrap_or_default();
        if current == placeholder {
            return Ok(());
        }
        for s in &mut desired.schemas {
            if s.name == placeholder {
                s.name = current.clone();
            }
            for t in &mut s.tables {
                for fk in &mut t.foreign_keys {
                    if fk.target_schema == placeholder {
                        fk.target_schema = current.clone();
                    }
                }
            }
        }
        *hints = std::mem::take(hints).with_schema(placeholder, &current);
        Ok(())
    }

    /// Runs each step's counts and says what they found.
    async fn add_evidence(&self, plan: &mut Plan) {
        for step in &mut plan.steps {
            let probes = std::mem::take(&mut step.probes);
            for probe in &probes {
                if step.class == StepClass::Safe && probe.if_some.is_none() {
                    continue;
                }
                // A table or column the plan renames first cannot be counted yet.
                let Ok(rows) = self.connector().query_texts(probe.sql.clone(), Vec::new()).await else {
                    continue;
                };
                let n: u64 = rows
                    .into_iter()
                    .flatten()
                    .next()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                step.reason.push_str("; ");
                step.reason.push_str(&probe.says.replace("{n}", &thousands(n)));
                match (n, probe.if_zero, probe.if_some) {
                    (0, Some(class), _) => step.class = class,
                    (1.., _, Some(class)) => step.class = class,
                    _ => {}
                }
            }
            step.probes = probes;
        }
    }

    /// A SQLite table rebuild drops the table's triggers with it: make them again.
    async fn keep_triggers(&self, plan: &mut Plan) -> Result<()> {
        for step in &mut plan.steps {
            let rebuilds = step
                .statements
                .first()
                .is_some_and(|s| s.starts_with("CREATE TABLE \"__juggler_rebuild_"));
            if !rebuilds {
                continue;
            }
            let triggers = self
                .connector()
                .query_texts(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name"
                        .to_owned(),
                    vec![step.table.clone()],
                )
                .await?;
            step.statements.extend(triggers.into_iter().flatten());
        }
        Ok(())
    }

    /// Applies the safe steps of [`migration_plan`](Self::migration_plan) and
    /// returns the plan it applied. Any other step is refused with an
    /// [`Error::Migration`] naming table, column and reason, and then nothing
    /// is changed. See [`autoupdate_with`](Self::autoupdate_with).
    pub async fn autoupdate(&self, definitions: &[&ModelDefinition]) -> Result<Plan> {
        self.autoupdate_with(definitions, AutoupdateOptions::default()).await
    }

    /// [`autoupdate`](Self::autoupdate), applying review and destructive
    /// steps too when `options` allow them. PostgreSQL and SQLite apply the
    /// plan in one transaction (SQLite with foreign keys off while tables are
    /// rebuilt, then `PRAGMA foreign_key_check`); MySQL, whose DDL commits by
    /// itself, applies it step by step, and a failure says which steps took
    /// effect.
    pub async fn autoupdate_with(&self, definitions: &[&ModelDefinition], options: AutoupdateOptions) -> Result<Plan> {
        let plan = self.migration_plan(definitions).await?;
        let refused = plan.refused(options.allow_review, options.allow_destructive);
        if !refused.is_empty() {
            let mut message = format!(
                "autoupdate refused {} step{} and changed nothing:",
                refused.len(),
                if refused.len() == 1 { "" } else { "s" }
            );
            for step in &refused {
                message.push_str("\n  ");
                message.push_str(&line(step));
            }
            let allow = match refused.iter().map(|s| s.class).max() {
                Some(StepClass::Destructive) => "allow_destructive",
                _ => "allow_review",
            };
            message.push_str(&format!("\n(AutoupdateOptions {{ {allow}: true, .. }} applies them)"));
            return Err(Error::Migration {
                message,
                applied: Vec::new(),
            });
        }
        let statements: Vec<String> = plan.statements().into_iter().map(str::to_owned).collect();
        if statements.is_empty() {
            return Ok(plan);
        }
        if let Err((done, error)) = self.connector().apply_ddl(&statements).await {
            let mut applied = Vec::new();
            let mut seen = 0;
            for step in &plan.steps {
                seen += step.statements.len();
                if seen > done || step.statements.is_empty() && seen == done {
                    break;
                }
                applied.push(line(step));
            }
            let failed = plan
                .steps
                .get(applied.len())
                .map_or_else(String::new, |s| format!(" at `{}` ({})", s.object, s.reason));
            let mut message = format!("autoupdate failed{failed}: {error}");
            if applied.is_empty() {
                message.push_str("\nnothing was changed");
            } else {
                message.push_str("\nthese steps were applied before it (MySQL commits DDL as it runs):");
                for a in &applied {
                    message.push_str("\n  ");
                    message.push_str(a);
                }
            }
            return Err(Error::Migration { message, applied });
        }
        Ok(plan)
    }

    /// Whether the database's tables already are what `definitions` describe
    /// (the plan is empty).
    pub async fn is_actual(&self, definitions: &[&ModelDefinition]) -> Result<bool> {
        // Counts only explain steps: an empty plan needs none.
        Ok(self.plan_without_evidence(definitions).await?.is_empty())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_read_with_separators() {
        assert_eq!(super::thousands(1204), "1,204");
        assert_eq!(super::thousands(3), "3");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
