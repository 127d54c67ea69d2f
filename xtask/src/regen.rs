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

use std::collections::HashSet;

use railgun_spec::{Locations, ValidSpec, ir};
use serde_json::{Map, Value};

use crate::check::{self, Finding, Kind};
use crate::docs::facts::{DocFacts, EndpointFacts};
use crate::openapi::{self, OperationFacts, ParamFacts};

/// What a regen did.
#[derive(Debug)]
pub struct Outcome {
    /// The new spec text.
    pub text: String,
    /// One line per change.
    pub changes: Vec<String>,
    /// Findings regen could not fix.
    pub remaining: Vec<Finding>,
    /// Endpoints the docs do not have that regen kept because the spec
    /// marks them `undocumented` (family, action, reason).
    pub kept: Vec<(String, String, String)>,
}

impl Outcome {
    /// What `cargo xtask regen` prints: the changes, the endpoints kept, the
    /// findings left, then a summary line.
    pub fn render(&self, spec: &str, dry_run: bool) -> String {
        let mut out = String::new();
        for change in &self.changes {
            out.push_str(&format!("changed: {change}\n"));
        }
        for (family, action, reason) in &self.kept {
            out.push_str(&format!("kept: {family} {action}: not in the docs, marked undocumented: {reason}\n"));
        }
        for finding in &self.remaining {
            out.push_str(&format!("{finding}\n"));
        }
        let verb = if dry_run { "would make" } else { "made" };
        out.push_str(&format!(
            "regen: {verb} {} change(s) to {spec}{}, kept {} undocumented endpoint(s), {} finding(s) left\n",
            self.changes.len(),
            if dry_run { " (dry run: nothing written)" } else { "" },
            self.kept.len(),
            self.remaining.len()
        ));
        out
    }
}

