//! Which spec names can become Rust identifiers, and which are taken by
//! the generated code itself.

/// Every Rust keyword, strict or reserved, of every edition up to 2024: a
/// name in this list cannot be an identifier in some edition (`gen` only
/// became one in 2024, and `syn` does not know it yet).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The module every expansion puts its models in: no family may take it.
pub const TYPES_MODULE: &str = "types";

/// Names of the constructors every client type has.
pub const CONSTRUCTORS: [&str; 2] = ["new", "builder"];

/// Names of the methods every client type has beside its constructors and
/// its endpoints' methods.
pub const CLIENT_METHODS: [&str; 1] = ["pauses"];

/// Whether `name` is a Rust keyword in some edition.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A snake_case identifier: `[a-z][a-z0-9_]*`, not a keyword.
pub fn is_snake_ident(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !is_keyword(name)
}

/// An UpperCamelCase identifier: `[A-Z][A-Za-z0-9]*`, not a keyword.
pub fn is_camel_ident(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
        && !is_keyword(name)
}

/// A header name: one or more RFC 9110 `tchar`s.
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The constructor pair of a named auth scheme: `with_<scheme>` and
/// `builder_with_<scheme>`.
pub fn scheme_constructors(scheme: &str) -> [String; 2] {
    [format!("with_{scheme}"), format!("builder_with_{scheme}")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_of_every_edition_are_refused() {
        for name in ["gen", "try", "async", "type", "self", "dyn"] {
            assert!(!is_snake_ident(name), "{name}");
        }
        assert!(!is_camel_ident("Self"));
        for name in ["generate", "types", "request", "r#gen", "union", "raw"] {
            assert_eq!(is_snake_ident(name), !name.contains('#'), "{name}");
        }
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("X-Auth-Email"));
        assert!(is_header_name("Authorization"));
        assert!(!is_header_name("X Auth"));
        assert!(!is_header_name("X-Auth:"));
        assert!(!is_header_name(""));
    }
}
