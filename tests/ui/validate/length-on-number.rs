#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[validate(length(max = 3))]
    age: Option<i32>,
}

fn main() {}
