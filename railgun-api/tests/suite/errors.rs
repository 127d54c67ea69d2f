//! Every way a call can fail reaches the caller as the right `Error`
//! variant, with its HTTP status and a readable message.

use std::time::Duration;

use crate::support::{EMAIL, HOST_KEY, RTKN, Reply, TKN, TestServer, fixture};
use railgun_api::HttpMethod::{Get, Post};
use railgun_api::reqwest::StatusCode;
use railgun_api::types::Mode;
use railgun_api::{ClientApi, ErrCode, Error, MalformedKind, PartnerApi, Secret};

fn rtkn() -> Secret {
    Secret::new(RTKN)
}

#[tokio::test]
async fn result_error_becomes_api_with_message_and_code() {
    let body = r#"{"result": "error", "msg": "Zone example.com has no Railgun connection", "err_code": "E_NO_CONN", "response": null}"#;
    let server = TestServer::replying(Reply::json(body)).await;
    let err = server.client_api(Post).conn_setmode_enabled("example.com", &rtkn()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "conn_setmode_enabled: the service refused the call (err_code E_NO_CONN): \
         Zone example.com has no Railgun connection"
    );
    let Error::Api { status, msg, err_code, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, StatusCode::OK);
    assert_eq!(msg, "Zone example.com has no Railgun connection");
    assert_eq!(err_code, &Some(ErrCode::Text("E_NO_CONN".to_owned())));
    assert!(!err.is_retryable());

    let body = r#"{"result": "error", "msg": "Invalid host_key", "err_code": 101}"#;
    let server = TestServer::replying(Reply::json(body)).await;
    let err = server.partner_api(Get).host_get_all().await.unwrap_err();
    assert_eq!(err.to_string(), "host_get_all: the service refused the call (err_code 101): Invalid host_key");
    assert!(matches!(err, Error::Api { err_code: Some(ErrCode::Number(101)), .. }));

    let body = r#"{"result": "error", "msg": null, "response": null}"#;
    let server = TestServer::replying(Reply::json(body)).await;
    let err = server.partner_api(Get).delete(&rtkn()).await.unwrap_err();
    assert_eq!(err.to_string(), "delete: the service refused the call: (no message)");
}

#[tokio::test]
async fn non_2xx_statuses_become_http_with_an_excerpt() {
    let server = TestServer::replying(Reply::json(r#"{"result": "error", "msg": "overloaded"}"#).status(503)).await;
    let err = server.client_api(Post).user_get_all().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"user_get_all: HTTP 503 Service Unavailable: {"result": "error", "msg": "overloaded"}"#
    );
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());

    let server = TestServer::replying(Reply::json("").status(404)).await;
    let err = server.client_api(Post).user_get_all().await.unwrap_err();
    assert_eq!(err.to_string(), "user_get_all: HTTP 404 Not Found: (empty body)");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_html_error_page_becomes_malformed_with_an_excerpt() {
    let page = "<!DOCTYPE html>\n<html>\n<head><title>Attention Required! | Cloudflare</title></head>\n\
                <body><h1>Sorry, you have been blocked</h1></body>\n</html>\n";
    let server = TestServer::replying(Reply::json(page).content_type("text/html")).await;
    let err = server.partner_api(Post).init(None, None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "init: the answer (HTTP 200 OK) is an HTML page: \
         <!DOCTYPE html> <html> <head><title>Attention Required! | Cloudflare</title></head> \
         <body><h1>Sorry, you have been blocked</h1></body> </html>"
    );
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert!(err.is_retryable() && err.may_have_been_applied());

    let server = TestServer::replying(Reply::json(page).status(502).content_type("text/html")).await;
    let err = server.partner_api(Post).init(None, None).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, excerpt, .. }
        if *status == StatusCode::BAD_GATEWAY && excerpt.starts_with("<!DOCTYPE html> <html>")),
        "{err:?}"
    );
}

