//! Maintainer tasks for the Railgun SDK, run as `cargo xtask <task>`.
//!
//! - `expand [--stdout]`: writes the macro's expansion of `spec/railgun.yaml`,
//!   formatted, to the snapshot the codegen test compares against.
//!
//! `regen` and `check` (spec against the upstream docs) are tracked in the
//! project's issues and not written yet.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  expand [--stdout]   write the expansion of spec/railgun.yaml to
                      railgun-codegen/tests/expanded/railgun.rs (or print it)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["expand"] => expand(false),
        ["expand", "--stdout"] => expand(true),
        [] | ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("unknown arguments: {}\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

fn expand(stdout: bool) -> Result<(), String> {
    let root = workspace_root();
    let rendered = railgun_codegen::snapshot::render_spec(&root)?;
    if stdout {
        print!("{rendered}");
        return Ok(());
    }
    let target = root.join(railgun_codegen::snapshot::SNAPSHOT);
    std::fs::create_dir_all(target.parent().expect("snapshot path has a parent"))
        .and_then(|()| std::fs::write(&target, rendered))
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    eprintln!("wrote {}", railgun_codegen::snapshot::SNAPSHOT);
    Ok(())
}
