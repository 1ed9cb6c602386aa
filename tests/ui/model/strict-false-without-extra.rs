#[derive(juggler::Model)]
#[model(strict = false)]
struct Customer {
    id: i64,
}

fn main() {}
