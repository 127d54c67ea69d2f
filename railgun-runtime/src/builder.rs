//! [`ApiBuilder`]: the settings of a client, checked when it is built.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;

use crate::error::error_chain;
use crate::gate::{Gate, RateLimit};
use crate::page::ListLimits;
use crate::retry::StatusSet;
use crate::session::{FromSession, Session};
use crate::settings::{Credential, HttpMethod, Settings};
use crate::{Error, RetryPolicy};

/// Settings of a client: made by the `builder` functions of a generated
/// client type, finished by [`ApiBuilder::build`].
///
/// ```no_run
/// # fn main() -> Result<(), railgun_runtime::Error> {
/// # mod api { railgun_runtime::generate_api!("tests/specs/partner.yaml"); }
/// use std::time::Duration;
/// let api = api::PartnerApi::builder("e111dff66d1fddfda6a888c9992d4366")
///     .base_url("http://127.0.0.1:8080/api/v2/")
///     .method(railgun_runtime::HttpMethod::Get)
///     .timeout(Duration::from_secs(5))
///     .user_agent("my-hosting-panel/1.0")
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ApiBuilder<T> {
    base_url: String,
    credentials: Vec<Credential>,
    method: HttpMethod,
    timeout: Option<Duration>,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    retry_statuses: StatusSet,
    max_answer_size: usize,
    max_list_items: usize,
    max_list_pages: u64,
    max_list_time: Duration,
    rate_limit: Option<RateLimit>,
    client: PhantomData<fn() -> T>,
}

/// Default timeout of a whole call, from connecting to the end of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest answer a client reads unless
/// [`ApiBuilder::max_answer_size`] says otherwise: 8 MiB, some twenty times
/// what a listing of a thousand large objects takes.
pub const DEFAULT_MAX_ANSWER_SIZE: usize = 8 * 1024 * 1024;

/// The most items a paginated list's stream yields unless
/// [`ApiBuilder::max_list_items`] says otherwise: a million, far more than
/// any account holds, and a bound on what a service that never stops
/// saying "more pages follow" can make a client collect.
pub const DEFAULT_MAX_LIST_ITEMS: usize = 1_000_000;

/// The most pages a paginated list's stream asks for unless
/// [`ApiBuilder::max_list_pages`] says otherwise: a thousand, 50,000
/// Railguns or connections at the v4 API's largest page, and a bound on the
/// requests a list of one item per page can draw.
pub const DEFAULT_MAX_LIST_PAGES: u64 = 1_000;

/// The longest a paginated list's stream may take, from asking for its
/// first page, unless [`ApiBuilder::max_list_time`] says otherwise: ten
/// minutes.
pub const DEFAULT_MAX_LIST_TIME: Duration = Duration::from_secs(600);

/// The `User-Agent` sent unless [`ApiBuilder::user_agent`] says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("railgun-runtime/", env!("CARGO_PKG_VERSION"));

/// Used by the generated `builder` functions: the spec's base URL, the
/// credentials, and the HTTP statuses the API retries (its spec's
/// `retry_statuses`).
pub fn new_builder<T>(base_url: &str, credentials: Vec<Credential>, retry_statuses: &[u16]) -> ApiBuilder<T> {
    ApiBuilder {
        retry_statuses: StatusSet::of(retry_statuses),
        base_url: base_url.to_owned(),
        credentials,
        method: HttpMethod::default(),
        timeout: Some(DEFAULT_TIMEOUT),
        user_agent: DEFAULT_USER_AGENT.to_owned(),
        http: None,
        retry: RetryPolicy::default(),
        max_answer_size: DEFAULT_MAX_ANSWER_SIZE,
        max_list_items: DEFAULT_MAX_LIST_ITEMS,
        max_list_pages: DEFAULT_MAX_LIST_PAGES,
        max_list_time: DEFAULT_MAX_LIST_TIME,
        rate_limit: None,
        client: PhantomData,
    }
}

impl<T> ApiBuilder<T> {
    /// Where calls are sent; the action name or the operation's path is
    /// appended. A missing trailing `/` is added.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// GET or POST for `action_form` clients; POST by default.
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }

    /// Longest time a call may take, from connecting to the end of the
    /// answer; [`DEFAULT_TIMEOUT`] unless set.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Lets calls take as long as they take (or as long as a caller-supplied
    /// [`reqwest::Client`] allows).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The `User-Agent` header; [`DEFAULT_USER_AGENT`] unless set.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// When failed calls are sent again; [`RetryPolicy::default`] unless set,
    /// [`RetryPolicy::never`] to turn retries off. Calls that are not safe to
    /// repeat are sent again only when the failed attempt certainly had no
    /// effect, whatever the policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The longest answer read, in bytes; [`DEFAULT_MAX_ANSWER_SIZE`]
    /// unless set. A longer one ends the call with [`Error::TooLarge`] as
    /// soon as its length is known, without reading the rest.
    pub fn max_answer_size(mut self, bytes: usize) -> Self {
        self.max_answer_size = bytes;
        self
    }

    /// The most items a paginated list's stream (`<action>_stream`) yields;
    /// [`DEFAULT_MAX_LIST_ITEMS`] unless set. A stream whose pages go on
    /// past it ends with [`Error::ListTooLong`] after its `items`-th item,
    /// without asking for another page.
    pub fn max_list_items(mut self, items: usize) -> Self {
        self.max_list_items = items;
        self
    }

    /// The most pages a paginated list's stream asks for;
    /// [`DEFAULT_MAX_LIST_PAGES`] unless set. A stream whose pages go on
    /// past it ends with [`Error::ListStopped`] without asking for another.
    pub fn max_list_pages(mut self, pages: u64) -> Self {
        self.max_list_pages = pages;
        self
    }

    /// The longest a paginated list's stream may take, from asking for its
    /// first page; [`DEFAULT_MAX_LIST_TIME`] unless set. A walk still under
    /// way then ends with [`Error::ListStopped`].
    pub fn max_list_time(mut self, time: Duration) -> Self {
        self.max_list_time = time;
        self
    }

    /// Sends at most `per_second` calls a second on average, and at most
    /// `burst` at once after a quiet time; no limit unless set. The limit
    /// is shared by the clones of the client, as are the pauses that 429
    /// answers ask for (those apply with or without a limit: every call of
    /// the client waits for the answer's `Retry-After`, capped by the
    /// [`RetryPolicy`]'s time limit). The generated clients' `pauses`
    /// method counts them ([`Pauses`](crate::Pauses)).
    pub fn rate_limit(mut self, per_second: u32, burst: u32) -> Self {
        self.rate_limit = Some(RateLimit { per_second, burst });
        self
    }

    /// Sends through this client (and its pool of sockets, proxy and TLS
    /// settings) instead of a new one. Start from [`crate::http_client_builder`]
    /// to keep this crate's TLS choice (with the default `rustls-ring`
    /// feature, a bare `reqwest::Client::new()` has no crypto provider) and
    /// its refusal to follow redirects or send a `Referer`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }
}

