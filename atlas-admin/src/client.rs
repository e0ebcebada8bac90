//! The client: configuration, authentication, sending and retrying. Written by hand; the
//! generator never touches this file. Generated operations (`crate::apis`) hand their
//! calls to [`Client::execute`]; [`Client::request`] is the escape hatch for what the spec
//! gets wrong: any method, path, API version and body, with auth, retries, errors and
//! versioning handled the same way.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::Method;
use tracing::Instrument;

use crate::auth::{self, Credentials, Token};
use crate::error::{ApiError, Error};
use crate::response::{request_id, ByteStream, RateLimit, Response};
use crate::retry::{self, RetryPolicy};

/// Where Atlas is; Atlas for Government is [`Client::GOVERNMENT_URL`].
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

/// A client for the Atlas Admin API. Cheap to clone and shared across tasks: clones share the
/// connection pool, the digest nonce and the service-account token.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    validate: bool,
    retry: RetryPolicy,
    /// The most bytes a response body is read into memory ([`ClientBuilder::max_body_bytes`]).
    max_body: u64,
    /// The last digest challenge, answered again with a growing `nc` until it goes stale.
    digest: std::sync::Mutex<Option<digest_auth::WwwAuthenticateHeader>>,
    /// The service-account token. An async mutex: concurrent callers wait for one refresh.
    token: tokio::sync::Mutex<Option<Token>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("validate", &self.validate)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    http: Option<reqwest::Client>,
    validate: bool,
    retry: RetryPolicy,
    max_body: u64,
}

/// The default of [`ClientBuilder::max_body_bytes`]: 64 MiB, far above any Atlas JSON page.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

