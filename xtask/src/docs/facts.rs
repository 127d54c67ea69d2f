//! Sections of every page → one [`EndpointFacts`] per family and action.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::{Line, ListedParam, Section, markdown, mentioned_endpoints, text};

/// The page folders and the family each documents.
pub const FAMILIES: [(&str, &str); 2] = [("client-api", "client"), ("optimized-partner-api", "partner")];

/// What the docs say about one action of one family.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointFacts {
    /// `client` or `partner`.
    pub family: String,
    /// The action.
    pub action: String,
    /// The page, relative to the docs folder.
    pub file: String,
    /// What the page says the action does.
    pub description: String,
    /// Documented methods, with the line of their heading.
    pub methods: BTreeMap<String, usize>,
    /// The parameter list (of the first section; the others are compared with it).
    pub params: Vec<ListedParam>,
    /// Parameter names the example requests send.
    pub example_params: BTreeSet<String>,
    /// Parameter names of the GET query templates (`?email=&tkn=`).
    pub template_params: BTreeSet<String>,
    /// The example response, repaired if needed.
    pub response: Option<Value>,
    /// The `act` of the example response.
    pub act: Option<String>,
}

pub use crate::findings::Warning;

/// Everything the docs say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocFacts {
    /// By family, then action.
    pub endpoints: BTreeMap<(String, String), EndpointFacts>,
    /// Contradictions found on the way, in page order.
    pub warnings: Vec<Warning>,
    /// What the reader could not make sense of: an endpoint the page names
    /// but no section of which could be read, a section without a
    /// parameter list or an example. Each fails the check, since every
    /// fact missing from it would otherwise read as drift.
    pub unreadable: Vec<Warning>,
}

/// Reads every page under `dir` (`client-api/`, `optimized-partner-api/`).
/// Where a page exists as `.md` and `.txt`, the Markdown is read.
pub fn read_dir(dir: &Path) -> Result<DocFacts, String> {
    if !dir.is_dir() {
        return Err(format!("docs directory {} does not exist or is not a directory", dir.display()));
    }
    let mut facts = DocFacts::default();
    for (folder, family) in FAMILIES {
        let path = dir.join(folder);
        let entries = std::fs::read_dir(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut pages: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        pages.sort();
        for page in &pages {
            let name = page.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let is_md = name.ends_with(".md");
            let shadowed = name.ends_with(".txt") && page.with_extension("md").exists();
            if name.starts_with('_') || !(is_md || name.ends_with(".txt")) || shadowed {
                continue;
            }
            let text = std::fs::read_to_string(page).map_err(|e| format!("cannot read {}: {e}", page.display()))?;
            add_source(&mut facts, family, &format!("{folder}/{name}"), &text);
        }
    }
    Ok(facts)
}

/// Reads one page (Markdown, or plain text when `file` ends in `.txt`),
/// adds its sections, and records what it could not make sense of.
pub fn add_source(facts: &mut DocFacts, family: &str, file: &str, page: &str) {
    let sections = if file.ends_with(".txt") { text::sections(page) } else { markdown::sections(page) };
    add_page(facts, family, file, &sections);
    facts.unreadable.extend(unreadable(file, page, &sections));
}

/// What a page's sections leave out of what the page shows: every
/// endpoint the page names (`POST /api/v2/railgun/conn_set`, in a heading,
/// a path line or an example request) needs a section, and every section
/// a parameter list and both examples.
pub fn unreadable(file: &str, page: &str, sections: &[Section]) -> Vec<Warning> {
    let mut found = Vec::new();
    let mut report = |line: usize, message: String| found.push(Warning { file: file.to_owned(), line, message });
    for (method, action, line) in mentioned_endpoints(page) {
        if !sections.iter().any(|s| s.method == method && s.action == action) {
            report(line, format!("the page names {method} {action}, but no section documenting it could be read"));
        }
    }
    for section in sections {
        let what = format!("{} {}", section.method, section.action);
        if section.params.is_empty() {
            report(section.line, format!("{what}: no parameter list could be read"));
        }
        if section.request.is_empty() {
            report(section.line, format!("{what}: no example request could be read"));
        }
        if !section.response.iter().any(|l| l.text.trim_start().starts_with('{')) {
            let line = section.response.first().map_or(section.line, |l| l.number);
            report(line, format!("{what}: no example response (a JSON object) could be read"));
        }
    }
    found
}

/// Adds one page's sections.
pub fn add_page(facts: &mut DocFacts, family: &str, file: &str, sections: &[Section]) {
    let warn = |facts: &mut DocFacts, line: usize, message: String| {
        facts.warnings.push(Warning { file: file.to_owned(), line, message });
    };
    for section in sections {
        let key = (family.to_owned(), section.action.clone());
        let what = format!("{} {}", section.method, section.action);
        let (template, examples) = read_request(&section.request);
        let response = read_response(&section.response);
        if let Some((line, ref message)) = response.repaired {
            warn(facts, line, format!("{what}: example response is not valid JSON ({message}); read it repaired"));
        }
        if let Some((line, ref message)) = response.unreadable {
            let message = format!("{what}: the example response is not JSON, even without trailing commas: {message}");
            facts.unreadable.push(Warning { file: file.to_owned(), line, message });
        }
        compare_list_with_examples(facts, file, &what, section, &template, &examples);

        let existing = facts.endpoints.get(&key).cloned();
        let entry = facts.endpoints.entry(key).or_insert_with(|| EndpointFacts {
            family: family.to_owned(),
            action: section.action.clone(),
            file: file.to_owned(),
            description: section.description.clone(),
            methods: BTreeMap::new(),
            params: section.params.clone(),
            example_params: BTreeSet::new(),
            template_params: BTreeSet::new(),
            response: response.value.clone(),
            act: None,
        });
        if entry.methods.insert(section.method.clone(), section.line).is_some() {
            let message = format!("{what} is documented twice");
            warn(facts, section.line, message);
            continue;
        }
        let entry = facts.endpoints.get_mut(&(family.to_owned(), section.action.clone())).expect("just inserted");
        entry.example_params.extend(examples.iter().cloned());
        entry.template_params.extend(template.iter().cloned());
        if entry.response.is_none() {
            entry.response = response.value.clone();
        }
        let act = response.value.as_ref().and_then(|v| v.pointer("/response/act")).and_then(Value::as_str);
        if entry.act.is_none() {
            entry.act = act.map(str::to_owned);
        }
        // Sections of one action should agree with each other.
        if let Some(first) = existing {
            let names = |ps: &[ListedParam]| ps.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
            if names(&first.params) != names(&section.params) {
                let message = format!(
                    "{what}: parameter list ({}) differs from the {} section's ({})",
                    names(&section.params).join(", "),
                    first.methods.keys().next().map_or("other", String::as_str),
                    names(&first.params).join(", ")
                );
                warn(facts, section.line, message);
            }
            if first.response.is_some() && response.value.is_some() && first.response != response.value {
                warn(facts, section.line, format!("{what}: example response differs from the other method's"));
            }
        }
    }
}

/// Names in the GET template's query string, and names the example sends.
fn read_request(lines: &[Line]) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut template = BTreeSet::new();
    let mut examples = BTreeSet::new();
    for line in lines {
        let text = line.text.trim();
        if let Some(rest) = text.strip_prefix("GET ").or_else(|| text.strip_prefix("POST ")) {
            if let Some((_, query)) = rest.split_once('?') {
                let query = query.split_whitespace().next().unwrap_or_default();
                template.extend(query.split('&').filter_map(|pair| pair.split('=').next()).map(str::to_owned));
            }
        } else if let Some((name, _)) = text.split_once('=')
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            examples.insert(name.to_owned());
        }
    }
    template.retain(|n| !n.is_empty());
    (template, examples)
}

