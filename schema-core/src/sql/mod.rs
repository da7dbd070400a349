//! SQL text: one lexer and what is built on it.
//!
//! - [`lexer`]: tokens with byte offsets and lines, for every dialect's
//!   quoting (`'…'` with `''` and MySQL backslash escapes, `"…"`, `` `…` ``,
//!   `[…]` identifiers or array subscripts, `E'…'`, `$tag$…$tag$`), `--`
//!   and `/* */` comments, numbers, words and punctuation. Never fails.
//! - [`normalize`]: the comparable form of default and check expressions.
//! - [`names`]: which of a set of names a view or trigger mentions.
//! - [`create_table`]: facts read back from a stored `CREATE TABLE`
//!   statement (SQLite keeps only the text).
//!
//! The statement splitter (`split_statements` in the migration module) is built
//! on the same lexer.

pub mod create_table;
pub mod lexer;
pub mod names;
pub mod normalize;

pub use lexer::{tokenize, Brackets, LexOptions, Lexer, Token, TokenKind};
