//! Command-line arguments; their doc comments are the `--help` text.

pub(crate) mod args;