impl Client {
    /// Atlas for Government.
    pub const GOVERNMENT_URL: &'static str = "https://cloud.mongodbgov.com";

    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_string(),
            credentials: Credentials::None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: format!("atlas-admin-rust/{}", env!("CARGO_PKG_VERSION")),
            http: None,
            validate: true,
            retry: RetryPolicy::default(),
            max_body: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// A client configured as the Atlas CLI and the Terraform provider are:
    /// `MONGODB_ATLAS_BASE_URL` (optional), and either `MONGODB_ATLAS_CLIENT_ID` +
    /// `MONGODB_ATLAS_CLIENT_SECRET` (a service account, preferred when both pairs are set)
    /// or `MONGODB_ATLAS_PUBLIC_KEY` + `MONGODB_ATLAS_PRIVATE_KEY` (an API key).
    pub fn from_env() -> Result<Client, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read by `var`; an empty one is unset.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        let mut builder = Client::builder();
        if let Some(base) = var("MONGODB_ATLAS_BASE_URL") {
            builder = builder.base_url(base);
        }
        let pair = |a: &str, b: &str| match (var(a), var(b)) {
            (Some(x), Some(y)) => Ok(Some((x, y))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(Error::Config(format!("{a} is set but {b} is not"))),
            (None, Some(_)) => Err(Error::Config(format!("{b} is set but {a} is not"))),
        };
        let credentials = match (
            pair("MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET")?,
            pair("MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY")?,
        ) {
            (Some((client_id, client_secret)), _) => Credentials::ServiceAccount { client_id, client_secret },
            (None, Some((public_key, private_key))) => Credentials::ApiKey { public_key, private_key },
            (None, None) => {
                return Err(Error::Config(
                    "no credentials: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (a service account) \
                     or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (an API key)"
                        .into(),
                ))
            }
        };
        builder.credentials(credentials).build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether typed requests are validated before they are sent.
    pub fn validates(&self) -> bool {
        self.inner.validate
    }

    /// A request to any path of the API (`/api/atlas/v2/groups/{id}/clusters`), for what the
    /// generated operations do not cover: auth, errors and the API version are handled.
    pub fn request(&self, method: Method, path: &str) -> RawRequest {
        RawRequest {
            client: self.clone(),
            operation: "raw",
            method,
            path_template: path.to_string(),
            path: path.to_string(),
            query: Vec::new(),
            api_version: None,
            media: None,
            body: None,
            headers: Vec::new(),
            retry: None,
        }
    }

    /// Revokes the service-account token in use (the next request fetches a new one).
    pub async fn revoke_token(&self) -> Result<(), Error> {
        let Credentials::ServiceAccount { client_id, client_secret } = &self.inner.credentials else {
            return Ok(());
        };
        let token = self.inner.token.lock().await.take();
        match token {
            Some(token) => {
                auth::revoke_token(&self.inner.http, &self.inner.base_url, client_id, client_secret, &token.access_token).await
            }
            None => Ok(()),
        }
    }

    /// The service-account token: the cached one while fresh, else one fetch for however
    /// many callers wait. `stale` is the token a request was refused with (refresh it).
    async fn token(&self, client_id: &str, client_secret: &str, stale: Option<&str>) -> Result<String, Error> {
        let mut cached = self.inner.token.lock().await;
        if let Some(token) = cached.as_ref() {
            let refused = stale == Some(token.access_token.as_str());
            if token.fresh() && !refused {
                return Ok(token.access_token.clone());
            }
        }
        let token = auth::fetch_token(&self.inner.http, &self.inner.base_url, client_id, client_secret).await?;
        let access = token.access_token.clone();
        *cached = Some(token);
        Ok(access)
    }

    /// Sends `request` and reads the whole body.
    async fn send(&self, request: &RawRequest) -> Result<Response, Error> {
        let response = self.dispatch(request).await?;
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let body = read_body(response, self.inner.max_body).await?;
        Ok(Response { status, headers, body })
    }

    /// Sends `request` until it succeeds, fails for good, or its retries run out; the
    /// successful response's body is left unread. One `atlas_request` span covers every
    /// attempt: operation, method, path template, then attempt, retry delay, rate-limit
    /// headers, status and Atlas's request id as they become known. Nothing secret is recorded.
    async fn dispatch(&self, request: &RawRequest) -> Result<reqwest::Response, Error> {
        let span = tracing::debug_span!(
            "atlas_request",
            operation = request.operation,
            method = %request.method,
            path = %request.path_template,
            attempt = tracing::field::Empty,
            retry_delay_ms = tracing::field::Empty,
            ratelimit_limit = tracing::field::Empty,
            ratelimit_remaining = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.dispatch_in(request, &span).instrument(span.clone()).await
    }

    async fn dispatch_in(&self, request: &RawRequest, span: &tracing::Span) -> Result<reqwest::Response, Error> {
        let policy = request.retry.as_ref().unwrap_or(&self.inner.retry);
        let may_retry = policy.allows(&request.method);
        let target = Target::of(request, &self.inner.base_url)?;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let outcome = self.attempt(request, &target).await;
            // The wait before the next attempt, when this one may be retried.
            let wait = match &outcome {
                Ok(response) => {
                    record_response(span, response);
                    retry::retryable_status(response.status().as_u16())
                        .then(|| retry::retry_after(response.headers(), SystemTime::now()).unwrap_or_else(|| policy.backoff_delay(attempt)))
                }
                // Nothing reached Atlas: as safe to retry as a 503.
                Err(Error::Transport(e)) if e.is_connect() => Some(policy.backoff_delay(attempt)),
                Err(_) => None,
            };
            let retry = wait.filter(|wait| may_retry && attempt < policy.max_attempts && started.elapsed() + *wait <= policy.max_elapsed);
            if let Some(wait) = retry {
                span.record("retry_delay_ms", wait.as_millis() as u64);
                tracing::debug!(attempt, retry_delay_ms = wait.as_millis() as u64, "atlas request retried");
                tokio::time::sleep(wait).await;
                continue;
            }
            let response = outcome?;
            if response.status().is_success() {
                return Ok(response);
            }
            return Err(api_error(response, self.inner.max_body).await);
        }
    }

    /// One attempt: the request with its credentials, answering a digest challenge or a
    /// refused token once.
    async fn attempt(&self, request: &RawRequest, target: &Target) -> Result<reqwest::Response, Error> {
        let Target { url, uri, accept, content_type } = target;
        let mut refused_token: Option<String> = None;
        for round in 0..2 {
            let mut builder = self.inner.http.request(request.method.clone(), url.clone()).header(ACCEPT, accept);
            if let Some(body) = &request.body {
                builder = builder.header(CONTENT_TYPE, content_type).body(body.clone());
            }
            for (name, value) in &request.headers {
                builder = builder.header(*name, value);
            }
            let mut sent_token = None;
            match &self.inner.credentials {
                Credentials::Bearer(token) => builder = builder.bearer_auth(token),
                Credentials::ServiceAccount { client_id, client_secret } => {
                    let token = self.token(client_id, client_secret, refused_token.as_deref()).await?;
                    builder = builder.bearer_auth(&token);
                    sent_token = Some(token);
                }
                Credentials::ApiKey { public_key, private_key } => {
                    let mut digest = self.inner.digest.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(challenge) = digest.as_mut() {
                        let header = auth::digest_header(
                            challenge,
                            public_key,
                            private_key,
                            uri,
                            request.method.as_str(),
                            request.body.as_deref(),
                        )?;
                        builder = builder.header(AUTHORIZATION, header);
                    }
                }
                Credentials::None => {}
            }
            let response = builder.send().await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED && round == 0 {
                match &self.inner.credentials {
                    Credentials::ApiKey { .. } => {
                        // A first challenge, or a stale nonce: answer the new one once.
                        if let Some(header) = response.headers().get(WWW_AUTHENTICATE).and_then(|h| h.to_str().ok()) {
                            let challenge = auth::parse_challenge(header)?;
                            *self.inner.digest.lock().unwrap_or_else(|e| e.into_inner()) = Some(challenge);
                            tracing::debug!("atlas digest challenge answered");
                            continue;
                        }
                    }
                    Credentials::ServiceAccount { .. } => {
                        refused_token = sent_token;
                        tracing::debug!("atlas token refused; refreshing it once");
                        continue;
                    }
                    _ => {}
                }
            }
            return Ok(response);
        }
        unreachable!("the second round always returns")
    }
}

/// What the request span learns from a response: status, rate-limit headers, request id.
fn record_response(span: &tracing::Span, response: &reqwest::Response) {
    span.record("status", response.status().as_u16());
    let rate = RateLimit::from_headers(response.headers());
    if let Some(limit) = rate.limit {
        span.record("ratelimit_limit", limit);
    }
    if let Some(remaining) = rate.remaining {
        span.record("ratelimit_remaining", remaining);
    }
    if let Some(id) = request_id(response.headers()) {
        span.record("request_id", id);
    }
}

/// Where a request goes and in which media types: worked out once for all its attempts.
struct Target {
    url: url::Url,
    /// Path and query, as a digest answer signs them.
    uri: String,
    accept: String,
    content_type: String,
}

impl Target {
    fn of(request: &RawRequest, base_url: &str) -> Result<Target, Error> {
        let url = request.url(base_url)?;
        let uri = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let (accept, content_type) = match (request.media, &request.api_version) {
            (Some((accept, content_type)), _) => (accept.to_string(), content_type.to_string()),
            (None, Some(version)) => {
                let versioned = format!("application/vnd.atlas.{version}+json");
                (versioned.clone(), versioned)
            }
            (None, None) => ("application/json".to_string(), "application/json".to_string()),
        };
        Ok(Target { url, uri, accept, content_type })
    }
}

/// An error status as [`Error::Api`], with the body Atlas sent.
/// Reads a body into memory, refusing one over `limit` bytes as soon as it is known to be
/// (from `Content-Length`, else as the chunks arrive): a hostile or broken server cannot
/// make the client buffer without bound.
pub(crate) async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    let too_large = || Error::TooLarge { status, limit };
    if response.content_length().is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    // Sized once from the announced length; the limit caps what a lying header can reserve.
    let mut body = Vec::with_capacity(response.content_length().unwrap_or(0).min(limit) as usize);
    while let Some(chunk) = response.chunk().await? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn api_error(response: reqwest::Response, limit: u64) -> Error {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let raw = match read_body(response, limit).await {
        Ok(body) => String::from_utf8_lossy(&body).into_owned(),
        Err(e) => return e,
    };
    Error::Api {
        status,
        body: Box::new(serde_json::from_str::<ApiError>(&raw).unwrap_or_default()),
        raw,
        headers: Box::new(headers),
    }
}

/// How one call is sent, beyond what it sends: set with a request's `validate` and `retry`.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct CallOptions {
    pub validate: bool,
    /// This call's retry policy instead of the client's.
    pub retry: Option<RetryPolicy>,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions { validate: true, retry: None }
    }
}

