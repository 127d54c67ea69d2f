//! A local emulator of Cloudflare Railgun's v2 and v4 HTTP APIs.
//!
//! The service is retired; this serves `/api/v2/railgun/<action>` for the
//! Client API and the Optimized Partner API, over GET (query string) and
//! POST (form body), with the documented answer shapes: ids as strings,
//! flags as `"1"`/`"0"` and `"t"`/`"f"`, Postgres-style timestamps, the
//! documented `act` values, and `railgun_conn.obj: null` for a zone without
//! a connection. Which actions exist, their methods, their required
//! parameters and the bounds of their IP ranges come from the spec the
//! client is generated from (`spec/railgun.yaml`).
//!
//! It also serves the v4 REST API under `/client/v4/` (routes, methods and
//! parameters from `spec/railgun-v4.yaml`) over the same Railguns: a
//! Railgun made by v2 `init` is listed by v4, and one made by v4 takes v2
//! calls. Where the two models differ:
//!
//! - a Railgun's v4 `id` is its v2 `railgun_tag`; its `activation_key` is
//!   its `rtkn`; `enabled` is `railgun_mode`; `status` is `initializing`
//!   for `INI` and `active` for `V`;
//! - v4 callers are Client API users: `X-Auth-Email` with the user's `tkn`
//!   as `X-Auth-Key`, or a bearer token ([`UserConfig::api_token`]); the
//!   user's account and organization id is [`account_id`] of its email.
//!   Host keys have no v4 counterpart, and partners' Railguns are not seen
//!   by v4 callers;
//! - v4 names zones by id: [`zone_id`] of the name. The v4 API knows a zone
//!   once it is configured ([`Config::zones`]) or linked to a Railgun by a
//!   v2 call;
//! - a connection's v4 id is [`connection_id`] of its v2 `railgun_conn_id`.
//!
//! A v4 refusal is the description's failure envelope with one error. The
//! description fixes only its shape (codes from 1000), so the codes are the
//! emulator's: 9106 (400) missing credentials, 6111 (400) an
//! `Authorization` header that is not a bearer token, 9103 (403) unknown
//! email or key, 10000 (403) unknown token, 9109 (403) another account's or
//! organization's id, 7000 (404) no such route, 7001 (405) a method the
//! route lacks, 6007 (400) a body that is not a JSON object, 1002 (400) a
//! missing or invalid parameter, 1001 (404) an unknown Railgun, zone or
//! connection (another user's is unknown too), 1003 (409) a zone connected
//! elsewhere, 1004 (400) a Railgun not yet activated.
//!
//! State lives in memory. The daemon's activation, which the real service
//! received from the Railgun daemon, is the emulator-only action `activate`
//! (form or query parameter `rtkn`) or [`Emulator::activate`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let config = railgun_emulator::Config::new().host_key("e111dff66d1fddfda6a888c9992d4366");
//! let emulator = railgun_emulator::Emulator::start(config, "127.0.0.1:0").await?;
//! println!("try {}host_get_all?host_key=e111dff66d1fddfda6a888c9992d4366", emulator.base_url());
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod dispatch;
mod faults;
mod received;
mod state;
mod v2;
mod v4;

/// The typed dispatch `cargo xtask codegen` writes from the specs, shown
/// as [`requests`].
// Written as `cargo xtask codegen` lays it out, which the freshness test
// compares byte for byte: not rustfmt's.
#[rustfmt::skip]
mod generated {
    /// From `spec/railgun.yaml`.
    pub mod railgun;
    /// From `spec/railgun-emulator.yaml`.
    pub mod railgun_emulator;
    /// From `spec/railgun-v4.yaml`.
    pub mod railgun_v4;
}

/// The typed requests the emulator reads, generated from the specs (by
/// `cargo xtask codegen`, into `src/generated/`): per API a `Request`
/// with one variant per endpoint, its arguments checked as the spec says.
/// The emulator matches on them exhaustively, so an endpoint added to a
/// spec does not build until the emulator answers it.
pub mod requests {
    /// The Railgun v2 API (`spec/railgun.yaml`).
    pub use crate::generated::railgun as v2;
    /// The emulator's own actions (`spec/railgun-emulator.yaml`).
    pub use crate::generated::railgun_emulator as emulator;
    /// The Railgun v4 API (`spec/railgun-v4.yaml`).
    pub use crate::generated::railgun_v4 as v4;
}

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxumState};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub use faults::{Fault, Faults};
pub use received::Received;
pub use state::{ApiError, Owner, Snapshot, account_id, connection_id, zone_id};
pub use v2::{Accounts, User};

