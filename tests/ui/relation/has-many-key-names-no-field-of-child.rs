#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[relation(has_many(foreign_key = "customerid"))]
    orders: juggler::HasMany<Order>,
}

#[derive(juggler::Model)]
struct Order {
    id: i64,
    customer_id: i64,
}

fn main() {}
