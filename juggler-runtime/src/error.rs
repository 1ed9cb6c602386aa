//! The one error type of juggler.

use crate::validation::ValidationError;

/// `Result` with juggler's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in juggler.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A filter named an unknown property, an unknown operator, or held a value
    /// of the wrong type. The message names the place, as in
    /// `invalid filter at where.age.gt: expected a number, got "x"`.
    #[error("invalid filter at {path}: {message}")]
    InvalidFilter {
        /// Where in the filter (`where.age.gt`, `order[1]`, `limit`).
        path: String,
        /// What was wrong.
        message: String,
    },
    /// An instance failed validation; nothing was written.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// An operation by id found no row.
    #[error("no `{model}` with id {id}")]
    NotFound {
        /// The model name.
        model: String,
        /// The id, as JSON.
        id: String,
    },
    /// Data given to a repository (or read from storage) does not fit the model.
    #[error("invalid `{model}` data: {message}")]
    InvalidData {
        /// The model name.
        model: String,
        /// What was wrong.
        message: String,
    },
    /// An operation that the model or connector does not support.
    #[error("{0}")]
    Unsupported(String),
    /// `DataSource::connect` was given a URL it cannot use.
    #[error("cannot connect to `{url}`: {message}")]
    Connect {
        /// The URL, as given.
        url: String,
        /// Why.
        message: String,
    },
    /// An operation hook returned an error; the operation was abandoned.
    #[error("`{hook}` hook of `{model}` refused the operation: {message}")]
    Hook {
        /// The model name.
        model: String,
        /// Which hook.
        hook: &'static str,
        /// The hook's message.
        message: String,
    },
    /// Reading or writing a file (the memory connector's file) failed.
    #[error("{context}: {source}")]
    Io {
        /// What juggler was doing.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The database refused a statement.
    #[error("database error: {message}")]
    Database {
        /// The database's message.
        message: String,
        /// The SQLSTATE or vendor code, when there is one.
        code: Option<String>,
    },
    /// A statement ran longer than
    /// [`PoolSettings::statement_timeout`](crate::PoolSettings::statement_timeout)
    /// (stopped by the server, or given up on by the client when the server
    /// stopped answering), or no connection could be had within
    /// `acquire_timeout` (all busy, or the server not answering).
    #[error("{waiting} did not finish within {after:?} ({setting})")]
    Timeout {
        /// What was waited for: "the statement", "waiting for a connection".
        waiting: &'static str,
        /// The setting whose limit was reached: `statement_timeout`,
        /// `acquire_timeout`.
        setting: &'static str,
        /// The limit.
        after: std::time::Duration,
    },
    /// A schema change was refused or failed. `message` names each table,
    /// column and reason; `applied` lists the steps that took effect before
    /// a failure (MySQL only: elsewhere a plan runs in one transaction, and
    /// a refused plan changes nothing).
    #[error("{message}")]
    Migration {
        /// One line per refused or failed step.
        message: String,
        /// The steps applied before a failure, rendered.
        applied: Vec<String>,
    },
    /// A stored file could not be read as JSON.
    #[error("{context}: {message}")]
    Storage {
        /// What juggler was reading.
        context: String,
        /// What was wrong.
        message: String,
    },
}

impl Error {
    /// An [`Error::InvalidFilter`] at `path`.
    pub fn invalid_filter(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidFilter {
            path: path.into(),
            message: message.into(),
        }
    }

    /// An [`Error::InvalidData`] for `model`.
    pub fn invalid_data(model: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidData {
            model: model.into(),
            message: message.into(),
        }
    }

    /// An error for a hook to return: the operation stops with [`Error::Hook`].
    pub fn hook(message: impl Into<String>) -> Self {
        Error::Hook {
            model: String::new(),
            hook: "",
            message: message.into(),
        }
    }
}
