//! Behaviours a team relies on in production, against a local mock server (`wiremock`):
//! retries (Retry-After, backoff, idempotent methods only unless opted in), rate-limit
//! headers, pagination across pages, streamed downloads, many tasks sharing one client
//! through a token expiry, and the tracing span of each request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_admin::models::{DownloadGroupClusterLogLogName, ObjectId};
use atlas_admin::{Client, Error, Method, RetryPolicy};
use futures_util::StreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod support;
use support::capture_traces;
use tracing_subscriber::fmt::format::FmtSpan;

fn group() -> ObjectId {
    "32b6e34b3d91647abb20e7b8".parse().unwrap()
}

/// Quick retries, so tests do not wait for real backoff.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().max_attempts(4).backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry(fast_retries()).build().unwrap()
}

/// Answers the given statuses in turn, then 200 with `{"ok": true}`.
struct Sequence {
    answers: Vec<ResponseTemplate>,
    calls: AtomicUsize,
}

impl Sequence {
    fn new(answers: Vec<ResponseTemplate>) -> Self {
        Sequence { answers, calls: AtomicUsize::new(0) }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        self.answers.get(n).cloned().unwrap_or_else(|| ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
    }
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1").insert_header("RateLimit-Remaining", "0");
    Mock::given(method("GET")).respond_with(Sequence::new(vec![limited])).mount(&server).await;
    let started = Instant::now();
    let response = client(&server).request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap();
    assert_eq!(response.status(), 200);
    // Retry-After wins over the millisecond backoff.
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_503_is_retried_with_backoff_until_attempts_run_out() {
    let server = MockServer::start().await;
    let unavailable = || ResponseTemplate::new(503).set_body_json(json!({"errorCode": "SERVICE_UNAVAILABLE"}));
    Mock::given(method("GET")).respond_with(Sequence::new(vec![unavailable(); 10])).mount(&server).await;
    let err = client(&server).request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap_err();
    assert!(err.is_error_code("SERVICE_UNAVAILABLE"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 4, "max_attempts bounds the tries");
}

/// 502 and 504 are retried like 503, and a `Retry-After` given as an HTTP date is waited
/// for by the retry loop itself (the backoff here is at most 5 ms, so a wait of over half a
/// second can only be the date's).
#[tokio::test]
async fn gateway_errors_are_retried_and_a_retry_after_date_is_waited_for() {
    let server = MockServer::start().await;
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let answers = vec![ResponseTemplate::new(502), ResponseTemplate::new(504), ResponseTemplate::new(503).insert_header("Retry-After", at.as_str())];
    Mock::given(method("GET")).respond_with(Sequence::new(answers)).mount(&server).await;
    let started = Instant::now();
    let response = client(&server).request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 4, "502, 504, 503, then the answer");
    assert!(started.elapsed() > Duration::from_millis(500), "the Retry-After date was not waited for: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_returns_the_error_at_once() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "3600").set_body_json(json!({"errorCode": "RATE_LIMITED"}));
    Mock::given(method("GET")).respond_with(Sequence::new(vec![limited])).mount(&server).await;
    let started = Instant::now();
    let err = client(&server).request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.rate_limit().unwrap().retry_after, Some(Duration::from_secs(3600)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_unless_the_call_opts_in() {
    let server = MockServer::start().await;
    let busy = || ResponseTemplate::new(503);
    Mock::given(method("POST")).respond_with(Sequence::new(vec![busy(), busy()])).mount(&server).await;
    let client = client(&server);
    let err = client.request(Method::POST, "/api/atlas/v2/groups").json(&json!({})).unwrap().send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let response = client
        .request(Method::POST, "/api/atlas/v2/groups")
        .json(&json!({}))
        .unwrap()
        .retry(fast_retries().retry_non_idempotent(true))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn retries_are_off_with_one_setting_and_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let off = Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().unwrap();
    off.request(Method::GET, "/api/atlas/v2").send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // A typed call can turn them off for itself.
    client(&server).clusters().list_clusters(group()).retry(RetryPolicy::none()).send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_like_a_503() {
    // A port nothing listens on: every attempt fails before a byte is sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder().base_url(url).retry(fast_retries()).build().unwrap();
    let (events, _guard) = capture_traces(tracing::Level::DEBUG, FmtSpan::CLOSE);
    let err = client.request(Method::GET, "/api/atlas/v2").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(ref e) if e.is_connect()), "{err}");
    let log = events.lock().unwrap().clone();
    assert_eq!(log.matches("atlas request retried").count(), 3, "{log}");
}

/// A request that reached Atlas and then failed in transport (here: timed out waiting for
/// the answer) is not retried: Atlas may have acted on it, unlike a refused connection.
#[tokio::test]
async fn a_request_that_timed_out_after_reaching_atlas_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).timeout(Duration::from_millis(100)).retry(fast_retries()).build().unwrap();
    let err = client.request(Method::GET, "/api/atlas/v2").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(ref e) if e.is_timeout() && !e.is_connect()), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn rate_limit_headers_are_on_responses_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit-Limit", "100")
                .insert_header("RateLimit-Remaining", "41")
                .set_body_json(json!({"results": [], "totalCount": 0})),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("RateLimit-Limit", "100")
                .insert_header("RateLimit-Remaining", "40")
                .insert_header("x-request-id", "req-9")
                .set_body_json(json!({"errorCode": "CLUSTER_NOT_FOUND"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let answer = client.clusters().list_clusters(group()).send_with_response().await.unwrap();
    assert_eq!((answer.rate_limit().limit, answer.rate_limit().remaining), (Some(100), Some(41)));
    let err = client.clusters().delete_cluster(group(), "c9".parse().unwrap()).send().await.unwrap_err();
    assert_eq!(err.rate_limit().unwrap().remaining, Some(40));
    assert_eq!(err.request_id(), Some("req-9"));
}

mod pagination {
    use super::*;

    /// Serves `total` projects `p0`, `p1`, ... by `itemsPerPage` and `pageNum`, with
    /// `totalCount` and a `next` link while there is more (each optional).
    struct Projects {
        total: usize,
        total_count: bool,
        links: bool,
    }

    impl Respond for Projects {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let param = |name: &str, default: usize| {
                request.url.query_pairs().find(|(k, _)| k == name).map_or(default, |(_, v)| v.parse().unwrap())
            };
            let (per_page, page) = (param("itemsPerPage", 100), param("pageNum", 1));
            let start = ((page - 1) * per_page).min(self.total);
            let end = (start + per_page).min(self.total);
            let results: Vec<_> = (start..end).map(|i| json!({"name": format!("p{i}"), "orgId": "32b6e34b3d91647abb20e7b8", "clusterCount": 0, "created": "2024-01-01T00:00:00Z"})).collect();
            let mut body = json!({ "results": results });
            if self.total_count {
                body["totalCount"] = json!(self.total);
            }
            if self.links {
                let mut links = vec![json!({"rel": "self", "href": "x"})];
                if end < self.total {
                    links.push(json!({"rel": "next", "href": "y"}));
                }
                body["links"] = json!(links);
            }
            ResponseTemplate::new(200).set_body_json(body)
        }
    }

    async fn serve(total: usize, total_count: bool, links: bool) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups"))
            .respond_with(Projects { total, total_count, links })
            .mount(&server)
            .await;
        server
    }

    /// The `pageNum` of each request (the first page goes out as the caller built it, without
    /// one: Atlas's default is 1).
    async fn pages_fetched(server: &MockServer) -> Vec<String> {
        let requests = server.received_requests().await.unwrap();
        requests.iter().map(|r| r.url.query_pairs().find(|(k, _)| k == "pageNum").map_or("1".into(), |(_, v)| v.into_owned())).collect()
    }

    fn names(projects: &[atlas_admin::models::Group]) -> Vec<String> {
        projects.iter().map(|p| p.name.to_string()).collect()
    }

    #[tokio::test]
    async fn three_pages_are_walked_and_the_short_last_page_ends_it() {
        for (total_count, links) in [(true, true), (false, false), (true, false), (false, true)] {
            let server = serve(12, total_count, links).await;
            let projects = client(&server).projects().list_groups().items_per_page(5).collect_all().await.unwrap();
            assert_eq!(names(&projects), (0..12).map(|i| format!("p{i}")).collect::<Vec<_>>());
            assert_eq!(pages_fetched(&server).await, ["1", "2", "3"], "totalCount {total_count}, links {links}");
        }
    }

    #[tokio::test]
    async fn an_exactly_full_last_page_stops_on_total_count_or_links() {
        for (total_count, links) in [(true, false), (false, true)] {
            let server = serve(10, total_count, links).await;
            let projects = client(&server).projects().list_groups().items_per_page(5).collect_all().await.unwrap();
            assert_eq!(projects.len(), 10);
            assert_eq!(pages_fetched(&server).await, ["1", "2"], "totalCount {total_count}, links {links}");
        }
        // With neither, only an empty page tells the end.
        let server = serve(10, false, false).await;
        let projects = client(&server).projects().list_groups().items_per_page(5).collect_all().await.unwrap();
        assert_eq!(projects.len(), 10);
        assert_eq!(pages_fetched(&server).await, ["1", "2", "3"]);
    }

    #[tokio::test]
    async fn a_stream_owns_what_it_needs_and_moves_to_a_task() {
        let server = serve(7, true, true).await;
        // Built from a temporary client and spawned: nothing borrowed outlives its owner.
        let stream = client(&server).projects().list_groups().items_per_page(3).stream();
        let names = tokio::spawn(async move {
            let projects: Vec<_> = stream.collect().await;
            projects.into_iter().map(|p| p.unwrap().name).collect::<Vec<_>>()
        });
        assert_eq!(names.await.unwrap().len(), 7);
        assert_eq!(pages_fetched(&server).await, ["1", "2", "3"]);
    }

    #[tokio::test]
    async fn an_empty_first_page_is_an_empty_stream() {
        let server = serve(0, true, true).await;
        let projects = client(&server).projects().list_groups().collect_all().await.unwrap();
        assert!(projects.is_empty());
        assert_eq!(pages_fetched(&server).await, ["1"]);
    }

    #[tokio::test]
    async fn pages_are_fetched_only_as_the_stream_is_read() {
        let server = serve(250, true, true).await;
        let client = client(&server);
        let mut stream = client.projects().list_groups().items_per_page(100).page_num(2).stream();
        let first = stream.next().await.unwrap().unwrap();
        assert_eq!(first.name.to_string(), "p100", "starts at the caller's page");
        assert_eq!(pages_fetched(&server).await, ["2"]);
        let rest: Vec<_> = stream.collect().await;
        assert_eq!(rest.len(), 149);
        assert_eq!(pages_fetched(&server).await, ["2", "3"]);
    }

    #[tokio::test]
    async fn an_error_on_a_later_page_ends_the_stream_with_it() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(query_param("pageNum", "2"))
            .respond_with(ResponseTemplate::new(500).set_body_json(json!({"errorCode": "UNEXPECTED_ERROR"})))
            .mount(&server)
            .await;
        Mock::given(method("GET")).respond_with(Projects { total: 20, total_count: true, links: true }).mount(&server).await;
        let items: Vec<_> = client(&server).projects().list_groups().items_per_page(10).stream().collect().await;
        assert_eq!(items.len(), 11);
        assert!(items[..10].iter().all(Result::is_ok));
        assert!(items[10].as_ref().unwrap_err().is_error_code("UNEXPECTED_ERROR"));
    }
}

#[tokio::test]
async fn a_download_streams_as_it_arrives() {
    let server = MockServer::start().await;
    let gzip: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(header("accept", "application/vnd.atlas.2023-02-01+gzip"))
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/vnd.atlas.2023-02-01+gzip").set_body_bytes(gzip.clone()))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client
        .monitoring_and_logs()
        .download_cluster_log(group(), "host-0.example.net".into(), DownloadGroupClusterLogLogName::Mongodb)
        .send_stream()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, gzip);
}

