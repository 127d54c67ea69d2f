//! Maintainer tasks for the Railgun SDK, run as `cargo xtask <task>`; the
//! library half, so the stages are tested on their own.
//!
//! One concern per module. Each upstream source has the same three parts:
//! its facts (what it says), its check (the spec against them) and its
//! fix (the spec rewritten until the check passes): [`docs`] for the v2
//! pages, [`openapi`] for the v4 description. Beneath them, shared:
//! [`findings`] (what a check reports), [`settle`] (the check-and-fix
//! loop), `yaml_edit` (line-level edits of a spec) and `snippets` (new
//! spec text from an example).

#![forbid(unsafe_code)]

pub mod codegen;
pub mod docs;
pub mod findings;
pub mod openapi;
pub mod packaged;
pub mod settle;
mod snippets;
mod yaml_edit;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}
