//! `cargo xtask packaged`: what a crates.io user gets, built and run.
//!
//! 1. `cargo package` every crate meant for users (manifest checks, no
//!    path-only dependency), and unpack the `.crate` files outside the
//!    workspace.
//! 2. Build and run two crates of someone else's, whose `[patch.crates-io]`
//!    points at the unpacked sources and nowhere else:
//!    - `sdk-user`: the README's `Cargo.toml` lines and its usage example,
//!      pasted as they are (the Railgun SDK against the emulator);
//!    - `runtime-user`: a spec of its own (one v4 operation,
//!      `xtask/packaged/runtime-user/spec.yaml`) expanded with
//!      `railgun_runtime::generate_api!`, without the Railgun SDK, called
//!      against a one-request server of its own;
//!    - the unpacked `railgun-cli` itself, as `cargo install railgun-cli`
//!      would build it, run as `railgun --version`.
//! 3. Check with `cargo metadata` that no package of either build comes
//!    from the workspace, and that `runtime-user` does not pull
//!    `railgun-api` in.
//!
//! Third-party versions are seeded from the workspace's `Cargo.lock`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The crates users depend on, in dependency order.
pub const CRATES: [&str; 6] =
    ["railgun-spec", "railgun-codegen", "railgun-macros", "railgun-runtime", "railgun-api", "railgun-emulator"];

/// The command-line tools, built from their own unpacked package.
pub const TOOLS: [&str; 1] = ["railgun-cli"];

/// The README markers around the blocks `sdk-user` is made of.
const TOML_MARKER: &str = "<!-- packaged: Cargo.toml -->";
const MAIN_MARKER: &str = "<!-- packaged: src/main.rs -->";

