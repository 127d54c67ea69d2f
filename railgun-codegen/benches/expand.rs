//! How long the macro's work takes on the workspace's two specs: parsing
//! with validation (`railgun-spec`), expansion to tokens, and both, as
//! `generate_api!` does them. Run with `cargo bench -p railgun-codegen`
//! (release profile), or `cargo run -p railgun-codegen --bench expand`
//! for the dev profile the macro is built with in a debug build.

use std::hint::black_box;
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;

fn measure(name: &str, mut f: impl FnMut()) {
    f(); // warm up
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let mean = times.iter().sum::<Duration>() / ROUNDS as u32;
    println!(
        "{name:<40} median {:>9.3?}  mean {:>9.3?}  p95 {:>9.3?}  ({ROUNDS} rounds)",
        times[ROUNDS / 2],
        mean,
        times[ROUNDS * 95 / 100]
    );
}

fn main() {
    for file in ["railgun.yaml", "railgun-v4.yaml"] {
        let path = format!("{}/../spec/{file}", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).expect("the workspace's spec");
        let spec = railgun_spec::parse(&source, file).expect("valid spec");

        measure(&format!("{file}: parse + validate"), || {
            black_box(railgun_spec::parse(black_box(&source), file).unwrap());
        });
        measure(&format!("{file}: expand to tokens"), || {
            black_box(railgun_codegen::expand(black_box(spec.api())));
        });
        measure(&format!("{file}: macro total (parse + expand)"), || {
            let spec = railgun_spec::parse(black_box(&source), file).unwrap();
            black_box(railgun_codegen::expand(spec.api()).to_string());
        });
    }
}
