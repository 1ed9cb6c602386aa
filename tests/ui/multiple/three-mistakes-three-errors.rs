#[derive(juggler::Model)]
#[model(tabel = "x")]
struct Customer {
    id: i64,
    #[property(lenght = 3)]
    name: String,
    #[validate(numericality)]
    email: String,
}

fn main() {}