/// Runs the whole check under `root`, working in `work` (outside it).
pub fn run(root: &Path, work: &Path) -> Result<(), String> {
    if work.starts_with(root) {
        return Err(format!("{} is inside the workspace; pick a directory outside it", work.display()));
    }
    let version = workspace_version(root)?;
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    println!("packaged: cargo package");
    let mut package = cargo(root);
    package.args(["package", "--no-verify", "--allow-dirty", "--workspace", "--exclude", "xtask"]);
    run_command(&mut package)?;

    let sources = work.join("sources");
    std::fs::create_dir_all(&sources).map_err(|e| e.to_string())?;
    let mut patch = String::from("[patch.crates-io]\n");
    // `tar -m`: the files get the time they are unpacked, not the fixed
    // one cargo stores, so a build cached in target/packaged from an
    // earlier run is not taken for up to date with them.
    for name in CRATES {
        let file = root.join("target/package").join(format!("{name}-{version}.crate"));
        run_command(Command::new("tar").arg("-xzmf").arg(&file).arg("-C").arg(&sources))?;
        let dir = sources.join(format!("{name}-{version}"));
        patch.push_str(&format!("{name} = {{ path = {:?} }}\n", dir.display().to_string()));
    }

    let readme = std::fs::read_to_string(root.join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let dependencies = fenced_block_after(&readme, TOML_MARKER, "toml")?;
    let main = fenced_block_after(&readme, MAIN_MARKER, "rust")?;
    let sdk_user = work.join("sdk-user");
    write(&sdk_user.join("src/main.rs"), &main)?;
    write(&sdk_user.join("Cargo.toml"), &manifest("sdk-user", &dependencies, &patch))?;

    let runtime_user = work.join("runtime-user");
    let template = root.join("xtask/packaged/runtime-user");
    let spec = std::fs::read_to_string(template.join("spec.yaml")).map_err(|e| e.to_string())?;
    write(&runtime_user.join("spec.yaml"), &spec)?;
    let main = std::fs::read_to_string(template.join("main.rs")).map_err(|e| e.to_string())?;
    write(&runtime_user.join("src/main.rs"), &main)?;
    let dependencies = std::fs::read_to_string(template.join("dependencies.toml")).map_err(|e| e.to_string())?;
    write(&runtime_user.join("Cargo.toml"), &manifest("runtime-user", &dependencies, &patch))?;

    let mut tools = Vec::new();
    for name in TOOLS {
        let file = root.join("target/package").join(format!("{name}-{version}.crate"));
        run_command(Command::new("tar").arg("-xzmf").arg(&file).arg("-C").arg(work))?;
        let dir = work.join(format!("{name}-{version}"));
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| format!("{name}: {e}"))?;
        write(
            &dir.join("Cargo.toml"),
            &format!("{manifest}\n{patch}\n# Not part of any workspace above it.\n[workspace]\n"),
        )?;
        tools.push(dir);
    }

    let lock = std::fs::read(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    // A target directory of their own (their `railgun` must not replace
    // the workspace's), without debug info: they are built to be run once,
    // not debugged, and debug info is much of a debug build's time.
    let target = root.join("target/packaged");
    for user in [&sdk_user, &runtime_user].into_iter().chain(&tools) {
        std::fs::write(user.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
        println!("packaged: cargo run in {}", user.display());
        let mut build = cargo(user);
        build.env("CARGO_TARGET_DIR", &target).env("CARGO_PROFILE_DEV_DEBUG", "false").args(["run", "--quiet"]);
        if tools.contains(user) {
            build.args(["--", "--version"]);
        }
        run_command(&mut build)?;
        check_sources(user, root, work)?;
    }
    let runtime_packages = package_names(&runtime_user)?;
    if runtime_packages.iter().any(|p| p == "railgun-api") {
        return Err("runtime-user depends on railgun-api: the runtime drags the SDK along".to_owned());
    }
    println!(
        "packaged: {} crates packaged; sdk-user, runtime-user and {} built and ran from them alone",
        CRATES.len() + TOOLS.len(),
        TOOLS.join(", ")
    );
    Ok(())
}

/// A `Cargo.toml` for an outside crate.
fn manifest(name: &str, dependencies: &str, patch: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         {dependencies}\n{patch}\n# Not part of any workspace above it.\n[workspace]\n"
    )
}

/// Every path package of `user`'s build lives under `work`, none under `root`.
fn check_sources(user: &Path, root: &Path, work: &Path) -> Result<(), String> {
    for package in metadata(user)?["packages"].as_array().into_iter().flatten() {
        if !package["source"].is_null() {
            continue; // from crates.io
        }
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        if manifest.starts_with(root) || !manifest.starts_with(work) {
            return Err(format!("{} builds {} from {}", user.display(), package["name"], manifest.display()));
        }
    }
    Ok(())
}

fn package_names(user: &Path) -> Result<Vec<String>, String> {
    let metadata = metadata(user)?;
    let names = metadata["packages"].as_array().into_iter().flatten();
    Ok(names.filter_map(|p| p["name"].as_str().map(str::to_owned)).collect())
}

fn metadata(user: &Path) -> Result<Value, String> {
    let output = cargo(user)
        .args(["metadata", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))
}

/// The text of the first fenced block tagged `lang` after `marker`.
pub fn fenced_block_after(text: &str, marker: &str, lang: &str) -> Result<String, String> {
    let after = text.split_once(marker).map(|(_, rest)| rest).ok_or(format!("README.md has no {marker}"))?;
    let fence = format!("```{lang}\n");
    let start = after.find(&fence).ok_or(format!("no ```{lang} block after {marker}"))? + fence.len();
    let end = after[start..].find("```").ok_or(format!("the ```{lang} block after {marker} is not closed"))?;
    Ok(after[start..start + end].to_owned())
}

fn workspace_version(root: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let version = manifest
        .split("[workspace.package]")
        .nth(1)
        .and_then(|section| section.lines().find_map(|l| l.strip_prefix("version = ")))
        .ok_or("no version in [workspace.package]")?;
    Ok(version.trim().trim_matches('"').to_owned())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `cargo` in `dir`, without the variables `cargo run` set for xtask itself.
fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || ["CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH", "CARGO_TARGET_DIR", "CARGO_PRIMARY_PACKAGE"]
                .contains(&key.as_ref())
        {
            command.env_remove(key.as_ref());
        }
    }
    command
}

fn run_command(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} failed: {status}")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_after_their_marker() {
        let text = "intro\n```rust\nno\n```\n<!-- packaged: src/main.rs -->\n\n```rust\nfn main() {}\n```\n";
        assert_eq!(fenced_block_after(text, MAIN_MARKER, "rust").unwrap(), "fn main() {}\n");
        assert!(fenced_block_after(text, TOML_MARKER, "toml").unwrap_err().contains("no <!-- packaged: Cargo.toml"));
    }

    #[test]
    fn the_readme_has_both_blocks() {
        let readme = std::fs::read_to_string(crate::workspace_root().join("README.md")).unwrap();
        let toml = fenced_block_after(&readme, TOML_MARKER, "toml").unwrap();
        assert!(toml.starts_with("[dependencies]\n") && toml.contains("railgun-api = "), "{toml}");
        let main = fenced_block_after(&readme, MAIN_MARKER, "rust").unwrap();
        assert!(main.contains("#[tokio::main]") && main.contains("async fn main"), "{main}");
    }
}
