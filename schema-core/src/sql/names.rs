//! Names mentioned in SQL text, for finding what a stored view or trigger
//! depends on where the catalog does not say (SQLite, MySQL/MariaDB).

use std::collections::BTreeSet;

use super::lexer::{Lexer, TokenKind};
use super::normalize::EXPRESSION;

/// The names among `candidates` that `sql` mentions as identifiers, bare
/// or quoted (`customer`, `"customer"`, `` `db`.`customer` ``), compared
/// without regard to ASCII case (the text is read as the text of any
/// dialect, as expressions are). Words inside string literals and
/// comments do not count. Over-approximates: a column that happens to be
/// called like a table counts as a mention of the table.
pub fn mentioned<'a>(sql: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let words: BTreeSet<String> = Lexer::new(sql, 1, EXPRESSION)
        .filter_map(|t| match t.kind {
            TokenKind::Word => Some(t.text.to_ascii_lowercase()),
            TokenKind::QuotedIdent => Some(t.value(false).to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|c| words.contains(&c.to_ascii_lowercase()))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bare_and_quoted_table_names() {
        let tables = ["customer", "address", "film", "store"];
        let sql = "CREATE VIEW v AS SELECT c.name, 'film' AS label -- store\n\
                   FROM `sakila`.`customer` c JOIN \"Address\" a ON a.id = c.address_id";
        assert_eq!(mentioned(sql, tables), ["address", "customer"]);
        assert!(mentioned("SELECT 1", tables).is_empty());
    }
}
