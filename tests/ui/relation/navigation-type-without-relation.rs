#[derive(juggler::Model)]
struct Tag {
    id: i64,
}

#[derive(juggler::Model)]
struct Post {
    id: i64,
    tags: juggler::HasMany<Tag>,
}

fn main() {}
