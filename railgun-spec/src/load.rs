//! Reading a spec: YAML text → [`Spec`] → [`Api`], with every error located.

use crate::diag::{SpecError, SpecErrors};
use crate::ir::Api;
use crate::locate::{Location, Locations};
use crate::model::Spec;
use crate::resolve;

/// Parses and resolves a spec. `file` names it in error messages.
///
/// Syntax and shape errors (bad YAML, an unknown key, a missing field) stop
/// at the first one, as the YAML cannot be read further; semantic errors are
/// all collected and reported together.
pub fn parse(source: &str, file: &str) -> Result<(Spec, Api), SpecErrors> {
    let deserializer = serde_yaml::Deserializer::from_str(source);
    let spec: Spec = serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let location = inner.location().map(|l| Location { line: l.line(), column: l.column() });
        let path = if path == "." { String::new() } else { path };
        let mut message = crate::suggest::serde_message(&strip_context(&inner.to_string(), &path));
        if let Some(location) = location {
            message.push_str(&indentation_hint(source, &message, location));
        }
        SpecErrors(vec![SpecError { file: file.to_owned(), message, path, location }])
    })?;
    let problems = match resolve::resolve(&spec) {
        Ok(api) => return Ok((spec, api)),
        Err(problems) => problems,
    };
    let locations = Locations::index(source);
    Err(SpecErrors(
        problems
            .into_iter()
            .map(|(path, message)| SpecError { file: file.to_owned(), location: locations.find(&path), path, message })
            .collect(),
    ))
}

/// What a mis-indented key looks like to serde, said plainly: a key
/// indented less than the mapping it belongs to reads as a key of an
/// enclosing one (serde: `missing field`), a key indented more than the
/// key above it reads as part of that key's value (serde: an odd value).
fn indentation_hint(source: &str, message: &str, at: Location) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    if let Some(field) = message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(f, _)| f) {
        // The mapping's keys stand at the error's column; look below it,
        // up to the next item of the enclosing list, for the key at
        // another indentation.
        let column = at.column - 1;
        for (n, line) in lines.iter().enumerate().skip(at.line) {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            if key_of(line) == Some(field) && indent(line) != column {
                return format!(
                    "; the `{field}:` at line {} is indented to column {}, as a key of an enclosing mapping: \
                     indent it to column {} to make it this one's",
                    n + 1,
                    indent(line) + 1,
                    column + 1
                );
            }
            if indent(line) + 2 <= column && line.trim_start().starts_with("- ") {
                break;
            }
        }
        return String::new();
    }
    // A key indented deeper than the one on the line the error is about.
    let Some(line) = lines.get(at.line - 1) else { return String::new() };
    let Some(above) = key_of(line) else { return String::new() };
    let below =
        lines.iter().enumerate().skip(at.line).take_while(|(_, l)| indent(l) > indent(line)).find_map(|(n, l)| {
            let key = key_of(l)?;
            Some((n, key))
        });
    match below {
        Some((n, key)) => format!(
            "; the `{key}:` at line {} is indented deeper than `{above}:` above it, so it reads as part of \
             `{above}`'s value: indent it to column {}",
            n + 1,
            key_column(line) + 1
        ),
        None => String::new(),
    }
}

/// The key a line of a block mapping starts with (after a list's `- `).
fn key_of(line: &str) -> Option<&str> {
    let trimmed = line.trim_start().trim_start_matches("- ");
    let (key, _) = trimmed.split_once(':')?;
    let valid = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then_some(key)
}

/// Where a line's key starts, from 0 (after a list's `- `).
fn key_column(line: &str) -> usize {
    line.len() - line.trim_start().trim_start_matches("- ").len()
}

/// serde_yaml appends " at line L column C" and may prefix the path; both are
/// printed by [`SpecError`] itself.
fn strip_context(message: &str, path: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) if is_line_column(&message[i + " at line ".len()..]) => &message[..i],
        _ => message,
    };
    // serde_yaml's own path may stop short of ours (the mapping rather than
    // the unknown key in it).
    match message.split_once(": ") {
        Some((prefix, rest)) if !prefix.is_empty() && !prefix.contains(' ') && path.starts_with(prefix) => {
            rest.to_owned()
        }
        _ => message.to_owned(),
    }
}

/// `L column C`, exactly.
fn is_line_column(text: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    text.split_once(" column ").is_some_and(|(l, c)| digits(l) && digits(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(source: &str) -> Vec<String> {
        parse(source, "spec.yaml").unwrap_err().0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn syntax_errors_carry_their_location() {
        let errs = errors("version: 1\nfamilies: [\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("at spec.yaml:3:1"), "{errs:?}");
    }

    #[test]
    fn unknown_keys_are_errors_with_their_path() {
        let src = "version: 1\nbase_url: x\ndocs_base: y\nfamilies: []\ntypes: []\nendpoints: []\nbase_uri: z\n";
        let errs = errors(src);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("base_uri: unknown field `base_uri`; did you mean `base_url`? (expected one of"),
            "{errs:?}"
        );
        assert!(errs[0].ends_with("at spec.yaml:7:1"), "{errs:?}");
    }

    #[test]
    fn a_mis_indented_key_is_named_with_its_line() {
        // `kind` written at the level of the list, not of its item.
        let under = "version: 1\nbase_url: x\ndocs_base: y\nfamilies: []\ntypes:\n  - name: Mode\n    doc: d\n  kind: enum\n\
                     endpoints: []\n";
        let errs = errors(under);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs,
            ["types[0]: missing field `kind`; the `kind:` at line 8 is indented to column 3, as a key of an \
                 enclosing mapping: indent it to column 5 to make it this one's at spec.yaml:6:5"]
        );
        // `kind` one level deeper than `name`, which is then read as `Mode kind: enum`.
        let over = "version: 1\nbase_url: x\ndocs_base: y\nfamilies: []\ntypes:\n  - name: Mode\n    doc: d\n    open: true\n\
                    \x20     kind: enum\nendpoints: []\n";
        let errs = errors(over);
        assert!(errs[0].contains("the `kind:` at line 9 is indented deeper than `open:` above it"), "{errs:?}");
    }

    #[test]
    fn missing_fields_name_the_parent() {
        let src =
            "version: 1\nbase_url: x\ndocs_base: y\nfamilies: []\ntypes:\n  - name: Mode\n    doc: d\nendpoints: []\n";
        let errs = errors(src);
        assert_eq!(errs, ["types[0]: missing field `kind` at spec.yaml:6:5"]);
    }
}
