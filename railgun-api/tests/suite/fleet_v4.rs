//! Fleet operations over the v4 API (`railgun_api::fleet::ByConnection`)
//! against the emulator: zones named by id, the Railgun by account and tag;
//! every zone read, changed once and verified, under faults of every kind;
//! a second run changing nothing; zones changed meanwhile through v2 (a
//! connection made, or removed and made again under a new id) read right;
//! conflicts with another Railgun reported by its tag; a Railgun the
//! account lacks, or another's activation key, stopping a run before it
//! changes anything. Paused tokio time:
//! backoff costs no real time.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;
use railgun_api::fleet::{
    AccountRailgun, ByConnection, Change, Desired, Fleet, FleetError, Link, RailgunId, Stop, ZoneReport,
};
use railgun_api::types::Mode;
use railgun_api::v4::V4Api;
use railgun_api::{ClientApi, RetryPolicy, Secret};
use railgun_emulator::{Config, Emulator, Faults, Snapshot, account_id, zone_id};

const EMAIL: &str = "fleet+v4@example.com";
/// The v2 `tkn` and v4 `X-Auth-Key`: awkward characters on purpose.
const KEY: &str = "k3y/with+plus=and%25~\u{e9}";

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("zone-{i:04}.example.com")).collect()
}

async fn emulator(zones: usize, faults: Faults) -> Emulator {
    let config = Config::new().user(EMAIL, KEY).zones(names(zones)).seed(2026).faults(faults);
    Emulator::start(config, "127.0.0.1:0").await.unwrap()
}

fn v4(emu: &Emulator) -> V4Api {
    let policy = RetryPolicy::default().max_attempts(3).max_elapsed(Duration::from_secs(600));
    V4Api::builder_with_api_key(EMAIL, KEY).base_url(emu.base_url_v4()).no_timeout().retry(policy).build().unwrap()
}

fn v2(emu: &Emulator) -> ClientApi {
    ClientApi::builder(EMAIL, KEY).base_url(emu.base_url()).build().unwrap()
}

/// A new Railgun of the user's account, activated: how v4 names it, its v2
/// id and its token.
async fn railgun(emu: &Emulator, api: &V4Api, name: &str) -> (AccountRailgun, u64, Secret) {
    let made = loop {
        // Under faults a call may fail; a Railgun made by a lost answer is
        // only an extra one.
        if let Ok(made) = api.create_railgun(name).await {
            break made;
        }
    };
    emu.activate(made.activation_key.expose_secret()).unwrap();
    let id = *emu.snapshot().names.iter().find(|(_, n)| *n == name).unwrap().0;
    (AccountRailgun::new(account_id(EMAIL), made.id), id, made.activation_key)
}

fn ids(names: &[String]) -> Vec<String> {
    names.iter().map(|n| zone_id(n)).collect()
}

async fn run(
    fleet: &Fleet<ByConnection<V4Api>>,
    zones: Vec<String>,
    desired: Desired<AccountRailgun>,
) -> BTreeMap<String, ZoneReport> {
    fleet.run(zones, desired).map(|r| (r.zone.clone(), r)).collect().await
}

/// Runs `desired` over `zones` until every zone is done (at most five
/// runs), checking after each that what every report says is what the
/// emulator holds; the first run's reports.
async fn until_done(
    emu: &Emulator,
    fleet: &Fleet<ByConnection<V4Api>>,
    zones: &[String],
    desired: &Desired<AccountRailgun>,
    expected: Option<(u64, bool)>,
) -> BTreeMap<String, ZoneReport> {
    let mut first = None;
    let mut left: Vec<String> = zones.to_vec();
    for _ in 0..5 {
        let reports = run(fleet, ids(&left), desired.clone()).await;
        let held = emu.snapshot().connections;
        for name in &left {
            let report = &reports[&zone_id(name)];
            if report.is_ok() {
                assert_eq!(held.get(name).copied(), expected, "{report:?}");
            } else {
                assert!(report.error.as_ref().unwrap().is_retryable(), "{report:?}");
            }
        }
        left.retain(|name| !reports[&zone_id(name)].is_ok());
        first.get_or_insert(reports);
        if left.is_empty() {
            return first.unwrap();
        }
    }
    panic!("{} zones still failing after five runs: {left:?}", left.len());
}

