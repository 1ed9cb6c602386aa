#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[validate(format(regex = "[a-"))]
    code: String,
}

fn main() {}