#[tokio::test]
async fn truncated_json_becomes_malformed() {
    let full = fixture("client", "user_get_all");
    let cut = &full[..full.len() / 2];
    let server = TestServer::replying(Reply::json(cut)).await;
    let err = server.client_api(Get).user_get_all().await.unwrap_err();
    let Error::Malformed { status, kind, excerpt, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*status, *kind), (StatusCode::OK, MalformedKind::Truncated));
    assert!(excerpt.starts_with(r#"{ "msg": null, "response": { "act": "railgun_user_get_all","#), "{excerpt}");
    assert!(excerpt.ends_with('…'), "{excerpt}");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_names_its_path() {
    let body =
        fixture("client", "user_get_all").replace(r#""railgun_id": "178""#, r#""railgun_id": "one-seven-eight""#);
    let server = TestServer::replying(Reply::json(body)).await;
    let err = server.client_api(Post).user_get_all().await.unwrap_err();
    let Error::Decode { path, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!(path, "response.railguns.objs[1].railgun_id");
    assert_eq!(
        message,
        "invalid value: string \"one-seven-eight\", expected a non-negative integer, as a number or a string of digits"
    );
}

#[tokio::test]
async fn a_wrong_act_becomes_unexpected_act() {
    let server = TestServer::replying(Reply::json(fixture("partner", "conn_delete"))).await;
    let err = server.partner_api(Post).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "conn_set: expected an answer with `act: railgun_conn_set`, got `act: railgun_conn_delete`"
    );
    assert!(
        matches!(&err, Error::UnexpectedAct { expected: "railgun_conn_set", found, .. } if found == "railgun_conn_delete")
    );

    // suggestion_set answers railgun_suggest, not railgun_suggestion_set.
    let body = fixture("partner", "suggestion_set").replace("railgun_suggest", "railgun_suggestion_set");
    let server = TestServer::replying(Reply::json(body)).await;
    let err = server.partner_api(Post).suggestion_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
    assert!(matches!(&err, Error::UnexpectedAct { expected: "railgun_suggest", .. }), "{err:?}");
}

#[tokio::test]
async fn a_slow_answer_becomes_timeout() {
    let server = TestServer::replying(Reply::json(fixture("client", "init")).delay(Duration::from_secs(3))).await;
    let api =
        ClientApi::builder(EMAIL, TKN).base_url(server.base_url()).timeout(Duration::from_millis(200)).build().unwrap();
    let err = api.init("my-railgun", "My Railgun").await.unwrap_err();
    assert_eq!(err.to_string(), "init: no complete answer within 200ms");
    assert!(matches!(err, Error::Timeout { timeout: Some(t), .. } if t == Duration::from_millis(200)));
    assert!(err.is_retryable());
}

/// `host_get_all` sent to a port nothing listens on.
async fn refused_call() -> Error {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let api =
        PartnerApi::builder(HOST_KEY).base_url(format!("http://127.0.0.1:{port}/api/v2/railgun/")).build().unwrap();
    api.host_get_all().await.unwrap_err()
}

#[tokio::test]
async fn a_refused_connection_becomes_transport() {
    let err = refused_call().await;
    let text = err.to_string();
    assert!(text.starts_with("host_get_all: request failed: error sending request"), "{text}");
    assert!(text.contains("Connection refused"), "{text}");
    assert!(matches!(err, Error::Transport { .. }));
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let server = TestServer::replying(Reply::json(fixture("client", "conn_set"))).await;
    let client = server.client_api(Post);
    let partner = server.partner_api(Get);

    let err = client.conn_set("", &rtkn(), Mode::Active).await.unwrap_err();
    assert_eq!(err.to_string(), "conn_set: invalid `z`: must not be empty");
    assert!(matches!(err, Error::InvalidInput { action: Some("conn_set"), param: "z", .. }));

    // A zone must be a domain name, whatever it would do to the query or the
    // form: nothing is escaped into another parameter or path.
    for zone in ["bad zone", "example.com&z=other.com", "../host_get_all", "localhost", "example.com."] {
        let err = partner.conn_set(zone, &rtkn(), Mode::Active).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "conn_set: invalid `z`: must be a domain name: two or more dot-separated labels of letters, digits \
             and inner hyphens",
            "{zone}"
        );
        assert!(matches!(err, Error::InvalidInput { action: Some("conn_set"), param: "z", .. }));
    }
    let err = client.zone_conn_get_active("bad zone").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { action: Some("zone_conn_get_active"), param: "z", .. }), "{err}");

    let err = client.conn_delete("example.com", &Secret::new("  ")).await.unwrap_err();
    assert_eq!(err.to_string(), "conn_delete: invalid `rtkn`: must not be empty");

    let err = client.init("my-railgun", "").await.unwrap_err();
    assert_eq!(err.to_string(), "init: invalid `pubname`: must not be empty");

    let err = partner.init(Some(""), None).await.unwrap_err();
    assert_eq!(err.to_string(), "init: invalid `name`: must not be empty");

    let err = partner.ipr_set(&rtkn(), &[]).await.unwrap_err();
    assert_eq!(err.to_string(), "ipr_set: invalid `ipr`: must hold at least one IP range");

    assert!(server.requests().is_empty(), "{:#?}", server.requests());
}

