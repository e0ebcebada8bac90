// docs.rs builds with `--cfg docsrs`: each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
//! A typed client for the [MongoDB Atlas Administration API v2](https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/),
//! generated from Atlas's own OpenAPI spec: every operation of every tag, at every API
//! version, with a Rust type for every schema.
//!
//! # Install
//!
//! ```toml
//! [dependencies]
//! atlas-admin = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! Every tag of the spec is a feature, all on by default; see [Features](#features) to
//! compile only the ones you call.
//!
//! # Credentials
//!
//! [`Client::from_env`] reads what the Atlas CLI and the Terraform provider read: a service
//! account (`MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET`; OAuth, tokens fetched
//! and refreshed for you) or an API key (`MONGODB_ATLAS_PUBLIC_KEY`,
//! `MONGODB_ATLAS_PRIVATE_KEY`; HTTP digest), and `MONGODB_ATLAS_BASE_URL` if set. Or say it
//! in code:
//!
//! ```no_run
//! # fn run() -> Result<(), atlas_admin::Error> {
//! use atlas_admin::Client;
//!
//! let from_env = Client::from_env()?;
//! let service_account = Client::builder().service_account("mdb_sa_id_...", "mdb_sa_sk_...").build()?;
//! let api_key = Client::builder().api_key("public", "private").build()?;
//! # Ok(()) }
//! ```
//!
//! Secrets never appear in `Debug`, errors or logs.
//!
//! # The first call
//!
//! One accessor per tag (`client.clusters()`), one method per operation. Required
//! parameters are arguments, optional ones setters, then `.send()`:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = atlas_admin::Client::from_env()?;
//! let project: atlas_admin::models::ObjectId = "32b6e34b3d91647abb20e7b8".parse()?;
//! let group = client.projects().get_group(project.clone()).send().await?;
//! println!("{} has {:?} clusters", group.name, group.cluster_count);
//! # Ok(()) }
//! ```
//!
//! Parameters and bodies are checked against the spec before anything is sent
//! ([`Error::Validation`], nothing sent), and 429/502/503/504 are retried with backoff for
//! idempotent calls ([`RetryPolicy`]).
//!
//! # Pagination, waiters and errors
//!
//! List operations walk their pages lazily with `.stream()`, or all at once with
//! `.collect_all()`. Waiters poll a resource until Atlas reports the state you wait for.
//! Errors are [`Error`]: an Atlas error carries its status and `errorCode`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use atlas_admin::models::{ClusterDescription20240805, ObjectId};
//! use atlas_admin::Error;
//! use futures_util::TryStreamExt;
//!
//! let client = atlas_admin::Client::from_env()?;
//! let project: ObjectId = "32b6e34b3d91647abb20e7b8".parse()?;
//! let mut clusters = client.clusters().list_clusters(project.clone()).items_per_page(50).stream();
//! while let Some(cluster) = clusters.try_next().await? {
//!     println!("{:?}", cluster.name);
//! }
//!
//! let body = ClusterDescription20240805 { name: Some("c0".parse()?), ..Default::default() };
//! match client.clusters().create_cluster(project.clone(), body).send().await {
//!     Ok(_) => {}
//!     Err(Error::Api { body, .. }) if body.error_code.as_deref() == Some("DUPLICATE_CLUSTER_NAME") => {}
//!     Err(e) => return Err(e.into()),
//! }
//! let idle = client.clusters().wait_until_idle(project, "c0".parse()?).await?;
//! # Ok(()) }
//! ```
//!
//! # Versions and the API date
//!
//! Atlas versions each operation by date (`application/vnd.atlas.2024-08-05+json`). This
//! crate is generated for one API date, [`apis::API_VERSION`]: each operation's plain method
//! (`get_cluster`) sends its newest version not after that date, with that version's
//! models; its other versions are the same method suffixed with the date
//! (`get_cluster_v2023_02_01`), each with its own models. A call names one version in both
//! `Accept` and `Content-Type`. Each method's docs list its versions and their sunset dates.
//!
//! The crate's own version is not a date: it follows semver on what this crate does for you
//! (0.x rules: a breaking change bumps the minor, an addition the patch). Atlas publishes a
//! new spec most weeks; a release takes every spec since the last one, and its changelog
//! (`CHANGELOG.md`) names each spec's date and what it changed. You pin the crate
//! (`atlas-admin = "0.1"`), never the spec: within one minor version the API date and every
//! method's version stay as they are, so an upgrade within it changes no request your code
//! sends. A release that moves the API date is a minor one.
//!
//! # Features
//!
//! Each tag of the spec is a cargo feature named as its module (`clusters`,
//! `database_users`, ...), all on by default. With `default-features = false` and a list of
//! tags, only their API modules, parameters and the models their operations reach are
//! compiled; the runtime (client, auth, retries, pagination, validation) is always there:
//!
//! ```toml
//! atlas-admin = { version = "0.1", default-features = false, features = ["clusters"] }
//! ```
//!
//! Also: `preview` (the operations that exist only as a preview), `params-serde` (serde on
//! the parameter structs) and `testing` (below).
//!
#![cfg_attr(
    feature = "testing",
    doc = r#"# Testing with `MockAtlas`

[`testing::MockAtlas`] is a loopback Atlas that speaks the operations' own types, for the
tests of crates that use this one (feature `testing`, as a dev-dependency). An expectation
names an operation by its marker type; the mock fills in the path, the version and the JSON:

```
# #[tokio::main(flavor = "current_thread")] async fn main() {
use atlas_admin::apis::clusters::GetCluster;
use atlas_admin::testing::MockAtlas;

let atlas = MockAtlas::start().await;
atlas.on(GetCluster).respond_error(404, "CLUSTER_NOT_FOUND").times(1);
let group = "32b6e34b3d91647abb20e7b8".parse().unwrap();
let missing = atlas.client().clusters().get_cluster(group, "c0".parse().unwrap()).send().await;
assert_eq!(missing.unwrap_err().status(), Some(404));
atlas.verify();
# }
```
"#
)]
#![cfg_attr(
    not(feature = "testing"),
    doc = "# Testing with `MockAtlas`\n\nWith the feature `testing`, `atlas_admin::testing::MockAtlas` is a loopback Atlas that speaks the operations' own types, for the tests of crates that use this one.\n"
)]
//!
//! # Models
//!
//! [`models`] has every schema of the spec as a Rust type. Enums keep values this version
//! does not know; discriminated unions such as [`models::OrgUserResponse`] decode to the
//! variant their tag selects and re-encode the tag they were read with. [`Validate`] checks
//! the spec's constraints on demand, with JSON pointers; identifiers such as
//! [`models::ObjectId`] are validated newtypes.
//!
//! ```
//! use atlas_admin::models::{ObjectId, OrgUserResponse};
//! use atlas_admin::Validate;
//!
//! let json = r#"{"id": "32b6e34b3d91647abb20e7b8", "orgMembershipStatus": "INVITATION_EXPIRED",
//!                "roles": {"orgRoles": ["ORG_MEMBER"]}, "username": "ada@example.com",
//!                "invitationCreatedAt": "2024-01-02T03:04:05Z", "inviterUsername": "admin@example.com"}"#;
//! let user: OrgUserResponse = serde_json::from_str(json)?;
//! let OrgUserResponse::Pending(pending) = &user else { panic!("not a pending user") };
//! assert_eq!(pending.inviter_username.as_deref(), Some("admin@example.com"));
//! // Re-encoding keeps the status it was read with.
//! assert!(serde_json::to_string(&user)?.contains("INVITATION_EXPIRED"));
//! assert!(user.validate().is_ok());
//!
//! // Identifiers are checked when built from text.
//! assert!("32b6e34b3d91647abb20e7b8".parse::<ObjectId>().is_ok());
//! assert!("not-an-id".parse::<ObjectId>().is_err());
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Atlas does not always send what its spec says, and the models take it as it comes: a
//! property the spec does not list is kept in the model's [`Extra`], a required one that is
//! missing or a value of another shape is recorded there and reported by `validate()`, and
//! re-encoding writes back exactly what was received.
//!
//! ```
//! use atlas_admin::models::{CloudAppUser, CloudRegionConfig20240805, AwsRegionConfig20240805};
//! use atlas_admin::validation::Rule;
//! use atlas_admin::Validate;
//! use serde_json::json;
//!
//! // No `mobileNumber` (required by the spec), and a `userAlias` the spec does not know.
//! let received = json!({"country": "US", "emailAddress": "ada@example.com", "firstName": "Ada",
//!                       "lastName": "Lovelace", "roles": [], "username": "ada@example.com",
//!                       "userAlias": "ada"});
//! let user: CloudAppUser = serde_json::from_value(received.clone())?;
//! assert_eq!(user.extra.get("userAlias"), Some(&json!("ada")));
//! assert_eq!(user.extra.missing(), ["mobileNumber"]);
//! let violations = user.validate().unwrap_err();
//! assert!(violations.iter().any(|v| v.pointer == "/mobileNumber" && v.rule == Rule::Required));
//! // A read-modify-write loses nothing and invents nothing.
//! assert_eq!(serde_json::to_value(&user)?, received);
//!
//! // A union variant built in code carries its tag.
//! let region = CloudRegionConfig20240805::from(AwsRegionConfig20240805 { priority: Some(7), ..Default::default() });
//! assert_eq!(serde_json::to_value(&region)?, json!({"priority": 7, "providerName": "AWS"}));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! This file and the client runtime (`client`, [`auth`], [`error`], [`request`],
//! `response`, [`retry`], [`pagination`], [`waiters`], `testing`) are written by hand;
//! `src/params/` and `src/apis/` are generated by `cargo xtask generate` and must not be
//! edited. The models ([`models`], with `codec`, [`extra`], [`validation`] and the prose rules
//! of `requests`) are the crate `atlas-admin-models`, re-exported here at the same paths.

pub mod apis;
pub mod auth;
mod client;
pub mod error;
pub mod pagination;
pub mod params;
pub mod request;
mod response;
pub mod retry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod waiters;

// The models, their codec and validation: a crate of their own, so that neither crate's
// build needs the memory of both (see docs/performance.md in the repository).
#[doc(hidden)]
pub use atlas_admin_models::codec;
#[doc(inline)]
pub use atlas_admin_models::extra;
#[doc(inline)]
pub use atlas_admin_models::models;
#[doc(hidden)]
pub use atlas_admin_models::patterns;
#[doc(inline)]
pub use atlas_admin_models::validation;

pub use auth::Credentials;
#[doc(hidden)]
pub use client::{Call, CallOptions};
pub use client::{path_segment, Client, ClientBuilder, RawRequest, DEFAULT_BASE_URL, DEFAULT_MAX_BODY_BYTES};
pub use request::Request;
pub use response::{ByteStream, RateLimit, Response, TypedResponse};
pub use retry::RetryPolicy;
pub use error::{ApiError, Error};
/// HTTP methods, for [`Client::request`].
pub use reqwest::Method;
pub use extra::Extra;
pub use validation::Validate;
