//! Syntax: the pest grammar, the typed syntax tree, and the formatter (`rules fmt`).

pub mod ast;
pub mod limits;
mod parser;
pub mod print;

pub use parser::{parse, parse_at, parse_date};
