#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[validate(presense)]
    name: String,
}

fn main() {}
