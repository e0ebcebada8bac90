//! Where specs come from: the locked spec found on any machine, downloads with their limits,
//! the cache of specs by sha256, and GitHub raw URLs pinned to a commit.
//!
//! The locked spec is looked for in this order ([`locked_spec`]):
//! 1. `--spec PATH`, then `$ATLAS_SPEC` (taken as given: `generate --allow-unlocked` reads
//!    any spec; the commands that need the locked one verify it);
//! 2. `../shared/atlas-spec/atlas-api.yaml` beside the workspace, when its sha256 is the lock's;
//! 3. the cache, `target/atlas-spec/<sha256>.yaml`, when the file hashes to its name (an
//!    entry that does not is removed and ignored);
//! 4. a download of the lock's `source`, verified against its sha256 and stored in the cache
//!    atomically.
//!
//! `$ATLAS_GITHUB_RAW` and `$ATLAS_GITHUB_API` replace `https://raw.githubusercontent.com` and
//! `https://api.github.com` in every request (the recorded URLs stay GitHub's), so that
//! tests can put a loopback server in GitHub's place.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::lock::SpecLock;
use crate::parse::{sha256_hex, MAX_SPEC_BYTES};
use crate::Paths;

/// GitHub's raw-file host, as lock files record it.
pub const GITHUB_RAW: &str = "https://raw.githubusercontent.com";
/// GitHub's REST API, where a branch's commit is looked up.
pub const GITHUB_API: &str = "https://api.github.com";

/// How long a download may take, whole, before it is abandoned as stalled
/// (`$ATLAS_DOWNLOAD_TIMEOUT`, in seconds, replaces it).
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The cache of specs by sha256, under the workspace's `target/`.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join("target/atlas-spec")
}

/// The copy of the spec beside the workspace in this project's own workplace.
pub fn shared_spec(root: &Path) -> PathBuf {
    root.join("../shared/atlas-spec/atlas-api.yaml")
}

/// The real specs before the locked one, oldest first, as (date, path): the files with a date
/// in their name in `$ATLAS_SPEC_HISTORY`, else in `../shared/atlas-spec/history/` beside the
/// workspace. `None` when neither is there: older specs are data this project does not
/// commit, and no lock names them. Set `$ATLAS_SPEC_HISTORY` to a directory of them (the
/// history walk and the fixed-point tests need them).
pub fn history_specs(root: &Path) -> Result<Option<Vec<(String, PathBuf)>>> {
    let dir = match std::env::var_os("ATLAS_SPEC_HISTORY").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared/atlas-spec/history"),
    };
    if !dir.is_dir() {
        if std::env::var_os("ATLAS_SPEC_HISTORY").is_some_and(|v| !v.is_empty()) {
            return Err(Error::Lock(format!("$ATLAS_SPEC_HISTORY names {}, which is not a directory", dir.display())));
        }
        return Ok(None);
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut specs: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .filter_map(|p| date_in_name(&p).map(|d| (d, p)))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(Error::Lock(format!("{} holds no spec with a date in its name (atlas-api-YYYY-MM-DD.yaml)", dir.display())));
    }
    Ok(Some(specs))
}

/// A `YYYY-MM-DD` in a file name (`atlas-api-2026-03-03.yaml`).
pub fn date_in_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let candidate = name.get(i..i + 10)?;
        let ok = candidate.char_indices().all(|(j, c)| if j == 4 || j == 7 { c == '-' } else { c.is_ascii_digit() });
        ok.then(|| candidate.to_string())
    })
}

/// The spec to work on: see the module's documentation for the order.
pub fn locked_spec(paths: &Paths, explicit: Option<&Path>) -> Result<PathBuf> {
    let given = explicit.map(Path::to_path_buf).or_else(|| std::env::var_os("ATLAS_SPEC").filter(|v| !v.is_empty()).map(PathBuf::from));
    if let Some(path) = given {
        if path.is_file() {
            return Ok(path);
        }
        return Err(Error::Lock(format!("no spec at {} (given by --spec or $ATLAS_SPEC)", path.display())));
    }
    let lock = SpecLock::read(&paths.lock)?;
    let shared = shared_spec(&paths.root);
    if shared.is_file() && hash_file(&shared)? == lock.sha256 {
        return Ok(shared);
    }
    let cache = cache_dir(&paths.root);
    if let Some(cached) = cached(&cache, &lock.sha256) {
        return Ok(cached);
    }
    let bytes = download_locked(&lock)?;
    store_hashed(&cache, &lock.sha256, &bytes)
}

