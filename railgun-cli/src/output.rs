//! How a single call's answer is printed: JSON, or a table for people.

use std::io::Write;

use serde_json::Value;

use crate::failure::Failure;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document.
    Json,
    /// A list of objects as rows and columns, after the rest of the answer
    /// (a count, a page's `info`) as `key  value` lines. Nested keys are
    /// joined with dots in both (`zone.name`).
    Table,
}

/// Prints `answer` on stdout.
pub fn print(answer: &Value, format: Format) -> Result<(), Failure> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(answer).map_err(|e| Failure::Io(e.to_string()))?,
        Format::Table => table(answer),
    };
    write_out(&format!("{text}\n"))
}

/// Writes `text` to stdout.
fn write_out(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write to stdout: {e}")))
}

/// A JSON array written item by item, as `serde_json::to_string_pretty`
/// writes a whole one: what is printed holds one item at a time.
pub struct JsonArray {
    items: usize,
}

impl JsonArray {
    /// An array nothing of which is written yet.
    pub fn new() -> JsonArray {
        JsonArray { items: 0 }
    }

    /// Writes the next item.
    pub fn push(&mut self, item: &Value) -> Result<(), Failure> {
        write_out(&self.piece(item)?)
    }

    /// Ends the array.
    pub fn finish(self) -> Result<(), Failure> {
        write_out(self.end())
    }

    /// What the next item is written as.
    fn piece(&mut self, item: &Value) -> Result<String, Failure> {
        let text = serde_json::to_string_pretty(item).map_err(|e| Failure::Io(e.to_string()))?;
        let indented: Vec<String> = text.lines().map(|line| format!("  {line}")).collect();
        let before = if self.items == 0 { "[\n" } else { ",\n" };
        self.items += 1;
        Ok(format!("{before}{}", indented.join("\n")))
    }

    /// What ends the array.
    fn end(&self) -> &'static str {
        if self.items == 0 { "[]\n" } else { "\n]\n" }
    }
}

/// The answer as text columns.
pub fn table(answer: &Value) -> String {
    if let Some((path, rows)) = find_rows(answer, String::new()) {
        // A nested object's members are columns of their own (`zone.name`);
        // a list would not fit in a cell and is left out.
        let cells: Vec<Vec<(String, String)>> = rows
            .iter()
            .map(|row| {
                let mut pairs = Vec::new();
                flatten(row, String::new(), &mut pairs, false);
                pairs
            })
            .collect();
        let mut columns: Vec<String> = Vec::new();
        for (key, _) in cells.iter().flatten() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
        let mut lines = vec![columns.clone()];
        for row in &cells {
            let value =
                |c: &String| row.iter().find(|(k, _)| k == c).map_or_else(|| "-".to_owned(), |(_, v)| v.clone());
            lines.push(columns.iter().map(value).collect());
        }
        let widths: Vec<usize> =
            (0..columns.len()).map(|i| lines.iter().map(|l| l[i].chars().count()).max().unwrap_or(0)).collect();
        // What is beside the rows, such as a page's place in the list.
        let mut rest = Vec::new();
        flatten_beside(answer, String::new(), &path, &mut rest);
        let mut out = key_values(&rest);
        if !out.is_empty() {
            out.push('\n');
        }
        if !path.is_empty() {
            out.push_str(&format!("{path}: {} row{}\n", rows.len(), if rows.len() == 1 { "" } else { "s" }));
        }
        for line in &lines {
            let cells: Vec<String> = line.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        return out.trim_end().to_owned();
    }
    let mut pairs = Vec::new();
    flatten(answer, String::new(), &mut pairs, true);
    key_values(&pairs)
}

/// `key  value` lines, the values aligned.
fn key_values(pairs: &[(String, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    pairs.iter().map(|(k, v)| format!("{k:<width$}  {v}")).collect::<Vec<_>>().join("\n")
}

/// The scalars and lists of `value` but the rows at `rows`.
fn flatten_beside(value: &Value, path: String, rows: &str, out: &mut Vec<(String, String)>) {
    match value {
        _ if path == rows => {}
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten_beside(v, join(&path, k), rows, out);
            }
        }
        other => out.push((path, cell(other))),
    }
}

/// The first list of objects in the answer, and its path.
fn find_rows(value: &Value, path: String) -> Option<(String, &Vec<Value>)> {
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) => Some((path, items)),
        Value::Object(map) => map.iter().find_map(|(k, v)| find_rows(v, join(&path, k))),
        _ => None,
    }
}

/// The scalars of `value` as `(dotted path, text)`; lists too, as JSON,
/// when `lists`.
fn flatten(value: &Value, path: String, out: &mut Vec<(String, String)>, lists: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten(v, join(&path, k), out, lists);
            }
        }
        Value::Array(_) if !lists => {}
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
    fn an_array_written_item_by_item_is_what_serde_json_writes_at_once() {
        for items in [vec![], vec![serde_json::json!({"id": 1, "zone": {"name": "a"}}), serde_json::json!({"id": 2})]] {
            let mut array = JsonArray::new();
            let mut streamed: String = items.iter().map(|item| array.piece(item).unwrap()).collect();
            streamed.push_str(array.end());
            let whole = serde_json::to_string_pretty(&Value::Array(items.clone())).unwrap();
            assert_eq!(streamed, format!("{whole}\n"));
        }
    }

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
            [
                "railguns.count  2",
                "railguns.objs: 2 rows",
                "railgun_id  railgun_name  railgun_pubname  props.build",
                "1           a             -                -",
                "22          bb            B                x",
            ]
            .join("\n")
        );
        // v4's connections name their zone in an object; lists stay out.
        let answer = serde_json::json!({"items": [
            {"id": "c1", "zone": {"id": "z1", "name": "example.com"}, "tags": ["a"]},
            {"id": "c2", "zone": {"id": "z2", "name": "example.org"}, "tags": []},
        ]});
        assert_eq!(
            table(&answer),
            "items: 2 rows\nid  zone.id  zone.name\nc1  z1       example.com\nc2  z2       example.org"
        );
        // A page says where it is in the list before its rows.
        let answer = serde_json::json!({
            "info": {"page": 2, "per_page": 5, "count": 1, "total_count": 6},
            "items": [{"id": "c6", "zone": null}],
            "messages": [],
        });
        assert_eq!(
            table(&answer),
            [
                "info.count        1",
                "info.page         2",
                "info.per_page     5",
                "info.total_count  6",
                "messages          []",
                "items: 1 row",
                "id  zone",
                "c6  -",
            ]
            .join("\n")
        );
        // The whole answer a list: nothing beside it.
        let answer = serde_json::json!([{"id": 1}]);
        assert_eq!(table(&answer), "id\n1");
    }
}
