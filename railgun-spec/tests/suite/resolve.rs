//! Format version 2: what a `rest_json` spec resolves to, the rules each
//! protocol sets for locations, methods, paths and credentials, and version
//! 1 files still read with their meaning. Every refusal names its spec path,
//! line and column.

use railgun_spec::ir::{
    Binding, CredentialLocation, FieldType, ListEncoding, Method, Netmask, ParamLocation, ParamScalar, ParamType,
    PathSegment, Response, Scalar, TypeKind,
};

const REST: &str = r#"version: 2
protocol: rest_json
title: Cloudflare v4 Railgun API
base_url: https://api.cloudflare.com/client/v4/
docs_base: https://developers.cloudflare.com/api/operations/
families:
  - name: zone
    client: ZoneApi
    title: Railgun Connections for a Zone
    doc: A zone's Railguns.
    docs: railgun-connections-for-a-zone-list-available-railguns
    auth:
      api_key:
        - name: X-Auth-Email
          rust: email
          in: header
          type: string
          doc: Account email.
        - name: X-Auth-Key
          rust: key
          in: header
          type: secret
          doc: Global API key.
      api_token:
        - name: Authorization
          rust: token
          in: bearer
          type: secret
          doc: API token.
types:
  - name: ZoneRailgun
    kind: struct
    doc: A zone's Railgun.
    fields:
      - name: id
        type: string
        doc: Identifier.
endpoints:
  - action: connect
    family: zone
    methods: [PATCH]
    path: zones/{zone_identifier}/railguns/{identifier}
    summary: Connect or disconnect a Railgun.
    docs: railgun-connections-for-a-zone-connect-or-disconnect-a-railgun
    params:
      - name: zone_identifier
        rust: zone
        in: path
        type: string
        doc: Zone identifier.
      - name: identifier
        in: path
        type: string
        doc: Railgun identifier.
      - name: connected
        in: body
        type: flag
        doc: Connect or disconnect.
    response: ZoneRailgun
    idempotent: true
"#;

/// An action_form spec with `ipr_set`, its IP range type declared.
const IPR_SET: &str = r#"version: 2
protocol: action_form
base_url: https://www.cloudflare.com/api/v2/railgun/
docs_base: https://developers.cloudflare.com/railgun/user-guide/
families:
  - name: partner
    client: PartnerApi
    title: Optimized Partner API
    doc: Partners.
    docs: optimized-partner-api/
    auth:
      - name: host_key
        type: secret
        doc: Host API key.
types:
  - name: IpRange
    kind: ip_range
    doc: A range.
    netmask:
      ipv4: [8, 32]
      ipv6: [112, 128]
  - name: IdResponse
    kind: struct
    doc: An id.
    fields:
      - name: railgun_id
        type: id
        doc: The id.
endpoints:
  - action: ipr_set
    family: partner
    methods: [POST]
    act: railgun_ipr_set
    summary: Set the IP ranges.
    docs: optimized-partner-api/railguns-via-ip-ranges/
    params:
      - name: ipr
        type: list<IpRange>
        encoding: json
        doc: The ranges.
    response: IdResponse
    idempotent: true
"#;

