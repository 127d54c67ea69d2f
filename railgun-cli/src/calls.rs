//! One command per family and action, made from the specs `railgun-api` was
//! generated from (v2's actions and v4's operations): their parameters
//! become typed options, their secrets come from the environment or the
//! config file, and their answers are printed with the spec's types (ids as
//! numbers, flags as booleans, enums by name).

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::TryStreamExt;
use railgun_api::Secret;
use railgun_runtime::__private::{
    ActionEndpoint, Bounded, Credential, DomainName, FromSession, Limited, RestEndpoint, RestMethod, Session, ToParam,
};
use railgun_runtime::Page;
use railgun_spec::ir::{
    self, Api, Binding, CredentialLocation, EnumRef, FieldType, ListEncoding, ParamLocation, ParamScalar, ParamType,
    PathSegment, Response, Scalar, TypeKind,
};
use serde_json::Value;

use crate::config::{Config, env_name};
use crate::{Failure, Globals};

/// A session with no client type around it: calls built from the spec.
pub struct Raw(Session);

impl FromSession for Raw {
    fn from_session(session: Session) -> Self {
        Raw(session)
    }
}

/// `conn_setmode_enabled` → `conn-setmode-enabled`.
pub fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The subcommands of one family: one per endpoint.
pub fn endpoint_commands(api: &Api, family: ir::FamilyId) -> Vec<Command> {
    api.endpoints_of(family).map(|ep| endpoint_command(api, ep)).collect()
}

fn endpoint_command(api: &Api, ep: &ir::Endpoint) -> Command {
    let long_about =
        [Some(ep.summary.trim()), ep.doc.as_deref().map(str::trim), Some(&format!("Upstream: {}", ep.docs_url))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n");
    let mut command = Command::new(kebab(&ep.action)).about(ep.summary.trim().to_owned()).long_about(long_about);
    let mut secrets = Vec::new();
    for p in &ep.params {
        let id = p.wire.clone();
        if matches!(p.ty, ParamType::One(ParamScalar::Secret)) {
            secrets.push(format!("{} ({})", p.wire, env_name(&p.wire)));
            let file = Arg::new(format!("{id}-file"))
                .long(format!("{}-file", kebab(&p.wire)))
                .value_name("PATH")
                .value_parser(clap::value_parser!(PathBuf))
                .help(format!("Read {} from this file ('-': stdin) instead of ${}", p.wire, env_name(&p.wire)));
            command = command.arg(file);
            continue;
        }
        let mut arg = Arg::new(id)
            .long(kebab(&p.rust))
            .help(p.doc.trim().to_owned())
            .required(!p.optional)
            .value_name(value_name(&p.ty));
        if p.rust != p.wire {
            arg = arg.alias(kebab(&p.wire));
        }
        arg = match &p.ty {
            ParamType::One(scalar) => arg.value_parser(parser(api, scalar, Some(p))),
            ParamType::List(scalar, _) => {
                arg.value_parser(parser(api, scalar, None)).action(ArgAction::Append).value_delimiter(',')
            }
        };
        command = command.arg(arg);
    }
    if ep.paginated() {
        let all = Arg::new("all")
            .long("all")
            .action(ArgAction::SetTrue)
            .conflicts_with("page")
            .help("Every page, one after the other, as one list (--per-page sets their length)");
        command = command.arg(all);
    }
    if !secrets.is_empty() {
        command = command.after_help(format!(
            "Secrets: {} from the environment, the config file, or a --…-file; never from the command line.",
            secrets.join(", ")
        ));
    }
    command
}

fn value_name(ty: &ParamType) -> &'static str {
    match ty {
        ParamType::One(ParamScalar::Domain) => "DOMAIN",
        ParamType::One(ParamScalar::Integer) => "NUMBER",
        ParamType::One(ParamScalar::Flag) => "BOOL",
        ParamType::One(ParamScalar::Enum(_)) => "MODE",
        ParamType::One(ParamScalar::IpRange(_)) | ParamType::List(ParamScalar::IpRange(_), _) => "RANGE",
        _ => "TEXT",
    }
}

