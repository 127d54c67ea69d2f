//! Every class of spec error is reported with its spec path and its line and
//! column, and semantic errors are all reported at once.

const BASE: &str = r#"version: 1
base_url: https://www.cloudflare.com/api/v2/railgun/
docs_base: https://developers.cloudflare.com/railgun/user-guide/
families:
  - name: client
    client: ClientApi
    title: Client API
    doc: The Client API.
    docs: client-api/
    auth:
      - name: tkn
        type: secret
        doc: User API token.
types:
  - name: IdResponse
    kind: struct
    doc: An id.
    fields:
      - name: railgun_id
        type: id
        doc: The id.
endpoints:
  - action: delete
    family: client
    methods: [POST, GET]
    act: railgun_delete
    summary: Delete a Railgun.
    docs: client-api/manage-railguns/#post-delete
    params:
      - name: rtkn
        type: secret
        doc: Railgun token.
    response: IdResponse
"#;

fn errors(source: &str) -> Vec<String> {
    match railgun_spec::parse(source, "spec.yaml") {
        Ok(_) => panic!("spec was accepted"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} not in BASE");
    BASE.replacen(from, to, 1)
}

#[test]
fn the_base_spec_is_valid() {
    let spec = railgun_spec::parse(BASE, "spec.yaml").unwrap();
    assert_eq!(spec.endpoints.len(), 1);
}

#[test]
fn unknown_type_reference() {
    let src =
        with("        type: secret\n        doc: Railgun token.", "        type: strin\n        doc: Railgun token.");
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[0].type: unknown type 'strin': expected one of string, secret, id, integer, signed, \
          flag, timestamp, ip_ranges, a type name from `types`, or list<Name> at spec.yaml:31:15"]
    );
    let src = with("    response: IdResponse", "    response: IdRespons");
    assert_eq!(
        errors(&src),
        ["endpoints[0].response: unknown type 'IdRespons'; did you mean 'IdResponse'? at spec.yaml:33:15"]
    );
}

#[test]
fn unknown_key() {
    let src = with("    act: railgun_delete", "    act: railgun_delete\n    acts: railgun_delete");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("endpoints[0].acts: unknown field `acts`; did you mean `act`? (expected one of `action`"),
        "{errs:?}"
    );
    assert!(errs[0].ends_with(" at spec.yaml:27:5"), "{errs:?}");
}

#[test]
fn missing_required_field() {
    let src = with("    act: railgun_delete\n", "");
    assert_eq!(errors(&src), ["endpoints[0]: missing field `act` at spec.yaml:23:5"]);
}

#[test]
fn yaml_syntax_error() {
    let src = with("    act: railgun_delete", "    act: \"railgun_delete");
    let errs = errors(&src);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].contains("while scanning a quoted scalar"), "{errs:?}");
    assert!(errs[0].starts_with("endpoints[0].act: found unexpected end of stream"), "{errs:?}");
    assert!(errs[0].ends_with("at spec.yaml:34:1"), "{errs:?}");
}

#[test]
fn duplicate_action_in_a_family() {
    let endpoint = &BASE[BASE.find("  - action: delete").unwrap()..];
    let src = format!("{BASE}{endpoint}");
    assert_eq!(
        errors(&src),
        [
            "endpoints[1].action: duplicate action 'delete' in family 'client' (first defined at endpoints[0]) at spec.yaml:34:13"
        ]
    );
}

#[test]
fn two_parameters_with_one_wire_name() {
    let src = with(
        "        doc: Railgun token.\n    response",
        "        doc: Railgun token.\n      - name: rtkn\n        rust: token2\n        type: string\n        doc: Again.\n    response",
    );
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[1].name: wire name 'rtkn' is already used by another parameter at spec.yaml:33:15"]
    );
    let src = with("      - name: rtkn\n", "      - name: tkn\n");
    assert_eq!(
        errors(&src),
        [
            "endpoints[0].params[0].name: wire name 'tkn' is already used by a credential of this family at spec.yaml:30:15"
        ]
    );
}

#[test]
fn every_semantic_error_is_reported_at_once() {
    let src = with("    family: client", "    family: clients")
        .replacen("        type: id", "        type: list<id>", 1)
        .replacen("    client: ClientApi", "    client: clientApi", 1);
    assert_eq!(
        errors(&src),
        [
            "families[0].client: 'clientApi' is not an UpperCamelCase Rust identifier at spec.yaml:6:13",
            "types[0].fields[0].type: list<id>: lists hold strings or a struct type from `types` at spec.yaml:20:15",
            "endpoints[0].family: unknown family 'clients'; did you mean 'client'? at spec.yaml:24:13",
        ]
    );
}

