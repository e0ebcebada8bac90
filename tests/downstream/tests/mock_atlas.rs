//! The platform crate's tests, on `MockAtlas`: each capability of `atlas_admin::testing` as a
//! downstream crate uses it, with only the `testing` feature (and its two tags) on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use atlas_admin::apis::clusters::{CreateCluster, DeleteCluster, GetCluster, GetClusterV20230201, ListClusters};
use atlas_admin::apis::database_users::{GetDatabaseUser, UpdateDatabaseUser};
use atlas_admin::apis::x_509_authentication::CreateDatabaseUserCert;
use atlas_admin::models::{ClusterDescription20240805, CloudDatabaseUser, ObjectId, PaginatedClusterDescription20240805, ResourceName};
use atlas_admin::testing::MockAtlas;
use atlas_admin::Error;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

fn group() -> ObjectId {
    GROUP.parse().unwrap()
}

fn name(text: &str) -> ResourceName {
    text.parse().unwrap()
}

fn cluster(text: &str) -> ClusterDescription20240805 {
    ClusterDescription20240805 { name: Some(name(text)), ..Default::default() }
}

fn page(names: &[&str], total: usize) -> PaginatedClusterDescription20240805 {
    PaginatedClusterDescription20240805 { results: Some(names.iter().map(|n| cluster(n)).collect()), total_count: Some(total as i32), ..Default::default() }
}

/// What `verify` panicked with.
fn verify_failure(atlas: &MockAtlas) -> String {
    let panic = catch_unwind(AssertUnwindSafe(|| atlas.verify())).expect_err("verify must fail");
    panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
}

#[tokio::test]
async fn typed_pages_served_across_calls() {
    let atlas = MockAtlas::start().await;
    atlas.on(ListClusters).path(&[&GROUP]).respond(page(&["a", "b"], 3)).respond(page(&["c"], 3)).times(2);
    let names = downstream::cluster_names(&atlas.client(), group()).await.unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    atlas.verify();
}

#[tokio::test]
async fn a_missing_cluster_is_created_from_the_template_and_the_body_sent_is_typed() {
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).respond_error(404, "CLUSTER_NOT_FOUND").respond(ClusterDescription20240805 { state_name: Some("IDLE".into()), ..cluster("c0") });
    atlas.on(CreateCluster).respond(cluster("c0")).status(201).times(1);
    let template = ClusterDescription20240805 { cluster_type: Some("REPLICASET".into()), ..Default::default() };
    let ready = downstream::ensure_cluster(&atlas.client(), group(), name("c0"), template, Duration::from_millis(1)).await.unwrap();
    assert_eq!(ready.state_name, Some("IDLE".into()));
    let sent = atlas.requests(CreateCluster);
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].name.as_ref().map(|n| n.to_string()), sent[0].cluster_type.as_ref().map(|t| t.to_string())), (Some("c0".into()), Some("REPLICASET".into())));
    assert_eq!(atlas.calls(GetCluster), 2, "the 404, then the waiter's read");
    atlas.verify();
}

#[tokio::test]
async fn an_atlas_error_reaches_the_caller_with_its_code() {
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).respond_error(403, "ORG_REQUIRES_ACCESS_LIST");
    let error = downstream::ensure_cluster(&atlas.client(), group(), name("c0"), Default::default(), Duration::from_millis(1)).await.unwrap_err();
    match &error {
        Error::Api { status, body, .. } => assert_eq!((*status, body.error_code.as_deref()), (403, Some("ORG_REQUIRES_ACCESS_LIST"))),
        other => panic!("{other:?}"),
    }
    atlas.verify();
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_retry_after_says() {
    let atlas = MockAtlas::start().await;
    atlas.on(ListClusters).rate_limited(1).respond(page(&["a"], 1)).times(2);
    let started = Instant::now();
    let names = downstream::cluster_names(&atlas.client(), group()).await.unwrap();
    assert_eq!(names, ["a"]);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was not waited for");
    atlas.verify();
}

