//! The `railgun-emulator` binary as a user starts it: what it prints is
//! enough to call its v4 API, which names accounts and zones by id.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const EMAIL: &str = "ops@example.com";
const TKN: &str = "k3y-of-ops";

/// Kills the emulator when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET url` with the user's email and key, over one plain connection:
/// the status and the JSON answer.
fn get(url: &str) -> (u16, Value) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    let request = format!(
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nX-Auth-Email: {EMAIL}\r\nX-Auth-Key: {TKN}\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

#[test]
fn the_start_up_lines_name_the_v4_ids_of_accounts_and_zones() {
    let child = Command::new(env!("CARGO_BIN_EXE_railgun-emulator"))
        .args(["--user", &format!("{EMAIL}:{TKN}"), "--zone", "Example.COM", "--zone", "example.org"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let mut lines = BufReader::new(running.0.stdout.take().unwrap()).lines();
    let mut printed: Vec<String> = (0..6).map(|_| lines.next().unwrap().unwrap()).collect();

    assert!(printed.iter().all(|line| !line.contains(TKN)), "a token was printed: {printed:?}");
    assert!(printed[0].starts_with("railgun-emulator listening on http://127.0.0.1:"), "{}", printed[0]);
    let v4_url = printed[1].strip_prefix("v4 API at ").unwrap().to_owned();
    assert!(v4_url.ends_with("/client/v4"), "as python-cloudflare and cli4 take it: {v4_url}");
    let v4_url = format!("{v4_url}/");
    printed[0] = String::new();
    printed[1] = String::new();
    let account = railgun_emulator::account_id(EMAIL);
    let (com, org) = (railgun_emulator::zone_id("example.com"), railgun_emulator::zone_id("example.org"));
    assert_eq!(
        printed,
        [
            String::new(),
            String::new(),
            "1 Client API account(s), 0 host key(s), faults off".to_owned(),
            format!("v4 account of {EMAIL}: {account}"),
            format!("v4 zone example.com: {com}"),
            format!("v4 zone example.org: {org}"),
        ]
    );

    // The printed ids are the ones the v4 API takes.
    let (status, zone) = get(&format!("{v4_url}zones/{com}/railguns"));
    assert_eq!((status, &zone["success"], &zone["result"]), (200, &Value::Bool(true), &serde_json::json!([])));
    let (status, railguns) = get(&format!("{v4_url}accounts/{account}/railguns"));
    assert_eq!((status, &railguns["result"]), (200, &serde_json::json!([])), "{railguns}");
    let unknown = railgun_emulator::zone_id("example.net");
    let (status, unknown) = get(&format!("{v4_url}zones/{unknown}/railguns"));
    assert_eq!((status, &unknown["success"]), (404, &Value::Bool(false)), "{unknown}");
}
