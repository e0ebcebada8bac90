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
    /// Which fixes were applied and which were skipped as not for this spec.
    pub fixes: FixReport,
    pub openapi: openapiv3::OpenAPI,
}

/// The project's own corrections to the spec: JSON patches, each with the reason for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixes {
    #[serde(default)]
    pub fixes: Vec<Fix>,
}

/// One fix. It states the specs it is for by their date (the lock's `spec_date`): `since`
/// and `until` (inclusive, both optional). For every spec in that range the fix must apply
/// whole: each of its `test` operations must hold, or the fix is *stale* (Atlas fixed the
/// spec, or moved the text) and generation stops, listing every stale fix at once. Outside
/// its range a fix is skipped, and reported as such.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub why: String,
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    pub patch: json_patch::Patch,
}

impl Fix {
    /// Whether the spec of `date` is one this fix is for (every spec when the date is unknown).
    pub fn is_for(&self, date: Option<&str>) -> bool {
        let Some(date) = date else { return self.until.is_none() };
        self.since.as_deref().is_none_or(|since| since <= date) && self.until.as_deref().is_none_or(|until| date <= until)
    }

    /// The `test` operations of the patch that do not hold on `document`: (path, expected,
    /// what is there instead).
    fn failed_tests(&self, document: &serde_json::Value) -> Vec<FailedTest> {
        self.patch
            .0
            .iter()
            .filter_map(|op| match op {
                json_patch::PatchOperation::Test(test) => {
                    let path = test.path.to_string();
                    let found = document.pointer(&path).cloned();
                    (found.as_ref() != Some(&test.value)).then(|| FailedTest { path, expected: test.value.clone(), found })
                }
                _ => None,
            })
            .collect()
    }
}

/// A `test` of a fix that does not hold on the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedTest {
    pub path: String,
    pub expected: serde_json::Value,
    /// What the spec has there (`None`: nothing).
    pub found: Option<serde_json::Value>,
}

/// A fix the spec no longer needs or no longer fits.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleFix {
    /// 1-based, as the report and `fixes.yaml`'s comments count.
    pub number: usize,
    pub why: String,
    pub failed: Vec<FailedTest>,
}

/// What the fixes did to one spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FixReport {
    /// Numbers (1-based) of the fixes applied.
    pub applied: Vec<usize>,
    /// Numbers of the fixes whose `since`/`until` leave this spec out.
    pub skipped: Vec<usize>,
}

/// The whole report on stale fixes, with what to do about each.
pub fn stale_report(stale: &[StaleFix]) -> String {
    let mut out = format!("{} spec fix(es) no longer apply (spec/fixes.yaml):\n", stale.len());
    for fix in stale {
        let why: String = fix.why.split_whitespace().collect::<Vec<_>>().join(" ");
        let why = crate::error::excerpt(&why, 160);
        out.push_str(&format!("  fix #{}: {why}\n", fix.number));
        for test in &fix.failed {
            out.push_str(&format!("    at {} it expected {}\n", test.path, crate::error::excerpt(&test.expected.to_string(), 200)));
            match &test.found {
                Some(found) => out.push_str(&format!("      and found {}\n", crate::error::excerpt(&found.to_string(), 200))),
                None => out.push_str("      and found nothing there\n"),
            }
        }
    }
    out.push_str(
        "What to do: if the spec now says what a fix said (Atlas fixed it), drop the fix; if the text \
         moved or changed, re-anchor the fix (its `test` and the operations after it) on the new text; \
         if the fix is only for older specs, give it `until: YYYY-MM-DD`.",
    );
    out
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
    read_spec_dated(path, fixes_path, None)
}

/// [`read_spec`] for the spec of `spec_date`: the fixes whose `since`/`until` leave it out are
/// skipped.
pub fn read_spec_dated(path: &Path, fixes_path: Option<&Path>, spec_date: Option<&str>) -> Result<SpecSource> {
    read_spec_timed(path, fixes_path, spec_date, &mut crate::timing::Stages::default())
}