/// A download read whole, with what it carries for support; its Debug shows the status and
/// headers, never the bytes.
#[tokio::test]
async fn a_download_collected_whole_keeps_its_request_id_and_headers() {
    let server = MockServer::start().await;
    let csv = b"date,amount\n2026-11-01,12.50\n".repeat(5_000);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/vnd.atlas.2023-02-01+gzip")
                .insert_header("X-Request-Id", "req-9")
                .set_body_bytes(csv.clone()),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let stream = client
        .monitoring_and_logs()
        .download_cluster_log(group(), "host-0.example.net".into(), DownloadGroupClusterLogLogName::Mongodb)
        .send_stream()
        .await
        .unwrap();
    assert_eq!(stream.request_id().as_deref(), Some("req-9"));
    assert_eq!(stream.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("application/vnd.atlas.2023-02-01+gzip"));
    let shown = format!("{stream:?}");
    assert!(shown.starts_with("ByteStream") && shown.contains("200") && shown.contains("req-9") && !shown.contains("2026-11-01"), "{shown}");
    assert_eq!(stream.collect_bytes().await.unwrap(), csv);
}

/// The token endpoint hands out `t1` good for one more second past the refresh margin,
/// then long-lived `t2`, `t3`, ...
struct ExpiringTokens(AtomicUsize);

