#[derive(juggler::Model)]
struct Customer {
    id: i64,
    age: Option<i32>,
}

fn main() {
    let _ = Customer::AGE.gt("21");
}
