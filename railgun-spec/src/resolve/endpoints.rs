//! Endpoints: their binding (URL, methods, envelope), parameters and answer.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{Kind, Resolver};
use crate::ir;
use crate::model::{self, Encoding, Location, Method, Protocol};
use crate::names;
use crate::ty::{Scalar, TypeExpr};

/// Version 1's `ip_ranges`: netmasks of 8 to 32 (IPv4) and 112 to 128
/// (IPv6) bits, as `ipr_set` documents them.
const V1_IP_RANGE_NETMASK: ir::Netmask = ir::Netmask { ipv4: (8, 32), ipv6: (112, 128) };

impl Resolver<'_> {
    pub(super) fn endpoints(&mut self, types: &[ir::TypeDef], families: &[ir::Family]) -> Vec<ir::Endpoint> {
        let spec = self.spec;
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        let mut endpoints = Vec::new();
        for (i, ep) in spec.endpoints.iter().enumerate() {
            let path = format!("endpoints[{i}]");
            let resolved = self.endpoint(i, &path, ep, types, families);
            if let Some(first) = seen.insert((ep.family.as_str(), ep.action.as_str()), i) {
                self.report(
                    format!("{path}.action"),
                    format!(
                        "duplicate action '{}' in family '{}' (first defined at endpoints[{first}])",
                        ep.action, ep.family
                    ),
                );
            }
            endpoints.extend(resolved);
        }
        // A paginated endpoint's second method, `<action>_stream`, is a name too.
        for ep in &endpoints {
            if !ep.paginated() {
                continue;
            }
            let stream = format!("{}_stream", ep.action);
            if let Some(other) = endpoints.iter().find(|o| o.family == ep.family && o.action == stream) {
                self.report(
                    format!("endpoints[{}].action", other.index),
                    format!("'{stream}' is the name of the stream method of paginated '{}'", ep.action),
                );
            }
        }
        endpoints
    }

    fn endpoint(
        &mut self,
        index: usize,
        path: &str,
        ep: &model::Endpoint,
        types: &[ir::TypeDef],
        families: &[ir::Family],
    ) -> Option<ir::Endpoint> {
        let spec = self.spec;
        let family = spec.families.iter().position(|f| f.name == ep.family);
        let family_def = family.map(|i| &spec.families[i]);
        let mut constructors: Vec<String> = names::CONSTRUCTORS.iter().map(|c| (*c).to_owned()).collect();
        if let Some(model::Auth::Schemes(schemes)) = family_def.map(|f| &f.auth) {
            constructors.extend(schemes.iter().flat_map(|(name, _)| names::scheme_constructors(name)));
        }
        if self.snake_ident(&format!("{path}.action"), &ep.action) {
            if constructors.contains(&ep.action) {
                self.report(format!("{path}.action"), format!("'{}' is the name of a client constructor", ep.action));
            } else if names::CLIENT_METHODS.contains(&ep.action.as_str()) {
                self.report(
                    format!("{path}.action"),
                    format!("'{}' is the name of a method every client has", ep.action),
                );
            }
        }
        if family.is_none() {
            let known: Vec<_> = spec.families.iter().map(|f| f.name.as_str()).collect();
            let hint = crate::suggest::hint(&ep.family, known.iter().copied(), '\'');
            let hint = if hint.is_empty() { format!("; known: {}", known.join(", ")) } else { hint };
            self.report(format!("{path}.family"), format!("unknown family '{}'{hint}", ep.family));
        }
        let bound = self.binding(path, ep);
        let keys = [
            ("act", ep.act.as_deref()),
            ("summary", Some(&ep.summary)),
            ("docs", Some(&ep.docs)),
            ("undocumented", ep.undocumented.as_deref()),
        ];
        for (key, value) in keys {
            if value.is_some_and(|v| v.trim().is_empty()) {
                self.report(format!("{path}.{key}"), format!("`{key}` cannot be empty"));
            }
        }

        let credentials: Vec<&ir::Credential> = family
            .and_then(|i| families.get(i))
            .map(|f| f.auth.iter().flat_map(|scheme| &scheme.credentials).collect())
            .unwrap_or_default();
        let taken: Vec<(&str, &str)> = credentials.iter().map(|c| (c.wire.as_str(), c.rust.as_str())).collect();
        self.member_names(&format!("{path}.params"), &ep.params, &taken);
        let method = bound.as_ref().and_then(|b| match b {
            Bound::ActionForm(_) => None,
            Bound::RestJson { method, .. } => Some(*method),
        });
        let params: Vec<ir::Param> = ep
            .params
            .iter()
            .enumerate()
            .filter_map(|(j, p)| self.param(&format!("{path}.params[{j}]"), p, method))
            .collect();
        let binding = bound.and_then(|bound| self.bind(path, bound, &params));
        self.nested_body(path, &params);
        let response = self.response(&format!("{path}.response"), &ep.response);
        let pagination = self.pagination(path, ep, &params, response.as_ref());
        if let Some(note) = &ep.deprecated {
            self.needs_v2(format!("{path}.deprecated"), "`deprecated`");
            if note.trim().is_empty() {
                self.report(format!("{path}.deprecated"), "`deprecated` needs the upstream note");
            }
        }
        let idempotent = match ep.idempotent {
            Some(idempotent) => {
                self.needs_v2(format!("{path}.idempotent"), "`idempotent`");
                idempotent
            }
            None if self.v2() => {
                self.report(
                    path,
                    format!(
                        "'{}' needs `idempotent: true` (sending it twice does what sending it once does) \
                         or `idempotent: false`",
                        ep.action
                    ),
                );
                false
            }
            None => false,
        };

        let mut secret_keys: BTreeSet<String> =
            credentials.iter().filter(|c| c.secret).map(|c| c.wire.clone()).collect();
        // A nested body member's key is the last part of its name.
        secret_keys.extend(
            params
                .iter()
                .filter(|p| p.ty == ir::ParamType::One(ir::ParamScalar::Secret))
                .map(|p| p.wire.rsplit('.').next().unwrap_or(&p.wire).to_owned()),
        );
        if let Some(ir::Response::Struct(named) | ir::Response::List(named)) = &response {
            secret_fields(types, named.id, &mut secret_keys);
        }

        Some(ir::Endpoint {
            index,
            action: ep.action.clone(),
            family: ir::FamilyId(family?),
            binding: binding?,
            params,
            response: response?,
            idempotent,
            summary: ep.summary.clone(),
            doc: ep.doc.clone(),
            docs_url: format!("{}{}", spec.docs_base, ep.docs),
            deviations: ep
                .deviations
                .iter()
                .map(|d| ir::Deviation { item: d.item.clone(), reason: d.reason.clone() })
                .collect(),
            undocumented: ep.undocumented.as_ref().map(|reason| reason.trim().to_owned()),
            deprecated: ep.deprecated.as_ref().map(|note| note.trim().to_owned()),
            pagination,
            secret_keys: secret_keys.into_iter().collect(),
        })
    }

    /// How the endpoint is reached, but for what its parameters give (a
    /// REST path's parameters, the body's layout): [`Self::bind`] adds it.
    fn binding(&mut self, path: &str, ep: &model::Endpoint) -> Option<Bound> {
        if ep.methods.is_empty() {
            self.report(format!("{path}.methods"), "an endpoint needs at least one method");
        }
        let mut methods = HashSet::new();
        for (j, m) in ep.methods.iter().enumerate() {
            if !methods.insert(*m) {
                self.report(format!("{path}.methods[{j}]"), format!("{} is listed twice", m.as_str()));
            }
        }
        match self.protocol {
            Protocol::ActionForm => {
                for (j, m) in ep.methods.iter().enumerate() {
                    match m {
                        Method::Get | Method::Post => {}
                        Method::Put | Method::Patch | Method::Delete => self.report(
                            format!("{path}.methods[{j}]"),
                            format!("{} is not an action_form method; use GET or POST", m.as_str()),
                        ),
                    }
                }
                if ep.path.is_some() {
                    self.report(
                        format!("{path}.path"),
                        "`path` is for rest_json endpoints; an action is sent to base_url + action",
                    );
                }
                let Some(act) = &ep.act else {
                    self.report(path, "missing field `act`");
                    return None;
                };
                Some(Bound::ActionForm(ir::ActionForm { methods: ep.methods.clone(), act: act.clone() }))
            }
            Protocol::RestJson => {
                if ep.methods.len() > 1 {
                    self.report(format!("{path}.methods"), "a rest_json endpoint has exactly one method");
                }
                if ep.act.is_some() {
                    self.report(format!("{path}.act"), "`act` is for action_form endpoints");
                }
                let Some(template) = &ep.path else {
                    self.report(path, "missing field `path`");
                    return None;
                };
                let segments = match parse_template(template) {
                    Ok(segments) => segments,
                    Err(message) => {
                        self.report(format!("{path}.path"), format!("'{template}': {message}"));
                        return None;
                    }
                };
                let method = *ep.methods.first()?;
                Some(Bound::RestJson { method, template: template.clone(), pieces: segments })
            }
        }
    }

    /// The binding, with each path parameter found among `params` (every
    /// `{name}` of the template is a path parameter, and the other way
    /// round) and the body's layout.
    fn bind(&mut self, path: &str, bound: Bound, params: &[ir::Param]) -> Option<ir::Binding> {
        let (method, template, pieces) = match bound {
            Bound::ActionForm(form) => return Some(ir::Binding::ActionForm(form)),
            Bound::RestJson { method, template, pieces } => (method, template, pieces),
        };
        let mut segments = Vec::new();
        let mut complete = true;
        for piece in pieces {
            match piece {
                Piece::Literal(text) => segments.push(ir::PathSegment::Literal(text)),
                Piece::Param(name) => {
                    match params.iter().position(|p| p.wire == name && p.location == ir::ParamLocation::Path) {
                        Some(param) => segments.push(ir::PathSegment::Param { name, param }),
                        None => {
                            self.report(
                                format!("{path}.path"),
                                format!("'{{{name}}}' has no parameter with `in: path`"),
                            );
                            complete = false;
                        }
                    }
                }
            }
        }
        for (j, p) in params.iter().enumerate() {
            let in_template = segments.iter().any(|s| matches!(s, ir::PathSegment::Param { param, .. } if *param == j));
            if p.location == ir::ParamLocation::Path && !in_template {
                self.report(
                    format!("{path}.params[{j}]"),
                    format!("path parameter '{}' is not in the path '{template}'", p.wire),
                );
            }
        }
        let body = body_layout(params);
        complete.then_some(ir::Binding::RestJson(ir::RestJson { method, template, path: segments, body }))
    }

    fn param(&mut self, path: &str, p: &model::Param, method: Option<Method>) -> Option<ir::Param> {
        let location = self.param_location(path, p, method);
        let ty = self.param_type(path, p)?;
        let location = location?;
        // What each location can carry, spelt out for every location. A
        // secret stays out of URLs, which proxies and servers log; an
        // action_form GET is the documented exception, and POST its default.
        let (optional, list, header, secret) = match location {
            ir::ParamLocation::Form => (true, true, false, true),
            ir::ParamLocation::Query => (true, true, false, false),
            ir::ParamLocation::Path => (false, false, false, false),
            ir::ParamLocation::Header => (true, false, true, true),
            ir::ParamLocation::Body => (true, false, false, true),
        };
        if !secret && ty == ir::ParamType::One(ir::ParamScalar::Secret) {
            self.report(format!("{path}.in"), "a secret does not go in a URL; send it `in: header` or `in: body`");
        }
        if p.optional && !optional {
            self.report(format!("{path}.optional"), "path parameters cannot be optional");
        }
        let is_list = match &ty {
            ir::ParamType::One(_) => false,
            ir::ParamType::List(..) => true,
        };
        if is_list && !list {
            self.report(format!("{path}.type"), "a list parameter goes in a form field or the query");
        }
        if header && !names::is_header_name(&p.name) {
            self.report(format!("{path}.name"), format!("'{}' is not a valid header name", p.name));
        }
        let bounds = self.bounds(path, p, &ty);
        let max_length = self.max_length(path, p, &ty);
        Some(ir::Param {
            wire: p.name.clone(),
            rust: p.rust_name().to_owned(),
            ty,
            optional: p.optional,
            location,
            bounds,
            max_length,
            doc: p.doc.clone(),
        })
    }

    /// A string parameter's `max_length`, when it has one.
    fn max_length(&mut self, path: &str, p: &model::Param, ty: &ir::ParamType) -> Option<usize> {
        let max_length = p.max_length?;
        let at = format!("{path}.max_length");
        if !self.v2() {
            self.needs_v2(at, "`max_length`");
            return None;
        }
        if *ty != ir::ParamType::One(ir::ParamScalar::Text) {
            self.report(at, "`max_length` is for string parameters");
            return None;
        }
        if max_length == 0 {
            self.report(at, "`max_length` must be at least 1");
            return None;
        }
        Some(max_length)
    }

    /// An integer parameter's `minimum` and `maximum`, when it has either.
    fn bounds(&mut self, path: &str, p: &model::Param, ty: &ir::ParamType) -> Option<ir::Bounds> {
        let key = p.bounds_key()?;
        if !self.v2() {
            self.needs_v2(format!("{path}.{key}"), &format!("`{key}`"));
            return None;
        }
        if *ty != ir::ParamType::One(ir::ParamScalar::Integer) {
            self.report(format!("{path}.{key}"), "`minimum` and `maximum` are for integer parameters");
            return None;
        }
        let bounds = ir::Bounds { minimum: p.minimum.unwrap_or(0), maximum: p.maximum.unwrap_or(u64::MAX) };
        if bounds.minimum > bounds.maximum {
            self.report(
                format!("{path}.minimum"),
                format!("minimum {} is above maximum {}", bounds.minimum, bounds.maximum),
            );
            return None;
        }
        Some(bounds)
    }

    fn param_location(&mut self, path: &str, p: &model::Param, method: Option<Method>) -> Option<ir::ParamLocation> {
        let lpath = format!("{path}.in");
        if p.location.is_some() && !self.v2() {
            self.needs_v2(lpath, "`in`");
            return Some(ir::ParamLocation::Form);
        }
        match (self.protocol, p.location) {
            (Protocol::ActionForm, None | Some(Location::Form)) => Some(ir::ParamLocation::Form),
            (Protocol::ActionForm, Some(other)) => {
                let message = format!("`in: {}`: action_form parameters are form fields (`in: form`)", other.as_str());
                self.report(lpath, message);
                None
            }
            (Protocol::RestJson, Some(Location::Path)) => Some(ir::ParamLocation::Path),
            (Protocol::RestJson, Some(Location::Query)) => Some(ir::ParamLocation::Query),
            (Protocol::RestJson, Some(Location::Header)) => Some(ir::ParamLocation::Header),
            (Protocol::RestJson, Some(Location::Body)) => match method {
                Some(Method::Get | Method::Delete) => {
                    let method = method.map_or("", Method::as_str);
                    self.report(lpath, format!("a {method} request has no body; use `in: query`"));
                    None
                }
                Some(Method::Post | Method::Put | Method::Patch) | None => Some(ir::ParamLocation::Body),
            },
            (Protocol::RestJson, other @ (None | Some(Location::Form | Location::Bearer))) => {
                let found = other.map_or("no `in`".to_owned(), |l| format!("`in: {}`", l.as_str()));
                self.report(
                    lpath,
                    format!("{found}: a rest_json parameter is `in: path`, `query`, `header` or `body`"),
                );
                None
            }
        }
    }

    fn param_type(&mut self, path: &str, p: &model::Param) -> Option<ir::ParamType> {
        let tpath = format!("{path}.type");
        let expr = match TypeExpr::parse(&p.ty, self.spec.version) {
            Ok(expr) => expr,
            Err(message) => {
                self.report(tpath, message);
                return None;
            }
        };
        match expr {
            TypeExpr::V1IpRanges => Some(ir::ParamType::List(
                ir::ParamScalar::IpRange(ir::IpRangeRef { named: None, netmask: V1_IP_RANGE_NETMASK }),
                ir::ListEncoding::Json,
            )),
            TypeExpr::List(inner) => {
                self.needs_v2(&tpath, "a list<…> parameter");
                let item = self.param_scalar(&tpath, *inner);
                let encoding = match p.encoding {
                    Some(Encoding::Json) => Some(ir::ListEncoding::Json),
                    None => {
                        self.report(path, "a list parameter needs `encoding: json`");
                        None
                    }
                };
                match item? {
                    ir::ParamScalar::Secret => {
                        self.report(tpath, "a list parameter cannot hold secrets");
                        None
                    }
                    ir::ParamScalar::Domain => {
                        self.report(tpath, "a list parameter cannot hold domains; use list<string>");
                        None
                    }
                    item => Some(ir::ParamType::List(item, encoding?)),
                }
            }
            one => {
                if p.encoding.is_some() {
                    self.report(format!("{path}.encoding"), "`encoding` is for list parameters");
                }
                self.param_scalar(&tpath, one).map(ir::ParamType::One)
            }
        }
    }

    fn param_scalar(&mut self, tpath: &str, expr: TypeExpr) -> Option<ir::ParamScalar> {
        let v2 = self.v2();
        let allowed = if v2 {
            "string, domain, secret, flag, integer, id, an enum, an ip_range, or list<…> of one of them"
        } else {
            "string, secret, ip_ranges or an enum"
        };
        match expr {
            TypeExpr::Scalar(Scalar::String) => Some(ir::ParamScalar::Text),
            TypeExpr::Domain if v2 => Some(ir::ParamScalar::Domain),
            TypeExpr::Scalar(Scalar::Secret) => Some(ir::ParamScalar::Secret),
            TypeExpr::Scalar(Scalar::Flag) if v2 => Some(ir::ParamScalar::Flag),
            TypeExpr::Scalar(Scalar::Integer | Scalar::Id) if v2 => Some(ir::ParamScalar::Integer),
            TypeExpr::Named(name) => {
                let wanted = if v2 { "an enum or an ip_range" } else { "an enum" };
                match self.lookup(tpath, &name)? {
                    (named, Kind::Enum { open }) => Some(ir::ParamScalar::Enum(ir::EnumRef { named, open })),
                    (named, Kind::IpRange(netmask)) => {
                        // A missing netmask is reported with the type.
                        netmask.map(|netmask| ir::ParamScalar::IpRange(ir::IpRangeRef { named: Some(named), netmask }))
                    }
                    (named, kind @ Kind::Struct) => {
                        self.wrong_kind(tpath, &named, kind, wanted);
                        None
                    }
                }
            }
            other @ (TypeExpr::Scalar(_) | TypeExpr::List(_) | TypeExpr::V1IpRanges | TypeExpr::Domain) => {
                self.report(tpath, format!("parameters cannot be of type '{other}'; use {allowed}"));
                None
            }
        }
    }

    /// A body member cannot be both a value and an object holding others
    /// (`shelf` and `shelf.id`).
    fn nested_body(&mut self, path: &str, params: &[ir::Param]) {
        let body: Vec<(usize, &str)> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ir::ParamLocation::Body)
            .map(|(j, p)| (j, p.wire.as_str()))
            .collect();
        for &(j, name) in &body {
            let inside = body.iter().find(|(_, other)| other.strip_prefix(name).is_some_and(|r| r.starts_with('.')));
            if let Some((_, other)) = inside {
                self.report(
                    format!("{path}.params[{j}].name"),
                    format!("body member '{name}' is a value, so '{other}' cannot be inside it"),
                );
            }
        }
    }

    /// `paginated: true`: a rest_json list, with optional integer `page` and
    /// `per_page` query parameters.
    fn pagination(
        &mut self,
        path: &str,
        ep: &model::Endpoint,
        params: &[ir::Param],
        response: Option<&ir::Response>,
    ) -> Option<ir::Pagination> {
        if ep.paginated != Some(true) {
            return None;
        }
        let key = format!("{path}.paginated");
        if self.protocol != Protocol::RestJson {
            self.report(key, "`paginated` is for rest_json endpoints, whose answers carry `result_info`");
            return None;
        }
        if let Some(ir::Response::Struct(named)) = response {
            self.report(&key, format!("a paginated endpoint answers list<…>, not '{}'", named.name));
        }
        let [page, per_page] = ["page", "per_page"].map(|name| {
            let found = params.iter().position(|p| {
                p.wire == name
                    && p.location == ir::ParamLocation::Query
                    && p.optional
                    && p.ty == ir::ParamType::One(ir::ParamScalar::Integer)
            });
            if found.is_none() {
                self.report(
                    &key,
                    format!("a paginated endpoint takes `{name}` as an optional integer parameter `in: query`"),
                );
            }
            found
        });
        Some(ir::Pagination { page: page?, per_page: per_page? })
    }

    fn response(&mut self, path: &str, text: &str) -> Option<ir::Response> {
        let expr = match TypeExpr::parse(text, self.spec.version) {
            Ok(expr) => expr,
            Err(message) => {
                self.report(path, message);
                return None;
            }
        };
        let (name, list) = match expr {
            TypeExpr::Named(name) => (name, false),
            TypeExpr::List(inner) => match *inner {
                TypeExpr::Named(name) if self.protocol == Protocol::RestJson => (name, true),
                _ => {
                    self.report(path, format!("'{text}': the answer is a struct, or (rest_json) list<struct>"));
                    return None;
                }
            },
            TypeExpr::Scalar(_) | TypeExpr::V1IpRanges | TypeExpr::Domain => {
                self.report(path, format!("'{text}': the answer is a struct type from `types`"));
                return None;
            }
        };
        match self.lookup(path, &name)? {
            (named, Kind::Struct) if list => Some(ir::Response::List(named)),
            (named, Kind::Struct) => Some(ir::Response::Struct(named)),
            (named, kind @ (Kind::Enum { .. } | Kind::IpRange(_))) => {
                self.wrong_kind(path, &named, kind, "a struct");
                None
            }
        }
    }
}

