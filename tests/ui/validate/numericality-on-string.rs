#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[validate(numericality(int))]
    name: String,
}

fn main() {}
