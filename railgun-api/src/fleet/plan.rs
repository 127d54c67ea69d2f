//! [`Desired`]: the state every zone should end in, and [`Change`]: the
//! one change that brings a zone there from what was read.

use std::fmt;

use serde::Serialize;

use super::{Connections, FleetError, Link, Railgun, Target};

/// The state every zone should end in, for a Railgun `R` ([`Target`] in
/// v2, [`AccountRailgun`](super::AccountRailgun) in v4).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Desired<R = Target> {
    /// Connected to `railgun`, enabled or not. A zone connected to another
    /// Railgun is left alone and reported ([`FleetError::Conflict`]).
    Connected {
        /// The Railgun.
        railgun: R,
        /// Whether Railgun should be enabled for the zone.
        enabled: bool,
    },
    /// Not connected to `railgun` (a connection to another Railgun is left
    /// alone).
    Disconnected {
        /// The Railgun.
        railgun: R,
    },
    /// Connected to `railgun` already, and enabled: a zone that is not
    /// connected to it is reported ([`FleetError::NotConnected`]).
    Enabled {
        /// The Railgun.
        railgun: R,
    },
    /// Connected to `railgun` already, and disabled.
    Disabled {
        /// The Railgun.
        railgun: R,
    },
    /// Nothing to change: read and report every zone's active connection.
    Audit,
}

impl<R: Railgun> Desired<R> {
    /// A short name: `connect`, `disconnect`, `enable`, `disable`, `audit`.
    pub fn name(&self) -> &'static str {
        match self {
            Desired::Connected { .. } => "connect",
            Desired::Disconnected { .. } => "disconnect",
            Desired::Enabled { .. } => "enable",
            Desired::Disabled { .. } => "disable",
            Desired::Audit => "audit",
        }
    }

    /// Whether a zone whose active connection is `found` is as desired.
    pub fn is_met_by(&self, found: Option<&Link>) -> bool {
        match (self, found) {
            (Desired::Audit, _) => true,
            (Desired::Connected { railgun, enabled }, Some(link)) => {
                link.railgun_id == railgun.id() && link.enabled == Some(*enabled)
            }
            (Desired::Disconnected { railgun }, found) => found.is_none_or(|l| l.railgun_id != railgun.id()),
            (Desired::Enabled { railgun }, Some(link)) => link.railgun_id == railgun.id() && link.enabled == Some(true),
            (Desired::Disabled { railgun }, Some(link)) => {
                link.railgun_id == railgun.id() && link.enabled == Some(false)
            }
            (Desired::Connected { .. } | Desired::Enabled { .. } | Desired::Disabled { .. }, None) => false,
        }
    }

    /// The one change that brings a zone whose active connection is `found`
    /// to the desired state, or why none can.
    pub fn plan(&self, found: Option<&Link>) -> Result<Change, FleetError> {
        if self.is_met_by(found) {
            return Ok(Change::None);
        }
        let (railgun, enabled) = match self {
            Desired::Audit => return Ok(Change::None),
            Desired::Disconnected { .. } => return Ok(Change::Disconnect),
            Desired::Connected { railgun, enabled } => (railgun, *enabled),
            Desired::Enabled { railgun } => (railgun, true),
            Desired::Disabled { railgun } => (railgun, false),
        };
        match found {
            Some(link) if link.railgun_id != railgun.id() => {
                Err(FleetError::Conflict { railgun_id: link.railgun_id.clone() })
            }
            Some(_) => Ok(if enabled { Change::Enable } else { Change::Disable }),
            None if matches!(self, Desired::Connected { .. }) => {
                Ok(if enabled { Change::ConnectEnabled } else { Change::ConnectDisabled })
            }
            None => Err(FleetError::NotConnected),
        }
    }

    /// The Railgun the operation is about; `None` for an audit.
    pub fn railgun(&self) -> Option<&R> {
        match self {
            Desired::Connected { railgun, .. }
            | Desired::Disconnected { railgun }
            | Desired::Enabled { railgun }
            | Desired::Disabled { railgun } => Some(railgun),
            Desired::Audit => None,
        }
    }
}

/// What a reconcile did, or would do, to one zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// Nothing: the zone was as desired (or could not be read).
    None,
    /// Connect the zone, with Railgun enabled.
    ConnectEnabled,
    /// Connect the zone, with Railgun disabled.
    ConnectDisabled,
    /// Enable Railgun on the zone's connection.
    Enable,
    /// Disable Railgun on the zone's connection.
    Disable,
    /// Remove the zone's connection.
    Disconnect,
}

impl Change {
    /// The name used in reports: `none`, `connect_enabled`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Change::None => "none",
            Change::ConnectEnabled => "connect_enabled",
            Change::ConnectDisabled => "connect_disabled",
            Change::Enable => "enable",
            Change::Disable => "disable",
            Change::Disconnect => "disconnect",
        }
    }

    pub(super) async fn apply<A: Connections>(
        self,
        api: &A,
        zone: &str,
        railgun: &A::Railgun,
    ) -> Result<(), FleetError> {
        match self {
            Change::None => Ok(()),
            Change::ConnectEnabled => api.connect(zone, railgun, true).await,
            Change::ConnectDisabled => api.connect(zone, railgun, false).await,
            Change::Enable => api.set_enabled(zone, railgun, true).await,
            Change::Disable => api.set_enabled(zone, railgun, false).await,
            Change::Disconnect => api.disconnect(zone, railgun).await,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::fleet::RailgunId;

    fn target() -> Target {
        Target::new(7, Secret::new("rtkn"))
    }

    #[test]
    fn plans_follow_the_found_state() {
        let on = |id: u64| Link::new(id, Some(true));
        let off = |id: u64| Link::new(id, Some(false));
        let connect = Desired::Connected { railgun: target(), enabled: true };
        assert_eq!(connect.plan(None).unwrap(), Change::ConnectEnabled);
        assert_eq!(connect.plan(Some(&on(7))).unwrap(), Change::None);
        assert_eq!(connect.plan(Some(&off(7))).unwrap(), Change::Enable);
        assert_eq!(connect.plan(Some(&Link::new(7, None))).unwrap(), Change::Enable);
        assert!(matches!(connect.plan(Some(&on(8))), Err(FleetError::Conflict { railgun_id: RailgunId::Number(8) })));
        let inactive = Desired::Connected { railgun: target(), enabled: false };
        assert_eq!(inactive.plan(None).unwrap(), Change::ConnectDisabled);
        assert_eq!(inactive.plan(Some(&on(7))).unwrap(), Change::Disable);

        let disconnect = Desired::Disconnected { railgun: target() };
        assert_eq!(disconnect.plan(Some(&on(7))).unwrap(), Change::Disconnect);
        assert_eq!(disconnect.plan(None).unwrap(), Change::None);
        assert_eq!(
            disconnect.plan(Some(&on(8))).unwrap(),
            Change::None,
            "another Railgun's connection is not ours to remove"
        );

        let enable = Desired::Enabled { railgun: target() };
        assert!(matches!(enable.plan(None), Err(FleetError::NotConnected)));
        assert_eq!(enable.plan(Some(&off(7))).unwrap(), Change::Enable);
        assert_eq!(Desired::Disabled { railgun: target() }.plan(Some(&on(7))).unwrap(), Change::Disable);
        assert_eq!(Desired::<Target>::Audit.plan(Some(&on(8))).unwrap(), Change::None);
    }
}