fn compare_list_with_examples(
    facts: &mut DocFacts,
    file: &str,
    what: &str,
    section: &Section,
    template: &BTreeSet<String>,
    examples: &BTreeSet<String>,
) {
    let listed: BTreeSet<&str> = section.params.iter().map(|p| p.name.as_str()).collect();
    let line = section.request.first().map_or(section.line, |l| l.number);
    let mut warn = |message: String| facts.warnings.push(Warning { file: file.to_owned(), line, message });
    for name in examples.iter().filter(|n| !listed.contains(n.as_str())) {
        warn(format!("{what}: the example sends `{name}`, which the parameter list does not name"));
    }
    for name in listed.iter().filter(|n| !examples.contains(**n)) {
        warn(format!("{what}: the parameter list names `{name}`, which the example does not send"));
    }
    for name in template.iter().filter(|n| !listed.contains(n.as_str())) {
        warn(format!("{what}: the query template names `{name}`, which the parameter list does not"));
    }
}

struct Response {
    value: Option<Value>,
    repaired: Option<(usize, String)>,
    unreadable: Option<(usize, String)>,
}

/// The JSON of a response block: the status and header lines the pages put
/// inside the block are skipped, and trailing commas are dropped (with a
/// warning) when the JSON does not parse as written.
fn read_response(lines: &[Line]) -> Response {
    let mut response = Response { value: None, repaired: None, unreadable: None };
    let Some(start) = lines.iter().position(|l| l.text.trim_start().starts_with('{')) else {
        return response;
    };
    let body: String = lines[start..].iter().map(|l| format!("{}\n", l.text)).collect();
    match serde_json::from_str(&body) {
        Ok(value) => response.value = Some(value),
        Err(first_error) => {
            let (repaired, comma_line) = drop_trailing_commas(&body);
            match serde_json::from_str(&repaired) {
                Ok(value) => {
                    let line = comma_line.map_or(lines[start].number, |l| lines[start + l].number);
                    response.value = Some(value);
                    response.repaired = Some((line, format!("{first_error} of the block")));
                }
                Err(e) => response.unreadable = Some((lines[start].number, e.to_string())),
            }
        }
    }
    response
}

/// `text` without commas that stand before `}` or `]` outside strings, and
/// the 0-based line of the first one dropped.
pub fn drop_trailing_commas(text: &str) -> (String, Option<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut first = None;
    let mut line = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' && matches!(chars[i + 1..].iter().find(|c| !c.is_whitespace()), Some('}' | ']')) {
            first.get_or_insert(line);
            continue;
        }
        out.push(c);
    }
    (out, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trailing_commas_outside_strings_are_dropped() {
        let (text, line) = drop_trailing_commas("{\"a\": \"x,}\",\n \"b\": [1, 2,],\n \"c\": \"say \\\"hi,\\\" ]\",}");
        assert_eq!(text, "{\"a\": \"x,}\",\n \"b\": [1, 2],\n \"c\": \"say \\\"hi,\\\" ]\"}");
        assert_eq!(line, Some(1));
        assert_eq!(drop_trailing_commas("[1, 2]"), ("[1, 2]".to_owned(), None));
    }
}
