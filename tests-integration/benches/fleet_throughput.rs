//! Fleet throughput: an audit of 10,000 zones (one `zone_conn_get_active`
//! each, 64 in flight) against the rate two other clients get from the same
//! emulator endpoint with the same body:
//!
//! - a load generator, wrk (`-t1 -c64`, one thread and 64 connections, as
//!   the fleet has);
//! - a one-request-at-a-time client in Python's urllib, as the PHP and Perl
//!   peers work: a new connection per request, the answer decoded.
//!
//! and against the same 10,000 requests sent through hyper without reqwest
//! (64 connections, each answer decoded into the same type): the leaner
//! HTTP path, which shows how much of the gap to wrk is reqwest's.
//!
//! wrk on both cores (`-t2 -c64`) is measured too, against Python: a load
//! generator free to use the whole machine, so what bounds the fleet /
//! Python ratio here.
//!
//! The emulator runs in a process of its own and the fleet runs on one
//! thread, so client and emulator share this machine's cores as wrk and the
//! emulator do. Each round runs the clients in turn; the medians of the
//! rounds' ratios are printed (only ratios mean anything on this shared
//! machine). The fleet's connect of the same zones (read, `conn_set`,
//! verify: three requests each) is printed too. The fleet's every answer
//! is checked; wrk's must all be 200s.
//!
//! Needs `wrk` and `python3` on the PATH: `tests-integration/benches/fleet_throughput.sh`
//! installs wrk (Debian's package) and runs this. `ROUNDS=n` changes the
//! number of rounds.

#[path = "support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use railgun_api::fleet::{Desired, Fleet, Link, Target};
use railgun_api::types::ZoneConnResponse;
use railgun_api::{DEFAULT_USER_AGENT, PartnerApi};
use support::{HOST_KEY, Hyper, Server, Spread, cpu_time, decode_by_hand, split_url};

const ZONES: usize = 10_000;
const IN_FLIGHT: usize = 64;
/// How long wrk and the Python client run in each round.
const SECONDS: u64 = 3;

fn zone(i: usize) -> String {
    format!("zone{i:05}.example.com")
}

/// Requests per second wrk gets from `zone_conn_get_active` with the
/// fleet's request body for the first zone, on `threads` threads.
fn load_generator(server: &Server, dir: &std::path::Path, threads: usize) -> f64 {
    let script = dir.join("post.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\n\
             wrk.body = \"host_key={HOST_KEY}&z={zone}\"\n\
             wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n\
             wrk.headers[\"Accept\"] = \"application/json\"\n\
             wrk.headers[\"User-Agent\"] = \"{DEFAULT_USER_AGENT}\"\n",
            zone = zone(0)
        ),
    )
    .unwrap();
    let output = Command::new("wrk")
        .args([format!("-t{threads}"), format!("-c{IN_FLIGHT}"), format!("-d{SECONDS}s")])
        .arg("-s")
        .arg(&script)
        .arg(format!("{}zone_conn_get_active", server.base_url))
        .output()
        .expect("wrk runs (tests-integration/benches/fleet_throughput.sh installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && !text.contains("Non-2xx"), "wrk failed:\n{text}");
    let rate = text.lines().find_map(|line| line.strip_prefix("Requests/sec:")).expect("wrk's rate");
    rate.trim().parse().expect("a number")
}

/// Requests per second of a Python urllib client sending one request at a
/// time, each answer decoded and checked.
fn python(server: &Server) -> f64 {
    const SCRIPT: &str = r#"
import json, sys, time, urllib.parse, urllib.request
url, key, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
headers = {"Accept": "application/json", "User-Agent": "railgun-peer"}
n, started = 0, time.perf_counter()
while time.perf_counter() - started < seconds:
    form = urllib.parse.urlencode({"host_key": key, "z": "zone%05d.example.com" % (n % 10000)}).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=form, headers=headers)) as answer:
        body = json.loads(answer.read())
    assert body["result"] == "success", body
    n += 1
print(n / (time.perf_counter() - started))
"#;
    let output = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(format!("{}zone_conn_get_active", server.base_url))
        .arg(HOST_KEY)
        .arg(SECONDS.to_string())
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "python failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("python's rate")
}

