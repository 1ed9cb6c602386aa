#[derive(juggler::Model, serde::Serialize)]
struct Customer {
    id: i64,
    #[property(hidden)]
    password: String,
}

fn main() {}
