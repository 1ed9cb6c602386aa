//! Generates the models from the committed snapshot `db/schema.json`
//! (written by `juggler discover --url sqlite://chinook.db -o db/schema.json`).

fn main() {
    if let Err(e) = juggler_cli::build::Builder::new()
        .discovery_file("db/schema.json")
        .config("juggler.toml")
        .out_file("models.rs")
        .run()
    {
        panic!("generating the models failed: {e}");
    }
}
