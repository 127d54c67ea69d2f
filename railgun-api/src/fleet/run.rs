//! [`Fleet`]: runs a desired-state operation over many zones, and [`Run`],
//! the stream of its reports and why it stopped, if it did.
//!
//! A run first checks that the Railgun's credentials name the Railgun it
//! was given ([`Connections::identify`]); only then does any zone start.
//! It stops early, with a [`Stop`] saying why, when the service refuses
//! the client's credentials, when calls in a row reach no service, or when
//! it is cancelled: in each case no zone starts after that, and no change
//! is sent.

use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream, StreamExt};

use super::{Change, Connections, Desired, FleetError, Link, Railgun, RailgunId, ZoneReport};
use crate::Error;

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

/// Why a run ended before every zone was done. Its message is one line
/// that names the cause, secrets blanked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Stop {
    /// [`Cancel::cancel`] was called.
    #[error("interrupted")]
    Cancelled,
    /// The Railgun's credentials name another Railgun than the one given,
    /// or none the caller can see ([`Connections::identify`]). Found before
    /// any zone started: nothing was changed.
    #[error("{}", wrong_railgun(given, named.as_ref()))]
    WrongRailgun {
        /// The Railgun the operation was given.
        given: RailgunId,
        /// The one its credentials name, if any.
        named: Option<RailgunId>,
    },
    /// Which Railgun the credentials name could not be read, so no zone
    /// was started.
    #[error("cannot tell which Railgun the credentials name: {message}")]
    Unidentified {
        /// What failed.
        message: String,
    },
    /// The service refused the client's credentials
    /// ([`refuses_credentials`]): every other call would be refused too.
    #[error("the service refused the credentials: {message}")]
    Refused {
        /// The refusal.
        message: String,
    },
    /// Calls in a row reached no service (no connection, or no answer in
    /// time, after the client's own retries).
    #[error("{calls} call{} in a row reached no service; the last: {message}", if *calls == 1 { "" } else { "s" })]
    Unreachable {
        /// How many.
        calls: u32,
        /// The last one's error.
        message: String,
    },
}

impl Stop {
    /// The cause in a few words, for a summary: `interrupted`, `the
    /// service refused the credentials`, …
    pub fn cause(&self) -> &'static str {
        match self {
            Stop::Cancelled => "interrupted",
            Stop::WrongRailgun { .. } => "the credentials name another Railgun",
            Stop::Unidentified { .. } => "the Railgun could not be identified",
            Stop::Refused { .. } => "the service refused the credentials",
            Stop::Unreachable { .. } => "the service could not be reached",
        }
    }
}

fn wrong_railgun(given: &RailgunId, named: Option<&RailgunId>) -> String {
    match named {
        Some(named) => {
            format!("the Railgun's credentials name Railgun {named}, not Railgun {given}; nothing was changed")
        }
        None => format!(
            "the Railgun's credentials name no Railgun this caller can see, so not Railgun {given}; nothing was \
             changed"
        ),
    }
}

/// Whether `error` says the service refused the client's own credentials,
/// so that every call of the run would be refused: Railgun v2's
/// `err_code: E_UNAUTH`; Cloudflare v4's HTTP 401, or one of its
/// authentication codes (6003 invalid request headers, 6111 invalid
/// `Authorization` header, 9103 unknown key or email, 9106 missing
/// credentials, 10000 authentication error, 10001 unable to authenticate).
pub fn refuses_credentials(error: &Error) -> bool {
    match error {
        Error::Api { err_code: Some(code), .. } => code.to_string() == "E_UNAUTH",
        Error::ApiErrors { status, errors, .. } => {
            status.as_u16() == 401
                || errors.iter().any(|e| matches!(e.code, Some(6003 | 6111 | 9103 | 9106 | 10000 | 10001)))
        }
        _ => false,
    }
}

/// Whether `error` is a call that reached no service: no connection could
/// be made or kept, or no complete answer came in time.
fn reached_no_service(error: &Error) -> bool {
    matches!(error, Error::Transport { .. } | Error::Timeout { .. })
}

/// What a run shares between its zones: why it stopped, and how many calls
/// in a row reached no service.
#[derive(Debug)]
struct RunState {
    stop: OnceLock<Stop>,
    unreachable: AtomicU32,
    max_unreachable: u32,
}

impl RunState {
    /// Whether no zone may start any more.
    fn is_stopped(&self) -> bool {
        self.stop.get().is_some()
    }

    /// Whether the zones under way must not send their changes either:
    /// stopped by an error every call would meet, not cancelled (a
    /// cancelled run lets them finish).
    fn is_halted(&self) -> bool {
        self.stop.get().is_some_and(|stop| *stop != Stop::Cancelled)
    }

    /// Stops the run, unless it stopped already (the first cause is kept).
    fn stop(&self, stop: Stop) {
        let _ = self.stop.set(stop);
    }

