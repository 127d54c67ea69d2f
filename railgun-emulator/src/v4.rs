//! The v4 API: one request in, one `{success, errors, messages, result}`
//! envelope out. Routes, methods and the parameters each operation takes
//! come from the v4 spec (`spec/railgun-v4.yaml`); the state is v2's.
//!
//! A caller is a Client API user: `X-Auth-Email` with the user's `tkn` as
//! `X-Auth-Key` (v2's `tkn` was that same API key), or `Authorization:
//! Bearer` with the user's API token. The user's account (and, for the
//! deprecated organization operations, organization) id is
//! [`account_id`](crate::account_id) of its email. Optimized Partner API
//! hosts have no v4 credentials, and their Railguns are not seen here.

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::api::Accounts;
use crate::spec::{Kind, RestParam, RestSpec, RestTable};
use crate::state::{ApiError, Owner, PageOf, PageRequest, State, account_id};

/// A refusal: the HTTP status and the one entry of `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The entry's `code`.
    pub code: u32,
    /// The entry's `message`.
    pub message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Refusal {
        Refusal { status, code, message: message.into() }
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

/// The operation a request is for, and its path parameters' values.
pub struct Route<'t, 'p> {
    /// The operation.
    pub op: &'t RestSpec,
    values: Vec<(&'t str, &'p str)>,
}

/// Finds the operation for `method` and `path` (the part after
/// `/client/v4/`).
pub fn route<'t, 'p>(table: &'t RestTable, method: &Method, path: &'p str) -> Result<Route<'t, 'p>, Refusal> {
    let mut found = false;
    for (op, values) in table.routes(path) {
        if op.method == method {
            return Ok(Route { op, values });
        }
        found = true;
    }
    if found {
        Err(Refusal::new(StatusCode::METHOD_NOT_ALLOWED, 7001, format!("method {method} not allowed for this route")))
    } else {
        Err(Refusal::new(StatusCode::NOT_FOUND, 7000, "No route for that URI"))
    }
}

/// The request, checked against the operation's parameters.
struct Call<'r> {
    owner: Owner,
    path: &'r [(&'r str, &'r str)],
    query: Vec<(String, String)>,
    body: Map<String, Value>,
}

impl Call<'_> {
    fn path(&self, name: &str) -> &str {
        self.path.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v)
    }

    fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn query_flag(&self, name: &str) -> Option<bool> {
        self.query(name).map(|v| v == "true")
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Value::as_str)
    }

    fn flag(&self, name: &str) -> Option<bool> {
        self.body.get(name).and_then(Value::as_bool)
    }

    fn member(&self, dotted: &str) -> Option<&str> {
        member(&self.body, dotted).and_then(Value::as_str)
    }

    /// `page` and `per_page`. The spec's bounds were checked with the
    /// other parameters (Railgun lists take 5 to 50 per page, as the
    /// description says); a list the spec leaves unbounded takes any page
    /// and any number per page from 1.
    fn page(&self) -> Result<PageRequest, Refusal> {
        let number = |name: &str, default: u64| self.query(name).map_or(Ok(default), |v| whole(name, v));
        let page = number("page", 1)?;
        let per_page = number("per_page", 20)?;
        if page == 0 {
            return Err(Refusal::invalid("page: must be at least 1"));
        }
        if per_page == 0 {
            return Err(Refusal::invalid("per_page: must be at least 1"));
        }
        Ok(PageRequest { page, per_page })
    }
}

fn whole(name: &str, value: &str) -> Result<u64, Refusal> {
    value.parse().map_err(|_| Refusal::invalid(format!("{name}: '{value}' is not a whole number")))
}

fn member<'b>(body: &'b Map<String, Value>, dotted: &str) -> Option<&'b Value> {
    let mut parts = dotted.split('.');
    let first = body.get(parts.next()?)?;
    parts.try_fold(first, |value, part| value.get(part))
}

/// What a successful operation answers.
enum Answer {
    One(Value),
    All(Vec<Value>),
    Page(PageOf, PageRequest),
}

impl From<Value> for Answer {
    fn from(value: Value) -> Answer {
        Answer::One(value)
    }
}

