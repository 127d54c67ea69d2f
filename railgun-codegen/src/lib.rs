//! Spec model, resolution and Rust code generation for Railgun-style HTTP
//! APIs: the Railgun v2 action API and Cloudflare's v4 JSON REST API.
//!
//! This is a plain library: YAML text in, [`proc_macro2::TokenStream`] out,
//! so it is unit- and snapshot-tested like any other code. `railgun-macros`
//! wraps it in a proc-macro and `xtask` uses it to write the expansion out.
//!
//! Three stages: [`model`] is the spec as written (serde types),
//! [`ir`] the resolved model every reference and name checked, and the
//! emitters turn the resolved model into code that targets
//! `railgun-runtime`.
//!
//! ```
//! let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/delete.yaml")).unwrap();
//! let spec = railgun_codegen::parse(&source, "delete.yaml").unwrap();
//! let tokens = railgun_codegen::expand(&spec);
//! assert!(railgun_codegen::render(&tokens, "delete.yaml").unwrap().contains("pub struct ClientApi"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod diag;
mod emit;
pub mod ir;
mod load;
pub mod locate;
pub mod model;
mod names;
mod resolve;
pub mod snapshot;
mod ty;

use std::ops::Deref;

pub use diag::{SpecError, SpecErrors};
pub use locate::{Location, Locations};
pub use ty::{Scalar, TypeExpr};

/// A spec that parsed and resolved: the spec as written and its resolved
/// model. The only input [`expand`] takes.
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

/// Expands a spec into the client's items.
pub fn expand(spec: &ValidSpec) -> proc_macro2::TokenStream {
    emit::expand(&spec.api)
}

/// Formats an expansion as a readable source file, with a header naming
/// `source` and saying it is generated.
pub fn render(tokens: &proc_macro2::TokenStream, source: &str) -> Result<String, syn::Error> {
    emit::render(tokens, source)
}
