//! Spec model, validation and Rust code generation for the Railgun v2 API.
//!
//! This is a plain library: YAML text in, [`proc_macro2::TokenStream`] out,
//! so it is unit- and snapshot-tested like any other code. `railgun-macros`
//! wraps it in a proc-macro and `xtask` uses it to write the expansion out.
//!
//! ```
//! let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/railgun.yaml")).unwrap();
//! let spec = railgun_codegen::parse(&source, "spec/railgun.yaml").unwrap();
//! let tokens = railgun_codegen::expand(&spec);
//! assert!(railgun_codegen::render(&tokens, "spec/railgun.yaml").unwrap().contains("pub struct ClientApi"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod diag;
mod emit;
mod load;
pub mod locate;
pub mod model;
pub mod snapshot;
mod ty;
mod validate;

use std::ops::Deref;

pub use diag::{SpecError, SpecErrors};
pub use locate::{Location, Locations};
pub use ty::{Scalar, TypeExpr};

/// A spec that parsed and passed every check: the only input [`expand`] takes.
#[derive(Debug, Clone)]
pub struct ValidSpec(model::Spec);

impl Deref for ValidSpec {
    type Target = model::Spec;

    fn deref(&self) -> &model::Spec {
        &self.0
    }
}

/// Parses and validates spec text; `file` names it in error messages.
pub fn parse(source: &str, file: &str) -> Result<ValidSpec, SpecErrors> {
    load::parse(source, file).map(ValidSpec)
}

/// Expands a spec into the client's items.
pub fn expand(spec: &ValidSpec) -> proc_macro2::TokenStream {
    emit::expand(spec)
}

/// Formats an expansion as a readable source file, with a header naming
/// `source` and saying it is generated.
pub fn render(tokens: &proc_macro2::TokenStream, source: &str) -> Result<String, syn::Error> {
    emit::render(tokens, source)
}
