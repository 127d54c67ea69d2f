//! The generated files are fresh, and facts about the real specs that
//! the SDK and the tools rely on. Each test asserts what it is about, not
//! counts of everything, so the specs can grow: adding an endpoint breaks
//! none of these.

use railgun_spec::ir::{Binding, Method, ParamLocation};
use xtask::codegen::{ALL, REFRESH};
use xtask::workspace_root;

fn spec(file: &str) -> railgun_spec::ValidSpec {
    let source = std::fs::read_to_string(workspace_root().join(file)).unwrap();
    railgun_spec::parse(&source, file).unwrap()
}

#[test]
fn generated_files_are_fresh() {
    let root = workspace_root();
    for generated in ALL {
        let expected = generated.render(&root).unwrap();
        let committed = std::fs::read_to_string(root.join(generated.path)).unwrap_or_default();
        if committed != expected {
            let line = committed
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "the end".to_owned(), |i| format!("line {}", i + 1));
            panic!("{} is stale (first difference at {line}); run `{REFRESH}` and commit the result", generated.path);
        }
    }
}

/// What the docs contradict themselves on, the spec settles once.
#[test]
fn the_v2_spec_follows_what_the_service_answered() {
    let spec = spec("spec/railgun.yaml");
    let api = spec.api();
    let act = |action: &str| {
        let endpoint = api.endpoints.iter().find(|e| e.action == action).unwrap();
        match &endpoint.binding {
            Binding::ActionForm(form) => (form.act.clone(), form.methods.clone()),
            Binding::RestJson(_) => panic!("{action} is a v2 action"),
        }
    };
    // The one action whose answer does not echo its name.
    assert_eq!(act("suggestion_set").0, "railgun_suggest");
    // Documented for POST only.
    assert_eq!(act("ipr_set").1, [Method::Post]);
    // Every action a family has, every family shares with the same methods
    // and act, but the partner-only ones.
    for endpoint in &api.endpoints {
        let twins = api.endpoints.iter().filter(|e| e.action == endpoint.action);
        for twin in twins {
            assert_eq!(twin.binding.methods(), endpoint.binding.methods(), "{}", endpoint.action);
        }
    }
    // Each endpoint that names a zone takes it as a domain name.
    for endpoint in &api.endpoints {
        for param in endpoint.params.iter().filter(|p| p.wire == "z") {
            assert_eq!(param.ty, railgun_spec::ir::ParamType::One(railgun_spec::ir::ParamScalar::Domain));
        }
    }
}

/// The v4 spec: the organization operations deprecated, and only they; a
/// list paginated exactly when it takes `page` and `per_page`; one
/// operation id each.
#[test]
fn the_v4_spec_marks_what_the_description_says() {
    let spec = spec("spec/railgun-v4.yaml");
    let api = spec.api();
    for endpoint in &api.endpoints {
        let Binding::RestJson(rest) = &endpoint.binding else { panic!("{} is a v4 operation", endpoint.action) };
        let organization = rest.template.starts_with("organizations/");
        assert_eq!(endpoint.deprecated.is_some(), organization, "{}", endpoint.action);
        let query = |name: &str| endpoint.params.iter().any(|p| p.wire == name && p.location == ParamLocation::Query);
        assert_eq!(endpoint.paginated(), query("page") && query("per_page"), "{}", endpoint.action);
    }
    let mut ids: Vec<&str> = api.endpoints.iter().map(|e| e.docs_url.rsplit('/').next().unwrap()).collect();
    let operations = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), operations, "one operation id each");
}
