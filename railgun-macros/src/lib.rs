//! `generate_api!("path/to/spec.yaml")`: expands an API spec into client
//! types and models that run on `railgun-runtime`.
//!
//! A thin shell: it reads the file, has `railgun-spec` check and resolve it
//! and `railgun-codegen` expand it, turns every spec error into a
//! `compile_error!` carrying the spec's line and column, and makes the
//! crate rebuild when the spec changes. A spec that does not build expands
//! to its errors and empty stand-ins for the names it declares, so the
//! crate around it shows no second error.
//!
//! The path is relative to the invoking crate's `CARGO_MANIFEST_DIR`; when no
//! file is there, it is tried relative to the directory of the source file
//! that invokes the macro, as `include_str!` does (useful when the crate is
//! built from elsewhere, as trybuild does).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::io;
use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use quote::quote;
use syn::{LitStr, parse_macro_input};

/// Expands the spec at the given path into a `types` module, one module per
/// family with its client type, and re-exports of the client types.
///
/// The generated code refers to the runtime as `::railgun_runtime`, so the
/// invoking crate must depend on `railgun-runtime` (which re-exports this
/// macro) under that name.
#[proc_macro]
pub fn generate_api(input: TokenStream) -> TokenStream {
    let path = parse_macro_input!(input as LitStr);
    expand(&path).unwrap_or_else(|e| e.to_compile_error()).into()
}

fn expand(path: &LitStr) -> syn::Result<proc_macro2::TokenStream> {
    let relative = path.value();
    let (full, source) = read_spec(&relative).map_err(|e| {
        syn::Error::new(
            path.span(),
            format!("cannot read spec file `{relative}` (relative to Cargo.toml or to this source file): {e}"),
        )
    })?;
    // Makes cargo rebuild the invoking crate when the spec changes
    // (`proc_macro::tracked_path` is not stable yet).
    let tracked = full.to_string_lossy().into_owned();
    let items = match railgun_spec::parse(&source, &relative) {
        Ok(spec) => railgun_codegen::expand(spec.api()),
        Err(errors) => {
            let errors = errors
                .0
                .iter()
                .map(|e| syn::Error::new(path.span(), e.to_string()))
                .reduce(|mut all, e| {
                    all.combine(e);
                    all
                })
                .unwrap_or_else(|| syn::Error::new(path.span(), "invalid spec"));
            // The errors, and stand-ins for what the spec names, so that
            // they are the only errors the crate shows.
            let errors = errors.to_compile_error();
            let stand_ins = railgun_codegen::stand_ins(&railgun_spec::outline(&source));
            quote! { #errors #stand_ins }
        }
    };
    Ok(quote! {
        const _: &str = ::core::include_str!(#tracked);
        #items
    })
}

/// Finds and reads the spec: next to `Cargo.toml` first, then next to the
/// invoking source file.
fn read_spec(relative: &str) -> io::Result<(PathBuf, String)> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let source_dir = proc_macro::Span::call_site().local_file().and_then(|file| file.parent().map(Path::to_path_buf));
    let mut first_error = None;
    for dir in manifest_dir.into_iter().chain(source_dir) {
        let candidate = dir.join(relative);
        match std::fs::read_to_string(&candidate) {
            Ok(source) => return Ok((candidate, source)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "CARGO_MANIFEST_DIR is not set")))
}
