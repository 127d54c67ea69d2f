//! What the speed benchmarks share: the emulator in a process of its own,
//! so that the CPU time this process spends is the client's alone, and the
//! process's CPU clock.
//!
//! A benchmark calls [`serve_if_asked`] first thing in `main`; [`Server`]
//! starts the benchmark's own executable again in that role.

#![allow(dead_code)] // Each benchmark uses its own part of this module.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use railgun_emulator::{Config, Emulator};

/// The Optimized Partner API key the emulator accepts.
pub const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";

/// Set in the environment of the process that serves as the emulator.
const ROLE: &str = "RAILGUN_BENCH_ROLE";

/// In the process started by [`Server::start`]: serves the emulator until
/// stdin closes (the benchmark exits or drops its [`Server`]), then exits.
/// Elsewhere, returns at once.
pub fn serve_if_asked() {
    if std::env::var_os(ROLE).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async {
        let emulator = Emulator::start(Config::new().host_key(HOST_KEY), "127.0.0.1:0").await.expect("the emulator");
        println!("{}", emulator.base_url());
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
    });
    std::process::exit(0);
}

/// The emulator, served by another process.
pub struct Server {
    child: Child,
    /// Its base URL: `http://127.0.0.1:PORT/api/v2/railgun/`.
    pub base_url: String,
}

impl Server {
    /// Starts this executable again as the emulator and waits for its
    /// address.
    pub fn start() -> Server {
        let exe = std::env::current_exe().expect("the benchmark's own path");
        let mut child = Command::new(exe)
            .env(ROLE, "emulator")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout")).read_line(&mut line).expect("its address");
        assert!(line.starts_with("http://"), "the emulator process printed {line:?}");
        Server { child, base_url: line.trim().to_owned() }
    }

    /// Activates the Railgun with token `rtkn`, as its daemon would, by the
    /// emulator-only action `activate`.
    pub async fn activate(&self, rtkn: &str) {
        let answer = railgun_api::http_client_builder()
            .unwrap()
            .build()
            .unwrap()
            .post(format!("{}activate", self.base_url))
            .form(&[("rtkn", rtkn)])
            .send()
            .await
            .expect("activate is answered");
        let body = answer.text().await.expect("activate's answer");
        assert!(body.contains("\"success\""), "activate failed: {body}");
    }
}

impl Drop for Server {
    /// Closes the emulator's stdin, which ends it; kills it if it has not
    /// ended within 5 s.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An `http://` URL's `host:port` and path.
pub fn split_url(url: &str) -> (&str, &str) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    rest.split_at(rest.find('/').expect("a path"))
}

/// An answer decoded as a hand-written client would: one
/// `serde_json::from_slice` into an envelope struct, then its `result`.
pub fn decode_by_hand<R: serde::de::DeserializeOwned>(body: &[u8]) -> Result<R, String> {
    #[derive(serde::Deserialize)]
    struct Envelope<T> {
        result: String,
        msg: Option<String>,
        response: Option<T>,
    }
    let envelope: Envelope<R> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    match (envelope.result.as_str(), envelope.response) {
        ("success", Some(response)) => Ok(response),
        _ => Err(envelope.msg.unwrap_or_else(|| format!("result {}", envelope.result))),
    }
}

/// The leaner HTTP path: hyper's HTTP/1 client without reqwest, for
/// plain `http://` only. One connection per request in flight, opened up
/// front and kept in a list; each request is a form POST with the headers
/// the generated client sends, under the same timeout, and its answer is
/// read whole.
pub struct Hyper {
    connections: Mutex<Vec<SendRequest<Full<Bytes>>>>,
    authority: String,
}

impl Hyper {
    /// `connections` connections to `authority` (`host:port`).
    pub async fn connect(authority: &str, connections: usize) -> Hyper {
        let mut list = Vec::new();
        for _ in 0..connections {
            let stream = tokio::net::TcpStream::connect(authority).await.expect("a connection");
            stream.set_nodelay(true).expect("TCP_NODELAY");
            let io = hyper_util::rt::TokioIo::new(stream);
            let (sender, connection) = hyper::client::conn::http1::handshake(io).await.expect("a handshake");
            tokio::spawn(connection);
            list.push(sender);
        }
        Hyper { connections: Mutex::new(list), authority: authority.to_owned() }
    }

    /// POSTs `form` to `path` and returns the answer's body, or its status
    /// when it is not a success.
    pub async fn post(&self, path: &str, form: String) -> Result<Bytes, String> {
        let mut sender = self.connections.lock().unwrap().pop().ok_or("more requests than connections")?;
        let request = http::Request::post(path)
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, railgun_api::DEFAULT_USER_AGENT)
            .header(http::header::HOST, &self.authority)
            .body(Full::new(Bytes::from(form)))
            .map_err(|e| e.to_string())?;
        let body = tokio::time::timeout(railgun_api::DEFAULT_TIMEOUT, async {
            // A connection is ready again once its task has taken in the
            // previous answer's end; sending before that cancels the request.
            sender.ready().await.map_err(|e| e.to_string())?;
            let answer = sender.send_request(request).await.map_err(|e| e.to_string())?;
            if !answer.status().is_success() {
                return Err(format!("HTTP {}", answer.status()));
            }
            Ok(answer.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes())
        })
        .await
        .map_err(|_| "timed out".to_owned())?;
        self.connections.lock().unwrap().push(sender);
        body
    }
}

/// CPU time this process has used so far, all its threads together.
pub fn cpu_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// The median and the middle half of some ratios.
pub struct Spread {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

impl Spread {
    pub fn of(mut ratios: Vec<f64>) -> Spread {
        assert!(!ratios.is_empty(), "no ratios");
        ratios.sort_by(f64::total_cmp);
        let at = |share: f64| ratios[((ratios.len() - 1) as f64 * share).round() as usize];
        Spread { median: at(0.5), low: at(0.25), high: at(0.75) }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3} (middle half of rounds {:.3}..{:.3})", self.median, self.low, self.high)
    }
}