/// One call of a generated operation: what its typed [`Request`](crate::Request) hands the runtime.
#[doc(hidden)]
#[derive(Debug)]
pub struct Call {
    /// The `operationId`.
    pub operation: &'static str,
    pub method: Method,
    /// The path as the spec writes it (`/api/atlas/v2/groups/{groupId}/clusters`), for logs.
    pub path_template: &'static str,
    /// The path with its parameters already in place (each one segment).
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    /// The media type of the response it expects (`application/vnd.atlas.2024-08-05+json`,
    /// `...+gzip`): the API version it is generated for.
    pub accept: &'static str,
    /// The media type of its body.
    pub content_type: &'static str,
    pub body: Option<Vec<u8>>,
    /// The verdict of validating the parameters and body: a request that fails it is never sent.
    pub validation: Result<(), crate::validation::Violations>,
    pub options: CallOptions,
}

impl Client {
    /// Sends a generated operation's call and reads the body: refused before sending when
    /// its validation failed (unless validation is off for the client or the call).
    #[doc(hidden)]
    pub async fn execute(&self, call: Call) -> Result<Response, Error> {
        let request = self.prepare(call)?;
        self.send(&request).await
    }

    /// [`execute`](Self::execute) for a download: the body comes as a stream.
    #[doc(hidden)]
    pub async fn execute_stream(&self, call: Call) -> Result<ByteStream, Error> {
        let request = self.prepare(call)?;
        Ok(ByteStream::new(self.dispatch(&request).await?))
    }

