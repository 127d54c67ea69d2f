//! The HTTP client the runtime builds speaks TLS with the crate's provider:
//! with the default `rustls-ring` feature reqwest has no provider of its
//! own, so a client built without ours would panic at the first handshake.
//! A local listener records the first bytes an `https://` call sends.

use tokio::io::AsyncReadExt;

mod railgun {
    railgun_runtime::generate_api!("tests/specs/partner.yaml");
}

#[tokio::test]
async fn https_calls_open_with_a_tls_client_hello() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let first_bytes = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut bytes = [0u8; 3];
        socket.read_exact(&mut bytes).await.unwrap();
        bytes // dropping the socket ends the handshake
    });
    let api = railgun::PartnerApi::builder("e111dff66d1fddfda6a888c9992d4366")
        .base_url(format!("https://{addr}/api/v2/railgun/"))
        .build()
        .unwrap();
    let err = api.delete(&railgun_runtime::Secret::new("rtkn-0123")).await.unwrap_err();
    // A TLS record of type handshake (22), protocol major version 3.
    assert_eq!(first_bytes.await.unwrap()[..2], [22, 3]);
    assert!(matches!(err, railgun_runtime::Error::Transport { action: "delete", .. }), "{err:?}");
}

#[test]
fn the_client_builder_keeps_the_tls_choice() {
    let http = railgun_runtime::http_client_builder().unwrap().build();
    assert!(http.is_ok(), "{http:?}");
}
