//! Credentials never leave juggler: URLs and texts that may hold a
//! password are redacted before they go into an error, a `Debug` form or a
//! log line.

use regex::Regex;
use std::sync::OnceLock;

/// `postgres://app:s3cret@db/x?password=y` -> `postgres://app:***@db/x?password=***`.
///
/// ```
/// assert_eq!(
///     juggler_runtime::redact_url("postgres://app:s3cret@db:5432/x?sslmode=require&password=y"),
///     "postgres://app:***@db:5432/x?sslmode=require&password=***"
/// );
/// assert_eq!(juggler_runtime::redact_url("sqlite://app.db?mode=rwc"), "sqlite://app.db?mode=rwc");
/// ```
pub fn url(url: &str) -> String {
    text(url)
}

/// Redacts every `scheme://user:password@` and `password=..` in `text`.
pub(crate) fn text(text: &str) -> String {
    static USERINFO: OnceLock<Option<Regex>> = OnceLock::new();
    static PARAM: OnceLock<Option<Regex>> = OnceLock::new();
    let userinfo = USERINFO.get_or_init(|| Regex::new(r"([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):[^@\s]*@").ok());
    let param = PARAM.get_or_init(|| Regex::new(r"(?i)\b(password|passwd|pwd)=[^&\s]*").ok());
    let mut out = text.to_owned();
    if let Some(re) = userinfo {
        out = re.replace_all(&out, "$1:***@").into_owned();
    }
    if let Some(re) = param {
        out = re.replace_all(&out, "$1=***").into_owned();
    }
    out
}
