//! Creates an M10 cluster named `NAME` in the project `MONGODB_ATLAS_PROJECT_ID` and waits
//! until it is `IDLE`, with a progress line per poll.
//!
//! `MONGODB_ATLAS_PROJECT_ID=... cargo run -p atlas-admin --example wait_cluster -- NAME`,
//! with the credentials `Client::from_env` reads (a service account or an API key).

use std::time::{Duration, Instant};

use atlas_admin::models::ClusterDescription20240805;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).ok_or("usage: wait_cluster NAME")?;
    let client = atlas_admin::Client::from_env()?;
    let project: atlas_admin::models::ObjectId = std::env::var("MONGODB_ATLAS_PROJECT_ID")?.parse()?;

    // A three-node M10 replica set on AWS; validated against the spec before it is sent.
    let cluster: ClusterDescription20240805 = serde_json::from_value(serde_json::json!({
        "name": name,
        "clusterType": "REPLICASET",
        "replicationSpecs": [{
            "regionConfigs": [{
                "providerName": "AWS",
                "regionName": "US_EAST_1",
                "priority": 7,
                "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}
            }]
        }]
    }))?;
    let created = client.clusters().create_cluster(project.clone(), cluster).send().await?;
    println!("created {name}: {}", state(&created));

    let started = Instant::now();
    let idle = client
        .clusters()
        .wait_until_idle(project, name.parse()?)
        .interval(Duration::from_secs(10))
        .timeout(Duration::from_secs(45 * 60))
        .on_poll(|state| println!("{:>5}s  {name}: {state}", started.elapsed().as_secs()))
        .await?;
    println!("{name} is {} after {}s", state(&idle), started.elapsed().as_secs());
    if let Some(uri) = idle.connection_strings.and_then(|c| c.standard_srv) {
        println!("connect with {uri}");
    }
    Ok(())
}

fn state(cluster: &ClusterDescription20240805) -> String {
    serde_json::to_value(&cluster.state_name).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| "unknown".into())
}
