//! Checked queries to parameterised SQL. Names come from the definition and
//! are quoted; every value is a bind parameter.

use crate::connector::LinkSpec;
use crate::filter::resolve::{CmpOp, Cond, Query};
use crate::filter::Direction;
use crate::schema::sql::{column_kind, column_ref, table_ref, text_cast};
use crate::schema::{ColumnKind, Dialect, ModelDefinition};
use crate::value::Value;

/// Whether `values` can go to PostgreSQL as one `BIGINT[]` / `TEXT[]` bind
/// for a column of `kind` (the PostgreSQL connector binds a `Value::Json`
/// array with an integer or text kind as such an array).
fn array_bindable(values: &[Value], kind: ColumnKind) -> bool {
    match kind {
        ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
            values.iter().all(|v| matches!(v, Value::Int(_)))
        }
        ColumnKind::Text => values.iter().all(|v| matches!(v, Value::Text(_))),
        _ => false,
    }
}

/// A statement and its parameters, each with the column kind it binds as.
#[derive(Debug, Clone, Default)]
pub(crate) struct Statement {
    pub(crate) sql: String,
    /// The same text when it comes from the statement cache (then `sql` is empty).
    pub(crate) shared: Option<std::sync::Arc<str>>,
    pub(crate) binds: Binds,
}

pub(crate) use super::binds::Binds;

impl Statement {
    /// This statement's text from the cache (built by `make` on first use),
    /// with its own binds.
    /// Without a key (a column set the mask cannot tell apart) the text is
    /// built for this call alone.
    pub(crate) fn cached(
        cache: &StatementCache,
        key: Option<CacheKey>,
        binds: impl Into<Binds>,
        make: impl FnOnce() -> String,
    ) -> Self {
        let binds = binds.into();
        match key {
            Some(key) => Statement {
                sql: String::new(),
                shared: Some(cache.get(key, make)),
                binds,
            },
            None => Statement {
                sql: make(),
                shared: None,
                binds,
            },
        }
    }
}

pub(crate) use super::cache::{key, mask, CacheKey, Layout, StatementCache};

/// The binds of an insert of `rows` rows into `columns` (what [`insert`]
/// binds, for a text taken from the cache).
pub(crate) fn insert_binds(
    columns: &[usize],
    kinds: &[ColumnKind],
    rows: usize,
    mut value: impl FnMut(usize, usize) -> Value,
) -> Vec<(Value, ColumnKind)> {
    let mut binds = Vec::with_capacity(rows * columns.len());
    for r in 0..rows {
        for p in columns {
            binds.push((value(r, *p), kinds[*p]));
        }
    }
    binds
}

pub(crate) struct Compiler<'a> {
    pub(crate) def: &'a ModelDefinition,
    pub(crate) dialect: Dialect,
    pub(crate) out: Statement,
    /// The table alias columns are qualified with (in a join).
    alias: Option<&'static str>,
    /// Placeholders written so far.
    placeholders: usize,
    /// Only the text is wanted: values are not kept.
    text_only: bool,
}

impl<'a> Compiler<'a> {
    pub(crate) fn new(def: &'a ModelDefinition, dialect: Dialect) -> Self {
        Compiler {
            def,
            dialect,
            out: Statement::default(),
            alias: None,
            placeholders: 0,
            text_only: false,
        }
    }

    fn push(&mut self, sql: &str) {
        self.out.sql.push_str(sql);
    }

    fn bind(&mut self, value: Value, kind: ColumnKind) {
        self.placeholders += 1;
        if !self.text_only {
            self.out.binds.push((value, kind));
        }
        // The placeholder, written in place (a batch insert writes thousands).
        if self.dialect == Dialect::Postgres {
            self.out.sql.push('$');
            self.out.sql.push_str(itoa::Buffer::new().format(self.placeholders));
        } else {
            self.out.sql.push('?');
        }
    }

    pub(crate) fn column(&self, pos: usize) -> (String, ColumnKind) {
        let (name, prop) = self
            .def
            .properties
            .get_index(pos)
            .expect("position from the same definition");
        let col = column_ref(name, prop, self.dialect);
        let col = match self.alias {
            Some(a) => format!("{a}.{col}"),
            None => col,
        };
        (col, column_kind(prop, self.dialect))
    }