/// Answers one request: the success envelope, or the refusal to answer
/// with.
pub fn handle(
    accounts: &Accounts,
    state: &State,
    route: &Route<'_, '_>,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, Refusal> {
    let op = route.op;
    let (owner, email) = authenticate(accounts, headers)?;
    for (name, value) in &route.values {
        if matches!(*name, "account_identifier" | "organization_identifier") && *value != account_id(email) {
            return Err(Refusal::new(StatusCode::FORBIDDEN, 9109, "Unauthorized to access requested resource"));
        }
    }
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    for param in &op.query {
        if let Some((_, value)) = query.iter().rev().find(|(n, _)| *n == param.wire) {
            check(param, &Value::String(value.clone()), true)?;
        }
    }
    let body = if op.body.is_empty() { Map::new() } else { json_body(op, body)? };
    let call = Call { owner, path: &route.values, query, body };
    let answer = answer(state, op, &call)?;
    let envelope = |result: Value| json!({"success": true, "errors": [], "messages": [], "result": result});
    let envelope = match answer {
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

fn answer(state: &State, op: &RestSpec, call: &Call<'_>) -> Result<Answer, Refusal> {
    let owner = call.owner;
    let railgun = || {
        let name = if op.segments.iter().any(|s| s.as_ref().err().is_some_and(|n| n == "railgun_identifier")) {
            "railgun_identifier"
        } else {
            "identifier"
        };
        call.path(name)
    };
    let zone = || call.path("zone_identifier");
    let connection = || call.path("identifier");
    let descending = || call.query("direction") == Some("desc");
    let name = || {
        let name = call.text("name").unwrap_or_default();
        if name.trim().is_empty() {
            return Err(Refusal::invalid("name: must not be empty"));
        }
        Ok(name)
    };
    Ok(match op.action.as_str() {
        "list_railguns" | "list_account_railguns" | "list_organization_railguns" => {
            let page = call.page()?;
            Answer::Page(state.v4_railguns(owner, page, descending()), page)
        }
        "create_railgun" | "create_account_railgun" | "create_organization_railgun" => {
            state.v4_create(owner, name()?).into()
        }
        "railgun_details" | "account_railgun_details" | "organization_railgun_details" => {
            state.v4_railgun(owner, railgun())?.into()
        }
        "enable_or_disable_railgun" | "enable_or_disable_organization_railgun" => {
            state.v4_update(owner, railgun(), None, call.flag("enabled"))?.into()
        }
        "update_account_railgun" => state.v4_update(owner, railgun(), Some(name()?), call.flag("enabled"))?.into(),
        "delete_railgun" | "delete_account_railgun" | "delete_organization_railgun" => {
            state.v4_delete(owner, railgun())?.into()
        }
        "list_railgun_zones" | "list_organization_railgun_zones" => {
            Answer::All(state.v4_railgun_zones(owner, railgun())?)
        }
        "list_zone_railguns" => Answer::All(state.v4_zone_railguns(owner, zone())?),
        "zone_railgun_details" => state.v4_zone_railgun(owner, zone(), railgun())?.into(),
        "connect_or_disconnect_zone_railgun" => {
            let connected = call.flag("connected").unwrap_or_default();
            state.v4_zone_connect(owner, zone(), railgun(), connected)?.into()
        }
        "test_zone_railgun_connection" => state.v4_diagnose(owner, zone(), railgun())?.into(),
        "list_connections" => {
            let page = call.page()?;
            Answer::Page(state.v4_connections(owner, railgun(), call.query_flag("enabled"), page)?, page)
        }
        "create_connection" => {
            let zone = call.member("zone.id").unwrap_or_default();
            state.v4_connect(owner, railgun(), zone, call.flag("enabled").unwrap_or(true))?.into()
        }
        "connection_details" => state.v4_connection(owner, railgun(), connection())?.into(),
        "update_connection" => {
            let enabled = call.flag("enabled").unwrap_or_default();
            state.v4_set_connection(owner, railgun(), connection(), enabled)?.into()
        }
        "delete_connection" => state.v4_disconnect(owner, railgun(), connection())?.into(),
        other => {
            return Err(Refusal::new(
                StatusCode::NOT_IMPLEMENTED,
                1000,
                format!("the emulator does not implement '{other}' yet"),
            ));
        }
    })
}

/// The calling user, from `X-Auth-Email` and `X-Auth-Key` or from a bearer
/// token.
fn authenticate<'a>(accounts: &'a Accounts, headers: &HeaderMap) -> Result<(Owner, &'a str), Refusal> {
    // Keys may hold any UTF-8, which `HeaderValue::to_str` refuses.
    let header = |name: &str| headers.get(name).and_then(|v| std::str::from_utf8(v.as_bytes()).ok());
    let user = |index: usize| (Owner::User(index as u64 + 1), accounts.users[index].email.as_str());
    if let Some(authorization) = header("authorization") {
        let token = authorization
            .strip_prefix("Bearer ")
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

/// The JSON object the operation's body must be, its members checked.
fn json_body(op: &RestSpec, body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let malformed = || Refusal::new(StatusCode::BAD_REQUEST, 6007, "Malformed JSON in request body");
    let Value::Object(members) = serde_json::from_slice(body).map_err(|_| malformed())? else {
        return Err(malformed());
    };
    for param in &op.body {
        match member(&members, &param.wire) {
            Some(value) => check(param, value, false)?,
            None if param.optional => {}
            None => return Err(Refusal::invalid(format!("{}: required", param.wire))),
        }
    }
    Ok(members)
}

/// Refuses a value that is not of the parameter's kind; `text` values are
/// a query's, where flags and numbers are written out.
fn check(param: &RestParam, value: &Value, text: bool) -> Result<(), Refusal> {
    let name = &param.wire;
    let ok = match (&param.kind, value) {
        (Kind::Text, Value::String(_)) => true,
        (Kind::Flag, Value::Bool(_)) => !text,
        (Kind::Flag, Value::String(s)) => text && matches!(s.as_str(), "true" | "false"),
        (Kind::Integer, Value::Number(n)) => !text && n.is_u64(),
        (Kind::Integer, Value::String(s)) => text && s.parse::<u64>().is_ok(),
        (Kind::OneOf(values), Value::String(s)) => values.contains(s),
        _ => false,
    };
    if ok {
        // The spec's limits: an integer's bounds, a string's length.
        let number = value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok()));
        if let (Kind::Integer, Some(bounds), Some(n)) = (&param.kind, param.bounds, number)
            && !bounds.allows(n)
        {
            return Err(Refusal::invalid(format!("{name}: {}", bounds.refusal())));
        }
        if let (Kind::Text, Some(max_length), Some(text)) = (&param.kind, param.max_length, value.as_str())
            && text.chars().count() > max_length
        {
            return Err(Refusal::invalid(format!("{name}: {}", railgun_spec::ir::too_long(max_length))));
        }
        return Ok(());
    }
    Err(Refusal::invalid(match &param.kind {
        Kind::Text => format!("{name}: must be a string"),
        Kind::Flag => format!("{name}: must be true or false"),
        Kind::Integer => format!("{name}: must be a whole number"),
        Kind::OneOf(values) => format!("{name}: must be one of {}", values.join(", ")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::User;

    fn accounts() -> Accounts {
        let user = User { email: "me@example.com".into(), tkn: "key".into(), api_token: Some("token".into()) };
        Accounts { users: vec![user], host_keys: Vec::new() }
    }

    /// A body with every member the operation takes, of the right kind.
    fn full_body(op: &RestSpec) -> Vec<u8> {
        let mut body = json!({});
        for param in &op.body {
            let value = match &param.kind {
                Kind::Text => json!("x"),
                Kind::Flag => json!(true),
                Kind::Integer => json!(1),
                Kind::OneOf(values) => json!(values[0]),
            };
            // Indexing null with a name makes it an object.
            let slot = param.wire.split('.').fold(&mut body, |at, part| &mut at[part]);
            *slot = value;
        }
        body.to_string().into_bytes()
    }

    #[test]
    fn every_operation_of_the_spec_is_emulated() {
        let table = RestTable::load().unwrap();
        assert_eq!(table.operations.len(), 26);
        let accounts = accounts();
        let state = State::new(1);
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer token".parse().unwrap());
        let account = account_id("me@example.com");
        for op in &table.operations {
            let path: Vec<String> = op
                .segments
                .iter()
                .map(|s| match s {
                    Ok(literal) => literal.clone(),
                    Err(name) if name.ends_with("account_identifier") || name.ends_with("organization_identifier") => {
                        account.clone()
                    }
                    Err(_) => "unknown".to_owned(),
                })
                .collect();
            let path = path.join("/");
            let route = route(&table, &op.method, &path).unwrap();
            assert_eq!(route.op.action, op.action);
            let answer = handle(&accounts, &state, &route, None, &headers, &full_body(op));
            // Reads and writes of something unknown are "not found"; lists are empty.
            match answer {
                Ok(envelope) => assert!(envelope.starts_with(r#"{"errors":[],"messages":[],"result":"#), "{envelope}"),
                Err(refusal) => {
                    assert_eq!((refusal.status, refusal.code), (StatusCode::NOT_FOUND, 1001), "{}", op.action)
                }
            }
        }
        // Only the three creations made anything.
        assert_eq!(state.snapshot().railguns.len(), 3);
    }

    #[test]
    fn routes_match_whole_segments_only() {
        let table = RestTable::load().unwrap();
        let found = |method: Method, path: &str| route(&table, &method, path).map(|r| r.op.action.clone());
        assert_eq!(found(Method::GET, "railguns").unwrap(), "list_railguns");
        assert_eq!(found(Method::GET, "railguns/abc/zones").unwrap(), "list_railgun_zones");
        assert_eq!(found(Method::GET, "railguns/").unwrap_err().code, 7000);
        assert_eq!(found(Method::GET, "railguns//zones").unwrap_err().code, 7000);
        assert_eq!(found(Method::GET, "zones/z/railguns/r/diagnose/x").unwrap_err().code, 7000);
        assert_eq!(found(Method::POST, "railguns/abc").unwrap_err().code, 7001);
    }
}
