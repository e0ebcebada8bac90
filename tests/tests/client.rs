//! The client runtime against a local mock server (`wiremock`): digest challenge and nonce
//! reuse, service-account tokens (fetched once, reused, refreshed before expiry and on a
//! 401, one refresh for many concurrent callers), versioned media types, Atlas error bodies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use atlas_admin::{Client, Error};
use atlas_admin::Method;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CHALLENGE: &str = r#"Digest realm="MMS Public API", domain="", nonce="n0nce", algorithm=MD5, qop="auth", stale=false"#;

/// Answers like Atlas's digest front door: a challenge without `Authorization`, else 200.
struct DigestServer;

impl Respond for DigestServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match request.headers.get("authorization").and_then(|h| h.to_str().ok()) {
            Some(auth) if auth.starts_with("Digest ") && auth.contains("username=\"pub\"") => {
                ResponseTemplate::new(200).set_body_json(json!({"results": [], "totalCount": 0}))
            }
            _ => ResponseTemplate::new(401).insert_header("WWW-Authenticate", CHALLENGE),
        }
    }
}

#[tokio::test]
async fn digest_answers_the_challenge_once_then_reuses_the_nonce() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/api/atlas/v2/groups")).respond_with(DigestServer).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).api_key("pub", "priv").build().unwrap();
    for _ in 0..2 {
        let response = client.request(Method::GET, "/api/atlas/v2/groups").api_version("2023-01-01").send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let requests = server.received_requests().await.unwrap();
    // Challenge + answer for the first call, a single request for the second.
    assert_eq!(requests.len(), 3);
    let auth = |i: usize| requests[i].headers.get("authorization").map(|h| h.to_str().unwrap().to_string());
    assert_eq!(auth(0), None);
    assert!(auth(1).unwrap().contains("nc=00000001"));
    assert!(auth(2).unwrap().contains("nc=00000002"));
    assert!(!auth(2).unwrap().contains("priv"));
}

fn token(value: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"access_token": value, "expires_in": expires_in, "token_type": "Bearer"}))
}

async fn ok_with_bearer(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(server)
        .await;
}

fn service_account(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).service_account("mdb_sa_id_1", "secret").build().unwrap()
}

#[tokio::test]
async fn a_token_is_fetched_once_and_reused() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(token("t1", 3600)).expect(1).mount(&server).await;
    ok_with_bearer(&server, "t1").await;
    let client = service_account(&server);
    for _ in 0..3 {
        client.request(Method::GET, "/api/atlas/v2").send().await.unwrap();
    }
    let token_request = &server.received_requests().await.unwrap()[0];
    assert_eq!(String::from_utf8_lossy(&token_request.body), "grant_type=client_credentials");
    assert!(token_request.headers.get("authorization").unwrap().to_str().unwrap().starts_with("Basic "));
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_use() {
    let server = MockServer::start().await;
    // Thirty seconds left is inside the refresh margin: every call fetches anew.
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(token("t1", 30)).expect(2).mount(&server).await;
    ok_with_bearer(&server, "t1").await;
    let client = service_account(&server);
    client.request(Method::GET, "/api/atlas/v2").send().await.unwrap();
    client.request(Method::GET, "/api/atlas/v2").send().await.unwrap();
}

/// The token endpoint hands out `t1`, `t2`, ... in turn.
struct Tokens(AtomicUsize);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        token(&format!("t{n}"), 3600)
    }
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(Tokens(AtomicUsize::new(0))).expect(2).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2"))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    ok_with_bearer(&server, "t2").await;
    let client = service_account(&server);
    let response = client.request(Method::GET, "/api/atlas/v2").send().await.unwrap();
    assert_eq!(response.status(), 200);
}

/// The token goes to the revoke endpoint form-encoded: an opaque token with `+`, `&`, `=`
/// and `/` in it arrives as itself, and nothing else rides along.
#[tokio::test]
async fn revoking_sends_the_token_form_encoded() {
    let odd = "a+b&token=forged/c=d é";
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(token(odd, 3600)).expect(1).mount(&server).await;
    Mock::given(method("POST")).and(path("/api/oauth/revoke")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&server).await;
    let client = service_account(&server);
    client.request(Method::GET, "/api/atlas/v2").send().await.unwrap();
    client.revoke_token().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let revoke = requests.iter().find(|r| r.url.path() == "/api/oauth/revoke").unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&revoke.body).into_owned().collect();
    assert_eq!(form, [("token".to_string(), odd.to_string()), ("token_type_hint".to_string(), "access_token".to_string())]);
    assert!(revoke.headers.get("authorization").unwrap().to_str().unwrap().starts_with("Basic "));
}

