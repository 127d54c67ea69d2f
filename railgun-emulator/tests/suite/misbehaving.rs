//! The emulator keeps serving when clients misbehave: heads that never
//! finish are timed out, clients that half-close after sending get their
//! answer, and connections past the limit are refused with a clear answer.

use std::time::{Duration, Instant};

use railgun_emulator::{Config, Emulator, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";

async fn emulator(limits: Limits) -> Emulator {
    Emulator::start(Config::new().host_key(HOST_KEY).limits(limits), "127.0.0.1:0").await.unwrap()
}

fn request() -> String {
    let body = format!("host_key={HOST_KEY}");
    format!(
        "POST /api/v2/railgun/host_get_all HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Everything the server sends until it closes, within 5 s.
async fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn clients_that_half_close_after_sending_get_their_answer() {
    let emu = emulator(Limits::default()).await;
    let clients = (0..100).map(|_| {
        let addr = emu.addr();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.write_all(request().as_bytes()).await.unwrap();
            stream.shutdown().await.unwrap();
            read_all(&mut stream).await
        })
    });
    let answers = futures_util::future::join_all(clients).await;
    let answered = answers.iter().filter(|a| {
        let a = a.as_ref().unwrap();
        a.starts_with("HTTP/1.1 200 OK") && a.contains("\"act\":\"railgun_host_get_all\"")
    });
    assert_eq!(answered.count(), 100);
}

#[tokio::test]
async fn heads_that_never_finish_are_closed_and_others_served_meanwhile() {
    let emu = emulator(Limits { header_timeout_ms: 500, ..Limits::default() }).await;
    let mut stalled = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(emu.addr()).await.unwrap();
        stream.write_all(b"POST /api/v2/railgun/host_get_all HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        stalled.push(stream);
    }
    // A well-behaved client is served while they wait.
    let mut good = TcpStream::connect(emu.addr()).await.unwrap();
    good.write_all(request().as_bytes()).await.unwrap();
    assert!(read_all(&mut good).await.starts_with("HTTP/1.1 200 OK"));

    let started = Instant::now();
    for stream in &mut stalled {
        let mut buf = [0u8; 512];
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
        let read = read.expect("the server left a stalled head open");
        // Closed by the server: the end of the stream or a reset, perhaps
        // after a 408 answer.
        if let Ok(n @ 1..) = read {
            assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408"), "{:?}", &buf[..n]);
            assert!(matches!(stream.read(&mut buf).await, Ok(0) | Err(_)));
        }
    }
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn connections_past_the_limit_are_told_why() {
    let emu = emulator(Limits { max_connections: 10, ..Limits::default() }).await;
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(TcpStream::connect(emu.addr()).await.unwrap());
    }
    // Let the server take them all.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = TcpStream::connect(emu.addr()).await.unwrap();
    extra.write_all(request().as_bytes()).await.unwrap();
    let answer = read_all(&mut extra).await;
    assert!(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{answer}");
    assert!(answer.contains("\r\nretry-after: 1\r\n"), "{answer}");
    assert!(
        answer.ends_with("too many connections: this emulator serves at most 10 at once; retry later\n"),
        "{answer}"
    );

    drop(idle);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = TcpStream::connect(emu.addr()).await.unwrap();
    again.write_all(request().as_bytes()).await.unwrap();
    assert!(read_all(&mut again).await.starts_with("HTTP/1.1 200 OK"));
}
