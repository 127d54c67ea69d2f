//! The v2 API: one request in, one envelope out. The request is read into
//! the typed request generated from the spec (`generated/railgun.rs`),
//! which checks the family, the method and every argument; this module
//! says what each action does and writes every v2 answer: the
//! `{result, msg, response}` envelope, refusals with their `err_code`,
//! listings streamed in pieces, and the Host API's `user_lookup`.

use std::sync::Arc;

use serde_json::{Value, json};

use railgun_runtime::IpRangeProblem;

use crate::dispatch::{Fields, Problem, Refused};
use crate::generated::railgun::{self as v2, Mode};
use crate::generated::railgun_emulator as own;
use crate::received::{Log, Received};
use crate::state::{ApiError, DAEMON_BUILD, Owner, Railgun, State, Status};

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

/// What a request is answered with.
#[derive(Debug)]
pub enum Reply {
    /// A whole envelope: a success or a refusal.
    Envelope(Value),
    /// A successful listing, written after the state's lock is released
    /// (in pieces: [`Listing::piece`]).
    Listing(Listing),
}

impl Reply {
    /// The `err_code` of a refusal.
    pub fn err_code(&self) -> Option<&str> {
        match self {
            Reply::Envelope(envelope) => envelope.get("err_code").and_then(Value::as_str),
            Reply::Listing(_) => None,
        }
    }

    /// The whole answer as text.
    pub fn text(&self) -> String {
        match self {
            Reply::Envelope(envelope) => envelope.to_string(),
            Reply::Listing(listing) => listing.envelope(),
        }
    }
}

/// What an action's success answers with.
enum Body {
    Json(Value),
    Listing(Vec<Arc<Railgun>>),
}

impl From<Value> for Body {
    fn from(value: Value) -> Body {
        Body::Json(value)
    }
}

/// Answers one request with the service's JSON envelope.
pub fn handle(accounts: &Accounts, state: &State, log: &Log, action: &str, get: bool, fields: &Fields) -> Reply {
    match answer(accounts, state, log, action, get, fields) {
        Ok((act, Body::Json(mut response))) => {
            response["act"] = Value::String(act.to_owned());
            Reply::Envelope(json!({"msg": null, "response": response, "result": "success"}))
        }
        Ok((act, Body::Listing(railguns))) => Reply::Listing(Listing { act, railguns }),
        Err(e) => Reply::Envelope(json!({"msg": e.msg, "response": null, "result": "error", "err_code": e.code})),
    }
}

