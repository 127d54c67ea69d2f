//! How long the macro's work takes on `spec/railgun.yaml`: parsing with
//! validation, expansion to tokens, and (for `cargo xtask expand` only)
//! formatting. Run with `cargo bench -p railgun-codegen`.

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
        "{name:<28} median {:>9.3?}  mean {:>9.3?}  p95 {:>9.3?}  ({ROUNDS} rounds)",
        times[ROUNDS / 2],
        mean,
        times[ROUNDS * 95 / 100]
    );
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/railgun.yaml");
    let source = std::fs::read_to_string(path).expect("spec/railgun.yaml");
    let spec = railgun_codegen::parse(&source, "spec/railgun.yaml").expect("valid spec");
    let tokens = railgun_codegen::expand(&spec);

    measure("parse + validate", || {
        black_box(railgun_codegen::parse(black_box(&source), "spec/railgun.yaml").unwrap());
    });
    measure("expand to tokens", || {
        black_box(railgun_codegen::expand(black_box(&spec)));
    });
    measure("macro total (parse+expand)", || {
        let spec = railgun_codegen::parse(black_box(&source), "spec/railgun.yaml").unwrap();
        black_box(railgun_codegen::expand(&spec).to_string());
    });
    measure("render (xtask expand only)", || {
        black_box(railgun_codegen::render(black_box(&tokens), "spec/railgun.yaml").unwrap());
    });
}
