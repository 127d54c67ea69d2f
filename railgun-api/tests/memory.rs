//! A hostile server cannot exhaust the client's memory: a 500 MB answer,
//! sent without a length, ends in `Error::TooLarge` after the limit, and the
//! process grows by a few MiB. Alone in its binary, so no other test's
//! allocations count.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use railgun_api::types::Mode;
use railgun_api::{DEFAULT_MAX_ANSWER_SIZE, Error, PartnerApi, Secret};

const CHUNK: usize = 64 * 1024;
const ANSWER: usize = 500 * 1000 * 1000;

/// The process's peak resident memory since the last reset, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Resets the peak to the current resident memory (Linux 4.0 and later).
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_mb_answer_is_refused_within_32_mib() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            // `{"result": "success", "response": {"act": "railgun_conn_set", "pad": "     …`
            let head = Bytes::from_static(br#"{"result": "success", "response": {"act": "railgun_conn_set", "pad": ""#);
            let spaces = Bytes::from(vec![b' '; CHUNK]);
            let chunks = std::iter::repeat_n(spaces, ANSWER / CHUNK).inspect(move |c| {
                counter.fetch_add(c.len(), Ordering::Relaxed);
            });
            let body = futures_util::stream::iter(std::iter::once(head).chain(chunks).map(Ok::<_, std::io::Error>));
            axum::response::Response::new(Body::from_stream(body))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let api = PartnerApi::builder("e111dff66d1fddfda6a888c9992d4366")
        .base_url(format!("http://{addr}/api/v2/railgun/"))
        .build()
        .unwrap();
    reset_peak();
    let before = peak_rss_kib();
    let err = api.conn_set("example.com", &Secret::new("rtkn"), Mode::Active).await.unwrap_err();
    let growth_mib = (peak_rss_kib() - before) / 1024;
    assert!(matches!(err, Error::TooLarge { limit: DEFAULT_MAX_ANSWER_SIZE, .. }), "a 500 MB answer gave {err:?}");
    assert!(growth_mib < 32, "memory grew by {growth_mib} MiB");
    let sent = sent.load(Ordering::Relaxed);
    assert!(sent < ANSWER / 10, "the client stopped reading early, the server sent {sent} bytes");
    println!("memory growth: {growth_mib} MiB; the server got to send {sent} bytes");
}
