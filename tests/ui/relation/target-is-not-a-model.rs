#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[relation(has_many(foreign_key = "customer_id"))]
    orders: juggler::HasMany<String>,
}

fn main() {}
