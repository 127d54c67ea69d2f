//! The generated clients against the emulator: every action of both
//! families over both methods, the lifecycles, ownership, every error the
//! emulator answers reaching the caller as a typed error with its message,
//! and injected faults reaching the caller as the right variant.

use std::time::Duration;

use railgun_api::HttpMethod::{self, Get, Post};
use railgun_api::types::{Mode, RailgunStatus};
use railgun_api::{ClientApi, ErrCode, Error, IpRange, PartnerApi, Secret};
use railgun_emulator::{Config, Emulator, Faults, Owner};

mod lax {
    railgun_runtime::generate_api!("tests/e2e/lax.yaml");
}

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const OTHER_HOST_KEY: &str = "f222eaa77e2aeeaeb7b999d0003e5477";
const EMAIL: &str = "user@cloudflare.com";
const TKN: &str = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5pp";
const OTHER_EMAIL: &str = "other@example.com";
const OTHER_TKN: &str = "z9y8x7w6v5u4t3s2r1q0p9o8n7m6l5kk";

async fn emulator(faults: Faults) -> Emulator {
    let config = Config::new()
        .host_key(HOST_KEY)
        .host_key(OTHER_HOST_KEY)
        .user(EMAIL, TKN)
        .user(OTHER_EMAIL, OTHER_TKN)
        .faults(faults);
    Emulator::start(config, "127.0.0.1:0").await.unwrap()
}

fn partner(emu: &Emulator, key: &str, method: HttpMethod) -> PartnerApi {
    PartnerApi::builder(key).base_url(emu.base_url()).method(method).build().unwrap()
}

fn client(emu: &Emulator, email: &str, tkn: &str, method: HttpMethod) -> ClientApi {
    ClientApi::builder(email, tkn).base_url(emu.base_url()).method(method).build().unwrap()
}

/// Asserts a `result: error` answer with this code and message.
#[track_caller]
fn assert_api_error<T: std::fmt::Debug>(result: Result<T, Error>, code: &str, message: &str) {
    match result {
        Err(Error::Api { status, msg, err_code, .. }) => {
            assert_eq!(status, 200);
            assert_eq!(err_code, Some(ErrCode::Text(code.to_owned())), "{msg}");
            assert_eq!(msg, message);
        }
        other => panic!("expected an {code} error, got {other:?}"),
    }
}

#[tokio::test]
async fn partner_lifecycle_over_both_methods() {
    for method in [Post, Get] {
        let emu = emulator(Faults::default()).await;
        let api = partner(&emu, HOST_KEY, method);
        let zone = "example.com";

        let made = api.init(Some("rg-one"), Some("My Railgun")).await.unwrap();
        assert_eq!((made.railgun_id, made.railgun_name.as_str()), (1, "rg-one"));
        assert_eq!(made.railgun_status, RailgunStatus::Initializing);
        let rtkn = made.rtkn;
        assert_eq!(rtkn.expose_secret().len(), 30);
        let unnamed = api.init(None, None).await.unwrap();
        assert!(unnamed.railgun_name.starts_with("RG_"), "{}", unnamed.railgun_name);

        emu.activate(rtkn.expose_secret()).unwrap();
        let list = api.host_get_all().await.unwrap().railguns;
        assert_eq!(list.count, Some(2));
        let mine = &list.railguns[0];
        assert_eq!((mine.id, mine.status.clone(), mine.mode), (1, RailgunStatus::Verified, Some(Mode::Active)));
        assert_eq!(mine.pubname.as_deref(), Some("My Railgun"));
        assert_eq!(mine.host_id, Some(1));
        assert!(mine.activated_on.is_some() && mine.created_on.is_some());
        assert_eq!(list.railguns[1].status, RailgunStatus::Initializing);

        // auto_enabled = 1 exposes, connects and enables at once.
        assert_eq!(api.suggestion_set(zone, &rtkn, Mode::Active).await.unwrap().railgun_id, 1);
        let conn = api.zone_conn_get_active(zone).await.unwrap().connection.active.unwrap();
        assert_eq!((conn.railgun_id, conn.enabled, conn.mode), (1, Some(true), Some(Mode::Active)));
        assert_eq!(conn.status, Some(RailgunStatus::Verified));

        assert_eq!(api.conn_setmode_disabled(zone, &rtkn).await.unwrap().railgun_id, 1);
        let conn = api.zone_conn_get_active(zone).await.unwrap().connection.active.unwrap();
        assert_eq!((conn.enabled, conn.mode), (Some(false), Some(Mode::Inactive)));
        assert_eq!(api.conn_setmode_enabled(zone, &rtkn).await.unwrap().railgun_id, 1);
        assert_eq!(emu.snapshot().connections[zone], (1, true));

        assert_eq!(api.conn_delete(zone, &rtkn).await.unwrap().railgun_id, 1);
        assert_eq!(api.zone_conn_get_active(zone).await.unwrap().connection.active, None);

        let set = api.conn_set(zone, &rtkn, Mode::Inactive).await.unwrap();
        let rec_name = set.railgun_rec_name.unwrap();
        assert!(rec_name.starts_with("rg-") && rec_name.ends_with(".port2408.net"), "{rec_name}");
        assert_eq!(emu.snapshot().connections[zone], (1, false));

        let ranges: Vec<IpRange> =
            ["203.0.0.0/8", "207.0.0.7", "BE81::02C3:B44F:FE1E:8329/112"].iter().map(|r| r.parse().unwrap()).collect();
        assert_eq!(api.ipr_set(&rtkn, &ranges).await.unwrap().railgun_id, 1);
        assert_eq!(emu.snapshot().ranges[&1], ["203.0.0.0/8", "207.0.0.7", "be81::2c3:b44f:fe1e:8329/112"]);

        assert_eq!(api.delete(&rtkn).await.unwrap().railgun_id, 1);
        let snap = emu.snapshot();
        assert_eq!(snap.railguns[&1], (Owner::Host(1), "D"));
        assert!(snap.connections.is_empty(), "{snap:?}");
        let ids: Vec<u64> = api.host_get_all().await.unwrap().railguns.railguns.iter().map(|r| r.id).collect();
        assert_eq!(ids, [2], "a deleted Railgun is no longer listed");
    }
}

