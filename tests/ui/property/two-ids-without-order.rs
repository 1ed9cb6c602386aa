#[derive(juggler::Model)]
struct Membership {
    #[property(id)]
    user_id: i64,
    #[property(id)]
    group_id: i64,
}

fn main() {}