/// The zones of `names` connected in `snapshot`, as `(Railgun, enabled)`.
fn connections(snapshot: &Snapshot, names: &[String]) -> Vec<Option<(u64, bool)>> {
    names.iter().map(|n| snapshot.connections.get(n).copied()).collect()
}

#[tokio::test(start_paused = true)]
async fn connect_disable_and_disconnect_three_hundred_zones_under_faults() {
    let emu = emulator(300, Faults::every_kind(0.2)).await;
    let api = v4(&emu);
    let (target, id, rtkn) = railgun(&emu, &api, "fleet v4").await;
    let zones = names(300);
    // Before the run, one zone is connected to this Railgun through v2,
    // disabled: its connection id is learnt from the Railgun's listing.
    while v2(&emu).conn_set(&zones[7], &rtkn, Mode::Inactive).await.is_err() {}
    assert_eq!(emu.snapshot().connections.get(&zones[7]), Some(&(id, false)));

    let fleet = Fleet::new(ByConnection::new(api.clone())).concurrency(24).rounds(4).total(300);
    let connect = Desired::Connected { railgun: target.clone(), enabled: true };
    let reports = until_done(&emu, &fleet, &zones, &connect, Some((id, true))).await;
    assert_eq!(reports.len(), 300);
    // Four rounds of three attempts each: a zone fails only if every round does.
    let failed = reports.values().filter(|r| !r.is_ok()).count();
    assert!(failed <= 5, "{failed}");
    let seventh = &reports[&zone_id(&zones[7])];
    if seventh.is_ok() {
        // Found disabled and enabled (`change` is the last round's: `none`
        // when a lost answer's change showed on the next read).
        assert_eq!(seventh.found, Some(Some(Link::new(target.railgun.clone(), Some(false)))), "{seventh:?}");
        assert!(seventh.applied && matches!(seventh.change, Change::Enable | Change::None), "{seventh:?}");
    }
    assert_eq!(connections(&emu.snapshot(), &zones), vec![Some((id, true)); 300]);

    // Once done, a run changes nothing: reads only (which faults may fail).
    let again = run(&fleet, ids(&zones), connect).await;
    assert!(again.values().all(|r| !r.applied && r.change == Change::None), "{again:?}");
    // Creating a connection is not safe to repeat: it was never sent to a
    // zone that had one.
    assert_eq!(emu.refused("create_connection", "1003"), 0);

    let disable = Desired::Disabled { railgun: target.clone() };
    until_done(&emu, &fleet, &zones, &disable, Some((id, false))).await;
    assert_eq!(connections(&emu.snapshot(), &zones), vec![Some((id, false)); 300]);

    let disconnect = Desired::Disconnected { railgun: target.clone() };
    until_done(&emu, &fleet, &zones, &disconnect, None).await;
    assert_eq!(connections(&emu.snapshot(), &zones), vec![None; 300]);
    // Deleting is not safe to repeat either: never sent for a connection
    // already gone.
    assert_eq!(emu.refused("delete_connection", "1001"), 0);
}

