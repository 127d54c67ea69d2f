//! One request in, one envelope out: credentials, the spec's parameter
//! rules, then the action itself.

use serde_json::{Value, json};

use crate::spec::SpecTable;
use crate::state::{ApiError, Listing, Owner, State};

/// A Client API account.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Account email.
    pub email: String,
    /// API token (v2 `tkn`; v4 `X-Auth-Key`).
    pub tkn: String,
    /// v4 API token (`Authorization: Bearer`), if the user has one.
    pub api_token: Option<String>,
}

/// The accounts the emulator accepts.
#[derive(Clone, Default)]
pub struct Accounts {
    /// Client API users; the first has account id 1.
    pub users: Vec<User>,
    /// Optimized Partner API host keys; the first has account id 1.
    pub host_keys: Vec<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("email", &self.email)
            .field("tkn", &format_args!("** redacted **"))
            .field("api_token", &self.api_token.as_ref().map(|_| format_args!("** redacted **")))
            .finish()
    }
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("users", &self.users)
            .field("host_keys", &format_args!("[{} redacted]", self.host_keys.len()))
            .finish()
    }
}

/// Request parameters in the order they came.
pub type Params = Vec<(String, String)>;

/// The emulator-only action that stands in for the daemon's activation.
pub const ACTIVATE: &str = "activate";

/// The value of `name`; when it is repeated, the last one, as PHP reads it.
fn param<'p>(params: &'p Params, name: &str) -> Option<&'p str> {
    params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// What a request is answered with.
#[derive(Debug)]
pub enum Reply {
    /// A whole envelope: a success or a refusal.
    Envelope(Value),
    /// A successful listing, written after the state's lock is released.
    Listing {
        /// The answer's `act`.
        act: String,
        /// The Railguns.
        listing: Listing,
    },
}

impl Reply {
    /// The `err_code` of a refusal.
    pub fn err_code(&self) -> Option<&str> {
        match self {
            Reply::Envelope(envelope) => envelope.get("err_code").and_then(Value::as_str),
            Reply::Listing { .. } => None,
        }
    }

    /// The whole answer as text.
    pub fn text(&self) -> String {
        match self {
            Reply::Envelope(envelope) => envelope.to_string(),
            Reply::Listing { act, listing } => listing.envelope(act),
        }
    }
}

/// What an action's success answers with.
enum Body {
    Json(Value),
    Listing(Listing),
}

impl From<Value> for Body {
    fn from(value: Value) -> Body {
        Body::Json(value)
    }
}

/// Answers one request with the service's JSON envelope.
pub fn handle(spec: &SpecTable, accounts: &Accounts, state: &State, action: &str, get: bool, params: &Params) -> Reply {
    match answer(spec, accounts, state, action, get, params) {
        Ok((act, Body::Json(mut response))) => {
            response["act"] = Value::String(act);
            Reply::Envelope(json!({"msg": null, "response": response, "result": "success"}))
        }
        Ok((act, Body::Listing(listing))) => Reply::Listing { act, listing },
        Err(e) => Reply::Envelope(json!({"msg": e.msg, "response": null, "result": "error", "err_code": e.code})),
    }
}

fn answer(
    spec: &SpecTable,
    accounts: &Accounts,
    state: &State,
    action: &str,
    get: bool,
    params: &Params,
) -> Result<(String, Body), ApiError> {
    if action == ACTIVATE {
        let rtkn = required(params, "rtkn")?;
        return Ok(("railgun_activate".to_owned(), state.activate(rtkn)?.into()));
    }
    if !spec.knows(action) {
        return Err(ApiError::new("E_UNKNOWN_ACTION", format!("unknown action '{action}'")));
    }
    let (family, owner) = authenticate(accounts, params)?;
    let endpoint = spec.endpoint(family, action).ok_or_else(|| {
        let title = if family == "client" { "the Client API" } else { "the Optimized Partner API" };
        ApiError::new("E_UNKNOWN_ACTION", format!("{title} has no action '{action}'"))
    })?;
    if (get && !endpoint.get) || (!get && !endpoint.post) {
        let only = if endpoint.get { "GET" } else { "POST" };
        return Err(ApiError::new("E_METHOD", format!("{action} accepts {only} only")));
    }
    for name in &endpoint.required {
        required(params, name)?;
    }
    for name in &endpoint.domains {
        if let Some(value) = param(params, name)
            && !railgun_runtime::is_domain_name(value)
        {
            return Err(ApiError::new("E_INVALID_PARAM", format!("{name}: '{value}' is not a domain name")));
        }
    }
    let p = |name: &str| param(params, name).filter(|v| !v.is_empty());
    // Domain names are case-insensitive (RFC 4343): `Example.COM` is the
    // zone `example.com`, not a second one.
    let zone = || required(params, "z").map(str::to_ascii_lowercase);
    let rtkn = || required(params, "rtkn");
    let response: Value = match action {
        "user_get_all" | "host_get_all" => return Ok((endpoint.act.clone(), Body::Listing(state.get_all(owner)))),
        "init" => state.init(owner, p("name"), p("pubname"))?,
        "delete" => state.delete(owner, rtkn()?)?,
        "zone_conn_get_active" => state.zone_conn_get_active(owner, &zone()?),
        "suggestion_set" => state.suggestion_set(owner, &zone()?, rtkn()?, mode(params, "auto_enabled")?)?,
        "conn_set" => {
            let (id, conn, rec_name) = state.conn_set(owner, &zone()?, rtkn()?, mode(params, "mode")?)?;
            match owner {
                Owner::User(_) => json!({"railgun_id": id.to_string()}),
                Owner::Host(_) => {
                    json!({"railgun_conn_id": conn.id.to_string(), "railgun_rec_name": rec_name})
                }
            }
        }
        "conn_setmode_enabled" => state.conn_setmode(owner, &zone()?, rtkn()?, true)?,
        "conn_setmode_disabled" => state.conn_setmode(owner, &zone()?, rtkn()?, false)?,
        "conn_delete" => state.conn_delete(owner, &zone()?, rtkn()?)?,
        "ipr_set" => {
            let bounds = endpoint.ip_ranges.get("ipr").copied().ok_or_else(|| {
                ApiError::new("E_NOT_EMULATED", "the spec's ipr_set has no list of IP ranges named 'ipr'")
            })?;
            state.ipr_set(owner, rtkn()?, required(params, "ipr")?, bounds)?
        }
        other => {
            return Err(ApiError::new("E_NOT_EMULATED", format!("the emulator does not implement '{other}' yet")));
        }
    };
    Ok((endpoint.act.clone(), Body::Json(response)))
}

