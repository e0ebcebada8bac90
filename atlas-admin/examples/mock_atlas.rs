//! Code that uses the client, run against `MockAtlas` instead of Atlas: how a downstream
//! crate tests itself (the crate `tests/downstream` does the same as real tests).
//!
//! `cargo run -p atlas-admin --example mock_atlas --features testing`

use atlas_admin::apis::clusters::ListClusters;
use atlas_admin::models::{ClusterDescription20240805, ObjectId, PaginatedClusterDescription20240805};
use atlas_admin::testing::MockAtlas;
use atlas_admin::{Client, Error};

/// The code under test: the names of a project's clusters that are not IDLE.
async fn busy_clusters(client: &Client, project: ObjectId) -> Result<Vec<String>, Error> {
    let clusters = client.clusters().list_clusters(project).collect_all().await?;
    Ok(clusters.into_iter().filter(|c| c.state_name.as_ref().is_none_or(|s| s.as_str() != "IDLE")).filter_map(|c| c.name.map(String::from)).collect())
}

fn cluster(name: &str, state: &str) -> ClusterDescription20240805 {
    ClusterDescription20240805 { name: Some(name.parse().unwrap()), state_name: Some(state.into()), ..Default::default() }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let project: ObjectId = "32b6e34b3d91647abb20e7b8".parse()?;
    let atlas = MockAtlas::start().await;
    let page = PaginatedClusterDescription20240805 { results: Some(vec![cluster("a", "IDLE"), cluster("b", "UPDATING")]), total_count: Some(2), ..Default::default() };
    // Rate-limited once, then the page: the client waits out Retry-After by itself.
    atlas.on(ListClusters).path(&[&project]).rate_limited(1).respond(page).times(2);
    let busy = busy_clusters(&atlas.client(), project.clone()).await?;
    assert_eq!(busy, ["b"]);
    println!("busy clusters: {busy:?}");

    // An operation nothing expected: the code sees an error, and verify names the operation.
    atlas.verify();
    let missing = atlas.client().clusters().get_cluster(project, "c".parse()?).send().await;
    println!("unexpected call answered {:?}", missing.err().and_then(|e| e.status()));
    let unmet = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| atlas.verify()));
    println!("verify after it: {}", if unmet.is_err() { "failed, naming getGroupCluster" } else { "passed" });
    Ok(())
}
