//! No secret (`tkn`, `host_key`, `rtkn`, `railgun_api_key`) reaches any
//! `Debug` or `Display` text, error message or log line, even when requests
//! are sent as GET and the service echoes them back.

use std::time::Duration;

use crate::support::{EMAIL, Reply, Seen, TestServer, fixture};
use railgun_api::HttpMethod::{Get, Post};
use railgun_api::types::Mode;
use railgun_api::{ClientApi, Error, PartnerApi, Secret};

// Distinctive secrets, unlike the docs' examples, whose token shares its
// first characters with an example Railgun name: any 12 characters of
// these in a text are a leak.
const TKN: &str = "TKN-client-api-token-0123456789";
const HOST_KEY: &str = "HOSTKEY-partner-key-0123456789";
const RTKN: &str = "RTKN-railgun-token-0123456789";
/// The `railgun_api_key` the fake service sends in `*_get_all` answers.
const API_KEY: &str = "APIKEY-railgun-api-key-012345";
/// An `rtkn` that only the service knows, returned by `init`.
const NEW_RTKN: &str = "NEWRTKN-from-the-service-0123";
const DOCS_API_KEY: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";

fn client_api(server: &TestServer, method: railgun_api::HttpMethod) -> ClientApi {
    ClientApi::builder(EMAIL, TKN).base_url(server.base_url()).method(method).build().unwrap()
}

fn partner_api(server: &TestServer, method: railgun_api::HttpMethod) -> PartnerApi {
    PartnerApi::builder(HOST_KEY).base_url(server.base_url()).method(method).build().unwrap()
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [TKN, HOST_KEY, RTKN, API_KEY, NEW_RTKN] {
        assert!(!text.contains(secret), "{what} shows a secret:\n{text}");
        // A secret cut short by an excerpt still leaks most of itself.
        assert!(!text.contains(&secret[..12]), "{what} shows part of a secret:\n{text}");
    }
}