#[tokio::test]
async fn a_zone_is_one_zone_however_its_name_is_cased() {
    let emu = emulator(Faults::default()).await;
    let api = partner(&emu, HOST_KEY, Post);
    let rtkn = api.init(None, None).await.unwrap().rtkn;
    emu.activate(rtkn.expose_secret()).unwrap();

    let first = api.conn_set("Example.COM", &rtkn, Mode::Active).await.unwrap().railgun_conn_id;
    let conn = api.zone_conn_get_active("example.com").await.unwrap().connection.active.unwrap();
    assert_eq!((conn.id, conn.railgun_id), (first, 1));
    let again = api.conn_set("EXAMPLE.com", &rtkn, Mode::Inactive).await.unwrap().railgun_conn_id;
    assert_eq!(again, first, "the same zone keeps its connection");
    assert_eq!(emu.snapshot().connections.into_iter().collect::<Vec<_>>(), [("example.com".to_owned(), (1, false))]);
    assert_eq!(railgun_emulator::zone_id("Example.COM"), railgun_emulator::zone_id("example.com"));

    api.conn_delete("example.Com", &rtkn).await.unwrap();
    assert!(emu.snapshot().connections.is_empty());
}

#[tokio::test]
async fn client_lifecycle_over_both_methods() {
    for method in [Post, Get] {
        let emu = emulator(Faults::default()).await;
        let api = client(&emu, EMAIL, TKN, method);
        let zone = "example.org";

        let made = api.init("client-rg", "Client Railgun").await.unwrap();
        assert_eq!(made.railgun_status, RailgunStatus::Initializing);
        let rtkn = made.rtkn;
        assert_api_error(
            api.conn_set(zone, &rtkn, Mode::Active).await,
            "E_NOT_ACTIVE",
            "Railgun 1 has not been activated yet: start the daemon with its rtkn",
        );
        emu.activate(rtkn.expose_secret()).unwrap();

        let list = api.user_get_all().await.unwrap().railguns;
        assert_eq!(list.railguns.len(), 1);
        assert_eq!((list.railguns[0].user_id, list.railguns[0].kind.as_deref()), (Some(1), Some("user")));

        assert_eq!(api.conn_set(zone, &rtkn, Mode::Active).await.unwrap().railgun_id, 1);
        assert_eq!(api.zone_conn_get_active(zone).await.unwrap().connection.active.unwrap().enabled, Some(true));
        assert_eq!(api.conn_setmode_disabled(zone, &rtkn).await.unwrap().railgun_id, 1);
        assert_eq!(api.conn_setmode_enabled(zone, &rtkn).await.unwrap().railgun_id, 1);
        assert_eq!(emu.snapshot().connections[zone], (1, true));
        assert_eq!(api.conn_delete(zone, &rtkn).await.unwrap().railgun_id, 1);
        assert_eq!(api.zone_conn_get_active(zone).await.unwrap().connection.active, None);
        assert_eq!(api.delete(&rtkn).await.unwrap().railgun_id, 1);
        assert_eq!(emu.snapshot().railguns[&1], (Owner::User(1), "D"));
        assert_eq!(api.user_get_all().await.unwrap().railguns.count, Some(0));
    }
}