/// The emulator's own actions first (the daemon's activation, which takes
/// no credentials), then the spec's: an action no family has, the
/// caller's credentials, the request read as the spec says, and the
/// action itself.
fn answer(
    accounts: &Accounts,
    state: &State,
    log: &Log,
    action: &str,
    get: bool,
    fields: &Fields,
) -> Result<(&'static str, Body), ApiError> {
    if own::knows(action) {
        let request = own::Request::read(own::Family::Emulator, action, get, fields)
            .map_err(|refused| refusal(action, own::Family::Emulator.title(), refused))?;
        log.push(Received::Emulator(request.clone()));
        let act = request.act();
        return match request {
            own::Request::Activate { rtkn } => {
                let id = state.activate(rtkn.expose_secret())?;
                Ok((act, json!({"railgun_id": id.to_string(), "railgun_status": Status::Verified.wire()}).into()))
            }
        };
    }
    if !v2::knows(action) {
        return Err(ApiError::new("E_UNKNOWN_ACTION", format!("unknown action '{action}'")));
    }
    let (family, owner) = authenticate(accounts, fields)?;
    let request =
        v2::Request::read(family, action, get, fields).map_err(|refused| refusal(action, family.title(), refused))?;
    log.push(Received::V2(request.clone()));
    let act = request.act();
    // Domain names are case-insensitive (RFC 4343): `Example.COM` is the
    // zone `example.com`, not a second one.
    let zone = |name: String| name.to_ascii_lowercase();
    let on = |mode: Mode| mode == Mode::Active;
    let id = |id: u64| json!({"railgun_id": id.to_string()});
    use v2::Request as R;
    let response = match request {
        R::ClientUserGetAll {} | R::PartnerHostGetAll {} => return Ok((act, Body::Listing(state.get_all(owner)))),
        R::ClientInit { name, pubname } => made(&state.init(owner, Some(&name), Some(&pubname))),
        R::PartnerInit { name, pubname } => made(&state.init(owner, name.as_deref(), pubname.as_deref())),
        R::ClientDelete { rtkn } | R::PartnerDelete { rtkn } => id(state.delete(owner, rtkn.expose_secret())?),
        R::ClientZoneConnGetActive { zone: z } | R::PartnerZoneConnGetActive { zone: z } => {
            let obj = state.zone_conn_get_active(owner, &zone(z)).map(|(conn, status)| {
                json!({
                    "railgun_conn_id": conn.id.to_string(),
                    "railgun_id": conn.railgun_id.to_string(),
                    "railgun_conn_status": status.wire(),
                    "railgun_conn_mode": flag01(conn.enabled),
                    "railgun_enabled": flag_tf(conn.enabled),
                })
            });
            json!({"railgun_conn": {"obj": obj}})
        }
        R::PartnerSuggestionSet { zone: z, rtkn, auto_enabled } => {
            id(state.suggestion_set(owner, &zone(z), rtkn.expose_secret(), on(auto_enabled))?)
        }
        R::ClientConnSet { zone: z, rtkn, mode } | R::PartnerConnSet { zone: z, rtkn, mode } => {
            let (railgun, conn, rec_name) = state.conn_set(owner, &zone(z), rtkn.expose_secret(), on(mode))?;
            match owner {
                Owner::User(_) => id(railgun),
                Owner::Host(_) => json!({"railgun_conn_id": conn.id.to_string(), "railgun_rec_name": rec_name}),
            }
        }
        R::ClientConnSetmodeEnabled { zone: z, rtkn } | R::PartnerConnSetmodeEnabled { zone: z, rtkn } => {
            id(state.conn_setmode(owner, &zone(z), rtkn.expose_secret(), true)?)
        }
        R::ClientConnSetmodeDisabled { zone: z, rtkn } | R::PartnerConnSetmodeDisabled { zone: z, rtkn } => {
            id(state.conn_setmode(owner, &zone(z), rtkn.expose_secret(), false)?)
        }
        R::ClientConnDelete { zone: z, rtkn } | R::PartnerConnDelete { zone: z, rtkn } => {
            id(state.conn_delete(owner, &zone(z), rtkn.expose_secret())?)
        }
        R::PartnerIprSet { rtkn, ranges } => {
            id(state.ipr_set(owner, rtkn.expose_secret(), ranges.iter().map(ToString::to_string).collect())?)
        }
    };
    Ok((act, Body::Json(response)))
}

/// `init`'s answer: the new Railgun, with the token it is activated with.
fn made(railgun: &Railgun) -> Value {
    json!({
        "railgun_id": railgun.id.to_string(),
        "railgun_name": railgun.name,
        "railgun_status": railgun.status.wire(),
        "rtkn": railgun.rtkn,
    })
}

/// A successful listing: its `act` and the Railguns, copied under the
/// state's lock and written after it is released, without a tree of JSON
/// values.
#[derive(Debug, Clone)]
pub struct Listing {
    act: &'static str,
    railguns: Vec<Arc<Railgun>>,
}

impl Listing {
    /// How many Railguns.
    pub fn len(&self) -> usize {
        self.railguns.len()
    }

    /// The part of the answer that holds the Railguns `range`: the piece
    /// starting at 0 opens the envelope, the one ending at [`Listing::len`]
    /// closes it. Pieces written in order make the whole answer; a listing
    /// is streamed that way.
    pub fn piece(&self, range: std::ops::Range<usize>) -> Vec<u8> {
        let n = self.railguns.len();
        let range = range.start.min(n)..range.end.min(n);
        let mut out = Vec::with_capacity(1024 * range.len() + 96);
        if range.start == 0 {
            out.extend_from_slice(b"{\"msg\":null,\"response\":{\"act\":");
            out.extend_from_slice(Value::from(self.act).to_string().as_bytes());
            out.extend_from_slice(format!(",\"railguns\":{{\"count\":{n},\"objs\":[").as_bytes());
        }
        for i in range.clone() {
            if i > 0 {
                out.push(b',');
            }
            // Writing strings and maps into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut out, &Listed(&self.railguns[i]));
        }
        if range.end == n {
            out.extend_from_slice(b"]}},\"result\":\"success\"}");
        }
        out
    }

    /// The whole envelope at once.
    pub fn envelope(&self) -> String {
        String::from_utf8(self.piece(0..self.len())).unwrap_or_default()
    }
}

/// A Railgun as the service lists it, keys in alphabetical order.
struct Listed<'a>(&'a Railgun);

