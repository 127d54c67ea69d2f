//! The v4 API: one request in, one `{success, errors, messages, result}`
//! envelope out. The request is routed and read by the dispatch generated
//! from the v4 spec (`generated/railgun_v4.rs`); this module says what
//! each operation does over v2's state, and writes every v4 answer: the
//! envelope, `result_info`, each object, and refusals with their status
//! and code.
//!
//! A caller is a Client API user: `X-Auth-Email` with the user's `tkn` as
//! `X-Auth-Key` (v2's `tkn` was that same API key), or `Authorization:
//! Bearer` with the user's API token. The user's account (and, for the
//! deprecated organization operations, organization) id is
//! [`account_id`](crate::account_id) of its email. Optimized Partner API
//! hosts have no v4 credentials, and their Railguns are not seen here.

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};

use crate::dispatch::{Fields, Refused};
use crate::generated::railgun_v4::{self, Direction, Request, Route};
use crate::received::{Log, Received};
use crate::state::{
    ApiError, ConnectionView, DAEMON_BUILD, Diagnosis, Owner, PageOf, PageRequest, RailgunView, State, Status,
    ZoneRailgun, ZoneView, account_id, connection_id,
};
use crate::v2::Accounts;

/// A refusal: the HTTP status and the one entry of `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The entry's `code`.
    pub code: u32,
    /// The entry's `message`.
    pub message: String,
    /// The methods the route takes, for the `Allow` header of a 405.
    pub allow: &'static [&'static str],
}

impl Refusal {
    fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Refusal {
        Refusal { status, code, message: message.into(), allow: &[] }
    }

    fn invalid(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, 1002, message)
    }

    /// The answer's body.
    pub fn envelope(&self) -> String {
        json!({
            "success": false,
            "errors": [{"code": self.code, "message": self.message}],
            "messages": [],
            "result": null,
        })
        .to_string()
    }
}

/// The codes of the state's refusals, as v4 answers them.
impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Refusal {
        let (status, code) = match e.code {
            "E_NOT_FOUND" => (StatusCode::NOT_FOUND, 1001),
            "E_ZONE_CONNECTED" => (StatusCode::CONFLICT, 1003),
            "E_NOT_ACTIVE" => (StatusCode::BAD_REQUEST, 1004),
            _ => (StatusCode::BAD_REQUEST, 1002),
        };
        Refusal::new(status, code, e.msg)
    }
}

/// The operation `method` and `path` (below `/client/v4/`, as sent:
/// percent-encoded) name.
pub fn route(method: &Method, path: &str) -> Result<Route, Refusal> {
    railgun_v4::route(method.as_str(), path).map_err(|refused| match refused {
        Refused::Method { allowed } => Refusal {
            allow: allowed,
            ..Refusal::new(StatusCode::METHOD_NOT_ALLOWED, 7001, format!("method {method} not allowed for this route"))
        },
        other => refusal(other),
    })
}

/// How v4 answers a request that was not read.
fn refusal(refused: Refused) -> Refusal {
    match refused {
        Refused::NoRoute | Refused::NotInFamily => Refusal::new(StatusCode::NOT_FOUND, 7000, "No route for that URI"),
        Refused::Method { allowed } => Refusal {
            allow: allowed,
            ..Refusal::new(StatusCode::METHOD_NOT_ALLOWED, 7001, "method not allowed for this route")
        },
        Refused::MalformedBody => Refusal::new(StatusCode::BAD_REQUEST, 6007, "Malformed JSON in request body"),
        Refused::Missing { param } => Refusal::invalid(format!("{param}: required")),
        Refused::Empty { param } => Refusal::invalid(format!("{param}: must not be empty")),
        Refused::Invalid { param, problem, .. } => Refusal::invalid(format!("{param}: {problem}")),
    }
}

/// What a successful operation answers: one object, a whole list, or a
/// page of one.
enum Answer {
    One(Value),
    All(Vec<Value>),
    Page(PageOf<Value>, PageRequest),
}

impl Answer {
    fn all<T>(items: Vec<T>, render: fn(&T) -> Value) -> Answer {
        Answer::All(items.iter().map(render).collect())
    }

    fn page<T>(page: PageOf<T>, asked: PageRequest, render: fn(&T) -> Value) -> Answer {
        Answer::Page(PageOf { items: page.items.iter().map(render).collect(), total: page.total }, asked)
    }
}

