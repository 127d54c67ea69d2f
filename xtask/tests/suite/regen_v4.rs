//! `cargo xtask regen-v4` as a maintainer runs it: nothing to do on the
//! vendored description; after each change of the description (or a spec
//! that lost an endpoint), the spec rewritten so that `check-v4` passes,
//! with one line per change.

use crate::support::{Run, root, xtask};
use serde_json::{Value, json};

fn description() -> Value {
    let path = root().join("spec/docs-v4/railgun-v4.openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn vendored_spec() -> String {
    std::fs::read_to_string(root().join("spec/railgun-v4.yaml")).unwrap()
}

/// Runs `regen-v4` on copies of `description` and `spec`; returns its run,
/// the rewritten spec, and `check-v4`'s run on the result.
fn regen(description: &Value, spec: &str) -> (Run, String, Run) {
    let dir = tempfile::tempdir().unwrap();
    let (d, s) = (dir.path().join("openapi.json"), dir.path().join("railgun-v4.yaml"));
    std::fs::write(&d, serde_json::to_string_pretty(description).unwrap()).unwrap();
    std::fs::write(&s, spec).unwrap();
    let run = xtask(&[&"regen-v4", &"--description", &d, &"--spec", &s]);
    let check = xtask(&[&"check-v4", &"--description", &d, &"--spec", &s]);
    (run, std::fs::read_to_string(&s).unwrap(), check)
}

/// The `changed:` lines, and asserts regen then check-v4 passed.
fn changes(run: &Run, check: &Run) -> Vec<String> {
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(check.code, 0, "check-v4 after regen-v4:\n{}{}", check.stdout, check.stderr);
    run.stdout.lines().filter(|l| l.starts_with("changed: ")).map(str::to_owned).collect()
}

fn operation<'a>(d: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    d["paths"].get_mut(path).and_then(|item| item.get_mut(method)).unwrap_or_else(|| panic!("{method} {path}"))
}

fn parameter<'a>(op: &'a mut Value, name: &str) -> &'a mut Value {
    op["parameters"].as_array_mut().unwrap().iter_mut().find(|p| p["name"] == name).unwrap()
}

fn railgun_schema(d: &mut Value) -> &mut Value {
    &mut d["components"]["schemas"]["legacy-jhs_railgun"]["properties"]
}

#[test]
fn the_vendored_description_needs_no_change() {
    let (run, spec, check) = regen(&description(), &vendored_spec());
    assert_eq!(changes(&run, &check), Vec::<String>::new());
    assert_eq!(spec, vendored_spec(), "nothing rewritten, comments included");
}

#[test]
fn an_endpoint_the_spec_lost_comes_back() {
    let spec = vendored_spec();
    let start = spec.find("  - action: list_railguns\n").unwrap();
    let end = start + spec[start..].find("\n  - action: create_railgun\n").unwrap() + 1;
    let lost = format!("{}{}", &spec[..start], &spec[end..]);
    let (run, rewritten, check) = regen(&description(), &lost);
    assert_eq!(changes(&run, &check), ["changed: cloudflare railgun-list-railguns: added the endpoint"]);
    let block = &rewritten[rewritten.find("- action: railgun_list_railguns").unwrap()..];
    for line in [
        "    methods: [GET]\n",
        "    path: railguns\n",
        "    docs: railgun-list-railguns\n",
        "    paginated: true\n",
        "      - name: direction\n        in: query\n        type: Direction\n        optional: true\n",
        "    response: list<Railgun>\n",
        "    idempotent: true  # a read\n",
    ] {
        assert!(block.contains(line), "{line:?} not in\n{block}");
    }
}

#[test]
fn a_renamed_parameter_is_renamed() {
    let mut d = description();
    parameter(operation(&mut d, "/railguns", "get"), "direction")["name"] = json!("order");
    let (run, spec, check) = regen(&d, &vendored_spec());
    let mut lines = changes(&run, &check);
    lines.sort();
    assert_eq!(
        lines,
        [
            "changed: cloudflare list_railguns: added parameter order",
            "changed: cloudflare list_railguns: removed parameter direction"
        ]
    );
    // The enum of the same values is its type.
    assert!(
        spec.contains("      - name: order\n        in: query\n        type: Direction\n        optional: true\n"),
        "{spec}"
    );
}

#[test]
fn a_moved_parameter_and_a_changed_method_and_path_are_followed() {
    let mut d = description();
    parameter(operation(&mut d, "/railguns", "get"), "direction")["in"] = json!("header");
    let patch = d["paths"]["/railguns/{identifier}"].as_object_mut().unwrap().remove("patch").unwrap();
    d["paths"]["/railguns/{identifier}"]["put"] = patch;
    let zones = d["paths"].as_object_mut().unwrap().remove("/railguns/{identifier}/zones").unwrap();
    d["paths"]["/railguns/{identifier}/zone-list"] = zones;
    let (run, spec, check) = regen(&d, &vendored_spec());
    let mut lines = changes(&run, &check);
    lines.sort();
    assert_eq!(
        lines,
        [
            "changed: cloudflare enable_or_disable_railgun: methods set to [PUT]",
            "changed: cloudflare list_railgun_zones: path set to railguns/{identifier}/zone-list",
            "changed: cloudflare list_railguns: parameter direction moved to header",
        ]
    );
    assert!(spec.contains("    path: railguns/{identifier}/zone-list\n"), "{spec}");
}

