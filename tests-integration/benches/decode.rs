//! What the SDK's decoding of an answer costs against one
//! `serde_json::from_slice` into the same type: the answers of
//! `zone_conn_get_active` (one connection) and `host_get_all` (1,000
//! Railguns), as the emulator sends them, decoded by the path a generated
//! call takes and by a hand-written envelope struct.
//!
//! Both must give the same value. The SDK's path also checks the `act` and,
//! on a bad answer, gives the status, the JSON path and an excerpt, where
//! `from_slice` gives a line and column: the two errors for one bad answer
//! are printed, and the cost of the SDK's error path is printed too (it
//! reads the answer again step by step and blanks secrets out of the whole
//! body before cutting the excerpt, so it is many times the cost of a
//! success: a price paid once per bad answer, bounded by the client's
//! answer size limit). Each
//! round decodes with both, in alternating order; the median of the rounds'
//! ratios is printed. Run with `cargo bench -p tests-integration --bench decode`
//! (`ROUNDS=n` to change the number of rounds).

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use railgun_api::types::{Mode, RailgunListResponse, ZoneConnResponse};
use railgun_api::{Error, PartnerApi, Secret};
use railgun_emulator::{Config, Emulator};
use railgun_runtime::__private::{ActionEndpoint, Answer, Call, Credential, FromSession, Session, builder};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use support::{HOST_KEY, Spread, cpu_time, decode_by_hand};

const RAILGUNS: usize = 1_000;

/// The endpoints as the generated methods declare them.
const ZONE_CONN_GET_ACTIVE: ActionEndpoint = ActionEndpoint {
    action: "zone_conn_get_active",
    act: "railgun_zone_conn_get_active",
    get: true,
    post: true,
    idempotent: true,
    secret_keys: &["host_key"],
};
const HOST_GET_ALL: ActionEndpoint = ActionEndpoint {
    action: "host_get_all",
    act: "railgun_host_get_all",
    get: true,
    post: true,
    idempotent: true,
    secret_keys: &["host_key"],
};

/// A session of the generated client's kind, for its decoding.
struct Raw(Session);

impl FromSession for Raw {
    fn from_session(session: Session) -> Raw {
        Raw(session)
    }
}

/// Decodes `body` as the generated call of `endpoint` does.
fn generated<R: DeserializeOwned>(session: &Session, endpoint: &ActionEndpoint, body: &[u8]) -> Result<R, Error> {
    let request = session.request(endpoint);
    let answer = Answer { status: StatusCode::OK, retry_after: None, body, retryable: false };
    request.decode(&request.scrubber(), &answer)
}

/// CPU time per decoding of `body`, `times` times, by one path.
fn time<T>(times: usize, mut decode: impl FnMut() -> T) -> Duration {
    let started = cpu_time();
    for _ in 0..times {
        black_box(decode());
    }
    (cpu_time() - started) / times as u32
}

