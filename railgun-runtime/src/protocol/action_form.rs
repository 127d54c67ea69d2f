//! Actions (as Cloudflare Railgun's v2 API has them, in `railgun-api`):
//! `POST base_url/<action>` with the parameters as a
//! form body, or `GET base_url/<action>?<parameters>`; the answer is
//! `{"result": "success"|"error", "msg", "err_code", "response": {"act", …}}`.
//! Decoding is pure, so every failure mode is unit-tested here.

use std::borrow::Cow;

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{Answer, Arguments, Call, Endpoint, Pairs};
use crate::HttpMethod;
use crate::error::{ErrCode, Error};
use crate::redact::Scrubber;
use crate::settings::Settings;
use crate::wire::{ListEncoding, ToParam};

/// What the generated code knows about one action.
#[derive(Debug)]
pub struct ActionEndpoint {
    /// The action: last path segment.
    pub action: &'static str,
    /// The `act` a successful answer carries.
    pub act: &'static str,
    /// Documented for GET.
    pub get: bool,
    /// Documented for POST.
    pub post: bool,
    /// Safe to repeat: sending it twice does what sending it once does.
    pub idempotent: bool,
    /// Wire names whose values are secret, in the request or the answer.
    pub secret_keys: &'static [&'static str],
}

/// The parameters of one call, credentials first, in spec order.
pub struct ActionRequest<'a> {
    endpoint: &'a ActionEndpoint,
    pairs: Pairs<'a>,
    args: Arguments<'a>,
}

impl Endpoint for ActionEndpoint {
    type Request<'a> = ActionRequest<'a>;

    fn start<'a>(&'a self, settings: &'a Settings) -> ActionRequest<'a> {
        let fields = settings.credentials.iter().filter_map(|c| c.form_field());
        ActionRequest {
            endpoint: self,
            pairs: fields.map(|(name, text)| (name, Cow::Borrowed(text))).collect(),
            args: Arguments::new(self.action, settings),
        }
    }
}

impl<'a> ActionRequest<'a> {
    /// Adds a parameter, or refuses it with [`Error::InvalidInput`].
    pub fn param<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &'a T) -> Result<(), Error> {
        self.args.push(&mut self.pairs, name, value)
    }

    /// Adds a list parameter as one value, or refuses it.
    pub fn param_list<T: ToParam>(
        &mut self,
        name: &'static str,
        values: &'a [T],
        encoding: ListEncoding,
    ) -> Result<(), Error> {
        self.args.push_list(&mut self.pairs, name, values, encoding)
    }
}

impl Call for ActionRequest<'_> {
    fn action(&self) -> &'static str {
        self.endpoint.action
    }

    fn idempotent(&self) -> bool {
        self.endpoint.idempotent
    }

    fn http(&self, settings: &Settings) -> Result<(reqwest::RequestBuilder, &'static str), Error> {
        let endpoint = self.endpoint;
        let use_get = match settings.method {
            HttpMethod::Get => endpoint.get || !endpoint.post,
            HttpMethod::Post => !endpoint.post,
        };
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.pairs.iter().map(|(k, v)| (*k, v.as_ref())))
            .finish();
        let mut url = settings.base_url.join(endpoint.action).map_err(|e| Error::InvalidInput {
            action: Some(endpoint.action),
            param: "base_url",
            reason: e.to_string(),
        })?;
        Ok(if use_get {
            url.set_query(Some(&encoded));
            (settings.http.get(url), "GET")
        } else {
            let post = settings
                .http
                .post(url)
                .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
                .body(encoded);
            (post, "POST")
        })
    }

    fn scrubber(&self) -> Scrubber<'_> {
        self.args.scrubber(self.endpoint.secret_keys)
    }

    fn decode<R: DeserializeOwned>(&self, scrubber: &Scrubber<'_>, answer: &Answer<'_>) -> Result<R, Error> {
        let exchange = Exchange { action: self.endpoint.action, act: self.endpoint.act, scrubber };
        decode(&exchange, answer)
    }
}

