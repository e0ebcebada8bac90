//! Waiting for long operations: a cluster until `IDLE` or gone, a search index until
//! `READY`, a private endpoint until `AVAILABLE`, a snapshot until `completed`, a restore job
//! until it finishes. The same targets as the Atlas CLI's `watch` commands. Written by hand
//! on top of the generated operations; the generator never touches this file.
//!
//! ```no_run
//! # async fn run(client: atlas_admin::Client) -> Result<(), atlas_admin::Error> {
//! use std::time::Duration;
//! let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
//! let cluster = client
//!     .clusters()
//!     .wait_until_idle(group, "Cluster0".parse().unwrap())
//!     .interval(Duration::from_secs(10))
//!     .timeout(Duration::from_secs(30 * 60))
//!     .on_poll(|state| eprintln!("cluster is {state}"))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! A waiter polls with the client's retry policy (a 503 between polls is retried, not
//! fatal), and gives up with [`Error::Timeout`] naming the last state it saw.
//!
//! Each waiter comes with the feature of its tag: `clusters`, `flex_clusters`,
//! `atlas_search`, `serverless_private_endpoints`, `private_endpoint_services`,
//! `cloud_backups`.

// The helpers below serve whichever waiters' features are on.
#![cfg_attr(
    not(all(
        feature = "clusters",
        feature = "flex_clusters",
        feature = "atlas_search",
        feature = "serverless_private_endpoints",
        feature = "private_endpoint_services",
        feature = "cloud_backups"
    )),
    allow(dead_code, unused_imports)
)]

use std::future::{Future, IntoFuture};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use crate::codec::TagText;

#[cfg(feature = "atlas_search")]
use crate::apis::atlas_search;
#[cfg(feature = "cloud_backups")]
use crate::apis::cloud_backups;
#[cfg(feature = "clusters")]
use crate::apis::clusters;
#[cfg(feature = "flex_clusters")]
use crate::apis::flex_clusters;
#[cfg(feature = "private_endpoint_services")]
use crate::apis::private_endpoint_services;
#[cfg(feature = "serverless_private_endpoints")]
use crate::apis::serverless_private_endpoints;
use crate::models as m;
use crate::Error;

/// What one poll saw.
enum Seen<T> {
    /// The state waited for, with the resource in it.
    Done(T),
    /// Another state (its name, for progress and for the timeout error).
    Pending(String),
}

type Poll<'c, T> = Box<dyn FnMut() -> BoxFuture<'c, Result<Seen<T>, Error>> + Send + 'c>;
type Report<'c> = Box<dyn FnMut(&str) + Send + 'c>;

/// A wait for a resource to reach a state: set `interval`, `timeout` and `on_poll`, then
/// `.await` it.
#[must_use = "nothing is polled until the waiter is awaited"]
pub struct Waiter<'c, T> {
    what: String,
    interval: Duration,
    timeout: Duration,
    poll: Poll<'c, T>,
    on_poll: Option<Report<'c>>,
}

impl<'c, T: Send + 'c> Waiter<'c, T> {
    /// Polls every 10 s, for an hour at most, unless set.
    fn new(what: String, poll: impl FnMut() -> BoxFuture<'c, Result<Seen<T>, Error>> + Send + 'c) -> Self {
        Waiter { what, interval: Duration::from_secs(10), timeout: Duration::from_secs(3600), poll: Box::new(poll), on_poll: None }
    }

    /// The time between polls (10 s unless set).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// How long to wait in all before giving up (one hour unless set).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Called with the state seen at each poll (for a progress line).
    pub fn on_poll(mut self, report: impl FnMut(&str) + Send + 'c) -> Self {
        self.on_poll = Some(Box::new(report));
        self
    }

    async fn run(mut self) -> Result<T, Error> {
        let started = Instant::now();
        loop {
            let state = match (self.poll)().await? {
                Seen::Done(resource) => return Ok(resource),
                Seen::Pending(state) => state,
            };
            if let Some(report) = self.on_poll.as_mut() {
                report(&state);
            }
            tracing::debug!(what = %self.what, state = %state, "atlas wait");
            if started.elapsed() + self.interval > self.timeout {
                return Err(Error::Timeout { what: self.what, waited: started.elapsed(), last_state: state });
            }
            tokio::time::sleep(self.interval).await;
        }
    }
}

impl<'c, T: Send + 'c> IntoFuture for Waiter<'c, T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'c, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<T> std::fmt::Debug for Waiter<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiter").field("what", &self.what).field("interval", &self.interval).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

/// Reads a resource's state (`stateName`, `status`) as Atlas wrote it, also a value this
/// version does not know. A typed accessor rather than a look into the re-encoded JSON, so
/// a waiter costs no second copy of the resource's `Serialize` in the build.
type StateOf<T> = fn(&T) -> Option<&str>;

