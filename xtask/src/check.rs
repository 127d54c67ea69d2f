//! `cargo xtask check`: the spec against the facts the docs give.
//!
//! Every difference is a [`Finding`] named by family, action and item
//! (`param z`, `auth`, `method GET`, `field railguns.objs[].cdate`, `act`,
//! `action`). A finding whose item the spec records under the endpoint's
//! `deviations:` is accepted, and listed with its reason; any other fails the
//! check.

use std::collections::BTreeSet;
use std::fmt;

use railgun_spec::ValidSpec;
use railgun_spec::ir::{Api, Binding, Endpoint, Field, FieldType, Response, Scalar, TypeId, TypeKind};
use serde_json::{Map, Value};

use crate::docs::facts::{DocFacts, EndpointFacts, Warning};

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
    /// The spec marks the endpoint `undocumented`, but the docs have it now.
    MarkedUndocumented,
    /// The path template differs from the description's (`rest_json`).
    Path,
    /// A parameter goes elsewhere than the description says (`rest_json`).
    ParamLocation(String),
    /// An integer parameter's `minimum` or `maximum` differs from the
    /// description's schema (`rest_json`).
    ParamBounds(String),
    /// A string parameter's `max_length` differs from the description's
    /// `maxLength` (`rest_json`).
    ParamLength(String),
    /// The description leaves the answer's `result` untyped (`rest_json`).
    Response,
    /// A page the reader could not make sense of (file, line): every fact
    /// it holds is unknown, so nothing it should say can be compared.
    Unreadable(String, usize),
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
        match &self.kind {
            Kind::Unreadable(file, line) => write!(f, "could not read {file}:{line}: {}", self.message),
            _ => write!(f, "{} {}: {}", self.family, self.action, self.message),
        }
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
    /// Endpoints the spec marks as deliberately undocumented (family, action, reason).
    pub undocumented: Vec<(String, String, String)>,
}

impl Report {
    /// The report as printed: the findings, then a one-line summary; with
    /// `verbose`, the accepted deviations, notes and doc warnings after it.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        for finding in &self.findings {
            out.push_str(&format!("{finding}\n"));
        }
        let notes = self.unmatched.len() + self.undocumented.len();
        out.push_str(&format!(
            "check: {} finding(s); {} accepted deviation(s), {} note(s), {} doc warning(s){}\n",
            self.findings.len(),
            self.accepted.len(),
            notes,
            self.warnings.len(),
            if verbose || self.accepted.len() + notes + self.warnings.len() == 0 {
                ""
            } else {
                " (--verbose lists them)"
            }
        ));
        if verbose {
            for (finding, reason) in &self.accepted {
                out.push_str(&format!("accepted: {finding} (deviation: {reason})\n"));
            }
            for (family, action, reason) in &self.undocumented {
                out.push_str(&format!(
                    "note: {family} {action}: not in the docs on purpose (undocumented): {reason}\n"
                ));
            }
            for (family, action, item, reason) in &self.unmatched {
                out.push_str(&format!(
                    "note: {family} {action}: deviation '{item}' is recorded but not compared: {reason}\n"
                ));
            }
            for warning in &self.warnings {
                out.push_str(&format!("warning: {warning}\n"));
            }
        }
        out
    }
}

impl Kind {
    /// The item a deviation names to accept this kind of finding.
    pub fn item(&self) -> String {
        match self {
            Kind::ActionMissing | Kind::ActionUndocumented => "action".to_owned(),
            Kind::MethodMissing(m) | Kind::MethodUndocumented(m) => format!("method {m}"),
            Kind::Auth => "auth".to_owned(),
            Kind::ParamMissing(p)
            | Kind::ParamUndocumented(p)
            | Kind::ParamOptional(p, _)
            | Kind::ParamLocation(p)
            | Kind::ParamBounds(p)
            | Kind::ParamLength(p) => format!("param {p}"),
            Kind::Path => "path".to_owned(),
            Kind::Response => "response".to_owned(),
            Kind::Act(_) => "act".to_owned(),
            Kind::FieldMissing(f) | Kind::FieldUndocumented(f) | Kind::FieldType(f) => format!("field {f}"),
            Kind::MarkedUndocumented => "undocumented".to_owned(),
            Kind::Unreadable(..) => "unreadable".to_owned(),
        }
    }
}