    fn prepare(&self, call: Call) -> Result<RawRequest, Error> {
        if self.inner.validate && call.options.validate {
            call.validation.map_err(Error::Validation)?;
        }
        Ok(RawRequest {
            client: self.clone(),
            operation: call.operation,
            method: call.method,
            path_template: call.path_template.to_string(),
            path: call.path,
            query: call.query.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            api_version: None,
            media: Some((call.accept, call.content_type)),
            body: call.body,
            headers: call.headers,
            retry: call.options.retry,
        })
    }
}

/// Everything but RFC 3986's unreserved characters is escaped in a path segment.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A path parameter as one path segment: `/`, `?`, `#` and `%` are escaped, so no value can
/// change the route (`10.0.0.0/24` is `10.0.0.0%2F24`). An empty value, `.` and `..` are
/// refused: URLs resolve them (escaped or not) as steps in the path.
pub fn path_segment(value: &str) -> Result<String, Error> {
    if value.is_empty() || value.chars().all(|c| c == '.') && value.len() <= 2 {
        return Err(Error::Config(format!("{value:?} cannot be a path parameter: it would change the route")));
    }
    Ok(percent_encoding::utf8_percent_encode(value, SEGMENT).to_string())
}

impl ClientBuilder {
    /// `https://cloud.mongodb.com` unless set (Atlas for Government: [`Client::GOVERNMENT_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// A programmatic API key (HTTP Digest).
    pub fn api_key(self, public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        self.credentials(Credentials::ApiKey { public_key: public_key.into(), private_key: private_key.into() })
    }

    /// A service account (OAuth2 client credentials).
    pub fn service_account(self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.credentials(Credentials::ServiceAccount { client_id: client_id.into(), client_secret: client_secret.into() })
    }

    /// A bearer token obtained elsewhere.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::Bearer(token.into()))
    }

    /// Total time allowed for one request (60 s unless set).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// `atlas-admin-rust/<version>` unless set.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The caller's own `reqwest::Client` (timeouts and user agent are then its own).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Whether typed requests are validated before they are sent (on unless set).
    pub fn validate(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// How failed requests are retried ([`RetryPolicy::default`] unless set;
    /// [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The most bytes a response body is read into memory (default
    /// [`DEFAULT_MAX_BODY_BYTES`], 64 MiB): a larger one is [`Error::TooLarge`]. Downloads
    /// of any size go through [`Request::send_stream`](crate::Request::send_stream), which
    /// does not buffer.
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body = limit;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        url::Url::parse(&self.base_url).map_err(|e| Error::Config(format!("base URL {:?}: {e}", self.base_url)))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                // Atlas does not redirect its API: a 3xx is answered as the error it is, so
                // credentials never follow a redirect to another host, and a loop cannot spin.
                let mut builder =
                    reqwest::Client::builder().user_agent(self.user_agent).redirect(reqwest::redirect::Policy::none());
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build()?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url,
                credentials: self.credentials,
                validate: self.validate,
                retry: self.retry,
                max_body: self.max_body,
                digest: std::sync::Mutex::new(None),
                token: tokio::sync::Mutex::new(None),
            }),
        })
    }
}

