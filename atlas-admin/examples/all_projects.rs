//! Every project the credentials can see, across all pages, one name a line.
//!
//! `cargo run -p atlas-admin --example all_projects`, with the credentials
//! `Client::from_env` reads. Pages are fetched as the stream is read; a 429 or 503 on the
//! way is retried with the default policy (Retry-After, else backoff with jitter).

use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = atlas_admin::Client::from_env()?;
    let mut projects = client.projects().list_groups().items_per_page(500).stream();
    while let Some(project) = projects.try_next().await? {
        println!("{}", project.name);
    }
    Ok(())
}
