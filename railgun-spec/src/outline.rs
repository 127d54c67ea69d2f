//! The names a spec declares, read as far as its YAML allows even when the
//! spec does not build: what a failed expansion stands in for, so that the
//! crate around it meets no second error (`use types::Mode` still
//! resolves) and the spec's own errors are the only ones shown.

use serde_yaml::Value;

/// The names of a spec's families and types, as far as they could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// Each family's module name and client type name.
    pub families: Vec<(String, String)>,
    /// The named types.
    pub types: Vec<String>,
}

/// The names `source` declares; none when it is not YAML. Only names that
/// are Rust identifiers are kept (a stand-in must compile).
pub fn outline(source: &str) -> Outline {
    let Ok(value) = serde_yaml::from_str::<Value>(source) else { return Outline::default() };
    let list = |key: &str| value.get(key).and_then(Value::as_sequence).cloned().unwrap_or_default();
    let text = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut outline = Outline::default();
    for family in list("families") {
        if let (Some(name), Some(client)) = (text(&family, "name"), text(&family, "client"))
            && crate::names::is_snake_ident(&name)
            && crate::names::is_camel_ident(&client)
            && name != crate::names::TYPES_MODULE
            && !outline.families.iter().any(|(n, c)| *n == name || *c == client)
        {
            outline.families.push((name, client));
        }
    }
    for ty in list("types") {
        if let Some(name) = text(&ty, "name")
            && crate::names::is_camel_ident(&name)
            && !outline.types.contains(&name)
            && !outline.families.iter().any(|(_, client)| *client == name)
        {
            outline.types.push(name);
        }
    }
    outline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_from_a_spec_that_does_not_build() {
        let source = "version: 2\nfamilies:\n  - name: client\n    client: ClientApi\n  - name: bad name\n    \
                      client: Other\ntypes:\n  - name: Mode\n    kind: enum\n  - name: Mode\n  - name: lower\n\
                      endpoints: [{action: x, acts: y}]\n";
        assert_eq!(
            outline(source),
            Outline { families: vec![("client".into(), "ClientApi".into())], types: vec!["Mode".into()] }
        );
        assert_eq!(outline("families: [\n"), Outline::default());
    }
}
