//! A `rest_json` spec's `fleet:` section: the endpoints that read and change
//! a zone's connection through the Railgun's connections (v4), checked
//! against every family.

use super::Resolver;
use crate::ir::{
    self, ConnectionArg, ConnectionCall, ConnectionRoles, FieldType, FleetRoles, Named, ParamScalar, ParamType,
    Response,
};
use crate::model;
use crate::ty::Scalar;

/// What a role's endpoint answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Anything.
    Any,
    /// The connection type.
    Connection,
    /// A list of the connection type, page by page.
    Connections,
}

/// A role: its key, its endpoint, the arguments it must take and what it
/// must answer.
struct Role<'s> {
    path: String,
    action: &'s str,
    needs: &'static [ConnectionArg],
    answer: Answer,
}

const ENABLED: ConnectionArg = ConnectionArg::Enabled { optional: false };

impl Resolver<'_> {
    pub(super) fn connection_roles(
        &mut self,
        fleet: &model::Fleet,
        families: &mut [ir::Family],
        types: &[ir::TypeDef],
        endpoints: &[ir::Endpoint],
    ) {
        let (Some(zone), Some(connections), Some(connection), Some(create), Some(update), Some(delete)) =
            (&fleet.zone, &fleet.connections, &fleet.connection, &fleet.create, &fleet.update, &fleet.delete)
        else {
            return;
        };
        use ConnectionArg::{Account, Connection, Railgun, Zone};
        let roles = [
            Role { path: "fleet.zone.action".into(), action: &zone.action, needs: &[Zone], answer: Answer::Any },
            Role {
                path: "fleet.connections".into(),
                action: connections,
                needs: &[Account, Railgun],
                answer: Answer::Connections,
            },
            Role {
                path: "fleet.connection.action".into(),
                action: &connection.action,
                needs: &[Account, Railgun, Connection],
                answer: Answer::Connection,
            },
            Role {
                path: "fleet.create".into(),
                action: create,
                needs: &[Account, Railgun, Zone, ENABLED],
                answer: Answer::Connection,
            },
            Role {
                path: "fleet.update".into(),
                action: update,
                needs: &[Account, Railgun, Connection, ENABLED],
                answer: Answer::Any,
            },
            Role {
                path: "fleet.delete".into(),
                action: delete,
                needs: &[Account, Railgun, Connection],
                answer: Answer::Any,
            },
        ];
        for (index, family) in families.iter_mut().enumerate() {
            let of_family: Vec<&ir::Endpoint> = endpoints.iter().filter(|e| e.family.0 == index).collect();
            let found: Vec<Option<&ir::Endpoint>> = roles
                .iter()
                .map(|role| {
                    let endpoint = of_family.iter().copied().find(|e| e.action == role.action);
                    if endpoint.is_none() {
                        self.report(&role.path, format!("family '{}' has no endpoint '{}'", family.name, role.action));
                    }
                    endpoint
                })
                .collect();
            let [Some(zone_ep), Some(list_ep), Some(one_ep), Some(create_ep), Some(update_ep), Some(delete_ep)] =
                found[..]
            else {
                continue;
            };
            let calls: Vec<Option<ConnectionCall>> = roles
                .iter()
                .zip([zone_ep, list_ep, one_ep, create_ep, update_ep, delete_ep])
                .map(|(role, endpoint)| self.connection_call(role, endpoint))
                .collect();
            let listed = self.zone_answer(zone, zone_ep, types);
            let fields = self.connection_answer(connection, one_ep, types);
            if let Some((ty, _, _, _)) = &fields {
                for (role, endpoint) in roles.iter().zip([zone_ep, list_ep, one_ep, create_ep, update_ep, delete_ep]) {
                    self.check_answer(role, endpoint, ty);
                }
            }
            let [Some(zone_call), Some(list), Some(one), Some(create), Some(update), Some(delete)] = &calls[..] else {
                continue;
            };
            let (Some((railgun_id, connected)), Some((connection_type, id, zone_id, enabled))) = (listed, fields)
            else {
                continue;
            };
            family.fleet = Some(FleetRoles::Connections(ConnectionRoles {
                zone: zone_call.clone(),
                railgun_id,
                connected,
                connections: list.clone(),
                connection: one.clone(),
                connection_type,
                id,
                zone_id,
                enabled,
                create: create.clone(),
                update: update.clone(),
                delete: delete.clone(),
            }));
        }
    }

    /// The role's arguments, by the parameters' Rust names: each required
    /// parameter one the role needs, each it needs there once; an optional
    /// parameter it does not need is left out. The list role's `page` is
    /// not an argument: its `_stream` method is called.
    fn connection_call(&mut self, role: &Role, endpoint: &ir::Endpoint) -> Option<ConnectionCall> {
        let listing = role.answer == Answer::Connections;
        if listing && !endpoint.paginated {
            self.report(&role.path, format!("'{}' must be `paginated: true` to list connections", endpoint.action));
            return None;
        }
        let mut args = Vec::new();
        let mut ok = true;
        for p in endpoint.params.iter().filter(|p| !(listing && p.wire == "page")) {
            let arg = match (p.rust.as_str(), &p.ty) {
                ("account", ParamType::One(ParamScalar::Text)) => Some(ConnectionArg::Account),
                ("railgun", ParamType::One(ParamScalar::Text)) => Some(ConnectionArg::Railgun),
                ("zone", ParamType::One(ParamScalar::Text)) => Some(ConnectionArg::Zone),
                ("connection", ParamType::One(ParamScalar::Text)) => Some(ConnectionArg::Connection),
                ("enabled", ParamType::One(ParamScalar::Flag)) => Some(ENABLED),
                _ => None,
            };
            match arg.filter(|a| role.needs.contains(a)) {
                Some(ConnectionArg::Enabled { .. }) => args.push(ConnectionArg::Enabled { optional: p.optional }),
                Some(arg) if !p.optional => args.push(arg),
                _ if p.optional => args.push(ConnectionArg::Absent),
                _ => {
                    ok = false;
                    self.report(
                        &role.path,
                        format!(
                            "'{}' cannot play this role: its required parameter '{}' is not one of {}",
                            endpoint.action,
                            p.rust,
                            wanted(role.needs)
                        ),
                    );
                }
            }
        }
        for need in role.needs {
            let has = args.iter().any(|a| match (a, need) {
                (ConnectionArg::Enabled { .. }, ConnectionArg::Enabled { .. }) => true,
                _ => a == need,
            });
            if !has {
                ok = false;
                self.report(
                    &role.path,
                    format!("'{}' cannot play this role: it takes no {}", endpoint.action, wanted(&[*need])),
                );
            }
        }
        ok.then(|| ConnectionCall { action: endpoint.action.clone(), args })
    }

    /// `fleet.zone`: a list of Railguns with a required string id and a flag.
    fn zone_answer(
        &mut self,
        zone: &model::FleetZone,
        endpoint: &ir::Endpoint,
        types: &[ir::TypeDef],
    ) -> Option<(String, (String, bool))> {
        let Response::List(item) = &endpoint.response else {
            self.report("fleet.zone.action", format!("'{}' must answer a list of Railguns", endpoint.action));
            return None;
        };
        let id = self.fleet_field(types, item, &zone.railgun_id, "fleet.zone.railgun_id");
        let connected = self.fleet_field(types, item, &zone.connected, "fleet.zone.connected");
        let id = id.filter(|f| {
            let ok = f.ty == FieldType::Scalar(Scalar::String) && !f.optional;
            if !ok {
                self.report("fleet.zone.railgun_id", format!("'{}.{}' must be a required string", item.name, f.wire));
            }
            ok
        });
        let connected = connected.filter(|f| {
            let ok = f.ty == FieldType::Scalar(Scalar::Flag);
            if !ok {
                self.report("fleet.zone.connected", format!("'{}.{}' must be a flag", item.name, f.wire));
            }
            ok
        });
        Some((id?.rust.clone(), (connected?.rust.clone(), connected?.optional)))
    }

    /// `fleet.connection`: one object with a required string id, a path to
    /// a string zone id, and a flag.
    #[allow(clippy::type_complexity)]
    fn connection_answer(
        &mut self,
        connection: &model::FleetConnection,
        endpoint: &ir::Endpoint,
        types: &[ir::TypeDef],
    ) -> Option<(Named, String, Vec<(String, bool)>, (String, bool))> {
        let Response::Struct(ty) = &endpoint.response else {
            self.report("fleet.connection.action", format!("'{}' must answer one connection", endpoint.action));
            return None;
        };
        let id = self.fleet_field(types, ty, &connection.id, "fleet.connection.id").cloned();
        let id = id.filter(|f| {
            let ok = f.ty == FieldType::Scalar(Scalar::String) && !f.optional;
            if !ok {
                self.report("fleet.connection.id", format!("'{}.{}' must be a required string", ty.name, f.wire));
            }
            ok
        });
        let enabled = self.fleet_field(types, ty, &connection.enabled, "fleet.connection.enabled").cloned();
        let enabled = enabled.filter(|f| {
            let ok = f.ty == FieldType::Scalar(Scalar::Flag);
            if !ok {
                self.report("fleet.connection.enabled", format!("'{}.{}' must be a flag", ty.name, f.wire));
            }
            ok
        });
        let zone_id = self.zone_id_path(connection, ty, types);
        let (id, enabled, zone_id) = (id?, enabled?, zone_id?);
        Some((ty.clone(), id.rust, zone_id, (enabled.rust, enabled.optional)))
    }

    /// Follows `fleet.connection.zone_id` through the connection: objects,
    /// then a string.
    fn zone_id_path(
        &mut self,
        connection: &model::FleetConnection,
        ty: &Named,
        types: &[ir::TypeDef],
    ) -> Option<Vec<(String, bool)>> {
        let steps: Vec<&str> = connection.zone_id.split('.').collect();
        let mut current = ty.clone();
        let mut path = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let field = self.fleet_field(types, &current, step, "fleet.connection.zone_id")?.clone();
            path.push((field.rust.clone(), field.optional));
            match (&field.ty, i + 1 == steps.len()) {
                (FieldType::Struct(next), false) => current = next.clone(),
                (FieldType::Scalar(Scalar::String), true) => {}
                (_, last) => {
                    let what = if last { "a string" } else { "an object" };
                    self.report("fleet.connection.zone_id", format!("'{}.{step}' is not {what}", current.name));
                    return None;
                }
            }
        }
        Some(path)
    }

    /// The role's answer is the connection type (or a list of it) when the
    /// role needs one.
    fn check_answer(&mut self, role: &Role, endpoint: &ir::Endpoint, connection: &Named) {
        let ok = match (role.answer, &endpoint.response) {
            (Answer::Any, _) => true,
            (Answer::Connection, Response::Struct(ty)) | (Answer::Connections, Response::List(ty)) => ty == connection,
            _ => false,
        };
        if !ok {
            let what = if role.answer == Answer::Connections { "a list of " } else { "" };
            self.report(&role.path, format!("'{}' must answer {what}'{}'", endpoint.action, connection.name));
        }
    }
}

/// "the account and the railgun", for an error.
fn wanted(needs: &[ConnectionArg]) -> String {
    let names: Vec<&str> = needs
        .iter()
        .map(|a| match a {
            ConnectionArg::Account => "`account` (a string)",
            ConnectionArg::Railgun => "`railgun` (a string)",
            ConnectionArg::Zone => "`zone` (a string)",
            ConnectionArg::Connection => "`connection` (a string)",
            ConnectionArg::Enabled { .. } | ConnectionArg::Absent => "`enabled` (a flag)",
        })
        .collect();
    names.join(", ")
}
