//! Someone else's crate: a spec of its own (spec.yaml, one v4 operation),
//! expanded with railgun-runtime alone, called against a one-request server
//! of its own. `cargo xtask packaged` builds and runs it from the packaged
//! crates.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

railgun_runtime::generate_api!("spec.yaml");

const ANSWER: &str = r#"{"success": true, "errors": [], "messages": [],
    "result": {"id": "rg1", "name": "My Railgun", "enabled": true, "connected": true}}"#;

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let addr = listener.local_addr().expect("its address");
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("one request");
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        // The whole request: headers, then the 18-byte JSON body.
        while !request.ends_with(b"}") {
            let n = socket.read(&mut buffer).await.expect("the request");
            assert!(n > 0, "the request ended early: {}", String::from_utf8_lossy(&request));
            request.extend_from_slice(&buffer[..n]);
        }
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ANSWER}",
            ANSWER.len()
        );
        socket.write_all(reply.as_bytes()).await.expect("the answer");
        String::from_utf8(request).expect("a text request")
    });

    let api = ZoneRailgunsApi::builder_with_api_token("t0ken")
        .base_url(format!("http://{addr}/client/v4/"))
        .build()
        .expect("a client");
    let railgun = api.connect("zone1", "rg1", true).await.expect("the call");
    assert!(railgun.connected && railgun.enabled);
    assert_eq!(railgun.name, "My Railgun");

    let request = server.await.expect("the server");
    assert!(request.starts_with("PATCH /client/v4/zones/zone1/railguns/rg1 HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("\r\nauthorization: Bearer t0ken\r\n"), "{request}");
    assert!(request.ends_with("\r\n\r\n{\"connected\":true}"), "{request}");
    println!("runtime-user: PATCH zones/zone1/railguns/rg1 sent and answered");
}