impl Respond for ExpiringTokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let expires_in = if n == 1 { 61 } else { 3600 };
        ResponseTemplate::new(200)
            .set_delay(Duration::from_millis(100))
            .set_body_json(json!({"access_token": format!("t{n}"), "expires_in": expires_in, "token_type": "Bearer"}))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_share_one_client_through_a_token_expiry() {
    let server = MockServer::start().await;
    let tokens = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(ExpiringTokens(AtomicUsize::new(0))).mount(&server).await;
    for token in ["t1", "t2"] {
        Mock::given(method("GET"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&server)
            .await;
    }
    let client = Client::builder().base_url(server.uri()).service_account("mdb_sa_id_1", "secret").build().unwrap();
    fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}
    shareable(&client);
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            let tokens = tokens.clone();
            tokio::spawn(async move {
                // Eight calls each, spread over about 1.6 s: across t1's expiry.
                for call in 0..8u64 {
                    tokio::time::sleep(Duration::from_millis(200 * call + (i % 8) * 5)).await;
                    // Typed calls and raw requests alike.
                    if call % 2 == 0 {
                        let response = client.request(Method::GET, "/api/atlas/v2").send().await.unwrap();
                        assert_eq!(response.status(), 200);
                    } else {
                        client.projects().get_group(group()).send().await.unwrap();
                    }
                    tokens.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 64 * 8, "no request lost");
    let requests = server.received_requests().await.unwrap();
    let fetches = requests.iter().filter(|r| r.url.path() == "/api/oauth/token").count();
    assert_eq!(fetches, 2, "one fetch, then one refresh at the expiry");
    assert_eq!(requests.len() - fetches, 64 * 8, "no call was sent twice");
}

#[tokio::test(flavor = "current_thread")]
async fn each_request_has_a_span_with_operation_attempts_and_status_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "tok-SECRET", "expires_in": 3600})))
        .mount(&server)
        .await;
    let busy = ResponseTemplate::new(503);
    let ok = ResponseTemplate::new(200)
        .insert_header("RateLimit-Remaining", "17")
        .insert_header("x-request-id", "req-span-1")
        .set_body_json(json!({"results": []}));
    Mock::given(method("GET")).respond_with(Sequence::new(vec![busy, ok])).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .service_account("mdb_sa_id_1", "sa-SECRET")
        .retry(fast_retries())
        .build()
        .unwrap();
    let (log, _guard) = capture_traces(tracing::Level::DEBUG, FmtSpan::CLOSE);
    client.clusters().list_clusters(group()).send().await.unwrap();
    let log = log.lock().unwrap().clone();
    assert!(log.contains("operation=\"listGroupClusters\"") || log.contains("operation=listGroupClusters"), "{log}");
    assert!(log.contains("/api/atlas/v2/groups/{groupId}/clusters"), "the path template: {log}");
    assert!(log.contains("attempt=2"), "{log}");
    assert!(log.contains("retry_delay_ms="), "{log}");
    assert!(log.contains("ratelimit_remaining=17"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("req-span-1"), "the request id: {log}");
    assert!(!log.contains("SECRET"), "a secret reached the logs: {log}");
    assert!(!log.contains("32b6e34b3d91647abb20e7b8"), "only the template is logged: {log}");
}