/// The wire names of every credential of every family: the docs list them
/// among the parameters, and they are compared as one `auth` item.
pub fn credential_names(api: &Api) -> BTreeSet<&str> {
    let schemes = api.families.iter().flat_map(|f| &f.auth);
    schemes.flat_map(|s| &s.credentials).map(|c| c.wire.as_str()).collect()
}

/// Compares `spec` with `docs`.
pub fn check(spec: &ValidSpec, docs: &DocFacts) -> Report {
    let api = spec.api();
    let credentials = credential_names(api);
    let mut findings = Vec::new();
    let mut spec_keys = BTreeSet::new();
    for endpoint in &api.endpoints {
        let family = api.family(endpoint.family).name.clone();
        let key = (family.clone(), endpoint.action.clone());
        spec_keys.insert(key.clone());
        let mut found = |kind: Kind, message: String| {
            findings.push(Finding {
                family: family.clone(),
                action: endpoint.action.clone(),
                item: kind.item(),
                message,
                kind,
            });
        };
        match (docs.endpoints.get(&key), &endpoint.undocumented) {
            (None, None) => found(
                Kind::ActionUndocumented,
                "action in spec but not documented (mark it `undocumented: <why>` if that is deliberate)".to_owned(),
            ),
            (None, Some(_)) => {}
            (Some(facts), marked) => {
                if marked.is_some() {
                    found(
                        Kind::MarkedUndocumented,
                        format!("marked `undocumented`, but {} documents it now", facts.file),
                    );
                }
                compare_endpoint(api, &credentials, endpoint, facts, &mut found);
            }
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

    // A page the reader could not make sense of comes first: what follows
    // from it is unknown.
    let unreadable = docs.unreadable.iter().map(|w| Finding {
        family: String::new(),
        action: String::new(),
        item: "unreadable".to_owned(),
        message: w.message.clone(),
        kind: Kind::Unreadable(w.file.clone(), w.line),
    });
    let findings: Vec<Finding> = unreadable.chain(findings).collect();
    let undocumented = api
        .endpoints
        .iter()
        .filter(|e| !docs.endpoints.contains_key(&(api.family(e.family).name.clone(), e.action.clone())))
        .filter_map(|e| Some((api.family(e.family).name.clone(), e.action.clone(), e.undocumented.clone()?)))
        .collect();
    let mut report = Report { warnings: docs.warnings.clone(), undocumented, ..Report::default() };
    settle(api, findings, &mut report);
    report
}

/// Sorts `findings` into `report`: accepted where the endpoint records a
/// deviation naming the finding's item, failing otherwise; a recorded
/// deviation that no finding matches becomes a note.
pub(crate) fn settle(api: &Api, findings: Vec<Finding>, report: &mut Report) {
    let mut used: BTreeSet<(String, String, String)> = BTreeSet::new();
    let family_of = |e: &Endpoint| api.family(e.family).name.as_str();
    for finding in findings {
        let reason = api
            .endpoints
            .iter()
            .find(|e| family_of(e) == finding.family && e.action == finding.action)
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
    for e in &api.endpoints {
        let family = family_of(e).to_owned();
        for d in &e.deviations {
            if !used.contains(&(family.clone(), e.action.clone(), d.item.clone())) {
                report.unmatched.push((family.clone(), e.action.clone(), d.item.clone(), d.reason.trim().to_owned()));
            }
        }
    }
}

fn compare_endpoint(
    api: &Api,
    credentials: &BTreeSet<&str>,
    endpoint: &Endpoint,
    facts: &EndpointFacts,
    found: &mut impl FnMut(Kind, String),
) {
    // Methods.
    let spec_methods: BTreeSet<&str> = endpoint.binding.methods().iter().map(|m| m.as_str()).collect();
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
    let family = api.family(endpoint.family);
    let spec_auth: Vec<&str> = family.auth.iter().flat_map(|s| &s.credentials).map(|c| c.wire.as_str()).collect();
    let doc_auth: Vec<&str> =
        facts.params.iter().map(|p| p.name.as_str()).filter(|n| credentials.contains(n)).collect();
    if doc_auth != spec_auth {
        let list = |names: &[&str]| if names.is_empty() { "none".to_owned() } else { names.join(", ") };
        found(
            Kind::Auth,
            format!("the docs list credentials {}, the spec's family sends {}", list(&doc_auth), list(&spec_auth)),
        );
    }

    // Other parameters.
    for listed in facts.params.iter().filter(|p| !credentials.contains(p.name.as_str())) {
        match endpoint.params.iter().find(|p| p.wire == listed.name) {
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
        if !facts.params.iter().any(|p| p.name == param.wire) {
            found(
                Kind::ParamUndocumented(param.wire.clone()),
                format!("parameter {} in spec but not in the docs' parameter list", param.wire),
            );
        }
    }

    // The answer.
    let act = match &endpoint.binding {
        Binding::ActionForm(form) => form.act.as_str(),
        Binding::RestJson(_) => {
            found(Kind::Act(None), "a rest_json endpoint is compared with the v2 action docs".to_owned());
            return;
        }
    };
    match facts.act.as_deref() {
        Some(documented) if documented != act => {
            found(
                Kind::Act(Some(documented.to_owned())),
                format!("act {documented} documented, the spec expects {act}"),
            );
        }
        None => found(Kind::Act(None), "the docs give no example answer with an act".to_owned()),
        _ => {}
    }
    if let Some(Value::Object(response)) = facts.response.as_ref().and_then(|v| v.get("response")) {
        let mut fields = response.clone();
        fields.remove("act");
        match &endpoint.response {
            Response::Struct(named) => compare_object(api, named.id, &fields, "", found),
            Response::List(named) => found(
                Kind::FieldType(String::new()),
                format!("the docs answer an object, the spec a list<{}>", named.name),
            ),
        }
    }
}

/// Compares a documented object with the spec's struct `id`.
fn compare_object(api: &Api, id: TypeId, doc: &Map<String, Value>, path: &str, found: &mut impl FnMut(Kind, String)) {
    let fields = match &api.type_def(id).kind {
        TypeKind::Struct(fields) => fields,
        TypeKind::Enum(_) | TypeKind::IpRange(_) => return,
    };
    for (key, value) in doc {
        let field_path = format!("{path}{key}");
        match fields.iter().find(|f| f.wire == *key) {
            None => found(
                Kind::FieldMissing(field_path.clone()),
                format!("response field {field_path} documented but missing from spec"),
            ),
            Some(field) => compare_value(api, field, value, &field_path, found),
        }
    }
    for field in fields.iter().filter(|f| !doc.contains_key(&f.wire)) {
        let field_path = format!("{path}{}", field.wire);
        found(
            Kind::FieldUndocumented(field_path.clone()),
            format!("response field {field_path} in spec but not documented"),
        );
    }
}

fn compare_value(api: &Api, field: &Field, value: &Value, path: &str, found: &mut impl FnMut(Kind, String)) {
    if value.is_null() {
        if !field.optional {
            found(
                Kind::FieldType(path.to_owned()),
                format!("response field {path} is null in the docs but not optional in the spec"),
            );
        }
        return;
    }
    match (&field.ty, value) {
        (FieldType::Struct(named), Value::Object(object)) => {
            compare_object(api, named.id, object, &format!("{path}."), found);
        }
        (FieldType::List(named), Value::Array(items)) => {
            for item in items {
                if let Value::Object(object) = item {
                    compare_object(api, named.id, object, &format!("{path}[]."), found);
                }
            }
        }
        (ty, _) => {
            let allowed = json_types(ty);
            let got = json_type(value);
            if !allowed.contains(&got) {
                found(
                    Kind::FieldType(path.to_owned()),
                    format!(
                        "response field {path} is a {got} in the docs but {ty} ({}) in the spec",
                        allowed.join(" or ")
                    ),
                );
            }
        }
    }
}

/// The JSON types a spec type describes.
fn json_types(ty: &FieldType) -> Vec<&'static str> {
    match ty {
        FieldType::Scalar(Scalar::Id | Scalar::Integer | Scalar::Signed) => vec!["string", "number"],
        FieldType::Scalar(Scalar::Flag) => vec!["string", "boolean"],
        FieldType::Scalar(Scalar::String | Scalar::Secret | Scalar::Timestamp) => vec!["string"],
        FieldType::Struct(_) => vec!["object"],
        FieldType::Enum(_) => vec!["string", "number"],
        FieldType::List(_) | FieldType::Strings => vec!["array"],
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
