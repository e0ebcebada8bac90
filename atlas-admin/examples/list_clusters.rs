//! The clusters of the project `MONGODB_ATLAS_PROJECT_ID`, one name a line.
//!
//! `MONGODB_ATLAS_PROJECT_ID=... cargo run -p atlas-admin --example list_clusters`, with the
//! credentials `Client::from_env` reads (a service account or an API key).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = atlas_admin::Client::from_env()?;
    let project = std::env::var("MONGODB_ATLAS_PROJECT_ID")?.parse()?;
    for cluster in client.clusters().list_clusters(project).collect_all().await? {
        println!("{}", cluster.name.map(String::from).unwrap_or_default());
    }
    Ok(())
}
