#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[property(default_fn = "today")]
    created: String,
}

fn main() {}
