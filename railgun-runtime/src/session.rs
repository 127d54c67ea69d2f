//! Sending one call: what every protocol shares. A protocol (see
//! [`crate::protocol`]) turns the generated method's arguments into an HTTP
//! request and reads the answer; the session adds the client's settings and
//! credentials, sends, and reads the body.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, HeaderValue, LOCATION, RETRY_AFTER, USER_AGENT};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;

use crate::Error;
use crate::error::error_chain;
use crate::protocol::{Answer, Call, Endpoint};
use crate::retry::{RetryDecision, StopReason};
use crate::settings::Settings;

/// Implemented by generated client types, so [`crate::ApiBuilder`] can make them.
pub trait FromSession {
    /// Wraps a configured session.
    fn from_session(session: Session) -> Self;
}

/// A configured client of the service, shared by clones of a client.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Settings>,
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
            .field("list", &s.list)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn new(settings: Settings) -> Session {
        Session { inner: Arc::new(settings) }
    }

    /// The most items a list's stream yields
    /// ([`ApiBuilder::max_list_items`](crate::ApiBuilder::max_list_items)).
    pub fn max_list_items(&self) -> usize {
        self.inner.list.items
    }

    /// What bounds walking a list: items, pages and time
    /// ([`ApiBuilder::max_list_items`](crate::ApiBuilder::max_list_items),
    /// [`max_list_pages`](crate::ApiBuilder::max_list_pages),
    /// [`max_list_time`](crate::ApiBuilder::max_list_time)).
    pub fn list_limits(&self) -> crate::page::ListLimits {
        self.inner.list
    }

    /// The pauses 429 answers imposed on this session so far.
    pub fn pauses(&self) -> crate::Pauses {
        self.inner.gate.pauses()
    }

    /// Starts a call of `endpoint`, with the client's credentials.
    pub fn request<'a, E: Endpoint>(&'a self, endpoint: &'a E) -> E::Request<'a> {
        endpoint.start(&self.inner)
    }

    /// Sends the call, again as the retry policy allows, and decodes its
    /// answer. Each call is an `api_call` span (action; at the end,
    /// attempts, status and elapsed time), each attempt an `api_attempt`
    /// span inside it (attempt number, status), each retry an event with
    /// its reason and delay.
    pub async fn call<R: DeserializeOwned, C: Call>(&self, call: C) -> Result<R, Error> {
        let span = tracing::debug_span!(
            "api_call",
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
            let attempt_span = tracing::debug_span!("api_attempt", attempt, status = tracing::field::Empty);
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
                        "retry"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                RetryDecision::Stop(reason) => {
                    if attempt > 1 || reason == StopReason::MayHaveBeenApplied {
                        tracing::debug!(attempt, %reason, "gives up");
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
        tracing::debug!(method, "request");
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
        tracing::debug!(status = status.as_u16(), bytes = body.len(), "answer");
        let retryable = settings.retry.retries_status(status, &settings.retry_statuses);
        call.decode(&scrubber, &Answer { status, retry_after, body: &body, retryable })
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