impl From<Value> for Answer {
    fn from(value: Value) -> Answer {
        Answer::One(value)
    }
}

/// Answers one request for `route`: the success envelope, or the refusal
/// to answer with.
pub fn handle(
    accounts: &Accounts,
    state: &State,
    log: &Log,
    route: Route,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, Refusal> {
    let (owner, email) = authenticate(accounts, headers)?;
    for (name, value) in &route.path {
        if matches!(*name, "account_identifier" | "organization_identifier") && *value != account_id(email) {
            return Err(Refusal::new(StatusCode::FORBIDDEN, 9109, "Unauthorized to access requested resource"));
        }
    }
    let query = Fields::new(url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect());
    // Keys may hold any UTF-8, which `HeaderValue::to_str` refuses.
    let headers = headers.iter().filter_map(|(name, value)| {
        let value = std::str::from_utf8(value.as_bytes()).ok()?;
        Some((name.as_str().to_owned(), value.to_owned()))
    });
    let request = route.read(&query, &Fields::new(headers.collect()), body).map_err(refusal)?;
    log.push(Received::V4(request.clone()));
    let envelope = |result: Value| json!({"success": true, "errors": [], "messages": [], "result": result});
    let envelope = match answer(state, owner, request)? {
        Answer::One(result) => envelope(result),
        Answer::All(items) => {
            let count = items.len();
            let mut envelope = envelope(Value::Array(items));
            envelope["result_info"] =
                json!({"page": 1, "per_page": count.max(1), "count": count, "total_count": count});
            envelope
        }
        Answer::Page(page, asked) => {
            let count = page.items.len();
            let mut envelope = envelope(Value::Array(page.items));
            envelope["result_info"] =
                json!({"page": asked.page, "per_page": asked.per_page, "count": count, "total_count": page.total});
            envelope
        }
    };
    Ok(envelope.to_string())
}

/// `page` and `per_page`, 1 and 20 when left out. The spec's bounds were
/// checked as the request was read (Railgun lists take 5 to 50 per page,
/// as the description says); a list the spec leaves unbounded takes any
/// page and any number per page from 1.
fn page_request(page: Option<u64>, per_page: Option<u64>) -> Result<PageRequest, Refusal> {
    let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(20));
    if page == 0 {
        return Err(Refusal::invalid("page: must be at least 1"));
    }
    if per_page == 0 {
        return Err(Refusal::invalid("per_page: must be at least 1"));
    }
    Ok(PageRequest { page, per_page })
}

