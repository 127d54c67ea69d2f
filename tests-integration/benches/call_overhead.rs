//! What a generated call costs against the call one would write by hand
//! with reqwest: the same request on the wire (checked byte for byte
//! first), the same reqwest client settings, the same answer decoded into
//! the same type. The hand-written call checks the status, reads the body
//! and decodes it with one `serde_json::from_slice`; the generated one also
//! checks the `act`, keeps the retry policy, the rate-limit gate, the size
//! limit, the tracing spans and the error details.
//!
//! A third client sends the same request through hyper without reqwest
//! (plain HTTP, one connection per request in flight): the leaner path,
//! which shows what reqwest itself costs.
//!
//! The emulator runs in a process of its own, so the CPU time of this
//! process is the client's alone. The clients run in turn, in an order
//! that changes from round to round, on one thread, once one call at a
//! time and once with 64 in flight; each round yields ratios of CPU time
//! per call, and the medians of the rounds are printed (on this shared
//! machine only ratios mean anything). Run with
//! `cargo bench -p tests-integration --bench call_overhead` (`ROUNDS=n` to change
//! the number of rounds).

#[path = "support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use futures_util::StreamExt;
use railgun_api::types::{Mode, ZoneConnResponse};
use railgun_api::{DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, PartnerApi, http_client_builder};
use reqwest::header::{ACCEPT, USER_AGENT};
use support::{HOST_KEY, Hyper, Server, Spread, cpu_time, decode_by_hand, split_url};

const SEQUENTIAL: usize = 1_000;
const IN_FLIGHT: usize = 64;
const CONCURRENT: usize = 5_000;
const ZONES: usize = 16;

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
    decode_by_hand(&body)
}

fn zone(i: usize) -> String {
    format!("zone{:02}.example.com", i % ZONES)
}

/// The clients under test.
#[derive(Clone, Copy, PartialEq)]
enum Client {
    Generated,
    Reqwest,
    Hyper,
}

struct Clients {
    api: PartnerApi,
    http: reqwest::Client,
    url: String,
    path: String,
    hyper: Hyper,
}

impl Clients {
    async fn new(base_url: &str) -> Clients {
        Clients::new_with(base_url, IN_FLIGHT).await
    }

    /// The clients, the hyper one with `connections` connections.
    async fn new_with(base_url: &str, connections: usize) -> Clients {
        let api = PartnerApi::builder(HOST_KEY).base_url(base_url).build().expect("the generated client");
        let http = http_client_builder().unwrap().timeout(DEFAULT_TIMEOUT).build().expect("a reqwest client");
        let url = format!("{base_url}zone_conn_get_active");
        let (authority, path) = split_url(&url);
        let hyper = Hyper::connect(authority, connections).await;
        Clients { api, http, path: path.to_owned(), url, hyper }
    }

    async fn call(&self, client: Client, i: usize) -> ZoneConnResponse {
        match client {
            Client::Generated => self.api.zone_conn_get_active(&zone(i)).await.expect("the generated call"),
            Client::Reqwest => by_hand(&self.http, &self.url, &zone(i)).await.expect("the hand-written call"),
            Client::Hyper => {
                let form = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("host_key", HOST_KEY)
                    .append_pair("z", &zone(i))
                    .finish();
                let body = self.hyper.post(&self.path, form).await.expect("the hyper call");
                decode_by_hand(&body).expect("a success")
            }
        }
    }

    /// CPU time per call of `calls` calls, `in_flight` at a time.
    async fn run(&self, client: Client, calls: usize, in_flight: usize) -> Duration {
        let started = cpu_time();
        let active = futures_util::stream::iter(0..calls)
            .map(|i| async move { self.call(client, i).await.connection.active.is_some() })
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
    let server = std::thread::spawn(move || (0..3).map(|_| answer_one(&listener)).collect());
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
            // The server reads one connection at a time: hyper's is opened last.
            let mut clients = Clients::new_with(&base_url, 0).await;
            clients.call(Client::Generated, 0).await;
            clients.call(Client::Reqwest, 0).await;
            clients.hyper = Hyper::connect(split_url(&clients.url).0, 1).await;
            clients.call(Client::Hyper, 0).await;
        });
    });
    let [generated, hand_written, hyper] = &requests[..] else { unreachable!() };
    if generated != hand_written || generated != hyper {
        for (name, request) in [("generated", generated), ("reqwest", hand_written), ("hyper", hyper)] {
            eprintln!("{name}:\n{}", String::from_utf8_lossy(request));
        }
        panic!("the clients do not send the same request");
    }

    let server = Server::start();
    runtime.block_on(async {
        let clients = Clients::new(&server.base_url).await;
        let rtkn = clients.api.init(None, None).await.unwrap().rtkn;
        server.activate(rtkn.expose_secret()).await;
        for i in 0..ZONES {
            clients.api.conn_set(&zone(i), &rtkn, Mode::Active).await.unwrap();
        }
        // Warm the connection pools and the emulator.
        for client in [Client::Generated, Client::Reqwest, Client::Hyper] {
            clients.run(client, CONCURRENT, IN_FLIGHT).await;
        }

        println!(
            "call overhead: zone_conn_get_active ({} bytes on the wire, the same for the three clients), \
             {rounds} rounds, CPU time per call",
            generated.len()
        );
        for (label, calls, in_flight) in [("one at a time", SEQUENTIAL, 1), ("64 in flight", CONCURRENT, IN_FLIGHT)] {
            let (mut to_reqwest, mut reqwest_to_hyper) = (Vec::new(), Vec::new());
            let mut totals = [Duration::ZERO; 3];
            let mut order = [Client::Generated, Client::Reqwest, Client::Hyper];
            for _ in 0..rounds {
                // A new order each round, so none always meets a warmer machine.
                order.rotate_left(1);
                let mut times = [Duration::ZERO; 3];
                for client in order {
                    times[client as usize] = clients.run(client, calls, in_flight).await;
                }
                for (total, time) in totals.iter_mut().zip(times) {
                    *total += time;
                }
                to_reqwest.push(times[0].as_secs_f64() / times[1].as_secs_f64());
                reqwest_to_hyper.push(times[1].as_secs_f64() / times[2].as_secs_f64());
            }
            let [generated, reqwest, hyper] = totals.map(|total| total.as_secs_f64() * 1e6 / rounds as f64);
            println!(
                "  {label}: generated {generated:.1} µs, reqwest by hand {reqwest:.1} µs, hyper by hand {hyper:.1} µs"
            );
            println!("    generated / reqwest by hand: {}", Spread::of(to_reqwest));
            println!("    reqwest by hand / hyper by hand: {}", Spread::of(reqwest_to_hyper));
        }
    });
}
