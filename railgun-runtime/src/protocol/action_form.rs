//! Railgun v2's actions: `POST base_url/<action>` with the parameters as a
//! form body, or `GET base_url/<action>?<parameters>`; the answer is
//! `{"result": "success"|"error", "msg", "err_code", "response": {"act", …}}`.
//! Decoding is pure, so every failure mode is unit-tested here.

use std::borrow::Cow;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Arguments, Call, Endpoint};
use crate::HttpMethod;
use crate::error::{ErrCode, Error};
use crate::redact::Scrubber;
use crate::session::{Session, Settings};
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
    /// Wire names whose values are secret, in the request or the answer.
    pub secret_keys: &'static [&'static str],
}

/// The parameters of one call, credentials first, in spec order.
pub struct ActionRequest<'a> {
    endpoint: &'a ActionEndpoint,
    pairs: Vec<(&'static str, Cow<'a, str>)>,
    args: Arguments<'a>,
}

impl Endpoint for ActionEndpoint {
    type Request<'a> = ActionRequest<'a>;

    fn start<'a>(&'a self, session: &'a Session) -> ActionRequest<'a> {
        let fields = session.settings().credentials.iter().filter_map(|c| c.form_field());
        ActionRequest {
            endpoint: self,
            pairs: fields.map(|(name, text)| (name, Cow::Borrowed(text))).collect(),
            args: Arguments::new(self.action, session),
        }
    }
}

impl<'a> ActionRequest<'a> {
    /// Adds a parameter, or refuses it with [`Error::InvalidInput`].
    pub fn param<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &'a T) -> Result<(), Error> {
        let text = self.args.text(name, value)?;
        self.pairs.push((name, text));
        Ok(())
    }

    /// Adds a list parameter as one value, or refuses it.
    pub fn param_list<T: ToParam>(
        &mut self,
        name: &'static str,
        values: &'a [T],
        encoding: ListEncoding,
    ) -> Result<(), Error> {
        let text = self.args.list(name, values, encoding)?;
        self.pairs.push((name, text));
        Ok(())
    }
}

impl Call for ActionRequest<'_> {
    fn action(&self) -> &'static str {
        self.endpoint.action
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

    fn decode<R: DeserializeOwned>(
        &self,
        scrubber: &Scrubber<'_>,
        status: StatusCode,
        body: &[u8],
    ) -> Result<R, Error> {
        let exchange = Exchange { action: self.endpoint.action, act: self.endpoint.act, scrubber };
        decode(&exchange, status, body)
    }
}

/// What is known about the exchange an answer belongs to.
struct Exchange<'s, 'a> {
    action: &'static str,
    act: &'static str,
    scrubber: &'s Scrubber<'a>,
}

/// The envelope every answer comes in.
#[derive(Deserialize)]
struct Envelope {
    result: String,
    #[serde(default)]
    msg: Option<Value>,
    #[serde(default)]
    response: Option<Value>,
    #[serde(default)]
    err_code: Option<Value>,
}

