//! What a client is configured with, on its own: the settings every call
//! reads, and the credentials it sends. Protocols read these; the session
//! holds them and sends. Neither this module nor its types know how a call
//! is made.

use std::fmt;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use url::Url;

use crate::gate::Gate;
use crate::retry::StatusSet;
use crate::{RetryPolicy, Secret};

/// How an `action_form` client sends an action's parameters. An action
/// documented for one method only (POST, say) is sent with
/// that method whatever this says; `rest_json` operations have one method
/// each and ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HttpMethod {
    /// Parameters in an `application/x-www-form-urlencoded` body: credentials
    /// stay out of URLs, and so out of proxy and server logs. The default.
    #[default]
    Post,
    /// Parameters in the query string.
    Get,
}

/// A credential sent with every request of a client.
#[derive(Clone)]
pub struct Credential {
    pub(crate) location: CredentialLocation,
    pub(crate) value: CredentialValue,
}

#[derive(Clone, Copy)]
pub(crate) enum CredentialLocation {
    /// A field of every action (query on GET, form body on POST).
    Form(&'static str),
    /// A header.
    Header(&'static str),
    /// `Authorization: Bearer <value>`.
    Bearer,
}

#[derive(Clone)]
pub(crate) enum CredentialValue {
    Plain(String),
    Secret(Secret),
}

impl Credential {
    /// A form field that may be shown, such as an email address.
    pub fn plain(name: &'static str, value: String) -> Credential {
        Credential { location: CredentialLocation::Form(name), value: CredentialValue::Plain(value) }
    }

    /// A form field that is never shown, such as a token.
    pub fn secret(name: &'static str, value: Secret) -> Credential {
        Credential { location: CredentialLocation::Form(name), value: CredentialValue::Secret(value) }
    }

    /// A header that may be shown, such as `X-Auth-Email`.
    pub fn header(name: &'static str, value: String) -> Credential {
        Credential { location: CredentialLocation::Header(name), value: CredentialValue::Plain(value) }
    }

    /// A header that is never shown, such as `X-Auth-Key`.
    pub fn secret_header(name: &'static str, value: Secret) -> Credential {
        Credential { location: CredentialLocation::Header(name), value: CredentialValue::Secret(value) }
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: Secret) -> Credential {
        Credential { location: CredentialLocation::Bearer, value: CredentialValue::Secret(token) }
    }

    /// The name settings errors use: the field or header name.
    pub(crate) fn name(&self) -> &'static str {
        match self.location {
            CredentialLocation::Form(name) | CredentialLocation::Header(name) => name,
            CredentialLocation::Bearer => "Authorization",
        }
    }

    pub(crate) fn text(&self) -> &str {
        match &self.value {
            CredentialValue::Plain(v) => v,
            CredentialValue::Secret(v) => v.expose_secret(),
        }
    }

    pub(crate) fn is_secret(&self) -> bool {
        matches!(self.value, CredentialValue::Secret(_))
    }

    /// The form field this credential is, if it is one.
    pub(crate) fn form_field(&self) -> Option<(&'static str, &str)> {
        match self.location {
            CredentialLocation::Form(name) => Some((name, self.text())),
            CredentialLocation::Header(_) | CredentialLocation::Bearer => None,
        }
    }

    /// The header this credential is, if it is one: checked when the
    /// client is built, marked sensitive when secret.
    pub(crate) fn to_header(&self) -> Result<Option<(HeaderName, HeaderValue)>, &'static str> {
        let (name, text) = match self.location {
            CredentialLocation::Form(_) => return Ok(None),
            CredentialLocation::Header(name) => {
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| "is not a valid header name")?;
                (name, self.text().to_owned())
            }
            CredentialLocation::Bearer => (AUTHORIZATION, format!("Bearer {}", self.text())),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| "cannot be sent in a header")?;
        value.set_sensitive(self.is_secret());
        Ok(Some((name, value)))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &dyn fmt::Debug = match &self.value {
            CredentialValue::Plain(v) => v,
            CredentialValue::Secret(v) => v,
        };
        match self.location {
            CredentialLocation::Form(name) => write!(f, "{name}={value:?}"),
            CredentialLocation::Header(name) => write!(f, "{name}: {value:?}"),
            CredentialLocation::Bearer => write!(f, "Authorization: Bearer {value:?}"),
        }
    }
}

/// A client's settings, shared by its clones: what every call reads.
pub struct Settings {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    pub(crate) method: HttpMethod,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) credentials: Vec<Credential>,
    /// The header and bearer credentials, ready to send.
    pub(crate) credential_headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) retry: RetryPolicy,
    /// The statuses the API retries (its spec's `retry_statuses`), unless
    /// the policy lists its own.
    pub(crate) retry_statuses: StatusSet,
    pub(crate) max_answer_size: usize,
    /// What bounds walking a paginated list.
    pub(crate) list: crate::page::ListLimits,
    /// The rate limit and 429 pauses, shared by the client's clones.
    pub(crate) gate: Gate,
}
