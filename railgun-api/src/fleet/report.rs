//! What happened to each zone: [`ZoneReport`], and [`FleetError`], why a
//! zone did not reach the desired state.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::{Change, Link, RailgunId};
use crate::Error;

/// Why a zone did not reach the desired state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// A call failed after the client's own retries.
    #[error(transparent)]
    Call(#[from] Error),
    /// The zone is connected to another Railgun, which this operation does
    /// not touch: disconnect it first with that Railgun's token.
    #[error("the zone is connected to Railgun {railgun_id}, not to this one")]
    Conflict {
        /// The Railgun the zone is connected to.
        railgun_id: RailgunId,
    },
    /// Enabling or disabling needs the zone to be connected to the Railgun.
    #[error("the zone is not connected to this Railgun")]
    NotConnected,
    /// The zone is connected to the Railgun, but the Railgun's connections
    /// do not list it, so its mode cannot be read or set (v4).
    #[error("the zone is connected to Railgun {railgun_id}, but its connections do not list the zone")]
    Unlisted {
        /// The Railgun the zone is connected to.
        railgun_id: RailgunId,
    },
    /// The run stopped (see [`Run::stopped`](super::Run::stopped)) before
    /// the change this zone needs was sent.
    #[error("the run stopped before this zone's change was sent")]
    Stopped,
    /// The change was accepted, but reading the zone again does not show it.
    #[error("the change was accepted but the zone's connection does not show it: {}", shown(found.as_ref()))]
    Unverified {
        /// The connection read after the change.
        found: Option<Link>,
    },
}

fn shown(found: Option<&Link>) -> String {
    match found {
        None => "no connection".to_owned(),
        Some(Link { railgun_id, enabled }) => {
            let mode = match enabled {
                Some(true) => "enabled",
                Some(false) => "disabled",
                None => "mode unknown",
            };
            format!("Railgun {railgun_id}, {mode}")
        }
    }
}

impl FleetError {
    /// A short name for reports: `call`, `conflict`, `not_connected`,
    /// `unlisted`, `unverified`, `stopped`.
    pub fn kind(&self) -> &'static str {
        match self {
            FleetError::Call(_) => "call",
            FleetError::Conflict { .. } => "conflict",
            FleetError::NotConnected => "not_connected",
            FleetError::Unlisted { .. } => "unlisted",
            FleetError::Unverified { .. } => "unverified",
            FleetError::Stopped => "stopped",
        }
    }

    /// Whether running the operation again may succeed: a call that failed
    /// in a way that may pass, or a change that did not show yet.
    pub fn is_retryable(&self) -> bool {
        match self {
            FleetError::Call(e) => e.is_retryable(),
            FleetError::Unverified { .. } | FleetError::Unlisted { .. } => true,
            FleetError::Conflict { .. } | FleetError::NotConnected | FleetError::Stopped => false,
        }
    }
}

/// What happened to one zone.
///
/// Serialized (as the `railgun` command prints it, one JSON line per zone)
/// as `{"zone", "op", "found", "change", "applied", "after", "ok", "error"}`:
/// `found` and `after` are `null` for no connection and left out when the
/// zone could not be read; `error`, when there is one, is `{"kind",
/// "message", "retryable"}`, with every secret blanked from `message`.
#[derive(Debug)]
#[non_exhaustive]
pub struct ZoneReport {
    /// The zone.
    pub zone: String,
    /// The operation (`connect`, `disconnect`, `enable`, `disable`, `audit`).
    pub op: &'static str,
    /// The active connection found first; `None` when it could not be read.
    pub found: Option<Option<Link>>,
    /// The change the found state called for, the last one when several
    /// rounds were needed.
    pub change: Change,
    /// Whether a change was sent (never in a dry run).
    pub applied: bool,
    /// The active connection read after the change; `None` when no change
    /// was sent or the zone could not be read again.
    pub after: Option<Option<Link>>,
    /// Why the zone is not as desired, if it is not.
    pub error: Option<FleetError>,
}

impl ZoneReport {
    /// Whether the zone ended as desired (in a dry run: whether a plan was
    /// made).
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }
}

impl Serialize for ZoneReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("zone", &self.zone)?;
        map.serialize_entry("op", self.op)?;
        if let Some(found) = &self.found {
            map.serialize_entry("found", found)?;
        }
        map.serialize_entry("change", &self.change)?;
        map.serialize_entry("applied", &self.applied)?;
        if let Some(after) = &self.after {
            map.serialize_entry("after", after)?;
        }
        map.serialize_entry("ok", &self.is_ok())?;
        if let Some(error) = &self.error {
            #[derive(Serialize)]
            struct Shown<'a> {
                kind: &'a str,
                message: String,
                retryable: bool,
            }
            let shown = Shown { kind: error.kind(), message: error.to_string(), retryable: error.is_retryable() };
            map.serialize_entry("error", &shown)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_serialize_as_documented() {
        let report = ZoneReport {
            zone: "example.com".into(),
            op: "connect",
            found: Some(None),
            change: Change::ConnectEnabled,
            applied: true,
            after: Some(Some(Link::new(7, Some(true)))),
            error: None,
        };
        assert_eq!(
            serde_json::to_string(&report).unwrap(),
            r#"{"zone":"example.com","op":"connect","found":null,"change":"connect_enabled","applied":true,"after":{"railgun_id":7,"enabled":true},"ok":true}"#
        );
        let report = ZoneReport {
            zone: "example.org".into(),
            op: "enable",
            found: Some(Some(Link::new(8, None))),
            change: Change::None,
            applied: false,
            after: None,
            error: Some(FleetError::Conflict { railgun_id: 8.into() }),
        };
        assert_eq!(
            serde_json::to_string(&report).unwrap(),
            r#"{"zone":"example.org","op":"enable","found":{"railgun_id":8,"enabled":null},"change":"none","applied":false,"ok":false,"error":{"kind":"conflict","message":"the zone is connected to Railgun 8, not to this one","retryable":false}}"#
        );
    }
}