fn answer(state: &State, owner: Owner, request: Request) -> Result<Answer, Refusal> {
    use Request as R;
    let descending = |direction: Option<Direction>| direction == Some(Direction::Desc);
    Ok(match request {
        R::ListRailguns { page, per_page, direction }
        | R::ListAccountRailguns { page, per_page, direction, .. }
        | R::ListOrganizationRailguns { page, per_page, direction, .. } => {
            let page = page_request(page, per_page)?;
            Answer::page(state.v4_railguns(owner, page, descending(direction)), page, railgun_json)
        }
        R::CreateRailgun { name: n }
        | R::CreateAccountRailgun { name: n, .. }
        | R::CreateOrganizationRailgun { name: n, .. } => railgun_json(&state.v4_create(owner, &n)).into(),
        R::RailgunDetails { railgun }
        | R::AccountRailgunDetails { railgun, .. }
        | R::OrganizationRailgunDetails { railgun, .. } => railgun_json(&state.v4_railgun(owner, &railgun)?).into(),
        R::EnableOrDisableRailgun { railgun, enabled }
        | R::EnableOrDisableOrganizationRailgun { railgun, enabled, .. } => {
            railgun_json(&state.v4_update(owner, &railgun, None, Some(enabled))?).into()
        }
        R::UpdateAccountRailgun { railgun, name: n, enabled, .. } => {
            railgun_json(&state.v4_update(owner, &railgun, Some(&n), Some(enabled))?).into()
        }
        R::DeleteRailgun { railgun }
        | R::DeleteAccountRailgun { railgun, .. }
        | R::DeleteOrganizationRailgun { railgun, .. } => {
            state.v4_delete(owner, &railgun)?;
            json!({"id": railgun}).into()
        }
        R::ListRailgunZones { railgun } | R::ListOrganizationRailgunZones { railgun, .. } => {
            Answer::all(state.v4_railgun_zones(owner, &railgun)?, zone_json)
        }
        R::ListZoneRailguns { zone } => Answer::all(state.v4_zone_railguns(owner, &zone)?, zone_railgun_json),
        R::ZoneRailgunDetails { zone, railgun } => {
            zone_railgun_json(&state.v4_zone_railgun(owner, &zone, &railgun)?).into()
        }
        R::ConnectOrDisconnectZoneRailgun { zone, railgun, connected } => {
            zone_railgun_json(&state.v4_zone_connect(owner, &zone, &railgun, connected)?).into()
        }
        R::TestZoneRailgunConnection { zone, railgun } => {
            diagnosis_json(&state.v4_diagnose(owner, &zone, &railgun)?).into()
        }
        R::ListConnections { railgun, enabled, page, per_page, .. } => {
            let page = page_request(page, per_page)?;
            Answer::page(state.v4_connections(owner, &railgun, enabled, page)?, page, connection_json)
        }
        // Disabled unless asked: the description's default for `enabled`.
        R::CreateConnection { railgun, zone, enabled, .. } => {
            connection_json(&state.v4_connect(owner, &railgun, &zone, enabled.unwrap_or(false))?).into()
        }
        R::ConnectionDetails { railgun, connection, .. } => {
            connection_json(&state.v4_connection(owner, &railgun, &connection)?).into()
        }
        R::UpdateConnection { railgun, connection, enabled, .. } => {
            connection_json(&state.v4_set_connection(owner, &railgun, &connection, enabled)?).into()
        }
        R::DeleteConnection { railgun, connection, .. } => {
            state.v4_disconnect(owner, &railgun, &connection)?;
            json!({"id": connection}).into()
        }
    })
}

/// A Railgun as v4 answers it.
fn railgun_json(view: &RailgunView) -> Value {
    let r = &view.railgun;
    let mut json = json!({
        "id": r.tag,
        "name": r.name,
        "status": if r.status == Status::Verified { "active" } else { "initializing" },
        "enabled": r.enabled,
        "zones_connected": view.zones_connected,
        "activation_key": r.rtkn,
        "created_on": rfc3339(r.created),
        "modified_on": rfc3339(r.edited),
    });
    if let Some(activated) = r.activated {
        json["activated_on"] = rfc3339(activated).into();
        json["build"] = DAEMON_BUILD.0.into();
        json["version"] = DAEMON_BUILD.1.into();
        json["revision"] = DAEMON_BUILD.2.into();
    }
    json
}

/// A Railgun as a zone sees it.
fn zone_railgun_json(view: &ZoneRailgun) -> Value {
    let r = &view.railgun;
    json!({"id": r.tag, "name": r.name, "enabled": r.enabled, "connected": view.connected})
}

/// A zone.
fn zone_json(zone: &ZoneView) -> Value {
    let created = rfc3339(zone.created);
    json!({
        "id": zone.id,
        "name": zone.name,
        "development_mode": 0,
        "created_on": created,
        "modified_on": created,
    })
}

/// A connection of a zone to a Railgun.
fn connection_json(view: &ConnectionView) -> Value {
    let conn = &view.connection;
    json!({
        "id": connection_id(conn.id),
        "zone": {"id": view.zone_id, "name": view.zone},
        "enabled": conn.enabled,
        "created_on": rfc3339(conn.created),
        "modified_on": rfc3339(conn.modified),
    })
}

/// A made-up request through the Railgun: its `railgun` says whether the
/// zone's traffic would go through it.
fn diagnosis_json(diagnosis: &Diagnosis) -> Value {
    let zone = &diagnosis.zone;
    json!({
        "method": "GET",
        "host_name": zone,
        "http_status": 200,
        "railgun": if diagnosis.on { "on" } else { "off" },
        "url": format!("http://{zone}/"),
        "response_status": "200 OK",
        "protocol": "HTTP/1.1",
        "elapsed_time": "0.001000s",
        "body_size": "0 bytes",
        "body_hash": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "missing_headers": "",
        "connection_close": false,
        "cloudflare": "on",
        "cf-ray": format!("{:016x}-EMU", diagnosis.railgun_id),
        "cf-wan-error": null,
        "cf-cache-status": null,
    })
}