    /// Notes what a call of the run came to.
    fn saw<T>(&self, result: &Result<T, FleetError>) {
        match result {
            Err(FleetError::Call(error)) if refuses_credentials(error) => {
                self.stop(Stop::Refused { message: error.to_string() });
            }
            Err(FleetError::Call(error)) if reached_no_service(error) => {
                let calls = self.unreachable.fetch_add(1, Ordering::SeqCst) + 1;
                if calls >= self.max_unreachable {
                    self.stop(Stop::Unreachable { calls, message: error.to_string() });
                }
            }
            // An answer, even a refusal of this zone's call: the service is
            // there and takes the credentials.
            Ok(_) | Err(_) => self.unreachable.store(0, Ordering::SeqCst),
        }
    }

    /// The identity check's outcome: go on, or stop with why.
    fn identified(&self, given: RailgunId, named: Result<Option<RailgunId>, FleetError>) {
        match named {
            Ok(Some(named)) if named == given => self.saw(&Ok(())),
            Ok(named) => self.stop(Stop::WrongRailgun { given, named }),
            Err(FleetError::Call(error)) if refuses_credentials(&error) => {
                self.stop(Stop::Refused { message: error.to_string() });
            }
            Err(FleetError::Call(error)) if reached_no_service(&error) => {
                self.stop(Stop::Unreachable { calls: 1, message: error.to_string() });
            }
            Err(error) => self.stop(Stop::Unidentified { message: error.to_string() }),
        }
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
    max_unreachable: u32,
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
            .field("max_unreachable", &self.max_unreachable)
            .finish_non_exhaustive()
    }
}

/// Zones reconciled at once unless [`Fleet::concurrency`] says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Rounds of read, change and verify per zone unless [`Fleet::rounds`] says
/// otherwise.
pub const DEFAULT_ROUNDS: u32 = 3;

/// Calls in a row that reach no service before a run stops, unless
/// [`Fleet::max_unreachable`] says otherwise.
pub const DEFAULT_MAX_UNREACHABLE: u32 = 8;

