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
//! Either way the client's retries and rate limit apply to every call:
//!
//! ```no_run
//! # use railgun_api::fleet::{Connections, Desired, Fleet, Target};
//! # use futures_util::StreamExt;
//! # async fn run(api: impl Connections<Railgun = Target>, zones: Vec<String>) {
//! let target = Target::new(42, railgun_api::Secret::new("rtkn"));
//! let fleet = Fleet::new(api).concurrency(32).on_progress(|p| eprintln!("{}/{:?}", p.finished, p.total));
//! let mut reports = std::pin::pin!(fleet.run(zones, Desired::Connected { railgun: target, enabled: true }));
//! while let Some(report) = reports.next().await {
//!     println!("{}", serde_json::to_string(&report).unwrap());
//! }
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::{Error, Secret};

mod by_connection;
mod v2;
mod v4;

pub use by_connection::{AccountRailgun, ByConnection, ConnectionCalls, ConnectionState};

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

/// The state every zone should end in, for a Railgun `R` ([`Target`] in
/// v2, [`AccountRailgun`] in v4).
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

    async fn apply<A: Connections>(self, api: &A, zone: &str, railgun: &A::Railgun) -> Result<(), FleetError> {
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
    /// `unlisted`, `unverified`.
    pub fn kind(&self) -> &'static str {
        match self {
            FleetError::Call(_) => "call",
            FleetError::Conflict { .. } => "conflict",
            FleetError::NotConnected => "not_connected",
            FleetError::Unlisted { .. } => "unlisted",
            FleetError::Unverified { .. } => "unverified",
        }
    }

    /// Whether running the operation again may succeed: a call that failed
    /// in a way that may pass, or a change that did not show yet.
    pub fn is_retryable(&self) -> bool {
        match self {
            FleetError::Call(e) => e.is_retryable(),
            FleetError::Unverified { .. } | FleetError::Unlisted { .. } => true,
            FleetError::Conflict { .. } | FleetError::NotConnected => false,
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

/// Counts so far, passed to the progress callback after each zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Progress {
    /// Zones to do, when known ([`Fleet::total`]).
    pub total: Option<u64>,
    /// Zones finished, in whatever state.
    pub finished: u64,
    /// Zones that ended with an error.
    pub failed: u64,
    /// Zones that a change was sent to.
    pub changed: u64,
}

/// Stops a [`Fleet`] run: no zone starts after [`Cancel::cancel`], the
/// zones under way finish (a call cut off halfway may or may not have been
/// applied, so none is), and the run's stream ends. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Sets the flag.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

type ProgressFn = dyn Fn(&Progress) + Send + Sync;

/// Runs a desired-state operation over many zones; see the module docs.
pub struct Fleet<A> {
    api: A,
    concurrency: usize,
    rounds: u32,
    dry_run: bool,
    total: Option<u64>,
    progress: Option<Arc<ProgressFn>>,
    cancel: Cancel,
}

impl<A: fmt::Debug> fmt::Debug for Fleet<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fleet")
            .field("api", &self.api)
            .field("concurrency", &self.concurrency)
            .field("rounds", &self.rounds)
            .field("dry_run", &self.dry_run)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// Zones reconciled at once unless [`Fleet::concurrency`] says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Rounds of read, change and verify per zone unless [`Fleet::rounds`] says
/// otherwise.
pub const DEFAULT_ROUNDS: u32 = 3;

impl<A: Connections> Fleet<A> {
    /// Operations through `api`, [`DEFAULT_CONCURRENCY`] zones at a time.
    pub fn new(api: A) -> Fleet<A> {
        Fleet {
            api,
            concurrency: DEFAULT_CONCURRENCY,
            rounds: DEFAULT_ROUNDS,
            dry_run: false,
            total: None,
            progress: None,
            cancel: Cancel::new(),
        }
    }

    /// How many zones are reconciled at once (at least 1). The client's
    /// rate limit ([`crate::ApiBuilder::rate_limit`]) spaces their calls.
    pub fn concurrency(mut self, zones: usize) -> Self {
        self.concurrency = zones.max(1);
        self
    }

    /// How many times a zone may be read, changed and verified before it is
    /// reported as failed (at least 1). A second round starts only from a
    /// fresh read, and only after a failure that may pass.
    pub fn rounds(mut self, rounds: u32) -> Self {
        self.rounds = rounds.max(1);
        self
    }

    /// Reads every zone and reports the change it needs, sending none.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// The number of zones, for [`Progress::total`].
    pub fn total(mut self, zones: u64) -> Self {
        self.total = Some(zones);
        self
    }

    /// Called after each zone with the counts so far.
    pub fn on_progress(mut self, progress: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The flag that stops this fleet's runs.
    pub fn cancel_handle(&self) -> Cancel {
        self.cancel.clone()
    }

    /// Uses `cancel` as the flag that stops this fleet's runs.
    pub fn cancel_with(mut self, cancel: Cancel) -> Self {
        self.cancel = cancel;
        self
    }

    /// Reconciles every zone of `zones` with `desired`, up to
    /// [`Fleet::concurrency`] at a time, and yields one report per zone as it
    /// finishes (not in input order).
    pub fn run<I>(&self, zones: I, desired: Desired<A::Railgun>) -> impl Stream<Item = ZoneReport> + Send + 'static
    where
        I: IntoIterator<Item = String>,
        I::IntoIter: Send + 'static,
    {
        let api = self.api.clone();
        let desired = Arc::new(desired);
        let (rounds, dry_run) = (self.rounds, self.dry_run);
        let cancel = self.cancel.clone();
        let counts = Arc::new(Counts { total: self.total, ..Counts::default() });
        let progress = self.progress.clone();
        stream::iter(zones)
            .take_while(move |_| std::future::ready(!cancel.is_cancelled()))
            .map(move |zone| {
                let (api, desired) = (api.clone(), desired.clone());
                async move { reconcile(&api, zone, &desired, rounds, dry_run).await }
            })
            .buffer_unordered(self.concurrency)
            .inspect(move |report| {
                let now = counts.add(report);
                if let Some(progress) = &progress {
                    progress(&now);
                }
            })
    }
}

/// Counts so far. Reports are counted where the stream yields them, one at
/// a time; the atomics only let the counting closure be `Fn`.
#[derive(Debug, Default)]
struct Counts {
    total: Option<u64>,
    finished: AtomicU64,
    failed: AtomicU64,
    changed: AtomicU64,
}

impl Counts {
    fn add(&self, report: &ZoneReport) -> Progress {
        let bump = |counter: &AtomicU64, by: bool| counter.fetch_add(u64::from(by), Ordering::Relaxed) + u64::from(by);
        Progress {
            total: self.total,
            finished: bump(&self.finished, true),
            failed: bump(&self.failed, !report.is_ok()),
            changed: bump(&self.changed, report.applied),
        }
    }
}

/// Read, change, verify; again from a fresh read while rounds are left and
/// the failure may pass.
async fn reconcile<A: Connections>(
    api: &A,
    zone: String,
    desired: &Desired<A::Railgun>,
    rounds: u32,
    dry_run: bool,
) -> ZoneReport {
    let mut report = ZoneReport {
        zone,
        op: desired.name(),
        found: None,
        change: Change::None,
        applied: false,
        after: None,
        error: None,
    };
    let railgun = desired.railgun();
    // The zone's connection as last read, `None` when the last read failed.
    let mut known: Option<Option<Link>> = None;
    for round in 1..=rounds {
        let last = round == rounds;
        let current = match known.take() {
            Some(current) => current,
            None => match api.active(&report.zone, railgun).await {
                Ok(current) => {
                    if report.applied {
                        report.after = Some(current.clone());
                    } else {
                        report.found.get_or_insert(current.clone());
                    }
                    current
                }
                Err(error) => {
                    let again = error.is_retryable() && !last;
                    report.error = Some(error);
                    if again {
                        continue;
                    }
                    return report;
                }
            },
        };
        let change = match desired.plan(current.as_ref()) {
            Ok(change) => change,
            Err(e) => {
                report.error = Some(e);
                return report;
            }
        };
        report.change = change;
        let Some(railgun) = railgun.filter(|_| change != Change::None && !dry_run) else {
            report.error = None;
            return report;
        };
        let sent = change.apply(api, &report.zone, railgun).await;
        report.applied = true;
        // Whatever the answer, the zone's state says what happened.
        let after = api.active(&report.zone, Some(railgun)).await;
        known = after.as_ref().ok().cloned();
        report.after = known.clone();
        let error = match (sent, after) {
            (_, Ok(after)) if desired.is_met_by(after.as_ref()) => {
                report.error = None;
                return report;
            }
            (Err(e), _) => e,
            (Ok(()), Ok(after)) => FleetError::Unverified { found: after },
            (Ok(()), Err(e)) => e,
        };
        let again = error.is_retryable() && !last;
        report.error = Some(error);
        if !again {
            break;
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_target_does_not_show_its_token() {
        let shown = format!("{:?}", Desired::Disconnected { railgun: Target::new(1, Secret::new("s3cr3t")) });
        assert!(!shown.contains("s3cr3t") && shown.contains("railgun_id: 1"), "{shown}");
    }
}
