//! Identifiers longer than the database allows (63 on PostgreSQL, 64 on
//! MySQL) failed as DDL errors; generated constraint names too.

use juggler::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(table = "a_table_name_that_is_long_but_still_fits_in_sixty_three")]
struct LongParent {
    #[property(id, generated)]
    id: i64,
    #[property(index(unique), length = 40, column = "a_column_name_that_is_rather_long_too")]
    code: String,
    #[relation(has_many(foreign_key = "the_parent_with_a_long_name_id"))]
    kids: HasMany<LongKid>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "another_table_name_that_is_long_but_fits_in_the_limit")]
struct LongKid {
    #[property(id, generated)]
    id: i64,
    the_parent_with_a_long_name_id: i64,
    #[relation(belongs_to(foreign_key = "the_parent_with_a_long_name_id"))]
    the_parent_with_a_long_name: BelongsTo<LongParent>,
}

async fn long_names(ds: DataSource) {
    // Generated index and constraint names are shortened, the same way each time.
    ds.automigrate(&[LongParent::definition(), LongKid::definition()])
        .await
        .unwrap();
    let p = ds
        .repo::<LongParent>()
        .create(LongParent {
            id: 0,
            code: "x".into(),
            kids: HasMany::default(),
        })
        .await
        .unwrap();
    ds.repo::<LongKid>()
        .create(LongKid {
            id: 0,
            the_parent_with_a_long_name_id: p.id,
            the_parent_with_a_long_name: BelongsTo::default(),
        })
        .await
        .unwrap();
    // A name the user chose that cannot fit is refused before any DDL runs.
    let too_long = ModelDefinition::from_value(serde_json::json!({
        "name": "TooLong",
        "options": {"table": "t".repeat(70)},
        "properties": {"id": {"type": "number", "id": true, "generated": true}}
    }))
    .unwrap();
    let result = ds.automigrate(&[&too_long]).await;
    match ds.connector_name() {
        "postgres" | "mysql" => {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::InvalidData { .. }), "{err:?}");
            assert!(err.to_string().contains("longer than"), "{err}");
        }
        _ => result.unwrap(),
    }
}

crate::per_backend!(crate::common::data_source; long_names);
