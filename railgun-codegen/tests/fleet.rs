//! The spec's `fleet:` section: resolved into each family's roles, and every
//! wrong role reported at its key with a line and column.

use railgun_codegen::ir::{ConnectionArg, FleetArg, FleetRoles};

const SPEC: &str = include_str!("../../railgun-api/spec/railgun.yaml");
const SPEC_V4: &str = include_str!("../../railgun-api/spec/railgun-v4.yaml");

fn with(from: &str, to: &str) -> String {
    assert!(SPEC.contains(from), "{from:?} not in the spec");
    SPEC.replacen(from, to, 1)
}

fn with_v4(from: &str, to: &str) -> String {
    assert!(SPEC_V4.contains(from), "{from:?} not in the spec");
    SPEC_V4.replacen(from, to, 1)
}

fn errors(source: &str) -> Vec<String> {
    errors_in(source, "railgun.yaml")
}

fn errors_in(source: &str, file: &str) -> Vec<String> {
    match railgun_codegen::parse(source, file) {
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
        let Some(FleetRoles::Actions(fleet)) = &family.fleet else { panic!("{:?}", family.fleet) };
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

#[test]
fn the_v4_family_gets_every_connection_role() {
    use ConnectionArg::{Absent, Account, Connection, Enabled, Railgun, Zone};
    let api = railgun_codegen::parse(SPEC_V4, "railgun-v4.yaml").unwrap();
    let family = &api.api().families[0];
    let Some(FleetRoles::Connections(roles)) = &family.fleet else { panic!("{:?}", family.fleet) };
    let call = |c: &railgun_codegen::ir::ConnectionCall| (c.action.clone(), c.args.clone());
    assert_eq!(call(&roles.zone), ("list_zone_railguns".into(), vec![Zone]));
    assert_eq!((roles.railgun_id.as_str(), &roles.connected), ("id", &("connected".to_owned(), false)));
    // The list's `_stream` takes no `page`; its filter and page size are left out.
    assert_eq!(call(&roles.connections), ("list_connections".into(), vec![Account, Railgun, Absent, Absent]));
    assert_eq!(call(&roles.connection), ("connection_details".into(), vec![Account, Railgun, Connection]));
    assert_eq!(
        call(&roles.create),
        ("create_connection".into(), vec![Account, Railgun, Zone, Enabled { optional: true }])
    );
    assert_eq!(
        call(&roles.update),
        ("update_connection".into(), vec![Account, Railgun, Connection, Enabled { optional: false }])
    );
    assert_eq!(call(&roles.delete), ("delete_connection".into(), vec![Account, Railgun, Connection]));
    assert_eq!(roles.connection_type.name, "Connection");
    assert_eq!(roles.id, "id");
    assert_eq!(roles.zone_id, [("zone".to_owned(), false), ("id".to_owned(), true)]);
    assert_eq!(roles.enabled, ("enabled".to_owned(), false));
}

#[test]
fn a_role_of_the_other_protocol_or_a_missing_one() {
    let src = with_v4("  delete: delete_connection\n", "  delete: delete_connection\n  disable: update_connection\n");
    let line = line_of(&src, "  disable: update_connection");
    assert_eq!(
        errors_in(&src, "railgun-v4.yaml"),
        [format!("fleet.disable: `disable` is not a role of a rest_json spec's fleet at railgun-v4.yaml:{line}:12")]
    );
    let src = with_v4("  update: update_connection\n", "");
    let line = line_of(&src, "\nfleet:\n") + 2;
    assert_eq!(
        errors_in(&src, "railgun-v4.yaml"),
        [format!("fleet: a rest_json spec's fleet needs the role `update` at railgun-v4.yaml:{line}:3")]
    );
    let src = with("  disconnect: conn_delete\n", "  disconnect: conn_delete\n  create: conn_set\n");
    let line = line_of(&src, "  create: conn_set");
    assert_eq!(
        errors(&src),
        [format!("fleet.create: `create` is not a role of an action_form spec's fleet at railgun.yaml:{line}:11")]
    );
}

#[test]
fn a_connection_role_whose_endpoint_does_not_fit() {
    // An endpoint that takes another required parameter, or lacks one.
    let src = with_v4("  update: update_connection", "  update: zone_railgun_details");
    let line = line_of(&src, "  update: zone_railgun_details");
    assert_eq!(
        errors_in(&src, "railgun-v4.yaml"),
        [
            format!(
                "fleet.update: 'zone_railgun_details' cannot play this role: its required parameter 'zone' is not \
                 one of `account` (a string), `railgun` (a string), `connection` (a string), `enabled` (a flag) at \
                 railgun-v4.yaml:{line}:11"
            ),
            format!(
                "fleet.update: 'zone_railgun_details' cannot play this role: it takes no `account` (a string) at \
                 railgun-v4.yaml:{line}:11"
            ),
            format!(
                "fleet.update: 'zone_railgun_details' cannot play this role: it takes no `connection` (a string) at \
                 railgun-v4.yaml:{line}:11"
            ),
            format!(
                "fleet.update: 'zone_railgun_details' cannot play this role: it takes no `enabled` (a flag) at \
                 railgun-v4.yaml:{line}:11"
            ),
        ]
    );
    // A list that is not paginated; an answer of another type.
    let src = with_v4("  connections: list_connections", "  connections: list_railgun_zones");
    let line = line_of(&src, "  connections: list_railgun_zones");
    assert_eq!(
        errors_in(&src, "railgun-v4.yaml")[0],
        format!(
            "fleet.connections: 'list_railgun_zones' must be `paginated: true` to list connections at \
             railgun-v4.yaml:{line}:16"
        )
    );
    let src = with_v4("  create: create_connection", "  create: connect_or_disconnect_zone_railgun");
    let errors = errors_in(&src, "railgun-v4.yaml");
    let expected = "fleet.create: 'connect_or_disconnect_zone_railgun' must answer 'Connection' at";
    assert!(errors.iter().any(|e| e.starts_with(expected)), "{errors:#?}");
}

#[test]
fn a_wrong_connection_field() {
    let src = with_v4("    zone_id: zone.id", "    zone_id: zone.name.id");
    let line = line_of(&src, "zone.name.id");
    assert_eq!(
        errors_in(&src, "railgun-v4.yaml"),
        [format!("fleet.connection.zone_id: 'ConnectionZone.name' is not an object at railgun-v4.yaml:{line}:14")]
    );
    let src = with_v4("    connected: connected", "    connected: name");
    assert!(
        errors_in(&src, "railgun-v4.yaml")[0].starts_with("fleet.zone.connected: 'ZoneRailgun.name' must be a flag at")
    );
    let src = with_v4("    enabled: enabled\n  create", "    enabled: zone\n  create");
    assert!(
        errors_in(&src, "railgun-v4.yaml")[0]
            .starts_with("fleet.connection.enabled: 'Connection.zone' must be a flag at")
    );
    let src = with_v4("    railgun_id: id\n", "    railgun_id: identifier\n");
    assert!(errors_in(&src, "railgun-v4.yaml")[0].starts_with(
        "fleet.zone.railgun_id: 'ZoneRailgun' has no field 'identifier'; it has id, name, enabled, connected at"
    ));
}
