//! The v4 client against the emulator: every one of the 26 operations, on
//! the same Railguns as v2 calls (made by one API, seen and changed by the
//! other), each refusal the emulator answers reaching the caller as
//! `Error::ApiErrors` with its status, code and message, and injected
//! faults as the right variant.

#![allow(deprecated)] // the organization endpoints are called on purpose

use futures_util::TryStreamExt;
use railgun_api::reqwest::StatusCode;
use railgun_api::types::Mode;
use railgun_api::v4::V4Api;
use railgun_api::v4::types::{Direction, RailgunStatus};
use railgun_api::{ApiMessage, ClientApi, Error, MalformedKind, PartnerApi, RetryPolicy, Secret};
use railgun_emulator::{Config, Emulator, Faults, Owner, account_id, connection_id, zone_id};

const EMAIL: &str = "user+v4@example.com";
/// The v2 `tkn`, which is also the v4 `X-Auth-Key`: awkward characters on purpose.
const KEY: &str = "k3y/with+plus=and%25~\u{e9}";
const TOKEN: &str = "t0ken.with-dots_and~tilde/slash+plus";
const OTHER_EMAIL: &str = "other@example.com";
const OTHER_KEY: &str = "z9y8x7w6v5u4t3s2r1q0p9o8n7m6l5kk";
const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const ZONES: [&str; 3] = ["example.com", "example.org", "example.net"];

async fn emulator(faults: Faults) -> Emulator {
    let config = Config::new()
        .user_with_api_token(EMAIL, KEY, TOKEN)
        .user(OTHER_EMAIL, OTHER_KEY)
        .host_key(HOST_KEY)
        .zones(ZONES)
        .faults(faults);
    Emulator::start(config, "127.0.0.1:0").await.unwrap()
}

fn v4_key(emu: &Emulator, email: &str, key: &str) -> V4Api {
    V4Api::builder_with_api_key(email, key).base_url(emu.base_url_v4()).build().unwrap()
}

fn v4_token(emu: &Emulator, token: &str) -> V4Api {
    V4Api::builder_with_api_token(token).base_url(emu.base_url_v4()).build().unwrap()
}

fn v2(emu: &Emulator) -> ClientApi {
    ClientApi::builder(EMAIL, KEY).base_url(emu.base_url()).build().unwrap()
}

/// Asserts a `success: false` answer with this status and its one error.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, status: u16, code: i64, message: &str) {
    match result {
        Err(Error::ApiErrors { status: got, errors, .. }) => {
            assert_eq!(got, status, "{errors:?}");
            assert_eq!(errors, [ApiMessage { code: Some(code), message: message.to_owned() }]);
        }
        other => panic!("expected refusal {code}, got {other:?}"),
    }
}

/// A v4 Railgun activated by its daemon, from its `activation_key`.
async fn active_railgun(emu: &Emulator, api: &V4Api, name: &str) -> String {
    let made = api.create_railgun(name).await.unwrap();
    emu.activate(made.activation_key.expose_secret()).unwrap();
    made.id
}

