//! The client's tests that share a process: one binary, so the client,
//! emulator and TLS stacks are linked once rather than once per file
//! (`logs`, `scrubbing` and `memory` keep binaries of their own: a global
//! log subscriber, and a process whose growth is measured).

#[path = "../support/mod.rs"]
mod support;

mod api_shape;
mod e2e;
mod e2e_v4;
mod errors;
mod extension;
mod fleet;
mod fleet_v4;
mod names;
mod reconcile;
mod rest_locations;
mod retries;
mod secrets;
mod v4;
mod wire;