/// Parses one value into its wire text, within the limits the spec gives
/// `param` (a text's `max_length`, an integer's bounds) when it is one
/// value of that parameter.
fn parser(api: &Api, scalar: &ParamScalar, param: Option<&ir::Param>) -> clap::builder::ValueParser {
    let (max_length, bounds) = param.map_or((None, None), |p| (p.max_length, p.bounds));
    match (scalar, max_length) {
        // The generated clients' own check, and its words.
        (ParamScalar::Text, Some(max_chars)) => {
            let refusal = leak(&ir::too_long(max_chars));
            clap::builder::ValueParser::new(move |s: &str| -> Result<String, String> {
                let limited = Limited { text: s, max_chars, refusal };
                limited.to_param().map(|_| s.to_owned()).map_err(str::to_owned)
            })
        }
        (ParamScalar::Text | ParamScalar::Secret, _) => {
            clap::builder::ValueParser::new(|s: &str| -> Result<String, String> {
                if s.trim().is_empty() { Err("must not be empty".to_owned()) } else { Ok(s.to_owned()) }
            })
        }
        // The generated clients' own check, and its words.
        (ParamScalar::Domain, _) => clap::builder::ValueParser::new(|s: &str| -> Result<String, String> {
            DomainName(s).to_param().map(|_| s.to_owned()).map_err(str::to_owned)
        }),
        (ParamScalar::Integer, _) => {
            // The generated clients' own bounds, and their words.
            let bounds = bounds.map(|b| (b.minimum, b.maximum, leak(&b.refusal())));
            clap::builder::ValueParser::new(move |s: &str| -> Result<String, String> {
                let value = s.parse::<u64>().map_err(|e| e.to_string())?;
                if let Some((minimum, maximum, refusal)) = bounds {
                    Bounded { value, minimum, maximum, refusal }.to_param().map_err(str::to_owned)?;
                }
                Ok(value.to_string())
            })
        }
        // Sent as the generated clients send a bool.
        (ParamScalar::Flag, _) => clap::builder::ValueParser::new(|s: &str| match s {
            "true" | "1" | "yes" => Ok("true".to_owned()),
            "false" | "0" | "no" => Ok("false".to_owned()),
            _ => Err("must be true or false".to_owned()),
        }),
        (ParamScalar::Enum(e), _) => enum_parser(api, e),
        (ParamScalar::IpRange(range), _) => {
            let bounds = range.netmask;
            clap::builder::ValueParser::new(move |s: &str| {
                railgun_runtime::normalize_ip_range(s, bounds.ipv4, bounds.ipv6).map_err(|e| e.to_string())
            })
        }
    }
}

/// Variant names in lowercase (`active`), with the wire values (`1`) as
/// aliases; the parsed value is the wire value.
fn enum_parser(api: &Api, e: &EnumRef) -> clap::builder::ValueParser {
    let TypeKind::Enum(def) = &api.type_def(e.named.id).kind else { unreachable!("resolution checked the kind") };
    let variants: Vec<(String, String)> = def.variants.iter().map(|v| (snake(&v.name), v.wire.clone())).collect();
    let values: Vec<PossibleValue> = variants
        .iter()
        .map(|(name, wire)| PossibleValue::new(name.clone()).alias(wire.clone()).help(format!("sent as {wire:?}")))
        .collect();
    let parser = clap::builder::PossibleValuesParser::new(values);
    clap::builder::ValueParser::new(clap::builder::TypedValueParser::map(parser, move |name: String| {
        variants.iter().find(|(n, w)| *n == name || *w == name).map(|(_, w)| w.clone()).unwrap_or(name)
    }))
}

