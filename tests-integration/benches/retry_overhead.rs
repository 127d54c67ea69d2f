//! What the retry machinery (policy, rate-limit gate, 429 pause, span
//! fields) costs a call that needs no retry: the same calls through two
//! clients of one emulator, one with the default [`RetryPolicy`] and one
//! with [`RetryPolicy::never`], in alternating rounds, so both see the same
//! machine. Prints the ratio of their times; on this shared, noisy machine
//! only the ratio means anything. Run with
//! `cargo bench -p tests-integration --bench retry_overhead`.

use std::time::{Duration, Instant};

use railgun_api::types::Mode;
use railgun_api::{PartnerApi, RetryPolicy, Secret};
use railgun_emulator::{Config, Emulator};

const HOST_KEY: &str = "e111dff66d1fddfda6a888c9992d4366";
const ROUNDS: usize = 40;
const CALLS_PER_ROUND: usize = 250;

async fn round(api: &PartnerApi, rtkn: &Secret) -> Duration {
    let started = Instant::now();
    for i in 0..CALLS_PER_ROUND {
        let zone = format!("zone{}.example", i % 16);
        api.conn_set(&zone, rtkn, Mode::Active).await.expect("no faults are injected");
    }
    started.elapsed()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let emulator = Emulator::start(Config::new().host_key(HOST_KEY), "127.0.0.1:0").await.unwrap();
        let client =
            |policy| PartnerApi::builder(HOST_KEY).base_url(emulator.base_url()).retry(policy).build().unwrap();
        let (with, without) = (client(RetryPolicy::default()), client(RetryPolicy::never()));
        let rtkn = with.init(None, None).await.unwrap().rtkn;
        emulator.activate(rtkn.expose_secret()).unwrap();
        // Warm both connection pools and the emulator.
        round(&with, &rtkn).await;
        round(&without, &rtkn).await;

        let (mut total_with, mut total_without) = (Duration::ZERO, Duration::ZERO);
        let mut ratios = Vec::new();
        for r in 0..ROUNDS {
            // Alternate which goes first, so neither always meets a warmer machine.
            let (a, b) = if r % 2 == 0 {
                let a = round(&with, &rtkn).await;
                (a, round(&without, &rtkn).await)
            } else {
                let b = round(&without, &rtkn).await;
                (round(&with, &rtkn).await, b)
            };
            total_with += a;
            total_without += b;
            ratios.push(a.as_secs_f64() / b.as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        let calls = ROUNDS * CALLS_PER_ROUND;
        println!("retry machinery on the fault-free path: {calls} conn_set calls per client, {ROUNDS} paired rounds");
        println!(
            "  retries on / retries off: {:.4} (total time), median of rounds {:.4}, middle half {:.4}..{:.4}",
            total_with.as_secs_f64() / total_without.as_secs_f64(),
            ratios[ROUNDS / 2],
            ratios[ROUNDS / 4],
            ratios[3 * ROUNDS / 4],
        );
    });
}
