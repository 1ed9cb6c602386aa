//! SeaORM 2, over the same sqlx pool as raw sqlx and juggler.

use crate::{check_loaded, probe, reset, values};
use juggler::DataSource;
use juggler_bench::{BATCH, LOADS};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, DatabaseConnection, LoaderTrait, NotSet, QueryFilter, TransactionTrait};
use std::time::{Duration, Instant};

pub mod bench_row {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "bench_row")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub age: i32,
        pub score: f64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod bench_parent {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "bench_parent")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::bench_child::Entity")]
        Child,
    }

    impl Related<super::bench_child::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Child.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod bench_child {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "bench_child")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i64,
        pub parent_id: i64,
        pub name: String,
        pub value: f64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::bench_parent::Entity",
            from = "Column::ParentId",
            to = "super::bench_parent::Column::Id"
        )]
        Parent,
    }

    impl Related<super::bench_parent::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Parent.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// One timed run of peer operation `k`.
pub async fn op(db: &DatabaseConnection, ds: &DataSource, k: usize, n: usize) -> Duration {
    if k == 0 {
        reset(ds).await;
    }
    let t = Instant::now();
    match k {
        0 => {
            for start in (0..n).step_by(BATCH) {
                let rows = (start..n.min(start + BATCH)).map(|i| {
                    let (name, age, score) = values(i);
                    bench_row::ActiveModel {
                        id: NotSet,
                        name: Set(name),
                        age: Set(age),
                        score: Set(score),
                    }
                });
                bench_row::Entity::insert_many(rows).exec(db).await.expect("insert");
            }
        }
        1 => {
            for i in 0..n {
                let found = bench_row::Entity::find_by_id(probe(i, n)).one(db).await.expect("find");
                assert!(found.is_some());
            }
        }
        2 => {
            let rows = bench_row::Entity::find()
                .filter(bench_row::Column::Age.gt(40))
                .all(db)
                .await
                .expect("filter");
            assert!(rows.len() > n / 3);
        }
        3 => {
            for _ in 0..LOADS {
                let parents = bench_parent::Entity::find().all(db).await.expect("parents");
                let children = parents.load_many(bench_child::Entity, db).await.expect("children");
                check_loaded(parents.len(), children.iter().map(Vec::len).sum());
            }
        }
        _ => {
            let tx = db.begin().await.expect("begin");
            for i in 0..n {
                bench_row::Entity::update_many()
                    .col_expr(bench_row::Column::Score, Expr::value(i as f64))
                    .filter(bench_row::Column::Id.eq((i + 1) as i64))
                    .exec(&tx)
                    .await
                    .expect("update");
            }
            tx.commit().await.expect("commit");
        }
    }
    t.elapsed()
}
