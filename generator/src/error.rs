//! One error type for the whole pipeline. Every error names the place in the spec
//! (a JSON pointer) or the file it is about, so a maintainer can go straight to it.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{path} is {size} bytes, over the {limit}-byte limit for a spec")]
    TooLarge { path: PathBuf, size: u64, limit: u64 },

    #[error("{path}: not valid YAML or JSON: {message}")]
    Syntax { path: PathBuf, message: String },

    #[error("{path}: not an OpenAPI 3.0 document at {pointer}: {message}")]
    Shape { path: PathBuf, pointer: String, message: String },

    /// Fixes whose `test` no longer holds on the spec they are for: every one, at once.
    #[error("{report}")]
    StaleFixes { report: String, stale: Vec<crate::parse::StaleFix> },

    /// `number` is 1-based, as every report counts fixes.
    #[error("spec fix #{number} ({why}) cannot be applied: {message}")]
    Fix { number: usize, why: String, message: String },

    /// A construct of the spec the generator does not (or cannot) turn into Rust.
    #[error("{pointer}: {message}")]
    Spec { pointer: String, message: String },

    /// Emitted code that does not parse as Rust: a generator bug, reported with the file.
    #[error("generated {file} is not valid Rust: {message}")]
    Emit { file: String, message: String },

    #[error("{0}")]
    Lock(String),

    /// A download that failed, stalled, was too large or was not a spec: names the URL.
    #[error("cannot download {url}: {reason}")]
    Download { url: String, reason: String },
}

impl Error {
    pub fn spec(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Spec { pointer: pointer.into(), message: message.into() }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `text` cut to about `max` characters, on a character boundary.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}
