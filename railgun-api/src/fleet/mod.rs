//! Desired-state operations over many zones: connect a Railgun to
//! thousands of domains, enable, disable, disconnect or audit them, with
//! bounded concurrency, a progress callback and cancellation.
//!
//! Each zone is reconciled, never just sent a command: the zone's active
//! connection is read first, the one change that brings it to the desired
//! state is made (or none, when it is already there), and the connection is
//! read again to verify it. When a change fails, even one that may have been
//! applied, the read that follows says what the service did; only a fresh
//! read leads to another attempt, so a call that is not safe to repeat
//! (`conn_delete`) is never sent twice blindly, and running the same
//! operation again over the same zones changes nothing that is already
//! right.
//!
//! The calls go through a generated client: [`ClientApi`](crate::ClientApi)
//! and [`PartnerApi`](crate::PartnerApi) implement [`Connections`], their
//! actions addressing a zone's connection by the zone; [`V4Api`](crate::v4::V4Api)
//! implements [`ConnectionCalls`], its connections being the Railgun's,
//! which [`ByConnection`] turns into [`Connections`]. Each role is one call
//! of a generated method, so a spec change that breaks one fails to compile.
//! Either way the client's retries and rate limit apply to every call.
//!
//! Before a run changes anything, it checks that the Railgun's credentials
//! name the Railgun it was given ([`Connections::identify`]): a token of
//! another Railgun stops it at once ([`Stop::WrongRailgun`]). So do errors
//! that every zone would meet: the service refusing the credentials, or
//! calls in a row reaching no service ([`Run::stopped`]).
//!
//! ```no_run
//! # use railgun_api::fleet::{Connections, Desired, Fleet, Target};
//! # use futures_util::StreamExt;
//! # async fn run(api: impl Connections<Railgun = Target>, zones: Vec<String>) {
//! let target = Target::new(42, railgun_api::Secret::new("rtkn"));
//! let fleet = Fleet::new(api).concurrency(32).on_progress(|p| eprintln!("{}/{:?}", p.finished, p.total));
//! let mut run = fleet.run(zones, Desired::Connected { railgun: target, enabled: true });
//! while let Some(report) = run.next().await {
//!     println!("{}", serde_json::to_string(&report).unwrap());
//! }
//! if let Some(stop) = run.stopped() {
//!     eprintln!("stopped: {stop}");
//! }
//! # }
//! ```

use std::fmt;
use std::future::Future;

use serde::Serialize;

use crate::Secret;

mod by_connection;
mod plan;
mod report;
mod run;
mod v2;
mod v4;

pub use by_connection::{AccountRailgun, ByConnection, ConnectionCalls, ConnectionState, RailgunKey};
pub use plan::{Change, Desired};
pub use report::{FleetError, ZoneReport};
pub use run::{
    Cancel, DEFAULT_CONCURRENCY, DEFAULT_MAX_UNREACHABLE, DEFAULT_ROUNDS, Fleet, Progress, Run, Stop,
    refuses_credentials,
};

pub use railgun_runtime::is_domain_name;

/// How a zone's connection names a Railgun: v2 by a number, v4 by a tag.
///
/// Serialized as the number or the string itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum RailgunId {
    /// A v2 `railgun_id`.
    Number(u64),
    /// A v4 identifier tag.
    Tag(String),
}

impl fmt::Display for RailgunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RailgunId::Number(id) => write!(f, "{id}"),
            RailgunId::Tag(tag) => f.write_str(tag),
        }
    }
}

impl From<u64> for RailgunId {
    fn from(id: u64) -> RailgunId {
        RailgunId::Number(id)
    }
}

impl From<String> for RailgunId {
    fn from(tag: String) -> RailgunId {
        RailgunId::Tag(tag)
    }
}

impl From<&str> for RailgunId {
    fn from(tag: &str) -> RailgunId {
        RailgunId::Tag(tag.to_owned())
    }
}

