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
    #[error("{action}: HTTP {status}: {excerpt}")]
    Http {
        /// The action being called.
        action: &'static str,
        /// The HTTP status.
        status: StatusCode,
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
    #[error("{action}: the service refused the call (HTTP {status}): {}", messages_text(errors))]
    ApiErrors {
        /// The operation being called.
        action: &'static str,
        /// The HTTP status of the answer.
        status: StatusCode,
        /// The answer's `errors`, in order.
        errors: Vec<ApiMessage>,
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
        /// Where in the JSON decoding failed, e.g. `response.railgun_id`.
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

impl Error {
    /// The action the error belongs to, if it happened during a call.
    pub fn action(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { action, .. } => *action,
            Error::Transport { action, .. }
            | Error::Timeout { action, .. }
            | Error::Http { action, .. }
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
            | Error::Api { status, .. }
            | Error::ApiErrors { status, .. }
            | Error::UnexpectedAct { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::InvalidInput { .. } | Error::Transport { .. } | Error::Timeout { .. } | Error::Build { .. } => None,
        }
    }

    /// Whether sending the same call again may succeed: transport failures,
    /// timeouts, 5xx and 429 answers. Whether it is *safe* to repeat depends
    /// on the action (`init` creates a Railgun each time it succeeds).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Http { status, .. } | Error::ApiErrors { status, .. } => {
                status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
            }
            Error::InvalidInput { .. }
            | Error::Api { .. }
            | Error::UnexpectedAct { .. }
            | Error::Decode { .. }
            | Error::Build { .. } => false,
        }
    }
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
