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
        SpecErrors(vec![SpecError {
            file: file.to_owned(),
            message: strip_context(&inner.to_string(), &path),
            path,
            location,
        }])
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
        assert!(errs[0].starts_with("base_uri: unknown field `base_uri`, expected one of"), "{errs:?}");
        assert!(errs[0].ends_with("at spec.yaml:7:1"), "{errs:?}");
    }

    #[test]
    fn missing_fields_name_the_parent() {
        let src =
            "version: 1\nbase_url: x\ndocs_base: y\nfamilies: []\ntypes:\n  - name: Mode\n    doc: d\nendpoints: []\n";
        let errs = errors(src);
        assert_eq!(errs, ["types[0]: missing field `kind` at spec.yaml:6:5"]);
    }
}