#[test]
fn response_must_be_a_struct_and_params_scalars_or_enums() {
    let src = with(
        "types:\n",
        "types:\n  - name: Mode\n    kind: enum\n    doc: A mode.\n    variants:\n      - wire: \"1\"\n        name: Active\n        doc: On.\n",
    )
    .replacen("    response: IdResponse", "    response: Mode", 1)
    .replacen("        type: secret\n        doc: Railgun", "        type: IdResponse\n        doc: Railgun", 1);
    assert_eq!(
        errors(&src),
        [
            "endpoints[0].params[0].type: 'IdResponse' is a struct; an enum is needed here at spec.yaml:38:15",
            "endpoints[0].response: 'Mode' is an enum; a struct is needed here at spec.yaml:40:15",
        ]
    );
}

#[test]
fn a_struct_that_contains_itself_is_refused() {
    let src = with("        type: id", "        type: IdResponse");
    assert_eq!(
        errors(&src),
        ["types[0].name: 'IdResponse' contains itself; hold it in a list<…> instead at spec.yaml:15:11"]
    );
}

#[test]
fn rust_keywords_and_bad_names_are_refused() {
    let src = with("  - action: delete", "  - action: type");
    assert_eq!(errors(&src), ["endpoints[0].action: 'type' is not a snake_case Rust identifier at spec.yaml:23:13"]);
}

#[test]
fn names_the_generated_code_cannot_take_are_refused_where_they_are_written() {
    // `gen` is a keyword since edition 2024 (syn does not know it).
    let src = with("  - action: delete", "  - action: gen");
    assert_eq!(errors(&src), ["endpoints[0].action: 'gen' is not a snake_case Rust identifier at spec.yaml:23:13"]);
    let src = with("      - name: railgun_id\n        type: id", "      - name: gen\n        type: id");
    assert_eq!(
        errors(&src),
        ["types[0].fields[0].name: 'gen' is not a snake_case Rust identifier; give it a Rust name with `rust:` \
          at spec.yaml:19:15"]
    );
    // With a Rust name of its own, the wire name may be anything.
    let src = with(
        "      - name: railgun_id\n        type: id",
        "      - name: gen\n        rust: generation\n        type: id",
    );
    assert!(railgun_spec::parse(&src, "spec.yaml").is_ok());
    // Every expansion has a `types` module.
    let src = with("  - name: client\n", "  - name: types\n").replacen("    family: client", "    family: types", 1);
    assert_eq!(
        errors(&src),
        ["families[0].name: 'types' is the name of the generated models module; name the family otherwise \
          at spec.yaml:5:11"]
    );
}

#[test]
fn an_undocumented_endpoint_gives_its_reason() {
    let marked = with(
        "    response: IdResponse\n",
        "    response: IdResponse\n    undocumented: Seen in the wild; Cloudflare's pages never listed it.\n",
    );
    let spec = railgun_spec::parse(&marked, "spec.yaml").unwrap();
    let endpoint = &spec.api().endpoints[0];
    assert_eq!(endpoint.undocumented.as_deref(), Some("Seen in the wild; Cloudflare's pages never listed it."));

    let empty = with("    response: IdResponse\n", "    response: IdResponse\n    undocumented: \" \"\n");
    assert_eq!(errors(&empty), ["endpoints[0].undocumented: `undocumented` cannot be empty at spec.yaml:34:19"]);
}

#[test]
fn retry_statuses_are_http_statuses_once_each_and_new_in_version_2() {
    let spec = railgun_spec::parse(BASE, "spec.yaml").unwrap();
    assert_eq!(spec.api().retry_statuses, railgun_spec::ir::DEFAULT_RETRY_STATUSES);
    let v2 = with("version: 1\n", "version: 2\nprotocol: action_form\n")
        .replace("    response: IdResponse\n", "    response: IdResponse\n    idempotent: false\n");
    let listed = v2.replacen("families:\n", "retry_statuses: [524, 429, 503]\nfamilies:\n", 1);
    assert_eq!(railgun_spec::parse(&listed, "spec.yaml").unwrap().api().retry_statuses, [429, 503, 524]);
    let wrong = v2.replacen("families:\n", "retry_statuses: [429, 99, 600, 429]\nfamilies:\n", 1);
    assert_eq!(
        errors(&wrong),
        [
            "retry_statuses[1]: 99 is not an HTTP status (100 to 599) at spec.yaml:5:23",
            "retry_statuses[2]: 600 is not an HTTP status (100 to 599) at spec.yaml:5:27",
            "retry_statuses[3]: 429 is listed twice at spec.yaml:5:32",
        ]
    );
    let v1 = with("families:\n", "retry_statuses: [429]\nfamilies:\n");
    assert_eq!(
        errors(&v1),
        ["retry_statuses: `retry_statuses` is new in version 2; set `version: 2` at spec.yaml:4:17"]
    );
}
