//! A typed async client for Cloudflare Railgun's v2 HTTP API.
//!
//! Railgun's API comes in two families, each with its own client type:
//!
//! - [`ClientApi`], the Client API, authenticated by an account's email
//!   address and API token;
//! - [`PartnerApi`], the Optimized Partner API, authenticated by a hosting
//!   partner's Host API key.
//!
//! Each has one async method per documented action, named after it
//! (`init`, `conn_set`, `host_get_all`, …), with typed arguments and typed
//! answers from [`types`]. Both types, their methods and every model are
//! generated at build time from `spec/railgun.yaml`; this crate adds the
//! runtime they share: [`ApiBuilder`], [`Error`], [`Secret`], [`Timestamp`]
//! and [`IpRange`].
//!
//! ```no_run
//! use railgun_api::{PartnerApi, types::Mode};
//!
//! # async fn run() -> Result<(), railgun_api::Error> {
//! let api = PartnerApi::new("e111dff66d1fddfda6a888c9992d4366")?;
//! let railgun = api.init(Some("my-railgun"), Some("My Railgun")).await?;
//! // ... start the daemon with railgun.rtkn, then:
//! let conn = api.conn_set("example.com", &railgun.rtkn, Mode::Active).await?;
//! println!("connection {} via {:?}", conn.railgun_conn_id, conn.railgun_rec_name);
//! # Ok(()) }
//! ```
//!
//! Secrets (`tkn`, `host_key`, `rtkn`, `railgun_api_key`) are held in
//! [`Secret`], which never prints its value; errors, `Debug` output and logs
//! never show them, and requests are sent as POST unless told otherwise, so
//! credentials stay out of URLs.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate self as railgun_api;

mod builder;
mod decode;
mod error;
mod ip_range;
mod redact;
mod secret;
mod session;
mod timestamp;
mod wire;

pub use builder::{ApiBuilder, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, HttpMethod};
pub use error::{ErrCode, Error};
pub use ip_range::{IpRange, ParseIpRangeError};
pub use secret::Secret;
pub use timestamp::{ParseTimestampError, Timestamp};

railgun_macros::generate_api!("../spec/railgun.yaml");

/// Expands a Railgun spec of your own into client types and models, the way
/// this crate expands `spec/railgun.yaml`: `generate_api!("spec.yaml")`, with
/// the path relative to your crate's `Cargo.toml`. See `spec/README.md` for
/// the format. Spec errors fail the build and name the spec's line and column.
pub use railgun_macros::generate_api;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// What the generated code needs from the runtime. Not part of the public
/// API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use serde;

    pub use crate::builder::new_builder as builder;
    pub use crate::session::{Credential, Endpoint, FromSession, Request, Session};
    pub use crate::wire::{FromWire, ToParam};

    /// `deserialize_with` helpers.
    pub mod wire {
        pub use crate::wire::{optional, required};
    }
}
