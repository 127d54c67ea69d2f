//! Which statuses a client retries is its spec's: a spec that names none
//! retries 429 and 502 to 504, and not Cloudflare's 520 to 524, which only
//! the specs that list them (the Railgun SDK's) retry.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use railgun_runtime::{Error, RetryPolicy, Secret};

mod plain {
    railgun_runtime::generate_api!("tests/specs/partner.yaml");
}

/// A server answering `statuses[i]` to the i-th request, then the last one
/// for ever; how many requests it saw.
async fn server(statuses: &'static [u16]) -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counted = seen.clone();
    let app = axum::Router::new().fallback(move || {
        let i = counted.fetch_add(1, Ordering::SeqCst);
        let status = axum::http::StatusCode::from_u16(statuses[i.min(statuses.len() - 1)]).unwrap();
        async move { (status, "<html>error</html>") }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v2/railgun/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn client(url: &str, policy: RetryPolicy) -> plain::PartnerApi {
    plain::PartnerApi::builder("e111dff66d1fddfda6a888c9992d4366").base_url(url).retry(policy).build().unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_spec_without_retry_statuses_retries_429_and_502_to_504_only() {
    for (status, requests) in [(503, 4), (429, 4), (522, 1), (500, 1)] {
        let statuses: &'static [u16] = Box::leak(Box::new([status]));
        let (url, seen) = server(statuses).await;
        let err = client(&url, RetryPolicy::default()).delete(&Secret::new("t")).await;
        let err = err.unwrap_err();
        assert!(matches!(err, Error::Http { .. }), "{err:?}");
        assert_eq!(err.is_retryable(), requests > 1, "{status}: {err:?}");
        // delete is not safe to repeat: only a 429 (never applied) is sent again.
        let expected = if status == 429 { 4 } else { 1 };
        assert_eq!(seen.load(Ordering::SeqCst), expected, "{status}");
    }
    // A call safe to repeat: 503 retried, 522 not.
    let (url, seen) = server(&[503, 522]).await;
    let err = client(&url, RetryPolicy::default()).get(&Secret::new("t")).await.unwrap_err();
    assert!(matches!(err, Error::Http { retryable: false, .. }), "{err:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    // With the policy's own list.
    let (url, seen) = server(&[522, 522, 500]).await;
    let err = client(&url, RetryPolicy::default().statuses([522])).get(&Secret::new("t")).await.unwrap_err();
    assert!(matches!(err, Error::Http { retryable: false, .. }), "{err:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}