#[tokio::test]
async fn zones_changed_through_v2_meanwhile_and_conflicts() {
    let emu = emulator(4, Faults::default()).await;
    let api = v4(&emu);
    let (target, id, rtkn) = railgun(&emu, &api, "mine").await;
    let (other, _, other_rtkn) = railgun(&emu, &api, "another").await;
    let zones = names(4);
    let v2 = v2(&emu);
    let fleet_api = ByConnection::new(api.clone());
    let fleet = Fleet::new(fleet_api.clone()).concurrency(4);

    // zone 3 is connected to another of the user's Railguns.
    v2.conn_set(&zones[3], &other_rtkn, Mode::Active).await.unwrap();
    let connect = Desired::Connected { railgun: target.clone(), enabled: true };
    let reports = run(&fleet, ids(&zones[..3]), connect.clone()).await;
    assert!(reports.values().all(|r| r.is_ok() && r.applied), "{reports:?}");
    let conflict = run(&fleet, vec![zone_id(&zones[3])], connect.clone()).await;
    let report = conflict.values().next().unwrap();
    assert!(
        matches!(&report.error, Some(FleetError::Conflict { railgun_id }) if *railgun_id == other.railgun.as_str().into()),
        "{report:?}"
    );
    assert_eq!(
        serde_json::to_value(report).unwrap()["error"]["message"],
        format!("the zone is connected to Railgun {}, not to this one", other.railgun)
    );
    assert!(!report.applied);

    // Through v2, zone 0's connection is removed and made again, disabled,
    // under a new id; zone 1's is removed. The ids this fleet learnt are
    // stale: it reads the zones right and fixes them, in one round.
    v2.conn_delete(&zones[0], &rtkn).await.unwrap();
    v2.conn_set(&zones[0], &rtkn, Mode::Inactive).await.unwrap();
    v2.conn_delete(&zones[1], &rtkn).await.unwrap();
    let one_round = Fleet::new(fleet_api.clone()).rounds(1);
    let reports = run(&one_round, ids(&zones[..3]), connect).await;
    let zero = &reports[&zone_id(&zones[0])];
    assert_eq!(zero.found, Some(Some(Link::new(target.railgun.clone(), Some(false)))), "{zero:?}");
    assert_eq!((zero.change, zero.is_ok()), (Change::Enable, true), "{zero:?}");
    let one = &reports[&zone_id(&zones[1])];
    assert_eq!((one.found.clone(), one.change, one.is_ok()), (Some(None), Change::ConnectEnabled, true), "{one:?}");
    assert_eq!(connections(&emu.snapshot(), &zones[..3]), vec![Some((id, true)); 3]);

    // An audit names each zone's Railgun by its tag; without a target the
    // mode is not read.
    let audit = run(&fleet, ids(&zones), Desired::Audit).await;
    let found: Vec<_> = ids(&zones).iter().map(|z| audit[z].found.clone().unwrap()).collect();
    assert_eq!(
        found,
        [
            Some(Link::new(target.railgun.clone(), None)),
            Some(Link::new(target.railgun.clone(), None)),
            Some(Link::new(target.railgun.clone(), None)),
            Some(Link::new(other.railgun.clone(), None)),
        ]
    );

    // A dry run reads and plans, and sends nothing.
    let before = emu.snapshot().connections;
    let dry = Fleet::new(ByConnection::new(api)).dry_run(true);
    let plans = run(&dry, ids(&zones), Desired::Disconnected { railgun: target }).await;
    let changes: Vec<Change> = ids(&zones).iter().map(|z| plans[z].change).collect();
    assert_eq!(changes, [Change::Disconnect, Change::Disconnect, Change::Disconnect, Change::None]);
    assert!(plans.values().all(|r| !r.applied));
    assert_eq!(emu.snapshot().connections, before);
}

#[tokio::test]
async fn a_zone_costs_two_reads_and_zones_that_miss_at_once_share_one_listing() {
    let emu = emulator(200, Faults::default()).await;
    let api = v4(&emu);
    let (target, id, _) = railgun(&emu, &api, "counted").await;
    let zones = names(200);
    let connect = Desired::Connected { railgun: target.clone(), enabled: true };
    let first = Fleet::new(ByConnection::new(api.clone())).concurrency(32);
    let reports = run(&first, ids(&zones), connect).await;
    assert!(reports.values().all(|r| r.is_ok() && r.applied), "{reports:?}");
    // Each zone: the Railgun it is connected to, read before and after; one
    // creation, whose answer gives the id to read the connection by.
    let hits = |action| emu.hits(action);
    assert_eq!(
        (hits("list_zone_railguns"), hits("create_connection"), hits("connection_details"), hits("list_connections")),
        (400, 200, 200, 0)
    );

    // A new fleet knows no id: the 32 zones that miss at once wait for one
    // listing of the Railgun's 200 connections (10 pages of 20), not 32.
    let fresh = Fleet::new(ByConnection::new(api)).concurrency(32);
    let reports = run(&fresh, ids(&zones), Desired::Disabled { railgun: target }).await;
    assert!(reports.values().all(|r| r.is_ok() && r.applied), "{reports:?}");
    assert_eq!(hits("list_connections"), 10);
    assert_eq!((hits("update_connection"), hits("connection_details")), (200, 600));
    assert_eq!(connections(&emu.snapshot(), &zones), vec![Some((id, false)); 200]);
}