#[test]
fn answer_fields_follow_the_description() {
    let mut d = description();
    railgun_schema(&mut d)["region"] = json!({"type": "string", "description": "Where it runs."});
    railgun_schema(&mut d)["zones_connected"] = json!({"type": "string"});
    let (run, spec, check) = regen(&d, &vendored_spec());
    assert_eq!(
        changes(&run, &check),
        [
            "changed: cloudflare list_railguns: added response field result[].region to Railgun",
            "changed: cloudflare list_railguns: result[].zones_connected is now string in Railgun",
        ]
    );
    assert!(spec.contains("      - name: region\n        type: string\n        optional: true\n"), "{spec}");
    assert!(spec.contains("      - name: zones_connected\n        type: string\n"), "{spec}");
}

#[test]
fn an_operation_the_description_dropped_is_removed() {
    let mut d = description();
    d["paths"]["/railguns/{identifier}/zones"].as_object_mut().unwrap().remove("get");
    let (run, spec, check) = regen(&d, &vendored_spec());
    assert_eq!(
        changes(&run, &check),
        ["changed: cloudflare list_railgun_zones: removed the endpoint the description no longer has"]
    );
    assert!(!spec.contains("action: list_railgun_zones"), "{spec}");
}

#[test]
fn parameter_bounds_follow_the_description() {
    // The description changes per_page's maximum and drops page's minimum.
    let mut d = description();
    let list = operation(&mut d, "/railguns", "get");
    parameter(list, "per_page")["schema"]["maximum"] = json!(100);
    parameter(list, "page")["schema"].as_object_mut().unwrap().remove("minimum");
    let check = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openapi.json");
        std::fs::write(&path, serde_json::to_string(&d).unwrap()).unwrap();
        xtask(&[&"check-v4", &"--description", &path])
    };
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    for line in [
        "cloudflare list_railguns: parameter page takes at least 1 in spec, any value in the description\n",
        "cloudflare list_railguns: parameter per_page takes 5 to 50 in spec, 5 to 100 in the description\n",
    ] {
        assert!(check.stdout.contains(line), "{line:?} not in\n{}", check.stdout);
    }
    let (run, spec, check) = regen(&d, &vendored_spec());
    let mut lines = changes(&run, &check);
    lines.sort();
    assert_eq!(
        lines,
        [
            "changed: cloudflare list_railguns: parameter page takes any value",
            "changed: cloudflare list_railguns: parameter per_page takes 5 to 100",
        ]
    );
    let block = &spec[spec.find("  - action: list_railguns\n").unwrap()..];
    let block = &block[..block.find("  - action: create_railgun\n").unwrap()];
    assert!(block.contains(
        "      - name: page\n        in: query\n        type: integer\n        optional: true\n        doc:"
    ));
    assert!(
        block.contains("        optional: true\n        minimum: 5\n        maximum: 100\n        doc:"),
        "{block}"
    );

    // A spec that lost its bounds gets them back, the rest untouched.
    let lost = vendored_spec().replace("        minimum: 5\n        maximum: 50\n", "");
    let (run, spec, check) = regen(&description(), &lost);
    assert_eq!(changes(&run, &check).len(), 3, "one per list of Railguns");
    assert_eq!(spec, vendored_spec());
}

#[test]
fn string_lengths_follow_the_description() {
    // The description lets a name be longer (the schema four operations
    // share), and drops an identifier's limit on one.
    let mut d = description();
    d["components"]["schemas"]["legacy-jhs_railgun_components-schemas-name"]["maxLength"] = json!(200);
    let details = operation(&mut d, "/railguns/{identifier}", "get");
    let identifier = parameter(details, "identifier");
    if identifier["schema"].get("$ref").is_some() {
        identifier["schema"] = json!({"type": "string"});
    } else {
        identifier["schema"].as_object_mut().unwrap().remove("maxLength");
    }
    let (run, spec, check) = regen(&d, &vendored_spec());
    let lines = changes(&run, &check);
    assert!(lines.contains(&"changed: cloudflare railgun_details: parameter identifier takes any length".to_owned()));
    let names = lines.iter().filter(|l| l.ends_with(": parameter name takes at most 200 characters")).count();
    assert_eq!((names, lines.len()), (4, 5), "{lines:#?}");
    let block = &spec[spec.find("  - action: create_railgun\n").unwrap()..];
    assert!(block.contains("      - name: name\n        in: body\n        type: string\n        max_length: 200\n"));

    // A spec that lost a limit gets it back, the rest untouched.
    let lost = vendored_spec().replacen("        max_length: 160\n", "", 1);
    let (run, spec, check) = regen(&description(), &lost);
    assert_eq!(
        changes(&run, &check),
        ["changed: cloudflare create_railgun: parameter name takes at most 160 characters"]
    );
    assert_eq!(spec, vendored_spec());
}
