//! No secret reaches a log line: everything the client (and the HTTP stack
//! under it) logs at TRACE level during GET and POST calls is captured and
//! searched. A binary of its own, so the subscriber is global and no other
//! test shares tracing's callsite cache with it.

mod support;

use railgun_api::HttpMethod::{Get, Post};
use railgun_api::types::Mode;
use railgun_api::{ClientApi, PartnerApi, RetryPolicy, Secret};
use support::{EMAIL, Reply, TestServer, fixture};

const TKN: &str = "TKN-client-api-token-0123456789";
const HOST_KEY: &str = "HOSTKEY-partner-key-0123456789";
const RTKN: &str = "RTKN-railgun-token-0123456789";

#[tokio::test]
async fn logs_never_show_secrets() {
    let captured = support::capture_logs();

    let rtkn = Secret::new(RTKN);
    let server = TestServer::replying(Reply::json(fixture("client", "user_get_all"))).await;
    let client = ClientApi::builder(EMAIL, TKN).base_url(server.base_url()).method(Get).build().unwrap();
    client.user_get_all().await.unwrap();
    let server = TestServer::replying(Reply::json(fixture("partner", "delete"))).await;
    for method in [Get, Post] {
        let partner = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).method(method).build().unwrap();
        partner.delete(&rtkn).await.unwrap();
        partner.conn_set("", &rtkn, Mode::Active).await.unwrap_err();
    }
    // A retry: a 503 that echoes the key, then the answer.
    let answers = std::sync::atomic::AtomicUsize::new(0);
    let server = TestServer::responding(move |_| match answers.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
        0 => Reply::json(format!("<html>busy {HOST_KEY}</html>")).status(503),
        _ => Reply::json(fixture("partner", "conn_set")),
    })
    .await;
    let policy = RetryPolicy::default().initial_delay(std::time::Duration::from_millis(1));
    let partner = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).retry(policy).build().unwrap();
    partner.conn_set("example.com", &rtkn, Mode::Active).await.unwrap();

    let log = captured.take();
    assert!(log.contains(": request method=") && log.contains("action=\"delete\""), "nothing was logged:\n{log}");
    assert!(log.contains("status=200"), "{log}");
    // A span per call, with its attempt, status and time; an event per retry
    // with its delay and reason (scrubbed).
    let retry = log.lines().find(|l| l.contains(": retry attempt=")).unwrap_or_else(|| panic!("no retry:\n{log}"));
    assert!(retry.contains(r#"api_call{action="conn_set"}: "#), "{retry}");
    assert!(retry.contains(": retry attempt=1 delay_ms="), "{retry}");
    assert!(
        retry.contains("reason=conn_set: HTTP 503 Service Unavailable: <html>busy ** redacted **</html>"),
        "{retry}"
    );
    let answer = log.lines().rfind(|l| l.contains(": answer status=")).unwrap();
    assert!(answer.contains(r#"api_call{action="conn_set"}:api_attempt{attempt=2 status=200}"#), "{answer}");
    // The call's span closes with its totals.
    let close = log.lines().rfind(|l| l.contains("close")).unwrap_or_else(|| panic!("{log}"));
    assert!(close.contains(r#"api_call{action="conn_set" attempts=2 status=200 elapsed_ms="#), "{close}");
    for secret in [TKN, HOST_KEY, RTKN] {
        assert!(!log.contains(secret), "the log shows a secret:\n{log}");
    }
}
