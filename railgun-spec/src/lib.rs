//! The front end of the generator: reads a YAML API spec, checks it, and
//! resolves it into a typed model, with every problem located by its spec
//! path, line and column.
//!
//! Everything that reads a spec goes through this crate: the proc-macro
//! (through `railgun-codegen`, which turns the model into code), the
//! command line, the emulator and the maintainers' `xtask`. It has no
//! code generator in it (no `syn`, `quote` or formatter), so those link
//! only what they read.
//!
//! Two stages: [`model`] is the spec as written (serde types that refuse
//! unknown keys), [`ir`] the resolved model, every name and reference
//! checked, every parameter with its location, every endpoint with its
//! binding. [`parse`] goes from text to both, or reports every problem at
//! once.
//!
//! ```
//! let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/delete.yaml")).unwrap();
//! let spec = railgun_spec::parse(&source, "delete.yaml").unwrap();
//! assert_eq!(spec.api().families[0].client, "ClientApi");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod diag;
pub mod ir;
mod load;
pub mod locate;
pub mod model;
pub mod names;
mod outline;
mod resolve;
mod suggest;
mod ty;

use std::ops::Deref;

pub use diag::{SpecError, SpecErrors};
pub use locate::{Location, Locations};
pub use outline::{Outline, outline};
pub use ty::{Scalar, TypeExpr};

/// A spec that parsed and resolved: the spec as written and its resolved
/// model.
#[derive(Debug, Clone)]
pub struct ValidSpec {
    spec: model::Spec,
    api: ir::Api,
}

impl ValidSpec {
    /// The spec as written.
    pub fn spec(&self) -> &model::Spec {
        &self.spec
    }

    /// The resolved model.
    pub fn api(&self) -> &ir::Api {
        &self.api
    }
}

impl Deref for ValidSpec {
    type Target = model::Spec;

    fn deref(&self) -> &model::Spec {
        &self.spec
    }
}

/// Parses and resolves spec text; `file` names it in error messages.
pub fn parse(source: &str, file: &str) -> Result<ValidSpec, SpecErrors> {
    load::parse(source, file).map(|(spec, api)| ValidSpec { spec, api })
}
