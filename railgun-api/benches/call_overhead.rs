//! What a generated call costs against the call one would write by hand
//! with reqwest: the same request on the wire (checked byte for byte
//! first), the same reqwest client settings, the same answer decoded into
//! the same type. The hand-written call checks the status, reads the body
//! and decodes it with one `serde_json::from_slice`; the generated one also
//! checks the `act`, keeps the retry policy, the rate-limit gate, the size
//! limit, the tracing spans and the error details.
//!
//! The emulator runs in a process of its own, so the CPU time of this
//! process is the client's alone. Both clients run in alternating rounds
//! on one thread, once one call at a time and once with 64 in flight;
//! each round yields a ratio of CPU time per call, and the median of the
//! rounds is printed (on this shared machine only ratios mean anything).
//! Run with `cargo bench -p railgun-api --bench call_overhead`
//! (`ROUNDS=n` to change the number of rounds).

#[path = "support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use futures_util::StreamExt;
use railgun_api::types::{Mode, ZoneConnResponse};
use railgun_api::{DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, PartnerApi, http_client_builder};
use reqwest::header::{ACCEPT, USER_AGENT};
use serde::Deserialize;
use support::{HOST_KEY, Server, Spread, cpu_time};

const SEQUENTIAL: usize = 1_000;
const IN_FLIGHT: usize = 64;
const CONCURRENT: usize = 5_000;
const ZONES: usize = 16;

/// The envelope, as a hand-written client would declare it.
#[derive(Deserialize)]
struct Envelope<T> {
    result: String,
    msg: Option<String>,
    response: Option<T>,
}

/// The call written by hand with reqwest.
async fn by_hand(http: &reqwest::Client, url: &str, zone: &str) -> Result<ZoneConnResponse, String> {
    let answer = http
        .post(url)
        .form(&[("host_key", HOST_KEY), ("z", zone)])
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, DEFAULT_USER_AGENT)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = answer.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let body = answer.bytes().await.map_err(|e| e.to_string())?;
    let envelope: Envelope<ZoneConnResponse> = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    match (envelope.result.as_str(), envelope.response) {
        ("success", Some(response)) => Ok(response),
        _ => Err(envelope.msg.unwrap_or_default()),
    }
}

fn zone(i: usize) -> String {
    format!("zone{:02}.example.com", i % ZONES)
}

/// The two clients under test.
struct Clients {
    api: PartnerApi,
    http: reqwest::Client,
    url: String,
}

impl Clients {
    fn new(base_url: &str) -> Clients {
        let api = PartnerApi::builder(HOST_KEY).base_url(base_url).build().expect("the generated client");
        let http = http_client_builder().unwrap().timeout(DEFAULT_TIMEOUT).build().expect("a reqwest client");
        Clients { api, http, url: format!("{base_url}zone_conn_get_active") }
    }

    async fn generated(&self, i: usize) -> ZoneConnResponse {
        self.api.zone_conn_get_active(&zone(i)).await.expect("the generated call")
    }

    async fn by_hand(&self, i: usize) -> ZoneConnResponse {
        by_hand(&self.http, &self.url, &zone(i)).await.expect("the hand-written call")
    }

    /// CPU time per call of `calls` calls, `in_flight` at a time.
    async fn run(&self, generated: bool, calls: usize, in_flight: usize) -> Duration {
        let started = cpu_time();
        let active = futures_util::stream::iter(0..calls)
            .map(|i| async move {
                let answer = if generated { self.generated(i).await } else { self.by_hand(i).await };
                answer.connection.active.is_some()
            })
            .buffer_unordered(in_flight)
            .fold(0, |n, active| async move { n + usize::from(active) })
            .await;
        assert_eq!(active, calls, "every zone is connected");
        (cpu_time() - started) / calls as u32
    }
}

/// Sends one call from each client to a server of its own, which records
/// the bytes of each request and answers with a canned
/// `zone_conn_get_active` answer.
fn capture_requests(send: impl FnOnce(String)) -> Vec<Vec<u8>> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/api/v2/railgun/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || (0..2).map(|_| answer_one(&listener)).collect());
    send(base_url);
    server.join().unwrap()
}

/// Reads one request from the next connection and answers it.
fn answer_one(listener: &TcpListener) -> Vec<u8> {
    let (mut stream, _) = listener.accept().unwrap();
    let mut request = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "the client closed before sending a whole request");
        request.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&request);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let length = text[..head_end]
                .lines()
                .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length: ")?.parse().ok())
                .unwrap_or(0usize);
            if request.len() >= head_end + 4 + length {
                break;
            }
        }
    }
    let body = r#"{"result":"success","msg":null,"response":{"act":"railgun_zone_conn_get_active","railgun_conn":{"obj":{"railgun_conn_id":"1","railgun_id":"2","railgun_enabled":"1","railgun_conn_zone_id":"3","railgun_conn_zone_name":"zone00.example.com"}}}}"#;
    let answer =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
    stream.write_all(answer.as_bytes()).unwrap();
    request
}

fn main() {
    support::serve_if_asked();
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    // The same request on the wire, byte for byte.
    let requests = capture_requests(|base_url| {
        runtime.block_on(async {
            let clients = Clients::new(&base_url);
            clients.generated(0).await;
            clients.by_hand(0).await;
        });
    });
    let [generated, hand_written] = &requests[..] else { unreachable!() };
    if generated != hand_written {
        eprintln!(
            "generated:\n{}\nhand-written:\n{}",
            String::from_utf8_lossy(generated),
            String::from_utf8_lossy(hand_written)
        );
        panic!("the two clients do not send the same request");
    }

    let server = Server::start();
    runtime.block_on(async {
        let clients = Clients::new(&server.base_url);
        let rtkn = clients.api.init(None, None).await.unwrap().rtkn;
        server.activate(rtkn.expose_secret()).await;
        for i in 0..ZONES {
            clients.api.conn_set(&zone(i), &rtkn, Mode::Active).await.unwrap();
        }
        // Warm both connection pools and the emulator.
        for generated in [true, false] {
            clients.run(generated, CONCURRENT, IN_FLIGHT).await;
        }

        println!(
            "call overhead: zone_conn_get_active, generated call / the same call written by hand with reqwest \
             ({} bytes on the wire, the same for both), {rounds} paired rounds",
            generated.len()
        );
        for (label, calls, in_flight) in [("one at a time", SEQUENTIAL, 1), ("64 in flight ", CONCURRENT, IN_FLIGHT)] {
            let mut ratios = Vec::new();
            let (mut total_generated, mut total_by_hand) = (Duration::ZERO, Duration::ZERO);
            for round in 0..rounds {
                // Alternate which goes first, so neither always meets a warmer machine.
                let (a, b) = if round % 2 == 0 {
                    let a = clients.run(true, calls, in_flight).await;
                    (a, clients.run(false, calls, in_flight).await)
                } else {
                    let b = clients.run(false, calls, in_flight).await;
                    (clients.run(true, calls, in_flight).await, b)
                };
                total_generated += a;
                total_by_hand += b;
                ratios.push(a.as_secs_f64() / b.as_secs_f64());
            }
            let per_call = |total: Duration| total.as_secs_f64() * 1e6 / rounds as f64;
            println!(
                "  {label}: CPU per call {:.1} µs / {:.1} µs, ratio {}",
                per_call(total_generated),
                per_call(total_by_hand),
                Spread::of(ratios)
            );
        }
    });
}