fn errors(source: &str) -> Vec<String> {
    match railgun_spec::parse(source, "spec.yaml") {
        Ok(_) => panic!("spec was accepted"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

fn with(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from:?} not in the base spec");
    base.replacen(from, to, 1)
}

#[test]
fn a_rest_spec_resolves_to_its_binding_locations_and_schemes() {
    let spec = railgun_spec::parse(REST, "spec.yaml").unwrap();
    let api = spec.api();
    let [endpoint] = api.endpoints.as_slice() else { panic!("{:?}", api.endpoints) };
    let Binding::RestJson(rest) = &endpoint.binding else { panic!("{:?}", endpoint.binding) };
    assert_eq!(rest.method, Method::Patch);
    assert_eq!(
        rest.path,
        [
            PathSegment::Literal("zones/".into()),
            PathSegment::Param { name: "zone_identifier".into(), param: 0 },
            PathSegment::Literal("/railguns/".into()),
            PathSegment::Param { name: "identifier".into(), param: 1 },
        ]
    );
    let params: Vec<(&str, &str, ParamLocation, &ParamType)> =
        endpoint.params.iter().map(|p| (p.wire.as_str(), p.rust.as_str(), p.location, &p.ty)).collect();
    assert_eq!(
        params,
        [
            ("zone_identifier", "zone", ParamLocation::Path, &ParamType::One(ParamScalar::Text)),
            ("identifier", "identifier", ParamLocation::Path, &ParamType::One(ParamScalar::Text)),
            ("connected", "connected", ParamLocation::Body, &ParamType::One(ParamScalar::Flag)),
        ]
    );
    assert!(matches!(&endpoint.response, Response::Struct(named) if named.name == "ZoneRailgun"));
    assert_eq!(endpoint.secret_keys, ["Authorization", "X-Auth-Key"]);

    type Scheme<'a> = (Option<&'a str>, Vec<(&'a str, CredentialLocation, bool)>);
    let schemes: Vec<Scheme> = api.families[0]
        .auth
        .iter()
        .map(|s| (s.name.as_deref(), s.credentials.iter().map(|c| (c.wire.as_str(), c.location, c.secret)).collect()))
        .collect();
    assert_eq!(
        schemes,
        [
            (
                Some("api_key"),
                vec![
                    ("X-Auth-Email", CredentialLocation::Header, false),
                    ("X-Auth-Key", CredentialLocation::Header, true)
                ]
            ),
            (Some("api_token"), vec![("Authorization", CredentialLocation::Bearer, true)]),
        ]
    );
}

#[test]
fn rest_parameters_say_where_they_go_and_match_the_path() {
    let src = with(REST, "        in: body\n", "");
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[2].in: no `in`: a rest_json parameter is `in: path`, `query`, `header` or `body` \
          at spec.yaml:55:9"]
    );
    let src = with(REST, "{identifier}", "{railgun}");
    assert_eq!(
        errors(&src),
        [
            "endpoints[0].path: '{railgun}' has no parameter with `in: path` at spec.yaml:42:11",
            "endpoints[0].params[1]: path parameter 'identifier' is not in the path \
             'zones/{zone_identifier}/railguns/{railgun}' at spec.yaml:51:9",
        ]
    );
    let src = with(REST, "methods: [PATCH]", "methods: [GET]");
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[2].in: a GET request has no body; use `in: query` at spec.yaml:56:13"]
    );
    let src = with(
        REST,
        "        in: path\n        type: string\n        doc: Zone",
        "        in: path\n        optional: true\n        type: string\n        doc: Zone",
    );
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[0].optional: path parameters cannot be optional at spec.yaml:49:19"]
    );
    // The runtime writes lists into one form field or query value only.
    let with_list = with(
        REST,
        "types:\n",
        "types:\n  - name: Mode\n    kind: enum\n    doc: A mode.\n    variants:\n      - {wire: on, name: On, doc: On.}\n",
    );
    for (place, line) in [("body", 62), ("header", 62), ("path", 62)] {
        let src = with(
            &with_list,
            "        in: body\n        type: flag",
            &format!("        in: {place}\n        type: list<Mode>\n        encoding: json"),
        );
        let errs = errors(&src);
        assert!(
            errs.contains(&format!(
                "endpoints[0].params[2].type: a list parameter goes in a form field or the query at spec.yaml:{line}:15"
            )),
            "{place}: {errs:#?}"
        );
    }
    let src = with(
        &with_list,
        "        in: body\n        type: flag",
        "        in: query\n        type: list<Mode>\n        encoding: json",
    );
    assert!(railgun_spec::parse(&src, "spec.yaml").is_ok());
    // Secrets stay out of URLs.
    for place in ["query", "path"] {
        let src =
            with(REST, "        in: body\n        type: flag", &format!("        in: {place}\n        type: secret"));
        let errs = errors(&src);
        assert!(
            errs.contains(
                &"endpoints[0].params[2].in: a secret does not go in a URL; send it `in: header` or `in: body` \
                  at spec.yaml:56:13"
                    .to_owned()
            ),
            "{place}: {errs:#?}"
        );
    }
    let src = with(REST, "path: zones/{zone_identifier}", "path: /zones/{zone_identifier");
    assert_eq!(
        errors(&src),
        ["endpoints[0].path: '/zones/{zone_identifier/railguns/{identifier}': the path is relative to base_url \
             and does not start with '/' at spec.yaml:42:11"]
    );
}

