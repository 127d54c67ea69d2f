//! `cargo xtask check`: the spec against the facts the docs give.
//!
//! Every difference is a [`Finding`] named by family, action and item
//! (`param z`, `auth`, `method GET`, `field railguns.objs[].cdate`, `act`,
//! `action`). A finding whose item the spec records under the endpoint's
//! `deviations:` is accepted, and listed with its reason; any other fails the
//! check.

use std::collections::BTreeSet;
use std::fmt;

use railgun_codegen::model::{Endpoint, Field, Method, TypeKind};
use railgun_codegen::{Scalar, TypeExpr, ValidSpec};
use serde_json::{Map, Value};

use crate::docs::facts::{DocFacts, EndpointFacts, Warning};

/// Credentials of either family: compared as one `auth` item.
const CREDENTIALS: [&str; 3] = ["email", "tkn", "host_key"];

/// What kind of difference a [`Finding`] is, for `regen` to act on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The docs have the action, the spec does not.
    ActionMissing,
    /// The spec has the action, the docs do not.
    ActionUndocumented,
    /// The docs document the method, the spec does not have it.
    MethodMissing(String),
    /// The spec has the method, the docs do not document it.
    MethodUndocumented(String),
    /// The credentials differ from the family's.
    Auth,
    /// The docs list the parameter, the spec does not have it.
    ParamMissing(String),
    /// The spec has the parameter, the docs' list does not.
    ParamUndocumented(String),
    /// The parameter is optional on one side only; `true` when the docs say optional.
    ParamOptional(String, bool),
    /// The docs' act (or none).
    Act(Option<String>),
    /// A documented response field (path) the spec does not have.
    FieldMissing(String),
    /// A spec response field (path) the docs do not show.
    FieldUndocumented(String),
    /// A field (path) of another JSON type, or `null` where the spec's is not optional.
    FieldType(String),
}

/// A difference between the spec and the docs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// `client` or `partner`.
    pub family: String,
    /// The action.
    pub action: String,
    /// What differs, as `deviations:` names it.
    pub item: String,
    /// The difference, in words.
    pub message: String,
    /// The difference, for `regen`.
    pub kind: Kind,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.family, self.action, self.message)
    }
}

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct Report {
    /// Differences the spec does not account for: the check fails.
    pub findings: Vec<Finding>,
    /// Differences the spec records as deliberate, with the reason.
    pub accepted: Vec<(Finding, String)>,
    /// Deviations the spec records that no finding matches (family, action, item, reason).
    pub unmatched: Vec<(String, String, String, String)>,
    /// Contradictions inside the docs.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// Prints the report: accepted deviations, notes, doc warnings, then findings.
    pub fn print(&self) {
        for (finding, reason) in &self.accepted {
            println!("accepted: {finding} (deviation: {reason})");
        }
        for (family, action, item, reason) in &self.unmatched {
            println!("note: {family} {action}: deviation '{item}' is recorded but not compared: {reason}");
        }
        for warning in &self.warnings {
            println!("warning: {warning}");
        }
        for finding in &self.findings {
            println!("{finding}");
        }
        println!(
            "check: {} finding(s), {} accepted deviation(s), {} doc warning(s)",
            self.findings.len(),
            self.accepted.len(),
            self.warnings.len()
        );
    }
}

impl Kind {
    /// The item a deviation names to accept this kind of finding.
    pub fn item(&self) -> String {
        match self {
            Kind::ActionMissing | Kind::ActionUndocumented => "action".to_owned(),
            Kind::MethodMissing(m) | Kind::MethodUndocumented(m) => format!("method {m}"),
            Kind::Auth => "auth".to_owned(),
            Kind::ParamMissing(p) | Kind::ParamUndocumented(p) | Kind::ParamOptional(p, _) => format!("param {p}"),
            Kind::Act(_) => "act".to_owned(),
            Kind::FieldMissing(f) | Kind::FieldUndocumented(f) | Kind::FieldType(f) => format!("field {f}"),
        }
    }
}

