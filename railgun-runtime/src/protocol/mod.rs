//! The seam between the generated code and the wire: what a protocol does.
//!
//! A generated method declares its endpoint as a `const` of its protocol's
//! endpoint type, starts a request from it ([`Endpoint`]), puts each argument
//! where the spec says, and hands the request to
//! [`Session::call`](crate::__private::Session::call), which sends it through
//! [`Call`]. Everything specific to a protocol (the URL, where parameters
//! and credentials go, the answer's envelope, its errors) lives in its
//! module, reading the client's [`Settings`]; everything else (sending,
//! reading, retries, timeouts, logs) in the session, which no protocol
//! knows of.
//!
//! - [`action_form`]: actions sent as `base_url/<action>` (the protocol of
//!   Cloudflare Railgun's v2 API, which `railgun-api` speaks).
//! - [`rest_json`]: Cloudflare v4's JSON REST API.

pub mod action_form;
pub mod rest_json;

use std::borrow::Cow;
use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::Error;
use crate::error::MalformedKind;
use crate::redact::Scrubber;
use crate::settings::Settings;
use crate::wire::{ListEncoding, ToParam};

/// An endpoint's description, as generated code declares it: starts a
/// request of its protocol.
pub trait Endpoint: Sync + 'static {
    /// The request this endpoint's protocol builds.
    type Request<'a>: Call
    where
        Self: 'a;

    /// A request of this endpoint, with the client's credentials.
    fn start<'a>(&'a self, settings: &'a Settings) -> Self::Request<'a>;
}

/// A request with every argument in place: how it goes on the wire and how
/// its answer is read.
pub trait Call {
    /// The action (or operation) being called, for errors and logs.
    fn action(&self) -> &'static str;

    /// Whether sending it twice does what sending it once does, so it may
    /// be retried after any failure that may pass.
    fn idempotent(&self) -> bool;

    /// The HTTP request, without the headers every call carries, and its
    /// method's name for logs.
    fn http(&self, settings: &Settings) -> Result<(reqwest::RequestBuilder, &'static str), Error>;

    /// What to blank out of any text taken from this exchange.
    fn scrubber(&self) -> Scrubber<'_>;

    /// Reads the answer.
    fn decode<R: DeserializeOwned>(&self, scrubber: &Scrubber<'_>, answer: &Answer<'_>) -> Result<R, Error>;
}

/// An answer, read whole (within the client's size limit).
#[derive(Debug, Clone, Copy)]
pub struct Answer<'b> {
    /// Its HTTP status.
    pub status: StatusCode,
    /// Its `Retry-After`, as a wait from now.
    pub retry_after: Option<Duration>,
    /// Whether the client retries its status (see
    /// [`RetryPolicy`](crate::RetryPolicy)): a refusal with it is an error
    /// that may pass.
    pub retryable: bool,
    /// Its body.
    pub body: &'b [u8],
}

/// Decodes an answer. A successful one is read in one pass, straight into
/// `R` (`fast`, which gives `Some` only when `careful` would decode the same
/// value from it); anything else (a refusal, an answer that is not the
/// envelope, a member of the wrong type) is read again step by step
/// (`careful`), which finds what is wrong and where. Both protocols decode
/// this way.
fn decode_answer<R>(
    answer: &Answer<'_>,
    fast: impl FnOnce(&[u8]) -> Option<R>,
    careful: impl FnOnce() -> Result<R, Error>,
) -> Result<R, Error> {
    if answer.status.is_success()
        && let Some(value) = fast(answer.body)
    {
        return Ok(value);
    }
    careful()
}

/// Why an answer that is not the JSON envelope could not be read: an HTML
/// page, JSON cut short or not JSON at all is [`Error::Malformed`] (a proxy's
/// answer, worth trying again); JSON of another shape is [`Error::Decode`].
fn unreadable(
    action: &'static str,
    scrubber: &Scrubber<'_>,
    answer: &Answer<'_>,
    error: &serde_json::Error,
    path: &str,
) -> Error {
    let kind = match error.classify() {
        Category::Data => return decode_error(action, scrubber, answer, path, &error.to_string()),
        Category::Eof => MalformedKind::Truncated,
        Category::Syntax | Category::Io if looks_like_html(answer.body) => MalformedKind::Html,
        Category::Syntax | Category::Io => MalformedKind::NotJson,
    };
    Error::Malformed { action, status: answer.status, kind, excerpt: scrubber.excerpt(answer.body) }
}

