//! Fleet operations (`railgun_api::fleet`) against the emulator: every zone
//! read, changed once and verified, under faults of every kind; nothing
//! sent twice blindly; dry runs that change nothing; conflicts, progress and
//! cancellation. Paused tokio time: backoff costs no real time.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use railgun_api::fleet::{Change, Desired, Fleet, FleetError, Progress, RailgunId, Target, ZoneReport};
use railgun_api::types::Mode;
use railgun_api::{PartnerApi, RetryPolicy};
use railgun_emulator::{Config, Emulator, Faults};

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";

async fn emulator(faults: Faults) -> (Emulator, PartnerApi) {
    let config = Config::new().host_key(HOST_KEY).seed(2027).faults(faults);
    let emu = Emulator::start(config, "127.0.0.1:0").await.unwrap();
    let policy = RetryPolicy::default().max_attempts(3).max_elapsed(Duration::from_secs(600));
    let api = PartnerApi::builder(HOST_KEY).base_url(emu.base_url()).no_timeout().retry(policy).build().unwrap();
    (emu, api)
}

/// A new, activated Railgun (made before any fault is drawn).
async fn railgun(emu: &Emulator, api: &PartnerApi) -> Target {
    let made = loop {
        if let Ok(made) = api.init(None, None).await {
            break made;
        }
    };
    emu.activate(made.rtkn.expose_secret()).unwrap();
    Target::new(made.railgun_id, made.rtkn)
}

fn zones(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("zone-{i:04}.example.com")).collect()
}

async fn run(fleet: &Fleet<PartnerApi>, zones: Vec<String>, desired: Desired) -> BTreeMap<String, ZoneReport> {
    fleet.run(zones, desired).map(|r| (r.zone.clone(), r)).collect().await
}

#[tokio::test(start_paused = true)]
async fn connect_then_disconnect_five_hundred_zones_under_faults() {
    let (emu, api) = emulator(Faults::every_kind(0.2)).await;
    let target = railgun(&emu, &api).await;
    let id = target.railgun_id;
    let fleet = Fleet::new(api.clone()).concurrency(24).rounds(4).total(500);

    let reports = run(&fleet, zones(500), Desired::Connected { railgun: target.clone(), enabled: true }).await;
    assert_eq!(reports.len(), 500);
    let failed: Vec<_> = reports.values().filter(|r| !r.is_ok()).collect();
    // Four rounds of three attempts each: a zone fails only if every round
    // does. (Which request draws which fault depends on the order the
    // zones' calls interleave, so the count varies from run to run.)
    assert!(failed.len() <= 5, "{failed:#?}");
    for report in failed {
        assert!(report.error.as_ref().unwrap().is_retryable(), "{report:?}");
    }
    let connected = emu.snapshot().connections;
    for (zone, report) in &reports {
        if report.is_ok() {
            assert_eq!(connected[zone], (id, true), "{zone}");
            assert_eq!(report.after, Some(Some(railgun_api::fleet::Link::new(id, Some(true)))), "{zone}");
            assert!(report.applied && report.found == Some(None), "{report:?}");
        }
    }
    // Zones already as desired are read, not changed: a second run fixes the
    // few that failed and sends nothing else.
    let before = emu.hits("conn_set");
    let again = run(&fleet, zones(500), Desired::Connected { railgun: target.clone(), enabled: true }).await;
    let changed: Vec<&str> = again.values().filter(|r| r.applied).map(|r| r.zone.as_str()).collect();
    let previously_failed: Vec<&str> = reports.values().filter(|r| !r.is_ok()).map(|r| r.zone.as_str()).collect();
    assert!(changed.iter().all(|z| previously_failed.contains(z)), "{changed:?}");
    assert!(emu.hits("conn_set") - before <= 4 * 3 * previously_failed.len() as u64);
    assert!(again.values().all(ZoneReport::is_ok) || again.values().filter(|r| !r.is_ok()).count() <= 1);

    // conn_delete is not safe to repeat: it is sent again only after a read
    // shows the connection still there, so no request ever meets a zone
    // without one.
    let disconnect = Desired::Disconnected { railgun: target.clone() };
    let reports = run(&fleet, zones(500), disconnect.clone()).await;
    let ok = reports.values().filter(|r| r.is_ok()).count();
    assert!(ok >= 495, "{ok}");
    assert_eq!(emu.refused("conn_delete", "E_NO_CONNECTION"), 0);
    let left = emu.snapshot().connections;
    for (zone, report) in &reports {
        match &report.after {
            // What the last read showed is what the emulator holds.
            Some(after) => assert_eq!(
                left.get(zone).map(|c| RailgunId::Number(c.0)),
                after.as_ref().map(|l| l.railgun_id.clone()),
                "{zone}: {report:?}"
            ),
            None if report.is_ok() => assert!(!left.contains_key(zone), "{zone}: {report:?}"),
            None => assert!(report.error.as_ref().unwrap().is_retryable(), "{report:?}"),
        }
    }
    // A second run finishes the job, still without a blind repeat.
    let again = run(&fleet, zones(500), disconnect).await;
    let failed_again = again.values().filter(|r| !r.is_ok()).count();
    assert!(failed_again <= 1, "{failed_again}");
    assert_eq!(emu.snapshot().connections.len(), failed_again);
    assert_eq!(emu.refused("conn_delete", "E_NO_CONNECTION"), 0);
}