#[tokio::test]
async fn a_slow_answer_meets_the_callers_timeout() {
    let atlas = MockAtlas::start().await;
    atlas.on(ListClusters).respond(page(&[], 0)).delay(Duration::from_secs(5));
    let client = atlas.client_builder().timeout(Duration::from_millis(200)).retry(atlas_admin::RetryPolicy::none()).build().unwrap();
    match downstream::cluster_names(&client, group()).await {
        Err(Error::Transport(e)) => assert!(e.is_timeout(), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_unmet_expectation_fails_verify_naming_the_operation() {
    let atlas = MockAtlas::start().await;
    atlas.on(DeleteCluster).status(202).times(1);
    let message = verify_failure(&atlas);
    assert!(message.contains("deleteGroupCluster (DeleteCluster) 1 time(s), called 0"), "{message}");
}

#[tokio::test]
async fn an_unexpected_request_fails_verify_naming_what_it_would_have_been() {
    let atlas = MockAtlas::start().await;
    let error = downstream::cluster_names(&atlas.client(), group()).await.unwrap_err();
    assert_eq!(error.status(), Some(501), "the code under test sees an error at once");
    let message = verify_failure(&atlas);
    assert!(message.contains(&format!("unexpected request GET /api/atlas/v2/groups/{GROUP}/clusters")), "{message}");
    assert!(message.contains("the operation listGroupClusters (tag Clusters)"), "{message}");
}

#[tokio::test]
async fn a_call_at_another_version_is_not_the_expected_one() {
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).respond(cluster("c0"));
    let old = atlas.client().clusters().get_cluster_v2023_02_01(group(), name("c0")).send().await;
    assert_eq!(old.unwrap_err().status(), Some(501));
    let message = verify_failure(&atlas);
    // The hint names the operation and, the version being one it has, says nothing of versions.
    let hint = "(Accept: application/vnd.atlas.2023-02-01+json): the operation getGroupCluster (tag Clusters), expected by no `on(..)`";
    assert!(message.contains(hint), "{message}");
    assert!(!message.contains("has no version"), "{message}");
}

#[tokio::test]
async fn a_version_the_operation_does_not_have_is_named_with_the_ones_it_has() {
    let atlas = MockAtlas::start().await;
    let answer = reqwest::Client::new()
        .get(format!("{}/api/atlas/v2/groups/{GROUP}/clusters/c0", atlas.uri()))
        .header("accept", "application/vnd.atlas.2099-01-01+json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 501);
    let message = verify_failure(&atlas);
    assert!(message.contains("the operation getGroupCluster (tag Clusters), expected by no `on(..)`; it has no version \"application/vnd.atlas.2099-01-01+json\""), "{message}");
    assert!(message.contains("\"application/vnd.atlas.2024-08-05+json\""), "the versions it has are listed: {message}");
}

#[tokio::test]
async fn the_last_answer_repeats() {
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).respond(cluster("first")).respond(cluster("second"));
    let client = atlas.client();
    let clusters = client.clusters();
    let mut names = Vec::new();
    for _ in 0..4 {
        let got = clusters.get_cluster(group(), name("c0")).send().await.unwrap();
        names.push(got.name.unwrap().to_string());
    }
    assert_eq!(names, ["first", "second", "second", "second"]);
    assert_eq!(atlas.calls(GetCluster), 4);
    atlas.verify();
}

#[tokio::test]
async fn path_values_narrow_an_expectation() {
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).path(&[&GROUP, &"c0"]).respond(cluster("c0"));
    let client = atlas.client();
    let clusters = client.clusters();
    assert_eq!(clusters.get_cluster(group(), name("c0")).send().await.unwrap().name, Some(name("c0")));
    let other = clusters.get_cluster(group(), name("c1")).send().await.unwrap_err();
    assert_eq!(other.status(), Some(501));
    let message = verify_failure(&atlas);
    assert!(message.contains(&format!("unexpected request GET /api/atlas/v2/groups/{GROUP}/clusters/c1 ")), "{message}");
    assert!(!message.contains("clusters/c0 "), "{message}");
}

#[tokio::test]
async fn query_values_narrow_an_expectation_so_pages_are_told_apart() {
    let atlas = MockAtlas::start().await;
    // The second page's expectation first: the first call (no pageNum) must not take it.
    atlas.on(ListClusters).query("pageNum", 2).query("itemsPerPage", 2).respond(page(&["c"], 3)).times(1);
    atlas.on(ListClusters).query("itemsPerPage", 2).respond(page(&["a", "b"], 3)).times(1);
    assert_eq!(downstream::cluster_names(&atlas.client(), group()).await.unwrap(), ["a", "b", "c"]);
    atlas.verify();

    let atlas = MockAtlas::start().await;
    atlas.on(ListClusters).query("pageNum", 5).respond(page(&[], 0));
    let error = atlas.client().clusters().list_clusters(group()).page_num(3).send().await.unwrap_err();
    assert_eq!(error.status(), Some(501));
    let message = verify_failure(&atlas);
    assert!(message.contains(&format!("unexpected request GET /api/atlas/v2/groups/{GROUP}/clusters?pageNum=3")), "the query is shown: {message}");
}

#[tokio::test]
async fn status_sets_the_last_answers_status() {
    let atlas = MockAtlas::start().await;
    atlas.on(CreateCluster).respond(cluster("c0")).status(201).times(1);
    let answer = atlas.client().clusters().create_cluster(group(), cluster("c0")).send_with_response().await.unwrap();
    assert_eq!(answer.status, 201);
    atlas.verify();
}

#[tokio::test]
async fn a_call_beyond_times_is_unexpected_and_answered_501() {
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).respond(cluster("c0")).times(1);
    let client = atlas.client();
    let clusters = client.clusters();
    clusters.get_cluster(group(), name("c0")).send().await.unwrap();
    let again = clusters.get_cluster(group(), name("c0")).send().await.unwrap_err();
    assert_eq!(again.status(), Some(501));
    assert_eq!(atlas.calls(GetCluster), 1, "the second call was not the expectation's");
    let message = verify_failure(&atlas);
    assert!(message.contains(&format!("unexpected request GET /api/atlas/v2/groups/{GROUP}/clusters/c0")), "{message}");
}

