//! What the OpenAPI description says: an operation's method, path,
//! parameters and the type of its `result`, `$ref`s and `allOf`s followed.

use serde_json::Value;

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
pub(crate) fn body_members(docs: &Docs<'_>, schema: &Value, prefix: &str, out: &mut Vec<(String, &'static str)>) {
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

pub(crate) fn member_schema<'d>(docs: &Docs<'d>, body: &'d Value, dotted: &str) -> &'d Value {
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

/// The description, with its `$ref`s followed.
pub(crate) struct Docs<'d> {
    pub(crate) root: &'d Value,
}

impl<'d> Docs<'d> {
    /// `schema` with its `$ref` followed (a chain of them, within reason).
    pub(crate) fn resolve(&self, mut schema: &'d Value) -> &'d Value {
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
    pub(crate) fn properties(&self, schema: &'d Value) -> Vec<(&'d str, &'d Value)> {
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
    pub(crate) fn json_type(&self, schema: &'d Value) -> Option<&'d str> {
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

impl<'d> Docs<'d> {
    /// The spec type a schema describes, when there is one.
    pub(crate) fn spec_type(&self, schema: &'d Value) -> Option<String> {
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
    pub(crate) fn bounds(&self, schema: &'d Value) -> (Option<u64>, Option<u64>) {
        let schema = self.unwrapped(schema);
        let whole = |key: &str| {
            let n = schema[key].as_f64()?;
            (n.fract() == 0.0 && n >= 0.0 && n < u64::MAX as f64).then_some(n as u64)
        };
        (whole("minimum").filter(|&n| n > 0), whole("maximum"))
    }

    /// A string schema's `maxLength`.
    pub(crate) fn max_length(&self, schema: &'d Value) -> Option<usize> {
        self.unwrapped(schema)["maxLength"].as_u64().and_then(|n| usize::try_from(n).ok())
    }

    /// The values an enum schema allows.
    pub(crate) fn string_values(&self, schema: &'d Value) -> Vec<String> {
        let values = self.unwrapped(schema)["enum"].as_array();
        values.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
    }

    /// `schema` resolved, and when it only wraps one other schema
    /// (`{"allOf": [{"$ref": …}], "description": …}`), that one.
    pub(crate) fn unwrapped(&self, schema: &'d Value) -> &'d Value {
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