#[tokio::test]
async fn a_railgun_the_account_lacks_or_another_s_key_stops_every_operation_before_any_zone() {
    let emu = emulator(3, Faults::default()).await;
    let api = v4(&emu);
    let (one, _, _) = railgun(&emu, &api, "one").await;
    let (two, two_id, two_key) = railgun(&emu, &api, "two").await;
    let zones = names(3);
    let done = run(
        &Fleet::new(ByConnection::new(api.clone())),
        ids(&zones),
        Desired::Connected { railgun: two.clone(), enabled: true },
    )
    .await;
    assert!(done.values().all(ZoneReport::is_ok), "{done:#?}");
    let zone_calls = ["list_zone_railguns", "create_connection", "update_connection", "delete_connection"];
    let before = (emu.snapshot(), zone_calls.map(|a| emu.hits(a)), emu.hits("list_account_railguns"));

    let given = RailgunId::Tag(one.railgun.clone());
    let cases = [
        // Railgun one's tag, Railgun two's key.
        (one.clone().with_activation_key(two_key.clone()), Some(RailgunId::Tag(two.railgun.clone()))),
        // A key no Railgun of the account has.
        (one.clone().with_activation_key("no Railgun's key"), None),
        // A tag the account does not have (another account's, say).
        (AccountRailgun::new(account_id(EMAIL), "0123456789abcdef0123456789abcdef"), None),
    ];
    let mut checks = 0;
    for (railgun, named) in cases {
        let given =
            if railgun.railgun == one.railgun { given.clone() } else { RailgunId::Tag(railgun.railgun.clone()) };
        for dry_run in [false, true] {
            for desired in [
                Desired::Connected { railgun: railgun.clone(), enabled: true },
                Desired::Disconnected { railgun: railgun.clone() },
                Desired::Enabled { railgun: railgun.clone() },
                Desired::Disabled { railgun: railgun.clone() },
            ] {
                let fleet = Fleet::new(ByConnection::new(api.clone())).dry_run(dry_run);
                let mut run = fleet.run(ids(&zones), desired.clone());
                assert!(run.next().await.is_none(), "{desired:?}, dry run {dry_run}: no zone starts");
                let stop = Stop::WrongRailgun { given: given.clone(), named: named.clone() };
                assert_eq!(run.stopped(), Some(&stop), "{desired:?}, dry run {dry_run}");
                checks += 1;
            }
        }
    }
    let after = (emu.snapshot(), zone_calls.map(|a| emu.hits(a)), emu.hits("list_account_railguns"));
    assert_eq!(after, (before.0, before.1, before.2 + checks), "one listing per run, nothing else");
    assert_eq!(connections(&emu.snapshot(), &zones), vec![Some((two_id, true)); 3]);

    // Railgun two named by its tag and its own key goes on.
    let mut run = Fleet::new(ByConnection::new(api))
        .run(ids(&zones), Desired::Disabled { railgun: two.with_activation_key(two_key) });
    let reports: Vec<ZoneReport> = run.by_ref().collect().await;
    assert_eq!((reports.len(), run.stopped()), (3, None));
    assert_eq!(connections(&emu.snapshot(), &zones), vec![Some((two_id, false)); 3]);
}