#[tokio::test]
async fn a_mock_dropped_unverified_verifies_itself() {
    let atlas = MockAtlas::start().await;
    atlas.on(DeleteCluster).status(202).times(1);
    let panic = catch_unwind(AssertUnwindSafe(|| drop(atlas))).expect_err("dropping an unmet expectation must fail the test");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("deleteGroupCluster (DeleteCluster) 1 time(s), called 0"), "{message}");

    // Verified once, a mock drops quietly.
    let atlas = MockAtlas::start().await;
    atlas.on(GetCluster).respond(cluster("c0"));
    atlas.verify();
    drop(atlas);
}

#[tokio::test]
async fn the_cluster_fake_merges_an_update_and_reports_updating_then_deleting() {
    let atlas = MockAtlas::start().await;
    atlas.fake_clusters(1);
    let client = atlas.client();
    let clusters = client.clusters();
    let state = |c: &ClusterDescription20240805| c.state_name.as_ref().map(|s| s.to_string()).unwrap_or_default();
    clusters.create_cluster(group(), ClusterDescription20240805 { paused: Some(false), ..cluster("c1") }).send().await.unwrap();
    let reads = [clusters.get_cluster(group(), name("c1")).send().await.unwrap(), clusters.get_cluster(group(), name("c1")).send().await.unwrap()];
    assert_eq!(reads.iter().map(state).collect::<Vec<_>>(), ["CREATING", "IDLE"]);

    let updated = clusters.update_cluster(group(), name("c1"), ClusterDescription20240805 { paused: Some(true), ..Default::default() }).send().await.unwrap();
    assert_eq!((state(&updated), updated.paused, updated.name.clone()), ("UPDATING".to_string(), Some(true), Some(name("c1"))), "merged, not replaced");
    let reads = [clusters.get_cluster(group(), name("c1")).send().await.unwrap(), clusters.get_cluster(group(), name("c1")).send().await.unwrap()];
    assert_eq!(reads.iter().map(state).collect::<Vec<_>>(), ["UPDATING", "IDLE"]);
    assert_eq!(reads[1].paused, Some(true));

    clusters.delete_cluster(group(), name("c1")).send().await.unwrap();
    let deleting = clusters.get_cluster(group(), name("c1")).send().await.unwrap();
    assert_eq!(state(&deleting), "DELETING");
    let gone = clusters.get_cluster(group(), name("c1")).send().await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    atlas.verify();
}

