//! A local HTTP server that records every request and answers as told, for
//! tests that look at the wire.

#![allow(dead_code)] // each test binary uses a different part

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use railgun_api::{ClientApi, HttpMethod, PartnerApi, RetryPolicy};

/// The example credentials of the upstream pages.
pub const EMAIL: &str = "user@cloudflare.com";
pub const TKN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";
pub const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
pub const RTKN: &str = "7h8i9j0k1l2m3n4o5p6q7r8id9h0j1l";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// When it arrived, on tokio's clock (paused in some tests).
    pub at: tokio::time::Instant,
}

impl Seen {
    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub delay: Duration,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json",
            body: body.into(),
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    pub fn status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    pub fn content_type(mut self, content_type: &'static str) -> Reply {
        self.content_type = content_type;
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

type Responder = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
    responder: Responder,
}

pub struct TestServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// A server on 127.0.0.1 and a free port that always gives `reply`.
    pub async fn replying(reply: Reply) -> TestServer {
        Self::responding(move |_| reply.clone()).await
    }

    /// A server that answers each request with `responder(request)`.
    pub async fn responding(responder: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Shared { seen: Arc::default(), responder: Arc::new(responder) };
        let seen = shared.seen.clone();
        let app = axum::Router::new().fallback(record).with_state(shared);
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer { addr, seen, task }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/api/v2/railgun/", self.addr)
    }

    /// `http://ADDR/` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The one request the server got.
    pub fn only_request(&self) -> Seen {
        let seen = self.requests();
        assert_eq!(seen.len(), 1, "expected exactly one request, got {seen:#?}");
        seen.into_iter().next().unwrap()
    }

    /// A client that sends each call once, so a test sees one exchange
    /// (retries have tests of their own).
    pub fn client_api(&self, method: HttpMethod) -> ClientApi {
        let builder = ClientApi::builder(EMAIL, TKN).base_url(self.base_url()).method(method);
        builder.retry(RetryPolicy::never()).build().unwrap()
    }

    /// A client that sends each call once.
    pub fn partner_api(&self, method: HttpMethod) -> PartnerApi {
        let builder = PartnerApi::builder(HOST_KEY).base_url(self.base_url()).method(method);
        builder.retry(RetryPolicy::never()).build().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(shared): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let seen = Seen {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body: body.to_vec(),
        at: tokio::time::Instant::now(),
    };
    let reply = (shared.responder)(&seen);
    shared.seen.lock().unwrap().push(seen);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let status = StatusCode::from_u16(reply.status).unwrap();
    let mut response = (status, [(header::CONTENT_TYPE, reply.content_type)], reply.body).into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// A documented example response, from `tests/fixtures/responses`.
pub fn fixture(family: &str, action: &str) -> String {
    let path = format!("{}/tests/fixtures/responses/{family}/{action}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Everything tracing writes, once [`capture_logs`] installed it.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was written since the last call, taken out.
    pub fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
    }
}

/// Sends every event and span closing, at TRACE level and from every
/// crate, to the returned buffer: the process's global subscriber, so a
/// test binary calls this once.
pub fn capture_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    captured
}
