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

use crate::check::{Finding, Kind, Report};

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

    crate::check::settle(api, raw, &mut report);
    report
}

/// The description, with its `$ref`s followed.
struct Docs<'d> {
    root: &'d Value,
}

impl<'d> Docs<'d> {
    /// `schema` with its `$ref` followed (a chain of them, within reason).
    fn resolve(&self, mut schema: &'d Value) -> &'d Value {
        for _ in 0..16 {
            let Some(target) = schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) else { break };
            match self.root.pointer(target) {
                Some(next) => schema = next,
                None => break,
            }
        }
        schema
    }

    /// The members of an object schema, `allOf` parts merged (a later part
    /// replaces a member an earlier one has), `$ref`s followed.
    fn properties(&self, schema: &'d Value) -> Vec<(&'d str, &'d Value)> {
        let schema = self.resolve(schema);
        let mut members: Vec<(&'d str, &'d Value)> = Vec::new();
        for part in schema["allOf"].as_array().into_iter().flatten() {
            for (name, value) in self.properties(part) {
                members.retain(|(n, _)| *n != name);
                members.push((name, value));
            }
        }
        for (name, value) in schema["properties"].as_object().into_iter().flatten() {
            members.retain(|(n, _)| *n != name);
            members.push((name.as_str(), value));
        }
        members
    }

    /// The JSON type a schema describes (`integer` is a `number`).
    fn json_type(&self, schema: &'d Value) -> Option<&'d str> {
        let schema = self.resolve(schema);
        match schema["type"].as_str() {
            Some("integer") => Some("number"),
            Some(t) => Some(t),
            None if schema["properties"].is_object() || schema["allOf"].is_array() => Some("object"),
            None if schema["enum"].as_array().is_some_and(|v| v.iter().all(Value::is_string)) => Some("string"),
            None => None,
        }
    }
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

/// `at most 160 characters`, `any length`.
pub fn describe_length(max_length: Option<usize>) -> String {
    match max_length {
        Some(n) => format!("at most {n} characters"),
        None => "any length".to_owned(),
    }
}

/// `5 to 50`, `at least 1`, `any value`.
pub fn describe_bounds(bounds: (Option<u64>, Option<u64>)) -> String {
    match bounds {
        (None, None) => "any value".to_owned(),
        (Some(minimum), None) => format!("at least {minimum}"),
        (None, Some(maximum)) => format!("at most {maximum}"),
        (Some(minimum), Some(maximum)) => format!("{minimum} to {maximum}"),
    }
}

/// The members of a request body that a client sends: not read-only, the
/// members of nested objects as dotted names.
fn body_members(docs: &Docs<'_>, schema: &Value, prefix: &str, out: &mut Vec<(String, &'static str)>) {
    for (name, member) in docs.properties(schema) {
        let member = docs.resolve(member);
        if member["readOnly"] == true {
            continue;
        }
        let dotted = format!("{prefix}{name}");
        if docs.properties(member).is_empty() {
            out.push((dotted, "body"));
        } else {
            body_members(docs, member, &format!("{dotted}."), out);
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

/// Reads the description at `path`.
pub fn read(path: &std::path::Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

/// What `regen-v4` takes from one operation of the description.
#[derive(Debug, Clone)]
pub struct OperationFacts {
    /// Its operation id.
    pub id: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// Its path template, without the leading `/`.
    pub path: String,
    /// Its summary.
    pub summary: String,
    /// Path, query and header parameters, then the body's writable members.
    pub params: Vec<ParamFacts>,
    /// The type of `result`'s items (a list) or of `result`; `None` when
    /// the description leaves it untyped.
    pub result: Option<ResultFacts>,
}

/// The documented type of an operation's `result`.
#[derive(Debug, Clone)]
pub struct ResultFacts {
    /// Whether `result` is a list of these objects.
    pub list: bool,
    /// The object's members: names, and spec types where there is one.
    pub members: Vec<(String, Option<String>)>,
}

/// One parameter of an [`OperationFacts`].
#[derive(Debug, Clone)]
pub struct ParamFacts {
    /// Wire name (a nested body member's dotted).
    pub name: String,
    /// `path`, `query`, `header` or `body`.
    pub location: &'static str,
    /// Its spec type, when the description's schema has one (`string`,
    /// `integer`, `flag`, `timestamp`, `list<string>`).
    pub ty: Option<String>,
    /// The string values its schema allows, for an enum.
    pub values: Vec<String>,
    /// Its schema's `minimum` and `maximum` (a number's).
    pub bounds: (Option<u64>, Option<u64>),
    /// Its schema's `maxLength` (a string's).
    pub max_length: Option<usize>,
    /// Whether the description lets it be left out.
    pub optional: bool,
    /// The description's words for it.
    pub doc: String,
}

/// The operation `id` of the description, as `regen-v4` uses it.
pub fn operation(description: &Value, id: &str) -> Option<OperationFacts> {
    let docs = Docs { root: description };
    for (path, item) in description["paths"].as_object()? {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op["operationId"].as_str() != Some(id) {
                continue;
            }
            let mut params = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let p = docs.resolve(p);
                let (Some(name), Some(place)) = (p["name"].as_str(), p["in"].as_str()) else { continue };
                let location = match place {
                    "path" => "path",
                    "query" => "query",
                    "header" => "header",
                    _ => continue,
                };
                let schema = docs.resolve(&p["schema"]);
                params.push(ParamFacts {
                    name: name.to_owned(),
                    location,
                    ty: docs.spec_type(schema),
                    values: docs.string_values(schema),
                    bounds: docs.bounds(schema),
                    max_length: docs.max_length(schema),
                    optional: location != "path" && p["required"] != true,
                    doc: describe(&docs, p, schema),
                });
            }
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            if !body.is_null() {
                let mut members = Vec::new();
                body_members(&docs, body, "", &mut members);
                for (name, _) in members {
                    let schema = member_schema(&docs, body, &name);
                    let (outer, last) = name.rsplit_once('.').unwrap_or(("", &name));
                    let holder = if outer.is_empty() { docs.resolve(body) } else { member_schema(&docs, body, outer) };
                    let required = all_required(&docs, holder).contains(&last.to_owned());
                    params.push(ParamFacts {
                        ty: docs.spec_type(schema),
                        values: docs.string_values(schema),
                        bounds: docs.bounds(schema),
                        max_length: docs.max_length(schema),
                        optional: !required,
                        doc: describe(&docs, schema, schema),
                        name,
                        location: "body",
                    });
                }
            }
            let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
            let result =
                docs.properties(answer).into_iter().find(|(n, _)| *n == "result").map(|(_, s)| docs.resolve(s));
            let result = result.and_then(|r| {
                let (list, item) = if r["type"] == "array" { (true, docs.resolve(&r["items"])) } else { (false, r) };
                let members = docs.properties(item);
                (!members.is_empty()).then(|| ResultFacts {
                    list,
                    members: members
                        .into_iter()
                        .map(|(n, s)| (n.to_owned(), docs.spec_type(docs.resolve(s))))
                        .collect(),
                })
            });
            return Some(OperationFacts {
                id: id.to_owned(),
                method: method.to_ascii_uppercase(),
                path: path.trim_start_matches('/').to_owned(),
                summary: op["summary"].as_str().unwrap_or(id).trim().to_owned(),
                params,
                result,
            });
        }
    }
    None
}

/// The spec type of the answer member at `path` (`result[].name`,
/// `result.upgrade_info.latest_version`) of operation `id`.
pub fn answer_field_type(description: &Value, id: &str, path: &str) -> Option<String> {
    let docs = Docs { root: description };
    let op = description["paths"]
        .as_object()?
        .values()
        .flat_map(|item| item.as_object().into_iter().flatten())
        .map(|(_, op)| op)
        .find(|op| op["operationId"].as_str() == Some(id))?;
    let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
    let mut schema: &Value = answer;
    for part in path.split('.') {
        let (name, items) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (part, false),
        };
        let found = docs.properties(schema).into_iter().find(|(n, _)| *n == name)?;
        schema = docs.resolve(found.1);
        if items {
            schema = docs.resolve(&schema["items"]);
        }
    }
    docs.spec_type(schema)
}

fn member_schema<'d>(docs: &Docs<'d>, body: &'d Value, dotted: &str) -> &'d Value {
    dotted.split('.').fold(docs.resolve(body), |schema, name| {
        docs.properties(schema).into_iter().find(|(n, _)| *n == name).map_or(schema, |(_, s)| docs.resolve(s))
    })
}

/// The `required` names of an object schema, `allOf` parts included.
fn all_required(docs: &Docs<'_>, schema: &Value) -> Vec<String> {
    let schema = docs.resolve(schema);
    let mut names: Vec<String> =
        schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(all_required(docs, part));
    }
    names
}

fn describe(docs: &Docs<'_>, outer: &Value, schema: &Value) -> String {
    let text = outer["description"].as_str().or_else(|| schema["description"].as_str());
    let text = text.or_else(|| docs.resolve(&schema["allOf"][0])["description"].as_str());
    text.unwrap_or_default().trim().to_owned()
}

impl<'d> Docs<'d> {
    /// The spec type a schema describes, when there is one.
    fn spec_type(&self, schema: &'d Value) -> Option<String> {
        let schema = self.unwrapped(schema);
        Some(match self.json_type(schema)? {
            "string" if schema["format"] == "date-time" => "timestamp".to_owned(),
            "string" => "string".to_owned(),
            "number" => "integer".to_owned(),
            "boolean" => "flag".to_owned(),
            "array" if self.json_type(&schema["items"]) == Some("string") => "list<string>".to_owned(),
            _ => return None,
        })
    }

