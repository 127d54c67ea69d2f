//! The TLS stack of the HTTP client this crate builds, as the crate's
//! features choose it: `native-tls`, else `rustls-aws-lc-rs`, else
//! `rustls-ring` (the default), else none (plain HTTP only).

use crate::Error;

/// A [`reqwest::ClientBuilder`] with this crate's TLS choice, which
/// follows no redirect and sends no `Referer`, for a client of your own
/// (proxies, pools, resolvers) passed to
/// [`ApiBuilder::http_client`](crate::ApiBuilder::http_client).
///
/// Keep those two settings: a client that follows redirects sends the
/// request again, credentials included, wherever the redirect points, and
/// a `Referer` carries a GET request's query, credentials included. (A
/// followed redirect is still refused with [`Error::Redirect`], but only
/// after the fact.)
///
/// With the default `rustls-ring` feature, reqwest is built without a
/// crypto provider of its own, so a plain `reqwest::Client::new()` cannot
/// speak TLS; start from this builder instead.
///
/// ```
/// let http = railgun_runtime::http_client_builder()?.pool_max_idle_per_host(4).build()?;
/// # let _ = http;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Build`] when the TLS configuration cannot be made.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    with_tls(reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).referer(false))
}

#[cfg(feature = "native-tls")]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_native())
}

#[cfg(all(feature = "rustls-aws-lc-rs", not(feature = "native-tls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_rustls())
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "native-tls", feature = "rustls-aws-lc-rs"))))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    let build_error =
        |cause: rustls::Error| Error::Build { detail: format!("TLS configuration: {cause}"), cause: Box::new(cause) };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(build_error)?
        .with_platform_verifier()
        .map_err(build_error)?
        .with_no_client_auth();
    // reqwest is built without HTTP/2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(not(any(feature = "native-tls", feature = "rustls-aws-lc-rs", feature = "rustls-ring")))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
