#[derive(juggler::Model)]
enum Customer {
    A,
}

fn main() {}
