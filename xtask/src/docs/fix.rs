//! `cargo xtask regen`: rewrites the spec from what the docs say.
//!
//! It runs `check`, fixes one finding with a line-level edit of the YAML
//! (located by the spec's location index, so comments and everything else
//! stay as they are), parses the result again, and repeats until `check`
//! passes. What the docs cannot say is kept, or taken from what the spec
//! already says elsewhere: a new parameter borrows the type, Rust name and
//! doc of a parameter with the same wire name; a new answer reuses a type
//! with the same fields. Differences that can only be deliberate (a
//! credential the docs leave out, a parameter only the examples send) are
//! recorded as deviations marked for review.

use railgun_spec::Locations;
use serde_json::Value;

use crate::docs::check;
use crate::docs::facts::{DocFacts, EndpointFacts};
use crate::findings::{Finding, Kind};
use crate::settle::{Fix, Outcome, REVIEW, settle};
use crate::snippets::{infer, lookup, response_type_name, sentence, struct_type};
use crate::yaml_edit::{Editor, scalar};

/// Rewrites `source` until it agrees with `docs`.
///
/// Docs the reader could not make sense of are refused: what they hold is
/// unknown, and rewriting from them would drop what they say.
pub fn regen(source: &str, file: &str, docs: &DocFacts) -> Result<Outcome, String> {
    if !docs.unreadable.is_empty() {
        let lines: Vec<String> =
            docs.unreadable.iter().map(|w| format!("could not read {}:{}: {}", w.file, w.line, w.message)).collect();
        return Err(format!("the docs could not be read in full, so the spec is left as it is:\n{}", lines.join("\n")));
    }
    settle(source, file, |spec| check::check(spec, docs), |edit, finding| edit.fix(finding, docs))
}