    /// A column as a SELECT reads it: through `::text` when its type is read
    /// as text (see [`text_cast`]).
    pub(crate) fn selected(&self, pos: usize) -> String {
        let (col, _) = self.column(pos);
        match self.cast(pos) {
            Some(_) => format!("{col}::text"),
            None => col,
        }
    }

    /// The type a text value is cast to when written into `pos`.
    fn cast(&self, pos: usize) -> Option<&'a str> {
        self.def
            .properties
            .get_index(pos)
            .and_then(|(_, p)| text_cast(p, self.dialect))
    }

    /// A value written into column `pos` (an INSERT or an UPDATE).
    fn bind_into(&mut self, pos: usize, value: Value, kind: ColumnKind) {
        match self.cast(pos) {
            Some(t) => {
                self.push("CAST(");
                self.bind(value, kind);
                self.push(&format!(" AS {t})"));
            }
            None => self.bind(value, kind),
        }
    }

    pub(crate) fn table(&self) -> String {
        table_ref(self.def, self.dialect)
    }

    /// ` WHERE ...` (nothing for no condition).
    pub(crate) fn where_clause(&mut self, cond: Option<&Cond>) {
        if let Some(c) = cond {
            self.push(" WHERE ");
            self.cond(c);
        }
    }

    fn cond(&mut self, cond: &Cond) {
        match cond {
            Cond::And(items) | Cond::Or(items) if items.is_empty() => {
                self.push(if matches!(cond, Cond::And(_)) { "1=1" } else { "1=0" });
            }
            Cond::And(items) | Cond::Or(items) => {
                let joiner = if matches!(cond, Cond::And(_)) { " AND " } else { " OR " };
                self.joined(items, joiner);
            }
            Cond::Cmp { prop, op } => self.cmp(*prop, op),
        }
    }

    /// `(a OR b OR ..)`, grouped in parentheses of at most [`GROUP`] terms:
    /// a parser reads a flat chain as a tree as deep as the chain is long,
    /// and SQLite stops at a depth of 1,000; groups keep every filter the
    /// parser accepts (10,000 conditions) well under it.
    fn joined(&mut self, items: &[Cond], joiner: &str) {
        const GROUP: usize = 64;
        self.push("(");
        if items.len() <= GROUP {
            for (i, c) in items.iter().enumerate() {
                if i > 0 {
                    self.push(joiner);
                }
                self.cond(c);
            }
        } else {
            let size = items.len().div_ceil(GROUP);
            for (i, group) in items.chunks(size).enumerate() {
                if i > 0 {
                    self.push(joiner);
                }
                self.joined(group, joiner);
            }
        }
        self.push(")");
    }

    /// A column as an operand of a comparison or an ORDER BY: SQLite keeps
    /// decimals as text, so they compare as REAL there.
    fn operand(&self, pos: usize) -> (String, ColumnKind) {
        match self.column(pos) {
            (col, ColumnKind::Decimal) if self.dialect == Dialect::Sqlite => {
                (format!("CAST({col} AS REAL)"), ColumnKind::Float)
            }
            (col, kind) if self.cast(pos).is_some() => (format!("{col}::text"), kind),
            other => other,
        }
    }

    fn cmp(&mut self, prop: usize, op: &CmpOp) {
        let (col, kind) = self.operand(prop);
        let binary = |c: &mut Self, sym: &str, v: &Value| {
            c.push(&format!("{col} {sym} "));
            c.bind(v.clone(), kind);
        };
        match op {
            CmpOp::IsNull => self.push(&format!("{col} IS NULL")),
            CmpOp::NotNull => self.push(&format!("{col} IS NOT NULL")),
            CmpOp::Eq(v) => binary(self, "=", v),
            CmpOp::Neq(v) => binary(self, "<>", v),
            CmpOp::Gt(v) => binary(self, ">", v),
            CmpOp::Gte(v) => binary(self, ">=", v),
            CmpOp::Lt(v) => binary(self, "<", v),
            CmpOp::Lte(v) => binary(self, "<=", v),
            CmpOp::Between(a, b) => {
                self.push(&format!("{col} BETWEEN "));
                self.bind(a.clone(), kind);
                self.push(" AND ");
                self.bind(b.clone(), kind);
            }
            CmpOp::In(vs) => self.in_list(&col, kind, vs, false),
            CmpOp::NotIn(vs) => self.in_list(&col, kind, vs, true),
            CmpOp::Like {
                pattern,
                insensitive,
                negated,
                ..
            } => {
                let not = if *negated { "NOT " } else { "" };
                if *insensitive && self.dialect == Dialect::Sqlite {
                    // SQLite's LOWER and LIKE fold ASCII only: the pattern
                    // as an anchored regular expression folds every letter
                    // (`zoË` finds `Zoë`), as ILIKE does elsewhere.
                    self.push(&format!("{col} {not}REGEXP "));
                    self.bind(
                        Value::Text(format!("(?i){}", crate::filter::resolve::like_to_regex(pattern))),
                        ColumnKind::Text,
                    );
                    return;
                }
                let pattern = close_escape(pattern);
                let escape = if self.dialect == Dialect::MySql {
                    ""
                } else {
                    " ESCAPE '\\'"
                };
                match (self.dialect, insensitive) {
                    (Dialect::Postgres, true) => self.push(&format!("{col} {not}ILIKE ")),
                    (_, true) => self.push(&format!("LOWER({col}) {not}LIKE LOWER(")),
                    (_, false) => self.push(&format!("{col} {not}LIKE ")),
                }
                self.bind(Value::Text(pattern), ColumnKind::Text);
                if *insensitive && self.dialect != Dialect::Postgres {
                    self.push(")");
                }
                self.push(escape);
            }
            CmpOp::Regexp {
                source, insensitive, ..
            } => match self.dialect {
                Dialect::Postgres => {
                    self.push(&format!("{col} {} ", if *insensitive { "~*" } else { "~" }));
                    self.bind(Value::Text(source.clone()), ColumnKind::Text);
                }
                Dialect::MySql | Dialect::Sqlite => {
                    self.push(&format!("{col} REGEXP "));
                    let flag = if *insensitive {
                        "(?i)"
                    } else if self.dialect == Dialect::MySql {
                        "(?-i)"
                    } else {
                        ""
                    };
                    self.bind(Value::Text(format!("{flag}{source}")), ColumnKind::Text);
                }
            },
            // `near` is computed after the rows are read (see `needs_post_filter`).
            CmpOp::Near { .. } => self.push(&format!("{col} IS NOT NULL")),
        }
    }

    /// ` ORDER BY ...` with NULLs last ascending and first descending.
    pub(crate) fn order_by(&mut self, order: &[(usize, Direction)]) {
        if order.is_empty() {
            return;
        }
        self.push(" ORDER BY ");
        for (i, (pos, dir)) in order.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            let (col, _) = self.operand(*pos);
            // NULLs placement is written only where NULLs can be, and only
            // where the database's default differs (PostgreSQL already sorts
            // them last ascending, first descending).
            let nullable = self
                .def
                .properties
                .get_index(*pos)
                .is_some_and(|(_, p)| p.is_nullable());
            let part = match (self.dialect, dir) {
                (Dialect::MySql, Direction::Asc) if nullable => format!("{col} IS NULL, {col} ASC"),
                (Dialect::MySql, Direction::Desc) if nullable => format!("{col} IS NULL DESC, {col} DESC"),
                (Dialect::Sqlite, Direction::Asc) if nullable => format!("{col} ASC NULLS LAST"),
                (Dialect::Sqlite, Direction::Desc) if nullable => format!("{col} DESC NULLS FIRST"),
                (_, Direction::Asc) => format!("{col} ASC"),
                (_, Direction::Desc) => format!("{col} DESC"),
            };
            self.push(&part);
        }
    }

    /// `col IN (..)` / `col NOT IN (..)`; on PostgreSQL one array bind when it can.
    fn in_list(&mut self, col: &str, kind: ColumnKind, vs: &[Value], negated: bool) {
        if vs.is_empty() {
            self.push(&if negated {
                format!("{col} IS NOT NULL")
            } else {
                "1=0".to_owned()
            });
            return;
        }
        if self.dialect == Dialect::Postgres && array_bindable(vs, kind) {
            // One array bind: the statement text does not grow with the
            // list (and stays one prepared statement).
            let (sym, quantifier) = if negated { ("<>", "ALL") } else { ("=", "ANY") };
            self.push(&format!("{col} {sym} {quantifier}("));
            let items = vs.iter().map(Value::to_json).collect();
            self.bind(Value::Json(serde_json::Value::Array(items)), kind);
            self.push(")");
            return;
        }
        self.push(&format!("{col} {}IN (", if negated { "NOT " } else { "" }));
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v.clone(), kind);
        }
        self.push(")");
    }

    /// ` LIMIT n OFFSET m` (numbers, not user text).
    pub(crate) fn limit(&mut self, limit: Option<u64>, skip: Option<u64>) {
        match (limit, skip) {
            (None, None) => {}
            (Some(l), None) => self.push(&format!(" LIMIT {l}")),
            (l, Some(s)) => {
                let l = match (l, self.dialect) {
                    (Some(l), _) => l.to_string(),
                    (None, Dialect::Sqlite) => "-1".to_owned(),
                    (None, Dialect::MySql) => u64::MAX.to_string(),
                    (None, Dialect::Postgres) => "ALL".to_owned(),
                };
                self.push(&format!(" LIMIT {l} OFFSET {s}"));
            }
        }
    }
}