#[tokio::test]
async fn the_cluster_fake_goes_through_its_states_for_the_waiters() {
    let atlas = MockAtlas::start().await;
    atlas.fake_clusters(2);
    let client = atlas.client();
    let poll = Duration::from_millis(1);
    let mut seen = Vec::new();
    let created = client.clusters().create_cluster(group(), cluster("c1")).send().await.unwrap();
    assert_eq!(created.state_name, Some("CREATING".into()));
    let idle = client.clusters().wait_until_idle(group(), name("c1")).interval(poll).on_poll(|s| seen.push(s.to_string())).await.unwrap();
    assert_eq!(idle.state_name, Some("IDLE".into()));
    assert!(seen.iter().filter(|s| s.contains("CREATING")).count() >= 2, "{seen:?}");
    assert_eq!(downstream::cluster_names(&client, group()).await.unwrap(), ["c1"]);
    downstream::retire_cluster(&client, group(), name("c1"), poll).await.unwrap();
    let gone = client.clusters().get_cluster(group(), name("c1")).send().await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    atlas.verify();
}

#[tokio::test]
async fn the_database_user_fake_keeps_users_and_never_answers_a_password() {
    let atlas = MockAtlas::start().await;
    atlas.fake_database_users();
    let client = atlas.client();
    let users = client.database_users();
    let ada = CloudDatabaseUser { username: "ada".into(), database_name: "admin".into(), group_id: Some(GROUP.into()), password: Some("first-secret".into()), ..Default::default() };
    let created = users.create_database_user(group(), ada).send().await.unwrap();
    assert_eq!((created.username.as_str(), created.password.as_deref()), ("ada", None));
    let rotated = downstream::rotate_password(&client, group(), "ada", "second-secret").await.unwrap();
    assert_eq!((rotated.username.as_str(), rotated.password.as_deref()), ("ada", None));
    let listed = users.list_database_users(group()).send().await.unwrap();
    assert_eq!(listed.results.unwrap_or_default().len(), 1);
    users.delete_database_user(group(), "admin".into(), "ada".into()).send().await.unwrap();
    let gone = users.get_database_user(group(), "admin".into(), "ada".into()).send().await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    atlas.verify();
}

#[tokio::test]
async fn expectations_come_before_the_fakes_and_see_the_typed_body() {
    let atlas = MockAtlas::start().await;
    atlas.fake_database_users();
    let ada = CloudDatabaseUser { username: "ada".into(), database_name: "admin".into(), group_id: Some(GROUP.into()), ..Default::default() };
    atlas.on(GetDatabaseUser).respond(ada);
    atlas.on(UpdateDatabaseUser).respond(CloudDatabaseUser { username: "ada".into(), ..Default::default() }).times(1);
    downstream::rotate_password(&atlas.client(), group(), "ada", "second-secret").await.unwrap();
    let sent = atlas.requests(UpdateDatabaseUser);
    assert_eq!(sent[0].password.as_deref(), Some("second-secret"));
    atlas.verify();
}

#[tokio::test]
async fn a_mock_shows_its_address() {
    let atlas = MockAtlas::start().await;
    assert_eq!(format!("{atlas:?}"), format!("MockAtlas {{ uri: {:?}, .. }}", atlas.uri()));
    atlas.verify();
}