impl<T: FromSession> ApiBuilder<T> {
    /// Checks the settings and makes the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty credential or one that cannot
    /// be sent in a header, a base URL that is not an http(s) URL, a zero
    /// timeout, answer size or rate limit, or a user agent that is not a
    /// valid header value;
    /// [`Error::Build`] when the HTTP client cannot be made.
    pub fn build(self) -> Result<T, Error> {
        let invalid =
            |param: &'static str, reason: &str| Error::InvalidInput { action: None, param, reason: reason.to_owned() };
        let mut credential_headers = Vec::new();
        for credential in &self.credentials {
            if credential.text().trim().is_empty() {
                return Err(invalid(credential.name(), "must not be empty"));
            }
            credential_headers.extend(credential.to_header().map_err(|reason| invalid(credential.name(), reason))?);
        }
        let mut base_url = Url::parse(&self.base_url).map_err(|e| invalid("base_url", &e.to_string()))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(invalid("base_url", "must be an http or https URL"));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(invalid("base_url", "must not have a query or fragment"));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        if self.timeout == Some(Duration::ZERO) {
            return Err(invalid("timeout", "must be longer than zero"));
        }
        if self.max_answer_size == 0 {
            return Err(invalid("max_answer_size", "must be at least one byte"));
        }
        if self.max_list_items == 0 {
            return Err(invalid("max_list_items", "must be at least one item"));
        }
        if self.max_list_pages == 0 {
            return Err(invalid("max_list_pages", "must be at least one page"));
        }
        if self.max_list_time == Duration::ZERO {
            return Err(invalid("max_list_time", "must be longer than zero"));
        }
        if let Some(limit) = self.rate_limit {
            if limit.per_second == 0 {
                return Err(invalid("rate_limit", "must allow at least one call a second"));
            }
            if limit.burst == 0 {
                return Err(invalid("rate_limit", "must allow a burst of at least one call"));
            }
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| invalid("user_agent", "is not a valid header value"))?;
        let http = match self.http {
            Some(http) => http,
            None => crate::tls::http_client_builder()?.build().map_err(build_error)?,
        };
        Ok(T::from_session(Session::new(Settings {
            http,
            base_url,
            method: self.method,
            timeout: self.timeout,
            user_agent,
            credentials: self.credentials,
            credential_headers,
            retry: self.retry,
            retry_statuses: self.retry_statuses,
            max_answer_size: self.max_answer_size,
            list: ListLimits::new(self.max_list_items, self.max_list_pages, self.max_list_time),
            gate: Gate::new(self.rate_limit),
        })))
    }
}

/// [`Error::Build`] for an HTTP client that could not be built.
fn build_error(cause: reqwest::Error) -> Error {
    Error::Build { detail: error_chain(&cause), cause: Box::new(cause) }
}

impl<T> fmt::Debug for ApiBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("method", &self.method)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .field("retry_statuses", &self.retry_statuses)
            .field("max_answer_size", &self.max_answer_size)
            .field("max_list_items", &self.max_list_items)
            .field("max_list_pages", &self.max_list_pages)
            .field("max_list_time", &self.max_list_time)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages a reporter that walks `source()` prints, in order.
    fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
        std::iter::successors(Some(error), |e| e.source()).map(ToString::to_string).collect()
    }

    #[test]
    fn a_build_error_prints_each_cause_once() {
        // A real reqwest builder error: a TLS backend it does not know.
        let cause = reqwest::Client::builder().tls_backend_preconfigured(0u8).build().unwrap_err();
        let causes = chain(&cause);
        assert!(causes.len() > 1, "reqwest's error has a cause of its own: {causes:?}");
        let err = build_error(cause);
        let printed = chain(&err);
        assert_eq!(printed, [format!("cannot build the HTTP client: {}", causes.join(": "))]);
        for cause in &causes {
            assert_eq!(printed.concat().matches(cause.as_str()).count(), 1, "{cause:?} in {printed:?}");
        }
    }
}