/// Rounds of both paths, in alternating order; the spread of the ratios
/// and the mean times per decoding.
fn compare<A, B>(
    rounds: usize,
    times: usize,
    mut sdk: impl FnMut() -> A,
    mut direct: impl FnMut() -> B,
) -> (Spread, Duration, Duration) {
    let (mut ratios, mut total_sdk, mut total_direct) = (Vec::new(), Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let (a, b) = if round % 2 == 0 {
            let a = time(times, &mut sdk);
            (a, time(times, &mut direct))
        } else {
            let b = time(times, &mut direct);
            (time(times, &mut sdk), b)
        };
        total_sdk += a;
        total_direct += b;
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    (Spread::of(ratios), total_sdk / rounds as u32, total_direct / rounds as u32)
}

fn main() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(30);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (small, large, session) = runtime.block_on(async {
        let emulator = Emulator::start(Config::new().host_key(HOST_KEY), "127.0.0.1:0").await.unwrap();
        let api = PartnerApi::builder(HOST_KEY).base_url(emulator.base_url()).build().unwrap();
        let mut first = None;
        for _ in 0..RAILGUNS {
            let rtkn = api.init(None, None).await.unwrap().rtkn;
            emulator.activate(rtkn.expose_secret()).unwrap();
            first.get_or_insert(rtkn);
        }
        api.conn_set("zone.example.com", first.as_ref().unwrap(), Mode::Active).await.unwrap();
        // The bodies, exactly as the emulator sends them.
        let http = railgun_api::http_client_builder().unwrap().build().unwrap();
        let body = |action: &str, zone: Option<&str>| {
            let mut form = vec![("host_key", HOST_KEY)];
            form.extend(zone.map(|z| ("z", z)));
            let request = http.post(format!("{}{action}", emulator.base_url())).form(&form);
            async move { request.send().await.unwrap().bytes().await.unwrap().to_vec() }
        };
        let small = body("zone_conn_get_active", Some("zone.example.com")).await;
        let large = body("host_get_all", None).await;
        let credentials = vec![Credential::secret("host_key", Secret::new(HOST_KEY))];
        let Raw(session) = builder(&emulator.base_url(), credentials, &[]).build().unwrap();
        (small, large, session)
    });

    // Both paths give the same values.
    let sdk_small: ZoneConnResponse = generated(&session, &ZONE_CONN_GET_ACTIVE, &small).unwrap();
    assert_eq!(sdk_small, decode_by_hand::<ZoneConnResponse>(&small).unwrap());
    assert!(sdk_small.connection.active.is_some());
    let sdk_large: RailgunListResponse = generated(&session, &HOST_GET_ALL, &large).unwrap();
    assert_eq!(sdk_large, decode_by_hand::<RailgunListResponse>(&large).unwrap());
    assert_eq!(sdk_large.railguns.railguns.len(), RAILGUNS);

    // One bad answer: the 500th Railgun's id is not a number.
    let text = String::from_utf8(large.clone()).unwrap();
    let id = format!("\"railgun_id\":\"{}\"", sdk_large.railguns.railguns[499].id);
    assert_eq!(text.matches(&id).count(), 1, "the id appears once in {id}");
    let bad = text.replace(&id, "\"railgun_id\":\"five hundred\"").into_bytes();
    let sdk_error = generated::<RailgunListResponse>(&session, &HOST_GET_ALL, &bad).unwrap_err();
    let direct_error = decode_by_hand::<RailgunListResponse>(&bad).unwrap_err();
    let Error::Decode { status, path, .. } = &sdk_error else { panic!("{sdk_error:?}") };
    assert_eq!((*status, path.as_str()), (StatusCode::OK, "response.railguns.objs[499].railgun_id"));

    println!("decoding: the SDK's path / serde_json::from_slice into the same type, {rounds} paired rounds (CPU time)");
    for (label, ratio) in [
        (
            format!("zone_conn_get_active ({} bytes)", small.len()),
            compare(
                rounds,
                20_000,
                || generated::<ZoneConnResponse>(&session, &ZONE_CONN_GET_ACTIVE, &small),
                || decode_by_hand::<ZoneConnResponse>(&small),
            ),
        ),
        (
            format!("host_get_all, {RAILGUNS} Railguns ({} KiB)", large.len() / 1024),
            compare(
                rounds,
                20,
                || generated::<RailgunListResponse>(&session, &HOST_GET_ALL, &large),
                || decode_by_hand::<RailgunListResponse>(&large),
            ),
        ),
        (
            "the same, a bad member: error with path and excerpt / with line and column".to_owned(),
            compare(
                rounds,
                20,
                || generated::<RailgunListResponse>(&session, &HOST_GET_ALL, &bad),
                || decode_by_hand::<RailgunListResponse>(&bad),
            ),
        ),
    ] {
        let (spread, sdk, direct) = ratio;
        println!("  {label}: {:.2} µs / {:.2} µs, ratio {spread}", micros(sdk), micros(direct));
    }
    println!("  the SDK's error:   {}", shorten(&sdk_error.to_string()));
    println!("  from_slice's error: {}", shorten(&direct_error));
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The first 160 characters of an error message.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(160).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}