impl<A: Connections> Fleet<A> {
    /// Operations through `api`, [`DEFAULT_CONCURRENCY`] zones at a time.
    pub fn new(api: A) -> Fleet<A> {
        Fleet {
            api,
            concurrency: DEFAULT_CONCURRENCY,
            rounds: DEFAULT_ROUNDS,
            dry_run: false,
            total: None,
            max_unreachable: DEFAULT_MAX_UNREACHABLE,
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

    /// How many calls in a row may reach no service (after the client's own
    /// retries) before the run stops with [`Stop::Unreachable`] (at least
    /// 1). A call that gets any answer starts the count again.
    pub fn max_unreachable(mut self, calls: u32) -> Self {
        self.max_unreachable = calls.max(1);
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
    ///
    /// Before any zone starts, the Railgun's credentials are checked to name
    /// the Railgun of `desired` ([`Connections::identify`]; not for an
    /// audit, which has none): when they do not, no zone is read or changed
    /// and [`Run::stopped`] says [`Stop::WrongRailgun`]. The run also stops
    /// early when the service refuses the credentials or
    /// [`Fleet::max_unreachable`] calls in a row reach no service; dry runs
    /// included.
    pub fn run<I>(&self, zones: I, desired: Desired<A::Railgun>) -> Run
    where
        I: IntoIterator<Item = String>,
        I::IntoIter: Send + 'static,
    {
        let state = Arc::new(RunState {
            stop: OnceLock::new(),
            unreachable: AtomicU32::new(0),
            max_unreachable: self.max_unreachable,
        });
        let desired = Arc::new(desired);
        let check = {
            let (api, desired, state) = (self.api.clone(), desired.clone(), state.clone());
            async move {
                if let Some(railgun) = desired.railgun() {
                    state.identified(railgun.id(), api.identify(railgun).await);
                }
            }
        };
        let api = self.api.clone();
        let (rounds, dry_run) = (self.rounds, self.dry_run);
        let (cancel, gate) = (self.cancel.clone(), state.clone());
        let shared = state.clone();
        let counts = Arc::new(Counts { total: self.total, ..Counts::default() });
        let progress = self.progress.clone();
        let reports = stream::iter(zones)
            .take_while(move |_| {
                if cancel.is_cancelled() {
                    gate.stop(Stop::Cancelled);
                }
                std::future::ready(!gate.is_stopped())
            })
            .map(move |zone| {
                let (api, desired, state) = (api.clone(), desired.clone(), shared.clone());
                async move { reconcile(&api, zone, &desired, rounds, dry_run, &state).await }
            })
            .buffer_unordered(self.concurrency)
            .inspect(move |report| {
                let now = counts.add(report);
                if let Some(progress) = &progress {
                    progress(&now);
                }
            });
        let zones = stream::once(check).filter_map(|()| std::future::ready(None)).chain(reports);
        Run { zones: Box::pin(zones), state }
    }
}

/// A [`Fleet`] run: a stream of one [`ZoneReport`] per zone that started,
/// and, once it has ended, why it stopped early if it did.
///
/// ```no_run
/// # use railgun_api::fleet::{Connections, Desired, Fleet};
/// # use futures_util::StreamExt;
/// # async fn run<A: Connections>(fleet: Fleet<A>, zones: Vec<String>, desired: Desired<A::Railgun>) {
/// let mut run = fleet.run(zones, desired);
/// while let Some(report) = run.next().await {
///     println!("{} {}", report.zone, report.change);
/// }
/// if let Some(stop) = run.stopped() {
///     eprintln!("stopped: {stop}");
/// }
/// # }
/// ```
pub struct Run {
    zones: Pin<Box<dyn Stream<Item = ZoneReport> + Send>>,
    state: Arc<RunState>,
}

impl Run {
    /// Why the run stopped before every zone was done: `None` while it goes
    /// on, and after it did every zone.
    pub fn stopped(&self) -> Option<&Stop> {
        self.state.stop.get()
    }
}

impl Stream for Run {
    type Item = ZoneReport;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ZoneReport>> {
        self.zones.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Run").field("stopped", &self.stopped()).finish_non_exhaustive()
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

/// Read, change, verify; again from a fresh read while rounds are left, the
/// failure may pass and the run goes on. Every call's outcome is told to
/// `state`; once the run has stopped, no change is sent.
async fn reconcile<A: Connections>(
    api: &A,
    zone: String,
    desired: &Desired<A::Railgun>,
    rounds: u32,
    dry_run: bool,
    state: &RunState,
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
        let last = round == rounds || state.is_halted();
        let current = match known.take() {
            Some(current) => current,
            None => {
                let read = api.active(&report.zone, railgun).await;
                state.saw(&read);
                match read {
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
                }
            }
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
        if state.is_halted() {
            report.error = Some(FleetError::Stopped);
            return report;
        }
        let sent = change.apply(api, &report.zone, railgun).await;
        state.saw(&sent);
        report.applied = true;
        // Whatever the answer, the zone's state says what happened.
        let after = api.active(&report.zone, Some(railgun)).await;
        state.saw(&after);
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
        let again = error.is_retryable() && !last && !state.is_halted();
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
    use crate::{ErrCode, reqwest::StatusCode};

    fn refusal(code: &str) -> Error {
        Error::Api {
            action: "host_get_all",
            status: StatusCode::OK,
            msg: "invalid host_key".into(),
            err_code: Some(ErrCode::Text(code.into())),
        }
    }

    fn v4_refusal(status: u16, code: i64) -> Error {
        Error::ApiErrors {
            action: "list_connections",
            status: StatusCode::from_u16(status).unwrap(),
            errors: vec![crate::ApiMessage { code: Some(code), message: "nope".into() }],
            retry_after: None,
            retryable: false,
        }
    }

    #[test]
    fn credentials_refusals_of_both_apis_are_told_apart_from_a_zone_s_refusal() {
        assert!(refuses_credentials(&refusal("E_UNAUTH")));
        assert!(!refuses_credentials(&refusal("E_ZONE_CONNECTED")));
        for (status, code) in [(403, 9103), (403, 10000), (400, 9106), (400, 6111), (401, 1001)] {
            assert!(refuses_credentials(&v4_refusal(status, code)), "{status} {code}");
        }
        for (status, code) in [(404, 1001), (409, 1003), (403, 9109)] {
            assert!(!refuses_credentials(&v4_refusal(status, code)), "{status} {code}");
        }
    }

    #[test]
    fn stops_say_their_cause_in_one_line() {
        let wrong = Stop::WrongRailgun { given: 1.into(), named: Some(4.into()) };
        assert_eq!(wrong.to_string(), "the Railgun's credentials name Railgun 4, not Railgun 1; nothing was changed");
        let none = Stop::WrongRailgun { given: "a1b2".into(), named: None };
        assert_eq!(
            none.to_string(),
            "the Railgun's credentials name no Railgun this caller can see, so not Railgun a1b2; nothing was changed"
        );
        let unreachable = Stop::Unreachable { calls: 8, message: "x: request failed: refused".into() };
        assert_eq!(
            unreachable.to_string(),
            "8 calls in a row reached no service; the last: x: request failed: refused"
        );
        let causes: Vec<&str> = [&wrong, &unreachable].iter().map(|s| s.cause()).collect();
        assert_eq!(causes, ["the credentials name another Railgun", "the service could not be reached"]);
        for stop in [wrong, none, unreachable, Stop::Refused { message: "m".into() }] {
            assert!(!stop.to_string().contains('\n'), "{stop}");
        }
    }
}