#[test]
fn each_protocol_keeps_to_its_own_keys() {
    let src = with(REST, "    methods: [PATCH]\n", "    methods: [PATCH, POST]\n    act: railgun_connect\n");
    assert_eq!(
        errors(&src),
        [
            "endpoints[0].methods: a rest_json endpoint has exactly one method at spec.yaml:41:14",
            "endpoints[0].act: `act` is for action_form endpoints at spec.yaml:42:10",
        ]
    );
    let src = with(REST, "    path: zones/{zone_identifier}/railguns/{identifier}\n", "");
    let errs = errors(&src);
    assert!(errs.contains(&"endpoints[0]: missing field `path` at spec.yaml:39:5".to_owned()), "{errs:#?}");

    let form = with(REST, "protocol: rest_json", "protocol: action_form");
    assert_eq!(
        errors(&form),
        [
            "families[0].auth.api_key[0].in: `in: header`: action_form credentials are form fields (`in: form`) \
             at spec.yaml:16:15",
            "families[0].auth.api_key[1].in: `in: header`: action_form credentials are form fields (`in: form`) \
             at spec.yaml:21:15",
            "families[0].auth.api_token[0].in: `in: bearer`: action_form credentials are form fields (`in: form`) \
             at spec.yaml:27:15",
            "endpoints[0].methods[0]: PATCH is not an action_form method; use GET or POST at spec.yaml:41:15",
            "endpoints[0].path: `path` is for rest_json endpoints; an action is sent to base_url + action \
             at spec.yaml:42:11",
            "endpoints[0]: missing field `act` at spec.yaml:39:5",
            "endpoints[0].params[0].in: `in: path`: action_form parameters are form fields (`in: form`) \
             at spec.yaml:48:13",
            "endpoints[0].params[1].in: `in: path`: action_form parameters are form fields (`in: form`) \
             at spec.yaml:52:13",
            "endpoints[0].params[2].in: `in: body`: action_form parameters are form fields (`in: form`) \
             at spec.yaml:56:13",
        ]
    );
}

#[test]
fn credentials_are_headers_or_a_bearer_and_constructors_are_taken() {
    let src = with(REST, "        - name: Authorization\n", "        - name: X-Token\n");
    assert_eq!(
        errors(&src),
        ["families[0].auth.api_token[0]: a bearer credential is a secret sent in the `Authorization` header: \
          `name: Authorization`, `type: secret` at spec.yaml:25:11"]
    );
    let src = with(REST, "        - name: X-Auth-Email\n", "        - name: X-Auth Email\n");
    let errs = errors(&src);
    assert!(
        errs.contains(
            &"families[0].auth.api_key[0].name: 'X-Auth Email' is not a valid header name at spec.yaml:14:17"
                .to_owned()
        ),
        "{errs:#?}"
    );
    let src = with(REST, "  - action: connect", "  - action: with_api_token");
    assert_eq!(
        errors(&src),
        ["endpoints[0].action: 'with_api_token' is the name of a client constructor at spec.yaml:39:13"]
    );
    let src = with(REST, "  - action: connect", "  - action: pauses");
    assert_eq!(
        errors(&src),
        ["endpoints[0].action: 'pauses' is the name of a method every client has at spec.yaml:39:13"]
    );
}

#[test]
fn version_2_endpoints_say_whether_they_are_safe_to_repeat() {
    let spec = railgun_spec::parse(IPR_SET, "spec.yaml").unwrap();
    assert!(spec.api().endpoints[0].idempotent);
    let src = with(IPR_SET, "    idempotent: true\n", "");
    assert_eq!(
        errors(&src),
        ["endpoints[0]: 'ipr_set' needs `idempotent: true` (sending it twice does what sending it once does) \
             or `idempotent: false` at spec.yaml:30:5"]
    );
    let src = with(IPR_SET, "    idempotent: true\n", "    idempotent: sometimes\n");
    assert_eq!(errors(&src).len(), 1, "{:?}", errors(&src));
}

