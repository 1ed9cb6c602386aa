//! A first tour of juggler: derive a model, create, find with a typed and a
//! JSON filter, update, delete, and see a validation failure as LoopBack JSON.
//!
//! Run: `cargo run --example quickstart` (SQLite in memory). Pass a URL to use
//! another store: `-- sqlite://quickstart.db?mode=rwc`, `-- memory:`, or with
//! `--features postgres` / `mysql`, `-- postgres://postgres@127.0.0.1/test`.

use juggler::prelude::*;

/// A customer, as a plain struct. The attributes say how it is stored and
/// checked; everything else is generated.
#[derive(Model, Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[model(table = "customers")]
struct Customer {
    #[property(id, generated)]
    id: i64,
    #[property(required, length = 64, trim)]
    #[validate(length(min = 1))]
    name: String,
    #[property(index(unique), length = 150)]
    #[validate(format(email), uniqueness)]
    email: String,
    #[validate(numericality(int, min = 0, max = 150))]
    age: Option<i32>,
    #[property(default = false)]
    vip: bool,
    #[property(hidden)]
    #[serde(skip_serializing, default)]
    password: String,
}

fn customer(name: &str, email: &str, age: Option<i32>) -> Customer {
    Customer {
        id: 0,
        name: name.into(),
        email: email.into(),
        age,
        vip: false,
        password: "s3cret".into(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> juggler::Result<()> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "sqlite::memory:".to_owned());
    let ds = DataSource::connect(&url).await?;
    println!("connected to {url} ({} connector)\n", ds.connector_name());
    // Drop and re-create the table: fine for a demo, destroys data elsewhere.
    ds.automigrate(&[Customer::definition()]).await?;
    let customers = ds.repo::<Customer>();

    // create: validated first, the id is filled in
    let ann = customers
        .create(customer("  Ann ", "ann@example.com", Some(34)))
        .await?;
    customers
        .create_all(vec![
            customer("Bob", "bob@example.com", Some(19)),
            customer("Alice", "alice@example.com", Some(52)),
            customer("Carl", "carl@example.com", None),
        ])
        .await?;
    println!("created {} (id {}), name trimmed to {:?}", ann.email, ann.id, ann.name);
    println!(
        "as JSON (the hidden password is not there): {}\n",
        serde_json::to_string(&ann).unwrap_or_default()
    );

    // find with a typed filter: `Customer::AGE.gt("21")` would not compile
    let typed = customers
        .find(
            Filter::new()
                .where_(Customer::AGE.gt(21).and(Customer::NAME.like("A%")))
                .order(Customer::AGE.desc()),
        )
        .await?;
    println!("typed filter  age > 21 and name like 'A%', oldest first:");
    for c in &typed {
        println!("  #{} {:<6} {:?}", c.id, c.name, c.age);
    }

    // the same filter as LoopBack JSON, as it would arrive from a client
    let json = r#"{"where": {"age": {"gt": 21}, "name": {"like": "A%"}}, "order": "age DESC"}"#;
    let from_json = customers.find(Filter::from_json(json)?).await?;
    assert_eq!(typed, from_json);
    println!("JSON filter   {json}\n  -> the same {} customers\n", from_json.len());

    // a JSON filter with a mistake is an error that says where
    for (label, bad) in [
        ("bad filter", r#"{"where": {"age": {"gt": "old"}}}"#),
        ("hidden", r#"{"where": {"password": "s3cret"}}"#),
    ] {
        if let Err(err) = customers.find(Filter::from_json(bad)?).await {
            println!("{label:<13} {err}");
        }
    }
    println!();

    // update one, update many, count
    let ann = customers
        .update_by_id(
            ann.id,
            CustomerPatch {
                vip: Some(true),
                ..Default::default()
            },
        )
        .await?;
    println!("updated #{}: vip = {}", ann.id, ann.vip);
    let n = customers
        .update_all(
            Customer::AGE.is_null(),
            CustomerPatch {
                age: Some(Some(0)),
                ..Default::default()
            },
        )
        .await?;
    println!("set age 0 on {n} customer(s) without an age");
    println!("adults: {}\n", customers.count(Customer::AGE.gte(18)).await?);

    // validation: every failing property at once, in LoopBack's JSON shape
    let invalid = customers.create(customer("", "ann@example.com", Some(200))).await;
    if let Err(Error::Validation(v)) = invalid {
        println!("validation failed; nothing was written:");
        println!("{}\n", serde_json::to_string_pretty(&v.to_json()).unwrap_or_default());
    }

    // delete
    let removed = customers.delete_all(Customer::AGE.lt(20)).await?;
    println!(
        "deleted {removed} customer(s) under 20; {} left",
        customers.count(None).await?
    );
    println!("deleted #{}: {}", ann.id, customers.delete_by_id(ann.id).await?);
    Ok(())
}