mod waiters {
    use super::*;

    const CLUSTER: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0";

    fn cluster(state: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({"name": "c0", "stateName": state}))
    }

    #[tokio::test]
    async fn a_cluster_is_polled_until_idle_with_a_report_per_poll() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(CLUSTER))
            .respond_with(Sequence::new(vec![cluster("CREATING"), cluster("CREATING"), cluster("UPDATING"), cluster("IDLE")]))
            .mount(&server)
            .await;
        let client = client(&server);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let idle = client
            .clusters()
            .wait_until_idle(group(), "c0".parse().unwrap())
            .interval(Duration::from_millis(10))
            .on_poll(move |state| log.lock().unwrap().push(state.to_string()))
            .await
            .unwrap();
        assert_eq!(idle.state_name, Some(atlas_admin::models::StateName::Idle));
        assert_eq!(*seen.lock().unwrap(), ["CREATING", "CREATING", "UPDATING"]);
        assert_eq!(server.received_requests().await.unwrap().len(), 4);
    }

    #[tokio::test]
    async fn a_wait_that_times_out_names_the_last_state() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path(CLUSTER)).respond_with(cluster("REPAIRING")).mount(&server).await;
        let client = client(&server);
        let err = client
            .clusters()
            .wait_until_idle(group(), "c0".parse().unwrap())
            .interval(Duration::from_millis(20))
            .timeout(Duration::from_millis(100))
            .await
            .unwrap_err();
        let Error::Timeout { last_state, what, .. } = &err else { panic!("{err}") };
        assert_eq!(last_state, "REPAIRING");
        assert!(what.contains("c0"), "{what}");
        assert!(err.to_string().contains("REPAIRING"), "{err}");
    }

    #[tokio::test]
    async fn a_deleted_cluster_is_done_when_atlas_answers_404() {
        let server = MockServer::start().await;
        let gone = ResponseTemplate::new(404).set_body_json(json!({"errorCode": "CLUSTER_NOT_FOUND"}));
        Mock::given(method("GET"))
            .and(path(CLUSTER))
            .respond_with(Sequence::new(vec![cluster("DELETING"), cluster("DELETING"), gone]))
            .mount(&server)
            .await;
        let client = client(&server);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        client
            .clusters()
            .wait_until_deleted(group(), "c0".parse().unwrap())
            .interval(Duration::from_millis(10))
            .on_poll(move |state| log.lock().unwrap().push(state.to_string()))
            .await
            .unwrap();
        // Polled through both DELETING answers to the 404, and no further.
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
        assert_eq!(*seen.lock().unwrap(), ["DELETING", "DELETING"]);
        // Any other error ends the wait with it.
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(403).set_body_json(json!({"errorCode": "FORBIDDEN"}))).mount(&server).await;
        let client = super::client(&server);
        let err = client.clusters().wait_until_deleted(group(), "c0".parse().unwrap()).interval(Duration::from_millis(10)).await.unwrap_err();
        assert!(err.is_error_code("FORBIDDEN"), "{err}");
    }

    /// The flex-cluster waiters, and the private endpoint service's, whose state is read from
    /// whichever variant of the union Atlas answered with.
    #[tokio::test]
    async fn flex_clusters_and_private_endpoint_services_reach_their_states() {
        let server = MockServer::start().await;
        let flex = |state: &str| ResponseTemplate::new(200).set_body_json(json!({"name": "f0", "stateName": state}));
        let gone = ResponseTemplate::new(404).set_body_json(json!({"errorCode": "FLEX_CLUSTER_NOT_FOUND"}));
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/flexClusters/f0"))
            .respond_with(Sequence::new(vec![flex("CREATING"), flex("IDLE"), flex("DELETING"), gone]))
            .mount(&server)
            .await;
        let service = |status: &str| ResponseTemplate::new(200).set_body_json(json!({"cloudProvider": "AZURE", "id": "65f0c1f2a1b2c3d4e5f60718", "status": status}));
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/privateEndpoint/AZURE/endpointService/65f0c1f2a1b2c3d4e5f60718"))
            .respond_with(Sequence::new(vec![service("INITIATING"), service("WAITING_FOR_USER"), service("AVAILABLE")]))
            .mount(&server)
            .await;
        let client = client(&server);
        let fast = Duration::from_millis(5);
        let idle = client.flex_clusters().wait_until_idle(group(), "f0".parse().unwrap()).interval(fast).await.unwrap();
        assert_eq!(serde_json::to_value(&idle).unwrap()["stateName"], "IDLE");
        client.flex_clusters().wait_until_deleted(group(), "f0".parse().unwrap()).interval(fast).await.unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let id: ObjectId = "65f0c1f2a1b2c3d4e5f60718".parse().unwrap();
        let available = client
            .private_endpoint_services()
            .wait_until_available(group(), atlas_admin::models::CloudProvider::from("AZURE"), id)
            .interval(fast)
            .on_poll(move |state| log.lock().unwrap().push(state.to_string()))
            .await
            .unwrap();
        assert!(matches!(available, atlas_admin::models::EndpointService::AzurePrivateLinkConnection(_)), "{available:?}");
        assert_eq!(*seen.lock().unwrap(), ["INITIATING", "WAITING_FOR_USER"]);
        // Two flex polls to IDLE, two to the 404, three to AVAILABLE.
        assert_eq!(server.received_requests().await.unwrap().len(), 7);
    }

    /// Every kind of search index is waited on by its own status: a vector index, and one of
    /// a type this version does not know (read from the JSON Atlas sent).
    #[tokio::test]
    async fn vector_and_unknown_search_indexes_reach_ready() {
        let server = MockServer::start().await;
        let index = |kind: &str, status: &str| ResponseTemplate::new(200).set_body_json(json!({"type": kind, "name": "i", "status": status}));
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0/search/indexes/65f0c1f2a1b2c3d4e5f60718"))
            .respond_with(Sequence::new(vec![index("vectorSearch", "PENDING"), index("vectorSearch", "BUILDING"), index("vectorSearch", "READY")]))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0/search/indexes/65f0c1f2a1b2c3d4e5f60719"))
            .respond_with(Sequence::new(vec![index("semanticSearch", "BUILDING"), index("semanticSearch", "READY")]))
            .mount(&server)
            .await;
        let client = client(&server);
        let fast = Duration::from_millis(5);
        use std::future::IntoFuture;
        let within = |wait| tokio::time::timeout(Duration::from_secs(5), wait);
        let vector = within(client.atlas_search().wait_until_ready(group(), "c0".parse().unwrap(), "65f0c1f2a1b2c3d4e5f60718".parse().unwrap()).interval(fast).into_future())
            .await
            .expect("the vector index reached READY")
            .unwrap();
        assert!(matches!(vector, atlas_admin::models::SearchIndexResponse::Vector(_)), "{vector:?}");
        assert_eq!(serde_json::to_value(&vector).unwrap()["status"], "READY");
        let unknown = within(client.atlas_search().wait_until_ready(group(), "c0".parse().unwrap(), "65f0c1f2a1b2c3d4e5f60719".parse().unwrap()).interval(fast).into_future())
            .await
            .expect("the unknown index reached READY")
            .unwrap();
        assert!(matches!(unknown, atlas_admin::models::SearchIndexResponse::Unknown(_)), "{unknown:?}");
        assert_eq!(server.received_requests().await.unwrap().len(), 5);
    }

    /// A timeout shorter than the interval ends the wait after the first poll (promptly,
    /// not after polling on), and a waiter shows what it waits for.
    #[tokio::test]
    async fn a_timeout_shorter_than_the_interval_ends_after_one_poll() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path(CLUSTER)).respond_with(cluster("CREATING")).mount(&server).await;
        let client = client(&server);
        use std::future::IntoFuture;
        let waiter = client.clusters().wait_until_idle(group(), "c0".parse().unwrap()).interval(Duration::from_millis(50)).timeout(Duration::from_millis(10));
        let shown = format!("{waiter:?}");
        assert!(shown.starts_with("Waiter") && shown.contains("cluster c0 to be IDLE") && shown.contains("50ms") && shown.contains("10ms"), "{shown}");
        let err = tokio::time::timeout(Duration::from_secs(5), waiter.into_future()).await.expect("the wait ended").unwrap_err();
        assert!(matches!(&err, Error::Timeout { last_state, .. } if last_state == "CREATING"), "{err}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    /// The private endpoint service's waiter reads the status of every provider's variant,
    /// and of one this version does not know.
    #[tokio::test]
    async fn private_endpoint_services_of_every_provider_reach_available() {
        use std::future::IntoFuture;
        let server = MockServer::start().await;
        for (provider, id) in [("AWS", "65f0c1f2a1b2c3d4e5f60711"), ("GCP", "65f0c1f2a1b2c3d4e5f60712"), ("OCI", "65f0c1f2a1b2c3d4e5f60713")] {
            let service = move |status: &str| ResponseTemplate::new(200).set_body_json(json!({"cloudProvider": provider, "id": id, "status": status}));
            Mock::given(method("GET"))
                .and(path(format!("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/privateEndpoint/{provider}/endpointService/{id}")))
                .respond_with(Sequence::new(vec![service("INITIATING"), service("AVAILABLE")]))
                .mount(&server)
                .await;
        }
        let client = client(&server);
        let mut kinds = Vec::new();
        for (provider, id) in [("AWS", "65f0c1f2a1b2c3d4e5f60711"), ("GCP", "65f0c1f2a1b2c3d4e5f60712"), ("OCI", "65f0c1f2a1b2c3d4e5f60713")] {
            let wait = client
                .private_endpoint_services()
                .wait_until_available(group(), atlas_admin::models::CloudProvider::from(provider), id.parse().unwrap())
                .interval(Duration::from_millis(5))
                .into_future();
            let service = tokio::time::timeout(Duration::from_secs(5), wait).await.expect("reached AVAILABLE").unwrap();
            assert_eq!(serde_json::to_value(&service).unwrap()["status"], "AVAILABLE");
            kinds.push(match service {
                atlas_admin::models::EndpointService::AwsPrivateLinkConnection(_) => "aws",
                atlas_admin::models::EndpointService::Gcp(_) => "gcp",
                atlas_admin::models::EndpointService::Unknown(_) => "unknown",
                other => panic!("{other:?}"),
            });
        }
        assert_eq!(kinds, ["aws", "gcp", "unknown"]);
        assert_eq!(server.received_requests().await.unwrap().len(), 6);
    }

    /// The serverless private endpoint's waiter reads the state of either provider's variant,
    /// stops at AVAILABLE (not before), and takes FAILED as final rather than waiting on.
    #[tokio::test]
    #[allow(deprecated)]
    async fn serverless_private_endpoints_reach_available_or_failed() {
        let server = MockServer::start().await;
        let endpoint = |provider: &str, status: &str| {
            ResponseTemplate::new(200).set_body_json(json!({"_id": "65f0c1f2a1b2c3d4e5f60718", "providerName": provider, "status": status}))
        };
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/privateEndpoint/serverless/instance/s0/endpoint/65f0c1f2a1b2c3d4e5f60718"))
            .respond_with(Sequence::new(vec![endpoint("AWS", "RESERVATION_REQUESTED"), endpoint("AWS", "RESERVED"), endpoint("AWS", "INITIATING"), endpoint("AWS", "AVAILABLE")]))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/privateEndpoint/serverless/instance/s0/endpoint/65f0c1f2a1b2c3d4e5f60719"))
            .respond_with(Sequence::new(vec![endpoint("AZURE", "INITIATING"), endpoint("AZURE", "FAILED"), endpoint("AZURE", "AVAILABLE")]))
            .mount(&server)
            .await;
        let client = client(&server);
        let fast = Duration::from_millis(5);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let available = client
            .serverless_private_endpoints()
            .wait_until_available(group(), "s0".parse().unwrap(), "65f0c1f2a1b2c3d4e5f60718".parse().unwrap())
            .interval(fast)
            .on_poll(move |state| log.lock().unwrap().push(state.to_string()))
            .await
            .unwrap();
        assert!(matches!(available, atlas_admin::models::ServerlessTenantEndpoint::Aws(_)), "{available:?}");
        assert_eq!(serde_json::to_value(&available).unwrap()["status"], "AVAILABLE");
        assert_eq!(*seen.lock().unwrap(), ["RESERVATION_REQUESTED", "RESERVED", "INITIATING"]);
        let failed = client
            .serverless_private_endpoints()
            .wait_until_available(group(), "s0".parse().unwrap(), "65f0c1f2a1b2c3d4e5f60719".parse().unwrap())
            .interval(fast)
            .await
            .unwrap();
        assert!(matches!(failed, atlas_admin::models::ServerlessTenantEndpoint::Azure(_)), "{failed:?}");
        assert_eq!(serde_json::to_value(&failed).unwrap()["status"], "FAILED");
        // Four polls to AVAILABLE, two to FAILED.
        assert_eq!(server.received_requests().await.unwrap().len(), 6);
    }

    #[tokio::test]
    async fn search_indexes_snapshots_and_restores_reach_their_states() {
        let server = MockServer::start().await;
        let index = |status: &str| ResponseTemplate::new(200).set_body_json(json!({"type": "search", "name": "i", "status": status}));
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0/search/indexes/65f0c1f2a1b2c3d4e5f60718"))
            .respond_with(Sequence::new(vec![index("PENDING"), index("BUILDING"), index("READY")]))
            .mount(&server)
            .await;
        let snapshot = |status: &str| ResponseTemplate::new(200).set_body_json(json!({"status": status}));
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0/backup/snapshots/65f0c1f2a1b2c3d4e5f60718"))
            .respond_with(Sequence::new(vec![snapshot("queued"), snapshot("inProgress"), snapshot("completed")]))
            .mount(&server)
            .await;
        let job = |done: bool| {
            let body = if done { json!({"finishedAt": "2024-01-01T00:00:00Z"}) } else { json!({}) };
            ResponseTemplate::new(200).set_body_json(body)
        };
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0/backup/restoreJobs/65f0c1f2a1b2c3d4e5f60718"))
            .respond_with(Sequence::new(vec![job(false), job(true)]))
            .mount(&server)
            .await;
        let client = client(&server);
        let id: ObjectId = "65f0c1f2a1b2c3d4e5f60718".parse().unwrap();
        let fast = Duration::from_millis(5);
        let ready = client.atlas_search().wait_until_ready(group(), "c0".parse().unwrap(), id.clone()).interval(fast).await.unwrap();
        assert!(matches!(ready, atlas_admin::models::SearchIndexResponse::Text(_)));
        // Returned at READY, not at the first answer (a PENDING body decodes to the same variant).
        assert_eq!(serde_json::to_value(&ready).unwrap()["status"], "READY");
        let snap = client.cloud_backups().wait_until_snapshot_completed(group(), "c0".parse().unwrap(), id.clone()).interval(fast).await.unwrap();
        assert_eq!(serde_json::to_value(&snap).unwrap()["status"], "completed");
        let restored = client.cloud_backups().wait_until_restore_finished(group(), "c0".parse().unwrap(), id).interval(fast).await.unwrap();
        assert!(restored.finished_at.is_some());
    }
}

