//! From the spec as written ([`model`]) to the resolved model ([`ir`]):
//! every name checked, every reference resolved once, every problem
//! collected, so one build shows them all.
//!
//! Problems are `(spec path, message)` pairs; [`crate::load`] turns the
//! paths into lines and columns.

mod endpoints;
mod types;

use std::collections::{HashMap, HashSet};

use crate::ir;
use crate::model::{self, Auth, Location, Protocol, Spec};
use crate::names;
use crate::ty::{Scalar, TypeExpr};

/// A problem: the spec path it is about and what is wrong.
pub type Problem = (String, String);

/// Resolves `spec`, or says everything that is wrong with it.
pub fn resolve(spec: &Spec) -> Result<ir::Api, Vec<Problem>> {
    let mut r = Resolver::new(spec);
    r.top_level();
    // In the file's order, so errors are too.
    let families = r.families();
    let types = r.types();
    let endpoints = r.endpoints(&types, &families);
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    let retry_statuses = r.retry_statuses();
    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    Ok(ir::Api {
        protocol: r.protocol,
        title: spec.title.clone(),
        base_url: spec.base_url.clone(),
        families,
        types,
        endpoints,
        retry_statuses,
    })
}

/// What a named type is, known before any type is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Struct,
    Enum { open: bool },
    IpRange(Option<ir::Netmask>),
}

impl Kind {
    fn article(self) -> &'static str {
        match self {
            Kind::Struct => "a struct",
            Kind::Enum { .. } => "an enum",
            Kind::IpRange(_) => "an ip_range",
        }
    }
}

struct Resolver<'a> {
    spec: &'a Spec,
    protocol: Protocol,
    /// Type name → (id, kind), for the first definition of each name.
    names: HashMap<&'a str, (ir::TypeId, Kind)>,
    problems: Vec<Problem>,
}

