//! `cargo xtask check-v4`: a `rest_json` spec against the OpenAPI
//! description it was written from (`spec/docs-v4/`).
//!
//! Endpoints and operations are matched by operation id (an endpoint's
//! `docs`). For each pair: the method and the path; the parameters by name
//! and location (`path`, `query`, and the request body's members that are
//! not read-only, nested objects as dotted names), an integer parameter's
//! `minimum` and `maximum` and a string parameter's `maxLength`; the
//! `result` of the 200
//! answer, field by field with JSON types, where the description types it,
//! and a `response` finding where it leaves it untyped. Findings are those
//! of `cargo xtask check` (named by family, action and item, accepted by a
//! deviation naming the item), plus `path` and a parameter's location.

use std::collections::{BTreeMap, BTreeSet};

use railgun_spec::ValidSpec;
use railgun_spec::ir::{
    Api, Binding, Endpoint, FieldType, ParamLocation, ParamScalar, ParamType, Response, Scalar, TypeId, TypeKind,
};
use serde_json::Value;

use crate::findings::{Finding, Kind, Report, sort_out};
use crate::openapi::facts::{Docs, body_members, describe_bounds, describe_length, member_schema};

/// One operation of the description.
struct Operation<'d> {
    method: String,
    path: String,
    op: &'d Value,
}

/// Compares the `rest_json` spec with the OpenAPI `description`.
pub fn check(spec: &ValidSpec, description: &Value) -> Report {
    let api = spec.api();
    let docs = Docs { root: description };
    let mut operations: BTreeMap<String, Operation<'_>> = BTreeMap::new();
    for (path, item) in description["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                let path = path.trim_start_matches('/').to_owned();
                operations.insert(id.to_owned(), Operation { method: method.to_ascii_uppercase(), path, op });
            }
        }
    }

    let mut report = Report::default();
    let mut raw = Vec::new();
    let mut seen = BTreeSet::new();
    for ep in &api.endpoints {
        let family = api.family(ep.family).name.clone();
        let id = ep.docs_url.rsplit('/').next().unwrap_or_default().to_owned();
        let mut found = |kind: Kind, message: String| {
            raw.push(Finding { family: family.clone(), action: ep.action.clone(), item: kind.item(), message, kind });
        };
        match (operations.get(&id), &ep.undocumented) {
            (Some(operation), _) => {
                seen.insert(id);
                compare(api, &docs, ep, operation, &mut found);
            }
            (None, Some(reason)) => report.undocumented.push((family.clone(), ep.action.clone(), reason.clone())),
            (None, None) => {
                found(Kind::ActionUndocumented, format!("operation {id} in spec but not in the description"))
            }
        }
    }
    let family = api.families.first().map(|f| f.name.clone()).unwrap_or_default();
    for (id, operation) in &operations {
        if !seen.contains(id) {
            raw.push(Finding {
                family: family.clone(),
                action: id.clone(),
                item: "action".to_owned(),
                message: format!(
                    "operation {id} ({} /{}) in the description but not in the spec",
                    operation.method, operation.path
                ),
                kind: Kind::ActionMissing,
            });
        }
    }

    sort_out(api, raw, &mut report);
    report
}

