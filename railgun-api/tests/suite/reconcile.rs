//! Fleet operations (`railgun_api::fleet`) against the emulator: every zone
//! read, changed once and verified, under faults of every kind; nothing
//! sent twice blindly; dry runs that change nothing; conflicts, progress and
//! cancellation; a token of another Railgun, refused credentials and an
//! unreachable service stopping a run before it changes anything. Paused tokio time: backoff costs no real time.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use railgun_api::fleet::{Change, Desired, Fleet, FleetError, Progress, RailgunId, Stop, Target, ZoneReport};
use railgun_api::types::Mode;
use railgun_api::{PartnerApi, RetryPolicy, Secret};
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

/// Every operation that changes zones, for `railgun`.
fn changes<R: Clone>(railgun: &R) -> [Desired<R>; 4] {
    [
        Desired::Connected { railgun: railgun.clone(), enabled: true },
        Desired::Disconnected { railgun: railgun.clone() },
        Desired::Enabled { railgun: railgun.clone() },
        Desired::Disabled { railgun: railgun.clone() },
    ]
}

/// How often each action that reads or changes a zone was called.
fn zone_hits(emu: &Emulator) -> [u64; 5] {
    ["zone_conn_get_active", "conn_set", "conn_setmode_enabled", "conn_setmode_disabled", "conn_delete"]
        .map(|action| emu.hits(action))
}

#[tokio::test(start_paused = true)]
async fn a_token_of_another_railgun_stops_every_operation_before_any_zone() {
    let (emu, api) = emulator(Faults::default()).await;
    let one = railgun(&emu, &api).await;
    let two = railgun(&emu, &api).await;
    // Zones connected to Railgun two, for every change to have something to act on.
    let done =
        run(&Fleet::new(api.clone()), zones(3), Desired::Connected { railgun: two.clone(), enabled: true }).await;
    assert!(done.values().all(ZoneReport::is_ok), "{done:#?}");
    let (before, hits, lists) = (emu.snapshot(), zone_hits(&emu), emu.hits("host_get_all"));

    let given = RailgunId::Number(one.railgun_id);
    let mixed = Target::new(one.railgun_id, two.rtkn.clone());
    let unknown = Target::new(one.railgun_id, Secret::new("no Railgun's token"));
    let mut checks = 0;
    for (target, named) in [(mixed, Some(RailgunId::Number(two.railgun_id))), (unknown, None)] {
        for dry_run in [false, true] {
            for desired in changes(&target) {
                let mut run = Fleet::new(api.clone()).dry_run(dry_run).run(zones(3), desired.clone());
                assert!(run.next().await.is_none(), "{desired:?}, dry run {dry_run}: no zone starts");
                let stop = Stop::WrongRailgun { given: given.clone(), named: named.clone() };
                assert_eq!(run.stopped(), Some(&stop), "{desired:?}, dry run {dry_run}");
                checks += 1;
            }
        }
    }
    // Each run listed the account's Railguns once, and did nothing else.
    assert_eq!(emu.hits("host_get_all"), lists + checks);
    assert_eq!(zone_hits(&emu), hits, "no zone was read or changed");
    assert_eq!(emu.snapshot(), before);
    // The right token goes on as before.
    let mut run = Fleet::new(api.clone()).run(zones(3), Desired::Disabled { railgun: two.clone() });
    let reports: Vec<ZoneReport> = run.by_ref().collect().await;
    assert_eq!((reports.len(), run.stopped()), (3, None));
    assert!(reports.iter().all(|r| r.is_ok() && r.change == Change::Disable), "{reports:#?}");
}

#[tokio::test(start_paused = true)]
async fn refused_credentials_and_an_unreachable_service_stop_a_run_at_once() {
    let (emu, api) = emulator(Faults::default()).await;
    let target = railgun(&emu, &api).await;
    let connect = Desired::Connected { railgun: target.clone(), enabled: true };

    // A wrong host key: the identity check is refused, and nothing else is sent.
    let wrong = PartnerApi::builder("not-the-host-key").base_url(emu.base_url()).build().unwrap();
    let hits = emu.total_hits();
    let mut run = Fleet::new(wrong.clone()).run(zones(5000), connect.clone());
    assert!(run.next().await.is_none());
    let refused = "host_get_all: the service refused the call (err_code E_UNAUTH): invalid host_key";
    assert_eq!(run.stopped(), Some(&Stop::Refused { message: refused.into() }));
    assert_eq!(emu.total_hits() - hits, 1);
    assert_eq!(run.stopped().unwrap().to_string(), format!("the service refused the credentials: {refused}"),);

    // An audit has no Railgun to check: its first refused read stops it,
    // and only the zones under way then finish.
    let hits = emu.total_hits();
    let mut run = Fleet::new(wrong).concurrency(16).run(zones(5000), Desired::Audit);
    let reports: Vec<ZoneReport> = run.by_ref().collect().await;
    assert!((1..=16).contains(&reports.len()), "{}", reports.len());
    assert!(
        reports.iter().all(|r| matches!(&r.error, Some(FleetError::Call(e)) if e.to_string().contains("E_UNAUTH")))
    );
    assert_eq!(emu.total_hits() - hits, reports.len() as u64, "one refused read per zone, none retried");
    assert!(matches!(run.stopped(), Some(Stop::Refused { .. })), "{run:?}");

    // No service at all: the identity check reaches nothing.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = PartnerApi::builder(HOST_KEY).base_url(format!("http://127.0.0.1:{port}/api/v2/railgun/"));
    let nowhere = nowhere.build().unwrap();
    let mut run = Fleet::new(nowhere.clone()).run(zones(5000), connect);
    assert!(run.next().await.is_none());
    match run.stopped() {
        Some(Stop::Unreachable { calls: 1, message }) => {
            assert!(message.starts_with("host_get_all: request failed: "), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // An audit stops after eight calls in a row reached nothing: the 16
    // zones under way end there, and no other starts.
    let mut run = Fleet::new(nowhere).concurrency(16).run(zones(5000), Desired::Audit);
    let reports: Vec<ZoneReport> = run.by_ref().collect().await;
    assert!((1..=16).contains(&reports.len()), "{}", reports.len());
    assert!(matches!(run.stopped(), Some(Stop::Unreachable { calls: 8, .. })), "{run:?}");
}
