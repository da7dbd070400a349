//! Deterministic constraint and index names, shortened to a dialect's
//! identifier limit with a hash suffix so they stay unique and stable.

use sha2::{Digest, Sha256};

/// `pk_<table>`
pub fn primary_key(table: &str) -> String {
    format!("pk_{table}")
}

/// `ix_<table>_<col1>_<col2>`
pub fn index(table: &str, columns: &[String]) -> String {
    format!("ix_{table}_{}", columns.join("_"))
}

/// The words of an expression key joined by `_`, lower-case, for an
/// index's default name: `lower("email")` → `lower_email`.
pub fn words(expr: &str) -> String {
    expr.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// `uq_<table>_<col1>_<col2>`
pub fn unique(table: &str, columns: &[String]) -> String {
    format!("uq_{table}_{}", columns.join("_"))
}

/// `fk_<table>_<col>_<reftable>`
pub fn foreign_key(table: &str, column: &str, ref_table: &str) -> String {
    format!("fk_{table}_{column}_{ref_table}")
}

/// `ck_<table>_<name>`
pub fn check(table: &str, name: &str) -> String {
    format!("ck_{table}_{name}")
}

/// Shortens `name` to at most `limit` bytes: a prefix, `_`, and the first 8
/// hex digits of the name's SHA-256. Names within the limit are unchanged.
pub fn shorten(name: &str, limit: usize) -> String {
    if name.len() <= limit {
        return name.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let mut keep = limit.saturating_sub(hash.len() + 1);
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{hash}", &name[..keep])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names() {
        let cols = vec!["org_id".to_string(), "email".to_string()];
        assert_eq!(primary_key("users"), "pk_users");
        assert_eq!(index("users", &cols), "ix_users_org_id_email");
        assert_eq!(unique("users", &cols), "uq_users_org_id_email");
        assert_eq!(
            foreign_key("users", "org_id", "orgs"),
            "fk_users_org_id_orgs"
        );
        assert_eq!(check("users", "positive"), "ck_users_positive");
    }

    #[test]
    fn shorten_keeps_short_names_and_bounds_long_ones() {
        assert_eq!(shorten("ix_users_email", 63), "ix_users_email");
        let long = format!("ix_{}", "a".repeat(100));
        let short = shorten(&long, 63);
        assert_eq!(short.len(), 63);
        assert!(short.starts_with("ix_aaa"));
        assert_eq!(short, shorten(&long, 63), "deterministic");
        let other = format!("ix_{}b", "a".repeat(100));
        assert_ne!(shorten(&other, 63), short, "hash keeps names distinct");
    }
}