/// Found by mutation testing: the policy's setters and `none()` were trusted, not checked.
mod retry_policy {
    use super::*;

    #[test]
    fn the_setters_set_what_they_say() {
        let policy = RetryPolicy::default().max_attempts(3).backoff(Duration::from_millis(10), Duration::from_millis(50)).max_elapsed(Duration::from_secs(2));
        assert_eq!(
            (policy.max_attempts, policy.initial_backoff, policy.max_backoff, policy.max_elapsed),
            (3, Duration::from_millis(10), Duration::from_millis(50), Duration::from_secs(2))
        );
        // One attempt at least, and a ceiling never under the first backoff.
        let clamped = RetryPolicy::default().max_attempts(0).backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert_eq!((clamped.max_attempts, clamped.max_backoff), (1, Duration::from_secs(2)));
        assert!(RetryPolicy::default().retry_non_idempotent(true).retry_non_idempotent);
    }

    #[tokio::test]
    async fn none_sends_each_call_once_even_when_atlas_is_busy() {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
        let client = Client::builder().base_url(server.uri()).retry(RetryPolicy::none()).build().unwrap();
        let error = client.request(Method::GET, "/api/atlas/v2").send().await.unwrap_err();
        assert_eq!(error.status(), Some(503));
    }

    #[test]
    fn credentials_show_who_but_never_the_secret() {
        let api_key = format!("{:?}", atlas_admin::Credentials::ApiKey { public_key: "pub-ada".into(), private_key: "hunter2".into() });
        assert!(api_key.contains("pub-ada") && !api_key.contains("hunter2"), "{api_key}");
        let account = format!("{:?}", atlas_admin::Credentials::ServiceAccount { client_id: "mdb_sa_id_ada".into(), client_secret: "mdb_sa_sk_x".into() });
        assert!(account.contains("mdb_sa_id_ada") && !account.contains("mdb_sa_sk_x"), "{account}");
        assert_eq!(format!("{:?}", atlas_admin::Credentials::Bearer("tok".into())), "Bearer(<redacted>)");
    }
}
