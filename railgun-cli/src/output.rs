//! How a single call's answer is printed: JSON, or a table for people.

use std::io::Write;

use serde_json::Value;

use crate::Failure;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document.
    Json,
    /// A list of objects as rows and columns; anything else as `key  value`
    /// lines, nested keys joined with dots.
    Table,
}

/// Prints `answer` on stdout.
pub fn print(answer: &Value, format: Format) -> Result<(), Failure> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(answer).map_err(|e| Failure::Io(e.to_string()))?,
        Format::Table => table(answer),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).map_err(|e| Failure::Io(format!("cannot write to stdout: {e}")))
}

/// The answer as text columns.
pub fn table(answer: &Value) -> String {
    if let Some((path, rows)) = find_rows(answer, String::new()) {
        // Scalar columns only: a nested object would not fit in a cell.
        let columns: Vec<String> = match rows.first() {
            Some(Value::Object(first)) => first
                .keys()
                .filter(|k| rows.iter().all(|r| !matches!(r.get(*k), Some(Value::Object(_) | Value::Array(_)))))
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let mut lines = vec![columns.clone()];
        for row in rows {
            lines.push(columns.iter().map(|c| cell(row.get(c).unwrap_or(&Value::Null))).collect());
        }
        let widths: Vec<usize> =
            (0..columns.len()).map(|i| lines.iter().map(|l| l[i].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        if !path.is_empty() {
            out.push_str(&format!("{path}: {} rows\n", rows.len()));
        }
        for line in &lines {
            let cells: Vec<String> = line.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        return out.trim_end().to_owned();
    }
    let mut pairs = Vec::new();
    flatten(answer, String::new(), &mut pairs);
    let width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    pairs.iter().map(|(k, v)| format!("{k:<width$}  {v}")).collect::<Vec<_>>().join("\n")
}

/// The first list of objects in the answer, and its path.
fn find_rows(value: &Value, path: String) -> Option<(String, &Vec<Value>)> {
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) => Some((path, items)),
        Value::Object(map) => map.iter().find_map(|(k, v)| find_rows(v, join(&path, k))),
        _ => None,
    }
}

fn flatten(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten(v, join(&path, k), out);
            }
        }
        other => out.push((path, cell(other))),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => value.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_print_as_key_value_lines_and_lists_as_rows() {
        let answer = serde_json::json!({"railgun_conn": {"obj": {"railgun_id": 3, "railgun_enabled": true}}});
        assert_eq!(table(&answer), "railgun_conn.obj.railgun_enabled  true\nrailgun_conn.obj.railgun_id       3");
        let answer = serde_json::json!({"railguns": {"count": 2, "objs": [
            {"railgun_id": 1, "railgun_name": "a", "railgun_pubname": null},
            {"railgun_id": 22, "railgun_name": "bb", "railgun_pubname": "B", "props": {"build": "x"}},
        ]}});
        assert_eq!(
            table(&answer),
            "railguns.objs: 2 rows\nrailgun_id  railgun_name  railgun_pubname\n1           a             -\n22          bb            B"
        );
    }
}
