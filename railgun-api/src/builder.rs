//! [`ApiBuilder`]: the settings of a client, and [`HttpMethod`].

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;

use crate::Error;
use crate::session::{Credential, FromSession, Session, Settings};

/// How parameters are sent. Every action is documented for both, except
/// `ipr_set`, which is sent as POST whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HttpMethod {
    /// Parameters in an `application/x-www-form-urlencoded` body: credentials
    /// stay out of URLs, and so out of proxy and server logs. The default.
    #[default]
    Post,
    /// Parameters in the query string.
    Get,
}

/// Settings of a client: made by `ClientApi::builder` or `PartnerApi::builder`,
/// finished by [`ApiBuilder::build`].
///
/// ```no_run
/// # fn main() -> Result<(), railgun_api::Error> {
/// use std::time::Duration;
/// let api = railgun_api::PartnerApi::builder("e111dff66d1fddfda6a888c9992d4366")
///     .base_url("http://127.0.0.1:8080/api/v2/railgun/")
///     .method(railgun_api::HttpMethod::Get)
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
    client: PhantomData<fn() -> T>,
}

/// Default timeout of a whole call, from connecting to the end of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `User-Agent` sent unless [`ApiBuilder::user_agent`] says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("railgun-api/", env!("CARGO_PKG_VERSION"));

/// Used by the generated `builder` functions.
pub fn new_builder<T>(base_url: &str, credentials: Vec<Credential>) -> ApiBuilder<T> {
    ApiBuilder {
        base_url: base_url.to_owned(),
        credentials,
        method: HttpMethod::default(),
        timeout: Some(DEFAULT_TIMEOUT),
        user_agent: DEFAULT_USER_AGENT.to_owned(),
        http: None,
        client: PhantomData,
    }
}

impl<T: FromSession> ApiBuilder<T> {
    /// Where actions are sent; the action name is appended. A missing
    /// trailing `/` is added.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// GET or POST; POST by default.
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

    /// Sends through this client (and its connection pool, proxy and TLS
    /// settings) instead of a new one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and makes the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty credential, a base URL that is not
    /// an http(s) URL, a zero timeout or a user agent that is not a valid
    /// header value; [`Error::Build`] when the HTTP client cannot be made.
    pub fn build(self) -> Result<T, Error> {
        let invalid =
            |param: &'static str, reason: &str| Error::InvalidInput { action: None, param, reason: reason.to_owned() };
        for credential in &self.credentials {
            if credential.text().trim().is_empty() {
                return Err(invalid(credential.name, "must not be empty"));
            }
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
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| invalid("user_agent", "is not a valid header value"))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|source| Error::Build { detail: source.to_string(), source })?,
        };
        Ok(T::from_session(Session::new(Settings {
            http,
            base_url,
            method: self.method,
            timeout: self.timeout,
            user_agent,
            credentials: self.credentials,
        })))
    }
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
            .finish()
    }
}
