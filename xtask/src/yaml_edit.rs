//! Line-level edits of a spec's YAML, located by the spec's location
//! index, so comments, order and everything not edited stay as they are;
//! and the edits of the spec's structure made from them (an item added or
//! removed, a value set, a deviation recorded, a type copied).

use railgun_spec::{Locations, ValidSpec, ir};

/// A spec as text, parsed, and its location index: what every edit reads.
pub struct Editor<'a> {
    pub(crate) text: &'a str,
    pub(crate) spec: &'a ValidSpec,
    pub(crate) locs: Locations,
}

impl Editor<'_> {
    /// Whether `name` is a secret where the spec already says so: a
    /// credential, or a parameter or answer field typed `secret` (an
    /// example's `rtkn` is one, its `railgun_name` is not), so a value an
    /// example shows under that name is typed `secret` too.
    pub(crate) fn names_a_secret(&self, name: &str) -> bool {
        let api = self.spec.api();
        let credentials = api.families.iter().flat_map(|f| &f.auth).flat_map(|s| &s.credentials);
        let params = api.endpoints.iter().flat_map(|e| &e.params);
        let fields = api.types.iter().filter_map(|t| match &t.kind {
            ir::TypeKind::Struct(fields) => Some(fields),
            ir::TypeKind::Enum(_) | ir::TypeKind::IpRange(_) => None,
        });
        credentials.map(|c| c.wire.as_str()).any(|wire| wire == name)
            || params.filter(|p| p.ty == ir::ParamType::One(ir::ParamScalar::Secret)).any(|p| p.wire == name)
            || fields.flatten().filter(|f| f.ty == ir::FieldType::Scalar(ir::Scalar::Secret)).any(|f| f.wire == name)
    }

    /// The struct type that holds the answer field at `path` of endpoint
    /// `i` (followed through the resolved model): its index, its name, and
    /// the field's name.
    pub(crate) fn field_holder<'p>(&self, i: usize, path: &'p str) -> Result<(usize, String, &'p str), String> {
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
    pub(crate) fn with_types(&self, text: String, new_types: &[Vec<String>]) -> String {
        new_types.iter().fold(text, |text, ty| {
            Editor { text: &text, spec: self.spec, locs: Locations::index(&text) }.insert_item("types", ty)
        })
    }

    // ----------------------------------------------------------- generation

    /// Where parameter `name` stands in endpoint `i`.
    pub(crate) fn param_index(&self, i: usize, name: &str) -> Result<usize, String> {
        let params = &self.spec.endpoints[i].params;
        params.iter().position(|p| p.name == name).ok_or_else(|| format!("endpoint {i} has no parameter {name}"))
    }

    pub(crate) fn free_type_name(&self, base: &str) -> String {
        let taken = |n: &str| self.spec.type_def(n).is_some() || self.spec.families.iter().any(|f| f.client == n);
        (1..)
            .map(|i| if i == 1 { base.to_owned() } else { format!("{base}{i}") })
            .find(|n| !taken(n))
            .expect("a free name")
    }

    pub(crate) fn copy_type(&self, from: &str, to: &str) -> Result<String, String> {
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

    pub(crate) fn lines(&self) -> Vec<String> {
        self.text.lines().map(str::to_owned).collect()
    }

    pub(crate) fn join(lines: Vec<String>) -> String {
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }

    /// Column (0-based) of the `-` of a sequence item.
    pub(crate) fn dash_column(&self, item: &str) -> usize {
        let loc = self.locs.get(item).expect("item exists");
        let line = &self.text.lines().nth(loc.line - 1).unwrap_or_default();
        line.find('-').filter(|&c| c < loc.column).unwrap_or(loc.column.saturating_sub(3))
    }

    /// First and last line (0-based) of a sequence item, with the comments
    /// just above it, without the comments or blank lines after it.
    pub(crate) fn item_span(&self, item: &str) -> (usize, usize) {
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

    pub(crate) fn remove_item(&self, item: &str) -> String {
        let (first, last) = self.item_span(item);
        let mut lines = self.lines();
        let blank_after = lines.get(last + 1).is_some_and(|l| l.trim().is_empty());
        let blank_before = first > 0 && lines[first - 1].trim().is_empty();
        let end = if blank_after && blank_before { last + 1 } else { last };
        lines.drain(first..=end);
        Self::join(lines)
    }

    /// Appends `block` (lines relative to the item's `-`) to a sequence.
    pub(crate) fn insert_item(&self, seq: &str, block: &[String]) -> String {
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
    pub(crate) fn set_value(&self, path: &str, value: &str) -> Result<String, String> {
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
    pub(crate) fn remove_key(&self, path: &str) -> Result<String, String> {
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
    pub(crate) fn set_optional(&self, item: &str, optional: bool) -> Result<String, String> {
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
    pub(crate) fn set_limits(&self, item: &str, keys: &[(&str, Option<u64>)]) -> Result<String, String> {
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
    pub(crate) fn add_deviation(&self, i: usize, item: &str, reason: &str) -> Result<String, String> {
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

/// A YAML scalar: plain when that reads back the same, quoted otherwise.
pub(crate) fn scalar(value: &str) -> String {
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
