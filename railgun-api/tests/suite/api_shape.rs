//! Properties callers rely on that only the type checker can see: clients
//! are cheap to clone and shareable across threads, and the futures of their
//! methods can be spawned on a multi-threaded runtime. This file does not
//! compile if any of that stops being true.

use railgun_api::types::Mode;
use railgun_api::{ClientApi, Error, IpRange, PartnerApi, Secret};

fn assert_send<T: Send>(_: &T) {}
fn assert_shareable<T: Send + Sync + Clone + 'static>() {}

#[test]
fn clients_are_send_sync_and_clone() {
    assert_shareable::<ClientApi>();
    assert_shareable::<PartnerApi>();
    assert_shareable::<Secret>();
    assert_shareable::<railgun_api::types::Railgun>();
    fn error_is_std_error<E: std::error::Error + Send + Sync + 'static>() {}
    error_is_std_error::<Error>();
}

#[test]
fn method_futures_are_send() {
    let client = ClientApi::new("user@example.com", "token").unwrap();
    let partner = PartnerApi::new("host-key").unwrap();
    let rtkn = Secret::new("rtkn");
    let ranges: Vec<IpRange> = vec!["203.0.0.0/8".parse().unwrap()];
    assert_send(&client.user_get_all());
    assert_send(&client.conn_set("example.com", &rtkn, Mode::Active));
    assert_send(&partner.init(None, Some("My Railgun")));
    assert_send(&partner.ipr_set(&rtkn, &ranges));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_can_be_spawned() {
    // A port that was free a moment ago and has no listener now: the call
    // fails, but it ran on a worker thread and came back as a typed error.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let partner = PartnerApi::builder("host-key").base_url(format!("http://127.0.0.1:{port}/")).build().unwrap();
    let task = tokio::spawn(async move { partner.host_get_all().await });
    let err = task.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}