impl serde::Serialize for Listed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let (user_id, host_id) = match r.owner {
            Owner::User(id) => (Some(id.to_string()), None),
            Owner::Host(id) => (None, Some(id.to_string())),
        };
        let activated = r.status == Status::Verified;
        let props: [(&str, Option<&str>); 3] = if activated {
            [("build", Some(DAEMON_BUILD.0)), ("number", Some(DAEMON_BUILD.1)), ("revision", Some(DAEMON_BUILD.2))]
        } else {
            [("build", None), ("number", None), ("revision", None)]
        };
        let mut map = serializer.serialize_map(Some(19))?;
        map.serialize_entry("cdate", &pg_timestamp(r.created))?;
        map.serialize_entry("edate", &pg_timestamp(r.edited))?;
        map.serialize_entry("props", &std::collections::BTreeMap::from(props))?;
        map.serialize_entry("railgun_activated_on", &r.activated.map(pg_timestamp))?;
        // The Railgun's token: Cloudflare's cPanel plugin sent this value
        // back as `rtkn` (see railgun_api::fleet).
        map.serialize_entry("railgun_api_key", &r.rtkn)?;
        map.serialize_entry("railgun_deleted_on", &r.deleted.map(pg_timestamp))?;
        map.serialize_entry("railgun_host_id", &host_id)?;
        map.serialize_entry("railgun_id", &r.id.to_string())?;
        map.serialize_entry("railgun_ip", &None::<&str>)?;
        map.serialize_entry("railgun_mode", flag01(r.enabled))?;
        map.serialize_entry("railgun_name", &r.name)?;
        map.serialize_entry("railgun_port", "2408")?;
        map.serialize_entry("railgun_pubname", &r.pubname)?;
        map.serialize_entry("railgun_rec_id", &r.rec_id.map(|id| id.to_string()))?;
        map.serialize_entry("railgun_rec_name", &r.rec_name)?;
        map.serialize_entry("railgun_status", r.status.wire())?;
        map.serialize_entry("railgun_tag", &r.tag)?;
        map.serialize_entry("railgun_type", if matches!(r.owner, Owner::User(_)) { "user" } else { "host" })?;
        map.serialize_entry("railgun_user_id", &user_id)?;
        map.end()
    }
}

/// A flag as v2 writes a mode: `"1"` or `"0"`.
fn flag01(on: bool) -> &'static str {
    if on { "1" } else { "0" }
}

/// A flag as Postgres writes a boolean: `"t"` or `"f"`.
fn flag_tf(on: bool) -> &'static str {
    if on { "t" } else { "f" }
}

/// `2012-10-27 16:34:37.718746+00`, as Postgres prints a `timestamptz`.
pub fn pg_timestamp(t: time::OffsetDateTime) -> String {
    crate::state::utc(t, ' ', "+00")
}

/// How v2 answers a request that was not read: `family` is the title of
/// the caller's family.
fn refusal(action: &str, family: &str, refused: Refused) -> ApiError {
    let invalid = |msg: String| ApiError::new("E_INVALID_PARAM", msg);
    let ip_ranges = |msg: String| ApiError::new("E_INVALID_IPR", msg);
    match refused {
        Refused::NotInFamily => ApiError::new("E_UNKNOWN_ACTION", format!("the {family} has no action '{action}'")),
        Refused::Method { allowed } => {
            ApiError::new("E_METHOD", format!("{action} accepts {} only", allowed.join(" and ")))
        }
        Refused::Missing { param } => ApiError::new("E_MISSING_PARAM", format!("missing parameter '{param}'")),
        Refused::Empty { param } => ApiError::new("E_MISSING_PARAM", format!("parameter '{param}' is empty")),
        Refused::Invalid { param, value, problem } => match problem {
            Problem::NotADomain => invalid(format!("{param}: '{value}' is not a domain name")),
            Problem::NotOneOf(values) => invalid(format!("{param} must be {}, not '{value}'", values.join(" or "))),
            Problem::NotAList => {
                ip_ranges(format!("{param}: must be a JSON array of strings, such as [\"203.0.0.0/8\"]"))
            }
            Problem::EmptyList => ip_ranges(format!("{param}: must hold at least one IP range")),
            Problem::IpRange(e) => {
                let item = e.input();
                ip_ranges(match e.problem() {
                    IpRangeProblem::NotAnAddress => format!("{param}: '{item}' is not an IP address or range"),
                    IpRangeProblem::NetmaskNotANumber => {
                        format!("{param}: '{item}' has a netmask that is not a number")
                    }
                    IpRangeProblem::NetmaskOutOfBounds { shortest, longest, .. } => {
                        format!("{param}: '{item}': netmasks must be between {shortest} and {longest} bits")
                    }
                    other => format!("{param}: '{item}': {other}"),
                })
            }
            other => invalid(format!("{param}: '{value}' {other}")),
        },
        // Not made by reading a form.
        Refused::NoRoute | Refused::MalformedBody => ApiError::new("E_INVALID_PARAM", "the request is malformed"),
    }
}