#[test]
fn lists_name_their_encoding_and_ip_ranges_their_bounds() {
    let spec = railgun_spec::parse(IPR_SET, "spec.yaml").unwrap();
    let ty = &spec.api().endpoints[0].params[0].ty;
    let ParamType::List(ParamScalar::IpRange(range), ListEncoding::Json) = ty else { panic!("{ty:?}") };
    assert_eq!(range.netmask, Netmask { ipv4: (8, 32), ipv6: (112, 128) });
    assert_eq!(range.named.as_ref().map(|n| n.name.as_str()), Some("IpRange"));

    let src = with(IPR_SET, "        encoding: json\n", "");
    assert_eq!(errors(&src), ["endpoints[0].params[0]: a list parameter needs `encoding: json` at spec.yaml:37:9"]);
    let src = with(IPR_SET, "ipv4: [8, 32]", "ipv4: [33, 8]");
    assert_eq!(
        errors(&src),
        ["types[0].netmask.ipv4: [33, 8]: the bounds must be in order and at most 32 at spec.yaml:20:13"]
    );
    let src = with(
        IPR_SET,
        "        type: list<IpRange>\n        encoding: json\n",
        "        type: list<list<IpRange>>\n        encoding: json\n",
    );
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[0].type: parameters cannot be of type 'list<IpRange>'; use string, domain, \
          secret, flag, integer, id, an enum, an ip_range, or list<…> of one of them at spec.yaml:38:15"]
    );
}

#[test]
fn domain_is_a_parameter_type_of_version_2() {
    let zone = "      - name: z\n        rust: zone\n        type: domain\n        doc: Domain name.\n";
    let src = with(IPR_SET, "        doc: The ranges.\n", &format!("        doc: The ranges.\n{zone}"));
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    let p = &spec.api().endpoints[0].params[1];
    assert_eq!((p.rust.as_str(), &p.ty), ("zone", &ParamType::One(ParamScalar::Domain)));

    let list = with(&src, "        type: domain\n", "        type: list<domain>\n        encoding: json\n");
    assert_eq!(
        errors(&list),
        ["endpoints[0].params[1].type: a list parameter cannot hold domains; use list<string> at spec.yaml:43:15"]
    );
    let field = with(&src, "        type: id\n", "        type: domain\n");
    assert_eq!(
        errors(&field),
        ["types[1].fields[0].type: domain is a parameter type; a response field's name is a string at spec.yaml:27:15"]
    );
    let v1 =
        with(&src, "version: 2\nprotocol: action_form\n", "version: 1\n").replacen("    idempotent: true\n", "", 1);
    let v1 = with(&v1, "        type: list<IpRange>\n        encoding: json\n", "        type: ip_ranges\n");
    let v1 = with(&v1, "  - name: IpRange\n    kind: ip_range\n    doc: A range.\n", "").replacen(
        "    netmask:\n      ipv4: [8, 32]\n      ipv6: [112, 128]\n",
        "",
        1,
    );
    assert_eq!(
        errors(&v1),
        ["endpoints[0].params[1].type: parameters cannot be of type 'domain'; use string, secret, ip_ranges or an \
          enum at spec.yaml:35:15"]
    );
}

#[test]
fn integer_parameters_take_bounds() {
    let count = "      - name: count\n        type: integer\n        optional: true\n        minimum: 5\n        maximum: 50\n        doc: How many.\n";
    let src = with(IPR_SET, "        doc: The ranges.\n", &format!("        doc: The ranges.\n{count}"));
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    let p = &spec.api().endpoints[0].params[1];
    let bounds = p.bounds.unwrap();
    assert_eq!((bounds.minimum, bounds.maximum), (5, 50));
    assert_eq!(bounds.refusal(), "must be between 5 and 50");
    let at_least = with(&src, "        maximum: 50\n", "");
    let bounds = railgun_spec::parse(&at_least, "spec.yaml").unwrap().api().endpoints[0].params[1].bounds.unwrap();
    assert_eq!((bounds.maximum, bounds.refusal()), (u64::MAX, "must be at least 5".to_owned()));
    assert_eq!(spec.api().endpoints[0].params[0].bounds, None);

    let reversed = with(&src, "        minimum: 5\n", "        minimum: 51\n");
    assert_eq!(
        errors(&reversed),
        ["endpoints[0].params[1].minimum: minimum 51 is above maximum 50 at spec.yaml:44:18"]
    );
    let text = with(&src, "        type: integer\n", "        type: string\n");
    assert_eq!(
        errors(&text),
        ["endpoints[0].params[1].minimum: `minimum` and `maximum` are for integer parameters at spec.yaml:44:18"]
    );
    let field = with(&src, "        type: id\n", "        type: id\n        maximum: 9\n");
    assert_eq!(
        errors(&field),
        [
            "types[1].fields[0].maximum: `minimum` and `maximum` are for parameters, not response fields at spec.yaml:28:18"
        ]
    );
    let credential = with(&src, "        type: secret\n", "        type: secret\n        minimum: 1\n");
    assert_eq!(
        errors(&credential),
        ["families[0].auth[0].minimum: `minimum` and `maximum` are for integer parameters, not credentials at \
          spec.yaml:14:18"]
    );
}