/// A trailing lone backslash would escape nothing; make it a literal one.
fn close_escape(pattern: &str) -> String {
    let trailing = pattern.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        format!("{pattern}\\")
    } else {
        pattern.to_owned()
    }
}

/// Whether the query has a `near`, which SQL connectors evaluate after reading.
pub(crate) fn needs_post_filter(query: &Query) -> bool {
    query.near.is_some()
}

/// `SELECT cols FROM t WHERE .. ORDER BY .. LIMIT ..`; returns the statement
/// and the property positions of the selected columns, in order.
pub(crate) fn select(def: &ModelDefinition, dialect: Dialect, query: &Query) -> (Statement, Vec<usize>) {
    let mut c = Compiler::new(def, dialect);
    let positions: Vec<usize> = match (&query.fields, needs_post_filter(query)) {
        (Some(f), false) => f.clone(),
        _ => (0..def.properties.len()).collect(),
    };
    let cols: Vec<String> = positions.iter().map(|p| c.selected(*p)).collect();
    let table = c.table();
    c.push(&format!(
        "SELECT {} FROM {table}",
        if cols.is_empty() {
            "1".to_owned()
        } else {
            cols.join(", ")
        }
    ));
    c.where_clause(query.cond.as_ref());
    if !needs_post_filter(query) {
        c.order_by(query.database_order());
        c.limit(query.limit, query.skip);
    }
    (c.out, positions)
}

