#[derive(juggler::Model)]
struct Customer {
    id: i64,
    #[property(length = 3)]
    age: i32,
}

fn main() {}
