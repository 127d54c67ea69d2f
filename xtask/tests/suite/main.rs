//! `cargo xtask` as maintainers run it, and what the upstream pages say
//! run against the emulator (the docs' own curl walk-through), in one
//! binary.

#[path = "../support/mod.rs"]
mod support;

mod check;
mod check_v4;
mod curl_walkthrough;
mod docs_reader;
mod regen;
mod regen_v4;
mod specs;
mod upstream_layouts;