/// Decodes an answer into `R`, the endpoint's response type.
fn decode<R: DeserializeOwned>(ex: &Exchange<'_, '_>, status: StatusCode, body: &[u8]) -> Result<R, Error> {
    let action = ex.action;
    if !status.is_success() {
        return Err(Error::Http { action, status, excerpt: ex.scrubber.excerpt(body) });
    }
    let decode_error = |path: String, message: String| Error::Decode {
        action,
        status,
        path: ex.scrubber.scrub(&path),
        message: ex.scrubber.scrub(&message),
        excerpt: ex.scrubber.excerpt(body),
    };

    let mut json = serde_json::Deserializer::from_slice(body);
    let envelope: Envelope = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| decode_error(e.path().to_string(), e.inner().to_string()))?;
    json.end().map_err(|e| decode_error(".".into(), e.to_string()))?;

    match envelope.result.as_str() {
        "success" => {}
        "error" => {
            let msg = match envelope.msg {
                Some(Value::String(text)) => text,
                None | Some(Value::Null) => "(no message)".to_owned(),
                Some(other) => other.to_string(),
            };
            let err_code = match envelope.err_code {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => {
                    Some(n.as_i64().map_or_else(|| ErrCode::Text(n.to_string()), ErrCode::Number))
                }
                Some(Value::String(text)) => Some(ErrCode::Text(ex.scrubber.scrub(&text))),
                Some(other) => Some(ErrCode::Text(ex.scrubber.scrub(&other.to_string()))),
            };
            return Err(Error::Api { action, status, msg: ex.scrubber.scrub(&msg), err_code });
        }
        other => {
            return Err(decode_error("result".into(), format!("expected \"success\" or \"error\", found {other:?}")));
        }
    }

    let response = envelope.response.unwrap_or(Value::Null);
    match response.get("act") {
        Some(Value::String(act)) if act == ex.act => {}
        Some(Value::String(act)) => {
            return Err(Error::UnexpectedAct { action, status, expected: ex.act, found: ex.scrubber.scrub(act) });
        }
        Some(_) => {
            return Err(decode_error("response.act".into(), "expected a string".into()));
        }
        None if response.is_object() => {
            return Err(decode_error("response".into(), "missing field `act`".into()));
        }
        None => {
            return Err(decode_error("response".into(), "expected an object with the answer".into()));
        }
    }
    serde_path_to_error::deserialize(response)
        .map_err(|e| decode_error(super::member_path("response", e.path()), e.inner().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct IdOnly {
        #[serde(deserialize_with = "crate::wire::required")]
        railgun_id: u64,
    }

    fn run(status: u16, body: &str) -> Result<IdOnly, Error> {
        let scrubber = Scrubber { values: vec!["s3cr3t-token"], keys: &["rtkn"] };
        let exchange = Exchange { action: "conn_set", act: "railgun_conn_set", scrubber: &scrubber };
        decode(&exchange, StatusCode::from_u16(status).unwrap(), body.as_bytes())
    }

    #[test]
    fn success_decodes_the_response_member() {
        let ok = run(
            200,
            r#"{"msg": null, "response": {"act": "railgun_conn_set", "railgun_id": "1"}, "result": "success"}"#,
        );
        assert_eq!(ok.unwrap(), IdOnly { railgun_id: 1 });
    }

    #[test]
    fn result_error_becomes_api_with_its_code() {
        let err = run(
            200,
            r#"{"result": "error", "msg": "No such rtkn s3cr3t-token", "err_code": "E_RTKN", "response": null}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "conn_set: the service refused the call (err_code E_RTKN): No such rtkn ** redacted **"
        );
        let err = run(200, r#"{"result": "error", "msg": "Bad", "err_code": 105}"#).unwrap_err();
        assert!(matches!(&err, Error::Api { err_code: Some(ErrCode::Number(105)), .. }), "{err:?}");
        assert_eq!(err.status(), Some(StatusCode::OK));
    }

    #[test]
    fn wrong_act_is_reported_with_both_names() {
        let err =
            run(200, r#"{"result": "success", "response": {"act": "railgun_delete", "railgun_id": "1"}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "conn_set: expected an answer with `act: railgun_conn_set`, got `act: railgun_delete`"
        );
    }

    #[test]
    fn bad_field_names_its_path() {
        let err = run(200, r#"{"result": "success", "response": {"act": "railgun_conn_set", "railgun_id": "one"}}"#)
            .unwrap_err();
        let Error::Decode { path, message, .. } = &err else { panic!("{err:?}") };
        assert_eq!(path, "response.railgun_id");
        assert!(message.starts_with("invalid value: string \"one\", expected a non-negative integer"), "{message}");
    }

    #[test]
    fn truncated_json_is_a_decode_error_with_an_excerpt() {
        let err = run(200, r#"{"result": "success", "response": {"act": "railgun_con"#).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "conn_set: cannot decode the answer (HTTP 200 OK) at `response.act`: EOF while parsing a string"
            ),
            "{err}"
        );
        assert!(err.to_string().ends_with(r#"body: {"result": "success", "response": {"act": "railgun_con"#), "{err}");
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
        assert!(matches!(&err, Error::Decode { path, .. } if path == "."), "{err:?}");
        assert!(err.to_string().contains("expected value at line 1 column 1"), "{err}");
    }

    #[test]
    fn unknown_result_and_trailing_garbage_are_decode_errors() {
        let err = run(200, r#"{"result": "maybe"}"#).unwrap_err();
        assert!(err.to_string().contains("at `result`: expected \"success\" or \"error\", found \"maybe\""), "{err}");
        let err = run(200, r#"{"result": "success", "response": {"act": "railgun_conn_set", "railgun_id": "1"}} x"#)
            .unwrap_err();
        assert!(err.to_string().contains("trailing characters"), "{err}");
    }
}
