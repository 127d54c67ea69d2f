//! Retries, `Retry-After`, rate limits, redirects and answer sizes, against
//! local servers; the waits are measured on tokio's paused clock, so they
//! are exact and take no real time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::{HOST_KEY, RTKN, Reply, TestServer, fixture};
use railgun_api::HttpMethod::{self, Get, Post};
use railgun_api::reqwest::StatusCode;
use railgun_api::types::Mode;
use railgun_api::{Error, PartnerApi, RetryPolicy, Secret};

const SECOND: Duration = Duration::from_secs(1);

fn rtkn() -> Secret {
    Secret::new(RTKN)
}

/// A server that gives `script[i]` to the i-th request, then the last one.
async fn scripted(script: Vec<Reply>) -> TestServer {
    let next = AtomicUsize::new(0);
    TestServer::responding(move |_| {
        let i = next.fetch_add(1, Ordering::SeqCst);
        script[i.min(script.len() - 1)].clone()
    })
    .await
}

/// A partner client with the default retry policy and no timeout (a timer
/// of its own would be one more thing paused time advances to).
fn partner(server: &TestServer) -> PartnerApi {
    PartnerApi::builder(HOST_KEY).base_url(server.base_url()).no_timeout().build().unwrap()
}

/// The gaps between the requests the server saw.
fn gaps(server: &TestServer) -> Vec<Duration> {
    let seen = server.requests();
    seen.windows(2).map(|w| w[1].at - w[0].at).collect()
}