/// [`read_spec_dated`], timing its stages (read, YAML, fixes, OpenAPI).
pub fn read_spec_timed(
    path: &Path,
    fixes_path: Option<&Path>,
    spec_date: Option<&str>,
    stages: &mut crate::timing::Stages,
) -> Result<SpecSource> {
    read_spec_cached(path, fixes_path, spec_date, None, stages)
}

/// [`read_spec_timed`], taking the parsed document from `documents` when it holds this
/// spec's (and leaving it there when it did not).
pub fn read_spec_cached(
    path: &Path,
    fixes_path: Option<&Path>,
    spec_date: Option<&str>,
    documents: Option<&DocumentCache>,
    stages: &mut crate::timing::Stages,
) -> Result<SpecSource> {
    let bytes = stages.time("read", || read_limited(path))?;
    let sha256 = sha256_hex(&bytes);
    let remembered = documents.and_then(|cache| stages.time("parse: from the cache", || cache.get(&sha256)));
    let mut document = match remembered {
        Some(document) => document,
        None => {
            let document = stages.time("parse YAML", || parse_document(path, &bytes))?;
            if let Some(cache) = documents {
                stages.time("parse: remember", || cache.put(&sha256, &document));
            }
            document
        }
    };
    let fixes = stages.time("fixes", || match fixes_path {
        Some(fixes_path) if fixes_path.exists() => apply_fixes_for(&mut document, fixes_path, spec_date),
        _ => Ok(FixReport::default()),
    })?;
    let fixes_applied = fixes.applied.len();
    let xgen_sha = document
        .pointer("/info/x-xgen-sha")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let openapi = stages.time("OpenAPI", || to_openapi(path, document))?;
    Ok(SpecSource { path: path.into(), sha256, xgen_sha, fixes_applied, fixes, openapi })
}

/// The spec's parsed document, remembered between runs by the sha256 of the spec's bytes:
/// YAML parses about five times slower than the same document as JSON, and a spec is
/// generated from many times (every `generate`, `check`, generator change) between updates.
/// One file: a header line with the sha256, then the document as JSON. Anything else in
/// it, or an unreadable file, is a miss; it is only ever an optimisation.
#[derive(Debug, Clone)]
pub struct DocumentCache(pub PathBuf);

impl DocumentCache {
    const HEADER: &'static str = "atlas-admin parsed spec v1 sha256:";

    /// The document of the spec whose bytes hash to `sha256`, if this cache holds it.
    pub fn get(&self, sha256: &str) -> Option<serde_json::Value> {
        let bytes = std::fs::read(&self.0).ok()?;
        let (header, json) = bytes.split_at(bytes.iter().position(|b| *b == b'\n')?);
        if header != format!("{}{sha256}", Self::HEADER).as_bytes() {
            return None;
        }
        serde_json::from_slice(&json[1..]).ok()
    }