/// The rows of `def` linked to the parents `keys` through a join table, each
/// led by the key of its parent (one row per link):
/// `SELECT l.fk, t.cols FROM target t JOIN link l ON l.kt = t.id
/// WHERE l.fk IN (..) AND (cond) ORDER BY ..`. `None` when the query needs
/// filtering in Rust (`near`).
pub(crate) fn select_linked(
    def: &ModelDefinition,
    dialect: Dialect,
    query: &Query,
    link: &LinkSpec<'_>,
    keys: &[Value],
) -> Option<(Statement, Vec<usize>)> {
    if needs_post_filter(query) {
        return None;
    }
    let mut c = Compiler::new(def, dialect);
    c.alias = Some("t");
    let positions: Vec<usize> = match &query.fields {
        Some(f) => f.clone(),
        None => (0..def.properties.len()).collect(),
    };
    let link_col = |pos: usize| {
        link.def
            .properties
            .get_index(pos)
            .map(|(n, p)| (format!("l.{}", column_ref(n, p, dialect)), column_kind(p, dialect)))
    };
    let (parent_col, parent_kind) = link_col(link.to_parent)?;
    let (target_col, _) = link_col(link.to_target)?;
    let key_col = c.column(link.target_key).0;
    let mut cols = vec![parent_col.clone()];
    cols.extend(positions.iter().map(|p| c.selected(*p)));
    let table = c.table();
    let link_table = table_ref(link.def, dialect);
    c.push(&format!(
        "SELECT {} FROM {table} t JOIN {link_table} l ON {target_col} = {key_col} WHERE ",
        cols.join(", ")
    ));
    c.in_list(&parent_col, parent_kind, keys, false);
    if let Some(cond) = &query.cond {
        c.push(" AND ");
        c.cond(cond);
    }
    c.order_by(query.database_order());
    c.limit(query.limit, query.skip);
    Some((c.out, positions))
}

