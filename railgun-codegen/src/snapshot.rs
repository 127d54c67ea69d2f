//! The committed expansion of `spec/railgun.yaml`: where it lives and how it
//! is rendered, shared by `cargo xtask expand` and the freshness test.

use std::path::Path;

/// The spec, relative to the workspace root.
pub const SPEC: &str = "railgun-api/spec/railgun.yaml";

/// The committed expansion, relative to the workspace root.
pub const SNAPSHOT: &str = "railgun-codegen/tests/expanded/railgun.rs";

/// The command that rewrites the snapshot.
pub const REFRESH: &str = "cargo xtask expand";

/// Reads, validates, expands and formats the spec under `workspace_root`.
pub fn render_spec(workspace_root: &Path) -> Result<String, String> {
    let path = workspace_root.join(SPEC);
    let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let spec = crate::parse(&source, SPEC).map_err(|e| e.to_string())?;
    crate::render(&crate::expand(&spec), SPEC).map_err(|e| format!("expansion does not parse as Rust: {e}"))
}
