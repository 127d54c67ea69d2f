//! Sending one call: what every protocol shares. A protocol (see
//! [`crate::protocol`]) turns the generated method's arguments into an HTTP
//! request and reads the answer; the session adds the client's settings and
//! credentials, sends, and reads the body.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use url::Url;

use crate::protocol::{Call, Endpoint};
use crate::{Error, HttpMethod, Secret};

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

/// Implemented by generated client types, so [`crate::ApiBuilder`] can make them.
pub trait FromSession {
    /// Wraps a configured session.
    fn from_session(session: Session) -> Self;
}

/// A configured connection to the service, shared by clones of a client.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Settings>,
}

/// A client's settings; protocols read them through [`Session::settings`].
pub struct Settings {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    pub(crate) method: HttpMethod,
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) credentials: Vec<Credential>,
    /// The header and bearer credentials, ready to send.
    pub(crate) credential_headers: Vec<(HeaderName, HeaderValue)>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.inner;
        f.debug_struct("Session")
            .field("base_url", &s.base_url.as_str())
            .field("method", &s.method)
            .field("timeout", &s.timeout)
            .field("user_agent", &s.user_agent)
            .field("credentials", &s.credentials)
            .finish()
    }
}

impl Session {
    pub(crate) fn new(settings: Settings) -> Session {
        Session { inner: Arc::new(settings) }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner
    }

    /// Starts a call of `endpoint`, with the client's credentials.
    pub fn request<'a, E: Endpoint>(&'a self, endpoint: &'a E) -> E::Request<'a> {
        endpoint.start(self)
    }

    /// Sends the call and decodes its answer.
    pub async fn call<R: DeserializeOwned, C: Call>(&self, call: C) -> Result<R, Error> {
        let settings = &*self.inner;
        let action = call.action();
        let (builder, method) = call.http(settings)?;
        let mut builder = builder
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, settings.user_agent.clone());
        for (name, value) in &settings.credential_headers {
            builder = builder.header(name.clone(), value.clone());
        }
        if let Some(timeout) = settings.timeout {
            builder = builder.timeout(timeout);
        }

        let scrubber = call.scrubber();
        let started = Instant::now();
        tracing::debug!(action, method, "railgun request");
        let transport_error = |cause: reqwest::Error| {
            if cause.is_timeout() {
                return Error::Timeout { action, timeout: settings.timeout };
            }
            let cause = cause.without_url();
            Error::Transport { action, detail: scrubber.scrub(&error_chain(&cause)), cause }
        };
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status();
        let body = response.bytes().await.map_err(transport_error)?;
        tracing::debug!(
            action,
            status = status.as_u16(),
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "railgun answer"
        );
        call.decode(&scrubber, status, &body)
    }
}

/// The error and its causes, joined with ": ", each cause once.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