/// How an endpoint is reached, before its parameters are known.
enum Bound {
    ActionForm(ir::ActionForm),
    RestJson { method: Method, template: String, pieces: Vec<Piece> },
}

/// A piece of a path template, its parameter named.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Param(String),
}

/// The layout of the body members of `params`, in spec order: a dotted
/// name (`shelf.id`) is a member of a nested object, which stands where its
/// first member does. Slots count the values depth first.
fn body_layout(params: &[ir::Param]) -> Vec<ir::BodyMember> {
    let mut layout: Vec<ir::BodyMember> = Vec::new();
    for (param, p) in params.iter().enumerate().filter(|(_, p)| p.location == ir::ParamLocation::Body) {
        let mut members = &mut layout;
        let mut names = p.wire.split('.').peekable();
        while let Some(name) = names.next() {
            if names.peek().is_none() {
                members.push(ir::BodyMember { name: name.to_owned(), value: ir::BodyValue::Param { param, slot: 0 } });
                break;
            }
            let at = match members.iter().position(|m| m.name == name && matches!(m.value, ir::BodyValue::Object(_))) {
                Some(at) => at,
                None => {
                    members.push(ir::BodyMember { name: name.to_owned(), value: ir::BodyValue::Object(Vec::new()) });
                    members.len() - 1
                }
            };
            let ir::BodyValue::Object(inner) = &mut members[at].value else { unreachable!("found or made an object") };
            members = inner;
        }
    }
    number_slots(&mut layout, &mut 0);
    layout
}

