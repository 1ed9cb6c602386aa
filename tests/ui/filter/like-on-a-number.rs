#[derive(juggler::Model)]
struct Customer {
    id: i64,
    age: i32,
}

fn main() {
    let _ = Customer::AGE.like("2%");
}
