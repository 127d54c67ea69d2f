//! Cloudflare v4's JSON REST API: `METHOD base_url/<path>` with path
//! parameters filled into the path template, query parameters, headers and
//! a JSON object body; the answer is
//! `{"success", "errors": [{"code", "message"}], "messages", "result", "result_info"}`.
//! Decoding is pure, so every failure mode is unit-tested here.
//!
//! Nothing is looked up by name at run time: the generator resolved it.
//! Path parameters come in the order of the template, each body member
//! has its slot in the body's layout (nested objects included), and a
//! paginated call's page number is given as such.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{Answer, Arguments, Call, Endpoint, Pairs};
use crate::error::{ApiMessage, Error};
use crate::redact::Scrubber;
use crate::settings::Settings;
use crate::wire::{ListEncoding, PageNumber, ToParam};

/// What the generated code knows about one operation.
#[derive(Debug)]
pub struct RestEndpoint {
    /// The operation: the generated method's name.
    pub action: &'static str,
    /// Its HTTP method.
    pub method: RestMethod,
    /// Its path template, relative to the base URL.
    pub path: &'static [PathSegment],
    /// Its JSON body's members, in the order they are sent; empty for an
    /// operation without a body.
    pub body: &'static [BodyMember],
    /// Safe to repeat: sending it twice does what sending it once does.
    pub idempotent: bool,
    /// A list answered a page at a time: the answer decodes into a
    /// [`Page`](crate::Page), whose `result_info.page` must be the `page`
    /// asked for.
    pub paginated: bool,
    /// Wire names whose values are secret, in the request or the answer.
    pub secret_keys: &'static [&'static str],
}

/// An HTTP method of a REST operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

/// A piece of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSegment {
    /// Sent as it is.
    Literal(&'static str),
    /// The next path parameter's value, percent-encoded: the parameters
    /// are given in the template's order. The name is for errors.
    Param(&'static str),
}

/// A member of a JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyMember {
    /// Its key.
    pub name: &'static str,
    /// What it holds.
    pub value: BodyValue,
}

/// What a body member holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyValue {
    /// The argument given for this slot ([`RestRequest::body`]); the member
    /// is left out when none was.
    Arg(usize),
    /// An object of these members; left out when none of them is there.
    Object(&'static [BodyMember]),
}

/// Everything but ASCII letters, digits and `-._~` is encoded in a path
/// parameter, `/`, `?`, `#` and `%` included: a value is one segment.
const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The arguments of one call.
pub struct RestRequest<'a> {
    endpoint: &'a RestEndpoint,
    /// The path parameters' texts, in the template's order.
    path: Vec<Cow<'a, str>>,
    query: Pairs<'a>,
    headers: Vec<(&'static str, Cow<'a, str>, bool)>,
    /// The body members' values, by slot.
    body: Vec<Option<Value>>,
    /// The page asked for, when the call names one.
    page: Option<u64>,
    args: Arguments<'a>,
}

impl Endpoint for RestEndpoint {
    type Request<'a> = RestRequest<'a>;

    fn start<'a>(&'a self, settings: &'a Settings) -> RestRequest<'a> {
        // Form credentials have no place of their own here; like the
        // action protocol sends them on a GET, they go in the query.
        let fields = settings.credentials.iter().filter_map(|c| c.form_field());
        RestRequest {
            endpoint: self,
            path: Vec::new(),
            query: fields.map(|(name, text)| (name, Cow::Borrowed(text))).collect(),
            headers: Vec::new(),
            body: Vec::new(),
            page: None,
            args: Arguments::new(self.action, settings),
        }
    }
}

