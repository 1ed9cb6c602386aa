// A parent loaded by `include` is shared by its children, so it is cloned.
#[derive(juggler::Model)]
struct Customer {
    id: i64,
}

#[derive(juggler::Model)]
struct Order {
    id: i64,
    customer_id: i64,
    #[relation(belongs_to)]
    customer: juggler::BelongsTo<Customer>,
}

fn main() {}