#[tokio::test(start_paused = true)]
async fn a_dry_run_reads_and_plans_but_changes_nothing() {
    let (emu, api) = emulator(Faults::default()).await;
    let target = railgun(&emu, &api).await;
    let zones = zones(6);
    api.conn_set(&zones[0], &target.rtkn, Mode::Active).await.unwrap();
    api.conn_set(&zones[1], &target.rtkn, Mode::Inactive).await.unwrap();
    let snapshot = emu.snapshot();
    let (sets, reads) = (emu.hits("conn_set"), emu.hits("zone_conn_get_active"));

    let fleet = Fleet::new(api.clone()).dry_run(true);
    let reports = run(&fleet, zones.clone(), Desired::Connected { railgun: target.clone(), enabled: true }).await;
    let plan: Vec<(Change, bool)> = reports.values().map(|r| (r.change, r.applied)).collect();
    let mut expected = vec![(Change::None, false), (Change::Enable, false)];
    expected.extend([(Change::ConnectEnabled, false); 4]);
    assert_eq!(plan, expected);
    assert!(reports.values().all(ZoneReport::is_ok));
    assert_eq!(emu.snapshot(), snapshot);
    assert_eq!((emu.hits("conn_set"), emu.hits("conn_setmode_enabled")), (sets, 0));
    assert_eq!(emu.hits("zone_conn_get_active") - reads, 6);
}

#[tokio::test(start_paused = true)]
async fn another_railgun_is_left_alone_and_reported() {
    let (emu, api) = emulator(Faults::default()).await;
    let ours = railgun(&emu, &api).await;
    let theirs = railgun(&emu, &api).await;
    let zones = zones(3);
    api.conn_set(&zones[0], &theirs.rtkn, Mode::Active).await.unwrap();
    api.conn_set(&zones[1], &ours.rtkn, Mode::Active).await.unwrap();

    let fleet = Fleet::new(api.clone());
    let reports = run(&fleet, zones.clone(), Desired::Enabled { railgun: ours.clone() }).await;
    let error = |zone: &String| reports[zone].error.as_ref().map(FleetError::to_string);
    assert_eq!(
        error(&zones[0]),
        Some(format!("the zone is connected to Railgun {}, not to this one", theirs.railgun_id))
    );
    assert_eq!(error(&zones[1]), None);
    assert_eq!(error(&zones[2]).as_deref(), Some("the zone is not connected to this Railgun"));

    // Disconnecting ours leaves theirs connected.
    let reports = run(&fleet, zones.clone(), Desired::Disconnected { railgun: ours.clone() }).await;
    assert!(reports.values().all(ZoneReport::is_ok));
    let connections = emu.snapshot().connections;
    assert_eq!(connections.into_iter().collect::<Vec<_>>(), [(zones[0].clone(), (theirs.railgun_id, true))]);
}

#[tokio::test(start_paused = true)]
async fn audit_reports_every_zone_and_progress_counts_them() {
    let (emu, api) = emulator(Faults::default()).await;
    let target = railgun(&emu, &api).await;
    let zones = zones(40);
    for zone in &zones[..10] {
        api.conn_set(zone, &target.rtkn, Mode::Inactive).await.unwrap();
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let fleet = Fleet::new(api.clone()).concurrency(4).total(40).on_progress(move |p| log.lock().unwrap().push(*p));
    let reports = run(&fleet, zones.clone(), Desired::Audit).await;
    let connected = reports.values().filter(|r| matches!(r.found, Some(Some(_)))).count();
    assert_eq!(connected, 10);
    assert!(reports.values().all(|r| !r.applied && r.change == Change::None));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 40);
    assert_eq!(seen.last().map(|p: &Progress| (p.total, p.finished, p.failed, p.changed)), Some((Some(40), 40, 0, 0)));
    assert!(seen.windows(2).all(|w| w[1].finished == w[0].finished + 1));
}

#[tokio::test(start_paused = true)]
async fn cancelling_stops_new_zones_and_lets_started_ones_finish() {
    let (emu, api) = emulator(Faults { latency_ms: 50, ..Faults::default() }).await;
    let target = railgun(&emu, &api).await;
    let fleet = Fleet::new(api.clone()).concurrency(8);
    let cancel = fleet.cancel_handle();
    let mut stream = std::pin::pin!(fleet.run(zones(1000), Desired::Connected { railgun: target, enabled: true }));
    let mut reports = Vec::new();
    while let Some(report) = stream.next().await {
        if reports.len() == 20 {
            cancel.cancel();
        }
        reports.push(report);
    }
    // The 20 before the flag, and at most the 8 under way then.
    assert!((21..=28).contains(&reports.len()), "{}", reports.len());
    assert!(reports.iter().all(ZoneReport::is_ok));
    // Every zone that was started finished: connected and verified.
    assert_eq!(emu.snapshot().connections.len(), reports.len());
}
