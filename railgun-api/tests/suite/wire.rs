//! Every documented action × every documented method × both families
//! (35 pairs), against a local server: the exact request on the wire, and
//! the documented example answer decoded into typed values.

use crate::support::{RTKN, Reply, Seen, TKN, TestServer, fixture};
use axum::http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use railgun_api::HttpMethod::{self, Get, Post};
use railgun_api::types::{Mode, RailgunStatus};
use railgun_api::{Error, IpRange, Secret, Timestamp};

/// The credentials as they go on the wire, first in every request.
const CLIENT_AUTH: &str = "email=user%40cloudflare.com&tkn=a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";
const PARTNER_AUTH: &str = "host_key=e111dff66d1fddfda6a888c9992d4366";
const BOTH: &[HttpMethod] = &[Post, Get];

/// Asserts method, path, headers and the parameters byte for byte.
fn assert_wire(seen: &Seen, method: HttpMethod, action: &str, params: &str) {
    assert_eq!(seen.path, format!("/api/v2/railgun/{action}"));
    assert_eq!(seen.header(ACCEPT), Some("application/json"));
    assert_eq!(seen.header(USER_AGENT), Some(railgun_api::DEFAULT_USER_AGENT));
    match method {
        Post => {
            assert_eq!(seen.method, "POST", "{action}");
            assert_eq!(seen.header(CONTENT_TYPE), Some("application/x-www-form-urlencoded"));
            assert_eq!(seen.query, None, "{action}: a POST puts nothing, credentials least of all, in its URL");
            assert_eq!(std::str::from_utf8(&seen.body).unwrap(), params, "{action} POST body");
        }
        Get => {
            assert_eq!(seen.method, "GET", "{action}");
            assert_eq!(seen.header(CONTENT_TYPE), None);
            assert_eq!(seen.query.as_deref(), Some(params), "{action} GET query");
            assert!(seen.body.is_empty(), "{action}: a GET has no body");
        }
    }
}

/// Calls `action` once per method against a server answering the documented
/// example, checks each request, and returns the decoded answer after
/// checking that every method decoded it the same way.
async fn exchange<T: PartialEq + std::fmt::Debug>(
    family: &str,
    action: &str,
    methods: &[HttpMethod],
    params: &str,
    call: impl AsyncFn(&TestServer, HttpMethod) -> Result<T, Error>,
) -> T {
    let auth = if family == "client" { CLIENT_AUTH } else { PARTNER_AUTH };
    let mut answers = Vec::new();
    for &method in methods {
        let server = TestServer::replying(Reply::json(fixture(family, action))).await;
        let answer = call(&server, method).await.unwrap_or_else(|e| panic!("{family} {action} {method:?}: {e}"));
        assert_wire(&server.only_request(), method, action, &format!("{auth}{params}"));
        answers.push(answer);
    }
    let first = answers.remove(0);
    for other in answers {
        assert_eq!(other, first, "{family} {action}: methods decoded differently");
    }
    first
}

fn rtkn() -> Secret {
    Secret::new(RTKN)
}

fn timestamp(text: &str) -> Timestamp {
    text.parse().unwrap()
}

// ------------------------------------------------------------------ Client API