/// `2014-01-01T05:20:00.123456Z`, as the v4 API writes times.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    crate::state::utc(t, 'T', "Z")
}

/// The calling user, from `X-Auth-Email` and `X-Auth-Key` or from a bearer
/// token.
fn authenticate<'a>(accounts: &'a Accounts, headers: &HeaderMap) -> Result<(Owner, &'a str), Refusal> {
    // Keys may hold any UTF-8, which `HeaderValue::to_str` refuses.
    let header = |name: &str| headers.get(name).and_then(|v| std::str::from_utf8(v.as_bytes()).ok());
    let user = |index: usize| (Owner::User(index as u64 + 1), accounts.users[index].email.as_str());
    if let Some(authorization) = header("authorization") {
        // The scheme's name is case-insensitive (RFC 9110, 11.1).
        let token = authorization
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token)
            .ok_or_else(|| Refusal::new(StatusCode::BAD_REQUEST, 6111, "Invalid format for Authorization header"))?;
        let index = accounts.users.iter().position(|u| u.api_token.as_deref() == Some(token));
        return index.map(user).ok_or_else(|| Refusal::new(StatusCode::FORBIDDEN, 10000, "Authentication error"));
    }
    match (header("x-auth-email"), header("x-auth-key")) {
        (Some(email), Some(key)) => {
            let index = accounts.users.iter().position(|u| u.email == email && u.tkn == key);
            index
                .map(user)
                .ok_or_else(|| Refusal::new(StatusCode::FORBIDDEN, 9103, "Unknown X-Auth-Key or X-Auth-Email"))
        }
        _ => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            9106,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::railgun_v4::Operation;
    use crate::v2::User;

    fn accounts() -> Accounts {
        let user = User { email: "me@example.com".into(), tkn: "key".into(), api_token: Some("token".into()) };
        Accounts { users: vec![user], host_keys: Vec::new() }
    }

    /// A body with every member an operation may take, of the right kind.
    const FULL_BODY: &str = r#"{"name": "x", "enabled": true, "connected": true, "zone": {"id": "z"}}"#;

    #[test]
    fn every_operation_of_the_spec_is_emulated() {
        let accounts = accounts();
        let state = State::new(1);
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer token".parse().unwrap());
        let account = account_id("me@example.com");
        for &operation in Operation::ALL {
            let path: Vec<String> = operation
                .template()
                .split('/')
                .map(|segment| match segment.strip_prefix('{') {
                    Some(name)
                        if name.ends_with("account_identifier}") || name.ends_with("organization_identifier}") =>
                    {
                        account.clone()
                    }
                    Some(_) => "unknown".to_owned(),
                    None => segment.to_owned(),
                })
                .collect();
            let method = Method::from_bytes(operation.method().as_bytes()).unwrap();
            let route = route(&method, &path.join("/")).unwrap();
            assert_eq!(route.operation, operation);
            let answer = handle(&accounts, &state, &Log::default(), route, None, &headers, FULL_BODY.as_bytes());
            // Reads and writes of something unknown are "not found"; lists are empty.
            match answer {
                Ok(envelope) => assert!(envelope.starts_with(r#"{"errors":[],"messages":[],"result":"#), "{envelope}"),
                Err(refusal) => {
                    assert_eq!((refusal.status, refusal.code), (StatusCode::NOT_FOUND, 1001), "{}", operation.name())
                }
            }
        }
        // Only the three creations made anything.
        assert_eq!(state.snapshot().railguns.len(), 3);
    }

    #[test]
    fn routes_match_whole_segments_only() {
        let found = |method: Method, path: &str| route(&method, path).map(|r| r.operation.name());
        assert_eq!(found(Method::GET, "railguns").unwrap(), "list_railguns");
        assert_eq!(found(Method::GET, "railguns/abc/zones").unwrap(), "list_railgun_zones");
        assert_eq!(found(Method::GET, "railguns/").unwrap_err().code, 7000);
        assert_eq!(found(Method::GET, "railguns//zones").unwrap_err().code, 7000);
        assert_eq!(found(Method::GET, "zones/z/railguns/r/diagnose/x").unwrap_err().code, 7000);
        let refusal = found(Method::POST, "railguns/abc").unwrap_err();
        assert_eq!((refusal.code, refusal.allow), (7001, &["GET", "PATCH", "DELETE"][..]));
    }

    #[test]
    fn path_parameters_are_decoded_and_may_not_hold_a_slash() {
        let railgun = |path: &str| route(&Method::GET, path).map(|r| r.path);
        assert_eq!(railgun("railguns/a%20b").unwrap(), [("identifier", "a b".to_owned())]);
        assert_eq!(railgun("railguns/a%2Fzones").unwrap_err().code, 7000);
        assert_eq!(railgun("railguns/a%2fb").unwrap_err().code, 7000);
        assert_eq!(railgun("railguns/%FF").unwrap_err().code, 7000);
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_names_are_as_the_description_sets() {
        let accounts = accounts();
        let state = State::new(1);
        let create = |authorization: &str, body: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("authorization", authorization.parse().unwrap());
            let route = route(&Method::POST, "railguns").unwrap();
            handle(&accounts, &state, &Log::default(), route, None, &headers, body.as_bytes())
        };
        for scheme in ["Bearer", "bearer", "BEARER"] {
            create(&format!("{scheme} token"), r#"{"name": "edge"}"#).unwrap();
        }
        let refused = create("Basic token", r#"{"name": "edge"}"#).unwrap_err();
        assert_eq!((refused.status, refused.code), (StatusCode::BAD_REQUEST, 6111));
        // The description sets no shortest name.
        let made: Value = serde_json::from_str(&create("Bearer token", r#"{"name": ""}"#).unwrap()).unwrap();
        assert_eq!(made["result"]["name"], "");
        assert_eq!(state.snapshot().railguns.len(), 4);
    }

    #[test]
    fn an_encoded_slash_in_any_path_parameter_names_no_route() {
        for &operation in Operation::ALL {
            let template = operation.template();
            for sneaked in ["a%2Fzones", "a%2fconnections%2F1", "%2F", "a%2Fdiagnose"] {
                let path: Vec<&str> = template
                    .split('/')
                    .map(|segment| if segment.starts_with('{') { sneaked } else { segment })
                    .collect();
                if !template.contains('{') {
                    continue;
                }
                for method in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                    let refused = route(&method, &path.join("/")).unwrap_err();
                    assert_eq!((refused.status, refused.code), (StatusCode::NOT_FOUND, 7000), "{method} {path:?}");
                }
            }
        }
    }

    #[test]
    fn arguments_are_refused_as_the_spec_says() {
        let accounts = accounts();
        let state = State::new(1);
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer token".parse().unwrap());
        let refused = |method: Method, path: &str, query: Option<&str>, body: &str| {
            let route = route(&method, path).unwrap();
            let refusal =
                handle(&accounts, &state, &Log::default(), route, query, &headers, body.as_bytes()).unwrap_err();
            (refusal.status.as_u16(), refusal.code, refusal.message)
        };
        assert_eq!(
            refused(Method::GET, "railguns", Some("per_page=51"), ""),
            (400, 1002, "per_page: must be between 5 and 50".to_owned())
        );
        assert_eq!(
            refused(Method::GET, "railguns", Some("page=first"), ""),
            (400, 1002, "page: must be a whole number".to_owned())
        );
        assert_eq!(
            refused(Method::GET, "railguns", Some("direction=up"), ""),
            (400, 1002, "direction: must be one of asc, desc".to_owned())
        );
        assert_eq!(
            refused(Method::POST, "railguns", None, "[1]"),
            (400, 6007, "Malformed JSON in request body".to_owned())
        );
        assert_eq!(refused(Method::POST, "railguns", None, "{}"), (400, 1002, "name: required".to_owned()));
        assert_eq!(
            refused(Method::POST, "railguns", None, r#"{"name": 7}"#),
            (400, 1002, "name: must be a string".to_owned())
        );
        let long = format!(r#"{{"name": "{}"}}"#, "n".repeat(161));
        assert_eq!(
            refused(Method::POST, "railguns", None, &long),
            (400, 1002, "name: must be at most 160 characters".to_owned())
        );
        assert_eq!(
            refused(Method::PATCH, "railguns/r", None, r#"{"enabled": "yes"}"#),
            (400, 1002, "enabled: must be true or false".to_owned())
        );
        // Nothing was made.
        assert!(state.snapshot().railguns.is_empty());
    }
}