#[tokio::test]
async fn a_railgun_made_by_either_api_is_the_same_railgun_in_the_other() {
    let emu = emulator(Faults::default()).await;
    let v4 = v4_key(&emu, EMAIL, KEY);
    let v2 = v2(&emu);

    // Made by v4: v2 lists it, its v4 id is the v2 tag, its activation key the rtkn.
    let made = v4.create_railgun("edge one").await.unwrap();
    assert_eq!(
        (made.name.as_str(), made.status.clone(), made.enabled),
        ("edge one", RailgunStatus::Initializing, false)
    );
    assert_eq!((made.zones_connected, made.activated_on, made.build.as_deref()), (0, None, None));
    assert_eq!(made.activation_key.expose_secret().len(), 30);
    let listed = v2.user_get_all().await.unwrap().railguns.railguns;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].tag.as_deref(), listed[0].name.as_str()), (Some(made.id.as_str()), "edge one"));
    assert_eq!(listed[0].mode, Some(Mode::Inactive));

    // The activation key is the rtkn: v2 calls take it.
    let rtkn = Secret::new(made.activation_key.expose_secret());
    emu.activate(rtkn.expose_secret()).unwrap();
    v2.conn_set("example.com", &rtkn, Mode::Active).await.unwrap();
    let seen = v4.railgun_details(&made.id).await.unwrap();
    assert_eq!((seen.status, seen.enabled, seen.zones_connected), (RailgunStatus::Active, true, 1));
    assert_eq!((seen.build.as_deref(), seen.version.as_deref()), (Some("2012-10-27-1257"), Some("2.6.0")));
    assert!(seen.activated_on.is_some());

    // Made by v2: v4 lists it after the first, and deletes it; v2 then finds it deleted.
    let second = v2.init("edge two", "Edge two").await.unwrap();
    let page = v4.list_railguns(None, None, None).await.unwrap();
    let names: Vec<&str> = page.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["edge one", "edge two"]);
    let info = page.info.unwrap();
    assert_eq!((info.page, info.per_page, info.count, info.total_count), (Some(1), Some(20), Some(2), Some(2)));
    assert_eq!(page.items[1].activation_key.expose_secret(), second.rtkn.expose_secret());
    let deleted = v4.delete_railgun(&page.items[1].id).await.unwrap();
    assert_eq!(deleted.id, page.items[1].id);
    let err = v2.delete(&second.rtkn).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { msg, .. } if msg == &format!("Railgun {} has been deleted", second.railgun_id))
    );
    assert_eq!(emu.snapshot().railguns[&second.railgun_id], (Owner::User(1), "D"));
    assert_refused(
        v4.railgun_details(&page.items[1].id).await,
        404,
        1001,
        &format!("Railgun '{}' not found", page.items[1].id),
    );

    // v4 switches it off and renames it; v2 sees both.
    let account = account_id(EMAIL);
    let off = v4.enable_or_disable_railgun(&made.id, false).await.unwrap();
    assert!(!off.enabled);
    let renamed = v4.update_account_railgun(&account, &made.id, "edge renamed", true).await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.enabled), ("edge renamed", true));
    let listed = v2.user_get_all().await.unwrap().railguns.railguns;
    assert_eq!((listed[0].name.as_str(), listed[0].mode), ("edge renamed", Some(Mode::Active)));
    v4.enable_or_disable_railgun(&made.id, false).await.unwrap();
    assert_eq!(v2.user_get_all().await.unwrap().railguns.railguns[0].mode, Some(Mode::Inactive));
    assert!(emu.snapshot().enabled.is_empty());
}

