//! Naming conventions shared by the derive, the runtime and the code generator.

use heck::ToSnakeCase;

/// The default table name of a struct: its name in snake_case (`OrderLine` ->
/// `order_line`).
///
/// ```
/// assert_eq!(juggler_schema::to_snake_case("OrderLine"), "order_line");
/// ```
pub fn to_snake_case(name: &str) -> String {
    name.to_snake_case()
}

/// Whether `word` is a Rust keyword (strict or reserved), which generated code
/// must write as a raw identifier.
pub fn is_rust_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}
