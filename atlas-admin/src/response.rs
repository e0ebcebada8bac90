//! What comes back: a buffered [`Response`], a decoded [`TypedResponse`], a streamed
//! [`ByteStream`] for downloads, and the [`RateLimit`] headers of each. Written by hand.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::header::{HeaderMap, HeaderValue};

use crate::error::{excerpt, Error};

/// The rate-limit headers Atlas sends with a response (`RateLimit-Limit`,
/// `RateLimit-Remaining`, `Retry-After`), each `None` when absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// How long the server asks the client to wait.
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> RateLimit {
        let number = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
        RateLimit {
            limit: number("ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            retry_after: crate::retry::retry_after(headers, SystemTime::now()),
        }
    }

    /// Whether the response carried any of the headers.
    pub fn is_empty(&self) -> bool {
        *self == RateLimit::default()
    }
}

/// The request id Atlas gives each response (`X-Request-Id`), for support.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
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
        request_id(&self.headers).map(str::to_owned)
    }

    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }
}

/// A successful response: status, headers and body, decoded on demand.
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
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
        request_id(&self.headers).map(str::to_owned)
    }

    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.get(name)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.body
    }

    /// The body as text, for an answer whose schema is a string: the string itself whether
    /// it comes JSON-quoted (`"-----BEGIN..."`, as the media type promises) or bare (the PEM
    /// or XML document Atlas actually sends). Only a body that is not UTF-8 is an error.
    pub fn text(&self) -> Result<String, Error> {
        if self.body.first() == Some(&b'"') {
            if let Ok(quoted) = serde_json::from_slice::<String>(&self.body) {
                return Ok(quoted);
            }
        }
        String::from_utf8(self.body.clone()).map_err(|e| self.decode_error(String::new(), format!("the body is not text: {e}")))
    }

    /// The body decoded into a model; an error names the JSON path that failed.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| self.decode_error(e.path().to_string(), e.inner().to_string()))
    }

    /// A decode failure at `path` (a JSON path, empty for the whole body), with the body.
    fn decode_error(&self, path: String, message: String) -> Error {
        let raw = String::from_utf8_lossy(&self.body).into_owned();
        Error::Decode { path, message, excerpt: excerpt(&raw), raw, status: self.status, headers: Box::new(self.headers.clone()) }
    }
}

/// A download as it arrives (gzip logs, csv invoices): a [`Stream`] of byte chunks, with the
/// response's status and headers. Nothing is decoded: the bytes are the file.
pub struct ByteStream {
    status: u16,
    headers: HeaderMap,
    chunks: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
}

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response) -> ByteStream {
        ByteStream {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            chunks: Box::pin(response.bytes_stream().map(|chunk| chunk.map_err(Error::Transport))),
        }
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers).map(str::to_owned)
    }

    /// Reads the rest of the stream into memory.
    pub async fn collect_bytes(mut self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        while let Some(chunk) = self.chunks.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream").field("status", &self.status).field("headers", &self.headers).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_headers_are_read_when_present() {
        let mut headers = HeaderMap::new();
        assert!(RateLimit::from_headers(&headers).is_empty());
        headers.insert("RateLimit-Limit", "100".parse().unwrap());
        headers.insert("RateLimit-Remaining", " 7 ".parse().unwrap());
        headers.insert("Retry-After", "3".parse().unwrap());
        let limit = RateLimit::from_headers(&headers);
        assert_eq!(limit.limit, Some(100));
        assert_eq!(limit.remaining, Some(7));
        assert_eq!(limit.retry_after, Some(Duration::from_secs(3)));
    }

    fn with_body(body: &[u8]) -> Response {
        Response { status: 201, headers: HeaderMap::new(), body: body.to_vec() }
    }

    #[test]
    fn a_string_answer_is_the_text_quoted_or_not() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(with_body(pem.as_bytes()).text().unwrap(), pem);
        assert_eq!(with_body(serde_json::to_string(pem).unwrap().as_bytes()).text().unwrap(), pem);
        // A quote that does not open a JSON string is text like any other.
        assert_eq!(with_body(b"\"unterminated").text().unwrap(), "\"unterminated");
        assert_eq!(with_body(b"").text().unwrap(), "");
        assert!(matches!(with_body(&[0xff, 0xfe]).text(), Err(Error::Decode { .. })));
    }
}
