//! A property test of secret scrubbing: secrets made of every awkward
//! character are sent as the host key and as an `rtkn`, and a hostile
//! server echoes them back in every form it could (plain, form- and
//! percent-encoded in either case, JSON-escaped with `\u` escapes and `\/`,
//! HTML-escaped by name and by number, as Rust's `Debug` writes them, and
//! an all-digit key as a numeric error code), far into long bodies, inside
//! every kind of answer. No form of any secret may appear in any error's
//! `Display`, `Debug` or `source()` chain, nor in any log line. A binary of
//! its own: the log subscriber is global.

mod support;

use std::sync::OnceLock;

use proptest::prelude::*;
use railgun_api::types::Mode;
use railgun_api::{Error, HttpMethod, PartnerApi, RetryPolicy, Secret};
use support::{Reply, Seen, TestServer};

/// Characters that break naive escaping, and some that do not.
const AWKWARD: &[char] = &[
    '"', '\\', '/', '%', '&', '+', '<', '>', '\'', '=', '?', '#', ';', ':', ',', '{', '}', '[', ']', ' ', '\t', '\n',
    '*', '~', '`', '$', 'é', 'ß', '😀', '\u{7f}', '\u{0}', '\u{2028}', 'A', 'z', '0', '9', '-', '_', '.',
];

/// A secret: two letters or digits, then awkward characters and more.
fn secret() -> impl Strategy<Value = String> {
    ("[a-zA-Z0-9]{2}", proptest::collection::vec(proptest::sample::select(AWKWARD), 6..18))
        .prop_map(|(start, rest)| start + &rest.into_iter().collect::<String>())
}

/// Every form in which a server could send `secret` back.
fn echoes(secret: &str) -> Vec<String> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_owned();
    let debug = format!("{secret:?}");
    let percent = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    vec![
        secret.to_owned(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        percent.clone(),
        lower_hex_escapes(&percent),
        json.clone(),
        json.replace('/', "\\/"),
        secret.encode_utf16().map(|u| format!("\\u{u:04x}")).collect(),
        secret.encode_utf16().map(|u| format!("\\u{u:04X}")).collect(),
        secret
            .chars()
            .map(|c| match c {
                '&' => "&amp;".to_owned(),
                '<' => "&lt;".to_owned(),
                '>' => "&gt;".to_owned(),
                '"' => "&quot;".to_owned(),
                '\'' => "&#39;".to_owned(),
                c => c.to_string(),
            })
            .collect(),
        secret.chars().map(|c| format!("&#{};", u32::from(c))).collect(),
        secret.chars().map(|c| format!("&#x{:x};", u32::from(c))).collect(),
        debug[1..debug.len() - 1].to_owned(),
    ]
}