/// Zones per second of a fleet run, and this process's CPU time per zone;
/// every zone must end as `expected`.
async fn fleet(api: &PartnerApi, zones: &[String], desired: Desired, expected: &Link) -> (f64, Duration) {
    let fleet = Fleet::new(api.clone()).concurrency(IN_FLIGHT);
    let (started, cpu) = (Instant::now(), cpu_time());
    let reports: Vec<_> = fleet.run(zones.to_vec(), desired).collect().await;
    let (elapsed, cpu) = (started.elapsed(), cpu_time() - cpu);
    assert_eq!(reports.len(), zones.len());
    for report in &reports {
        let state = report.after.as_ref().or(report.found.as_ref()).and_then(Option::as_ref);
        assert!(report.is_ok() && state == Some(expected), "{report:?}");
    }
    (zones.len() as f64 / elapsed.as_secs_f64(), cpu / zones.len() as u32)
}

/// Requests per second of the audit's requests sent through hyper, 64 in
/// flight, each answer decoded and checked.
async fn hyper(hyper: &Hyper, path: &str, zones: &[String], expected: &Link) -> f64 {
    let started = Instant::now();
    let connected = futures_util::stream::iter(zones)
        .map(|zone| async move {
            let form = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("host_key", HOST_KEY)
                .append_pair("z", zone)
                .finish();
            let body = hyper.post(path, form).await.expect("the hyper call");
            let answer: ZoneConnResponse = decode_by_hand(&body).expect("a success");
            let active = answer.connection.active.expect("a connection");
            Link::new(active.railgun_id, active.enabled) == *expected
        })
        .buffer_unordered(IN_FLIGHT)
        .fold(0, |n, ok| async move { n + usize::from(ok) })
        .await;
    assert_eq!(connected, zones.len());
    zones.len() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    support::serve_if_asked();
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let server = Server::start();
    let dir = std::env::temp_dir().join(format!("railgun-fleet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let api = PartnerApi::builder(HOST_KEY).base_url(&server.base_url).build().unwrap();
    let zones: Vec<String> = (0..ZONES).map(zone).collect();

    let target = runtime.block_on(async {
        let made = api.init(None, None).await.unwrap();
        server.activate(made.rtkn.expose_secret()).await;
        Target::new(made.railgun_id, made.rtkn)
    });
    let expected = Link::new(target.railgun_id, Some(true));
    let connect = Desired::Connected { railgun: target, enabled: true };
    let connect = runtime.block_on(fleet(&api, &zones, connect, &expected));

    let url = format!("{}zone_conn_get_active", server.base_url);
    let (authority, path) = split_url(&url);
    let lean = runtime.block_on(Hyper::connect(authority, IN_FLIGHT));
    let (mut to_wrk, mut to_python, mut hyper_to_wrk, mut ceiling) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut lines = Vec::new();
    for round in 1..=rounds {
        let wrk = load_generator(&server, &dir, 1);
        let (audit, cpu) = runtime.block_on(fleet(&api, &zones, Desired::Audit, &expected));
        let hyper = runtime.block_on(hyper(&lean, path, &zones, &expected));
        let python = python(&server);
        let wrk2 = load_generator(&server, &dir, 2);
        to_wrk.push(audit / wrk);
        to_python.push(audit / python);
        hyper_to_wrk.push(hyper / wrk);
        ceiling.push(wrk2 / python);
        lines.push(format!(
            "  round {round}: wrk {wrk:.0}/s, fleet audit {audit:.0} zones/s ({:.1} µs of client CPU each), \
             hyper {hyper:.0}/s, python {python:.0}/s, wrk -t2 {wrk2:.0}/s",
            cpu.as_secs_f64() * 1e6
        ));
    }
    std::fs::remove_dir_all(&dir).unwrap();

    println!(
        "fleet throughput: {ZONES} zones, {IN_FLIGHT} in flight, zone_conn_get_active on the emulator in its own \
         process, {rounds} rounds"
    );
    for line in lines {
        println!("{line}");
    }
    println!(
        "  fleet connect (read, conn_set, verify): {:.0} zones/s, {:.0} requests/s, {:.1} µs of client CPU per zone",
        connect.0,
        connect.0 * 3.0,
        connect.1.as_secs_f64() * 1e6
    );
    println!("  fleet audit / wrk -t1 -c{IN_FLIGHT}: {}", Spread::of(to_wrk));
    println!("  fleet audit / python urllib, one at a time: {}", Spread::of(to_python));
    println!("  the same requests through hyper without reqwest / wrk: {}", Spread::of(hyper_to_wrk));
    println!("  wrk -t2 -c{IN_FLIGHT} (a load generator on both cores) / python: {}", Spread::of(ceiling));
}