/// `Active` → `active`, `NotYet` → `not_yet`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The name a credential has in the environment (`RAILGUN_<NAME>`) and the
/// config file: a form field's wire name (`host_key`, `email`, `tkn`); for
/// a header or a bearer token, `api_` and its argument name (`api_email`,
/// `api_key`, `api_token`, the v4 description's names for them).
pub fn credential_name(c: &ir::Credential) -> String {
    match c.location {
        CredentialLocation::Form => c.wire.clone(),
        CredentialLocation::Header | CredentialLocation::Bearer => format!("api_{}", c.rust),
    }
}

/// A client session for `family`, its credentials from the environment or
/// the config file: the first of the family's ways to authenticate whose
/// credentials are all set.
pub fn session(api: &Api, family: &ir::Family, globals: &Globals, config: &Config) -> Result<Session, Failure> {
    client::<Raw>(api, family, globals, config).map(|raw| raw.0)
}

/// A client of type `T` for `family`, with the first way to authenticate
/// whose credentials are all set.
pub fn client<T: FromSession>(
    api: &Api,
    family: &ir::Family,
    globals: &Globals,
    config: &Config,
) -> Result<T, Failure> {
    let complete =
        |scheme: &&ir::AuthScheme| scheme.credentials.iter().all(|c| config.value(&credential_name(c)).is_some());
    // With one way, a missing credential is named by itself below.
    let scheme = if family.auth.len() == 1 { family.auth.first() } else { family.auth.iter().find(complete) };
    let Some(scheme) = scheme else {
        let ways: Vec<String> = family
            .auth
            .iter()
            .map(|scheme| {
                let names: Vec<String> = scheme.credentials.iter().map(|c| env_name(&credential_name(c))).collect();
                names.join(" and ")
            })
            .collect();
        let names: Vec<String> =
            family.auth.iter().flat_map(|s| &s.credentials).map(|c| format!("`{}`", credential_name(c))).collect();
        return Err(Failure::Usage(format!(
            "{} needs credentials: set {}, or the config file's {} (never on the command line, where every user of \
             this machine can read them)",
            family.name,
            ways.join(", or "),
            names.join(", ")
        )));
    };
    let mut credentials = Vec::new();
    for c in &scheme.credentials {
        let name = leak(&c.wire);
        let config_name = credential_name(c);
        let credential = match (c.location, c.secret) {
            (CredentialLocation::Bearer, _) => Credential::bearer(config.secret(&config_name, None)?),
            (CredentialLocation::Header, true) => Credential::secret_header(name, config.secret(&config_name, None)?),
            (CredentialLocation::Form, true) => Credential::secret(name, config.secret(&config_name, None)?),
            (location, false) => {
                let value = config.value(&config_name).ok_or_else(|| {
                    Failure::Usage(format!(
                        "{config_name} is needed: set {} or the config file's `{config_name}`",
                        env_name(&config_name)
                    ))
                })?;
                if location == CredentialLocation::Header {
                    Credential::header(name, value)
                } else {
                    Credential::plain(name, value)
                }
            }
        };
        credentials.push(credential);
    }
    let builder = railgun_runtime::__private::builder(&api.base_url, credentials, &api.retry_statuses);
    Ok(globals.apply(builder, config, base_url_name(api), &api.base_url)?.build()?)
}

/// The setting that overrides `api`'s base URL: `base_url` for v2's
/// actions, `v4_base_url` for v4's operations.
pub fn base_url_name(api: &Api) -> &'static str {
    match api.protocol {
        ir::Protocol::ActionForm => "base_url",
        ir::Protocol::RestJson => "v4_base_url",
    }
}

/// A session without credentials, for the emulator's `activate`: the
/// service has no such action, so the base URL must be given.
pub fn anonymous(api: &Api, globals: &Globals, config: &Config) -> Result<Session, Failure> {
    let name = base_url_name(api);
    if globals.given_base_url(config, name).is_none() {
        return Err(Failure::Usage(format!(
            "activate is an action of railgun-emulator only: point --base-url, ${} or the config file's {name} at \
             the emulator's v2 URL (it prints it: `railgun-emulator listening on …`)",
            env_name(name)
        )));
    }
    let builder = railgun_runtime::__private::builder(&api.base_url, Vec::new(), &api.retry_statuses);
    let raw: Raw = globals.apply(builder, config, name, &api.base_url)?.build()?;
    Ok(raw.0)
}