    /// Remembers `document` as the parse of the spec whose bytes hash to `sha256`, if it
    /// reads back as the same document (a number JSON would not carry exactly is not
    /// remembered). Errors are ignored: the next run parses the YAML again.
    pub fn put(&self, sha256: &str, document: &serde_json::Value) {
        let mut bytes = format!("{}{sha256}\n", Self::HEADER).into_bytes();
        let start = bytes.len();
        if serde_json::to_writer(&mut bytes, document).is_err() {
            return;
        }
        if serde_json::from_slice::<serde_json::Value>(&bytes[start..]).is_ok_and(|read| read == *document) {
            let _ = crate::write::write_file_atomically(&self.0, &bytes);
        }
    }
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

/// Reads `spec/fixes.yaml`.
pub fn read_fixes(fixes_path: &Path) -> Result<Fixes> {
    let bytes = read_limited(fixes_path)?;
    serde_yaml::from_slice(&bytes).map_err(|e| Error::Syntax { path: fixes_path.into(), message: e.to_string() })
}

/// Applies, in order, every fix that is for the spec of `spec_date`. Every stale fix is
/// reported at once ([`Error::StaleFixes`]) and then nothing is applied.
pub fn apply_fixes_for(document: &mut serde_json::Value, fixes_path: &Path, spec_date: Option<&str>) -> Result<FixReport> {
    let fixes = read_fixes(fixes_path)?;
    let mut report = FixReport::default();
    // The tests are checked on the spec as published, all before any fix is applied, so one
    // report lists them all. (No fix tests what another one writes.)
    let stale: Vec<StaleFix> = fixes
        .fixes
        .iter()
        .enumerate()
        .filter(|(_, fix)| fix.is_for(spec_date))
        .filter_map(|(index, fix)| {
            let failed = fix.failed_tests(document);
            (!failed.is_empty()).then(|| StaleFix { number: index + 1, why: fix.why.clone(), failed })
        })
        .collect();
    if !stale.is_empty() {
        return Err(Error::StaleFixes { report: stale_report(&stale), stale });
    }
    for (index, fix) in fixes.fixes.iter().enumerate() {
        if !fix.is_for(spec_date) {
            report.skipped.push(index + 1);
            continue;
        }
        json_patch::patch(document, &fix.patch).map_err(|e| Error::Fix {
            number: index + 1,
            why: fix.why.clone(),
            message: e.to_string(),
        })?;
        report.applied.push(index + 1);
    }
    Ok(report)
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
    // The two big members deserialise beside each other, each in place of an empty one (the
    // order of the document's members is kept).
    let mut document = document;
    let mut take = |member: &str| document.get_mut(member).map(|value| std::mem::replace(value, serde_json::json!({})));
    let (paths, components) = (take("paths"), take("components"));
    let ((paths, _), (components, rest)) = crate::timing::Stages::beside(
        || paths.map(|paths| deserialize_at::<openapiv3::Paths>(path, "/paths", paths)).transpose(),
        || {
            let components = components.map(|c| deserialize_at::<openapiv3::Components>(path, "/components", c)).transpose();
            (components, deserialize_at::<openapiv3::OpenAPI>(path, "", document))
        },
    );
    let (components, paths, mut openapi) = (components?, paths?, rest?);
    if let Some(paths) = paths {
        openapi.paths = paths;
    }
    if components.is_some() {
        openapi.components = components;
    }
    Ok(openapi)
}

/// Deserialises the value found at `pointer` in the spec; an error names its place.
fn deserialize_at<T: serde::de::DeserializeOwned>(path: &Path, pointer: &str, value: serde_json::Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| Error::Shape {
        path: path.into(),
        pointer: format!("{pointer}{}", path_to_pointer(e.path())),
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
        // In each part that deserialises apart, and in the rest.
        let doc = serde_json::json!({
            "openapi": "3.0.1",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": 7}}}}},
        });
        let err = to_openapi(Path::new("x.yaml"), doc).unwrap_err().to_string();
        // (`Paths` flattens its map, which hides the place inside it from serde.)
        assert!(err.contains("at /paths: invalid type: integer `7`"), "{err}");
        let doc = serde_json::json!({"openapi": "3.0.1", "info": {"title": 5, "version": "1"}, "paths": {}});
        let err = to_openapi(Path::new("x.yaml"), doc).unwrap_err().to_string();
        assert!(err.contains("at /info/title"), "{err}");
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
    fn a_remembered_parse_is_used_only_for_the_same_spec() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec.yaml");
        std::fs::write(&spec, "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\nx-n: 0.1\n").unwrap();
        let cache = DocumentCache(dir.path().join("spec.json"));
        let read = |cache: Option<&DocumentCache>| {
            let mut stages = crate::timing::Stages::default();
            let spec = read_spec_cached(&spec, None, None, cache, &mut stages).unwrap();
            (spec, stages.0.into_iter().map(|(stage, _)| stage).collect::<Vec<_>>())
        };
        let (first, stages) = read(Some(&cache));
        assert!(stages.contains(&"parse YAML".to_string()) && stages.contains(&"parse: remember".to_string()), "{stages:?}");
        let (second, stages) = read(Some(&cache));
        assert!(!stages.contains(&"parse YAML".to_string()), "the second read parses the remembered JSON: {stages:?}");
        assert_eq!(first.openapi, second.openapi);
        assert_eq!(second.openapi.extensions["x-n"], serde_json::json!(0.1));

        // Another spec (another sha256) is a miss, and a corrupt cache is an empty one.
        assert!(cache.get(&"0".repeat(64)).is_none());
        assert!(cache.get(&first.sha256).is_some());
        std::fs::write(&cache.0, format!("{}{}\n{{not json", DocumentCache::HEADER, first.sha256)).unwrap();
        assert!(cache.get(&first.sha256).is_none());
        let (third, stages) = read(Some(&cache));
        assert!(stages.contains(&"parse YAML".to_string()));
        assert_eq!(third.openapi, first.openapi);
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
        let err = apply_fixes_for(&mut doc, &fixes, None).unwrap_err().to_string();
        assert_eq!(doc["a"], 2);
        assert!(err.contains("#2 (missing)"), "{err}");
    }

    fn fixes_file(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("fixes.yaml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn every_stale_fix_is_reported_at_once_and_nothing_is_applied() {
        let dir = tempfile::tempdir().unwrap();
        let fixes = fixes_file(
            dir.path(),
            "fixes:\n  - why: first\n    patch:\n      - {op: test, path: /a, value: 1}\n      - {op: replace, path: /a, value: 2}\n  \
             - why: moved\n    patch:\n      - {op: test, path: /b, value: x}\n      - {op: remove, path: /b}\n  \
             - why: gone\n    patch:\n      - {op: test, path: /c/d, value: 3}\n      - {op: remove, path: /c/d}\n",
        );
        let mut doc = serde_json::json!({"a": 1, "b": "y"});
        let err = apply_fixes_for(&mut doc, &fixes, None).unwrap_err();
        let Error::StaleFixes { stale, report } = &err else { panic!("{err}") };
        assert_eq!(stale.iter().map(|s| s.number).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(stale[0].failed[0].found, Some(serde_json::json!("y")));
        assert_eq!(stale[1].failed[0].found, None);
        assert!(report.contains("fix #2: moved") && report.contains("at /b it expected \"x\"") && report.contains("found \"y\""), "{report}");
        assert!(report.contains("fix #3: gone") && report.contains("found nothing there"), "{report}");
        assert!(report.contains("drop the fix") && report.contains("re-anchor"), "{report}");
        assert_eq!(doc["a"], 1, "nothing is applied when a fix is stale");
    }

    #[test]
    fn a_fix_states_the_specs_it_is_for_by_date() {
        let dir = tempfile::tempdir().unwrap();
        let fixes = fixes_file(
            dir.path(),
            "fixes:\n  - why: new\n    since: 2026-01-01\n    patch:\n      - {op: test, path: /a, value: 1}\n      - {op: replace, path: /a, value: 2}\n  \
             - why: old\n    until: 2025-12-31\n    patch:\n      - {op: test, path: /b, value: 1}\n      - {op: replace, path: /b, value: 2}\n",
        );
        let mut doc = serde_json::json!({"a": 1, "b": 5});
        let report = apply_fixes_for(&mut doc, &fixes, Some("2026-08-21")).unwrap();
        assert_eq!((report.applied, report.skipped), (vec![1], vec![2]));
        assert_eq!(doc, serde_json::json!({"a": 2, "b": 5}));
        let mut old = serde_json::json!({"a": 7, "b": 1});
        let report = apply_fixes_for(&mut old, &fixes, Some("2025-03-18")).unwrap();
        assert_eq!((report.applied, report.skipped), (vec![2], vec![1]));
        // In its range, a fix that does not hold is stale.
        let mut wrong = serde_json::json!({"a": 7, "b": 1});
        assert!(matches!(apply_fixes_for(&mut wrong, &fixes, Some("2026-08-21")), Err(Error::StaleFixes { .. })));
    }
}