impl Editor<'_> {
    fn fix(&self, finding: &Finding, docs: &DocFacts) -> Result<Fix, String> {
        let key = (finding.family.clone(), finding.action.clone());
        let facts = docs.endpoints.get(&key);
        let index = self.spec.endpoints.iter().position(|e| e.family == finding.family && e.action == finding.action);
        let ep = |i: usize| format!("endpoints[{i}]");
        Ok(match (&finding.kind, index, facts) {
            (Kind::ActionMissing, _, Some(facts)) => {
                let mut new_types = Vec::new();
                let block = self.new_endpoint(facts, &mut new_types);
                let text = self.with_types(self.insert_item("endpoints", &block), &new_types);
                Some((text, "added the endpoint".to_owned()))
            }
            (Kind::ActionUndocumented, Some(i), _) => {
                Some((self.remove_item(&ep(i)), "removed the endpoint the docs no longer have".to_owned()))
            }
            (Kind::MethodMissing(_) | Kind::MethodUndocumented(_), Some(i), Some(facts)) => {
                let methods: Vec<&str> =
                    ["POST", "GET"].into_iter().filter(|m| facts.methods.contains_key(*m)).collect();
                let value = format!("[{}]", methods.join(", "));
                Some((self.set_value(&format!("{}.methods", ep(i)), &value)?, format!("methods set to {value}")))
            }
            (Kind::Auth, Some(i), _) => {
                let reason = format!("{}; the family's credentials are sent {REVIEW}", finding.message);
                Some((self.add_deviation(i, "auth", &reason)?, "recorded the credentials as a deviation".to_owned()))
            }
            (Kind::ParamMissing(name), Some(i), Some(facts)) => {
                let block = self.new_param(name, facts);
                let path = format!("{}.params", ep(i));
                Some((self.insert_item(&path, &block), format!("added parameter {name}")))
            }
            (Kind::ParamUndocumented(name), Some(i), Some(facts)) => {
                let j = self.param_index(i, name)?;
                if facts.example_params.contains(name) {
                    let reason =
                        format!("sent by the example requests but missing from the upstream parameter list {REVIEW}");
                    Some((
                        self.add_deviation(i, &finding.item, &reason)?,
                        format!("recorded parameter {name} as a deviation"),
                    ))
                } else {
                    Some((self.remove_item(&format!("{}.params[{j}]", ep(i))), format!("removed parameter {name}")))
                }
            }
            (Kind::ParamOptional(name, optional), Some(i), _) => {
                let param = format!("{}.params[{}]", ep(i), self.param_index(i, name)?);
                let text = self.set_optional(&param, *optional)?;
                Some((text, format!("parameter {name} made {}", if *optional { "optional" } else { "required" })))
            }
            (Kind::Act(Some(act)), Some(i), _) => {
                Some((self.set_value(&format!("{}.act", ep(i)), act)?, format!("act set to {act}")))
            }
            (Kind::MarkedUndocumented, Some(i), _) => Some((
                self.remove_key(&format!("{}.undocumented", ep(i)))?,
                "removed the `undocumented` marker: the docs have the endpoint now".to_owned(),
            )),
            (Kind::Act(None), Some(i), _) => {
                let reason = format!("the docs give no example answer; the spec's act is kept {REVIEW}");
                Some((self.add_deviation(i, "act", &reason)?, "recorded the missing act as a deviation".to_owned()))
            }
            (
                Kind::FieldMissing(path) | Kind::FieldUndocumented(path) | Kind::FieldType(path),
                Some(i),
                Some(facts),
            ) => self.fix_field(i, &finding.kind, path, facts)?,
            _ => None,
        })
    }

    fn fix_field(&self, i: usize, kind: &Kind, path: &str, facts: &EndpointFacts) -> Result<Fix, String> {
        let endpoint = &self.spec.endpoints[i];
        let (t, type_name, name) = self.field_holder(i, path)?;
        let segments: Vec<&str> = path.split('.').collect();
        let segments = &segments[..segments.len() - 1];
        // A top-level answer type shared with another endpoint gets a copy
        // of its own first, so a change for one endpoint does not reach another.
        let shared = self.spec.endpoints.iter().filter(|e| e.response == endpoint.response).count() > 1;
        if segments.is_empty() && shared {
            let new_name = self.free_type_name(&response_type_name(&endpoint.family, &endpoint.action));
            let text = self.copy_type(&type_name, &new_name)?;
            let text = Editor { text: &text, spec: self.spec, locs: Locations::index(&text) }
                .set_value(&format!("endpoints[{i}].response"), &new_name)?;
            return Ok(Some((text, format!("gave the answer its own type {new_name}, copied from {type_name}"))));
        }
        let fields = self.spec.types[t].fields.as_deref().unwrap_or_default();
        let documented = lookup(facts.response.as_ref().and_then(|v| v.get("response")), path);
        Ok(Some(match kind {
            Kind::FieldMissing(_) => {
                let value = documented.cloned().unwrap_or(Value::Null);
                let (block, new_types) = self.new_field(name, &value);
                let text = self.with_types(self.insert_item(&format!("types[{t}].fields"), &block), &new_types);
                (text, format!("added response field {path} to {type_name}"))
            }
            Kind::FieldUndocumented(_) => {
                let j = fields.iter().position(|f| f.name == name).ok_or("unknown field")?;
                (
                    self.remove_item(&format!("types[{t}].fields[{j}]")),
                    format!("removed response field {path} from {type_name}"),
                )
            }
            _ => {
                let j = fields.iter().position(|f| f.name == name).ok_or("unknown field")?;
                let field = format!("types[{t}].fields[{j}]");
                match documented {
                    Some(Value::Null) | None => {
                        (self.set_optional(&field, true)?, format!("made {path} optional in {type_name}"))
                    }
                    Some(value) => {
                        let mut new_types = Vec::new();
                        let (ty, _) = infer(self, name, value, &mut new_types);
                        let text = self.set_value(&format!("{field}.type"), &ty)?;
                        let text = self.with_types(text, &new_types);
                        (text, format!("{path} is now {ty} in {type_name}"))
                    }
                }
            }
        }))
    }

    fn new_endpoint(&self, facts: &EndpointFacts, new_types: &mut Vec<Vec<String>>) -> Vec<String> {
        let methods: Vec<&str> = ["POST", "GET"].into_iter().filter(|m| facts.methods.contains_key(*m)).collect();
        let (summary, doc) = match facts.description.split_once(". ") {
            Some((first, rest)) => (format!("{first}."), rest.trim().to_owned()),
            None => (facts.description.clone(), String::new()),
        };
        let page = facts.file.trim_end_matches(".md").trim_end_matches(".txt");
        let anchor = format!("{}-{}", methods.first().unwrap_or(&"post").to_ascii_lowercase(), facts.action);
        let mut lines = vec![
            format!("action: {}", facts.action),
            format!("family: {}", facts.family),
            format!("methods: [{}]", methods.join(", ")),
            format!("act: {}", scalar(facts.act.as_deref().unwrap_or(&format!("railgun_{}", facts.action)))),
            format!("summary: {}", scalar(if summary.is_empty() { &facts.action } else { &summary })),
        ];
        if !doc.is_empty() {
            lines.push(format!("doc: {}", scalar(&doc)));
        }
        lines.push(format!("docs: {page}/#{anchor}"));
        let credentials = check::credential_names(self.spec.api());
        let params: Vec<String> =
            facts.params.iter().map(|p| p.name.clone()).filter(|n| !credentials.contains(n.as_str())).collect();
        if params.is_empty() {
            lines.push("params: []".to_owned());
        } else {
            lines.push("params:".to_owned());
            for name in &params {
                lines.extend(self.new_param(name, facts).iter().map(|l| format!("  {l}")));
            }
        }
        let mut answer = facts
            .response
            .as_ref()
            .and_then(|v| v.get("response"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        answer.remove("act");
        // A type with exactly these fields, or a new one built from the example.
        let existing = self.spec.types.iter().find(|t| {
            let names: Vec<&str> = t.fields.iter().flatten().map(|f| f.name.as_str()).collect();
            !names.is_empty() && names.len() == answer.len() && names.iter().all(|n| answer.contains_key(*n))
        });
        let response = match existing {
            Some(t) => t.name.clone(),
            None => {
                let base = response_type_name(&facts.family, &facts.action);
                let doc = format!("The answer of `{}`, as the upstream example shows it {REVIEW}.", facts.action);
                struct_type(self, &base, &doc, &answer, new_types)
            }
        };
        lines.push(format!("response: {response}"));
        if self.spec.version >= 2 {
            // Only a person can tell whether repeating a new action is safe:
            // the same action of another family says, else assume it is not.
            let twin = self.spec.endpoints.iter().find(|e| e.action == facts.action).and_then(|e| e.idempotent);
            lines.push(match twin {
                Some(idempotent) => format!("idempotent: {idempotent}  # as in the other family"),
                None => format!("idempotent: false  # not known to be safe to repeat {REVIEW}"),
            });
        }
        // As a sequence item: `- ` before the first key, the rest aligned with it.
        lines.iter().enumerate().map(|(i, l)| format!("{}{l}", if i == 0 { "- " } else { "  " })).collect()
    }

    /// A parameter, with what the spec says elsewhere of one with this wire name.
    fn new_param(&self, name: &str, facts: &EndpointFacts) -> Vec<String> {
        let listed = facts.params.iter().find(|p| p.name == name);
        let optional = listed.is_some_and(|p| p.description.contains("(optional)"));
        let known = self.spec.endpoints.iter().flat_map(|e| &e.params).find(|p| p.name == name);
        let mut lines = vec![format!("- name: {name}")];
        if let Some(rust) = known.and_then(|p| p.rust.as_deref()) {
            lines.push(format!("  rust: {rust}"));
        }
        lines.push(format!("  type: {}", known.map_or("string", |p| p.ty.as_str())));
        if optional {
            lines.push("  optional: true".to_owned());
        }
        let doc = match (known, listed) {
            (Some(p), _) => p.doc.trim().to_owned(),
            (None, Some(p)) => sentence(p.description.replace("(optional)", "").trim()),
            (None, None) => format!("`{name}`, as the upstream examples send it."),
        };
        lines.push(format!("  doc: {}", scalar(&doc)));
        lines
    }

    /// A field for a documented value, and the struct types it needs.
    fn new_field(&self, name: &str, value: &Value) -> (Vec<String>, Vec<Vec<String>>) {
        let mut new_types = Vec::new();
        let (ty, optional) = infer(self, name, value, &mut new_types);
        let mut lines = vec![format!("- name: {name}"), format!("  type: {ty}")];
        if optional {
            lines.push("  optional: true".to_owned());
        }
        lines.push(format!("  doc: {}", scalar(&format!("`{name}`, as the upstream example shows it."))));
        (lines, new_types)
    }
}