/// A parameter's value, as sent.
enum Sent {
    Text(String),
    Secret(Secret),
    Flag(bool),
    Number(u64),
}

/// Sends `ep` with the arguments of `matches` and returns its answer,
/// typed by the spec. Its secrets are printed with `show_secrets`, or when
/// the call is not safe to repeat: such a call creates something (`init`,
/// `create-railgun`), and its answer is the one place that hands out the
/// new Railgun's token.
pub async fn call(
    api: &Api,
    ep: &ir::Endpoint,
    session: &Session,
    matches: &ArgMatches,
    config: &Config,
    show_secrets: bool,
) -> Result<Printed, Failure> {
    let mut secrets = Secrets::new(show_secrets || !ep.idempotent);
    let form = match &ep.binding {
        Binding::ActionForm(form) => form,
        Binding::RestJson(rest) => {
            let answer = call_rest(api, ep, rest, session, matches, config, &mut secrets).await?;
            return Ok(Printed { answer, secrets });
        }
    };
    let values = values(ep, matches, config)?;
    let endpoint = ActionEndpoint {
        action: leak(&ep.action),
        act: leak(&form.act),
        get: form.methods.contains(&ir::Method::Get),
        post: form.methods.contains(&ir::Method::Post),
        idempotent: ep.idempotent,
        secret_keys: Box::leak(ep.secret_keys.iter().map(|k| leak(k)).collect::<Vec<_>>().into_boxed_slice()),
    };
    let mut request = session.request(&endpoint);
    for (_, name, _, value) in &values {
        match value {
            Sent::Text(text) => request.param(name, text.as_str())?,
            Sent::Secret(secret) => request.param(name, secret)?,
            Sent::Flag(flag) => request.param(name, flag)?,
            Sent::Number(number) => request.param(name, number)?,
        }
    }
    let answer: Value = session.call(request).await?;
    let answer = typed_answer(api, ep, &answer, &mut secrets);
    Ok(Printed { answer, secrets })
}

fn typed_answer(api: &Api, ep: &ir::Endpoint, answer: &Value, secrets: &mut Secrets) -> Value {
    match &ep.response {
        Response::Struct(named) => typed(api, answer, &FieldType::Struct(named.clone()), secrets),
        Response::List(named) => typed(api, answer, &FieldType::List(named.clone()), secrets),
    }
}

/// The arguments given for `ep`'s parameters, with their wire names and
/// locations. A JSON body types its members, so a flag or a number going
/// there is one; everywhere else values are sent as text.
fn values(
    ep: &ir::Endpoint,
    matches: &ArgMatches,
    config: &Config,
) -> Result<Vec<(usize, &'static str, ParamLocation, Sent)>, Failure> {
    let mut values = Vec::new();
    for (j, p) in ep.params.iter().enumerate() {
        // A secret has no option of its own (only `--<name>-file`).
        let text = || matches.get_one::<String>(&p.wire);
        let body = p.location == ParamLocation::Body;
        let value = match &p.ty {
            ParamType::One(ParamScalar::Secret) => {
                let file = matches.get_one::<PathBuf>(&format!("{}-file", p.wire));
                Some(Sent::Secret(config.secret(&p.wire, file.map(PathBuf::as_path))?))
            }
            // The value parsers wrote flags as `true`/`false` and checked numbers.
            ParamType::One(ParamScalar::Flag) if body => text().map(|t| Sent::Flag(t == "true")),
            ParamType::One(ParamScalar::Integer) if body => text().and_then(|t| t.parse().ok()).map(Sent::Number),
            ParamType::One(_) => text().cloned().map(Sent::Text),
            ParamType::List(_, ListEncoding::Json) => matches
                .get_many::<String>(&p.wire)
                .map(|items| Sent::Text(serde_json::to_string(&items.collect::<Vec<_>>()).unwrap_or_default())),
        };
        if let Some(value) = value {
            values.push((j, leak(&p.wire), p.location, value));
        }
    }
    Ok(values)
}

