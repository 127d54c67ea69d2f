//! Type expressions as written in the spec's `type:` keys.

use std::fmt;

/// A built-in wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// Text: `&str` in parameters, `String` in responses.
    String,
    /// A credential or token: `railgun_api::Secret`, never printed.
    Secret,
    /// An id, sent by the service as a string of digits: `u64`.
    Id,
    /// A count or port, as a number or a string of digits: `u64`.
    Integer,
    /// A flag sent as `"t"`/`"f"`, `"1"`/`"0"` or a JSON boolean: `bool`.
    Flag,
    /// A Postgres-style timestamp: `railgun_api::Timestamp`.
    Timestamp,
    /// A list of IP ranges, sent as a JSON array (parameters only).
    IpRanges,
}

impl Scalar {
    /// Every scalar, with the name the spec uses for it.
    pub const ALL: [(&'static str, Scalar); 7] = [
        ("string", Scalar::String),
        ("secret", Scalar::Secret),
        ("id", Scalar::Id),
        ("integer", Scalar::Integer),
        ("flag", Scalar::Flag),
        ("timestamp", Scalar::Timestamp),
        ("ip_ranges", Scalar::IpRanges),
    ];

    /// The scalar named `name`, if any.
    pub fn from_name(name: &str) -> Option<Scalar> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, s)| s)
    }

    /// The name the spec uses for this scalar.
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|&&(_, s)| s == self).map(|&(n, _)| n).unwrap_or("?")
    }
}

/// A parsed `type:` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// A built-in type.
    Scalar(Scalar),
    /// A type from the spec's `types:` list.
    Named(String),
    /// `list<Name>`: a JSON array.
    List(Box<TypeExpr>),
}

impl TypeExpr {
    /// Parses a type expression; `Err` says what is wrong with it.
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeExpr::List(Box::new(TypeExpr::parse(inner)?)));
        }
        if let Some(scalar) = Scalar::from_name(text) {
            return Ok(TypeExpr::Scalar(scalar));
        }
        let mut chars = text.chars();
        match chars.next() {
            Some(c) if c.is_ascii_uppercase() && chars.all(|c| c.is_ascii_alphanumeric()) => {
                Ok(TypeExpr::Named(text.to_owned()))
            }
            _ => Err(format!(
                "unknown type '{text}': expected one of {}, a type name from `types`, or list<Name>",
                Scalar::ALL.map(|(n, _)| n).join(", ")
            )),
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Scalar(s) => f.write_str(s.name()),
            TypeExpr::Named(n) => f.write_str(n),
            TypeExpr::List(inner) => write!(f, "list<{inner}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scalars_names_and_lists() {
        assert_eq!(TypeExpr::parse("id"), Ok(TypeExpr::Scalar(Scalar::Id)));
        assert_eq!(TypeExpr::parse("Mode"), Ok(TypeExpr::Named("Mode".into())));
        assert_eq!(TypeExpr::parse("list<Railgun>"), Ok(TypeExpr::List(Box::new(TypeExpr::Named("Railgun".into())))));
        assert_eq!(TypeExpr::parse("list<Railgun>").unwrap().to_string(), "list<Railgun>");
    }

    #[test]
    fn rejects_misspelt_scalars() {
        let err = TypeExpr::parse("strin").unwrap_err();
        assert!(err.starts_with("unknown type 'strin': expected one of string, secret"), "{err}");
        assert!(TypeExpr::parse("list<>").is_err());
        assert!(TypeExpr::parse("Rail-gun").is_err());
    }
}