#[tokio::test]
async fn zones_and_connections_are_shared_by_both_apis() {
    let emu = emulator(Faults::default()).await;
    let v4 = v4_token(&emu, TOKEN);
    let v2 = v2(&emu);
    let account = account_id(EMAIL);
    let railgun = active_railgun(&emu, &v4, "edge").await;
    let rtkn = Secret::new(v4.railgun_details(&railgun).await.unwrap().activation_key.expose_secret());
    let (com, org, net) = (zone_id(ZONES[0]), zone_id(ZONES[1]), zone_id(ZONES[2]));

    // A zone connected by v2 is connected in v4.
    v2.conn_set("example.com", &rtkn, Mode::Active).await.unwrap();
    let conn = v2.zone_conn_get_active("example.com").await.unwrap().connection.active.unwrap();
    let zones = v4.list_railgun_zones(&railgun).await.unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(
        (zones[0].id.as_str(), zones[0].name.as_str(), zones[0].development_mode),
        (com.as_str(), "example.com", 0)
    );
    let listed = v4.list_connections(&account, &railgun, None, None, None).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    let first = &listed.items[0];
    assert_eq!(first.id, connection_id(conn.id));
    assert_eq!(
        (first.zone.id.as_deref(), first.zone.name.as_deref(), first.enabled),
        (Some(com.as_str()), Some("example.com"), true)
    );
    let details = v4.connection_details(&account, &railgun, &first.id).await.unwrap();
    assert_eq!(&details, first);

    // Disabled by v4, v2 sees the mode; disabled by v2, v4 sees it.
    let off = v4.update_connection(&account, &railgun, &first.id, false).await.unwrap();
    assert!(!off.enabled);
    let active = v2.zone_conn_get_active("example.com").await.unwrap().connection.active.unwrap();
    assert_eq!(active.mode, Some(Mode::Inactive));
    v2.conn_setmode_enabled("example.com", &rtkn).await.unwrap();
    assert!(v4.connection_details(&account, &railgun, &first.id).await.unwrap().enabled);
    v2.conn_setmode_disabled("example.com", &rtkn).await.unwrap();
    let filtered = v4.list_connections(&account, &railgun, Some(true), None, None).await.unwrap();
    assert_eq!((filtered.items.len(), filtered.info.unwrap().total_count), (0, Some(0)));
    let filtered = v4.list_connections(&account, &railgun, Some(false), None, None).await.unwrap();
    assert_eq!(filtered.items.len(), 1);

    // Zone level: what the zone sees, a diagnosis, disconnecting and connecting.
    let seen = v4.list_zone_railguns(&com).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].id.as_str(), seen[0].name.as_str(), seen[0].enabled, seen[0].connected),
        (railgun.as_str(), "edge", true, true)
    );
    let diagnosis = v4.test_zone_railgun_connection(&com, &railgun).await.unwrap();
    assert_eq!((diagnosis.host_name.as_deref(), diagnosis.railgun.as_deref()), (Some("example.com"), Some("off")));
    assert_eq!((diagnosis.http_status, diagnosis.cf_wan_error), (Some(200), None));
    v2.conn_setmode_enabled("example.com", &rtkn).await.unwrap();
    let diagnosis = v4.test_zone_railgun_connection(&com, &railgun).await.unwrap();
    assert_eq!(diagnosis.railgun.as_deref(), Some("on"));
    let gone = v4.connect_or_disconnect_zone_railgun(&com, &railgun, false).await.unwrap();
    assert!(!gone.connected);
    assert!(v2.zone_conn_get_active("example.com").await.unwrap().connection.active.is_none());
    // Disconnecting again changes nothing and is not refused.
    assert!(!v4.connect_or_disconnect_zone_railgun(&com, &railgun, false).await.unwrap().connected);
    let back = v4.connect_or_disconnect_zone_railgun(&org, &railgun, true).await.unwrap();
    assert!(back.connected && v4.zone_railgun_details(&org, &railgun).await.unwrap().connected);
    assert!(!v4.zone_railgun_details(&com, &railgun).await.unwrap().connected);
    let conn = v2.zone_conn_get_active("example.org").await.unwrap().connection.active.unwrap();
    assert_eq!((conn.railgun_id, conn.mode), (1, Some(Mode::Active)));

    // Account connections: made by v4 (disabled), deleted by v4; v2 and the state agree.
    let made = v4.create_connection(&account, &railgun, &net, Some(false)).await.unwrap();
    assert_eq!((made.zone.name.as_deref(), made.enabled), (Some("example.net"), false));
    assert_eq!(emu.snapshot().connections["example.net"], (1, false));
    assert_eq!(v4.railgun_details(&railgun).await.unwrap().zones_connected, 2);
    let removed = v4.delete_connection(&account, &railgun, &made.id).await.unwrap();
    assert_eq!(removed.id, made.id);
    assert!(v2.zone_conn_get_active("example.net").await.unwrap().connection.active.is_none());
    assert_refused(
        v4.connection_details(&account, &railgun, &made.id).await,
        404,
        1001,
        &format!("connection '{}' not found", made.id),
    );
    let snapshot = emu.snapshot();
    assert_eq!(snapshot.connections.keys().collect::<Vec<_>>(), ["example.org"]);

    // Deleting the Railgun by v4 drops its connections for v2 too.
    v4.delete_account_railgun(&account, &railgun).await.unwrap();
    assert!(emu.snapshot().connections.is_empty());
    assert!(v2.zone_conn_get_active("example.org").await.unwrap().connection.active.is_none());
}

#[tokio::test]
async fn account_and_organization_operations_act_on_the_users_railguns() {
    let emu = emulator(Faults::default()).await;
    let v4 = v4_key(&emu, EMAIL, KEY);
    let account = account_id(EMAIL);
    let made = v4.create_account_railgun(&account, "by account").await.unwrap();
    let org = v4.create_organization_railgun(&account, "by organization").await.unwrap();
    assert_eq!(v4.account_railgun_details(&account, &org.id).await.unwrap().name, "by organization");
    assert_eq!(v4.organization_railgun_details(&account, &made.id).await.unwrap().name, "by account");
    let listed = v4.list_account_railguns(&account, None, None, Some(Direction::Desc)).await.unwrap();
    let names: Vec<&str> = listed.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["by organization", "by account"]);
    let listed = v4.list_organization_railguns(&account, None, None, Some(Direction::Asc)).await.unwrap();
    let names: Vec<&str> = listed.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["by account", "by organization"]);

    emu.activate(made.activation_key.expose_secret()).unwrap();
    let off = v4.enable_or_disable_organization_railgun(&account, &made.id, false).await.unwrap();
    assert!(!off.enabled);
    v4.connect_or_disconnect_zone_railgun(&zone_id("example.com"), &made.id, true).await.unwrap();
    let zones = v4.list_organization_railgun_zones(&account, &made.id).await.unwrap();
    assert_eq!(zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["example.com"]);

    assert_eq!(v4.delete_organization_railgun(&account, &made.id).await.unwrap().id, made.id);
    assert_eq!(v4.delete_account_railgun(&account, &org.id).await.unwrap().id, org.id);
    assert_eq!(v4.list_railguns(None, None, None).await.unwrap().items.len(), 0);
    let snapshot = emu.snapshot();
    assert_eq!(snapshot.railguns.values().filter(|(_, status)| *status == "D").count(), 2);
    assert!(snapshot.connections.is_empty());
}