/// A token refused again right after a refresh ends the call with the 401: one refresh,
/// no loop.
#[tokio::test]
async fn a_second_refusal_after_a_refresh_stops() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(Tokens(AtomicUsize::new(0))).expect(2).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).expect(2).mount(&server).await;
    let client = service_account(&server);
    let error = client.request(Method::GET, "/api/atlas/v2").send().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
}

#[tokio::test]
async fn twenty_concurrent_callers_share_one_token_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .respond_with(token("t1", 3600).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    ok_with_bearer(&server, "t1").await;
    let client = Arc::new(service_account(&server));
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.request(Method::GET, "/api/atlas/v2").send().await.map(|r| r.status()) })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 200);
    }
}

#[tokio::test]
async fn the_api_version_is_the_accept_and_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/atlas/v2/groups/g/clusters"))
        .and(header("accept", "application/vnd.atlas.2024-08-05+json"))
        .and(header("content-type", "application/vnd.atlas.2024-08-05+json"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"name": "c0"})))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let response = client
        .request(Method::POST, "/api/atlas/v2/groups/g/clusters")
        .api_version("2024-08-05")
        .json(&json!({"name": "c0"}))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let cluster: atlas_admin::models::ClusterDescription20240805 = response.json().unwrap();
    assert_eq!(cluster.name.unwrap().as_str(), "c0");
}

#[tokio::test]
async fn an_atlas_error_body_is_mapped_with_its_code_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-42")
                .set_body_json(json!({"error": 404, "errorCode": "CLUSTER_NOT_FOUND", "detail": "No cluster named c9.", "reason": "Not Found", "parameters": ["c9"]})),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let err = client.request(Method::GET, "/api/atlas/v2/groups/g/clusters/c9").send().await.unwrap_err();
    assert!(err.is_error_code("CLUSTER_NOT_FOUND"), "{err}");
    assert_eq!(err.status(), Some(404));
    let shown = err.to_string();
    assert!(shown.contains("CLUSTER_NOT_FOUND") && shown.contains("req-42"), "{shown}");
    let Error::Api { body, .. } = err else { panic!() };
    assert_eq!(body.parameters, [json!("c9")]);
}

#[tokio::test]
async fn an_empty_success_and_a_decode_error_naming_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("[1, 2]")).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let deleted = client.request(Method::DELETE, "/api/atlas/v2/groups/g").send().await.unwrap();
    assert_eq!((deleted.status(), deleted.bytes().len()), (204, 0));
    let listed = client.request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap();
    let err = listed.json::<atlas_admin::models::PaginatedClusterDescription20240805>().unwrap_err();
    assert!(matches!(&err, Error::Decode { raw, .. } if raw == "[1, 2]"), "{err}");
}

#[tokio::test]
async fn a_path_parameter_with_a_slash_stays_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/atlas/v2/groups/g/accessList/10.0.0.0%2F24"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let entry = atlas_admin::path_segment("10.0.0.0/24").unwrap();
    let response = client.request(Method::DELETE, &format!("/api/atlas/v2/groups/g/accessList/{entry}")).send().await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(server.received_requests().await.unwrap()[0].url.path(), "/api/atlas/v2/groups/g/accessList/10.0.0.0%2F24");
}

mod typed {
    //! The generated operations on the same runtime: versions, validation before sending,
    //! path segments, non-JSON downloads.
    use super::*;
    use atlas_admin::models::{DownloadGroupClusterLogLogName, ObjectId, PaginatedClusterDescription20240805};

    fn group() -> ObjectId {
        "32b6e34b3d91647abb20e7b8".parse().unwrap()
    }

