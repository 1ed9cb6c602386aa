#[derive(juggler::Model)]
#[model(hidden(pasword))]
struct Customer {
    id: i64,
    password: String,
}

fn main() {}