/// What is known about the exchange an answer belongs to.
struct Exchange<'s, 'a> {
    action: &'static str,
    act: &'static str,
    scrubber: &'s Scrubber<'a>,
}

/// The envelope every answer comes in. Its members are kept as the raw
/// JSON text they are: the answer is decoded straight into the endpoint's
/// type, never into a tree of `serde_json::Value`s, so memory stays a small
/// multiple of the answer's size.
#[derive(Deserialize)]
struct Envelope<'b> {
    result: String,
    #[serde(default, borrow)]
    msg: Option<&'b RawValue>,
    #[serde(default, borrow)]
    response: Option<&'b RawValue>,
    #[serde(default, borrow)]
    err_code: Option<&'b RawValue>,
}

/// The `act` of a `response` object; its other members are skipped.
#[derive(Deserialize)]
struct ActOf<'b> {
    #[serde(default, borrow)]
    act: Option<&'b RawValue>,
}

/// Decodes an answer into `R`, the endpoint's response type: [`fast`],
/// which picks the `act` up on the way, else [`careful`].
fn decode<R: DeserializeOwned>(ex: &Exchange<'_, '_>, answer: &Answer<'_>) -> Result<R, Error> {
    super::decode_answer(answer, |body| fast(ex.act, body), || careful(ex, answer))
}

/// A successful answer, envelope and all, decoded in one pass: `Some` only
/// when `careful` would decode the same value from it.
fn fast<R: DeserializeOwned>(act: &str, body: &[u8]) -> Option<R> {
    let envelope: FastEnvelope<'_, R> = serde_json::from_slice(body).ok()?;
    let response = envelope.response?;
    (envelope.result == "success" && response.act.as_deref() == Some(act)).then_some(response.value)
}

/// The envelope, as [`fast`] reads it: `msg` and `err_code` matter only in
/// refusals.
#[derive(Deserialize)]
#[serde(bound = "R: DeserializeOwned")]
struct FastEnvelope<'b, R> {
    #[serde(borrow)]
    result: Cow<'b, str>,
    response: Option<act::WithAct<R>>,
}

/// Decodes an answer step by step: the envelope, then `result`, then the
/// `act`, then the response, each failure its own error.
fn careful<R: DeserializeOwned>(ex: &Exchange<'_, '_>, answer: &Answer<'_>) -> Result<R, Error> {
    let (action, status, scrubber) = (ex.action, answer.status, ex.scrubber);
    if !status.is_success() {
        return Err(Error::Http {
            action,
            status,
            excerpt: scrubber.excerpt(answer.body),
            retry_after: answer.retry_after,
            retryable: answer.retryable,
        });
    }
    let decode_error = |path: &str, message: String| super::decode_error(action, scrubber, answer, path, &message);

    let mut json = serde_json::Deserializer::from_slice(answer.body);
    let envelope: Envelope<'_> = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| super::unreadable(action, scrubber, answer, e.inner(), &e.path().to_string()))?;
    json.end().map_err(|e| super::unreadable(action, scrubber, answer, &e, "."))?;

    match envelope.result.as_str() {
        "success" => {}
        "error" => {
            let msg = match envelope.msg {
                None => "(no message)".to_owned(),
                Some(raw) => serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned()),
            };
            let err_code = envelope.err_code.map(|raw| {
                if let Ok(number) = serde_json::from_str::<i64>(raw.get()) {
                    return scrubber.number(number).map_or_else(ErrCode::Text, ErrCode::Number);
                }
                let text = serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned());
                ErrCode::Text(scrubber.scrub(&text))
            });
            return Err(Error::Api { action, status, msg: scrubber.scrub(&msg), err_code });
        }
        other => {
            return Err(decode_error("result", format!("expected \"success\" or \"error\", found {other:?}")));
        }
    }

    let response = envelope.response.map(RawValue::get).unwrap_or("null");
    if !response.trim_start().starts_with('{') {
        return Err(decode_error("response", "expected an object with the answer".into()));
    }
    let act = serde_json::from_str::<ActOf<'_>>(response).map_err(|e| decode_error("response", e.to_string()))?.act;
    match act.map(|raw| serde_json::from_str::<String>(raw.get())) {
        Some(Ok(act)) if act == ex.act => {}
        Some(Ok(act)) => {
            return Err(Error::UnexpectedAct { action, status, expected: ex.act, found: scrubber.scrub(&act) });
        }
        Some(Err(_)) => return Err(decode_error("response.act", "expected a string".into())),
        None => return Err(decode_error("response", "missing field `act`".into())),
    }
    let mut json = serde_json::Deserializer::from_str(response);
    serde_path_to_error::deserialize(&mut json)
        .map_err(|e| decode_error(&super::member_path("response", e.path()), super::member_message(e.inner())))
}