#[test]
fn string_parameters_take_a_max_length() {
    let name = "      - name: name\n        type: string\n        max_length: 160\n        doc: A name.\n";
    let src = with(IPR_SET, "        doc: The ranges.\n", &format!("        doc: The ranges.\n{name}"));
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    assert_eq!(spec.api().endpoints[0].params[1].max_length, Some(160));
    assert_eq!(railgun_spec::ir::too_long(160), "must be at most 160 characters");

    let zero = with(&src, "        max_length: 160\n", "        max_length: 0\n");
    assert_eq!(
        errors(&zero),
        ["endpoints[0].params[1].max_length: `max_length` must be at least 1 at spec.yaml:43:21"]
    );
    let number = with(&src, "        type: string\n        max_length", "        type: integer\n        max_length");
    assert_eq!(
        errors(&number),
        ["endpoints[0].params[1].max_length: `max_length` is for string parameters at spec.yaml:43:21"]
    );
    let field = with(&src, "        type: id\n", "        type: id\n        max_length: 9\n");
    assert_eq!(
        errors(&field),
        ["types[1].fields[0].max_length: `max_length` is for parameters, not response fields at spec.yaml:28:21"]
    );
    let credential = with(&src, "        type: secret\n", "        type: secret\n        max_length: 1\n");
    assert_eq!(
        errors(&credential),
        ["families[0].auth[0].max_length: `max_length` is for string parameters, not credentials at spec.yaml:14:21"]
    );
}

#[test]
fn version_1_files_read_as_before_and_refuse_version_2_keys() {
    let v1 = railgun_spec::parse(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/delete.yaml")).unwrap(),
        "delete.yaml",
    )
    .unwrap();
    assert!(matches!(v1.api().endpoints[0].binding, Binding::ActionForm(_)));
    assert_eq!(v1.api().families[0].auth[0].credentials[0].location, CredentialLocation::Form);

    // The same spec in version 1, with version 1's ip_ranges.
    let with_ip_ranges = IPR_SET
        .replacen("version: 2\nprotocol: action_form\n", "version: 1\n", 1)
        .replacen(
            "  - name: IpRange\n    kind: ip_range\n    doc: A range.\n    netmask:\n      ipv4: [8, 32]\n      ipv6: [112, 128]\n",
            "",
            1,
        )
        .replacen("        type: list<IpRange>\n        encoding: json\n", "        type: ip_ranges\n", 1)
        .replacen("    idempotent: true\n", "", 1);
    let with_ip_ranges = with_ip_ranges.as_str();
    // Version 1's ip_ranges: a JSON array of ranges with ipr_set's documented bounds.
    let spec = railgun_spec::parse(with_ip_ranges, "spec.yaml").unwrap();
    let ty = &spec.api().endpoints[0].params[0].ty;
    let ParamType::List(ParamScalar::IpRange(range), ListEncoding::Json) = ty else { panic!("{ty:?}") };
    assert_eq!((range.named.is_none(), range.netmask), (true, Netmask { ipv4: (8, 32), ipv6: (112, 128) }));

    let src = with(with_ip_ranges, "        type: ip_ranges\n", "        type: ip_ranges\n        in: form\n");
    assert_eq!(
        errors(&src),
        ["endpoints[0].params[0].in: `in` is new in version 2; set `version: 2` at spec.yaml:32:13"]
    );
    assert!(!spec.api().endpoints[0].idempotent, "version 1 endpoints are not safe to repeat");
    let src = with(with_ip_ranges, "    response: IdResponse\n", "    response: IdResponse\n    idempotent: true\n");
    assert_eq!(
        errors(&src),
        ["endpoints[0].idempotent: `idempotent` is new in version 2; set `version: 2` at spec.yaml:34:17"]
    );
    let src = with(with_ip_ranges, "version: 1\n", "version: 1\nprotocol: action_form\n");
    assert_eq!(errors(&src), ["protocol: `protocol` is new in version 2; set `version: 2` at spec.yaml:2:11"]);
    let src = with(with_ip_ranges, "version: 1\n", "version: 2\n");
    assert_eq!(
        errors(&src),
        [
            "protocol: version 2 needs `protocol: action_form` or `protocol: rest_json` at spec.yaml:1:1",
            "endpoints[0].params[0].type: unknown type 'ip_ranges': expected one of string, secret, id, integer, \
             signed, flag, timestamp, domain, a type name from `types`, or list<Name> at spec.yaml:31:15",
            "endpoints[0]: 'ipr_set' needs `idempotent: true` (sending it twice does what sending it once does) \
             or `idempotent: false` at spec.yaml:23:5",
        ]
    );
    let src = with(with_ip_ranges, "version: 1\n", "version: 3\n");
    assert_eq!(
        errors(&src),
        [
            "version: unsupported version 3; this generator reads versions 1 and 2 at spec.yaml:1:10",
            "endpoints[0].params[0].type: unknown type 'ip_ranges': expected one of string, secret, id, integer, \
             signed, flag, timestamp, domain, a type name from `types`, or list<Name> at spec.yaml:31:15",
            "endpoints[0]: 'ipr_set' needs `idempotent: true` (sending it twice does what sending it once does) \
             or `idempotent: false` at spec.yaml:23:5",
        ]
    );
}