fn assert_error_clean(what: &str, err: &Error) {
    assert_no_secret(&format!("{what} (Display)"), &err.to_string());
    assert_no_secret(&format!("{what} (Debug)"), &format!("{err:?}"));
    assert_no_secret(&format!("{what} (alternate Debug)"), &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_no_secret(&format!("{what} (cause)"), &format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

/// What the request looked like, as a careless server would echo it.
fn echo(seen: &Seen) -> String {
    format!(
        "{} {}?{} {}",
        seen.method,
        seen.path,
        seen.query.as_deref().unwrap_or_default(),
        String::from_utf8_lossy(&seen.body)
    )
}

fn rtkn() -> Secret {
    Secret::new(RTKN)
}

#[tokio::test]
async fn errors_never_show_secrets() {
    let mut errors: Vec<(String, Error)> = Vec::new();

    for method in [Get, Post] {
        // An error page that echoes the request line, query and body.
        let server =
            TestServer::responding(|seen| Reply::json(format!("<html><pre>{}</pre></html>", echo(seen))).status(500))
                .await;
        errors.push((format!("{method:?} Http"), client_api(&server, method).delete(&rtkn()).await.unwrap_err()));
        errors.push((
            format!("{method:?} Http partner"),
            partner_api(&server, method).delete(&rtkn()).await.unwrap_err(),
        ));

        // The same page with a 200: a Decode error with an excerpt.
        let server = TestServer::responding(|seen| Reply::json(format!("<html>{}</html>", echo(seen)))).await;
        let err = partner_api(&server, method).conn_set("example.com", &rtkn(), Mode::Active).await.unwrap_err();
        errors.push((format!("{method:?} Decode"), err));

        // result: error with a message and a code that quote the request.
        let server = TestServer::responding(|seen| {
            let echoed = serde_json::to_string(&echo(seen)).unwrap();
            Reply::json(format!(r#"{{"result": "error", "msg": {echoed}, "err_code": {echoed}}}"#))
        })
        .await;
        errors.push((
            format!("{method:?} Api"),
            client_api(&server, method).conn_delete("example.com", &rtkn()).await.unwrap_err(),
        ));

        // An act that quotes the token.
        let server = TestServer::replying(Reply::json(format!(
            r#"{{"result": "success", "response": {{"act": "railgun_delete {RTKN}"}}}}"#
        )))
        .await;
        errors.push((
            format!("{method:?} UnexpectedAct"),
            partner_api(&server, method).delete(&rtkn()).await.unwrap_err(),
        ));

        // A Decode error in an answer full of the service's own secrets.
        let body = fixture("client", "user_get_all")
            .replace(DOCS_API_KEY, API_KEY)
            .replace(r#""railgun_port": "2408""#, r#""railgun_port": "port""#)
            .replace(r#""railgun_id": "1","#, &format!(r#""railgun_id": "1", "rtkn": "{NEW_RTKN}","#));
        let server = TestServer::replying(Reply::json(body)).await;
        errors.push((
            format!("{method:?} Decode secrets"),
            client_api(&server, method).user_get_all().await.unwrap_err(),
        ));

        // A timeout and a refused connection, where reqwest would name the URL.
        let server = TestServer::replying(Reply::json("{}").delay(Duration::from_secs(3))).await;
        let api = ClientApi::builder(EMAIL, TKN)
            .base_url(server.base_url())
            .method(method)
            .timeout(Duration::from_millis(100));
        errors.push((format!("{method:?} Timeout"), api.build().unwrap().delete(&rtkn()).await.unwrap_err()));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let api =
            PartnerApi::builder(HOST_KEY).base_url(format!("http://127.0.0.1:{port}/")).method(method).build().unwrap();
        errors.push((format!("{method:?} Transport"), api.delete(&rtkn()).await.unwrap_err()));
    }

    let kinds: Vec<String> =
        errors.iter().map(|(_, e)| format!("{e:?}").split([' ', '{']).next().unwrap().to_owned()).collect();
    for kind in ["Http", "Decode", "Malformed", "Api", "UnexpectedAct", "Timeout", "Transport"] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} error was produced: {kinds:?}");
    }
    for (what, err) in &errors {
        assert_error_clean(what, err);
    }
    // The scrubbing keeps what is not secret.
    let (_, api_error) = errors.iter().find(|(w, _)| w == "Get Api").unwrap();
    assert!(
        api_error
            .to_string()
            .contains("GET /api/v2/railgun/conn_delete?email=user%40cloudflare.com&tkn=** redacted **"),
        "{api_error}"
    );
}

#[tokio::test]
async fn clients_builders_and_answers_never_show_secrets() {
    let builder = PartnerApi::builder(HOST_KEY).method(Get);
    assert_no_secret("PartnerApi builder", &format!("{builder:?}"));
    let partner = builder.build().unwrap();
    let client = ClientApi::new(EMAIL, TKN).unwrap();
    for text in [format!("{partner:?}"), format!("{partner:#?}"), format!("{client:?}"), format!("{client:#?}")] {
        assert_no_secret("client", &text);
    }
    assert!(format!("{client:?}").contains(EMAIL), "the email is not a secret and helps debugging");

    let body = fixture("partner", "init").replace(DOCS_API_KEY, NEW_RTKN);
    let server = TestServer::replying(Reply::json(body)).await;
    let init = partner_api(&server, Get).init(None, None).await.unwrap();
    assert_eq!(init.rtkn.expose_secret(), NEW_RTKN);
    assert_no_secret("InitResponse", &format!("{init:?} {}", init.rtkn));

    let server =
        TestServer::replying(Reply::json(fixture("partner", "host_get_all").replace(DOCS_API_KEY, API_KEY))).await;
    let list = partner_api(&server, Get).host_get_all().await.unwrap();
    assert_no_secret("RailgunListResponse", &format!("{list:?} {list:#?}"));
    assert_eq!(list.railguns.railguns[0].api_key.as_ref().map(Secret::expose_secret), Some(API_KEY));
}
