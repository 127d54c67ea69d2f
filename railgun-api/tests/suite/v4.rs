//! The v4 client (`railgun_api::v4`, generated from spec/railgun-v4.yaml) on
//! the wire: every one of the 26 operations under both auth schemes, byte
//! for byte; the official SDKs' fixtures decoded into typed values; the
//! models' tolerance where the sources disagree; pagination; refusals.

#![allow(deprecated)] // the organization endpoints are called on purpose

use crate::support::{Reply, Seen, TestServer};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use futures_util::{StreamExt, TryStreamExt};
use railgun_api::reqwest::StatusCode;
use railgun_api::v4::V4Api;
use railgun_api::v4::types::{Direction, RailgunStatus};
use railgun_api::{ApiMessage, Error, Timestamp};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const RAILGUN: &str = "e928d310693a83094309acf9ead50448";
const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";
const ORG: &str = "01a7362d577a6c3019a474fd6f485824";
const CONNECTION: &str = "c4a7362d577a6c3019a474fd6f485821";
/// Sentinel credentials with characters a careless encoder mangles.
const EMAIL: &str = "user+rg@example.com";
const KEY: &str = "k3y/with+plus=and%25 space~\u{e9}";
const TOKEN: &str = "t0ken.with-dots_and~tilde/slash+plus";
/// The Go fixtures' activation key.
const ACTIVATION_KEY: &str = "e4edc00281cb56ebac22c81be9bac8f3";

