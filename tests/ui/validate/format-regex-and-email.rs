#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[validate(format(regex = "^a", email))]
    email: String,
}

fn main() {}