    #[tokio::test]
    async fn an_operation_sends_its_version_and_query_and_decodes_its_model() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters"))
            .and(header("accept", "application/vnd.atlas.2024-08-05+json"))
            .and(wiremock::matchers::query_param("itemsPerPage", "5"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [{"name": "c0"}], "totalCount": 1})))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let page: PaginatedClusterDescription20240805 =
            client.clusters().list_clusters(group()).items_per_page(5).send().await.unwrap();
        assert_eq!(page.total_count, Some(1));
    }

    #[tokio::test]
    async fn an_invalid_parameter_sends_nothing_unless_validation_is_off() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
            .mount(&server)
            .await;
        let strict = Client::builder().base_url(server.uri()).build().unwrap();
        let err = strict.clusters().list_clusters(group()).items_per_page(0).send().await.unwrap_err();
        let Error::Validation(violations) = &err else { panic!("{err}") };
        assert_eq!(violations.0[0].pointer, "/itemsPerPage");
        assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");

        let lenient = Client::builder().base_url(server.uri()).validate(false).build().unwrap();
        lenient.clusters().list_clusters(group()).items_per_page(0).send().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        // Or for one request only.
        strict.clusters().list_clusters(group()).items_per_page(0).validate(false).send().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_path_parameter_with_a_slash_stays_one_segment_in_an_operation() {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/accessList/10.0.0.0%2F24"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        client.project_ip_access_list().delete_access_list_entry(group(), "10.0.0.0/24".into()).send().await.unwrap();
        let err = client.project_ip_access_list().delete_access_list_entry(group(), "..".into()).send().await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
    }

    #[tokio::test]
    async fn path_parameters_go_in_the_paths_order_and_so_do_the_arguments() {
        // The spec lists clientId and secretId before groupId; the path starts with the group.
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/serviceAccounts/mdb_sa_id_1234567890abcdef12345678/secrets/s1"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let sa = "mdb_sa_id_1234567890abcdef12345678".parse().unwrap();
        client.service_accounts().delete_group_secret(group(), sa, "s1".into()).send().await.unwrap();
    }

    #[tokio::test]
    async fn a_whole_params_struct_can_be_passed() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters"))
            .and(wiremock::matchers::query_param("itemsPerPage", "7"))
            .and(wiremock::matchers::query_param("includeCount", "false"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let mut params = atlas_admin::params::ListGroupClustersParams::new(group());
        params.items_per_page = Some(7);
        params.include_count = Some(false);
        let other: ObjectId = "65f0c1f2a1b2c3d4e5f60718".parse().unwrap();
        client.clusters().list_clusters(other).with_params(params).send().await.unwrap();
    }

    #[tokio::test]
    async fn a_gzip_download_comes_back_as_bytes() {
        let server = MockServer::start().await;
        let gzip = vec![0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02];
        Mock::given(method("GET"))
            .and(header("accept", "application/vnd.atlas.2023-02-01+gzip"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(gzip.clone()))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let response = client
            .monitoring_and_logs()
            .download_cluster_log(group(), "host-0.example.net".into(), DownloadGroupClusterLogLogName::Mongodb)
            .send()
            .await
            .unwrap();
        assert_eq!(response.bytes(), gzip);
    }
}

/// Each version of a call names itself in both headers and takes its own success status:
/// `createGroupClusterSearchDeployment` answers 201 at 2024-05-30 and 200 at 2023-01-01
/// (the spec lists them under different statuses; Accept once came from the wrong one).
#[tokio::test]
async fn a_typed_call_names_one_version_in_accept_and_content_type() {
    let server = MockServer::start().await;
    let deployment = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0/search/deployment";
    for (version, status) in [("2024-05-30", 201), ("2023-01-01", 200)] {
        let media = format!("application/vnd.atlas.{version}+json");
        Mock::given(method("POST"))
            .and(path(deployment))
            .and(header("accept", media.as_str()))
            .and(header("content-type", media.as_str()))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"id": "32b6e34b3d91647abb20e7b9", "stateName": "UPDATING"})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let body = || -> atlas_admin::models::ApiSearchDeploymentRequestView {
        serde_json::from_value(json!({"specs": [{"instanceSize": "S20_HIGHCPU_NVME", "nodeCount": 2}]})).unwrap()
    };
    let group = || "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let cluster = || "c0".parse().unwrap();
    let search = client.atlas_search();
    let current = search.create_cluster_search_deployment(group(), cluster(), body()).send().await.unwrap();
    let older = search.create_cluster_search_deployment_v2023_01_01(group(), cluster(), body()).send().await.unwrap();
    for answer in [current, older] {
        assert_eq!(answer.id.as_ref().map(|id| id.as_str()), Some("32b6e34b3d91647abb20e7b9"));
    }
}

/// Creating an X.509 certificate answers 201 with the PEM itself, not the JSON string its
/// media type promises: the call hands back the text either way.
#[tokio::test]
async fn a_string_answer_is_the_text_atlas_sends() {
    let pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCARygAwIBAgIB\n-----END CERTIFICATE-----\n";
    let server = MockServer::start().await;
    let certs = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/databaseUsers/ada/certs";
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let group = || "32b6e34b3d91647abb20e7b8".parse().unwrap();
    for body in [pem.to_string(), serde_json::to_string(pem).unwrap()] {
        let mock = Mock::given(method("POST"))
            .and(path(certs))
            .respond_with(ResponseTemplate::new(201).set_body_raw(body, "application/x-pem-file"))
            .expect(1)
            .mount_as_scoped(&server)
            .await;
        let answer = client.x_509_authentication().create_database_user_cert(group(), "ada".into(), Default::default()).send().await.unwrap();
        assert_eq!(answer, pem);
        drop(mock);
    }
}

