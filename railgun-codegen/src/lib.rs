//! Code generation for specs read by `railgun-spec`: a resolved
//! [`railgun_spec::ir::Api`] in, a [`proc_macro2::TokenStream`] of client
//! code out, targeting `railgun-runtime`.
//!
//! A plain library, unit- and snapshot-tested like any other code:
//! `railgun-macros` wraps it in a proc-macro, and `xtask` writes the
//! expansion out, formatted, so it can be read and reviewed. The spec is
//! read, checked and resolved by `railgun-spec`; nothing here looks a name
//! up or reports a spec error.
//!
//! ```
//! let source = r#"
//! version: 2
//! protocol: action_form
//! base_url: https://api.example.com/v2/
//! docs_base: https://docs.example.com/
//! families:
//!   - name: users
//!     client: UsersApi
//!     title: Users
//!     doc: The users API.
//!     docs: users/
//!     auth:
//!       - name: key
//!         type: secret
//!         doc: API key.
//! types: []
//! endpoints: []
//! "#;
//! let spec = railgun_spec::parse(source, "users.yaml").unwrap();
//! let tokens = railgun_codegen::expand(spec.api()).to_string();
//! assert!(tokens.contains("pub struct UsersApi"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod emit;

pub use emit::{CliPaths, cli, expand, server, stand_ins};
