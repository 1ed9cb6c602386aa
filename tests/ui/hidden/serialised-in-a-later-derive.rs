#[derive(juggler::Model)]
#[derive(serde::Serialize)]
struct Customer {
    id: i64,
    #[property(hidden)]
    password: String,
}

fn main() {}