/// A Railgun an operation acts on, as an API addresses it: [`Target`] (id
/// and token) for v2, [`AccountRailgun`] (account and tag) for v4.
pub trait Railgun: Clone + fmt::Debug + Send + Sync + 'static {
    /// How a zone's connection names this Railgun.
    fn id(&self) -> RailgunId;
}

/// A zone's active connection, as read from the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Link {
    /// The Railgun the zone is connected to.
    pub railgun_id: RailgunId,
    /// Whether Railgun is enabled for the zone; `None` when the answer did
    /// not say.
    pub enabled: Option<bool>,
}

impl Link {
    /// A connection to Railgun `railgun_id`.
    pub fn new(railgun_id: impl Into<RailgunId>, enabled: Option<bool>) -> Link {
        Link { railgun_id: railgun_id.into(), enabled }
    }
}

/// The calls a reconcile needs, one per role.
///
/// [`ClientApi`](crate::ClientApi), [`PartnerApi`](crate::PartnerApi) and
/// [`ByConnection`] implement it; an implementation of your own (a test
/// double, say) works too.
pub trait Connections: Clone + Send + Sync + 'static {
    /// How this API addresses the Railgun an operation acts on.
    type Railgun: Railgun;

    /// The zone's active connection, `None` when it has none. `railgun` is
    /// the Railgun the operation is about (`None` for an audit), for an
    /// API that needs it to read the connection's mode.
    fn active(
        &self,
        zone: &str,
        railgun: Option<&Self::Railgun>,
    ) -> impl Future<Output = Result<Option<Link>, FleetError>> + Send;

    /// Connects the zone to `railgun`, enabled or not.
    fn connect(
        &self,
        zone: &str,
        railgun: &Self::Railgun,
        enabled: bool,
    ) -> impl Future<Output = Result<(), FleetError>> + Send;

    /// Enables or disables Railgun for a zone connected to `railgun`.
    fn set_enabled(
        &self,
        zone: &str,
        railgun: &Self::Railgun,
        enabled: bool,
    ) -> impl Future<Output = Result<(), FleetError>> + Send;

    /// Removes the zone's connection to `railgun`.
    fn disconnect(&self, zone: &str, railgun: &Self::Railgun) -> impl Future<Output = Result<(), FleetError>> + Send;

    /// Which Railgun the credentials in `railgun` name, read from the
    /// service: v2, the Railgun whose token is `railgun`'s (the account's
    /// Railguns are listed with their tokens); v4, the account's Railgun of
    /// that tag, or of that activation key when one is given. `None` when
    /// they name none the caller can see.
    ///
    /// A [`Fleet`] run calls it once before any zone starts, and stops
    /// without changing anything ([`Stop::WrongRailgun`]) unless the
    /// answer is `railgun`'s own id.
    fn identify(&self, railgun: &Self::Railgun) -> impl Future<Output = Result<Option<RailgunId>, FleetError>> + Send;
}

/// A v2 Railgun: its id, to recognise it in a zone's connection, and its
/// token, to act on it.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    /// The Railgun's id (`railgun_id`).
    pub railgun_id: u64,
    /// The Railgun's token (`rtkn`).
    pub rtkn: Secret,
}

impl Target {
    /// The Railgun `railgun_id`, whose token is `rtkn`.
    pub fn new(railgun_id: u64, rtkn: Secret) -> Target {
        Target { railgun_id, rtkn }
    }
}

impl Railgun for Target {
    fn id(&self) -> RailgunId {
        RailgunId::Number(self.railgun_id)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target").field("railgun_id", &self.railgun_id).field("rtkn", &self.rtkn).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_does_not_show_its_token() {
        let shown = format!("{:?}", Desired::Disconnected { railgun: Target::new(1, Secret::new("s3cr3t")) });
        assert!(!shown.contains("s3cr3t") && shown.contains("railgun_id: 1"), "{shown}");
    }
}
