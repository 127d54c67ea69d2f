//! A maintainer extends the API by editing a spec alone: this spec adds an
//! endpoint that `spec/railgun.yaml` does not have, and the expansion gives a
//! working, typed method, with no Rust written for it.

use crate::support::{HOST_KEY, Reply, TestServer};
use railgun_api::HttpMethod::{Get, Post};

mod extended {
    railgun_runtime::generate_api!("tests/extension/spec.yaml");
}

use extended::PartnerApi;
use extended::types::Mode;

const ANSWER: &str = r#"{"msg": null, "result": "success", "response": {
    "act": "railgun_conn_get_all",
    "railgun_conns": [
        {"railgun_conn_id": "2", "railgun_conn_mode": "1", "railgun_enabled": "t", "edate": "2012-11-06 13:02:16.153332-08"},
        {"railgun_conn_id": 3, "railgun_conn_mode": "0"}
    ]}}"#;

#[tokio::test]
async fn the_added_endpoint_is_a_working_method() {
    for method in [Get, Post] {
        let server = TestServer::replying(Reply::json(ANSWER)).await;
        let api = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).method(method).build().unwrap();
        let answer = api.conn_get_all("example.com", Some(Mode::Inactive)).await.unwrap();

        let ids: Vec<u64> = answer.connections.iter().map(|c| c.id).collect();
        assert_eq!(ids, [2, 3]);
        assert_eq!(answer.connections[0].mode, Mode::Active);
        assert_eq!(answer.connections[0].enabled, Some(true));
        assert_eq!(
            answer.connections[0].edited_on.map(|t| t.to_string()).as_deref(),
            Some("2012-11-06T13:02:16.153332-08:00")
        );
        assert_eq!((answer.connections[1].mode, answer.connections[1].enabled), (Mode::Inactive, None));

        let seen = server.only_request();
        assert_eq!(seen.path, "/api/v2/railgun/conn_get_all");
        let params = "host_key=e111dff66d1fddfda6a888c9992d4366&z=example.com&mode=0";
        match method {
            Get => assert_eq!(seen.query.as_deref(), Some(params)),
            Post => assert_eq!(String::from_utf8(seen.body).unwrap(), params),
        }
    }
}

#[tokio::test]
async fn the_added_endpoint_checks_its_act_like_any_other() {
    let server = TestServer::replying(Reply::json(ANSWER.replace("railgun_conn_get_all", "railgun_conn_set"))).await;
    let api = PartnerApi::builder(HOST_KEY).base_url(server.base_url()).build().unwrap();
    let err = api.conn_get_all("example.com", None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "conn_get_all: expected an answer with `act: railgun_conn_get_all`, got `act: railgun_conn_set`"
    );
    assert_eq!(
        String::from_utf8(server.only_request().body).unwrap(),
        "host_key=e111dff66d1fddfda6a888c9992d4366&z=example.com"
    );
}