/// REST with a paginated list endpoint added after `connect`.
fn with_list(list: &str) -> String {
    let list_type = "types:\n  - name: ZoneRailgun";
    let src = with(REST, "endpoints:\n", &format!("endpoints:\n{list}"));
    assert!(src.contains(list_type));
    src
}

const LIST: &str = r#"  - action: list
    family: zone
    methods: [GET]
    path: zones/{zone_identifier}/railguns
    summary: List.
    docs: railgun-connections-for-a-zone-list-available-railguns
    paginated: true
    params:
      - name: zone_identifier
        rust: zone
        in: path
        type: string
        doc: Zone identifier.
      - name: page
        in: query
        type: integer
        optional: true
        doc: Page number.
      - name: per_page
        in: query
        type: integer
        optional: true
        doc: Page size.
    response: list<ZoneRailgun>
    idempotent: true
"#;

#[test]
fn a_paginated_list_takes_page_and_per_page_and_answers_a_list() {
    let spec = railgun_spec::parse(&with_list(LIST), "spec.yaml").unwrap();
    let flags: Vec<(&str, bool)> = spec.api().endpoints.iter().map(|e| (e.action.as_str(), e.paginated())).collect();
    assert_eq!(flags, [("list", true), ("connect", false)]);

    let src = with_list(&LIST.replace("        optional: true\n        doc: Page size.", "        doc: Page size."));
    assert_eq!(
        errors(&src),
        ["endpoints[0].paginated: a paginated endpoint takes `per_page` as an optional integer parameter \
          `in: query` at spec.yaml:45:16"]
    );
    let src = with_list(&LIST.replace("list<ZoneRailgun>", "ZoneRailgun"));
    assert_eq!(
        errors(&src),
        ["endpoints[0].paginated: a paginated endpoint answers list<…>, not 'ZoneRailgun' at spec.yaml:45:16"]
    );
    let src = with_list(&LIST.replace("- name: page\n", "- name: pages\n"));
    assert_eq!(
        errors(&src),
        ["endpoints[0].paginated: a paginated endpoint takes `page` as an optional integer parameter \
          `in: query` at spec.yaml:45:16"]
    );
    // The stream method's name is taken.
    let src = with_list(LIST).replace("  - action: connect\n", "  - action: list_stream\n");
    assert_eq!(
        errors(&src),
        ["endpoints[1].action: 'list_stream' is the name of the stream method of paginated 'list' at spec.yaml:64:13"]
    );
    let form = with(IPR_SET, "    idempotent: true\n", "    idempotent: true\n    paginated: true\n");
    assert_eq!(
        errors(&form),
        ["endpoints[0].paginated: `paginated` is for rest_json endpoints, whose answers carry `result_info` \
          at spec.yaml:43:16"]
    );
}

#[test]
fn a_deprecated_endpoint_keeps_its_note() {
    let src =
        with(REST, "    idempotent: true\n", "    idempotent: true\n    deprecated: Use the account endpoints.\n");
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    assert_eq!(spec.api().endpoints[0].deprecated.as_deref(), Some("Use the account endpoints."));

    let src = with(REST, "    idempotent: true\n", "    idempotent: true\n    deprecated: ' '\n");
    assert_eq!(errors(&src), ["endpoints[0].deprecated: `deprecated` needs the upstream note at spec.yaml:61:17"]);
}