/// Downloads the lock's `source` and checks it is the locked spec.
fn download_locked(lock: &SpecLock) -> Result<Vec<u8>> {
    let bytes = fetch(&lock.source).map_err(|e| {
        Error::Lock(format!(
            "the locked spec (sha256 {}, spec of {}) is not here and could not be fetched: {e}\n\
             Pass --spec PATH or set ATLAS_SPEC to a copy of it, or put it at target/atlas-spec/{}.yaml",
            lock.sha256, lock.spec_date, lock.sha256
        ))
    })?;
    let found = sha256_hex(&bytes);
    if found != lock.sha256 {
        return Err(Error::Lock(format!(
            "{} has sha256 {found}, but spec/lock.toml locks sha256 {} (spec of {}): the source no longer serves the \
             locked spec (a branch that moved on?). Nothing was written.\n\
             To find the commit that serves the locked bytes and record it: cargo xtask spec pin. \
             To take what it serves now: cargo xtask spec update (the lock then names the commit, which never changes). \
             To use a copy of the locked spec: pass --spec PATH or set ATLAS_SPEC",
            lock.source, lock.sha256, lock.spec_date
        )));
    }
    Ok(bytes)
}

/// The cached spec of `sha256`, if the cache holds one that hashes to its name. An entry that
/// does not (a torn or edited file) is removed.
pub fn cached(cache: &Path, sha256: &str) -> Option<PathBuf> {
    let path = cache.join(format!("{sha256}.yaml"));
    if !path.is_file() {
        return None;
    }
    match hash_file(&path) {
        Ok(found) if found == sha256 => Some(path),
        _ => {
            eprintln!("note: {} does not hash to its name; ignored and removed", path.display());
            let _ = std::fs::remove_file(&path);
            None
        }
    }
}

/// Stores `bytes` in the cache under their sha256, atomically; returns the path.
pub fn store(cache: &Path, bytes: &[u8]) -> Result<PathBuf> {
    store_hashed(cache, &sha256_hex(bytes), bytes)
}

/// [`store`] for bytes whose sha256 the caller has computed already.
pub fn store_hashed(cache: &Path, sha256: &str, bytes: &[u8]) -> Result<PathBuf> {
    let path = cache.join(format!("{sha256}.yaml"));
    crate::write::write_file_atomically(&path, bytes)?;
    Ok(path)
}

fn hash_file(path: &Path) -> Result<String> {
    Ok(sha256_hex(&crate::parse::read_limited(path)?))
}

/// Whether `source` is an http(s) URL (else it is a path).
pub fn is_url(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://")
}

/// The bytes of `source`: a path, or an http(s) URL downloaded with the size limit and the
/// timeouts, with a progress line on stderr. An HTML page is refused (a login or error page
/// served with 200).
pub fn fetch(source: &str) -> Result<Vec<u8>> {
    if !is_url(source) {
        return crate::parse::read_limited(Path::new(source));
    }
    let url = effective_url(source);
    let shown = shown_url(source, &url);
    let failed = |reason: String| Error::Download { url: shown.clone(), reason };
    let mut response = client()
        .map_err(|e| failed(e.to_string()))?
        .get(&url)
        .send()
        .map_err(|e| failed(describe(&e)))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    if let Some(length) = response.content_length().filter(|n| *n > MAX_SPEC_BYTES) {
        return Err(failed(format!("it announces {length} bytes, over the {MAX_SPEC_BYTES}-byte limit for a spec")));
    }
    let mut body = Vec::new();
    let mut chunk = vec![0u8; 256 * 1024];
    let started = Instant::now();
    let mut shown_at = Instant::now();
    eprint!("downloading {shown} ...");
    loop {
        let n = response.read(&mut chunk).map_err(|e| {
            eprintln!();
            let cause = match e.get_ref().and_then(|inner| inner.downcast_ref::<reqwest::Error>()) {
                Some(inner) => describe(inner),
                None => e.to_string(),
            };
            failed(format!("after {} bytes: {cause}", body.len()))
        })?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
        if body.len() as u64 > MAX_SPEC_BYTES {
            eprintln!();
            return Err(failed(format!("over the {MAX_SPEC_BYTES}-byte limit for a spec")));
        }
        if shown_at.elapsed() > Duration::from_millis(500) {
            eprint!("\rdownloading {shown} ... {:.1} MB", body.len() as f64 / 1e6);
            shown_at = Instant::now();
        }
    }
    eprintln!("\rdownloading {shown} ... {:.1} MB in {:.1} s", body.len() as f64 / 1e6, started.elapsed().as_secs_f64());
    if looks_like_html(&body) {
        return Err(failed("it answered an HTML page, not a spec (a login, error or directory page?)".into()));
    }
    Ok(body)
}

