//! Stage 1: bytes on disk -> `openapiv3::OpenAPI`.
//!
//! The raw file is hashed (for the lock), parsed as YAML (a superset of JSON), patched with
//! the project's own fixes and only then deserialised, so every fix is visible in one file
//! and errors point into the document with a JSON pointer.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Far above the real spec (4 MB) but low enough to refuse a runaway file early.
/// (openapi-generator's parser caps at ~3 MB and refuses the real spec outright.)
pub const MAX_SPEC_BYTES: u64 = 256 * 1024 * 1024;

/// A spec as read: the parsed document and what identifies the file it came from.
#[derive(Debug)]
pub struct SpecSource {
    pub path: PathBuf,
    /// sha256 of the file's bytes, before any fix.
    pub sha256: String,
    /// `info.x-xgen-sha`: the upstream commit the spec was built from, when present.
    pub xgen_sha: Option<String>,
    /// How many fixes from `spec/fixes.yaml` were applied.
    pub fixes_applied: usize,
    pub openapi: openapiv3::OpenAPI,
}

/// The project's own corrections to the spec: JSON patches, each with the reason for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixes {
    #[serde(default)]
    pub fixes: Vec<Fix>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub why: String,
    pub patch: json_patch::Patch,
}

/// sha256 of a file, hex encoded.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a file with the size limit applied before anything is loaded.
pub fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > MAX_SPEC_BYTES {
        return Err(Error::TooLarge { path: path.into(), size: meta.len(), limit: MAX_SPEC_BYTES });
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Reads, fixes and parses the spec at `path`.
pub fn read_spec(path: &Path, fixes_path: Option<&Path>) -> Result<SpecSource> {
    let bytes = read_limited(path)?;
    let sha256 = sha256_hex(&bytes);
    let mut document = parse_document(path, &bytes)?;
    let fixes_applied = match fixes_path {
        Some(fixes_path) if fixes_path.exists() => apply_fixes(&mut document, fixes_path)?,
        _ => 0,
    };
    let xgen_sha = document
        .pointer("/info/x-xgen-sha")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let openapi = to_openapi(path, document)?;
    Ok(SpecSource { path: path.into(), sha256, xgen_sha, fixes_applied, openapi })
}

/// Parses YAML or JSON text into a JSON value.
pub fn parse_document(path: &Path, bytes: &[u8]) -> Result<serde_json::Value> {
    let mut document = serde_yaml::from_slice(bytes)
        .map_err(|e| Error::Syntax { path: path.into(), message: e.to_string() })?;
    integral_floats_to_integers(&mut document);
    Ok(document)
}

/// The Atlas spec is written by Go's YAML encoder, which spells 3000000 as `3e+06`: a YAML
/// float. JSON Schema counts a number with no fractional part as an integer, so such
/// values (examples, minimums of integer properties) become integers again.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

/// Applies every fix in the file, in order. Returns how many were applied.
pub fn apply_fixes(document: &mut serde_json::Value, fixes_path: &Path) -> Result<usize> {
    let bytes = read_limited(fixes_path)?;
    let fixes: Fixes = serde_yaml::from_slice(&bytes)
        .map_err(|e| Error::Syntax { path: fixes_path.into(), message: e.to_string() })?;
    for (index, fix) in fixes.fixes.iter().enumerate() {
        json_patch::patch(document, &fix.patch).map_err(|e| Error::Fix {
            index,
            why: fix.why.clone(),
            message: e.to_string(),
        })?;
    }
    Ok(fixes.fixes.len())
}

/// Deserialises a document into `openapiv3`, reporting where it does not fit.
pub fn to_openapi(path: &Path, document: serde_json::Value) -> Result<openapiv3::OpenAPI> {
    let version = document.get("openapi").and_then(|v| v.as_str()).unwrap_or("");
    if !version.starts_with("3.0") {
        return Err(Error::Shape {
            path: path.into(),
            pointer: "/openapi".into(),
            message: format!("expected an OpenAPI 3.0.x document, found version {version:?}"),
        });
    }
    serde_path_to_error::deserialize(document).map_err(|e| Error::Shape {
        path: path.into(),
        pointer: path_to_pointer(e.path()),
        message: e.inner().to_string(),
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&crate::error::pointer_token(key)),
            Segment::Enum { variant } => pointer.push_str(&crate::error::pointer_token(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn shape_errors_carry_a_json_pointer() {
        let doc = serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"A": {"type": "object", "required": "not-a-list"}}}
        });
        let err = to_openapi(Path::new("x.yaml"), doc).unwrap_err().to_string();
        assert!(err.contains("at /components/schemas/A"), "{err}");
    }

    #[test]
    fn reads_the_upstream_build_sha() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.json");
        let doc = serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1", "x-xgen-sha": "f00d"},
            "paths": {}
        });
        std::fs::write(&path, doc.to_string()).unwrap();
        let spec = read_spec(&path, None).unwrap();
        assert_eq!(spec.xgen_sha.as_deref(), Some("f00d"));
        assert_eq!(spec.sha256, sha256_hex(doc.to_string().as_bytes()));
    }

    #[test]
    fn go_style_exponent_integers_become_integers() {
        let doc = parse_document(Path::new("x.yaml"), b"a: 3e+06\nb: 1.5\nc: [2.0]\n").unwrap();
        assert_eq!(doc, serde_json::json!({"a": 3000000, "b": 1.5, "c": [2]}));
        assert!(doc["a"].is_i64());
    }

    #[test]
    fn refuses_other_openapi_versions() {
        let doc = serde_json::json!({"openapi": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}});
        let err = to_openapi(Path::new("x.yaml"), doc).unwrap_err().to_string();
        assert!(err.contains("/openapi"), "{err}");
    }

    #[test]
    fn applies_fixes_in_order_and_names_a_failing_one() {
        let dir = tempfile::tempdir().unwrap();
        let fixes = dir.path().join("fixes.yaml");
        std::fs::write(
            &fixes,
            "fixes:\n  - why: rename\n    patch:\n      - {op: replace, path: /a, value: 2}\n  - why: missing\n    patch:\n      - {op: remove, path: /nope}\n",
        )
        .unwrap();
        let mut doc = serde_json::json!({"a": 1});
        let err = apply_fixes(&mut doc, &fixes).unwrap_err().to_string();
        assert_eq!(doc["a"], 2);
        assert!(err.contains("#1 (missing)"), "{err}");
    }
}
