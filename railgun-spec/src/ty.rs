//! Type expressions as written in the spec's `type:` keys. They are parsed
//! once, while the spec is resolved; the resolved model holds typed
//! references instead.

use std::fmt;

/// A built-in wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// Text: `&str` in parameters, `String` in responses.
    String,
    /// A credential or token: `railgun_runtime::Secret`, never printed.
    Secret,
    /// An id, sent by the service as a string of digits: `u64`.
    Id,
    /// A count or port, as a number or a string of digits: `u64`.
    Integer,
    /// A whole number that may be negative (an interval), as a number or a
    /// string: `i64`.
    Signed,
    /// A flag sent as `"t"`/`"f"`, `"1"`/`"0"` or a JSON boolean: `bool`.
    Flag,
    /// A Postgres-style timestamp: `railgun_runtime::Timestamp`.
    Timestamp,
}

impl Scalar {
    /// Every scalar, with the name the spec uses for it.
    pub const ALL: [(&'static str, Scalar); 7] = [
        ("string", Scalar::String),
        ("secret", Scalar::Secret),
        ("id", Scalar::Id),
        ("integer", Scalar::Integer),
        ("signed", Scalar::Signed),
        ("flag", Scalar::Flag),
        ("timestamp", Scalar::Timestamp),
    ];

    /// The scalar named `name`, if any.
    pub fn from_name(name: &str) -> Option<Scalar> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, s)| s)
    }

    /// The name the spec uses for this scalar.
    pub fn name(self) -> &'static str {
        match self {
            Scalar::String => "string",
            Scalar::Secret => "secret",
            Scalar::Id => "id",
            Scalar::Integer => "integer",
            Scalar::Signed => "signed",
            Scalar::Flag => "flag",
            Scalar::Timestamp => "timestamp",
        }
    }
}

/// Version 1's name for a list of IP ranges sent as one JSON array, with
/// netmasks of 8 to 32 (IPv4) and 112 to 128 (IPv6) bits. Version 2
/// declares such a type in `types` and writes `list<Name>` instead.
pub const V1_IP_RANGES: &str = "ip_ranges";

/// A parameter that takes a domain name (`&str`), refused before anything
/// is sent unless it is one. Parameters only: an answer's names are read as
/// they come, as `string`.
pub const DOMAIN: &str = "domain";

/// A parsed `type:` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// A built-in type.
    Scalar(Scalar),
    /// A type from the spec's `types:` list.
    Named(String),
    /// `list<T>`: a JSON array, or a list parameter.
    List(Box<TypeExpr>),
    /// Version 1's `ip_ranges`.
    V1IpRanges,
    /// `domain`.
    Domain,
}

impl TypeExpr {
    /// Parses a type expression of format `version`; `Err` says what is
    /// wrong with it.
    pub fn parse(text: &str, version: u32) -> Result<TypeExpr, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Ok(TypeExpr::List(Box::new(TypeExpr::parse(inner, version)?)));
        }
        if let Some(scalar) = Scalar::from_name(text) {
            return Ok(TypeExpr::Scalar(scalar));
        }
        if version == 1 && text == V1_IP_RANGES {
            return Ok(TypeExpr::V1IpRanges);
        }
        if text == DOMAIN {
            return Ok(TypeExpr::Domain);
        }
        let mut chars = text.chars();
        match chars.next() {
            Some(c) if c.is_ascii_uppercase() && chars.all(|c| c.is_ascii_alphanumeric()) => {
                Ok(TypeExpr::Named(text.to_owned()))
            }
            _ => {
                let mut names: Vec<&str> = Scalar::ALL.iter().map(|(n, _)| *n).collect();
                if version == 1 {
                    names.push(V1_IP_RANGES);
                } else {
                    names.push(DOMAIN);
                }
                Err(format!(
                    "unknown type '{text}': expected one of {}, a type name from `types`, or list<Name>",
                    names.join(", ")
                ))
            }
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Scalar(s) => f.write_str(s.name()),
            TypeExpr::Named(n) => f.write_str(n),
            TypeExpr::List(inner) => write!(f, "list<{inner}>"),
            TypeExpr::V1IpRanges => f.write_str(V1_IP_RANGES),
            TypeExpr::Domain => f.write_str(DOMAIN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scalars_names_and_lists() {
        assert_eq!(TypeExpr::parse("id", 2), Ok(TypeExpr::Scalar(Scalar::Id)));
        assert_eq!(TypeExpr::parse("Mode", 2), Ok(TypeExpr::Named("Mode".into())));
        assert_eq!(TypeExpr::parse("list<Widget>", 2), Ok(TypeExpr::List(Box::new(TypeExpr::Named("Widget".into())))));
        assert_eq!(TypeExpr::parse("list<Widget>", 2).unwrap().to_string(), "list<Widget>");
        for (name, scalar) in Scalar::ALL {
            assert_eq!(scalar.name(), name);
        }
    }

    #[test]
    fn rejects_misspelt_scalars() {
        let err = TypeExpr::parse("strin", 1).unwrap_err();
        assert!(err.starts_with("unknown type 'strin': expected one of string, secret"), "{err}");
        assert!(err.contains("timestamp, ip_ranges, a type name"), "{err}");
        assert!(TypeExpr::parse("strin", 2).unwrap_err().contains("timestamp, domain, a type name"));
        assert!(TypeExpr::parse("list<>", 2).is_err());
        assert!(TypeExpr::parse("Rail-gun", 2).is_err());
    }

    #[test]
    fn ip_ranges_is_version_1_only() {
        assert_eq!(TypeExpr::parse("ip_ranges", 1), Ok(TypeExpr::V1IpRanges));
        let err = TypeExpr::parse("ip_ranges", 2).unwrap_err();
        assert!(err.contains("timestamp, domain, a type name"), "{err}");
    }
}
