//! One operation at the version the crate is generated for, and at an older one.
//!
//! `getGroupCluster` exists in three versions (2023-01-01, 2023-02-01, 2024-08-05), each with
//! its own schema. The typed method sends the newest; an older one stays reachable through
//! the raw request, decoded into that version's model.
//!
//! `cargo run -p atlas-admin --example versions -- CLUSTER`

use atlas_admin::models::{ClusterDescription20240805, LegacyAtlasCluster};
use atlas_admin::Method;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster: atlas_admin::models::ResourceName = std::env::args().nth(1).ok_or("usage: versions CLUSTER")?.parse()?;
    let client = atlas_admin::Client::from_env()?;
    let project: atlas_admin::models::ObjectId = std::env::var("MONGODB_ATLAS_PROJECT_ID")?.parse()?;

    let current: ClusterDescription20240805 = client.clusters().get_cluster(project.clone(), cluster.clone()).send().await?;
    println!("2024-08-05: {} replication specs", current.replication_specs.map_or(0, |s| s.len()));

    let path = format!(
        "/api/atlas/v2/groups/{}/clusters/{}",
        atlas_admin::path_segment(project.as_str())?,
        atlas_admin::path_segment(cluster.as_str())?
    );
    let legacy: LegacyAtlasCluster = client.request(Method::GET, &path).api_version("2023-01-01").send().await?.json()?;
    println!("2023-01-01: {} disk GB", legacy.disk_size_gb.unwrap_or_default());
    Ok(())
}