/// The emulator's accounts, faults and seed.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Client API accounts.
    pub users: Vec<UserConfig>,
    /// Optimized Partner API host keys.
    pub host_keys: Vec<String>,
    /// Zones the v4 API knows from the start (see [`Config::zones`]).
    pub zones: Vec<String>,
    /// Injected faults; none by default.
    pub faults: Faults,
    /// Seed of generated tokens and names, and of fault draws.
    pub seed: u64,
    /// Address to listen on (used by the binary).
    pub listen: Option<String>,
    /// How long a client may take to send a request's head, and how many
    /// connections are served at once.
    pub limits: Limits,
}

/// What the emulator allows misbehaving clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// A connection whose request head (or next request head) does not
    /// arrive whole within this many milliseconds is closed (30 s by
    /// default).
    pub header_timeout_ms: u64,
    /// Connections served at once (512 by default); one more is answered
    /// `503` with `Retry-After: 1` and a message saying why, and closed.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { header_timeout_ms: 30_000, max_connections: 512 }
    }
}

/// A Client API account in a [`Config`]; also a v4 user.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Account email.
    pub email: String,
    /// API token: v2 `tkn`, and the v4 `X-Auth-Key`.
    pub tkn: String,
    /// A v4 API token (`Authorization: Bearer`), if any.
    #[serde(default)]
    pub api_token: Option<String>,
}

/// Tokens and host keys are secrets: `Debug` counts them, never shows them.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("users", &self.users)
            .field("host_keys", &format_args!("[{} redacted]", self.host_keys.len()))
            .field("zones", &self.zones)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("listen", &self.listen)
            .field("limits", &self.limits)
            .finish()
    }
}

impl std::fmt::Debug for UserConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserConfig")
            .field("email", &self.email)
            .field("tkn", &format_args!("** redacted **"))
            .field("api_token", &self.api_token.as_ref().map(|_| format_args!("** redacted **")))
            .finish()
    }
}

impl Config {
    /// No accounts, no faults.
    pub fn new() -> Config {
        Config::default()
    }

    /// The example credentials of the upstream pages: user
    /// `user@cloudflare.com` with token `a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp`,
    /// and host key `e111dff66d1fddfda6a888c9992d4366`.
    pub fn docs_examples() -> Config {
        Config::new()
            .user("user@cloudflare.com", "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp")
            .host_key("e111dff66d1fddfda6a888c9992d4366")
    }

    /// Reads a YAML config: `users: [{email, tkn, api_token}]` (`api_token`
    /// optional), `host_keys: [...]`, `zones: [...]`,
    /// `faults: {latency_ms, dropped, server_error, html_page, truncated,
    /// rate_limited, applied_dropped, applied_truncated, retry_after_s}`,
    /// `seed`, `listen`, `limits: {header_timeout_ms, max_connections}`.
    pub fn from_yaml(text: &str) -> Result<Config, String> {
        let config: Config = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        config.faults.validate()?;
        Ok(config)
    }

    /// Adds a Client API account.
    pub fn user(mut self, email: impl Into<String>, tkn: impl Into<String>) -> Config {
        self.users.push(UserConfig { email: email.into(), tkn: tkn.into(), api_token: None });
        self
    }

    /// Adds a Client API account that also has a v4 API token.
    pub fn user_with_api_token(
        mut self,
        email: impl Into<String>,
        tkn: impl Into<String>,
        api_token: impl Into<String>,
    ) -> Config {
        self.users.push(UserConfig { email: email.into(), tkn: tkn.into(), api_token: Some(api_token.into()) });
        self
    }

    /// Makes zones known to the v4 API, which names zones by id: a zone is
    /// otherwise known once a v2 call links a Railgun to it.
    pub fn zones<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Config {
        self.zones.extend(names.into_iter().map(Into::into));
        self
    }

