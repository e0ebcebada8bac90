//! A small "platform" crate, as a user of `atlas-admin` writes one: it lists, ensures and
//! retires clusters and rotates database users. Its tests (`tests/mock_atlas.rs`) run it
//! against `atlas_admin::testing::MockAtlas`, with no Atlas and no hand-written routes.

use std::time::Duration;

use atlas_admin::models::{ClusterDescription20240805, CloudDatabaseUser, ObjectId, ResourceName, StateName};
use atlas_admin::{Client, Error};
use futures_util::TryStreamExt;

/// The names of every cluster of a project, across all pages.
pub async fn cluster_names(client: &Client, group: ObjectId) -> Result<Vec<String>, Error> {
    let clusters: Vec<ClusterDescription20240805> = client.clusters().list_clusters(group).items_per_page(2).stream().try_collect().await?;
    Ok(clusters.into_iter().filter_map(|c| c.name.map(|n| n.to_string())).collect())
}

/// The cluster `name`, created from `template` if Atlas does not have it, once it is IDLE.
pub async fn ensure_cluster(client: &Client, group: ObjectId, name: ResourceName, template: ClusterDescription20240805, poll: Duration) -> Result<ClusterDescription20240805, Error> {
    let clusters = client.clusters();
    match clusters.get_cluster(group.clone(), name.clone()).send().await {
        Ok(cluster) if cluster.state_name == Some(StateName::Idle) => return Ok(cluster),
        Ok(_) => {}
        Err(e) if e.status() == Some(404) => {
            let body = ClusterDescription20240805 { name: Some(name.clone()), ..template };
            clusters.create_cluster(group.clone(), body).send().await?;
        }
        Err(e) => return Err(e),
    }
    clusters.wait_until_idle(group, name).interval(poll).await
}

/// Deletes the cluster and returns once Atlas no longer has it.
pub async fn retire_cluster(client: &Client, group: ObjectId, name: ResourceName, poll: Duration) -> Result<(), Error> {
    let clusters = client.clusters();
    clusters.delete_cluster(group.clone(), name.clone()).send().await?;
    clusters.wait_until_deleted(group, name).interval(poll).await
}

/// Gives the database user a new password and returns the user as Atlas has it now.
pub async fn rotate_password(client: &Client, group: ObjectId, username: &str, password: &str) -> Result<CloudDatabaseUser, Error> {
    let users = client.database_users();
    let mut user = users.get_database_user(group.clone(), "admin".into(), username.into()).send().await?;
    user.password = Some(password.into());
    users.update_database_user(group, "admin".into(), username.into(), user).send().await
}