/// One request of `endpoint` with `values`: the path's parameters in the
/// template's order, then the others; `page`, when given, replaces the
/// page parameter's (the page stream numbers the pages).
fn rest_request<'a>(
    session: &'a Session,
    ep: &ir::Endpoint,
    rest: &ir::RestJson,
    endpoint: &'a RestEndpoint,
    values: &'a [(usize, &'static str, ParamLocation, Sent)],
    page: Option<&'a u64>,
) -> Result<railgun_runtime::__private::RestRequest<'a>, railgun_api::Error> {
    let mut request = session.request(endpoint);
    let page_param = ep.pagination.map(|p| p.page);
    let in_path: Vec<usize> = rest
        .path
        .iter()
        .filter_map(|s| match s {
            PathSegment::Param { param, .. } => Some(*param),
            PathSegment::Literal(_) => None,
        })
        .collect();
    let slots = ir::BodyMember::params(&rest.body);
    let given = |j: usize| values.iter().find(|v| v.0 == j);
    let others = values.iter().filter(|v| !in_path.contains(&v.0)).map(|v| v.0);
    for j in in_path.iter().copied().chain(others) {
        let Some((_, name, location, value)) = given(j) else { continue };
        if Some(j) == page_param {
            if page.is_none()
                && let Sent::Text(text) = value
            {
                let number: &'a u64 = Box::leak(Box::new(text.parse().unwrap_or(1)));
                request.page(name, number)?;
            }
            continue;
        }
        let slot = slots.iter().find(|(param, _)| *param == j).map(|(_, slot)| *slot);
        put(&mut request, name, *location, slot, value)?;
    }
    if let (Some(page), Some(j)) = (page, page_param) {
        request.page(leak(&ep.params[j].wire), page)?;
    }
    Ok(request)
}

/// Puts a value where its parameter goes (a body member in its slot).
fn put<'a>(
    request: &mut railgun_runtime::__private::RestRequest<'a>,
    name: &'static str,
    location: ParamLocation,
    slot: Option<usize>,
    value: &'a Sent,
) -> Result<(), railgun_api::Error> {
    match (location, slot, value) {
        (ParamLocation::Path, _, Sent::Text(t)) => request.path(name, t.as_str()),
        (ParamLocation::Path, _, Sent::Secret(s)) => request.path(name, s),
        (ParamLocation::Header, _, Sent::Text(t)) => request.header(name, t.as_str()),
        (ParamLocation::Header, _, Sent::Secret(s)) => request.header(name, s),
        (ParamLocation::Body, Some(slot), Sent::Text(t)) => request.body(slot, name, t.as_str()),
        (ParamLocation::Body, Some(slot), Sent::Secret(s)) => request.body(slot, name, s),
        (ParamLocation::Body, Some(slot), Sent::Flag(f)) => request.body(slot, name, f),
        (ParamLocation::Body, Some(slot), Sent::Number(n)) => request.body(slot, name, n),
        (_, _, Sent::Text(t)) => request.query(name, t.as_str()),
        (_, _, Sent::Secret(s)) => request.query(name, s),
        (_, _, Sent::Flag(f)) => request.query(name, f),
        (_, _, Sent::Number(n)) => request.query(name, n),
    }
}

/// The body's layout, as the runtime keeps it.
fn body_layout(members: &[ir::BodyMember]) -> &'static [railgun_runtime::__private::BodyMember] {
    use railgun_runtime::__private::{BodyMember, BodyValue};
    let members: Vec<BodyMember> = members
        .iter()
        .map(|m| BodyMember {
            name: leak(&m.name),
            value: match &m.value {
                ir::BodyValue::Param { slot, .. } => BodyValue::Arg(*slot),
                ir::BodyValue::Object(inner) => BodyValue::Object(body_layout(inner)),
            },
        })
        .collect();
    Box::leak(members.into_boxed_slice())
}

