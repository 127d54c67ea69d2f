//! A hosting partner's day: a thousand zones set up through the emulator
//! while a fifth of all requests fail, in every way the emulator knows,
//! half of them *after* the request was applied. Safe calls are retried
//! until they succeed or run out of attempts; `init`, which is not safe, is
//! sent again only after a 429. The emulator's per-action, per-fault hit
//! counts show that each retry followed a fault, and its state ends exactly
//! as the calls intended. Paused tokio time: Retry-After and backoff cost
//! no real time.

use std::collections::BTreeMap;
use std::time::Duration;

use railgun_api::types::Mode;
use railgun_api::{Error, PartnerApi, RetryPolicy, Secret};
use railgun_emulator::{Config, Emulator, Fault, Faults};

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const ZONES: usize = 1000;
const INITS: usize = 20;
const SAFE_ACTIONS: [&str; 3] = ["suggestion_set", "conn_set", "conn_setmode_enabled"];

/// What a zone is meant to end with: suggested to and connected (enabled)
/// to `railgun`.
async fn set_up(api: &PartnerApi, zone: &str, rtkn: &Secret, outcomes: &mut Outcomes) -> Result<(), Error> {
    outcomes.record("suggestion_set", api.suggestion_set(zone, rtkn, Mode::Active).await)?;
    outcomes.record("conn_set", api.conn_set(zone, rtkn, Mode::Inactive).await)?;
    outcomes.record("conn_setmode_enabled", api.conn_setmode_enabled(zone, rtkn).await)?;
    Ok(())
}

/// Calls that returned `Ok`, and errors, per action.
#[derive(Default)]
struct Outcomes {
    ok: BTreeMap<&'static str, u64>,
    failed: BTreeMap<&'static str, u64>,
}

impl Outcomes {
    fn record<T>(&mut self, action: &'static str, result: Result<T, Error>) -> Result<(), Error> {
        match result {
            Ok(_) => *self.ok.entry(action).or_default() += 1,
            Err(err) => {
                // Only faults fail these calls, and every fault may pass:
                // the error is what the last attempt met.
                assert!(err.is_retryable(), "{action}: {err:?}");
                *self.failed.entry(action).or_default() += 1;
                return Err(err);
            }
        }
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_thousand_zones_under_a_fifth_of_faults_of_every_kind() {
    let config = Config::new().host_key(HOST_KEY).seed(2026).faults(Faults::every_kind(0.2));
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let policy = RetryPolicy::default().max_attempts(3).max_elapsed(Duration::from_secs(600));
    let api = PartnerApi::builder(HOST_KEY).base_url(emu.base_url()).no_timeout().retry(policy).build().unwrap();

    // `init` is not safe to repeat: a second call makes a second Railgun.
    let (mut created, mut maybe_applied, mut refused) = (Vec::new(), 0, 0);
    for i in 0..INITS {
        match api.init(Some(&format!("railgun-{i}")), None).await {
            Ok(made) => created.push(made.rtkn),
            Err(err) if err.may_have_been_applied() => maybe_applied += 1,
            Err(err) => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(429), "{err:?}");
                refused += 1;
            }
        }
    }
    let init_faults = |fault| emu.hits_with("init", Some(fault));
    let applied_and_lost = init_faults(Fault::AppliedDropped) + init_faults(Fault::AppliedTruncated);
    // Every Railgun made is one the caller got, or one whose error said it may exist.
    assert_eq!(emu.snapshot().railguns.len() as u64, created.len() as u64 + applied_and_lost);
    assert!(applied_and_lost <= maybe_applied);
    // Each repeat of init followed a 429, the only answer that proves it was not applied.
    assert_eq!(emu.hits("init") - INITS as u64, init_faults(Fault::RateLimited) - refused);
    // ...and every other fault ended the call, with the error saying so.
    let other_faults = emu.hits("init") - emu.hits_with("init", None) - init_faults(Fault::RateLimited);
    assert_eq!(other_faults, maybe_applied);
    // Only init was sent so far: the totals over every action are its counts.
    assert_eq!((emu.total_hits(), emu.total_hits_with(None)), (emu.hits("init"), emu.hits_with("init", None)));
    assert_eq!(emu.total_hits_with(Some(Fault::RateLimited)), init_faults(Fault::RateLimited));

    let rtkn = created.first().expect("some init calls succeed").clone();
    emu.activate(rtkn.expose_secret()).unwrap();
    let railgun_id = *emu.snapshot().railguns.keys().next().unwrap();

    let mut outcomes = Outcomes::default();
    let mut to_repair = Vec::new();
    for i in 0..ZONES {
        let zone = format!("zone{i}.example");
        if set_up(&api, &zone, &rtkn, &mut outcomes).await.is_err() {
            to_repair.push(zone);
        }
    }

    let snapshot = emu.snapshot();
    let mut faults = 0;
    for action in SAFE_ACTIONS {
        let clean = emu.hits_with(action, None);
        faults += emu.hits(action) - clean;
        // Every request that met no fault gave the caller Ok: no fault was
        // passed on while attempts were left, none was retried into an error.
        assert_eq!(outcomes.ok.get(action).copied().unwrap_or(0), clean, "{action}");
        // A call that failed used all three attempts.
        let failed = outcomes.failed.get(action).copied().unwrap_or(0);
        assert!(emu.hits(action) - clean >= 3 * failed, "{action}");
    }
    assert!(faults > 500, "a fifth of about 3,000 requests: {faults}");
    // The zones set up in one go are exactly as intended.
    for i in 0..ZONES {
        let zone = format!("zone{i}.example");
        if !to_repair.contains(&zone) {
            assert_eq!(snapshot.suggestions.get(&zone), Some(&railgun_id), "{zone}");
            assert_eq!(snapshot.connections.get(&zone), Some(&(railgun_id, true)), "{zone}");
        }
    }

    // The few that ran out of attempts are set up again: every step is safe.
    let repaired = to_repair.len();
    for _round in 0..5 {
        let mut still = Vec::new();
        for zone in to_repair {
            if set_up(&api, &zone, &rtkn, &mut outcomes).await.is_err() {
                still.push(zone);
            }
        }
        to_repair = still;
    }
    assert!(to_repair.is_empty(), "{to_repair:?}");
    let snapshot = emu.snapshot();
    assert_eq!(snapshot.suggestions.len(), ZONES);
    assert_eq!(snapshot.connections.len(), ZONES);
    assert!(snapshot.suggestions.values().all(|id| *id == railgun_id));
    assert!(snapshot.connections.values().all(|conn| *conn == (railgun_id, true)));
    println!(
        "{faults} faults on {} requests for {ZONES} zones ({repaired} set up again); \
         init: {} made, {maybe_applied} may have been, {refused} refused",
        SAFE_ACTIONS.iter().map(|a| emu.hits(a)).sum::<u64>(),
        created.len()
    );
}