/// Numbers the values of `members` depth first, from `next`.
fn number_slots(members: &mut [ir::BodyMember], next: &mut usize) {
    for member in members {
        match &mut member.value {
            ir::BodyValue::Param { slot, .. } => {
                *slot = *next;
                *next += 1;
            }
            ir::BodyValue::Object(inner) => number_slots(inner, next),
        }
    }
}

/// Splits `shops/{shop}/widgets` into literals and parameters.
fn parse_template(template: &str) -> Result<Vec<Piece>, String> {
    if template.starts_with('/') {
        return Err("the path is relative to base_url and does not start with '/'".to_owned());
    }
    if template.contains(['?', '#', ' ']) {
        return Err("a path has no query, fragment or space".to_owned());
    }
    let mut segments = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or("a '{' is not closed")? + open;
        if open > 0 {
            segments.push(Piece::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!("'{{{name}}}' does not name a parameter"));
        }
        segments.push(Piece::Param(name.to_owned()));
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err("a '}' is not opened".to_owned());
    }
    if !rest.is_empty() {
        segments.push(Piece::Literal(rest.to_owned()));
    }
    Ok(segments)
}

/// Adds the wire names of the secret fields of `id`, and of the structs it holds.
fn secret_fields(types: &[ir::TypeDef], id: ir::TypeId, keys: &mut BTreeSet<String>) {
    let mut pending = vec![id];
    let mut seen = HashSet::new();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(def) = types.get(id.0) else { continue };
        match &def.kind {
            ir::TypeKind::Struct(fields) => {
                for field in fields {
                    match &field.ty {
                        ir::FieldType::Scalar(Scalar::Secret) => {
                            keys.insert(field.wire.clone());
                        }
                        ir::FieldType::Struct(named) | ir::FieldType::List(named) => pending.push(named.id),
                        ir::FieldType::Scalar(_) | ir::FieldType::Enum(_) | ir::FieldType::Strings => {}
                    }
                }
            }
            ir::TypeKind::Enum(_) | ir::TypeKind::IpRange(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_literals_and_parameters() {
        use Piece::{Literal, Param};
        assert_eq!(
            parse_template("shops/{shop_identifier}/widgets/{identifier}").unwrap(),
            [
                Literal("shops/".into()),
                Param("shop_identifier".into()),
                Literal("/widgets/".into()),
                Param("identifier".into())
            ]
        );
        assert_eq!(parse_template("widgets").unwrap(), [Literal("widgets".into())]);
        assert_eq!(
            parse_template("/widgets").unwrap_err(),
            "the path is relative to base_url and does not start with '/'"
        );
        assert_eq!(parse_template("shops/{shop").unwrap_err(), "a '{' is not closed");
        assert_eq!(parse_template("shops/{}").unwrap_err(), "'{}' does not name a parameter");
        assert_eq!(parse_template("shops/}").unwrap_err(), "a '}' is not opened");
        assert!(parse_template("shops?x=1").is_err());
    }
}