fn fixture(name: &str) -> String {
    let path = format!("{}/../spec/docs-v4/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Go SDK's answer for an operation, by its file name's stem.
fn go(stem: &str) -> String {
    fixture(&format!("{stem}.200.json"))
}

/// The body the Go SDK's test asserts, without the file's final newline.
fn go_request(stem: &str) -> String {
    fixture(&format!("requests/{stem}.request.json")).trim_end().to_owned()
}

/// A connection, from the description's examples: no SDK has a fixture.
const CONNECTION_JSON: &str = r#"{"id": "c4a7362d577a6c3019a474fd6f485821",
    "zone": {"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "example.com"},
    "enabled": true, "created_on": "2017-06-14T00:00:00Z", "modified_on": "2017-06-14T05:20:00Z"}"#;

fn success(result: &str) -> String {
    format!(r#"{{"success": true, "errors": [], "messages": [], "result": {result}}}"#)
}

fn page_of(items: &[&str], page: u64, per_page: u64, total: u64) -> String {
    format!(
        r#"{{"success": true, "errors": [], "messages": [], "result": [{}],
            "result_info": {{"page": {page}, "per_page": {per_page}, "count": {}, "total_count": {total}}}}}"#,
        items.join(","),
        items.len()
    )
}

/// How one operation goes on the wire, and an answer it decodes.
struct Case {
    op: &'static str,
    method: &'static str,
    path: String,
    query: Option<&'static str>,
    body: Option<String>,
    answer: String,
}

fn case(op: &'static str, method: &'static str, path: &str, answer: String) -> Case {
    Case { op, method, path: format!("/client/v4/{path}"), query: None, body: None, answer }
}

impl Case {
    fn query(mut self, query: &'static str) -> Case {
        self.query = Some(query);
        self
    }

    fn body(mut self, body: impl Into<String>) -> Case {
        self.body = Some(body.into());
        self
    }
}

/// Every operation, called as [`call`] calls it.
fn cases() -> Vec<Case> {
    let railgun = || go("railgun-railgun-details");
    let deleted = || go("railgun-delete-a-railgun");
    let connection = || success(CONNECTION_JSON);
    let enable = "railgun-enable-or-disable-a-railgun.disable";
    vec![
        case("list_railguns", "GET", "railguns", go("railgun-list-railguns"))
            .query("page=1&per_page=50&direction=desc"),
        case("create_railgun", "POST", "railguns", go("railgun-create-railgun"))
            .body(go_request("railgun-create-railgun")),
        case("railgun_details", "GET", &format!("railguns/{RAILGUN}"), railgun()),
        case("enable_or_disable_railgun", "PATCH", &format!("railguns/{RAILGUN}"), go(enable)).body(go_request(enable)),
        case("delete_railgun", "DELETE", &format!("railguns/{RAILGUN}"), deleted()),
        case("list_railgun_zones", "GET", &format!("railguns/{RAILGUN}/zones"), go("railgun-list-railgun-zones")),
        case(
            "list_zone_railguns",
            "GET",
            &format!("zones/{ZONE}/railguns"),
            go("railgun-connections-for-a-zone-list-available-railguns"),
        ),
        case(
            "zone_railgun_details",
            "GET",
            &format!("zones/{ZONE}/railguns/{RAILGUN}"),
            go("railgun-connections-for-a-zone-railgun-details"),
        ),
        case(
            "connect_or_disconnect_zone_railgun",
            "PATCH",
            &format!("zones/{ZONE}/railguns/{RAILGUN}"),
            go("railgun-connections-for-a-zone-connect-or-disconnect-a-railgun.connect"),
        )
        .body(go_request("railgun-connections-for-a-zone-connect-or-disconnect-a-railgun.connect")),
        case(
            "test_zone_railgun_connection",
            "GET",
            &format!("zones/{ZONE}/railguns/{RAILGUN}/diagnose"),
            go("railgun-connections-for-a-zone-test-railgun-connection"),
        ),
        case("list_account_railguns", "GET", &format!("accounts/{ACCOUNT}/railguns"), go("railgun-list-railguns"))
            .query("page=1&per_page=50&direction=desc"),
        case("create_account_railgun", "POST", &format!("accounts/{ACCOUNT}/railguns"), railgun())
            .body(r#"{"name":"My Railgun"}"#),
        case("account_railgun_details", "GET", &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}"), railgun()),
        case("update_account_railgun", "PUT", &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}"), railgun())
            .body(r#"{"name":"My Railgun","enabled":true}"#),
        case("delete_account_railgun", "DELETE", &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}"), deleted()),
        case(
            "list_connections",
            "GET",
            &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}/connections"),
            page_of(&[CONNECTION_JSON], 1, 5, 1),
        )
        .query("enabled=true&page=1&per_page=5"),
        case("create_connection", "POST", &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}/connections"), connection())
            .body(format!(r#"{{"zone":{{"id":"{ZONE}"}},"enabled":true}}"#)),
        case(
            "connection_details",
            "GET",
            &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}/connections/{CONNECTION}"),
            connection(),
        ),
        case(
            "update_connection",
            "PUT",
            &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}/connections/{CONNECTION}"),
            connection(),
        )
        .body(r#"{"enabled":false}"#),
        case(
            "delete_connection",
            "DELETE",
            &format!("accounts/{ACCOUNT}/railguns/{RAILGUN}/connections/{CONNECTION}"),
            success(&format!(r#"{{"id": "{CONNECTION}"}}"#)),
        ),
        case(
            "list_organization_railguns",
            "GET",
            &format!("organizations/{ORG}/railguns"),
            go("railgun-list-railguns"),
        )
        .query("page=1&per_page=50&direction=desc"),
        case("create_organization_railgun", "POST", &format!("organizations/{ORG}/railguns"), railgun())
            .body(r#"{"name":"My Railgun"}"#),
        case("organization_railgun_details", "GET", &format!("organizations/{ORG}/railguns/{RAILGUN}"), railgun()),
        case(
            "enable_or_disable_organization_railgun",
            "PATCH",
            &format!("organizations/{ORG}/railguns/{RAILGUN}"),
            go(enable),
        )
        .body(r#"{"enabled":false}"#),
        case("delete_organization_railgun", "DELETE", &format!("organizations/{ORG}/railguns/{RAILGUN}"), deleted()),
        case(
            "list_organization_railgun_zones",
            "GET",
            &format!("organizations/{ORG}/railguns/{RAILGUN}/zones"),
            go("railgun-list-railgun-zones"),
        ),
    ]
}

/// Calls operation `op` with the arguments [`cases`] expects on the wire.
async fn call(api: &V4Api, op: &str) -> Result<(), Error> {
    let desc = Some(Direction::Desc);
    match op {
        "list_railguns" => api.list_railguns(Some(1), Some(50), desc).await.map(drop),
        "create_railgun" => api.create_railgun("My Railgun").await.map(drop),
        "railgun_details" => api.railgun_details(RAILGUN).await.map(drop),
        "enable_or_disable_railgun" => api.enable_or_disable_railgun(RAILGUN, false).await.map(drop),
        "delete_railgun" => api.delete_railgun(RAILGUN).await.map(drop),
        "list_railgun_zones" => api.list_railgun_zones(RAILGUN).await.map(drop),
        "list_zone_railguns" => api.list_zone_railguns(ZONE).await.map(drop),
        "zone_railgun_details" => api.zone_railgun_details(ZONE, RAILGUN).await.map(drop),
        "connect_or_disconnect_zone_railgun" => {
            api.connect_or_disconnect_zone_railgun(ZONE, RAILGUN, true).await.map(drop)
        }
        "test_zone_railgun_connection" => api.test_zone_railgun_connection(ZONE, RAILGUN).await.map(drop),
        "list_account_railguns" => api.list_account_railguns(ACCOUNT, Some(1), Some(50), desc).await.map(drop),
        "create_account_railgun" => api.create_account_railgun(ACCOUNT, "My Railgun").await.map(drop),
        "account_railgun_details" => api.account_railgun_details(ACCOUNT, RAILGUN).await.map(drop),
        "update_account_railgun" => api.update_account_railgun(ACCOUNT, RAILGUN, "My Railgun", true).await.map(drop),
        "delete_account_railgun" => api.delete_account_railgun(ACCOUNT, RAILGUN).await.map(drop),
        "list_connections" => api.list_connections(ACCOUNT, RAILGUN, Some(true), Some(1), Some(5)).await.map(drop),
        "create_connection" => api.create_connection(ACCOUNT, RAILGUN, ZONE, Some(true)).await.map(drop),
        "connection_details" => api.connection_details(ACCOUNT, RAILGUN, CONNECTION).await.map(drop),
        "update_connection" => api.update_connection(ACCOUNT, RAILGUN, CONNECTION, false).await.map(drop),
        "delete_connection" => api.delete_connection(ACCOUNT, RAILGUN, CONNECTION).await.map(drop),
        "list_organization_railguns" => api.list_organization_railguns(ORG, Some(1), Some(50), desc).await.map(drop),
        "create_organization_railgun" => api.create_organization_railgun(ORG, "My Railgun").await.map(drop),
        "organization_railgun_details" => api.organization_railgun_details(ORG, RAILGUN).await.map(drop),
        "enable_or_disable_organization_railgun" => {
            api.enable_or_disable_organization_railgun(ORG, RAILGUN, false).await.map(drop)
        }
        "delete_organization_railgun" => api.delete_organization_railgun(ORG, RAILGUN).await.map(drop),
        "list_organization_railgun_zones" => api.list_organization_railgun_zones(ORG, RAILGUN).await.map(drop),
        other => panic!("no call for {other}"),
    }
}

fn base_url(server: &TestServer) -> String {
    server.url("client/v4/")
}

fn key_client(server: &TestServer) -> V4Api {
    V4Api::builder_with_api_key(EMAIL, KEY).base_url(base_url(server)).build().unwrap()
}

fn token_client(server: &TestServer) -> V4Api {
    V4Api::builder_with_api_token(TOKEN).base_url(base_url(server)).build().unwrap()
}

/// The request of `case`, as the server saw it, under either scheme.
fn assert_request(case: &Case, seen: &Seen) {
    let op = case.op;
    assert_eq!(seen.method, case.method, "{op}");
    assert_eq!(seen.path, case.path, "{op}");
    assert_eq!(seen.query.as_deref(), case.query, "{op}");
    assert_eq!(seen.header(ACCEPT), Some("application/json"), "{op}");
    assert_eq!(seen.header(USER_AGENT), Some(railgun_api::DEFAULT_USER_AGENT), "{op}");
    match &case.body {
        Some(body) => {
            assert_eq!(std::str::from_utf8(&seen.body).unwrap(), body, "{op}");
            assert_eq!(seen.header(CONTENT_TYPE), Some("application/json"), "{op}");
        }
        None => {
            assert!(seen.body.is_empty(), "{op}: {:?}", seen.body);
            assert_eq!(seen.header(CONTENT_TYPE), None, "{op}");
        }
    }
}

#[tokio::test]
async fn every_operation_goes_on_the_wire_as_described_under_both_schemes() {
    let cases = cases();
    assert_eq!(cases.len(), 26, "the description has 26 operations");
    for case in &cases {
        let server = TestServer::replying(Reply::json(case.answer.clone())).await;
        call(&key_client(&server), case.op).await.unwrap_or_else(|e| panic!("{}: {e}", case.op));
        call(&token_client(&server), case.op).await.unwrap_or_else(|e| panic!("{}: {e}", case.op));
        let [with_key, with_token] = <[Seen; 2]>::try_from(server.requests()).unwrap();

        assert_request(case, &with_key);
        assert_eq!(with_key.header("x-auth-email".parse().unwrap()), Some(EMAIL), "{}", case.op);
        assert_eq!(with_key.headers.get("x-auth-key").map(|v| v.as_bytes()), Some(KEY.as_bytes()), "{}", case.op);
        assert_eq!(with_key.header(AUTHORIZATION), None, "{}: one scheme at a time", case.op);

        assert_request(case, &with_token);
        assert_eq!(with_token.header(AUTHORIZATION), Some(format!("Bearer {TOKEN}").as_str()), "{}", case.op);
        assert_eq!(with_token.header("x-auth-key".parse().unwrap()), None, "{}", case.op);
        assert_eq!(with_token.header("x-auth-email".parse().unwrap()), None, "{}", case.op);

        let mut names: Vec<&str> = with_token.headers.keys().map(|k| k.as_str()).collect();
        names.sort_unstable();
        let mut expected = vec!["accept", "authorization", "host", "user-agent"];
        if case.body.is_some() {
            expected.extend(["content-length", "content-type"]);
        }
        expected.sort_unstable();
        assert_eq!(names, expected, "{}: no header besides these", case.op);
    }
}

#[tokio::test]
async fn the_go_fixtures_decode_into_typed_values() {
    let server = TestServer::responding(|seen| {
        let stem = match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/client/v4/railguns") => "railgun-list-railguns",
            ("GET", p) if p.ends_with("/zones") => "railgun-list-railgun-zones",
            ("GET", p) if p.ends_with("/diagnose") => "railgun-connections-for-a-zone-test-railgun-connection",
            ("GET", p) if p.starts_with("/client/v4/zones/") => "railgun-connections-for-a-zone-railgun-details",
            ("DELETE", _) => "railgun-delete-a-railgun",
            _ => "railgun-railgun-details",
        };
        Reply::json(go(stem))
    })
    .await;
    let api = token_client(&server);

    let railgun = api.railgun_details(RAILGUN).await.unwrap();
    assert_eq!((railgun.id.as_str(), railgun.name.as_str()), (RAILGUN, "My Railgun"));
    assert_eq!(railgun.status, RailgunStatus::Active);
    assert!(railgun.enabled);
    assert_eq!(railgun.zones_connected, 2);
    assert_eq!(
        (railgun.build.as_deref(), railgun.version.as_deref(), railgun.revision.as_deref()),
        (Some("b1234"), Some("2.1"), Some("123"))
    );
    assert_eq!(railgun.activation_key.expose_secret(), ACTIVATION_KEY);
    let at = |text: &str| text.parse::<Timestamp>().unwrap();
    assert_eq!(railgun.activated_on, Some(at("2014-01-02T02:20:00Z")));
    assert_eq!((railgun.created_on, railgun.modified_on), (at("2014-01-01T05:20:00Z"), at("2014-01-01T05:20:00Z")));
    assert_eq!(railgun.upgrade_info, None);

    let page = api.list_railguns(None, None, None).await.unwrap();
    assert_eq!(page.items, std::slice::from_ref(&railgun));
    let info = page.info.unwrap();
    assert_eq!((info.page, info.per_page, info.count, info.total_count), (Some(1), Some(20), Some(1), Some(2000)));

    let zones = api.list_railgun_zones(RAILGUN).await.unwrap();
    let [zone] = &zones[..] else { panic!("{zones:?}") };
    assert_eq!((zone.id.as_str(), zone.name.as_str(), zone.development_mode), (ZONE, "example.com", 7200));
    assert_eq!(
        zone.original_name_servers.as_deref(),
        Some(&["ns1.originaldnshost.com".to_owned(), "ns2.originaldnshost.com".to_owned()][..])
    );
    assert_eq!(
        (zone.original_registrar.as_deref(), zone.original_dnshost.as_deref()),
        (Some("GoDaddy"), Some("NameCheap"))
    );
    assert_eq!(zone.created_on, at("2014-01-01T05:20:00.12345Z"));
    assert_eq!(zone.activated_on, None, "not in the fixture, though the description requires it");

    let zone_railgun = api.zone_railgun_details(ZONE, RAILGUN).await.unwrap();
    assert_eq!((zone_railgun.id.as_str(), zone_railgun.enabled, zone_railgun.connected), (RAILGUN, true, true));

    let diagnosis = api.test_zone_railgun_connection(ZONE, RAILGUN).await.unwrap();
    assert_eq!(diagnosis.method.as_deref(), Some("GET"));
    assert_eq!(diagnosis.http_status, Some(200));
    assert_eq!(diagnosis.connection_close, Some(false));
    assert_eq!(diagnosis.cf_ray.as_deref(), Some("1ddd7570575207d9-LAX"));
    assert_eq!((diagnosis.cf_wan_error, diagnosis.cf_cache_status), (None, None), "null in the fixture");
    assert_eq!(diagnosis.elapsed_time.as_deref(), Some("0.239013s"));

    assert_eq!(api.delete_railgun(RAILGUN).await.unwrap().id, RAILGUN);
}

#[tokio::test]
async fn the_php_fixtures_with_empty_messages_decode_too() {
    for (name, op) in [
        ("getRailgun", "railgun_details"),
        ("createRailgun", "create_railgun"),
        ("updateRailgun", "enable_or_disable_railgun"),
        ("deleteRailgun", "delete_railgun"),
        ("listRailguns", "list_railguns"),
        ("listRailgunZones", "list_railgun_zones"),
    ] {
        let server = TestServer::replying(Reply::json(fixture(&format!("cloudflare-php/{name}.json")))).await;
        let api = key_client(&server);
        match op {
            "list_railguns" => {
                let page = api.list_railguns(None, None, None).await.unwrap();
                assert_eq!(page.items[0].activation_key.expose_secret(), ACTIVATION_KEY);
            }
            "delete_railgun" => assert_eq!(api.delete_railgun(RAILGUN).await.unwrap().id, RAILGUN),
            other => call(&api, other).await.unwrap_or_else(|e| panic!("{name}: {e}")),
        }
    }
}

#[tokio::test]
async fn the_models_take_what_the_sources_disagree_on() {
    let railgun = r#"{"id": "r1", "name": "n", "status": "upgrading", "enabled": "t", "zones_connected": 2.0,
        "activation_key": "k", "activated_on": null, "created_on": "2014-01-01T05:20:00Z",
        "modified_on": "2014-01-01T05:20:00Z", "upgrade_info": {"latest_version": "5.0"}}"#;
    let zone = r#"{"id": "z", "name": "example.com", "development_mode": -3600.0,
        "created_on": "2014-01-01T05:20:00Z", "modified_on": "2014-01-01T05:20:00Z"}"#;
    let server = TestServer::responding(move |seen| {
        Reply::json(match seen.path.as_str() {
            p if p.ends_with("/zones") => success(&format!("[{zone}]")),
            p if p.ends_with("/diagnose") => success("{}"),
            _ => success(railgun),
        })
    })
    .await;
    let api = token_client(&server);

    let read = api.railgun_details("r1").await.unwrap();
    assert_eq!(read.status, RailgunStatus::Unknown("upgrading".into()), "an open enum keeps what it does not know");
    assert_eq!(read.status.as_wire(), "upgrading");
    assert_eq!(read.zones_connected, 2, "`number` in the description, an integer in practice");
    assert_eq!((read.build, read.activated_on), (None, None), "not activated yet");
    assert_eq!(read.upgrade_info.unwrap().latest_version.as_deref(), Some("5.0"));

    let zones = api.list_railgun_zones("r1").await.unwrap();
    assert_eq!(zones[0].development_mode, -3600, "development mode that expired an hour ago");
    assert_eq!(zones[0].original_name_servers, None);

    let diagnosis = api.test_zone_railgun_connection(ZONE, "r1").await.unwrap();
    assert_eq!((diagnosis.http_status, diagnosis.host_name), (None, None), "the description requires none");
}

#[tokio::test]
async fn a_bad_value_names_its_path_and_hides_the_activation_key() {
    let body = success(&format!(
        r#"{{"id": "r1", "name": "n", "status": "active", "enabled": true, "zones_connected": 1.5,
            "activation_key": "{ACTIVATION_KEY}", "created_on": "2014-01-01T05:20:00Z",
            "modified_on": "2014-01-01T05:20:00Z"}}"#
    ));
    let server = TestServer::replying(Reply::json(body)).await;
    let err = token_client(&server).railgun_details("r1").await.unwrap_err();
    let Error::Decode { path, message, status, .. } = &err else { panic!("{err:?}") };
    assert_eq!((path.as_str(), *status), ("result.zones_connected", StatusCode::OK));
    assert!(message.starts_with("invalid value: floating point `1.5`, expected a non-negative integer"), "{message}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(ACTIVATION_KEY), "{shown}");
}

#[tokio::test]
async fn an_activation_key_never_prints() {
    let server = TestServer::replying(Reply::json(go("railgun-railgun-details"))).await;
    let railgun = token_client(&server).railgun_details(RAILGUN).await.unwrap();
    let shown = format!("{railgun:?} {railgun:#?}");
    assert!(!shown.contains(ACTIVATION_KEY), "{shown}");
    assert!(shown.contains("My Railgun"), "{shown}");
}

/// A list of `total` Railguns named `r1`, `r2`, …, served a page at a time
/// as the `page` and `per_page` of each request ask.
fn paged_server(total: u64) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    move |seen| {
        let query: Vec<(String, String)> =
            url::form_urlencoded::parse(seen.query.as_deref().unwrap_or_default().as_bytes()).into_owned().collect();
        let get = |name: &str, default: u64| {
            query.iter().find(|(k, _)| k == name).map_or(default, |(_, v)| v.parse().unwrap())
        };
        let (page, per_page) = (get("page", 1), get("per_page", 20));
        let first = (page - 1) * per_page + 1;
        let items: Vec<String> = (first..=total.min(first + per_page - 1))
            .map(|n| {
                format!(
                    r#"{{"id": "r{n}", "name": "Railgun {n}", "status": "active", "enabled": true,
                        "zones_connected": 0, "activation_key": "key-{n}",
                        "created_on": "2014-01-01T05:20:00Z", "modified_on": "2014-01-01T05:20:00Z"}}"#
                )
            })
            .collect();
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        Reply::json(page_of(&items, page, per_page, total))
    }
}

