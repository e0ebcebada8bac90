//! The client's one error type. Written by hand; the generator never touches this file.

use std::fmt;

use reqwest::header::HeaderMap;

use crate::response::{request_id, RateLimit};
use crate::validation::Violations;

/// The body Atlas sends with an error status.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiError {
    /// The HTTP status, as Atlas repeats it in the body.
    pub error: Option<u16>,
    /// A stable code to match on: `CLUSTER_NOT_FOUND`, `DUPLICATE_CLUSTER_NAME`, ...
    pub error_code: Option<String>,
    /// What went wrong, for people.
    pub detail: Option<String>,
    /// The HTTP reason phrase.
    pub reason: Option<String>,
    /// Values the detail refers to.
    pub parameters: Vec<serde_json::Value>,
}

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Atlas answered with an error status.
    #[error("{}", api_message(*.status, .body, request_id(.headers)))]
    Api {
        status: u16,
        /// The error body, when Atlas sent one it could read (boxed: errors stay small).
        body: Box<ApiError>,
        /// The raw body as received.
        raw: String,
        /// The response's headers: its request id ([`Error::request_id`]) and rate limits
        /// ([`Error::rate_limit`]; a 429 says how long to wait).
        headers: Box<HeaderMap>,
    },
    /// The request was refused before it was sent: its parameters or body break the spec's
    /// constraints (validation can be switched off per client and per request).
    #[error("the request was not sent: {0}")]
    Validation(Violations),
    /// The response could not be decoded into its model.
    #[error("cannot decode the response at {path}: {message} (body starts {excerpt:?})")]
    Decode {
        /// JSON path of the value that failed.
        path: String,
        message: String,
        excerpt: String,
        /// The whole body as received.
        raw: String,
        /// The response's status and headers (its request id, for support).
        status: u16,
        headers: Box<HeaderMap>,
    },
    /// The response body was larger than the client reads into memory
    /// ([`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes)).
    #[error("the response body (status {status}) is over the {limit}-byte limit")]
    TooLarge { status: u16, limit: u64 },
    /// The connection, TLS or HTTP layer failed.
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// Authentication could not be done (a malformed challenge, a token endpoint refusing).
    #[error("authentication: {0}")]
    Auth(String),
    /// The client is not configured well enough to send anything (a missing variable), or
    /// a request cannot be built (a body that cannot be encoded).
    #[error("configuration: {0}")]
    Config(String),
    /// A waiter gave up: the resource did not reach the state waited for in time.
    #[error("gave up after {waited:?} waiting for {what}; last state: {last_state}")]
    Timeout {
        /// What was waited for (`cluster Cluster0 to be IDLE`).
        what: String,
        waited: std::time::Duration,
        /// The state seen at the last poll.
        last_state: String,
    },
}

fn api_message(status: u16, body: &ApiError, request_id: Option<&str>) -> String {
    let mut message = format!("Atlas answered {status}");
    if let Some(code) = &body.error_code {
        message.push_str(&format!(" {code}"));
    }
    if let Some(detail) = &body.detail {
        message.push_str(&format!(": {detail}"));
    }
    if let Some(id) = request_id {
        message.push_str(&format!(" (request {id})"));
    }
    message
}

impl Error {
    /// Whether Atlas answered with this `errorCode` (`"CLUSTER_NOT_FOUND"`).
    pub fn is_error_code(&self, code: &str) -> bool {
        matches!(self, Error::Api { body, .. } if body.error_code.as_deref() == Some(code))
    }

    /// The request id Atlas gave the response (`X-Request-Id`), for an API or decode error.
    pub fn request_id(&self) -> Option<&str> {
        self.headers().and_then(request_id)
    }

    /// The headers of the response the error is about (an API or decode error).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. } | Error::Decode { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The rate-limit headers of the response, for an API error.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        match self {
            Error::Api { headers, .. } => Some(RateLimit::from_headers(headers)),
            _ => None,
        }
    }

    /// The HTTP status Atlas answered with, for an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } | Error::TooLarge { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }
}

/// A short, char-safe prefix of a body for error messages.
pub(crate) use crate::validation::excerpt;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error_code.as_deref().unwrap_or("UNKNOWN"))?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}
