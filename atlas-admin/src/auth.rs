//! How requests authenticate: programmatic API keys (HTTP Digest), service accounts (OAuth2
//! client credentials) or a bearer token. Written by hand; the generator never touches it.
//! Secrets never appear in `Debug`, errors or logs.

use std::fmt;
use std::time::{Duration, Instant};

use crate::error::Error;

/// The credentials a [`Client`](crate::Client) signs its requests with.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// A programmatic API key pair, by HTTP Digest (RFC 7616).
    ApiKey { public_key: String, private_key: String },
    /// A service account, by OAuth2 client credentials against `<base>/api/oauth/token`.
    ServiceAccount { client_id: String, client_secret: String },
    /// A bearer token obtained elsewhere.
    Bearer(String),
    /// No authentication (a mock server, or only public endpoints).
    None,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey { public_key, .. } => {
                f.debug_struct("ApiKey").field("public_key", public_key).field("private_key", &"<redacted>").finish()
            }
            Credentials::ServiceAccount { client_id, .. } => f
                .debug_struct("ServiceAccount")
                .field("client_id", client_id)
                .field("client_secret", &"<redacted>")
                .finish(),
            Credentials::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Credentials::None => f.write_str("None"),
        }
    }
}

/// A token is refreshed this long before it expires, so no request goes out with a token
/// about to lapse.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub(crate) struct Token {
    pub(crate) access_token: String,
    pub(crate) expires_at: Instant,
}

impl Token {
    pub(crate) fn fresh(&self) -> bool {
        Instant::now() + REFRESH_MARGIN < self.expires_at
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// A form POST to one of the OAuth endpoints, authenticated as the service account.
async fn oauth_post(
    http: &reqwest::Client,
    url: String,
    client_id: &str,
    client_secret: &str,
    form: String,
) -> Result<reqwest::Response, Error> {
    Ok(http
        .post(url)
        .basic_auth(client_id, Some(client_secret))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(form)
        .send()
        .await?)
}

/// The most of a token endpoint's answer that is read: a token is a few hundred bytes, and
/// a broken or hostile server must not make the client buffer without bound.
const TOKEN_BODY_LIMIT: u64 = 64 * 1024;

/// Fetches a service-account token.
pub(crate) async fn fetch_token(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &str,
) -> Result<Token, Error> {
    let form = url::form_urlencoded::Serializer::new(String::new()).append_pair("grant_type", "client_credentials").finish();
    let response = oauth_post(http, format!("{base}/api/oauth/token"), client_id, client_secret, form).await?;
    let status = response.status();
    let body = match crate::client::read_body(response, TOKEN_BODY_LIMIT).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(Error::TooLarge { .. }) => {
            return Err(Error::Auth(format!("the token endpoint answered {status} with over {TOKEN_BODY_LIMIT} bytes")))
        }
        Err(e) => return Err(e),
    };
    if !status.is_success() {
        return Err(Error::Auth(format!("the token endpoint answered {status}: {}", crate::error::excerpt(&body))));
    }
    let token: TokenResponse = serde_json::from_str(&body)
        .map_err(|e| Error::Auth(format!("the token endpoint's answer is not a token: {e}")))?;
    Ok(Token {
        access_token: token.access_token,
        // Atlas's tokens live an hour; a server that does not say is taken at its word for that.
        expires_at: Instant::now() + Duration::from_secs(token.expires_in.unwrap_or(3600)),
    })
}

/// Revokes a service-account token.
pub(crate) async fn revoke_token(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &str,
    token: &str,
) -> Result<(), Error> {
    // Form-encoded: a token is opaque, and a `+`, `&` or `=` in it must arrive as itself.
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("token_type_hint", "access_token")
        .finish();
    let response = oauth_post(http, format!("{base}/api/oauth/revoke"), client_id, client_secret, form).await?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(Error::Auth(format!("the revoke endpoint answered {}", response.status())))
    }
}

/// The `Authorization` header for a digest challenge the client keeps: the nonce is reused
/// with an incremented `nc`, so a call is one round trip until the server calls it stale.
pub(crate) fn digest_header(
    challenge: &mut digest_auth::WwwAuthenticateHeader,
    public_key: &str,
    private_key: &str,
    uri: &str,
    method: &str,
    body: Option<&[u8]>,
) -> Result<String, Error> {
    let context = digest_auth::AuthContext::new_with_method(
        public_key,
        private_key,
        uri,
        body,
        digest_auth::HttpMethod::from(method.to_string()),
    );
    challenge
        .respond(&context)
        .map(|header| header.to_header_string())
        .map_err(|e| Error::Auth(format!("cannot answer the digest challenge: {e}")))
}

/// Parses a `WWW-Authenticate: Digest ...` challenge.
pub(crate) fn parse_challenge(header: &str) -> Result<digest_auth::WwwAuthenticateHeader, Error> {
    digest_auth::parse(header).map_err(|e| Error::Auth(format!("malformed digest challenge: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let keys = Credentials::ApiKey { public_key: "pub".into(), private_key: "hunter2".into() };
        let account = Credentials::ServiceAccount { client_id: "mdb_sa_id_x".into(), client_secret: "s3cret".into() };
        let bearer = Credentials::Bearer("tok3n".into());
        let shown = format!("{keys:?} {account:?} {bearer:?}");
        assert!(shown.contains("pub") && shown.contains("mdb_sa_id_x"), "{shown}");
        for secret in ["hunter2", "s3cret", "tok3n"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn a_digest_nonce_is_reused_with_a_counter() {
        let mut challenge =
            parse_challenge(r#"Digest realm="MMS Public API", domain="", nonce="abc", algorithm=MD5, qop="auth", stale=false"#)
                .unwrap();
        let first = digest_header(&mut challenge, "pub", "priv", "/api/atlas/v2", "GET", None).unwrap();
        let second = digest_header(&mut challenge, "pub", "priv", "/api/atlas/v2", "GET", None).unwrap();
        assert!(first.contains("nc=00000001"), "{first}");
        assert!(second.contains("nc=00000002"), "{second}");
        assert!(!first.contains("priv"));
    }
}
