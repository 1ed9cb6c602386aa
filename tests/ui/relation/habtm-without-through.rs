#[derive(juggler::Model)]
struct Tag {
    id: i64,
}

#[derive(juggler::Model)]
struct Post {
    id: i64,
    #[relation(has_and_belongs_to_many)]
    tags: juggler::HasAndBelongsToMany<Tag>,
}

fn main() {}
