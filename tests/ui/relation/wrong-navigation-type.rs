#[derive(juggler::Model)]
struct Order {
    id: i64,
    customer_id: i64,
}

#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[relation(has_many(foreign_key = "customer_id"))]
    orders: Vec<Order>,
}

fn main() {}