/// Sends a `rest_json` operation. A paginated one prints its page
/// (`{"items": […], "info": {…}}`), or with `--all` every page's items.
async fn call_rest(
    api: &Api,
    ep: &ir::Endpoint,
    rest: &ir::RestJson,
    session: &Session,
    matches: &ArgMatches,
    config: &Config,
    secrets: &mut Secrets,
) -> Result<Value, Failure> {
    let values = values(ep, matches, config)?;
    let path: Vec<railgun_runtime::__private::PathSegment> = rest
        .path
        .iter()
        .map(|segment| match segment {
            PathSegment::Literal(text) => railgun_runtime::__private::PathSegment::Literal(leak(text)),
            PathSegment::Param { name, .. } => railgun_runtime::__private::PathSegment::Param(leak(name)),
        })
        .collect();
    let endpoint: &'static RestEndpoint = Box::leak(Box::new(RestEndpoint {
        action: leak(&ep.action),
        method: match rest.method {
            ir::Method::Get => RestMethod::Get,
            ir::Method::Post => RestMethod::Post,
            ir::Method::Put => RestMethod::Put,
            ir::Method::Patch => RestMethod::Patch,
            ir::Method::Delete => RestMethod::Delete,
        },
        path: Box::leak(path.into_boxed_slice()),
        body: body_layout(&rest.body),
        idempotent: ep.idempotent,
        paginated: ep.paginated(),
        secret_keys: Box::leak(ep.secret_keys.iter().map(|k| leak(k)).collect::<Vec<_>>().into_boxed_slice()),
    }));
    if !ep.paginated() {
        let answer: Value = session.call(rest_request(session, ep, rest, endpoint, &values, None)?).await?;
        return Ok(typed_answer(api, ep, &answer, secrets));
    }
    let values = &values;
    let send = |page: Option<u64>| async move {
        session.call::<Page<Value>, _>(rest_request(session, ep, rest, endpoint, values, page.as_ref())?).await
    };
    let Response::List(item) = &ep.response else {
        return Err(Failure::Usage(format!("{}: a paginated operation must answer a list", ep.action)));
    };
    let item = FieldType::Struct(item.clone());
    if matches.get_flag("all") {
        let per_page = matches.get_one::<String>("per_page").and_then(|t| t.parse().ok());
        let items: Vec<Value> =
            railgun_runtime::__private::pages(session.max_list_items(), endpoint.action, per_page, |page| {
                send(Some(page))
            })
            .try_collect()
            .await?;
        return Ok(Value::Array(items.iter().map(|v| typed(api, v, &item, secrets)).collect()));
    }
    let page = send(None).await?;
    let items: Vec<Value> = page.items.iter().map(|v| typed(api, v, &item, secrets)).collect();
    let info = page.info.map(
        |i| serde_json::json!({"page": i.page, "per_page": i.per_page, "count": i.count, "total_count": i.total_count}),
    );
    Ok(serde_json::json!({"items": items, "info": info}))
}

/// The emulator's `activate`: the daemon's activation of the Railgun
/// `rtkn` names.
pub async fn activate(session: &Session, rtkn: &Secret) -> Result<Value, Failure> {
    const ENDPOINT: ActionEndpoint = ActionEndpoint {
        action: "activate",
        act: "railgun_activate",
        get: true,
        post: true,
        idempotent: true,
        secret_keys: &["rtkn"],
    };
    let mut request = session.request(&ENDPOINT);
    request.param("rtkn", rtkn)?;
    let mut answer: Value = session.call(request).await?;
    if let Some(object) = answer.as_object_mut() {
        object.remove("act");
    }
    Ok(answer)
}

