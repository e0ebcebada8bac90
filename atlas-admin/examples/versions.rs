//! One operation at the version the crate is generated for, and at an older one.
//!
//! `getGroupCluster` exists in three versions (2023-01-01, 2023-02-01, 2024-08-05), each with
//! its own schema. The plain method sends the newest; every other version is one name away,
//! with its own typed model.
//!
//! `cargo run -p atlas-admin --example versions -- CLUSTER`

use atlas_admin::models::{ClusterDescription20240805, LegacyAtlasCluster, ObjectId, ResourceName};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cluster: ResourceName = std::env::args().nth(1).ok_or("usage: versions CLUSTER")?.parse()?;
    let client = atlas_admin::Client::from_env()?;
    let project: ObjectId = std::env::var("MONGODB_ATLAS_PROJECT_ID")?.parse()?;

    let current: ClusterDescription20240805 = client.clusters().get_cluster(project.clone(), cluster.clone()).send().await?;
    println!("2024-08-05: {} replication specs", current.replication_specs.map_or(0, |s| s.len()));

    let legacy: LegacyAtlasCluster = client.clusters().get_cluster_v2023_01_01(project, cluster).send().await?;
    println!("2023-01-01: {} disk GB", legacy.disk_size_gb.unwrap_or_default());
    Ok(())
}