impl<'a> RestRequest<'a> {
    /// Fills the next path parameter of the template, `name`. A value is
    /// one path segment: `.` and `..` are refused, everything else is
    /// percent-encoded.
    pub fn path<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &'a T) -> Result<(), Error> {
        let text = self.args.text(name, value)?;
        if text == "." || text == ".." {
            return Err(self.args.invalid(name, "must not be `.` or `..`"));
        }
        self.path.push(text);
        Ok(())
    }

    /// Adds a query parameter.
    pub fn query<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &'a T) -> Result<(), Error> {
        self.args.push(&mut self.query, name, value)
    }

    /// Adds the page number of a paginated list, the query parameter
    /// `name`: its answer must be that page.
    pub fn page<T: PageNumber>(&mut self, name: &'static str, page: &'a T) -> Result<(), Error> {
        self.args.push(&mut self.query, name, page)?;
        self.page = Some(page.number());
        Ok(())
    }

    /// Adds a list query parameter as one value.
    pub fn query_list<T: ToParam>(
        &mut self,
        name: &'static str,
        values: &'a [T],
        encoding: ListEncoding,
    ) -> Result<(), Error> {
        self.args.push_list(&mut self.query, name, values, encoding)
    }

    /// Adds a header.
    pub fn header<T: ToParam + ?Sized>(&mut self, name: &'static str, value: &'a T) -> Result<(), Error> {
        let text = self.args.text(name, value)?;
        self.headers.push((name, text, T::SECRET));
        Ok(())
    }

    /// Gives the body member of slot `slot` (see [`BodyValue::Arg`]), the
    /// parameter `name`.
    pub fn body<T: ToParam + ?Sized>(&mut self, slot: usize, name: &'static str, value: &'a T) -> Result<(), Error> {
        let json = self.args.json(name, value)?;
        if self.body.len() <= slot {
            self.body.resize(slot + 1, None);
        }
        self.body[slot] = Some(json);
        Ok(())
    }

    /// The path with its parameters filled in, in order.
    fn render_path(&self) -> Result<String, Error> {
        let mut path = String::new();
        let mut values = self.path.iter();
        for segment in self.endpoint.path {
            match *segment {
                PathSegment::Literal(text) => path.push_str(text),
                PathSegment::Param(name) => {
                    let value = values
                        .next()
                        .ok_or_else(|| self.args.invalid(name, "is a path parameter and must be given"))?;
                    path.extend(utf8_percent_encode(value, PATH_VALUE));
                }
            }
        }
        Ok(path)
    }
}

impl Call for RestRequest<'_> {
    fn action(&self) -> &'static str {
        self.endpoint.action
    }

    fn http(&self, settings: &Settings) -> Result<(reqwest::RequestBuilder, &'static str), Error> {
        let mut url = settings.base_url.clone();
        url.set_path(&format!("{}{}", settings.base_url.path(), self.render_path()?));
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter().map(|(k, v)| (*k, v.as_ref())));
        }
        let (method, name) = match self.endpoint.method {
            RestMethod::Get => (reqwest::Method::GET, "GET"),
            RestMethod::Post => (reqwest::Method::POST, "POST"),
            RestMethod::Put => (reqwest::Method::PUT, "PUT"),
            RestMethod::Patch => (reqwest::Method::PATCH, "PATCH"),
            RestMethod::Delete => (reqwest::Method::DELETE, "DELETE"),
        };
        let mut builder = settings.http.request(method, url);
        for (header, text, secret) in &self.headers {
            let invalid = |_| self.args.invalid(header, "cannot be sent in a header");
            let name = HeaderName::from_bytes(header.as_bytes())
                .map_err(|_| self.args.invalid(header, "is not a header name"))?;
            let mut value = HeaderValue::from_str(text).map_err(invalid)?;
            value.set_sensitive(*secret);
            builder = builder.header(name, value);
        }
        if self.body.iter().any(Option::is_some) {
            let body = serde_json::to_vec(&Members { members: self.endpoint.body, values: &self.body })
                .map_err(|_| self.args.invalid("body", "cannot be encoded as JSON"))?;
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(body);
        }
        Ok((builder, name))
    }

    fn scrubber(&self) -> Scrubber<'_> {
        self.args.scrubber(self.endpoint.secret_keys)
    }

    fn idempotent(&self) -> bool {
        self.endpoint.idempotent
    }

    fn decode<R: DeserializeOwned>(&self, scrubber: &Scrubber<'_>, answer: &Answer<'_>) -> Result<R, Error> {
        if !self.endpoint.paginated {
            return decode(self.endpoint.action, scrubber, answer);
        }
        decode_page(self.endpoint.action, scrubber, answer, self.page.unwrap_or(1))
    }
}