/// Whether an answer's secrets are printed, and which were not.
pub struct Secrets {
    show: bool,
    hidden: BTreeSet<String>,
}

impl Secrets {
    /// Secrets printed as they are (`--show-secrets`, or an answer that
    /// hands out what the call created), or as `Secret` prints itself.
    pub fn new(show: bool) -> Secrets {
        Secrets { show, hidden: BTreeSet::new() }
    }

    /// The wire names of the fields that were not printed.
    pub fn hidden(&self) -> &BTreeSet<String> {
        &self.hidden
    }
}

/// An answer as printed, and the secrets left out of it.
pub struct Printed {
    pub answer: Value,
    pub secrets: Secrets,
}

/// The answer with the spec's types: declared fields only, ids and counts
/// as numbers, flags as booleans, enums by variant name (unknown values
/// as sent), timestamps in RFC 3339, secrets as `secrets` says.
pub fn typed(api: &Api, value: &Value, ty: &FieldType, secrets: &mut Secrets) -> Value {
    typed_field(api, value, ty, "", secrets)
}

fn typed_field(api: &Api, value: &Value, ty: &FieldType, wire: &str, secrets: &mut Secrets) -> Value {
    match (ty, value) {
        (_, Value::Null) => Value::Null,
        // Whatever its JSON type (a secret sent as a number is one too),
        // printed as a `Secret` prints itself.
        (FieldType::Scalar(Scalar::Secret), _) if !secrets.show => {
            secrets.hidden.insert(wire.to_owned());
            Value::String(Secret::new("").to_string())
        }
        (FieldType::Scalar(Scalar::Id | Scalar::Integer), Value::String(s)) => {
            s.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| value.clone())
        }
        (FieldType::Scalar(Scalar::Signed), Value::String(s)) => {
            s.trim().parse::<i64>().map(Value::from).unwrap_or_else(|_| value.clone())
        }
        (FieldType::Scalar(Scalar::Flag), Value::String(s)) => match s.as_str() {
            "t" | "1" | "true" => Value::Bool(true),
            "f" | "0" | "false" => Value::Bool(false),
            _ => value.clone(),
        },
        (FieldType::Scalar(Scalar::Flag), Value::Number(n)) => Value::Bool(n.as_u64() != Some(0)),
        (FieldType::Scalar(Scalar::Timestamp), Value::String(s)) => {
            s.parse::<railgun_api::Timestamp>().map(|t| Value::String(t.to_string())).unwrap_or_else(|_| value.clone())
        }
        (FieldType::Scalar(_), _) => value.clone(),
        (FieldType::Enum(e), _) => {
            let TypeKind::Enum(def) = &api.type_def(e.named.id).kind else { return value.clone() };
            let wire = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            def.variants
                .iter()
                .find(|v| v.wire == wire)
                .map(|v| Value::String(snake(&v.name)))
                .unwrap_or(Value::String(wire))
        }
        (FieldType::Struct(named), Value::Object(object)) => {
            let TypeKind::Struct(fields) = &api.type_def(named.id).kind else { return value.clone() };
            let mut out = serde_json::Map::new();
            for field in fields {
                let v = object
                    .get(&field.wire)
                    .map(|v| typed_field(api, v, &field.ty, &field.wire, secrets))
                    .unwrap_or(Value::Null);
                out.insert(field.wire.clone(), v);
            }
            Value::Object(out)
        }
        (FieldType::List(named), Value::Array(items)) => {
            let item = FieldType::Struct(named.clone());
            Value::Array(items.iter().map(|v| typed_field(api, v, &item, wire, secrets)).collect())
        }
        _ => value.clone(),
    }
}

/// Names the runtime keeps as `&'static str`: made once per process, for
/// one command.
fn leak(name: &str) -> &'static str {
    Box::leak(name.to_owned().into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_are_snake_case() {
        assert_eq!((snake("Active"), snake("NotYetActive")), ("active".to_owned(), "not_yet_active".to_owned()));
    }
}
