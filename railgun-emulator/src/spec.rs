//! What the emulator takes from the Railgun specs (`spec/railgun.yaml` and
//! `spec/railgun-v4.yaml`, the specs the client is generated from): which
//! actions each family has, their methods, parameters, `act` values and the
//! bounds of their IP ranges. A spec edit changes the client and the
//! emulator together.

use std::collections::HashMap;

use railgun_spec::ir::{self, Binding, ListEncoding, Method, Netmask, ParamLocation, ParamScalar, ParamType, TypeKind};

/// The v2 spec, shipped with this crate (a symlink into the workspace's
/// `spec/`).
pub const SPEC: &str = include_str!("../spec/railgun.yaml");

/// The v4 spec, shipped with this crate.
pub const SPEC_V4: &str = include_str!("../spec/railgun-v4.yaml");

/// One endpoint, as the emulator needs it.
#[derive(Debug, Clone)]
pub struct EndpointSpec {
    /// `act` of a successful answer.
    pub act: String,
    /// Accepted methods.
    pub get: bool,
    /// Accepted methods.
    pub post: bool,
    /// Wire names of the required parameters, credentials excluded.
    pub required: Vec<String>,
    /// Netmask bounds of the parameters that are lists of IP ranges sent as
    /// one JSON array, by wire name.
    pub ip_ranges: HashMap<String, Netmask>,
    /// Wire names of the parameters that take a domain name.
    pub domains: Vec<String>,
}

/// Endpoints by family name and action.
#[derive(Debug, Clone)]
pub struct SpecTable {
    endpoints: HashMap<(String, String), EndpointSpec>,
}

impl SpecTable {
    /// Reads the spec railgun-api was generated from.
    ///
    /// # Errors
    ///
    /// The spec's problems, should this crate's railgun-codegen not read it
    /// (railgun-api expanded this very text when it was built).
    pub fn load() -> Result<SpecTable, String> {
        let spec = railgun_spec::parse(SPEC, "spec/railgun.yaml")
            .map_err(|e| format!("the Railgun spec does not load: {e}"))?;
        let api = spec.api();
        let endpoints = api.endpoints.iter().filter_map(|e| {
            let Binding::ActionForm(form) = &e.binding else { return None };
            let entry = EndpointSpec {
                act: form.act.clone(),
                get: form.methods.contains(&Method::Get),
                post: form.methods.contains(&Method::Post),
                required: e.params.iter().filter(|p| !p.optional).map(|p| p.wire.clone()).collect(),
                ip_ranges: e.params.iter().filter_map(json_ip_ranges).collect(),
                domains: e
                    .params
                    .iter()
                    .filter(|p| p.ty == ParamType::One(ParamScalar::Domain))
                    .map(|p| p.wire.clone())
                    .collect(),
            };
            Some(((api.family(e.family).name.clone(), e.action.clone()), entry))
        });
        Ok(SpecTable { endpoints: endpoints.collect() })
    }

    /// The endpoint `action` of `family`, if the spec has it.
    pub fn endpoint(&self, family: &str, action: &str) -> Option<&EndpointSpec> {
        self.endpoints.get(&(family.to_owned(), action.to_owned()))
    }

    /// Whether any family has `action`.
    pub fn knows(&self, action: &str) -> bool {
        self.endpoints.keys().any(|(_, a)| a == action)
    }
}

/// A parameter that is a list of IP ranges sent as one JSON array, with the
/// bounds its type declares.
fn json_ip_ranges(p: &ir::Param) -> Option<(String, Netmask)> {
    match &p.ty {
        ParamType::List(ParamScalar::IpRange(range), ListEncoding::Json) => Some((p.wire.clone(), range.netmask)),
        ParamType::List(..) | ParamType::One(_) => None,
    }
}

/// What a v4 parameter's value must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// `true` or `false`.
    Flag,
    /// A whole number.
    Integer,
    /// One of these strings.
    OneOf(Vec<String>),
}