/// Reading a response object's `act` while the response type reads the
/// rest, in the same pass.
mod act {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
    use serde::{Deserialize, forward_to_deserialize_any};

    /// A response of type `R` and its `act`, if it has one.
    pub(super) struct WithAct<R> {
        pub(super) value: R,
        pub(super) act: Option<String>,
    }

    impl<'de, R: Deserialize<'de>> Deserialize<'de> for WithAct<R> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut act = None;
            let value = R::deserialize(Capture { inner: deserializer, act: &mut act })?;
            Ok(WithAct { value, act })
        }
    }

    /// Hands an object to `R`'s visitor through [`ActMap`]. Only objects:
    /// anything else is refused (and read again by the careful path).
    struct Capture<'c, D> {
        inner: D,
        act: &'c mut Option<String>,
    }

    impl<'de, D: Deserializer<'de>> Deserializer<'de> for Capture<'_, D> {
        type Error = D::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.inner.deserialize_map(ActVisitor { inner: visitor, act: self.act })
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, D::Error> {
            self.inner.deserialize_struct(name, fields, ActVisitor { inner: visitor, act: self.act })
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    struct ActVisitor<'c, V> {
        inner: V,
        act: &'c mut Option<String>,
    }

    impl<'de, V: Visitor<'de>> Visitor<'de> for ActVisitor<'_, V> {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.inner.expecting(f)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
            self.inner.visit_map(ActMap { map, act: self.act, at_act: false })
        }
    }

    /// The members of a response object; `act`'s value is kept on its way
    /// to `R`.
    struct ActMap<'c, A> {
        map: A,
        act: &'c mut Option<String>,
        at_act: bool,
    }

    impl<'de, A: MapAccess<'de>> MapAccess<'de> for ActMap<'_, A> {
        type Error = A::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
            let Some(Key(key)) = self.map.next_key::<Key<'de>>()? else { return Ok(None) };
            self.at_act = key == "act";
            seed.deserialize(key.as_ref().into_deserializer()).map(Some)
        }

        fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
            if !std::mem::take(&mut self.at_act) {
                return self.map.next_value_seed(seed);
            }
            if self.act.is_some() {
                return Err(de::Error::duplicate_field("act"));
            }
            let act: String = self.map.next_value()?;
            let value = seed.deserialize(act.as_str().into_deserializer())?;
            *self.act = Some(act);
            Ok(value)
        }

        fn size_hint(&self) -> Option<usize> {
            self.map.size_hint()
        }
    }

    /// A member's name, borrowed from the answer when it has no escapes.
    struct Key<'de>(std::borrow::Cow<'de, str>);

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(KeyVisitor(PhantomData))
        }
    }

    struct KeyVisitor<'de>(PhantomData<&'de ()>);

    impl<'de> Visitor<'de> for KeyVisitor<'de> {
        type Value = Key<'de>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a member name")
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
            Ok(Key(v.into()))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
            Ok(Key(v.to_owned().into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::*;
    use crate::error::MalformedKind;
    use crate::retry::StatusSet;

    #[derive(Debug, Deserialize, PartialEq)]
    struct IdOnly {
        #[serde(deserialize_with = "crate::wire::required")]
        widget_id: u64,
    }

    fn run(status: u16, body: &str) -> Result<IdOnly, Error> {
        let scrubber = Scrubber { values: vec!["s3cr3t-token"], keys: &["token"] };
        let exchange = Exchange { action: "conn_set", act: "widget_set", scrubber: &scrubber };
        let answer = {
            let status = StatusCode::from_u16(status).unwrap();
            Answer { status, retry_after: None, body: body.as_bytes(), retryable: StatusSet::DEFAULT.contains(status) }
        };
        decode(&exchange, &answer)
    }

    /// The `act` is also a member of this type.
    #[derive(Debug, Deserialize, PartialEq)]
    struct WithActField {
        act: String,
        #[serde(default)]
        note: Option<String>,
    }

    /// Whether the one-pass reading took `body` (`Some`), and what the
    /// careful reading makes of it; they must agree whenever the first did.
    fn both<R: DeserializeOwned + PartialEq + std::fmt::Debug>(body: &str) -> (bool, Result<R, Error>) {
        let scrubber = Scrubber { values: vec![], keys: &[] };
        let exchange = Exchange { action: "conn_set", act: "widget_set", scrubber: &scrubber };
        let answer = Answer { status: StatusCode::OK, retry_after: None, body: body.as_bytes(), retryable: false };
        let careful = careful::<R>(&exchange, &answer);
        let fast = fast::<R>("widget_set", body.as_bytes());
        if let Some(value) = &fast {
            assert_eq!(careful.as_ref().ok(), Some(value), "the fast path decoded {body} differently");
        }
        (fast.is_some(), careful)
    }

    #[test]
    fn the_one_pass_reading_agrees_with_the_careful_one() {
        let taken = |body: &str| both::<IdOnly>(body).0;
        // Taken: successes, whatever the order of members or how `act` is written.
        assert!(taken(r#"{"result":"success","response":{"act":"widget_set","widget_id":"7"}}"#));
        assert!(taken(
            r#"{"response":{"widget_id":7,"act":"widget_set","x":[1,{}]},"msg":{"a":1},"result":"success"}"#
        ));
        assert!(taken(r#"{"result":"success","response":{"\u0061ct":"widget_set","widget_id":"7"}}"#));
        assert!(taken(r#"{"result":"succ\u0065ss","response":{"act":"widget_set","widget_id":"7"}}"#));
        // Left to the careful reading, which refuses each of them.
        for body in [
            r#"{"result":"error","msg":"no","response":{"act":"widget_set","widget_id":"7"}}"#,
            r#"{"result":"success","response":{"act":"widget_delete","widget_id":"7"}}"#,
            r#"{"result":"success","response":{"widget_id":"7"}}"#,
            r#"{"result":"success","response":{"act":"widget_set","act":"widget_set","widget_id":"7"}}"#,
            r#"{"result":"success","response":{"act":5,"widget_id":"7"}}"#,
            r#"{"result":"success","response":["widget_set","7"]}"#,
            r#"{"result":"success","response":null}"#,
            r#"{"result":"success"}"#,
            r#"{"result":"success","response":{"act":"widget_set","widget_id":"7"}} x"#,
            r#"{"result":"success","response":{"act":"widget_set","widget_id":"seven"}}"#,
        ] {
            let (taken, careful) = both::<IdOnly>(body);
            assert!(!taken, "the fast path took {body}");
            assert!(careful.is_err(), "{body} decoded as {careful:?}");
        }
        // A response type with a member named `act` still gets it.
        let body = r#"{"result":"success","response":{"note":"n","act":"widget_set"}}"#;
        let (taken, value) = both::<WithActField>(body);
        assert!(taken);
        assert_eq!(value.unwrap(), WithActField { act: "widget_set".into(), note: Some("n".into()) });
    }

    #[test]
    fn success_decodes_the_response_member() {
        let ok = run(200, r#"{"msg": null, "response": {"act": "widget_set", "widget_id": "1"}, "result": "success"}"#);
        assert_eq!(ok.unwrap(), IdOnly { widget_id: 1 });
    }

    #[test]
    fn result_error_becomes_api_with_its_code() {
        let err = run(
            200,
            r#"{"result": "error", "msg": "No such token s3cr3t-token", "err_code": "E_TOKEN", "response": null}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "conn_set: the service refused the call (err_code E_TOKEN): No such token ** redacted **"
        );
        let err = run(200, r#"{"result": "error", "msg": "Bad", "err_code": 105}"#).unwrap_err();
        assert!(matches!(&err, Error::Api { err_code: Some(ErrCode::Number(105)), .. }), "{err:?}");
        assert_eq!(err.status(), Some(StatusCode::OK));
    }

    #[test]
    fn wrong_act_is_reported_with_both_names() {
        let err =
            run(200, r#"{"result": "success", "response": {"act": "widget_delete", "widget_id": "1"}}"#).unwrap_err();
        assert_eq!(err.to_string(), "conn_set: expected an answer with `act: widget_set`, got `act: widget_delete`");
    }

    #[test]
    fn bad_field_names_its_path() {
        let err =
            run(200, r#"{"result": "success", "response": {"act": "widget_set", "widget_id": "one"}}"#).unwrap_err();
        let Error::Decode { path, message, .. } = &err else { panic!("{err:?}") };
        assert_eq!(path, "response.widget_id");
        assert!(message.starts_with("invalid value: string \"one\", expected a non-negative integer"), "{message}");
    }

    #[test]
    fn truncated_json_is_malformed_with_an_excerpt() {
        let err = run(200, r#"{"result": "success", "response": {"act": "widget_se"#).unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::Truncated, .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            r#"conn_set: the answer (HTTP 200 OK) is cut short: {"result": "success", "response": {"act": "widget_se"#
        );
        assert!(err.is_retryable() && err.may_have_been_applied());
    }

    #[test]
    fn html_pages_and_bad_statuses() {
        let html = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>";
        let err = run(502, html).unwrap_err();
        assert_eq!(
            err.to_string(),
            "conn_set: HTTP 502 Bad Gateway: <!DOCTYPE html> <html><head><title>502 Bad Gateway</title></head></html>"
        );
        assert!(err.is_retryable());
        let err = run(200, html).unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::Html, .. }), "{err:?}");
        assert!(err.to_string().starts_with("conn_set: the answer (HTTP 200 OK) is an HTML page: <!DOCTYPE html>"));
        assert!(err.is_retryable());
        let err = run(200, "Service Unavailable").unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::NotJson, .. }), "{err:?}");
    }

    #[test]
    fn json_of_another_shape_is_a_decode_error_not_retried() {
        let err = run(200, r#"{"status": "ok"}"#).unwrap_err();
        let Error::Decode { path, message, .. } = &err else { panic!("{err:?}") };
        assert_eq!((path.as_str(), message.as_str()), (".", "missing field `result` at line 1 column 16"));
        assert!(!err.is_retryable());
        let err = run(200, r#"{"result": "success", "response": [1, 2]}"#).unwrap_err();
        assert!(err.to_string().contains("at `response`: expected an object with the answer"), "{err}");
        let err = run(200, r#"{"result": "success", "response": {"act": 5}}"#).unwrap_err();
        assert!(err.to_string().contains("at `response.act`: expected a string"), "{err}");
    }

    #[test]
    fn a_numeric_err_code_that_shows_a_secret_is_blanked() {
        let scrubber = Scrubber { values: vec!["918273645"], keys: &[] };
        let exchange = Exchange { action: "conn_set", act: "widget_set", scrubber: &scrubber };
        let body = br#"{"result": "error", "msg": "bad key", "err_code": 918273645}"#;
        let answer = Answer { status: StatusCode::OK, retry_after: None, body, retryable: false };
        let err = decode::<IdOnly>(&exchange, &answer).unwrap_err();
        assert!(matches!(&err, Error::Api { err_code: Some(ErrCode::Text(code)), .. } if code == "** redacted **"));
    }

    #[test]
    fn unknown_results_are_decode_errors_and_trailing_garbage_is_malformed() {
        let err = run(200, r#"{"result": "maybe"}"#).unwrap_err();
        assert!(err.to_string().contains("at `result`: expected \"success\" or \"error\", found \"maybe\""), "{err}");
        let err =
            run(200, r#"{"result": "success", "response": {"act": "widget_set", "widget_id": "1"}} x"#).unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::NotJson, .. }), "{err:?}");
    }
}