/// A request to any path of the API; see [`Client::request`].
#[derive(Debug)]
pub struct RawRequest {
    client: Client,
    /// The `operationId` for a generated call, `raw` otherwise (for logs).
    operation: &'static str,
    method: Method,
    path_template: String,
    path: String,
    query: Vec<(String, String)>,
    api_version: Option<String>,
    /// A generated operation's exact media types (accept, content type).
    media: Option<(&'static str, &'static str)>,
    body: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
    retry: Option<RetryPolicy>,
}

impl RawRequest {
    /// This request's retry policy instead of the client's (a POST known to be safe to
    /// repeat: `RetryPolicy::default().retry_non_idempotent(true)`).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The API version (`2024-08-05`, `preview`): sent as
    /// `Accept: application/vnd.atlas.<version>+json`, and as the body's content type.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// A query parameter (repeat the call for repeated keys).
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// A JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }

    fn url(&self, base: &str) -> Result<url::Url, Error> {
        let mut url = url::Url::parse(&format!("{base}{}", self.path))
            .map_err(|e| Error::Config(format!("path {:?}: {e}", self.path)))?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    pub async fn send(self) -> Result<Response, Error> {
        self.client.send(&self).await
    }

    /// Sends it and streams the body (a download).
    pub async fn send_stream(self) -> Result<ByteStream, Error> {
        Ok(ByteStream::new(self.client.dispatch(&self).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn path_parameters_stay_one_segment() {
        let segment = |v: &str| path_segment(v).unwrap();
        assert_eq!(segment("10.0.0.0/24"), "10.0.0.0%2F24");
        assert_eq!(segment("a?b#c%d"), "a%3Fb%23c%25d");
        assert_eq!(segment("Cluster0-my_db~1.x"), "Cluster0-my_db~1.x");
        assert_eq!(segment("数据"), "%E6%95%B0%E6%8D%AE");
        assert_eq!(segment("..."), "...");
        for bad in ["", ".", ".."] {
            assert!(path_segment(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn from_env_prefers_a_service_account_and_names_what_is_missing() {
        let both = Client::from_vars(vars(&[
            ("MONGODB_ATLAS_CLIENT_ID", "id"),
            ("MONGODB_ATLAS_CLIENT_SECRET", "secret"),
            ("MONGODB_ATLAS_PUBLIC_KEY", "pub"),
            ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
            ("MONGODB_ATLAS_BASE_URL", "http://localhost:4010/"),
        ]))
        .unwrap();
        assert!(matches!(both.inner.credentials, Credentials::ServiceAccount { .. }));
        assert_eq!(both.base_url(), "http://localhost:4010");
        let half = Client::from_vars(vars(&[("MONGODB_ATLAS_PUBLIC_KEY", "pub")])).unwrap_err();
        assert!(half.to_string().contains("MONGODB_ATLAS_PRIVATE_KEY"), "{half}");
        let none = Client::from_vars(vars(&[])).unwrap_err();
        assert!(none.to_string().contains("MONGODB_ATLAS_CLIENT_ID"), "{none}");
        assert!(!format!("{both:?}").contains("secret\""), "{both:?}");
    }

    #[test]
    fn an_empty_variable_is_unset() {
        let client = Client::from_vars(vars(&[
            ("MONGODB_ATLAS_BASE_URL", ""),
            ("MONGODB_ATLAS_CLIENT_ID", ""),
            ("MONGODB_ATLAS_CLIENT_SECRET", ""),
            ("MONGODB_ATLAS_PUBLIC_KEY", "pub"),
            ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
        ]))
        .unwrap();
        assert!(matches!(client.inner.credentials, Credentials::ApiKey { .. }));
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        let half = Client::from_vars(vars(&[("MONGODB_ATLAS_CLIENT_ID", "id"), ("MONGODB_ATLAS_CLIENT_SECRET", "")])).unwrap_err();
        assert!(half.to_string().contains("MONGODB_ATLAS_CLIENT_SECRET is not"), "{half}");
    }

    #[test]
    fn a_client_shows_its_settings_but_not_its_secrets() {
        let client = Client::builder().base_url("http://localhost:1/").api_key("pub", "private-key").validate(false).build().unwrap();
        let shown = format!("{client:?}");
        for part in ["base_url: \"http://localhost:1\"", "validate: false", "retry: RetryPolicy", "public_key: \"pub\""] {
            assert!(shown.contains(part), "{part} in {shown}");
        }
        assert!(!shown.contains("private-key"), "{shown}");
        assert!(!client.validates());
        assert!(Client::builder().build().unwrap().validates());
    }
}
