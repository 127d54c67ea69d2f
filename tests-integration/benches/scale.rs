//! The emulator at fleet scale, each figure a ratio measured in this run:
//!
//! - memory: the peak growth while one account lists all its Railguns,
//!   over the memory the Railguns take (`≤ 2` is the target);
//! - the lock: another account's calls during that listing, against the
//!   same calls without it (the listing must not make them wait);
//! - `init` with a name: the last thousand calls against the first thousand
//!   (no scan of every Railgun: about 1).
//!
//! `cargo bench -p tests-integration --bench scale` (RAILGUNS=100000 by
//! default; Linux only: it reads /proc/self/status).

use std::time::{Duration, Instant};

use railgun_api::PartnerApi;
use railgun_emulator::{Config, Emulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const OTHER_KEY: &str = "0ther0ther0ther0ther0ther0ther00";

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status.lines().find(|l| l.starts_with(field)).expect("field in /proc/self/status");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number of kB")
}

/// Sends `host_get_all` over a raw connection and throws the answer away as
/// it arrives, so only the server's memory is measured; returns its size.
async fn list_and_discard(emu: &Emulator) -> u64 {
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let body = format!("host_key={HOST_KEY}");
    let head = format!(
        "POST /api/v2/railgun/host_get_all HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        if n == 0 {
            return total;
        }
        total += n as u64;
    }
}

/// Time of `n` sequential reads by the other account.
async fn other_account_calls(api: &PartnerApi, n: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        api.zone_conn_get_active("example.com").await.unwrap();
        times.push(started.elapsed());
    }
    times
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() - 1) as f64 * p) as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let railguns: usize = std::env::var("RAILGUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let emu =
        Emulator::start(Config::new().host_key(HOST_KEY).host_key(OTHER_KEY).seed(1), "127.0.0.1:0").await.unwrap();
    let api = PartnerApi::builder(HOST_KEY).base_url(emu.base_url()).build().unwrap();
    let other = PartnerApi::builder(OTHER_KEY).base_url(emu.base_url()).build().unwrap();
    other_account_calls(&other, 50).await;

    let before = status_kib("VmRSS:");
    let timed = 1000.min(railguns / 4).max(1);
    let mut first = Duration::ZERO;
    let mut last = Duration::ZERO;
    let mut made = 0;
    while made < railguns {
        let batch = 64.min(railguns - made);
        let started = Instant::now();
        let calls = (0..batch).map(|i| {
            let api = api.clone();
            let name = format!("railgun-{}", made + i);
            async move { api.init(Some(&name), Some("Fleet")).await.unwrap() }
        });
        futures_util::future::join_all(calls).await;
        let took = started.elapsed();
        if made < timed {
            first += took;
        }
        if made + batch > railguns - timed {
            last += took;
        }
        made += batch;
    }
    let state = status_kib("VmRSS:").saturating_sub(before).max(1);

    // Peak growth while the listing is written and sent.
    let baseline = {
        let mut times = other_account_calls(&other, 200).await;
        percentile(&mut times, 0.99)
    };
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS");
    let rss = status_kib("VmRSS:");
    let started = Instant::now();
    let ((size, listed_in), (mut during, calls_done_at)) =
        tokio::join!(async { (list_and_discard(&emu).await, started.elapsed()) }, async {
            // Start once the listing is under way.
            tokio::time::sleep(Duration::from_millis(5)).await;
            (other_account_calls(&other, 200).await, started.elapsed())
        });
    let peak = status_kib("VmHWM:").saturating_sub(rss);
    let during_p99 = percentile(&mut during, 0.99);

    println!("railguns: {railguns}; state: {} MiB; listing: {} MiB sent", state / 1024, size >> 20);
    println!(
        "memory: listing peak growth / state = {:.2} ({} MiB / {} MiB)",
        peak as f64 / state as f64,
        peak / 1024,
        state / 1024
    );
    println!(
        "lock: another account's p99 call time during the listing / without it = {:.2} ({:?} / {:?}; \
         200 calls done {:?} after the listing started, which took {:?})",
        during_p99.as_secs_f64() / baseline.as_secs_f64(),
        during_p99,
        baseline,
        calls_done_at,
        listed_in
    );
    println!(
        "init with a name: last {timed} / first {timed} = {:.2} ({:?} / {:?})",
        last.as_secs_f64() / first.as_secs_f64(),
        last,
        first
    );
}