/// Compares `spec` with `docs`.
pub fn check(spec: &ValidSpec, docs: &DocFacts) -> Report {
    let mut findings = Vec::new();
    let mut spec_keys = BTreeSet::new();
    for endpoint in &spec.endpoints {
        let key = (endpoint.family.clone(), endpoint.action.clone());
        spec_keys.insert(key.clone());
        let mut found = |kind: Kind, message: String| {
            findings.push(Finding {
                family: endpoint.family.clone(),
                action: endpoint.action.clone(),
                item: kind.item(),
                message,
                kind,
            });
        };
        match docs.endpoints.get(&key) {
            None => found(Kind::ActionUndocumented, "action in spec but not documented".to_owned()),
            Some(facts) => compare_endpoint(spec, endpoint, facts, &mut found),
        }
    }
    for (key, facts) in &docs.endpoints {
        if !spec_keys.contains(key) {
            findings.push(Finding {
                family: key.0.clone(),
                action: key.1.clone(),
                item: Kind::ActionMissing.item(),
                message: format!("action documented in {} but missing from spec", facts.file),
                kind: Kind::ActionMissing,
            });
        }
    }

    let mut report = Report { warnings: docs.warnings.clone(), ..Report::default() };
    let mut used: BTreeSet<(String, String, String)> = BTreeSet::new();
    for finding in findings {
        let reason = spec
            .endpoints
            .iter()
            .find(|e| e.family == finding.family && e.action == finding.action)
            .and_then(|e| e.deviations.iter().find(|d| d.item == finding.item))
            .map(|d| d.reason.trim().to_owned());
        match reason {
            Some(reason) => {
                used.insert((finding.family.clone(), finding.action.clone(), finding.item.clone()));
                report.accepted.push((finding, reason));
            }
            None => report.findings.push(finding),
        }
    }
    for e in &spec.endpoints {
        for d in &e.deviations {
            if !used.contains(&(e.family.clone(), e.action.clone(), d.item.clone())) {
                report.unmatched.push((e.family.clone(), e.action.clone(), d.item.clone(), d.reason.trim().to_owned()));
            }
        }
    }
    report
}

fn compare_endpoint(
    spec: &ValidSpec,
    endpoint: &Endpoint,
    facts: &EndpointFacts,
    found: &mut impl FnMut(Kind, String),
) {
    // Methods.
    let spec_methods: BTreeSet<&str> = endpoint.methods.iter().map(|m: &Method| m.as_str()).collect();
    for method in facts.methods.keys() {
        if !spec_methods.contains(method.as_str()) {
            found(Kind::MethodMissing(method.clone()), format!("method {method} documented but missing from spec"));
        }
    }
    for method in &spec_methods {
        if !facts.methods.contains_key(*method) {
            found(
                Kind::MethodUndocumented((*method).to_owned()),
                format!("method {method} in spec but not documented"),
            );
        }
    }

    // Credentials, compared as one item.
    let family = spec.family(&endpoint.family).expect("validated family");
    let spec_auth: Vec<&str> = family.auth.iter().map(|p| p.name.as_str()).collect();
    let doc_auth: Vec<&str> =
        facts.params.iter().map(|p| p.name.as_str()).filter(|n| CREDENTIALS.contains(n)).collect();
    if doc_auth != spec_auth {
        let list = |names: &[&str]| if names.is_empty() { "none".to_owned() } else { names.join(", ") };
        found(
            Kind::Auth,
            format!("the docs list credentials {}, the spec's family sends {}", list(&doc_auth), list(&spec_auth)),
        );
    }

    // Other parameters.
    for listed in facts.params.iter().filter(|p| !CREDENTIALS.contains(&p.name.as_str())) {
        match endpoint.params.iter().find(|p| p.name == listed.name) {
            None => found(
                Kind::ParamMissing(listed.name.clone()),
                format!("parameter {} documented but missing from spec", listed.name),
            ),
            Some(param) => {
                let doc_optional = listed.description.contains("(optional)");
                if doc_optional != param.optional {
                    let (docs, spec) = if doc_optional { ("optional", "required") } else { ("required", "optional") };
                    found(
                        Kind::ParamOptional(listed.name.clone(), doc_optional),
                        format!("parameter {} is {docs} in the docs but {spec} in the spec", listed.name),
                    );
                }
            }
        }
    }
    for param in &endpoint.params {
        if !facts.params.iter().any(|p| p.name == param.name) {
            found(
                Kind::ParamUndocumented(param.name.clone()),
                format!("parameter {} in spec but not in the docs' parameter list", param.name),
            );
        }
    }

    // The answer.
    match facts.act.as_deref() {
        Some(act) if act != endpoint.act => {
            found(Kind::Act(Some(act.to_owned())), format!("act {act} documented, the spec expects {}", endpoint.act));
        }
        None => found(Kind::Act(None), "the docs give no example answer with an act".to_owned()),
        _ => {}
    }
    if let Some(Value::Object(response)) = facts.response.as_ref().and_then(|v| v.get("response")) {
        let mut fields = response.clone();
        fields.remove("act");
        compare_object(spec, &endpoint.response, &fields, "", found);
    }
}