/// [`Error::Decode`]: the answer is JSON, but not of the shape expected at
/// `path`.
fn decode_error(
    action: &'static str,
    scrubber: &Scrubber<'_>,
    answer: &Answer<'_>,
    path: &str,
    message: &str,
) -> Error {
    Error::Decode {
        action,
        status: answer.status,
        path: scrubber.scrub(path),
        message: scrubber.scrub(message),
        excerpt: scrubber.excerpt(answer.body),
    }
}

/// What serde says is wrong with a member decoded on its own, without the
/// line and column, which count from the member's start, not the body's.
fn member_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) if error.line() > 0 => message.to_owned(),
        _ => text,
    }
}

/// Whether `body` starts like markup: an HTML error page.
fn looks_like_html(body: &[u8]) -> bool {
    body.trim_ascii_start().starts_with(b"<")
}
/// The path of a decoding error inside the envelope's member `member`
/// (serde_path_to_error writes the root as `.`).
fn member_path(member: &str, path: &serde_path_to_error::Path) -> String {
    match path.to_string().as_str() {
        "." => member.to_owned(),
        inner => format!("{member}.{inner}"),
    }
}

/// Name and text pairs, in the order they are sent: an action's fields, a
/// REST call's query.
pub(crate) type Pairs<'a> = Vec<(&'static str, Cow<'a, str>)>;

/// What every protocol does with a call's arguments: turn each into its
/// text or JSON value, or refuse it with [`Error::InvalidInput`], and
/// remember the secrets among them (and among the credentials) so no text
/// taken from the exchange shows them.
pub(crate) struct Arguments<'a> {
    action: &'static str,
    secrets: Vec<&'a str>,
}

impl<'a> Arguments<'a> {
    pub(crate) fn new(action: &'static str, settings: &'a Settings) -> Arguments<'a> {
        let credentials = &settings.credentials;
        Arguments { action, secrets: credentials.iter().filter(|c| c.is_secret()).map(|c| c.text()).collect() }
    }

    /// The argument's text.
    pub(crate) fn text<T: ToParam + ?Sized>(
        &mut self,
        name: &'static str,
        value: &'a T,
    ) -> Result<Cow<'a, str>, Error> {
        let text = value.to_param().map_err(|reason| self.invalid(name, reason))?;
        if T::SECRET
            && let Cow::Borrowed(secret) = text
        {
            self.secrets.push(secret);
        }
        Ok(text)
    }

    /// Adds the argument to `pairs` as its text.
    pub(crate) fn push<T: ToParam + ?Sized>(
        &mut self,
        pairs: &mut Pairs<'a>,
        name: &'static str,
        value: &'a T,
    ) -> Result<(), Error> {
        let text = self.text(name, value)?;
        pairs.push((name, text));
        Ok(())
    }

    /// Adds a list argument to `pairs` as one text.
    pub(crate) fn push_list<T: ToParam>(
        &mut self,
        pairs: &mut Pairs<'a>,
        name: &'static str,
        values: &'a [T],
        encoding: ListEncoding,
    ) -> Result<(), Error> {
        let text = self.list(name, values, encoding)?;
        pairs.push((name, text));
        Ok(())
    }

    /// The argument as a JSON value.
    pub(crate) fn json<T: ToParam + ?Sized>(
        &mut self,
        name: &'static str,
        value: &'a T,
    ) -> Result<serde_json::Value, Error> {
        let json = value.to_json().map_err(|reason| self.invalid(name, reason))?;
        if T::SECRET {
            self.text(name, value)?;
        }
        Ok(json)
    }

    /// A list argument written into one value.
    fn list<T: ToParam>(
        &self,
        name: &'static str,
        values: &[T],
        encoding: ListEncoding,
    ) -> Result<Cow<'a, str>, Error> {
        encoding.encode(values).map(Cow::Owned).map_err(|reason| self.invalid(name, reason))
    }

    /// The argument `param` is refused.
    pub(crate) fn invalid(&self, param: &'static str, reason: &str) -> Error {
        Error::InvalidInput { action: Some(self.action), param, reason: reason.to_owned() }
    }

    /// A scrubber for the secrets seen and the endpoint's secret `keys`.
    pub(crate) fn scrubber<'s>(&'s self, keys: &'s [&'s str]) -> Scrubber<'s> {
        Scrubber { values: self.secrets.clone(), keys }
    }
}