/// The family the credentials belong to, and the calling account.
fn authenticate(accounts: &Accounts, fields: &Fields) -> Result<(v2::Family, Owner), ApiError> {
    if let Some(key) = fields.get("host_key") {
        let index = accounts.host_keys.iter().position(|k| k == key);
        return match index {
            Some(i) => Ok((v2::Family::Partner, Owner::Host(i as u64 + 1))),
            None => Err(ApiError::new("E_UNAUTH", "invalid host_key")),
        };
    }
    match (fields.get("email"), fields.get("tkn")) {
        (Some(email), Some(tkn)) => {
            let index = accounts.users.iter().position(|u| u.email == email && u.tkn == tkn);
            match index {
                Some(i) => Ok((v2::Family::Client, Owner::User(i as u64 + 1))),
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

/// The Host API's `user_lookup`: a user's details by `cloudflare_email` or
/// `unique_id`, for a valid `host_key`.
pub fn user_lookup(accounts: &Accounts, state: &State, fields: &Fields) -> Value {
    let answer = || -> Result<(Value, Value), ApiError> {
        match fields.get("act") {
            Some("user_lookup") => {}
            Some(other) => {
                return Err(ApiError::new("E_UNKNOWN_ACTION", format!("the emulator's Host API has no act '{other}'")));
            }
            None => return Err(ApiError::new("E_MISSING_PARAM", "missing parameter 'act'")),
        }
        let (family, owner) = authenticate(accounts, fields)?;
        if family != v2::Family::Partner {
            return Err(ApiError::new("E_UNAUTH", "the Host API takes a host_key"));
        }
        let (key, request) = match (fields.get("cloudflare_email"), fields.get("unique_id")) {
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

#[cfg(test)]
mod tests {
    use super::*;

    const HOST_KEY: &str = "h0st+key";

    fn accounts() -> Accounts {
        let user = User { email: "me@example.com".into(), tkn: "t0k3n".into(), api_token: None };
        Accounts { users: vec![user], host_keys: vec![HOST_KEY.into()] }
    }

    /// The `err_code` and `msg` of `action` sent by `method` with `fields`
    /// (a host key added unless `email` is among them), and the requests
    /// it left in the log.
    fn refused(action: &str, get: bool, fields: &[(&str, &str)]) -> (String, String, usize) {
        let mut pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if !fields.iter().any(|(k, _)| *k == "email") {
            pairs.push(("host_key".into(), HOST_KEY.into()));
        }
        let log = Log::default();
        let reply = handle(&accounts(), &State::new(1), &log, action, get, &Fields::new(pairs));
        let Reply::Envelope(envelope) = reply else { panic!("{action}: a listing") };
        assert_eq!(envelope["result"], "error", "{envelope}");
        let text = |key: &str| envelope[key].as_str().unwrap().to_owned();
        (text("err_code"), text("msg"), log.all().len())
    }

    fn says(code: &str, msg: &str) -> (String, String, usize) {
        (code.to_owned(), msg.to_owned(), 0)
    }

    #[test]
    fn requests_are_refused_as_the_spec_says_before_they_act() {
        assert_eq!(refused("conn_sett", false, &[]), says("E_UNKNOWN_ACTION", "unknown action 'conn_sett'"));
        assert_eq!(
            refused("ipr_set", false, &[("email", "me@example.com"), ("tkn", "t0k3n")]),
            says("E_UNKNOWN_ACTION", "the Client API has no action 'ipr_set'")
        );
        assert_eq!(
            refused("user_get_all", false, &[]),
            says("E_UNKNOWN_ACTION", "the Optimized Partner API has no action 'user_get_all'")
        );
        assert_eq!(
            refused("ipr_set", true, &[("rtkn", "r"), ("ipr", "[\"10.0.0.0/8\"]")]),
            says("E_METHOD", "ipr_set accepts POST only")
        );
        assert_eq!(
            refused("conn_delete", false, &[("z", "example.com")]),
            says("E_MISSING_PARAM", "missing parameter 'rtkn'")
        );
        assert_eq!(
            refused("conn_delete", false, &[("z", "example.com"), ("rtkn", " ")]),
            says("E_MISSING_PARAM", "parameter 'rtkn' is empty")
        );
        assert_eq!(
            refused("conn_delete", false, &[("z", "not a zone"), ("rtkn", "r")]),
            says("E_INVALID_PARAM", "z: 'not a zone' is not a domain name")
        );
        assert_eq!(
            refused("conn_set", false, &[("z", "example.com"), ("rtkn", "r"), ("mode", "on")]),
            says("E_INVALID_PARAM", "mode must be 1 or 0, not 'on'")
        );
        let ipr = |ipr: &str| refused("ipr_set", false, &[("rtkn", "r"), ("ipr", ipr)]);
        assert_eq!(
            ipr("10.0.0.0/8"),
            says("E_INVALID_IPR", "ipr: must be a JSON array of strings, such as [\"203.0.0.0/8\"]")
        );
        assert_eq!(ipr("[]"), says("E_INVALID_IPR", "ipr: must hold at least one IP range"));
        assert_eq!(ipr("[\"10.0.0.0/8\",\"ten\"]"), says("E_INVALID_IPR", "ipr: 'ten' is not an IP address or range"));
        assert_eq!(
            ipr("[\"10.0.0.0/x\"]"),
            says("E_INVALID_IPR", "ipr: '10.0.0.0/x' has a netmask that is not a number")
        );
        assert_eq!(
            ipr("[\"10.0.0.0/7\"]"),
            says("E_INVALID_IPR", "ipr: '10.0.0.0/7': netmasks must be between 8 and 32 bits")
        );
        assert_eq!(
            ipr("[\"::1/64\"]"),
            says("E_INVALID_IPR", "ipr: '::1/64': netmasks must be between 112 and 128 bits")
        );
        // The daemon's activation takes no credentials, but a token.
        assert_eq!(refused("activate", false, &[]), says("E_MISSING_PARAM", "missing parameter 'rtkn'"));
    }

    #[test]
    fn ip_ranges_are_kept_as_the_service_answers_them() {
        let state = State::new(1);
        let log = Log::default();
        let call = |action: &str, fields: &[(&str, &str)]| {
            let mut pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            pairs.push(("host_key".into(), HOST_KEY.into()));
            match handle(&accounts(), &state, &log, action, false, &Fields::new(pairs)) {
                Reply::Envelope(envelope) => envelope,
                Reply::Listing { .. } => panic!("a listing"),
            }
        };
        let made = call("init", &[("name", "rg")]);
        let rtkn = made["response"]["rtkn"].as_str().unwrap().to_owned();
        let set = call(
            "ipr_set",
            &[("rtkn", &rtkn), ("ipr", r#"["203.0.0.0/8","207.0.0.7","BE81::02C3:B44F:FE1E:8329/112"]"#)],
        );
        assert_eq!(set["result"], "success", "{set}");
        assert_eq!(state.snapshot().ranges[&1], ["203.0.0.0/8", "207.0.0.7", "be81::2c3:b44f:fe1e:8329/112"]);
        assert_eq!(log.all().iter().map(Received::action).collect::<Vec<_>>(), ["init", "ipr_set"]);
    }
    #[test]
    fn a_listing_written_in_pieces_is_the_whole_answer() {
        const HOST: Owner = Owner::Host(1);
        let state = State::new(3);
        for i in 0..5 {
            state.init(if i == 2 { Owner::User(1) } else { HOST }, Some(&format!("rg-{i}")), None);
        }
        let listing = Listing { act: "railgun_host_get_all", railguns: state.get_all(HOST) };
        let whole = listing.envelope();
        let pieces: Vec<u8> = [0..2, 2..3, 3..4].into_iter().flat_map(|r| listing.piece(r)).collect();
        assert_eq!(String::from_utf8(pieces).unwrap(), whole);
        let v: Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(
            (&v["result"], &v["msg"], &v["response"]["act"]),
            (&json!("success"), &Value::Null, &json!("railgun_host_get_all"))
        );
        assert_eq!(v["response"]["railguns"]["count"], 4);
        let names: Vec<&str> = v["response"]["railguns"]["objs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["railgun_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["rg-0", "rg-1", "rg-3", "rg-4"]);
        let first = &v["response"]["railguns"]["objs"][0];
        assert_eq!(
            (&first["railgun_id"], &first["railgun_status"], &first["railgun_host_id"]),
            (&json!("1"), &json!("INI"), &json!("1"))
        );
        assert_eq!(first["props"], json!({"build": null, "number": null, "revision": null}));
        assert_eq!(
            Listing { act: "a", railguns: State::new(1).get_all(HOST) }.envelope(),
            r#"{"msg":null,"response":{"act":"a","railguns":{"count":0,"objs":[]}},"result":"success"}"#
        );
    }

    #[test]
    fn timestamps_look_like_postgres() {
        let t = time::macros::datetime!(2012-10-27 16:34:37.718746 UTC);
        assert_eq!(pg_timestamp(t), "2012-10-27 16:34:37.718746+00");
    }
}