#[test]
fn a_dotted_body_name_is_a_member_of_a_nested_object() {
    let nested = "      - name: connected\n        in: body\n        type: flag\n        doc: Connect or disconnect.\n\
                  \x20     - name: state.connected\n        rust: state\n        in: body\n        type: string\n        doc: Zone.\n";
    let src = with(
        REST,
        "      - name: connected\n        in: body\n        type: flag\n        doc: Connect or disconnect.\n",
        nested,
    );
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    assert_eq!(spec.api().endpoints[0].params[3].wire, "state.connected");

    let clash = src.replace(
        "      - name: connected\n        in: body",
        "      - name: state\n        rust: flag\n        in: body",
    );
    assert_eq!(
        errors(&clash),
        ["endpoints[0].params[2].name: body member 'state' is a value, so 'state.connected' cannot be inside it \
          at spec.yaml:55:15"]
    );
    let empty = src.replace("state.connected", "state..connected");
    assert_eq!(
        errors(&empty),
        ["endpoints[0].params[3].name: 'state..connected' is not a valid wire name at spec.yaml:59:15"]
    );
    // Only the body nests.
    let query = src.replace("rust: state\n        in: body", "rust: state\n        in: query");
    assert_eq!(
        errors(&query),
        ["endpoints[0].params[3].name: 'state.connected' is not a valid wire name at spec.yaml:59:15"]
    );
}

#[test]
fn fields_take_signed_integers_and_lists_of_strings() {
    let fields = "      - name: id\n        type: string\n        doc: Identifier.\n\
                  \x20     - name: development_mode\n        type: signed\n        doc: Seconds.\n\
                  \x20     - name: name_servers\n        type: list<string>\n        optional: true\n        doc: Servers.\n";
    let src = with(REST, "      - name: id\n        type: string\n        doc: Identifier.\n", fields);
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    let TypeKind::Struct(fields) = &spec.api().types[0].kind else { panic!("a struct") };
    let types: Vec<(&str, &FieldType, bool)> = fields.iter().map(|f| (f.rust.as_str(), &f.ty, f.optional)).collect();
    assert_eq!(
        types,
        [
            ("id", &FieldType::Scalar(Scalar::String), false),
            ("development_mode", &FieldType::Scalar(Scalar::Signed), false),
            ("name_servers", &FieldType::Strings, true),
        ]
    );
    let src = src.replace("list<string>", "list<integer>");
    assert_eq!(
        errors(&src),
        ["types[0].fields[2].type: list<integer>: lists hold strings or a struct type from `types` at spec.yaml:42:15"]
    );
}

#[test]
fn the_body_layout_gathers_a_nested_object_where_its_first_member_stands() {
    use railgun_spec::ir::{BodyMember, BodyValue};
    let members = "      - name: zone.id\n        rust: zone_id\n        in: body\n        type: string\n        doc: Zone.\n\
                   \x20     - name: connected\n        in: body\n        type: flag\n        doc: Connect or disconnect.\n\
                   \x20     - name: zone.name\n        rust: name\n        in: body\n        type: string\n        optional: true\n        doc: Name.\n";
    let src = with(
        REST,
        "      - name: connected\n        in: body\n        type: flag\n        doc: Connect or disconnect.\n",
        members,
    );
    let spec = railgun_spec::parse(&src, "spec.yaml").unwrap();
    let Binding::RestJson(rest) = &spec.api().endpoints[0].binding else { panic!("rest_json") };
    let param = |param, slot| BodyValue::Param { param, slot };
    assert_eq!(
        rest.body,
        [
            BodyMember {
                name: "zone".into(),
                value: BodyValue::Object(vec![
                    BodyMember { name: "id".into(), value: param(2, 0) },
                    BodyMember { name: "name".into(), value: param(4, 1) },
                ]),
            },
            BodyMember { name: "connected".into(), value: param(3, 2) },
        ]
    );
    assert_eq!(BodyMember::params(&rest.body), [(2, 0), (4, 1), (3, 2)]);
    // The path's parameters, by their position among the parameters.
    assert_eq!(
        rest.path,
        [
            PathSegment::Literal("zones/".into()),
            PathSegment::Param { name: "zone_identifier".into(), param: 0 },
            PathSegment::Literal("/railguns/".into()),
            PathSegment::Param { name: "identifier".into(), param: 1 },
        ]
    );
}
