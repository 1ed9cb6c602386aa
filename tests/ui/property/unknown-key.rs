#[derive(juggler::Model)]
struct Customer {
    #[property(id)]
    id: i64,
    #[property(lenght = 64)]
    name: String,
}

fn main() {}
