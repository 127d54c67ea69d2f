//! [`Error`]: everything a call can fail with.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// What went wrong with a call. Every variant that saw an answer keeps its
/// HTTP status; texts taken from an answer are short excerpts with every
/// secret blanked out, and no variant carries a URL.
///
/// Each message is complete on its own: a transport or build error's message
/// holds its causes, scrubbed, so [`std::error::Error::source`] returns
/// nothing and a reporter that walks the chain prints each cause once. The
/// HTTP stack's own error is kept in `cause` for code that inspects it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument or setting was refused before anything was sent.
    #[error("{}invalid `{param}`: {reason}", prefix(*action))]
    InvalidInput {
        /// The action being called, or `None` when building a client.
        action: Option<&'static str>,
        /// The parameter or setting at fault (wire name for parameters).
        param: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// The request could not be sent, or its answer could not be read.
    #[error("{action}: request failed: {detail}")]
    Transport {
        /// The action being called.
        action: &'static str,
        /// What the HTTP stack reported, causes included, secrets blanked.
        detail: String,
        /// The HTTP stack's error, stripped of its URL.
        cause: reqwest::Error,
    },

    /// No complete answer arrived within the client's timeout.
    #[error("{action}: no complete answer within {}", timeout_text(*timeout))]
    Timeout {
        /// The action being called.
        action: &'static str,
        /// The timeout that ran out, when the client set one.
        timeout: Option<Duration>,
    },

    /// The service answered with a status other than 2xx.
    #[error("{action}: HTTP {status}{}: {excerpt}", retry_after_text(*retry_after))]
    Http {
        /// The action being called.
        action: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The start of the body.
        excerpt: String,
        /// How long the answer's `Retry-After` asked to wait, from when it
        /// arrived (given in seconds or as an HTTP date).
        retry_after: Option<Duration>,
        /// Whether the client retries this status (its
        /// [`RetryPolicy`](crate::RetryPolicy)'s statuses, or the API's).
        retryable: bool,
    },

    /// The server answered with a redirect, which the client never follows:
    /// following one would send the request, credentials included, again,
    /// maybe to another origin.
    #[error("{action}: HTTP {status}: refused to follow a redirect to {}", location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        /// The action being called.
        action: &'static str,
        /// The redirect's HTTP status.
        status: StatusCode,
        /// The origin (scheme, host and port; no path or query) the
        /// redirect pointed to, when it named a valid URL.
        location: Option<String>,
    },

    /// The answer was longer than the client's limit
    /// ([`ApiBuilder::max_answer_size`](crate::ApiBuilder::max_answer_size));
    /// reading stopped there.
    #[error("{action}: the answer (HTTP {status}) is longer than the limit of {limit} bytes")]
    TooLarge {
        /// The action being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },

    /// A paginated list ran past the client's limit
    /// ([`ApiBuilder::max_list_items`](crate::ApiBuilder::max_list_items)):
    /// the service went on saying more pages follow. Reading stopped at the
    /// limit, after its last item.
    #[error("{action}: the list holds more than the limit of {limit} items")]
    ListTooLong {
        /// The paginated action being walked.
        action: &'static str,
        /// The limit, in items.
        limit: usize,
    },

    /// Walking a paginated list stopped before its end, as a list the
    /// service does not bring to an end must: past the client's limit of
    /// pages or time ([`ApiBuilder::max_list_pages`](crate::ApiBuilder::max_list_pages),
    /// [`max_list_time`](crate::ApiBuilder::max_list_time)), or at a page
    /// that holds the very items of the one before it. No further page was
    /// asked for.
    #[error("{action}: {reason}")]
    ListStopped {
        /// The paginated action being walked.
        action: &'static str,
        /// Which bound stopped it.
        reason: ListStop,
    },

    /// The answer was plainly not the service's: an HTML page, a body cut
    /// short, or something else that is not JSON. Proxies and CDNs answer
    /// this way (Cloudflare's "Error 520" pages come with status 200), so
    /// trying again may succeed.
    #[error("{action}: the answer (HTTP {status}) is {kind}: {excerpt}")]
    Malformed {
        /// The action being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// What the answer was.
        kind: MalformedKind,
        /// The start of the body.
        excerpt: String,
    },

    /// The service answered `"result": "error"` (an `action_form` API).
    #[error("{action}: the service refused the call{}: {msg}", code_text(err_code.as_ref()))]
    Api {
        /// The action being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The service's message.
        msg: String,
        /// The service's error code, when it sent one.
        err_code: Option<ErrCode>,
    },

    /// The service answered `"success": false` (a `rest_json` API).
    #[error("{action}: the service refused the call (HTTP {status}{}): {}", retry_after_text(*retry_after), messages_text(errors))]
    ApiErrors {
        /// The operation being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The answer's `errors`, in order.
        errors: Vec<ApiMessage>,
        /// How long the answer's `Retry-After` asked to wait.
        retry_after: Option<Duration>,
        /// Whether the client retries this status (its
        /// [`RetryPolicy`](crate::RetryPolicy)'s statuses, or the API's).
        retryable: bool,
    },

    /// A successful answer named another action than the one called.
    #[error("{action}: expected an answer with `act: {expected}`, got `act: {found}`")]
    UnexpectedAct {
        /// The action being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The `act` the spec documents for the action.
        expected: &'static str,
        /// The `act` the answer carried.
        found: String,
    },

    /// The answer was not the JSON the spec describes.
    #[error("{action}: cannot decode the answer (HTTP {status}) at `{path}`: {message}; body: {excerpt}")]
    Decode {
        /// The action being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// Where in the JSON decoding failed, e.g. `response.items[2].id`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the body.
        excerpt: String,
    },

    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {detail}")]
    Build {
        /// What the HTTP stack reported, causes included.
        detail: String,
        /// The HTTP or TLS stack's error.
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// What a [`Error::Malformed`] answer was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MalformedKind {
    /// An HTML page.
    Html,
    /// JSON that ends before it is complete.
    Truncated,
    /// Anything else that is not one JSON value.
    NotJson,
}

impl fmt::Display for MalformedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedKind::Html => "an HTML page",
            MalformedKind::Truncated => "cut short",
            MalformedKind::NotJson => "not JSON",
        })
    }
}

