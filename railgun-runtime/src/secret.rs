//! [`Secret`]: a credential or token that never prints itself.

use std::cell::Cell;
use std::fmt;

use crate::redact::REDACTED;

thread_local! {
    /// Whether secrets serialize their values on this thread
    /// ([`Secret::exposed_in`]).
    static EXPOSED: Cell<bool> = const { Cell::new(false) };
}

/// A credential or token: an API key, a password, a token a service hands out.
///
/// `Debug` and `Display` print `** redacted **`; the value is reachable only
/// through [`Secret::expose_secret`], so it cannot slip into a log line or an
/// error message by accident. Serialized (an answer stored as JSON, say),
/// it writes `** redacted **` too, unless the serialization runs inside
/// [`Secret::exposed_in`], which a caller writes on purpose to keep the
/// value; it reads back from its value.
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

    /// Runs `f`, in which every `Secret` serialized on this thread writes
    /// its value instead of `** redacted **`: for storing an answer whole,
    /// its tokens included.
    ///
    /// ```
    /// use railgun_runtime::Secret;
    /// let token = Secret::new("tok3n");
    /// assert_eq!(serde_json::to_string(&token).unwrap(), r#""** redacted **""#);
    /// let kept = Secret::exposed_in(|| serde_json::to_string(&token)).unwrap();
    /// assert_eq!(kept, r#""tok3n""#);
    /// assert_eq!(serde_json::from_str::<Secret>(&kept).unwrap(), token);
    /// ```
    pub fn exposed_in<R>(f: impl FnOnce() -> R) -> R {
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                EXPOSED.with(|e| e.set(self.0));
            }
        }
        let _restore = Restore(EXPOSED.with(|e| e.replace(true)));
        f()
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EXPOSED.with(Cell::get) { serializer.serialize_str(&self.0) } else { serializer.serialize_str(REDACTED) }
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
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
