#[derive(juggler::Model)]
#[model(scope(where = "{vip: true}"))]
struct Customer {
    id: i64,
    vip: bool,
}

fn main() {}