fn state_of<T>(resource: &T, state: StateOf<T>) -> String {
    state(resource).unwrap_or("unknown").to_string()
}

/// Done when the state is one of `targets`.
fn reached<T>(resource: T, state: StateOf<T>, targets: &[&str]) -> Seen<T> {
    let state = state_of(&resource, state);
    if targets.contains(&state.as_str()) {
        Seen::Done(resource)
    } else {
        Seen::Pending(state)
    }
}

/// Polls `fetch` until the resource's state is one of `targets`.
fn until_state<'c, T, F>(
    mut fetch: impl FnMut() -> F + Send + 'c,
    state: StateOf<T>,
    targets: &'static [&'static str],
) -> impl FnMut() -> BoxFuture<'c, Result<Seen<T>, Error>> + Send + 'c
where
    T: 'c,
    F: Future<Output = Result<T, Error>> + Send + 'c,
{
    move || {
        let call = fetch();
        Box::pin(async move { Ok(reached(call.await?, state, targets)) })
    }
}

/// Polls `fetch` until it answers 404 (the resource is gone).
fn until_gone<'c, T, F>(mut fetch: impl FnMut() -> F + Send + 'c, state: StateOf<T>) -> impl FnMut() -> BoxFuture<'c, Result<Seen<()>, Error>> + Send + 'c
where
    T: 'c,
    F: Future<Output = Result<T, Error>> + Send + 'c,
{
    move || {
        let call = fetch();
        Box::pin(async move {
            match call.await {
                Ok(resource) => Ok(Seen::Pending(state_of(&resource, state))),
                Err(e) if e.status() == Some(404) => Ok(Seen::Done(())),
                Err(e) => Err(e),
            }
        })
    }
}

#[cfg(feature = "clusters")]
impl<'c> clusters::Clusters<'c> {
    /// Waits until the cluster is `IDLE` (created, or done changing) and returns it.
    #[inline]
    pub fn wait_until_idle(&self, group_id: m::ObjectId, cluster_name: m::ResourceName) -> Waiter<'c, m::ClusterDescription20240805> {
        let api = *self;
        let what = format!("cluster {cluster_name} to be IDLE");
        let fetch = move || api.get_cluster(group_id.clone(), cluster_name.clone()).send();
        Waiter::new(what, until_state(fetch, |c| c.state_name.tag_text(), &["IDLE"]))
    }

    /// Waits until the cluster is gone (Atlas answers 404).
    #[inline]
    pub fn wait_until_deleted(&self, group_id: m::ObjectId, cluster_name: m::ResourceName) -> Waiter<'c, ()> {
        let api = *self;
        let what = format!("cluster {cluster_name} to be deleted");
        Waiter::new(what, until_gone(move || api.get_cluster(group_id.clone(), cluster_name.clone()).send(), |c| c.state_name.tag_text()))
    }
}

#[cfg(feature = "flex_clusters")]
impl<'c> flex_clusters::FlexClusters<'c> {
    /// Waits until the flex cluster is `IDLE` and returns it.
    #[inline]
    pub fn wait_until_idle(&self, group_id: m::ObjectId, name: m::ResourceName) -> Waiter<'c, m::FlexClusterDescription20241113> {
        let api = *self;
        let what = format!("flex cluster {name} to be IDLE");
        let fetch = move || api.get_flex_cluster(group_id.clone(), name.clone()).send();
        Waiter::new(what, until_state(fetch, |c| c.state_name.tag_text(), &["IDLE"]))
    }

    /// Waits until the flex cluster is gone (Atlas answers 404).
    #[inline]
    pub fn wait_until_deleted(&self, group_id: m::ObjectId, name: m::ResourceName) -> Waiter<'c, ()> {
        let api = *self;
        let what = format!("flex cluster {name} to be deleted");
        Waiter::new(what, until_gone(move || api.get_flex_cluster(group_id.clone(), name.clone()).send(), |c| c.state_name.tag_text()))
    }
}

#[cfg(feature = "atlas_search")]
impl<'c> atlas_search::AtlasSearch<'c> {
    /// Waits until the search index is `READY` (or `FAILED`, which is final) and returns it.
    #[inline]
    pub fn wait_until_ready(
        &self,
        group_id: m::ObjectId,
        cluster_name: m::ResourceName,
        index_id: m::ObjectId,
    ) -> Waiter<'c, m::SearchIndexResponse> {
        let api = *self;
        let what = format!("search index {index_id} to be READY");
        let fetch = move || api.get_cluster_search_index(group_id.clone(), cluster_name.clone(), index_id.clone()).send();
        let status: StateOf<m::SearchIndexResponse> = |index| match index {
            m::SearchIndexResponse::Text(index) => index.status.tag_text(),
            m::SearchIndexResponse::Vector(index) => index.status.tag_text(),
            m::SearchIndexResponse::Unknown(json) => json.get("status").and_then(|s| s.as_str()),
            // A variant a newer spec adds (the unions are `#[non_exhaustive]`).
            _ => None,
        };
        Waiter::new(what, until_state(fetch, status, &["READY", "FAILED"]))
    }
}