/// A JSON object laid out as `members`, with the values given by slot; a
/// member without a value, or an object none of whose members has one, is
/// left out.
struct Members<'b> {
    members: &'static [BodyMember],
    values: &'b [Option<Value>],
}

impl Members<'_> {
    fn value(&self, value: BodyValue) -> Option<Present<'_>> {
        match value {
            BodyValue::Arg(slot) => self.values.get(slot)?.as_ref().map(Present::Value),
            BodyValue::Object(members) => {
                let object = Members { members, values: self.values };
                members.iter().any(|m| object.value(m.value).is_some()).then_some(Present::Object(object))
            }
        }
    }
}

/// A member that is there: a value, or an object with something in it.
enum Present<'b> {
    Value(&'b Value),
    Object(Members<'b>),
}

impl serde::Serialize for Members<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for member in self.members {
            match self.value(member.value) {
                Some(Present::Value(value)) => map.serialize_entry(member.name, value)?,
                Some(Present::Object(object)) => map.serialize_entry(member.name, &object)?,
                None => {}
            }
        }
        map.end()
    }
}

/// The envelope every answer comes in; `result` is kept as its raw JSON
/// text and decoded straight into the operation's type.
#[derive(Deserialize)]
struct Envelope<'b> {
    success: bool,
    #[serde(default)]
    errors: Vec<Message>,
    #[serde(default, borrow)]
    result: Option<&'b RawValue>,
    #[serde(default, borrow)]
    result_info: Option<&'b RawValue>,
}

/// What [`decode_page`] checks of `result_info`: the page's number.
#[derive(Deserialize)]
struct AnsweredPage {
    #[serde(default, deserialize_with = "crate::wire::optional")]
    page: Option<u64>,
}

/// One of `errors`; PHP fixtures show `{}` on success, so both keys may be missing.
#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    code: Option<Code>,
    #[serde(default)]
    message: Option<String>,
}

/// A message's code: Cloudflare sends numbers, some fixtures strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum Code {
    Number(i64),
    Text(String),
    Other(serde::de::IgnoredAny),
}

/// Decodes an answer into `R`, the type of its `result`: [`fast`], else
/// [`careful`].
fn decode<R: DeserializeOwned>(action: &'static str, scrubber: &Scrubber<'_>, answer: &Answer<'_>) -> Result<R, Error> {
    super::decode_answer(answer, fast, || careful(action, scrubber, answer))
}

/// A successful answer, envelope and all, decoded in one pass: `Some` only
/// when [`careful`] would decode the same value from it.
fn fast<R: DeserializeOwned>(body: &[u8]) -> Option<R> {
    match serde_json::from_slice::<FastEnvelope<R>>(body) {
        Ok(FastEnvelope { success: true, result, .. }) => Some(result),
        _ => None,
    }
}

/// The envelope of a success, as [`fast`] reads it. `result` has no
/// default: an answer without it is left to [`careful`], which decodes
/// `null`.
#[derive(Deserialize)]
#[serde(bound = "R: DeserializeOwned")]
struct FastEnvelope<R> {
    success: bool,
    #[serde(default, rename = "errors")]
    _errors: Vec<Message>,
    result: R,
}

/// Decodes an answer step by step: the envelope, then `success`, then
/// `result`, each failure its own error.
fn careful<R: DeserializeOwned>(
    action: &'static str,
    scrubber: &Scrubber<'_>,
    answer: &Answer<'_>,
) -> Result<R, Error> {
    let envelope = envelope(action, scrubber, answer)?;
    let result = envelope.result.map(RawValue::get).unwrap_or("null");
    let mut json = serde_json::Deserializer::from_str(result);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = super::member_path("result", e.path());
        super::decode_error(action, scrubber, answer, &path, &super::member_message(e.inner()))
    })
}

