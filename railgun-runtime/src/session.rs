//! Sending one call: what every protocol shares. A protocol (see
//! [`crate::protocol`]) turns the generated method's arguments into an HTTP
//! request and reads the answer; the session adds the client's settings and
//! credentials, sends, and reads the body.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, LOCATION, RETRY_AFTER, USER_AGENT};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::gate::Gate;
use crate::protocol::{Answer, Call, Endpoint};
use crate::retry::{RetryDecision, StopReason};
use crate::{Error, HttpMethod, RetryPolicy, Secret};

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
    pub(crate) retry: RetryPolicy,
    pub(crate) max_answer_size: usize,
    pub(crate) max_list_items: usize,
    /// The rate limit and 429 pauses, shared by the client's clones.
    pub(crate) gate: Gate,
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
            .field("retry", &s.retry)
            .field("max_answer_size", &s.max_answer_size)
            .field("max_list_items", &s.max_list_items)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn new(settings: Settings) -> Session {
        Session { inner: Arc::new(settings) }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner
    }

    /// The most items a list's stream yields
    /// ([`ApiBuilder::max_list_items`](crate::ApiBuilder::max_list_items)).
    pub fn max_list_items(&self) -> usize {
        self.inner.max_list_items
    }

    /// The pauses 429 answers imposed on this session so far.
    pub fn pauses(&self) -> crate::Pauses {
        self.inner.gate.pauses()
    }

    /// Starts a call of `endpoint`, with the client's credentials.
    pub fn request<'a, E: Endpoint>(&'a self, endpoint: &'a E) -> E::Request<'a> {
        endpoint.start(self)
    }

    /// Sends the call, again as the retry policy allows, and decodes its
    /// answer. Each call is a `railgun_call` span (action; at the end,
    /// attempts, status and elapsed time), each attempt a `railgun_attempt`
    /// span inside it (attempt number, status), each retry an event with
    /// its reason and delay.
    pub async fn call<R: DeserializeOwned, C: Call>(&self, call: C) -> Result<R, Error> {
        let span = tracing::debug_span!(
            "railgun_call",
            action = call.action(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        self.call_with_retries(&call, &span).instrument(span.clone()).await
    }

    async fn call_with_retries<R: DeserializeOwned, C: Call>(
        &self,
        call: &C,
        span: &tracing::Span,
    ) -> Result<R, Error> {
        let settings = &*self.inner;
        let started = Instant::now();
        let mut attempt = 1;
        let mut status = None;
        let result = loop {
            settings.gate.pass().await;
            let attempt_span = tracing::debug_span!("railgun_attempt", attempt, status = tracing::field::Empty);
            let result = self.attempt(call, &attempt_span, &mut status).instrument(attempt_span.clone()).await;
            let error = match result {
                Ok(value) => break Ok(value),
                Err(error) => error,
            };
            if error.status() == Some(StatusCode::TOO_MANY_REQUESTS) {
                // The whole client waits, not only this call.
                settings.gate.pause(settings.retry.pause_after_429(error.retry_after()));
            }
            let decision =
                settings.retry.decide(attempt, &error, started.elapsed(), call.idempotent(), fastrand::f64());
            match decision {
                RetryDecision::Retry { delay } => {
                    tracing::info!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        reason = %error,
                        "railgun retry"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                RetryDecision::Stop(reason) => {
                    if attempt > 1 || reason == StopReason::MayHaveBeenApplied {
                        tracing::debug!(attempt, %reason, "railgun gives up");
                    }
                    break Err(error);
                }
            }
        };
        span.record("attempts", attempt);
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        result
    }

    /// Sends the call once and decodes its answer.
    async fn attempt<R: DeserializeOwned, C: Call>(
        &self,
        call: &C,
        span: &tracing::Span,
        answered: &mut Option<StatusCode>,
    ) -> Result<R, Error> {
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
        let transport_error = |cause: reqwest::Error| {
            if cause.is_timeout() {
                return Error::Timeout { action, timeout: settings.timeout };
            }
            let cause = cause.without_url();
            Error::Transport { action, detail: scrubber.scrub(&error_chain(&cause)), cause }
        };
        let (client, request) = builder.build_split();
        let request = request.map_err(transport_error)?;
        // Kept only to compare with the answer's URL, never shown: a GET's
        // query holds the credentials.
        let sent_to = request.url().clone();
        tracing::debug!(method, "railgun request");
        let mut response = client.execute(request).await.map_err(transport_error)?;
        let status = response.status();
        span.record("status", status.as_u16());
        *answered = Some(status);

        // The client built by this crate follows no redirect; one supplied
        // by the caller may have, which is refused all the same.
        let followed = *response.url() != sent_to;
        if status.is_redirection() || followed {
            let location = if followed {
                Some(response.url().clone())
            } else {
                let location = response.headers().get(LOCATION).and_then(|l| l.to_str().ok());
                location.and_then(|l| response.url().join(l).ok())
            };
            // A host can be any text a server chooses, a secret included.
            let location = location.map(|url| scrubber.scrub(&url.origin().ascii_serialization()));
            return Err(Error::Redirect { action, status, location });
        }
        let retry_after = response.headers().get(RETRY_AFTER).and_then(parse_retry_after);
        let too_large = || Error::TooLarge { action, status, limit: settings.max_answer_size };
        if response.content_length().is_some_and(|length| length > settings.max_answer_size as u64) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > settings.max_answer_size {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(status = status.as_u16(), bytes = body.len(), "railgun answer");
        call.decode(&scrubber, &Answer { status, retry_after, body: &body })
    }
}

/// A `Retry-After` value: seconds, or an HTTP date (a date in the past
/// means now).
fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let parse = |text: &str| parse_retry_after(&HeaderValue::from_str(text).unwrap());
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(90));
        let wait = parse(&later).unwrap();
        assert!(wait > Duration::from_secs(85) && wait <= Duration::from_secs(90), "{wait:?}");
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-5"), None);
    }
}