/// The family the credentials belong to, and the calling account.
fn authenticate(accounts: &Accounts, params: &Params) -> Result<(&'static str, Owner), ApiError> {
    if let Some(key) = param(params, "host_key") {
        let index = accounts.host_keys.iter().position(|k| k == key);
        return match index {
            Some(i) => Ok(("partner", Owner::Host(i as u64 + 1))),
            None => Err(ApiError::new("E_UNAUTH", "invalid host_key")),
        };
    }
    match (param(params, "email"), param(params, "tkn")) {
        (Some(email), Some(tkn)) => {
            let index = accounts.users.iter().position(|u| u.email == email && u.tkn == tkn);
            match index {
                Some(i) => Ok(("client", Owner::User(i as u64 + 1))),
                None => Err(ApiError::new("E_UNAUTH", "invalid email or tkn")),
            }
        }
        (Some(_), None) => Err(ApiError::new("E_UNAUTH", "missing credential 'tkn'")),
        (None, Some(_)) => Err(ApiError::new("E_UNAUTH", "missing credential 'email'")),
        (None, None) => Err(ApiError::new(
            "E_UNAUTH",
            "missing credentials: send host_key (Optimized Partner API) or email and tkn (Client API)",
        )),
    }
}

fn required<'p>(params: &'p Params, name: &str) -> Result<&'p str, ApiError> {
    match param(params, name) {
        Some(v) if !v.trim().is_empty() => Ok(v),
        Some(_) => Err(ApiError::new("E_MISSING_PARAM", format!("parameter '{name}' is empty"))),
        None => Err(ApiError::new("E_MISSING_PARAM", format!("missing parameter '{name}'"))),
    }
}

fn mode(params: &Params, name: &str) -> Result<bool, ApiError> {
    match required(params, name)? {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(ApiError::new("E_INVALID_PARAM", format!("{name} must be 1 or 0, not '{other}'"))),
    }
}

/// The Host API's `user_lookup`: a user's details by `cloudflare_email` or
/// `unique_id`, for a valid `host_key`.
pub fn user_lookup(accounts: &Accounts, state: &State, params: &Params) -> Value {
    let answer = || -> Result<(Value, Value), ApiError> {
        match param(params, "act") {
            Some("user_lookup") => {}
            Some(other) => {
                return Err(ApiError::new("E_UNKNOWN_ACTION", format!("the emulator's Host API has no act '{other}'")));
            }
            None => return Err(ApiError::new("E_MISSING_PARAM", "missing parameter 'act'")),
        }
        let (family, owner) = authenticate(accounts, params)?;
        if family != "partner" {
            return Err(ApiError::new("E_UNAUTH", "the Host API takes a host_key"));
        }
        let (key, request) = match (param(params, "cloudflare_email"), param(params, "unique_id")) {
            (Some(email), _) => (email, json!({"act": "user_lookup", "cloudflare_email": email})),
            (None, Some(id)) => (id, json!({"act": "user_lookup", "unique_id": id})),
            (None, None) => {
                return Err(ApiError::new("E_MISSING_PARAM", "missing parameter 'cloudflare_email' or 'unique_id'"));
            }
        };
        let found = accounts.users.iter().enumerate().find(|(i, u)| u.email == key || unique_id(*i) == key);
        let response = match found {
            // Made-up keys, never the user's tkn: that is a secret.
            Some((i, user)) => json!({
                "cloudflare_email": user.email,
                "hosted_zones": state.zones_of(owner),
                "unique_id": unique_id(i),
                "user_api_key": format!("{:032x}", 0x5eed_0000_u64 + i as u64),
                "user_authed": true,
                "user_exists": true,
                "user_key": format!("{:032x}", 0x0ca1_0000_u64 + i as u64),
            }),
            None => json!({"user_exists": false}),
        };
        Ok((request, response))
    };
    match answer() {
        Ok((request, response)) => {
            json!({"msg": null, "request": request, "response": response, "result": "success"})
        }
        Err(e) => {
            json!({"msg": e.msg, "request": null, "response": null, "result": "error", "err_code": e.code})
        }
    }
}

fn unique_id(index: usize) -> String {
    format!("{:032x}", 0x1d00_0000_u64 + index as u64)
}
