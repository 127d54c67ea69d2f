//! Load: many concurrent clients against one emulator, then a consistency
//! check. Run with `cargo bench -p tests-integration --bench load`.
//!
//! 64 tasks each make 1,000 requests of mixed actions on their own Railgun
//! and zones, through one shared `PartnerApi`. Each task keeps a model of
//! what its successful requests imply and predicts every refusal. At the
//! end, the emulator's state must be exactly the union of the models, and
//! every failure must have been a typed error: a predicted refusal, or an
//! injected fault that outlasted the client's retries (the faults injected
//! here are ones the emulator does not apply). The run is repeated with
//! faults injected. Prints requests per second and the check's result;
//! exits non-zero when the check fails.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use railgun_api::types::Mode;
use railgun_api::{ErrCode, Error, IpRange, PartnerApi, Secret};
use railgun_emulator::{Config, Emulator, Faults, Owner};

const TASKS: usize = 64;
const REQUESTS_PER_TASK: usize = 1_000;
const ZONES_PER_TASK: usize = 4;
const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";

/// What one task's successful requests imply.
#[derive(Default)]
struct Model {
    railgun_id: u64,
    connections: BTreeMap<String, bool>,
    suggestions: BTreeSet<String>,
    ranges: Vec<String>,
}

#[derive(Default, Debug)]
struct Tally {
    ok: u64,
    refused_as_predicted: u64,
    faults: BTreeMap<&'static str, u64>,
    wrong: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.ok += other.ok;
        self.refused_as_predicted += other.refused_as_predicted;
        for (k, v) in other.faults {
            *self.faults.entry(k).or_default() += v;
        }
        self.wrong.extend(other.wrong);
    }

    fn requests(&self) -> u64 {
        self.ok + self.refused_as_predicted + self.faults.values().sum::<u64>() + self.wrong.len() as u64
    }
}

/// Seeded per task, so each task's sequence of actions is reproducible.
struct Rng(fastrand::Rng);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0.u64(..n)
    }
}

/// Sorts an answer into the tally: `Ok`, a refusal the model predicted
/// (`expected` is its err_code), or an injected fault. Returns whether the
/// request took effect.
fn record<T>(tally: &mut Tally, what: &str, result: Result<T, Error>, expected: Option<&str>) -> Option<T> {
    match (result, expected) {
        (Ok(value), None) => {
            tally.ok += 1;
            Some(value)
        }
        (Ok(_), Some(code)) => {
            tally.wrong.push(format!("{what}: succeeded, expected {code}"));
            None
        }
        (Err(Error::Api { err_code: Some(ErrCode::Text(code)), .. }), Some(want)) if code == want => {
            tally.refused_as_predicted += 1;
            None
        }
        (Err(Error::Api { msg, err_code, .. }), _) => {
            tally.wrong.push(format!("{what}: refused ({err_code:?}: {msg}), expected {expected:?}"));
            None
        }
        (Err(e), _) => {
            let kind = match e {
                Error::Http { .. } => "http 5xx",
                Error::Malformed { .. } => "malformed (html page or truncated)",
                Error::Transport { .. } => "transport (dropped)",
                Error::Timeout { .. } => "timeout",
                _ => {
                    tally.wrong.push(format!("{what}: {e}"));
                    return None;
                }
            };
            *tally.faults.entry(kind).or_default() += 1;
            None
        }
    }
}

async fn task(api: PartnerApi, emulator_activate: impl Fn(&str), index: usize) -> (Model, Tally) {
    let mut tally = Tally::default();
    let mut model = Model::default();
    let mut rng = Rng(fastrand::Rng::with_seed(index as u64 + 1));
    // A Railgun of the task's own, retried through faults.
    let rtkn: Secret = loop {
        if let Some(made) = record(&mut tally, "init", api.init(None, None).await, None) {
            model.railgun_id = made.railgun_id;
            break made.rtkn;
        }
    };
    emulator_activate(rtkn.expose_secret());

    let zones: Vec<String> = (0..ZONES_PER_TASK).map(|z| format!("t{index}-z{z}.example.com")).collect();
    for _ in 1..REQUESTS_PER_TASK {
        let zone = &zones[rng.below(ZONES_PER_TASK as u64) as usize];
        let connected = model.connections.contains_key(zone);
        let no_conn = (!connected).then_some("E_NO_CONNECTION");
        match rng.below(100) {
            0..25 => {
                let on = rng.below(2) == 1;
                let mode = if on { Mode::Active } else { Mode::Inactive };
                if record(&mut tally, "conn_set", api.conn_set(zone, &rtkn, mode).await, None).is_some() {
                    model.connections.insert(zone.clone(), on);
                }
            }
            25..40 => {
                if record(&mut tally, "enable", api.conn_setmode_enabled(zone, &rtkn).await, no_conn).is_some() {
                    model.connections.insert(zone.clone(), true);
                }
            }
            40..55 => {
                if record(&mut tally, "disable", api.conn_setmode_disabled(zone, &rtkn).await, no_conn).is_some() {
                    model.connections.insert(zone.clone(), false);
                }
            }
            55..75 => {
                if let Some(answer) = record(&mut tally, "get_active", api.zone_conn_get_active(zone).await, None) {
                    let seen = answer.connection.active.map(|c| (c.railgun_id, c.enabled));
                    let want = model.connections.get(zone).map(|on| (model.railgun_id, Some(*on)));
                    if seen != want {
                        tally.wrong.push(format!("zone_conn_get_active {zone}: {seen:?}, model says {want:?}"));
                    }
                }
            }
            75..85 => {
                if record(&mut tally, "conn_delete", api.conn_delete(zone, &rtkn).await, no_conn).is_some() {
                    model.connections.remove(zone);
                }
            }
            85..95 => {
                let auto = rng.below(2) == 1;
                let mode = if auto { Mode::Active } else { Mode::Inactive };
                if record(&mut tally, "suggestion_set", api.suggestion_set(zone, &rtkn, mode).await, None).is_some() {
                    model.suggestions.insert(zone.clone());
                    if auto {
                        model.connections.insert(zone.clone(), true);
                    }
                }
            }
            95..99 => {
                let range = format!("{}.{}.0.0/16", 10 + index, rng.below(256));
                let ranges: [IpRange; 1] = [range.parse().expect("valid range")];
                if record(&mut tally, "ipr_set", api.ipr_set(&rtkn, &ranges).await, None).is_some() {
                    model.ranges = vec![range];
                }
            }
            _ => {
                record(&mut tally, "host_get_all", api.host_get_all().await, None);
            }
        }
    }
    (model, tally)
}

