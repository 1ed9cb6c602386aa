//! A hidden property could be named in a `where` parsed from JSON on its own
//! (`count`, `update_all`, `delete_all`, accessors), so a client could
//! recover a secret one character at a time through `count`.

use crate::models::{account, Account, AccountPatch, Member, MemberPatch, Team};
use juggler::prelude::*;
use serde_json::json;

fn hidden_refused(result: juggler::Result<u64>) {
    match result {
        Err(Error::InvalidFilter { message, .. }) => assert!(message.contains("hidden"), "{message}"),
        other => panic!("a hidden property was usable from JSON: {other:?}"),
    }
}

async fn hidden_property_in_json_where(ds: DataSource) {
    ds.automigrate(&[Account::definition(), Team::definition(), Member::definition()])
        .await
        .unwrap();
    let repo = ds.repo::<Account>();
    repo.create(account("ann@x.io", "Ann", 1)).await.unwrap();
    for w in [
        json!({"secret": {"like": "s3%"}}),
        json!({"and": [{"name": "Ann"}, {"secret": {"like": "s%"}}]}),
        json!({"or": [{"name": "Zed"}, {"and": [{"secret": {"regexp": "^s"}}]}]}),
    ] {
        let parsed = Where::from_json(&w).unwrap();
        hidden_refused(repo.count(parsed.clone()).await);
        hidden_refused(repo.update_all(parsed.clone(), AccountPatch::default()).await);
        hidden_refused(repo.delete_all(parsed.clone()).await);
        // Combined with code's own condition, it is still refused.
        hidden_refused(repo.count(Account::NAME.eq("Ann").and(parsed.clone())).await);
        let dynamic = ds.dynamic(Account::definition().clone()).unwrap();
        hidden_refused(dynamic.count(Some(&parsed)).await);
    }
    // Code may still use it.
    assert_eq!(repo.count(Account::SECRET.like("s3%")).await.unwrap(), 1);
    assert_eq!(repo.count(None).await.unwrap(), 1, "a refused delete_all deleted");

    let team = ds
        .repo::<Team>()
        .create(Team {
            id: 0,
            name: "red".into(),
            members: HasMany::default(),
        })
        .await
        .unwrap();
    team.members(&ds)
        .create(Member {
            id: 0,
            team_id: 0,
            name: "Bo".into(),
            pin: "1234".into(),
            team: BelongsTo::default(),
        })
        .await
        .unwrap();
    let pin = Where::from_json(&json!({"pin": {"like": "1%"}})).unwrap();
    hidden_refused(team.members(&ds).count(pin.clone()).await);
    hidden_refused(team.members(&ds).update_all(pin.clone(), MemberPatch::default()).await);
    hidden_refused(team.members(&ds).delete_all(pin.clone()).await);
    // In an include scope from JSON, at depth.
    let filter =
        Filter::from_json(r#"{"include": {"relation": "members", "scope": {"where": {"pin": "1234"}}}}"#).unwrap();
    assert!(matches!(
        ds.repo::<Team>().find(filter).await,
        Err(Error::InvalidFilter { .. })
    ));
}

crate::per_backend!(crate::common::data_source; hidden_property_in_json_where);
