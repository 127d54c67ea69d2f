//! `cargo xtask` as maintainers run it, in one binary.

#[path = "../support/mod.rs"]
mod support;

mod check;
mod check_v4;
mod docs_reader;
mod regen;
mod regen_v4;
mod specs;
mod upstream_layouts;