/// Decodes a page of a list: the envelope as [`careful`] does, then `R`
/// (a [`Page`](crate::Page)) from the whole answer, whose `result_info`
/// must not name another page than `asked` (a service that ignored `page`
/// would otherwise hand out its first page again and again).
fn decode_page<R: DeserializeOwned>(
    action: &'static str,
    scrubber: &Scrubber<'_>,
    answer: &Answer<'_>,
    asked: u64,
) -> Result<R, Error> {
    let envelope = envelope(action, scrubber, answer)?;
    let number = envelope.result_info.and_then(|info| serde_json::from_str::<AnsweredPage>(info.get()).ok());
    // A `result_info` that cannot be read is reported, with its path, as
    // the page is decoded below.
    if let Some(AnsweredPage { page: Some(page) }) = number
        && page != asked
    {
        let message = format!("page {page} answered where page {asked} was asked for");
        return Err(super::decode_error(action, scrubber, answer, "result_info.page", &message));
    }
    let mut json = serde_json::Deserializer::from_slice(answer.body);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        super::decode_error(action, scrubber, answer, &e.path().to_string(), &super::member_message(e.inner()))
    })
}

/// Reads the envelope of an answer: `Ok` for a 2xx status with
/// `success: true`, the matching error otherwise.
fn envelope<'b>(action: &'static str, scrubber: &Scrubber<'_>, answer: &Answer<'b>) -> Result<Envelope<'b>, Error> {
    let status = answer.status;
    let http_error = || Error::Http {
        action,
        status,
        excerpt: scrubber.excerpt(answer.body),
        retry_after: answer.retry_after,
        retryable: answer.retryable,
    };

    let mut json = serde_json::Deserializer::from_slice(answer.body);
    let envelope = serde_path_to_error::deserialize::<_, Envelope<'_>>(&mut json)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|envelope| json.end().map(|()| envelope).map_err(|e| (".".to_owned(), e)));
    let envelope = match envelope {
        Ok(envelope) => envelope,
        // Not the service's envelope: an error page, a proxy's answer.
        Err(_) if !status.is_success() => return Err(http_error()),
        Err((path, error)) => return Err(super::unreadable(action, scrubber, answer, &error, &path)),
    };
    if !envelope.success {
        let errors = envelope
            .errors
            .into_iter()
            .map(|m| {
                let code = match m.code {
                    Some(Code::Number(n)) => Some(n),
                    Some(Code::Text(text)) => text.trim().parse().ok(),
                    Some(Code::Other(_)) | None => None,
                };
                let message = scrubber.scrub(m.message.as_deref().unwrap_or_default());
                match code.map(|code| scrubber.number(code)) {
                    Some(Err(shown)) => ApiMessage { code: None, message: format!("{shown}: {message}") },
                    Some(Ok(code)) => ApiMessage { code: Some(code), message },
                    None => ApiMessage { code: None, message },
                }
            })
            .collect();
        return Err(Error::ApiErrors {
            action,
            status,
            errors,
            retry_after: answer.retry_after,
            retryable: answer.retryable,
        });
    }
    if !status.is_success() {
        return Err(http_error());
    }
    Ok(envelope)
}

#[cfg(test)]
mod tests {
    use reqwest::StatusCode;

    use super::*;
    use crate::error::MalformedKind;
    use crate::retry::StatusSet;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Widget {
        id: String,
        #[serde(deserialize_with = "crate::wire::required")]
        enabled: bool,
    }

    fn run(status: u16, body: &str) -> Result<Widget, Error> {
        let scrubber = Scrubber { values: vec!["s3cr3t-token"], keys: &["X-Auth-Key"] };
        let answer = {
            let status = StatusCode::from_u16(status).unwrap();
            Answer { status, retry_after: None, body: body.as_bytes(), retryable: StatusSet::DEFAULT.contains(status) }
        };
        decode("connect", &scrubber, &answer)
    }

