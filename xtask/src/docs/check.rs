//! `cargo xtask check`: the spec against the facts the docs give.
//!
//! Every difference is a [`Finding`] named by family, action and item
//! (`param z`, `auth`, `method GET`, `field railguns.objs[].cdate`, `act`,
//! `action`). A finding whose item the spec records under the endpoint's
//! `deviations:` is accepted, and listed with its reason; any other fails the
//! check.

use std::collections::BTreeSet;

use railgun_spec::ValidSpec;
use railgun_spec::ir::{Api, Binding, Endpoint, Field, FieldType, Response, Scalar, TypeId, TypeKind};
use serde_json::{Map, Value};

use crate::docs::facts::{DocFacts, EndpointFacts};
use crate::findings::{Finding, Kind, Report, sort_out};

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
    sort_out(api, findings, &mut report);
    report
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