    /// Adds an Optimized Partner API host key.
    pub fn host_key(mut self, key: impl Into<String>) -> Config {
        self.host_keys.push(key.into());
        self
    }

    /// Sets the injected faults.
    pub fn faults(mut self, faults: Faults) -> Config {
        self.faults = faults;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Config {
        self.seed = seed;
        self
    }

    /// Sets the limits on misbehaving clients.
    pub fn limits(mut self, limits: Limits) -> Config {
        self.limits = limits;
        self
    }
}

struct App {
    accounts: Accounts,
    state: state::State,
    faults: Faults,
    dice: faults::Dice,
    /// Requests received per action and the fault each drew.
    hits: std::sync::Mutex<std::collections::HashMap<(String, Option<Fault>), u64>>,
    /// Requests answered `result: error`, per action and `err_code`.
    refusals: std::sync::Mutex<std::collections::HashMap<(String, String), u64>>,
    /// The last requests read.
    received: received::Log,
}

impl App {
    /// Waits the configured latency, draws the request's fault and counts
    /// the request for `action`.
    async fn fault_for(&self, action: &str) -> Option<Fault> {
        if self.faults.latency_ms > 0 {
            tokio::time::sleep(self.faults.latency()).await;
        }
        let fault = self.faults.draw(&self.dice);
        *self.hits.lock().unwrap_or_else(|e| e.into_inner()).entry((action.to_owned(), fault)).or_default() += 1;
        fault
    }