/// A server answering GET and `write` (PUT or PATCH) at `at` with `body`, the write
/// expected `writes` times, and a client for it: a read-modify-write's Atlas.
async fn read_write_server(at: &str, write: &str, body: &serde_json::Value, writes: impl Into<wiremock::Times>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(200).set_body_json(body);
    Mock::given(method("GET")).and(path(at)).respond_with(answer.clone()).mount(&server).await;
    Mock::given(method(write)).and(path(at)).respond_with(answer).expect(writes).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

/// The JSON body of the `n`th request `server` received.
async fn body_of_request(server: &MockServer, n: usize) -> serde_json::Value {
    serde_json::from_slice(&server.received_requests().await.unwrap()[n].body).unwrap()
}

/// Atlas sends alert notifications with `intervalMin` of 0 and 1, under the spec's
/// `minimum: 5` (fix #26 lowers it to 0): a configuration read from Atlas goes back as it came,
/// and pre-send validation does not refuse it. A negative interval is still refused.
#[tokio::test]
async fn an_alert_configuration_read_from_atlas_is_sent_back_as_read() {
    let group = "32b6e34b3d91647abb20e7b8";
    let id = "5d1113b25a115342acc2d1aa";
    let config = json!({
        "id": id, "groupId": group, "enabled": true, "eventTypeName": "NO_PRIMARY",
        "notifications": [
            {"typeName": "EMAIL", "emailAddress": "ops@example.com", "intervalMin": 0, "delayMin": 0},
            {"typeName": "GROUP", "intervalMin": 1, "delayMin": 0, "emailEnabled": true, "smsEnabled": false}
        ]
    });
    let (server, client) = read_write_server(&format!("/api/atlas/v2/groups/{group}/alertConfigs/{id}"), "PUT", &config, 1).await;
    let alerts = client.alert_configurations();
    let read = alerts.get_alert_config(group.parse().unwrap(), id.parse().unwrap()).send().await.unwrap();
    alerts.update_alert_config(group.parse().unwrap(), id.parse().unwrap(), read.clone()).send().await.unwrap();
    let sent = body_of_request(&server, 1).await;
    assert_eq!(sent["notifications"][0]["intervalMin"], 0);
    assert_eq!(sent["notifications"][1]["intervalMin"], 1);

    let mut negative = config.clone();
    negative["notifications"][0]["intervalMin"] = json!(-1);
    let negative: atlas_admin::models::GroupAlertsConfig = serde_json::from_value(negative).unwrap();
    let refused = alerts.update_alert_config(group.parse().unwrap(), id.parse().unwrap(), negative).send().await.unwrap_err();
    assert!(refused.to_string().contains("intervalMin"), "{refused}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "a refused request is never sent");
}

/// Atlas never sends a writeOnly property, and leaves out required ones it has no value for.
/// A federated database instance comes back with `cloudProviderConfig.aws` lacking the
/// required writeOnly `testS3Bucket`, and `dataProcessRegion` lacking its required `region`
/// (as recorded from real traffic). Read with the typed GET and sent back through the typed
/// PATCH, it goes as read, and so does the provider config moved into another body. The same
/// config built in code is refused, and never sent.
#[tokio::test]
async fn a_required_property_atlas_left_out_is_sent_back_left_out() {
    use atlas_admin::models::{DataLakeAwsCloudProviderConfig, DataLakeCloudProviderConfig, DataLakeTenant};
    let group = "32b6e34b3d91647abb20e7b8";
    let tenant = json!({
        "name": "federated", "groupId": group, "state": "ACTIVE",
        "cloudProviderConfig": {"aws": {"roleId": "5d1113b25a115342acc2d1aa", "externalId": "e-1",
            "iamAssumedRoleARN": "arn:aws:iam::123456789012:role/atlas-federation"}},
        "dataProcessRegion": {"cloudProvider": "AWS"}
    });
    let (server, client) = read_write_server(&format!("/api/atlas/v2/groups/{group}/dataFederation/federated"), "PATCH", &tenant, 2).await;
    let federation = client.data_federation();
    let read = federation.get_data_federation(group.parse().unwrap(), "federated".into()).send().await.unwrap();
    federation.update_data_federation(group.parse().unwrap(), "federated".into(), false, read.clone()).send().await.unwrap();
    let sent = body_of_request(&server, 1).await;
    assert_eq!(sent["cloudProviderConfig"], tenant["cloudProviderConfig"], "sent back as read: {sent}");
    assert_eq!(sent["dataProcessRegion"], tenant["dataProcessRegion"], "{sent}");

    let moved = DataLakeTenant { name: Some("federated".into()), cloud_provider_config: read.cloud_provider_config.clone(), ..Default::default() };
    federation.update_data_federation(group.parse().unwrap(), "federated".into(), false, moved).send().await.unwrap();

    let built = DataLakeTenant {
        cloud_provider_config: Some(DataLakeCloudProviderConfig {
            aws: Some(DataLakeAwsCloudProviderConfig::new("5d1113b25a115342acc2d1aa".parse().unwrap())),
            ..Default::default()
        }),
        ..Default::default()
    };
    let refused = federation.update_data_federation(group.parse().unwrap(), "federated".into(), false, built).send().await.unwrap_err();
    assert!(refused.to_string().contains("/cloudProviderConfig/aws/testS3Bucket"), "{refused}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "a refused request is never sent");
}

/// The same inside an array, across a union and into another type: an OpenTelemetry log
/// integration comes back with its headers' writeOnly `value`s left out. Its headers, moved
/// into the request type and wrapped in the request union, go back as read.
#[tokio::test]
async fn headers_read_without_their_write_only_values_go_back_in_another_type() {
    use atlas_admin::models::{LogIntegrationRequest, LogIntegrationResponse, OtelLogIntegrationRequest};
    let group = "32b6e34b3d91647abb20e7b8";
    let id = "6652b2f1c6e5a90f3fb2d3a1";
    let integration = json!({
        "id": id, "type": "OTEL_LOG_EXPORT", "logTypes": ["MONGOD"], "otelEndpoint": "https://otel.example.com/v1/logs",
        "otelSuppliedHeaders": [{"name": "X-Api-Key"}, {"name": "X-Tenant"}]
    });
    let (server, client) = read_write_server(&format!("/api/atlas/v2/groups/{group}/logIntegrations/{id}"), "PUT", &integration, 1).await;
    let logs = client.push_based_log_export();
    let LogIntegrationResponse::Otel(read) = logs.get_group_log_integration(group.parse().unwrap(), id.into()).send().await.unwrap() else {
        panic!("an OpenTelemetry integration")
    };
    let request = OtelLogIntegrationRequest::new(read.log_types, read.type_, read.otel_endpoint, read.otel_supplied_headers);
    logs.update_group_log_integration(group.parse().unwrap(), id.into(), LogIntegrationRequest::Otel(request)).send().await.unwrap();
    let sent = body_of_request(&server, 1).await;
    assert_eq!(sent["otelSuppliedHeaders"], integration["otelSuppliedHeaders"], "{sent}");
}

/// Pre-send validation never refuses what Atlas itself sent. A database user comes back with
/// a description over the spec's `maxLength` of 100 and a label whose value is a number (the
/// spec says a string): sent back unchanged, or with other fields changed, it goes; a value
/// changed since, or the same value in an object the caller built, is refused unsent.
#[tokio::test]
async fn what_atlas_sent_is_never_refused_before_sending_it_back() {
    use atlas_admin::models::{CloudDatabaseUser, ComponentLabel};
    use atlas_admin::validation::Rule;
    use atlas_admin::Validate;
    let group = "32b6e34b3d91647abb20e7b8";
    let long = "d".repeat(150);
    let user = json!({
        "username": "ada", "databaseName": "admin", "groupId": group, "description": long,
        "roles": [{"roleName": "readWrite", "databaseName": "app"}],
        "labels": [{"key": "team", "value": 7}]
    });
    let (server, client) = read_write_server(&format!("/api/atlas/v2/groups/{group}/databaseUsers/admin/ada"), "PATCH", &user, ..).await;
    let users = client.database_users();
    let update = |body: CloudDatabaseUser| users.update_database_user(group.parse().unwrap(), "admin".into(), "ada".into(), body).send();
    let sent = || async { server.received_requests().await.unwrap().into_iter().filter(|r| r.method.as_str() == "PATCH").collect::<Vec<_>>() };

    let read = users.get_database_user(group.parse().unwrap(), "admin".into(), "ada".into()).send().await.unwrap();
    // The spec check still sees both.
    let found: Vec<(String, Rule)> = read.validate().unwrap_err().iter().map(|v| (v.pointer.clone(), v.rule.clone())).collect();
    assert_eq!(found, [("/description".to_string(), Rule::MaxLength(100)), ("/labels/0/value".to_string(), Rule::Shape)]);

    // Unchanged: sent as read.
    update(read.clone()).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent().await[0].body).unwrap();
    assert_eq!((body["description"].as_str(), &body["labels"]), (Some(long.as_str()), &json!([{"key": "team", "value": 7}])));

    // Other fields changed, and the label moved to second place: still sent.
    let mut edited = read.clone();
    edited.roles[0].database_name = "other".into();
    edited.labels.as_mut().unwrap().insert(0, ComponentLabel { key: Some("tier".into()), value: Some("gold".into()), ..Default::default() });
    update(edited).await.unwrap();
    assert_eq!(sent().await.len(), 2);

    // The description changed to another value over the limit: refused, unsent.
    let mut longer = read.clone();
    longer.description = Some("e".repeat(150));
    let refused = update(longer).await.unwrap_err();
    assert!(refused.to_string().contains("/description") && !refused.to_string().contains("labels"), "{refused}");
    // The same value in a user the caller built: refused too; it did not come from Atlas.
    let mut built = CloudDatabaseUser { username: "ada".into(), group_id: Some(group.into()), ..Default::default() };
    built.description = Some(long.clone());
    let refused = update(built).await.unwrap_err();
    assert!(refused.to_string().contains("/description"), "{refused}");
    assert_eq!(sent().await.len(), 2, "a refused request is never sent");
}

#[tokio::test]
async fn an_older_version_is_one_name_away_with_its_own_model() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/c0"))
        .and(header("accept", "application/vnd.atlas.2023-01-01+json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "c0", "diskSizeGB": 2.0})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let legacy: atlas_admin::models::LegacyAtlasCluster =
        client.clusters().get_cluster_v2023_01_01(group, "c0".parse().unwrap()).send().await.unwrap();
    assert_eq!(legacy.disk_size_gb, Some(2.0));
}

#[tokio::test]
async fn send_with_response_keeps_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-7")
                .insert_header("RateLimit-Remaining", "99")
                .set_body_json(json!({"results": [], "totalCount": 0})),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let answer = client.clusters().list_clusters(group).send_with_response().await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.request_id().as_deref(), Some("req-7"));
    assert_eq!(answer.headers.get("ratelimit-remaining").unwrap(), "99");
    assert_eq!(answer.value.total_count, Some(0));
}

#[tokio::test]
async fn creating_a_scram_user_without_a_password_sends_nothing() {
    use atlas_admin::models::{CloudDatabaseUser, CloudDatabaseUserDatabaseName, DatabaseUserRole};
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(json!({}))).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let group: atlas_admin::models::ObjectId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let mut user = CloudDatabaseUser::new(
        CloudDatabaseUserDatabaseName::Admin,
        vec![DatabaseUserRole::new("admin".into(), "read".into())],
        "app".into(),
    );
    user.group_id = Some(group.to_string());
    let err = client.database_users().create_database_user(group.clone(), user.clone()).send().await.unwrap_err();
    let Error::Validation(violations) = &err else { panic!("{err}") };
    assert_eq!(violations.0[0].pointer, "/password");
    assert!(server.received_requests().await.unwrap().is_empty());
    user.password = Some("correct horse battery staple".into());
    client.database_users().create_database_user(group, user).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A digest front door that checks the answer like a real server: the username, realm,
/// nonce, URI, method and `qop`, and the response hash (RFC 7616) over the password it
/// knows, in MD5 or SHA-256. After `rotate_after` good answers it issues a new nonce, and
/// an answer with the old one gets `stale=true`.
struct VerifyingDigest {
    algorithm: &'static str,
    password: &'static str,
    rotate_after: usize,
    good: AtomicUsize,
}

fn digest_params(header: &str) -> std::collections::HashMap<String, String> {
    let mut params = std::collections::HashMap::new();
    let mut rest = header.trim_start_matches("Digest ").trim();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().trim_start_matches(',').trim().to_string();
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"').unwrap_or(quoted.len());
                (quoted[..end].to_string(), quoted.get(end + 1..).unwrap_or(""))
            }
            None => {
                let end = after.find(',').unwrap_or(after.len());
                (after[..end].trim().to_string(), &after[end..])
            }
        };
        params.insert(key, value);
        rest = next.trim_start_matches(',').trim();
    }
    params
}

