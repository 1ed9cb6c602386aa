#[derive(juggler::Model)]
struct Post {
    id: i64,
    #[relation(has_and_belongs_to_many(through = PostTag))]
    tags: juggler::HasAndBelongsToMany<Tag>,
}

#[derive(juggler::Model)]
struct Tag {
    id: i64,
}

#[derive(juggler::Model)]
struct PostTag {
    id: i64,
    post_id: i64,
    tag_id: i64,
}

fn main() {}
