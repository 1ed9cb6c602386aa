#[derive(juggler::Model)]
struct Customer {
    id: i64,
    seen: std::time::Instant,
}

fn main() {}