#[tokio::test]
async fn client_init() {
    let answer = exchange("client", "init", BOTH, "&name=my-railgun&pubname=My+Railgun", async |s, m| {
        s.client_api(m).init("my-railgun", "My Railgun").await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
    assert_eq!(answer.railgun_name, "RG_a1b2c3d4e5f6g7h8i9j0k1");
    assert_eq!(answer.railgun_status, RailgunStatus::Initializing);
    assert_eq!(answer.rtkn.expose_secret(), "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp");
}

#[tokio::test]
async fn client_delete() {
    let answer = exchange("client", "delete", BOTH, &format!("&rtkn={RTKN}"), async |s, m| {
        s.client_api(m).delete(&rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn client_user_get_all() {
    let answer = exchange("client", "user_get_all", BOTH, "", async |s, m| s.client_api(m).user_get_all().await).await;
    let list = answer.railguns;
    assert_eq!(list.count, Some(5));
    assert_eq!(list.railguns.len(), 2);

    let active = &list.railguns[0];
    assert_eq!(active.id, 1);
    assert_eq!(active.name, "RG_100f5777999990edb60d2db56627f9");
    assert_eq!(active.pubname.as_deref(), Some("Railgun for example.com"));
    assert_eq!(active.status, RailgunStatus::Verified);
    assert_eq!(active.mode, Some(Mode::Active));
    assert_eq!(active.api_key.as_ref().map(Secret::expose_secret), Some(TKN));
    assert_eq!(active.tag.as_deref(), Some("a18bbbbc555f4g6h2i8j222l711n"));
    assert_eq!(active.kind.as_deref(), Some("user"));
    assert_eq!(active.user_id, Some(1000));
    assert_eq!(active.host_id, None);
    assert_eq!(active.ip, None);
    assert_eq!(active.port, Some(2408));
    assert_eq!(active.rec_id, Some(100));
    assert_eq!(active.rec_name.as_deref(), Some("rg-d65dfffff666a75fd3dea2a7cfeede90.port2408.net"));
    assert_eq!(active.created_on, Some(timestamp("2012-10-27 16:34:37.718746-07")));
    assert_eq!(active.edited_on, Some(timestamp("2012-11-06 13:02:16.153332-08")));
    assert_eq!(active.activated_on, Some(timestamp("2012-11-06 13:02:16.122355-08")));
    assert_eq!(active.deleted_on, None);
    let props = active.props.as_ref().unwrap();
    assert_eq!(props.build.as_deref(), Some("2012-10-27-1257"));
    assert_eq!(props.version.as_deref(), Some("2.6.0"));
    assert_eq!(props.revision.as_deref(), Some("ff3f8f25f5238de327cf34059659de0738399176"));

    let fresh = &list.railguns[1];
    assert_eq!(fresh.id, 178);
    assert_eq!(fresh.status, RailgunStatus::Initializing);
    assert_eq!(fresh.mode, Some(Mode::Inactive));
    assert_eq!(fresh.activated_on, None);
    assert_eq!(fresh.rec_id, None);
    assert_eq!(fresh.rec_name, None);
    assert_eq!(fresh.created_on, Some(timestamp("2012-11-02 00:03:33.17205-07")));
    let props = fresh.props.as_ref().unwrap();
    assert_eq!((&props.build, &props.version, &props.revision), (&None, &None, &None));
}

#[tokio::test]
async fn client_zone_conn_get_active() {
    let answer = exchange("client", "zone_conn_get_active", BOTH, "&z=example.com", async |s, m| {
        s.client_api(m).zone_conn_get_active("example.com").await
    })
    .await;
    let conn = answer.connection.active.expect("the example has an active connection");
    assert_eq!(conn.id, 2);
    assert_eq!(conn.railgun_id, 123);
    assert_eq!(conn.status, Some(RailgunStatus::Verified));
    assert_eq!(conn.mode, Some(Mode::Active));
    assert_eq!(conn.enabled, Some(true));
}

#[tokio::test]
async fn client_conn_set() {
    let params = format!("&z=example.com&rtkn={RTKN}&mode=0");
    let answer = exchange("client", "conn_set", BOTH, &params, async |s, m| {
        s.client_api(m).conn_set("example.com", &rtkn(), Mode::Inactive).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn client_conn_setmode_enabled() {
    let params = format!("&z=example.com&rtkn={RTKN}");
    let answer = exchange("client", "conn_setmode_enabled", BOTH, &params, async |s, m| {
        s.client_api(m).conn_setmode_enabled("example.com", &rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn client_conn_setmode_disabled() {
    let params = format!("&z=example.com&rtkn={RTKN}");
    let answer = exchange("client", "conn_setmode_disabled", BOTH, &params, async |s, m| {
        s.client_api(m).conn_setmode_disabled("example.com", &rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn client_conn_delete() {
    let params = format!("&z=example.com&rtkn={RTKN}");
    let answer = exchange("client", "conn_delete", BOTH, &params, async |s, m| {
        s.client_api(m).conn_delete("example.com", &rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

// ------------------------------------------------------- Optimized Partner API

#[tokio::test]
async fn partner_init() {
    let answer = exchange("partner", "init", BOTH, "&name=my-railgun&pubname=My+Railgun", async |s, m| {
        s.partner_api(m).init(Some("my-railgun"), Some("My Railgun")).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
    assert_eq!(answer.railgun_name, "RG_a1b2c3d4e5f6g7h8i9j0k1");
    assert_eq!(answer.railgun_status, RailgunStatus::Initializing);
    assert_eq!(answer.rtkn.expose_secret(), "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp");
}

#[tokio::test]
async fn partner_init_leaves_out_optional_names() {
    let answer = exchange("partner", "init", BOTH, "", async |s, m| s.partner_api(m).init(None, None).await).await;
    assert_eq!(answer.railgun_id, 1);
    let answer = exchange("partner", "init", BOTH, "&pubname=My+Railgun", async |s, m| {
        s.partner_api(m).init(None, Some("My Railgun")).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn partner_delete() {
    let answer = exchange("partner", "delete", BOTH, &format!("&rtkn={RTKN}"), async |s, m| {
        s.partner_api(m).delete(&rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn partner_host_get_all() {
    let answer =
        exchange("partner", "host_get_all", BOTH, "", async |s, m| s.partner_api(m).host_get_all().await).await;
    let list = answer.railguns;
    assert_eq!(list.count, Some(5));
    let ids: Vec<u64> = list.railguns.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 178]);
    assert_eq!(list.railguns[0].rec_name.as_deref(), Some("rg-d65dfffff666a77fd3dea2a7cfeede90.port2408.net"));
    assert_eq!(list.railguns[1].status, RailgunStatus::Initializing);
}

#[tokio::test]
async fn partner_zone_conn_get_active() {
    let answer = exchange("partner", "zone_conn_get_active", BOTH, "&z=example.com", async |s, m| {
        s.partner_api(m).zone_conn_get_active("example.com").await
    })
    .await;
    let conn = answer.connection.active.expect("the example has an active connection");
    assert_eq!((conn.id, conn.railgun_id, conn.enabled), (2, 123, Some(true)));
}

#[tokio::test]
async fn partner_suggestion_set() {
    let params = format!("&z=example.com&rtkn={RTKN}&auto_enabled=0");
    let answer = exchange("partner", "suggestion_set", BOTH, &params, async |s, m| {
        s.partner_api(m).suggestion_set("example.com", &rtkn(), Mode::Inactive).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn partner_conn_set() {
    let params = format!("&z=example.com&rtkn={RTKN}&mode=0");
    let answer = exchange("partner", "conn_set", BOTH, &params, async |s, m| {
        s.partner_api(m).conn_set("example.com", &rtkn(), Mode::Inactive).await
    })
    .await;
    assert_eq!(answer.railgun_conn_id, 1);
    assert_eq!(answer.railgun_rec_name.as_deref(), Some("rg-d65dfffff666a77fd3dea2a7cfeede90.port2408.net"));
}

#[tokio::test]
async fn partner_conn_setmode_enabled() {
    let params = format!("&z=example.com&rtkn={RTKN}");
    let answer = exchange("partner", "conn_setmode_enabled", BOTH, &params, async |s, m| {
        s.partner_api(m).conn_setmode_enabled("example.com", &rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn partner_conn_setmode_disabled() {
    let params = format!("&z=example.com&rtkn={RTKN}");
    let answer = exchange("partner", "conn_setmode_disabled", BOTH, &params, async |s, m| {
        s.partner_api(m).conn_setmode_disabled("example.com", &rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

#[tokio::test]
async fn partner_conn_delete() {
    let params = format!("&z=example.com&rtkn={RTKN}");
    let answer = exchange("partner", "conn_delete", BOTH, &params, async |s, m| {
        s.partner_api(m).conn_delete("example.com", &rtkn()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1);
}

/// The documented example ranges, as a JSON array, form-encoded.
const IPR: &str = "&ipr=%5B%22203.0.0.0%2F8%22%2C%22208.0.0.0%2F8%22%2C%22207.0.0.7%22%2C%22\
                   be81%3A%3A2c3%3Ab44f%3Afe1e%3A8329%2F112%22%5D";

fn example_ranges() -> Vec<IpRange> {
    ["203.0.0.0/8", "208.0.0.0/8", "207.0.0.7", "BE81::02C3:B44F:FE1E:8329/112"]
        .iter()
        .map(|r| r.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn partner_ipr_set() {
    let params = format!("&rtkn={RTKN}{IPR}");
    let answer = exchange("partner", "ipr_set", &[Post], &params, async |s, m| {
        s.partner_api(m).ipr_set(&rtkn(), &example_ranges()).await
    })
    .await;
    assert_eq!(answer.railgun_id, 1079);
}

#[tokio::test]
async fn ipr_set_is_sent_as_post_even_by_a_get_client() {
    let server = TestServer::replying(Reply::json(fixture("partner", "ipr_set"))).await;
    let answer = server.partner_api(Get).ipr_set(&rtkn(), &example_ranges()).await.unwrap();
    assert_eq!(answer.railgun_id, 1079);
    assert_wire(&server.only_request(), Post, "ipr_set", &format!("{PARTNER_AUTH}&rtkn={RTKN}{IPR}"));
}

// ------------------------------------------------------------- wire tolerance

#[tokio::test]
async fn a_zone_without_a_connection_answers_null() {
    let body = r#"{"msg": null, "result": "success",
                   "response": {"act": "railgun_zone_conn_get_active", "railgun_conn": {"obj": null}}}"#;
    let server = TestServer::replying(Reply::json(body)).await;
    let answer = server.client_api(Post).zone_conn_get_active("example.com").await.unwrap();
    assert_eq!(answer.connection.active, None);
}

#[tokio::test]
async fn numbers_for_strings_missing_optionals_unknown_fields_and_unknown_statuses() {
    let body = r#"{"result": "success", "msg": "ok", "response": {
        "act": "railgun_host_get_all", "brand_new_field": [1, 2],
        "railguns": {"objs": [
            {"railgun_id": 7, "railgun_name": "RG_x", "railgun_status": "P", "railgun_mode": 1,
             "railgun_port": 2408, "railgun_enabled_someday": "t", "cdate": "2024-01-02T03:04:05Z"}
        ]}}}"#;
    let server = TestServer::replying(Reply::json(body)).await;
    let answer = server.partner_api(Post).host_get_all().await.unwrap();
    let list = answer.railguns;
    assert_eq!(list.count, None);
    let railgun = &list.railguns[0];
    assert_eq!(railgun.id, 7);
    assert_eq!(railgun.status, RailgunStatus::Unknown("P".to_owned()));
    assert_eq!(railgun.mode, Some(Mode::Active));
    assert_eq!(railgun.port, Some(2408));
    assert_eq!(railgun.created_on, Some(timestamp("2024-01-02 03:04:05+00")));
    assert_eq!((&railgun.pubname, &railgun.props, &railgun.api_key), (&None, &None, &None));
}
