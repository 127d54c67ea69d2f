//! Tests and benchmarks that span the workspace's crates, kept out of the
//! published crates so that none of their tests depends on `xtask` or on
//! each other: `tests/` drives `railgun-emulator` with the docs' own curl
//! command lines (read with `xtask`'s docs reader), `benches/scale.rs`
//! measures the emulator at fleet scale through `railgun-api`.
