use juggler::prelude::*;

#[derive(Model, Debug, Clone)]
struct Note {
    #[property(id, generated)]
    id: i64,
    #[property(data_type = "TEXT); DROP TABLE users; --")]
    text: String,
    #[property(postgresql(data_type = "varchar(10) (20)"))]
    title: String,
}

fn main() {}
