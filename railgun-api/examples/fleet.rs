//! A hosting partner's fleet: one Railgun connected to 200 customer domains,
//! audited, then disconnected, through a service that misbehaves.
//!
//! `cargo run -p railgun-api --example fleet` starts the emulator in this
//! process with one request in ten failing (503s, HTML pages, cut bodies,
//! 429s, dropped connections, and answers lost *after* the change was
//! made), and brings the domains to each desired state with
//! [`railgun_api::fleet::Fleet`]: 16 zones at a time, each zone read,
//! changed once and read again. The client retries what is safe to retry;
//! a zone that still failed is simply run again, since a run changes
//! nothing that is already right. The emulator's state is checked after
//! each step.

use futures_util::StreamExt;
use railgun_api::fleet::{Desired, Fleet, Link, Target, ZoneReport};
use railgun_api::types::InitResponse;
use railgun_api::{Error, PartnerApi};
use railgun_emulator::{Config, Emulator, Fault, Faults};

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const DOMAINS: usize = 200;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let faults = Faults { retry_after_s: 0, ..Faults::every_kind(0.1) };
    let emulator = Emulator::start(Config::new().host_key(HOST_KEY).faults(faults).seed(9), "127.0.0.1:0").await?;
    println!("Railgun emulator at {}, one request in ten failing\n", emulator.base_url());
    let api = PartnerApi::builder(HOST_KEY).base_url(emulator.base_url()).build()?;

    let made = create_railgun(&api).await?;
    // The daemon, started with made.rtkn, activates the Railgun.
    emulator.activate(made.rtkn.expose_secret()).expect("the Railgun was just created");
    let id = made.railgun_id;
    let railgun = Target::new(id, made.rtkn);

    let domains: Vec<String> = (1..=DOMAINS).map(|i| format!("customer-{i:03}.example.com")).collect();
    bring(&api, &emulator, &domains, Desired::Connected { railgun: railgun.clone(), enabled: true }).await;
    let connected = emulator.snapshot().connections;
    assert!(domains.iter().all(|d| connected.get(d) == Some(&(id, true))), "every domain on Railgun {id}, enabled");

    let audit = bring(&api, &emulator, &domains, Desired::Audit).await;
    let on_railgun = audit.iter().filter(|r| r.found == Some(Some(Link::new(id, Some(true))))).count();
    println!("  audit: {on_railgun} of {DOMAINS} domains read as connected to Railgun {id} and enabled");

    bring(&api, &emulator, &domains, Desired::Disconnected { railgun }).await;
    assert!(emulator.snapshot().connections.is_empty(), "no domain left connected");
    println!("\nEvery domain ended as desired; the emulator's state agrees.");
    Ok(())
}

/// `init` is not safe to repeat, so the client retries it on its own only
/// after a failure known not to have been applied (a 429, or a connection
/// that could not be made). After a failure that may have been applied, a
/// Railgun may exist whose token was lost with the answer. Here that one is
/// left behind (on the real service, list the account's Railguns to find
/// it), and another is made.
async fn create_railgun(api: &PartnerApi) -> Result<InitResponse, Error> {
    loop {
        match api.init(Some("edge-1"), Some("Edge 1")).await {
            Ok(made) => return Ok(made),
            Err(error) if error.may_have_been_applied() => {
                println!("init: {error}; a Railgun may have been made, its token lost: making another");
            }
            Err(error) if error.is_retryable() => println!("init: {error}; nothing was made: trying again"),
            Err(error) => return Err(error),
        }
    }
}

/// Runs `desired` over `domains` until every one of them ends as desired
/// (five runs at most), printing each run's counts and the requests the
/// emulator saw; the reports of the last run of each domain.
async fn bring(api: &PartnerApi, emulator: &Emulator, domains: &[String], desired: Desired) -> Vec<ZoneReport> {
    println!("{}:", desired.name());
    let before = Traffic::of(emulator);
    let mut todo = domains.to_vec();
    let mut done = Vec::new();
    for run in 1..=5 {
        let fleet = Fleet::new(api.clone()).concurrency(16);
        let reports: Vec<ZoneReport> = fleet.run(todo.clone(), desired.clone()).collect().await;
        let changed = reports.iter().filter(|r| r.is_ok() && r.applied).count();
        let failed: Vec<&ZoneReport> = reports.iter().filter(|r| !r.is_ok()).collect();
        println!(
            "  run {run}: {} zones, {changed} changed, {} already as desired, {} failed",
            reports.len(),
            reports.len() - changed - failed.len(),
            failed.len()
        );
        if let Some(report) = failed.first() {
            println!("    for one: {}", serde_json::to_string(report).expect("a report serializes"));
        }
        todo = failed.iter().map(|r| r.zone.clone()).collect();
        done.extend(reports.into_iter().filter(ZoneReport::is_ok));
        if todo.is_empty() {
            let traffic = Traffic::of(emulator).since(&before);
            println!(
                "  {} requests, {} of them failed by the emulator ({} applied, then their answer lost)",
                traffic.requests, traffic.faulty, traffic.lost
            );
            return done;
        }
    }
    panic!("{} zones still failing after five runs: {todo:?}", todo.len());
}

/// Requests the emulator has seen.
struct Traffic {
    requests: u64,
    faulty: u64,
    lost: u64,
}

impl Traffic {
    fn of(emulator: &Emulator) -> Traffic {
        let requests = emulator.total_hits();
        Traffic {
            requests,
            faulty: requests - emulator.total_hits_with(None),
            lost: emulator.total_hits_with(Some(Fault::AppliedDropped))
                + emulator.total_hits_with(Some(Fault::AppliedTruncated)),
        }
    }

    fn since(&self, before: &Traffic) -> Traffic {
        Traffic {
            requests: self.requests - before.requests,
            faulty: self.faulty - before.faulty,
            lost: self.lost - before.lost,
        }
    }
}
