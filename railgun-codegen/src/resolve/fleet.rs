//! The spec's `fleet:` section: which endpoint plays each role of the
//! runtime's desired-state reconcile, checked against every family.

use super::Resolver;
use crate::ir::{
    self, FieldType, FleetArg, FleetBinding, FleetCall, FleetRoles, ParamScalar, ParamType, Response, TypeKind,
};
use crate::model::{self, Protocol};
use crate::ty::Scalar;

/// What a role's action may take besides the zone and the token.
enum Extra<'s> {
    Nothing,
    Mode(&'s model::FleetConnect),
}

/// The keys of each protocol's `fleet:` section.
const ACTION_KEYS: [&str; 5] = ["read", "connect", "enable", "disable", "disconnect"];
const CONNECTION_KEYS: [&str; 6] = ["zone", "connections", "connection", "create", "update", "delete"];

/// The `action_form` roles, when all are there.
struct ActionRoles<'s> {
    read: &'s model::FleetRead,
    connect: &'s model::FleetConnect,
    enable: &'s str,
    disable: &'s str,
    disconnect: &'s str,
}

impl Resolver<'_> {
    pub(super) fn fleet(&mut self, families: &mut [ir::Family], types: &[ir::TypeDef], endpoints: &[ir::Endpoint]) {
        let Some(fleet) = &self.spec.fleet else { return };
        self.needs_v2("fleet", "`fleet`");
        let present = |key: &str| match key {
            "read" => fleet.read.is_some(),
            "connect" => fleet.connect.is_some(),
            "enable" => fleet.enable.is_some(),
            "disable" => fleet.disable.is_some(),
            "disconnect" => fleet.disconnect.is_some(),
            "zone" => fleet.zone.is_some(),
            "connections" => fleet.connections.is_some(),
            "connection" => fleet.connection.is_some(),
            "create" => fleet.create.is_some(),
            "update" => fleet.update.is_some(),
            _ => fleet.delete.is_some(),
        };
        let (protocol, wanted, other) = match self.protocol {
            Protocol::ActionForm => ("an action_form", &ACTION_KEYS[..], &CONNECTION_KEYS[..]),
            Protocol::RestJson => ("a rest_json", &CONNECTION_KEYS[..], &ACTION_KEYS[..]),
        };
        let mut complete = true;
        for key in other.iter().filter(|k| present(k)) {
            complete = false;
            self.report(format!("fleet.{key}"), format!("`{key}` is not a role of {protocol} spec's fleet"));
        }
        for key in wanted.iter().filter(|k| !present(k)) {
            complete = false;
            self.report("fleet", format!("{protocol} spec's fleet needs the role `{key}`"));
        }
        if !complete {
            return;
        }
        match self.protocol {
            Protocol::ActionForm => {
                let (Some(read), Some(connect), Some(enable), Some(disable), Some(disconnect)) =
                    (&fleet.read, &fleet.connect, &fleet.enable, &fleet.disable, &fleet.disconnect)
                else {
                    return;
                };
                let roles = ActionRoles { read, connect, enable, disable, disconnect };
                self.action_roles(&roles, families, types, endpoints);
            }
            Protocol::RestJson => self.connection_roles(fleet, families, types, endpoints),
        }
    }

    fn action_roles(
        &mut self,
        fleet: &ActionRoles,
        families: &mut [ir::Family],
        types: &[ir::TypeDef],
        endpoints: &[ir::Endpoint],
    ) {
        for (index, family) in families.iter_mut().enumerate() {
            let of_family: Vec<&ir::Endpoint> = endpoints.iter().filter(|e| e.family.0 == index).collect();
            let find = |action: &str| of_family.iter().copied().find(|e| e.action == action);
            let call = |r: &mut Self, path: &str, action: &str, extra: Extra| -> Option<FleetCall> {
                let Some(endpoint) = find(action) else {
                    r.report(path, format!("family '{}' has no action '{action}'", family.name));
                    return None;
                };
                r.fleet_args(path, endpoint, types, extra).map(|args| FleetCall { action: action.to_owned(), args })
            };
            let read = call(self, "fleet.read.action", &fleet.read.action, Extra::Nothing);
            let connect = call(self, "fleet.connect.action", &fleet.connect.action, Extra::Mode(fleet.connect));
            let enable = call(self, "fleet.enable", fleet.enable, Extra::Nothing);
            let disable = call(self, "fleet.disable", fleet.disable, Extra::Nothing);
            let disconnect = call(self, "fleet.disconnect", fleet.disconnect, Extra::Nothing);
            let answer = find(&fleet.read.action).map(|e| self.fleet_answer(fleet.read, &e.response, types));
            if let (Some(read), Some(connect), Some(enable), Some(disable), Some(disconnect), Some(Some(answer))) =
                (read, connect, enable, disable, disconnect, answer)
            {
                let (connection, railgun_id, enabled) = answer;
                family.fleet = Some(FleetRoles::Actions(FleetBinding {
                    read,
                    connection,
                    railgun_id,
                    enabled,
                    connect,
                    enable,
                    disable,
                    disconnect,
                }));
            }
        }
    }

    /// The role's arguments: the endpoint's parameters must be exactly one
    /// required domain or text (the zone), for every role but `read` one
    /// required secret (the token), and for `connect` the mode.
    fn fleet_args(
        &mut self,
        path: &str,
        endpoint: &ir::Endpoint,
        types: &[ir::TypeDef],
        extra: Extra,
    ) -> Option<Vec<FleetArg>> {
        let reading = path.starts_with("fleet.read");
        let mut args = Vec::new();
        let mut ok = true;
        for p in &endpoint.params {
            let arg = match (&p.ty, &extra) {
                (_, Extra::Mode(connect)) if p.wire == connect.mode => self.fleet_mode(p, connect, types),
                (ParamType::One(ParamScalar::Domain | ParamScalar::Text), _) if !p.optional => Some(FleetArg::Zone),
                (ParamType::One(ParamScalar::Secret), _) if !p.optional && !reading => Some(FleetArg::Token),
                _ => None,
            };
            match arg {
                Some(arg) if !args.contains(&arg) => args.push(arg),
                _ => {
                    ok = false;
                    let wanted = match extra {
                        Extra::Mode(connect) => format!("the zone, the Railgun token and the mode '{}'", connect.mode),
                        Extra::Nothing if reading => "the zone".to_owned(),
                        Extra::Nothing => "the zone and the Railgun token".to_owned(),
                    };
                    self.report(
                        path,
                        format!(
                            "'{}' cannot play this role: its parameter '{}' is not one of {wanted} \
                             (one required value each)",
                            endpoint.action, p.wire
                        ),
                    );
                }
            }
        }
        let mut needed = vec![FleetArg::Zone];
        if !reading {
            needed.push(FleetArg::Token);
        }
        for need in needed {
            if !args.contains(&need) {
                ok = false;
                let what = if need == FleetArg::Zone {
                    "the zone (a domain or a string)"
                } else {
                    "the Railgun token (a secret)"
                };
                self.report(path, format!("'{}' cannot play this role: it takes no {what}", endpoint.action));
            }
        }
        if let Extra::Mode(connect) = extra
            && !endpoint.params.iter().any(|p| p.wire == connect.mode)
        {
            ok = false;
            self.report("fleet.connect.mode", format!("'{}' has no parameter '{}'", endpoint.action, connect.mode));
        }
        ok.then_some(args)
    }

    fn fleet_mode(&mut self, p: &ir::Param, connect: &model::FleetConnect, types: &[ir::TypeDef]) -> Option<FleetArg> {
        let ParamType::One(ParamScalar::Enum(ty)) = &p.ty else {
            self.report("fleet.connect.mode", format!("parameter '{}' must be an enum to be the mode", p.wire));
            return None;
        };
        if p.optional {
            self.report("fleet.connect.mode", format!("parameter '{}' is optional; the mode must be sent", p.wire));
            return None;
        }
        let TypeKind::Enum(def) = &types[ty.named.id.index()].kind else { return None };
        let mut variant = |key: &str, wire: &str| {
            let found = def.variants.iter().find(|v| v.wire == wire).map(|v| v.name.clone());
            if found.is_none() {
                let known: Vec<&str> = def.variants.iter().map(|v| v.wire.as_str()).collect();
                self.report(
                    format!("fleet.connect.{key}"),
                    format!("'{}' has no value '{wire}'; it has {}", ty.named.name, known.join(", ")),
                );
            }
            found
        };
        let enabled = variant("enabled", &connect.enabled);
        let disabled = variant("disabled", &connect.disabled);
        Some(FleetArg::Mode { ty: ty.clone(), enabled: enabled?, disabled: disabled? })
    }

    /// Follows `fleet.read.connection` through the read's answer, and finds
    /// the connection's id and flag.
    fn fleet_answer(
        &mut self,
        read: &model::FleetRead,
        response: &Response,
        types: &[ir::TypeDef],
    ) -> Option<(Vec<String>, String, (String, bool))> {
        let Response::Struct(mut current) = response.clone() else {
            self.report("fleet.read.action", format!("'{}' must answer one object", read.action));
            return None;
        };
        let steps: Vec<&str> = read.connection.split('.').collect();
        let mut rust = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            let field = self.fleet_field(types, &current, step, "fleet.read.connection")?;
            let FieldType::Struct(next) = &field.ty else {
                self.report("fleet.read.connection", format!("'{}.{step}' is not an object", current.name));
                return None;
            };
            if field.optional != last {
                let why = if last {
                    "the last step must be optional: a zone without a connection has none"
                } else {
                    "only the last step may be optional"
                };
                self.report("fleet.read.connection", format!("'{}.{step}': {why}", current.name));
                return None;
            }
            rust.push(field.rust.clone());
            current = next.clone();
        }
        let id = self.fleet_field(types, &current, &read.railgun_id, "fleet.read.railgun_id")?;
        let id_ok = matches!(id.ty, FieldType::Scalar(Scalar::Id | Scalar::Integer)) && !id.optional;
        let enabled = self.fleet_field(types, &current, &read.enabled, "fleet.read.enabled")?;
        let enabled_ok = matches!(enabled.ty, FieldType::Scalar(Scalar::Flag));
        if !id_ok {
            self.report("fleet.read.railgun_id", format!("'{}.{}' must be a required id", current.name, id.wire));
        }
        if !enabled_ok {
            self.report("fleet.read.enabled", format!("'{}.{}' must be a flag", current.name, enabled.wire));
        }
        (id_ok && enabled_ok).then(|| (rust, id.rust.clone(), (enabled.rust.clone(), enabled.optional)))
    }

    pub(super) fn fleet_field<'t>(
        &mut self,
        types: &'t [ir::TypeDef],
        owner: &ir::Named,
        wire: &str,
        path: &str,
    ) -> Option<&'t ir::Field> {
        let TypeKind::Struct(fields) = &types[owner.id.index()].kind else { return None };
        let found = fields.iter().find(|f| f.wire == wire);
        if found.is_none() {
            let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
            self.report(path, format!("'{}' has no field '{wire}'; it has {}", owner.name, known.join(", ")));
        }
        found
    }
}