    /// A number schema's `minimum` and `maximum`, as whole numbers; a
    /// minimum of 0 says nothing a `u64` does not.
    fn bounds(&self, schema: &'d Value) -> (Option<u64>, Option<u64>) {
        let schema = self.unwrapped(schema);
        let whole = |key: &str| {
            let n = schema[key].as_f64()?;
            (n.fract() == 0.0 && n >= 0.0 && n < u64::MAX as f64).then_some(n as u64)
        };
        (whole("minimum").filter(|&n| n > 0), whole("maximum"))
    }

    /// A string schema's `maxLength`.
    fn max_length(&self, schema: &'d Value) -> Option<usize> {
        self.unwrapped(schema)["maxLength"].as_u64().and_then(|n| usize::try_from(n).ok())
    }

    /// The values an enum schema allows.
    fn string_values(&self, schema: &'d Value) -> Vec<String> {
        let values = self.unwrapped(schema)["enum"].as_array();
        values.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
    }

    /// `schema` resolved, and when it only wraps one other schema
    /// (`{"allOf": [{"$ref": …}], "description": …}`), that one.
    fn unwrapped(&self, schema: &'d Value) -> &'d Value {
        let mut schema = self.resolve(schema);
        for _ in 0..16 {
            match schema["allOf"].as_array().map(Vec::as_slice) {
                Some([only]) if schema.get("properties").is_none() && schema.get("type").is_none() => {
                    schema = self.resolve(only);
                }
                _ => break,
            }
        }
        schema
    }
}