#[tokio::test]
async fn the_stream_walks_every_page_once() {
    let server = TestServer::responding(paged_server(12)).await;
    let api = key_client(&server);
    let all: Vec<String> = api
        .list_account_railguns_stream(ACCOUNT, Some(5), Some(Direction::Asc))
        .map_ok(|railgun| railgun.id)
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (1..=12).map(|n| format!("r{n}")).collect();
    assert_eq!(all, expected);
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|seen| seen.query).collect();
    assert_eq!(
        queries,
        [
            Some("page=1&per_page=5&direction=asc".to_owned()),
            Some("page=2&per_page=5&direction=asc".to_owned()),
            Some("page=3&per_page=5&direction=asc".to_owned()),
        ]
    );
    for seen in server.requests() {
        assert_eq!(seen.path, format!("/client/v4/accounts/{ACCOUNT}/railguns"));
    }

    // One page, with its place in the list.
    let page = api.list_account_railguns(ACCOUNT, Some(2), Some(5), None).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r6", "r7", "r8", "r9", "r10"]);
    assert_eq!(page.info.and_then(|i| i.total_count), Some(12));
    assert!(page.has_next(2, Some(5)));
}

#[tokio::test]
async fn a_stream_taken_in_part_asks_for_no_more_pages() {
    let server = TestServer::responding(paged_server(100)).await;
    let api = token_client(&server);
    let first: Vec<_> = api.list_railguns_stream(Some(5), None).take(7).collect().await;
    assert_eq!(first.len(), 7);
    assert_eq!(server.requests().len(), 2, "7 items are on the first two pages");
}

