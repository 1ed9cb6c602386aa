//! Models the regression tests share.

use juggler::prelude::*;
use serde::{Deserialize, Serialize};

/// A unique email (an index only: the database refuses duplicates) and a
/// hidden secret.
#[derive(Model, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Account {
    #[property(id, generated)]
    pub(crate) id: i64,
    #[property(index(unique), length = 100)]
    pub(crate) email: String,
    #[property(length = 40)]
    pub(crate) name: String,
    pub(crate) balance: i64,
    #[property(hidden, length = 40)]
    #[serde(skip_serializing, default)]
    pub(crate) secret: String,
}

pub(crate) fn account(email: &str, name: &str, balance: i64) -> Account {
    Account {
        id: 0,
        email: email.into(),
        name: name.into(),
        balance,
        secret: format!("s3cret-{name}"),
    }
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Team {
    #[property(id, generated)]
    pub(crate) id: i64,
    pub(crate) name: String,
    #[relation(has_many)]
    #[serde(skip_serializing_if = "HasMany::is_unloaded")]
    pub(crate) members: HasMany<Member>,
}

#[derive(Model, Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Member {
    #[property(id, generated)]
    pub(crate) id: i64,
    pub(crate) team_id: i64,
    pub(crate) name: String,
    #[property(hidden)]
    #[serde(skip_serializing)]
    pub(crate) pin: String,
    #[relation(belongs_to)]
    #[serde(skip_serializing_if = "BelongsTo::is_unloaded")]
    pub(crate) team: BelongsTo<Team>,
}