#[tokio::test]
async fn calls_count_only_their_operation_at_their_version() {
    let atlas = MockAtlas::start().await;
    // The same method and version (list and get), and the same operation at another version.
    atlas.on(ListClusters).respond(page(&["a"], 1));
    atlas.on(GetCluster).respond(cluster("c0"));
    atlas.on(GetClusterV20230201).respond(Default::default());
    let client = atlas.client();
    let clusters = client.clusters();
    for _ in 0..2 {
        clusters.list_clusters(group()).send().await.unwrap();
    }
    clusters.get_cluster(group(), name("c0")).send().await.unwrap();
    for _ in 0..3 {
        clusters.get_cluster_v2023_02_01(group(), name("c0")).send().await.unwrap();
    }
    assert_eq!((atlas.calls(ListClusters), atlas.calls(GetCluster), atlas.calls(GetClusterV20230201)), (2, 1, 3));
    atlas.verify();
}

#[tokio::test]
async fn a_text_answer_is_the_text_and_an_empty_one_has_no_body() {
    let atlas = MockAtlas::start().await;
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".to_string();
    atlas.on(CreateDatabaseUserCert).respond(pem.clone());
    atlas.on(DeleteCluster).respond(()).status(202);
    let got = atlas.client().x_509_authentication().create_database_user_cert(group(), "ada".into(), Default::default()).send().await.unwrap();
    assert_eq!(got, pem);
    let deleted = reqwest::Client::new()
        .delete(format!("{}/api/atlas/v2/groups/{GROUP}/clusters/c0", atlas.uri()))
        .header("accept", <DeleteCluster as atlas_admin::request::Operation>::ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 202);
    assert!(deleted.headers().get("content-type").is_none(), "{:?}", deleted.headers());
    assert!(deleted.bytes().await.unwrap().is_empty());
    atlas.verify();
}

#[tokio::test]
async fn each_fake_answers_only_its_own_collection() {
    let atlas = MockAtlas::start().await;
    atlas.fake_clusters(0);
    let users = atlas.client().database_users().list_database_users(group()).send().await.unwrap_err();
    assert_eq!(users.status(), Some(501), "the cluster fake does not answer for database users");
    let message = verify_failure(&atlas);
    assert!(message.contains("the operation listGroupDatabaseUsers"), "{message}");

    let atlas = MockAtlas::start().await;
    atlas.fake_database_users();
    let clusters = atlas.client().clusters().list_clusters(group()).send().await.unwrap_err();
    assert_eq!(clusters.status(), Some(501), "the user fake does not answer for clusters");
    let message = verify_failure(&atlas);
    assert!(message.contains("the operation listGroupClusters"), "{message}");
}

#[tokio::test]
async fn the_cluster_fake_answers_a_cluster_not_what_is_below_it() {
    let atlas = MockAtlas::start().await;
    atlas.fake_clusters(0);
    let client = atlas.client();
    client.clusters().create_cluster(group(), cluster("c1")).send().await.unwrap();
    let status = client.clusters().get_cluster_status(group(), name("c1")).send().await.unwrap_err();
    assert_eq!(status.status(), Some(501), "a cluster's status is no cluster");
    let message = verify_failure(&atlas);
    assert!(message.contains("the operation getGroupClusterStatus"), "{message}");
}

#[tokio::test]
async fn an_unexpected_path_is_named_by_the_operation_whose_literal_segments_fit() {
    let atlas = MockAtlas::start().await;
    // `databaseUsers/ada/certs` also fits `databaseUsers/{databaseName}/{username}`.
    let answer = reqwest::Client::new()
        .get(format!("{}/api/atlas/v2/groups/{GROUP}/databaseUsers/ada/certs", atlas.uri()))
        .header("accept", "application/vnd.atlas.2023-01-01+json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 501);
    let message = verify_failure(&atlas);
    assert!(message.contains("the operation listGroupDatabaseUserCerts (tag X.509 Authentication)"), "{message}");
}
