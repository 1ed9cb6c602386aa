#[derive(juggler::Model)]
struct Customer {
    #[property(id)]
    id: i64,
    #[property(length = true)]
    name: String,
}

fn main() {}