#[tokio::test]
async fn a_list_that_never_ends_is_cut_at_the_clients_limit() {
    // A service that always has another full page: by its count, a list of
    // a trillion Railguns.
    let server = TestServer::responding(paged_server(1_000_000_000_000)).await;
    let api = V4Api::builder_with_api_token(TOKEN).base_url(base_url(&server)).max_list_items(25).build().unwrap();
    let got: Vec<_> = api.list_railguns_stream(Some(10), None).collect().await;
    assert_eq!(got.len(), 26, "25 items, then the error");
    let ids: Vec<String> = got[..25].iter().map(|r| r.as_ref().unwrap().id.clone()).collect();
    assert_eq!(ids, (1..=25).map(|n| format!("r{n}")).collect::<Vec<_>>());
    let err = got[25].as_ref().unwrap_err();
    assert!(matches!(err, Error::ListTooLong { action: "list_railguns", limit: 25 }), "{err:?}");
    assert!(!err.is_retryable() && !err.may_have_been_applied());
    assert_eq!(server.requests().len(), 3, "no page past the one holding the 26th item");

    // The default limit is there without asking for it.
    assert_eq!(railgun_api::DEFAULT_MAX_LIST_ITEMS, 1_000_000);
    let err = V4Api::builder_with_api_token(TOKEN).max_list_items(0).build().unwrap_err();
    assert_eq!(err.to_string(), "invalid `max_list_items`: must be at least one item");
}

