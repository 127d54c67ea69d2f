//! Semantic checks of a spec that deserialized: names, references,
//! duplicates. Every problem is collected, so one build shows them all.

use std::collections::{HashMap, HashSet};

use crate::model::{Endpoint, Family, Field, Param, Spec, TypeDef, TypeKind};
use crate::ty::{Scalar, TypeExpr};

/// A problem: the spec path it is about and what is wrong.
pub type Problem = (String, String);

/// Checks `spec`; an empty list means it can be expanded.
pub fn validate(spec: &Spec) -> Vec<Problem> {
    let mut v = Validator { spec, problems: Vec::new() };
    v.top_level();
    v.families();
    v.types();
    v.endpoints();
    v.problems
}

struct Validator<'a> {
    spec: &'a Spec,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn report(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push((path.into(), message.into()));
    }

    fn top_level(&mut self) {
        if self.spec.version != 1 {
            self.report(
                "version",
                format!("unsupported version {}; this generator reads version 1", self.spec.version),
            );
        }
        for (key, value) in [("base_url", &self.spec.base_url), ("docs_base", &self.spec.docs_base)] {
            if !(value.starts_with("https://") || value.starts_with("http://")) || !value.ends_with('/') {
                self.report(key, format!("'{value}' must be an http(s) URL ending in '/'"));
            }
        }
    }

    fn families(&mut self) {
        let mut names = HashSet::new();
        let mut clients = HashSet::new();
        for (i, family) in self.spec.families.iter().enumerate() {
            let path = format!("families[{i}]");
            self.snake_ident(&format!("{path}.name"), &family.name);
            self.camel_ident(&format!("{path}.client"), &family.client);
            if !names.insert(family.name.as_str()) {
                self.report(format!("{path}.name"), format!("duplicate family '{}'", family.name));
            }
            if !clients.insert(family.client.as_str()) || self.spec.type_def(&family.client).is_some() {
                self.report(format!("{path}.client"), format!("the name '{}' is already taken", family.client));
            }
            if family.auth.is_empty() {
                self.report(format!("{path}.auth"), "a family needs at least one credential");
            }
            self.params(&path, "auth", &family.auth, &[]);
            for (j, p) in family.auth.iter().enumerate() {
                if p.optional {
                    self.report(format!("{path}.auth[{j}].optional"), "credentials cannot be optional");
                }
                if !matches!(TypeExpr::parse(&p.ty), Ok(TypeExpr::Scalar(Scalar::String | Scalar::Secret))) {
                    self.report(
                        format!("{path}.auth[{j}].type"),
                        format!("credential type '{}' must be string or secret", p.ty),
                    );
                }
            }
        }
    }

    fn types(&mut self) {
        let mut names = HashSet::new();
        for (i, def) in self.spec.types.iter().enumerate() {
            let path = format!("types[{i}]");
            self.camel_ident(&format!("{path}.name"), &def.name);
            if !names.insert(def.name.as_str()) {
                self.report(format!("{path}.name"), format!("duplicate type '{}'", def.name));
            }
            match def.kind {
                TypeKind::Struct => self.struct_def(&path, def),
                TypeKind::Enum => self.enum_def(&path, def),
            }
        }
        self.cycles();
    }

    fn struct_def(&mut self, path: &str, def: &TypeDef) {
        if def.variants.is_some() || def.open.is_some() {
            self.report(path, "a struct has `fields`, not `variants` or `open`");
        }
        let Some(fields) = &def.fields else {
            self.report(path, "a struct needs `fields`");
            return;
        };
        if fields.is_empty() {
            self.report(format!("{path}.fields"), "a struct needs at least one field");
        }
        let mut wire = HashSet::new();
        let mut rust = HashSet::new();
        for (j, field) in fields.iter().enumerate() {
            let fpath = format!("{path}.fields[{j}]");
            if !wire.insert(field.name.as_str()) {
                self.report(format!("{fpath}.name"), format!("two fields named '{}'", field.name));
            }
            let key = if field.rust.is_some() { "rust" } else { "name" };
            if self.snake_ident(&format!("{fpath}.{key}"), field.rust_name()) && !rust.insert(field.rust_name()) {
                self.report(format!("{fpath}.{key}"), format!("two fields with the Rust name '{}'", field.rust_name()));
            }
            self.field_type(&fpath, field);
        }
    }

    fn field_type(&mut self, fpath: &str, field: &Field) {
        let path = format!("{fpath}.type");
        match TypeExpr::parse(&field.ty) {
            Err(message) => self.report(path, message),
            Ok(TypeExpr::Scalar(Scalar::IpRanges)) => {
                self.report(path, "ip_ranges is a parameter type; response fields cannot use it")
            }
            Ok(TypeExpr::Scalar(_)) => {}
            Ok(TypeExpr::Named(name)) => {
                self.named(&path, &name, None);
            }
            Ok(TypeExpr::List(inner)) => match *inner {
                TypeExpr::Named(name) => self.named(&path, &name, Some(TypeKind::Struct)),
                other => self.report(path, format!("list<{other}>: lists hold a struct type from `types`")),
            },
        }
    }

    fn enum_def(&mut self, path: &str, def: &TypeDef) {
        if def.fields.is_some() {
            self.report(path, "an enum has `variants`, not `fields`");
        }
        let Some(variants) = &def.variants else {
            self.report(path, "an enum needs `variants`");
            return;
        };
        if variants.is_empty() {
            self.report(format!("{path}.variants"), "an enum needs at least one variant");
        }
        let mut wire = HashSet::new();
        let mut names = HashSet::new();
        for (j, v) in variants.iter().enumerate() {
            let vpath = format!("{path}.variants[{j}]");
            if !wire.insert(v.wire.as_str()) {
                self.report(format!("{vpath}.wire"), format!("two variants with the wire value '{}'", v.wire));
            }
            if self.camel_ident(&format!("{vpath}.name"), &v.name) && !names.insert(v.name.as_str()) {
                self.report(format!("{vpath}.name"), format!("two variants named '{}'", v.name));
            }
            if def.open == Some(true) && v.name == "Unknown" {
                self.report(format!("{vpath}.name"), "'Unknown' is reserved for the values an open enum does not know");
            }
        }
    }

    /// A struct that holds itself (other than through a list) has no size.
    fn cycles(&mut self) {
        let edges: HashMap<&str, Vec<&str>> = self
            .spec
            .types
            .iter()
            .map(|t| {
                let direct = t.fields.iter().flatten().filter_map(|f| match TypeExpr::parse(&f.ty) {
                    Ok(TypeExpr::Named(n)) => self.spec.type_def(&n).map(|d| d.name.as_str()),
                    _ => None,
                });
                (t.name.as_str(), direct.collect())
            })
            .collect();
        for (i, def) in self.spec.types.iter().enumerate() {
            let mut seen = HashSet::new();
            let mut stack = edges.get(def.name.as_str()).cloned().unwrap_or_default();
            while let Some(next) = stack.pop() {
                if next == def.name {
                    self.report(
                        format!("types[{i}].name"),
                        format!("'{}' contains itself; hold it in a list<…> instead", def.name),
                    );
                    break;
                }
                if seen.insert(next) {
                    stack.extend(edges.get(next).into_iter().flatten());
                }
            }
        }
    }

    fn endpoints(&mut self) {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, ep) in self.spec.endpoints.iter().enumerate() {
            let path = format!("endpoints[{i}]");
            self.endpoint(&path, ep);
            if let Some(first) = seen.insert((ep.family.as_str(), ep.action.as_str()), i) {
                self.report(
                    format!("{path}.action"),
                    format!(
                        "duplicate action '{}' in family '{}' (first defined at endpoints[{first}])",
                        ep.action, ep.family
                    ),
                );
            }
        }
    }

    fn endpoint(&mut self, path: &str, ep: &Endpoint) {
        self.snake_ident(&format!("{path}.action"), &ep.action);
        if matches!(ep.action.as_str(), "new" | "builder") {
            self.report(format!("{path}.action"), format!("'{}' is the name of a client constructor", ep.action));
        }
        let family = self.spec.family(&ep.family);
        if family.is_none() {
            let known: Vec<_> = self.spec.families.iter().map(|f| f.name.as_str()).collect();
            self.report(
                format!("{path}.family"),
                format!("unknown family '{}'; known: {}", ep.family, known.join(", ")),
            );
        }
        if ep.methods.is_empty() {
            self.report(format!("{path}.methods"), "an endpoint needs at least one method");
        }
        let mut methods = HashSet::new();
        for (j, m) in ep.methods.iter().enumerate() {
            if !methods.insert(*m) {
                self.report(format!("{path}.methods[{j}]"), format!("{} is listed twice", m.as_str()));
            }
        }
        for (key, value) in [("act", &ep.act), ("summary", &ep.summary), ("docs", &ep.docs)] {
            if value.trim().is_empty() {
                self.report(format!("{path}.{key}"), format!("`{key}` cannot be empty"));
            }
        }
        let auth: &[Param] = family.map(|f: &Family| f.auth.as_slice()).unwrap_or_default();
        self.params(path, "params", &ep.params, auth);
        for (j, p) in ep.params.iter().enumerate() {
            let tpath = format!("{path}.params[{j}].type");
            match TypeExpr::parse(&p.ty) {
                Err(message) => self.report(tpath, message),
                Ok(TypeExpr::Scalar(Scalar::String | Scalar::Secret | Scalar::IpRanges)) => {}
                Ok(TypeExpr::Named(name)) => self.named(&tpath, &name, Some(TypeKind::Enum)),
                Ok(other) => self.report(
                    tpath,
                    format!("parameters cannot be of type '{other}'; use string, secret, ip_ranges or an enum"),
                ),
            }
        }
        self.named(&format!("{path}.response"), &ep.response, Some(TypeKind::Struct));
    }

    /// Checks a parameter list's names; `taken` are the family's credentials.
    fn params(&mut self, path: &str, key: &str, params: &[Param], taken: &[Param]) {
        let mut wire: HashSet<&str> = taken.iter().map(|p| p.name.as_str()).collect();
        let mut rust: HashSet<&str> = taken.iter().map(Param::rust_name).collect();
        for (j, p) in params.iter().enumerate() {
            let ppath = format!("{path}.{key}[{j}]");
            if p.name.is_empty() || !p.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                self.report(format!("{ppath}.name"), format!("'{}' is not a valid wire name", p.name));
            }
            if !wire.insert(p.name.as_str()) {
                let what = if taken.iter().any(|t| t.name == p.name) {
                    "a credential of this family"
                } else {
                    "another parameter"
                };
                self.report(format!("{ppath}.name"), format!("wire name '{}' is already used by {what}", p.name));
                continue;
            }
            let rkey = if p.rust.is_some() { "rust" } else { "name" };
            if self.snake_ident(&format!("{ppath}.{rkey}"), p.rust_name()) && !rust.insert(p.rust_name()) {
                self.report(format!("{ppath}.{rkey}"), format!("Rust name '{}' is already used", p.rust_name()));
            }
            if p.doc.trim().is_empty() {
                self.report(format!("{ppath}.doc"), "`doc` cannot be empty");
            }
        }
    }

    /// Checks that `name` is a type of the wanted kind.
    fn named(&mut self, path: &str, name: &str, want: Option<TypeKind>) {
        match self.spec.type_def(name) {
            None => self.report(path, format!("unknown type '{name}'")),
            Some(def) => match want {
                Some(kind) if def.kind != kind => {
                    let article = |k| {
                        if k == TypeKind::Struct { "a struct" } else { "an enum" }
                    };
                    self.report(path, format!("'{name}' is {}; {} is needed here", article(def.kind), article(kind)));
                }
                _ => {}
            },
        }
    }

    fn snake_ident(&mut self, path: &str, name: &str) -> bool {
        let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && syn::parse_str::<syn::Ident>(name).is_ok();
        if !ok {
            self.report(path, format!("'{name}' is not a snake_case Rust identifier"));
        }
        ok
    }

    fn camel_ident(&mut self, path: &str, name: &str) -> bool {
        let ok = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
            && syn::parse_str::<syn::Ident>(name).is_ok();
        if !ok {
            self.report(path, format!("'{name}' is not an UpperCamelCase Rust identifier"));
        }
        ok
    }
}