impl<'a> Resolver<'a> {
    fn new(spec: &'a Spec) -> Resolver<'a> {
        let mut names = HashMap::new();
        for (i, def) in spec.types.iter().enumerate() {
            let kind = match def.kind {
                model::TypeKind::Struct => Kind::Struct,
                model::TypeKind::Enum => Kind::Enum { open: def.open == Some(true) },
                model::TypeKind::IpRange => Kind::IpRange(def.netmask.map(types::netmask)),
            };
            names.entry(def.name.as_str()).or_insert((ir::TypeId(i), kind));
        }
        Resolver { spec, protocol: spec.protocol.unwrap_or(Protocol::ActionForm), names, problems: Vec::new() }
    }

    fn report(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push((path.into(), message.into()));
    }

    fn v2(&self) -> bool {
        self.spec.version >= 2
    }

    /// Refuses a version 2 key in a version 1 file.
    fn needs_v2(&mut self, path: impl Into<String>, what: &str) {
        if !self.v2() {
            self.report(path, format!("{what} is new in version 2; set `version: 2`"));
        }
    }

    fn top_level(&mut self) {
        let spec = self.spec;
        match spec.version {
            1 => {
                if spec.protocol.is_some() {
                    self.needs_v2("protocol", "`protocol`");
                }
                if spec.title.is_some() {
                    self.needs_v2("title", "`title`");
                }
            }
            2 => {
                if spec.protocol.is_none() {
                    self.report("protocol", "version 2 needs `protocol: action_form` or `protocol: rest_json`");
                }
            }
            other => {
                self.report("version", format!("unsupported version {other}; this generator reads versions 1 and 2"))
            }
        }
        for (key, value) in [("base_url", &spec.base_url), ("docs_base", &spec.docs_base)] {
            if !(value.starts_with("https://") || value.starts_with("http://")) || !value.ends_with('/') {
                self.report(key, format!("'{value}' must be an http(s) URL ending in '/'"));
            }
        }
    }

    /// The statuses calls are retried after: each an HTTP status the client
    /// can tell apart (100 to 599), once.
    fn retry_statuses(&mut self) -> Vec<u16> {
        let Some(listed) = &self.spec.retry_statuses else { return ir::DEFAULT_RETRY_STATUSES.to_vec() };
        self.needs_v2("retry_statuses", "`retry_statuses`");
        let mut statuses = Vec::new();
        for (i, &status) in listed.iter().enumerate() {
            if !(100..=599).contains(&status) {
                self.report(format!("retry_statuses[{i}]"), format!("{status} is not an HTTP status (100 to 599)"));
            } else if statuses.contains(&status) {
                self.report(format!("retry_statuses[{i}]"), format!("{status} is listed twice"));
            } else {
                statuses.push(status);
            }
        }
        statuses.sort_unstable();
        statuses
    }

    fn families(&mut self) -> Vec<ir::Family> {
        let spec = self.spec;
        let mut names = HashSet::new();
        let mut clients = HashSet::new();
        let mut families = Vec::new();
        for (i, family) in spec.families.iter().enumerate() {
            let path = format!("families[{i}]");
            if self.snake_ident(&format!("{path}.name"), &family.name) && family.name == names::TYPES_MODULE {
                self.report(
                    format!("{path}.name"),
                    format!("'{}' is the name of the generated models module; name the family otherwise", family.name),
                );
            }
            self.camel_ident(&format!("{path}.client"), &family.client);
            if !names.insert(family.name.as_str()) {
                self.report(format!("{path}.name"), format!("duplicate family '{}'", family.name));
            }
            if !clients.insert(family.client.as_str()) || self.names.contains_key(family.client.as_str()) {
                self.report(format!("{path}.client"), format!("the name '{}' is already taken", family.client));
            }
            let auth = self.auth(&path, &family.auth);
            families.push(ir::Family {
                name: family.name.clone(),
                client: family.client.clone(),
                title: family.title.clone(),
                doc: family.doc.clone(),
                docs_url: format!("{}{}", spec.docs_base, family.docs),
                auth,
            });
        }
        families
    }

    fn auth(&mut self, path: &str, auth: &Auth) -> Vec<ir::AuthScheme> {
        if let Auth::Schemes(schemes) = auth {
            self.needs_v2(format!("{path}.auth"), "naming auth schemes");
            if schemes.is_empty() {
                self.report(format!("{path}.auth"), "a family needs at least one auth scheme");
            }
        }
        let mut schemes = Vec::new();
        for (name, members) in auth.schemes() {
            let list_path = match name {
                None => format!("{path}.auth"),
                Some(name) => format!("{path}.auth.{name}"),
            };
            if let Some(name) = name {
                self.snake_ident(&list_path, name);
            }
            // `auth: []`: an API that takes no credentials (version 2); a
            // named way to authenticate has some.
            if members.is_empty() && (name.is_some() || !self.v2()) {
                self.report(&list_path, "a way to authenticate needs at least one credential");
            }
            self.member_names(&list_path, members, &[]);
            let credentials = members.iter().enumerate().map(|(j, p)| self.credential(&format!("{list_path}[{j}]"), p));
            let credentials = credentials.collect();
            schemes.push(ir::AuthScheme { name: name.map(str::to_owned), credentials });
        }
        schemes
    }

    fn credential(&mut self, path: &str, p: &model::Param) -> ir::Credential {
        if p.optional {
            self.report(format!("{path}.optional"), "credentials cannot be optional");
        }
        if p.encoding.is_some() {
            self.report(format!("{path}.encoding"), "credentials are one value, not a list");
        }
        if let Some(key) = p.bounds_key() {
            self.report(format!("{path}.{key}"), "`minimum` and `maximum` are for integer parameters, not credentials");
        }
        if p.max_length.is_some() {
            self.report(format!("{path}.max_length"), "`max_length` is for string parameters, not credentials");
        }
        let secret = match TypeExpr::parse(&p.ty, self.spec.version) {
            Ok(TypeExpr::Scalar(Scalar::Secret)) => true,
            Ok(TypeExpr::Scalar(Scalar::String)) => false,
            _ => {
                self.report(format!("{path}.type"), format!("credential type '{}' must be string or secret", p.ty));
                false
            }
        };
        let location = match (self.protocol, p.location) {
            (_, Some(_)) if !self.v2() => {
                self.needs_v2(format!("{path}.in"), "`in`");
                ir::CredentialLocation::Form
            }
            (Protocol::ActionForm, None | Some(Location::Form)) => ir::CredentialLocation::Form,
            (Protocol::RestJson, Some(Location::Header)) => ir::CredentialLocation::Header,
            (Protocol::RestJson, Some(Location::Bearer)) => ir::CredentialLocation::Bearer,
            (Protocol::ActionForm, Some(other)) => {
                self.report(
                    format!("{path}.in"),
                    format!("`in: {}`: action_form credentials are form fields (`in: form`)", other.as_str()),
                );
                ir::CredentialLocation::Form
            }
            (Protocol::RestJson, other) => {
                let found = other.map_or("no `in`".to_owned(), |l| format!("`in: {}`", l.as_str()));
                self.report(
                    format!("{path}.in"),
                    format!("{found}: rest_json credentials go in a header (`in: header` or `in: bearer`)"),
                );
                ir::CredentialLocation::Header
            }
        };
        match location {
            ir::CredentialLocation::Header if !names::is_header_name(&p.name) => {
                self.report(format!("{path}.name"), format!("'{}' is not a valid header name", p.name));
            }
            ir::CredentialLocation::Bearer if p.name != "Authorization" || !secret => self.report(
                path,
                "a bearer credential is a secret sent in the `Authorization` header: `name: Authorization`, `type: secret`",
            ),
            ir::CredentialLocation::Form | ir::CredentialLocation::Header | ir::CredentialLocation::Bearer => {}
        }
        ir::Credential { wire: p.name.clone(), rust: p.rust_name().to_owned(), secret, location, doc: p.doc.clone() }
    }

    /// Checks the wire and Rust names of a parameter or credential list;
    /// `taken` are the family's credentials, as (wire, Rust) names.
    fn member_names(&mut self, path: &str, members: &[model::Param], taken: &[(&str, &str)]) {
        let mut wire: HashSet<&str> = taken.iter().map(|(w, _)| *w).collect();
        let mut rust: HashSet<&str> = taken.iter().map(|(_, r)| *r).collect();
        for (j, p) in members.iter().enumerate() {
            let ppath = format!("{path}[{j}]");
            // A body member may sit in nested objects: `shelf.id`.
            let segments: Vec<&str> = match p.location {
                Some(model::Location::Body) => p.name.split('.').collect(),
                _ => vec![p.name.as_str()],
            };
            let valid =
                |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !segments.into_iter().all(valid) {
                self.report(format!("{ppath}.name"), format!("'{}' is not a valid wire name", p.name));
            }
            if !wire.insert(p.name.as_str()) {
                let what = if taken.iter().any(|(w, _)| *w == p.name) {
                    "a credential of this family"
                } else {
                    "another parameter"
                };
                self.report(format!("{ppath}.name"), format!("wire name '{}' is already used by {what}", p.name));
                continue;
            }
            if self.member_ident(&ppath, p) && !rust.insert(p.rust_name()) {
                let key = if p.rust.is_some() { "rust" } else { "name" };
                self.report(format!("{ppath}.{key}"), format!("Rust name '{}' is already used", p.rust_name()));
            }
            if p.doc.trim().is_empty() {
                self.report(format!("{ppath}.doc"), "`doc` cannot be empty");
            }
        }
    }

    /// Checks a member's Rust name; a wire name that cannot be one is told
    /// to take a `rust:` name.
    fn member_ident(&mut self, path: &str, member: &model::Member) -> bool {
        match &member.rust {
            Some(rust) => self.snake_ident(&format!("{path}.rust"), rust),
            None if names::is_snake_ident(&member.name) => true,
            None => {
                self.report(
                    format!("{path}.name"),
                    format!("'{}' is not a snake_case Rust identifier; give it a Rust name with `rust:`", member.name),
                );
                false
            }
        }
    }

    /// The type `name` and its kind, if it is defined.
    fn lookup(&mut self, path: &str, name: &str) -> Option<(ir::Named, Kind)> {
        match self.names.get(name) {
            Some(&(id, kind)) => Some((ir::Named { id, name: name.to_owned() }, kind)),
            None => {
                let hint = crate::suggest::hint(name, self.names.keys().copied(), '\'');
                self.report(path, format!("unknown type '{name}'{hint}"));
                None
            }
        }
    }

    /// Reports a type of the wrong kind; `wanted` says what is needed.
    fn wrong_kind(&mut self, path: &str, named: &ir::Named, kind: Kind, wanted: &str) {
        self.report(path, format!("'{}' is {}; {wanted} is needed here", named.name, kind.article()));
    }

    fn snake_ident(&mut self, path: &str, name: &str) -> bool {
        let ok = names::is_snake_ident(name);
        if !ok {
            self.report(path, format!("'{name}' is not a snake_case Rust identifier"));
        }
        ok
    }

    fn camel_ident(&mut self, path: &str, name: &str) -> bool {
        let ok = names::is_camel_ident(name);
        if !ok {
            self.report(path, format!("'{name}' is not an UpperCamelCase Rust identifier"));
        }
        ok
    }
}