/// `SELECT COUNT(*) FROM t WHERE ..`.
pub(crate) fn count(def: &ModelDefinition, dialect: Dialect, cond: Option<&Cond>) -> Statement {
    let mut c = Compiler::new(def, dialect);
    let table = c.table();
    c.push(&format!("SELECT COUNT(*) FROM {table}"));
    c.where_clause(cond);
    c.out
}

/// `UPDATE t SET .. WHERE ..`.
pub(crate) fn update(
    def: &ModelDefinition,
    dialect: Dialect,
    cond: Option<&Cond>,
    set: &[(usize, Value)],
) -> Statement {
    let mut c = Compiler::new(def, dialect);
    let table = c.table();
    c.push(&format!("UPDATE {table} SET "));
    for (i, (pos, value)) in set.iter().enumerate() {
        if i > 0 {
            c.push(", ");
        }
        let (col, kind) = c.column(*pos);
        c.push(&format!("{col} = "));
        c.bind_into(*pos, value.clone(), kind);
    }
    c.where_clause(cond);
    c.out
}

/// ` RETURNING` every column, in definition order.
pub(crate) fn returning_all(def: &ModelDefinition, dialect: Dialect) -> String {
    let c = Compiler::new(def, dialect);
    let cols: Vec<String> = (0..def.properties.len()).map(|p| c.selected(p)).collect();
    format!(" RETURNING {}", cols.join(", "))
}

/// `DELETE FROM t WHERE ..`.
pub(crate) fn delete(def: &ModelDefinition, dialect: Dialect, cond: Option<&Cond>) -> Statement {
    let mut c = Compiler::new(def, dialect);
    let table = c.table();
    c.push(&format!("DELETE FROM {table}"));
    c.where_clause(cond);
    c.out
}

/// `INSERT INTO t (cols) VALUES (..), (..)` for `rows` rows; `columns` are
/// the positions written. `returning` adds `RETURNING col`. `value(r, p)` gives row `r`'s value at property position `p`, called once
/// per bound value in order (a caller that owns the rows moves them out).
pub(crate) fn insert(
    def: &ModelDefinition,
    dialect: Dialect,
    columns: &[usize],
    rows: usize,
    value: impl FnMut(usize, usize) -> Value,
    returning: Option<usize>,
) -> Statement {
    insert_with(Compiler::new(def, dialect), columns, rows, value, returning)
}

/// The text of [`insert`] alone (its binds made elsewhere).
pub(crate) fn insert_text(
    def: &ModelDefinition,
    dialect: Dialect,
    columns: &[usize],
    rows: usize,
    returning: Option<usize>,
) -> String {
    let mut c = Compiler::new(def, dialect);
    c.text_only = true;
    insert_with(c, columns, rows, |_, _| Value::Null, returning).sql
}

