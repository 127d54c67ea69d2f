//! Every place the rest_json protocol puts a parameter, from generated code:
//! path, query (one value, optional, a JSON-encoded list), a secret header,
//! and a JSON body of text, integer, enum, flag and secret members in spec
//! order; a list answer; secrets out of every error text.

use crate::support::{Reply, TestServer};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use railgun_runtime::Error;

mod rest {
    railgun_runtime::generate_api!("tests/rest/spec.yaml");
}

use rest::ItemsApi;
use rest::types::Color;

const TOKEN: &str = "tok/+= én";
const TRACE: &str = "tr4ce-s3cret";
const PASSWORD: &str = "pa\"ss\\word";

fn api(server: &TestServer) -> ItemsApi {
    ItemsApi::builder(TOKEN).base_url(server.url("v1/")).build().unwrap()
}

#[tokio::test]
async fn path_query_and_header_parameters() {
    let answer =
        r#"{"success": true, "errors": [], "messages": [], "result": [{"id": "1", "color": "red"}, {"id": 2}]}"#;
    let server = TestServer::replying(Reply::json(answer)).await;
    let trace = railgun_runtime::Secret::new(TRACE);
    let items =
        api(&server).search("acme corp", Some(2), Some(false), &[Color::Red, Color::Blue], &trace).await.unwrap();
    let ids: Vec<(u64, Option<Color>)> = items.iter().map(|i| (i.id, i.color)).collect();
    assert_eq!(ids, [(1, Some(Color::Red)), (2, None)]);

    let seen = server.only_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/v1/accounts/acme%20corp/items");
    assert_eq!(seen.query.as_deref(), Some("page=2&enabled=false&colors=%5B%22red%22%2C%22blue%22%5D"));
    assert_eq!(seen.header("x-trace-key".parse().unwrap()), Some(TRACE));
    assert_eq!(seen.headers.get(AUTHORIZATION).map(|v| v.as_bytes()), Some(format!("Bearer {TOKEN}").as_bytes()));
    assert_eq!(seen.header(CONTENT_TYPE), None, "a GET has no body");
    assert!(seen.body.is_empty());

    // Optional query parameters left out; an empty list refused before sending.
    let server = TestServer::replying(Reply::json(answer)).await;
    api(&server).search("acme", None, None, &[Color::Blue], &trace).await.unwrap();
    assert_eq!(server.only_request().query.as_deref(), Some("colors=%5B%22blue%22%5D"));
    let err = api(&server).search("acme", None, None, &[], &trace).await.unwrap_err();
    assert_eq!(err.to_string(), "search: invalid `colors`: must hold at least one value");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn body_members_keep_their_json_types_and_order() {
    let answer = r#"{"success": true, "errors": [], "messages": [], "result": {"id": "7", "color": "blue"}}"#;
    let server = TestServer::replying(Reply::json(answer)).await;
    let password = railgun_runtime::Secret::new(PASSWORD);
    let item = api(&server).create("a \"quoted\" name", 3, Color::Blue, Some(true), &password).await.unwrap();
    assert_eq!((item.id, item.color), (7, Some(Color::Blue)));

    let seen = server.only_request();
    assert_eq!((seen.method.as_str(), seen.path.as_str(), seen.query.as_deref()), ("POST", "/v1/items", None));
    assert_eq!(seen.header(CONTENT_TYPE), Some("application/json"));
    assert_eq!(
        std::str::from_utf8(&seen.body).unwrap(),
        r#"{"name":"a \"quoted\" name","count":3,"color":"blue","visible":true,"password":"pa\"ss\\word"}"#
    );

    let server = TestServer::replying(Reply::json(answer)).await;
    api(&server).create("n", 0, Color::Red, None, &password).await.unwrap();
    assert_eq!(
        std::str::from_utf8(&server.only_request().body).unwrap(),
        r#"{"name":"n","count":0,"color":"red","password":"pa\"ss\\word"}"#
    );
}

#[tokio::test]
async fn secrets_sent_anywhere_stay_out_of_errors() {
    // A server that echoes the secrets it got, in its errors.
    let echo = format!(
        r#"{{"success": false, "errors": [{{"code": 1000, "message": "bad trace {TRACE} for token {TOKEN}"}}], "result": null}}"#
    );
    let server = TestServer::replying(Reply::json(echo).status(400)).await;
    let trace = railgun_runtime::Secret::new(TRACE);
    let err = api(&server).search("acme", None, None, &[Color::Red], &trace).await.unwrap_err();
    let Error::ApiErrors { errors, .. } = &err else { panic!("{err:?}") };
    assert_eq!(errors[0].message, "bad trace ** redacted ** for token ** redacted **");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TRACE) && !shown.contains(TOKEN), "{shown}");
}
