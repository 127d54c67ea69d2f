//! The protocol seam, proven with one v4 operation: a spec using the
//! `rest_json` protocol (tests/v4/zone_railguns.yaml) expands into a client
//! whose `PATCH /zones/{zone_identifier}/railguns/{identifier}` goes on the
//! wire byte for byte as Cloudflare's Go SDK sent it, under either auth
//! scheme, and whose answers (the Go SDK's fixtures) decode into typed
//! values. Nothing here uses the Railgun SDK: only railgun-runtime.

mod support;

use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use railgun_api::reqwest::StatusCode;
use railgun_runtime::{ApiMessage, Error};
use support::{Reply, Seen, TestServer};

mod v4 {
    railgun_runtime::generate_api!("tests/v4/zone_railguns.yaml");
}

use v4::ZoneRailgunsApi;

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const RAILGUN: &str = "e928d310693a83094309acf9ead50448";
/// Sentinel credentials with characters a careless encoder mangles.
const EMAIL: &str = "user+rg@example.com";
const KEY: &str = "k3y/with+plus=and%25 space~\u{e9}";
const TOKEN: &str = "t0ken.with-dots_and~tilde/slash+plus";

fn fixture(name: &str) -> String {
    let path = format!("{}/spec/docs-v4/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The request body the Go SDK's test asserts, without the file's final newline.
fn go_request_body(case: &str) -> String {
    let name = format!("requests/railgun-connections-for-a-zone-connect-or-disconnect-a-railgun.{case}.request.json");
    fixture(&name).trim_end().to_owned()
}

fn go_answer(case: &str) -> String {
    fixture(&format!("railgun-connections-for-a-zone-connect-or-disconnect-a-railgun.{case}.200.json"))
}

fn base_url(server: &TestServer) -> String {
    server.url("client/v4/")
}

/// The parts of the request both auth schemes send alike.
fn assert_connect_request(seen: &Seen, body: &str) {
    assert_eq!(seen.method, "PATCH");
    assert_eq!(seen.path, format!("/client/v4/zones/{ZONE}/railguns/{RAILGUN}"));
    assert_eq!(seen.query, None);
    assert_eq!(seen.header(CONTENT_TYPE), Some("application/json"));
    assert_eq!(seen.header(ACCEPT), Some("application/json"));
    assert_eq!(seen.header(USER_AGENT), Some(railgun_runtime::DEFAULT_USER_AGENT));
    assert_eq!(std::str::from_utf8(&seen.body).unwrap(), body);
}

#[tokio::test]
async fn connect_with_the_key_pair_is_the_go_sdks_request_byte_for_byte() {
    for (case, connected) in [("connect", true), ("disconnect", false)] {
        let server = TestServer::replying(Reply::json(go_answer(case))).await;
        let api = ZoneRailgunsApi::builder_with_api_key(EMAIL, KEY).base_url(base_url(&server)).build().unwrap();
        let railgun = api.connect(ZONE, RAILGUN, connected).await.unwrap();

        assert_eq!(railgun.id, RAILGUN);
        assert_eq!(railgun.name, "My Railgun");
        assert!(railgun.enabled);
        assert_eq!(railgun.connected, connected);

        let seen = server.only_request();
        assert_connect_request(&seen, &go_request_body(case));
        assert_eq!(seen.header("x-auth-email".parse().unwrap()), Some(EMAIL));
        assert_eq!(seen.headers.get("x-auth-key").map(|v| v.as_bytes()), Some(KEY.as_bytes()));
        assert_eq!(seen.header(AUTHORIZATION), None, "one scheme at a time");
        let names: Vec<&str> = seen.headers.keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            ["content-type", "accept", "user-agent", "x-auth-email", "x-auth-key", "host", "content-length"],
            "no header besides these"
        );
    }
}

#[tokio::test]
async fn connect_with_a_token_sends_it_as_a_bearer() {
    let server = TestServer::replying(Reply::json(go_answer("connect"))).await;
    let api = ZoneRailgunsApi::builder_with_api_token(TOKEN).base_url(base_url(&server)).build().unwrap();
    assert!(api.connect(ZONE, RAILGUN, true).await.unwrap().connected);

    let seen = server.only_request();
    assert_connect_request(&seen, r#"{"connected":true}"#);
    assert_eq!(seen.header(AUTHORIZATION), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(seen.header("x-auth-key".parse().unwrap()), None);
    assert_eq!(seen.header("x-auth-email".parse().unwrap()), None);
}

#[tokio::test]
async fn the_default_base_url_is_cloudflares_v4() {
    let api = ZoneRailgunsApi::with_api_token(TOKEN).unwrap();
    let shown = format!("{api:?}");
    assert!(shown.contains(r#"base_url: "https://api.cloudflare.com/client/v4/""#), "{shown}");
}

#[tokio::test]
async fn path_parameters_are_one_segment_each() {
    let server = TestServer::replying(Reply::json(go_answer("connect"))).await;
    let api = ZoneRailgunsApi::builder_with_api_token(TOKEN).base_url(base_url(&server)).build().unwrap();
    api.connect("../zones?x=1#f", "a b/c%d", true).await.unwrap();
    assert_eq!(server.only_request().path, "/client/v4/zones/..%2Fzones%3Fx%3D1%23f/railguns/a%20b%2Fc%25d");

    for (zone, railgun) in [("..", RAILGUN), (ZONE, "."), ("", RAILGUN)] {
        let err = api.connect(zone, railgun, true).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { action: Some("connect"), .. }), "{err:?}");
    }
    assert_eq!(
        api.connect("..", RAILGUN, true).await.unwrap_err().to_string(),
        "connect: invalid `zone_identifier`: must not be `.` or `..`"
    );
    assert_eq!(server.requests().len(), 1, "refused arguments send nothing");
}

#[tokio::test]
async fn success_false_is_a_typed_error_with_the_status_and_every_code() {
    // The OpenAPI description's failure example, with a message echoing the key.
    let answer = format!(
        r#"{{"success": false, "errors": [{{"code": 7003, "message": "No route for the URI"}},
            {{"code": 10000, "message": "Authentication error for key {KEY}"}}], "messages": [], "result": null}}"#
    );
    let server = TestServer::replying(Reply::json(answer).status(403)).await;
    let api = ZoneRailgunsApi::builder_with_api_key(EMAIL, KEY).base_url(base_url(&server)).build().unwrap();
    let err = api.connect(ZONE, RAILGUN, true).await.unwrap_err();
    let Error::ApiErrors { action, status, errors, retry_after: None } = &err else { panic!("{err:?}") };
    assert_eq!((*action, *status), ("connect", StatusCode::FORBIDDEN));
    assert_eq!(
        errors,
        &[
            ApiMessage { code: Some(7003), message: "No route for the URI".into() },
            ApiMessage { code: Some(10000), message: "Authentication error for key ** redacted **".into() },
        ]
    );
    assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
    assert!(!err.is_retryable());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
}

#[tokio::test]
async fn credentials_are_checked_and_never_shown() {
    let api = ZoneRailgunsApi::with_api_key(EMAIL, KEY).unwrap();
    let shown = format!("{api:?} {api:#?}");
    assert!(!shown.contains(KEY) && !shown.contains("k3y"), "{shown}");
    assert!(shown.contains(EMAIL), "the email is not a secret: {shown}");
    let api = ZoneRailgunsApi::with_api_token(TOKEN).unwrap();
    assert!(!format!("{api:?}").contains("t0ken"));

    let err = ZoneRailgunsApi::with_api_key(EMAIL, "line\nbreak-secret").unwrap_err();
    assert_eq!(err.to_string(), "invalid `X-Auth-Key`: cannot be sent in a header");
    let err = ZoneRailgunsApi::with_api_token(" ").unwrap_err();
    assert_eq!(err.to_string(), "invalid `Authorization`: must not be empty");
}