#[tokio::test]
async fn lists_come_in_pages_and_streams_walk_them_all() {
    let emu = emulator(Faults::default()).await;
    let v4 = v4_key(&emu, EMAIL, KEY);
    let v2 = v2(&emu);
    for i in 0..12 {
        if i % 2 == 0 {
            v4.create_railgun(&format!("rg-{i:02}")).await.unwrap();
        } else {
            v2.init(&format!("rg-{i:02}"), "pub").await.unwrap();
        }
    }
    let third = v4.list_railguns(Some(3), Some(5), None).await.unwrap();
    let names: Vec<&str> = third.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["rg-10", "rg-11"]);
    let info = third.info.unwrap();
    assert_eq!((info.page, info.per_page, info.count, info.total_count), (Some(3), Some(5), Some(2), Some(12)));
    let all: Vec<String> =
        v4.list_railguns_stream(Some(5), Some(Direction::Desc)).map_ok(|r| r.name).try_collect().await.unwrap();
    let expected: Vec<String> = (0..12).rev().map(|i| format!("rg-{i:02}")).collect();
    assert_eq!(all, expected);
    assert_eq!(emu.hits("list_railguns"), 4, "one call, then three pages");

    // Connections page too, any length from 1.
    let account = account_id(EMAIL);
    let railgun = active_railgun(&emu, &v4, "many").await;
    let zones: Vec<String> = (0..7).map(|i| format!("zone{i}.example.com")).collect();
    let rtkn = Secret::new(v4.railgun_details(&railgun).await.unwrap().activation_key.expose_secret());
    for zone in &zones {
        v2.conn_set(zone, &rtkn, Mode::Active).await.unwrap();
    }
    let listed: Vec<Option<String>> = v4
        .list_connections_stream(&account, &railgun, None, Some(3))
        .map_ok(|c| c.zone.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, zones.iter().cloned().map(Some).collect::<Vec<_>>());
    assert_eq!(emu.hits("list_connections"), 3);
    // A zone first linked by v2 is known to v4 by its id.
    assert_eq!(v4.list_zone_railguns(&zone_id("zone6.example.com")).await.unwrap().len(), 13);
}

