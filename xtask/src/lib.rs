//! Maintainer tasks for the Railgun SDK, run as `cargo xtask <task>`; the
//! library half, so the stages are tested on their own.

#![forbid(unsafe_code)]

pub mod check;
pub mod codegen;
pub mod docs;
pub mod openapi;
pub mod packaged;
pub mod regen;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}