/// `old` → `new` as a unified diff of `file`; empty when they are equal.
pub fn diff(old: &str, new: &str, file: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

/// Marks reasons regen wrote, for a reviewer to replace.
const REVIEW: &str = "(recorded by cargo xtask regen; review)";

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

/// Rewrites the v4 spec `source` until it agrees with the OpenAPI
/// `description`.
pub fn regen_v4(source: &str, file: &str, description: &Value) -> Result<Outcome, String> {
    settle(source, file, |spec| openapi::check(spec, description), |edit, finding| edit.fix_v4(finding, description))
}

/// Checks, fixes the first finding `fix` can, and repeats until the check
/// passes or no finding left can be fixed.
fn settle(
    source: &str,
    file: &str,
    check: impl Fn(&ValidSpec) -> check::Report,
    fix: impl Fn(&Editor<'_>, &Finding) -> Result<Fix, String>,
) -> Result<Outcome, String> {
    let mut text = source.to_owned();
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    loop {
        let spec = railgun_spec::parse(&text, file).map_err(|e| format!("the spec does not validate:\n{e}"))?;
        let report = check(&spec);
        if report.findings.is_empty() {
            return Ok(Outcome { text, changes, remaining: Vec::new(), kept: report.undocumented });
        }
        if !seen.insert(text.clone()) || changes.len() > 1000 {
            return Err(format!("regen does not settle; last finding: {}", report.findings[0]));
        }
        let edit = Editor { text: &text, spec: &spec, locs: Locations::index(&text) };
        let mut fixed = None;
        for finding in &report.findings {
            if let Some((new_text, change)) = fix(&edit, finding)? {
                fixed = Some((new_text, format!("{} {}: {change}", finding.family, finding.action)));
                break;
            }
        }
        match fixed {
            Some((new_text, change)) => {
                changes.push(change);
                text = new_text;
            }
            None => return Ok(Outcome { text, changes, remaining: report.findings, kept: report.undocumented }),
        }
    }
}

struct Editor<'a> {
    text: &'a str,
    spec: &'a ValidSpec,
    locs: Locations,
}

type Fix = Option<(String, String)>;

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
                        let (ty, _) = infer(name, value, &mut new_types, &|n| self.free_type_name(n));
                        let text = self.set_value(&format!("{field}.type"), &ty)?;
                        let text = self.with_types(text, &new_types);
                        (text, format!("{path} is now {ty} in {type_name}"))
                    }
                }
            }
        }))
    }

    /// The struct type that holds the answer field at `path` of endpoint
    /// `i` (followed through the resolved model): its index, its name, and
    /// the field's name.
    fn field_holder<'p>(&self, i: usize, path: &'p str) -> Result<(usize, String, &'p str), String> {
        let api = self.spec.api();
        let resolved = api.endpoints.iter().find(|e| e.index == i).ok_or("unknown endpoint")?;
        let mut segments: Vec<&str> = path.split('.').collect();
        let name = segments.pop().ok_or("a field path has a name")?.trim_end_matches("[]");
        let (ir::Response::Struct(answer) | ir::Response::List(answer)) = &resolved.response;
        let mut holder = answer.id;
        // The first segment is the answer itself (`result`, `result[]`) in
        // v4 paths, a member of `response` in v2 ones.
        let skip = usize::from(segments.first().is_some_and(|s| s.trim_end_matches("[]") == "result"));
        for segment in &segments[skip.min(segments.len())..] {
            let field_name = segment.trim_end_matches("[]");
            let ir::TypeKind::Struct(fields) = &api.type_def(holder).kind else {
                return Err(format!("{path}: the path goes through a type that is not a struct"));
            };
            let field = fields.iter().find(|f| f.wire == field_name).ok_or("unknown field on the path")?;
            holder = match &field.ty {
                ir::FieldType::Struct(named) | ir::FieldType::List(named) => named.id,
                ir::FieldType::Scalar(_) | ir::FieldType::Enum(_) | ir::FieldType::Strings => {
                    return Err(format!("{path}: the path goes through a field that holds no object"));
                }
            };
        }
        Ok((holder.index(), api.type_def(holder).name.clone(), name))
    }

    /// `text` with the struct types `new_types` appended to `types`.
    fn with_types(&self, text: String, new_types: &[Vec<String>]) -> String {
        new_types.iter().fold(text, |text, ty| {
            Editor { text: &text, spec: self.spec, locs: Locations::index(&text) }.insert_item("types", ty)
        })
    }

    // ----------------------------------------------------------- generation

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
                struct_type(&base, &doc, &answer, new_types, &|n| self.free_type_name(n))
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
        let (ty, optional) = infer(name, value, &mut new_types, &|n| self.free_type_name(n));
        let mut lines = vec![format!("- name: {name}"), format!("  type: {ty}")];
        if optional {
            lines.push("  optional: true".to_owned());
        }
        lines.push(format!("  doc: {}", scalar(&format!("`{name}`, as the upstream example shows it."))));
        (lines, new_types)
    }

    /// Where parameter `name` stands in endpoint `i`.
    fn param_index(&self, i: usize, name: &str) -> Result<usize, String> {
        let params = &self.spec.endpoints[i].params;
        params.iter().position(|p| p.name == name).ok_or_else(|| format!("endpoint {i} has no parameter {name}"))
    }

    fn free_type_name(&self, base: &str) -> String {
        let taken = |n: &str| self.spec.type_def(n).is_some() || self.spec.families.iter().any(|f| f.client == n);
        (1..)
            .map(|i| if i == 1 { base.to_owned() } else { format!("{base}{i}") })
            .find(|n| !taken(n))
            .expect("a free name")
    }

    fn copy_type(&self, from: &str, to: &str) -> Result<String, String> {
        let t = self.spec.types.iter().position(|d| d.name == from).ok_or("unknown type")?;
        let (start, end) = self.item_span(&format!("types[{t}]"));
        let lines: Vec<&str> = self.text.lines().collect();
        let indent = self.dash_column(&format!("types[{t}]"));
        // Verbatim but for its name (and the comments above it).
        let block: Vec<String> = lines[start..=end]
            .iter()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| l.get(indent..).unwrap_or("").to_owned())
            .map(|l| if l.starts_with("- name: ") { format!("- name: {to}") } else { l })
            .collect();
        Ok(self.insert_item("types", &block))
    }

    // -------------------------------------------------------------- editing

    fn lines(&self) -> Vec<String> {
        self.text.lines().map(str::to_owned).collect()
    }

    fn join(lines: Vec<String>) -> String {
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }

    /// Column (0-based) of the `-` of a sequence item.
    fn dash_column(&self, item: &str) -> usize {
        let loc = self.locs.get(item).expect("item exists");
        let line = &self.text.lines().nth(loc.line - 1).unwrap_or_default();
        line.find('-').filter(|&c| c < loc.column).unwrap_or(loc.column.saturating_sub(3))
    }

    /// First and last line (0-based) of a sequence item, with the comments
    /// just above it, without the comments or blank lines after it.
    fn item_span(&self, item: &str) -> (usize, usize) {
        let lines: Vec<&str> = self.text.lines().collect();
        let start = self.locs.get(item).expect("item exists").line - 1;
        let dash = self.dash_column(item);
        let indent = |l: &str| l.len() - l.trim_start().len();
        let mut first = start;
        while first > 0 && lines[first - 1].trim_start().starts_with('#') && indent(lines[first - 1]) >= dash {
            first -= 1;
        }
        let mut last = start;
        for (i, line) in lines.iter().enumerate().skip(start + 1) {
            let t = line.trim_start();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if indent(line) <= dash {
                break;
            }
            last = i;
        }
        (first, last)
    }

    fn remove_item(&self, item: &str) -> String {
        let (first, last) = self.item_span(item);
        let mut lines = self.lines();
        let blank_after = lines.get(last + 1).is_some_and(|l| l.trim().is_empty());
        let blank_before = first > 0 && lines[first - 1].trim().is_empty();
        let end = if blank_after && blank_before { last + 1 } else { last };
        lines.drain(first..=end);
        Self::join(lines)
    }

    /// Appends `block` (lines relative to the item's `-`) to a sequence.
    fn insert_item(&self, seq: &str, block: &[String]) -> String {
        let mut lines = self.lines();
        let count = (0..).take_while(|i| self.locs.get(&format!("{seq}[{i}]")).is_some()).count();
        let (at, dash, separate) = if count > 0 {
            let last = format!("{seq}[{}]", count - 1);
            let (_, end) = self.item_span(&last);
            // Top-level items (types, endpoints) are separated by a blank line.
            (end + 1, self.dash_column(&last), !seq.contains('.'))
        } else {
            // An empty `key: []`: the key's line becomes `key:`.
            let loc = self.locs.get(seq).expect("sequence exists");
            let line = &mut lines[loc.line - 1];
            let key_column = line.len() - line.trim_start().len();
            if let Some(i) = line.find("[]") {
                line.replace_range(i - 1.., "");
            }
            (loc.line, key_column + 2, false)
        };
        let mut new: Vec<String> = Vec::new();
        if separate {
            new.push(String::new());
        }
        new.extend(block.iter().map(|l| if l.is_empty() { String::new() } else { format!("{}{l}", " ".repeat(dash)) }));
        lines.splice(at..at, new);
        Self::join(lines)
    }

    /// Replaces a scalar (or one-line flow) value, keeping a trailing comment.
    fn set_value(&self, path: &str, value: &str) -> Result<String, String> {
        let loc = self.locs.get(path).ok_or_else(|| format!("no {path} in the spec"))?;
        let mut lines = self.lines();
        let line = &mut lines[loc.line - 1];
        let start = loc.column - 1;
        let end = line[start..].find(" #").map_or(line.len(), |i| start + i);
        line.replace_range(start..end, &scalar(value));
        Ok(Self::join(lines))
    }

    /// Removes a `key: value` of a mapping, with the lines of a value that
    /// runs on below it.
    fn remove_key(&self, path: &str) -> Result<String, String> {
        let at = self.locs.get(path).ok_or_else(|| format!("no {path} in the spec"))?;
        let mut lines = self.lines();
        // The location may be the value's (a block scalar starts below its key).
        let key = format!("{}:", path.rsplit('.').next().unwrap_or(path));
        let first = (0..at.line).rev().find(|&i| lines[i].trim_start().starts_with(&key)).ok_or("no key line")?;
        let indent = |l: &str| l.len() - l.trim_start().len();
        let key_indent = indent(&lines[first]);
        let more = lines[first + 1..]
            .iter()
            .take_while(|l| !l.trim().is_empty() && indent(l) > key_indent && !l.trim_start().starts_with('#'))
            .count();
        lines.drain(first..=first + more);
        Ok(Self::join(lines))
    }

    /// Adds or removes `optional: true` in a parameter or field mapping.
    fn set_optional(&self, item: &str, optional: bool) -> Result<String, String> {
        let mut lines = self.lines();
        if optional {
            let ty = self.locs.get(&format!("{item}.type")).ok_or("no type")?;
            let indent = lines[ty.line - 1].len() - lines[ty.line - 1].trim_start().len();
            lines.insert(ty.line, format!("{}optional: true", " ".repeat(indent)));
        } else {
            let at = self.locs.get(&format!("{item}.optional")).ok_or("no optional")?;
            lines.remove(at.line - 1);
        }
        Ok(Self::join(lines))
    }

    /// Replaces the `keys` of a parameter mapping (`minimum`, `maximum`;
    /// `max_length`): the old lines go, the new ones follow its `optional`
    /// (else its `type`).
    fn set_limits(&self, item: &str, keys: &[(&str, Option<u64>)]) -> Result<String, String> {
        let mut lines = self.lines();
        let mut old: Vec<usize> =
            keys.iter().filter_map(|(key, _)| self.locs.get(&format!("{item}.{key}"))).map(|l| l.line).collect();
        old.sort_unstable();
        let after = self.locs.get(&format!("{item}.optional")).or_else(|| self.locs.get(&format!("{item}.type")));
        let after = after.ok_or("no type")?.line;
        let indent = lines[after - 1].len() - lines[after - 1].trim_start().len();
        let new: Vec<String> = keys
            .iter()
            .filter_map(|(key, value)| Some(format!("{}{key}: {}", " ".repeat(indent), (*value)?)))
            .collect();
        // From the bottom up, so the lines above keep their numbers.
        let at = after - old.iter().filter(|&&line| line < after).count();
        for line in old.iter().rev() {
            lines.remove(line - 1);
        }
        lines.splice(at..at, new);
        Ok(Self::join(lines))
    }

    /// Adds a deviation to endpoint `i`, creating `deviations:` if needed.
    fn add_deviation(&self, i: usize, item: &str, reason: &str) -> Result<String, String> {
        let block = vec![format!("- item: {}", scalar(item)), format!("  reason: {}", scalar(reason))];
        let seq = format!("endpoints[{i}].deviations");
        if self.locs.get(&seq).is_some() {
            return Ok(self.insert_item(&seq, &block));
        }
        let (_, end) = self.item_span(&format!("endpoints[{i}]"));
        let key_column = self.dash_column(&format!("endpoints[{i}]")) + 2;
        let pad = " ".repeat(key_column);
        let mut lines = self.lines();
        let new = std::iter::once(format!("{pad}deviations:")).chain(block.iter().map(|l| format!("{pad}  {l}")));
        lines.splice(end + 1..end + 1, new);
        Ok(Self::join(lines))
    }
}

