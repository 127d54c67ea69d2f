//! A typed async client for Cloudflare Railgun's v2 HTTP API, and (in
//! [`v4`]) for Cloudflare's later v4 REST API for Railgun.
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
//! generated at build time from `spec/railgun.yaml`, which ships inside this
//! crate; they run on `railgun-runtime`, whose [`ApiBuilder`], [`Error`],
//! [`Secret`] and [`Timestamp`] are re-exported here.
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
//!
//! # Failures, retries and limits
//!
//! Every failure is one [`Error`]. A call that failed in a way that may
//! pass (no connection, a 429, 502, 503, 504 or 520–524, an HTML page or a
//! body cut short) is sent again by the [`RetryPolicy`] when its action is
//! safe to repeat, which each method's documentation says: reads,
//! `conn_set`, `conn_setmode_*`, `suggestion_set` and `ipr_set` are; `init`,
//! `delete` and `conn_delete` are not, and are sent again only when the
//! failed attempt cannot have reached the service. When one of those fails,
//! [`Error::may_have_been_applied`] says whether to read the state before
//! calling again. [`ApiBuilder::rate_limit`] spaces calls out, and a 429
//! holds back every call of the client for as long as it asks. Redirects
//! are never followed, answers longer than [`ApiBuilder::max_answer_size`]
//! are not read, and a list's stream stops after
//! [`ApiBuilder::max_list_items`] items.
//!
//! # Features
//!
//! The TLS stack: `rustls-ring` (the default), `rustls-aws-lc-rs` or
//! `native-tls`; see `railgun-runtime`. [`reqwest`] is re-exported for a
//! client of your own ([`ApiBuilder::http_client`]).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use railgun_runtime::{
    ApiBuilder, ApiMessage, DEFAULT_MAX_ANSWER_SIZE, DEFAULT_MAX_LIST_ITEMS, DEFAULT_MAX_LIST_PAGES,
    DEFAULT_MAX_LIST_TIME, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, ErrCode, Error, HttpMethod, ListLimits, ListStop,
    MalformedKind, Page, ParseIpRangeError, ParseTimestampError, Pauses, ResultInfo, RetryDecision, RetryPolicy,
    Secret, StopReason, Stream, Timestamp, check_domain_name, http_client_builder, is_domain_name, reqwest,
};

railgun_runtime::generate_api!("spec/railgun.yaml");

pub mod fleet;

pub use types::IpRange;

/// Cloudflare's v4 REST API for Railgun (`https://api.cloudflare.com/client/v4`):
/// [`V4Api`](v4::V4Api), with one method per operation of the user,
/// zone, account and (deprecated) organization endpoints, and its models in
/// [`v4::types`].
///
/// A client is built with the account's email and Global API key
/// ([`V4Api::with_api_key`](v4::V4Api::with_api_key)) or with an API token
/// ([`V4Api::with_api_token`](v4::V4Api::with_api_token)). A refusal
/// (`success: false`) is [`Error::ApiErrors`], keeping the HTTP status and
/// every `{code, message}`. A paginated list returns a [`Page`] (its items
/// and `result_info`), and has a `…_stream` method that walks every page.
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use railgun_api::v4::{V4Api, types::Direction};
///
/// # async fn run() -> Result<(), railgun_api::Error> {
/// let api = V4Api::with_api_token("my-api-token")?;
/// let railgun = api.create_account_railgun("023e105f4ecef8ad9ca31a8372d0c353", "My Railgun").await?;
/// let mut all = std::pin::pin!(api.list_account_railguns_stream(
///     "023e105f4ecef8ad9ca31a8372d0c353",
///     Some(50),
///     Some(Direction::Desc),
/// ));
/// while let Some(each) = all.try_next().await? {
///     println!("{} {} ({:?})", each.id, each.name, each.status);
/// }
/// # let _ = railgun; Ok(()) }
/// ```
///
/// Fleet operations ([`fleet`]) work over v4 too: zones are named by their
/// identifier tags, the Railgun by its account and tag
/// ([`fleet::AccountRailgun`]), and [`fleet::ByConnection`] reads and
/// changes each zone's connection through the Railgun's connections.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use railgun_api::fleet::{AccountRailgun, ByConnection, Desired, Fleet};
/// use railgun_api::v4::V4Api;
///
/// # async fn run(zone_ids: Vec<String>) -> Result<(), railgun_api::Error> {
/// let api = V4Api::with_api_token("my-api-token")?;
/// let railgun = AccountRailgun::new("023e105f4ecef8ad9ca31a8372d0c353", "e928d310693a83094309acf9ead50448");
/// let fleet = Fleet::new(ByConnection::new(api)).concurrency(32);
/// let mut reports = std::pin::pin!(fleet.run(zone_ids, Desired::Connected { railgun, enabled: true }));
/// while let Some(report) = reports.next().await {
///     println!("{} {} ok={}", report.zone, report.change, report.is_ok());
/// }
/// # Ok(()) }
/// ```
///
/// Generated at build time from `spec/railgun-v4.yaml`.
pub mod v4 {
    railgun_runtime::generate_api!("spec/railgun-v4.yaml");
}

/// The actions `railgun-emulator` serves that the real service took from
/// the Railgun daemon rather than from its users:
/// [`EmulatorApi::activate`](emulator::EmulatorApi::activate) activates a
/// Railgun, as its daemon would. For scripts and tests run against the
/// emulator; the retired service never took them from anyone else.
///
/// Generated at build time from `spec/railgun-emulator.yaml`.
pub mod emulator {
    railgun_runtime::generate_api!("spec/railgun-emulator.yaml");
}

/// The v4 spec the [`v4`] client was generated from.
pub const SPEC_V4: &str = include_str!("../spec/railgun-v4.yaml");

/// The spec this crate's clients were generated from (format:
/// `spec/README.md`), for tools that serve or check the same API, such as
/// `railgun-emulator`.
pub const SPEC: &str = include_str!("../spec/railgun.yaml");

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