#[tokio::test]
async fn a_list_of_endless_small_pages_stops_at_the_page_limit_by_default() {
    // The smallest pages the spec allows (5), and always a next one: with
    // the default limits the walk ends after a thousand requests, far
    // below the million items it would otherwise take.
    let server = TestServer::responding(paged_server(1_000_000_000_000)).await;
    let api = token_client(&server);
    let mut stream = std::pin::pin!(api.list_railguns_stream(Some(5), None));
    let (mut items, mut last) = (0, None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => items += 1,
            Err(err) => last = Some(err),
        }
    }
    assert_eq!(items, 5_000);
    let err = last.unwrap();
    assert!(
        matches!(
            err,
            Error::ListStopped { action: "list_railguns", reason: railgun_api::ListStop::Pages { limit: 1_000 } }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), railgun_api::DEFAULT_MAX_LIST_PAGES as usize);
}

#[tokio::test]
async fn a_service_that_ignores_page_is_an_error_not_an_endless_list() {
    // Always the first page of a list of 10, whatever is asked.
    let server = TestServer::responding(|_| {
        let items = [CONNECTION_JSON, CONNECTION_JSON];
        Reply::json(page_of(&items, 1, 2, 10))
    })
    .await;
    let api = token_client(&server);
    let got: Vec<_> = api.list_connections_stream(ACCOUNT, RAILGUN, None, Some(2)).collect().await;
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[..2].iter().all(Result::is_ok));
    let err = got[2].as_ref().unwrap_err();
    let Error::Decode { path, message, .. } = err else { panic!("{err:?}") };
    assert_eq!((path.as_str(), message.as_str()), ("result_info.page", "page 1 answered where page 2 was asked for"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_refusal_keeps_the_status_and_every_error() {
    let answer = format!(
        r#"{{"success": false, "errors": [{{"code": 7003, "message": "No route for the URI"}},
            {{"code": 10000, "message": "Authentication error for key {KEY}"}}], "messages": [], "result": null}}"#
    );
    let server = TestServer::replying(Reply::json(answer).status(403)).await;
    let err = key_client(&server).list_zone_railguns(ZONE).await.unwrap_err();
    let Error::ApiErrors { action, status, errors, .. } = &err else { panic!("{err:?}") };
    assert_eq!((*action, *status), ("list_zone_railguns", StatusCode::FORBIDDEN));
    assert_eq!(
        errors,
        &[
            ApiMessage { code: Some(7003), message: "No route for the URI".into() },
            ApiMessage { code: Some(10000), message: "Authentication error for key ** redacted **".into() },
        ]
    );
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn arguments_are_checked_before_anything_is_sent() {
    let server = TestServer::replying(Reply::json(success(CONNECTION_JSON))).await;
    let api = token_client(&server);
    for (account, railgun, zone) in [("..", RAILGUN, ZONE), (ACCOUNT, ".", ZONE), (ACCOUNT, RAILGUN, " ")] {
        let err = api.create_connection(account, railgun, zone, None).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { action: Some("create_connection"), .. }), "{err:?}");
    }
    // The spec's bounds of page and per_page, the service's own.
    for (page, per_page, param, refusal) in [
        (Some(0), None, "page", "must be at least 1"),
        (None, Some(4), "per_page", "must be between 5 and 50"),
        (Some(1), Some(51), "per_page", "must be between 5 and 50"),
    ] {
        let err = api.list_account_railguns(ACCOUNT, page, per_page, None).await.unwrap_err();
        assert_eq!(err.to_string(), format!("list_account_railguns: invalid `{param}`: {refusal}"));
        let err = api.list_railguns(page, per_page, None).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { action: Some("list_railguns"), param: p, .. } if p == param));
    }
    let mut pages = std::pin::pin!(api.list_account_railguns_stream(ACCOUNT, Some(51), None));
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.to_string(), "list_account_railguns: invalid `per_page`: must be between 5 and 50");
    assert!(server.requests().is_empty(), "refused arguments send nothing");
    api.create_connection(ACCOUNT, "a b/c%d", ZONE, None).await.unwrap();
    let seen = server.only_request();
    assert_eq!(seen.path, format!("/client/v4/accounts/{ACCOUNT}/railguns/a%20b%2Fc%25d/connections"));
    assert_eq!(std::str::from_utf8(&seen.body).unwrap(), format!(r#"{{"zone":{{"id":"{ZONE}"}}}}"#));
}

#[tokio::test]
async fn credentials_are_checked_and_never_shown() {
    let api = V4Api::with_api_key(EMAIL, KEY).unwrap();
    let shown = format!("{api:?} {api:#?}");
    assert!(!shown.contains(KEY) && !shown.contains("k3y"), "{shown}");
    assert!(shown.contains(r#"base_url: "https://api.cloudflare.com/client/v4/""#), "{shown}");
    let api = V4Api::with_api_token(TOKEN).unwrap();
    assert!(!format!("{api:?}").contains("t0ken"));
    let err = V4Api::with_api_key(EMAIL, "line\nbreak-secret").unwrap_err();
    assert_eq!(err.to_string(), "invalid `X-Auth-Key`: cannot be sent in a header");
    let err = V4Api::with_api_token(" ").unwrap_err();
    assert_eq!(err.to_string(), "invalid `Authorization`: must not be empty");
}