    /// Counts a refusal of `action` with `code`, for [`Emulator::refused`].
    fn count_refusal(&self, action: &str, code: &str) {
        let mut refusals = self.refusals.lock().unwrap_or_else(|e| e.into_inner());
        *refusals.entry((action.to_owned(), code.to_owned())).or_default() += 1;
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    app: Arc<App>,
    task: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Binds `addr` (port 0 picks a free port) and serves until dropped.
    ///
    /// # Errors
    ///
    /// Invalid fault shares, a connection limit of 0, or an address that
    /// cannot be bound.
    pub async fn start(config: Config, addr: &str) -> std::io::Result<Emulator> {
        config.faults.validate().map_err(std::io::Error::other)?;
        let app = Arc::new(App {
            accounts: Accounts {
                users: config
                    .users
                    .into_iter()
                    .map(|u| User { email: u.email, tkn: u.tkn, api_token: u.api_token })
                    .collect(),
                host_keys: config.host_keys,
            },
            state: state::State::new(config.seed),
            faults: config.faults,
            dice: faults::Dice::new(config.seed ^ 0xFA17),
            hits: Default::default(),
            refusals: Default::default(),
            received: Default::default(),
        });
        app.state.register_zones(config.zones.iter().map(String::as_str));
        if config.limits.max_connections == 0 {
            return Err(std::io::Error::other("limits.max_connections must be at least 1"));
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let router = router(app.clone());
        let task = tokio::spawn(serve(listener, router, config.limits));
        Ok(Emulator { addr, app, task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL v2 clients use: `http://ADDR/api/v2/railgun/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v2/railgun/", self.addr)
    }

    /// The base URL v4 clients use: `http://ADDR/client/v4/`.
    pub fn base_url_v4(&self) -> String {
        format!("http://{}/client/v4/", self.addr)
    }

    /// Activates the Railgun with token `rtkn`, as its daemon would.
    pub fn activate(&self, rtkn: &str) -> Result<(), ApiError> {
        self.app.state.activate(rtkn).map(drop)
    }

    /// How many requests for `action` arrived, faulty ones included: what a
    /// test counts to see whether a call was sent again.
    pub fn hits(&self, action: &str) -> u64 {
        let hits = self.app.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.iter().filter(|((a, _), _)| a == action).map(|(_, n)| n).sum()
    }

    /// How many requests for `action` drew `fault` (`None`: no fault).
    pub fn hits_with(&self, action: &str, fault: Option<Fault>) -> u64 {
        let hits = self.app.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.get(&(action.to_owned(), fault)).copied().unwrap_or(0)
    }

    /// How many requests arrived, for every action, faulty ones included.
    pub fn total_hits(&self) -> u64 {
        let hits = self.app.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.values().sum()
    }

    /// How many requests, for every action, drew `fault` (`None`: no fault).
    pub fn total_hits_with(&self, fault: Option<Fault>) -> u64 {
        let hits = self.app.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.iter().filter(|((_, f), _)| *f == fault).map(|(_, n)| n).sum()
    }

    /// How many requests for `action` were answered `result: error` with
    /// `err_code` (whether or not the answer was then lost to a fault): what
    /// a test counts to see that a call was never sent when it could only
    /// fail, such as a second `conn_delete`.
    pub fn refused(&self, action: &str, err_code: &str) -> u64 {
        let refusals = self.app.refusals.lock().unwrap_or_else(|e| e.into_inner());
        refusals.get(&(action.to_owned(), err_code.to_owned())).copied().unwrap_or(0)
    }

    /// The last requests read (up to 4096), oldest first, whatever their
    /// answer: each typed as its spec says, for a test to check what a
    /// client sent. A request refused before it was read (unknown action,
    /// bad credentials, a missing or invalid argument) is not among them.
    pub fn requests(&self) -> Vec<Received> {
        self.app.received.all()
    }

    /// A copy of the state, for checks.
    pub fn snapshot(&self) -> Snapshot {
        self.app.state.snapshot()
    }

    /// Serves until the server fails (for the binary).
    pub async fn run(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections and serves each with hyper's HTTP/1: a request head
/// must arrive within the header timeout, a client that half-closes after
/// sending still gets its answer, and connections past the limit are told
/// so and closed.
async fn serve(listener: tokio::net::TcpListener, router: Router, limits: Limits) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let service = hyper_util::service::TowerToHyperService::new(router);
    let header_timeout = std::time::Duration::from_millis(limits.header_timeout_ms);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: wait for connections to close.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream, limits.max_connections));
            continue;
        };
        let service = service.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .half_close(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            // A connection's error (a client gone, a fault's cut) ends only it.
            let _ = connection.await;
        });
    }
}

/// Answers a connection past the limit with a 503 that says why, then
/// closes it once the client has stopped sending (or after a second).
async fn refuse(mut stream: tokio::net::TcpStream, max: usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = format!("too many connections: this emulator serves at most {max} at once; retry later\n");
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nretry-after: 1\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Closing with unread input would reset the connection before the
        // client reads the answer: drain it first.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/api/v2/railgun/{action}", axum::routing::any(railgun))
        .route("/client/v4/{*path}", axum::routing::any(rest))
        .route("/host-gw.html", axum::routing::any(host_gateway))
        .fallback(|| async {
            (StatusCode::NOT_FOUND, "not found: the API lives under /api/v2/railgun/<action> and /client/v4/\n")
        })
        .with_state(app)
}

async fn railgun(
    AxumState(app): AxumState<Arc<App>>,
    method: Method,
    Path(action): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let fault = app.fault_for(&action).await;
    if let Some(fault) = fault.filter(|f| !f.applies()) {
        let act = format!("railgun_{action}");
        return faults::render(fault, faults::Dialect::V2 { act: &act }, app.faults.retry_after_s);
    }
    let get = match method {
        Method::GET => true,
        Method::POST => false,
        _ => {
            return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, POST")], "").into_response();
        }
    };
    let fields = request_fields(get, query.as_deref(), &body);
    let reply = v2::handle(&app.accounts, &app.state, &app.received, &action, get, &fields);
    if let Some(code) = reply.err_code() {
        app.count_refusal(&action, code);
    }
    let json = [(header::CONTENT_TYPE, "application/json")];
    match (fault, reply) {
        (Some(fault), reply) => faults::lose(fault, &reply.text()),
        (None, v2::Reply::Envelope(envelope)) => (json, envelope.to_string()).into_response(),
        // A long listing goes out in pieces as it is written: the answer
        // never sits whole in memory.
        (None, v2::Reply::Listing(listing)) => {
            const PER_PIECE: usize = 256;
            let pieces = (0..listing.len().div_ceil(PER_PIECE).max(1)).map(move |i| {
                let piece = listing.piece(i * PER_PIECE..(i + 1) * PER_PIECE);
                Ok::<_, std::convert::Infallible>(Bytes::from(piece))
            });
            (json, axum::body::Body::from_stream(futures_util::stream::iter(pieces))).into_response()
        }
    }
}

/// The v4 API: `{success, errors, messages, result}` envelopes.
async fn rest(
    AxumState(app): AxumState<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = |status: StatusCode, text: String| (status, [(header::CONTENT_TYPE, "application/json")], text);
    // The path as sent: a parameter's `%2F` is not a `/`.
    let path = uri.path().strip_prefix("/client/v4/").unwrap_or_default();
    let route = match v4::route(&method, path) {
        Ok(route) => route,
        Err(refusal) => {
            let allow = refusal.allow.join(", ");
            let mut answer = json(refusal.status, refusal.envelope()).into_response();
            if let (false, Ok(allow)) = (allow.is_empty(), header::HeaderValue::from_str(&allow)) {
                answer.headers_mut().insert(header::ALLOW, allow);
            }
            return answer;
        }
    };
    let action = route.operation.name().to_owned();
    let fault = app.fault_for(&action).await;
    if let Some(fault) = fault.filter(|f| !f.applies()) {
        return faults::render(fault, faults::Dialect::V4, app.faults.retry_after_s);
    }
    let (status, text) = match v4::handle(&app.accounts, &app.state, &app.received, route, uri.query(), &headers, &body)
    {
        Ok(text) => (StatusCode::OK, text),
        Err(refusal) => {
            app.count_refusal(&action, &refusal.code.to_string());
            (refusal.status, refusal.envelope())
        }
    };
    match fault {
        Some(fault) => faults::lose(fault, &text),
        None => json(status, text).into_response(),
    }
}

/// The Host API's `user_lookup`, the first step of the docs' curl
/// walk-through; the rest of the Host API is not emulated.
async fn host_gateway(
    AxumState(app): AxumState<Arc<App>>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let fields = request_fields(method == Method::GET, query.as_deref(), &body);
    let envelope = v2::user_lookup(&app.accounts, &app.state, &fields);
    ([(header::CONTENT_TYPE, "application/json")], envelope.to_string()).into_response()
}

/// Query parameters, then for POST the form fields: the last value of a
/// name wins, so form fields override the query, as in PHP's `$_REQUEST`.
fn request_fields(get: bool, query: Option<&str>, body: &[u8]) -> dispatch::Fields {
    let mut fields: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    if !get {
        fields.extend(url::form_urlencoded::parse(body).into_owned());
    }
    dispatch::Fields::new(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files_are_read_and_checked() {
        let config = Config::from_yaml(
            "users:\n  - {email: me@example.com, tkn: t0k3n}\nhost_keys: [k1, k2]\nseed: 9\nlisten: 127.0.0.1:8080\n\
             faults: {latency_ms: 5, server_error: 0.1}\n",
        )
        .unwrap();
        assert_eq!((config.users[0].email.as_str(), config.users[0].tkn.as_str()), ("me@example.com", "t0k3n"));
        assert_eq!(config.host_keys, ["k1", "k2"]);
        assert_eq!((config.seed, config.listen.as_deref()), (9, Some("127.0.0.1:8080")));
        assert_eq!(config.faults, Faults { latency_ms: 5, server_error: 0.1, ..Faults::default() });

        let err = Config::from_yaml("host_key: [k1]\n").unwrap_err();
        assert!(err.starts_with("unknown field `host_key`, expected one of"), "{err}");
        let err = Config::from_yaml("faults: {dropped: 2}\n").unwrap_err();
        assert_eq!(err, "fault share dropped must be between 0 and 1, not 2");
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let config = Config::docs_examples().host_key("second-host-key-0123").user_with_api_token(
            "v4@example.com",
            "v4-key-0123",
            "v4-token-0123",
        );
        let shown = format!("{config:?} {config:#?}");
        for secret in [
            "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp",
            "e111dff66d1fddfda6a888c9992d4366",
            "second-host-key-0123",
            "v4-key-0123",
            "v4-token-0123",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("user@cloudflare.com") && shown.contains("[2 redacted]"), "{shown}");
        let accounts = Accounts {
            users: vec![User {
                email: "me@x.com".into(),
                tkn: "t0k3n-secret".into(),
                api_token: Some("api-token-secret".into()),
            }],
            host_keys: vec!["hk-secret".into()],
        };
        assert!(!format!("{accounts:?}").contains("secret"), "{accounts:?}");
    }
}
