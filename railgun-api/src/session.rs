//! Sending one call: the parameters, the HTTP exchange, and the hand-off to
//! [`crate::decode`]. Generated methods drive it through `__private`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use url::Url;

use crate::decode::{Exchange, decode};
use crate::redact::Scrubber;
use crate::wire::ToParam;
use crate::{Error, HttpMethod, Secret};

/// What the generated code knows about one endpoint.
#[derive(Debug)]
pub struct Endpoint {
    /// The action: last path segment.
    pub action: &'static str,
    /// The `act` a successful answer carries.
    pub act: &'static str,
    /// Documented for GET.
    pub get: bool,
    /// Documented for POST.
    pub post: bool,
    /// Wire names whose values are secret, in the request or the answer.
    pub secret_keys: &'static [&'static str],
}

/// A credential sent with every request of a family.
#[derive(Clone)]
pub struct Credential {
    pub(crate) name: &'static str,
    pub(crate) value: CredentialValue,
}

#[derive(Clone)]
pub(crate) enum CredentialValue {
    Plain(String),
    Secret(Secret),
}

impl Credential {
    /// A credential that may be shown, such as an email address.
    pub fn plain(name: &'static str, value: String) -> Credential {
        Credential { name, value: CredentialValue::Plain(value) }
    }

    /// A credential that is never shown, such as a token.
    pub fn secret(name: &'static str, value: Secret) -> Credential {
        Credential { name, value: CredentialValue::Secret(value) }
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
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            CredentialValue::Plain(v) => write!(f, "{}={v:?}", self.name),
            CredentialValue::Secret(v) => write!(f, "{}={v:?}", self.name),
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

pub(crate) struct Settings {
    pub http: reqwest::Client,
    pub base_url: Url,
    pub method: HttpMethod,
    pub timeout: Option<Duration>,
    pub user_agent: HeaderValue,
    pub credentials: Vec<Credential>,
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

/// The parameters of one call, credentials first, in spec order.
pub struct Request<'a> {
    endpoint: &'a Endpoint,
    pairs: Vec<(&'static str, Cow<'a, str>)>,
    secrets: Vec<&'a str>,
}

impl<'a> Request<'a> {
    /// Adds a parameter, or refuses it with [`Error::InvalidInput`].
    pub fn param<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &'a T) -> Result<(), Error> {
        let text = value.to_param().map_err(|reason| Error::InvalidInput {
            action: Some(self.endpoint.action),
            param: name,
            reason: reason.to_owned(),
        })?;
        if T::SECRET
            && let Cow::Borrowed(secret) = text
        {
            self.secrets.push(secret);
        }
        self.pairs.push((name, text));
        Ok(())
    }
}

impl Session {
    pub(crate) fn new(settings: Settings) -> Session {
        Session { inner: Arc::new(settings) }
    }

    /// Starts a call of `endpoint`, with the family's credentials.
    pub fn request<'a>(&'a self, endpoint: &'a Endpoint) -> Request<'a> {
        let credentials = &self.inner.credentials;
        Request {
            endpoint,
            pairs: credentials.iter().map(|c| (c.name, Cow::Borrowed(c.text()))).collect(),
            secrets: credentials.iter().filter(|c| c.is_secret()).map(Credential::text).collect(),
        }
    }

    /// Sends the call and decodes its answer.
    pub async fn call<R: DeserializeOwned>(&self, request: Request<'_>) -> Result<R, Error> {
        let settings = &*self.inner;
        let endpoint = request.endpoint;
        let action = endpoint.action;
        let use_get = match settings.method {
            HttpMethod::Get => endpoint.get || !endpoint.post,
            HttpMethod::Post => !endpoint.post,
        };
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(request.pairs.iter().map(|(k, v)| (*k, v.as_ref())))
            .finish();
        let mut url = settings.base_url.join(action).map_err(|e| Error::InvalidInput {
            action: Some(action),
            param: "base_url",
            reason: e.to_string(),
        })?;
        let builder = if use_get {
            url.set_query(Some(&encoded));
            settings.http.get(url)
        } else {
            settings
                .http
                .post(url)
                .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
                .body(encoded)
        };
        let mut builder = builder
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, settings.user_agent.clone());
        if let Some(timeout) = settings.timeout {
            builder = builder.timeout(timeout);
        }

        let exchange = Exchange {
            action,
            act: endpoint.act,
            scrubber: Scrubber { values: request.secrets, keys: endpoint.secret_keys },
        };
        let started = Instant::now();
        tracing::debug!(action, method = if use_get { "GET" } else { "POST" }, "railgun request");
        let transport_error = |source: reqwest::Error| {
            if source.is_timeout() {
                return Error::Timeout { action, timeout: settings.timeout };
            }
            let source = source.without_url();
            Error::Transport { action, detail: exchange.scrubber.scrub(&error_chain(&source)), source }
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
        decode(&exchange, status, &body)
    }
}

/// The error and its causes, joined with ": ".
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
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
