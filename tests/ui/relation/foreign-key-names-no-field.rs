#[derive(juggler::Model)]
struct Customer {
    id: i64,
}

#[derive(juggler::Model)]
struct Order {
    id: i64,
    customer_id: i64,
    #[relation(belongs_to(foreign_key = "customerid"))]
    customer: juggler::BelongsTo<Customer>,
}

fn main() {}
