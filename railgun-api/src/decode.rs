//! Reading an answer: HTTP status and body → the endpoint's response type
//! or the right [`Error`]. Pure, so every failure mode is unit-tested.

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ErrCode, Error};
use crate::redact::Scrubber;

/// What is known about the exchange an answer belongs to.
pub(crate) struct Exchange<'a> {
    pub action: &'static str,
    pub act: &'static str,
    pub scrubber: Scrubber<'a>,
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
pub(crate) fn decode<R: DeserializeOwned>(ex: &Exchange<'_>, status: StatusCode, body: &[u8]) -> Result<R, Error> {
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
        .map_err(|e| decode_error(format!("response.{}", e.path()), e.inner().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct IdOnly {
        #[serde(deserialize_with = "crate::wire::required")]
        railgun_id: u64,
    }

    fn exchange() -> Exchange<'static> {
        Exchange {
            action: "conn_set",
            act: "railgun_conn_set",
            scrubber: Scrubber { values: vec!["s3cr3t-token"], keys: &["rtkn"] },
        }
    }

    fn run(status: u16, body: &str) -> Result<IdOnly, Error> {
        decode(&exchange(), StatusCode::from_u16(status).unwrap(), body.as_bytes())
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
