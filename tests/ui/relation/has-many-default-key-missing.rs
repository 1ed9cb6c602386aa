#[derive(juggler::Model)]
struct Customer {
    id: i64,
    // The default key is `customer_id`, which `Order` does not have.
    #[relation(has_many)]
    orders: juggler::HasMany<Order>,
}

#[derive(juggler::Model)]
struct Order {
    id: i64,
    buyer_id: i64,
}

fn main() {}
