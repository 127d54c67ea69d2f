//! New spec text from what a source shows: the spec type of an example
//! value (struct types made for its objects), and the names and docs a
//! new item gets.

use serde_json::{Map, Value};

use crate::settle::REVIEW;
use crate::yaml_edit::{Editor, scalar};

/// The documented value at a field path (`railguns.objs[].props.build`).
pub(crate) fn lookup<'v>(mut value: Option<&'v Value>, path: &str) -> Option<&'v Value> {
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
pub(crate) fn infer(spec: &Editor<'_>, name: &str, value: &Value, new_types: &mut Vec<Vec<String>>) -> (String, bool) {
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
            if spec.names_a_secret(name) {
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
        Value::Object(object) => struct_type(spec, &camel(name), &field_doc(name), object, new_types),
        Value::Array(items) => match items.first() {
            Some(Value::Object(object)) => {
                format!("list<{}>", struct_type(spec, &camel(name), &field_doc(name), object, new_types))
            }
            _ => "string".to_owned(),
        },
    };
    (ty, false)
}

pub(crate) fn struct_type(
    spec: &Editor<'_>,
    base: &str,
    doc: &str,
    object: &Map<String, Value>,
    new_types: &mut Vec<Vec<String>>,
) -> String {
    let mut type_name = spec.free_type_name(base);
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
        let (ty, optional) = infer(spec, key, value, new_types);
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
pub(crate) fn response_type_name(family: &str, action: &str) -> String {
    format!("{}{}Response", camel(family), camel(action))
}

pub(crate) fn field_doc(name: &str) -> String {
    format!("`{name}`, as the upstream example shows it {REVIEW}.")
}

pub(crate) fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_ascii_uppercase().to_string() + c.as_str())
        })
        .collect()
}

pub(crate) fn sentence(text: &str) -> String {
    let mut s = text.trim().to_owned();
    if !s.is_empty() && !s.ends_with('.') {
        s.push('.');
    }
    s
}