/// One entry of a `rest_json` answer's `errors` (or `messages`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiMessage {
    /// The service's code (Cloudflare's are 1000 and up), when it sent one.
    pub code: Option<i64>,
    /// The service's message, secrets blanked.
    pub message: String,
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// An `err_code` as the service sends it: a number or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrCode {
    /// A numeric code.
    Number(i64),
    /// A textual code.
    Text(String),
}

impl fmt::Display for ErrCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrCode::Number(n) => write!(f, "{n}"),
            ErrCode::Text(t) => f.write_str(t),
        }
    }
}

/// Why walking a list stopped ([`Error::ListStopped`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListStop {
    /// The list goes on past this many pages.
    #[error("the list goes on past the limit of {limit} pages")]
    Pages {
        /// The limit, in pages.
        limit: u64,
    },
    /// This page holds the same items as the page before it: the service
    /// does not page through the list.
    #[error("page {page} holds the very items of page {previous}: the service does not page through the list", previous = page - 1)]
    RepeatedPage {
        /// The page that repeats its predecessor.
        page: u64,
    },
    /// Walking the list took longer than this.
    #[error("walking the list took longer than the limit of {} s", limit.as_secs_f64())]
    Time {
        /// The limit.
        limit: std::time::Duration,
    },
}

impl Error {
    /// The action the error belongs to, if it happened during a call.
    pub fn action(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { action, .. } => *action,
            Error::Transport { action, .. }
            | Error::Timeout { action, .. }
            | Error::Http { action, .. }
            | Error::Redirect { action, .. }
            | Error::TooLarge { action, .. }
            | Error::ListTooLong { action, .. }
            | Error::ListStopped { action, .. }
            | Error::Malformed { action, .. }
            | Error::Api { action, .. }
            | Error::ApiErrors { action, .. }
            | Error::UnexpectedAct { action, .. }
            | Error::Decode { action, .. } => Some(action),
            Error::Build { .. } => None,
        }
    }

    /// The HTTP status of the answer, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http { status, .. }
            | Error::Redirect { status, .. }
            | Error::TooLarge { status, .. }
            | Error::Malformed { status, .. }
            | Error::Api { status, .. }
            | Error::ApiErrors { status, .. }
            | Error::UnexpectedAct { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::InvalidInput { .. }
            | Error::Transport { .. }
            | Error::Timeout { .. }
            | Error::ListTooLong { .. }
            | Error::ListStopped { .. }
            | Error::Build { .. } => None,
        }
    }

    /// Whether sending the same call again may succeed: it could not
    /// connect or got no complete answer (transport errors, timeouts), answers that are
    /// plainly not the service's ([`Error::Malformed`], whatever their
    /// status), and answers whose status the client retries (the API's
    /// list, from its spec: 429, 502, 503 and 504 unless it says otherwise,
    /// or the [`RetryPolicy`](crate::RetryPolicy)'s own). Whether it is
    /// *safe* to send it again is another question: see
    /// [`Error::may_have_been_applied`].
    ///
    /// Never retryable: what the service refused (`result: error`,
    /// `success: false` other than with such a status), input refused
    /// before sending, redirects, answers over the size limit and lists
    /// stopped at a bound.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } | Error::Malformed { .. } => true,
            Error::Http { retryable, .. } | Error::ApiErrors { retryable, .. } => *retryable,
            Error::InvalidInput { .. }
            | Error::Redirect { .. }
            | Error::TooLarge { .. }
            | Error::ListTooLong { .. }
            | Error::ListStopped { .. }
            | Error::Api { .. }
            | Error::UnexpectedAct { .. }
            | Error::Decode { .. }
            | Error::Build { .. } => false,
        }
    }

    /// Whether the service may have carried out the call although it
    /// failed: the request may have reached it and its answer was lost,
    /// cut short or unreadable. Before calling an action that is not safe
    /// to repeat (`init`, `delete`, …) again after such an error, read the
    /// state to see whether the first call took effect.
    ///
    /// `false` only when the call certainly had no effect: it was refused
    /// before sending, it could not connect, or the service answered
    /// with a refusal (`result: error`, `success: false`, 429).
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::InvalidInput { .. } | Error::Build { .. } | Error::Api { .. } => false,
            // Every page was answered; walking a list reads it.
            Error::ListTooLong { .. } | Error::ListStopped { .. } => false,
            Error::Transport { cause, .. } => !cause.is_connect(),
            Error::Http { status, .. } => *status != StatusCode::TOO_MANY_REQUESTS,
            Error::ApiErrors { .. } => false,
            Error::Timeout { .. }
            | Error::Redirect { .. }
            | Error::TooLarge { .. }
            | Error::Malformed { .. }
            | Error::UnexpectedAct { .. }
            | Error::Decode { .. } => true,
        }
    }

    /// How long the answer asked to wait before the next call
    /// (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Http { retry_after, .. } | Error::ApiErrors { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    retry_after.map(|d| format!(", retry after {}s", d.as_secs_f64().ceil())).unwrap_or_default()
}

fn prefix(action: Option<&'static str>) -> String {
    action.map(|a| format!("{a}: ")).unwrap_or_default()
}

fn timeout_text(timeout: Option<Duration>) -> String {
    match timeout {
        Some(t) => format!("{t:?}"),
        None => "the time allowed".to_owned(),
    }
}

fn code_text(code: Option<&ErrCode>) -> String {
    code.map(|c| format!(" (err_code {c})")).unwrap_or_default()
}

fn messages_text(errors: &[ApiMessage]) -> String {
    if errors.is_empty() {
        return "(no error message)".to_owned();
    }
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
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