/// Compares a documented object with the spec's struct `type_name`.
fn compare_object(
    spec: &ValidSpec,
    type_name: &str,
    doc: &Map<String, Value>,
    path: &str,
    found: &mut impl FnMut(Kind, String),
) {
    let Some(fields) = spec.type_def(type_name).and_then(|d| d.fields.as_ref()) else { return };
    for (key, value) in doc {
        let field_path = format!("{path}{key}");
        match fields.iter().find(|f| f.name == *key) {
            None => found(
                Kind::FieldMissing(field_path.clone()),
                format!("response field {field_path} documented but missing from spec"),
            ),
            Some(field) => compare_value(spec, field, value, &field_path, found),
        }
    }
    for field in fields.iter().filter(|f| !doc.contains_key(&f.name)) {
        let field_path = format!("{path}{}", field.name);
        found(
            Kind::FieldUndocumented(field_path.clone()),
            format!("response field {field_path} in spec but not documented"),
        );
    }
}

fn compare_value(spec: &ValidSpec, field: &Field, value: &Value, path: &str, found: &mut impl FnMut(Kind, String)) {
    let Ok(expr) = TypeExpr::parse(&field.ty) else { return };
    if value.is_null() {
        if !field.optional {
            found(
                Kind::FieldType(path.to_owned()),
                format!("response field {path} is null in the docs but not optional in the spec"),
            );
        }
        return;
    }
    match (&expr, value) {
        (TypeExpr::Named(name), Value::Object(object)) if is_struct(spec, name) => {
            compare_object(spec, name, object, &format!("{path}."), found);
        }
        (TypeExpr::List(inner), Value::Array(items)) => {
            if let TypeExpr::Named(name) = inner.as_ref() {
                for item in items {
                    if let Value::Object(object) = item {
                        compare_object(spec, name, object, &format!("{path}[]."), found);
                    }
                }
            }
        }
        _ => {
            let allowed = json_types(spec, &expr);
            let got = json_type(value);
            if !allowed.contains(&got) {
                found(
                    Kind::FieldType(path.to_owned()),
                    format!(
                        "response field {path} is a {got} in the docs but {} ({}) in the spec",
                        field.ty,
                        allowed.join(" or ")
                    ),
                );
            }
        }
    }
}

fn is_struct(spec: &ValidSpec, name: &str) -> bool {
    spec.type_def(name).is_some_and(|d| d.kind == TypeKind::Struct)
}

/// The JSON types a spec type describes.
fn json_types(spec: &ValidSpec, expr: &TypeExpr) -> Vec<&'static str> {
    match expr {
        TypeExpr::Scalar(Scalar::Id | Scalar::Integer) => vec!["string", "number"],
        TypeExpr::Scalar(Scalar::Flag) => vec!["string", "boolean"],
        TypeExpr::Scalar(_) => vec!["string"],
        TypeExpr::Named(name) if is_struct(spec, name) => vec!["object"],
        TypeExpr::Named(_) => vec!["string", "number"],
        TypeExpr::List(_) => vec!["array"],
    }
}

/// The name of a JSON value's type.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