impl VerifyingDigest {
    fn new(algorithm: &'static str, password: &'static str, rotate_after: usize) -> Self {
        VerifyingDigest { algorithm, password, rotate_after, good: AtomicUsize::new(0) }
    }

    fn hash(&self, text: &str) -> String {
        use sha2::Digest;
        match self.algorithm {
            "SHA-256" => format!("{:x}", sha2::Sha256::digest(text.as_bytes())),
            _ => format!("{:x}", md5::Md5::digest(text.as_bytes())),
        }
    }

    fn nonce(&self) -> String {
        format!("nonce-{}", self.good.load(Ordering::SeqCst) / self.rotate_after)
    }

    fn challenge(&self, stale: bool) -> ResponseTemplate {
        let header = format!(r#"Digest realm="MMS Public API", domain="", nonce="{}", algorithm={}, qop="auth", stale={stale}"#, self.nonce(), self.algorithm);
        ResponseTemplate::new(401).insert_header("WWW-Authenticate", header.as_str())
    }
}

impl Respond for VerifyingDigest {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Some(header) = request.headers.get("authorization").and_then(|h| h.to_str().ok()) else { return self.challenge(false) };
        let p = digest_params(header);
        let get = |k: &str| p.get(k).cloned().unwrap_or_default();
        let uri = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_string(),
        };
        if get("username") != "pub" || get("realm") != "MMS Public API" || get("uri") != uri || get("qop") != "auth" {
            return ResponseTemplate::new(401);
        }
        if get("nonce") != self.nonce() {
            return self.challenge(true);
        }
        let ha1 = self.hash(&format!("pub:MMS Public API:{}", self.password));
        let ha2 = self.hash(&format!("{}:{uri}", request.method));
        let expected = self.hash(&format!("{ha1}:{}:{}:{}:auth:{ha2}", get("nonce"), get("nc"), get("cnonce")));
        if get("response") != expected {
            return ResponseTemplate::new(401);
        }
        self.good.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(json!({"results": [], "totalCount": 0}))
    }
}