#[tokio::test]
async fn every_refusal_is_a_typed_error_with_status_code_and_message() {
    let emu = emulator(Faults::default()).await;
    let v4 = v4_key(&emu, EMAIL, KEY);
    let other = v4_key(&emu, OTHER_EMAIL, OTHER_KEY);
    let account = account_id(EMAIL);
    let com = zone_id("example.com");

    assert_refused(
        v4_key(&emu, EMAIL, "wrong key").list_railguns(None, None, None).await,
        403,
        9103,
        "Unknown X-Auth-Key or X-Auth-Email",
    );
    assert_refused(
        v4_token(&emu, "wrong token").list_railguns(None, None, None).await,
        403,
        10000,
        "Authentication error",
    );
    assert_refused(
        other.list_account_railguns(&account, None, None, None).await,
        403,
        9109,
        "Unauthorized to access requested resource",
    );

    let pending = v4.create_railgun("pending").await.unwrap();
    assert_refused(
        v4.connect_or_disconnect_zone_railgun(&com, &pending.id, true).await,
        400,
        1004,
        &format!("Railgun '{}' has not been activated yet: start its daemon with its activation_key", pending.id),
    );
    assert_refused(
        v4.create_connection(&account, &pending.id, &com, None).await,
        400,
        1004,
        &format!("Railgun '{}' has not been activated yet: start its daemon with its activation_key", pending.id),
    );
    // Counted by operation and code, as fleet tests rely on.
    assert_eq!((emu.refused("create_connection", "1004"), emu.refused("create_connection", "1003")), (1, 0));
    // Another user's Railgun is not found, as an unknown one is: never shown.
    assert_refused(other.railgun_details(&pending.id).await, 404, 1001, &format!("Railgun '{}' not found", pending.id));
    assert_refused(
        v4.zone_railgun_details(&zone_id("unknown.example"), &pending.id).await,
        404,
        1001,
        &format!("zone '{}' not found", zone_id("unknown.example")),
    );
    assert_refused(
        v4.connection_details(&account, &pending.id, "nope").await,
        404,
        1001,
        "connection 'nope' not found",
    );
    // Beyond the spec's limits, the client refuses before sending; the
    // emulator's own refusals are asserted by
    // requests_the_client_never_sends_are_refused_in_the_v4_envelope.
    let hits = emu.total_hits();
    let err = v4.list_railguns(None, Some(51), None).await.unwrap_err();
    assert_eq!(err.to_string(), "list_railguns: invalid `per_page`: must be between 5 and 50");
    let err = v4.create_railgun(&"\u{e9}".repeat(161)).await.unwrap_err();
    assert_eq!(err.to_string(), "create_railgun: invalid `name`: must be at most 160 characters");
    let err = v4.railgun_details(&"0".repeat(33)).await.unwrap_err();
    assert_eq!(err.to_string(), "railgun_details: invalid `identifier`: must be at most 32 characters");
    assert_eq!(emu.total_hits(), hits);

    // A zone connected elsewhere: one's own Railgun is named, another user's never.
    let first = active_railgun(&emu, &v4, "first").await;
    let second = active_railgun(&emu, &v4, "second").await;
    v4.create_connection(&account, &first, &com, None).await.unwrap();
    assert_refused(
        v4.create_connection(&account, &first, &com, None).await,
        409,
        1003,
        &format!("example.com is already connected to Railgun '{first}': disconnect it first"),
    );
    assert_refused(
        v4.connect_or_disconnect_zone_railgun(&com, &second, true).await,
        409,
        1003,
        &format!("example.com is already connected to Railgun '{first}': disconnect it first"),
    );
    let theirs = active_railgun(&emu, &other, "theirs").await;
    let err = other.connect_or_disconnect_zone_railgun(&com, &theirs, true).await.unwrap_err();
    assert_refused::<()>(
        Err(err),
        409,
        1003,
        "example.com is already connected to another account's Railgun: disconnect it first",
    );
    // A partner's Railgun holds a zone the same way, and is just as unnamed.
    let partner = PartnerApi::builder(HOST_KEY).base_url(emu.base_url()).build().unwrap();
    let hosted = partner.init(None, None).await.unwrap();
    emu.activate(hosted.rtkn.expose_secret()).unwrap();
    partner.conn_set("example.org", &hosted.rtkn, Mode::Active).await.unwrap();
    assert_refused(
        v4.connect_or_disconnect_zone_railgun(&zone_id("example.org"), &second, true).await,
        409,
        1003,
        "example.org is already connected to another account's Railgun: disconnect it first",
    );
    assert_eq!(emu.refused("connect_or_disconnect_zone_railgun", "1003"), 3);
    // Made without `enabled`: disabled, the description's default.
    assert_eq!(emu.snapshot().connections["example.com"], (2, false), "still the first Railgun's");

    // The limit counts characters: 160 of two bytes each are within it.
    assert_eq!(v4.create_railgun(&"\u{e9}".repeat(160)).await.unwrap().name, "\u{e9}".repeat(160));
}

