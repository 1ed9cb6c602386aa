//! Memory `automigrate` of a table other tables refer to dropped it and
//! orphaned the children, where the SQL databases refuse.

use crate::models::{Member, Team};
use juggler::prelude::*;

async fn automigrate_of_a_referenced_table(ds: DataSource) {
    ds.automigrate(&[Team::definition(), Member::definition()])
        .await
        .unwrap();
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
            name: "Ann".into(),
            pin: "1".into(),
            team: BelongsTo::default(),
        })
        .await
        .unwrap();
    let err = ds.automigrate(&[Team::definition()]).await.unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    // Both tables and their rows are still there.
    assert_eq!(ds.repo::<Team>().count(None).await.unwrap(), 1);
    assert_eq!(ds.repo::<Member>().count(None).await.unwrap(), 1);
    // Migrating both together is fine.
    ds.automigrate(&[Team::definition(), Member::definition()])
        .await
        .unwrap();
    assert_eq!(ds.repo::<Team>().count(None).await.unwrap(), 0);
}

crate::per_backend!(crate::common::data_source; automigrate_of_a_referenced_table);
