//! What the xtask tests share: the workspace, the binary as a maintainer
//! runs it, and copies of the vendored docs to alter.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    xtask::workspace_root()
}

/// The spec the SDK expands.
pub fn spec() -> PathBuf {
    root().join("spec/railgun.yaml")
}

/// What a run of `cargo xtask` did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the xtask binary with `args` (strings and paths alike).
pub fn xtask(args: &[&dyn AsRef<OsStr>]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args.iter().map(|a| a.as_ref())).output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Copies the vendored docs (both folders) into `to`.
pub fn copy_docs(to: &Path) {
    for folder in ["client-api", "optimized-partner-api"] {
        std::fs::create_dir(to.join(folder)).unwrap();
        for entry in std::fs::read_dir(root().join("spec/docs").join(folder)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(folder).join(entry.file_name())).unwrap();
        }
    }
}
