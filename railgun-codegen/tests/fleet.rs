//! The spec's `fleet:` section: resolved into each family's roles, and every
//! wrong role reported at its key with a line and column.

use railgun_codegen::ir::{FleetArg, FleetBinding};

const SPEC: &str = include_str!("../../railgun-api/spec/railgun.yaml");

fn with(from: &str, to: &str) -> String {
    assert!(SPEC.contains(from), "{from:?} not in the spec");
    SPEC.replacen(from, to, 1)
}

fn errors(source: &str) -> Vec<String> {
    match railgun_codegen::parse(source, "railgun.yaml") {
        Ok(_) => panic!("spec was accepted"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// The line of `needle`'s first occurrence in `source`, counting from 1.
fn line_of(source: &str, needle: &str) -> usize {
    source[..source.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn both_families_get_every_role() {
    let api = railgun_codegen::parse(SPEC, "railgun.yaml").unwrap();
    for family in &api.api().families {
        let fleet: &FleetBinding = family.fleet.as_ref().unwrap();
        assert_eq!(fleet.read.action, "zone_conn_get_active");
        assert_eq!(fleet.read.args, [FleetArg::Zone]);
        assert_eq!(fleet.connection, ["connection", "active"]);
        assert_eq!((fleet.railgun_id.as_str(), &fleet.enabled), ("railgun_id", &("enabled".to_owned(), true)));
        assert_eq!(fleet.connect.action, "conn_set");
        match &fleet.connect.args[..] {
            [FleetArg::Zone, FleetArg::Token, FleetArg::Mode { ty, enabled, disabled }] => {
                assert_eq!(
                    (ty.named.name.as_str(), enabled.as_str(), disabled.as_str()),
                    ("Mode", "Active", "Inactive")
                );
            }
            other => panic!("{other:?}"),
        }
        for (call, action) in [
            (&fleet.enable, "conn_setmode_enabled"),
            (&fleet.disable, "conn_setmode_disabled"),
            (&fleet.disconnect, "conn_delete"),
        ] {
            assert_eq!((call.action.as_str(), &call.args[..]), (action, &[FleetArg::Zone, FleetArg::Token][..]));
        }
    }
}

#[test]
fn an_action_a_family_lacks() {
    let src = with("  disconnect: conn_delete", "  disconnect: conn_multi_delete");
    let line = line_of(&src, "  disconnect: conn_multi_delete");
    assert_eq!(
        errors(&src),
        [
            format!("fleet.disconnect: family 'client' has no action 'conn_multi_delete' at railgun.yaml:{line}:15"),
            format!("fleet.disconnect: family 'partner' has no action 'conn_multi_delete' at railgun.yaml:{line}:15"),
        ]
    );
}

#[test]
fn a_role_whose_action_takes_other_parameters() {
    // suggestion_set takes the zone, the token and `auto_enabled`: not a disconnect.
    let src = with("  disconnect: conn_delete", "  disconnect: suggestion_set");
    let line = line_of(&src, "  disconnect: suggestion_set");
    let errors = errors(&src);
    assert_eq!(
        errors,
        [
            format!("fleet.disconnect: family 'client' has no action 'suggestion_set' at railgun.yaml:{line}:15"),
            format!(
                "fleet.disconnect: 'suggestion_set' cannot play this role: its parameter 'auto_enabled' is not one of \
                 the zone and the Railgun token (one required value each) at railgun.yaml:{line}:15"
            ),
        ]
    );
}

#[test]
fn a_wrong_path_field_or_mode_value() {
    let src = with("connection: railgun_conn.obj", "connection: railgun_conn.object");
    let line = line_of(&src, "railgun_conn.object");
    let first = &errors(&src)[0];
    assert_eq!(
        first,
        &format!("fleet.read.connection: 'ZoneConn' has no field 'object'; it has obj at railgun.yaml:{line}:17")
    );

    let src = with("connection: railgun_conn.obj", "connection: railgun_conn");
    assert!(errors(&src)[0].starts_with(
        "fleet.read.connection: 'ZoneConnResponse.railgun_conn': the last step must be optional: a zone without a \
         connection has none at"
    ));

    let src = with("    enabled: railgun_enabled", "    enabled: railgun_conn_mode");
    assert!(errors(&src)[0].starts_with("fleet.read.enabled: 'Connection.railgun_conn_mode' must be a flag at"));

    let src = with("    enabled: \"1\"", "    enabled: \"on\"");
    let line = line_of(&src, "enabled: \"on\"");
    assert_eq!(
        errors(&src)[0],
        format!("fleet.connect.enabled: 'Mode' has no value 'on'; it has 1, 0 at railgun.yaml:{line}:14")
    );

    let src = with("    mode: mode\n", "    mode: auto_enabled\n");
    assert!(errors(&src)[0].starts_with(
        "fleet.connect.action: 'conn_set' cannot play this role: its parameter 'mode' is not one of the zone, the \
         Railgun token and the mode 'auto_enabled'"
    ));
}

#[test]
fn version_1_has_no_fleet() {
    let src = with("version: 2\nprotocol: action_form\n", "version: 1\n");
    let line = line_of(&src, "\nfleet:\n") + 2;
    let errors = errors(&src);
    let expected = format!("fleet: `fleet` is new in version 2; set `version: 2` at railgun.yaml:{line}:3");
    assert!(errors.contains(&expected), "{errors:#?}");
}
