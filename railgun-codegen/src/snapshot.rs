//! The committed expansions: which specs are expanded where, and how they
//! are rendered, shared by `cargo xtask expand` and the freshness test.

use std::path::Path;

/// A spec and the file its committed expansion lives in, both relative to
/// the workspace root.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    /// The spec.
    pub spec: &'static str,
    /// Its committed expansion.
    pub expansion: &'static str,
}

/// The Railgun v2 API, which `railgun-api` expands.
pub const RAILGUN: Snapshot =
    Snapshot { spec: "spec/railgun.yaml", expansion: "railgun-codegen/tests/expanded/railgun.rs" };

/// Cloudflare's v4 Railgun API (`rest_json`), which `railgun-api` expands
/// as its `v4` module.
pub const V4: Snapshot =
    Snapshot { spec: "spec/railgun-v4.yaml", expansion: "railgun-codegen/tests/expanded/railgun_v4.rs" };

/// Every committed expansion.
pub const ALL: [Snapshot; 2] = [RAILGUN, V4];

/// The command that rewrites the committed expansions.
pub const REFRESH: &str = "cargo xtask expand";

impl Snapshot {
    /// Reads, resolves, expands and formats the spec under `workspace_root`.
    pub fn render(&self, workspace_root: &Path) -> Result<String, String> {
        let path = workspace_root.join(self.spec);
        let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let spec = crate::parse(&source, self.spec).map_err(|e| e.to_string())?;
        crate::render(&crate::expand(&spec), self.spec).map_err(|e| format!("expansion does not parse as Rust: {e}"))
    }
}