impl Editor<'_> {
    /// One fix of a `check-v4` finding, from the OpenAPI description.
    fn fix_v4(&self, finding: &Finding, description: &Value) -> Result<Fix, String> {
        let index = self.spec.endpoints.iter().position(|e| e.family == finding.family && e.action == finding.action);
        let ep = |i: usize| format!("endpoints[{i}]");
        let facts = index.and_then(|i| openapi::operation(description, &self.spec.endpoints[i].docs));
        Ok(match (&finding.kind, index, facts) {
            (Kind::ActionMissing, _, _) => {
                let Some(facts) = openapi::operation(description, &finding.action) else { return Ok(None) };
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
                Some((text, format!("parameter {name} takes {}", openapi::describe_bounds(param.bounds))))
            }
            (Kind::ParamLength(name), Some(i), Some(facts)) => {
                let Some(param) = facts.params.iter().find(|p| &p.name == name) else { return Ok(None) };
                let at = format!("{}.params[{}]", ep(i), self.param_index(i, name)?);
                let text = self.set_limits(&at, &[("max_length", param.max_length.map(|n| n as u64))])?;
                Some((text, format!("parameter {name} takes {}", openapi::describe_length(param.max_length))))
            }
            (Kind::FieldMissing(path), Some(i), _) => {
                let Some(ty) = openapi::answer_field_type(description, &self.spec.endpoints[i].docs, path) else {
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
                let Some(ty) = openapi::answer_field_type(description, &self.spec.endpoints[i].docs, path) else {
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
        let openapi::ResultFacts { list, members } = facts.result.as_ref()?;
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

/// The documented value at a field path (`railguns.objs[].props.build`).
fn lookup<'v>(mut value: Option<&'v Value>, path: &str) -> Option<&'v Value> {
    for segment in path.split('.') {
        let (name, list) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        value = value?.get(name);
        if list {
            value = value?.as_array()?.first();
        }
    }
    value
}

/// The spec type of a documented value, and whether it may be null; new
/// struct types are appended to `new_types`.
fn infer(name: &str, value: &Value, new_types: &mut Vec<Vec<String>>, free: &dyn Fn(&str) -> String) -> (String, bool) {
    let ty = match value {
        Value::Null => return ("string".to_owned(), true),
        Value::Bool(_) => "flag".to_owned(),
        Value::Number(_) => "integer".to_owned(),
        Value::String(s) => {
            let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let stamp = s.len() >= 19
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[7] == b'-'
                && matches!(s.as_bytes()[10], b' ' | b'T');
            if ["rtkn", "tkn", "host_key", "api_key"].iter().any(|k| name.ends_with(k)) {
                "secret"
            } else if name.ends_with("_id") && digits {
                "id"
            } else if stamp {
                "timestamp"
            } else if s == "t" || s == "f" {
                "flag"
            } else {
                "string"
            }
            .to_owned()
        }
        Value::Object(object) => struct_type(&camel(name), &field_doc(name), object, new_types, free),
        Value::Array(items) => match items.first() {
            Some(Value::Object(object)) => {
                format!("list<{}>", struct_type(&camel(name), &field_doc(name), object, new_types, free))
            }
            _ => "string".to_owned(),
        },
    };
    (ty, false)
}

fn struct_type(
    base: &str,
    doc: &str,
    object: &Map<String, Value>,
    new_types: &mut Vec<Vec<String>>,
    free: &dyn Fn(&str) -> String,
) -> String {
    let mut type_name = free(base);
    // Names taken by types made in this same round.
    while new_types.iter().any(|t| t.first().is_some_and(|l| *l == format!("- name: {type_name}"))) {
        type_name.push('X');
    }
    let index = new_types.len();
    new_types.push(Vec::new());
    let mut lines = vec![
        format!("- name: {type_name}"),
        "  kind: struct".to_owned(),
        format!("  doc: {}", scalar(doc)),
        "  fields:".to_owned(),
    ];
    for (key, value) in object {
        let (ty, optional) = infer(key, value, new_types, free);
        lines.push(format!("    - name: {key}"));
        lines.push(format!("      type: {ty}"));
        if optional {
            lines.push("      optional: true".to_owned());
        }
        lines.push(format!("      doc: {}", scalar(&format!("`{key}`, as the upstream example shows it."))));
    }
    new_types[index] = lines;
    type_name
}

/// `PartnerConnSetResponse` for the answer of partner `conn_set`.
fn response_type_name(family: &str, action: &str) -> String {
    format!("{}{}Response", camel(family), camel(action))
}

fn field_doc(name: &str) -> String {
    format!("`{name}`, as the upstream example shows it {REVIEW}.")
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_ascii_uppercase().to_string() + c.as_str())
        })
        .collect()
}

fn sentence(text: &str) -> String {
    let mut s = text.trim().to_owned();
    if !s.is_empty() && !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// A YAML scalar: plain when that reads back the same, quoted otherwise.
fn scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with(['[', '{', '"', '\'', '`', '*', '&', '!', '|', '>', '%', '@', '-', '?', ' ', '#'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !matches!(value, "true" | "false" | "null" | "yes" | "no" | "~")
        && value.parse::<f64>().is_err();
    if plain || value.starts_with('[') && value.ends_with(']') && !value.contains('"') {
        value.to_owned()
    } else {
        serde_yaml::to_string(value).map(|s| s.trim_end().to_owned()).unwrap_or_else(|_| format!("{value:?}"))
    }
}