#[tokio::test]
async fn one_account_cannot_touch_another_accounts_railgun() {
    let emu = emulator(Faults::default()).await;
    let owner = partner(&emu, HOST_KEY, Post);
    let rtkn = owner.init(None, None).await.unwrap().rtkn;
    emu.activate(rtkn.expose_secret()).unwrap();
    owner.conn_set("example.com", &rtkn, Mode::Active).await.unwrap();
    let before = emu.snapshot();

    // The refusal does not name the other account's Railgun.
    let forbidden = "this rtkn's Railgun belongs to another account";
    let other_host = partner(&emu, OTHER_HOST_KEY, Get);
    assert_api_error(other_host.delete(&rtkn).await, "E_FORBIDDEN", forbidden);
    assert_api_error(other_host.conn_set("example.net", &rtkn, Mode::Active).await, "E_FORBIDDEN", forbidden);
    assert_api_error(other_host.suggestion_set("example.net", &rtkn, Mode::Active).await, "E_FORBIDDEN", forbidden);
    assert_api_error(other_host.conn_setmode_disabled("example.com", &rtkn).await, "E_FORBIDDEN", forbidden);
    assert_api_error(other_host.conn_delete("example.com", &rtkn).await, "E_FORBIDDEN", forbidden);
    let range = ["203.0.0.0/8".parse().unwrap()];
    assert_api_error(other_host.ipr_set(&rtkn, &range).await, "E_FORBIDDEN", forbidden);
    let user = client(&emu, EMAIL, TKN, Post);
    assert_api_error(user.delete(&rtkn).await, "E_FORBIDDEN", forbidden);
    assert_api_error(user.conn_setmode_disabled("example.com", &rtkn).await, "E_FORBIDDEN", forbidden);

    // Nor see it.
    assert_eq!(other_host.host_get_all().await.unwrap().railguns.count, Some(0));
    assert_eq!(user.user_get_all().await.unwrap().railguns.count, Some(0));
    assert_eq!(other_host.zone_conn_get_active("example.com").await.unwrap().connection.active, None);
    assert_eq!(emu.snapshot(), before, "refused calls changed nothing");
}

