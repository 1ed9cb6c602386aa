#[derive(juggler::Model)]
#[model(tabel = "customers")]
struct Customer {
    id: i64,
}

fn main() {}