/// `%2F` written `%2f`, the rest untouched.
fn lower_hex_escapes(percent: &str) -> String {
    let mut out = String::new();
    let mut hex = 0;
    for c in percent.chars() {
        if c == '%' {
            hex = 2;
            out.push(c);
        } else if hex > 0 {
            hex -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn logs() -> &'static support::Captured {
    static LOGS: OnceLock<support::Captured> = OnceLock::new();
    LOGS.get_or_init(support::capture_logs)
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap())
}

/// The answer that echoes `all` (every form of every secret the request
/// carried) in the part of an answer the action's error comes from.
fn answer(seen: &Seen, all: &str, digits: &str) -> Reply {
    let quoted = serde_json::to_string(all).unwrap();
    let far = format!("{}{all}", " ".repeat(10_000));
    match seen.path.rsplit('/').next().unwrap() {
        // Error::Api: the message and a textual error code.
        "conn_delete" => Reply::json(format!(r#"{{"result": "error", "msg": {quoted}, "err_code": {quoted}}}"#)),
        // Error::Api with a numeric code: the all-digit key.
        "host_get_all" => Reply::json(format!(r#"{{"result": "error", "msg": "bad key", "err_code": {digits}}}"#)),
        // Error::UnexpectedAct.
        "delete" => Reply::json(format!(r#"{{"result": "success", "response": {{"act": {quoted}}}}}"#)),
        // Error::Decode: serde quotes the bad value, the excerpt shows the body.
        "conn_setmode_enabled" => Reply::json(format!(
            r#"{{"result": "success", "response": {{"act": "railgun_conn_setmode_enabled", "railgun_id": {quoted}}}}}"#
        )),
        // Error::Http, after 10,000 spaces, retried once: a log line per retry.
        "conn_set" => Reply::json(format!("<html>{far}</html>")).status(503),
        // Error::Malformed: an HTML page with status 200.
        "suggestion_set" => Reply::json(format!("<!DOCTYPE html><p>{far}</p>")).content_type("text/html"),
        // Error::Malformed: a body cut short, inside a string.
        "conn_setmode_disabled" => Reply::json(format!(r#"{{"result": "success", "response": {{"act": {quoted}"#)),
        other => panic!("unexpected action {other}"),
    }
}

/// Every text an error shows: Display, Debug (both), each source.
fn texts(err: &Error) -> Vec<String> {
    let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        source = cause.source();
    }
    texts
}

async fn echo_everything(key: String, rtkn: String, digits: String, method: HttpMethod) -> Vec<(String, Error)> {
    // What a request carried is what the server can echo: the key and the
    // rtkn, or (host_get_all, sent with the all-digit key) the digits.
    let all: String = [&key, &rtkn].iter().flat_map(|s| echoes(s)).collect::<Vec<_>>().join(" | ");
    let all_digits = echoes(&digits).join(" | ");
    let server = TestServer::responding({
        let digits = digits.clone();
        move |seen| {
            let echo = if seen.path.ends_with("/host_get_all") { &all_digits } else { &all };
            answer(seen, echo, &digits)
        }
    })
    .await;
    let policy = RetryPolicy::default().max_attempts(2).initial_delay(std::time::Duration::ZERO);
    let api =
        |key: &str| PartnerApi::builder(key).base_url(server.base_url()).method(method).retry(policy).build().unwrap();
    let (api, digit_api) = (api(&key), api(&digits));
    let rtkn = Secret::new(rtkn);
    let zone = "example.com";
    vec![
        ("conn_delete".to_owned(), api.conn_delete(zone, &rtkn).await.unwrap_err()),
        ("host_get_all".to_owned(), digit_api.host_get_all().await.unwrap_err()),
        ("delete".to_owned(), api.delete(&rtkn).await.unwrap_err()),
        ("conn_setmode_enabled".to_owned(), api.conn_setmode_enabled(zone, &rtkn).await.unwrap_err()),
        ("conn_set".to_owned(), api.conn_set(zone, &rtkn, Mode::Active).await.unwrap_err()),
        ("suggestion_set".to_owned(), api.suggestion_set(zone, &rtkn, Mode::Active).await.unwrap_err()),
        ("conn_setmode_disabled".to_owned(), api.conn_setmode_disabled(zone, &rtkn).await.unwrap_err()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_form_of_a_secret_shows_anywhere(
        key in secret(),
        rtkn in secret(),
        digits in "[1-9][0-9]{9,14}",
        get in any::<bool>(),
    ) {
        let logs = logs();
        let method = if get { HttpMethod::Get } else { HttpMethod::Post };
        let errors = runtime().block_on(echo_everything(key.clone(), rtkn.clone(), digits.clone(), method));
        let kinds: Vec<String> =
            errors.iter().map(|(_, e)| format!("{e:?}").split([' ', '{']).next().unwrap().to_owned()).collect();
        prop_assert_eq!(kinds, ["Api", "Api", "UnexpectedAct", "Decode", "Http", "Malformed", "Malformed"]);
        let log = logs.take();
        prop_assert!(log.contains(": retry attempt="), "no retry was logged:\n{}", log);
        for secret in [&key, &rtkn, &digits] {
            for form in echoes(secret) {
                for (action, err) in &errors {
                    for text in texts(err) {
                        prop_assert!(!text.contains(&form), "{} shows {:?} of {:?}:\n{}", action, form, secret, text);
                    }
                }
                prop_assert!(!log.contains(&form), "a log line shows {:?} of {:?}", form, secret);
            }
        }
    }
}
