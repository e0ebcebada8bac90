//! Credentials never appear in URLs, `Debug`, `Display`, errors or `tracing` output (at any
//! level, from any crate), for each kind: API key (digest), service account, bearer token.
//! Each kind is used for requests that fail every way a request fails, and everything a
//! program could print afterwards is searched for the secret.

use std::time::Duration;

use atlas_admin::{Client, ClientBuilder, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::capture_traces;
use tracing_subscriber::fmt::format::FmtSpan;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CHALLENGE: &str = r#"Digest realm="MMS Public API", domain="", nonce="n0nce", algorithm=MD5, qop="auth", stale=false"#;

/// Sends calls that fail (refused credentials, a server error, a decode error, no server)
/// and returns everything printable: the logs, the errors (`Display` and `Debug`), the
/// client and its builder (`Debug`), and the URLs the server saw.
async fn everything_printed(server: &MockServer, builder: impl Fn(&str) -> ClientBuilder) -> String {
    let (log, _guard) = capture_traces(tracing::Level::TRACE, FmtSpan::FULL);
    let mut printed = format!("{:?}\n", builder(&server.uri()));
    let client = builder(&server.uri()).retry(RetryPolicy::none()).timeout(Duration::from_secs(5)).build().unwrap();
    printed.push_str(&format!("{client:?}\n"));
    let group: atlas_admin::models::ObjectId = GROUP.parse().unwrap();
    let calls = [
        client.clusters().list_clusters(group.clone()).send().await.map(|_| ()),
        client.projects().get_group(group.clone()).send().await.map(|_| ()),
        client.request(atlas_admin::Method::GET, "/api/atlas/v2/broken").send().await.map(|_| ()),
    ];
    for error in calls.into_iter().filter_map(Result::err) {
        printed.push_str(&format!("{error}\n{error:?}\n"));
    }
    // No server at all.
    let nowhere = builder("http://127.0.0.1:9").retry(RetryPolicy::none()).build().unwrap();
    if let Err(error) = nowhere.projects().get_group(group).send().await {
        printed.push_str(&format!("{error}\n{error:?}\n"));
    }
    for request in server.received_requests().await.unwrap() {
        printed.push_str(&format!("{}\n", request.url));
    }
    printed.push_str(&log.lock().unwrap());
    printed
}

/// Atlas refuses the credentials on the list, fails on the project, and answers garbage on
/// the raw call.
async fn failing_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "token-SECRET-3", "expires_in": 3600})))
        .mount(&server)
        .await;
    let refused = ResponseTemplate::new(401)
        .insert_header("WWW-Authenticate", CHALLENGE)
        .set_body_json(json!({"error": 401, "errorCode": "NOT_AUTHORIZED", "detail": "no"}));
    Mock::given(method("GET")).and(path(format!("/api/atlas/v2/groups/{GROUP}/clusters"))).respond_with(refused).mount(&server).await;
    Mock::given(method("GET")).and(path(format!("/api/atlas/v2/groups/{GROUP}"))).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    Mock::given(method("GET")).and(path("/api/atlas/v2/broken")).respond_with(ResponseTemplate::new(200).set_body_raw("{", "application/json")).mount(&server).await;
    server
}

#[tokio::test(flavor = "current_thread")]
async fn an_api_key_private_key_is_never_printed() {
    let server = failing_server().await;
    let printed = everything_printed(&server, |base| Client::builder().base_url(base).api_key("public-key", "digest-SECRET-1")).await;
    assert!(printed.contains("NOT_AUTHORIZED"), "the refusal was seen: {printed}");
    assert!(!printed.contains("SECRET"), "a secret was printed:\n{printed}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_service_account_secret_and_its_token_are_never_printed() {
    let server = failing_server().await;
    let printed = everything_printed(&server, |base| Client::builder().base_url(base).service_account("mdb_sa_id_1", "sa-SECRET-2")).await;
    assert!(printed.contains("NOT_AUTHORIZED"), "the refusal was seen: {printed}");
    assert!(!printed.contains("SECRET"), "a secret was printed:\n{printed}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_bearer_token_is_never_printed() {
    let server = failing_server().await;
    let printed = everything_printed(&server, |base| Client::builder().base_url(base).bearer_token("bearer-SECRET-4")).await;
    assert!(printed.contains("NOT_AUTHORIZED"), "the refusal was seen: {printed}");
    assert!(!printed.contains("SECRET"), "a secret was printed:\n{printed}");
}