    #[test]
    fn the_one_pass_reading_agrees_with_the_careful_one() {
        let scrubber = Scrubber { values: vec![], keys: &[] };
        let answer = |body: &'static str| Answer {
            status: StatusCode::OK,
            retry_after: None,
            body: body.as_bytes(),
            retryable: false,
        };
        let fast = |body: &'static str| fast::<Option<Widget>>(body.as_bytes());
        for (body, taken) in [
            (r#"{"success": true, "result": {"id": "e", "enabled": "t"}}"#, true),
            (r#"{"result": {"id": "e", "enabled": 1, "more": [{}]}, "messages": [], "success": true}"#, true),
            (r#"{"success": true, "result": null}"#, true),
            (r#"{"success": true}"#, true),
            (r#"{"success": false, "errors": [{"code": 1}], "result": {"id": "e", "enabled": true}}"#, false),
            (r#"{"success": true, "errors": null, "result": {"id": "e", "enabled": true}}"#, false),
            (r#"{"success": true, "result": {"id": "e", "enabled": "maybe"}}"#, false),
            (r#"{"success": true, "result": {"id": "e", "enabled": true}} {}"#, false),
        ] {
            let careful = careful::<Option<Widget>>("connect", &scrubber, &answer(body));
            match fast(body) {
                Some(value) => assert_eq!(careful.ok(), Some(value), "{body}"),
                None => assert!(careful.is_err(), "{body} decoded as {careful:?}"),
            }
            assert_eq!(fast(body).is_some(), taken, "{body}");
        }
    }

    #[test]
    fn success_decodes_the_result_member() {
        let ok =
            run(200, r#"{"success": true, "errors": [], "messages": [], "result": {"id": "e928", "enabled": true}}"#);
        assert_eq!(ok.unwrap(), Widget { id: "e928".into(), enabled: true });
        // The PHP SDK's fixtures carry empty message objects on success.
        let ok =
            run(200, r#"{"success": true, "errors": [{}], "messages": [{}], "result": {"id": "e", "enabled": "f"}}"#);
        assert_eq!(ok.unwrap(), Widget { id: "e".into(), enabled: false });
    }

    #[test]
    fn success_false_keeps_every_error_and_the_status() {
        let body = r#"{"success": false, "errors": [{"code": 7003, "message": "No route for the URI"},
            {"code": "1001", "message": "bad key s3cr3t-token"}], "messages": [], "result": null}"#;
        let err = run(404, body).unwrap_err();
        let Error::ApiErrors { status, errors, .. } = &err else { panic!("{err:?}") };
        assert_eq!(*status, StatusCode::NOT_FOUND);
        assert_eq!(
            errors,
            &[
                ApiMessage { code: Some(7003), message: "No route for the URI".into() },
                ApiMessage { code: Some(1001), message: "bad key ** redacted **".into() }
            ]
        );
        assert_eq!(
            err.to_string(),
            "connect: the service refused the call (HTTP 404 Not Found): 7003: No route for the URI; \
             1001: bad key ** redacted **"
        );
        let body = r#"{"success": false, "errors": [{"code": 918273645, "message": "no"}, {"code": [1]}]}"#;
        let scrubber = Scrubber { values: vec!["918273645"], keys: &[] };
        let answer =
            Answer { status: StatusCode::TOO_MANY_REQUESTS, retry_after: None, body: body.as_bytes(), retryable: true };
        let err = decode::<Widget>("connect", &scrubber, &answer).unwrap_err();
        let Error::ApiErrors { errors, .. } = &err else { panic!("{err:?}") };
        assert_eq!(
            errors,
            &[
                ApiMessage { code: None, message: "** redacted **: no".into() },
                ApiMessage { code: None, message: String::new() }
            ]
        );
        assert!(err.is_retryable() && !err.may_have_been_applied());
        let err = run(200, r#"{"success": false, "errors": [], "result": null}"#).unwrap_err();
        assert_eq!(err.to_string(), "connect: the service refused the call (HTTP 200 OK): (no error message)");
    }

    #[test]
    fn answers_that_are_not_the_envelope() {
        let err = run(502, "<html><title>502 Bad Gateway</title></html>").unwrap_err();
        assert_eq!(err.to_string(), "connect: HTTP 502 Bad Gateway: <html><title>502 Bad Gateway</title></html>");
        assert!(err.is_retryable());
        let err = run(200, "<html>oops</html>").unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::Html, .. }), "{err:?}");
        assert!(err.is_retryable());
        // A 2xx status is needed as well as `success: true`.
        let err = run(500, r#"{"success": true, "errors": [], "result": {"id": "e", "enabled": true}}"#).unwrap_err();
        assert!(matches!(err, Error::Http { .. }), "{err:?}");
        let err = run(200, r#"{"success": true, "result": {"id": "e", "enabled": true}} trailing"#).unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::NotJson, .. }), "{err:?}");
        let err = run(200, r#"{"success": true, "result": {"id": "e", "enab"#).unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::Truncated, .. }), "{err:?}");
    }

    #[test]
    fn a_body_follows_its_layout_and_leaves_out_what_was_not_given() {
        const SHELF: &[BodyMember] = &[
            BodyMember { name: "id", value: BodyValue::Arg(0) },
            BodyMember { name: "name", value: BodyValue::Arg(2) },
        ];
        const C: &[BodyMember] = &[BodyMember { name: "c", value: BodyValue::Arg(3) }];
        const B: &[BodyMember] = &[BodyMember { name: "b", value: BodyValue::Object(C) }];
        const LAYOUT: &[BodyMember] = &[
            BodyMember { name: "shelf", value: BodyValue::Object(SHELF) },
            BodyMember { name: "enabled", value: BodyValue::Arg(1) },
            BodyMember { name: "a", value: BodyValue::Object(B) },
        ];
        let body = |values: &[Option<Value>]| serde_json::to_string(&Members { members: LAYOUT, values }).unwrap();
        let all = [Some(Value::from("z1")), Some(Value::from(true)), Some(Value::from("top")), Some(2.into())];
        assert_eq!(body(&all), r#"{"shelf":{"id":"z1","name":"top"},"enabled":true,"a":{"b":{"c":2}}}"#);
        // An optional member not given is left out, and so is an object
        // none of whose members was given.
        let some = [None, Some(Value::from(false)), Some(Value::from("top"))];
        assert_eq!(body(&some), r#"{"shelf":{"name":"top"},"enabled":false}"#);
    }

    fn run_page(asked: u64, status: u16, body: &str) -> Result<crate::Page<Widget>, Error> {
        let scrubber = Scrubber { values: vec!["s3cr3t-token"], keys: &[] };
        let answer = {
            let status = StatusCode::from_u16(status).unwrap();
            Answer { status, retry_after: None, body: body.as_bytes(), retryable: StatusSet::DEFAULT.contains(status) }
        };
        decode_page("list", &scrubber, &answer, asked)
    }

    #[test]
    fn a_page_keeps_its_result_info_and_must_be_the_page_asked_for() {
        let body = r#"{"success": true, "errors": [], "result": [{"id": "a", "enabled": "t"}],
            "result_info": {"page": 2, "per_page": 1, "count": 1, "total_count": 3}}"#;
        let page = run_page(2, 200, body).unwrap();
        assert_eq!(page.items, [Widget { id: "a".into(), enabled: true }]);
        assert_eq!(page.info.and_then(|i| i.total_count), Some(3));

        let err = run_page(3, 200, body).unwrap_err();
        let Error::Decode { path, message, status, .. } = &err else { panic!("{err:?}") };
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("result_info.page", "page 2 answered where page 3 was asked for")
        );
        assert_eq!(*status, StatusCode::OK);

        let body = r#"{"success": true, "result": [{"id": "a", "enabled": true}, {"id": "b", "enabled": "maybe"}]}"#;
        let err = run_page(1, 200, body).unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "result[1].enabled"), "{err:?}");
        let body = r#"{"success": true, "result": [], "result_info": {"per_page": "many"}}"#;
        let err = run_page(1, 200, body).unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "result_info.per_page"), "{err:?}");

        let err = run_page(1, 403, r#"{"success": false, "errors": [{"code": 10000, "message": "no"}]}"#).unwrap_err();
        assert!(
            matches!(&err, Error::ApiErrors { status, errors, .. }
            if *status == StatusCode::FORBIDDEN && errors[0].code == Some(10000)),
            "{err:?}"
        );
        let err = run_page(1, 200, "<html>").unwrap_err();
        assert!(matches!(&err, Error::Malformed { kind: MalformedKind::Html, .. }), "{err:?}");
    }

    #[test]
    fn a_bad_result_names_its_path() {
        let err = run(200, r#"{"success": true, "result": {"id": "e", "enabled": "maybe"}}"#).unwrap_err();
        let Error::Decode { path, message, .. } = &err else { panic!("{err:?}") };
        assert_eq!(path, "result.enabled");
        assert!(message.starts_with("invalid value: string \"maybe\", expected a flag"), "{message}");
        let err = run(200, r#"{"success": true, "result": null}"#).unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "result"), "{err:?}");
    }
}
