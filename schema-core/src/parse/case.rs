//! Rust names → SQL names: a struct's or enum's name in snake_case, and the
//! `rename_all` styles of `#[derive(ModelEnum)]`.

/// `UserProfile` → `user_profile`; `HTTPRequest` → `http_request`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                Some(p) if p != '_' => {
                    p.is_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
                }
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The spellings `rename_all` accepts (serde's).
pub(crate) const RENAME_ALL: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

/// A variant's name in a `rename_all` style (one of [`RENAME_ALL`]).
pub(crate) fn rename_variant(ident: &str, style: &str) -> String {
    let snake = snake_case(ident);
    let words = snake.split('_').filter(|w| !w.is_empty());
    let capitalise = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    match style {
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        "PascalCase" => words.map(capitalise).collect(),
        "camelCase" => {
            let pascal: String = words.map(capitalise).collect();
            let mut c = pascal.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
        "SCREAMING_SNAKE_CASE" => snake.to_uppercase(),
        "kebab-case" => snake.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => snake.replace('_', "-").to_uppercase(),
        _ => snake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("UserProfile"), "user_profile");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("OrderItem2"), "order_item2");
        assert_eq!(snake_case("Api2Key"), "api2_key");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn rename_all_styles() {
        assert_eq!(rename_variant("InTransit", "camelCase"), "inTransit");
        assert_eq!(rename_variant("InTransit", "PascalCase"), "InTransit");
        assert_eq!(rename_variant("InTransit", "lowercase"), "intransit");
        assert_eq!(
            rename_variant("InTransit", "SCREAMING_SNAKE_CASE"),
            "IN_TRANSIT"
        );
        assert_eq!(rename_variant("InTransit", "kebab-case"), "in-transit");
    }
}
