//! The seam between the generated code and the wire: what a protocol does.
//!
//! A generated method declares its endpoint as a `const` of its protocol's
//! endpoint type, starts a request from it ([`Endpoint`]), puts each argument
//! where the spec says, and hands the request to
//! [`Session::call`](crate::__private::Session::call), which sends it through
//! [`Call`]. Everything specific to a protocol (the URL, where parameters
//! and credentials go, the answer's envelope, its errors) lives in its
//! module; everything else (settings, sending, reading, timeouts, logs) in
//! the session.
//!
//! - [`action_form`]: Railgun v2's actions.
//! - [`rest_json`]: Cloudflare v4's JSON REST API.

pub mod action_form;
pub mod rest_json;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::redact::Scrubber;
use crate::session::{Session, Settings};

/// An endpoint's description, as generated code declares it: starts a
/// request of its protocol.
pub trait Endpoint: Sync + 'static {
    /// The request this endpoint's protocol builds.
    type Request<'a>: Call
    where
        Self: 'a;

    /// A request of this endpoint, with the session's credentials.
    fn start<'a>(&'a self, session: &'a Session) -> Self::Request<'a>;
}

/// A request with every argument in place: how it goes on the wire and how
/// its answer is read.
pub trait Call {
    /// The action (or operation) being called, for errors and logs.
    fn action(&self) -> &'static str;

    /// The HTTP request, without the headers every call carries, and its
    /// method's name for logs.
    fn http(&self, settings: &Settings) -> Result<(reqwest::RequestBuilder, &'static str), Error>;

    /// What to blank out of any text taken from this exchange.
    fn scrubber(&self) -> Scrubber<'_>;

    /// Reads the answer.
    fn decode<R: DeserializeOwned>(&self, scrubber: &Scrubber<'_>, status: StatusCode, body: &[u8])
    -> Result<R, Error>;
}

/// The path of a decoding error inside the envelope's member `member`
/// (serde_path_to_error writes the root as `.`).
fn member_path(member: &str, path: &serde_path_to_error::Path) -> String {
    match path.to_string().as_str() {
        "." => member.to_owned(),
        inner => format!("{member}.{inner}"),
    }
}
