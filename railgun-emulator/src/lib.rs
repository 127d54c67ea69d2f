//! A local emulator of Cloudflare Railgun's v2 HTTP API.
//!
//! The service is retired; this serves `/api/v2/railgun/<action>` for the
//! Client API and the Optimized Partner API, over GET (query string) and
//! POST (form body), with the documented answer shapes: ids as strings,
//! flags as `"1"`/`"0"` and `"t"`/`"f"`, Postgres-style timestamps, the
//! documented `act` values, and `railgun_conn.obj: null` for a zone without
//! a connection. Which actions exist, their methods, their required
//! parameters and the bounds of their IP ranges come from the spec the
//! client is generated from (`railgun_api::SPEC`).
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

mod api;
mod faults;
mod spec;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxumState};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub use api::{Accounts, User};
pub use faults::{Fault, Faults};
pub use state::{ApiError, Owner, Snapshot};

/// The emulator's accounts, faults and seed.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Client API accounts.
    pub users: Vec<UserConfig>,
    /// Optimized Partner API host keys.
    pub host_keys: Vec<String>,
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

/// A Client API account in a [`Config`].
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Account email.
    pub email: String,
    /// API token.
    pub tkn: String,
}

/// Tokens and host keys are secrets: `Debug` counts them, never shows them.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("users", &self.users)
            .field("host_keys", &format_args!("[{} redacted]", self.host_keys.len()))
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .field("listen", &self.listen)
            .field("limits", &self.limits)
            .finish()
    }
}

impl std::fmt::Debug for UserConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserConfig").field("email", &self.email).field("tkn", &format_args!("** redacted **")).finish()
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

    /// Reads a YAML config: `users: [{email, tkn}]`, `host_keys: [...]`,
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
        self.users.push(UserConfig { email: email.into(), tkn: tkn.into() });
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
    spec: spec::SpecTable,
    accounts: Accounts,
    state: state::State,
    faults: Faults,
    dice: faults::Dice,
    /// Requests received per action and the fault each drew.
    hits: std::sync::Mutex<std::collections::HashMap<(String, Option<Fault>), u64>>,
    /// Requests answered `result: error`, per action and `err_code`.
    refusals: std::sync::Mutex<std::collections::HashMap<(String, String), u64>>,
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
    /// Invalid fault shares, a Railgun spec this crate cannot read, or an
    /// address that cannot be bound.
    pub async fn start(config: Config, addr: &str) -> std::io::Result<Emulator> {
        config.faults.validate().map_err(std::io::Error::other)?;
        let app = Arc::new(App {
            spec: spec::SpecTable::load().map_err(std::io::Error::other)?,
            accounts: Accounts {
                users: config.users.into_iter().map(|u| User { email: u.email, tkn: u.tkn }).collect(),
                host_keys: config.host_keys,
            },
            state: state::State::new(config.seed),
            faults: config.faults,
            dice: faults::Dice::new(config.seed ^ 0xFA17),
            hits: Default::default(),
            refusals: Default::default(),
        });
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

    /// The base URL clients use: `http://ADDR/api/v2/railgun/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v2/railgun/", self.addr)
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

    /// How many requests for `action` were answered `result: error` with
    /// `err_code` (whether or not the answer was then lost to a fault): what
    /// a test counts to see that a call was never sent when it could only
    /// fail, such as a second `conn_delete`.
    pub fn refused(&self, action: &str, err_code: &str) -> u64 {
        let refusals = self.app.refusals.lock().unwrap_or_else(|e| e.into_inner());
        refusals.get(&(action.to_owned(), err_code.to_owned())).copied().unwrap_or(0)
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
        .route("/host-gw.html", axum::routing::any(host_gateway))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found: the API lives under /api/v2/railgun/<action>\n") })
        .with_state(app)
}

async fn railgun(
    AxumState(app): AxumState<Arc<App>>,
    method: Method,
    Path(action): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    if app.faults.latency_ms > 0 {
        tokio::time::sleep(app.faults.latency()).await;
    }
    let fault = app.faults.draw(&app.dice);
    *app.hits.lock().unwrap_or_else(|e| e.into_inner()).entry((action.clone(), fault)).or_default() += 1;
    if let Some(fault) = fault.filter(|f| !f.applies()) {
        return faults::render(fault, &format!("railgun_{action}"), app.faults.retry_after_s);
    }
    let get = match method {
        Method::GET => true,
        Method::POST => false,
        _ => {
            return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, POST")], "").into_response();
        }
    };
    let params = request_params(get, query.as_deref(), &body);
    let reply = api::handle(&app.spec, &app.accounts, &app.state, &action, get, &params);
    if let Some(code) = reply.err_code() {
        let mut refusals = app.refusals.lock().unwrap_or_else(|e| e.into_inner());
        *refusals.entry((action.clone(), code.to_owned())).or_default() += 1;
    }
    let json = [(header::CONTENT_TYPE, "application/json")];
    match (fault, reply) {
        (Some(fault), reply) => faults::lose(fault, &reply.text()),
        (None, api::Reply::Envelope(envelope)) => (json, envelope.to_string()).into_response(),
        // A long listing goes out in pieces as it is written: the answer
        // never sits whole in memory.
        (None, api::Reply::Listing { act, listing }) => {
            const PER_PIECE: usize = 256;
            let pieces = (0..listing.len().div_ceil(PER_PIECE).max(1)).map(move |i| {
                let piece = listing.piece(&act, i * PER_PIECE..(i + 1) * PER_PIECE);
                Ok::<_, std::convert::Infallible>(Bytes::from(piece))
            });
            (json, axum::body::Body::from_stream(futures_util::stream::iter(pieces))).into_response()
        }
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
    let params = request_params(method == Method::GET, query.as_deref(), &body);
    let envelope = api::user_lookup(&app.accounts, &app.state, &params);
    ([(header::CONTENT_TYPE, "application/json")], envelope.to_string()).into_response()
}

/// Query parameters, then for POST the form fields: the last value of a
/// name wins, so form fields override the query, as in PHP's `$_REQUEST`.
fn request_params(get: bool, query: Option<&str>, body: &[u8]) -> api::Params {
    let mut params: api::Params =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    if !get {
        params.extend(url::form_urlencoded::parse(body).into_owned());
    }
    params
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
        let config = Config::docs_examples().host_key("second-host-key-0123");
        let shown = format!("{config:?} {config:#?}");
        for secret in ["a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp", "e111dff66d1fddfda6a888c9992d4366", "second-host-key-0123"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("user@cloudflare.com") && shown.contains("[2 redacted]"), "{shown}");
        let accounts = Accounts {
            users: vec![User { email: "me@x.com".into(), tkn: "t0k3n-secret".into() }],
            host_keys: vec!["hk-secret".into()],
        };
        assert!(!format!("{accounts:?}").contains("secret"), "{accounts:?}");
    }
}