fn looks_like_html(body: &[u8]) -> bool {
    let start: Vec<u8> = body.iter().skip_while(|b| b.is_ascii_whitespace()).take(15).map(u8::to_ascii_lowercase).collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// A transport error with its causes (reqwest's own message is only the first).
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if error.is_timeout() {
        text = format!("timed out ({text})");
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn client() -> std::result::Result<reqwest::blocking::Client, reqwest::Error> {
    let timeout = std::env::var("ATLAS_DOWNLOAD_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map(Duration::from_secs_f64)
        .unwrap_or(DOWNLOAD_TIMEOUT);
    reqwest::blocking::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        .user_agent(concat!("atlas-admin-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// `url` with GitHub's bases replaced by `$ATLAS_GITHUB_RAW` / `$ATLAS_GITHUB_API`.
pub fn effective_url(url: &str) -> String {
    for (base, var) in [(GITHUB_RAW, "ATLAS_GITHUB_RAW"), (GITHUB_API, "ATLAS_GITHUB_API")] {
        if let (Some(rest), Ok(replacement)) = (url.strip_prefix(base), std::env::var(var)) {
            if !replacement.is_empty() && (rest.is_empty() || rest.starts_with('/')) {
                return format!("{}{rest}", replacement.trim_end_matches('/'));
            }
        }
    }
    url.to_string()
}

fn shown_url(url: &str, effective: &str) -> String {
    if url == effective {
        url.to_string()
    } else {
        format!("{url} (from {effective})")
    }
}

/// A raw GitHub URL taken apart: `https://raw.githubusercontent.com/OWNER/REPO/REF/PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRaw {
    pub owner: String,
    pub repo: String,
    /// A branch (or tag), or a commit's full sha.
    pub reference: String,
    pub path: String,
}

impl GithubRaw {
    pub fn parse(url: &str) -> Option<Self> {
        let rest = url.strip_prefix(GITHUB_RAW)?.strip_prefix('/')?;
        let mut parts = rest.splitn(4, '/');
        let (owner, repo, reference, path) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if [owner, repo, reference, path].iter().any(|p| p.is_empty()) {
            return None;
        }
        Some(GithubRaw { owner: owner.into(), repo: repo.into(), reference: reference.into(), path: path.into() })
    }

    /// Whether the reference is a commit (40 hex digits): bytes that never change.
    pub fn is_pinned(&self) -> bool {
        is_commit(&self.reference)
    }

    pub fn url(&self) -> String {
        format!("{GITHUB_RAW}/{}/{}/{}/{}", self.owner, self.repo, self.reference, self.path)
    }
}

fn is_commit(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A GitHub raw URL on a branch, pinned to the branch's commit now (looked up with
/// `GET /repos/OWNER/REPO/commits/BRANCH`); `None` for any other URL or a URL already on a
/// commit.
pub fn pin_github(url: &str) -> Result<Option<String>> {
    let Some(raw) = GithubRaw::parse(url).filter(|raw| !raw.is_pinned()) else { return Ok(None) };
    let api = format!("/repos/{}/{}/commits/{}", raw.owner, raw.repo, raw.reference);
    let unknown = format!("GitHub knows no branch {:?} in {}/{}: check the URL's branch", raw.reference, raw.owner, raw.repo);
    let (answer, failed) = github_json(&api, unknown)?;
    let sha = answer
        .get("sha")
        .and_then(|s| s.as_str())
        .filter(|sha| is_commit(sha))
        .ok_or_else(|| failed(format!("the GitHub API's answer has no commit `sha`: {}", crate::error::excerpt(&answer.to_string(), 200))))?;
    Ok(Some(GithubRaw { reference: sha.to_ascii_lowercase(), ..raw }.url()))
}

/// The commits that changed `raw`'s file on its branch between two dates (`YYYY-MM-DD`,
/// inclusive), newest first (`GET /repos/OWNER/REPO/commits?sha=BRANCH&path=PATH&since=&until=`,
/// the first 100).
pub fn commits_of(raw: &GithubRaw, since: &str, until: &str) -> Result<Vec<String>> {
    let api = format!(
        "/repos/{}/{}/commits?sha={}&path={}&since={since}T00:00:00Z&until={until}T23:59:59Z&per_page=100",
        raw.owner, raw.repo, raw.reference, raw.path
    );
    let unknown = format!("GitHub knows no branch {:?} in {}/{}", raw.reference, raw.owner, raw.repo);
    let (answer, failed) = github_json(&api, unknown)?;
    let commits = answer.as_array().ok_or_else(|| failed("the GitHub API's answer is not a list of commits".into()))?;
    Ok(commits.iter().filter_map(|c| c.get("sha").and_then(|s| s.as_str())).filter(|s| is_commit(s)).map(str::to_ascii_lowercase).collect())
}

/// `GET` of a GitHub API path (`/repos/...`), as JSON, with `$GITHUB_TOKEN` when set (rate
/// limits on shared runners). A 404 or 422 is `unknown`; any other failure names the URL.
/// Returns the answer and a maker of errors that name the URL.
fn github_json(path: &str, unknown: String) -> Result<(serde_json::Value, impl Fn(String) -> Error)> {
    let api = format!("{GITHUB_API}{path}");
    let effective = effective_url(&api);
    let shown = shown_url(&api, &effective);
    let failed = move |reason: String| Error::Download { url: shown.clone(), reason };
    let mut request = client().map_err(|e| failed(e.to_string()))?.get(&effective).header("Accept", "application/vnd.github+json");
    if let Ok(token) = std::env::var("GITHUB_TOKEN") {
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
    }
    let response = request.send().map_err(|e| failed(describe(&e)))?;
    let status = response.status();
    let text = response.text().map_err(|e| failed(describe(&e)))?;
    if status.as_u16() == 404 || status.as_u16() == 422 {
        return Err(failed(format!("{unknown} (HTTP {status})")));
    }
    if !status.is_success() {
        return Err(failed(format!("the GitHub API answered HTTP {status}: {}", crate::error::excerpt(&text, 200))));
    }
    let answer = serde_json::from_str(&text).map_err(|e| failed(format!("the GitHub API's answer is not JSON ({e}): {}", crate::error::excerpt(&text, 200))))?;
    Ok((answer, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_urls_are_taken_apart_and_pinned_only_on_a_commit() {
        let raw = GithubRaw::parse("https://raw.githubusercontent.com/mongodb/openapi/main/openapi/atlas-api.yaml").unwrap();
        assert_eq!((raw.owner.as_str(), raw.repo.as_str(), raw.reference.as_str()), ("mongodb", "openapi", "main"));
        assert_eq!(raw.path, "openapi/atlas-api.yaml");
        assert!(!raw.is_pinned());
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let pinned = GithubRaw { reference: sha.into(), ..raw.clone() };
        assert!(pinned.is_pinned());
        assert_eq!(pinned.url(), format!("https://raw.githubusercontent.com/mongodb/openapi/{sha}/openapi/atlas-api.yaml"));
        assert_eq!(pin_github(&pinned.url()).unwrap(), None, "a commit URL is recorded as given, without a lookup");
        assert_eq!(pin_github("https://example.com/atlas-api.yaml").unwrap(), None);
        assert!(GithubRaw::parse("https://raw.githubusercontent.com/mongodb/openapi/main").is_none(), "no path");
        assert!(GithubRaw::parse("https://raw.githubusercontent.com.evil/mongodb/openapi/main/x").is_none());
    }

    #[test]
    fn html_is_recognised_whatever_its_case_and_leading_space() {
        assert!(looks_like_html(b"\n  <!DOCTYPE html><html>"));
        assert!(looks_like_html(b"<HTML><body>"));
        assert!(!looks_like_html(b"openapi: 3.0.1\n"));
        assert!(!looks_like_html(b"{\"openapi\": \"3.0.1\"}"));
    }

    #[test]
    fn a_cache_entry_that_does_not_hash_to_its_name_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let good = store(dir.path(), b"openapi: 3.0.1\n").unwrap();
        let sha = sha256_hex(b"openapi: 3.0.1\n");
        assert_eq!(cached(dir.path(), &sha), Some(good.clone()));
        std::fs::write(&good, b"openapi: 3.0.1\ntorn").unwrap();
        assert_eq!(cached(dir.path(), &sha), None);
        assert!(!good.exists(), "the bad entry is removed");
        assert_eq!(cached(dir.path(), &"0".repeat(64)), None);
    }
}