#[tokio::test]
async fn every_emulator_error_reaches_the_caller_typed() {
    let emu = emulator(Faults::default()).await;
    let api = partner(&emu, HOST_KEY, Post);
    let rtkn = api.init(None, None).await.unwrap().rtkn;
    emu.activate(rtkn.expose_secret()).unwrap();

    // Credentials.
    assert_api_error(partner(&emu, "not-a-key", Get).host_get_all().await, "E_UNAUTH", "invalid host_key");
    assert_api_error(client(&emu, EMAIL, "wrong", Post).user_get_all().await, "E_UNAUTH", "invalid email or tkn");

    // Tokens.
    let unknown = Secret::new("000000000000000000000000000000");
    assert_api_error(api.delete(&unknown).await, "E_UNKNOWN_RTKN", "no Railgun has this rtkn");
    let doomed = api.init(None, None).await.unwrap().rtkn;
    api.delete(&doomed).await.unwrap();
    assert_api_error(api.conn_delete("example.com", &doomed).await, "E_RAILGUN_DELETED", "Railgun 2 has been deleted");

    // A zone without a connection, and parameters the emulator refuses.
    assert_api_error(
        api.conn_setmode_enabled("example.com", &rtkn).await,
        "E_NO_CONNECTION",
        "example.com has no Railgun connection",
    );
    assert_api_error(
        api.conn_delete("example.com", &rtkn).await,
        "E_NO_CONNECTION",
        "example.com has no Railgun connection",
    );
    // The emulator counts refusals by action and code (other tests assert
    // that unsafe calls were never refused: the count must be real).
    assert_eq!((emu.refused("conn_delete", "E_NO_CONNECTION"), emu.refused("conn_delete", "E_UNAUTH")), (1, 0));

    // What only a client without checks can send.
    let lax = lax::LaxPartnerApi::builder(HOST_KEY).base_url(emu.base_url()).build().unwrap();
    assert_api_error(
        lax.suggestion_set("not a domain", &rtkn, lax::types::RawMode::Active).await,
        "E_INVALID_PARAM",
        "z: 'not a domain' is not a domain name",
    );
    assert_api_error(lax.conn_set("example.com", &rtkn).await, "E_MISSING_PARAM", "missing parameter 'mode'");
    assert_api_error(
        lax.suggestion_set("example.com", &rtkn, lax::types::RawMode::Turbo).await,
        "E_INVALID_PARAM",
        "auto_enabled must be 1 or 0, not '2'",
    );
    assert_api_error(
        lax.ipr_set(&rtkn, "203.0.0.0/8").await,
        "E_INVALID_IPR",
        "ipr: must be a JSON array of strings, such as [\"203.0.0.0/8\"]",
    );
    assert_api_error(
        lax.ipr_set(&rtkn, r#"["10.0.0.0/7"]"#).await,
        "E_INVALID_IPR",
        "ipr: '10.0.0.0/7': netmasks must be between 8 and 32 bits",
    );
    assert_api_error(lax.conn_get_all().await, "E_UNKNOWN_ACTION", "unknown action 'conn_get_all'");
    let lax_get = lax::LaxPartnerGetApi::builder(HOST_KEY).base_url(emu.base_url()).build().unwrap();
    assert_api_error(lax_get.ipr_set(&rtkn, r#"["203.0.0.0/8"]"#).await, "E_METHOD", "ipr_set accepts POST only");
    let lax_client = lax::LaxClientApi::builder(EMAIL, TKN).base_url(emu.base_url()).build().unwrap();
    assert_api_error(
        lax_client.suggestion_set("example.com", &rtkn, lax::types::RawMode::Active).await,
        "E_UNKNOWN_ACTION",
        "the Client API has no action 'suggestion_set'",
    );

    // None of it changed anything but the deletion.
    let snap = emu.snapshot();
    assert_eq!(snap.railguns.values().map(|(_, s)| *s).collect::<Vec<_>>(), ["V", "D"]);
    assert!(snap.connections.is_empty() && snap.ranges.is_empty() && snap.suggestions.is_empty(), "{snap:?}");
}

#[tokio::test]
async fn injected_faults_reach_the_caller_as_the_right_variant() {
    use railgun_emulator::Fault;
    let cases: [(Faults, &str, bool); 7] = [
        (Faults { server_error: 1.0, ..Faults::default() }, "Http", false),
        (Faults { rate_limited: 1.0, retry_after_s: 9, ..Faults::default() }, "Http", false),
        (Faults { html_page: 1.0, ..Faults::default() }, "Malformed", false),
        (Faults { truncated: 1.0, ..Faults::default() }, "Malformed", false),
        (Faults { dropped: 1.0, ..Faults::default() }, "Transport", false),
        (Faults { applied_truncated: 1.0, ..Faults::default() }, "Malformed", true),
        (Faults { applied_dropped: 1.0, ..Faults::default() }, "Transport", true),
    ];
    for (faults, variant, applied) in cases {
        let emu = emulator(faults.clone()).await;
        // init is not safe to repeat: one attempt, unless the answer was a 429.
        let api = PartnerApi::builder(HOST_KEY)
            .base_url(emu.base_url())
            .retry(railgun_api::RetryPolicy::never())
            .build()
            .unwrap();
        let err = api.init(None, None).await.unwrap_err();
        let got = format!("{err:?}");
        assert!(got.starts_with(variant), "{faults:?} gave {got}");
        assert!(err.is_retryable(), "{err:?}");
        assert_eq!(emu.snapshot().railguns.len(), usize::from(applied), "{faults:?}");
        assert_eq!(err.may_have_been_applied(), faults.rate_limited == 0.0, "{err:?}");
        if faults.rate_limited > 0.0 {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(9)));
            assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
        }
        assert_eq!(emu.hits("init"), 1);
    }

    // A truncated answer is cut at a character boundary, whatever the action.
    let emu = emulator(Faults { truncated: 1.0, ..Faults::default() }).await;
    let url = format!("{}%C3%BCn%C3%AFc%C3%B6d%C3%A9", emu.base_url());
    let http = railgun_api::http_client_builder().unwrap().build().unwrap();
    let answer = http.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.text().await.unwrap();
    let whole = r#"{"msg":null,"response":{"act":"railgun_ünïcödé","railgun_id":"0"},"result":"success"}"#;
    assert!(whole.starts_with(&body) && body.len() <= whole.len() / 2 && body.len() + 2 >= whole.len() / 2, "{body}");
    assert_eq!(emu.hits_with("ünïcödé", Some(Fault::Truncated)), 1);

    let emu = emulator(Faults { latency_ms: 2_000, ..Faults::default() }).await;
    let api =
        PartnerApi::builder(HOST_KEY).base_url(emu.base_url()).timeout(Duration::from_millis(100)).build().unwrap();
    let err = api.host_get_all().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}