#[cfg(feature = "serverless_private_endpoints")]
#[allow(deprecated)]
impl<'c> serverless_private_endpoints::ServerlessPrivateEndpoints<'c> {
    /// Waits until the serverless private endpoint is `AVAILABLE` (or `FAILED`, which is
    /// final) and returns it.
    #[inline]
    pub fn wait_until_available(
        &self,
        group_id: m::ObjectId,
        instance_name: m::ResourceName,
        endpoint_id: m::ObjectId,
    ) -> Waiter<'c, m::ServerlessTenantEndpoint> {
        let api = *self;
        let what = format!("serverless private endpoint {endpoint_id} to be AVAILABLE");
        let fetch = move || api.get_serverless_private_endpoint(group_id.clone(), instance_name.clone(), endpoint_id.clone()).send();
        let status: StateOf<m::ServerlessTenantEndpoint> = |endpoint| match endpoint {
            m::ServerlessTenantEndpoint::Aws(endpoint) => endpoint.status.tag_text(),
            m::ServerlessTenantEndpoint::Azure(endpoint) => endpoint.status.tag_text(),
            // A variant a newer spec adds (the unions are `#[non_exhaustive]`).
            _ => None,
        };
        Waiter::new(what, until_state(fetch, status, &["AVAILABLE", "FAILED"]))
    }
}

#[cfg(feature = "private_endpoint_services")]
impl<'c> private_endpoint_services::PrivateEndpointServices<'c> {
    /// Waits until the private endpoint service is `AVAILABLE` (or `FAILED`, which is
    /// final) and returns it.
    #[inline]
    pub fn wait_until_available(
        &self,
        group_id: m::ObjectId,
        cloud_provider: m::CloudProvider,
        endpoint_service_id: m::ObjectId,
    ) -> Waiter<'c, m::EndpointService> {
        let api = *self;
        let what = format!("private endpoint service {endpoint_service_id} to be AVAILABLE");
        let fetch = move || api.get_private_endpoint_service(group_id.clone(), cloud_provider.clone(), endpoint_service_id.clone()).send();
        let status: StateOf<m::EndpointService> = |service| match service {
            m::EndpointService::AwsPrivateLinkConnection(service) => service.status.tag_text(),
            m::EndpointService::AzurePrivateLinkConnection(service) => service.status.tag_text(),
            m::EndpointService::Gcp(service) => service.status.tag_text(),
            m::EndpointService::Unknown(json) => json.get("status").and_then(|s| s.as_str()),
            // A variant a newer spec adds (the unions are `#[non_exhaustive]`).
            _ => None,
        };
        Waiter::new(what, until_state(fetch, status, &["AVAILABLE", "FAILED"]))
    }
}

#[cfg(feature = "cloud_backups")]
impl<'c> cloud_backups::CloudBackups<'c> {
    /// Waits until the snapshot is `completed` (or `failed`, which is final) and returns it.
    #[inline]
    pub fn wait_until_snapshot_completed(
        &self,
        group_id: m::ObjectId,
        cluster_name: m::ResourceName,
        snapshot_id: m::ObjectId,
    ) -> Waiter<'c, m::DiskBackupReplicaSet> {
        let api = *self;
        let what = format!("snapshot {snapshot_id} to be completed");
        let fetch = move || api.get_cluster_backup_snapshot(group_id.clone(), cluster_name.clone(), snapshot_id.clone()).send();
        Waiter::new(what, until_state(fetch, |snapshot| snapshot.status.tag_text(), &["completed", "failed"]))
    }

    /// Waits until the restore job has finished (or failed, was cancelled or expired) and
    /// returns it.
    #[inline]
    pub fn wait_until_restore_finished(
        &self,
        group_id: m::ObjectId,
        cluster_name: m::ResourceName,
        restore_job_id: m::ObjectId,
    ) -> Waiter<'c, m::DiskBackupSnapshotRestoreJob> {
        let api = *self;
        let what = format!("restore job {restore_job_id} to finish");
        Waiter::new(what, move || {
            let call = api.get_backup_restore_job(group_id.clone(), cluster_name.clone(), restore_job_id.clone());
            Box::pin(async move {
                let job = call.send().await?;
                let ended = [job.failed, job.cancelled, job.expired].contains(&Some(true));
                Ok(if job.finished_at.is_some() || ended {
                    Seen::Done(job)
                } else {
                    Seen::Pending(if job.delivery_url.is_some() { "delivering" } else { "in progress" }.to_string())
                })
            })
        })
    }
}