#[tokio::test]
async fn bad_settings_are_refused_when_building() {
    let err = ClientApi::new(EMAIL, "").unwrap_err();
    assert_eq!(err.to_string(), "invalid `tkn`: must not be empty");
    assert!(matches!(err, Error::InvalidInput { action: None, param: "tkn", .. }));
    let err = ClientApi::new(" ", TKN).unwrap_err();
    assert_eq!(err.to_string(), "invalid `email`: must not be empty");
    let err = PartnerApi::new("").unwrap_err();
    assert_eq!(err.to_string(), "invalid `host_key`: must not be empty");

    let err = PartnerApi::builder(HOST_KEY).base_url("ftp://example.com/").build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `base_url`: must be an http or https URL");
    let err = PartnerApi::builder(HOST_KEY).base_url("not a url").build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `base_url`: relative URL without a base");
    let err = PartnerApi::builder(HOST_KEY).base_url("http://h/api/?x=1").build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `base_url`: must not have a query or fragment");
    let err = PartnerApi::builder(HOST_KEY).timeout(Duration::ZERO).build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `timeout`: must be longer than zero");
    let err = PartnerApi::builder(HOST_KEY).user_agent("bad\nagent").build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `user_agent`: is not a valid header value");
}

#[tokio::test]
async fn settings_reach_the_wire() {
    let server = TestServer::replying(Reply::json(fixture("partner", "delete"))).await;
    // No trailing slash: one is added. A caller-supplied client is used as is.
    let base = server.base_url();
    let api = PartnerApi::builder(HOST_KEY)
        .base_url(base.trim_end_matches('/'))
        .http_client(railgun_api::http_client_builder().unwrap().build().unwrap())
        .user_agent("hosting-panel/2.1")
        .method(Get)
        .build()
        .unwrap();
    assert_eq!(api.delete(&rtkn()).await.unwrap().railgun_id, 1);
    let seen = server.only_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/api/v2/railgun/delete");
    assert_eq!(seen.header(axum::http::header::USER_AGENT), Some("hosting-panel/2.1"));

    // The default is POST.
    let server = TestServer::replying(Reply::json(fixture("partner", "delete"))).await;
    PartnerApi::builder(HOST_KEY).base_url(server.base_url()).build().unwrap().delete(&rtkn()).await.unwrap();
    assert_eq!(server.only_request().method, "POST");
}

/// The messages a reporter that walks `source()` (anyhow's `{:#}`, eyre)
/// prints, in order.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(error), |e| e.source()).map(ToString::to_string).collect()
}

#[tokio::test]
async fn a_transport_error_prints_each_cause_once() {
    let err = refused_call().await;
    let printed = chain(&err);
    // Every cause is in the message, scrubbed; none comes again from source().
    assert_eq!(printed.len(), 1, "{printed:?}");
    let report = printed.concat();
    for cause in ["error sending request", "Connection refused"] {
        assert_eq!(report.matches(cause).count(), 1, "{cause:?} in {report}");
    }
    let Error::Transport { cause, .. } = &err else { panic!("{err:?}") };
    assert!(cause.is_connect(), "the HTTP stack's error is kept for inspection: {cause:?}");
}
