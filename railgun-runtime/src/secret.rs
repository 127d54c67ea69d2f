//! [`Secret`]: a credential or token that never prints itself.

use std::fmt;

use crate::redact::REDACTED;

/// A credential or token: an API key, a password, a token a service hands out.
///
/// `Debug` and `Display` print `** redacted **`; the value is reachable only
/// through [`Secret::expose_secret`], so it cannot slip into a log line or an
/// error message by accident.
///
/// ```
/// let token = railgun_runtime::Secret::new("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp");
/// assert_eq!(format!("{token:?} {token}"), "Secret(** redacted **) ** redacted **");
/// assert_eq!(token.expose_secret(), "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret value itself. Call it only where the value must be used.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}