fn unavailable() -> Reply {
    Reply::json(r#"{"result": "error", "msg": "overloaded"}"#).status(503)
}

#[tokio::test(start_paused = true)]
async fn retry_after_and_the_backoff_are_honoured() {
    let server = scripted(vec![
        Reply::json(r#"{"result": "error", "msg": "slow down"}"#).status(429).header("retry-after", "7"),
        unavailable(),
        unavailable(),
        Reply::json(fixture("partner", "conn_set")),
    ])
    .await;
    let conn = partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    assert_eq!(conn.railgun_conn_id, 1);
    let gaps = gaps(&server);
    assert_eq!(gaps.len(), 3, "four attempts: {gaps:?}");
    // Exactly what Retry-After asked for, then full-jitter backoff within
    // the default policy's windows (250 ms doubling).
    assert!(gaps[0] >= 7 * SECOND && gaps[0] < 7 * SECOND + Duration::from_millis(50), "{gaps:?}");
    assert!(gaps[1] <= Duration::from_millis(500), "{gaps:?}");
    assert!(gaps[2] <= SECOND, "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn an_http_date_in_retry_after_is_honoured() {
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + 20 * SECOND);
    let server = scripted(vec![
        Reply::json("<html>busy</html>").status(503).header("retry-after", later),
        Reply::json(fixture("partner", "conn_set")),
    ])
    .await;
    partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    // The date has a one-second resolution and the wall clock runs on.
    let gap = gaps(&server)[0];
    assert!(gap >= 18 * SECOND && gap <= 20 * SECOND, "{gap:?}");
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_back_every_clone_of_the_client() {
    let server = scripted(vec![
        Reply::json(r#"{"result": "error", "msg": "slow down"}"#).status(429).header("retry-after", "5"),
        Reply::json(fixture("partner", "conn_set")),
    ])
    .await;
    let api = partner(&server);
    let start = tokio::time::Instant::now();
    let other = api.clone();
    let second = tokio::spawn(async move {
        tokio::time::sleep(SECOND).await;
        other.conn_set("example.org", &rtkn(), Mode::Active).await
    });
    assert_eq!(api.pauses().count, 0);
    api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    second.await.unwrap().unwrap();
    // Every clone sees the one pause, and that it is over.
    let pauses = api.clone().pauses();
    assert_eq!((pauses.count, pauses.total, pauses.remaining), (1, 5 * SECOND, Duration::ZERO));
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].at - start, Duration::ZERO);
    // The clone, due at 1 s, waited for the pause too.
    for later in &seen[1..] {
        assert!(later.at - start >= 5 * SECOND, "{:?}", later.at - start);
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_cannot_hold_the_client_back_longer_than_a_call_may_take() {
    let server = scripted(vec![
        Reply::json(r#"{"result": "error"}"#).status(429).header("retry-after", u64::MAX.to_string()),
        Reply::json(fixture("partner", "conn_set")),
    ])
    .await;
    let api = partner(&server);
    let start = tokio::time::Instant::now();
    let err = api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(server.requests().len(), 1, "a wait past the 30 s allowed is not waited");
    let pauses = api.pauses();
    assert_eq!((pauses.count, pauses.total), (1, 30 * SECOND));
    assert!(pauses.remaining > 29 * SECOND && pauses.remaining <= 30 * SECOND, "{pauses:?}");
    // The client pauses for the 30 s a call may take, not for ever.
    api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    let waited = server.requests()[1].at - start;
    assert!(waited >= 30 * SECOND && waited < 31 * SECOND, "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_spaces_calls_out() {
    let server = TestServer::replying(Reply::json(fixture("partner", "conn_set"))).await;
    let api = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).no_timeout().rate_limit(10, 2).build().unwrap();
    let start = tokio::time::Instant::now();
    for _ in 0..5 {
        api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    }
    let at: Vec<u128> = server.requests().iter().map(|s| (s.at - start).as_millis()).collect();
    assert_eq!(at, [0, 0, 100, 200, 300]);
}

#[tokio::test(start_paused = true)]
async fn unsafe_calls_are_sent_again_only_when_they_cannot_have_been_applied() {
    // A 503 may come after the service acted: init is not repeated.
    let server = scripted(vec![unavailable(), Reply::json(fixture("partner", "init"))]).await;
    let err = partner(&server).init(None, None).await.unwrap_err();
    assert!(err.is_retryable() && err.may_have_been_applied(), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    // A 429 is a refusal: init is sent again, after the wait.
    let server = scripted(vec![
        Reply::json(r#"{"result": "error"}"#).status(429).header("retry-after", "2"),
        Reply::json(fixture("partner", "init")),
    ])
    .await;
    partner(&server).init(None, None).await.unwrap();
    assert_eq!(gaps(&server), [2 * SECOND]);

    // An answer cut short: the Railgun may exist; the caller is told.
    let full = fixture("partner", "init");
    let server = scripted(vec![Reply::json(&full[..full.len() / 2]), Reply::json(full.clone())]).await;
    let err = partner(&server).init(None, None).await.unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }) && err.may_have_been_applied(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    // The same answer for a safe call is simply tried again.
    let full = fixture("partner", "conn_set");
    let server = scripted(vec![Reply::json(&full[..full.len() / 2]), Reply::json(full.clone())]).await;
    partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_unsafe_calls() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let policy = RetryPolicy::default().max_attempts(3).initial_delay(Duration::from_millis(1));
    let api =
        PartnerApi::builder(HOST_KEY).base_url(format!("http://127.0.0.1:{port}/")).retry(policy).build().unwrap();
    let err = api.init(None, None).await.unwrap_err();
    let Error::Transport { cause, .. } = &err else { panic!("{err:?}") };
    assert!(cause.is_connect());
    assert!(err.is_retryable() && !err.may_have_been_applied());
}

#[tokio::test(start_paused = true)]
async fn what_the_service_refused_is_never_retried_and_retries_can_be_off() {
    let server = TestServer::replying(Reply::json(r#"{"result": "error", "msg": "no such zone"}"#)).await;
    let err = partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    let server = TestServer::replying(unavailable()).await;
    let never = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).retry(RetryPolicy::never()).build().unwrap();
    never.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);

    // The default policy gives up after four attempts.
    let server = TestServer::replying(unavailable()).await;
    let err = partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.requests().len(), 4);
}

/// A secret that would show if any of it crossed to the other server.
const SENTINEL_KEY: &str = "k3y/with+odd&chars=%2F and space";

#[tokio::test]
async fn redirects_are_refused_and_nothing_reaches_the_other_origin() {
    let elsewhere = TestServer::replying(Reply::json(fixture("partner", "conn_set"))).await;
    let target = elsewhere.url("steal/conn_set?from=redirect");
    for status in [301, 302, 303, 307, 308] {
        for method in [Get, Post] {
            let server = TestServer::replying(Reply::json("").status(status).header("location", target.clone())).await;
            let api = partner_with(&server, SENTINEL_KEY, method);
            let err = api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
            let Error::Redirect { status: got, location, .. } = &err else { panic!("{status} {method:?}: {err:?}") };
            assert_eq!(got.as_u16(), status);
            let origin = elsewhere.url("");
            assert_eq!(location.as_deref(), Some(origin.trim_end_matches('/')));
            assert_eq!(
                err.to_string(),
                format!("conn_set: HTTP {got}: refused to follow a redirect to {}", origin.trim_end_matches('/'))
            );
            assert!(!err.is_retryable());
            assert_eq!(server.requests().len(), 1, "sent once, not again");
            assert!(server.requests()[0].header(railgun_api::reqwest::header::REFERER).is_none());
        }
    }
    assert!(elsewhere.requests().is_empty(), "the other origin got {:#?}", elsewhere.requests());

    // A host name that spells a secret is blanked like any other text.
    let server = TestServer::replying(
        Reply::json("").status(307).header("location", format!("http://{HOST_KEY}.evil.example/")),
    )
    .await;
    let err = partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "conn_set: HTTP 307 Temporary Redirect: refused to follow a redirect to http://** redacted **.evil.example"
    );

    // A relative Location names the service's own origin, still refused.
    let server = TestServer::replying(Reply::json("").status(302).header("location", "/login")).await;
    let err = partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(&err, Error::Redirect { location: Some(l), .. } if server.url("").starts_with(l.as_str())));
}

/// A client for `server` whose own HTTP client follows redirects (not what
/// `http_client_builder` makes).
fn following_redirects(server: &TestServer) -> PartnerApi {
    let http = railgun_api::http_client_builder()
        .unwrap()
        .redirect(railgun_api::reqwest::redirect::Policy::limited(3))
        .build()
        .unwrap();
    PartnerApi::builder(HOST_KEY).base_url(server.base_url()).http_client(http).build().unwrap()
}

#[tokio::test]
async fn a_followed_redirect_of_a_callers_own_client_is_still_an_error() {
    let elsewhere = TestServer::replying(Reply::json(fixture("partner", "conn_set"))).await;
    let server =
        TestServer::replying(Reply::json("").status(302).header("location", elsewhere.url("api/v2/railgun/conn_set")))
            .await;
    let api = following_redirects(&server);
    let err = api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "the other server's answer is not returned: {err:?}");

    // Nor the answer of another path of the same server.
    let server = TestServer::responding(|seen| match seen.path.as_str() {
        "/api/v2/railgun/conn_set" => Reply::json("").status(302).header("location", "/other/conn_set"),
        _ => Reply::json(fixture("partner", "conn_set")),
    })
    .await;
    let api = following_redirects(&server);
    let err = api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 2, "the caller's client did follow it");
}

fn partner_with(server: &TestServer, key: &str, method: HttpMethod) -> PartnerApi {
    PartnerApi::builder(key).base_url(server.base_url()).method(method).build().unwrap()
}

#[tokio::test]
async fn answers_over_the_limit_are_refused() {
    let body = fixture("partner", "conn_set");
    let server = TestServer::replying(Reply::json(body.clone())).await;
    let small =
        PartnerApi::builder(HOST_KEY).base_url(server.base_url()).max_answer_size(body.len() - 1).build().unwrap();
    let err = small.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("conn_set: the answer (HTTP 200 OK) is longer than the limit of {} bytes", body.len() - 1)
    );
    assert!(!err.is_retryable() && err.may_have_been_applied());
    assert_eq!(server.requests().len(), 1);
    let exact = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).max_answer_size(body.len()).build().unwrap();
    exact.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();

    let err = PartnerApi::builder(HOST_KEY).max_answer_size(0).build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `max_answer_size`: must be at least one byte");
    let err = PartnerApi::builder(HOST_KEY).rate_limit(0, 1).build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `rate_limit`: must allow at least one call a second");
    let err = PartnerApi::builder(HOST_KEY).rate_limit(1, 0).build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `rate_limit`: must allow a burst of at least one call");
}

/// Cloudflare's own 520 to 524 are in the SDK's specs (`retry_statuses`):
/// retried like a 503; a 500 is not.
#[tokio::test(start_paused = true)]
async fn cloudflare_s_520_to_524_are_retried_by_the_sdk() {
    let edge = |status| Reply::json("<html>error code: 522</html>").status(status);
    let server = scripted(vec![edge(520), edge(522), edge(524), Reply::json(fixture("partner", "conn_set"))]).await;
    partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap();
    assert_eq!(server.requests().len(), 4);

    let server = scripted(vec![edge(500), Reply::json(fixture("partner", "conn_set"))]).await;
    let err = partner(&server).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: StatusCode::INTERNAL_SERVER_ERROR, retryable: false, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    // The policy's own list replaces the API's.
    let server = scripted(vec![edge(500), edge(522), Reply::json(fixture("partner", "conn_set"))]).await;
    let own = RetryPolicy::default().statuses([500]);
    let api = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).no_timeout().retry(own).build().unwrap();
    let err = api.conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(err, Error::Http { status, retryable: false, .. } if status.as_u16() == 522), "{err:?}");
    assert_eq!(server.requests().len(), 2);
}