#[tokio::test]
async fn the_digest_answer_is_the_right_hash_in_md5_and_sha_256_and_a_wrong_key_is_refused() {
    for algorithm in ["MD5", "SHA-256"] {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(VerifyingDigest::new(algorithm, "priv", 100)).mount(&server).await;
        let right = Client::builder().base_url(server.uri()).api_key("pub", "priv").build().unwrap();
        for query in ["", "?pageNum=2&itemsPerPage=5"] {
            let response = right.request(Method::GET, &format!("/api/atlas/v2/groups{query}")).send().await;
            assert_eq!(response.map(|r| r.status()).map_err(|e| e.to_string()), Ok(200), "{algorithm} {query}");
        }
        let wrong = Client::builder().base_url(server.uri()).api_key("pub", "not-priv").build().unwrap();
        let error = wrong.request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap_err();
        assert_eq!(error.status(), Some(401), "{algorithm}: a wrong private key must not pass");
    }
}

#[tokio::test]
async fn a_stale_nonce_is_challenged_again_and_answered_with_the_new_one() {
    let server = MockServer::start().await;
    // A new nonce after each good answer: every call after the first meets `stale=true`.
    Mock::given(method("GET")).respond_with(VerifyingDigest::new("MD5", "priv", 1)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).api_key("pub", "priv").build().unwrap();
    for _ in 0..3 {
        assert_eq!(client.request(Method::GET, "/api/atlas/v2/groups").send().await.unwrap().status(), 200);
    }
    let requests = server.received_requests().await.unwrap();
    // Challenge and answer, then for each later call: the stale answer and the new one.
    assert_eq!(requests.len(), 6);
    let nonce = |i: usize| digest_params(requests[i].headers.get("authorization").unwrap().to_str().unwrap())["nonce"].clone();
    assert_eq!([nonce(1), nonce(2), nonce(3), nonce(4), nonce(5)], ["nonce-0", "nonce-0", "nonce-1", "nonce-1", "nonce-2"]);
}

