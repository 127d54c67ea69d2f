//! `cargo xtask regen-v4`: rewrites a `rest_json` spec from the OpenAPI
//! description until `check-v4` passes: endpoints, methods, paths,
//! parameters (location, bounds, length) and answer fields; an untyped
//! answer is recorded as a deviation for review.

use serde_json::Value;

use crate::findings::{Finding, Kind};
use crate::openapi::check;
use crate::openapi::facts::{self, OperationFacts, ParamFacts};
use crate::settle::{Fix, Outcome, REVIEW, settle};
use crate::snippets::sentence;
use crate::yaml_edit::{Editor, scalar};

/// Rewrites the v4 spec `source` until it agrees with the OpenAPI
/// `description`.
pub fn regen_v4(source: &str, file: &str, description: &Value) -> Result<Outcome, String> {
    settle(source, file, |spec| check::check(spec, description), |edit, finding| edit.fix_v4(finding, description))
}

impl Editor<'_> {
    /// One fix of a `check-v4` finding, from the OpenAPI description.
    fn fix_v4(&self, finding: &Finding, description: &Value) -> Result<Fix, String> {
        let index = self.spec.endpoints.iter().position(|e| e.family == finding.family && e.action == finding.action);
        let ep = |i: usize| format!("endpoints[{i}]");
        let facts = index.and_then(|i| facts::operation(description, &self.spec.endpoints[i].docs));
        Ok(match (&finding.kind, index, facts) {
            (Kind::ActionMissing, _, _) => {
                let Some(facts) = facts::operation(description, &finding.action) else { return Ok(None) };
                let Some(block) = self.new_rest_endpoint(&finding.family, &facts) else { return Ok(None) };
                Some((self.insert_item("endpoints", &block), "added the endpoint".to_owned()))
            }
            (Kind::ActionUndocumented, Some(i), _) => {
                Some((self.remove_item(&ep(i)), "removed the endpoint the description no longer has".to_owned()))
            }
            (Kind::MethodMissing(method), Some(i), _) => {
                let value = format!("[{method}]");
                Some((self.set_value(&format!("{}.methods", ep(i)), &value)?, format!("methods set to {value}")))
            }
            (Kind::Path, Some(i), Some(facts)) => {
                Some((self.set_value(&format!("{}.path", ep(i)), &facts.path)?, format!("path set to {}", facts.path)))
            }
            (Kind::ParamMissing(name), Some(i), Some(facts)) => {
                let Some(param) = facts.params.iter().find(|p| &p.name == name) else { return Ok(None) };
                let block = self.new_rest_param(param);
                Some((self.insert_item(&format!("{}.params", ep(i)), &block), format!("added parameter {name}")))
            }
            (Kind::ParamUndocumented(name), Some(i), _) => {
                let j = self.param_index(i, name)?;
                Some((self.remove_item(&format!("{}.params[{j}]", ep(i))), format!("removed parameter {name}")))
            }
            (Kind::ParamLocation(name), Some(i), Some(facts)) => {
                let Some(param) = facts.params.iter().find(|p| &p.name == name) else { return Ok(None) };
                let at = format!("{}.params[{}].in", ep(i), self.param_index(i, name)?);
                Some((self.set_value(&at, param.location)?, format!("parameter {name} moved to {}", param.location)))
            }
            (Kind::ParamBounds(name), Some(i), Some(facts)) => {
                let Some(param) = facts.params.iter().find(|p| &p.name == name) else { return Ok(None) };
                let at = format!("{}.params[{}]", ep(i), self.param_index(i, name)?);
                let (minimum, maximum) = param.bounds;
                let text = self.set_limits(&at, &[("minimum", minimum), ("maximum", maximum)])?;
                Some((text, format!("parameter {name} takes {}", facts::describe_bounds(param.bounds))))
            }
            (Kind::ParamLength(name), Some(i), Some(facts)) => {
                let Some(param) = facts.params.iter().find(|p| &p.name == name) else { return Ok(None) };
                let at = format!("{}.params[{}]", ep(i), self.param_index(i, name)?);
                let text = self.set_limits(&at, &[("max_length", param.max_length.map(|n| n as u64))])?;
                Some((text, format!("parameter {name} takes {}", facts::describe_length(param.max_length))))
            }
            (Kind::FieldMissing(path), Some(i), _) => {
                let Some(ty) = facts::answer_field_type(description, &self.spec.endpoints[i].docs, path) else {
                    return Ok(None);
                };
                let (t, type_name, name) = self.field_holder(i, path)?;
                let block = vec![
                    format!("- name: {name}"),
                    format!("  type: {ty}"),
                    "  optional: true".to_owned(),
                    format!("  doc: {}", scalar(&format!("`{name}`, as the description has it {REVIEW}."))),
                ];
                let text = self.insert_item(&format!("types[{t}].fields"), &block);
                Some((text, format!("added response field {path} to {type_name}")))
            }
            (Kind::FieldUndocumented(path), Some(i), _) => {
                let (t, type_name, name) = self.field_holder(i, path)?;
                let fields = self.spec.types[t].fields.as_deref().unwrap_or_default();
                let j = fields.iter().position(|f| f.name == name).ok_or("unknown field")?;
                Some((
                    self.remove_item(&format!("types[{t}].fields[{j}]")),
                    format!("removed response field {path} from {type_name}"),
                ))
            }
            (Kind::FieldType(path), Some(i), _) if path != "result" => {
                let Some(ty) = facts::answer_field_type(description, &self.spec.endpoints[i].docs, path) else {
                    return Ok(None);
                };
                let (t, type_name, name) = self.field_holder(i, path)?;
                let fields = self.spec.types[t].fields.as_deref().unwrap_or_default();
                let j = fields.iter().position(|f| f.name == name).ok_or("unknown field")?;
                let text = self.set_value(&format!("types[{t}].fields[{j}].type"), &ty)?;
                Some((text, format!("{path} is now {ty} in {type_name}")))
            }
            (Kind::Response, Some(i), _) => {
                let reason = format!("the description leaves `result` untyped; the spec's type is kept {REVIEW}");
                Some((self.add_deviation(i, "response", &reason)?, "recorded the untyped answer as a deviation".into()))
            }
            _ => None,
        })
    }

    /// A `rest_json` endpoint for an operation; `None` when its answer is
    /// untyped and no type of the spec can stand for it.
    fn new_rest_endpoint(&self, family: &str, facts: &OperationFacts) -> Option<Vec<String>> {
        let facts::ResultFacts { list, members } = facts.result.as_ref()?;
        // A type with exactly the documented members.
        let ty = self.spec.types.iter().find(|t| {
            let names: Vec<&str> = t.fields.iter().flatten().map(|f| f.name.as_str()).collect();
            !names.is_empty()
                && names.len() == members.len()
                && members.iter().all(|(n, _)| names.contains(&n.as_str()))
        })?;
        let response = if *list { format!("list<{}>", ty.name) } else { ty.name.clone() };
        let mut lines = vec![
            format!("- action: {}", facts.id.replace('-', "_")),
            format!("  family: {family}"),
            format!("  methods: [{}]", facts.method),
            format!("  path: {}", scalar(&facts.path)),
            format!("  summary: {}", scalar(&facts.summary)),
            format!("  docs: {}", facts.id),
        ];
        let names: Vec<&str> = facts.params.iter().map(|p| p.name.as_str()).collect();
        if *list && names.contains(&"page") && names.contains(&"per_page") {
            lines.push("  paginated: true".to_owned());
        }
        if facts.params.is_empty() {
            lines.push("  params: []".to_owned());
        } else {
            lines.push("  params:".to_owned());
            for param in &facts.params {
                lines.extend(self.new_rest_param(param).iter().map(|l| format!("    {l}")));
            }
        }
        lines.push(format!("  response: {response}"));
        lines.push(if facts.method == "GET" {
            "  idempotent: true  # a read".to_owned()
        } else {
            format!("  idempotent: false  # not known to be safe to repeat {REVIEW}")
        });
        Some(lines)
    }

    /// A `rest_json` parameter, with what the spec says elsewhere of one
    /// with this wire name (Rust name, type, doc).
    fn new_rest_param(&self, param: &ParamFacts) -> Vec<String> {
        let known = self.spec.endpoints.iter().flat_map(|e| &e.params).find(|p| p.name == param.name);
        // An enum of the spec with exactly the documented values.
        let enumeration = (!param.values.is_empty())
            .then(|| {
                self.spec.types.iter().find(|t| {
                    let wires: Vec<&str> = t.variants.iter().flatten().map(|v| v.wire.as_str()).collect();
                    wires.len() == param.values.len() && param.values.iter().all(|v| wires.contains(&v.as_str()))
                })
            })
            .flatten();
        let ty = match (known, enumeration, &param.ty) {
            (Some(p), _, _) => p.ty.clone(),
            (None, Some(t), _) => t.name.clone(),
            (None, None, Some(ty)) => ty.clone(),
            (None, None, None) => "string".to_owned(),
        };
        let mut lines = vec![format!("- name: {}", param.name)];
        if let Some(rust) = known.and_then(|p| p.rust.as_deref()) {
            lines.push(format!("  rust: {rust}"));
        }
        lines.push(format!("  in: {}", param.location));
        lines.push(format!("  type: {ty}"));
        if param.optional {
            lines.push("  optional: true".to_owned());
        }
        if ty == "integer" {
            let (minimum, maximum) = param.bounds;
            lines.extend(minimum.map(|n| format!("  minimum: {n}")));
            lines.extend(maximum.map(|n| format!("  maximum: {n}")));
        }
        if ty == "string" {
            lines.extend(param.max_length.map(|n| format!("  max_length: {n}")));
        }
        let doc = match known {
            Some(p) => p.doc.trim().to_owned(),
            None if !param.doc.is_empty() => sentence(&param.doc),
            None => format!("`{}`, as the description has it.", param.name),
        };
        lines.push(format!("  doc: {}", scalar(&doc)));
        lines
    }
}
