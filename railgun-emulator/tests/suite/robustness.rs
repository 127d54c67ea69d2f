//! Nothing a request sends can crash the emulator or corrupt its state:
//! malformed HTTP, bytes that are not UTF-8, broken percent-encoding,
//! enormous and repeated parameters, odd methods and paths. Afterwards it
//! still answers, and its state is what it was.

use std::time::Duration;

use railgun_emulator::{Config, Emulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";

/// Sends raw bytes and returns what came back (status line first), or
/// an empty string if the server closed the connection without answering.
async fn raw(emulator: &Emulator, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    // Done sending: a request that promised more body gets an end of stream.
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the emulator did not answer or close within 5 s");
    String::from_utf8_lossy(&answer).into_owned()
}

fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes()
}

#[tokio::test]
async fn hostile_requests_neither_crash_nor_corrupt() {
    let emulator = Emulator::start(Config::new().host_key(HOST_KEY), "127.0.0.1:0").await.unwrap();
    let made = raw(&emulator, &post("/api/v2/railgun/init", format!("host_key={HOST_KEY}&name=keep").as_bytes())).await;
    assert!(made.contains(r#""act":"railgun_init""#), "{made}");
    let before = emulator.snapshot();

    let huge = format!("host_key={HOST_KEY}&name={}", "x".repeat(1 << 20));
    let repeated = format!("host_key={HOST_KEY}&{}", "z=a.com&".repeat(10_000));
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("not HTTP", b"\x00\x01\x02 garbage\r\n\r\n".to_vec()),
        ("bad request line", b"GET\r\n\r\n".to_vec()),
        ("non-UTF-8 form", post("/api/v2/railgun/delete", b"host_key=\xff\xfe&rtkn=\xc3\x28")),
        ("broken percent-encoding", post("/api/v2/railgun/delete", b"host_key=%zz&rtkn=%")),
        ("non-UTF-8 query", get("/api/v2/railgun/host_get_all?host_key=%ff%fe")),
        ("enormous parameter", post("/api/v2/railgun/conn_set", huge.as_bytes())),
        ("repeated parameters", post("/api/v2/railgun/zone_conn_get_active", repeated.as_bytes())),
        ("no action", get("/api/v2/railgun/")),
        ("path traversal", get("/api/v2/railgun/../../../etc/passwd")),
        ("unicode action", get("/api/v2/railgun/%E2%98%83?host_key=x")),
        (
            "PUT",
            b"PUT /api/v2/railgun/init HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
        (
            "lying Content-Length",
            b"POST /api/v2/railgun/init HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhost_key=".to_vec(),
        ),
        ("empty credentials", post("/api/v2/railgun/init", b"host_key=&email=&tkn=")),
        (
            "ipr not an array",
            post("/api/v2/railgun/ipr_set", format!("host_key={HOST_KEY}&rtkn=x&ipr={{\"a\":1}}").as_bytes()),
        ),
        (
            "ipr deeply nested",
            post(
                "/api/v2/railgun/ipr_set",
                format!("host_key={HOST_KEY}&rtkn=x&ipr={}", "[".repeat(10_000)).as_bytes(),
            ),
        ),
    ];
    for (what, request) in &hostile {
        let answer = raw(&emulator, request).await;
        // Any answer is fine as long as it is HTTP or a closed connection;
        // only the read-only lookup may succeed.
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 "), "{what}: {answer:.200}");
        if *what != "repeated parameters" {
            assert!(!answer.contains(r#""result":"success""#), "{what} succeeded: {answer:.300}");
        }
    }

    assert_eq!(emulator.snapshot(), before, "hostile requests changed the state");
    let listed = raw(&emulator, &get(&format!("/api/v2/railgun/host_get_all?host_key={HOST_KEY}"))).await;
    assert!(listed.starts_with("HTTP/1.1 200 OK"), "{listed:.200}");
    assert!(listed.contains(r#""railgun_name":"keep""#), "the emulator still answers: {listed:.300}");
}

/// A v4 path parameter holding an encoded `/` names no route: a `DELETE`
/// of Railgun `<tag>%2Fconnections%2F<id>` must not delete that
/// connection (nor the Railgun), however the slash is written.
#[tokio::test]
async fn an_encoded_slash_in_a_path_parameter_names_no_route() {
    const EMAIL: &str = "me@example.com";
    const TOKEN: &str = "t0ken";
    let config = Config::new().user_with_api_token(EMAIL, "k3y", TOKEN).zones(["example.com"]);
    let emulator = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let account = railgun_emulator::account_id(EMAIL);
    let send = |method: &str, path: &str, body: &str| {
        format!(
            "{method} /client/v4/{path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let json = |answer: &str| -> serde_json::Value {
        serde_json::from_str(answer.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default()).unwrap()
    };
    let made = json(&raw(&emulator, &send("POST", "railguns", r#"{"name":"edge"}"#)).await);
    let (tag, rtkn) = (made["result"]["id"].as_str().unwrap(), made["result"]["activation_key"].as_str().unwrap());
    emulator.activate(rtkn).unwrap();
    let zone = railgun_emulator::zone_id("example.com");
    let path = format!("accounts/{account}/railguns/{tag}/connections");
    let connected = json(&raw(&emulator, &send("POST", &path, &format!(r#"{{"zone":{{"id":"{zone}"}}}}"#))).await);
    let connection = connected["result"]["id"].as_str().unwrap().to_owned();
    let before = emulator.snapshot();
    assert_eq!(before.connections.len(), 1);

    for slash in ["%2F", "%2f"] {
        for sneaked in [
            format!("accounts/{account}/railguns/{tag}{slash}connections{slash}{connection}"),
            format!("railguns/{tag}{slash}zones"),
            format!("zones/{zone}{slash}railguns/{tag}"),
            format!("zones/{zone}/railguns/{tag}{slash}diagnose"),
        ] {
            for method in ["GET", "DELETE", "PATCH"] {
                let answer = raw(&emulator, &send(method, &sneaked, r#"{"enabled":false,"connected":false}"#)).await;
                assert!(answer.starts_with("HTTP/1.1 404"), "{method} {sneaked}: {answer}");
                assert_eq!(json(&answer)["errors"][0]["code"], 7000, "{method} {sneaked}");
            }
        }
    }
    assert_eq!(emulator.snapshot(), before, "nothing changed");
}