fn compare(api: &Api, docs: &Docs<'_>, ep: &Endpoint, operation: &Operation<'_>, found: &mut impl FnMut(Kind, String)) {
    let Binding::RestJson(rest) = &ep.binding else { return };
    let method = rest.method.as_str();
    if method != operation.method {
        found(
            Kind::MethodUndocumented(method.to_owned()),
            format!("method {method} in spec, the description has {}", operation.method),
        );
        found(
            Kind::MethodMissing(operation.method.clone()),
            format!("method {} in the description, not in spec", operation.method),
        );
    }
    if rest.template != operation.path {
        found(Kind::Path, format!("path '{}' in spec, '{}' in the description", rest.template, operation.path));
    }

    // Parameters: name → location, both sides.
    let mut documented: Vec<(String, &'static str)> = Vec::new();
    for p in operation.op["parameters"].as_array().into_iter().flatten() {
        let p = docs.resolve(p);
        if let (Some(name), Some(place)) = (p["name"].as_str(), p["in"].as_str()) {
            compare_limits(docs, ep, name, docs.resolve(&p["schema"]), found);
            let place = match place {
                "path" => "path",
                "query" => "query",
                "header" => "header",
                _ => "cookie",
            };
            documented.push((name.to_owned(), place));
        }
    }
    let body = &operation.op["requestBody"]["content"]["application/json"]["schema"];
    if !body.is_null() {
        let before = documented.len();
        body_members(docs, body, "", &mut documented);
        for (name, _) in &documented[before..] {
            compare_limits(docs, ep, name, member_schema(docs, body, name), found);
        }
    }
    let ours: Vec<(&str, &'static str)> = ep
        .params
        .iter()
        .map(|p| {
            let place = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Body => "body",
                ParamLocation::Form => "form",
            };
            (p.wire.as_str(), place)
        })
        .collect();
    for (name, place) in &documented {
        match ours.iter().find(|(n, _)| n == name) {
            None => found(
                Kind::ParamMissing(name.clone()),
                format!("parameter {name} ({place}) documented but missing from spec"),
            ),
            Some((_, ours)) if ours != place => found(
                Kind::ParamLocation(name.clone()),
                format!("parameter {name} is `in: {ours}` in spec, `{place}` in the description"),
            ),
            Some(_) => {}
        }
    }
    for (name, place) in &ours {
        if !documented.iter().any(|(n, _)| n == name) {
            found(
                Kind::ParamUndocumented((*name).to_owned()),
                format!("parameter {name} ({place}) in spec but not in the description"),
            );
        }
    }

    // The answer's `result`.
    let answer = &operation.op["responses"]["200"]["content"]["application/json"]["schema"];
    let result = docs.properties(answer).into_iter().find(|(n, _)| *n == "result").map(|(_, s)| docs.resolve(s));
    let (named, list) = match &ep.response {
        Response::Struct(named) => (named, false),
        Response::List(named) => (named, true),
    };
    let item = match result {
        Some(r) if list && r["type"] == "array" => Some(docs.resolve(&r["items"])),
        Some(r) if !list && r["type"] != "array" => Some(r),
        Some(r) => {
            let theirs = if r["type"] == "array" { "an array" } else { "one object" };
            found(Kind::FieldType("result".to_owned()), format!("result is {theirs} in the description"));
            None
        }
        None => None,
    };
    let path = if list { "result[]" } else { "result" };
    match item {
        Some(schema) if !docs.properties(schema).is_empty() => compare_object(api, docs, named.id, schema, path, found),
        _ => found(Kind::Response, "the description leaves `result` untyped".to_owned()),
    }
}

/// The spec's limits of parameter `name` (an integer's bounds, a string's
/// length) against its schema's.
fn compare_limits(docs: &Docs<'_>, ep: &Endpoint, name: &str, schema: &Value, found: &mut impl FnMut(Kind, String)) {
    let Some(ours) = ep.params.iter().find(|ours| ours.wire == name) else { return };
    if ours.ty == ParamType::One(ParamScalar::Integer) {
        let theirs = docs.bounds(schema);
        let ours = ours.bounds.map_or((None, None), |b| {
            ((b.minimum > 0).then_some(b.minimum), (b.maximum < u64::MAX).then_some(b.maximum))
        });
        if ours != theirs {
            found(
                Kind::ParamBounds(name.to_owned()),
                format!(
                    "parameter {name} takes {} in spec, {} in the description",
                    describe_bounds(ours),
                    describe_bounds(theirs)
                ),
            );
        }
    }
    if ours.ty == ParamType::One(ParamScalar::Text) {
        let theirs = docs.max_length(schema);
        if ours.max_length != theirs {
            found(
                Kind::ParamLength(name.to_owned()),
                format!(
                    "parameter {name} takes {} in spec, {} in the description",
                    describe_length(ours.max_length),
                    describe_length(theirs)
                ),
            );
        }
    }
}

fn compare_object(
    api: &Api,
    docs: &Docs<'_>,
    id: TypeId,
    schema: &Value,
    path: &str,
    found: &mut impl FnMut(Kind, String),
) {
    let TypeKind::Struct(fields) = &api.type_def(id).kind else { return };
    let theirs = docs.properties(schema);
    for (name, member) in &theirs {
        let at = format!("{path}.{name}");
        let Some(field) = fields.iter().find(|f| f.wire == *name) else {
            found(Kind::FieldMissing(at.clone()), format!("response field {at} documented but missing from spec"));
            continue;
        };
        let member = docs.resolve(member);
        let documented = docs.json_type(member);
        match (&field.ty, documented) {
            (FieldType::Struct(named), Some("object")) => compare_object(api, docs, named.id, member, &at, found),
            (FieldType::List(named), Some("array")) => {
                compare_object(api, docs, named.id, docs.resolve(&member["items"]), &format!("{at}[]"), found)
            }
            (ty, Some(documented)) if json_type(ty) != documented => found(
                Kind::FieldType(at.clone()),
                format!(
                    "response field {at} is a {documented} in the description but {ty} ({}) in the spec",
                    json_type(ty)
                ),
            ),
            _ => {}
        }
    }
    for field in fields {
        if !theirs.iter().any(|(n, _)| *n == field.wire) {
            let at = format!("{path}.{}", field.wire);
            found(
                Kind::FieldUndocumented(at.clone()),
                format!("response field {at} in spec but not in the description"),
            );
        }
    }
}

/// The JSON type a spec type is in a JSON API. Stricter than the v2
/// check's: the v2 pages send flags and numbers as strings, the v4
/// description types them.
fn json_type(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Scalar(Scalar::String | Scalar::Secret | Scalar::Timestamp) | FieldType::Enum(_) => "string",
        FieldType::Scalar(Scalar::Id | Scalar::Integer | Scalar::Signed) => "number",
        FieldType::Scalar(Scalar::Flag) => "boolean",
        FieldType::Struct(_) => "object",
        FieldType::List(_) | FieldType::Strings => "array",
    }
}