async fn run(label: &str, faults: Faults) -> bool {
    let emulator = Emulator::start(Config::new().host_key(HOST_KEY).faults(faults), "127.0.0.1:0").await.unwrap();
    let api =
        PartnerApi::builder(HOST_KEY).base_url(emulator.base_url()).timeout(Duration::from_secs(10)).build().unwrap();
    let emulator = std::sync::Arc::new(emulator);

    let started = Instant::now();
    let handles: Vec<_> = (0..TASKS)
        .map(|i| {
            let emulator = emulator.clone();
            let activate = move |rtkn: &str| emulator.activate(rtkn).expect("fresh Railgun");
            tokio::spawn(task(api.clone(), activate, i))
        })
        .collect();
    let mut tally = Tally::default();
    let mut models = Vec::new();
    for handle in handles {
        let (model, t) = handle.await.expect("task panicked");
        tally.merge(t);
        models.push(model);
    }
    let elapsed = started.elapsed();

    // The emulator's state against the union of the models.
    let snapshot = emulator.snapshot();
    let mut expected_connections = BTreeMap::new();
    let mut expected_suggestions = BTreeMap::new();
    let mut expected_ranges = BTreeMap::new();
    for m in &models {
        for (zone, on) in &m.connections {
            expected_connections.insert(zone.clone(), (m.railgun_id, *on));
        }
        for zone in &m.suggestions {
            expected_suggestions.insert(zone.clone(), m.railgun_id);
        }
        if !m.ranges.is_empty() {
            expected_ranges.insert(m.railgun_id, m.ranges.clone());
        }
    }
    let expected_railguns: BTreeMap<u64, (Owner, &str)> =
        models.iter().map(|m| (m.railgun_id, (Owner::Host(1), "V"))).collect();
    let mut problems = tally.wrong.clone();
    if snapshot.connections != expected_connections {
        problems.push(format!(
            "connections differ: {} in the emulator, {} implied",
            snapshot.connections.len(),
            expected_connections.len()
        ));
    }
    if snapshot.suggestions != expected_suggestions {
        problems.push("suggestions differ".to_owned());
    }
    if snapshot.ranges != expected_ranges {
        problems.push("IP ranges differ".to_owned());
    }
    if snapshot.railguns != expected_railguns {
        problems.push(format!(
            "Railguns differ: {} in the emulator, {} implied",
            snapshot.railguns.len(),
            expected_railguns.len()
        ));
    }

    let requests = tally.requests();
    println!("{label}");
    println!(
        "  {requests} requests from {TASKS} tasks in {:.2?}: {:.0} requests/s",
        elapsed,
        requests as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  ok {}, refused as predicted {}, injected faults {:?}",
        tally.ok, tally.refused_as_predicted, tally.faults
    );
    println!(
        "  state: {} connections, {} suggestions, {} Railguns with IP ranges",
        snapshot.connections.len(),
        snapshot.suggestions.len(),
        snapshot.ranges.len()
    );
    if problems.is_empty() {
        println!(
            "  consistency check: PASSED (state equals what the successful requests imply; no untyped or unpredicted failure)"
        );
        true
    } else {
        println!("  consistency check: FAILED");
        for p in problems.iter().take(20) {
            println!("    {p}");
        }
        false
    }
}

fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let clean = runtime.block_on(run("no faults", Faults::default()));
    let faulty = runtime.block_on(run(
        "faults: 2% dropped, 3% 503, 2% HTML pages, 2% truncated",
        Faults { dropped: 0.02, server_error: 0.03, html_page: 0.02, truncated: 0.02, ..Faults::default() },
    ));
    if clean && faulty { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
}