fn insert_with(
    mut c: Compiler<'_>,
    columns: &[usize],
    rows: usize,
    mut value: impl FnMut(usize, usize) -> Value,
    returning: Option<usize>,
) -> Statement {
    let dialect = c.dialect;
    let table = c.table();
    let cols: Vec<(String, ColumnKind)> = columns.iter().map(|p| c.column(*p)).collect();
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    if names.is_empty() {
        c.push(&match dialect {
            Dialect::MySql => format!("INSERT INTO {table} () VALUES ()"),
            _ => format!("INSERT INTO {table} DEFAULT VALUES"),
        });
    } else {
        c.push(&format!("INSERT INTO {table} ({}) VALUES ", names.join(", ")));
        // Per column once, not per value: a batch writes thousands.
        let casts: Vec<Option<&str>> = columns.iter().map(|p| c.cast(*p)).collect();
        if !c.text_only {
            c.out.binds.reserve(rows * columns.len());
        }
        c.out.sql.reserve(rows * columns.len() * 6);
        for r in 0..rows {
            c.push(if r > 0 { ", (" } else { "(" });
            for (i, pos) in columns.iter().enumerate() {
                if i > 0 {
                    c.push(", ");
                }
                let (value, kind) = (value(r, *pos), cols[i].1);
                match casts[i] {
                    Some(t) => {
                        c.push("CAST(");
                        c.bind(value, kind);
                        c.push(" AS ");
                        c.push(t);
                        c.push(")");
                    }
                    None => c.bind(value, kind),
                }
            }
            c.push(")");
        }
    }
    if let Some(pos) = returning {
        let (col, _) = c.column(pos);
        c.push(&format!(" RETURNING {col}"));
    }
    c.out
}

/// The most bytes of values one statement carries (MySQL refuses a packet
/// over `max_allowed_packet`, 4 MiB on older servers, with a reset
/// connection; the others gain nothing from bigger statements).
const MAX_STATEMENT_BYTES: usize = 2 << 20;

/// A rough size of a value in a statement.
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::Text(t) => t.len() + 8,
        Value::Bytes(b) => b.len() + 8,
        Value::Json(j) => j.to_string().len() + 8,
        _ => 16,
    }
}

/// `rows` (positions into `all`) cut into statements of `width` columns
/// each: under the dialect's bind limit and [`MAX_STATEMENT_BYTES`].
pub(crate) fn insert_chunks(
    all: &impl super::InsertRows,
    rows: &[usize],
    width: usize,
    dialect: Dialect,
) -> Vec<Vec<usize>> {
    let per_statement = (dialect.max_binds() / width.max(1)).max(1);
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut bytes = 0;
    for &i in rows {
        let size: usize = all.row(i).iter().map(value_bytes).sum();
        if !current.is_empty() && (current.len() == per_statement || bytes + size > MAX_STATEMENT_BYTES) {
            out.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += size;
        current.push(i);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// An atomic insert-or-update of one full row on its id columns.
pub(crate) fn upsert(def: &ModelDefinition, dialect: Dialect, row: &[Value], ids: &[usize]) -> Statement {
    let columns: Vec<usize> = (0..def.properties.len()).collect();
    let mut stmt = insert(def, dialect, &columns, 1, |_, p| row[p].clone(), None);
    let c = Compiler::new(def, dialect);
    let id_cols: Vec<String> = ids.iter().map(|p| c.column(*p).0).collect();
    let others: Vec<String> = columns
        .iter()
        .filter(|p| !ids.contains(p))
        .map(|p| c.column(*p).0)
        .collect();
    let sets: Vec<String> = match dialect {
        Dialect::MySql => others.iter().map(|col| format!("{col} = VALUES({col})")).collect(),
        _ => others.iter().map(|col| format!("{col} = excluded.{col}")).collect(),
    };
    match dialect {
        Dialect::MySql => {
            let sets = if sets.is_empty() {
                vec![format!("{0} = {0}", id_cols[0])]
            } else {
                sets
            };
            stmt.sql
                .push_str(&format!(" ON DUPLICATE KEY UPDATE {}", sets.join(", ")));
        }
        _ => {
            if sets.is_empty() {
                stmt.sql
                    .push_str(&format!(" ON CONFLICT ({}) DO NOTHING", id_cols.join(", ")));
            } else {
                stmt.sql.push_str(&format!(
                    " ON CONFLICT ({}) DO UPDATE SET {}",
                    id_cols.join(", "),
                    sets.join(", ")
                ));
            }
        }
    }
    stmt
}
