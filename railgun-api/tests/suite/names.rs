//! A spec whose parameters take the names of the generated code's own
//! locals (`request`, `value`) and field (`session`), and whose field has a
//! keyword for a wire name: the expansion compiles, and each argument goes
//! on the wire under its own name.

use crate::support::{HOST_KEY, Reply, TestServer};
use railgun_api::HttpMethod::{Get, Post};

mod named {
    railgun_runtime::generate_api!("tests/names/spec.yaml");
}

const ANSWER: &str = r#"{"msg": null, "result": "success", "response": {"act": "railgun_lookup", "gen": "7"}}"#;

#[tokio::test]
async fn arguments_named_like_generated_locals_reach_the_wire() {
    for method in [Post, Get] {
        let server = TestServer::replying(Reply::json(ANSWER)).await;
        let api = named::PartnerApi::builder(HOST_KEY).base_url(server.base_url()).method(method).build().unwrap();
        let answer = api.lookup("the-request", Some("the-value"), Some(true)).await.unwrap();
        assert_eq!(answer.generation, 7);
        let seen = server.only_request();
        let params = "host_key=e111dff66d1fddfda6a888c9992d4366&request=the-request&value=the-value&session=true";
        match method {
            Get => assert_eq!(seen.query.as_deref(), Some(params)),
            Post => assert_eq!(String::from_utf8(seen.body).unwrap(), params),
        }
    }
    let server = TestServer::replying(Reply::json(ANSWER)).await;
    let api = named::PartnerApi::builder(HOST_KEY).base_url(server.base_url()).build().unwrap();
    api.lookup("r", None, None).await.unwrap();
    assert_eq!(
        String::from_utf8(server.only_request().body).unwrap(),
        "host_key=e111dff66d1fddfda6a888c9992d4366&request=r"
    );
}
