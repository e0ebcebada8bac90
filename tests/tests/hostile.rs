//! Hostile and broken servers: every one gives a typed error within the configured
//! timeout, never a panic or a hang, and credentials never follow a redirect.

use std::time::Duration;

use atlas_admin::{Client, Error, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::raw_server;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .api_key("public", "hunter2-private")
        .timeout(Duration::from_millis(800))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A typed call (getGroup) against `client`, bounded so a hang fails the test instead of
/// stalling it.
async fn get_group(client: &Client) -> Result<atlas_admin::models::Group, Error> {
    let call = client.projects().get_group(GROUP.parse().unwrap()).send();
    tokio::time::timeout(Duration::from_secs(20), call).await.expect("the call hung")
}

async fn serving(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(template).mount(&server).await;
    server
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_the_body_kept() {
    let server = serving(ResponseTemplate::new(200).set_body_raw(r#"{"name": "p", "orgId": "#, "application/json")).await;
    match get_group(&client(&server.uri())).await {
        Err(Error::Decode { raw, status, .. }) => assert_eq!((raw.as_str(), status), (r#"{"name": "p", "orgId": "#, 200)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_empty_body_where_a_model_is_expected_is_a_decode_error() {
    let server = serving(ResponseTemplate::new(200)).await;
    assert!(matches!(get_group(&client(&server.uri())).await, Err(Error::Decode { .. })));
}

#[tokio::test]
async fn an_html_page_from_a_proxy_is_a_decode_error_on_200_and_an_api_error_on_502() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let ok = serving(ResponseTemplate::new(200).set_body_raw(html, "text/html")).await;
    assert!(matches!(get_group(&client(&ok.uri())).await, Err(Error::Decode { .. })));
    let bad = serving(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;
    match get_group(&client(&bad.uri())).await {
        Err(e @ Error::Api { .. }) => {
            assert_eq!(e.status(), Some(502));
            assert!(matches!(&e, Error::Api { raw, .. } if raw == html));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_content_type_does_not_decide_the_body_does() {
    let json = format!(r#"{{"name": "p", "orgId": "{GROUP}", "clusterCount": 0}}"#);
    let server = serving(ResponseTemplate::new(200).set_body_raw(json, "text/html")).await;
    let group = get_group(&client(&server.uri())).await.unwrap();
    assert_eq!(group.name, "p");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_or_without_a_length() {
    let big = format!(r#"{{"name": "{}"}}"#, "x".repeat(8192));
    let server = serving(ResponseTemplate::new(200).set_body_raw(big, "application/json")).await;
    let small = Client::builder().base_url(server.uri()).max_body_bytes(4096).retry(RetryPolicy::none()).build().unwrap();
    assert!(matches!(get_group(&small).await, Err(Error::TooLarge { status: 200, limit: 4096 })));
    // No Content-Length (chunked): counted as it arrives.
    let chunked = raw_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n1000\r\n\
          xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        Duration::from_secs(30),
    )
    .await;
    let limited = Client::builder().base_url(chunked).max_body_bytes(64).retry(RetryPolicy::none()).build().unwrap();
    assert!(matches!(get_group(&limited).await, Err(Error::TooLarge { .. })));
    // An error body too.
    let error = serving(ResponseTemplate::new(500).set_body_raw("e".repeat(8192), "text/plain")).await;
    let small = Client::builder().base_url(error.uri()).max_body_bytes(4096).retry(RetryPolicy::none()).build().unwrap();
    assert!(matches!(get_group(&small).await, Err(Error::TooLarge { status: 500, .. })));
}

/// The limit is the most bytes taken, not one less: a body of exactly the limit is read,
/// with its length announced or in chunks; a length announced over the limit is refused at
/// once, before any of the body is waited for (this server sends a little, then stalls).
#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_and_an_announced_excess_is_refused_at_once() {
    let exact = r#"{"name": "p"}"#;
    let limited = |base: &str| {
        Client::builder()
            .base_url(base)
            .max_body_bytes(exact.len() as u64)
            .timeout(Duration::from_secs(3))
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    let announced = serving(ResponseTemplate::new(200).set_body_raw(exact, "application/json")).await;
    assert_eq!(get_group(&limited(&announced.uri())).await.unwrap().name, "p");
    let chunked = raw_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n7\r\n{\"name\"\r\n6\r\n: \"p\"}\r\n0\r\n\r\n",
        Duration::ZERO,
    )
    .await;
    assert_eq!(get_group(&limited(&chunked)).await.unwrap().name, "p");
    let stalling = raw_server(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"name\":", Duration::from_secs(60)).await;
    assert!(matches!(get_group(&limited(&stalling)).await, Err(Error::TooLarge { status: 200, limit: 13 })));
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let base = raw_server(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"name\": \"p\"", Duration::ZERO).await;
    assert!(matches!(get_group(&client(&base)).await, Err(Error::Transport(_))));
}

#[tokio::test]
async fn a_server_that_stalls_mid_body_times_out() {
    let base = raw_server(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"name\":", Duration::from_secs(60)).await;
    match get_group(&client(&base)).await {
        Err(Error::Transport(e)) => assert!(e.is_timeout(), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_credentials_stay_home() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json")).mount(&elsewhere).await;
    let redirecting = serving(ResponseTemplate::new(302).insert_header("location", format!("{}/steal", elsewhere.uri()).as_str())).await;
    match get_group(&client(&redirecting.uri())).await {
        Err(e @ Error::Api { .. }) => assert_eq!(e.status(), Some(302)),
        other => panic!("{other:?}"),
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "a request followed the redirect");
    // A loop: one answer, no spinning (the digest challenge round aside).
    let looping = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(301).insert_header("location", "/again")).mount(&looping).await;
    let error = get_group(&client(&looping.uri())).await.unwrap_err();
    assert_eq!(error.status(), Some(301));
    assert_eq!(looping.received_requests().await.unwrap().len(), 1);
}

/// Values a caller got from somewhere untrusted: in a path segment or a query value, none
/// can change the method, the host or the path, or add a header. Each stays one segment (or
/// one query value) and arrives as it was given. Validation is off, so the encoding alone
/// is what holds them.
#[tokio::test]
async fn hostile_path_and_query_values_stay_in_their_place() {
    const HOSTILE: &[&str] = &[
        "../", "..", "../../orgs", "%2F", "a/b", "?x=1", "#fragment", "a b", "a\r\nX-Injected: 1", "a\nb", "\u{0}",
        "ünïcödé €", "\u{202e}rtl", "%00", "a;b", "a&b=c", "+",
    ];
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"results": [], "totalCount": 0}"#, "application/json"))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().unwrap();
    let group: atlas_admin::models::ObjectId = GROUP.parse().unwrap();
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
    let mut seen = 0;
    for value in HOSTILE {
        let name = atlas_admin::models::ResourceName::new_unchecked(*value);
        let cluster = client.clusters().get_cluster(group.clone(), name).validate(false).send().await;
        let _ = client.organizations().get_org_groups(group.clone()).name(value.to_string()).validate(false).send().await;
        let requests = server.received_requests().await.unwrap();
        let new = &requests[seen..];
        seen = requests.len();
        for request in new {
            assert_eq!(request.method.as_str(), "GET");
            assert_eq!(request.headers.get("host").unwrap().to_str().unwrap(), server.address().to_string(), "{value:?} changed the host");
            assert!(request.headers.get("x-injected").is_none(), "{value:?} added a header");
            assert_eq!(request.url.fragment(), None, "{value:?} made a fragment");
        }
        let orgs = if *value == ".." {
            // A segment that would climb the route is refused, not sent.
            assert!(matches!(cluster, Err(Error::Config(_))), "{value:?}: {cluster:?}");
            assert_eq!(new.len(), 1, "{value:?}");
            &new[0]
        } else {
            assert_eq!(new.len(), 2, "{value:?}: each call sent once");
            let segments: Vec<&str> = new[0].url.path().split('/').collect();
            assert_eq!(segments.len(), 8, "{value:?} changed the path: {}", new[0].url.path());
            assert_eq!(&segments[..7], ["", "api", "atlas", "v2", "groups", GROUP, "clusters"], "{value:?}");
            assert_eq!(decode(segments[7]), *value, "{value:?} arrived otherwise");
            &new[1]
        };
        assert_eq!(orgs.url.path(), format!("/api/atlas/v2/orgs/{GROUP}/groups"));
        let query: Vec<(String, String)> = orgs.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert_eq!(query, [("name".to_string(), value.to_string())], "{value:?}");
    }
}