/// A v4 parameter, as the emulator checks it.
#[derive(Debug, Clone)]
pub struct RestParam {
    /// Wire name; a body member's may be dotted (`zone.id`).
    pub wire: String,
    /// What its value must be.
    pub kind: Kind,
    /// Whether it may be left out.
    pub optional: bool,
    /// The values an integer takes, when the spec bounds them.
    pub bounds: Option<ir::Bounds>,
    /// The most characters a string takes, when the spec limits it.
    pub max_length: Option<usize>,
}

/// One v4 operation.
#[derive(Debug, Clone)]
pub struct RestSpec {
    /// The operation's name in the spec (its method's name).
    pub action: String,
    /// Its HTTP method.
    pub method: axum::http::Method,
    /// Its path template's segments: `Ok` a literal, `Err` a parameter's name.
    pub segments: Vec<Result<String, String>>,
    /// Query parameters.
    pub query: Vec<RestParam>,
    /// Members of the JSON body.
    pub body: Vec<RestParam>,
}

/// The v4 operations, from `SPEC_V4`.
#[derive(Debug, Clone)]
pub struct RestTable {
    /// In spec order.
    pub operations: Vec<RestSpec>,
}

impl RestTable {
    /// Reads the v4 spec railgun-api was generated from.
    ///
    /// # Errors
    ///
    /// The spec's problems, should this crate's railgun-codegen not read it.
    pub fn load() -> Result<RestTable, String> {
        let spec = railgun_spec::parse(SPEC_V4, "spec/railgun-v4.yaml")
            .map_err(|e| format!("the v4 Railgun spec does not load: {e}"))?;
        let api = spec.api();
        let kind = |ty: &ParamType| match ty {
            ParamType::One(ParamScalar::Flag) => Kind::Flag,
            ParamType::One(ParamScalar::Integer) => Kind::Integer,
            ParamType::One(ParamScalar::Enum(e)) => match &api.type_def(e.named.id).kind {
                TypeKind::Enum(def) if !def.open => Kind::OneOf(def.variants.iter().map(|v| v.wire.clone()).collect()),
                _ => Kind::Text,
            },
            _ => Kind::Text,
        };
        let params = |e: &ir::Endpoint, at: ParamLocation| {
            let of = e.params.iter().filter(|p| p.location == at);
            of.map(|p| RestParam {
                wire: p.wire.clone(),
                kind: kind(&p.ty),
                optional: p.optional,
                bounds: p.bounds,
                max_length: p.max_length,
            })
            .collect()
        };
        let operations = api.endpoints.iter().filter_map(|e| {
            let Binding::RestJson(rest) = &e.binding else { return None };
            let method = match rest.method {
                Method::Get => axum::http::Method::GET,
                Method::Post => axum::http::Method::POST,
                Method::Put => axum::http::Method::PUT,
                Method::Patch => axum::http::Method::PATCH,
                Method::Delete => axum::http::Method::DELETE,
            };
            let segments = rest.template.split('/').map(|segment| {
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => Err(name.to_owned()),
                    None => Ok(segment.to_owned()),
                }
            });
            Some(RestSpec {
                action: e.action.clone(),
                method,
                segments: segments.collect(),
                query: params(e, ParamLocation::Query),
                body: params(e, ParamLocation::Body),
            })
        });
        Ok(RestTable { operations: operations.collect() })
    }

    /// The operations whose path template matches `path` (the part after
    /// the base URL), with the values of their path parameters.
    pub fn routes<'t, 'p>(&'t self, path: &'p str) -> impl Iterator<Item = (&'t RestSpec, Vec<(&'t str, &'p str)>)> {
        let parts: Vec<&str> = path.split('/').collect();
        self.operations.iter().filter_map(move |op| {
            if op.segments.len() != parts.len() {
                return None;
            }
            let mut values = Vec::new();
            for (segment, part) in op.segments.iter().zip(&parts) {
                match segment {
                    Ok(literal) if literal == part => {}
                    Err(name) if !part.is_empty() => values.push((name.as_str(), *part)),
                    _ => return None,
                }
            }
            Some((op, values))
        })
    }
}
