//! The crate the generator makes of its fixture spec, `generator/tests/fixtures/zoo.yaml`
//! (each trap of the Atlas spec in miniature), laid out like `atlas-admin` and built on the
//! same hand-written runtime (included below from `atlas-admin/src` and `atlas-admin-models/src`), so that what the
//! generator emits is compiled and its generated tests run, not only parsed.
//!
//! `src/models/`, `src/params/`, `src/patterns.rs` and `tests/spec_*.rs` are generated; the
//! freshness test in `generator/tests/pipeline.rs` fails when they drift, and
//! `UPDATE_ZOO=1 cargo test -p atlas-admin-generator --test pipeline` rewrites them.

pub mod apis;
#[path = "../../../atlas-admin/src/auth.rs"]
pub mod auth;
#[path = "../../../atlas-admin/src/client.rs"]
mod client;
#[doc(hidden)]
#[path = "../../../atlas-admin-models/src/codec.rs"]
pub mod codec;
#[path = "../../../atlas-admin/src/error.rs"]
pub mod error;
#[path = "../../../atlas-admin-models/src/extra.rs"]
pub mod extra;
#[path = "../../../atlas-admin-models/src/json.rs"]
mod json;
pub mod models;
#[path = "../../../atlas-admin/src/pagination.rs"]
pub mod pagination;
pub mod params;
#[doc(hidden)]
pub mod patterns;
#[path = "../../../atlas-admin/src/request.rs"]
pub mod request;
#[path = "../../../atlas-admin/src/response.rs"]
mod response;
#[path = "../../../atlas-admin/src/retry.rs"]
pub mod retry;
#[path = "../../../atlas-admin-models/src/validation.rs"]
pub mod validation;

pub use auth::Credentials;
pub use client::{path_segment, Call, CallOptions, Client, ClientBuilder, RawRequest};
pub use request::Request;
pub use response::{ByteStream, RateLimit, Response, TypedResponse};
pub use retry::RetryPolicy;
pub use error::{ApiError, Error};
pub use extra::Extra;
pub use reqwest::Method;
pub use validation::Validate;