/// What the client cannot send: no credentials, unknown routes, methods a
/// route lacks, pages out of bounds, bodies that are not JSON, miss a
/// member or hold one too long.
#[tokio::test]
async fn requests_the_client_never_sends_are_refused_in_the_v4_envelope() {
    let emu = emulator(Faults::default()).await;
    let http = railgun_api::http_client_builder().unwrap().build().unwrap();
    let url = |path: &str| format!("{}{path}", emu.base_url_v4());
    let send = |request: railgun_api::reqwest::RequestBuilder| async move {
        let answer = request.send().await.unwrap();
        let status = answer.status();
        (status, answer.text().await.unwrap())
    };
    let envelope = |code: u32, message: &str| {
        format!(r#"{{"errors":[{{"code":{code},"message":"{message}"}}],"messages":[],"result":null,"success":false}}"#)
    };
    let keyed =
        |request: railgun_api::reqwest::RequestBuilder| request.header("X-Auth-Email", EMAIL).header("X-Auth-Key", KEY);

    assert_eq!(
        send(http.get(url("railguns"))).await,
        (StatusCode::BAD_REQUEST, envelope(9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"))
    );
    assert_eq!(
        send(http.get(url("railguns")).header("Authorization", "Basic abc")).await,
        (StatusCode::BAD_REQUEST, envelope(6111, "Invalid format for Authorization header"))
    );
    assert_eq!(
        send(keyed(http.get(url("railgunz")))).await,
        (StatusCode::NOT_FOUND, envelope(7000, "No route for that URI"))
    );
    assert_eq!(
        send(keyed(http.put(url("railguns")))).await,
        (StatusCode::METHOD_NOT_ALLOWED, envelope(7001, "method PUT not allowed for this route"))
    );
    assert_eq!(
        send(keyed(http.post(url("railguns")).body("{\"name\": "))).await,
        (StatusCode::BAD_REQUEST, envelope(6007, "Malformed JSON in request body"))
    );
    assert_eq!(
        send(keyed(http.get(url("railguns?per_page=51")))).await,
        (StatusCode::BAD_REQUEST, envelope(1002, "per_page: must be between 5 and 50"))
    );
    assert_eq!(
        send(keyed(http.get(url("railguns?page=0")))).await,
        (StatusCode::BAD_REQUEST, envelope(1002, "page: must be at least 1"))
    );
    let long = serde_json::json!({"name": "n".repeat(161)}).to_string();
    assert_eq!(
        send(keyed(http.post(url("railguns")).body(long))).await,
        (StatusCode::BAD_REQUEST, envelope(1002, "name: must be at most 160 characters"))
    );
    assert_eq!(
        send(keyed(http.post(url("railguns")).body("{}"))).await,
        (StatusCode::BAD_REQUEST, envelope(1002, "name: required"))
    );
    assert_eq!(
        send(keyed(http.patch(url("railguns/abc")).body(r#"{"enabled": "yes"}"#))).await,
        (StatusCode::BAD_REQUEST, envelope(1002, "enabled: must be true or false"))
    );
    assert_eq!(
        send(keyed(http.get(url("railguns?direction=up")))).await,
        (StatusCode::BAD_REQUEST, envelope(1002, "direction: must be one of asc, desc"))
    );
    let account = account_id(EMAIL);
    assert_eq!(
        send(keyed(http.post(url(&format!("accounts/{account}/railguns/abc/connections"))).body(r#"{"zone": {}}"#)))
            .await,
        (StatusCode::BAD_REQUEST, envelope(1002, "zone.id: required"))
    );
    // Nothing was made.
    assert!(emu.snapshot().railguns.is_empty());
}

#[tokio::test]
async fn faults_reach_the_v4_caller_as_the_right_variant() {
    let only = |faults: Faults| async move {
        let emu = emulator(faults).await;
        let v4 = V4Api::builder_with_api_key(EMAIL, KEY)
            .base_url(emu.base_url_v4())
            .retry(RetryPolicy::never())
            .build()
            .unwrap();
        let err = v4.create_railgun("rg").await.unwrap_err();
        (emu, err)
    };
    let (_, err) = only(Faults { server_error: 1.0, ..Faults::default() }).await;
    assert!(
        matches!(&err, Error::ApiErrors { status, errors, .. }
        if *status == 503 && errors == &[ApiMessage { code: Some(1503), message: "Service temporarily unavailable".into() }]),
        "{err:?}"
    );
    assert!(!err.may_have_been_applied());
    let (_, err) = only(Faults { html_page: 1.0, ..Faults::default() }).await;
    assert!(matches!(err, Error::Malformed { kind: MalformedKind::Html, .. }), "{err:?}");
    let (_, err) = only(Faults { truncated: 1.0, ..Faults::default() }).await;
    assert!(matches!(err, Error::Malformed { kind: MalformedKind::Truncated, .. }), "{err:?}");
    let (_, err) = only(Faults { rate_limited: 1.0, retry_after_s: 7, ..Faults::default() }).await;
    assert!(
        matches!(&err, Error::ApiErrors { status, retry_after, .. } if *status == 429 && *retry_after == Some(std::time::Duration::from_secs(7))),
        "{err:?}"
    );

    // Applied, then the answer lost: the Railgun exists, the client says it
    // may have been made, and did not send the call again.
    let emu = emulator(Faults { applied_truncated: 1.0, ..Faults::default() }).await;
    let v4 = v4_key(&emu, EMAIL, KEY);
    let err = v4.create_railgun("made once").await.unwrap_err();
    assert!(err.may_have_been_applied(), "{err:?}");
    assert_eq!(emu.hits("create_railgun"), 1);
    assert_eq!(emu.snapshot().names.values().collect::<Vec<_>>(), ["made once"]);
}
