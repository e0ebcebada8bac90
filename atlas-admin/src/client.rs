//! The client: configuration, authentication and sending. Written by hand; the generator
//! never touches this file. Generated operations (one module per tag, to come) build on
//! [`Client::request`], which is also the escape hatch for what the spec gets wrong: any
//! method, path, API version and body, with auth, errors and versioning handled.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::Method;

use crate::auth::{self, Credentials, Token};
use crate::error::{excerpt, ApiError, Error};

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
}

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
        }
    }

    /// A client configured as the Atlas CLI and the Terraform provider are:
    /// `MONGODB_ATLAS_BASE_URL` (optional), and either `MONGODB_ATLAS_CLIENT_ID` +
    /// `MONGODB_ATLAS_CLIENT_SECRET` (a service account, preferred when both pairs are set)
    /// or `MONGODB_ATLAS_PUBLIC_KEY` + `MONGODB_ATLAS_PRIVATE_KEY` (an API key).
    pub fn from_env() -> Result<Client, Error> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
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
            method,
            path: path.to_string(),
            query: Vec::new(),
            api_version: None,
            media: None,
            body: None,
            headers: Vec::new(),
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

    async fn send(&self, request: &RawRequest) -> Result<Response, Error> {
        let url = request.url(&self.inner.base_url)?;
        let uri = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        };
        let versioned = match &request.api_version {
            Some(version) => format!("application/vnd.atlas.{version}+json"),
            None => "application/json".to_string(),
        };
        let (accept, content_type) = match request.media {
            Some((accept, content_type)) => (accept, content_type),
            None => (versioned.as_str(), versioned.as_str()),
        };
        let mut refused_token: Option<String> = None;
        for attempt in 0..2 {
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
                            &uri,
                            request.method.as_str(),
                            request.body.as_deref(),
                        )?;
                        builder = builder.header(AUTHORIZATION, header);
                    }
                }
                Credentials::None => {}
            }
            tracing::debug!(method = %request.method, path = %request.path, attempt, "atlas request");
            let response = builder.send().await?;
            let status = response.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                match &self.inner.credentials {
                    Credentials::ApiKey { .. } => {
                        // A first challenge, or a stale nonce: answer the new one once.
                        if let Some(header) = response.headers().get(WWW_AUTHENTICATE).and_then(|h| h.to_str().ok()) {
                            let challenge = auth::parse_challenge(header)?;
                            *self.inner.digest.lock().unwrap_or_else(|e| e.into_inner()) = Some(challenge);
                            continue;
                        }
                    }
                    Credentials::ServiceAccount { .. } => {
                        refused_token = sent_token;
                        continue;
                    }
                    _ => {}
                }
            }
            let headers = response.headers().clone();
            let body = response.bytes().await?;
            tracing::debug!(method = %request.method, path = %request.path, status = status.as_u16(), "atlas response");
            if !status.is_success() {
                let raw = String::from_utf8_lossy(&body).into_owned();
                return Err(Error::Api {
                    status: status.as_u16(),
                    body: Box::new(serde_json::from_str::<ApiError>(&raw).unwrap_or_default()),
                    request_id: request_id(&headers),
                    raw,
                });
            }
            return Ok(Response { status: status.as_u16(), headers, body: body.to_vec() });
        }
        unreachable!("the second attempt always returns")
    }
}

/// One call of a generated operation: what its typed builder hands the runtime.
#[doc(hidden)]
#[derive(Debug)]
pub struct Call {
    pub operation: &'static str,
    pub method: Method,
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
}

impl Client {
    /// Sends a generated operation's call: refused before sending when its validation failed
    /// (unless the client's validation is off).
    #[doc(hidden)]
    pub async fn execute(&self, call: Call) -> Result<Response, Error> {
        if self.inner.validate {
            call.validation.map_err(Error::Validation)?;
        }
        tracing::debug!(operation = call.operation, "atlas operation");
        let request = RawRequest {
            client: self.clone(),
            method: call.method,
            path: call.path,
            query: call.query.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            api_version: None,
            media: Some((call.accept, call.content_type)),
            body: call.body,
            headers: call.headers,
        };
        self.send(&request).await
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

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
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

    pub fn build(self) -> Result<Client, Error> {
        url::Url::parse(&self.base_url).map_err(|e| Error::Config(format!("base URL {:?}: {e}", self.base_url)))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder().user_agent(self.user_agent);
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
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    api_version: Option<String>,
    /// A generated operation's exact media types (accept, content type).
    media: Option<(&'static str, &'static str)>,
    body: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
}

impl RawRequest {
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
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Decode { path: String::new(), message: format!("cannot encode the body: {e}"), excerpt: String::new(), raw: String::new() })?;
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
}

/// A generated operation's decoded answer with the response's status and headers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TypedResponse<T> {
    pub value: T,
    pub status: u16,
    pub headers: HeaderMap,
}

impl<T> TypedResponse<T> {
    /// The request id Atlas gave the response, for support.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }
}

/// A successful response: status, headers and body, decoded on demand.
#[derive(Debug, Clone)]
pub struct Response {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Response {
    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id Atlas gave the response, for support.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.get(name)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body decoded into a model; an error names the JSON path that failed.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let raw = String::from_utf8_lossy(&self.body).into_owned();
            Error::Decode { path: e.path().to_string(), message: e.inner().to_string(), excerpt: excerpt(&raw), raw }
        })
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
}