/// An operation written by hand (the trait is public, for an endpoint this version of the
/// crate does not know): with no parameters, the default `target` still puts its path in place.
struct Ping;

impl atlas_admin::request::Operation for Ping {
    const ID: &'static str = "ping";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/api/atlas/v2/ping";
    const ACCEPT: &'static str = "application/vnd.atlas.2023-01-01+json";
    const CONTENT_TYPE: &'static str = "application/vnd.atlas.2023-01-01+json";
    type Params = atlas_admin::request::NoParams;
    type Body = atlas_admin::request::NoBody;
    type Answer = atlas_admin::request::Empty;
}

#[tokio::test]
async fn a_hand_written_operation_without_parameters_goes_to_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/atlas/v2/ping"))
        .and(header("accept", "application/vnd.atlas.2023-01-01+json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    atlas_admin::Request::<Ping>::new(&client, atlas_admin::request::NoParams, None).send().await.unwrap();
}

/// A request shows what it carries (for logs and test failures) and hands it back.
#[test]
fn a_request_shows_and_hands_back_its_parameters_and_body() {
    let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let group: atlas_admin::models::ObjectId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let user: atlas_admin::models::CloudDatabaseUser =
        serde_json::from_value(json!({"username": "app", "databaseName": "admin", "groupId": "32b6e34b3d91647abb20e7b8"})).unwrap();
    let request = client.database_users().create_database_user(group.clone(), user.clone());
    assert_eq!(request.body_ref(), Some(&user));
    assert_eq!(request.params().group_id, group);
    let shown = format!("{request:?}");
    for part in ["Request", "createGroupDatabaseUser", "32b6e34b3d91647abb20e7b8", "\"app\""] {
        assert!(shown.contains(part), "{part} not in {shown}");
    }
    let listed = client.clusters().list_clusters(group);
    assert_eq!(listed.body_ref(), None);
}

/// What a response carries besides its body, raw and typed: the request id for support,
/// the rate-limit headers, any header, the bytes as sent.
#[tokio::test]
async fn a_response_hands_over_its_request_id_rate_limits_headers_and_bytes() {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(200)
        .insert_header("X-Request-Id", "req-7")
        .insert_header("RateLimit-Limit", "100")
        .insert_header("RateLimit-Remaining", "42")
        .insert_header("X-Other", "o")
        .set_body_raw(r#"{"results": [], "totalCount": 0}"#, "application/json");
    Mock::given(method("GET")).and(path("/api/atlas/v2/groups")).respond_with(answer).mount(&server).await;
    Mock::given(method("GET")).and(path("/api/atlas/v2/orgs")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []}))).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();

    let raw = client.request(Method::GET, "/api/atlas/v2/groups").api_version("2023-01-01").send().await.unwrap();
    assert_eq!(raw.request_id().as_deref(), Some("req-7"));
    let limits = raw.rate_limit();
    assert_eq!((limits.limit, limits.remaining, limits.retry_after), (Some(100), Some(42), None));
    assert!(!limits.is_empty());
    assert_eq!(raw.header("x-other").map(|v| v.to_str().unwrap()), Some("o"));
    assert_eq!(raw.header("x-absent"), None);
    assert_eq!(raw.clone().into_bytes(), br#"{"results": [], "totalCount": 0}"#.to_vec());
    assert_eq!(raw.bytes(), br#"{"results": [], "totalCount": 0}"#);

    let typed = client.projects().list_groups().send_with_response().await.unwrap();
    assert_eq!(typed.request_id().as_deref(), Some("req-7"));
    assert_eq!(typed.rate_limit(), limits);
    // Without any of the headers: nothing to report.
    let bare = client.request(Method::GET, "/api/atlas/v2/orgs").api_version("2023-01-01").send().await.unwrap();
    assert_eq!(bare.request_id(), None);
    assert!(bare.rate_limit().is_empty());
}

/// The default body limit is 64 MiB, to the byte: a body of exactly 64 MiB is taken whole,
/// one byte more is refused as too large, naming the limit. (A page of a few MiB could not
/// tell 64 MiB from 4 MiB.)
#[tokio::test]
async fn the_default_body_limit_is_64_mib_to_the_byte() {
    const LIMIT: usize = 64 * 1024 * 1024;
    let server = MockServer::start().await;
    for (route, size) in [("/api/atlas/v2/exact", LIMIT), ("/api/atlas/v2/over", LIMIT + 1)] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b'x'; size], "application/octet-stream"))
            .mount(&server)
            .await;
    }
    let client = Client::builder().base_url(server.uri()).retry(atlas_admin::RetryPolicy::none()).build().unwrap();
    let response = client.request(Method::GET, "/api/atlas/v2/exact").send().await.unwrap();
    assert_eq!(response.bytes().len(), LIMIT);
    drop(response);
    match client.request(Method::GET, "/api/atlas/v2/over").send().await {
        Err(Error::TooLarge { status: 200, limit }) => assert_eq!(limit, LIMIT as u64),
        other => panic!("one byte over the default limit was not refused: {:?}", other.map(|r| r.bytes().len())),
    }
    assert_eq!(atlas_admin::DEFAULT_MAX_BODY_BYTES, LIMIT as u64, "the documented default");
}

/// A token endpoint that answers without end is cut off: the client reads at most 64 KiB of
/// a token answer, and says so.
#[tokio::test]
async fn an_oversized_token_answer_is_refused_not_buffered() {
    let server = MockServer::start().await;
    let huge = format!(r#"{{"access_token": "{}", "expires_in": 3600}}"#, "t".repeat(1024 * 1024));
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .mount(&server)
        .await;
    let err = service_account(&server).request(Method::GET, "/api/atlas/v2").send().await.unwrap_err();
    match err {
        Error::Auth(message) => assert!(message.contains("over 65536 bytes"), "{message}"),
        other => panic!("{other:?}"),
    }
    // A token of ordinary size is taken.
    let ordinary = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/oauth/token")).respond_with(token("t1", 3600)).mount(&ordinary).await;
    ok_with_bearer(&ordinary, "t1").await;
    service_account(&ordinary).request(Method::GET, "/api/atlas/v2").send().await.unwrap();
}
