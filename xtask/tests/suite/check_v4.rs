//! `cargo xtask check-v4` as a maintainer runs it: passes on the vendored
//! OpenAPI description, and fails with lines naming exactly what changed on
//! each mutation of it.

use crate::support::{Run, root, xtask};
use serde_json::{Value, json};

fn description() -> Value {
    let path = root().join("spec/docs-v4/railgun-v4.openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn check(description: &Value) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, serde_json::to_string_pretty(description).unwrap()).unwrap();
    xtask(&[&"check-v4", &"--description", &path])
}

/// The lines before the summary.
fn findings(run: &Run) -> Vec<&str> {
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    run.stdout.lines().take_while(|l| !l.starts_with("check: ")).collect()
}

/// The operation at `path` and `method`.
fn operation<'a>(d: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    d["paths"].get_mut(path).and_then(|item| item.get_mut(method)).unwrap_or_else(|| panic!("{method} {path}"))
}

/// The parameter `name` of an operation.
fn parameter<'a>(op: &'a mut Value, name: &str) -> &'a mut Value {
    op["parameters"].as_array_mut().unwrap().iter_mut().find(|p| p["name"] == name).unwrap()
}

#[test]
fn the_vendored_description_agrees_with_the_spec() {
    let run = xtask(&[&"check-v4"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "check: 0 finding(s); 18 accepted deviation(s), 0 note(s), 0 doc warning(s) (--verbose lists them)\n"
    );
    let verbose = xtask(&[&"check-v4", &"--verbose"]);
    assert!(
        verbose.stdout.contains(
            "accepted: cloudflare create_connection: parameter zone.id (body) in spec but not in the description \
             (deviation: The description marks the shared identifier schema read-only, but the zone to connect \
             must be named.)\n"
        ),
        "{}",
        verbose.stdout
    );
}

#[test]
fn a_renamed_parameter_is_found() {
    let mut d = description();
    parameter(operation(&mut d, "/railguns", "get"), "direction")["name"] = json!("order");
    assert_eq!(
        findings(&check(&d)),
        [
            "cloudflare list_railguns: parameter order (query) documented but missing from spec",
            "cloudflare list_railguns: parameter direction (query) in spec but not in the description",
        ]
    );
}

#[test]
fn a_moved_parameter_is_found() {
    let mut d = description();
    parameter(operation(&mut d, "/accounts/{account_identifier}/railguns", "get"), "page")["in"] = json!("header");
    assert_eq!(
        findings(&check(&d)),
        ["cloudflare list_account_railguns: parameter page is `in: query` in spec, `header` in the description"]
    );
}

#[test]
fn a_removed_operation_is_found() {
    let mut d = description();
    d["paths"].as_object_mut().unwrap().remove("/railguns/{identifier}/zones");
    assert_eq!(
        findings(&check(&d)),
        ["cloudflare list_railgun_zones: operation railgun-list-railgun-zones in spec but not in the description"]
    );
}

#[test]
fn a_changed_method_is_found() {
    let mut d = description();
    let item = d["paths"]["/railguns/{identifier}"].as_object_mut().unwrap();
    let patch = item.remove("patch").unwrap();
    item.insert("put".to_owned(), patch);
    assert_eq!(
        findings(&check(&d)),
        [
            "cloudflare enable_or_disable_railgun: method PATCH in spec, the description has PUT",
            "cloudflare enable_or_disable_railgun: method PUT in the description, not in spec",
        ]
    );
}

#[test]
fn an_added_answer_field_is_found_wherever_the_schema_is_used() {
    let mut d = description();
    d["components"]["schemas"]["legacy-jhs_railgun"]["properties"]["region"] = json!({"type": "string"});
    assert_eq!(
        findings(&check(&d)),
        [
            "cloudflare list_railguns: response field result[].region documented but missing from spec",
            "cloudflare list_account_railguns: response field result[].region documented but missing from spec",
            "cloudflare list_organization_railguns: response field result[].region documented but missing from spec",
        ]
    );
}

#[test]
fn a_changed_field_type_is_found() {
    let mut d = description();
    d["components"]["schemas"]["legacy-jhs_connection_components-schemas-enabled"]["type"] = json!("string");
    let run = check(&d);
    let lines = findings(&run);
    assert!(
        lines.contains(
            &"cloudflare list_connections: response field result[].enabled is a string in the description \
              but flag (boolean) in the spec"
        ),
        "{lines:#?}"
    );
    // The same schema types the `enabled` filter and body members, which
    // are not compared by type: only the answer's field is a finding.
    assert_eq!(lines.len(), 1, "{lines:#?}");
}

#[test]
fn a_changed_path_and_an_added_body_member_are_found() {
    let mut d = description();
    let paths = d["paths"].as_object_mut().unwrap();
    let item = paths.remove("/zones/{zone_identifier}/railguns/{identifier}/diagnose").unwrap();
    paths.insert("/zones/{zone_identifier}/railguns/{identifier}/test".to_owned(), item);
    let body = &mut operation(&mut d, "/railguns", "post")["requestBody"]["content"]["application/json"]["schema"];
    body["properties"]["pubname"] = json!({"type": "string"});
    assert_eq!(
        findings(&check(&d)),
        [
            "cloudflare create_railgun: parameter pubname (body) documented but missing from spec",
            "cloudflare test_zone_railgun_connection: path 'zones/{zone_identifier}/railguns/{identifier}/diagnose' \
             in spec, 'zones/{zone_identifier}/railguns/{identifier}/test' in the description",
        ]
    );
}

#[test]
fn a_description_that_is_not_json_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, "{\"paths\": ").unwrap();
    let run = xtask(&[&"check-v4", &"--description", &path]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("not JSON"), "{}", run.stderr);
}

#[test]
fn an_endpoint_marked_undocumented_is_a_note_and_unmarked_a_finding() {
    let local = "
  - action: railgun_by_name
    family: cloudflare
    methods: [GET]
    path: railguns/by-name/{name}
    summary: A Railgun by its name.
    docs: railgun-by-name
    undocumented: A local addition.
    params:
      - name: name
        in: path
        type: string
        doc: The name.
    response: Railgun
    idempotent: true  # a read
";
    let source = std::fs::read_to_string(root().join("spec/railgun-v4.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("railgun-v4.yaml");
    std::fs::write(&spec, format!("{source}{local}")).unwrap();
    let run = xtask(&[&"check-v4", &"--spec", &spec, &"--verbose"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "note: cloudflare railgun_by_name: not in the docs on purpose (undocumented): A local addition.\n"
        ),
        "{}",
        run.stdout
    );

    let unmarked = local.replace("    undocumented: A local addition.\n", "");
    std::fs::write(&spec, format!("{source}{unmarked}")).unwrap();
    let run = xtask(&[&"check-v4", &"--spec", &spec]);
    assert_eq!(
        findings(&run),
        ["cloudflare railgun_by_name: operation railgun-by-name in spec but not in the description"]
    );
}
